// Grouped-query causal attention: 4 query heads share 2 key/value heads;
// 7 queries, 13 keys, head dimension 8.
func.func @attn_causal(%q: tensor<2x4x7x8xf32>, %k: tensor<2x2x13x8xf32>,
                       %v: tensor<2x2x13x8xf32>) -> tensor<2x4x7x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x7x8xf32>, tensor<2x2x13x8xf32>, tensor<2x2x13x8xf32>
      -> tensor<2x4x7x8xf32>
  return %o : tensor<2x4x7x8xf32>
}
