// RUN: cascade-opt %s --ein-sparsify --convert-ein-to-loops 2>/dev/null | FileCheck %s

// A tile map classified at run time (document ids): at each key tile the
// loop first computes the classifier (the key ids' range over the tile, then
// TILE), loads the tile's class and skips the tile when it is 0; a partial
// tile (2) runs with the predicate, a full one (1) without it and without
// reading the ids.

// CHECK-LABEL: func.func @doc_sum
// CHECK: scf.parallel
// CHECK: scf.for
// The key ids' minimum and maximum over the tile, then the class.
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%{{.*}} : memref<?xi64, {{.*}}>) outs(%[[LO:.*]] : memref<f64>)
// CHECK: arith.minimumf
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%{{.*}} : memref<?xi64, {{.*}}>) outs(%[[HI:.*]] : memref<f64>)
// CHECK: arith.maximumf
// CHECK: linalg.generic {{.*}} iterator_types = []} ins(%{{.*}}, %[[LO]], %[[HI]] : {{.*}}) outs(%[[CLS:.*]] : memref<f32>)
// CHECK: %[[C:.*]] = memref.load %[[CLS]][] : memref<f32>
// CHECK: %[[NONEMPTY:.*]] = arith.cmpf ogt, %[[C]], %{{.*}} : f32
// CHECK: %[[VISIT:.*]] = arith.andi %{{.*}}, %[[NONEMPTY]] : i1
// CHECK: %[[PARTIAL:.*]] = arith.cmpf ogt, %[[C]], %{{.*}} : f32
// CHECK: scf.if %[[VISIT]]
// CHECK-NEXT: scf.if %[[PARTIAL]] {
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Q:.*]]: i64, %[[K:.*]]: i64, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[EQ:.*]] = arith.cmpi eq, %[[Q]], %[[K]] : i64
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[ACC]], %[[X]] : f32
// CHECK-NEXT: arith.select %[[EQ]], %[[SUM]], %[[ACC]] : f32
// Without the predicate, the ids are not read at all.
// CHECK: } else {
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : memref<?xf32, {{.*}}>) outs(
// CHECK-NEXT: ^bb0(%[[X2:.*]]: f32, %[[ACC2:.*]]: f32):
// CHECK-NOT: arith.select
// CHECK: %[[SUM2:.*]] = arith.addf %[[ACC2]], %[[X2]] : f32
// CHECK-NEXT: linalg.yield %[[SUM2]] : f32
func.func @doc_sum(%a: tensor<6x10xf32>, %qd: tensor<6xi64>, %kd: tensor<10xi64>) -> tensor<6xf32> {
  %r = ein.cascade "sum" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>, %QD = %qd : tensor<6xi64>, %KD = %kd : tensor<10xi64>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0], %QD[p], %KD[m1 * 4 + m0]) {
    ^bb0(%x: f32, %q: i64, %k: i64):
      %eq = arith.cmpi eq, %q, %k : i64
      ein.yield %x, %eq : f32, i1
    } : (tensor<6x10xf32>, tensor<6xi64>, tensor<10xi64>) -> tensor<3x6xf32>
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
