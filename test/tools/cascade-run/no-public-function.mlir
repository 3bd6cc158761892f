// Nothing to run: only a private function (and, in the second run, an empty
// module).
//
// RUN: not cascade-run %s 2>&1 | FileCheck %s
// CHECK: cascade-run: error: {{.*}}no-public-function.mlir has no public function to run
//
// RUN: %python -c "open(r'%t.empty.mlir', 'w').close()"
// RUN: not cascade-run %t.empty.mlir 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: cascade-run: error: {{.*}}.empty.mlir has no public function to run

func.func private @helper(%q: tensor<1x2x3x4xf32>, %k: tensor<1x1x5x4xf32>,
                          %v: tensor<1x1x5x4xf32>) -> tensor<1x2x3x4xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x3x4xf32>, tensor<1x1x5x4xf32>, tensor<1x1x5x4xf32>
      -> tensor<1x2x3x4xf32>
  return %o : tensor<1x2x3x4xf32>
}
