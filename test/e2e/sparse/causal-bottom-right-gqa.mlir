// ein-sparsify on a bottom-right causal mask with N = 77 < M = 203 (GQA,
// B = 2): the skipped and unmasked tiles give the reference's result (max
// abs error <= 1e-5) for tiles that cut the diagonal everywhere, one query
// or one key per tile, and tiles larger than N.
//
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks  2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 16 --tile-m 24 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 1 --tile-m 7 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 7 --tile-m 1 2>&1 | FileCheck %s
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --tile-n 32 --tile-m 128 --threads 2 2>&1 | FileCheck %s

// CHECK: remark: {{.*}}tiles: {{[0-9]+}} empty, {{[0-9]+}} full, {{[0-9]+}} partial
// CHECK: check result0: max abs error {{.*}} -> ok{{$}}
func.func @attention(%q: tensor<2x4x77x32xf32>, %k: tensor<2x2x203x32xf32>,
                     %v: tensor<2x2x203x32xf32>) -> tensor<2x4x77x32xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x77x32xf32>, tensor<2x2x203x32xf32>, tensor<2x2x203x32xf32>
      -> tensor<2x4x77x32xf32>
  return %o : tensor<2x4x77x32xf32>
}
