// RUN: cascade-opt %s --split-input-file --cascade-copies-to-linalg | FileCheck %s

// A result computed in query tiles [B, H, N/T, T, Dv] and copied out, after a
// collapse, to the out-parameter: it is computed in the out-parameter itself
// (expanded to the tiled shape), with no buffer and no copy.
// CHECK-LABEL: func.func @in_place
// CHECK-SAME:    (%[[IN:.*]]: memref<2x64x8xf32>, %[[OUT:.*]]: memref<2x64x8xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         %[[T:.*]] = memref.expand_shape %[[OUT]] {{\[\[}}0], [1, 2], [3]] output_shape [2, 2, 32, 8] : memref<2x64x8xf32> into memref<2x2x32x8xf32>
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%[[T]] : memref<2x2x32x8xf32>)
// CHECK-NOT:     copy
// CHECK:         return
func.func @in_place(%in: memref<2x64x8xf32>, %out: memref<2x64x8xf32>) {
  %cst = arith.constant 1.0 : f32
  %alloc = memref.alloc() : memref<2x2x32x8xf32>
  linalg.fill ins(%cst : f32) outs(%alloc : memref<2x2x32x8xf32>)
  %c = memref.collapse_shape %alloc [[0], [1, 2], [3]] : memref<2x2x32x8xf32> into memref<2x64x8xf32>
  memref.copy %c, %out : memref<2x64x8xf32> to memref<2x64x8xf32>
  return
}

// -----

// N = 50 is not a multiple of the tile: the tiled buffer is larger than the
// result, which is sliced out of it and copied.
// CHECK-LABEL: func.func @sliced
// CHECK:         %[[A:.*]] = memref.alloc() : memref<2x2x32x8xf32>
// CHECK:         linalg.copy
// CHECK:         memref.dealloc %[[A]]
func.func @sliced(%in: memref<2x50x8xf32>, %out: memref<2x50x8xf32>) {
  %cst = arith.constant 1.0 : f32
  %alloc = memref.alloc() : memref<2x2x32x8xf32>
  linalg.fill ins(%cst : f32) outs(%alloc : memref<2x2x32x8xf32>)
  %c = memref.collapse_shape %alloc [[0], [1, 2], [3]] : memref<2x2x32x8xf32> into memref<2x64x8xf32>
  %s = memref.subview %c[0, 0, 0] [2, 50, 8] [1, 1, 1] : memref<2x64x8xf32> to memref<2x50x8xf32, strided<[512, 8, 1]>>
  memref.copy %s, %out : memref<2x50x8xf32, strided<[512, 8, 1]>> to memref<2x50x8xf32>
  return
}
