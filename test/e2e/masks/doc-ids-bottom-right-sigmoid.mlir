// Document ids with bottom-right causality and the sigmoid normalizer: the 37
// queries are the last 37 of the 70 keys' positions (query n sits at n + 33),
// batch 0 packs documents of 40 and 30 keys, batch 1 a single document; the
// query ids follow the same packing.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: rm -rf %t && %python %S/Inputs/mask_inputs.py ints %t qd=i64:2x37:0*7,1*30,4*37 \
// RUN:     kd=i64:2x70:0*40,1*30,4*70
// RUN: cascade-run %s --check --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --check --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>,
                     %qd: tensor<2x37xi64>,
                     %kd: tensor<2x70xi64>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v
      q_doc_ids(%qd : tensor<2x37xi64>)
      k_doc_ids(%kd : tensor<2x70xi64>)
      {normalizer = #attn.normalizer<sigmoid>, causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
