// Many (batch, head, query) rows: the stack that a call uses must not grow
// with their number, so that the function runs on ordinary thread stacks
// (the driver's threads have 8 MiB each).
// Scratch buffers allocated on the stack inside the row loop would take about
// 1.3 KiB per row here, 16384 rows, and overflow it.
//
// RUN: cascadec %s -o %t.so
// RUN: %cc -O1 -std=c99 %S/Inputs/driver.c -o %t.driver -ldl -lm -lpthread
// RUN: %t.driver %t.so many_rows 1 8 8 2048 8 64 64 0 | FileCheck %s

// CHECK: max_abs_err=
// CHECK-NEXT: threads=same
// CHECK-NEXT: OK

func.func @many_rows(%q: tensor<1x8x2048x64xf32>, %k: tensor<1x8x8x64xf32>,
                     %v: tensor<1x8x8x64xf32>) -> tensor<1x8x2048x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x8x2048x64xf32>, tensor<1x8x8x64xf32>, tensor<1x8x8x64xf32>
      -> tensor<1x8x2048x64xf32>
  return %o : tensor<1x8x2048x64xf32>
}
