//===- AttnOps.td - attn dialect operations ----------------*- tablegen -*-===//

#ifndef CASCADE_ATTN_OPS_TD
#define CASCADE_ATTN_OPS_TD

include "dialects/Attn/IR/AttnDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

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
    The window uses the causal alignment when `causal` is given, top-left
    otherwise. A query row with no kept key produces zeros.

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
                       UnitAttr:$alibi,
                       UnitAttr:$return_lse);
  let results = (outs AnyRankedTensor:$result,
                      Optional<AnyRankedTensor>:$lse);

  let assemblyFormat = [{
    $q `,` $k `,` $v
    (`sinks` `(` $sinks^ `:` type($sinks) `)`)?
    (`alibi_slopes` `(` $alibi_slopes^ `:` type($alibi_slopes) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`gate` `(` $gate^ `:` type($gate) `)`)?
    attr-dict `:` type($q) `,` type($k) `,` type($v)
    `->` type($result) (`,` type($lse)^)?
  }];

  let extraClassDeclaration = [{
    /// The scale applied to the scores: the attribute, or 1/sqrt(D).
    double getEffectiveScale();
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

  let builders = [
    OpBuilder<(ins "::mlir::Type":$resultType, "::mlir::Value":$q,
                   "::mlir::Value":$k, "::mlir::Value":$v), [{
      build($_builder, $_state, resultType, /*lse=*/::mlir::Type(), q, k, v,
            /*sinks=*/nullptr, /*alibi_slopes=*/nullptr, /*bias=*/nullptr,
            /*gate=*/nullptr, /*scale=*/nullptr, /*causal=*/nullptr,
            /*normalizer=*/nullptr, /*sigmoid_bias=*/nullptr,
            /*softplus_scale=*/nullptr, /*softplus_power=*/nullptr,
            /*window=*/nullptr, /*dilation=*/nullptr, /*sink_tokens=*/nullptr,
            /*softcap=*/nullptr, /*alibi=*/nullptr, /*return_lse=*/nullptr);
    }]>
  ];

  let hasVerifier = 1;
}

#endif // CASCADE_ATTN_OPS_TD
