//===- Passes.td - attn dialect passes ---------------------*- tablegen -*-===//

#ifndef CASCADE_ATTN_PASSES_TD
#define CASCADE_ATTN_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttnDecompose : Pass<"attn-decompose"> {
  let summary = "Decompose attn.attention into the 3-pass softmax cascade";
  let description = [{
    Each `attn.attention` becomes an `ein.cascade` over the ranks
    `b` (batch), `h` (query head), `e` (head dim), `f` (value dim), `m` (key)
    and `p` (query), holding the straightforward 3-pass cascade:

    ```
    QK[b,h,m,p] += Q[b,h,p,e] * K[b,h floordiv G,m,e] * scale
    GM[b,h,p]   max= QK[b,h,m,p]
    SN[b,h,m,p] =  exp(QK[b,h,m,p] - GM[b,h,p])
    SD[b,h,p]   += SN[b,h,m,p]
    A[b,h,m,p]  =  SN[b,h,m,p] / SD[b,h,p]
    AV[b,h,p,f] += A[b,h,m,p] * V[b,h floordiv G,m,f]
    ```

    Grouped-query attention is the access `h floordiv G` (`G = Hq / Hkv`) on
    the head rank of `K` and `V`. A causal mask is a condition on every
    einsum that iterates both `m` and `p`: `m <= p` (top-left) or
    `m <= p + |m| - |p|` (bottom-right). f16 and bf16 operands are extended
    to f32 in the maps, and the result is rounded back by a final einsum.

    `attn.linear_attention` becomes its quadratic cascade, and `attn.merge`
    the cascade over the parts `s` that weighs each part by
    `exp(LSE[s] - max_s LSE)`.
  }];
  let dependentDialects = ["::cascade::ein::EinDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def AttnPackGQA : Pass<"attn-pack-gqa"> {
  let summary = "Make the query heads of a grouped-query group the query "
                "rows of one head";
  let description = [{
    In grouped-query attention the `G = Hq / Hkv` query heads of a group read
    the same keys and values. When nothing depends on which query head or
    which query position a row is, the group is one head with `G * N` query
    rows: `Q [B, Hq, N, D]` holds, in the same memory order,
    `Q [B, Hkv, G * N, D]`, and the result likewise. The pass reshapes `q`
    (a collapse and an expand, no copy), runs the attention with `Hkv` heads
    and `G * N` queries, and reshapes the result (and the log-sum-exp) back.

    The cascade then reads each key and value tile once per group instead of
    once per query head, and a query tile holds rows of several heads.
    Decode (`N = 1`) gains the most: one query row per head fills one lane
    of a vector, `G` rows fill `G`.

    Packing keeps the results only when the rows of a group are
    interchangeable, so it is refused, with a remark, when the attention
    reads the query position or head: a causal mask (except bottom-right
    with `N = 1`, which keeps every key and is dropped), a window, dilation
    or sink tokens, document ids, dense or block masks, `mask_mod` and
    `score_mod`, ALiBi, sinks, a bias or a gate. Key-side operands (key
    lengths, a paged cache's block table) and the normalizers, scale and
    softcap act on each score alone and are kept. The shapes of the query
    and of the results must be static.

    Remarks: `query heads packed: 4 per key/value head, as 4 query rows of 8
    heads`, or `query heads not packed: <reason>`.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def AttnToReference : Pass<"attn-to-reference", "::mlir::ModuleOp"> {
  let summary = "Lower attn.attention to calls of the runtime's reference implementation";
  let description = [{
    Replaces each `attn.attention` by a call of
    `cascade_ref_attention_f32` (fp64 accumulation, straightforward loops),
    so that a whole graph can be compiled a second time as its own
    reference: `cascade-run --check` compares the two. Only f32 attention
    is supported; other element types are refused with an error.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // CASCADE_ATTN_PASSES_TD
