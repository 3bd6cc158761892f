// Document ids classified per tile at run time (ein-sparsify's classifier):
// key tiles of other documents are skipped, tiles inside one document run
// without the id comparison, the rest compare ids per point. Batch 0 packs
// four documents of different lengths into the queries and the keys; in
// batch 1 the second half of the queries belongs to a document with no keys,
// so its rows are fully masked and must be zeros.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 90, M = 130, D = 16, Dv = 8; no
// tile size used divides N or M. Compared with the fp64 reference (--check)
// at the default tiles and at 8 x 8 and 32 x 16 (queries x keys) tiles.
//
// RUN: rm -rf %t && %python %S/../masks/Inputs/mask_inputs.py ints %t \
// RUN:     qd=i64:2x90:0*20,1*30,2*25,3*15,0*45,7*45 \
// RUN:     kd=i64:2x130:0*30,1*40,2*35,3*25,0*5,1*125
// RUN: cascadec %s --emit=loops --remarks -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: cascade-run %s --check --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --output-dir %t/default | FileCheck %s
// RUN: cascade-run %s --check --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --tile-n=8 --tile-m=8 --output-dir %t/t8 | FileCheck %s
// RUN: cascade-run %s --check --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --tile-n=32 --tile-m=16 --output-dir %t/t32 | FileCheck %s
// RUN: %python %S/../masks/Inputs/mask_inputs.py zeros %t/t8/result0.npy 1,:,45:,: \
// RUN:     | FileCheck %s --check-prefix=ZEROS

// REMARK: remark: cascade 'attention': tiles classified at run time by 'TILE' from QDOC, KDOC (over b, h, p1, m1)
// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check
// ZEROS: ZEROS OK

func.func @attention(%q: tensor<2x4x90x16xf32>, %k: tensor<2x2x130x16xf32>,
                     %v: tensor<2x2x130x8xf32>,
                     %qd: tensor<2x90xi64>,
                     %kd: tensor<2x130xi64>) -> tensor<2x4x90x8xf32> {
  %o = attn.attention %q, %k, %v
      q_doc_ids(%qd : tensor<2x90xi64>)
      k_doc_ids(%kd : tensor<2x130xi64>)
      : tensor<2x4x90x16xf32>, tensor<2x2x130x16xf32>, tensor<2x2x130x8xf32>
      -> tensor<2x4x90x8xf32>
  return %o : tensor<2x4x90x8xf32>
}
