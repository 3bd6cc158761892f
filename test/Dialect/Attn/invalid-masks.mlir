// RUN: cascade-opt %s -split-input-file -verify-diagnostics

// The verifier of attn.attention's data-dependent masks (kv_lengths, document
// ids, mask, block_mask with block_size) and of its score_mod and mask_mod
// regions: one case per message, with B = 2, Hq = 4, Hkv = 2, N = 37, M = 70,
// D = 16, Dv = 8 unless noted.

// q_doc_ids without k_doc_ids.
func.func @q_doc_ids_only(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %qd: tensor<2x37xi64>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op document ids need both q_doc_ids and k_doc_ids}}
  %o = attn.attention %q, %k, %v
      q_doc_ids(%qd : tensor<2x37xi64>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// k_doc_ids without q_doc_ids.
func.func @k_doc_ids_only(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %kd: tensor<2x70xi64>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op document ids need both q_doc_ids and k_doc_ids}}
  %o = attn.attention %q, %k, %v
      k_doc_ids(%kd : tensor<2x70xi64>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// block_mask without block_size.
func.func @block_mask_without_size(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %bm: tensor<2x4x3x3xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_mask and block_size go together}}
  %o = attn.attention %q, %k, %v
      block_mask(%bm : tensor<2x4x3x3xi1>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// block_size without block_mask.
func.func @block_size_without_mask(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_mask and block_size go together}}
  %o = attn.attention %q, %k, %v
      {block_size = array<i64: 16, 24>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// block_size with three values.
func.func @block_size_three(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %bm: tensor<2x4x3x3xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_size must be two positive block sizes [query, key]}}
  %o = attn.attention %q, %k, %v
      block_mask(%bm : tensor<2x4x3x3xi1>)
      {block_size = array<i64: 16, 24, 8>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// block_size with one value.
func.func @block_size_one(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %bm: tensor<2x4x3x3xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_size must be two positive block sizes [query, key]}}
  %o = attn.attention %q, %k, %v
      block_mask(%bm : tensor<2x4x3x3xi1>)
      {block_size = array<i64: 16>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A zero block size.
func.func @block_size_zero(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %bm: tensor<2x4x3x3xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_size must be two positive block sizes [query, key]}}
  %o = attn.attention %q, %k, %v
      block_mask(%bm : tensor<2x4x3x3xi1>)
      {block_size = array<i64: 0, 24>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A negative block size.
func.func @block_size_negative(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %bm: tensor<2x4x3x3xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_size must be two positive block sizes [query, key]}}
  %o = attn.attention %q, %k, %v
      block_mask(%bm : tensor<2x4x3x3xi1>)
      {block_size = array<i64: 16, -24>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Float key lengths.
func.func @kv_lengths_float(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %len: tensor<2xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op kv_lengths must have integer elements, found 'f32'}}
  %o = attn.attention %q, %k, %v
      kv_lengths(%len : tensor<2xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Boolean key lengths.
func.func @kv_lengths_i1(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %len: tensor<2xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op kv_lengths must have integer elements, found 'i1'}}
  %o = attn.attention %q, %k, %v
      kv_lengths(%len : tensor<2xi1>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Key lengths of rank 2.
func.func @kv_lengths_rank2(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %len: tensor<2x1xi32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op kv_lengths must have rank 1, found 'tensor<2x1xi32>'}}
  %o = attn.attention %q, %k, %v
      kv_lengths(%len : tensor<2x1xi32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// One key length per query head instead of per batch.
func.func @kv_lengths_size(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %len: tensor<4xi32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op kv_lengths dimension 0 must be 2, found 4}}
  %o = attn.attention %q, %k, %v
      kv_lengths(%len : tensor<4xi32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// Float document ids.
func.func @doc_ids_float(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %qd: tensor<2x37xf32>,
    %kd: tensor<2x70xi64>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op q_doc_ids must have integer elements, found 'f32'}}
  %o = attn.attention %q, %k, %v
      q_doc_ids(%qd : tensor<2x37xf32>)
      k_doc_ids(%kd : tensor<2x70xi64>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// q_doc_ids over the keys instead of the queries.
func.func @q_doc_ids_length(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %qd: tensor<2x70xi64>,
    %kd: tensor<2x70xi64>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op q_doc_ids dimension 1 must be 37, found 70}}
  %o = attn.attention %q, %k, %v
      q_doc_ids(%qd : tensor<2x70xi64>)
      k_doc_ids(%kd : tensor<2x70xi64>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// k_doc_ids over the queries instead of the keys.
func.func @k_doc_ids_length(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %qd: tensor<2x37xi64>,
    %kd: tensor<2x37xi64>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op k_doc_ids dimension 1 must be 70, found 37}}
  %o = attn.attention %q, %k, %v
      q_doc_ids(%qd : tensor<2x37xi64>)
      k_doc_ids(%kd : tensor<2x37xi64>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// k_doc_ids do not broadcast over the batch.
func.func @k_doc_ids_batch(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %qd: tensor<2x37xi64>,
    %kd: tensor<1x70xi64>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op k_doc_ids dimension 0 must be 2, found 1}}
  %o = attn.attention %q, %k, %v
      q_doc_ids(%qd : tensor<2x37xi64>)
      k_doc_ids(%kd : tensor<1x70xi64>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// k_doc_ids of rank 1.
func.func @k_doc_ids_rank1(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %qd: tensor<2x37xi64>,
    %kd: tensor<70xi64>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op k_doc_ids must have rank 2, found 'tensor<70xi64>'}}
  %o = attn.attention %q, %k, %v
      q_doc_ids(%qd : tensor<2x37xi64>)
      k_doc_ids(%kd : tensor<70xi64>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// An i32 mask instead of i1.
func.func @mask_i32(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %m: tensor<2x4x37x70xi32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask must have i1 elements, found 'i32'}}
  %o = attn.attention %q, %k, %v
      mask(%m : tensor<2x4x37x70xi32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// An f32 mask (an additive mask is a bias).
func.func @mask_f32(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %m: tensor<2x4x37x70xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask must have i1 elements, found 'f32'}}
  %o = attn.attention %q, %k, %v
      mask(%m : tensor<2x4x37x70xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A mask of rank 2.
func.func @mask_rank2(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %m: tensor<37x70xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask must have rank 4, found 'tensor<37x70xi1>'}}
  %o = attn.attention %q, %k, %v
      mask(%m : tensor<37x70xi1>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A mask over the key/value heads: Hq = 4 or 1, not Hkv = 2.
func.func @mask_kv_heads(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %m: tensor<2x2x37x70xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask dimension 1 must be 4 or 1, found 2}}
  %o = attn.attention %q, %k, %v
      mask(%m : tensor<2x2x37x70xi1>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A mask with 3 batches.
func.func @mask_batch(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %m: tensor<3x4x37x70xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask dimension 0 must be 2 or 1, found 3}}
  %o = attn.attention %q, %k, %v
      mask(%m : tensor<3x4x37x70xi1>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A mask broadcast over the queries: N does not broadcast.
func.func @mask_queries(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %m: tensor<2x4x1x70xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask dimension 2 must be 37, found 1}}
  %o = attn.attention %q, %k, %v
      mask(%m : tensor<2x4x1x70xi1>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A transposed mask [B, Hq, M, N].
func.func @mask_transposed(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %m: tensor<2x4x70x37xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask dimension 2 must be 37, found 70}}
  %o = attn.attention %q, %k, %v
      mask(%m : tensor<2x4x70x37xi1>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A block mask of i8.
func.func @block_mask_i8(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %bm: tensor<2x4x3x3xi8>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_mask must have i1 elements, found 'i8'}}
  %o = attn.attention %q, %k, %v
      block_mask(%bm : tensor<2x4x3x3xi8>)
      {block_size = array<i64: 16, 24>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A block mask with N / 16 = 2 query blocks, rounded down: ceil(37 / 16) = 3.
func.func @block_mask_rounded_down(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %bm: tensor<2x4x2x3xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_mask dimension 2 must be 3, found 2}}
  %o = attn.attention %q, %k, %v
      block_mask(%bm : tensor<2x4x2x3xi1>)
      {block_size = array<i64: 16, 24>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A block mask with 2 key blocks: ceil(70 / 24) = 3.
func.func @block_mask_key_blocks(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %bm: tensor<2x4x3x2xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_mask dimension 3 must be 3, found 2}}
  %o = attn.attention %q, %k, %v
      block_mask(%bm : tensor<2x4x3x2xi1>)
      {block_size = array<i64: 16, 24>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A block mask with Hkv heads.
func.func @block_mask_heads(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %bm: tensor<1x2x3x3xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_mask dimension 1 must be 4 or 1, found 2}}
  %o = attn.attention %q, %k, %v
      block_mask(%bm : tensor<1x2x3x3xi1>)
      {block_size = array<i64: 16, 24>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// A block mask of rank 3.
func.func @block_mask_rank3(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>,
    %bm: tensor<4x3x3xi1>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op block_mask must have rank 4, found 'tensor<4x3x3xi1>'}}
  %o = attn.attention %q, %k, %v
      block_mask(%bm : tensor<4x3x3xi1>)
      {block_size = array<i64: 16, 24>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// score_mod without the score argument.
func.func @score_mod_no_score(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op score_mod must take (f32, index, index, index, index): the score, batch, head, query and key}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  score_mod {
  ^bb0(%b: index, %h: index, %qi: index, %kv: index):
    %c = arith.constant 0.0 : f32
    attn.yield %c : f32
  }
  return %o : tensor<2x4x37x8xf32>
}

// -----

// score_mod with an f16 score.
func.func @score_mod_f16_score(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op score_mod must take (f32, index, index, index, index): the score, batch, head, query and key}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  score_mod {
  ^bb0(%s: f16, %b: index, %h: index, %qi: index, %kv: index):
    %e = arith.extf %s : f16 to f32
    attn.yield %e : f32
  }
  return %o : tensor<2x4x37x8xf32>
}

// -----

// score_mod with i64 indices.
func.func @score_mod_i64_indices(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op score_mod must take (f32, index, index, index, index): the score, batch, head, query and key}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  score_mod {
  ^bb0(%s: f32, %b: i64, %h: i64, %qi: i64, %kv: i64):
    attn.yield %s : f32
  }
  return %o : tensor<2x4x37x8xf32>
}

// -----

// score_mod yielding f64.
func.func @score_mod_yields_f64(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op score_mod must yield 'f32'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %kv: index):
    %e = arith.extf %s : f32 to f64
    attn.yield %e : f64
  }
  return %o : tensor<2x4x37x8xf32>
}

// -----

// score_mod yielding a mask bit.
func.func @score_mod_yields_i1(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op score_mod must yield 'f32'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %kv: index):
    %c0 = arith.constant 0.0 : f32
    %keep = arith.cmpf ogt, %s, %c0 : f32
    attn.yield %keep : i1
  }
  return %o : tensor<2x4x37x8xf32>
}

// -----

// mask_mod yielding f32.
func.func @mask_mod_yields_f32(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask_mod must yield 'i1'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %kv: index):
    %c = arith.constant 1.0 : f32
    attn.yield %c : f32
  }
  return %o : tensor<2x4x37x8xf32>
}

// -----

// mask_mod yielding an index.
func.func @mask_mod_yields_index(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask_mod must yield 'i1'}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %kv: index):
    attn.yield %kv : index
  }
  return %o : tensor<2x4x37x8xf32>
}

// -----

// mask_mod taking a score, as score_mod does.
func.func @mask_mod_with_score(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask_mod must take (index, index, index, index): the batch, head, query and key}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  mask_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %kv: index):
    %c0 = arith.constant 0.0 : f32
    %keep = arith.cmpf ogt, %s, %c0 : f32
    attn.yield %keep : i1
  }
  return %o : tensor<2x4x37x8xf32>
}

// -----

// mask_mod with three indices.
func.func @mask_mod_three_indices(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op mask_mod must take (index, index, index, index): the batch, head, query and key}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  mask_mod {
  ^bb0(%h: index, %qi: index, %kv: index):
    %keep = arith.cmpi ule, %kv, %qi : index
    attn.yield %keep : i1
  }
  return %o : tensor<2x4x37x8xf32>
}

// -----

// score_mod with two blocks.
func.func @score_mod_two_blocks(
    %q: tensor<2x4x37x16xf32>,
    %k: tensor<2x2x70x16xf32>,
    %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{'attn.attention' op score_mod must have one block}}
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %kv: index):
    attn.yield %s : f32
  ^bb1(%t: f32, %b1: index, %h1: index, %qi1: index, %kv1: index):
    attn.yield %t : f32
  }
  return %o : tensor<2x4x37x8xf32>
}

// -----

// attn.yield outside a score_mod or mask_mod region.
func.func @yield_outside(%x: f32) -> f32 {
  // expected-error @+1 {{'attn.yield' op expects parent op 'attn.attention'}}
  attn.yield %x : f32
}

// -----

// A paged cache: block_table [B, pages per sequence] of integers; k and v
// hold pages [pages, Hkv, S, D] and agree on their number.
func.func @block_table_float(%q: tensor<2x4x37x16xf32>, %k: tensor<9x2x16x16xf32>, %v: tensor<9x2x16x8xf32>, %t: tensor<2x5xf32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{block_table must have integer elements, found 'f32'}}
  %o = attn.attention %q, %k, %v block_table(%t : tensor<2x5xf32>)
      : tensor<2x4x37x16xf32>, tensor<9x2x16x16xf32>, tensor<9x2x16x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

func.func @block_table_rank(%q: tensor<2x4x37x16xf32>, %k: tensor<9x2x16x16xf32>, %v: tensor<9x2x16x8xf32>, %t: tensor<10xi32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{block_table must have rank 2 [B, pages per sequence], found 'tensor<10xi32>'}}
  %o = attn.attention %q, %k, %v block_table(%t : tensor<10xi32>)
      : tensor<2x4x37x16xf32>, tensor<9x2x16x16xf32>, tensor<9x2x16x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

func.func @block_table_batch(%q: tensor<2x4x37x16xf32>, %k: tensor<9x2x16x16xf32>, %v: tensor<9x2x16x8xf32>, %t: tensor<3x5xi32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{block_table dimension 0 must be B = 2, found 3}}
  %o = attn.attention %q, %k, %v block_table(%t : tensor<3x5xi32>)
      : tensor<2x4x37x16xf32>, tensor<9x2x16x16xf32>, tensor<9x2x16x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

func.func @block_table_pages(%q: tensor<2x4x37x16xf32>, %k: tensor<9x2x16x16xf32>, %v: tensor<8x2x16x8xf32>, %t: tensor<2x5xi32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{v dimension 0 (pages) must equal k dimension 0 (pages) = 9, found 8}}
  %o = attn.attention %q, %k, %v block_table(%t : tensor<2x5xi32>)
      : tensor<2x4x37x16xf32>, tensor<9x2x16x16xf32>, tensor<8x2x16x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// The keys of a paged cache are pages per sequence x page size (5 x 16 = 80):
// the masks over keys have that length.
func.func @block_table_keys(%q: tensor<2x4x37x16xf32>, %k: tensor<9x2x16x16xf32>, %v: tensor<9x2x16x8xf32>, %t: tensor<2x5xi32>, %kd: tensor<2x70xi32>, %qd: tensor<2x37xi32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{k_doc_ids dimension 1 must be 80, found 70}}
  %o = attn.attention %q, %k, %v q_doc_ids(%qd : tensor<2x37xi32>) k_doc_ids(%kd : tensor<2x70xi32>) block_table(%t : tensor<2x5xi32>)
      : tensor<2x4x37x16xf32>, tensor<9x2x16x16xf32>, tensor<9x2x16x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

func.func @block_table_dynamic(%q: tensor<2x4x37x16xf32>, %k: tensor<9x2x?x16xf32>, %v: tensor<9x2x?x8xf32>, %t: tensor<2x5xi32>) -> tensor<2x4x37x8xf32> {
  // expected-error @+1 {{a paged cache needs static pages per sequence and page size, found 'tensor<2x5xi32>' and 'tensor<9x2x?x16xf32>'}}
  %o = attn.attention %q, %k, %v block_table(%t : tensor<2x5xi32>)
      : tensor<2x4x37x16xf32>, tensor<9x2x?x16xf32>, tensor<9x2x?x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
