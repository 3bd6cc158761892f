// RUN: cascade-opt %s -split-input-file -verify-diagnostics

// The verifier of attn.attention's variants: one case per message, with
// B = 2, Hq = 4, Hkv = 2, N = 37, M = 70, D = 16, Dv = 8 unless noted.

// sigmoid_bias with the default normalizer (softmax).
func.func @sigmoid_bias_without_sigmoid(%q: tensor<2x4x37x16xf32>,
                                        %k: tensor<2x2x70x16xf32>,
                                        %v: tensor<2x2x70x8xf32>)
                                        -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op sigmoid_bias needs normalizer sigmoid}}
  %o = attn.attention %q, %k, %v
      {sigmoid_bias = -2.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// sigmoid_bias with another normalizer.
func.func @sigmoid_bias_with_softplus(%q: tensor<2x4x37x16xf32>,
                                      %k: tensor<2x2x70x16xf32>,
                                      %v: tensor<2x2x70x8xf32>)
                                      -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op sigmoid_bias needs normalizer sigmoid}}
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<softplus>, sigmoid_bias = -2.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// softplus_scale with the default normalizer.
func.func @softplus_scale_without_softplus(%q: tensor<2x4x37x16xf32>,
                                           %k: tensor<2x2x70x16xf32>,
                                           %v: tensor<2x2x70x8xf32>)
                                           -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op softplus_scale and softplus_power need normalizer softplus}}
  %o = attn.attention %q, %k, %v
      {softplus_scale = 2.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// softplus_power with normalizer sigmoid.
func.func @softplus_power_without_softplus(%q: tensor<2x4x37x16xf32>,
                                           %k: tensor<2x2x70x16xf32>,
                                           %v: tensor<2x2x70x8xf32>)
                                           -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op softplus_scale and softplus_power need normalizer softplus}}
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<sigmoid>, softplus_power = 2.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Sinks join a softmax denominator; sigmoid has none.
func.func @sinks_with_sigmoid(%q: tensor<2x4x37x16xf32>,
                              %k: tensor<2x2x70x16xf32>,
                              %v: tensor<2x2x70x8xf32>, %sinks: tensor<4xf32>)
                              -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op sinks add to a softmax denominator; normalizer sigmoid has none}}
  %o = attn.attention %q, %k, %v
      sinks(%sinks : tensor<4xf32>)
      {normalizer = #attn.normalizer<sigmoid>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Sinks with relu.
func.func @sinks_with_relu(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                           %v: tensor<2x2x70x8xf32>, %sinks: tensor<4xf32>)
                           -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op sinks add to a softmax denominator; normalizer relu has none}}
  %o = attn.attention %q, %k, %v
      sinks(%sinks : tensor<4xf32>)
      {normalizer = #attn.normalizer<relu>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// return_lse with a single result.
func.func @return_lse_without_result(%q: tensor<2x4x37x16xf32>,
                                     %k: tensor<2x2x70x16xf32>,
                                     %v: tensor<2x2x70x8xf32>)
                                     -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op return_lse needs a second result}}
  %o = attn.attention %q, %k, %v
      {return_lse}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A second result without return_lse.
func.func @result_without_return_lse(%q: tensor<2x4x37x16xf32>,
                                     %k: tensor<2x2x70x16xf32>,
                                     %v: tensor<2x2x70x8xf32>)
                                     -> (tensor<2x4x37x8xf32>, tensor<2x4x37xf32>) {
  // expected-error @+1 {{'attn.attention' op a second result needs return_lse}}
  %o, %l = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
  return %o, %l : tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
}

// -----

// The log-sum-exp is defined for softmax only.
func.func @lse_with_softplus(%q: tensor<2x4x37x16xf32>,
                             %k: tensor<2x2x70x16xf32>,
                             %v: tensor<2x2x70x8xf32>)
                             -> (tensor<2x4x37x8xf32>, tensor<2x4x37xf32>) {
  // expected-error @+1 {{'attn.attention' op the log-sum-exp is defined for softmax only}}
  %o, %l = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<softplus>, return_lse}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
  return %o, %l : tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
}

// -----

// A window needs two extents.
func.func @window_one_value(%q: tensor<2x4x37x16xf32>,
                            %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>)
                            -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op window must be [left, right], found 1 values}}
  %o = attn.attention %q, %k, %v
      {window = array<i64: 8>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A window needs two extents, not three.
func.func @window_three_values(%q: tensor<2x4x37x16xf32>,
                               %k: tensor<2x2x70x16xf32>,
                               %v: tensor<2x2x70x8xf32>)
                               -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op window must be [left, right], found 3 values}}
  %o = attn.attention %q, %k, %v
      {window = array<i64: 8, 0, 4>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// -1 is unbounded; other negative extents are invalid.
func.func @window_negative(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                           %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op window extents must be >= 0, or -1 for unbounded, found -2}}
  %o = attn.attention %q, %k, %v
      {window = array<i64: 8, -2>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// The left extent too.
func.func @window_negative_left(%q: tensor<2x4x37x16xf32>,
                                %k: tensor<2x2x70x16xf32>,
                                %v: tensor<2x2x70x8xf32>)
                                -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op window extents must be >= 0, or -1 for unbounded, found -5}}
  %o = attn.attention %q, %k, %v
      {window = array<i64: -5, -1>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Dilation 0.
func.func @dilation_zero(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                         %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op dilation must be >= 1, found 0}}
  %o = attn.attention %q, %k, %v
      {dilation = 0}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Negative dilation.
func.func @dilation_negative(%q: tensor<2x4x37x16xf32>,
                             %k: tensor<2x2x70x16xf32>,
                             %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op dilation must be >= 1, found -2}}
  %o = attn.attention %q, %k, %v
      {window = array<i64: 8, 0>, dilation = -2}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Negative sink_tokens.
func.func @sink_tokens_negative(%q: tensor<2x4x37x16xf32>,
                                %k: tensor<2x2x70x16xf32>,
                                %v: tensor<2x2x70x8xf32>)
                                -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op sink_tokens must be >= 0, found -1}}
  %o = attn.attention %q, %k, %v
      {window = array<i64: 8, 0>, sink_tokens = -1}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// sink_tokens without a window or dilation to override.
func.func @sink_tokens_without_window(%q: tensor<2x4x37x16xf32>,
                                      %k: tensor<2x2x70x16xf32>,
                                      %v: tensor<2x2x70x8xf32>)
                                      -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op sink_tokens keep keys that a window or dilation would drop; give window or dilation}}
  %o = attn.attention %q, %k, %v
      {sink_tokens = 4, causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// softcap 0.
func.func @softcap_zero(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                        %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op softcap must be positive and finite, found 0.000000e+00}}
  %o = attn.attention %q, %k, %v
      {softcap = 0.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Negative softcap.
func.func @softcap_negative(%q: tensor<2x4x37x16xf32>,
                            %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>)
                            -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op softcap must be positive and finite, found -3.000000e+01}}
  %o = attn.attention %q, %k, %v
      {softcap = -30.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Infinite softcap (f32 bit pattern of +inf).
func.func @softcap_infinite(%q: tensor<2x4x37x16xf32>,
                            %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>)
                            -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op softcap must be positive and finite, found INF}}
  %o = attn.attention %q, %k, %v
      {softcap = 0x7F800000 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// NaN softcap (an f32 quiet NaN bit pattern).
func.func @softcap_nan(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                       %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op softcap must be positive and finite, found nan}}
  %o = attn.attention %q, %k, %v
      {softcap = 0x7FC00000 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Geometric ALiBi slopes and explicit ones together.
func.func @alibi_and_slopes(%q: tensor<2x4x37x16xf32>,
                            %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>,
                            %alibi_slopes: tensor<4xf32>)
                            -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op give either alibi (standard slopes) or alibi_slopes, not both}}
  %o = attn.attention %q, %k, %v
      alibi_slopes(%alibi_slopes : tensor<4xf32>)
      {alibi}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// One slope per query head (Hq = 4).
func.func @alibi_slopes_length(%q: tensor<2x4x37x16xf32>,
                               %k: tensor<2x2x70x16xf32>,
                               %v: tensor<2x2x70x8xf32>,
                               %alibi_slopes: tensor<2xf32>)
                               -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op alibi_slopes dimension 0 must be 4, found 2}}
  %o = attn.attention %q, %k, %v
      alibi_slopes(%alibi_slopes : tensor<2xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// alibi_slopes is a vector.
func.func @alibi_slopes_rank(%q: tensor<2x4x37x16xf32>,
                             %k: tensor<2x2x70x16xf32>,
                             %v: tensor<2x2x70x8xf32>,
                             %alibi_slopes: tensor<1x4xf32>)
                             -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op alibi_slopes must have rank 1, found 'tensor<1x4xf32>'}}
  %o = attn.attention %q, %k, %v
      alibi_slopes(%alibi_slopes : tensor<1x4xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// One sink per query head (Hq = 4), not per key/value head.
func.func @sinks_length(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                        %v: tensor<2x2x70x8xf32>, %sinks: tensor<2xf32>)
                        -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op sinks dimension 0 must be 4, found 2}}
  %o = attn.attention %q, %k, %v
      sinks(%sinks : tensor<2xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// bias is [B or 1, Hq or 1, N or 1, M].
func.func @bias_rank(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>, %bias: tensor<37x70xf32>)
                     -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op bias must have rank 4, found 'tensor<37x70xf32>'}}
  %o = attn.attention %q, %k, %v
      bias(%bias : tensor<37x70xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// The key dimension of bias does not broadcast.
func.func @bias_wrong_m(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                        %v: tensor<2x2x70x8xf32>, %bias: tensor<2x4x37x64xf32>)
                        -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op bias dimension 3 must be 70, found 64}}
  %o = attn.attention %q, %k, %v
      bias(%bias : tensor<2x4x37x64xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Not even from size 1.
func.func @bias_m_one(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                      %v: tensor<2x2x70x8xf32>, %bias: tensor<2x4x37x1xf32>)
                      -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op bias dimension 3 must be 70, found 1}}
  %o = attn.attention %q, %k, %v
      bias(%bias : tensor<2x4x37x1xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Dimension 2 of bias must be N or 1.
func.func @bias_wrong_n(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                        %v: tensor<2x2x70x8xf32>, %bias: tensor<1x4x5x70xf32>)
                        -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op bias dimension 2 must be 37 or 1, found 5}}
  %o = attn.attention %q, %k, %v
      bias(%bias : tensor<1x4x5x70xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Dimension 1 of bias must be Hq or 1, not Hkv.
func.func @bias_wrong_heads(%q: tensor<2x4x37x16xf32>,
                            %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>,
                            %bias: tensor<1x2x37x70xf32>)
                            -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op bias dimension 1 must be 4 or 1, found 2}}
  %o = attn.attention %q, %k, %v
      bias(%bias : tensor<1x2x37x70xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Dimension 0 of bias must be B or 1.
func.func @bias_wrong_batch(%q: tensor<2x4x37x16xf32>,
                            %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>,
                            %bias: tensor<3x4x37x70xf32>)
                            -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op bias dimension 0 must be 2 or 1, found 3}}
  %o = attn.attention %q, %k, %v
      bias(%bias : tensor<3x4x37x70xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// bias must be a float tensor.
func.func @bias_integer(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                        %v: tensor<2x2x70x8xf32>, %bias: tensor<2x4x37x70xi32>)
                        -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op bias must have a float element type, found 'i32'}}
  %o = attn.attention %q, %k, %v
      bias(%bias : tensor<2x4x37x70xi32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// gate has the shape of the result, [B, Hq, N, Dv].
func.func @gate_wrong_dv(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                         %v: tensor<2x2x70x8xf32>, %gate: tensor<2x4x37x16xf32>)
                         -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op gate dimension 3 must be 8, found 16}}
  %o = attn.attention %q, %k, %v
      gate(%gate : tensor<2x4x37x16xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// gate does not broadcast.
func.func @gate_broadcast(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                          %v: tensor<2x2x70x8xf32>, %gate: tensor<1x4x37x8xf32>)
                          -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op gate dimension 0 must be 2, found 1}}
  %o = attn.attention %q, %k, %v
      gate(%gate : tensor<1x4x37x8xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// gate rank.
func.func @gate_rank(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>, %gate: tensor<4x37x8xf32>)
                     -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op gate must have rank 4, found 'tensor<4x37x8xf32>'}}
  %o = attn.attention %q, %k, %v
      gate(%gate : tensor<4x37x8xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// gate must be a float tensor.
func.func @gate_integer(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                        %v: tensor<2x2x70x8xf32>, %gate: tensor<2x4x37x8xi8>)
                        -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op gate must have a float element type, found 'i8'}}
  %o = attn.attention %q, %k, %v
      gate(%gate : tensor<2x4x37x8xi8>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// sinks must be a float tensor.
func.func @sinks_integer(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                         %v: tensor<2x2x70x8xf32>, %sinks: tensor<4xi32>)
                         -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op sinks must have a float element type, found 'i32'}}
  %o = attn.attention %q, %k, %v
      sinks(%sinks : tensor<4xi32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// The log-sum-exp result is [B, Hq, N].
func.func @lse_wrong_n(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                       %v: tensor<2x2x70x8xf32>)
                       -> (tensor<2x4x37x8xf32>, tensor<2x4x70xf32>) {
  // expected-error @+1 {{'attn.attention' op the log-sum-exp result dimension 2 must be 37, found 70}}
  %o, %l = attn.attention %q, %k, %v
      {return_lse}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>, tensor<2x4x70xf32>
  return %o, %l : tensor<2x4x37x8xf32>, tensor<2x4x70xf32>
}

// -----

// Hq, not Hkv.
func.func @lse_wrong_heads(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                           %v: tensor<2x2x70x8xf32>)
                           -> (tensor<2x4x37x8xf32>, tensor<2x2x37xf32>) {
  // expected-error @+1 {{'attn.attention' op the log-sum-exp result dimension 1 must be 4, found 2}}
  %o, %l = attn.attention %q, %k, %v
      {return_lse}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>, tensor<2x2x37xf32>
  return %o, %l : tensor<2x4x37x8xf32>, tensor<2x2x37xf32>
}

// -----

// The log-sum-exp result has no Dv dimension.
func.func @lse_wrong_rank(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                          %v: tensor<2x2x70x8xf32>)
                          -> (tensor<2x4x37x8xf32>, tensor<2x4x37x1xf32>) {
  // expected-error @+1 {{'attn.attention' op the log-sum-exp result must have rank 3, found 'tensor<2x4x37x1xf32>'}}
  %o, %l = attn.attention %q, %k, %v
      {return_lse}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>, tensor<2x4x37x1xf32>
  return %o, %l : tensor<2x4x37x8xf32>, tensor<2x4x37x1xf32>
}

// -----

// The default sigmoid bias -log(M) needs a static M.
func.func @sigmoid_dynamic_m(%q: tensor<2x4x37x16xf32>,
                             %k: tensor<2x2x?x16xf32>, %v: tensor<2x2x?x8xf32>)
                             -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op the default sigmoid_bias -log(M) needs a static key length M; give sigmoid_bias explicitly}}
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<sigmoid>}
      : tensor<2x4x37x16xf32>, tensor<2x2x?x16xf32>, tensor<2x2x?x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// With an explicit sigmoid_bias, a dynamic M is fine (no diagnostic).
func.func @sigmoid_dynamic_m_explicit_bias(%q: tensor<2x4x37x16xf32>,
                                           %k: tensor<2x2x?x16xf32>,
                                           %v: tensor<2x2x?x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<sigmoid>, sigmoid_bias = -4.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x?x16xf32>, tensor<2x2x?x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
