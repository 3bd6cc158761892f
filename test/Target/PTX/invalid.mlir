// What the GPU lowering refuses, with the reason.
//
// RUN: cascade-opt %s --cascade-gpu -split-input-file -verify-diagnostics

func.func @d40(%q: tensor<1x2x64x40xf16>, %k: tensor<1x2x64x40xf16>, %v: tensor<1x2x64x40xf16>) -> tensor<1x2x64x40xf16> {
  // expected-remark @+2 {{not split}}
  // expected-error @+1 {{cannot compile for nvptx: head dims must be multiples of 16 (D) and 16 (Dv) for tensor cores, got D = 40, Dv = 40}}
  %o = attn.attention %q, %k, %v : tensor<1x2x64x40xf16>, tensor<1x2x64x40xf16>, tensor<1x2x64x40xf16> -> tensor<1x2x64x40xf16>
  return %o : tensor<1x2x64x40xf16>
}

// -----

func.func @graph(%q: tensor<1x2x64x64xf16>, %k: tensor<1x2x64x64xf16>, %v: tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16> {
  // expected-remark @+1 {{not split}}
  %o = attn.attention %q, %k, %v : tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16> -> tensor<1x2x64x64xf16>
  // expected-error @+1 {{cannot compile for nvptx: the nvptx target compiles functions made of attention on their arguments; 'tosa.add' is neither attention nor a reshape}}
  %r = tosa.add %o, %q : (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) -> tensor<1x2x64x64xf16>
  return %r : tensor<1x2x64x64xf16>
}

// -----

func.func @linear(%q: tensor<1x2x64x64xf32>, %k: tensor<1x2x64x64xf32>, %v: tensor<1x2x64x64xf32>) -> tensor<1x2x64x64xf32> {
  // expected-remark @+4 {{tiles not classified}}
  // expected-remark @+3 {{1 condition removed}}
  // expected-remark @+2 {{not split}}
  // expected-error @+1 {{cannot compile for nvptx: linear attention has no GPU lowering yet (the CPU target compiles it)}}
  %o = attn.linear_attention %q, %k, %v {feature_map = #attn.feature_map<elu1>, causal} : tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32>, tensor<1x2x64x64xf32> -> tensor<1x2x64x64xf32>
  return %o : tensor<1x2x64x64xf32>
}

// -----

func.func @returns_input(%q: tensor<1x2x64x64xf16>, %k: tensor<1x2x64x64xf16>, %v: tensor<1x2x64x64xf16>) -> (tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>) {
  // expected-remark @+1 {{not split}}
  %o = attn.attention %q, %k, %v : tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16> -> tensor<1x2x64x64xf16>
  // expected-error @-3 {{cannot compile for nvptx: result 1 is not computed by attention (an argument returned as it is?)}}
  return %o, %q : tensor<1x2x64x64xf16>, tensor<1x2x64x64xf16>
}

// -----

// expected-error @+1 {{cannot compile for nvptx: function 'empty' has no attention (no ein.cascade) to compile}}
func.func @empty(%q: tensor<4xf32>) -> tensor<4xf32> {
  return %q : tensor<4xf32>
}

// -----

func.func @f32_dv12(%q: tensor<1x2x64x16xf32>, %k: tensor<1x2x64x16xf32>, %v: tensor<1x2x64x12xf32>) -> tensor<1x2x64x12xf32> {
  // expected-remark @+2 {{not split}}
  // expected-error @+1 {{cannot compile for nvptx: head dims must be multiples of 4 (D) and 8 (Dv) for f32, got D = 16, Dv = 12}}
  %o = attn.attention %q, %k, %v : tensor<1x2x64x16xf32>, tensor<1x2x64x16xf32>, tensor<1x2x64x12xf32> -> tensor<1x2x64x12xf32>
  return %o : tensor<1x2x64x12xf32>
}
