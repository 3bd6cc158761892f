// A dense boolean mask made of 8 x 8 blocks, each all true or all false,
// classified per tile at run time: with 8 x 8 tiles every tile is empty or
// full, with 16 x 16 tiles some are cut. Rows whose blocks are all false are
// fully masked and give zeros. Per-head mask, ALiBi slopes, bottom-right
// causality (the sets and the run-time classes together).
//
// Shapes: B = 2, Hq = 4, Hkv = 1 (MQA), N = 45, M = 77, D = 16, Dv = 8;
// neither N nor M is a multiple of a tile. Compared with the fp64 reference
// (--check) at the default tiles, at 8 x 8 and at 16 x 16.
//
// RUN: rm -rf %t && %python %S/../masks/Inputs/mask_inputs.py blocks %t \
// RUN:     mask=2x4x45x77:8x8 --seed 3 --p 0.5
// RUN: cascadec %s --emit=loops --remarks -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: cascade-run %s --check --input mask=%t/mask.npy \
// RUN:     --output-dir %t/default | FileCheck %s
// RUN: cascade-run %s --check --input mask=%t/mask.npy \
// RUN:     --tile-n=8 --tile-m=8 --output-dir %t/t8 | FileCheck %s
// RUN: cascade-run %s --check --input mask=%t/mask.npy \
// RUN:     --tile-n=16 --tile-m=16 --output-dir %t/t16 | FileCheck %s

// REMARK: remark: cascade 'attention': tiles: {{[0-9]+}} empty, {{[0-9]+}} full, {{[0-9]+}} partial (over p1, m1), then classified at run time by 'TILE' from MASK (over b, h, p1, m1)
// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @attention(%q: tensor<2x4x45x16xf32>, %k: tensor<2x1x77x16xf32>,
                     %v: tensor<2x1x77x8xf32>,
                     %mask: tensor<2x4x45x77xi1>) -> tensor<2x4x45x8xf32> {
  %o = attn.attention %q, %k, %v mask(%mask : tensor<2x4x45x77xi1>)
      {causal = #attn.causal<bottom_right>, alibi}
      : tensor<2x4x45x16xf32>, tensor<2x1x77x16xf32>, tensor<2x1x77x8xf32>
      -> tensor<2x4x45x8xf32>
  return %o : tensor<2x4x45x8xf32>
}
