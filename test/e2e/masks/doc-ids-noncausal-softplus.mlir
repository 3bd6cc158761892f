// Document ids without causality, softplus normalizer: queries and keys have
// their own packing (batch 0: queries 12 + 25 of documents 0 and 1, keys
// 30 + 40). In batch 1 the last 17 queries belong to document 9, which has no
// key: those rows must be exactly zero.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: rm -rf %t && %python %S/Inputs/mask_inputs.py ints %t qd=i64:2x37:0*12,1*25,3*20,9*17 \
// RUN:     kd=i64:2x70:0*30,1*40,3*70
// RUN: cascade-run %s --check --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --check --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s
// RUN: %python %S/Inputs/mask_inputs.py zeros %t/attention/result0.npy 1,:,20:37,: \
// RUN:     | FileCheck %s --check-prefix=ZEROS
// RUN: %python %S/Inputs/mask_inputs.py zeros %t/attention-tile16/result0.npy 1,:,20:37,: \
// RUN:     | FileCheck %s --check-prefix=ZEROS

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check
// ZEROS: ZEROS OK (2, 4, 37, 8)

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>,
                     %qd: tensor<2x37xi64>,
                     %kd: tensor<2x70xi64>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v
      q_doc_ids(%qd : tensor<2x37xi64>)
      k_doc_ids(%kd : tensor<2x70xi64>)
      {normalizer = #attn.normalizer<softplus>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
