// RUN: cascade-opt %s --cascade-interchange-contractions | FileCheck %s

// A graph's projection: b, m, n, k becomes b, m, k, n (the reduction outside
// the output's innermost dimension, which B and C are contiguous along).
// CHECK-DAG: #map = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #map1 = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #map2 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @projection
// CHECK: linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
func.func @projection(%a: tensor<1x22x32xf32>, %b: tensor<1x32x96xf32>,
                      %c: tensor<1x22x96xf32>) -> tensor<1x22x96xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<1x22x32xf32>, tensor<1x32x96xf32>)
                           outs(%c : tensor<1x22x96xf32>) -> tensor<1x22x96xf32>
  return %r : tensor<1x22x96xf32>
}

// An input that reads the innermost output dimension with a stride (B
// transposed): left as it is.
// CHECK-LABEL: func.func @strided
// CHECK: linalg.matmul
#mA = affine_map<(m, n, k) -> (m, k)>
#mBt = affine_map<(m, n, k) -> (n, k)>
#mC = affine_map<(m, n, k) -> (m, n)>
func.func @strided(%a: tensor<8x4xf32>, %bt: tensor<16x4xf32>,
                   %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %r = linalg.matmul indexing_maps = [#mA, #mBt, #mC]
         ins(%a, %bt : tensor<8x4xf32>, tensor<16x4xf32>)
         outs(%c : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}

// A reduction into a kept unit dimension (the output's innermost dimension
// is not a loop) and elementwise ops (no reduction): left as they are.
// CHECK-LABEL: func.func @row_sum
// CHECK: iterator_types = ["parallel", "reduction"]
#in = affine_map<(i, j) -> (i, j)>
#out = affine_map<(i, j) -> (i, 0)>
func.func @row_sum(%x: tensor<8x16xf32>, %acc: tensor<8x1xf32>) -> tensor<8x1xf32> {
  %r = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
         ins(%x : tensor<8x16xf32>) outs(%acc : tensor<8x1xf32>) {
  ^bb0(%a: f32, %s: f32):
    %t = arith.addf %a, %s : f32
    linalg.yield %t : f32
  } -> tensor<8x1xf32>
  return %r : tensor<8x1xf32>
}

// Contractions inside a loop nest (the tiles of an attention cascade) are
// left to cascade-vectorize-tiles.
// CHECK-LABEL: func.func @in_loop
// CHECK: scf.for
// CHECK: linalg.matmul
func.func @in_loop(%a: tensor<8x4xf32>, %b: tensor<4x16xf32>,
                   %c: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %r = scf.for %i = %c0 to %c2 step %c1 iter_args(%acc = %c) -> tensor<8x16xf32> {
    %m = linalg.matmul ins(%a, %b : tensor<8x4xf32>, tensor<4x16xf32>)
                       outs(%acc : tensor<8x16xf32>) -> tensor<8x16xf32>
    scf.yield %m : tensor<8x16xf32>
  }
  return %r : tensor<8x16xf32>
}
