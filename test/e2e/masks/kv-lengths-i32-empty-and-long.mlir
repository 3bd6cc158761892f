// Key padding with kv_lengths (i32), bottom-right causal: key m is kept when
// m < kv_lengths[b] and m <= n + M - N. Batch 0 has length 0, so every row of
// it has no key and must be exactly zero (not NaN); batch 1 has length 100 > M,
// which keeps every key. The zeros are checked on the written result.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: rm -rf %t && %python %S/Inputs/mask_inputs.py ints %t len=i32:2:0,100
// RUN: cascade-run %s --check --input len=%t/len.npy \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --check --input len=%t/len.npy \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s
// RUN: %python %S/Inputs/mask_inputs.py zeros %t/attention/result0.npy 0,:,:,: \
// RUN:     | FileCheck %s --check-prefix=ZEROS
// RUN: %python %S/Inputs/mask_inputs.py zeros %t/attention-tile16/result0.npy 0,:,:,: \
// RUN:     | FileCheck %s --check-prefix=ZEROS

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check
// ZEROS: ZEROS OK (2, 4, 37, 8)

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>,
                     %len: tensor<2xi32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v kv_lengths(%len : tensor<2xi32>)
      {causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
