// RUN: cascade-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(attn-lift-linalg))" | FileCheck %s

// The ops of a linalg attention graph become the TOSA ops attn-raise reads.
// CHECK-LABEL: func.func @graph
// CHECK: %[[KT:.+]] = tosa.transpose %arg1 {perms = array<i32: 0, 2, 1>}
// CHECK: %[[S:.+]] = tosa.matmul %arg0, %[[KT]]
// CHECK: %[[SS:.+]] = tosa.mul %[[S]], %{{.+}}, %{{.+}} :
// CHECK: %[[MX:.+]] = tosa.reduce_max %[[SS]] {axis = 2 : i32}
// CHECK: %[[D:.+]] = tosa.sub %[[SS]], %[[MX]]
// CHECK: %[[E:.+]] = tosa.exp %[[D]]
// CHECK: %[[Z:.+]] = tosa.reduce_sum %[[E]] {axis = 2 : i32}
// CHECK: %[[R:.+]] = tosa.reciprocal %[[Z]]
// CHECK: %[[P:.+]] = tosa.mul %[[E]], %[[R]]
// CHECK: %[[O:.+]] = tosa.matmul %[[P]], %arg2
// CHECK: %[[C:.+]] = tosa.reshape %[[O]], %{{.+}} : (tensor<6x13x8xf32>, !tosa.shape<2>) -> tensor<78x8xf32>
// CHECK: return %[[C]]
// CHECK-NOT: linalg.softmax
func.func @graph(%q: tensor<6x13x8xf32>, %k: tensor<6x11x8xf32>,
                 %v: tensor<6x11x8xf32>) -> tensor<78x8xf32> {
  %zero = arith.constant 0.0 : f32
  %ek = tensor.empty() : tensor<6x8x11xf32>
  %kt = linalg.transpose ins(%k : tensor<6x11x8xf32>) outs(%ek : tensor<6x8x11xf32>) permutation = [0, 2, 1]
  %e0 = tensor.empty() : tensor<6x13x11xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<6x13x11xf32>) -> tensor<6x13x11xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<6x13x8xf32>, tensor<6x8x11xf32>)
                           outs(%f0 : tensor<6x13x11xf32>) -> tensor<6x13x11xf32>
  %c = arith.constant dense<0.35355339> : tensor<6x13x11xf32>
  %scaled = arith.mulf %s, %c : tensor<6x13x11xf32>
  %e1 = tensor.empty() : tensor<6x13x11xf32>
  %p = linalg.softmax dimension(2) ins(%scaled : tensor<6x13x11xf32>)
                                   outs(%e1 : tensor<6x13x11xf32>) -> tensor<6x13x11xf32>
  %e2 = tensor.empty() : tensor<6x13x8xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<6x13x8xf32>) -> tensor<6x13x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<6x13x11xf32>, tensor<6x11x8xf32>)
                           outs(%f2 : tensor<6x13x8xf32>) -> tensor<6x13x8xf32>
  %flat = tensor.collapse_shape %o [[0, 1], [2]] : tensor<6x13x8xf32> into tensor<78x8xf32>
  return %flat : tensor<78x8xf32>
}

// -----

// A product into a non-zero accumulator is not a tosa.matmul: left as it is
// (and the rest of the function with it being the only candidate is lifted
// the same way).
// CHECK-LABEL: func.func @accumulate
// CHECK: linalg.batch_matmul
// CHECK-NOT: tosa.matmul
func.func @accumulate(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>,
                      %c: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x3x4xf32>, tensor<2x4x5xf32>)
                           outs(%c : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %r : tensor<2x3x5xf32>
}

// -----

// A function without a softmax or a batched product has nothing to raise:
// its ops stay linalg and arith.
// CHECK-LABEL: func.func @no_attention
// CHECK: arith.addf
// CHECK-NOT: tosa.
func.func @no_attention(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %y = arith.addf %x, %x : tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}
