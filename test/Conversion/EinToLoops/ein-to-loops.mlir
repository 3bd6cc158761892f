// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --ein-partition="rank=m tile=4" --ein-online --convert-ein-to-loops | FileCheck %s
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division --convert-ein-to-loops | FileCheck %s --check-prefix=TWOPASS

// The one-pass cascade becomes one loop nest: (b, h, p) parallel, m1 a
// sequential loop carrying the current and next buffers of RM, RD and RNV
// (swapped at each step), every einsum a linalg.generic on views. K is read
// at offset m1 * 4 with min(4, 13 - m1 * 4) keys: the last tile is partial.
// CHECK-LABEL: func.func @attention
// CHECK-SAME:    (%[[Q:.+]]: tensor<2x4x7x8xf32>, %[[K:.+]]: tensor<2x2x13x8xf32>, %[[V:.+]]: tensor<2x2x13x8xf32>)
// CHECK-DAG:     %[[QB:.+]] = bufferization.to_buffer %[[Q]] read_only
// CHECK-DAG:     %[[KB:.+]] = bufferization.to_buffer %[[K]] read_only
// CHECK-DAG:     %[[C13:.+]] = arith.constant 13 : index
// CHECK:         %[[OUT:.+]] = memref.alloc() : memref<2x4x7x8xf32>
// CHECK:         scf.parallel (%[[B:.+]], %[[H:.+]], %[[P:.+]]) =
// CHECK-COUNT-3:   linalg.fill
// CHECK:           %[[LOOP:.+]]:6 = scf.for %[[M1:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[RM:.+]] = %{{.+}}, %[[RD:.+]] = %{{.+}}, %[[RNV:.+]] = %{{.+}}, %[[RMN:.+]] = %{{.+}}, %[[RDN:.+]] = %{{.+}}, %[[RNVN:.+]] = %{{.+}})
// CHECK:             %[[START:.+]] = arith.muli %[[M1]], %{{.+}} : index
// CHECK:             %[[LEFT:.+]] = arith.subi %[[C13]], %[[START]] : index
// CHECK:             %[[M0:.+]] = arith.minsi %[[LEFT]], %{{.+}} : index
// CHECK:             memref.subview %[[QB]][%[[B]], %[[H]], %[[P]], 0] [1, 1, 1, 8]
// CHECK:             memref.subview %[[KB]][%[[B]], %{{.+}}, %{{.+}}, 0] [1, 1, %[[M0]], 8]
// BQK: a dot product per key of the tile, masked by the causal condition.
// CHECK:             linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK:               arith.cmpi sge
// CHECK:               arith.select
// LM, RM (writes the next buffer), PRM, SLN, SLD, RD, SLNV, RNV.
// CHECK:             linalg.generic {{.*}} iterator_types = ["reduction"]
// CHECK:             linalg.generic {{.*}} ins(%[[RM]], %{{.+}} : memref<f32>, memref<f32>) outs(%[[RMN]] : memref<f32>)
// CHECK:               arith.maximumf
// CHECK:             linalg.generic {{.*}} ins(%[[RM]], %[[RMN]] : memref<f32>, memref<f32>)
// CHECK:               math.exp
// CHECK:             scf.yield %[[RMN]], %[[RDN]], %[[RNVN]], %[[RM]], %[[RD]], %[[RNV]]
// AV reads the final RNV and RD and writes the result row.
// CHECK:           %[[ROW:.+]] = memref.subview %[[OUT]][%[[B]], %[[H]], %[[P]], 0] [1, 1, 1, 8]
// CHECK:           linalg.generic {{.*}} ins(%[[LOOP]]#2, %[[LOOP]]#1 : memref<8xf32>, memref<f32>) outs(%[[ROW]]
// CHECK:             arith.divf
// CHECK:           memref.dealloc
// CHECK:         %[[T:.+]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK:         return %[[T]]

// The two-pass cascade lowers too, with no sequential loop: per query row,
// QK and SN are buffers over all 13 keys.
// TWOPASS-LABEL: func.func @attention
// TWOPASS:         scf.parallel
// TWOPASS-NOT:       scf.for
// TWOPASS:           memref.alloc() : memref<13xf32>
// TWOPASS:         bufferization.to_tensor
func.func @attention(%q: tensor<2x4x7x8xf32>, %k: tensor<2x2x13x8xf32>, %v: tensor<2x2x13x8xf32>) -> tensor<2x4x7x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>} : tensor<2x4x7x8xf32>, tensor<2x2x13x8xf32>, tensor<2x2x13x8xf32> -> tensor<2x4x7x8xf32>
  return %o : tensor<2x4x7x8xf32>
}
