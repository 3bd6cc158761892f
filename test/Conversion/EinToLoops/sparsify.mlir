// RUN: cascade-opt %s --ein-sparsify --convert-ein-to-loops --canonicalize 2>/dev/null | FileCheck %s

// The loop nest of a cascade with a tile map: a running sum over key tiles
// of 4 (m1) of the keys m <= p. The loop over m1 stops at the last visited
// tile, min(p floordiv 4 + 1, 3); a tile outside the visit set is skipped
// (the running value and its next buffer are not swapped); a partial tile
// runs the masked body over the keys up to p only; a full tile runs it
// without the condition.
// CHECK-LABEL: func.func @running_sum
// CHECK: scf.parallel (%[[P:.+]]) =
// CHECK:   %[[Q:.+]] = arith.floordivsi %[[P]], %c4
// CHECK:   %[[Q1:.+]] = arith.addi %[[Q]], %c1
// CHECK:   %[[HI:.+]] = arith.minsi %[[Q1]], %c3
// CHECK:   scf.for %[[M1:.+]] = %c0 to %[[HI]] step %c1 iter_args(%[[CUR:.+]] = %{{.+}}, %[[NEXT:.+]] = %{{.+}})
// CHECK:     %[[A:.+]] = arith.select %[[VISIT:.+]], %[[NEXT]], %[[CUR]]
// CHECK:     %[[B:.+]] = arith.select %[[VISIT]], %[[CUR]], %[[NEXT]]
// CHECK:     scf.if %[[VISIT]] {
// CHECK:       scf.if %{{.+}} {
// CHECK:         memref.subview %{{.+}}[%[[P]], %{{.+}}] [1, %{{.+}}]
// CHECK:         linalg.generic
// CHECK:           arith.select
// CHECK:       } else {
// CHECK:         linalg.generic
// CHECK-NOT:       arith.select
// CHECK:           linalg.yield
// CHECK:       }
// CHECK:     }
// CHECK:     scf.yield %[[A]], %[[B]]
func.func @running_sum(%a: tensor<6x10xf32>) -> tensor<6xf32> {
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
