// RUN: cascade-opt %s --split-input-file --verify-diagnostics --ein-sparsify | FileCheck %s

// ein-sparsify on masks that read tensors or compute on positions: the tiles
// are classified at run time. For each tensor the predicate reads over the
// inner part of a tile, a min= and a max= einsum give its range per tile (a
// tensor read at tile ranks only is read as is); the classifier TILE
// evaluates the predicate on those ranges: 0 (empty), 1 (full) or 2.

// Document ids: QD[p] == KD[m]. The key ids range over each key tile of 4;
// the query ids are read per query (p is a parallel rank, not tiled). A tile
// may hold an equal pair when the ranges meet, holds only equal pairs when
// both are the same single id.
// CHECK-LABEL: func.func @doc_sum
// CHECK: tiles = #ein.tile_map<rank = "m1", dims = ["m1"], symbols = [], visit = [#{{.*}}], partial = [], inner = "", points = [], classes = "TILE">
// CHECK: %KDLO = ein.einsum KDLO[p, m1] min= (%KD[m1 * 4 + m0]) {
// CHECK: arith.sitofp %{{.*}} : i64 to f64
// CHECK: } : (tensor<10xi64>) -> tensor<6x3xf64>
// CHECK: %KDHI = ein.einsum KDHI[p, m1] max= (%KD[m1 * 4 + m0])
// CHECK: %TILE = ein.einsum TILE[p, m1] = (%QD[p], %KDLO[p, m1], %KDHI[p, m1]) {
// CHECK-NEXT: ^bb0(%[[QD:.*]]: i64, %[[LO:.*]]: f64, %[[HI:.*]]: f64):
// CHECK-NEXT: %[[Q:.*]] = arith.sitofp %[[QD]] : i64 to f64
// CHECK-NEXT: %[[A:.*]] = arith.cmpf ole, %[[LO]], %[[Q]] : f64
// CHECK-NEXT: %[[B:.*]] = arith.cmpf ole, %[[Q]], %[[HI]] : f64
// CHECK-NEXT: %[[MEET:.*]] = arith.andi %[[B]], %[[A]] : i1
// CHECK-NEXT: %[[E1:.*]] = arith.cmpf oeq, %[[Q]], %[[LO]] : f64
// CHECK-NEXT: %[[E2:.*]] = arith.cmpf oeq, %[[LO]], %[[HI]] : f64
// i64 ids beyond 2^53 are not exact in f64: such a tile is partial.
// CHECK: arith.constant 0x4340000000000000 : f64
// CHECK: ein.yield %{{.*}} : f32
// CHECK-NEXT: } : (tensor<6xi64>, tensor<6x3xf64>, tensor<6x3xf64>) -> tensor<6x3xf32>
func.func @doc_sum(%a: tensor<6x10xf32>, %qd: tensor<6xi64>, %kd: tensor<10xi64>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'sum': tiles classified at run time by 'TILE' from QD, KD (over p, m1)}}
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

// -----

// A condition on the ranks (m <= p) and a dense i8 mask: the sets classify
// first (counted: 3 x 6 tiles), the mask's range per tile then decides at run
// time. The mask is read through its i8 elements converted to f64; a tile
// whose maximum is 0 is empty, one whose minimum is not 0 is full.
// CHECK-LABEL: func.func @causal_and_mask
// CHECK: classes = "TILE"
// CHECK: %MLO = ein.einsum MLO[p, m1] min= (%M[p, m1 * 4 + m0]) {
// CHECK: %MHI = ein.einsum MHI[p, m1] max= (%M[p, m1 * 4 + m0]) {
// CHECK: %TILE = ein.einsum TILE[p, m1] = (%MLO[p, m1], %MHI[p, m1]) {
func.func @causal_and_mask(%a: tensor<6x10xf32>, %m: tensor<6x10xi8>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'sum': tiles: 10 empty, 3 full, 5 partial (over m1, p), then classified at run time by 'TILE' from M (over p, m1)}}
  %r = ein.cascade "sum" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>, %M = %m : tensor<6x10xi8>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0], %M[p, m1 * 4 + m0]) where (m1 * 4 + m0 <= p) {
    ^bb0(%x: f32, %k: i8):
      %c0 = arith.constant 0 : i8
      %keep = arith.cmpi ne, %k, %c0 : i8
      ein.yield %x, %keep : f32, i1
    } : (tensor<6x10xf32>, tensor<6x10xi8>) -> tensor<3x6xf32>
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

// -----

// A predicate on positions (a mask_mod): (p - m) mod 8 < 3 with m = m1 * 4 +
// m0. The key positions of a tile range over [4 m1, min(4 m1 + 3, |m| - 1)]
// (the last tile is cut); a remainder is bounded exactly when the range lies
// in one period.
// CHECK-LABEL: func.func @positions
// CHECK: %TILE = ein.einsum TILE[p, m1] = () {
// CHECK-DAG: ein.index m1
// CHECK-DAG: ein.index p
// CHECK-DAG: ein.extent m
func.func @positions(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'sum': tiles classified at run time by 'TILE' from the positions (over p, m1)}}
  %r = ein.cascade "sum" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      %t = ein.index m1
      %i = ein.index m0
      %p = ein.index p
      %c4 = arith.constant 4 : index
      %c8 = arith.constant 8 : index
      %c3 = arith.constant 3 : index
      %base = arith.muli %t, %c4 : index
      %key = arith.addi %base, %i : index
      %d = arith.subi %p, %key : index
      %r = arith.remsi %d, %c8 : index
      %keep = arith.cmpi slt, %r, %c3 : index
      ein.yield %x, %keep : f32, i1
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
