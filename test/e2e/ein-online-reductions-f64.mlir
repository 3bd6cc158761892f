// The same cascades in f64 (the running values keep the element type). Cascades written in ein: the CPU pipeline partitions m and makes the
// reductions online; --check compares with the cascade evaluated as written
// (one full pass per reduction). 100 keys in tiles of 16 and 7.
// RUN: cascade-run %s --entry rowmax --check | FileCheck %s
// RUN: cascade-run %s --entry rowmax --check --tile-m=7 | FileCheck %s
// RUN: cascade-run %s --entry logsumexp --check | FileCheck %s
// RUN: cascade-run %s --entry logsumexp --check --tile-m=7 | FileCheck %s
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}

// A returned reduction: the result reads the final running max.
func.func @rowmax(%s: tensor<2x100x3xf64>) -> tensor<2x3xf64> {
  %r = ein.cascade "rowmax" ranks [b: 2, m: 100, p: 3] ins(%S = %s : tensor<2x100x3xf64>) -> tensor<2x3xf64> {
    %T = ein.einsum T[b, p] max= (%S[b, m, p]) {
    ^bb0(%x: f64):
      ein.yield %x : f64
    } : (tensor<2x100x3xf64>) -> tensor<2x3xf64>
    ein.yield %T : tensor<2x3xf64>
  }
  return %r : tensor<2x3xf64>
}

// log(sum_m exp(s - max)) + max: a max read through exp(x - max) and a sum
// of the rescaled terms, with the result after the pass.
func.func @logsumexp(%s: tensor<2x100x3xf64>) -> tensor<2x3xf64> {
  %r = ein.cascade "lse" ranks [b: 2, m: 100, p: 3] ins(%S = %s : tensor<2x100x3xf64>) -> tensor<2x3xf64> {
    %GM = ein.einsum GM[b, p] max= (%S[b, m, p]) {
    ^bb0(%x: f64):
      ein.yield %x : f64
    } : (tensor<2x100x3xf64>) -> tensor<2x3xf64>
    %SN = ein.einsum SN[b, m, p] = (%S[b, m, p], %GM[b, p]) {
    ^bb0(%x: f64, %g: f64):
      %0 = arith.subf %x, %g : f64
      %1 = math.exp %0 : f64
      ein.yield %1 : f64
    } : (tensor<2x100x3xf64>, tensor<2x3xf64>) -> tensor<2x100x3xf64>
    %SD = ein.einsum SD[b, p] += (%SN[b, m, p]) {
    ^bb0(%x: f64):
      ein.yield %x : f64
    } : (tensor<2x100x3xf64>) -> tensor<2x3xf64>
    %L = ein.einsum L[b, p] = (%SD[b, p], %GM[b, p]) {
    ^bb0(%d: f64, %g: f64):
      %0 = math.log %d : f64
      %1 = arith.addf %0, %g : f64
      ein.yield %1 : f64
    } : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
    ein.yield %L : tensor<2x3xf64>
  }
  return %r : tensor<2x3xf64>
}
