// A graph around the attention block: the query is computed by elementwise
// arithmetic on tensors, the output gets a residual. Everything that is not
// attention goes through upstream lowering; the reference graph computes the
// same arithmetic around the reference attention.
// RUN: cascade-run %s --check | FileCheck %s
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
func.func @block(%x: tensor<2x4x33x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x16xf32>) -> tensor<2x4x33x16xf32> {
  %q = arith.mulf %x, %x : tensor<2x4x33x16xf32>
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>} : tensor<2x4x33x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x16xf32> -> tensor<2x4x33x16xf32>
  %r = arith.addf %o, %x : tensor<2x4x33x16xf32>
  return %r : tensor<2x4x33x16xf32>
}
