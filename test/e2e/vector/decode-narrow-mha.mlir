// MHA decode: one query row per tile, laid out with the keys and Dv
// innermost (see decode-narrow.mlir), with a sliding window and a softcap;
// D = 33 and Dv = 17 (one lane past a vector). Against the fp64 reference,
// with key tiles of 64 and 24.
//
// RUN: cascade-run %s --check --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,LAYOUT
// RUN: cascade-run %s --check --tile-m 24 | FileCheck %s

// LAYOUT: remark: cascade 'attention': {{[0-9]+}} einsums laid out with 'm0' and 'f' innermost instead of 'p0' (fewer than 16 points)
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
func.func @mha(%q: tensor<3x2x1x33xf32>, %k: tensor<3x2x401x33xf32>,
               %v: tensor<3x2x401x17xf32>) -> tensor<3x2x1x17xf32> {
  %o = attn.attention %q, %k, %v
      {causal = #attn.causal<bottom_right>, window = array<i64: 150, 0>,
       softcap = 2.0 : f32}
      : tensor<3x2x1x33xf32>, tensor<3x2x401x33xf32>, tensor<3x2x401x17xf32>
      -> tensor<3x2x1x17xf32>
  return %o : tensor<3x2x1x17xf32>
}
