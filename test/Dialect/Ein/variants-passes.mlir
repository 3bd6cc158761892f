// Pass counts over the key rank m for each variant: as decomposed, after
// ein-defer-division, and after ein-partition + ein-online. Every variant
// ends in one pass; sigmoid and ReLU attention are one pass from the start,
// softplus needs only the deferred division.
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-count-passes -o /dev/null 2>&1 | FileCheck %s --check-prefix=DECOMPOSED
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-count-passes -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEFERRED
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-partition --ein-online --ein-count-passes -o /dev/null 2>&1 | FileCheck %s --check-prefix=ONEPASS
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-partition --ein-online | FileCheck %s

// DECOMPOSED: remark: {{.*}}; 1 pass over m
// DEFERRED:   remark: {{.*}}; 1 pass over m
// ONEPASS:    remark: {{.*}}; 1 pass over m (live footprint 2368 elements: RAV)
// Sigmoid: the contraction's running sum needs no rescaling.
// CHECK-LABEL: func.func @sigmoid
// CHECK:     %BP = ein.einsum BP[b, h, m1, m0, p] = (%BQK[b, h, m1, m0, p]) {
// CHECK:     %SLAV = ein.einsum SLAV[b, h, f, m1, p] += (%BP[b, h, m1, m0, p], %V[b, h floordiv 2, m1 * 64 + m0, f]) {
// CHECK:     %RAV = ein.einsum RAV[b, h, f, m1 + 1, p] = (%RAV[b, h, f, m1, p], %SLAV[b, h, f, m1, p]) init(0.0) {
// CHECK-NEXT: ^bb0(%[[OLD:.+]]: f32, %[[NEW:.+]]: f32):
// CHECK-NEXT:  %[[SUM:.+]] = arith.addf %[[OLD]], %[[NEW]] : f32
// CHECK-NEXT:  ein.yield %[[SUM]]
// CHECK:     %AV = ein.einsum AV[b, h, p, f] = (%RAV[b, h, f, |m1|, p]) {
// CHECK-NOT: PRM
// CHECK:     return
func.func @sigmoid(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sigmoid>} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// DECOMPOSED: remark: {{.*}}; 1 pass over m
// DEFERRED:   remark: {{.*}}; 1 pass over m
// ONEPASS:    remark: {{.*}}; 1 pass over m
// CHECK-LABEL: func.func @relu
// CHECK:     %BP = ein.einsum BP[b, h, m1, m0, p] = (%BQK[b, h, m1, m0, p]) where (m1 * 64 + m0 <= p) {
// CHECK:     %RAV = ein.einsum RAV[b, h, f, m1 + 1, p]
// CHECK-NOT: PRM
// CHECK:     return
func.func @relu(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<relu>, causal = #attn.causal<top_left>} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// DECOMPOSED: remark: {{.*}}; 2 passes over m
// DEFERRED:   remark: {{.*}}; 1 pass over m
// ONEPASS:    remark: {{.*}}; 1 pass over m (live footprint 2664 elements: RD, RWV)
// Softplus with l1 normalization: two running sums, no max, no rescaling.
// CHECK-LABEL: func.func @softplus
// CHECK:     %RD = ein.einsum RD[b, h, m1 + 1, p] = (%RD[b, h, m1, p], %SLD[b, h, m1, p]) init(0.0) {
// CHECK:     %RWV = ein.einsum RWV[b, h, f, m1 + 1, p] = (%RWV[b, h, f, m1, p], %SLWV[b, h, f, m1, p]) init(0.0) {
// CHECK:     %AV = ein.einsum AV[b, h, p, f] = (%RWV[b, h, f, |m1|, p], %RD[b, h, |m1|, p]) {
// CHECK-NOT: RM
// CHECK:     return
func.func @softplus(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<softplus>, causal = #attn.causal<bottom_right>} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// DECOMPOSED: remark: {{.*}}; 3 passes over m
// DEFERRED:   remark: {{.*}}; 2 passes over m
// ONEPASS:    remark: {{.*}}; 1 pass over m (live footprint 2960 elements: RM, RD, RNV)
// Softplus with a power: the softmax of power * log(softplus(s)), with the
// running max that keeps softplus(s)^power in range.
// CHECK-LABEL: func.func @softplus_power
// CHECK:     %BLW = ein.einsum BLW[b, h, m1, m0, p] = (%BQK[b, h, m1, m0, p]) {
// CHECK:     %RM = ein.einsum RM[b, h, m1 + 1, p] = (%RM[b, h, m1, p], %LM[b, h, m1, p]) init(-inf) {
// CHECK:     %RNV = ein.einsum RNV[b, h, f, m1 + 1, p]
// CHECK:     return
func.func @softplus_power(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<softplus>, softplus_power = 4.0 : f32} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// DECOMPOSED: remark: {{.*}}; 3 passes over m
// DEFERRED:   remark: {{.*}}; 2 passes over m
// ONEPASS:    remark: {{.*}}; 1 pass over m
// Softmax with sinks: the sink's term joins the denominator after the pass,
// from the final running max and denominator.
// CHECK-LABEL: func.func @sinks
// CHECK:     %DEN = ein.einsum DEN[b, h, p] = (%RD[b, h, |m1|, p], %RM[b, h, |m1|, p], %SINK[h]) {
// CHECK:     %AV = ein.einsum AV[b, h, p, f] = (%RNV[b, h, f, |m1|, p], %DEN[b, h, p]) {
// CHECK:     %LSE = ein.einsum LSE[b, h, p] = (%RM[b, h, |m1|, p], %RD[b, h, |m1|, p], %SINK[h]) {
func.func @sinks(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>, %s: tensor<4xf32>) -> (tensor<2x4x37x8xf32>, tensor<2x4x37xf32>) {
  %o, %l = attn.attention %q, %k, %v sinks(%s : tensor<4xf32>) {return_lse} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
  return %o, %l : tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
}

// -----

// DECOMPOSED: remark: {{.*}}; 3 passes over m
// DEFERRED:   remark: {{.*}}; 2 passes over m
// ONEPASS:    remark: {{.*}}; 1 pass over m
// Every modifier and mask at once: the score einsum S streams in the pass.
// CHECK-LABEL: func.func @everything
// CHECK:     %BS = ein.einsum BS[b, h, m1, m0, p] = (%BQK[b, h, m1, m0, p], %SLOPE[h], %BIAS[b, 0, p, m1 * 64 + m0]) where (m1 * 64 + m0 + |p| <= p + |m|, p + |m| <= m1 * 64 + m0 + |p| + 30) or (m1 * 64 + m0 + |p| <= p + |m|, m1 * 64 + m0 <= 1) {
// CHECK:     %LM = ein.einsum LM[b, h, m1, p] max= (%BS[b, h, m1, m0, p])
// CHECK:     %SLN = ein.einsum SLN[b, h, m1, m0, p] = (%BS[b, h, m1, m0, p], %RM[b, h, m1 + 1, p])
// CHECK:     %O = ein.einsum O[b, h, p, f] = (%AV[b, h, p, f], %G[b, h, p, f]) {
func.func @everything(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>, %s: tensor<4xf32>, %bb: tensor<2x1x37x70xf32>, %g: tensor<2x4x37x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v sinks(%s : tensor<4xf32>) bias(%bb : tensor<2x1x37x70xf32>) gate(%g : tensor<2x4x37x8xf32>) {causal = #attn.causal<bottom_right>, window = array<i64: 30, 0>, sink_tokens = 2, softcap = 2.0 : f32, alibi} : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
