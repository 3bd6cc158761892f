// A sequence length that is not a multiple of the key tile (64), compared
// with the fp64 reference on random inputs.
//
// 129 queries over a single partial tile of 7 keys.
//
// The CHECK line requires "-> ok" and a max abs error in the 1e-6 range or
// below (or exactly 0).
//
// RUN: cascade-run %s --check | FileCheck %s

// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}

func.func @gqa_n129_m7_none(%q: tensor<2x4x129x32xf32>, %k: tensor<2x2x7x32xf32>,
                            %v: tensor<2x2x7x32xf32>) -> tensor<2x4x129x32xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x4x129x32xf32>, tensor<2x2x7x32xf32>, tensor<2x2x7x32xf32>
      -> tensor<2x4x129x32xf32>
  return %o : tensor<2x4x129x32xf32>
}
