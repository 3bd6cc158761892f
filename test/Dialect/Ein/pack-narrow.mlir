// ein-pack moves a vector rank too narrow to fill a vector (the query rows
// of a decode tile) out of the innermost position: the scores and
// probabilities end with the keys m0, the weighted values with f; the
// reductions over m0 and the running state keep p0 last; AV, which the
// cascade yields, keeps its layout. Q is then not packed (nothing reads it
// across the innermost rank).
//
// RUN: cascade-opt %s --split-input-file --verify-diagnostics --attn-pack-gqa --attn-decompose --ein-defer-division "--ein-one-pass=tile=32" "--ein-tile-parallel=tile=32" --ein-simplify-conditions --ein-pack | FileCheck %s
// RUN: cascade-opt %s --split-input-file --attn-pack-gqa --attn-decompose --ein-defer-division "--ein-one-pass=tile=32" "--ein-tile-parallel=tile=32" --ein-simplify-conditions "--ein-pack=min-vector-points=4" 2>/dev/null | FileCheck %s --check-prefix=WIDE
// RUN: cascade-opt %s --split-input-file --attn-pack-gqa --attn-decompose --ein-defer-division "--ein-one-pass=tile=32" "--ein-tile-parallel=tile=32" --ein-simplify-conditions "--ein-pack=min-vector-points=0" 2>/dev/null | FileCheck %s --check-prefix=WIDE

// CHECK-LABEL: func.func @decode
// CHECK-NOT: ein.einsum QP
// CHECK: %BQK = ein.einsum BQK[b, h, m1, p1, p0, m0] += (%Q[b, h, p1 * 4 + p0, e], %K[b, h, m1 * 32 + m0, e])
// CHECK: %LM = ein.einsum LM[b, h, m1, p1, p0] max= (%BQK[b, h, m1, p1, p0, m0])
// CHECK: %SLN = ein.einsum SLN[b, h, m1, p1, p0, m0] = (%BQK[b, h, m1, p1, p0, m0], %RM[b, h, m1 + 1, p1, p0])
// CHECK: %SLD = ein.einsum SLD[b, h, m1, p1, p0] += (%SLN[b, h, m1, p1, p0, m0])
// CHECK: %SLNV = ein.einsum SLNV[b, h, m1, p1, p0, f] += (%SLN[b, h, m1, p1, p0, m0], %V[b, h, m1 * 32 + m0, f])
// CHECK: %RNV = ein.einsum RNV[b, h, m1 + 1, p1, p0, f] = (%RNV[b, h, m1, p1, p0, f], %SLNV[b, h, m1, p1, p0, f], %PRM[b, h, m1, p1, p0])
// CHECK: %AV = ein.einsum AV[b, h, p1, p0, f] = (%RNV[b, h, |m1|, p1, p0, f], %RD[b, h, |m1|, p1, p0])

// With 4 points allowed (or the move turned off), p0 stays innermost and Q
// is packed along it.
// WIDE-LABEL: func.func @decode
// WIDE: %BQK = ein.einsum BQK[b, h, m1, m0, p1, p0] += (%QP[b, h, p1, e, p0], %K[b, h, m1 * 32 + m0, e])
// WIDE: %SLNV = ein.einsum SLNV[b, h, f, m1, p1, p0] += (%SLN[b, h, m1, m0, p1, p0], %V[b, h, m1 * 32 + m0, f])
func.func @decode(%q: tensor<2x8x1x40xf32>, %k: tensor<2x2x100x40xf32>,
                  %v: tensor<2x2x100x24xf32>) -> tensor<2x8x1x24xf32> {
  // expected-remark @below {{query heads packed: 4 per key/value head}}
  // expected-remark @below {{cascade 'attention': 4 einsums laid out with 'm0' and 'f' innermost instead of 'p0' (fewer than 16 points)}}
  %o = attn.attention %q, %k, %v : tensor<2x8x1x40xf32>, tensor<2x2x100x40xf32>, tensor<2x2x100x24xf32> -> tensor<2x8x1x24xf32>
  return %o : tensor<2x8x1x24xf32>
}

// -----

// The value rank is narrow too (Dv = 8): the weighted values have no wide
// rank of the tile to end with and keep their layout; the scores still end
// with m0.
// CHECK-LABEL: func.func @narrow_values
// CHECK: %BQK = ein.einsum BQK[b, h, m1, p1, p0, m0]
// CHECK: %SLNV = ein.einsum SLNV[b, h, f, m1, p1, p0]
func.func @narrow_values(%q: tensor<1x4x1x16xf32>, %k: tensor<1x2x50x16xf32>,
                         %v: tensor<1x2x50x8xf32>) -> tensor<1x4x1x8xf32> {
  // expected-remark @below {{query heads packed: 2 per key/value head}}
  // expected-remark @below {{cascade 'attention': 2 einsums laid out with 'm0' innermost instead of 'p0' (fewer than 16 points)}}
  %o = attn.attention %q, %k, %v : tensor<1x4x1x16xf32>, tensor<1x2x50x16xf32>, tensor<1x2x50x8xf32> -> tensor<1x4x1x8xf32>
  return %o : tensor<1x4x1x8xf32>
}

// -----

// Prefill: query tiles of 32 rows fill vectors; nothing moves.
// CHECK-LABEL: func.func @prefill
// CHECK: %BQK = ein.einsum BQK[b, h, m1, m0, p1, p0] += (%QP
func.func @prefill(%q: tensor<1x2x70x16xf32>, %k: tensor<1x2x50x16xf32>,
                   %v: tensor<1x2x50x16xf32>) -> tensor<1x2x70x16xf32> {
  // expected-remark @below {{cascade 'attention': 1 operand packed with the vector rank innermost}}
  %o = attn.attention %q, %k, %v : tensor<1x2x70x16xf32>, tensor<1x2x50x16xf32>, tensor<1x2x50x16xf32> -> tensor<1x2x70x16xf32>
  return %o : tensor<1x2x70x16xf32>
}
