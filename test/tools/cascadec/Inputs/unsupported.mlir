// A cascade the loop lowering cannot handle: its input access moves along the
// key rank with stride 2.
func.func @strided(%s: tensor<8x3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 3] ins(%S = %s : tensor<8x3xf32>) -> tensor<3xf32> {
    %T = ein.einsum T[p] += (%S[m * 2, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<8x3xf32>) -> tensor<3xf32>
    ein.yield %T : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}
