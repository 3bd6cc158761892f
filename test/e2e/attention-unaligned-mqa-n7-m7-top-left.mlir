// A sequence length that is not a multiple of the key tile (64), compared
// with the fp64 reference on random inputs.
//
// MQA, N = M = 7 (one partial tile), top-left causal, Dv = 32 != D = 16.
//
// The CHECK line requires "-> ok" and a max abs error in the 1e-6 range or
// below (or exactly 0).
//
// RUN: cascade-run %s --check | FileCheck %s

// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}

func.func @mqa_n7_m7_top_left(%q: tensor<2x4x7x16xf32>, %k: tensor<2x1x7x16xf32>,
                              %v: tensor<2x1x7x32xf32>) -> tensor<2x4x7x32xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x7x16xf32>, tensor<2x1x7x16xf32>, tensor<2x1x7x32xf32>
      -> tensor<2x4x7x32xf32>
  return %o : tensor<2x4x7x32xf32>
}
