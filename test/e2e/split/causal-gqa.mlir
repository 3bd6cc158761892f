// ein-split on bottom-right causal GQA attention (B = 2, Hq = 4, Hkv = 2,
// N = 37 != M = 1000, D = 24): split counts 1, 2, 3 and 7 give the dense
// reference's result (max abs error <= 1e-5), with key tiles (16, 24) that
// do not divide M, so the last tile of a part and the last part are short.
// The parts skip and unmask the same tiles as the unsplit loop (ein-sparsify
// runs first).
//
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --split-kv 1 --tile-m 16 2>&1 | FileCheck %s --check-prefixes=ONE,CHECK
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --split-kv 2 --tile-m 16 2>&1 | FileCheck %s --check-prefixes=TWO,CHECK
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --split-kv 3 --tile-m 16 2>&1 | FileCheck %s --check-prefixes=THREE,CHECK
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --split-kv 7 --tile-m 16 2>&1 | FileCheck %s --check-prefixes=SEVEN,CHECK
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --split-kv 7 --tile-m 24 --tile-n 5 --threads 2 2>&1 | FileCheck %s --check-prefixes=SEVEN24,CHECK

// ONE: remark: cascade 'attention': not split: one part
// TWO: remark: cascade 'attention': split into 2 parts of 512 keys
// THREE: remark: cascade 'attention': split into 3 parts of 336 keys
// SEVEN: remark: cascade 'attention': split into 7 parts of 144 keys
// SEVEN24: remark: cascade 'attention': split into 7 parts of 144 keys
// CHECK: check result0: max abs error {{.*}} -> ok{{$}}
func.func @attention(%q: tensor<2x4x37x24xf32>, %k: tensor<2x2x1000x24xf32>,
                     %v: tensor<2x2x1000x24xf32>) -> tensor<2x4x37x24xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x24xf32>, tensor<2x2x1000x24xf32>, tensor<2x2x1000x24xf32>
      -> tensor<2x4x37x24xf32>
  return %o : tensor<2x4x37x24xf32>
}
