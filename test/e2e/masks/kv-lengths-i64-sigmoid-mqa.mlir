// Key padding with kv_lengths (i64) and the sigmoid normalizer (default bias
// -log(M)), no causal mask: batch 0 keeps 5 keys, batch 1 keeps 64.
//
// Shapes: B = 2, Hq = 4, Hkv = 1 (MQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: rm -rf %t && %python %S/Inputs/mask_inputs.py ints %t len=i64:2:5,64
// RUN: cascade-run %s --check --input len=%t/len.npy \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --check --input len=%t/len.npy \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x1x70x16xf32>,
                     %v: tensor<2x1x70x8xf32>,
                     %len: tensor<2xi64>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v kv_lengths(%len : tensor<2xi64>)
      {normalizer = #attn.normalizer<sigmoid>}
      : tensor<2x4x37x16xf32>, tensor<2x1x70x16xf32>, tensor<2x1x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
