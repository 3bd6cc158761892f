// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-reassociate=chunk=16 2>/dev/null | FileCheck %s
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-reassociate=chunk=16 -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-reassociate=chunk=16 --ein-count-passes -o /dev/null 2>&1 | FileCheck %s --check-prefix=PASSES

// After chunking, the cascade is one pass over the query chunks; what lives
// from one chunk to the next is the state (B * H * (D * Dv + D) elements).
// PASSES: remark: cascade 'linear_attention': 1 pass over e (live footprint 0 elements); 1 pass over p (live footprint 1152 elements: SAV, SSD)
// PASSES: remark: cascade 'linear_attention': 1 pass over e (live footprint 0 elements); 1 pass over p (live footprint 256 elements: SAV)

// Causal linear attention with a decay, normalized: both sums (AV and SD) are
// split at the chunk boundary. Inside a chunk (keys p1 * 16 + c, c <= p0) the
// quadratic form stays; the keys of earlier chunks are a running state over
// p1, decayed by DECAY^16 per chunk. The cascade returns the tiled result,
// collapsed and sliced back to N = 70 after it.
// REMARK: remark: ein-reassociate: causal 'AV' in chunks of 16 along 'p' with a running state over 'm' (2 sums; 34285 multiply-adds per head instead of 62125)
// CHECK-LABEL: func.func @decay
// CHECK:         ein.cascade "linear_attention" ranks [b: 2, h: 4, e: 16, f: 8, m: 75, p: 70, p1: p floordiv 16, p0: p mod 16, c: p mod 16]
// CHECK-NEXT:      ins({{.*}}) -> tensor<2x4x5x16x8xf32> {
// CHECK:         %BPQ = ein.einsum BPQ[b, h, p1, p0, e] = (%Q[b, h, p1 * 16 + p0, e]) {
// CHECK:         %CPK = ein.einsum CPK[b, h, p1, c, e] = (%K[b, h floordiv 2, p1 * 16 + c, e]) {
// CHECK:         %IQK = ein.einsum IQK[b, h, c, p1, p0] += (%BPQ[b, h, p1, p0, e], %CPK[b, h, p1, c, e]) where (c <= p0) {
// CHECK:         %IW = ein.einsum IW[b, h, c, p1, p0] = (%IQK[b, h, c, p1, p0], %DECAY[h]) where (c <= p0) {
// CHECK:           math.powf
// CHECK:         %IAV = ein.einsum IAV[b, h, p1, p0, f] += (%IW[b, h, c, p1, p0], %V[b, h floordiv 2, p1 * 16 + c, f]) where (c <= p0) {
// CHECK:         %KAV = ein.einsum KAV[b, h, p1, e, f] += (%CPK[b, h, p1, c, e], %V[b, h floordiv 2, p1 * 16 + c, f], %DECAY[h]) {
// CHECK:           %[[C:.*]] = ein.index c
// CHECK:           %[[LEFT:.*]] = arith.subi %c16, %[[C]] : index
// CHECK:         %SAV = ein.einsum SAV[b, h, p1 + 1, e, f] = (%SAV[b, h, p1, e, f], %KAV[b, h, p1, e, f], %DECAY[h]) init(0.0) {
// CHECK:         %XAV = ein.einsum XAV[b, h, p1, p0, f] += (%BPQ[b, h, p1, p0, e], %SAV[b, h, p1, e, f]) {
// CHECK:         %BAV = ein.einsum BAV[b, h, p1, p0, f] = (%IAV[b, h, p1, p0, f], %XAV[b, h, p1, p0, f], %DECAY[h]) {
// CHECK:           ein.index p0
// CHECK:         %ISD = ein.einsum ISD[b, h, p1, p0] += (%IW[b, h, c, p1, p0]) where (c <= p0) {
// CHECK:         %KSD = ein.einsum KSD[b, h, p1, e] += (%CPK[b, h, p1, c, e], %DECAY[h]) {
// CHECK:         %SSD = ein.einsum SSD[b, h, p1 + 1, e] = (%SSD[b, h, p1, e], %KSD[b, h, p1, e], %DECAY[h]) init(0.0) {
// CHECK:         %XSD = ein.einsum XSD[b, h, p1, p0] += (%BPQ[b, h, p1, p0, e], %SSD[b, h, p1, e]) {
// CHECK:         %BSD = ein.einsum BSD[b, h, p1, p0] = (%ISD[b, h, p1, p0], %XSD[b, h, p1, p0], %DECAY[h]) {
// CHECK:         %BO = ein.einsum BO[b, h, p1, p0, f] = (%BAV[b, h, p1, p0, f], %BSD[b, h, p1, p0]) {
// CHECK:         ein.yield %BO : tensor<2x4x5x16x8xf32>
// CHECK:       %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3], [4]] : tensor<2x4x5x16x8xf32> into tensor<2x4x80x8xf32>
// CHECK:       %[[OUT:.*]] = tensor.extract_slice %[[FLAT]][0, 0, 0, 0] [2, 4, 70, 8] [1, 1, 1, 1] : tensor<2x4x80x8xf32> to tensor<2x4x70x8xf32>
// CHECK:       return %[[OUT]]
// CHECK-NOT:   %QK =
func.func @decay(%q: tensor<2x4x70x16xf32>, %k: tensor<2x2x75x16xf32>, %v: tensor<2x2x75x8xf32>, %d: tensor<4xf32>) -> tensor<2x4x70x8xf32> {
  %o = attn.linear_attention %q, %k, %v decay(%d : tensor<4xf32>) {causal, normalize} : tensor<2x4x70x16xf32>, tensor<2x2x75x16xf32>, tensor<2x2x75x8xf32> -> tensor<2x4x70x8xf32>
  return %o : tensor<2x4x70x8xf32>
}

// -----

// No decay, not normalized: one sum, and no powers in the state.
// REMARK: remark: ein-reassociate: causal 'AV' in chunks of 16 along 'p' with a running state over 'm' (1 sum;
// CHECK-LABEL: func.func @plain
// CHECK:         %IQK = ein.einsum IQK[b, h, c, p1, p0] += (%BPQ[b, h, p1, p0, e], %CPK[b, h, p1, c, e]) where (c <= p0) {
// CHECK:         %IAV = ein.einsum IAV[b, h, p1, p0, f] += (%IQK[b, h, c, p1, p0], %V[b, h, p1 * 16 + c, f]) where (c <= p0) {
// CHECK:         %KAV = ein.einsum KAV[b, h, p1, e, f] += (%CPK[b, h, p1, c, e], %V[b, h, p1 * 16 + c, f]) {
// CHECK-NOT:       math.powf
// CHECK:         %SAV = ein.einsum SAV[b, h, p1 + 1, e, f] = (%SAV[b, h, p1, e, f], %KAV[b, h, p1, e, f]) init(0.0) {
// CHECK-NEXT:    ^bb0(%[[S:.*]]: f32, %[[K:.*]]: f32):
// CHECK-NEXT:      %[[SUM:.*]] = arith.addf %[[S]], %[[K]] : f32
// CHECK-NEXT:      ein.yield %[[SUM]] : f32
// CHECK:         %XAV = ein.einsum XAV[b, h, p1, p0, f] += (%BPQ[b, h, p1, p0, e], %SAV[b, h, p1, e, f]) {
// CHECK:         %BAV = ein.einsum BAV[b, h, p1, p0, f] = (%IAV[b, h, p1, p0, f], %XAV[b, h, p1, p0, f]) {
// CHECK:         ein.yield %BAV : tensor<1x2x3x16x8xf32>
// CHECK:       tensor.collapse_shape
// CHECK-SAME:    into tensor<1x2x48x8xf32>
// CHECK:       tensor.extract_slice
// CHECK-SAME:    to tensor<1x2x40x8xf32>
func.func @plain(%q: tensor<1x2x40x16xf32>, %k: tensor<1x2x40x16xf32>, %v: tensor<1x2x40x8xf32>) -> tensor<1x2x40x8xf32> {
  %o = attn.linear_attention %q, %k, %v {causal, feature_map = #attn.feature_map<identity>} : tensor<1x2x40x16xf32>, tensor<1x2x40x16xf32>, tensor<1x2x40x8xf32> -> tensor<1x2x40x8xf32>
  return %o : tensor<1x2x40x8xf32>
}
