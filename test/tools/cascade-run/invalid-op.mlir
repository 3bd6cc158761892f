// IR that parses but does not verify: the verifier's diagnostic with
// file:line:col, and exit status 1, before anything is compiled or run.
//
// RUN: not cascade-run %s 2>&1 | FileCheck %s -DFILE=%s

// CHECK: [[FILE]]:[[@LINE+5]]:8: error: 'attn.attention' op query heads Hq = 3 must be a multiple of key/value heads Hkv = 2
// CHECK-NOT: check result0

func.func @attention(%q: tensor<1x3x3x4xf32>, %k: tensor<1x2x5x4xf32>,
                     %v: tensor<1x2x5x4xf32>) -> tensor<1x3x3x4xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x3x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>
      -> tensor<1x3x3x4xf32>
  return %o : tensor<1x3x3x4xf32>
}
