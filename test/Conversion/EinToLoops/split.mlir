// RUN: cascade-opt %s --convert-ein-to-loops | FileCheck %s

// The parts of ein-split: keys m < 45 in parts of 24 (ms), each in tiles of
// 4 (m1 over ml = m mod 24). The parts are a parallel rank; a part holds
// min(24, 45 - ms * 24) keys (21 in the last), so its loop runs over
// ceildiv(that, 4) tiles, the last one cut at the part's end, and reads the
// global key ms * 24 + m1 * 4 + m0.
// CHECK-LABEL: func.func @parts
// CHECK-DAG: %[[C45:.*]] = arith.constant 45 : index
// CHECK-DAG: %[[C24:.*]] = arith.constant 24 : index
// CHECK: %[[NPARTS:.*]] = arith.ceildivsi %[[C45]], %[[C24]] : index
// CHECK: scf.parallel (%[[MS:.*]], %[[P:.*]]) = (%{{.*}}, %{{.*}}) to (%[[NPARTS]], %{{.*}})
// CHECK: %[[START:.*]] = arith.muli %[[MS]], %{{.*}} : index
// CHECK: %[[LEFT:.*]] = arith.subi %[[C45]], %[[START]] : index
// CHECK: %[[KEYS:.*]] = arith.minsi %[[LEFT]], %{{.*}} : index
// CHECK: %[[TILES:.*]] = arith.ceildivsi %[[KEYS]], %{{.*}} : index
// CHECK: scf.for %[[M1:.*]] = %{{.*}} to %[[TILES]]
// CHECK: %[[T0:.*]] = arith.muli %[[M1]], %{{.*}} : index
// CHECK: %[[TLEFT:.*]] = arith.subi %[[KEYS]], %[[T0]] : index
// CHECK: %[[TKEYS:.*]] = arith.minsi %[[TLEFT]], %{{.*}} : index
// CHECK: %[[G0:.*]] = arith.muli %[[MS]], %{{.*}} overflow<nsw> : index
// CHECK: %[[G1:.*]] = arith.muli %[[M1]], %{{.*}} overflow<nsw> : index
// CHECK: %[[G:.*]] = arith.addi %[[G0]], %[[G1]] : index
// CHECK: memref.subview %{{.*}}[%[[P]], %[[G]]] [1, %[[TKEYS]]]
func.func @parts(%a: tensor<6x45xf32>) -> tensor<2x6xf32> {
  %0 = ein.cascade "sum_parts" ranks [m: 45, ms: m floordiv 24, ml: m mod 24, m1: ml floordiv 4, m0: ml mod 4, p: 6]
    ins(%A = %a : tensor<6x45xf32>) -> tensor<2x6xf32> {
    %L = ein.einsum L[ms, m1, p] += (%A[p, ms * 24 + m1 * 4 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x45xf32>) -> tensor<2x6x6xf32>
    %R = ein.einsum R[ms, m1 + 1, p] = (%R[ms, m1, p], %L[ms, m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %1 = arith.addf %r, %l : f32
      ein.yield %1 : f32
    } : (tensor<2x7x6xf32>, tensor<2x6x6xf32>) -> tensor<2x7x6xf32>
    %FR = ein.einsum FR[ms, p] = (%R[ms, |m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<2x7x6xf32>) -> tensor<2x6xf32>
    ein.yield %FR : tensor<2x6xf32>
  }
  return %0 : tensor<2x6xf32>
}
