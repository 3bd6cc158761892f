// A paged KV cache (block_table over a pool of pages of 16 keys, in random
// order, with table entries past each sequence's length out of range or
// pointing at other pages) gives the same result as the contiguous cache
// holding the same keys, and both match the fp64 reference. Decode-like
// short queries and prefill-like longer ones, bottom-right causal, GQA.
//
// Shapes: B = 3, Hq = 4, Hkv = 2, N = 5, M = 80 (5 pages of 16 per
// sequence), D = 16; lengths 80, 37 and 1. Run at the default key tile (64,
// not a multiple of 80), at 16 and with the keys split in 3 parts.
//
// REQUIRES: numpy
// RUN: rm -rf %t && %python %S/Inputs/paged_inputs.py %t 3 4 2 5 80 16 16 80,37,1
// RUN: cascade-run %s --entry paged --input q=%t/q.npy --input kp=%t/kp.npy --input vp=%t/vp.npy \
// RUN:     --input table=%t/table.npy --input len=%t/len.npy --check --output-dir %t/paged | FileCheck %s
// RUN: cascade-run %s --entry contiguous --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input len=%t/len.npy --check --output-dir %t/contiguous | FileCheck %s
// RUN: %python %S/../split/Inputs/compare_npy.py %t/paged %t/contiguous 0 | FileCheck %s --check-prefix=SAME
// RUN: cascade-run %s --entry paged --input q=%t/q.npy --input kp=%t/kp.npy --input vp=%t/vp.npy \
// RUN:     --input table=%t/table.npy --input len=%t/len.npy --tile-m=16 --output-dir %t/paged16 | FileCheck %s --check-prefix=WROTE
// RUN: cascade-run %s --entry contiguous --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input len=%t/len.npy --tile-m=16 --output-dir %t/contiguous16 | FileCheck %s --check-prefix=WROTE
// RUN: %python %S/../split/Inputs/compare_npy.py %t/paged16 %t/contiguous16 0 | FileCheck %s --check-prefix=SAME
// RUN: cascade-run %s --entry paged --input q=%t/q.npy --input kp=%t/kp.npy --input vp=%t/vp.npy \
// RUN:     --input table=%t/table.npy --input len=%t/len.npy --tile-m=16 --split-kv 3 --check \
// RUN:     --output-dir %t/paged-split | FileCheck %s

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// WROTE: wrote {{.*}}result0.npy
// SAME: result0: same

func.func @paged(%q: tensor<3x4x5x16xf32>, %kp: tensor<18x2x16x16xf32>,
                 %vp: tensor<18x2x16x16xf32>, %table: tensor<3x5xi32>,
                 %len: tensor<3xi32>) -> tensor<3x4x5x16xf32> {
  %o = attn.attention %q, %kp, %vp kv_lengths(%len : tensor<3xi32>)
      block_table(%table : tensor<3x5xi32>)
      {causal = #attn.causal<bottom_right>}
      : tensor<3x4x5x16xf32>, tensor<18x2x16x16xf32>, tensor<18x2x16x16xf32>
      -> tensor<3x4x5x16xf32>
  return %o : tensor<3x4x5x16xf32>
}

func.func @contiguous(%q: tensor<3x4x5x16xf32>, %k: tensor<3x2x80x16xf32>,
                      %v: tensor<3x2x80x16xf32>,
                      %len: tensor<3xi32>) -> tensor<3x4x5x16xf32> {
  %o = attn.attention %q, %k, %v kv_lengths(%len : tensor<3xi32>)
      {causal = #attn.causal<bottom_right>}
      : tensor<3x4x5x16xf32>, tensor<3x2x80x16xf32>, tensor<3x2x80x16xf32>
      -> tensor<3x4x5x16xf32>
  return %o : tensor<3x4x5x16xf32>
}
