// REQUIRES: numpy
// A model graph written in linalg on tensors (as torch-mlir's linalg output
// is): K transposed, batched Q K^T, a scale, linalg.softmax, and P V.
// attn-lift-linalg rewrites it as TOSA and attn-raise finds the attention;
// compiled as written (--raise=false) it goes through the graph lowering
// (linalg.softmax decomposed into generic ops). Both reproduce NumPy;
// B*H = 6, N = 13, M = 11, D = 8.
// RUN: rm -rf %t && mkdir -p %t/in %t/out
// RUN: %python -c "import numpy as np; r = np.random.default_rng(3); \
// RUN:   q = r.standard_normal((6, 13, 8), dtype=np.float32); \
// RUN:   k = r.standard_normal((6, 11, 8), dtype=np.float32); kt = k.transpose(0, 2, 1); \
// RUN:   v = r.standard_normal((6, 11, 8), dtype=np.float32); \
// RUN:   s = (q.astype(np.float64) @ kt) * 0.35355339; \
// RUN:   p = np.exp(s - s.max(-1, keepdims=True)); p /= p.sum(-1, keepdims=True); \
// RUN:   [np.save('%t/in/' + n + '.npy', a) for n, a in (('q', q), ('k', k), ('v', v))]; \
// RUN:   np.save('%t/out/result0.npy', (p @ v).astype(np.float32))"
// RUN: cascade-run %s --input-dir %t/in --expect-dir %t/out --tolerance 1e-5 | FileCheck %s
// RUN: cascade-run %s --input-dir %t/in --expect-dir %t/out --tolerance 1e-5 --raise=false | FileCheck %s
// CHECK: expect result0: max abs error {{.*}} -> ok
// RUN: cascadec %s -o %t/graph.so && test -s %t/graph.so
// RUN: cascadec %s --emit=attn --remarks -o %t/attn.mlir 2>&1 | FileCheck %s --check-prefix=RAISED
// RAISED: remark: raised attention: softmax, B=6 Hq=1 Hkv=1 N=13 M=11 D=8
// RUN: FileCheck %s --check-prefix=ATTN < %t/attn.mlir
// ATTN-NOT: linalg.softmax
// ATTN: attn.attention {{.*}}scale = 0.353553385 : f32{{.*}} : tensor<6x1x13x8xf32>, tensor<6x1x11x8xf32>, tensor<6x1x11x8xf32> -> tensor<6x1x13x8xf32>
// ATTN-NOT: linalg.softmax
// RUN: cascadec %s --raise=false --emit=attn | FileCheck %s --check-prefix=WRITTEN
// WRITTEN-NOT: attn.attention
// WRITTEN: linalg.softmax

func.func @attention(%q: tensor<6x13x8xf32>, %k: tensor<6x11x8xf32>,
                     %v: tensor<6x11x8xf32>) -> tensor<6x13x8xf32> {
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
  return %o : tensor<6x13x8xf32>
}
