// bf16 decode against the fp64 reference (computed from the same bf16
// values widened to f32): B = 2, G = 4 query heads per key/value head as 4
// query rows, fewer than a vector, laid out with the keys and Dv innermost
// (see test/e2e/vector/decode-narrow.mlir); M = 515, D = Dv = 64. With
// AVX512-BF16 where the CPU has it and with f32 vectors, key tiles of 128
// and 24, 1 and 2 threads giving identical bytes.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: cascade-run %s --check --threads 1 --output-dir %t/t1 | FileCheck %s
// RUN: cascade-run %s --check --threads 2 --output-dir %t/t2 | FileCheck %s
// RUN: cmp %t/t1/result0.npy %t/t2/result0.npy
// RUN: cascade-run %s --check --bf16-dot=0 | FileCheck %s
// RUN: cascade-run %s --check --tile-m 24 | FileCheck %s

// CHECK: check result0: max abs error {{.*}} -> ok{{$}}
func.func @bf16(%q: tensor<2x8x1x64xbf16>, %k: tensor<2x2x515x64xbf16>,
                %v: tensor<2x2x515x64xbf16>) -> tensor<2x8x1x64xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<2x8x1x64xbf16>, tensor<2x2x515x64xbf16>, tensor<2x2x515x64xbf16>
      -> tensor<2x8x1x64xbf16>
  return %o : tensor<2x8x1x64xbf16>
}
