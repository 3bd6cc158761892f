// RUN: cascade-opt %s -split-input-file -verify-diagnostics

// The verifier of attn.linear_attention: one case per message, with B = 2,
// Hq = 4, Hkv = 2, N = 37, M = 70, D = 16, Dv = 8 unless noted.

// q of rank 3.
func.func @q_rank3(
    %q: tensor<2x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op q must have rank 4, found 'tensor<2x37x16xf32>'}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// k of rank 5.
func.func @k_rank5(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16x1xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op k must have rank 4, found 'tensor<2x2x70x16x1xf32>'}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16x1xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A result of rank 3.
func.func @result_rank3(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37xf32> {
  // expected-error @+1 {{'attn.linear_attention' op result must have rank 4, found 'tensor<2x4x37xf32>'}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37xf32>
  return %o : tensor<2x4x37xf32>
}

// -----

// An integer element type.
func.func @q_i32(
    %q: tensor<2x4x37x16xi32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op q element type must be f32, f16 or bf16, found 'i32'}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xi32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// An f64 value tensor.
func.func @v_f64(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf64>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op v element type must be f32, f16 or bf16, found 'f64'}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf64>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// The batch of k differs from that of q.
func.func @k_batch(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<3x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op k dimension 0 must equal q dimension 0 = 2, found 3}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<3x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// The batch of v differs from that of q.
func.func @v_batch(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<1x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op v dimension 0 must equal q dimension 0 = 2, found 1}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<1x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// The head dimension of k differs from that of q.
func.func @k_head_dim(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x8xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op k dimension 3 must equal q dimension 3 = 16, found 8}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x8xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// v has other key/value heads than k.
func.func @v_heads(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x4x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op v dimension 1 must equal k dimension 1 = 2, found 4}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x4x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// v has other keys than k.
func.func @v_keys(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x64x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op v dimension 2 must equal k dimension 2 = 70, found 64}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x64x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// The result batch differs from that of q.
func.func @result_batch(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<4x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op result dimension 0 must equal q dimension 0 = 2, found 4}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<4x4x37x8xf32>
  return %o : tensor<4x4x37x8xf32>
}

// -----

// The result has other heads than q.
func.func @result_heads(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x2x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op result dimension 1 must equal q dimension 1 = 4, found 2}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x2x37x8xf32>
  return %o : tensor<2x2x37x8xf32>
}

// -----

// The result has other queries than q.
func.func @result_queries(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x70x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op result dimension 2 must equal q dimension 2 = 37, found 70}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x70x8xf32>
  return %o : tensor<2x4x70x8xf32>
}

// -----

// The result's last dimension is D, not Dv.
func.func @result_dv(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x16xf32> {
  // expected-error @+1 {{'attn.linear_attention' op result dimension 3 must equal v dimension 3 = 8, found 16}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}

// -----

// Dynamic query heads.
func.func @dynamic_heads(
    %q: tensor<2x?x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x?x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op the head counts must be static}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x?x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x?x37x8xf32>
  return %o : tensor<2x?x37x8xf32>
}

// -----

// Dynamic key/value heads.
func.func @dynamic_kv_heads(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x?x70x16xf32>,
    %v: tensor<2x?x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op the head counts must be static}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x?x70x16xf32>, tensor<2x?x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Hq = 4 is not a multiple of Hkv = 3.
func.func @heads_not_multiple(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x3x70x16xf32>,
    %v: tensor<2x3x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op query heads Hq = 4 must be a multiple of key/value heads Hkv = 3}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x3x70x16xf32>, tensor<2x3x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// More key/value heads than query heads.
func.func @more_kv_heads(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x8x70x16xf32>,
    %v: tensor<2x8x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op query heads Hq = 4 must be a multiple of key/value heads Hkv = 8}}
  %o = attn.linear_attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x8x70x16xf32>, tensor<2x8x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// decay without causal.
func.func @decay_without_causal(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %d: tensor<4xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op decay weighs keys by their distance behind the query; it needs causal}}
  %o = attn.linear_attention %q, %k, %v decay(%d : tensor<4xf32>)
      {normalize}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// decay with one entry per key/value head instead of per query head.
func.func @decay_length(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %d: tensor<2xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op decay must be a float tensor of Hq = 4 entries, found 'tensor<2xf32>'}}
  %o = attn.linear_attention %q, %k, %v decay(%d : tensor<2xf32>)
      {causal}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// An integer decay.
func.func @decay_integer(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %d: tensor<4xi32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op decay must be a float tensor of Hq = 4 entries, found 'tensor<4xi32>'}}
  %o = attn.linear_attention %q, %k, %v decay(%d : tensor<4xi32>)
      {causal}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A decay of rank 2.
func.func @decay_rank2(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %d: tensor<1x4xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op decay must be a float tensor of Hq = 4 entries, found 'tensor<1x4xf32>'}}
  %o = attn.linear_attention %q, %k, %v decay(%d : tensor<1x4xf32>)
      {causal}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// window is an attribute of attn.attention.
func.func @has_window(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'window' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, window = array<i64: 16, 0>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// dilation is an attribute of attn.attention.
func.func @has_dilation(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'dilation' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, dilation = 2 : i64}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// sink_tokens is an attribute of attn.attention.
func.func @has_sink_tokens(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'sink_tokens' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, sink_tokens = 4 : i64}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// softcap is an attribute of attn.attention.
func.func @has_softcap(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'softcap' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, softcap = 30.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// scale is an attribute of attn.attention.
func.func @has_scale(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'scale' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, scale = 0.25 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// normalizer is an attribute of attn.attention.
func.func @has_normalizer(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'normalizer' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, normalizer = #attn.normalizer<softmax>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// alibi is an attribute of attn.attention.
func.func @has_alibi(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'alibi' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, alibi}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// sigmoid_bias is an attribute of attn.attention; linear attention would ignore it.
func.func @has_sigmoid_bias(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'sigmoid_bias' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, sigmoid_bias = 1.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// return_lse is an attribute of attn.attention; linear attention would ignore it.
func.func @has_return_lse(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'return_lse' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, return_lse}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// block_size is an attribute of attn.attention; linear attention would ignore it.
func.func @has_block_size(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'block_size' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, block_size = array<i64: 4, 4>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// softplus_power is an attribute of attn.attention; linear attention would ignore it.
func.func @has_softplus_power(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.linear_attention' op linear attention has no 'softplus_power' (it is an attribute of attn.attention)}}
  %o = attn.linear_attention %q, %k, %v
      {causal, softplus_power = 2.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
