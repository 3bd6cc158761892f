// RUN: cascade-opt %s | cascade-opt | FileCheck %s
// RUN: cascade-opt %s --mlir-print-op-generic | cascade-opt | FileCheck %s

// The first RUN line prints the custom form twice, the second once: the
// printed form is a fixpoint of print and parse.

// The 3-pass softmax cascade with grouped-query heads (8 query heads over 2
// key/value heads) and a top-left causal mask.

// CHECK-LABEL: func.func @attention
// CHECK-SAME:    (%[[Q:.+]]: tensor<2x8x100x64xf32>, %[[K:.+]]: tensor<2x2x100x64xf32>, %[[V:.+]]: tensor<2x2x100x64xf32>)
// CHECK:         %[[O:.+]] = ein.cascade "attention" ranks [b: 2, h: 8, e: 64, f: 64, m: 100, p: 100]
// CHECK-NEXT:      ins(%Q = %[[Q]] : tensor<2x8x100x64xf32>, %K = %[[K]] : tensor<2x2x100x64xf32>, %V = %[[V]] : tensor<2x2x100x64xf32>) -> tensor<2x8x100x64xf32> {
// CHECK-NEXT:      %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h floordiv 4, m, e]) where (m <= p) {
// CHECK-NEXT:      ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32):
// CHECK-NEXT:        %[[MUL:.+]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT:        ein.yield %[[MUL]] : f32
// CHECK-NEXT:      } : (tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>) -> tensor<2x8x100x100xf32>
// CHECK-NEXT:      %GM = ein.einsum GM[b, h, p] max= (%QK[b, h, m, p]) {
// CHECK:           } : (tensor<2x8x100x100xf32>) -> tensor<2x8x100xf32>
// CHECK-NEXT:      %SN = ein.einsum SN[b, h, m, p] = (%QK[b, h, m, p], %GM[b, h, p]) {
// CHECK:             math.exp
// CHECK:           } : (tensor<2x8x100x100xf32>, tensor<2x8x100xf32>) -> tensor<2x8x100x100xf32>
// CHECK-NEXT:      %SD = ein.einsum SD[b, h, p] += (%SN[b, h, m, p]) {
// CHECK:           } : (tensor<2x8x100x100xf32>) -> tensor<2x8x100xf32>
// CHECK-NEXT:      %A = ein.einsum A[b, h, m, p] = (%SN[b, h, m, p], %SD[b, h, p]) {
// CHECK:           } : (tensor<2x8x100x100xf32>, tensor<2x8x100xf32>) -> tensor<2x8x100x100xf32>
// CHECK-NEXT:      %AV = ein.einsum AV[b, h, p, f] += (%A[b, h, m, p], %V[b, h floordiv 4, m, f]) {
// CHECK:           } : (tensor<2x8x100x100xf32>, tensor<2x2x100x64xf32>) -> tensor<2x8x100x64xf32>
// CHECK-NEXT:      ein.yield %AV : tensor<2x8x100x64xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[O]] : tensor<2x8x100x64xf32>
func.func @attention(%q: tensor<2x8x100x64xf32>, %k: tensor<2x2x100x64xf32>,
                     %v: tensor<2x2x100x64xf32>) -> tensor<2x8x100x64xf32> {
  %o = ein.cascade "attention" ranks [b: 2, h: 8, e: 64, f: 64, m: 100, p: 100]
      ins(%Q = %q : tensor<2x8x100x64xf32>, %K = %k : tensor<2x2x100x64xf32>,
          %V = %v : tensor<2x2x100x64xf32>) -> tensor<2x8x100x64xf32> {
    %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h floordiv 4, m, e])
        where (m <= p) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.mulf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<2x8x100x64xf32>, tensor<2x2x100x64xf32>) -> tensor<2x8x100x100xf32>
    %GM = ein.einsum GM[b, h, p] max= (%QK[b, h, m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x8x100x100xf32>) -> tensor<2x8x100xf32>
    %SN = ein.einsum SN[b, h, m, p] = (%QK[b, h, m, p], %GM[b, h, p]) {
    ^bb0(%x: f32, %g: f32):
      %0 = arith.subf %x, %g : f32
      %1 = math.exp %0 : f32
      ein.yield %1 : f32
    } : (tensor<2x8x100x100xf32>, tensor<2x8x100xf32>) -> tensor<2x8x100x100xf32>
    %SD = ein.einsum SD[b, h, p] += (%SN[b, h, m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x8x100x100xf32>) -> tensor<2x8x100xf32>
    %A = ein.einsum A[b, h, m, p] = (%SN[b, h, m, p], %SD[b, h, p]) {
    ^bb0(%x: f32, %d: f32):
      %0 = arith.divf %x, %d : f32
      ein.yield %0 : f32
    } : (tensor<2x8x100x100xf32>, tensor<2x8x100xf32>) -> tensor<2x8x100x100xf32>
    %AV = ein.einsum AV[b, h, p, f] += (%A[b, h, m, p], %V[b, h floordiv 4, m, f]) {
    ^bb0(%a: f32, %w: f32):
      %0 = arith.mulf %a, %w : f32
      ein.yield %0 : f32
    } : (tensor<2x8x100x100xf32>, tensor<2x2x100x64xf32>) -> tensor<2x8x100x64xf32>
    ein.yield %AV : tensor<2x8x100x64xf32>
  }
  return %o : tensor<2x8x100x64xf32>
}

// Every assignment operator, and a cascade with several results. The einsums
// are listed in reverse dependence order: the body is a graph region.

// CHECK-LABEL: func.func @reductions
// CHECK:         %[[R:.+]]:5 = ein.cascade "reductions" ranks [i: 4, j: 16]
// CHECK-NEXT:      ins(%X = %{{.+}} : tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<16xf32>) {
// CHECK-NEXT:      %SUM = ein.einsum SUM[i] += (%NEG[i, j]) {
// CHECK:           %PROD = ein.einsum PROD[i] *= (%X[i, j]) {
// CHECK:           %MAX = ein.einsum MAX[i] max= (%X[i, j]) {
// CHECK:           %MIN = ein.einsum MIN[j] min= (%X[i, j]) {
// CHECK:           %NEG = ein.einsum NEG[i, j] = (%X[i, j]) {
// CHECK-NEXT:      ^bb0(%[[A:.+]]: f32):
// CHECK-NEXT:        %[[N:.+]] = arith.negf %[[A]] : f32
// CHECK-NEXT:        ein.yield %[[N]] : f32
// CHECK-NEXT:      } : (tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT:      ein.yield %NEG, %SUM, %PROD, %MAX, %MIN : tensor<4x16xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<16xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[R]]#0, %[[R]]#1, %[[R]]#2, %[[R]]#3, %[[R]]#4
func.func @reductions(%x: tensor<4x16xf32>)
    -> (tensor<4x16xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<16xf32>) {
  %r:5 = ein.cascade "reductions" ranks [i: 4, j: 16] ins(%X = %x : tensor<4x16xf32>)
      -> (tensor<4x16xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<16xf32>) {
    %SUM = ein.einsum SUM[i] += (%NEG[i, j]) {
    ^bb0(%a: f32):
      ein.yield %a : f32
    } : (tensor<4x16xf32>) -> tensor<4xf32>
    %PROD = ein.einsum PROD[i] *= (%X[i, j]) {
    ^bb0(%a: f32):
      ein.yield %a : f32
    } : (tensor<4x16xf32>) -> tensor<4xf32>
    %MAX = ein.einsum MAX[i] max= (%X[i, j]) {
    ^bb0(%a: f32):
      ein.yield %a : f32
    } : (tensor<4x16xf32>) -> tensor<4xf32>
    %MIN = ein.einsum MIN[j] min= (%X[i, j]) {
    ^bb0(%a: f32):
      ein.yield %a : f32
    } : (tensor<4x16xf32>) -> tensor<16xf32>
    %NEG = ein.einsum NEG[i, j] = (%X[i, j]) {
    ^bb0(%a: f32):
      %0 = arith.negf %a : f32
      ein.yield %0 : f32
    } : (tensor<4x16xf32>) -> tensor<4x16xf32>
    ein.yield %NEG, %SUM, %PROD, %MAX, %MIN
        : tensor<4x16xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<16xf32>
  }
  return %r#0, %r#1, %r#2, %r#3, %r#4
      : tensor<4x16xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<16xf32>
}

// A partitioned key rank: m = m1 * 64 + m0. The running maximum over the
// tiles is a recurrence over m1; its final value is read at |m1|.

// CHECK-LABEL: func.func @partitioned_recurrence
// CHECK:         ein.cascade "running_max" ranks [b: 2, h: 8, e: 64, m: 256, m1: m floordiv 64, m0: m mod 64, p: 128]
// CHECK-NEXT:      ins(%Q = %{{.+}} : tensor<2x8x128x64xf32>, %K = %{{.+}} : tensor<2x2x256x64xf32>) -> tensor<2x8x128xf32> {
// CHECK-NEXT:      %QK = ein.einsum QK[b, h, m1, m0, p] += (%Q[b, h, p, e], %K[b, h floordiv 4, m1 * 64 + m0, e]) {
// CHECK:           } : (tensor<2x8x128x64xf32>, tensor<2x2x256x64xf32>) -> tensor<2x8x4x64x128xf32>
// CHECK-NEXT:      %LM = ein.einsum LM[b, h, m1, p] max= (%QK[b, h, m1, m0, p]) {
// CHECK:           } : (tensor<2x8x4x64x128xf32>) -> tensor<2x8x4x128xf32>
// CHECK-NEXT:      %RM = ein.einsum RM[b, h, m1 + 1, p] = (%RM[b, h, m1, p], %LM[b, h, m1, p]) init(-inf) {
// CHECK-NEXT:      ^bb0(%[[PREV:.+]]: f32, %[[TILE:.+]]: f32):
// CHECK-NEXT:        %[[MAX:.+]] = arith.maximumf %[[PREV]], %[[TILE]] : f32
// CHECK-NEXT:        ein.yield %[[MAX]] : f32
// CHECK-NEXT:      } : (tensor<2x8x5x128xf32>, tensor<2x8x4x128xf32>) -> tensor<2x8x5x128xf32>
// CHECK-NEXT:      %GM = ein.einsum GM[b, h, p] = (%RM[b, h, |m1|, p]) {
// CHECK:           } : (tensor<2x8x5x128xf32>) -> tensor<2x8x128xf32>
// CHECK-NEXT:      %RN = ein.einsum RN[b, h, m1 + 1, p] = (%RN[b, h, m1, p], %QK[b, h, m1, |m0| - 1, p]) init(inf) {
// CHECK:           } : (tensor<2x8x5x128xf32>, tensor<2x8x4x64x128xf32>) -> tensor<2x8x5x128xf32>
// CHECK-NEXT:      ein.yield %GM : tensor<2x8x128xf32>
func.func @partitioned_recurrence(%q: tensor<2x8x128x64xf32>, %k: tensor<2x2x256x64xf32>)
    -> tensor<2x8x128xf32> {
  %o = ein.cascade "running_max"
      ranks [b: 2, h: 8, e: 64, m: 256, m1: m floordiv 64, m0: m mod 64, p: 128]
      ins(%Q = %q : tensor<2x8x128x64xf32>, %K = %k : tensor<2x2x256x64xf32>)
      -> tensor<2x8x128xf32> {
    %QK = ein.einsum QK[b, h, m1, m0, p] += (%Q[b, h, p, e], %K[b, h floordiv 4, m1 * 64 + m0, e]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.mulf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<2x8x128x64xf32>, tensor<2x2x256x64xf32>) -> tensor<2x8x4x64x128xf32>
    %LM = ein.einsum LM[b, h, m1, p] max= (%QK[b, h, m1, m0, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x8x4x64x128xf32>) -> tensor<2x8x4x128xf32>
    %RM = ein.einsum RM[b, h, m1 + 1, p] = (%RM[b, h, m1, p], %LM[b, h, m1, p]) init(-inf) {
    ^bb0(%prev: f32, %tile: f32):
      %0 = arith.maximumf %prev, %tile : f32
      ein.yield %0 : f32
    } : (tensor<2x8x5x128xf32>, tensor<2x8x4x128xf32>) -> tensor<2x8x5x128xf32>
    %GM = ein.einsum GM[b, h, p] = (%RM[b, h, |m1|, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x8x5x128xf32>) -> tensor<2x8x128xf32>
    // A recurrence whose other operand reads the last point of each tile.
    %RN = ein.einsum RN[b, h, m1 + 1, p] = (%RN[b, h, m1, p], %QK[b, h, m1, |m0| - 1, p]) init(inf) {
    ^bb0(%prev: f32, %x: f32):
      %0 = arith.minimumf %prev, %x : f32
      ein.yield %0 : f32
    } : (tensor<2x8x5x128xf32>, tensor<2x8x4x64x128xf32>) -> tensor<2x8x5x128xf32>
    ein.yield %GM : tensor<2x8x128xf32>
  }
  return %o : tensor<2x8x128xf32>
}

// Dynamic sequence lengths: p and m are bound to operand dimensions, m1 and
// m0 partition the dynamic m, and the mask is aligned at the bottom right:
// m <= p + |m| - |p|.

// CHECK-LABEL: func.func @dynamic
// CHECK:         ein.cascade "dynamic" ranks [b: 2, h: 8, e: 64, p: dim(0, 2), m: dim(1, 2), m1: m floordiv 64, m0: m mod 64]
// CHECK-NEXT:      ins(%Q = %{{.+}} : tensor<2x8x?x64xf32>, %K = %{{.+}} : tensor<2x2x?x64xf32>) -> tensor<2x8x?xf32> {
// CHECK-NEXT:      %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h floordiv 4, m, e])
// CHECK-SAME:          where (m + |p| <= p + |m|) {
// CHECK:           } : (tensor<2x8x?x64xf32>, tensor<2x2x?x64xf32>) -> tensor<2x8x?x?xf32>
// CHECK-NEXT:      %LM = ein.einsum LM[b, h, m1, p] max= (%QK[b, h, m1 * 64 + m0, p]) where (m1 * 64 + m0 < |m|) {
// CHECK:           } : (tensor<2x8x?x?xf32>) -> tensor<2x8x?x?xf32>
// CHECK-NEXT:      %RM = ein.einsum RM[b, h, m1 + 1, p] = (%RM[b, h, m1, p], %LM[b, h, m1, p]) init(-inf) {
// CHECK:           } : (tensor<2x8x?x?xf32>, tensor<2x8x?x?xf32>) -> tensor<2x8x?x?xf32>
// CHECK-NEXT:      %GM = ein.einsum GM[b, h, p] = (%RM[b, h, |m1|, p]) {
// CHECK:           } : (tensor<2x8x?x?xf32>) -> tensor<2x8x?xf32>
// CHECK-NEXT:      ein.yield %GM : tensor<2x8x?xf32>
func.func @dynamic(%q: tensor<2x8x?x64xf32>, %k: tensor<2x2x?x64xf32>) -> tensor<2x8x?xf32> {
  %o = ein.cascade "dynamic"
      ranks [b: 2, h: 8, e: 64, p: dim(0, 2), m: dim(1, 2), m1: m floordiv 64, m0: m mod 64]
      ins(%Q = %q : tensor<2x8x?x64xf32>, %K = %k : tensor<2x2x?x64xf32>)
      -> tensor<2x8x?xf32> {
    %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h floordiv 4, m, e])
        where (m <= p + |m| - |p|) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.mulf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<2x8x?x64xf32>, tensor<2x2x?x64xf32>) -> tensor<2x8x?x?xf32>
    %LM = ein.einsum LM[b, h, m1, p] max= (%QK[b, h, m1 * 64 + m0, p]) where (m1 * 64 + m0 < |m|) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x8x?x?xf32>) -> tensor<2x8x?x?xf32>
    %RM = ein.einsum RM[b, h, m1 + 1, p] = (%RM[b, h, m1, p], %LM[b, h, m1, p]) init(-inf) {
    ^bb0(%prev: f32, %tile: f32):
      %0 = arith.maximumf %prev, %tile : f32
      ein.yield %0 : f32
    } : (tensor<2x8x?x?xf32>, tensor<2x8x?x?xf32>) -> tensor<2x8x?x?xf32>
    %GM = ein.einsum GM[b, h, p] = (%RM[b, h, |m1|, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<2x8x?x?xf32>) -> tensor<2x8x?xf32>
    ein.yield %GM : tensor<2x8x?xf32>
  }
  return %o : tensor<2x8x?xf32>
}

// Conditions: each relation is kept as `lhs <= rhs` (`<` for a difference of
// one) or `lhs == rhs`, with the negative terms on the left.

// CHECK-LABEL: func.func @conditions
// CHECK:         ein.cascade "conditions" ranks [m: 12, p: 10]
// CHECK:           %LT = ein.einsum LT[m, p] = (%S[m, p]) where (m < p) {
// CHECK:           %GE = ein.einsum GE[m, p] = (%S[m, p]) where (p <= m) {
// CHECK:           %GT = ein.einsum GT[m, p] = (%S[m, p]) where (p < m) {
// CHECK:           %EQ = ein.einsum EQ[m, p] = (%S[m, p]) where (m == p) {
// CHECK:           %BAND = ein.einsum BAND[m, p] = (%S[m, p]) where (p <= m + 2, m <= p + 2, 0 < p, m < |m|, p * 2 <= m + 10) {
func.func @conditions(%s: tensor<12x10xf32>)
    -> (tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>) {
  %r:5 = ein.cascade "conditions" ranks [m: 12, p: 10] ins(%S = %s : tensor<12x10xf32>)
      -> (tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>) {
    %LT = ein.einsum LT[m, p] = (%S[m, p]) where (m < p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<12x10xf32>) -> tensor<12x10xf32>
    %GE = ein.einsum GE[m, p] = (%S[m, p]) where (m >= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<12x10xf32>) -> tensor<12x10xf32>
    %GT = ein.einsum GT[m, p] = (%S[m, p]) where (m > p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<12x10xf32>) -> tensor<12x10xf32>
    %EQ = ein.einsum EQ[m, p] = (%S[m, p]) where (m == p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<12x10xf32>) -> tensor<12x10xf32>
    %BAND = ein.einsum BAND[m, p] = (%S[m, p])
        where (p - 2 <= m, m - 3 < p, p >= 1, m - 1 <= |m| - 2, m >= 2 * p - 10) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<12x10xf32>) -> tensor<12x10xf32>
    ein.yield %LT, %GE, %GT, %EQ, %BAND
        : tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>
  }
  return %r#0, %r#1, %r#2, %r#3, %r#4
      : tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>
}

// fill(...) is the value of the elements that a masked `=` einsum leaves out;
// init and fill take `inf`, `-inf` and `nan` as well as numbers.

// CHECK-LABEL: func.func @fill
// CHECK:         ein.cascade "fill" ranks [m: 12, p: 10]
// CHECK-NEXT:      ins(%S = %{{.+}} : tensor<12x10xf32>) -> ({{.+}}) attributes {note = "cascade"} {
// CHECK:         %MASKED = ein.einsum MASKED[m, p] = (%S[m, p]) where (m <= p) fill(-inf) {
// CHECK:         %HALF = ein.einsum HALF[m, p] = (%S[m, p]) where (m == 0) fill(0.5) {
// CHECK:         %SMALL = ein.einsum SMALL[m, p] = (%S[m, p]) where (p < m) fill(0.001) {
// CHECK:         %NAN = ein.einsum NAN[m, p] = (%S[m, p]) where (m <= p) fill(nan) {
// CHECK:         %RP = ein.einsum RP[m + 1, p] = (%RP[m, p], %S[m, p]) init(inf) {
// CHECK:         %ATTR = ein.einsum ATTR[m, p] = (%S[m, p]) fill(-2.5) attributes {note = "kept"} {
func.func @fill(%s: tensor<12x10xf32>)
    -> (tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<13x10xf32>, tensor<12x10xf32>) {
  %r:6 = ein.cascade "fill" ranks [m: 12, p: 10] ins(%S = %s : tensor<12x10xf32>)
      -> (tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<13x10xf32>, tensor<12x10xf32>)
      attributes {note = "cascade"} {
    %MASKED = ein.einsum MASKED[m, p] = (%S[m, p]) where (m <= p) fill(-inf) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<12x10xf32>) -> tensor<12x10xf32>
    %HALF = ein.einsum HALF[m, p] = (%S[m, p]) where (m == 0) fill(0.5) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<12x10xf32>) -> tensor<12x10xf32>
    %SMALL = ein.einsum SMALL[m, p] = (%S[m, p]) where (m > p) fill(1.0e-3) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<12x10xf32>) -> tensor<12x10xf32>
    %NAN = ein.einsum NAN[m, p] = (%S[m, p]) where (m <= p) fill(nan) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<12x10xf32>) -> tensor<12x10xf32>
    %RP = ein.einsum RP[m + 1, p] = (%RP[m, p], %S[m, p]) init(inf) {
    ^bb0(%prev: f32, %x: f32):
      %0 = arith.minimumf %prev, %x : f32
      ein.yield %0 : f32
    } : (tensor<13x10xf32>, tensor<12x10xf32>) -> tensor<13x10xf32>
    %ATTR = ein.einsum ATTR[m, p] = (%S[m, p]) fill(-2.5) attributes {note = "kept"} {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<12x10xf32>) -> tensor<12x10xf32>
    ein.yield %MASKED, %HALF, %SMALL, %NAN, %RP, %ATTR
        : tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<13x10xf32>, tensor<12x10xf32>
  }
  return %r#0, %r#1, %r#2, %r#3, %r#4, %r#5
      : tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<12x10xf32>, tensor<13x10xf32>, tensor<12x10xf32>
}

// A union of conditions: the first 4 keys, or a window of 16 behind the query.
// CHECK-LABEL: func.func @union
// CHECK:         %U = ein.einsum U[m, p] = (%S[m, p]) where (m <= 3, m <= p) or (p <= m + 16, m <= p) {
func.func @union(%s: tensor<40x30xf32>) -> tensor<40x30xf32> {
  %r = ein.cascade "union" ranks [m: 40, p: 30] ins(%S = %s : tensor<40x30xf32>) -> tensor<40x30xf32> {
    %U = ein.einsum U[m, p] = (%S[m, p]) where (m < 4, m <= p) or (p - 16 <= m, m <= p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<40x30xf32>) -> tensor<40x30xf32>
    ein.yield %U : tensor<40x30xf32>
  }
  return %r : tensor<40x30xf32>
}
