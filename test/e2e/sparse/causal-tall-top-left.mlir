// Top-left causal with N = 203 > M = 77 (MQA, B = 2): the last query tiles
// are full; every tile-size combination equals the reference.
//
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks  2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 16 --tile-m 24 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 1 --tile-m 7 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 7 --tile-m 1 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 32 --tile-m 128 --threads 2 2>&1 | FileCheck %s

// CHECK: remark: {{.*}}tiles: {{[0-9]+}} empty, {{[0-9]+}} full, {{[0-9]+}} partial
// CHECK: check result0: max abs error {{.*}} -> ok{{$}}
func.func @attention(%q: tensor<2x4x203x32xf32>, %k: tensor<2x1x77x32xf32>,
                     %v: tensor<2x1x77x32xf32>) -> tensor<2x4x203x32xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x203x32xf32>, tensor<2x1x77x32xf32>, tensor<2x1x77x32xf32>
      -> tensor<2x4x203x32xf32>
  return %o : tensor<2x4x203x32xf32>
}
