// RUN: cascade-opt %s --split-input-file --verify-diagnostics --ein-simplify-conditions | FileCheck %s

// Causal attention after ein-one-pass: the sums SLD and SLNV only add
// products with SLN, which is zero where m > p; then BQK is only read where
// m <= p. LM (a max) and SLN keep the condition: that is where the mask is
// applied, once per score.
// CHECK-LABEL: func.func @causal
// CHECK:         %BQK = ein.einsum BQK[m1, m0, p] += (%Q[p, e], %K[m1 * 4 + m0, e]) {
// CHECK:         %LM = ein.einsum LM[m1, p] max= (%BQK[m1, m0, p]) where (m1 * 4 + m0 <= p) {
// CHECK:         %SLN = ein.einsum SLN[m1, m0, p] = (%BQK[m1, m0, p], %RM[m1 + 1, p]) where (m1 * 4 + m0 <= p) {
// CHECK:         %SLD = ein.einsum SLD[m1, p] += (%SLN[m1, m0, p]) {
// CHECK:         %SLNV = ein.einsum SLNV[f, m1, p] += (%SLN[m1, m0, p], %V[m1 * 4 + m0, f]) {
func.func @causal(%q: tensor<6x3xf32>, %k: tensor<6x3xf32>, %v: tensor<6x2xf32>) -> tensor<2x2x6xf32> {
  // expected-remark @below {{cascade 'c': 3 conditions removed}}
  %r:2 = ein.cascade "c" ranks [e: 3, f: 2, m: 6, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%Q = %q : tensor<6x3xf32>, %K = %k : tensor<6x3xf32>, %V = %v : tensor<6x2xf32>) -> (tensor<2x2x6xf32>, tensor<2x6xf32>) {
    %BQK = ein.einsum BQK[m1, m0, p] += (%Q[p, e], %K[m1 * 4 + m0, e]) where (m1 * 4 + m0 <= p) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.mulf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<6x3xf32>, tensor<6x3xf32>) -> tensor<2x4x6xf32>
    %LM = ein.einsum LM[m1, p] max= (%BQK[m1, m0, p]) where (m1 * 4 + m0 <= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x4x6xf32>) -> tensor<2x6xf32>
    %RM = ein.einsum RM[m1 + 1, p] = (%RM[m1, p], %LM[m1, p]) init(-inf) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.maximumf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<3x6xf32>, tensor<2x6xf32>) -> tensor<3x6xf32>
    %SLN = ein.einsum SLN[m1, m0, p] = (%BQK[m1, m0, p], %RM[m1 + 1, p]) where (m1 * 4 + m0 <= p) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.subf %x, %y : f32
      %1 = math.exp %0 : f32
      ein.yield %1 : f32
    } : (tensor<2x4x6xf32>, tensor<3x6xf32>) -> tensor<2x4x6xf32>
    %SLD = ein.einsum SLD[m1, p] += (%SLN[m1, m0, p]) where (m1 * 4 + m0 <= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x4x6xf32>) -> tensor<2x6xf32>
    %SLNV = ein.einsum SLNV[f, m1, p] += (%SLN[m1, m0, p], %V[m1 * 4 + m0, f]) where (m1 * 4 + m0 <= p) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.mulf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<2x4x6xf32>, tensor<6x2xf32>) -> tensor<2x2x6xf32>
    ein.yield %SLNV, %SLD : tensor<2x2x6xf32>, tensor<2x6xf32>
  }
  return %r#0 : tensor<2x2x6xf32>
}

// -----

// Nothing is removed: the sum adds exp(S), which is not zero where S is
// masked; S is read by a reader with another condition (m < p); the
// returned tensor T keeps its condition (its readers are outside).
// CHECK-LABEL: func.func @kept
// CHECK:         %S = ein.einsum S[m, p] = (%A[m, p]) where (m <= p) {
// CHECK:         %E = ein.einsum E[p] += (%S[m, p]) where (m <= p) {
// CHECK:         %F = ein.einsum F[p] max= (%S[m, p]) where (m < p) {
// CHECK:         %T = ein.einsum T[m, p] = (%A[m, p]) where (m <= p) {
func.func @kept(%a: tensor<4x4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4x4xf32>) {
  %r:3 = ein.cascade "k" ranks [m: 4, p: 4] ins(%A = %a : tensor<4x4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4x4xf32>) {
    %S = ein.einsum S[m, p] = (%A[m, p]) where (m <= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x4xf32>) -> tensor<4x4xf32>
    %E = ein.einsum E[p] += (%S[m, p]) where (m <= p) {
    ^bb0(%x: f32):
      %0 = math.exp %x : f32
      ein.yield %0 : f32
    } : (tensor<4x4xf32>) -> tensor<4xf32>
    %F = ein.einsum F[p] max= (%S[m, p]) where (m < p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x4xf32>) -> tensor<4xf32>
    %T = ein.einsum T[m, p] = (%A[m, p]) where (m <= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x4xf32>) -> tensor<4x4xf32>
    ein.yield %E, %F, %T : tensor<4xf32>, tensor<4xf32>, tensor<4x4xf32>
  }
  return %r#0, %r#1, %r#2 : tensor<4xf32>, tensor<4xf32>, tensor<4x4xf32>
}
