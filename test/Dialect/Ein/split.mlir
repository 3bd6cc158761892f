// RUN: cascade-opt %s --split-input-file --verify-diagnostics --attn-decompose --ein-defer-division "--ein-one-pass=tile=16" "--ein-tile-parallel=tile=2" --ein-sparsify "--ein-split=parts=3" | FileCheck %s

// ein-split on bottom-right causal GQA attention, N = 3, M = 100 in tiles of
// 16 (7 tiles): 3 parts of 3 tiles (48 keys), the last one holding 1 tile.
// With 4 tiles (second case), 3 parts of 2 tiles would leave one empty: 2.
//
// The parts: m = ms * 48 + ml, ml = m1 * 16 + m0; every einsum gets `ms`;
// the inputs and the mask read the global key ms * 48 + m1 * 16 + m0; each
// running state's final value is returned per part.
// CHECK-LABEL: func.func @causal
// CHECK: %[[P:.*]]:3 = ein.cascade "attention_parts" ranks [b: 2, h: 4, e: 16, f: 8, m: 100, ms: m floordiv 48, ml: m mod 48, m1: ml floordiv 16, m0: ml mod 16, p: 3, p1: p floordiv 2, p0: p mod 2]
// CHECK-NEXT: ins(%Q = %{{.*}}, %K = %{{.*}}, %V = %{{.*}}) -> (tensor<3x2x4x2x2xf32>, tensor<3x2x4x2x2xf32>, tensor<3x2x4x8x2x2xf32>)
// CHECK-SAME: tiles = #ein.tile_map<rank = "m1", dims = ["p1", "m1", "ms"]
// CHECK: ein.einsum BQK[ms, b, h, m1, m0, p1, p0] += ({{.*}}, %K[b, h floordiv 2, ms * 48 + m1 * 16 + m0, e]) where (ms * 48 + m1 * 16 + m0 + |p| <= p1 * 2 + p0 + |m|)
// CHECK: ein.einsum RM[ms, b, h, m1 + 1, p1, p0] = (%RM[ms, b, h, m1, p1, p0], %LM[ms, b, h, m1, p1, p0]) init(-inf)
// CHECK: ein.einsum RD[ms, b, h, m1 + 1, p1, p0] = (%RD[ms, b, h, m1, p1, p0], %SLD[ms, b, h, m1, p1, p0], %PRM[ms, b, h, m1, p1, p0]) init(0.0)
// CHECK: ein.einsum RNV[ms, b, h, f, m1 + 1, p1, p0] =
// CHECK: %[[FRM:.*]] = ein.einsum FRM[ms, b, h, p1, p0] = (%RM[ms, b, h, |m1|, p1, p0])
// CHECK: %[[FRD:.*]] = ein.einsum FRD[ms, b, h, p1, p0] = (%RD[ms, b, h, |m1|, p1, p0])
// CHECK: %[[FRNV:.*]] = ein.einsum FRNV[ms, b, h, f, p1, p0] = (%RNV[ms, b, h, f, |m1|, p1, p0])
// CHECK: ein.yield %[[FRM]], %[[FRD]], %[[FRNV]]
//
// The merge: the maxima by max over the parts, the sums rescaled by the
// cascade's own factor (PRM's map) from the part's maximum to the merged one,
// then the division that followed the loop.
// CHECK: ein.cascade "attention_merge" ranks [b: 2, h: 4, e: 16, f: 8, m: 100, m1: m floordiv 16, m0: m mod 16, p: 3, p1: p floordiv 2, p0: p mod 2, ms: 3]
// CHECK-NEXT: ins(%FRM = %[[P]]#0 : tensor<3x2x4x2x2xf32>, %FRD = %[[P]]#1 : tensor<3x2x4x2x2xf32>, %FRNV = %[[P]]#2 : tensor<3x2x4x8x2x2xf32>) -> tensor<2x4x2x2x8xf32>
// CHECK: ein.einsum MRM[b, h, p1, p0] max= (%FRM[ms, b, h, p1, p0])
// CHECK: ein.einsum SPRM[ms, b, h, p1, p0] = (%FRM[ms, b, h, p1, p0], %MRM[b, h, p1, p0])
// CHECK: math.exp
// CHECK: ein.einsum MRD[b, h, p1, p0] += (%FRD[ms, b, h, p1, p0], %SPRM[ms, b, h, p1, p0])
// CHECK: ein.einsum MRNV[b, h, f, p1, p0] += (%FRNV[ms, b, h, f, p1, p0], %SPRM[ms, b, h, p1, p0])
// CHECK: ein.einsum AV[b, h, p1, p0, f] = (%MRNV[b, h, f, p1, p0], %MRD[b, h, p1, p0])
// CHECK: arith.divf
func.func @causal(%q: tensor<2x4x3x16xf32>, %k: tensor<2x2x100x16xf32>, %v: tensor<2x2x100x8xf32>) -> tensor<2x4x3x8xf32> {
  // expected-remark @below {{tiles: 0 empty, 13 full, 1 partial (over p1, m1)}}
  // expected-remark @below {{cascade 'attention': split into 3 parts of 48 keys}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>} : tensor<2x4x3x16xf32>, tensor<2x2x100x16xf32>, tensor<2x2x100x8xf32> -> tensor<2x4x3x8xf32>
  return %o : tensor<2x4x3x8xf32>
}

// -----

// The sink's term and the log-sum-exp follow the loop: the merge computes
// them from the merged state (the sink logits are its only other input).
// CHECK-LABEL: func.func @sinks_lse
// CHECK: ein.cascade "attention_parts"
// CHECK: ein.cascade "attention_merge"
// CHECK-NEXT: ins(%SINK = %{{.*}} : tensor<2xf32>, %FRM = 
// CHECK: math.log
func.func @sinks_lse(%q: tensor<1x2x1x8xf32>, %k: tensor<1x1x64x8xf32>, %v: tensor<1x1x64x8xf32>, %s: tensor<2xf32>) -> (tensor<1x2x1x8xf32>, tensor<1x2x1xf32>) {
  // expected-remark @below {{cascade 'attention': split into 2 parts of 32 keys}}
  %o, %l = attn.attention %q, %k, %v sinks(%s : tensor<2xf32>) {return_lse} : tensor<1x2x1x8xf32>, tensor<1x1x64x8xf32>, tensor<1x1x64x8xf32> -> tensor<1x2x1x8xf32>, tensor<1x2x1xf32>
  return %o, %l : tensor<1x2x1x8xf32>, tensor<1x2x1xf32>
}
