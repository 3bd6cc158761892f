// A two-sided window (33 back, 9 ahead) over N = M = 190, GQA: a band of
// visited tiles, most of them partial; the points of a partial tile end at
// the last key some query of the tile keeps.
//
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks  2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 16 --tile-m 24 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 1 --tile-m 7 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 7 --tile-m 1 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 32 --tile-m 128 --threads 2 2>&1 | FileCheck %s

// CHECK: remark: {{.*}}tiles: {{[0-9]+}} empty, {{[0-9]+}} full, {{[0-9]+}} partial
// CHECK: check result0: max abs error {{.*}} -> ok{{$}}
func.func @attention(%q: tensor<2x4x190x32xf32>, %k: tensor<2x2x190x32xf32>,
                     %v: tensor<2x2x190x32xf32>) -> tensor<2x4x190x32xf32> {
  %o = attn.attention %q, %k, %v {window = array<i64: 33, 9>}
      : tensor<2x4x190x32xf32>, tensor<2x2x190x32xf32>, tensor<2x2x190x32xf32>
      -> tensor<2x4x190x32xf32>
  return %o : tensor<2x4x190x32xf32>
}
