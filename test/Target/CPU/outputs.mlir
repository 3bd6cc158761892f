// Each output kind that -o's extension selects, and the symbols that the
// object file and the shared library export.
//
// RUN: cascadec %s -o %t.o
// RUN: llvm-nm %t.o | FileCheck %s --check-prefix=OBJ
// OBJ-DAG: T _mlir_ciface_attn_full
// OBJ-DAG: T _mlir_ciface_attn_causal
// OBJ-DAG: T attn_full
// OBJ-DAG: T attn_causal
//
// RUN: cascadec %s -o %t.so
// RUN: llvm-nm -D --defined-only %t.so | FileCheck %s --check-prefix=SO
// SO-DAG: T _mlir_ciface_attn_full
// SO-DAG: T _mlir_ciface_attn_causal
//
// Nothing but the C library and libm is needed at run time.
// RUN: llvm-nm -D --undefined-only %t.so | FileCheck %s --check-prefix=UNDEF
// UNDEF-NOT: {{ U (attn|ein|cascade|_mlir)}}
//
// RUN: cascadec %s -o %t.ll
// RUN: FileCheck %s --check-prefix=LL < %t.ll
// LL: target triple =
// LL: define void @_mlir_ciface_attn_full(ptr
//
// .mlir is the LLVM dialect, which cascadec accepts as input in turn.
// RUN: cascadec %s -o %t.mlir
// RUN: FileCheck %s --check-prefix=MLIR < %t.mlir
// MLIR: llvm.func @_mlir_ciface_attn_full(
// MLIR-NOT: attn.attention
// RUN: cascadec %t.mlir -o %t.again.o
// RUN: llvm-nm %t.again.o | FileCheck %s --check-prefix=OBJ

func.func @attn_full(%q: tensor<1x2x5x8xf32>, %k: tensor<1x2x9x8xf32>,
                     %v: tensor<1x2x9x8xf32>) -> tensor<1x2x5x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x5x8xf32>, tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32>
      -> tensor<1x2x5x8xf32>
  return %o : tensor<1x2x5x8xf32>
}

func.func @attn_causal(%q: tensor<1x2x5x8xf32>, %k: tensor<1x2x9x8xf32>,
                       %v: tensor<1x2x9x8xf32>) -> tensor<1x2x5x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<1x2x5x8xf32>, tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32>
      -> tensor<1x2x5x8xf32>
  return %o : tensor<1x2x5x8xf32>
}
