// Choosing the function to run. With two public functions --entry is
// required; it must name a function with a body. Private functions and
// declarations are not offered.
//
// RUN: not cascade-run %s 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS
// AMBIGUOUS: cascade-run: error: {{.*}}entry.mlir has several functions (full, causal); choose one with --entry
//
// RUN: cascade-run %s --entry full --check | FileCheck %s --check-prefix=OK
// RUN: cascade-run %s --entry=causal --check | FileCheck %s --check-prefix=OK
// OK: check result0: max abs error {{.*}} -> ok
//
// RUN: not cascade-run %s --entry missing 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: cascade-run: error: no function 'missing' in {{.*}}entry.mlir (functions: full, causal)
//
// A declaration has nothing to run.
// RUN: not cascade-run %s --entry declared 2>&1 | FileCheck %s --check-prefix=DECLARED
// DECLARED: cascade-run: error: no function 'declared' in {{.*}}entry.mlir (functions: full, causal)
//
// A private function: refused with an error that names it. (It is not
// exported from the compiled module, so it cannot be called.)
// RUN: not cascade-run %s --entry helper 2>&1 | FileCheck %s --check-prefix=PRIVATE
// PRIVATE: cascade-run: error: {{.*}}'helper'
// PRIVATE-NOT: Stack dump
//
// An empty --entry is the same as none.
// RUN: not cascade-run %s --entry= 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS

func.func @full(%q: tensor<1x2x3x4xf32>, %k: tensor<1x1x5x4xf32>,
                %v: tensor<1x1x5x4xf32>) -> tensor<1x2x3x4xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x3x4xf32>, tensor<1x1x5x4xf32>, tensor<1x1x5x4xf32>
      -> tensor<1x2x3x4xf32>
  return %o : tensor<1x2x3x4xf32>
}

func.func @causal(%q: tensor<1x2x3x4xf32>, %k: tensor<1x1x5x4xf32>,
                  %v: tensor<1x1x5x4xf32>) -> tensor<1x2x3x4xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<1x2x3x4xf32>, tensor<1x1x5x4xf32>, tensor<1x1x5x4xf32>
      -> tensor<1x2x3x4xf32>
  return %o : tensor<1x2x3x4xf32>
}

func.func private @helper(%q: tensor<1x2x3x4xf32>, %k: tensor<1x1x5x4xf32>,
                          %v: tensor<1x1x5x4xf32>) -> tensor<1x2x3x4xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<1x2x3x4xf32>, tensor<1x1x5x4xf32>, tensor<1x1x5x4xf32>
      -> tensor<1x2x3x4xf32>
  return %o : tensor<1x2x3x4xf32>
}

func.func private @declared(%q: tensor<1x2x3x4xf32>) -> tensor<1x2x3x4xf32>
