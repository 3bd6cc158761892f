// RUN: cascade-opt %s --split-input-file | cascade-opt --split-input-file | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: cascade-opt %s --split-input-file --attn-decompose | FileCheck %s

// attn.merge prints and parses back; attn-decompose makes it the merge
// cascade: the maximum of the parts' log-sum-exps, the weights relative to
// it (0 for an empty part, and for every part of a row no part kept), the
// weighted sum of the parts' outputs over the sum of the weights, and the
// merged log-sum-exp (-inf for a row no part kept).

// ROUNDTRIP-LABEL: func.func @merge
// ROUNDTRIP: attn.merge %{{.*}}, %{{.*}} : tensor<3x2x4x5x8xf32>, tensor<3x2x4x5xf32> -> tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
// CHECK-LABEL: func.func @merge
// CHECK: ein.cascade "merge" ranks [s: 3, b: 2, h: 4, f: 8, p: 5]
// CHECK-NEXT: ins(%O = %{{.*}} : tensor<3x2x4x5x8xf32>, %LSE = %{{.*}} : tensor<3x2x4x5xf32>) -> (tensor<2x4x5x8xf32>, tensor<2x4x5xf32>)
// CHECK: %GM = ein.einsum GM[b, h, p] max= (%LSE[s, b, h, p])
// CHECK: %W = ein.einsum W[s, b, h, p] = (%LSE[s, b, h, p], %GM[b, h, p])
// CHECK: arith.cmpf oeq, %{{.*}}, %cst
// CHECK: math.exp
// CHECK: arith.select
// CHECK: %WS = ein.einsum WS[b, h, p] += (%W[s, b, h, p])
// CHECK: %WO = ein.einsum WO[b, h, p, f] += (%W[s, b, h, p], %O[s, b, h, p, f])
// CHECK: %OUT = ein.einsum OUT[b, h, p, f] = (%WO[b, h, p, f], %WS[b, h, p])
// CHECK: arith.divf
// CHECK: %OLSE = ein.einsum OLSE[b, h, p] = (%GM[b, h, p], %WS[b, h, p])
// CHECK: math.log
// CHECK: ein.yield %OUT, %OLSE
func.func @merge(%o: tensor<3x2x4x5x8xf32>, %l: tensor<3x2x4x5xf32>) -> (tensor<2x4x5x8xf32>, tensor<2x4x5xf32>) {
  %r, %rl = attn.merge %o, %l : tensor<3x2x4x5x8xf32>, tensor<3x2x4x5xf32> -> tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
  return %r, %rl : tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
}

// -----

// Dynamic parts and rows: bound to the operands' dimensions. bf16 outputs
// are merged in f32 and rounded once.
// ROUNDTRIP-LABEL: func.func @dynamic_bf16
// CHECK-LABEL: func.func @dynamic_bf16
// CHECK: ein.cascade "merge" ranks [s: dim(0, 0), b: 1, h: 2, f: 16, p: dim(0, 3)]
// CHECK: arith.extf
// CHECK: %OUT = ein.einsum
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @dynamic_bf16(%o: tensor<?x1x2x?x16xbf16>, %l: tensor<?x1x2x?xf32>) -> (tensor<1x2x?x16xbf16>, tensor<1x2x?xf32>) {
  %r, %rl = attn.merge %o, %l : tensor<?x1x2x?x16xbf16>, tensor<?x1x2x?xf32> -> tensor<1x2x?x16xbf16>, tensor<1x2x?xf32>
  return %r, %rl : tensor<1x2x?x16xbf16>, tensor<1x2x?xf32>
}
