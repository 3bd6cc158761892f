// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-one-pass --ein-tile-parallel="rank=p tile=16" | FileCheck %s

// Softmax attention after ein-one-pass: every einsum keeps p, so the queries
// are tiled (p = p1 * 16 + p0, 37 = 2 * 16 + 5) and the result is returned
// in tiles, collapsed and sliced back to 37 rows after the cascade.
// CHECK-LABEL: func.func @softmax
// CHECK:         ein.cascade "attention" ranks [b: 2, h: 4, e: 16, f: 8, m: 70, m1: m floordiv 64, m0: m mod 64, p: 37, p1: p floordiv 16, p0: p mod 16]
// CHECK:           %BQK = ein.einsum BQK[b, h, m1, m0, p1, p0] += (%Q[b, h, p1 * 16 + p0, e], %K[b, h floordiv 2, m1 * 64 + m0, e]) where (m1 * 64 + m0 <= p1 * 16 + p0) {
// CHECK:           %RM = ein.einsum RM[b, h, m1 + 1, p1, p0] = (%RM[b, h, m1, p1, p0], %LM[b, h, m1, p1, p0]) init(-inf) {
// CHECK:           %AV = ein.einsum AV[b, h, p1, p0, f] = (%RNV[b, h, f, |m1|, p1, p0], %RD[b, h, |m1|, p1, p0]) {
// CHECK:           ein.yield %AV : tensor<2x4x3x16x8xf32>
// CHECK:         tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3], [4]] : tensor<2x4x3x16x8xf32> into tensor<2x4x48x8xf32>
// CHECK:         tensor.extract_slice %{{.*}}[0, 0, 0, 0] [2, 4, 37, 8] [1, 1, 1, 1] : tensor<2x4x48x8xf32> to tensor<2x4x37x8xf32>
func.func @softmax(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Non-causal linear attention: PK and PKV do not iterate the queries, so
// the cascade stays as it is.
// CHECK-LABEL: func.func @linear
// CHECK:         ein.cascade "linear_attention" ranks [b: 2, h: 4, e: 16, f: 8, m: 70, m1: m floordiv 64, m0: m mod 64, p: 37]
// CHECK-NOT:     p1
func.func @linear(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.linear_attention %q, %k, %v {normalize} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
