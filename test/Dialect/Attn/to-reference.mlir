// RUN: cascade-opt %s --split-input-file --attn-to-reference -verify-diagnostics | FileCheck %s

// The reference lowering calls the runtime's fp64 attention on buffers of
// any layout; the scalars travel in a parameter vector (scale 0.5, causal and
// alignment bottom-right = 2); absent tensors are one-element dummies; the
// result is a fresh buffer.
// CHECK:       func.func private @cascade_ref_attention_variant_f32(memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, {{.*}}) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @gqa
// CHECK-SAME:    (%[[Q:.+]]: tensor<2x4x7x8xf32>, %[[K:.+]]: tensor<2x2x9x8xf32>, %[[V:.+]]: tensor<2x2x9x8xf32>)
// CHECK:         %[[PARAMS:.+]] = memref.alloca() : memref<23xf64>
// CHECK:         %[[SCALE:.+]] = arith.constant 5.000000e-01 : f64
// CHECK:         memref.store %[[SCALE]], %[[PARAMS]][%{{.+}}] : memref<23xf64>
// CHECK:         %[[OUT:.+]] = memref.alloc() : memref<2x4x7x8xf32>
// CHECK:         bufferization.to_buffer %[[Q]] read_only
// CHECK:         call @cascade_ref_attention_variant_f32(
// CHECK:         %[[R:.+]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK:         return %[[R]]
func.func @gqa(%q: tensor<2x4x7x8xf32>, %k: tensor<2x2x9x8xf32>, %v: tensor<2x2x9x8xf32>) -> tensor<2x4x7x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>, scale = 5.000000e-01 : f32} : tensor<2x4x7x8xf32>, tensor<2x2x9x8xf32>, tensor<2x2x9x8xf32> -> tensor<2x4x7x8xf32>
  return %o : tensor<2x4x7x8xf32>
}

// -----

// The reference is f32 only.
func.func @f16(%q: tensor<1x1x4x8xf16>, %k: tensor<1x1x4x8xf16>, %v: tensor<1x1x4x8xf16>) -> tensor<1x1x4x8xf16> {
  // expected-error @+1 {{the reference implementation supports f32 attention only, found 'f16'}}
  %o = attn.attention %q, %k, %v : tensor<1x1x4x8xf16>, tensor<1x1x4x8xf16>, tensor<1x1x4x8xf16> -> tensor<1x1x4x8xf16>
  return %o : tensor<1x1x4x8xf16>
}
