// bf16 attention compiled into a shared library and called through the C ABI
// with bf16 tensors (uint16_t bits), compared with a double-precision
// reference on the same values (Inputs/driver.c --bf16): GQA with top-left
// causal, odd shapes (one partial tile of each rank), concurrent calls that
// agree bitwise. The contractions run as bf16 dot products where this CPU
// has them (P rounded to bf16), with tiles of their own (the pipeline's
// bf16-tile-m and bf16-tile-n, which cascadec leaves at their default);
// elsewhere the bf16 operands are extended to f32, and the library built
// with --tile-m=5 runs key tiles of 5.
//
// REQUIRES: c-compiler
// RUN: cascadec %s -o %t.so
// RUN: cascadec %s --tile-m=5 -o %t.tile5.so
// RUN: %cc -O1 -std=c99 %S/Inputs/driver.c -o %t.driver -ldl -lm -lpthread
//
// RUN: %t.driver --bf16 %t.so attn_causal 2 4 2 37 45 40 40 1 | FileCheck %s
// RUN: %t.driver --bf16 %t.so attn_bottom_right 1 2 1 19 70 64 24 2 0.25 | FileCheck %s
// RUN: %t.driver --bf16 %t.tile5.so attn_causal 2 4 2 37 45 40 40 1 | FileCheck %s

// CHECK: max_abs_err=
// CHECK-NEXT: max_rel_err=
// CHECK-NEXT: threads=same
// CHECK-NEXT: OK

func.func @attn_causal(%q: tensor<2x4x37x40xbf16>, %k: tensor<2x2x45x40xbf16>,
                       %v: tensor<2x2x45x40xbf16>) -> tensor<2x4x37x40xbf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x37x40xbf16>, tensor<2x2x45x40xbf16>, tensor<2x2x45x40xbf16>
      -> tensor<2x4x37x40xbf16>
  return %o : tensor<2x4x37x40xbf16>
}

// Bottom-right causal, an explicit scale, Dv != D.
func.func @attn_bottom_right(%q: tensor<1x2x19x64xbf16>, %k: tensor<1x1x70x64xbf16>,
                             %v: tensor<1x1x70x24xbf16>) -> tensor<1x2x19x24xbf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>, scale = 0.25 : f32}
      : tensor<1x2x19x64xbf16>, tensor<1x1x70x64xbf16>, tensor<1x1x70x24xbf16>
      -> tensor<1x2x19x24xbf16>
  return %o : tensor<1x2x19x24xbf16>
}
