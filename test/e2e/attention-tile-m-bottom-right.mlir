// The key tile size (--tile-m) does not change the result: GQA attention
// (Hq = 4, Hkv = 2) with N = 37, M = 100, D = 32, Dv = 16 and a bottom-right
// causal mask (query n sees keys m <= n + 63, so the mask boundary falls
// inside a tile for most tile sizes), with tiles of 1, 7, 16, 64 (the
// default), 100 (= M), 128 (> M) and 1000 keys, each compared with the fp64
// reference on random inputs.
//
// The CHECK line requires "-> ok" and a max abs error in the 1e-6 range or
// below (or exactly 0).
//
// RUN: cascade-run %s --check --tile-m 1 | FileCheck %s
// RUN: cascade-run %s --check --tile-m 7 | FileCheck %s
// RUN: cascade-run %s --check --tile-m=16 | FileCheck %s
// RUN: cascade-run %s --check | FileCheck %s
// RUN: cascade-run %s --check --tile-m 100 | FileCheck %s
// RUN: cascade-run %s --check --tile-m 128 | FileCheck %s
// RUN: cascade-run %s --check --tile-m 1000 | FileCheck %s

// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}

func.func @attention(%q: tensor<2x4x37x32xf32>, %k: tensor<2x2x100x32xf32>,
                     %v: tensor<2x2x100x16xf32>) -> tensor<2x4x37x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x32xf32>, tensor<2x2x100x32xf32>, tensor<2x2x100x16xf32>
      -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}
