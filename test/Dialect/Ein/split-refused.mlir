// RUN: cascade-opt %s --split-input-file --verify-diagnostics "--ein-split=parts=2" | FileCheck %s

// What ein-split leaves alone, and why. Keys m < 40 in tiles of 4 (m1 < 10).

// A running sum of the tiles (init 0, unscaled) merges by adding the parts:
// split, the merge is a sum over ms.
// CHECK-LABEL: func.func @running_sum
// CHECK: ein.cascade "sum_parts" ranks [m: 40, ms: m floordiv 20, ml: m mod 20, m1: ml floordiv 4, m0: ml mod 4, p: 6]
// CHECK: ein.einsum L[ms, m1, p] += (%A[p, ms * 20 + m1 * 4 + m0])
// CHECK: ein.cascade "sum_merge"
// CHECK: ein.einsum MR[p] += (%FR[ms, p])
func.func @running_sum(%a: tensor<6x40xf32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'sum': split into 2 parts of 20 keys}}
  %r = ein.cascade "sum" ranks [m: 40, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x40xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x40xf32>) -> tensor<10x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %0 = arith.addf %r, %l : f32
      ein.yield %0 : f32
    } : (tensor<11x6xf32>, tensor<10x6xf32>) -> tensor<11x6xf32>
    %O = ein.einsum O[p] = (%R[|m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<11x6xf32>) -> tensor<6xf32>
    ein.yield %O : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}

// -----

// A decaying sum R = R / 2 + L weighs the tiles of a part by their distance
// to the part's end, not to the end of all keys.
// CHECK-LABEL: func.func @decay
// CHECK: ein.cascade "decay" ranks
func.func @decay(%a: tensor<6x40xf32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'decay': not split: the recurrence 'R' is not a running maximum or sum, so its parts do not merge}}
  %r = ein.cascade "decay" ranks [m: 40, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x40xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x40xf32>) -> tensor<10x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %c = arith.constant 0.5 : f32
      %0 = arith.mulf %r, %c : f32
      %1 = arith.addf %0, %l : f32
      ein.yield %1 : f32
    } : (tensor<11x6xf32>, tensor<10x6xf32>) -> tensor<11x6xf32>
    %O = ein.einsum O[p] = (%R[|m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<11x6xf32>) -> tensor<6xf32>
    ein.yield %O : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}

// -----

// A running sum rescaled by F(old, new) = 1 + old - new: F(x, x) = 1, but
// rescaling twice is not rescaling once, so a part's sum cannot be carried
// to the merged maximum in one step.
func.func @bad_factor(%a: tensor<6x40xf32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'bad': not split: the running sum 'R' is rescaled by a factor that is not f(old max, new max) with f(a, b) f(b, c) = f(a, c)}}
  %r = ein.cascade "bad" ranks [m: 40, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x40xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] max= (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x40xf32>) -> tensor<10x6xf32>
    %M = ein.einsum M[m1 + 1, p] = (%M[m1, p], %L[m1, p]) init(-inf) {
    ^bb0(%m: f32, %l: f32):
      %0 = arith.maximumf %m, %l : f32
      ein.yield %0 : f32
    } : (tensor<11x6xf32>, tensor<10x6xf32>) -> tensor<11x6xf32>
    %F = ein.einsum F[m1, p] = (%M[m1, p], %M[m1 + 1, p]) {
    ^bb0(%old: f32, %new: f32):
      %c = arith.constant 1.0 : f32
      %0 = arith.subf %old, %new : f32
      %1 = arith.addf %0, %c : f32
      ein.yield %1 : f32
    } : (tensor<11x6xf32>, tensor<11x6xf32>) -> tensor<10x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p], %F[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32, %f: f32):
      %0 = arith.mulf %r, %f : f32
      %1 = arith.addf %0, %l : f32
      ein.yield %1 : f32
    } : (tensor<11x6xf32>, tensor<10x6xf32>, tensor<10x6xf32>) -> tensor<11x6xf32>
    %O = ein.einsum O[p] = (%R[|m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<11x6xf32>) -> tensor<6xf32>
    ein.yield %O : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}

// -----

// A prefix sum read inside the loop (chunked causal linear attention reads
// the state of every earlier chunk): a part does not have it.
func.func @prefix(%a: tensor<6x40xf32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'prefix': not split: 'X' reads the running state 'R' inside the loop}}
  %r = ein.cascade "prefix" ranks [m: 40, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x40xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x40xf32>) -> tensor<10x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %0 = arith.addf %r, %l : f32
      ein.yield %0 : f32
    } : (tensor<11x6xf32>, tensor<10x6xf32>) -> tensor<11x6xf32>
    %X = ein.einsum X[m1, p] = (%R[m1, p], %L[m1, p]) {
    ^bb0(%r: f32, %l: f32):
      %0 = arith.mulf %r, %l : f32
      ein.yield %0 : f32
    } : (tensor<11x6xf32>, tensor<10x6xf32>) -> tensor<10x6xf32>
    %S = ein.einsum S[m1 + 1, p] = (%S[m1, p], %X[m1, p]) init(0.0) {
    ^bb0(%s: f32, %x: f32):
      %0 = arith.addf %s, %x : f32
      ein.yield %0 : f32
    } : (tensor<11x6xf32>, tensor<10x6xf32>) -> tensor<11x6xf32>
    %O = ein.einsum O[p] = (%S[|m1|, p]) {
    ^bb0(%s: f32):
      ein.yield %s : f32
    } : (tensor<11x6xf32>) -> tensor<6xf32>
    ein.yield %O : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}

// -----

// A result written tile by tile inside the loop.
func.func @result_in_loop(%a: tensor<6x40xf32>) -> tensor<10x6xf32> {
  // expected-remark @below {{cascade 'tiles': not split: 'L' is a result written inside the loop over 'm1'}}
  %r = ein.cascade "tiles" ranks [m: 40, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x40xf32>) -> tensor<10x6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x40xf32>) -> tensor<10x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %0 = arith.addf %r, %l : f32
      ein.yield %0 : f32
    } : (tensor<11x6xf32>, tensor<10x6xf32>) -> tensor<11x6xf32>
    ein.yield %L : tensor<10x6xf32>
  }
  return %r : tensor<10x6xf32>
}

// -----

// No running state: a multi-pass cascade (ein-one-pass did not apply).
func.func @three_pass(%a: tensor<6x40xf32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'max': not split: no running state: the cascade is not a one-pass cascade}}
  %r = ein.cascade "max" ranks [m: 40, p: 6] ins(%A = %a : tensor<6x40xf32>) -> tensor<6xf32> {
    %M = ein.einsum M[p] max= (%A[p, m]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x40xf32>) -> tensor<6xf32>
    ein.yield %M : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}

// -----

// A dynamic number of keys: the parts are sized at compile time.
func.func @dynamic(%a: tensor<6x?xf32>) -> tensor<6xf32> {
  // expected-remark @below {{cascade 'dyn': not split: the extent of 'm' is dynamic; the parts are sized from a static one}}
  %r = ein.cascade "dyn" ranks [m: dim(0, 1), m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x?xf32>) -> tensor<6xf32> {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x?xf32>) -> tensor<?x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %0 = arith.addf %r, %l : f32
      ein.yield %0 : f32
    } : (tensor<?x6xf32>, tensor<?x6xf32>) -> tensor<?x6xf32>
    %O = ein.einsum O[p] = (%R[|m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<?x6xf32>) -> tensor<6xf32>
    ein.yield %O : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}

// -----

// Keys already split: the parts cascade of ein-split, whose tiles m1 are
// tiles of ml, a part of m.
func.func @already_split(%a: tensor<6x45xf32>) -> tensor<2x6xf32> {
  // expected-remark @below {{cascade 'sum_parts': not split: the keys are already split ('ml' is a part of 'm')}}
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

// -----

// Running states over two ranks: no single loop to split.
func.func @two_loops(%a: tensor<8x40xf32>) -> (tensor<8xf32>, tensor<40xf32>) {
  // expected-remark @below {{cascade 'two': not split: recurrences over both 'm1' and 'p1'}}
  %r:2 = ein.cascade "two" ranks [m: 40, m1: m floordiv 4, m0: m mod 4, p: 8, p1: p floordiv 4, p0: p mod 4] ins(%A = %a : tensor<8x40xf32>) -> (tensor<8xf32>, tensor<40xf32>) {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<8x40xf32>) -> tensor<10x8xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %0 = arith.addf %r, %l : f32
      ein.yield %0 : f32
    } : (tensor<11x8xf32>, tensor<10x8xf32>) -> tensor<11x8xf32>
    %O = ein.einsum O[p] = (%R[|m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<11x8xf32>) -> tensor<8xf32>
    %K = ein.einsum K[p1, m] += (%A[p1 * 4 + p0, m]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<8x40xf32>) -> tensor<2x40xf32>
    %S = ein.einsum S[p1 + 1, m] = (%S[p1, m], %K[p1, m]) init(0.0) {
    ^bb0(%s: f32, %k: f32):
      %0 = arith.addf %s, %k : f32
      ein.yield %0 : f32
    } : (tensor<3x40xf32>, tensor<2x40xf32>) -> tensor<3x40xf32>
    %T = ein.einsum T[m] = (%S[|p1|, m]) {
    ^bb0(%s: f32):
      ein.yield %s : f32
    } : (tensor<3x40xf32>) -> tensor<40xf32>
    ein.yield %O, %T : tensor<8xf32>, tensor<40xf32>
  }
  return %r#0, %r#1 : tensor<8xf32>, tensor<40xf32>
}
