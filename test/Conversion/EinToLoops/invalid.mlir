// RUN: cascade-opt %s --split-input-file --convert-ein-to-loops -verify-diagnostics

// A reduction over the outer part of a partitioned rank must first become a
// running value (ein-online).
func.func @needs_online(%s: tensor<2x4x3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 8, m1: m floordiv 4, m0: m mod 4, p: 3] ins(%S = %s : tensor<2x4x3xf32>) -> tensor<3xf32> {
    // expected-error @+1 {{'T' reduces over 'm1', the outer part of a partitioned rank; run ein-online to make it a running value before convert-ein-to-loops}}
    %T = ein.einsum T[p] += (%S[m1, m0, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x4x3xf32>) -> tensor<3xf32>
    ein.yield %T : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

// Two recurrences over different ranks cannot share one loop.
func.func @two_iterative_ranks(%s: tensor<4x4xf32>) -> tensor<4x5xf32> {
  %r = ein.cascade "x" ranks [m: 4, n: 4] ins(%S = %s : tensor<4x4xf32>) -> tensor<4x5xf32> {
    %R = ein.einsum R[m + 1, n] = (%R[m, n], %S[m, n]) init(0.0) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.addf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
    // expected-error @+1 {{recurrences over both 'm' and 'n' cannot be fused into one loop nest}}
    %U = ein.einsum U[m, n + 1] = (%U[m, n], %R[m, n]) init(0.0) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.addf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<4x5xf32>, tensor<5x4xf32>) -> tensor<4x5xf32>
    ein.yield %U : tensor<4x5xf32>
  }
  return %r : tensor<4x5xf32>
}

// -----

// A recurrence's values live only in the loop's two buffers; the cascade
// cannot return it.
func.func @returns_recurrence(%s: tensor<4x3xf32>) -> tensor<5x3xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 3] ins(%S = %s : tensor<4x3xf32>) -> tensor<5x3xf32> {
    // expected-error @+1 {{the cascade returns the recurrence 'R' over the iterative rank 'm'}}
    %R = ein.einsum R[m + 1, p] = (%R[m, p], %S[m, p]) init(0.0) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.addf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<5x3xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
    ein.yield %R : tensor<5x3xf32>
  }
  return %r : tensor<5x3xf32>
}

// -----

// A tile map over a rank that the loop nest does not iterate.
func.func @bad_map(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{has a tile map over 'm', which is not the iterative rank of its recurrences}}
  %r = ein.cascade "sum" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> attributes {tiles = #ein.tile_map<rank = "m", dims = ["m"], symbols = [], visit = [], partial = [], inner = "", points = []>} {
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

// The einsums that classify the tiles run before each tile's body; a body
// einsum may not read them.
#every = affine_set<(d0) : (d0 >= 0)>
func.func @reads_classes(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  %r = ein.cascade "sum" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> attributes {tiles = #ein.tile_map<rank = "m1", dims = ["m1"], symbols = [], visit = [#every], partial = [], inner = "", points = [], classes = "TILE">} {
    %TILE = ein.einsum TILE[p, m1] = () {
      %c = arith.constant 2.0 : f32
      ein.yield %c : f32
    } : () -> tensor<6x3xf32>
    // expected-error @+1 {{reads 'TILE', which classifies the tiles it is computed on}}
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0], %TILE[p, m1]) {
    ^bb0(%x: f32, %t: f32):
      %0 = arith.mulf %x, %t : f32
      ein.yield %0 : f32
    } : (tensor<6x10xf32>, tensor<6x3xf32>) -> tensor<3x6xf32>
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
