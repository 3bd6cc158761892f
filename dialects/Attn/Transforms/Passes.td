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

def AttnLiftLinalg : Pass<"attn-lift-linalg", "::mlir::func::FuncOp"> {
  let summary = "Rewrite a linalg graph's attention-shaped ops as TOSA, for "
                "attn-raise";
  let description = [{
    Frontends that emit linalg on tensors (torch-mlir's linalg backend)
    write attention with `linalg.batch_matmul` into a zero fill,
    `linalg.softmax`, `linalg.transpose`, `tensor.collapse_shape` /
    `tensor.expand_shape` and same-shape `arith` / `math` ops on tensors.
    In a function that has a `linalg.softmax` or a `linalg.batch_matmul`,
    this pass rewrites those ops (at the function's top level) into the TOSA
    ops that `attn-raise` reads: `tosa.matmul`, the softmax decomposition
    (`reduce_max`, `sub`, `exp`, `reduce_sum`, `reciprocal`, `mul`),
    `tosa.transpose`, `tosa.reshape`, `tosa.mul` / `add` / `sub` / `exp` /
    `tanh` (a division as a product with the reciprocal). What raising does
    not take lowers back to the same linalg. Products with other indexing
    maps or a non-zero accumulator, and every other op, are left as they
    are.
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
}

def AttnRaise : Pass<"attn-raise"> {
  let summary = "Raise attention written as TOSA tensor ops to attn.attention "
                "and attn.linear_attention";
  let description = [{
    Model importers (ONNX, torch-mlir) write attention as ordinary tensor
    ops. The pass finds, from each `tosa.matmul` that could be the
    `P @ V` product of an attention block, the subgraph

    ```
    S = Q @ K^T                         (tosa.matmul of [G, N, D] and [G, D, M])
    S = S * scale                       (a splat on S, Q or K; * reciprocal(c) too)
    S = c * tanh(S / c)                 (softcap)
    S = S + C, select(mask, S, -inf)    (masks and biases, constant or not)
    P = softmax(S) over the keys        (reduce_max, sub, exp, reduce_sum,
                                         reciprocal, mul), or sigmoid(S + b)
    O = P @ V                           (* sigmoid(gate))
    ```

    with the reshapes between `[B * H, N, M]` and `[B, H, N, M]` that
    importers write, and replaces it by one `attn.attention` on the 4D
    tensors the graph splits the heads of. Graphs that stay 3D, as torch's
    `nn.MultiheadAttention` does (`[N, B, E]` reshaped to `[N, B * H, D]`
    and transposed to `[B * H, N, D]`), get the `[B, H, N, D]` of that
    split when the queries, keys or values show it (and no two disagree),
    else `[G, 1, N, D]`. K^T may be any one transpose (3D or 4D) that also
    moves the heads, such as torch's `[M, B * H, D]` to `[B * H, D, M]`:
    the keys get the rest of it. Keys and values repeated per query head by
    `repeat_interleave` (reshape, tile, reshape; or, as torch 1.13 exports
    it, one slice per key/value head, each repeated, concatenated along
    the heads in order) become grouped-query attention over the unrepeated
    heads; repeated any other way (a tile of all heads, slices out of
    order), they stay repeated. Constant masks are analysed entry by entry and
    become `causal` (either alignment), `window`, or a dense `mask`;
    constant biases become `alibi_slopes` when they are
    `-slope[h] * |i - m|` (for softmax, up to a shift per query row, which
    softmax ignores: BLOOM's form), else a `bias`. A mask or bias computed
    in the graph is passed as the `mask` or `bias` operand. A finite fill
    (-1e9, -1e4) counts as removing a key only when, with every constant
    added after it, it stays at least 1000 below the largest kept score
    bias of its row (and below -1000 after a sigmoid's bias), so that its
    weight is exactly 0 in f32 as in attn.attention. Linear attention,
    `phi(Q) (phi(K)^T V)` or `(phi(Q) phi(K)^T * tril) V`, with `phi` the
    identity, `elu(x) + 1` or `relu`, becomes `attn.linear_attention`;
    normalized (by `phi(Q) sum_m phi(K)` or by its row sums) only with
    `elu(x) + 1`, whose weights are positive: with the identity or relu a
    row's sum can be 0, where the graph gives NaN and attn zeros.

    A block is raised only when the attn op computes the same results: the
    pass refuses, leaving the graph as it was, a softmax over another axis,
    a query row that a constant mask removes entirely (the graph gives NaN
    or a uniform row, attn.attention zeros), modifiers in an order that
    attn.attention does not apply them in, and an intermediate value (the
    scores, the probabilities) that is also used outside the block. A mask
    computed in the graph cannot be checked: a row it removes entirely
    gives zeros where the graph gave NaN or a uniform row. The ops of a
    raised block are erased.

    Before:

    ```mlir
    %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
    %ss = tosa.mul %s, %scale, %shift : (tensor<8x9x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
    ... the softmax of %ss over axis 2 in %p ...
    %o = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
    ```

    After, with `%q`, `%k`, `%v` the `[2, 4, 9, 8]` tensors that `%q3`,
    `%kt3` and `%v3` were reshaped (and transposed) from:

    ```mlir
    %a = attn.attention %q, %k, %v {scale = 0.353553385 : f32}
        : tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32> -> tensor<2x4x9x8xf32>
    %o = tosa.reshape %a, %shape : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
    ```

    Remarks (`remarks=all`, the default; `refused` or `none`): `raised
    attention: softmax, causal top_left, B=2 Hq=8 Hkv=2 N=9 M=9 D=8`,
    `raised linear attention: elu1, normalize, B=...`, or
    `attention not raised: <reason>` on the `P @ V` product.
  }];
  let options = [
    Option<"remarks", "remarks", "std::string", /*default=*/"\"all\"",
           "Which remarks to emit: `all` (raised and refused blocks), "
           "`refused` or `none`">
  ];
  let dependentDialects = ["::cascade::attn::AttnDialect",
                           "::mlir::tosa::TosaDialect"];
}

#endif // CASCADE_ATTN_PASSES_TD
