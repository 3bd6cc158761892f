// Packed variable-length sequences: q_doc_ids and k_doc_ids (i64) put three
// documents of 10, 25 and 35 tokens in batch 0 and two of 40 and 30 tokens in
// batch 1; with top-left causality a query sees the earlier keys of its own
// document only.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 70, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: rm -rf %t && %python %S/Inputs/mask_inputs.py ints %t qd=i64:2x70:0*10,1*25,2*35,5*40,6*30 \
// RUN:     kd=i64:2x70:0*10,1*25,2*35,5*40,6*30
// RUN: cascade-run %s --check --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --check --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @attention(%q: tensor<2x4x70x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>,
                     %qd: tensor<2x70xi64>,
                     %kd: tensor<2x70xi64>) -> tensor<2x4x70x8xf32> {
  %o = attn.attention %q, %k, %v
      q_doc_ids(%qd : tensor<2x70xi64>)
      k_doc_ids(%kd : tensor<2x70xi64>)
      {causal = #attn.causal<top_left>}
      : tensor<2x4x70x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x70x8xf32>
  return %o : tensor<2x4x70x8xf32>
}
