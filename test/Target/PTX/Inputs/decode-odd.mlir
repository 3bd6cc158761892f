// Decode with 1000 keys (not a multiple of the 64-key tiles), GQA 8/2, B = 2.
func.func @decode(%q: tensor<2x8x1x64xf16>, %k: tensor<2x2x1000x64xf16>,
                  %v: tensor<2x2x1000x64xf16>) -> tensor<2x8x1x64xf16> {
  %o = attn.attention %q, %k, %v
      : tensor<2x8x1x64xf16>, tensor<2x2x1000x64xf16>, tensor<2x2x1000x64xf16>
      -> tensor<2x8x1x64xf16>
  return %o : tensor<2x8x1x64xf16>
}
