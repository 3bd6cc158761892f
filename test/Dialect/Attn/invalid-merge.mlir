// RUN: cascade-opt %s -split-input-file -verify-diagnostics

func.func @o_rank(%o: tensor<2x4x5x8xf32>, %l: tensor<3x2x4x5xf32>) -> (tensor<2x4x5x8xf32>, tensor<2x4x5xf32>) {
  // expected-error @+1 {{'attn.merge' op o must have rank 5, found 'tensor<2x4x5x8xf32>'}}
  %r, %rl = attn.merge %o, %l : tensor<2x4x5x8xf32>, tensor<3x2x4x5xf32> -> tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
  return %r, %rl : tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
}

// -----

func.func @parts(%o: tensor<3x2x4x5x8xf32>, %l: tensor<2x2x4x5xf32>) -> (tensor<2x4x5x8xf32>, tensor<2x4x5xf32>) {
  // expected-error @+1 {{'attn.merge' op lse dimension 0 must equal o dimension 0 = 3, found 2}}
  %r, %rl = attn.merge %o, %l : tensor<3x2x4x5x8xf32>, tensor<2x2x4x5xf32> -> tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
  return %r, %rl : tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
}

// -----

func.func @result_dim(%o: tensor<3x2x4x5x8xf32>, %l: tensor<3x2x4x5xf32>) -> (tensor<2x4x5x9xf32>, tensor<2x4x5xf32>) {
  // expected-error @+1 {{'attn.merge' op result dimension 3 must equal o dimension 4 = 8, found 9}}
  %r, %rl = attn.merge %o, %l : tensor<3x2x4x5x8xf32>, tensor<3x2x4x5xf32> -> tensor<2x4x5x9xf32>, tensor<2x4x5xf32>
  return %r, %rl : tensor<2x4x5x9xf32>, tensor<2x4x5xf32>
}

// -----

func.func @lse_rows(%o: tensor<3x2x4x5x8xf32>, %l: tensor<3x2x4x5xf32>) -> (tensor<2x4x5x8xf32>, tensor<2x4x6xf32>) {
  // expected-error @+1 {{'attn.merge' op result_lse dimension 2 must equal o dimension 3 = 5, found 6}}
  %r, %rl = attn.merge %o, %l : tensor<3x2x4x5x8xf32>, tensor<3x2x4x5xf32> -> tensor<2x4x5x8xf32>, tensor<2x4x6xf32>
  return %r, %rl : tensor<2x4x5x8xf32>, tensor<2x4x6xf32>
}

// -----

func.func @element(%o: tensor<3x2x4x5x8xf32>, %l: tensor<3x2x4x5xf32>) -> (tensor<2x4x5x8xf16>, tensor<2x4x5xf32>) {
  // expected-error @+1 {{'attn.merge' op result element type 'f16' differs from o element type 'f32'}}
  %r, %rl = attn.merge %o, %l : tensor<3x2x4x5x8xf32>, tensor<3x2x4x5xf32> -> tensor<2x4x5x8xf16>, tensor<2x4x5xf32>
  return %r, %rl : tensor<2x4x5x8xf16>, tensor<2x4x5xf32>
}

// -----

func.func @integer(%o: tensor<3x2x4x5x8xi32>, %l: tensor<3x2x4x5xf32>) -> (tensor<2x4x5x8xi32>, tensor<2x4x5xf32>) {
  // expected-error @+1 {{'attn.merge' op o element type must be f32, f16 or bf16, found 'i32'}}
  %r, %rl = attn.merge %o, %l : tensor<3x2x4x5x8xi32>, tensor<3x2x4x5xf32> -> tensor<2x4x5x8xi32>, tensor<2x4x5xf32>
  return %r, %rl : tensor<2x4x5x8xi32>, tensor<2x4x5xf32>
}
