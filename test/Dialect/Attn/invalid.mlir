// RUN: cascade-opt %s -split-input-file -verify-diagnostics

func.func @q_rank(%q: tensor<8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                  %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{'attn.attention' op q must have rank 4 [B, Hq, N, D], found rank 3 ('tensor<8x128x64xf32>')}}
  %o = attn.attention %q, %k, %v
      : tensor<8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @k_rank(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128xf32>,
                  %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{k must have rank 4 [B, Hkv, M, D], found rank 3 ('tensor<2x8x128xf32>')}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x128xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @v_rank(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                  %v: tensor<1x2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{v must have rank 4 [B, Hkv, M, Dv], found rank 5 ('tensor<1x2x8x128x64xf32>')}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<1x2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @result_rank(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                       %v: tensor<2x8x128x64xf32>) -> tensor<16x128x64xf32> {
  // expected-error @+1 {{result must have rank 4 [B, Hq, N, Dv], found rank 3 ('tensor<16x128x64xf32>')}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<16x128x64xf32>
  return %o : tensor<16x128x64xf32>
}

// -----

func.func @unranked(%q: tensor<*xf32>, %k: tensor<2x8x128x64xf32>,
                    %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+2 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<*xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @integer_element(%q: tensor<2x8x128x64xi32>, %k: tensor<2x8x128x64xi32>,
                           %v: tensor<2x8x128x64xi32>) -> tensor<2x8x128x64xi32> {
  // expected-error @+1 {{q element type must be f32, f16 or bf16, found 'i32'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xi32>, tensor<2x8x128x64xi32>, tensor<2x8x128x64xi32>
      -> tensor<2x8x128x64xi32>
  return %o : tensor<2x8x128x64xi32>
}

// -----

func.func @f64_element(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                       %v: tensor<2x8x128x64xf64>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{v element type must be f32, f16 or bf16, found 'f64'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf64>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @mixed_element(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x64xf32>,
                         %v: tensor<2x8x128x64xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{k element type 'f32' differs from q element type 'f16'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf16>
      -> tensor<2x8x128x64xf16>
  return %o : tensor<2x8x128x64xf16>
}

// -----

func.func @mixed_result_element(%q: tensor<2x8x128x64xbf16>, %k: tensor<2x8x128x64xbf16>,
                                %v: tensor<2x8x128x64xbf16>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{result element type 'f32' differs from q element type 'bf16'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @zero_batch(%q: tensor<0x8x128x64xf32>, %k: tensor<0x8x128x64xf32>,
                      %v: tensor<0x8x128x64xf32>) -> tensor<0x8x128x64xf32> {
  // expected-error @+1 {{q dimension 0 (B) must be non-zero}}
  %o = attn.attention %q, %k, %v
      : tensor<0x8x128x64xf32>, tensor<0x8x128x64xf32>, tensor<0x8x128x64xf32>
      -> tensor<0x8x128x64xf32>
  return %o : tensor<0x8x128x64xf32>
}

// -----

func.func @zero_value_dim(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                          %v: tensor<2x8x128x0xf32>) -> tensor<2x8x128x0xf32> {
  // expected-error @+1 {{v dimension 3 (Dv) must be non-zero}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x0xf32>
      -> tensor<2x8x128x0xf32>
  return %o : tensor<2x8x128x0xf32>
}

// -----

func.func @k_batch(%q: tensor<2x8x128x64xf32>, %k: tensor<3x8x128x64xf32>,
                   %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{k dimension 0 (B) must equal q dimension 0 (B) = 2, found 3}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<3x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @v_batch(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                   %v: tensor<4x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{v dimension 0 (B) must equal q dimension 0 (B) = 2, found 4}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<4x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @k_head_dim(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x32xf32>,
                      %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{k dimension 3 (D) must equal q dimension 3 (D) = 64, found 32}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x128x32xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @v_heads(%q: tensor<2x8x128x64xf32>, %k: tensor<2x2x128x64xf32>,
                   %v: tensor<2x4x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{v dimension 1 (Hkv) must equal k dimension 1 (Hkv) = 2, found 4}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x4x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @v_keys(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x256x64xf32>,
                  %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{v dimension 2 (M) must equal k dimension 2 (M) = 256, found 128}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x256x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @result_batch(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                        %v: tensor<2x8x128x64xf32>) -> tensor<1x8x128x64xf32> {
  // expected-error @+1 {{result dimension 0 (B) must equal q dimension 0 (B) = 2, found 1}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<1x8x128x64xf32>
  return %o : tensor<1x8x128x64xf32>
}

// -----

// The result has Hq heads, not Hkv.
func.func @result_heads(%q: tensor<2x8x128x64xf32>, %k: tensor<2x2x128x64xf32>,
                        %v: tensor<2x2x128x64xf32>) -> tensor<2x2x128x64xf32> {
  // expected-error @+1 {{result dimension 1 (Hq) must equal q dimension 1 (Hq) = 8, found 2}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>
      -> tensor<2x2x128x64xf32>
  return %o : tensor<2x2x128x64xf32>
}

// -----

// The result has N rows, not M.
func.func @result_queries(%q: tensor<2x8x16x64xf32>, %k: tensor<2x8x128x64xf32>,
                          %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{result dimension 2 (N) must equal q dimension 2 (N) = 16, found 128}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x16x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

// The result has the value head dimension Dv, not D.
func.func @result_value_dim(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                            %v: tensor<2x8x128x32xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{result dimension 3 (Dv) must equal v dimension 3 (Dv) = 32, found 64}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x32xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @heads_not_multiple(%q: tensor<2x8x128x64xf32>, %k: tensor<2x3x128x64xf32>,
                              %v: tensor<2x3x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{query heads Hq = 8 must be a multiple of key/value heads Hkv = 3}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x3x128x64xf32>, tensor<2x3x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

// More key/value heads than query heads.
func.func @more_kv_heads(%q: tensor<2x2x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                         %v: tensor<2x8x128x64xf32>) -> tensor<2x2x128x64xf32> {
  // expected-error @+1 {{query heads Hq = 2 must be a multiple of key/value heads Hkv = 8}}
  %o = attn.attention %q, %k, %v
      : tensor<2x2x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x2x128x64xf32>
  return %o : tensor<2x2x128x64xf32>
}

// -----

func.func @dynamic_q_heads(%q: tensor<2x?x128x64xf32>, %k: tensor<2x2x128x64xf32>,
                           %v: tensor<2x2x128x64xf32>) -> tensor<2x?x128x64xf32> {
  // expected-error @+1 {{the head counts Hq and Hkv must be static, found 'tensor<2x?x128x64xf32>' and 'tensor<2x2x128x64xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x?x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>
      -> tensor<2x?x128x64xf32>
  return %o : tensor<2x?x128x64xf32>
}

// -----

func.func @dynamic_kv_heads(%q: tensor<2x8x128x64xf32>, %k: tensor<2x?x128x64xf32>,
                            %v: tensor<2x?x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{the head counts Hq and Hkv must be static, found 'tensor<2x8x128x64xf32>' and 'tensor<2x?x128x64xf32>'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x?x128x64xf32>, tensor<2x?x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @infinite_scale(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                          %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{scale must be finite, found INF}}
  %o = attn.attention %q, %k, %v {scale = 0x7F800000 : f32}
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @nan_scale(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                     %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{scale must be finite, found nan}}
  %o = attn.attention %q, %k, %v {scale = 0x7FC00000 : f32}
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @f64_scale(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                     %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{attribute 'scale' failed to satisfy constraint: 32-bit float attribute}}
  %o = attn.attention %q, %k, %v {scale = 0.125 : f64}
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @dynamic_head_dim_default_scale(%q: tensor<2x8x128x?xf32>, %k: tensor<2x8x128x?xf32>,
                                          %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+1 {{the default scale 1/sqrt(D) needs a static head dimension D; give `scale` explicitly}}
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x?xf32>, tensor<2x8x128x?xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// -----

func.func @unknown_causal(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                          %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  // expected-error @+2 {{expected ::cascade::attn::CausalKind to be one of: top_left, bottom_right}}
  // expected-error @+1 {{failed to parse Attn_CausalAttr parameter 'value' which is to be a `::cascade::attn::CausalKind`}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<diagonal>}
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}
