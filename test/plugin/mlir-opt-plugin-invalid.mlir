// Cascade's verifiers run inside upstream mlir-opt too.
// RUN: mlir-opt %s --load-dialect-plugin=%cascade_plugin \
// RUN:   --load-pass-plugin=%cascade_plugin \
// RUN:   -verify-diagnostics

func.func @gqa_groups(%q: tensor<1x3x8x16xf32>, %k: tensor<1x2x8x16xf32>,
                      %v: tensor<1x2x8x16xf32>) -> tensor<1x3x8x16xf32> {
  // expected-error @below {{query heads Hq = 3 must be a multiple of key/value heads Hkv = 2}}
  %o = attn.attention %q, %k, %v
      : tensor<1x3x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>
      -> tensor<1x3x8x16xf32>
  return %o : tensor<1x3x8x16xf32>
}
