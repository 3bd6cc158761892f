// Split-KV decode whose last part is short, with operands read per key (a
// dense mask, a bias): no read past the keys, the same result as the CPU.
func.func @dmask(%q: tensor<1x32x1x128xf16>, %k: tensor<1x8x4100x128xf16>, %v: tensor<1x8x4100x128xf16>, %m: tensor<1x1x1x4100xi1>) -> tensor<1x32x1x128xf16> {
  %o = attn.attention %q, %k, %v mask(%m : tensor<1x1x1x4100xi1>) : tensor<1x32x1x128xf16>, tensor<1x8x4100x128xf16>, tensor<1x8x4100x128xf16> -> tensor<1x32x1x128xf16>
  return %o : tensor<1x32x1x128xf16>
}
func.func @bias(%q: tensor<1x8x1x64xf16>, %k: tensor<1x2x1000x64xf16>, %v: tensor<1x2x1000x64xf16>, %b: tensor<1x8x1x1000xf32>) -> tensor<1x8x1x64xf16> {
  %o = attn.attention %q, %k, %v bias(%b : tensor<1x8x1x1000xf32>) : tensor<1x8x1x64xf16>, tensor<1x2x1000x64xf16>, tensor<1x2x1000x64xf16> -> tensor<1x8x1x64xf16>
  return %o : tensor<1x8x1x64xf16>
}
