// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-reassociate 2>/dev/null | FileCheck %s
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-reassociate -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK

// Non-causal linear attention: the quadratic order costs N*M*(D + Dv); the
// reassociated one M*D*Dv + N*D*Dv.
// REMARK: remark: ein-reassociate: 'AV' as PKV then AV (109568 multiply-adds instead of 497280)
// REMARK: remark: ein-reassociate: 'SD' as PKS then SD (13696 multiply-adds instead of 352240)
// CHECK-LABEL: func.func @linear
// CHECK:         %PQ = ein.einsum PQ[b, h, p, e] = (%Q[b, h, p, e]) {
// CHECK:         %PK = ein.einsum PK[b, h, m, e] = (%K[b, h floordiv 2, m, e]) {
// CHECK:         %PKV = ein.einsum PKV[b, h, e, f] += (%PK[b, h, m, e], %V[b, h floordiv 2, m, f]) {
// CHECK:         %AV = ein.einsum AV[b, h, p, f] += (%PQ[b, h, p, e], %PKV[b, h, e, f]) {
// CHECK:         %PKS = ein.einsum PKS[b, h, e] += (%PK[b, h, m, e]) {
// CHECK:         %SD = ein.einsum SD[b, h, p] += (%PQ[b, h, p, e], %PKS[b, h, e]) {
// CHECK:         %O = ein.einsum O[b, h, p, f] = (%AV[b, h, p, f], %SD[b, h, p]) {
// CHECK-NOT:     %QK
func.func @linear(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.linear_attention %q, %k, %v {feature_map = #attn.feature_map<elu1>, normalize} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Causal: the condition m <= p ties queries to keys, so the quadratic order
// stays (one pass over m, partitioned later).
// CHECK-LABEL: func.func @causal
// CHECK:         %QK = ein.einsum QK[b, h, m, p] += (%PQ[b, h, p, e], %PK[b, h, m, e]) where (m <= p) {
// CHECK:         %AV = ein.einsum AV[b, h, p, f] += (%QK[b, h, m, p], %V[b, h floordiv 2, m, f]) where (m <= p) {
// CHECK-NOT:     PKV
func.func @causal(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.linear_attention %q, %k, %v {causal, normalize} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Few queries and keys with wide heads: reassociating would cost more
// (M*D*Dv + N*D*Dv > N*M*(D + Dv)), so the order stays, with a remark.
// REMARK: remark: ein-reassociate: keeping 'AV' as written (768 multiply-adds, reassociated 32768)
// CHECK-LABEL: func.func @short
// CHECK:         %AV = ein.einsum AV[b, h, p, f] += (%QK[b, h, m, p], %V[b, h, m, f]) {
func.func @short(%q: tensor<1x1x2x128xf32>, %k: tensor<1x1x2x128xf32>, %v: tensor<1x1x2x64xf32>) -> tensor<1x1x2x64xf32> {
  %o = attn.linear_attention %q, %k, %v {feature_map = #attn.feature_map<identity>} : tensor<1x1x2x128xf32>, tensor<1x1x2x128xf32>, tensor<1x1x2x64xf32> -> tensor<1x1x2x64xf32>
  return %o : tensor<1x1x2x64xf32>
}
