// RUN: cascade-opt %s --cascade-decompose-aggregates | FileCheck %s

// linalg.softmax becomes the generic ops it stands for (max, exp of the
// difference, sum, division), which bufferize and lower to loops.
// CHECK-LABEL: func.func @softmax
// CHECK-NOT: linalg.softmax
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.maxnumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK-NOT: linalg.softmax
func.func @softmax(%x: tensor<6x13x11xf32>) -> tensor<6x13x11xf32> {
  %e = tensor.empty() : tensor<6x13x11xf32>
  %p = linalg.softmax dimension(2) ins(%x : tensor<6x13x11xf32>)
                                   outs(%e : tensor<6x13x11xf32>) -> tensor<6x13x11xf32>
  return %p : tensor<6x13x11xf32>
}
