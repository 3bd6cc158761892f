// RUN: cascade-opt %s --split-input-file --verify-diagnostics --ein-pack | FileCheck %s
// RUN: cascade-opt %s --split-input-file --verify-diagnostics --ein-pack=keep-narrow | FileCheck %s --check-prefix=NARROW

// The contraction's vector rank is p0 (the last rank of BQK); Q varies along
// p0 in a non-last index, so it is copied once per query tile into
// QP[p1, e, p0], with the scale the contraction applied to q alone.
// K does not vary along p0 and V is read by an elementwise einsum: both stay.
// CHECK-LABEL: func.func @scores
// CHECK:         %QP = ein.einsum QP[p1, e, p0] = (%Q[p1 * 4 + p0, e]) {
// CHECK-NEXT:    ^bb0(%[[Q:.+]]: f32):
// CHECK-NEXT:      %[[S:.+]] = arith.constant 1.250000e-01 : f32
// CHECK-NEXT:      %[[QS:.+]] = arith.mulf %[[Q]], %[[S]] : f32
// CHECK-NEXT:      ein.yield %[[QS]] : f32
// CHECK-NEXT:    } : (tensor<6x3xf32>) -> tensor<2x3x4xf32>
// CHECK:         %BQK = ein.einsum BQK[m1, m0, p1, p0] += (%QP[p1, e, p0], %K[m1 * 4 + m0, e]) {
// CHECK-NEXT:    ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32):
// CHECK-NOT:       1.25
// CHECK:           %[[P:.+]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NEXT:      ein.yield %[[P]] : f32
func.func @scores(%q: tensor<6x3xf32>, %k: tensor<5x3xf32>) -> tensor<2x4x2x4xf32> {
  // expected-remark @below {{cascade 's': 1 operand packed with the vector rank innermost}}
  %r = ein.cascade "s" ranks [e: 3, m: 5, m1: m floordiv 4, m0: m mod 4, p: 6, p1: p floordiv 4, p0: p mod 4] ins(%Q = %q : tensor<6x3xf32>, %K = %k : tensor<5x3xf32>) -> tensor<2x4x2x4xf32> {
    %BQK = ein.einsum BQK[m1, m0, p1, p0] += (%Q[p1 * 4 + p0, e], %K[m1 * 4 + m0, e]) {
    ^bb0(%x: f32, %y: f32):
      %c = arith.constant 1.250000e-01 : f32
      %0 = arith.mulf %x, %c : f32
      %1 = arith.mulf %0, %y : f32
      ein.yield %1 : f32
    } : (tensor<6x3xf32>, tensor<5x3xf32>) -> tensor<2x4x2x4xf32>
    ein.yield %BQK : tensor<2x4x2x4xf32>
  }
  return %r : tensor<2x4x2x4xf32>
}

// -----

// Not packed: Q is already contiguous along p (its last index); K's access
// uses the iterative rank m1 of the recurrence (a copy per key tile would
// cost as much as the contraction); the input of O is not a contraction.
// CHECK-LABEL: func.func @unchanged
// CHECK-NOT:     ein.einsum {{.*}}P[
// CHECK:         %S = ein.einsum S[m1, m0, p] += (%Q[e, p], %K[m1 * 4 + m0, e]) {
// CHECK:         %X = ein.einsum X[m1, m0, e] += (%K[m1 * 4 + m0, f], %W[f, e]) {
// CHECK:         %O = ein.einsum O[p, e] = (%Q[e, p]) {
func.func @unchanged(%q: tensor<3x6xf32>, %k: tensor<5x3xf32>, %w: tensor<3x3xf32>) -> (tensor<2x4x6xf32>, tensor<2x4x3xf32>, tensor<6x3xf32>) {
  %r:3 = ein.cascade "u" ranks [e: 3, f: 3, m: 5, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%Q = %q : tensor<3x6xf32>, %K = %k : tensor<5x3xf32>, %W = %w : tensor<3x3xf32>) -> (tensor<2x4x6xf32>, tensor<2x4x3xf32>, tensor<6x3xf32>) {
    %S = ein.einsum S[m1, m0, p] += (%Q[e, p], %K[m1 * 4 + m0, e]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.mulf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<3x6xf32>, tensor<5x3xf32>) -> tensor<2x4x6xf32>
    %X = ein.einsum X[m1, m0, e] += (%K[m1 * 4 + m0, f], %W[f, e]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.mulf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<5x3xf32>, tensor<3x3xf32>) -> tensor<2x4x3xf32>
    %O = ein.einsum O[p, e] = (%Q[e, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<3x6xf32>) -> tensor<6x3xf32>
    ein.yield %S, %X, %O : tensor<2x4x6xf32>, tensor<2x4x3xf32>, tensor<6x3xf32>
  }
  return %r#0, %r#1, %r#2 : tensor<2x4x6xf32>, tensor<2x4x3xf32>, tensor<6x3xf32>
}

// -----

// A bf16 Q that the contraction extends to f32: the extension moves into the
// copy with the scale, QP is f32 and the contraction reads it as it reads f32
// (K stays bf16, extended in the map). With keep-narrow (dot-product
// instructions read the bf16 values) QP is a bf16 copy and nothing moves.
// CHECK-LABEL: func.func @bf16_scores
// CHECK:         %QP = ein.einsum QP[p1, e, p0] = (%Q[p1 * 4 + p0, e]) {
// CHECK-NEXT:    ^bb0(%[[Q:.+]]: bf16):
// CHECK-NEXT:      %[[QF:.+]] = arith.extf %[[Q]] : bf16 to f32
// CHECK-NEXT:      %[[S:.+]] = arith.constant 1.250000e-01 : f32
// CHECK-NEXT:      %[[QS:.+]] = arith.mulf %[[QF]], %[[S]] : f32
// CHECK-NEXT:      ein.yield %[[QS]] : f32
// CHECK-NEXT:    } : (tensor<6x3xbf16>) -> tensor<2x3x4xf32>
// CHECK:         %BQK = ein.einsum BQK[m1, m0, p1, p0] += (%QP[p1, e, p0], %K[m1 * 4 + m0, e]) {
// CHECK-NEXT:    ^bb0(%[[A:.+]]: f32, %[[B:.+]]: bf16):
// CHECK-NEXT:      %[[BF:.+]] = arith.extf %[[B]] : bf16 to f32
// CHECK-NEXT:      %[[P:.+]] = arith.mulf %[[A]], %[[BF]] : f32
// CHECK-NEXT:      ein.yield %[[P]] : f32
// NARROW-LABEL: func.func @bf16_scores
// NARROW:         %QP = ein.einsum QP[p1, e, p0] = (%Q[p1 * 4 + p0, e]) {
// NARROW-NEXT:    ^bb0(%[[Q:.+]]: bf16):
// NARROW-NEXT:      ein.yield %[[Q]] : bf16
// NARROW-NEXT:    } : (tensor<6x3xbf16>) -> tensor<2x3x4xbf16>
// NARROW:         %BQK = ein.einsum BQK[m1, m0, p1, p0] += (%QP[p1, e, p0], %K[m1 * 4 + m0, e]) {
// NARROW-NEXT:    ^bb0(%[[A:.+]]: bf16, %[[B:.+]]: bf16):
// NARROW-NEXT:      arith.constant 1.250000e-01 : f32
// NARROW-NEXT:      arith.extf %[[A]] : bf16 to f32
func.func @bf16_scores(%q: tensor<6x3xbf16>, %k: tensor<5x3xbf16>) -> tensor<2x4x2x4xf32> {
  // expected-remark @below {{cascade 's': 1 operand packed with the vector rank innermost}}
  %r = ein.cascade "s" ranks [e: 3, m: 5, m1: m floordiv 4, m0: m mod 4, p: 6, p1: p floordiv 4, p0: p mod 4] ins(%Q = %q : tensor<6x3xbf16>, %K = %k : tensor<5x3xbf16>) -> tensor<2x4x2x4xf32> {
    %BQK = ein.einsum BQK[m1, m0, p1, p0] += (%Q[p1 * 4 + p0, e], %K[m1 * 4 + m0, e]) {
    ^bb0(%x: bf16, %y: bf16):
      %c = arith.constant 1.250000e-01 : f32
      %0 = arith.extf %x : bf16 to f32
      %1 = arith.mulf %0, %c : f32
      %2 = arith.extf %y : bf16 to f32
      %3 = arith.mulf %1, %2 : f32
      ein.yield %3 : f32
    } : (tensor<6x3xbf16>, tensor<5x3xbf16>) -> tensor<2x4x2x4xf32>
    ein.yield %BQK : tensor<2x4x2x4xf32>
  }
  return %r : tensor<2x4x2x4xf32>
}
