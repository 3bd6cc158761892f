// RUN: cascade-opt %s --split-input-file --verify-diagnostics --attn-decompose --ein-defer-division "--ein-one-pass=rank=m tile=32" "--ein-tile-parallel=rank=p tile=16" --ein-sparsify | FileCheck %s

// ein-sparsify on attention with query tiles of 16 (p1) and key tiles of 32
// (m1). The counts in the remarks were checked against an enumeration of
// every (query, key) pair of every tile; N and M are not multiples of the
// tiles, so the last tile of each is cut.

// Causal, top-left, N = M = 100: 7 x 4 tiles. Tile (p1, m1) holds a kept
// pair when 32 * m1 <= 16 * p1 + 15 (m1 <= p1 / 2); it holds a masked one
// when 32 * m1 + 31 > 16 * p1 (p1 <= 2 * m1 + 1); the points of a partial
// tile end at key 16 * p1 + 15 (m0 <= 16 * p1 - 32 * m1 + 15).
// CHECK: #set = affine_set<(d0, d1) : (d0 - d1 * 2 >= 0, -d0 + 6 >= 0, d1 >= 0)>
// CHECK-NEXT: #set1 = affine_set<(d0, d1) : (-d0 + d1 * 2 + 1 >= 0, -d0 + 6 >= 0, -d1 + 3 >= 0, d0 >= 0, d1 >= 0)>
// CHECK-NEXT: #set2 = affine_set<(d0, d1, d2) : (d0 * 16 - d1 * 32 - d2 + 15 >= 0, -d0 + 6 >= 0, d1 * -32 - d2 + 99 >= 0, d0 >= 0, d1 >= 0, d2 >= 0, -d2 + 31 >= 0)>
// CHECK-LABEL: func.func @causal_top_left
// CHECK: tiles = #ein.tile_map<rank = "m1", dims = ["p1", "m1"], symbols = [], visit = [#set], partial = [#set1], inner = "m0", points = [#set2]>

func.func @causal_top_left(%q: tensor<2x4x100x16xf32>, %k: tensor<2x2x100x16xf32>, %v: tensor<2x2x100x16xf32>) -> tensor<2x4x100x16xf32> {
  // expected-remark @below {{cascade 'attention': tiles: 12 empty, 9 full, 7 partial (over p1, m1)}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x100x16xf32>, tensor<2x2x100x16xf32>, tensor<2x2x100x16xf32> -> tensor<2x4x100x16xf32>
  return %o : tensor<2x4x100x16xf32>
}

// Bottom-right alignment, N = 100 < M = 130: query n sees keys m <= n + 30.

func.func @causal_bottom_right_wide(%q: tensor<2x4x100x16xf32>, %k: tensor<2x2x130x16xf32>, %v: tensor<2x2x130x16xf32>) -> tensor<2x4x100x16xf32> {
  // expected-remark @below {{tiles: 12 empty, 12 full, 11 partial (over p1, m1)}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x100x16xf32>, tensor<2x2x130x16xf32>, tensor<2x2x130x16xf32> -> tensor<2x4x100x16xf32>
  return %o : tensor<2x4x100x16xf32>
}

// -----

// Bottom-right, N = 130 > M = 100: the first 30 queries see no key; their
// tiles are all empty (the rows give zeros).

func.func @causal_bottom_right_tall(%q: tensor<2x4x130x16xf32>, %k: tensor<2x2x100x16xf32>, %v: tensor<2x2x100x16xf32>) -> tensor<2x4x130x16xf32> {
  // expected-remark @below {{tiles: 16 empty, 9 full, 11 partial (over p1, m1)}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x130x16xf32>, tensor<2x2x100x16xf32>, tensor<2x2x100x16xf32> -> tensor<2x4x130x16xf32>
  return %o : tensor<2x4x130x16xf32>
}

// -----

// Top-left with N > M: the last query tiles see every key.

func.func @causal_top_left_tall(%q: tensor<2x4x130x16xf32>, %k: tensor<2x2x100x16xf32>, %v: tensor<2x2x100x16xf32>) -> tensor<2x4x130x16xf32> {
  // expected-remark @below {{tiles: 12 empty, 17 full, 7 partial (over p1, m1)}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x130x16xf32>, tensor<2x2x100x16xf32>, tensor<2x2x100x16xf32> -> tensor<2x4x130x16xf32>
  return %o : tensor<2x4x130x16xf32>
}

// -----

// A two-sided window, 40 keys back and 10 ahead: a band of tiles.

func.func @window(%q: tensor<2x4x200x16xf32>, %k: tensor<2x2x200x16xf32>, %v: tensor<2x2x200x16xf32>) -> tensor<2x4x200x16xf32> {
  // expected-remark @below {{tiles: 56 empty, 2 full, 33 partial (over p1, m1)}}
  %o = attn.attention %q, %k, %v {window = array<i64: 40, 10>}
      : tensor<2x4x200x16xf32>, tensor<2x2x200x16xf32>, tensor<2x2x200x16xf32> -> tensor<2x4x200x16xf32>
  return %o : tensor<2x4x200x16xf32>
}

// -----

// StreamingLLM: the union (causal and window) or (causal and m < 4). The
// first key tile is visited by every query tile; two visit sets.
// CHECK-LABEL: func.func @sinks
// CHECK: visit = [#{{.+}}, #{{.+}}], partial = [#{{.+}}, #{{.+}}, #{{.+}}]

func.func @sinks(%q: tensor<2x4x200x16xf32>, %k: tensor<2x2x200x16xf32>, %v: tensor<2x2x200x16xf32>) -> tensor<2x4x200x16xf32> {
  // expected-remark @below {{tiles: 54 empty, 1 full, 36 partial (over p1, m1)}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, window = array<i64: 40, 0>, sink_tokens = 4}
      : tensor<2x4x200x16xf32>, tensor<2x2x200x16xf32>, tensor<2x2x200x16xf32> -> tensor<2x4x200x16xf32>
  return %o : tensor<2x4x200x16xf32>
}

// -----

// Dilation: (p - m) mod 3 == 0 keeps a third of the band; no tile is full.

func.func @dilated(%q: tensor<2x4x200x16xf32>, %k: tensor<2x2x200x16xf32>, %v: tensor<2x2x200x16xf32>) -> tensor<2x4x200x16xf32> {
  // expected-remark @below {{tiles: 62 empty, 0 full, 29 partial (over p1, m1)}}
  %o = attn.attention %q, %k, %v {window = array<i64: 40, 0>, dilation = 3}
      : tensor<2x4x200x16xf32>, tensor<2x2x200x16xf32>, tensor<2x2x200x16xf32> -> tensor<2x4x200x16xf32>
  return %o : tensor<2x4x200x16xf32>
}

// -----

// One query tile (N = 7), M = 129 (a last key tile of 1): query n sees
// m <= n + 122, so only the last two key tiles are partial.

func.func @decode_like(%q: tensor<1x4x7x16xf32>, %k: tensor<1x1x129x16xf32>, %v: tensor<1x1x129x16xf32>) -> tensor<1x4x7x16xf32> {
  // expected-remark @below {{tiles: 0 empty, 3 full, 2 partial (over p1, m1)}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<1x4x7x16xf32>, tensor<1x1x129x16xf32>, tensor<1x1x129x16xf32> -> tensor<1x4x7x16xf32>
  return %o : tensor<1x4x7x16xf32>
}

// -----

// Unknown sequence lengths: the sets keep |m| and |p| as symbols, and no
// count is printed.
// CHECK: #set = affine_set<(d0, d1)[s0, s1] : (d0 * 16 - d1 * 32 + s0 - s1 + 15 >= 0, d1 * -32 + s0 - 1 >= 0, d0 * -16 + s1 - 1 >= 0, d0 >= 0, d1 >= 0)>
// CHECK-LABEL: func.func @dynamic
// CHECK: tiles = #ein.tile_map<rank = "m1", dims = ["p1", "m1"], symbols = ["m", "p"], visit = [#set], partial
func.func @dynamic(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
  // expected-remark @below {{tiles classified for dynamic extents (over p1, m1)}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
  return %o : tensor<1x2x?x16xf32>
}

// -----

// No mask: nothing to classify, no remark, no tile map.
// CHECK-LABEL: func.func @dense
// CHECK-NOT: tile_map
func.func @dense(%q: tensor<1x2x50x16xf32>, %k: tensor<1x2x50x16xf32>, %v: tensor<1x2x50x16xf32>) -> tensor<1x2x50x16xf32> {
  %o = attn.attention %q, %k, %v : tensor<1x2x50x16xf32>, tensor<1x2x50x16xf32>, tensor<1x2x50x16xf32> -> tensor<1x2x50x16xf32>
  return %o : tensor<1x2x50x16xf32>
}

// -----

// Attention with document ids and causality: every tensor of the loop that
// carries the mask repeats the same predicate; the classifier reads the
// query ids' range per query tile (p1) and the key ids' range per key tile.
// CHECK-LABEL: func.func @attention_doc_ids
// CHECK: %QDOCLO = ein.einsum QDOCLO[b, h, p1] min= (%QDOC[b, p1 * 16 + p0])
// CHECK: %KDOCLO = ein.einsum KDOCLO[b, h, p1, m1] min= (%KDOC[b, m1 * 32 + m0])
// CHECK: %TILE = ein.einsum TILE[b, h, p1, m1] = (%QDOCLO[b, h, p1], %QDOCHI[b, h, p1], %KDOCLO[b, h, p1, m1], %KDOCHI[b, h, p1, m1])
// CHECK-NOT: ein.einsum
func.func @attention_doc_ids(%q: tensor<2x4x100x16xf32>, %k: tensor<2x2x100x16xf32>, %v: tensor<2x2x100x16xf32>, %qd: tensor<2x100xi32>, %kd: tensor<2x100xi32>) -> tensor<2x4x100x16xf32> {
  // expected-remark @below {{tiles: 12 empty, 9 full, 7 partial (over p1, m1), then classified at run time by 'TILE' from QDOC, KDOC (over b, h, p1, m1)}}
  %o = attn.attention %q, %k, %v q_doc_ids(%qd : tensor<2x100xi32>) k_doc_ids(%kd : tensor<2x100xi32>) {causal = #attn.causal<top_left>}
      : tensor<2x4x100x16xf32>, tensor<2x2x100x16xf32>, tensor<2x2x100x16xf32> -> tensor<2x4x100x16xf32>
  return %o : tensor<2x4x100x16xf32>
}
