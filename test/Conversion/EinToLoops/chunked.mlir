// RUN: cascade-opt %s --attn-decompose --ein-reassociate=chunk=16 --convert-ein-to-loops | FileCheck %s

// Chunked causal linear attention: one scf.for over the query chunks p1 with
// the state SAV as the loop's current/next buffers, inside scf.parallel over
// (b, h). The result is computed in the loop: each chunk writes its rows of
// the tiled result buffer at p1, min(16, 40 - 16 * p1) of them.
// CHECK-LABEL: func.func @plain
// CHECK:         %[[RES:.*]] = memref.alloc() : memref<1x2x3x16x8xf32>
// CHECK:         scf.parallel (%[[B:.*]], %[[H:.*]]) =
// CHECK:           scf.for %[[P1:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[CUR:.*]] = %{{.*}}, %[[NEXT:.*]] = %{{.*}}) -> (memref<16x8xf32>, memref<16x8xf32>)
// CHECK:             %[[ROWS:.*]] = arith.minsi
// CHECK:             memref.subview %[[RES]][%[[B]], %[[H]], %[[P1]], 0, 0] [1, 1, 1, %[[ROWS]], 8] [1, 1, 1, 1, 1] : memref<1x2x3x16x8xf32> to memref<?x8xf32, strided<[8, 1], offset: ?>>
// CHECK:             scf.yield %[[NEXT]], %[[CUR]]
// CHECK:       tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3], [4]] : tensor<1x2x3x16x8xf32> into tensor<1x2x48x8xf32>
// CHECK:       tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 2, 40, 8] [1, 1, 1, 1]
func.func @plain(%q: tensor<1x2x40x16xf32>, %k: tensor<1x2x40x16xf32>, %v: tensor<1x2x40x8xf32>) -> tensor<1x2x40x8xf32> {
  %o = attn.linear_attention %q, %k, %v {causal, feature_map = #attn.feature_map<identity>} : tensor<1x2x40x16xf32>, tensor<1x2x40x16xf32>, tensor<1x2x40x8xf32> -> tensor<1x2x40x8xf32>
  return %o : tensor<1x2x40x8xf32>
}
