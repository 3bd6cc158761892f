// A syntax error: the parser's diagnostic with file:line:col, the source line
// and a caret, and exit status 1.
//
// RUN: not cascade-run %s 2>&1 | FileCheck %s -DFILE=%s
// RUN: not cascade-run %s --check --input q=%t.does-not-matter.npy 2>&1 | FileCheck %s -DFILE=%s

// CHECK: [[FILE]]:[[@LINE+6]]:46: error: expected '>' in tensor type
// CHECK-NEXT: {{^}}  %o = arith.addf %q, %q : tensor<1x2x3x4xf32{{$}}
// CHECK-NEXT: {{^}}                                             ^{{$}}
// CHECK-NOT: cascade-run: error

func.func @f(%q: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %o = arith.addf %q, %q : tensor<1x2x3x4xf32
  return %o : tensor<1x2x3x4xf32>
}
