// Grouped-query attention (8 query heads share 2 key/value heads) with a
// top-left causal mask, N = M = 1000 (not a multiple of the key tile), D = 64,
// compared with the fp64 reference on random inputs.
//
// The CHECK line requires "-> ok" and, through its regex, a max abs error in
// the 1e-6 range or below (or exactly 0), much tighter than the default
// --tolerance of 1e-4 that "ok" alone would accept.
//
// RUN: cascade-run %s --check | FileCheck %s

// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: FAILED

func.func @attention(%q: tensor<2x8x1000x64xf32>, %k: tensor<2x2x1000x64xf32>,
                     %v: tensor<2x2x1000x64xf32>) -> tensor<2x8x1000x64xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x8x1000x64xf32>, tensor<2x2x1000x64xf32>, tensor<2x2x1000x64xf32>
      -> tensor<2x8x1000x64xf32>
  return %o : tensor<2x8x1000x64xf32>
}
