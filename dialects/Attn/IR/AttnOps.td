//===- AttnOps.td - attn dialect operations ----------------*- tablegen -*-===//

#ifndef CASCADE_ATTN_OPS_TD
#define CASCADE_ATTN_OPS_TD

include "dialects/Attn/IR/AttnDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Attn_AttentionOp : Attn_Op<"attention", [Pure]> {
  let summary = "softmax attention over [B, H, N, D] tensors";
  let description = [{
    Computes, for every batch `b`, query head `h`, query `n`:

    ```
    s[m]   = scale * sum_d q[b, h, n, d] * k[b, h / G, m, d]       G = Hq / Hkv
    out[b, h, n, :] = sum_m softmax_m(s)[m] * v[b, h / G, m, :]
    ```

    Shapes: `q: [B, Hq, N, D]`, `k: [B, Hkv, M, D]`, `v: [B, Hkv, M, Dv]`,
    result `[B, Hq, N, Dv]`. `Hq % Hkv == 0` covers multi-head (`Hkv = Hq`),
    grouped-query (`1 < Hkv < Hq`) and multi-query (`Hkv = 1`) attention.

    `scale` defaults to `1/sqrt(D)`. `causal` masks keys after the query:
    `top_left` keeps `m <= n`, `bottom_right` keeps `m <= n + M - N` (the
    alignment decode and chunked prefill need). A query row whose every key is
    masked produces zeros.

    Element types: `f32`, `f16` or `bf16`, the same for all operands and the
    result.

    ```mlir
    %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, scale = 0.125 : f32}
        : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>
        -> tensor<2x8x128x64xf32>
    ```
  }];

  let arguments = (ins AnyRankedTensor:$q, AnyRankedTensor:$k,
                       AnyRankedTensor:$v,
                       OptionalAttr<F32Attr>:$scale,
                       OptionalAttr<Attn_CausalAttr>:$causal);
  let results = (outs AnyRankedTensor:$result);

  let assemblyFormat = [{
    $q `,` $k `,` $v attr-dict `:` type($q) `,` type($k) `,` type($v)
    `->` type($result)
  }];

  let extraClassDeclaration = [{
    /// The scale applied to the scores: the attribute, or 1/sqrt(D).
    double getEffectiveScale();
  }];

  let hasVerifier = 1;
}

#endif // CASCADE_ATTN_OPS_TD
