// The query tile size (--tile-n: queries per parallel point) does not change
// the result: GQA attention (Hq = 4, Hkv = 2) with N = 37, M = 100, D = 32,
// Dv = 16, a bottom-right causal mask and a sliding window, with query tiles
// of 1, 5, 16, 32 (the default), 37 (= N) and 64 (> N), and key tiles of 16
// and 64; 37 is a multiple of none but 1 and 37, so most runs have a partial
// last query tile. Each run is compared with the fp64 reference.
//
// RUN: cascade-run %s --entry causal --check --tile-n 1 | FileCheck %s
// RUN: cascade-run %s --entry window --check --tile-n 1 | FileCheck %s
// RUN: cascade-run %s --entry causal --check --tile-n 5 --tile-m 16 | FileCheck %s
// RUN: cascade-run %s --entry window --check --tile-n 5 --tile-m 16 | FileCheck %s
// RUN: cascade-run %s --entry causal --check --tile-n 16 | FileCheck %s
// RUN: cascade-run %s --entry window --check --tile-n 16 | FileCheck %s
// RUN: cascade-run %s --entry causal --check | FileCheck %s
// RUN: cascade-run %s --entry window --check | FileCheck %s
// RUN: cascade-run %s --entry causal --check --tile-n 37 --tile-m 16 | FileCheck %s
// RUN: cascade-run %s --entry window --check --tile-n 37 --tile-m 16 | FileCheck %s
// RUN: cascade-run %s --entry causal --check --tile-n 64 | FileCheck %s
// RUN: cascade-run %s --entry window --check --tile-n 64 | FileCheck %s
// RUN: not cascade-run %s --entry causal --tile-n 0 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// BAD: --tile-n must be positive, found 0

func.func @causal(%q: tensor<2x4x37x32xf32>, %k: tensor<2x2x100x32xf32>,
                  %v: tensor<2x2x100x16xf32>) -> tensor<2x4x37x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x32xf32>, tensor<2x2x100x32xf32>, tensor<2x2x100x16xf32>
      -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}

func.func @window(%q: tensor<2x4x37x32xf32>, %k: tensor<2x2x100x32xf32>,
                  %v: tensor<2x2x100x16xf32>) -> tensor<2x4x37x16xf32> {
  %o = attn.attention %q, %k, %v {window = array<i64: 9, 4>, causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x32xf32>, tensor<2x2x100x32xf32>, tensor<2x2x100x16xf32>
      -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}
