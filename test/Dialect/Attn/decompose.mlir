// RUN: cascade-opt %s --attn-decompose --split-input-file | FileCheck %s

// Multi-head attention: K and V are read at the query head, scale 1/sqrt(16).
// CHECK-LABEL: func.func @mha
// CHECK-SAME:    (%[[Q:.+]]: tensor<2x4x7x16xf32>, %[[K:.+]]: tensor<2x4x9x16xf32>, %[[V:.+]]: tensor<2x4x9x8xf32>)
// CHECK:         %[[R:.+]] = ein.cascade "attention" ranks [b: 2, h: 4, e: 16, f: 8, m: 9, p: 7]
// CHECK-NEXT:      ins(%Q = %[[Q]] : tensor<2x4x7x16xf32>, %K = %[[K]] : tensor<2x4x9x16xf32>, %V = %[[V]] : tensor<2x4x9x8xf32>) -> tensor<2x4x7x8xf32> {
// CHECK:           %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h, m, e]) {
// CHECK:             arith.constant 2.500000e-01 : f32
// CHECK:           } : (tensor<2x4x7x16xf32>, tensor<2x4x9x16xf32>) -> tensor<2x4x9x7xf32>
// CHECK:           %GM = ein.einsum GM[b, h, p] max= (%QK[b, h, m, p]) {
// CHECK:           %SN = ein.einsum SN[b, h, m, p] = (%QK[b, h, m, p], %GM[b, h, p]) {
// CHECK:             arith.subf
// CHECK:             math.exp
// CHECK:           %SD = ein.einsum SD[b, h, p] += (%SN[b, h, m, p]) {
// CHECK:           %A = ein.einsum A[b, h, m, p] = (%SN[b, h, m, p], %SD[b, h, p]) {
// CHECK:             arith.divf
// CHECK:           %AV = ein.einsum AV[b, h, p, f] += (%A[b, h, m, p], %V[b, h, m, f]) {
// CHECK:           ein.yield %AV : tensor<2x4x7x8xf32>
// CHECK:         return %[[R]]
func.func @mha(%q: tensor<2x4x7x16xf32>, %k: tensor<2x4x9x16xf32>, %v: tensor<2x4x9x8xf32>) -> tensor<2x4x7x8xf32> {
  %o = attn.attention %q, %k, %v : tensor<2x4x7x16xf32>, tensor<2x4x9x16xf32>, tensor<2x4x9x8xf32> -> tensor<2x4x7x8xf32>
  return %o : tensor<2x4x7x8xf32>
}

// -----

// Grouped-query attention (4 query heads per kv head) with a top-left causal
// mask: the mask is a condition on every einsum over (m, p).
// CHECK-LABEL: func.func @gqa_causal
// CHECK:         %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h floordiv 4, m, e]) where (m <= p) {
// CHECK:         %GM = ein.einsum GM[b, h, p] max= (%QK[b, h, m, p]) where (m <= p) {
// CHECK:         %SN = ein.einsum SN[b, h, m, p] = (%QK[b, h, m, p], %GM[b, h, p]) where (m <= p) {
// CHECK:         %SD = ein.einsum SD[b, h, p] += (%SN[b, h, m, p]) where (m <= p) {
// CHECK:         %A = ein.einsum A[b, h, m, p] = (%SN[b, h, m, p], %SD[b, h, p]) where (m <= p) {
// CHECK:         %AV = ein.einsum AV[b, h, p, f] += (%A[b, h, m, p], %V[b, h floordiv 4, m, f]) where (m <= p) {
func.func @gqa_causal(%q: tensor<1x8x5x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>) -> tensor<1x8x5x4xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, scale = 5.000000e-01 : f32} : tensor<1x8x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32> -> tensor<1x8x5x4xf32>
  return %o : tensor<1x8x5x4xf32>
}

// -----

// Bottom-right alignment keeps m <= p + M - N, with the extents as |m|, |p|.
// CHECK-LABEL: func.func @bottom_right
// CHECK:         %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h, m, e]) where (m + |p| <= p + |m|) {
func.func @bottom_right(%q: tensor<1x1x3x4xf32>, %k: tensor<1x1x8x4xf32>, %v: tensor<1x1x8x4xf32>) -> tensor<1x1x3x4xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>} : tensor<1x1x3x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32> -> tensor<1x1x3x4xf32>
  return %o : tensor<1x1x3x4xf32>
}

// -----

// Multi-query attention: one kv head, read at `h floordiv 8`.
// CHECK-LABEL: func.func @mqa
// CHECK:         %K[b, h floordiv 8, m, e]
func.func @mqa(%q: tensor<1x8x5x4xf32>, %k: tensor<1x1x5x4xf32>, %v: tensor<1x1x5x4xf32>) -> tensor<1x8x5x4xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x8x5x4xf32>, tensor<1x1x5x4xf32>, tensor<1x1x5x4xf32> -> tensor<1x8x5x4xf32>
  return %o : tensor<1x8x5x4xf32>
}

// -----

// bf16 operands are extended to f32 in the maps; a final einsum rounds the
// f32 result back to bf16.
// CHECK-LABEL: func.func @bf16
// CHECK:         %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h, m, e]) {
// CHECK:           arith.extf %{{.+}} : bf16 to f32
// CHECK:         } : (tensor<1x2x5x4xbf16>, tensor<1x2x5x4xbf16>) -> tensor<1x2x5x5xf32>
// CHECK:         %AV = ein.einsum AV[b, h, p, f] += (%A[b, h, m, p], %V[b, h, m, f]) {
// CHECK:         } : (tensor<1x2x5x5xf32>, tensor<1x2x5x4xbf16>) -> tensor<1x2x5x4xf32>
// CHECK:         %OUT = ein.einsum OUT[b, h, p, f] = (%AV[b, h, p, f]) {
// CHECK:           arith.truncf %{{.+}} : f32 to bf16
// CHECK:         ein.yield %OUT : tensor<1x2x5x4xbf16>
func.func @bf16(%q: tensor<1x2x5x4xbf16>, %k: tensor<1x2x5x4xbf16>, %v: tensor<1x2x5x4xbf16>) -> tensor<1x2x5x4xbf16> {
  %o = attn.attention %q, %k, %v : tensor<1x2x5x4xbf16>, tensor<1x2x5x4xbf16>, tensor<1x2x5x4xbf16> -> tensor<1x2x5x4xbf16>
  return %o : tensor<1x2x5x4xbf16>
}

// -----

// A dynamic sequence length binds the rank to the operand's dimension.
// CHECK-LABEL: func.func @dynamic
// CHECK:         ein.cascade "attention" ranks [b: 1, h: 2, e: 4, f: 4, m: dim(1, 2), p: dim(0, 2)]
func.func @dynamic(%q: tensor<1x2x?x4xf32>, %k: tensor<1x2x?x4xf32>, %v: tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32> -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}
