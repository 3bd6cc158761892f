// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division | FileCheck %s

// A[m,p] = SN[m,p] / SD[p] followed by AV[p,f] += A[m,p] * V[m,f]: the
// divisor does not vary along m, so it moves behind the sum.
// CHECK-LABEL: func.func @softmax
// CHECK-NOT:     %A =
// CHECK:         %SNV = ein.einsum SNV[b, h, f, p] += (%SN[b, h, m, p], %V[b, h floordiv 4, m, f]) where (m <= p) {
// CHECK:         ^bb0(%[[SN:.+]]: f32, %[[V:.+]]: f32):
// CHECK-NEXT:      %[[P:.+]] = arith.mulf %[[SN]], %[[V]] : f32
// CHECK-NEXT:      ein.yield %[[P]] : f32
// CHECK:         %AV = ein.einsum AV[b, h, p, f] = (%SNV[b, h, f, p], %SD[b, h, p]) {
// CHECK:         ^bb0(%[[N:.+]]: f32, %[[D:.+]]: f32):
// CHECK-DAG:       %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:       %[[ISZERO:.+]] = arith.cmpf oeq, %[[D]], %[[ZERO]] : f32
// CHECK-DAG:       %[[QUOT:.+]] = arith.divf %[[N]], %[[D]] : f32
// CHECK:           %[[SEL:.+]] = arith.select %[[ISZERO]], %[[ZERO]], %[[QUOT]] : f32
// CHECK:           ein.yield %[[SEL]] : f32
// CHECK:         ein.yield %AV
func.func @softmax(%q: tensor<1x8x5x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>) -> tensor<1x8x5x4xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<1x8x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32> -> tensor<1x8x5x4xf32>
  return %o : tensor<1x8x5x4xf32>
}

// -----

// The divisor varies along the reduced rank m: nothing to defer.
// CHECK-LABEL: func.func @divisor_varies
// CHECK:         %A = ein.einsum A[m, p] = (%S[m, p], %D[m]) {
// CHECK:         %AV = ein.einsum AV[p, f] += (%A[m, p], %V[m, f]) {
func.func @divisor_varies(%s: tensor<4x3xf32>, %d: tensor<4xf32>, %v: tensor<4x2xf32>) -> tensor<3x2xf32> {
  %r = ein.cascade "x" ranks [f: 2, m: 4, p: 3] ins(%S = %s : tensor<4x3xf32>, %D = %d : tensor<4xf32>, %V = %v : tensor<4x2xf32>) -> tensor<3x2xf32> {
    %A = ein.einsum A[m, p] = (%S[m, p], %D[m]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.divf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<4x3xf32>, tensor<4xf32>) -> tensor<4x3xf32>
    %AV = ein.einsum AV[p, f] += (%A[m, p], %V[m, f]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.mulf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<4x3xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
    ein.yield %AV : tensor<3x2xf32>
  }
  return %r : tensor<3x2xf32>
}

// -----

// A max of quotients is not a sum: dividing after the max would be valid
// only for positive divisors, so the division stays.
// CHECK-LABEL: func.func @not_a_sum
// CHECK:         %A = ein.einsum A[m, p] = (%S[m, p], %D[p]) {
// CHECK:         %MX = ein.einsum MX[p] max= (%A[m, p]) {
func.func @not_a_sum(%s: tensor<4x3xf32>, %d: tensor<3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 3] ins(%S = %s : tensor<4x3xf32>, %D = %d : tensor<3xf32>) -> tensor<3xf32> {
    %A = ein.einsum A[m, p] = (%S[m, p], %D[p]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.divf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    %MX = ein.einsum MX[p] max= (%A[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x3xf32>) -> tensor<3xf32>
    ein.yield %MX : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

// The sum is not linear in the quotient (it squares it): the division stays.
// CHECK-LABEL: func.func @not_linear
// CHECK:         %A = ein.einsum A[m, p] = (%S[m, p], %D[p]) {
// CHECK:         %SQ = ein.einsum SQ[p] += (%A[m, p]) {
func.func @not_linear(%s: tensor<4x3xf32>, %d: tensor<3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 3] ins(%S = %s : tensor<4x3xf32>, %D = %d : tensor<3xf32>) -> tensor<3xf32> {
    %A = ein.einsum A[m, p] = (%S[m, p], %D[p]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.divf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
    %SQ = ein.einsum SQ[p] += (%A[m, p]) {
    ^bb0(%x: f32):
      %0 = arith.mulf %x, %x : f32
      ein.yield %0 : f32
    } : (tensor<4x3xf32>) -> tensor<3xf32>
    ein.yield %SQ : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}
