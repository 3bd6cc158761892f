// Decode (N = 1) with attention sinks, a sliding window and the log-sum-exp
// result, MQA (Hq = 6, Hkv = 1), B = 3, M = 777, Dv != D: the split merges
// the running maxima, the sums rescaled to the merged maximum, the sink's
// term (added after the merge) and the log-sum-exp. Parts that the window
// leaves empty hold -inf and 0 and add nothing. Both results are checked.
//
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --split-kv 1 --tile-m 32 2>&1 | FileCheck %s --check-prefixes=ONE,CHECK
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --split-kv 2 --tile-m 32 2>&1 | FileCheck %s --check-prefixes=SPLIT,CHECK
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --split-kv 3 --tile-m 32 2>&1 | FileCheck %s --check-prefixes=SPLIT,CHECK
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --split-kv 7 --tile-m 32 2>&1 | FileCheck %s --check-prefixes=SPLIT,CHECK
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --threads 2 2>&1 | FileCheck %s --check-prefixes=AUTO,CHECK

// ONE: not split: one part
// SPLIT: split into {{[2-7]}} parts of
// AUTO: remark: cascade 'attention': not split: 18 parallel points keep 2 threads busy
// CHECK-DAG: check result0: max abs error {{.*}} -> ok{{$}}
// CHECK-DAG: check result1: max abs error {{.*}} -> ok{{$}}
func.func @attention(%q: tensor<3x6x1x40xf32>, %k: tensor<3x1x777x40xf32>,
                     %v: tensor<3x1x777x24xf32>, %s: tensor<6xf32>)
    -> (tensor<3x6x1x24xf32>, tensor<3x6x1xf32>) {
  %o, %lse = attn.attention %q, %k, %v sinks(%s : tensor<6xf32>)
      {causal = #attn.causal<bottom_right>, window = array<i64: 500, 0>, return_lse}
      : tensor<3x6x1x40xf32>, tensor<3x1x777x40xf32>, tensor<3x1x777x24xf32>
      -> tensor<3x6x1x24xf32>, tensor<3x6x1xf32>
  return %o, %lse : tensor<3x6x1x24xf32>, tensor<3x6x1xf32>
}
