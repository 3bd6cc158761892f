// RUN: cascade-opt %s --split-input-file --attn-to-reference -verify-diagnostics | FileCheck %s

// The reference lowering calls the runtime's fp64 attention on buffers of
// any layout; the result is a fresh buffer.
// CHECK:       func.func private @cascade_ref_attention_f32(memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, {{.*}}, f32, i32) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @gqa
// CHECK-SAME:    (%[[Q:.+]]: tensor<2x4x7x8xf32>, %[[K:.+]]: tensor<2x2x9x8xf32>, %[[V:.+]]: tensor<2x2x9x8xf32>)
// CHECK-DAG:     %[[QB:.+]] = bufferization.to_buffer %[[Q]] read_only
// CHECK-DAG:     %[[OUT:.+]] = memref.alloc() : memref<2x4x7x8xf32>
// CHECK-DAG:     %[[SCALE:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG:     %[[CAUSAL:.+]] = arith.constant 2 : i32
// CHECK:         call @cascade_ref_attention_f32(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[SCALE]], %[[CAUSAL]])
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
