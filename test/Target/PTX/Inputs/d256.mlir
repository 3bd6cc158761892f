// D = 256: 32-key tiles, so that the double-buffered K and V fit in shared
// memory.

func.func @d256(%q: tensor<1x2x70x256xf16>, %k: tensor<1x2x90x256xf16>, %v: tensor<1x2x90x256xf16>) -> tensor<1x2x70x256xf16> {
  %o = attn.attention %q, %k, %v : tensor<1x2x70x256xf16>, tensor<1x2x90x256xf16>, tensor<1x2x90x256xf16> -> tensor<1x2x70x256xf16>
  return %o : tensor<1x2x70x256xf16>
}
