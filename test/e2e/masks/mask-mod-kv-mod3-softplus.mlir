// A mask_mod region that keeps the keys with kv % 3 != 0, softplus
// normalizer, no other mask.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
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

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<softplus>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %kv: index):
    %c0 = arith.constant 0 : index
    %c3 = arith.constant 3 : index
    %r = arith.remui %kv, %c3 : index
    %keep = arith.cmpi ne, %r, %c0 : index
    attn.yield %keep : i1
  }
  return %o : tensor<2x4x37x8xf32>
}
