// A dilated window ((i - m) mod 3 == 0 within 60 keys back): no tile is
// full, so every visited tile runs the masked body; the empty ones are
// skipped.
//
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks  2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 16 --tile-m 24 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 1 --tile-m 7 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 7 --tile-m 1 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 32 --tile-m 128 --threads 2 2>&1 | FileCheck %s

// CHECK: remark: {{.*}}tiles: {{[0-9]+}} empty, {{[0-9]+}} full, {{[0-9]+}} partial
// CHECK: check result0: max abs error {{.*}} -> ok{{$}}
func.func @attention(%q: tensor<2x4x130x16xf32>, %k: tensor<2x2x130x16xf32>,
                     %v: tensor<2x2x130x16xf32>) -> tensor<2x4x130x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, window = array<i64: 60, 0>, dilation = 3}
      : tensor<2x4x130x16xf32>, tensor<2x2x130x16xf32>, tensor<2x2x130x16xf32>
      -> tensor<2x4x130x16xf32>
  return %o : tensor<2x4x130x16xf32>
}
