// RUN: cascade-opt %s --split-input-file --cascade-vectorize-tiles="width=4 rows=2 vectors=1" --canonicalize --cse | FileCheck %s

// S[m][p] += QP[e][p] * K[m][e]: p (the output's last dim) is the vector
// dim; QP is contiguous along p (masked vector loads), K does not vary along
// p (scalar loads, broadcast). m is unrolled by 2 rows: 2 accumulators stay
// in registers over the loop on e; the last row runs alone.
// CHECK-LABEL: func.func @scores
// CHECK-SAME:    (%[[QP:.+]]: memref<?x?xf32>, %[[K:.+]]: memref<?x?xf32>, %[[S:.+]]: memref<?x?xf32>)
// CHECK-NOT:     linalg.generic
// CHECK:         %[[NM:.+]] = memref.dim %[[K]], %c0
// CHECK:         %[[TAIL:.+]] = arith.remui %[[NM]], %c2
// CHECK:         %[[MAIN:.+]] = arith.subi %[[NM]], %[[TAIL]]
// CHECK:         scf.for %[[M:.+]] = %c0 to %[[MAIN]] step %c2 {
// CHECK:           scf.for %[[P:.+]] = %c0 to %{{.+}} step %c4 {
// CHECK:             %[[M1:.+]] = arith.addi %[[M]], %c1
// CHECK:             %[[LEFT:.+]] = arith.subi %{{.+}}, %[[P]]
// CHECK:             %[[MASK:.+]] = vector.create_mask %[[LEFT]] : vector<4xi1>
// CHECK:             %[[A0:.+]] = vector.maskedload %[[S]][%[[M]], %[[P]]], %[[MASK]]
// CHECK:             %[[A1:.+]] = vector.maskedload %[[S]][%[[M1]], %[[P]]], %[[MASK]]
// CHECK:             %[[R:.+]]:2 = scf.for %[[E:.+]] = %c0 to %{{.+}} step %c1 iter_args(%[[X0:.+]] = %[[A0]], %[[X1:.+]] = %[[A1]]) -> (vector<4xf32>, vector<4xf32>) {
// CHECK:               %[[Q:.+]] = vector.maskedload %[[QP]][%[[E]], %[[P]]], %[[MASK]]
// CHECK:               %[[K0:.+]] = memref.load %[[K]][%[[M]], %[[E]]]
// CHECK:               %[[B0:.+]] = vector.broadcast %[[K0]] : f32 to vector<4xf32>
// CHECK:               %[[P0:.+]] = arith.mulf %[[Q]], %[[B0]] : vector<4xf32>
// CHECK:               %[[S0:.+]] = arith.addf %[[X0]], %[[P0]] : vector<4xf32>
// CHECK:               %[[K1:.+]] = memref.load %[[K]][%[[M1]], %[[E]]]
// CHECK:               %[[B1:.+]] = vector.broadcast %[[K1]] : f32 to vector<4xf32>
// CHECK:               %[[P1:.+]] = arith.mulf %[[Q]], %[[B1]] : vector<4xf32>
// CHECK:               %[[S1:.+]] = arith.addf %[[X1]], %[[P1]] : vector<4xf32>
// CHECK:               scf.yield %[[S0]], %[[S1]] : vector<4xf32>, vector<4xf32>
// CHECK:             vector.maskedstore %[[S]][%[[M]], %[[P]]], %[[MASK]], %[[R]]#0
// CHECK:             vector.maskedstore %[[S]][%[[M1]], %[[P]]], %[[MASK]], %[[R]]#1
// CHECK:         scf.for %{{.+}} = %[[MAIN]] to %[[NM]] step %c1 {
// CHECK:           scf.for
// CHECK:             scf.for {{.*}} -> (vector<4xf32>) {
#qp = affine_map<(m, p, e) -> (e, p)>
#k = affine_map<(m, p, e) -> (m, e)>
#s = affine_map<(m, p, e) -> (m, p)>
func.func @scores(%qp: memref<?x?xf32>, %k: memref<?x?xf32>, %s: memref<?x?xf32>) {
  linalg.generic {indexing_maps = [#qp, #k, #s], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%qp, %k : memref<?x?xf32>, memref<?x?xf32>) outs(%s : memref<?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// A causal mask on a tile: the position along p is a vector (vector.step plus
// the vector's offset), the position along m a scalar; the comparison and the
// select run on vectors. Elementwise: no accumulators, no unrolling.
// CHECK-LABEL: func.func @masked_exp
// CHECK:         scf.for %[[M:.+]] = %c0 to %{{.+}} step %c1 {
// CHECK:           scf.for %[[P:.+]] = %c0 to %{{.+}} step %c4 {
// CHECK:             %[[X:.+]] = vector.maskedload
// CHECK:             %[[EXP:.+]] = math.exp %{{.+}} : vector<4xf32>
// CHECK:             %[[STEP:.+]] = vector.step : vector<4xindex>
// CHECK:             %[[OFF:.+]] = vector.broadcast %[[P]] : index to vector<4xindex>
// CHECK:             %[[PV:.+]] = arith.addi %[[STEP]], %[[OFF]] : vector<4xindex>
// CHECK:             %[[C:.+]] = arith.cmpi sle, %{{.+}}, %[[PV]] : vector<4xindex>
// CHECK:             %[[SEL:.+]] = arith.select %[[C]], %[[EXP]], %{{.+}} : vector<4xi1>, vector<4xf32>
// CHECK:             vector.maskedstore %{{.+}}[%[[M]], %[[P]]], %{{.+}}, %[[SEL]]
#id = affine_map<(m, p) -> (m, p)>
#row = affine_map<(m, p) -> (p)>
func.func @masked_exp(%s: memref<?x?xf32>, %rm: memref<?xf32>, %out: memref<?x?xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s, %rm : memref<?x?xf32>, memref<?xf32>) outs(%out : memref<?x?xf32>) {
  ^bb0(%x: f32, %r: f32, %o: f32):
    %d = arith.subf %x, %r : f32
    %e = math.exp %d : f32
    %m = linalg.index 0 : index
    %p = linalg.index 1 : index
    %keep = arith.cmpi sle, %m, %p : index
    %y = arith.select %keep, %e, %zero : f32
    linalg.yield %y : f32
  }
  return
}

// -----

// Left for convert-linalg-to-loops: an input that varies along the vector
// dim with a stride (Q[p][e] read as a column) while no reduced dim is the
// last of every input that reads it (K[e][m]), a strided output, tensors.
// CHECK-LABEL: func.func @refused
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT:     vector.
#q = affine_map<(m, p, e) -> (p, e)>
#k = affine_map<(m, p, e) -> (e, m)>
#s = affine_map<(m, p, e) -> (m, p)>
func.func @refused(%q: memref<?x?xf32>, %k: memref<?x?xf32>, %s: memref<?x?xf32>,
                   %t: memref<4x4xf32, strided<[1, 4]>>, %u: tensor<4x4xf32>) -> tensor<4x4xf32> {
  linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<?x?xf32>, memref<?x?xf32>) outs(%s : memref<?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      outs(%t : memref<4x4xf32, strided<[1, 4]>>) {
  ^bb0(%o: f32):
    %0 = arith.addf %o, %o : f32
    linalg.yield %0 : f32
  }
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      outs(%u : tensor<4x4xf32>) {
  ^bb0(%o: f32):
    %0 = arith.addf %o, %o : f32
    linalg.yield %0 : f32
  } -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// Ids whose last stride is known at run time only (a cascade input): one
// test of the stride before the loops. Where it is 1, masked vector loads
// through a view with a static unit stride; otherwise one load per lane at
// an index clamped to the last element, gathered into a vector.
// CHECK-LABEL: func.func @strided_ids
// CHECK:         %{{.+}}, %{{.+}}, %{{.+}}, %[[STRIDE:.+]] = memref.extract_strided_metadata %[[IDS:.+]] :
// CHECK:         %[[UNIT:.+]] = arith.cmpi eq, %[[STRIDE]], %c1 : index
// CHECK:         scf.if %[[UNIT]] {
// CHECK:           %[[VIEW:.+]] = memref.reinterpret_cast %[[IDS]]
// CHECK-SAME:        to memref<?xi32, strided<[1], offset: ?>>
// CHECK:           scf.for %[[P:.+]] = %c0 to %{{.+}} step %c4 {
// CHECK:             %[[MASK:.+]] = vector.create_mask
// CHECK:             %[[L:.+]] = vector.maskedload %[[VIEW]][%[[P]]], %[[MASK]]
// CHECK:             arith.cmpi eq, %[[L]], %{{.+}} : vector<4xi32>
// CHECK:         } else {
// CHECK:           scf.for %[[P2:.+]] = %c0 to %{{.+}} step %c4 {
// CHECK-NOT:         scf.if
// CHECK:             arith.minsi
// CHECK:             memref.load %[[IDS]]
// CHECK:             %[[E:.+]] = vector.from_elements {{.*}} : vector<4xi32>
// CHECK:             arith.cmpi eq, %[[E]], %{{.+}} : vector<4xi32>
#idp = affine_map<(p) -> (p)>
#all = affine_map<(p) -> ()>
func.func @strided_ids(%x: memref<?xf32>, %ids: memref<?xi32, strided<[?], offset: ?>>,
                       %doc: memref<i32>, %out: memref<?xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#idp, #idp, #all, #idp], iterator_types = ["parallel"]}
      ins(%x, %ids, %doc : memref<?xf32>, memref<?xi32, strided<[?], offset: ?>>, memref<i32>)
      outs(%out : memref<?xf32>) {
  ^bb0(%a: f32, %i: i32, %d: i32, %o: f32):
    %same = arith.cmpi eq, %i, %d : i32
    %y = arith.select %same, %a, %zero : f32
    linalg.yield %y : f32
  }
  return
}

// -----

// An i1 input along the vector dim: bytes in memory, bits in a vector.
// CHECK-LABEL: func.func @bool_input
// CHECK:         linalg.generic
// CHECK-NOT:     vector.
func.func @bool_input(%x: memref<?xf32>, %m: memref<?xi1>, %out: memref<?xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(p) -> (p)>, affine_map<(p) -> (p)>, affine_map<(p) -> (p)>], iterator_types = ["parallel"]}
      ins(%x, %m : memref<?xf32>, memref<?xi1>) outs(%out : memref<?xf32>) {
  ^bb0(%a: f32, %k: i1, %o: f32):
    %y = arith.select %k, %a, %zero : f32
    linalg.yield %y : f32
  }
  return
}

// -----

// A reduction of everything to one value (the minimum of ids over a tile, for
// ein-sparsify's run-time classes): identity lanes, masked lanes kept, the
// lanes combined at the end with the output's value.
// CHECK-LABEL: func.func @range_min
// CHECK:         %[[INF:.+]] = arith.constant dense<0x7FF0000000000000> : vector<4xf64>
// CHECK:         %[[ACC:.+]] = scf.for %[[M:.+]] = %c0 to %{{.+}} step %c4 iter_args(%[[A:.+]] = %[[INF]]) -> (vector<4xf64>) {
// CHECK:           %[[MASK:.+]] = vector.create_mask
// CHECK:           %[[X:.+]] = vector.maskedload %{{.+}}[%[[M]]], %[[MASK]]
// CHECK:           %[[F:.+]] = arith.sitofp %[[X]] : vector<4xi32> to vector<4xf64>
// CHECK:           %[[MIN:.+]] = arith.minimumf %[[A]], %[[F]] : vector<4xf64>
// CHECK:           %[[KEEP:.+]] = arith.select %[[MASK]], %[[MIN]], %[[A]]
// CHECK:           scf.yield %[[KEEP]]
// CHECK:         %[[OLD:.+]] = memref.load %[[OUT:.+]][] : memref<f64>
// CHECK:         %[[R:.+]] = vector.reduction <minimumf>, %[[ACC]], %[[OLD]] : vector<4xf64> into f64
// CHECK:         memref.store %[[R]], %[[OUT]][] : memref<f64>
func.func @range_min(%ids: memref<?xi32>, %out: memref<f64>) {
  linalg.generic {indexing_maps = [affine_map<(m) -> (m)>, affine_map<(m) -> ()>], iterator_types = ["reduction"]}
      ins(%ids : memref<?xi32>) outs(%out : memref<f64>) {
  ^bb0(%i: i32, %o: f64):
    %f = arith.sitofp %i : i32 to f64
    %m = arith.minimumf %o, %f : f64
    linalg.yield %m : f64
  }
  return
}
