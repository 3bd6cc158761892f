// Decode of N = 3 queries with a bottom-right causal mask, G = 4: 12 query
// rows per tile, fewer than a vector, laid out with the keys and Dv
// innermost (see decode-narrow.mlir); the mask's partial tile runs on the
// new layout. Against the fp64 reference, with key tiles of 64 and 24, 1 and
// 2 threads.
//
// RUN: cascade-run %s --check --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,LAYOUT
// RUN: cascade-run %s --check --tile-m 24 --threads 2 | FileCheck %s

// LAYOUT: remark: cascade 'attention': {{[0-9]+}} einsums laid out with 'm0' and 'f' innermost instead of 'p0' (fewer than 16 points)
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
func.func @causal(%q: tensor<2x8x3x48xf32>, %k: tensor<2x2x515x48xf32>,
                  %v: tensor<2x2x515x40xf32>) -> tensor<2x8x3x40xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x8x3x48xf32>, tensor<2x2x515x48xf32>, tensor<2x2x515x40xf32>
      -> tensor<2x8x3x40xf32>
  return %o : tensor<2x8x3x40xf32>
}
