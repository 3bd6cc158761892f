// Input accesses that are not a view of the input (a stride of 2 along the
// key rank, and a key read through floordiv inside a tile) are read element
// by element in the loop body; checked against the cascade evaluated as
// written, with tiles that do not divide the 50 keys.
// RUN: cascade-run %s --entry strided --check | FileCheck %s
// RUN: cascade-run %s --entry strided --check --tile-m=7 | FileCheck %s
// RUN: cascade-run %s --entry blocked --check --tile-m=16 | FileCheck %s
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}

func.func @strided(%s: tensor<100x3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 50, p: 3] ins(%S = %s : tensor<100x3xf32>) -> tensor<3xf32> {
    %T = ein.einsum T[p] += (%S[m * 2, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<100x3xf32>) -> tensor<3xf32>
    ein.yield %T : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

func.func @blocked(%s: tensor<50x3xf32>, %w: tensor<7xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 50, p: 3] ins(%S = %s : tensor<50x3xf32>, %W = %w : tensor<7xf32>) -> tensor<3xf32> {
    %T = ein.einsum T[p] max= (%S[m, p], %W[m floordiv 8]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.mulf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<50x3xf32>, tensor<7xf32>) -> tensor<3xf32>
    ein.yield %T : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}
