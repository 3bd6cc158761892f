// attn.linear_attention with k in f16 while q, v and the result are f32: like
// attn.attention, whose verifier says "k element type 'f16' differs from q
// element type 'f32'", the op should reject operands whose element types
// differ. Its verifier checks each element type on its own only, so this is
// accepted today (and cascade-run compiles it).
//
// RUN: cascade-opt %s -verify-diagnostics

func.func @linear(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf16>,
                  %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op k element type 'f16' differs from q element type 'f32'}}
  %o = attn.linear_attention %q, %k, %v {causal}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf16>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
