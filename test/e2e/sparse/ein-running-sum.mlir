// A one-pass cascade written in ein (a running sum over key tiles of 4 of
// the keys m <= p): the CPU pipeline classifies its tiles and skips the
// empty ones; the reference evaluates the cascade as written, every tile
// visited and masked.
//
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 1 2>&1 | FileCheck %s --check-prefix=ROWS
// CHECK: tiles: 1 empty, 0 full, 2 partial (over m1, p1)
// CHECK: check result0: max abs error {{.*}} -> ok{{$}}
// ROWS: tiles: 10 empty, 3 full, 5 partial (over m1, p1)
// ROWS: check result0: max abs error {{.*}} -> ok{{$}}
func.func @running_sum(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'sum': tiles: 10 empty, 3 full, 5 partial (over m1, p)}}
  %r = ein.cascade "sum" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) where (m1 * 4 + m0 <= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x10xf32>) -> tensor<3x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %0 = arith.addf %r, %l : f32
      ein.yield %0 : f32
    } : (tensor<4x6xf32>, tensor<3x6xf32>) -> tensor<4x6xf32>
    %O = ein.einsum O[p] = (%R[|m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<4x6xf32>) -> tensor<6xf32>
    ein.yield %O : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}
