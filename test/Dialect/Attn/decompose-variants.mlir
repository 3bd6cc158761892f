// RUN: cascade-opt %s --split-input-file --attn-decompose | FileCheck %s

// Sigmoid attention: P = sigmoid(QK + b), no normalization; b = -log(M)
// by default (M = 70: -4.2484951).
// CHECK-LABEL: func.func @sigmoid
// CHECK:         %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h floordiv 2, m, e]) {
// CHECK:         %P = ein.einsum P[b, h, m, p] = (%QK[b, h, m, p]) {
// CHECK:           arith.constant -4.2484951 : f32
// CHECK:           math.exp
// CHECK:         %AV = ein.einsum AV[b, h, p, f] += (%P[b, h, m, p], %V[b, h floordiv 2, m, f]) {
// CHECK-NOT:     ein.einsum
// CHECK:         ein.yield %AV
func.func @sigmoid(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sigmoid>} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Softplus with l1 normalization and power 2: w^2 / sum w^2 with
// w = softplus(1.5 * s) is the softmax of LW = 2 * log(w), which keeps w^p in
// range (the softmax cascade subtracts the row maximum).
// CHECK-LABEL: func.func @softplus
// CHECK:         %LW = ein.einsum LW[b, h, m, p] = (%QK[b, h, m, p]) where (m <= p) {
// CHECK:           math.log1p
// CHECK:           math.log
// CHECK-NOT:       math.powf
// CHECK:         %GM = ein.einsum GM[b, h, p] max= (%LW[b, h, m, p]) where (m <= p) {
// CHECK:         %SN = ein.einsum SN[b, h, m, p] = (%LW[b, h, m, p], %GM[b, h, p]) where (m <= p) {
// CHECK:         %SD = ein.einsum SD[b, h, p] += (%SN[b, h, m, p]) where (m <= p) {
// CHECK:         %A = ein.einsum A[b, h, m, p] = (%SN[b, h, m, p], %SD[b, h, p]) where (m <= p) {
// CHECK:         %AV = ein.einsum AV[b, h, p, f] += (%A[b, h, m, p], %V[b, h floordiv 2, m, f]) where (m <= p) {

func.func @softplus(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<softplus>, softplus_scale = 1.5 : f32, softplus_power = 2.0 : f32, causal = #attn.causal<top_left>} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Softplus with power 1: W = softplus(s), SD += W, A = W / SD.
// CHECK-LABEL: func.func @softplus_l1
// CHECK:         %W = ein.einsum W[b, h, m, p] = (%QK[b, h, m, p]) {
// CHECK:           math.log1p
// CHECK-NOT:       math.powf
// CHECK:         %SD = ein.einsum SD[b, h, p] += (%W[b, h, m, p]) {
// CHECK:         %A = ein.einsum A[b, h, m, p] = (%W[b, h, m, p], %SD[b, h, p]) {
func.func @softplus_l1(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<softplus>} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// ReLU attention: P = relu(s) / |m|.
// CHECK-LABEL: func.func @relu
// CHECK:         %P = ein.einsum P[b, h, m, p] = (%QK[b, h, m, p]) {
// CHECK:           arith.maximumf
// CHECK:           ein.extent m
// CHECK:           arith.divf
func.func @relu(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<relu>} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Sliding window (10 behind, 3 ahead) with bottom-right causality, and a
// dilated window (every third key within 20): conditions on (m, p).
// CHECK-LABEL: func.func @window
// CHECK:         %QK = ein.einsum QK[b, h, m, p] += ({{.*}}) where (m + |p| <= p + |m|, p + |m| <= m + |p| + 10, m + |p| <= p + |m| + 3) {
// CHECK-LABEL: func.func @dilated
// CHECK:         %QK = ein.einsum QK[b, h, m, p] += ({{.*}}) where (p <= m + 20, m <= p + 20, (p - m) mod 3 == 0) {
func.func @window(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {window = array<i64: 10, 3>, causal = #attn.causal<bottom_right>} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
func.func @dilated(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {window = array<i64: 20, 20>, dilation = 3} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// StreamingLLM: the first 4 keys or a window of 8, causal in both: a union.
// CHECK-LABEL: func.func @streaming
// CHECK:         %QK = ein.einsum QK[b, h, m, p] += ({{.*}}) where (m + |p| <= p + |m|, p + |m| <= m + |p| + 8) or (m + |p| <= p + |m|, m <= 3) {
func.func @streaming(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {window = array<i64: 8, 0>, sink_tokens = 4, causal = #attn.causal<bottom_right>} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Score modifiers: S = softcap(QK) - slope[h] |i - m| + bias, with the
// geometric ALiBi slopes as a constant input and a bias broadcast over heads.
// CHECK-LABEL: func.func @modifiers
// CHECK:         %[[SLOPES:.+]] = arith.constant dense<[2.500000e-01, 6.250000e-02, 1.562500e-02, 3.906250e-03]> : tensor<4xf32>
// CHECK:         ins({{.*}}, %SLOPE = %[[SLOPES]] : tensor<4xf32>, %BIAS = %{{.+}} : tensor<2x1x37x70xf32>)
// CHECK:         %S = ein.einsum S[b, h, m, p] = (%QK[b, h, m, p], %SLOPE[h], %BIAS[b, 0, p, m]) {
// CHECK:         ^bb0(%[[QK:.+]]: f32, %[[SLOPE:.+]]: f32, %[[BIAS:.+]]: f32):
// CHECK:           math.tanh
// CHECK:           %[[M:.+]] = ein.index m
// CHECK:           %[[P:.+]] = ein.index p
// CHECK:           arith.subi %[[P]], %[[M]] : index
// CHECK:           arith.maxsi
// CHECK:           arith.mulf %[[SLOPE]], %{{.+}} : f32
// CHECK:           arith.addf %{{.+}}, %[[BIAS]] : f32
// CHECK:         %GM = ein.einsum GM[b, h, p] max= (%S[b, h, m, p]) {
func.func @modifiers(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>, %bias: tensor<2x1x37x70xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v bias(%bias : tensor<2x1x37x70xf32>) {softcap = 2.0 : f32, alibi} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Sinks join the denominator, the gate scales the output, the log-sum-exp
// is the second result.
// CHECK-LABEL: func.func @sinks_gate_lse
// CHECK:         %SD = ein.einsum SD[b, h, p] += (%SN[b, h, m, p]) {
// CHECK:         %DEN = ein.einsum DEN[b, h, p] = (%SD[b, h, p], %GM[b, h, p], %SINK[h]) {
// CHECK:         %A = ein.einsum A[b, h, m, p] = (%SN[b, h, m, p], %DEN[b, h, p]) {
// CHECK:         %O = ein.einsum O[b, h, p, f] = (%AV[b, h, p, f], %G[b, h, p, f]) {
// CHECK:         %LSE = ein.einsum LSE[b, h, p] = (%GM[b, h, p], %SD[b, h, p], %SINK[h]) {
// CHECK:           arith.maximumf
// CHECK:           math.log
// CHECK:         ein.yield %O, %LSE : tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
func.func @sinks_gate_lse(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>, %s: tensor<4xf32>, %g: tensor<2x4x37x8xf32>) -> (tensor<2x4x37x8xf32>, tensor<2x4x37xf32>) {
  %o, %l = attn.attention %q, %k, %v sinks(%s : tensor<4xf32>) gate(%g : tensor<2x4x37x8xf32>) {return_lse} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
  return %o, %l : tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
}

// -----

// Linear attention, quadratic form: phi on queries and keys, the weights,
// the optional decay^(p - m), the numerator and the normalizer.
// CHECK-LABEL: func.func @linear_decay
// CHECK:         ein.cascade "linear_attention" ranks [b: 2, h: 4, e: 16, f: 8, m: 70, p: 37]
// CHECK:         %PQ = ein.einsum PQ[b, h, p, e] = (%Q[b, h, p, e]) {
// CHECK:           math.exp
// CHECK:         %QK = ein.einsum QK[b, h, m, p] += (%PQ[b, h, p, e], %PK[b, h, m, e]) where (m <= p) {
// CHECK:         %W = ein.einsum W[b, h, m, p] = (%QK[b, h, m, p], %DECAY[h]) where (m <= p) {
// CHECK:           ein.index p
// CHECK:           ein.index m
// CHECK:           math.powf
// CHECK:         %AV = ein.einsum AV[b, h, p, f] += (%W[b, h, m, p], %V[b, h floordiv 2, m, f]) where (m <= p) {
// CHECK:         %SD = ein.einsum SD[b, h, p] += (%W[b, h, m, p]) where (m <= p) {
// CHECK:         %O = ein.einsum O[b, h, p, f] = (%AV[b, h, p, f], %SD[b, h, p]) {
func.func @linear_decay(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>, %d: tensor<4xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.linear_attention %q, %k, %v decay(%d : tensor<4xf32>) {causal, normalize} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Data-dependent masks become a predicate the map yields; it reads the mask
// operands, appended to every einsum over (m, p).
// CHECK-LABEL: func.func @document_ids
// CHECK:         %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h floordiv 2, m, e], %KVLEN[b], %QDOC[b, p], %KDOC[b, m]) where (m <= p) {
// CHECK:         ^bb0(%q: f32, %k: f32, %kvlen: i32, %qdoc: i64, %kdoc: i64):
// CHECK-DAG:       %[[LEN:.+]] = arith.index_cast %kvlen : i32 to index
// CHECK-DAG:       %[[M:.+]] = ein.index m
// CHECK:           arith.cmpi slt, %[[M]], %[[LEN]] : index
// CHECK:           arith.cmpi eq, %qdoc, %kdoc : i64
// CHECK:           ein.yield %{{.+}}, %{{.+}} : f32, i1
// CHECK:         %AV = ein.einsum AV[b, h, p, f] += (%A[b, h, m, p], %V[b, h floordiv 2, m, f], %KVLEN[b], %QDOC[b, p], %KDOC[b, m]) where (m <= p) {
func.func @document_ids(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x37x16xf32>, %v: tensor<2x2x37x8xf32>, %len: tensor<2xi32>, %qd: tensor<2x37xi64>, %kd: tensor<2x37xi64>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v kv_lengths(%len : tensor<2xi32>) q_doc_ids(%qd : tensor<2x37xi64>) k_doc_ids(%kd : tensor<2x37xi64>) {causal = #attn.causal<top_left>} : tensor<2x4x37x16xf32>, tensor<2x2x37x16xf32>, tensor<2x2x37x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// mask_mod and score_mod regions are inlined over (b, h, p, m).
// CHECK-LABEL: func.func @mods
// CHECK:         %S = ein.einsum S[b, h, m, p] = (%QK[b, h, m, p]) {
// CHECK:           ein.index p
// CHECK:           ein.index m
// CHECK:           arith.subi
// CHECK:         %GM = ein.einsum GM[b, h, p] max= (%S[b, h, m, p]) {
// CHECK:           arith.remui
// CHECK:           ein.yield %{{.+}}, %{{.+}} : f32, i1
func.func @mods(%q: tensor<1x2x9x8xf32>, %k: tensor<1x2x9x8xf32>, %v: tensor<1x2x9x8xf32>) -> tensor<1x2x9x8xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x8xf32>
  score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %kv: index):
    %d = arith.subi %qi, %kv : index
    %i = arith.index_cast %d : index to i64
    %f = arith.sitofp %i : i64 to f32
    %r = arith.subf %s, %f : f32
    attn.yield %r : f32
  } mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %kv: index):
    %c3 = arith.constant 3 : index
    %r = arith.remui %kv, %c3 : index
    %c0 = arith.constant 0 : index
    %keep = arith.cmpi ne, %r, %c0 : index
    attn.yield %keep : i1
  }
  return %o : tensor<1x2x9x8xf32>
}

// -----

// A paged cache: the pages of each sequence copied in table order into
// contiguous keys and values [B, Hkv, P * S, D] (page numbers clamped into
// the pool), which the cascade then reads like a contiguous cache.
// CHECK-LABEL: func.func @paged
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<2x2x80x16xf32>
// CHECK: %[[K:.*]] = scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[EMPTY]])
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]])
// CHECK: %[[E:.*]] = tensor.extract %{{.*}}[%[[B]], %[[J]]] : tensor<2x5xi32>
// CHECK: %[[P:.*]] = arith.index_cast %[[E]] : i32 to index
// CHECK: %[[LO:.*]] = arith.maxsi %[[P]], %{{.*}} : index
// CHECK: %[[PAGE:.*]] = arith.minsi %[[LO]], %{{.*}} : index
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %{{.*}}[%[[PAGE]], 0, 0, 0] [1, 2, 16, 16] [1, 1, 1, 1] : tensor<9x2x16x16xf32> to tensor<1x2x16x16xf32>
// CHECK: tensor.insert_slice %[[SLICE]] into %[[ACC2]][%[[B]], 0, %{{.*}}, 0] [1, 2, 16, 16] [1, 1, 1, 1] : tensor<1x2x16x16xf32> into tensor<2x2x80x16xf32>
// CHECK: ein.cascade "attention" ranks [b: 2, h: 4, e: 16, f: 8, m: 80, p: 1]
// CHECK-NEXT: ins(%Q = %{{.*}}, %K = %[[K]] : tensor<2x2x80x16xf32>
func.func @paged(%q: tensor<2x4x1x16xf32>, %k: tensor<9x2x16x16xf32>, %v: tensor<9x2x16x8xf32>,
                 %len: tensor<2xi32>, %t: tensor<2x5xi32>) -> tensor<2x4x1x8xf32> {
  %o = attn.attention %q, %k, %v kv_lengths(%len : tensor<2xi32>) block_table(%t : tensor<2x5xi32>)
      : tensor<2x4x1x16xf32>, tensor<9x2x16x16xf32>, tensor<9x2x16x8xf32> -> tensor<2x4x1x8xf32>
  return %o : tensor<2x4x1x8xf32>
}
