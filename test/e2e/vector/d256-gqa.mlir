// The vectorized tile bodies against the fp64 reference: B = 2, Hq = 4,
// Hkv = 2, N = 19, M = 29, D = 256, Dv = 256.
// Query tiles of 32 and 16 rows (vectors with a masked tail), key tiles of 64
// and 24 (register blocks of 8 rows with a remainder), single-query tiles
// (one active lane per vector), vectors of 8 (AVX2) and scalar loops, and 1
// and 2 threads, which must give identical results.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: cascade-run %s --check --threads 1 --output-dir %t/t1 | FileCheck %s
// RUN: cascade-run %s --check --threads 2 --output-dir %t/t2 | FileCheck %s
// RUN: cmp %t/t1/result0.npy %t/t2/result0.npy
// RUN: cascade-run %s --check --tile-n 16 --tile-m 24 | FileCheck %s
// RUN: cascade-run %s --check --tile-n 1 --tile-m 7 | FileCheck %s
// RUN: cascade-run %s --check --vector-width 8 | FileCheck %s
// RUN: cascade-run %s --check --vector-width 0 | FileCheck %s

// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
func.func @attention(%q: tensor<2x4x19x256xf32>, %k: tensor<2x2x29x256xf32>, %v: tensor<2x2x29x256xf32>) -> tensor<2x4x19x256xf32> {
  %o = attn.attention %q, %k, %v : tensor<2x4x19x256xf32>, tensor<2x2x29x256xf32>, tensor<2x2x29x256xf32> -> tensor<2x4x19x256xf32>
  return %o : tensor<2x4x19x256xf32>
}
