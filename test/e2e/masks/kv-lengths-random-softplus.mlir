// Key padding with random kv_lengths (cascade-run's random integers in
// [0, 16)), the softplus normalizer and bottom-right causality with N > M:
// many rows keep no key and give zeros.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 70, M = 37, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: rm -rf %t
// RUN: cascade-run %s --check \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --check \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @attention(%q: tensor<2x4x70x16xf32>, %k: tensor<2x2x37x16xf32>,
                     %v: tensor<2x2x37x8xf32>,
                     %len: tensor<2xi32>) -> tensor<2x4x70x8xf32> {
  %o = attn.attention %q, %k, %v kv_lengths(%len : tensor<2xi32>)
      {normalizer = #attn.normalizer<softplus>, causal = #attn.causal<bottom_right>}
      : tensor<2x4x70x16xf32>, tensor<2x2x37x16xf32>, tensor<2x2x37x8xf32>
      -> tensor<2x4x70x8xf32>
  return %o : tensor<2x4x70x8xf32>
}
