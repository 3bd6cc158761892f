// More variants through the GPU flow (f16; B > 1, GQA, N != M, shapes not
// multiples of the tiles): rows with no kept key (bottom-right causal with
// N > M), dilation, sinks with a window, a block mask, FlexAttention-style
// mask_mod and score_mod regions, softplus and ReLU normalizers, learnable
// sinks, an output gate, a bias tensor, MQA, an explicit scale, D != Dv.

func.func @masked_rows(%q: tensor<2x4x90x64xf16>, %k: tensor<2x2x70x64xf16>, %v: tensor<2x2x70x64xf16>) -> tensor<2x4x90x64xf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>} : tensor<2x4x90x64xf16>, tensor<2x2x70x64xf16>, tensor<2x2x70x64xf16> -> tensor<2x4x90x64xf16>
  return %o : tensor<2x4x90x64xf16>
}
func.func @dilated(%q: tensor<1x4x150x64xf16>, %k: tensor<1x4x150x64xf16>, %v: tensor<1x4x150x64xf16>) -> tensor<1x4x150x64xf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, window = array<i64: 40, 0>, dilation = 2 : i64} : tensor<1x4x150x64xf16>, tensor<1x4x150x64xf16>, tensor<1x4x150x64xf16> -> tensor<1x4x150x64xf16>
  return %o : tensor<1x4x150x64xf16>
}
func.func @streaming(%q: tensor<1x4x200x64xf16>, %k: tensor<1x4x200x64xf16>, %v: tensor<1x4x200x64xf16>) -> tensor<1x4x200x64xf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, window = array<i64: 32, 0>, sink_tokens = 4 : i64} : tensor<1x4x200x64xf16>, tensor<1x4x200x64xf16>, tensor<1x4x200x64xf16> -> tensor<1x4x200x64xf16>
  return %o : tensor<1x4x200x64xf16>
}
func.func @block_sparse(%q: tensor<2x4x37x16xf16>, %k: tensor<2x2x70x16xf16>, %v: tensor<2x2x70x16xf16>, %bm: tensor<1x4x3x3xi1>) -> tensor<2x4x37x16xf16> {
  %o = attn.attention %q, %k, %v block_mask(%bm : tensor<1x4x3x3xi1>) {block_size = array<i64: 16, 24>, causal = #attn.causal<bottom_right>} : tensor<2x4x37x16xf16>, tensor<2x2x70x16xf16>, tensor<2x2x70x16xf16> -> tensor<2x4x37x16xf16>
  return %o : tensor<2x4x37x16xf16>
}
func.func @score_mod(%q: tensor<2x4x37x16xf16>, %k: tensor<2x2x70x16xf16>, %v: tensor<2x2x70x16xf16>) -> tensor<2x4x37x16xf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>} : tensor<2x4x37x16xf16>, tensor<2x2x70x16xf16>, tensor<2x2x70x16xf16> -> tensor<2x4x37x16xf16>
  score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %kv: index):
    %off = arith.constant 33 : index
    %i = arith.addi %qi, %off : index
    %d = arith.subi %i, %kv : index
    %di = arith.index_cast %d : index to i64
    %df = arith.sitofp %di : i64 to f32
    %c = arith.constant 0.1 : f32
    %t = arith.mulf %df, %c : f32
    %r = arith.subf %s, %t : f32
    attn.yield %r : f32
  }
  return %o : tensor<2x4x37x16xf16>
}
func.func @mask_mod(%q: tensor<2x4x80x32xf16>, %k: tensor<2x4x90x32xf16>, %v: tensor<2x4x90x32xf16>) -> tensor<2x4x80x32xf16> {
  %o = attn.attention %q, %k, %v : tensor<2x4x80x32xf16>, tensor<2x4x90x32xf16>, tensor<2x4x90x32xf16> -> tensor<2x4x80x32xf16>
  mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %kv: index):
    %c3 = arith.constant 3 : index
    %r = arith.remui %kv, %c3 : index
    %c0 = arith.constant 0 : index
    %keep = arith.cmpi ne, %r, %c0 : index
    attn.yield %keep : i1
  }
  return %o : tensor<2x4x80x32xf16>
}
func.func @softplus(%q: tensor<2x4x70x64xf16>, %k: tensor<2x4x90x64xf16>, %v: tensor<2x4x90x64xf16>) -> tensor<2x4x70x64xf16> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<softplus>} : tensor<2x4x70x64xf16>, tensor<2x4x90x64xf16>, tensor<2x4x90x64xf16> -> tensor<2x4x70x64xf16>
  return %o : tensor<2x4x70x64xf16>
}
func.func @relu(%q: tensor<2x4x70x64xf16>, %k: tensor<2x4x90x64xf16>, %v: tensor<2x4x90x64xf16>) -> tensor<2x4x70x64xf16> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<relu>} : tensor<2x4x70x64xf16>, tensor<2x4x90x64xf16>, tensor<2x4x90x64xf16> -> tensor<2x4x70x64xf16>
  return %o : tensor<2x4x70x64xf16>
}
func.func @sinks_gate(%q: tensor<2x8x70x64xf16>, %k: tensor<2x2x90x64xf16>, %v: tensor<2x2x90x64xf16>, %s: tensor<8xf32>, %g: tensor<2x8x70x64xf16>) -> tensor<2x8x70x64xf16> {
  %o = attn.attention %q, %k, %v sinks(%s : tensor<8xf32>) gate(%g : tensor<2x8x70x64xf16>) {causal = #attn.causal<top_left>} : tensor<2x8x70x64xf16>, tensor<2x2x90x64xf16>, tensor<2x2x90x64xf16> -> tensor<2x8x70x64xf16>
  return %o : tensor<2x8x70x64xf16>
}
func.func @bias_mqa(%q: tensor<2x4x70x64xf16>, %k: tensor<2x1x90x64xf16>, %v: tensor<2x1x90x64xf16>, %b: tensor<1x4x70x90xf32>) -> tensor<2x4x70x64xf16> {
  %o = attn.attention %q, %k, %v bias(%b : tensor<1x4x70x90xf32>) {scale = 0.3 : f32} : tensor<2x4x70x64xf16>, tensor<2x1x90x64xf16>, tensor<2x1x90x64xf16> -> tensor<2x4x70x64xf16>
  return %o : tensor<2x4x70x64xf16>
}
func.func @dv_differs(%q: tensor<2x4x70x64xf16>, %k: tensor<2x2x90x64xf16>, %v: tensor<2x2x90x32xf16>) -> tensor<2x4x70x32xf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<2x4x70x64xf16>, tensor<2x2x90x64xf16>, tensor<2x2x90x32xf16> -> tensor<2x4x70x32xf16>
  return %o : tensor<2x4x70x32xf16>
}
func.func @f32_gqa_window(%q: tensor<2x4x70x32xf32>, %k: tensor<2x2x90x32xf32>, %v: tensor<2x2x90x32xf32>) -> tensor<2x4x70x32xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>, window = array<i64: 20, 0>} : tensor<2x4x70x32xf32>, tensor<2x2x90x32xf32>, tensor<2x2x90x32xf32> -> tensor<2x4x70x32xf32>
  return %o : tensor<2x4x70x32xf32>
}
// Query tiles (37 rows) and key tiles (64) of different sizes under a
// bottom-right window: tile bounds with ceildiv and floordiv.
func.func @window_tiles(%q: tensor<2x4x37x64xf16>, %k: tensor<2x4x300x64xf16>, %v: tensor<2x4x300x64xf16>) -> tensor<2x4x37x64xf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>, window = array<i64: 100, 0>} : tensor<2x4x37x64xf16>, tensor<2x4x300x64xf16>, tensor<2x4x300x64xf16> -> tensor<2x4x37x64xf16>
  return %o : tensor<2x4x37x64xf16>
}
