// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-partition="rank=m tile=64" --ein-online | FileCheck %s
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-partition="rank=m tile=64" --ein-online -o /dev/null --mlir-disable-threading 2>&1 | FileCheck %s --check-prefix=NODEFER
// RUN: cascade-opt %s --split-input-file --ein-online -verify-diagnostics -o /dev/null --mlir-disable-threading

// The one-pass cascade of DESIGN.md, rank for rank (with b and h in front):
//   BQK[m1,m0,p]  = Q[e,p] * K[e, m1*M0+m0]
//   LM[m1,p]      = BQK[m1,m0,p]                      reduce max over m0
//   RM[m1+1,p]    = max(RM[m1,p], LM[m1,p])            RM[0,p] = -inf
//   PRM[m1,p]     = exp(RM[m1,p] - RM[m1+1,p])
//   SLN[m1,m0,p]  = exp(BQK[m1,m0,p] - RM[m1+1,p])
//   SLD[m1,p]     = SLN[m1,m0,p]                      reduce + over m0
//   RD[m1+1,p]    = RD[m1,p] * PRM[m1,p] + SLD[m1,p]   RD[0,p] = 0
//   SLNV[f,m1,p]  = SLN[m1,m0,p] * V[f, m1*M0+m0]     reduce + over m0
//   RNV[f,m1+1,p] = RNV[f,m1,p] * PRM[m1,p] + SLNV[f,m1,p]
//   AV[f,p]       = RNV[f,M1,p] / RD[M1,p]
// CHECK-LABEL: func.func @softmax
// CHECK:      %BQK = ein.einsum BQK[b, h, m1, m0, p] += (%Q[b, h, p, e], %K[b, h floordiv 4, m1 * 64 + m0, e]) where (m1 * 64 + m0 <= p) {
// CHECK:      %LM = ein.einsum LM[b, h, m1, p] max= (%BQK[b, h, m1, m0, p]) where (m1 * 64 + m0 <= p) {
// CHECK:      %RM = ein.einsum RM[b, h, m1 + 1, p] = (%RM[b, h, m1, p], %LM[b, h, m1, p]) init(-inf) {
// CHECK-NEXT: ^bb0(%[[OLD:.+]]: f32, %[[LOC:.+]]: f32):
// CHECK-NEXT:   %[[MAX:.+]] = arith.maximumf %[[OLD]], %[[LOC]] : f32
// CHECK-NEXT:   ein.yield %[[MAX]] : f32
// CHECK:      %PRM = ein.einsum PRM[b, h, m1, p] = (%RM[b, h, m1, p], %RM[b, h, m1 + 1, p]) {
// CHECK-NEXT: ^bb0(%[[PREV:.+]]: f32, %[[NEW:.+]]: f32):
// CHECK:        %[[EMPTY:.+]] = arith.cmpf oeq, %[[NEW]], %{{.+}} : f32
// CHECK:        %[[DIFF:.+]] = arith.subf %[[PREV]], %[[NEW]] : f32
// CHECK:        %[[EXP:.+]] = math.exp %[[DIFF]] : f32
// CHECK:        arith.select %[[EMPTY]], %{{.+}}, %[[EXP]] : f32
// CHECK:      %SLN = ein.einsum SLN[b, h, m1, m0, p] = (%BQK[b, h, m1, m0, p], %RM[b, h, m1 + 1, p]) where (m1 * 64 + m0 <= p) {
// CHECK:      %SLD = ein.einsum SLD[b, h, m1, p] += (%SLN[b, h, m1, m0, p]) where (m1 * 64 + m0 <= p) {
// CHECK:      %RD = ein.einsum RD[b, h, m1 + 1, p] = (%RD[b, h, m1, p], %SLD[b, h, m1, p], %PRM[b, h, m1, p]) init(0.0) {
// CHECK-NEXT: ^bb0(%[[RD:.+]]: f32, %[[SLD:.+]]: f32, %[[F:.+]]: f32):
// CHECK-NEXT:   %[[SCALED:.+]] = arith.mulf %[[RD]], %[[F]] : f32
// CHECK-NEXT:   %[[SUM:.+]] = arith.addf %[[SCALED]], %[[SLD]] : f32
// CHECK-NEXT:   ein.yield %[[SUM]] : f32
// CHECK:      %SLNV = ein.einsum SLNV[b, h, f, m1, p] += (%SLN[b, h, m1, m0, p], %V[b, h floordiv 4, m1 * 64 + m0, f]) where (m1 * 64 + m0 <= p) {
// CHECK:      %RNV = ein.einsum RNV[b, h, f, m1 + 1, p] = (%RNV[b, h, f, m1, p], %SLNV[b, h, f, m1, p], %PRM[b, h, m1, p]) init(0.0) {
// CHECK:      %AV = ein.einsum AV[b, h, p, f] = (%RNV[b, h, f, |m1|, p], %RD[b, h, |m1|, p]) {
// CHECK-NOT:  ein.einsum
// CHECK:      ein.yield %AV

// Without ein-defer-division the normalization A = SN / SD reads the sum SD
// inside the pass over m1: refused, the cascade left as it was.
// NODEFER: remark: ein-online: cannot make 'SD' a running value: 'BA' reads it inside the pass over 'm1', and only a max read as exp(x - max) can be replaced by its running value (defer a division with ein-defer-division first)
func.func @softmax(%q: tensor<2x8x100x32xf32>, %k: tensor<2x2x100x32xf32>, %v: tensor<2x2x100x32xf32>) -> tensor<2x8x100x32xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<2x8x100x32xf32>, tensor<2x2x100x32xf32>, tensor<2x2x100x32xf32> -> tensor<2x8x100x32xf32>
  return %o : tensor<2x8x100x32xf32>
}

// -----

// A sum read inside the pass (here: x / sum) cannot be made online.
// CHECK-LABEL: func.func @sum_read_in_pass
func.func @sum_read_in_pass(%s: tensor<2x4x3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 8, m1: m floordiv 4, m0: m mod 4, p: 3] ins(%S = %s : tensor<2x4x3xf32>) -> tensor<3xf32> {
    %T = ein.einsum T[p] += (%S[m1, m0, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x4x3xf32>) -> tensor<3xf32>
    // expected-remark @+1 {{ein-online: cannot make 'T' a running value: 'N' reads it inside the pass over 'm1'}}
    %N = ein.einsum N[m1, m0, p] = (%S[m1, m0, p], %T[p]) {
    ^bb0(%x: f32, %t: f32):
      %0 = arith.divf %x, %t : f32
      ein.yield %0 : f32
    } : (tensor<2x4x3xf32>, tensor<3xf32>) -> tensor<2x4x3xf32>
    %U = ein.einsum U[p] max= (%N[m1, m0, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x4x3xf32>) -> tensor<3xf32>
    ein.yield %U : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

// A max read as x - max (without exp) cannot be rescaled multiplicatively.
// CHECK-LABEL: func.func @max_not_in_exp
func.func @max_not_in_exp(%s: tensor<2x4x3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 8, m1: m floordiv 4, m0: m mod 4, p: 3] ins(%S = %s : tensor<2x4x3xf32>) -> tensor<3xf32> {
    %G = ein.einsum G[p] max= (%S[m1, m0, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x4x3xf32>) -> tensor<3xf32>
    // expected-remark @+1 {{ein-online: cannot make 'G' a running value: 'D' reads it inside the pass over 'm1'}}
    %D = ein.einsum D[m1, m0, p] = (%S[m1, m0, p], %G[p]) {
    ^bb0(%x: f32, %g: f32):
      %0 = arith.subf %x, %g : f32
      ein.yield %0 : f32
    } : (tensor<2x4x3xf32>, tensor<3xf32>) -> tensor<2x4x3xf32>
    %U = ein.einsum U[p] += (%D[m1, m0, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x4x3xf32>) -> tensor<3xf32>
    ein.yield %U : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

// A rescaled exponential read by something other than a linear sum.
// CHECK-LABEL: func.func @rescaled_not_summed
func.func @rescaled_not_summed(%s: tensor<2x4x3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 8, m1: m floordiv 4, m0: m mod 4, p: 3] ins(%S = %s : tensor<2x4x3xf32>) -> tensor<3xf32> {
    %G = ein.einsum G[p] max= (%S[m1, m0, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x4x3xf32>) -> tensor<3xf32>
    %E = ein.einsum E[m1, m0, p] = (%S[m1, m0, p], %G[p]) {
    ^bb0(%x: f32, %g: f32):
      %0 = arith.subf %x, %g : f32
      %1 = math.exp %0 : f32
      ein.yield %1 : f32
    } : (tensor<2x4x3xf32>, tensor<3xf32>) -> tensor<2x4x3xf32>
    // expected-remark @+1 {{ein-online: 'E' is rescaled when the running max grows, so every reader must be a sum over 'm1' linear in it; 'U' is not}}
    %U = ein.einsum U[p] max= (%E[m1, m0, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x4x3xf32>) -> tensor<3xf32>
    %O = ein.einsum O[p] = (%U[p]) {
    ^bb0(%x: f32):
      %0 = math.sqrt %x : f32
      ein.yield %0 : f32
    } : (tensor<3xf32>) -> tensor<3xf32>
    ein.yield %O : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

// A plain sum over a partitioned rank, read only after the pass, becomes a
// running sum without rescaling (this is all sigmoid or l1-normalized
// attention needs).
// CHECK-LABEL: func.func @plain_sum
// CHECK:         %SLT = ein.einsum SLT[m1, p] += (%S[m1, m0, p]) {
// CHECK:         %RT = ein.einsum RT[m1 + 1, p] = (%RT[m1, p], %SLT[m1, p]) init(0.0) {
// CHECK:           arith.addf
// CHECK:         %O = ein.einsum O[p] = (%RT[|m1|, p]) {
func.func @plain_sum(%s: tensor<2x4x3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 8, m1: m floordiv 4, m0: m mod 4, p: 3] ins(%S = %s : tensor<2x4x3xf32>) -> tensor<3xf32> {
    %T = ein.einsum T[p] += (%S[m1, m0, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x4x3xf32>) -> tensor<3xf32>
    %O = ein.einsum O[p] = (%T[p]) {
    ^bb0(%x: f32):
      %0 = math.sqrt %x : f32
      ein.yield %0 : f32
    } : (tensor<3xf32>) -> tensor<3xf32>
    ein.yield %O : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}
