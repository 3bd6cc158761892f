// bf16 attention against the fp64 reference, which computes from the same
// bf16 values widened to f32: B = 2, Hq = 4, Hkv = 2, N = 50, M = 83, D = 128,
// Dv = 128, {causal = #attn.causal<bottom_right>}.
// The contractions run as AVX512-BF16 dot products where the CPU has them
// (--bf16-dot=-1, the default; P rounded to bf16) and on f32 vectors with
// --bf16-dot=0. Query tiles of 32, 16 and 1 rows, key tiles of 64, 24 and 7
// (an odd number of keys: the last pair of P V padded with zero), AVX2
// vectors and scalar loops. 1 and 2 threads give identical results. The max
// error relative to the largest |reference| stays below 1e-2.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: cascade-run %s --check --threads 1 --output-dir %t/t1 | FileCheck %s
// RUN: cascade-run %s --check --threads 2 --output-dir %t/t2 | FileCheck %s
// RUN: cmp %t/t1/result0.npy %t/t2/result0.npy
// RUN: cascade-run %s --check --bf16-dot=0 --threads 1 --output-dir %t/f1 | FileCheck %s
// RUN: cascade-run %s --check --bf16-dot=0 --threads 2 --output-dir %t/f2 | FileCheck %s
// RUN: cmp %t/f1/result0.npy %t/f2/result0.npy
// RUN: cascade-run %s --check --tile-n 16 --tile-m 24 | FileCheck %s
// RUN: cascade-run %s --check --tile-n 1 --tile-m 7 | FileCheck %s
// RUN: cascade-run %s --check --vector-width 8 | FileCheck %s
// RUN: cascade-run %s --check --vector-width 0 | FileCheck %s

// CHECK: check result0: max abs error {{.*}}, max rel error {{[0-9]\.[0-9]+e-(0[3-9]|[1-9][0-9])}} -> ok{{$}}
func.func @attention(%q: tensor<2x4x50x128xbf16>, %k: tensor<2x2x83x128xbf16>, %v: tensor<2x2x83x128xbf16>) -> tensor<2x4x50x128xbf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>} : tensor<2x4x50x128xbf16>, tensor<2x2x83x128xbf16>, tensor<2x2x83x128xbf16> -> tensor<2x4x50x128xbf16>
  return %o : tensor<2x4x50x128xbf16>
}
