// Bottom-right causal attention with more queries than keys: query n sees keys
// m <= n + M - N, so the first N - M rows have no key at all and must be
// exactly zero (not NaN from 0/0, not a uniform average). Here N = 200
// queries over M = 129 keys (three key tiles of 64, and tiles of 7), GQA with
// Hq = 4, Hkv = 2, D = 16, Dv = 8: rows 0 .. 70 of every head are masked.
//
// Each run compares with the fp64 reference (--check), writes the result with
// --output-dir, and NumPy checks that the masked rows are exactly 0, every
// other row has a nonzero value, and nothing is NaN or infinite.
//
// REQUIRES: numpy
// RUN: rm -rf %t
// RUN: cascade-run %s --check --output-dir %t/tiledefault | FileCheck %s
// RUN: %python -c "import sys, numpy as np; o = np.load(sys.argv[1]); r = int(sys.argv[2]); ok = np.isfinite(o).all() and (o[:, :, :r] == 0).all() and (o[:, :, r:] != 0).any(-1).all(); print('ZEROS OK' if ok else 'ZEROS WRONG', o.shape, o.dtype)" \
// RUN:     %t/tiledefault/result0.npy 71 | FileCheck %s --check-prefix=ZEROS
// RUN: cascade-run %s --check --tile-m 7 --output-dir %t/tile7 | FileCheck %s
// RUN: %python -c "import sys, numpy as np; o = np.load(sys.argv[1]); r = int(sys.argv[2]); ok = np.isfinite(o).all() and (o[:, :, :r] == 0).all() and (o[:, :, r:] != 0).any(-1).all(); print('ZEROS OK' if ok else 'ZEROS WRONG', o.shape, o.dtype)" \
// RUN:     %t/tile7/result0.npy 71 | FileCheck %s --check-prefix=ZEROS

// CHECK: wrote {{.*}}result0.npy
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// ZEROS: ZEROS OK (2, 4, 200, 8) float32

func.func @attention(%q: tensor<2x4x200x16xf32>, %k: tensor<2x2x129x16xf32>,
                     %v: tensor<2x2x129x8xf32>) -> tensor<2x4x200x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x200x16xf32>, tensor<2x2x129x16xf32>, tensor<2x2x129x8xf32>
      -> tensor<2x4x200x8xf32>
  return %o : tensor<2x4x200x8xf32>
}
