// One kernel per function: the variants the GPU flow compiles. Shapes are
// not multiples of the tiles; B > 1, N != M and GQA where they apply.

func.func @plain(%q: tensor<2x8x1000x128xf16>, %k: tensor<2x2x1100x128xf16>, %v: tensor<2x2x1100x128xf16>) -> tensor<2x8x1000x128xf16> {
  %o = attn.attention %q, %k, %v : tensor<2x8x1000x128xf16>, tensor<2x2x1100x128xf16>, tensor<2x2x1100x128xf16> -> tensor<2x8x1000x128xf16>
  return %o : tensor<2x8x1000x128xf16>
}
func.func @causal_bf16(%q: tensor<2x8x100x64xbf16>, %k: tensor<2x2x130x64xbf16>, %v: tensor<2x2x130x64xbf16>) -> tensor<2x8x100x64xbf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>} : tensor<2x8x100x64xbf16>, tensor<2x2x130x64xbf16>, tensor<2x2x130x64xbf16> -> tensor<2x8x100x64xbf16>
  return %o : tensor<2x8x100x64xbf16>
}
func.func @causal_f32(%q: tensor<2x4x100x64xf32>, %k: tensor<2x4x130x64xf32>, %v: tensor<2x4x130x64xf32>) -> tensor<2x4x100x64xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<2x4x100x64xf32>, tensor<2x4x130x64xf32>, tensor<2x4x130x64xf32> -> tensor<2x4x100x64xf32>
  return %o : tensor<2x4x100x64xf32>
}
func.func @window(%q: tensor<1x4x1000x128xf16>, %k: tensor<1x4x1000x128xf16>, %v: tensor<1x4x1000x128xf16>) -> tensor<1x4x1000x128xf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, window = array<i64: 128, 0>} : tensor<1x4x1000x128xf16>, tensor<1x4x1000x128xf16>, tensor<1x4x1000x128xf16> -> tensor<1x4x1000x128xf16>
  return %o : tensor<1x4x1000x128xf16>
}
func.func @sigmoid(%q: tensor<2x4x200x64xf16>, %k: tensor<2x4x150x64xf16>, %v: tensor<2x4x150x64xf16>) -> tensor<2x4x200x64xf16> {
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sigmoid>} : tensor<2x4x200x64xf16>, tensor<2x4x150x64xf16>, tensor<2x4x150x64xf16> -> tensor<2x4x200x64xf16>
  return %o : tensor<2x4x200x64xf16>
}
func.func @softcap(%q: tensor<1x4x100x64xf16>, %k: tensor<1x4x100x64xf16>, %v: tensor<1x4x100x64xf16>) -> tensor<1x4x100x64xf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, softcap = 30.0 : f32} : tensor<1x4x100x64xf16>, tensor<1x4x100x64xf16>, tensor<1x4x100x64xf16> -> tensor<1x4x100x64xf16>
  return %o : tensor<1x4x100x64xf16>
}
func.func @alibi(%q: tensor<1x8x100x64xf16>, %k: tensor<1x8x100x64xf16>, %v: tensor<1x8x100x64xf16>, %s: tensor<8xf32>) -> tensor<1x8x100x64xf16> {
  %o = attn.attention %q, %k, %v alibi_slopes(%s : tensor<8xf32>) {causal = #attn.causal<top_left>} : tensor<1x8x100x64xf16>, tensor<1x8x100x64xf16>, tensor<1x8x100x64xf16> -> tensor<1x8x100x64xf16>
  return %o : tensor<1x8x100x64xf16>
}
func.func @decode(%q: tensor<1x32x1x128xf16>, %k: tensor<1x8x4096x128xf16>, %v: tensor<1x8x4096x128xf16>) -> tensor<1x32x1x128xf16> {
  %o = attn.attention %q, %k, %v : tensor<1x32x1x128xf16>, tensor<1x8x4096x128xf16>, tensor<1x8x4096x128xf16> -> tensor<1x32x1x128xf16>
  return %o : tensor<1x32x1x128xf16>
}
func.func @doc(%q: tensor<2x4x100x64xf16>, %k: tensor<2x4x100x64xf16>, %v: tensor<2x4x100x64xf16>, %qd: tensor<2x100xi32>, %kd: tensor<2x100xi32>) -> tensor<2x4x100x64xf16> {
  %o = attn.attention %q, %k, %v q_doc_ids(%qd : tensor<2x100xi32>) k_doc_ids(%kd : tensor<2x100xi32>) {causal = #attn.causal<top_left>} : tensor<2x4x100x64xf16>, tensor<2x4x100x64xf16>, tensor<2x4x100x64xf16> -> tensor<2x4x100x64xf16>
  return %o : tensor<2x4x100x64xf16>
}
func.func @dense(%q: tensor<2x4x100x64xf16>, %k: tensor<2x4x90x64xf16>, %v: tensor<2x4x90x64xf16>, %m: tensor<2x1x100x90xi1>) -> tensor<2x4x100x64xf16> {
  %o = attn.attention %q, %k, %v mask(%m : tensor<2x1x100x90xi1>) : tensor<2x4x100x64xf16>, tensor<2x4x90x64xf16>, tensor<2x4x90x64xf16> -> tensor<2x4x100x64xf16>
  return %o : tensor<2x4x100x64xf16>
}
func.func @lens(%q: tensor<2x4x100x64xf16>, %k: tensor<2x4x90x64xf16>, %v: tensor<2x4x90x64xf16>, %l: tensor<2xi32>) -> tensor<2x4x100x64xf16> {
  %o = attn.attention %q, %k, %v kv_lengths(%l : tensor<2xi32>) : tensor<2x4x100x64xf16>, tensor<2x4x90x64xf16>, tensor<2x4x90x64xf16> -> tensor<2x4x100x64xf16>
  return %o : tensor<2x4x100x64xf16>
}
func.func @lse(%q: tensor<1x2x64x64xf16>, %k: tensor<1x2x64x64xf16>, %v: tensor<1x2x64x64xf16>) -> (tensor<1x2x64x64xf16>, tensor<1x2x64xf32>) {
  %o, %l = attn.attention %q, %k, %v {return_lse} : tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16> -> tensor<1x2x64x64xf16>, tensor<1x2x64xf32>
  return %o, %l : tensor<1x2x64x64xf16>, tensor<1x2x64xf32>
}
