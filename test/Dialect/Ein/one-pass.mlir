// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-one-pass="rank=m tile=32" 2>/dev/null | FileCheck %s
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-one-pass="rank=m tile=32" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK

// Softmax: partitioned and made online.
// CHECK-LABEL: func.func @softmax
// CHECK:         ranks [b: 1, h: 2, e: 8, f: 8, m: 50, m1: m floordiv 32, m0: m mod 32, p: 20]
// CHECK:         %RM = ein.einsum RM[b, h, m1 + 1, p]
func.func @softmax(%q: tensor<1x2x20x8xf32>, %k: tensor<1x2x50x8xf32>, %v: tensor<1x2x50x8xf32>) -> tensor<1x2x20x8xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x2x20x8xf32>, tensor<1x2x50x8xf32>, tensor<1x2x50x8xf32> -> tensor<1x2x20x8xf32>
  return %o : tensor<1x2x20x8xf32>
}

// -----

// A sum of squared rescaled terms cannot carry one rescaling factor:
// ein-online refuses and the cascade keeps its two passes, unpartitioned.
// REMARK: remark: ein-online: 'SD' reads 2 rescaled terms; a running sum can carry one rescaling factor
// REMARK: remark: ein-one-pass: keeping the 2-pass schedule over 'm'
// CHECK-LABEL: func.func @squares
// CHECK:         ein.cascade "sq" ranks [b: 2, m: 100, p: 3]
// CHECK:         %SD = ein.einsum SD[b, p] += (%SN[b, m, p], %SN[b, m, p]) {
func.func @squares(%s: tensor<2x100x3xf32>) -> tensor<2x3xf32> {
  %r = ein.cascade "sq" ranks [b: 2, m: 100, p: 3] ins(%S = %s : tensor<2x100x3xf32>) -> tensor<2x3xf32> {
    %GM = ein.einsum GM[b, p] max= (%S[b, m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x100x3xf32>) -> tensor<2x3xf32>
    %SN = ein.einsum SN[b, m, p] = (%S[b, m, p], %GM[b, p]) {
    ^bb0(%x: f32, %g: f32):
      %0 = arith.subf %x, %g : f32
      %1 = math.exp %0 : f32
      ein.yield %1 : f32
    } : (tensor<2x100x3xf32>, tensor<2x3xf32>) -> tensor<2x100x3xf32>
    %SD = ein.einsum SD[b, p] += (%SN[b, m, p], %SN[b, m, p]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.mulf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<2x100x3xf32>, tensor<2x100x3xf32>) -> tensor<2x3xf32>
    ein.yield %SD : tensor<2x3xf32>
  }
  return %r : tensor<2x3xf32>
}

// -----

// A rescaled term whose masked points are 0.5, not 0: the constant would be
// rescaled too, so the max cannot become a running value.
// REMARK: remark: ein-online: cannot make 'GM' a running value: 'BSN' reads it inside the pass over 'm1'
// REMARK: remark: ein-one-pass: keeping the 2-pass schedule over 'm'
// CHECK-LABEL: func.func @filled
// CHECK:         %SN = ein.einsum SN[b, m, p] = (%S[b, m, p], %GM[b, p]) where (m <= 89) fill(0.5) {
func.func @filled(%s: tensor<2x100x3xf32>) -> tensor<2x3xf32> {
  %r = ein.cascade "filled" ranks [b: 2, m: 100, p: 3] ins(%S = %s : tensor<2x100x3xf32>) -> tensor<2x3xf32> {
    %GM = ein.einsum GM[b, p] max= (%S[b, m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x100x3xf32>) -> tensor<2x3xf32>
    %SN = ein.einsum SN[b, m, p] = (%S[b, m, p], %GM[b, p]) where (m < 90) fill(0.5) {
    ^bb0(%x: f32, %g: f32):
      %0 = arith.subf %x, %g : f32
      %1 = math.exp %0 : f32
      ein.yield %1 : f32
    } : (tensor<2x100x3xf32>, tensor<2x3xf32>) -> tensor<2x100x3xf32>
    %SD = ein.einsum SD[b, p] += (%SN[b, m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x100x3xf32>) -> tensor<2x3xf32>
    ein.yield %SD : tensor<2x3xf32>
  }
  return %r : tensor<2x3xf32>
}
