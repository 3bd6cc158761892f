// RUN: cascade-opt %s --split-input-file --cascade-vectorize-tiles="width=4 rows=2 vectors=1" --canonicalize --cse | FileCheck %s
// RUN: cascade-opt %s --split-input-file --cascade-vectorize-tiles="width=4 rows=8 vectors=1" --canonicalize --cse | FileCheck %s --check-prefix=FIT

// S[p][m] += Q[p][e] * K[m][e] (Q K^T of a decode tile, laid out with the
// keys innermost): no input is contiguous along m, both are along the
// reduced e. Vectors along e, full ones first, then one masked vector (its
// lanes past the end keep the accumulator); 2 rows of m per block, their
// accumulators' lanes summed by one tree of shuffles into a vector of 2,
// added to S; the last row alone.
// CHECK-LABEL: func.func @dot_scores
// CHECK-SAME:    (%[[Q:.+]]: memref<?x?xf32>, %[[K:.+]]: memref<?x?xf32>, %[[S:.+]]: memref<?x?xf32>)
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK-DAG:     %[[NE:.+]] = memref.dim %[[Q]], %c1
// CHECK-DAG:     %[[NM:.+]] = memref.dim %[[K]], %c0
// CHECK:         scf.for %[[P:.+]] = %c0 to %{{.+}} step %c1 {
// CHECK:           %[[MAINM:.+]] = arith.subi %[[NM]], %{{.+}}
// CHECK:           scf.for %[[M:.+]] = %c0 to %[[MAINM]] step %c2 {
// CHECK:             %[[M1:.+]] = arith.addi %[[M]], %c1
// CHECK:             %[[REM:.+]] = arith.remui %[[NE]], %c4
// CHECK:             %[[MAINE:.+]] = arith.subi %[[NE]], %[[REM]]
// CHECK:             %[[R:.+]]:2 = scf.for %[[E:.+]] = %c0 to %[[MAINE]] step %c4 iter_args(%[[A0:.+]] = %[[ZERO]], %[[A1:.+]] = %[[ZERO]])
// CHECK:               %[[QV:.+]] = vector.load %[[Q]][%[[P]], %[[E]]] : memref<?x?xf32>, vector<4xf32>
// CHECK:               %[[K0:.+]] = vector.load %[[K]][%[[M]], %[[E]]] : memref<?x?xf32>, vector<4xf32>
// CHECK:               %[[X0:.+]] = arith.mulf %[[QV]], %[[K0]]
// CHECK:               %[[S0:.+]] = arith.addf %[[A0]], %[[X0]]
// CHECK:               %[[K1:.+]] = vector.load %[[K]][%[[M1]], %[[E]]]
// CHECK:               %[[X1:.+]] = arith.mulf %[[QV]], %[[K1]]
// CHECK:               %[[S1:.+]] = arith.addf %[[A1]], %[[X1]]
// CHECK:               scf.yield %[[S0]], %[[S1]]
// CHECK:             %[[PARTIAL:.+]] = arith.cmpi ne, %[[REM]], %c0
// CHECK:             %[[T:.+]]:2 = scf.if %[[PARTIAL]] -> (vector<4xf32>, vector<4xf32>) {
// CHECK:               %[[MASK:.+]] = vector.create_mask %[[REM]] : vector<4xi1>
// CHECK:               vector.maskedload %[[Q]][%[[P]], %[[MAINE]]], %[[MASK]]
// CHECK:               %[[SUM:.+]] = arith.addf %[[R]]#0,
// CHECK:               arith.select %[[MASK]], %[[SUM]], %[[R]]#0
// CHECK:             } else {
// CHECK:               scf.yield %[[R]]#0, %[[R]]#1
// CHECK:             %[[LO:.+]] = vector.shuffle %[[T]]#0, %[[T]]#1 [0, 1, 4, 5]
// CHECK:             %[[HI:.+]] = vector.shuffle %[[T]]#0, %[[T]]#1 [2, 3, 6, 7]
// CHECK:             %[[H:.+]] = arith.addf %[[LO]], %[[HI]] : vector<4xf32>
// CHECK:             %[[SW:.+]] = vector.shuffle %[[H]], %[[H]] [1, 0, 3, 2]
// CHECK:             %[[F:.+]] = arith.addf %[[H]], %[[SW]] : vector<4xf32>
// CHECK:             %[[TWO:.+]] = vector.shuffle %[[F]], %[[F]] [0, 2] : vector<4xf32>, vector<4xf32>
// CHECK:             %[[OLD:.+]] = vector.load %[[S]][%[[P]], %[[M]]] : memref<?x?xf32>, vector<2xf32>
// CHECK:             %[[NEW:.+]] = arith.addf %[[OLD]], %[[TWO]] : vector<2xf32>
// CHECK:             vector.store %[[NEW]], %[[S]][%[[P]], %[[M]]] : memref<?x?xf32>, vector<2xf32>
// CHECK:           scf.for %[[ML:.+]] = %[[MAINM]] to %[[NM]] step %c1 {
// CHECK:             scf.for {{.*}} -> (vector<4xf32>) {
// CHECK:             vector.shuffle %{{.+}}, %{{.+}} [2, 3, 0, 1]
// CHECK:             vector.shuffle %{{.+}}, %{{.+}} [1, 0, 3, 2]
// CHECK:             vector.shuffle %{{.+}}, %{{.+}} [0] : vector<4xf32>, vector<4xf32>
// CHECK:             vector.store %{{.+}}, %[[S]][%[[P]], %[[ML]]] : memref<?x?xf32>, vector<1xf32>
#q = affine_map<(p, m, e) -> (p, e)>
#k = affine_map<(p, m, e) -> (m, e)>
#s = affine_map<(p, m, e) -> (p, m)>
func.func @dot_scores(%q: memref<?x?xf32>, %k: memref<?x?xf32>, %s: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<?x?xf32>, memref<?x?xf32>) outs(%s : memref<?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// The running maximum of 3 rows over the keys: accumulators start at -inf
// and combine with maximumf, lanes and output alike.
// CHECK-LABEL: func.func @row_max
// CHECK:         %[[NEGINF:.+]] = arith.constant dense<0xFF800000> : vector<4xf32>
// CHECK:         scf.for {{.*}} iter_args(%{{.+}} = %[[NEGINF]], %{{.+}} = %[[NEGINF]])
// CHECK:           arith.maximumf %{{.+}}, %{{.+}} : vector<4xf32>
// CHECK:         %[[H:.+]] = arith.maximumf %{{.+}}, %{{.+}} : vector<4xf32>
// CHECK:         %[[OLD:.+]] = vector.load %[[OUT:.+]][%c0] : memref<3xf32>, vector<2xf32>
// CHECK:         arith.maximumf %[[OLD]], %{{.+}} : vector<2xf32>
// CHECK:         vector.load %[[OUT]][%c2] : memref<3xf32>, vector<1xf32>
func.func @row_max(%x: memref<3x?xf32>, %out: memref<3xf32>) {
  linalg.generic {indexing_maps = [affine_map<(p, m) -> (p, m)>, affine_map<(p, m) -> (p)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<3x?xf32>) outs(%out : memref<3xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %0 = arith.maximumf %acc, %a : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// A tile of a function argument that a loop moves through (K, 4 rows at a
// time): each vector load of it prefetches the same place 4 rows further
// (the next tile; each index clamped to K's last element), in the first
// block of p only (the others read the same tile again).
// Q, a tile whose offset the loop does not move, is not prefetched.
// CHECK-LABEL: func.func @prefetch
// CHECK-SAME:    (%[[QS:.+]]: memref<6x8xf32>, %[[K:.+]]: memref<100x8xf32>,
// CHECK-NOT:     memref.prefetch %[[QS]]
// CHECK:         scf.for %[[T:.+]] = %c0 to %c100 step %c4 {
// CHECK:           %[[KT:.+]] = memref.subview %[[K]][%[[T]], 0]
// CHECK:           scf.for %[[P:.+]] = %c0 to %c2 step %c1 {
// CHECK:             scf.for %[[M:.+]] = %c0 to %{{.+}} step %c2 {
// CHECK:               %[[FIRST:.+]] = arith.cmpi eq, %[[P]], %c0 : index
// CHECK:               scf.for %[[E:.+]] = %c0 to %c8 step %c4
// CHECK:                 scf.if %[[FIRST]] {
// CHECK:                   %[[ROW:.+]] = arith.addi %[[T]], %[[M]] : index
// CHECK:                   %[[NEXT:.+]] = arith.addi %[[ROW]], %c4 : index
// CHECK:                   %[[CLAMPED:.+]] = arith.minsi %[[NEXT]], %c99 : index
// CHECK:                   %[[COL:.+]] = arith.minsi %[[E]], %c7 : index
// CHECK:                   memref.prefetch %[[K]][%[[CLAMPED]], %[[COL]]], read, locality<3>, data : memref<100x8xf32>
// CHECK:                 }
// CHECK:                 vector.load %[[KT]][%[[M]], %[[E]]]
// CHECK-NOT:     memref.prefetch %[[QS]]
// CHECK-LABEL: func.func @values
func.func @prefetch(%qs: memref<6x8xf32>, %k: memref<100x8xf32>, %s: memref<2x4xf32>, %p1: index) {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c100 = arith.constant 100 : index
  %q = memref.subview %qs[%p1, 0] [2, 8] [1, 1] : memref<6x8xf32> to memref<2x8xf32, strided<[8, 1], offset: ?>>
  scf.for %t = %c0 to %c100 step %c4 {
    %left = arith.subi %c100, %t : index
    %n = arith.minsi %left, %c4 : index
    %kt = memref.subview %k[%t, 0] [%n, 8] [1, 1] : memref<100x8xf32> to memref<?x8xf32, strided<[8, 1], offset: ?>>
    %st = memref.subview %s[0, 0] [2, %n] [1, 1] : memref<2x4xf32> to memref<2x?xf32, strided<[4, 1]>>
    linalg.generic {indexing_maps = [affine_map<(p, m, e) -> (p, e)>, affine_map<(p, m, e) -> (m, e)>, affine_map<(p, m, e) -> (p, m)>], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%q, %kt : memref<2x8xf32, strided<[8, 1], offset: ?>>, memref<?x8xf32, strided<[8, 1], offset: ?>>) outs(%st : memref<2x?xf32, strided<[4, 1]>>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %0 = arith.mulf %a, %b : f32
      %1 = arith.addf %acc, %0 : f32
      linalg.yield %1 : f32
    }
  }
  return
}

// -----

// O[p][f] += P[p][m] * V[m][f] with 2 rows of p (a decode tile): the block
// has the 2 rows there are, and the accumulators the other rows would have
// held go to more vectors along f (rows x vectors = 8); each load of the
// streamed V tile prefetches the next tile.
// FIT-LABEL: func.func @values
// FIT-SAME:    (%{{.+}}: memref<2x?xf32>, %[[V:.+]]: memref<?x?xf32>,
// FIT:         scf.for %[[T:.+]] = %c0 to %{{.+}} step %c4 {
// FIT:           scf.for %[[F:.+]] = %c0 to %{{.+}} step %c16 {
// FIT:             scf.for %[[M:.+]] = %c0 to %{{.+}} step %c1 iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
// FIT-COUNT-4:       memref.prefetch %[[V]]
// FIT-NOT:           memref.prefetch
// FIT:               scf.yield
func.func @values(%p: memref<2x?xf32>, %v: memref<?x?xf32>, %o: memref<2x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %n = memref.dim %v, %c0 : memref<?x?xf32>
  %dv = memref.dim %v, %c1 : memref<?x?xf32>
  scf.for %t = %c0 to %n step %c4 {
    %left = arith.subi %n, %t : index
    %rows = arith.minsi %left, %c4 : index
    %vt = memref.subview %v[%t, 0] [%rows, %dv] [1, 1] : memref<?x?xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
    %pt = memref.subview %p[0, 0] [2, %rows] [1, 1] : memref<2x?xf32> to memref<2x?xf32, strided<[?, 1]>>
    linalg.generic {indexing_maps = [affine_map<(p, f, m) -> (p, m)>, affine_map<(p, f, m) -> (m, f)>, affine_map<(p, f, m) -> (p, f)>], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%pt, %vt : memref<2x?xf32, strided<[?, 1]>>, memref<?x?xf32, strided<[?, 1], offset: ?>>) outs(%o : memref<2x?xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %0 = arith.mulf %a, %b : f32
      %1 = arith.addf %acc, %0 : f32
      linalg.yield %1 : f32
    }
  }
  return
}

// -----

// The same with 24 values (6 vectors of 4): their 12 accumulators stay
// within 1.5 x rows x vectors, so one block holds every vector of f (its
// loops over p and f fold away: one iteration each).
// FIT-LABEL: func.func @values_static
// FIT-NOT:     scf.for
// FIT:         scf.for {{.*}} -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>) {
func.func @values_static(%p: memref<2x?xf32>, %v: memref<?x24xf32>, %o: memref<2x24xf32>) {
  linalg.generic {indexing_maps = [affine_map<(p, f, m) -> (p, m)>, affine_map<(p, f, m) -> (m, f)>, affine_map<(p, f, m) -> (p, f)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %v : memref<2x?xf32>, memref<?x24xf32>) outs(%o : memref<2x24xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  return
}
