// Softmax attention, grouped-query (8 query heads share 2 key/value heads),
// causal. `cascade-run examples/attention.mlir --check` compiles it, runs it
// on random inputs and compares with the reference implementation.
func.func @attention(%q: tensor<2x8x1000x64xf32>, %k: tensor<2x2x1000x64xf32>,
                     %v: tensor<2x2x1000x64xf32>) -> tensor<2x8x1000x64xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x8x1000x64xf32>, tensor<2x2x1000x64xf32>, tensor<2x2x1000x64xf32>
      -> tensor<2x8x1000x64xf32>
  return %o : tensor<2x8x1000x64xf32>
}
