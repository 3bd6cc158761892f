// Every data-dependent mask at once, with bottom-right causality and the
// sigmoid normalizer: kv_lengths (60 and 100 > M), document ids (two documents per
// batch), a dense [B, 1, N, M] mask and a [1, Hq, 3, 3] block mask (both
// random booleans from cascade-run, block_size [16, 32]), the relative-position
// score_mod and the local-window mask_mod of the tests above.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: rm -rf %t && %python %S/Inputs/mask_inputs.py ints %t len=i64:2:60,100 qd=i64:2x37:0*7,1*30,4*20,5*17 \
// RUN:     kd=i64:2x70:0*40,1*30,4*53,5*17
// RUN: cascade-run %s --check --input len=%t/len.npy --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --check --input len=%t/len.npy --input qd=%t/qd.npy --input kd=%t/kd.npy \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>,
                     %len: tensor<2xi64>,
                     %qd: tensor<2x37xi64>,
                     %kd: tensor<2x70xi64>,
                     %mask: tensor<2x1x37x70xi1>,
                     %bm: tensor<1x4x3x3xi1>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v
      kv_lengths(%len : tensor<2xi64>)
      q_doc_ids(%qd : tensor<2x37xi64>)
      k_doc_ids(%kd : tensor<2x70xi64>)
      mask(%mask : tensor<2x1x37x70xi1>)
      block_mask(%bm : tensor<1x4x3x3xi1>)
      {normalizer = #attn.normalizer<sigmoid>, block_size = array<i64: 16, 32>,
       causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %kv: index):
    %off = arith.constant 33 : index
    %i = arith.addi %qi, %off : index
    %d = arith.subi %i, %kv : index
    %di = arith.index_cast %d : index to i64
    %df = arith.sitofp %di : i64 to f32
    %c = arith.constant 0.1 : f32
    %t = arith.mulf %df, %c : f32
    %r = arith.subf %s, %t : f32
    attn.yield %r : f32
  } mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %kv: index):
    %off = arith.constant 33 : index
    %c8 = arith.constant 8 : index
    %i = arith.addi %qi, %off : index
    %d = arith.subi %i, %kv : index
    %keep = arith.cmpi sle, %d, %c8 : index
    attn.yield %keep : i1
  }
  return %o : tensor<2x4x37x8xf32>
}
