// Upstream mlir-opt (mlir-22-tools) with Cascade loaded as a plugin: the attn
// and ein dialects parse, and Cascade's passes and its named pipeline run.
//
// Passes from a plugin are named in --pass-pipeline (mlir-opt builds its
// per-pass flags before it loads plugins).
// RUN: mlir-opt %s --load-dialect-plugin=%cascade_plugin \
// RUN:   --load-pass-plugin=%cascade_plugin \
// RUN:   --pass-pipeline="builtin.module(attn-decompose)" \
// RUN:   | FileCheck %s --check-prefix=EIN
// RUN: mlir-opt %s --load-dialect-plugin=%cascade_plugin \
// RUN:   --load-pass-plugin=%cascade_plugin \
// RUN:   --pass-pipeline="builtin.module(attn-decompose,ein-one-pass{tile=16})" \
// RUN:   | FileCheck %s --check-prefix=ONEPASS
// RUN: mlir-opt %s --load-dialect-plugin=%cascade_plugin \
// RUN:   --load-pass-plugin=%cascade_plugin \
// RUN:   --pass-pipeline="builtin.module(cascade-cpu{tile-m=16 tile-n=8})" \
// RUN:   | FileCheck %s --check-prefix=LLVM
//
// Without the plugin, mlir-opt does not know the dialect.
// RUN: not mlir-opt %s 2>&1 | FileCheck %s --check-prefix=NOPLUGIN

// EIN-LABEL: func.func @attention
// EIN:         ein.cascade
// EIN:         ein.einsum QK[
// EIN:         ein.einsum AV[

// ONEPASS-LABEL: func.func @attention
// ONEPASS:         ein.einsum {{.*}} max=
// ONEPASS-NOT:     attn.attention

// LLVM:     llvm.func @attention(
// LLVM:     llvm.func @_mlir_ciface_attention(
// LLVM-NOT: attn.
// LLVM-NOT: ein.

// NOPLUGIN: Dialect `attn' not found for custom op 'attn.attention'

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x53x16xf32>,
                     %v: tensor<2x2x53x16xf32>) -> tensor<2x4x37x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x16xf32>
      -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}
