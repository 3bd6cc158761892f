// A block mask with block_size [8, 32] over N = 70 (9 query blocks) and M = 37
// (2 key blocks, the last of 5 keys), broadcast over the heads ([B, 1, 9, 2]),
// softplus normalizer. In batch 0 query block 0 computes no key block, so its
// rows 0..7 must be exactly zero (in batch 1 query block 1 computes none
// either).
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 70, M = 37, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: rm -rf %t && %python %S/Inputs/mask_inputs.py ints %t bm=bool:2x1x9x2:0*2,1*16,1*2,0*2,1*14
// RUN: cascade-run %s --check --input bm=%t/bm.npy \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --check --input bm=%t/bm.npy \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s
// RUN: %python %S/Inputs/mask_inputs.py zeros %t/attention/result0.npy 0,:,0:8,: \
// RUN:     | FileCheck %s --check-prefix=ZEROS
// RUN: %python %S/Inputs/mask_inputs.py zeros %t/attention-tile16/result0.npy 0,:,0:8,: \
// RUN:     | FileCheck %s --check-prefix=ZEROS

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check
// ZEROS: ZEROS OK (2, 4, 70, 8)

func.func @attention(%q: tensor<2x4x70x16xf32>, %k: tensor<2x2x37x16xf32>,
                     %v: tensor<2x2x37x8xf32>,
                     %bm: tensor<2x1x9x2xi1>) -> tensor<2x4x70x8xf32> {
  %o = attn.attention %q, %k, %v block_mask(%bm : tensor<2x1x9x2xi1>)
      {block_size = array<i64: 8, 32>, normalizer = #attn.normalizer<softplus>}
      : tensor<2x4x70x16xf32>, tensor<2x2x37x16xf32>, tensor<2x2x37x8xf32>
      -> tensor<2x4x70x8xf32>
  return %o : tensor<2x4x70x8xf32>
}
