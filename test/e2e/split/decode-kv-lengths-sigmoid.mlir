// Split-KV decode with per-batch key lengths (a data-dependent mask computed
// in the map), with softmax and with sigmoid (an unnormalized running sum,
// merged by adding the parts): B = 4, Hq = 8, Hkv = 2, M = 300. The lengths
// file holds 0 (every key masked: zeros), 1, 150 and 300, so some parts of
// some rows keep no key.
//
// RUN: cascade-run %s --entry softmax --input len=%S/Inputs/lengths4.npy --check --tolerance 1e-5 --remarks --split-kv 3 --tile-m 16 2>&1 | FileCheck %s
// RUN: cascade-run %s --entry softmax --input len=%S/Inputs/lengths4.npy --check --tolerance 1e-5 --remarks --split-kv 7 --tile-m 16 2>&1 | FileCheck %s
// RUN: cascade-run %s --entry sigmoid --input len=%S/Inputs/lengths4.npy --check --tolerance 1e-5 --remarks --split-kv 3 --tile-m 16 2>&1 | FileCheck %s
// RUN: cascade-run %s --entry sigmoid --input len=%S/Inputs/lengths4.npy --check --tolerance 1e-5 --remarks --split-kv 7 --tile-m 16 2>&1 | FileCheck %s

// CHECK: split into {{[37]}} parts of
// CHECK: check result0: max abs error {{.*}} -> ok{{$}}
func.func @softmax(%q: tensor<4x8x1x32xf32>, %k: tensor<4x2x300x32xf32>,
                   %v: tensor<4x2x300x32xf32>, %len: tensor<4xi32>)
    -> tensor<4x8x1x32xf32> {
  %o = attn.attention %q, %k, %v kv_lengths(%len : tensor<4xi32>)
      : tensor<4x8x1x32xf32>, tensor<4x2x300x32xf32>, tensor<4x2x300x32xf32>
      -> tensor<4x8x1x32xf32>
  return %o : tensor<4x8x1x32xf32>
}
func.func @sigmoid(%q: tensor<4x8x1x32xf32>, %k: tensor<4x2x300x32xf32>,
                   %v: tensor<4x2x300x32xf32>, %len: tensor<4xi32>)
    -> tensor<4x8x1x32xf32> {
  %o = attn.attention %q, %k, %v kv_lengths(%len : tensor<4xi32>)
      {normalizer = #attn.normalizer<sigmoid>}
      : tensor<4x8x1x32xf32>, tensor<4x2x300x32xf32>, tensor<4x2x300x32xf32>
      -> tensor<4x8x1x32xf32>
  return %o : tensor<4x8x1x32xf32>
}
