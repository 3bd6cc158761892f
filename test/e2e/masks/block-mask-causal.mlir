// A block mask with block_size [16, 24], which divides neither N = 37 (3 query
// blocks, the last of 5 rows) nor M = 70 (3 key blocks, the last of 22 keys),
// broadcast over the batch ([1, Hq, 3, 3], random booleans from cascade-run),
// with bottom-right causality.
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
                     %v: tensor<2x2x70x8xf32>,
                     %bm: tensor<1x4x3x3xi1>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v block_mask(%bm : tensor<1x4x3x3xi1>)
      {block_size = array<i64: 16, 24>, causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
