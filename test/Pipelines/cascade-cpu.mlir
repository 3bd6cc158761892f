// RUN: cascade-opt %s --cascade-cpu="tile-m=16" | FileCheck %s
// RUN: cascade-opt %s --cascade-reference | FileCheck %s --check-prefix=REF

// The whole CPU pipeline ends in the LLVM dialect: the function takes its
// result as a trailing out-parameter and has a C interface.
// CHECK-NOT:   attn.
// CHECK-NOT:   ein.
// CHECK:       llvm.func @attention(
// CHECK:       llvm.func @_mlir_ciface_attention(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)
// CHECK-SAME:    attributes {llvm.emit_c_interface}

// The reference pipeline calls the runtime instead.
// REF:         llvm.call @_mlir_ciface_cascade_ref_attention_variant_f32
// REF:         llvm.func @_mlir_ciface_attention(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr)
func.func @attention(%q: tensor<1x2x20x8xf32>, %k: tensor<1x2x33x8xf32>, %v: tensor<1x2x33x8xf32>) -> tensor<1x2x20x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<1x2x20x8xf32>, tensor<1x2x33x8xf32>, tensor<1x2x33x8xf32> -> tensor<1x2x20x8xf32>
  return %o : tensor<1x2x20x8xf32>
}
