// attn-pack-gqa end to end: the query heads of a group run as the query
// rows of one head, compared with the fp64 reference (which is not packed).
// Decode (N = 1) with bottom-right causal (dropped), random key lengths
// (some 0: those rows are zeros) and the log-sum-exp; at the default tiles,
// with query tiles of 3 rows (4 rows: a tail), and with the keys split in 3
// parts. MQA decode with sigmoid and softcap; prefill without a mask, where
// 2 heads of 37 queries are 74 rows (tiles of 32 and a tail of 10); decode
// over a paged cache with random page numbers.
//
// RUN: cascade-run %s --entry decode --check --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,CHECK2,PACK4
// RUN: cascade-run %s --entry decode --check --tile-n=3 | FileCheck %s --check-prefixes=CHECK,CHECK2
// RUN: cascade-run %s --entry decode --check --tile-m=16 --split-kv 3 | FileCheck %s --check-prefixes=CHECK,CHECK2
// RUN: cascade-run %s --entry mqa --check --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,PACK6
// RUN: cascade-run %s --entry prefill --check --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,PACK74
// RUN: cascade-run %s --entry paged --check | FileCheck %s

// PACK4: remark: query heads packed: 4 per key/value head, as 4 query rows of 2 heads
// PACK6: remark: query heads packed: 6 per key/value head, as 6 query rows of 1 head
// PACK74: remark: query heads packed: 2 per key/value head, as 74 query rows of 3 heads
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK2: check result1: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}

func.func @decode(%q: tensor<2x8x1x32xf32>, %k: tensor<2x2x129x32xf32>,
                  %v: tensor<2x2x129x16xf32>, %len: tensor<2xi32>)
    -> (tensor<2x8x1x16xf32>, tensor<2x8x1xf32>) {
  %o, %lse = attn.attention %q, %k, %v kv_lengths(%len : tensor<2xi32>)
      {causal = #attn.causal<bottom_right>, return_lse}
      : tensor<2x8x1x32xf32>, tensor<2x2x129x32xf32>, tensor<2x2x129x16xf32>
      -> tensor<2x8x1x16xf32>, tensor<2x8x1xf32>
  return %o, %lse : tensor<2x8x1x16xf32>, tensor<2x8x1xf32>
}

func.func @mqa(%q: tensor<3x6x1x16xf32>, %k: tensor<3x1x70x16xf32>,
               %v: tensor<3x1x70x8xf32>) -> tensor<3x6x1x8xf32> {
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<sigmoid>, softcap = 3.0 : f32}
      : tensor<3x6x1x16xf32>, tensor<3x1x70x16xf32>, tensor<3x1x70x8xf32>
      -> tensor<3x6x1x8xf32>
  return %o : tensor<3x6x1x8xf32>
}

func.func @prefill(%q: tensor<2x6x37x16xf32>, %k: tensor<2x3x53x16xf32>,
                   %v: tensor<2x3x53x16xf32>) -> tensor<2x6x37x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x6x37x16xf32>, tensor<2x3x53x16xf32>, tensor<2x3x53x16xf32>
      -> tensor<2x6x37x16xf32>
  return %o : tensor<2x6x37x16xf32>
}

func.func @paged(%q: tensor<2x4x1x16xf32>, %kp: tensor<9x2x16x16xf32>,
                 %vp: tensor<9x2x16x16xf32>, %table: tensor<2x5xi32>,
                 %len: tensor<2xi32>) -> tensor<2x4x1x16xf32> {
  %o = attn.attention %q, %kp, %vp kv_lengths(%len : tensor<2xi32>)
      block_table(%table : tensor<2x5xi32>)
      {causal = #attn.causal<bottom_right>}
      : tensor<2x4x1x16xf32>, tensor<9x2x16x16xf32>, tensor<9x2x16x16xf32>
      -> tensor<2x4x1x16xf32>
  return %o : tensor<2x4x1x16xf32>
}
