// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-partition="rank=m tile=16" | FileCheck %s
// RUN: cascade-opt %s --split-input-file --ein-partition="rank=m tile=16" -verify-diagnostics -o /dev/null --mlir-disable-threading

// Every einsum over m iterates (m1, m0) instead; the tensors indexed by m get
// both ranks, the inputs are read at m1 * 16 + m0, and the causal condition
// is rewritten with the same substitution. 50 keys make 4 tiles, the last
// one partial.
// CHECK-LABEL: func.func @softmax
// CHECK:         ein.cascade "attention" ranks [b: 1, h: 2, e: 8, f: 8, m: 50, m1: m floordiv 16, m0: m mod 16, p: 30]
// CHECK:         %BQK = ein.einsum BQK[b, h, m1, m0, p] += (%Q[b, h, p, e], %K[b, h, m1 * 16 + m0, e]) where (m1 * 16 + m0 <= p) {
// CHECK:         } : (tensor<1x2x30x8xf32>, tensor<1x2x50x8xf32>) -> tensor<1x2x4x16x30xf32>
// CHECK:         %GM = ein.einsum GM[b, h, p] max= (%BQK[b, h, m1, m0, p]) where (m1 * 16 + m0 <= p) {
// CHECK:         %BSN = ein.einsum BSN[b, h, m1, m0, p] = (%BQK[b, h, m1, m0, p], %GM[b, h, p]) where (m1 * 16 + m0 <= p) {
// CHECK:         %SD = ein.einsum SD[b, h, p] += (%BSN[b, h, m1, m0, p]) where (m1 * 16 + m0 <= p) {
// CHECK:         %SNV = ein.einsum SNV[b, h, f, p] += (%BSN[b, h, m1, m0, p], %V[b, h, m1 * 16 + m0, f]) where (m1 * 16 + m0 <= p) {
// CHECK:         %AV = ein.einsum AV[b, h, p, f] = (%SNV[b, h, f, p], %SD[b, h, p]) {
func.func @softmax(%q: tensor<1x2x30x8xf32>, %k: tensor<1x2x50x8xf32>, %v: tensor<1x2x50x8xf32>) -> tensor<1x2x30x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<1x2x30x8xf32>, tensor<1x2x50x8xf32>, tensor<1x2x50x8xf32> -> tensor<1x2x30x8xf32>
  return %o : tensor<1x2x30x8xf32>
}

// -----

// Refused: there is no rank m.
// CHECK-LABEL: func.func @no_rank
func.func @no_rank(%s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-remark @+1 {{ein-partition: the cascade has no rank 'm'}}
  %r = ein.cascade "x" ranks [p: 4] ins(%S = %s : tensor<4xf32>) -> tensor<4xf32> {
    %A = ein.einsum A[p] = (%S[p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// Refused: the cascade returns a tensor indexed by m, whose layout the
// partition would change.
// CHECK-LABEL: func.func @returns_m
func.func @returns_m(%s: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-remark @+1 {{ein-partition: the cascade returns 'E', which is indexed by 'm'}}
  %r = ein.cascade "x" ranks [m: 4, p: 3] ins(%S = %s : tensor<4x3xf32>) -> tensor<4x3xf32> {
    %E = ein.einsum E[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      %0 = math.exp %x : f32
      ein.yield %0 : f32
    } : (tensor<4x3xf32>) -> tensor<4x3xf32>
    ein.yield %E : tensor<4x3xf32>
  }
  return %r : tensor<4x3xf32>
}

// -----

// Refused: a tensor indexed by m is read at m + 1, which is not a plain m.
// CHECK-LABEL: func.func @shifted
func.func @shifted(%s: tensor<5x3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 3] ins(%S = %s : tensor<5x3xf32>) -> tensor<3xf32> {
    %E = ein.einsum E[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<5x3xf32>) -> tensor<4x3xf32>
    // expected-remark @+1 {{ein-partition: 'T' reads 'E' at [m floordiv 2, p]; only a plain 'm' can be split}}
    %T = ein.einsum T[p] += (%E[m floordiv 2, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x3xf32>) -> tensor<3xf32>
    ein.yield %T : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

// Refused: m is the iterative rank of a recurrence.
// CHECK-LABEL: func.func @recurrence
func.func @recurrence(%s: tensor<4x3xf32>) -> tensor<5x3xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 3] ins(%S = %s : tensor<4x3xf32>) -> tensor<5x3xf32> {
    // expected-remark @+1 {{ein-partition: 'R' is a recurrence over 'm'}}
    %R = ein.einsum R[m + 1, p] = (%R[m, p], %S[m, p]) init(0.0) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.addf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<5x3xf32>, tensor<4x3xf32>) -> tensor<5x3xf32>
    ein.yield %R : tensor<5x3xf32>
  }
  return %r : tensor<5x3xf32>
}
