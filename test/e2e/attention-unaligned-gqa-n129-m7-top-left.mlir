// A sequence length that is not a multiple of the key tile (64), compared
// with the fp64 reference on random inputs.
//
// Top-left with N > M: rows n >= 7 see every key, rows n < 7 a prefix.
//
// The CHECK line requires "-> ok" and a max abs error in the 1e-6 range or
// below (or exactly 0).
//
// RUN: cascade-run %s --check | FileCheck %s

// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}

func.func @gqa_n129_m7_top_left(%q: tensor<2x4x129x32xf32>, %k: tensor<2x2x7x32xf32>,
                                %v: tensor<2x2x7x16xf32>) -> tensor<2x4x129x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x129x32xf32>, tensor<2x2x7x32xf32>, tensor<2x2x7x16xf32>
      -> tensor<2x4x129x16xf32>
  return %o : tensor<2x4x129x16xf32>
}
