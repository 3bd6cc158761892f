// Bottom-right causal attention with more queries than keys: query n sees keys
// m <= n + M - N, so the first N - M rows have no key at all and must be
// exactly zero (not NaN from 0/0, not a uniform average). Here N = 70 queries
// over M = 5 keys (one partial key tile, and tiles of 1), multi-query with
// Hq = 4, Hkv = 1, D = 32, Dv = 32: rows 0 .. 64 of every head are masked.
//
// Each run compares with the fp64 reference (--check), writes the result with
// --output-dir, and NumPy checks that the masked rows are exactly 0, every
// other row has a nonzero value, and nothing is NaN or infinite.
//
// REQUIRES: numpy
// RUN: rm -rf %t
// RUN: cascade-run %s --check --output-dir %t/tiledefault | FileCheck %s
// RUN: %python -c "import sys, numpy as np; o = np.load(sys.argv[1]); r = int(sys.argv[2]); ok = np.isfinite(o).all() and (o[:, :, :r] == 0).all() and (o[:, :, r:] != 0).any(-1).all(); print('ZEROS OK' if ok else 'ZEROS WRONG', o.shape, o.dtype)" \
// RUN:     %t/tiledefault/result0.npy 65 | FileCheck %s --check-prefix=ZEROS
// RUN: cascade-run %s --check --tile-m 1 --output-dir %t/tile1 | FileCheck %s
// RUN: %python -c "import sys, numpy as np; o = np.load(sys.argv[1]); r = int(sys.argv[2]); ok = np.isfinite(o).all() and (o[:, :, :r] == 0).all() and (o[:, :, r:] != 0).any(-1).all(); print('ZEROS OK' if ok else 'ZEROS WRONG', o.shape, o.dtype)" \
// RUN:     %t/tile1/result0.npy 65 | FileCheck %s --check-prefix=ZEROS

// CHECK: wrote {{.*}}result0.npy
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// ZEROS: ZEROS OK (2, 4, 70, 32) float32

func.func @attention(%q: tensor<2x4x70x32xf32>, %k: tensor<2x1x5x32xf32>,
                     %v: tensor<2x1x5x32xf32>) -> tensor<2x4x70x32xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x70x32xf32>, tensor<2x1x5x32xf32>, tensor<2x1x5x32xf32>
      -> tensor<2x4x70x32xf32>
  return %o : tensor<2x4x70x32xf32>
}
