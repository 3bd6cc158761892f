// RUN: cascade-opt %s --split-input-file --verify-diagnostics --ein-sparsify | FileCheck %s

// What ein-sparsify leaves alone, and why.

// A running sum of masked values (L, a sum where m <= p) over the key tiles m1: an
// empty tile adds 0, so it may be skipped. Keys 0..9 in tiles of 4, queries
// p < 6 see m <= p: 18 tiles (m1, p), counted by hand: m1 = 0 is partial
// for p < 3 and full after, m1 = 1 partial for p = 4, 5, the rest empty.
// CHECK-LABEL: func.func @running_sum
// CHECK: tiles = #ein.tile_map<rank = "m1", dims = ["m1", "p"]
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

// -----

// A decaying sum R = 0.5 * R + L changes even when L is 0: skipping a tile
// would change the result.
// CHECK-LABEL: func.func @decay
// CHECK-NOT: tile_map
func.func @decay(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'decay': tiles not classified: the recurrence 'R' is not a running maximum or sum of the tile's masked values, so skipping a tile might change it}}
  %r = ein.cascade "decay" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) where (m1 * 4 + m0 <= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x10xf32>) -> tensor<3x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %c = arith.constant 0.5 : f32
      %0 = arith.mulf %r, %c : f32
      %1 = arith.addf %0, %l : f32
      ein.yield %1 : f32
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

// The running sum adds an unmasked value (U has no condition): an empty
// tile still adds to it.
func.func @unmasked_sum(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  // expected-remark @below {{tiles not classified: the recurrence 'R' is not a running maximum or sum}}
  %r = ein.cascade "u" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] max= (%A[p, m1 * 4 + m0]) where (m1 * 4 + m0 <= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x10xf32>) -> tensor<3x6xf32>
    %U = ein.einsum U[m1, p] += (%A[p, m1 * 4 + m0], %L[m1, p]) {
    ^bb0(%x: f32, %l: f32):
      ein.yield %x : f32
    } : (tensor<6x10xf32>, tensor<3x6xf32>) -> tensor<3x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %U[m1, p]) init(0.0) {
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

// Two different masks in the loop: no single classification.
func.func @two_conditions(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  // expected-remark @below {{tiles not classified: the einsums of the loop carry different conditions}}
  %r = ein.cascade "two" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) where (m1 * 4 + m0 <= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x10xf32>) -> tensor<3x6xf32>
    %K = ein.einsum K[m1, p] += (%A[p, m1 * 4 + m0]) where (m1 * 4 + m0 < p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x10xf32>) -> tensor<3x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p], %K[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32, %k: f32):
      %0 = arith.addf %r, %l : f32
      %1 = arith.addf %0, %k : f32
      ein.yield %1 : f32
    } : (tensor<4x6xf32>, tensor<3x6xf32>, tensor<3x6xf32>) -> tensor<4x6xf32>
    %O = ein.einsum O[p] = (%R[|m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<4x6xf32>) -> tensor<6xf32>
    ein.yield %O : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}

// -----

// A multi-pass cascade: the keys are not a loop of tiles yet.
func.func @multi_pass(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  // expected-remark @below {{tiles not classified: it has no loop over the tiles of a partitioned rank (run ein-one-pass first)}}
  %r = ein.cascade "mp" ranks [m: 10, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[p] += (%A[p, m]) where (m <= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x10xf32>) -> tensor<6xf32>
    ein.yield %L : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}

// -----

// A result written tile by tile inside the loop: a skipped tile would leave
// its part unwritten.
func.func @result_in_loop(%a: tensor<6x10xf32>) -> tensor<3x6xf32> {
  // expected-remark @below {{tiles not classified: 'L' is a result written inside the loop over 'm1'}}
  %r:2 = ein.cascade "in" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> (tensor<3x6xf32>, tensor<6xf32>) {
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
    ein.yield %L, %O : tensor<3x6xf32>, tensor<6xf32>
  }
  return %r#0 : tensor<3x6xf32>
}

// -----

// A predicate on a float (a comparison of scores): no range of the tile
// bounds it, and no condition on the ranks classifies the tiles.
func.func @float_predicate(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'sum': tiles not classified: no conjunct of its predicate can be bounded on a tile}}
  %r = ein.cascade "sum" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      %c = arith.constant 0.5 : f32
      %keep = arith.cmpf ogt, %x, %c : f32
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

// -----

// Two sums of the loop with different predicates (ids equal, ids apart): a
// tile one of them skips, the other needs.
func.func @different_predicates(%a: tensor<6x10xf32>, %qd: tensor<6xi32>, %kd: tensor<10xi32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'sum': tiles not classified: the einsums of the loop carry different conditions}}
  %r = ein.cascade "sum" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>, %QD = %qd : tensor<6xi32>, %KD = %kd : tensor<10xi32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0], %QD[p], %KD[m1 * 4 + m0]) {
    ^bb0(%x: f32, %q: i32, %k: i32):
      %eq = arith.cmpi eq, %q, %k : i32
      ein.yield %x, %eq : f32, i1
    } : (tensor<6x10xf32>, tensor<6xi32>, tensor<10xi32>) -> tensor<3x6xf32>
    %K = ein.einsum K[m1, p] += (%A[p, m1 * 4 + m0], %QD[p], %KD[m1 * 4 + m0]) {
    ^bb0(%x: f32, %q: i32, %k: i32):
      %ne = arith.cmpi ne, %q, %k : i32
      ein.yield %x, %ne : f32, i1
    } : (tensor<6x10xf32>, tensor<6xi32>, tensor<10xi32>) -> tensor<3x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p], %K[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32, %k: f32):
      %0 = arith.addf %l, %k : f32
      %1 = arith.addf %r, %0 : f32
      ein.yield %1 : f32
    } : (tensor<4x6xf32>, tensor<3x6xf32>, tensor<3x6xf32>) -> tensor<4x6xf32>
    %O = ein.einsum O[p] = (%R[|m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<4x6xf32>) -> tensor<6xf32>
    ein.yield %O : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}
