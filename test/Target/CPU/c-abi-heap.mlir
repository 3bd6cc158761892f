// A call frees everything it allocates: repeated calls leave the heap as it
// was. The caller owns every buffer passed in, the callee none.
//
// The result is computed into a buffer of query tiles, copied into the
// caller's out-parameter and freed after the copy.
//
// RUN: cascadec %s -o %t.so
// RUN: %cc -O1 -std=c99 %S/Inputs/driver.c -o %t.driver -ldl -lm -lpthread
// RUN: %t.driver %t.so attn_causal 2 4 2 7 13 8 8 1 | FileCheck %s

// CHECK: heap_growth_per_call=0{{$}}
// CHECK-NEXT: max_abs_err=
// CHECK-NEXT: threads=same
// CHECK-NEXT: OK

func.func @attn_causal(%q: tensor<2x4x7x8xf32>, %k: tensor<2x2x13x8xf32>,
                       %v: tensor<2x2x13x8xf32>) -> tensor<2x4x7x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x7x8xf32>, tensor<2x2x13x8xf32>, tensor<2x2x13x8xf32>
      -> tensor<2x4x7x8xf32>
  return %o : tensor<2x4x7x8xf32>
}
