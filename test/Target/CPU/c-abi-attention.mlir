// Calls attention compiled into a shared library through the C ABI and
// compares with a double-precision reference computed by a C driver; with the
// default key tile (larger than M) and with a tile that does not divide M.
//
// RUN: cascadec %s -o %t.so
// RUN: cascadec %s --tile-m=4 -o %t.tile4.so
// RUN: %cc -O1 -std=c99 %S/Inputs/driver.c -o %t.driver -ldl -lm -lpthread
//
// RUN: %t.driver %t.so attn_causal 2 4 2 7 13 8 8 1 | FileCheck %s
// RUN: %t.driver %t.so attn_full 2 4 2 7 13 8 8 0 | FileCheck %s
// RUN: %t.driver %t.so attn_bottom_right 2 4 2 7 13 8 5 2 0.25 | FileCheck %s
// RUN: %t.driver %t.tile4.so attn_causal 2 4 2 7 13 8 8 1 | FileCheck %s
// RUN: %t.driver %t.tile4.so attn_full 2 4 2 7 13 8 8 0 | FileCheck %s
// RUN: %t.driver %t.tile4.so attn_bottom_right 2 4 2 7 13 8 5 2 0.25 | FileCheck %s

// CHECK: max_abs_err=
// CHECK-NEXT: threads=same
// CHECK-NEXT: OK

// Grouped-query (4 query heads share 2 key/value heads), top-left causal.
func.func @attn_causal(%q: tensor<2x4x7x8xf32>, %k: tensor<2x2x13x8xf32>,
                       %v: tensor<2x2x13x8xf32>) -> tensor<2x4x7x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x7x8xf32>, tensor<2x2x13x8xf32>, tensor<2x2x13x8xf32>
      -> tensor<2x4x7x8xf32>
  return %o : tensor<2x4x7x8xf32>
}

// No mask.
func.func @attn_full(%q: tensor<2x4x7x8xf32>, %k: tensor<2x2x13x8xf32>,
                     %v: tensor<2x2x13x8xf32>) -> tensor<2x4x7x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x4x7x8xf32>, tensor<2x2x13x8xf32>, tensor<2x2x13x8xf32>
      -> tensor<2x4x7x8xf32>
  return %o : tensor<2x4x7x8xf32>
}

// Bottom-right causal mask, an explicit scale and Dv != D.
func.func @attn_bottom_right(%q: tensor<2x4x7x8xf32>, %k: tensor<2x2x13x8xf32>,
                             %v: tensor<2x2x13x5xf32>) -> tensor<2x4x7x5xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>, scale = 0.25 : f32}
      : tensor<2x4x7x8xf32>, tensor<2x2x13x8xf32>, tensor<2x2x13x5xf32>
      -> tensor<2x4x7x5xf32>
  return %o : tensor<2x4x7x5xf32>
}
