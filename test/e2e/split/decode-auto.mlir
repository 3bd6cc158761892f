// The split count chosen from the shape: one decode query of one head
// (1 parallel point) over M = 4000 keys in 63 tiles of 64 is split into
// 4 parts per thread, at least 8 tiles each: 7 parts for 2 threads, 4 for
// one. The result matches the reference either way.
//
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --threads 2 2>&1 | FileCheck %s --check-prefixes=T2,CHECK
// RUN: cascade-run %s --check --tolerance 1e-5 --remarks --threads 1 2>&1 | FileCheck %s --check-prefixes=T1,CHECK

// T2: remark: cascade 'attention': split into 7 parts of 576 keys
// T1: remark: cascade 'attention': split into 4 parts of 1024 keys
// CHECK: check result0: max abs error {{.*}} -> ok{{$}}
func.func @attention(%q: tensor<1x1x1x64xf32>, %k: tensor<1x1x4000x64xf32>,
                     %v: tensor<1x1x4000x64xf32>) -> tensor<1x1x1x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x1x1x64xf32>, tensor<1x1x4000x64xf32>, tensor<1x1x4000x64xf32>
      -> tensor<1x1x1x64xf32>
  return %o : tensor<1x1x1x64xf32>
}
