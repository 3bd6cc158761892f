// RUN: cascade-opt %s --split-input-file --cascade-vectorize-tiles="bf16-dot=true rows=2 vectors=1" --canonicalize --cse | FileCheck %s

// S[m][p] += (QP[e][p] * 0.125) * K[m][e] in bf16 with an f32 output: vdpbf16ps
// along p, pairs along e. QP is copied once as pairs AP[e / 2][p][2] (17
// values of e: 9 pairs, the last one padded with zero); K is read in place,
// one pair K[m][2 e2 .. 2 e2 + 1] broadcast to every lane, since e is its
// contiguous dimension. K's last stride is known at run time only: the dot
// products run on a unit-stride view of it when it is 1, the f32 vector code
// otherwise. The 8 full pairs run in the loop, the last one with (K[m][16], 0);
// the scale multiplies the dot products once, at the end.
// CHECK-LABEL: func.func @scores
// CHECK-SAME:    (%[[QP:.+]]: memref<17x32xbf16>, %[[K:.+]]: memref<?x17xbf16, strided<[?, ?], offset: ?>>, %[[S:.+]]: memref<?x32xf32>)
// CHECK-DAG:     %[[SCALE:.+]] = arith.constant dense<1.250000e-01> : vector<16xf32>
// CHECK-DAG:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : bf16
// CHECK:         %[[BASE:.+]], %[[OFF:.+]], %[[SIZES:.+]]:2, %[[STRIDES:.+]]:2 = memref.extract_strided_metadata %[[K]]
// CHECK:         %[[UNIT:.+]] = arith.cmpi eq, %[[STRIDES]]#1, %c1
// CHECK:         %[[AP:.+]] = memref.alloc() {alignment = 64 : i64} : memref<9x64xbf16>
// CHECK:         scf.if %[[UNIT]] {
// CHECK:           %[[KV:.+]] = memref.reinterpret_cast %[[K]] {{.*}} to memref<?x17xbf16, strided<[?, 1], offset: ?>>
// CHECK:           scf.for %[[E2:.+]] = %c0 to %c9 step %c1 {
// CHECK:             %[[LO:.+]] = arith.muli %[[E2]], %c2
// CHECK:             %[[X:.+]] = vector.maskedload %[[QP]][%[[LO]], %{{.+}}]
// CHECK:             %[[Y:.+]] = vector.maskedload %[[QP]]
// CHECK:             %[[PAIRS:.+]] = vector.interleave %[[X]], %[[Y]] : vector<16xbf16> -> vector<32xbf16>
// CHECK:             vector.store %[[PAIRS]], %[[AP]][%[[E2]], %{{.+}}] : memref<9x64xbf16>, vector<32xbf16>
// CHECK:           scf.for %[[M:.+]] = %c0 to %{{.+}} step %c2 {
// CHECK:             scf.for %[[P:.+]] = %c0 to %c32 step %c16 {
// CHECK:               %[[M1:.+]] = arith.addi %[[M]], %c1
// CHECK:               %[[R:.+]]:2 = scf.for %[[E:.+]] = %c0 to %c8 step %c1 iter_args
// CHECK:                 %[[A:.+]] = vector.load %[[AP]][%[[E]], %{{.+}}] : memref<9x64xbf16>, vector<32xbf16>
// CHECK:                 %[[KP:.+]] = vector.load %[[KV]][%[[M]], %{{.+}}] : {{.*}}, vector<2xbf16>
// CHECK:                 %[[KW:.+]] = vector.bitcast %[[KP]] : vector<2xbf16> to vector<1xi32>
// CHECK:                 %[[KS:.+]] = vector.extract %[[KW]][0]
// CHECK:                 %[[KB:.+]] = vector.broadcast %[[KS]] : i32 to vector<16xi32>
// CHECK:                 %[[B:.+]] = vector.bitcast %[[KB]] : vector<16xi32> to vector<32xbf16>
// CHECK:                 x86vector.avx512.dot %{{.+}}, %[[A]], %[[B]] : vector<32xbf16> -> vector<16xf32>
// CHECK:                 vector.load %[[KV]][%[[M1]], %{{.+}}]
// CHECK:                 x86vector.avx512.dot
// CHECK:               %[[ALAST:.+]] = vector.load %[[AP]][%c8, %{{.+}}]
// CHECK:               %[[KLAST:.+]] = memref.load %[[KV]][%[[M]], %c16]
// CHECK:               vector.from_elements %[[KLAST]], %[[ZERO]] : vector<2xbf16>
// CHECK:               %[[D0:.+]] = x86vector.avx512.dot %[[R]]#0, %[[ALAST]]
// CHECK:               %[[OLD:.+]] = vector.maskedload %[[S]][%[[M]], %[[P]]]
// CHECK:               %[[NEW:.+]] = vector.fma %[[D0]], %[[SCALE]], %[[OLD]] : vector<16xf32>
// CHECK:               vector.maskedstore %[[S]][%[[M]], %[[P]]], %{{.+}}, %[[NEW]]
// CHECK:         } else {
// CHECK-NOT:       x86vector
// CHECK:           arith.extf %{{.+}} : vector<16xbf16> to vector<16xf32>
// CHECK:         memref.dealloc %[[AP]]
#qp = affine_map<(m, p, e) -> (e, p)>
#k = affine_map<(m, p, e) -> (m, e)>
#s = affine_map<(m, p, e) -> (m, p)>
func.func @scores(%qp: memref<17x32xbf16>, %k: memref<?x17xbf16, strided<[?, ?], offset: ?>>, %s: memref<?x32xf32>) {
  %c = arith.constant 0.125 : f32
  linalg.generic {indexing_maps = [#qp, #k, #s], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%qp, %k : memref<17x32xbf16>, memref<?x17xbf16, strided<[?, ?], offset: ?>>) outs(%s : memref<?x32xf32>) {
  ^bb0(%a: bf16, %b: bf16, %acc: f32):
    %0 = arith.extf %a : bf16 to f32
    %1 = arith.mulf %0, %c : f32
    %2 = arith.extf %b : bf16 to f32
    %3 = arith.mulf %1, %2 : f32
    %4 = arith.addf %acc, %3 : f32
    linalg.yield %4 : f32
  }
  return
}

// -----

// O[f][p] += P[m][p] * V[m][f], P in f32 (the probabilities of a tile), V in
// bf16: P is rounded to bf16 into pairs AP[m / 2][p][2]; V, whose
// contiguous dimension is f, is copied as pairs BP[m / 2][f][2]. The buffers'
// sizes come from the subviews' bounds (64 keys, 32 queries, 40 values).
// CHECK-LABEL: func.func @values
// CHECK:         %[[P:.+]] = memref.subview %arg0
// CHECK:         %[[V:.+]] = memref.subview %arg1
// CHECK:         %[[O:.+]] = memref.subview %arg2
// CHECK:         %[[AP:.+]] = memref.alloc() {alignment = 64 : i64} : memref<32x64xbf16>
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             %[[X:.+]] = vector.maskedload %[[P]]{{.*}} into vector<16xf32>
// CHECK:             %[[Y:.+]] = vector.maskedload %[[P]]{{.*}} into vector<16xf32>
// CHECK:             %[[XB:.+]] = arith.truncf %[[X]] : vector<16xf32> to vector<16xbf16>
// CHECK:             %[[YB:.+]] = arith.truncf %[[Y]] : vector<16xf32> to vector<16xbf16>
// CHECK:             %[[PP:.+]] = vector.interleave %[[XB]], %[[YB]]
// CHECK:             vector.store %[[PP]], %[[AP]]
// CHECK:         %[[BP:.+]] = memref.alloc() {alignment = 64 : i64} : memref<32x96xbf16>
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             %[[VX:.+]] = vector.maskedload %[[V]]{{.*}} into vector<16xbf16>
// CHECK:             %[[VY:.+]] = vector.maskedload %[[V]]{{.*}} into vector<16xbf16>
// CHECK:             %[[VP:.+]] = vector.interleave %[[VX]], %[[VY]]
// CHECK:             vector.store %[[VP]], %[[BP]]
// CHECK:         scf.for %[[F:.+]] = %c0 to %c40 step %c2 {
// CHECK:           scf.for
// CHECK:             scf.for {{.*}} iter_args
// CHECK:               %[[A:.+]] = vector.load %[[AP]]{{.*}} vector<32xbf16>
// CHECK:               vector.load %[[BP]]{{.*}} vector<2xbf16>
// CHECK:               x86vector.avx512.dot %{{.+}}, %[[A]], %{{.+}} : vector<32xbf16> -> vector<16xf32>
// CHECK:               vector.load %[[BP]]{{.*}} vector<2xbf16>
// CHECK:               x86vector.avx512.dot
// CHECK:             vector.maskedload %[[O]][%[[F]]
// CHECK-NEXT:        arith.addf
// CHECK-NEXT:        vector.maskedstore %[[O]][%[[F]]
// CHECK:         memref.dealloc %[[BP]]
// CHECK:         memref.dealloc %[[AP]]
#p = affine_map<(p, f, m) -> (m, p)>
#v = affine_map<(p, f, m) -> (m, f)>
#o = affine_map<(p, f, m) -> (f, p)>
func.func @values(%p: memref<64x32xf32>, %v: memref<100x40xbf16>, %o: memref<40x32xf32>, %m: index, %n: index) {
  %c64 = arith.constant 64 : index
  %c32 = arith.constant 32 : index
  %keys = arith.minsi %m, %c64 : index
  %rows = arith.minsi %n, %c32 : index
  %ps = memref.subview %p[0, 0] [%keys, %rows] [1, 1] : memref<64x32xf32> to memref<?x?xf32, strided<[32, 1]>>
  %vs = memref.subview %v[0, 0] [%keys, 40] [1, 1] : memref<100x40xbf16> to memref<?x40xbf16, strided<[40, 1]>>
  %os = memref.subview %o[0, 0] [40, %rows] [1, 1] : memref<40x32xf32> to memref<40x?xf32, strided<[32, 1]>>
  linalg.generic {indexing_maps = [#p, #v, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%ps, %vs : memref<?x?xf32, strided<[32, 1]>>, memref<?x40xbf16, strided<[40, 1]>>) outs(%os : memref<40x?xf32, strided<[32, 1]>>) {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %0 = arith.extf %b : bf16 to f32
    %1 = arith.mulf %a, %0 : f32
    %2 = arith.addf %acc, %1 : f32
    linalg.yield %2 : f32
  }
  return
}

// -----

// Not dot products: f16 operands (no f16 pair instruction), an f32 product
// (nothing in bf16 to pair), and a B whose extent along u has no bound to
// size its pair buffer; all run as f32 vector code.
// CHECK-LABEL: func.func @f16
// CHECK-NOT:     x86vector
// CHECK:         arith.extf %{{.+}} : vector<16xf16> to vector<16xf32>
// CHECK-LABEL: func.func @f32
// CHECK-NOT:     x86vector
// CHECK:         arith.mulf %{{.+}} : vector<16xf32>
// CHECK-LABEL: func.func @unbounded
// CHECK-NOT:     x86vector
// CHECK:         return
#qp = affine_map<(m, p, e) -> (e, p)>
#k = affine_map<(m, p, e) -> (m, e)>
#s = affine_map<(m, p, e) -> (m, p)>
#p = affine_map<(p, f, m) -> (m, p)>
#v = affine_map<(p, f, m) -> (m, f)>
#o = affine_map<(p, f, m) -> (f, p)>
func.func @f16(%qp: memref<16x32xf16>, %k: memref<64x16xf16>, %s: memref<64x32xf32>) {
  linalg.generic {indexing_maps = [#qp, #k, #s], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%qp, %k : memref<16x32xf16>, memref<64x16xf16>) outs(%s : memref<64x32xf32>) {
  ^bb0(%a: f16, %b: f16, %acc: f32):
    %0 = arith.extf %a : f16 to f32
    %1 = arith.extf %b : f16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  }
  return
}
func.func @f32(%qp: memref<16x32xf32>, %k: memref<64x16xf32>, %s: memref<64x32xf32>) {
  linalg.generic {indexing_maps = [#qp, #k, #s], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%qp, %k : memref<16x32xf32>, memref<64x16xf32>) outs(%s : memref<64x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %0 = arith.mulf %a, %b : f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  return
}
func.func @unbounded(%p: memref<64x32xf32>, %v: memref<64x?xbf16>, %o: memref<?x32xf32>) {
  linalg.generic {indexing_maps = [#p, #v, #o], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %v : memref<64x32xf32>, memref<64x?xbf16>) outs(%o : memref<?x32xf32>) {
  ^bb0(%a: f32, %b: bf16, %acc: f32):
    %0 = arith.extf %b : bf16 to f32
    %1 = arith.mulf %a, %0 : f32
    %2 = arith.addf %acc, %1 : f32
    linalg.yield %2 : f32
  }
  return
}
