//===- AttnOps.td - attn dialect operations ----------------*- tablegen -*-===//

#ifndef CASCADE_ATTN_OPS_TD
#define CASCADE_ATTN_OPS_TD

include "dialects/Attn/IR/AttnDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

def Attn_AttentionOp : Attn_Op<"attention", [Pure, AttrSizedOperandSegments]> {
  let summary = "attention over [B, H, N, D] tensors, with its variants";
  let description = [{
    For every batch `b`, query head `h` and query `n`, with `G = Hq / Hkv`
    query heads per key/value head and `i = n + offset` the query's aligned
    position (`offset = M - N` for bottom-right alignment, else 0):

    ```
    s[m]  = scale * sum_d q[b, h, n, d] * k[b, h / G, m, d]
    s[m]  = softcap * tanh(s[m] / softcap)          if softcap
    s[m] += -slope[h] * |i - m|                     if alibi / alibi_slopes
    s[m] += bias[b, h, n, m]                        if bias (broadcast)
    w     = normalizer(s) over the kept keys m
    out   = sum_m w[m] * v[b, h / G, m, :]          (* sigmoid(gate) if gate)
    ```

    Shapes: `q: [B, Hq, N, D]`, `k: [B, Hkv, M, D]`, `v: [B, Hkv, M, Dv]`,
    result `[B, Hq, N, Dv]`; `Hq % Hkv == 0` covers MHA, GQA and MQA.

    **KV cache layouts.** The contiguous cache above, with `kv_lengths` for
    the valid keys of each sequence; or a paged cache (vLLM, FlashInfer):
    `block_table` (`[B, P]`, integers) lists the pages of each sequence, and
    `k: [pages, Hkv, S, D]`, `v: [pages, Hkv, S, Dv]` hold pages of `S`
    keys. Key `m` of sequence `b` is slot `m mod S` of page
    `block_table[b, m floordiv S]`, so `M = P * S`; with `kv_lengths` the
    keys past a sequence's length (and the table entries for them) are not
    used. Page numbers outside `[0, pages)` are clamped into it.

    **Normalizers** (`normalizer`, default softmax):
    - `softmax`: `exp(s - max) / sum exp(s - max)`; with `sinks` (one logit
      per query head) the sink's `exp` joins the denominator and contributes
      no value;
    - `sigmoid`: `sigmoid(s + sigmoid_bias)`, unnormalized; the bias
      defaults to `-log(M)`;
    - `softplus`: `w = softplus(softplus_scale * s) ^ softplus_power`,
      normalized by `sum_m w`;
    - `relu`: `relu(s) / M`.

    **Masks** (a key is kept when every one holds):
    - `causal`: `m <= i` (`top_left`: offset 0, `bottom_right`: `M - N`);
    - `window = array<i64: L, R>`: `i - L <= m <= i + R`, `-1` for an
      unbounded side; `dilation = d`: `(i - m) mod d == 0`;
    - `sink_tokens = S`: the first `S` keys are kept whatever the window
      says (StreamingLLM); causality still applies.
    - `kv_lengths` (`[B]`, integers): `m < kv_lengths[b]` (key padding);
    - `q_doc_ids` (`[B, N]`) and `k_doc_ids` (`[B, M]`), integers: packed
      variable-length sequences attend within their document,
      `q_doc_ids[b, n] == k_doc_ids[b, m]` (with `causal`, causally inside);
    - `mask` (`[B|1, Hq|1, N, M]`, i1): a dense boolean mask;
    - `block_mask` (`[B|1, Hq|1, ceil(N/bq), ceil(M/bk)]`, i1) with
      `block_size = array<i64: bq, bk>`: which (query block, key block) pairs
      are computed;
    - `mask_mod`: a region `(b, h, q, kv : index) -> i1`, FlexAttention's
      mask_mod over the raw indices.
    The window uses the causal alignment when `causal` is given, top-left
    otherwise. A query row with no kept key produces zeros.

    `score_mod`, a region `(score : f32, b, h, q, kv : index) -> f32`,
    rewrites each score after the other modifiers (FlexAttention's
    score_mod).

    `return_lse` adds a second result, the log-sum-exp of the scores
    `[B, Hq, N]` (softmax only; `-inf` for a row with no key).

    ```mlir
    %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, scale = 0.125 : f32}
        : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>
        -> tensor<2x8x128x64xf32>
    %w = attn.attention %q, %k, %v gate(%g : tensor<2x8x128x64xf32>)
        {normalizer = #attn.normalizer<sigmoid>, window = array<i64: 64, 0>,
         softcap = 30.0 : f32}
        : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>
        -> tensor<2x8x128x64xf32>
    ```
  }];

  let arguments = (ins AnyRankedTensor:$q, AnyRankedTensor:$k,
                       AnyRankedTensor:$v,
                       Optional<AnyRankedTensor>:$sinks,
                       Optional<AnyRankedTensor>:$alibi_slopes,
                       Optional<AnyRankedTensor>:$bias,
                       Optional<AnyRankedTensor>:$gate,
                       Optional<AnyRankedTensor>:$kv_lengths,
                       Optional<AnyRankedTensor>:$q_doc_ids,
                       Optional<AnyRankedTensor>:$k_doc_ids,
                       Optional<AnyRankedTensor>:$mask,
                       Optional<AnyRankedTensor>:$block_mask,
                       Optional<AnyRankedTensor>:$block_table,
                       OptionalAttr<F32Attr>:$scale,
                       OptionalAttr<Attn_CausalAttr>:$causal,
                       OptionalAttr<Attn_NormalizerAttr>:$normalizer,
                       OptionalAttr<F32Attr>:$sigmoid_bias,
                       OptionalAttr<F32Attr>:$softplus_scale,
                       OptionalAttr<F32Attr>:$softplus_power,
                       OptionalAttr<DenseI64ArrayAttr>:$window,
                       OptionalAttr<I64Attr>:$dilation,
                       OptionalAttr<I64Attr>:$sink_tokens,
                       OptionalAttr<F32Attr>:$softcap,
                       OptionalAttr<DenseI64ArrayAttr>:$block_size,
                       UnitAttr:$alibi,
                       UnitAttr:$return_lse);
  let results = (outs AnyRankedTensor:$result,
                      Optional<AnyRankedTensor>:$lse);
  let regions = (region AnyRegion:$score_mod, AnyRegion:$mask_mod);

  let assemblyFormat = [{
    $q `,` $k `,` $v
    (`sinks` `(` $sinks^ `:` type($sinks) `)`)?
    (`alibi_slopes` `(` $alibi_slopes^ `:` type($alibi_slopes) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`gate` `(` $gate^ `:` type($gate) `)`)?
    (`kv_lengths` `(` $kv_lengths^ `:` type($kv_lengths) `)`)?
    (`q_doc_ids` `(` $q_doc_ids^ `:` type($q_doc_ids) `)`)?
    (`k_doc_ids` `(` $k_doc_ids^ `:` type($k_doc_ids) `)`)?
    (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`block_mask` `(` $block_mask^ `:` type($block_mask) `)`)?
    (`block_table` `(` $block_table^ `:` type($block_table) `)`)?
    attr-dict `:` type($q) `,` type($k) `,` type($v)
    `->` type($result) (`,` type($lse)^)?
    (`score_mod` $score_mod^)? (`mask_mod` $mask_mod^)?
  }];

  let extraClassDeclaration = [{
    /// The scale applied to the scores: the attribute, or 1/sqrt(D).
    double getEffectiveScale();
    /// The number of keys M: k's dimension 2, times the table's pages per
    /// sequence for a paged cache.
    int64_t getKeyCount();
    Normalizer getEffectiveNormalizer() {
      return getNormalizer() ? *getNormalizer() : Normalizer::Softmax;
    }
    /// The sigmoid bias: the attribute, or -log(M).
    double getEffectiveSigmoidBias();
    /// The alignment of causal and window masks.
    CausalKind getAlignment() {
      return getCausal() ? *getCausal() : CausalKind::TopLeft;
    }
    /// The ALiBi slopes of the `alibi` attribute: 2^(-8 h / n) for the
    /// nearest power of two n <= Hq, then the odd ones of 2n, as in the
    /// ALiBi paper.
    static ::llvm::SmallVector<float> geometricAlibiSlopes(int64_t heads);
  }];

  let hasVerifier = 1;
}

def Attn_LinearAttentionOp : Attn_Op<"linear_attention", [Pure]> {
  let summary = "kernelized (linear) attention";
  let description = [{
    With a feature map `phi` (`identity`, `elu1` = `elu(x) + 1`, `relu`)
    applied to queries and keys:

    ```
    w(n, m) = phi(q[b, h, n, :]) . phi(k[b, h / G, m, :])  (* decay[h]^(n - m))
    out[b, h, n, :] = sum_m w(n, m) v[b, h / G, m, :]  (/ sum_m w(n, m))
    ```

    over the keys `m <= n` when `causal` (top-left), all keys otherwise;
    divided by the sum of the weights when `normalize` (a row whose sum is
    0 gives zeros). `decay` (`[Hq]`, RetNet-style, in `(0, 1]`) needs
    `causal`. The non-causal form can be computed as
    `phi(Q) (phi(K)^T V)` in time linear in the sequence length, which
    `ein-reassociate` derives.

    ```mlir
    %o = attn.linear_attention %q, %k, %v {feature_map = #attn.feature_map<elu1>, normalize}
        : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>
        -> tensor<2x8x128x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$q, AnyRankedTensor:$k,
                       AnyRankedTensor:$v, Optional<AnyRankedTensor>:$decay,
                       OptionalAttr<Attn_FeatureMapAttr>:$feature_map,
                       UnitAttr:$causal, UnitAttr:$normalize);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $q `,` $k `,` $v (`decay` `(` $decay^ `:` type($decay) `)`)?
    attr-dict `:` type($q) `,` type($k) `,` type($v) `->` type($result)
  }];
  let extraClassDeclaration = [{
    FeatureMap getEffectiveFeatureMap() {
      return getFeatureMap() ? *getFeatureMap() : FeatureMap::Elu1;
    }
  }];
  let hasVerifier = 1;
}

def Attn_MergeOp : Attn_Op<"merge", [Pure]> {
  let summary = "merge attention over disjoint parts of the keys by their "
                "log-sum-exp";
  let description = [{
    Combines `S` partial attention results, each computed by softmax
    attention over one part of the keys with `return_lse` (split-KV decode,
    ring or context-parallel attention across devices), into the result over
    all keys. With `o: [S, B, H, N, Dv]` and `lse: [S, B, H, N]` stacked
    along the parts:

    ```
    g        = max_s lse[s, b, h, n]
    w[s]     = exp(lse[s, b, h, n] - g)       (0 where lse[s] = -inf)
    out      = sum_s w[s] o[s, b, h, n, :] / sum_s w[s]
    out_lse  = g + log(sum_s w[s])
    ```

    A part that kept no key of a row (`lse = -inf`) contributes nothing; a
    row that no part kept gives zeros and `-inf`. Element types: floats
    (f32, f16, bf16), computed in f32; each result has its operand's type.
    `ein-split` builds the same merge inside the compiler, from the parts'
    running states.

    ```mlir
    %o, %lse = attn.merge %os, %lses
        : tensor<2x1x8x1x64xf32>, tensor<2x1x8x1xf32>
        -> tensor<1x8x1x64xf32>, tensor<1x8x1xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$o, AnyRankedTensor:$lse);
  let results = (outs AnyRankedTensor:$result, AnyRankedTensor:$result_lse);
  let assemblyFormat = [{
    $o `,` $lse attr-dict `:` type($o) `,` type($lse) `->` type($result) `,`
    type($result_lse)
  }];
  let hasVerifier = 1;
}

def Attn_YieldOp : Attn_Op<"yield", [Pure, Terminator,
                                     HasParent<"AttentionOp">]> {
  let summary = "the value of a score_mod or mask_mod region";
  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

#endif // CASCADE_ATTN_OPS_TD
