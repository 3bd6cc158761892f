// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division "--ein-one-pass=rank=m tile=32" "--ein-tile-parallel=rank=p tile=16" "--ein-sparsify=print-tiles" --mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s

// The tile map drawn by ein-sparsify's print-tiles: causal, top-left,
// N = M = 100 in query tiles of 16 (p1) and key tiles of 32 (m1), 7 x 4
// tiles. Tile (p1, m1) is visited when m1 <= p1 / 2 and partial when
// p1 <= 2 * m1 + 1: the diagonal tiles are partial, the last row keeps
// three full tiles. The counts agree with the first remark.
// CHECK: remark: cascade 'attention': tiles: 12 empty, 9 full, 7 partial (over p1, m1)
// CHECK: remark: cascade 'attention': tile map over (p1, m1), '#' full, '+' partial, '.' empty:
// CHECK-NEXT:   p1 = 0: +...
// CHECK-NEXT:   p1 = 1: +...
// CHECK-NEXT:   p1 = 2: #+..
// CHECK-NEXT:   p1 = 3: #+..
// CHECK-NEXT:   p1 = 4: ##+.
// CHECK-NEXT:   p1 = 5: ##+.
// CHECK-NEXT:   p1 = 6: ###+
func.func @causal_top_left(%q: tensor<2x4x100x16xf32>, %k: tensor<2x2x100x16xf32>, %v: tensor<2x2x100x16xf32>) -> tensor<2x4x100x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x100x16xf32>, tensor<2x2x100x16xf32>, tensor<2x2x100x16xf32> -> tensor<2x4x100x16xf32>
  return %o : tensor<2x4x100x16xf32>
}

// -----

// A window of 40 keys to the left, bottom-right, N = 64 < M = 100: query
// n sees keys n - 4 to n + 36, a band three key tiles wide at most, with no
// full tile.
// CHECK: remark: cascade 'attention': tiles: 5 empty, 0 full, 11 partial (over p1, m1)
// CHECK: remark: cascade 'attention': tile map over (p1, m1)
// CHECK-NEXT:   p1 = 0: ++..
// CHECK-NEXT:   p1 = 1: +++.
// CHECK-NEXT:   p1 = 2: +++.
// CHECK-NEXT:   p1 = 3: .+++
func.func @window(%q: tensor<1x2x64x16xf32>, %k: tensor<1x2x100x16xf32>, %v: tensor<1x2x100x16xf32>) -> tensor<1x2x64x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>, window = array<i64: 40, 0>}
      : tensor<1x2x64x16xf32>, tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32> -> tensor<1x2x64x16xf32>
  return %o : tensor<1x2x64x16xf32>
}

// -----

// Too large to draw: 16384 x 16384 in tiles of 16 x 32 is 524288 tiles.
// CHECK: remark: cascade 'attention': tiles: {{.*}} (over p1, m1)
// CHECK: remark: cascade 'attention': tile map not drawn: its extents are dynamic or it has more than 4096 tiles
func.func @large(%q: tensor<1x1x16384x16xf32>, %k: tensor<1x1x16384x16xf32>, %v: tensor<1x1x16384x16xf32>) -> tensor<1x1x16384x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<1x1x16384x16xf32>, tensor<1x1x16384x16xf32>, tensor<1x1x16384x16xf32> -> tensor<1x1x16384x16xf32>
  return %o : tensor<1x1x16384x16xf32>
}
