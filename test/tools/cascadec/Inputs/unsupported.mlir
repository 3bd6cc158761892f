// A cascade the loop lowering cannot handle: recurrences over two different
// ranks cannot share one loop nest.
func.func @two_loops(%s: tensor<4x4xf32>) -> tensor<4x5xf32> {
  %r = ein.cascade "x" ranks [m: 4, n: 4] ins(%S = %s : tensor<4x4xf32>) -> tensor<4x5xf32> {
    %R = ein.einsum R[m + 1, n] = (%R[m, n], %S[m, n]) init(0.0) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.addf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
    %U = ein.einsum U[m, n + 1] = (%U[m, n], %R[m, n]) init(0.0) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.addf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<4x5xf32>, tensor<5x4xf32>) -> tensor<4x5xf32>
    ein.yield %U : tensor<4x5xf32>
  }
  return %r : tensor<4x5xf32>
}
