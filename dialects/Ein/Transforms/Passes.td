//===- Passes.td - ein dialect passes ----------------------*- tablegen -*-===//

#ifndef CASCADE_EIN_PASSES_TD
#define CASCADE_EIN_PASSES_TD

include "mlir/Pass/PassBase.td"

def EinCountPasses : Pass<"ein-count-passes"> {
  let summary = "FuseMax's analysis: how many passes over each rank a cascade needs";
  let description = [{
    A *pass* over a rank `m` is one traversal of all its points. An einsum
    that iterates `m` runs in the first pass where all of its operands are
    available: an operand that is elementwise in `m` streams within the same
    pass, an operand that *reduces* `m` is only complete after its pass, so a
    consumer iterating `m` needs the next one. A recurrence over `m1` (the
    outer part of a partitioned `m`) carries its state from one iteration to
    the next within a single pass. The analysis reports, for every rank some
    einsum reduces, the number of passes and the live footprint (elements of
    the tensors that must be kept from one pass to a later one, plus the
    state a recurrence carries), as a remark and as the attribute
    `ein.passes` on the cascade.

    ```
    remark: cascade 'attention': 3 passes over m, 1 pass over e; ...
    ```
  }];
}

def EinPrintGraph : Pass<"ein-print-graph", "::mlir::ModuleOp"> {
  let summary = "Write the cascades of a module as a Graphviz (DOT) graph";
  let description = [{
    Writes one `digraph` for the module, with a `subgraph cluster_N` per
    `ein.cascade`, to `output` (`-`, the default, is stdout), and leaves the
    IR as it is. In a cascade's cluster:

    - each input is an ellipse with its name and type;
    - each einsum is a box labelled with its formula, the map written out
      (`QK[b, h, m, p] += Q[b, h, p, e] * K[b, h floordiv 2, m, e]`), then
      its condition, predicate and `init`/`fill`; a result of the cascade has
      a double border;
    - an edge runs from the producer of each tensor (an input or an einsum)
      to every einsum that reads it, labelled with the tensor's name;
    - the einsums that iterate an iterative rank (the loop of a one-pass
      cascade) sit in a nested cluster labelled `iterative rank m1`; a
      recurrence is drawn bold with a self-loop that says what it carries
      (`running max`, `rescaled running sum`, ...) and its `init`;
    - the cluster's label names the cascade and its function, the number of
      passes over each rank (`ein-count-passes`' analysis) and, after
      `ein-sparsify`, how the tile map classifies the tiles.

    ```
    digraph "module" {
      subgraph "cluster_0" {
        label="cascade 'attention' in @attention: 3 passes over m, 1 pass over e";
        ...
        "c0_e0" [label="QK[b, h, m, p] += Q[b, h, p, e] * K[b, h floordiv 2, m, e]\l"];
        "c0_in0" -> "c0_e0" [label="Q"];
    ```

    Render it with `dot -Tsvg`, or `xdot` to browse it. The IR is printed
    to stdout too, so send it elsewhere (`-o /dev/null`) or the graph to a
    file (`output=g.dot`, written anew each time the pass runs). An output
    that cannot be opened or written is an error.
  }];
  let options = [
    Option<"output", "output", "std::string", /*default=*/"\"-\"",
           "the file to write the graph to (`-`: stdout)">
  ];
}

def EinDeferDivision : Pass<"ein-defer-division"> {
  let summary = "Move a normalization behind the contraction that follows it";
  let description = [{
    Rewrites `A[m,p] = SN[m,p] / SD[p]` followed by
    `AV[f,p] += A[m,p] * V[f,m]` into
    `SNV[f,p] += SN[m,p] * V[f,m]` and `AV[f,p] = SNV[f,p] / SD[p]`.
    Valid because the divisor does not depend on the ranks the contraction
    reduces (`sum_m (x_m / d) v_m = (sum_m x_m v_m) / d`), and the map of the
    contraction is linear in the quotient. The division is emitted as
    `SD == 0 ? 0 : SNV / SD`: a row whose every key is masked has
    `SNV = SD = 0` and gives zeros. This takes softmax from 3 to 2 passes.
  }];
}

def EinPartition : Pass<"ein-partition"> {
  let summary = "Split a rank into an outer and an inner part";
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  let description = [{
    Splits rank `rank` of extent `M` into `rank1` (extent `ceildiv(M, tile)`)
    and `rank0` (extent `tile`), `rank = rank1 * tile + rank0`. Every einsum
    iterating `rank` iterates both parts instead; its output gets both ranks
    where it had `rank`; accesses to cascade inputs become
    `rank1 * tile + rank0`. Points with `rank1 * tile + rank0 >= M` (the tail
    of the last tile) are outside the iteration space.

    ```
    QK[m, p] += Q[p, e] * K[m, e]   -->   BQK[m1, m0, p] += Q[p, e] * K[m1 * 64 + m0, e]
    ```
  }];
  let options = [
    Option<"rank", "rank", "std::string", /*default=*/"\"m\"",
           "the rank to split">,
    Option<"tile", "tile", "int64_t", /*default=*/"64",
           "extent of the inner part (the tile size)">
  ];
}

def EinTileParallel : Pass<"ein-tile-parallel"> {
  let summary = "Tile a rank that every einsum keeps, for tiles per parallel point";
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  let description = [{
    When every einsum of a cascade has `rank` in its output (a parallel rank
    such as the queries `p` of attention), splits it into `rank1 * tile +
    rank0` like `ein-partition`, including the returned tensors, which are
    collapsed and sliced back after the cascade. `convert-ein-to-loops`
    then runs one parallel point per tile of `rank1`, and every einsum
    computes a whole tile of queries at once: the key and value tiles are
    read once per query tile instead of once per query, and the tile
    bodies are matrix products. A cascade where some einsum does not keep
    the rank, or where the rank is already partitioned, stays as it is.

    ```
    BQK[m1, m0, p] += ...   -->   BQK[m1, m0, p1, p0] += Q[p1 * 32 + p0, e] * ...
    ```
  }];
  let options = [
    Option<"rank", "rank", "std::string", /*default=*/"\"p\"",
           "the rank to tile">,
    Option<"tile", "tile", "int64_t", /*default=*/"32",
           "extent of the inner part (the tile size)">,
    Option<"bf16Tile", "bf16-tile", "int64_t", /*default=*/"0",
           "the tile size of cascades that read bf16 tensors (0: `tile`)">
  ];
}

def EinOnline : Pass<"ein-online"> {
  let summary = "Turn reductions over a partitioned rank into running state (2 -> 1 pass)";
  let description = [{
    After `ein-partition` has split `m` into `(m1, m0)`, every reduction over
    `m1` is split into a local reduction over `m0`,
    `LX[m1, ...] = op over m0 (...)`, and a recurrence over the iterative
    rank `m1`, `RX[m1 + 1, ...] = RX[m1, ...] op LX[m1, ...]` with
    `RX[0] = identity`; readers after the loop read `RX[|m1|, ...]`.

    This is only valid when nothing inside the pass over `m` reads the
    complete reduction. The one case it can repair is the one softmax needs:
    a *max* `GM` read inside the pass only through `exp(x - GM)`. Then the
    running max `RM[m1 + 1]` is used instead, and since
    `exp(x - c') = exp(x - c) * exp(c - c')`, every sum of products linear in
    that exponential can be corrected with the factor
    `PRM[m1] = exp(RM[m1] - RM[m1 + 1])`:
    `RD[m1 + 1] = RD[m1] * PRM[m1] + SLD[m1]`. The result is the one-pass
    (FlashAttention) cascade. Any other reader of a reduction inside the pass
    (a division by a sum, say) is refused with a remark naming it; run
    `ein-defer-division` first.
  }];
}

def EinOnePass : Pass<"ein-one-pass"> {
  let summary = "Partition a rank and make its reductions online, or keep the multi-pass schedule";
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  let description = [{
    What the CPU pipeline runs: on a copy of each cascade, `ein-partition`
    of `rank` with `tile`, then `ein-online`. When both succeed the copy
    replaces the cascade (one pass over `rank`); when either refuses (their
    remarks say why), the cascade stays as it was, a multi-pass schedule
    that `convert-ein-to-loops` lowers as written, and a remark says so.
  }];
  let options = [
    Option<"rank", "rank", "std::string", /*default=*/"\"m\"",
           "the rank to traverse once">,
    Option<"tile", "tile", "int64_t", /*default=*/"64",
           "tile size of the rank">,
    Option<"bf16Tile", "bf16-tile", "int64_t", /*default=*/"0",
           "the tile size of cascades that read bf16 tensors (0: `tile`)">
  ];
}

def EinReassociate : Pass<"ein-reassociate"> {
  let summary = "Choose the contraction order of a chain of sums by cost";
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  let description = [{
    For a sum `C[o] += W[m,p] * X[m,...]` over `m`, where `W` is itself a
    contraction `W[m,p] += A[p,e] * B[m,e]` over `e` and `A` does not vary
    along `m`:

    ```
    sum_m (sum_e A[p,e] B[m,e]) X[m,f] = sum_e A[p,e] (sum_m B[m,e] X[m,f])
    ```

    so `Y[e,f] += B[m,e] * X[m,f]` and `C[p,f] += A[p,e] * Y[e,f]`. This is
    linear attention's `phi(Q) (phi(K)^T V)` order, and its normalizer
    `phi(Q) sum_m phi(K)`. The rewrite is applied when it lowers the number
    of multiply-adds (the product of the extents of each einsum's ranks),
    and reported as a remark.

    Under the causal condition `m <= p` (on `W` and on every sum reading
    it) the chain cannot be reassociated as a whole. With `chunk=T` the
    queries are partitioned into chunks `p = p1 * T + p0` and each sum is
    split by the keys it reads: those of earlier chunks reassociate into a
    state carried from chunk to chunk, a recurrence over `p1`

    ```
    K[p1,e,f]    += B[p1*T+c,e] * L^(T-c) * X[p1*T+c,f]      over c
    ST[p1+1,e,f]  = ST[p1,e,f] * L^T + K[p1,e,f]            init(0)
    XC[p1,p0,f]  += A[p1,p0,e] * ST[p1,e,f]                  over e
    ```

    and those of the query's own chunk (`m = p1 * T + c`, `c <= p0`) keep
    the quadratic form, `T x T` per chunk; `C = IC + L^p0 * XC`. `L` is the
    base of a decay `W * L^(p - m)` between `W` and the sums (RetNet), or 1
    without one. This is Lightning Attention-2's schedule, linear in the
    sequence length. It is applied when it lowers the number of
    multiply-adds per head and needs static extents with at least as many
    keys as queries; a refusal is a remark. The cascade then returns
    tensors indexed by `(p1, p0)`, collapsed and sliced back to their type
    after it.
  }];
  let options = [
    Option<"chunk", "chunk", "int64_t", /*default=*/"64",
           "query chunk of causal chains (0: keep them quadratic)">
  ];
}

def EinSimplifyConditions : Pass<"ein-simplify-conditions"> {
  let summary = "Remove conditions that cannot change a result";
  let description = [{
    Two rules, applied in this order to each cascade:

    - a sum `C[..] += f(.., X[..], ..) where c` whose map is a product with
      `X` as a factor, where `X = g(..) where c` (the same condition, fill 0)
      is read at the point it was written: the masked terms are products
      with zero, so the sum is the same without `c`
      (`SLNV += SLN * V where m <= p` with `SLN = exp(..) where m <= p`);
    - a producer `X[..] = .. where c` whose every reader applies the same
      condition `c` and reads `X` at the point it was written: the masked
      elements of `X` are never read, so `X` needs no condition
      (`BQK += Q * K where m <= p`, read by `LM max= BQK where m <= p` and
      `SLN = exp(BQK - RM) where m <= p`).

    The contractions of a masked attention then run without a select in
    their inner loops; the mask is applied once per score, where the
    scores are exponentiated. Conditions are compared after renaming ranks
    by name; a condition computed in the map (`mask_mod`) is left alone.
    A remark counts the conditions removed.
  }];
}

def EinPack : Pass<"ein-pack"> {
  let summary = "Copy operands read across the vector rank into a layout "
                "where it is innermost";
  let description = [{
    The vector code of the CPU backend runs along the last rank of each
    einsum's output (the query rows `p0` of a tile). A contraction input that
    varies along that rank without it being its last index
    (`BQK[m0, p0] += Q[p1 * 32 + p0, e] * K[m1 * 64 + m0, e]`) would be read
    with a stride. When the input is a cascade operand and its access uses no
    iterative rank, this pass copies it once per parallel point into
    `QP[p1, e, p0] = Q[p1 * 32 + p0, e]` and the contraction reads
    `QP[p1, e, p0]`, contiguous along `p0`. Arithmetic that the contraction
    applies to that input alone (the softmax scale `q * 0.125`) moves into
    the copy, out of the inner loop. A remark counts the packed operands.

    An f16 or bf16 input that the contraction extends to f32 is copied in
    f32, the extension folded into the copy with the scale
    (`QP = extf(q) * 0.125`), so the contraction runs as in f32. With
    `keep-narrow` it is copied in its own type instead, and nothing is
    folded: the CPU pipeline sets it when the tile bodies compute the
    contractions with bf16 dot-product instructions, which read the bf16
    values themselves.

    First, a vector rank too narrow to fill a vector (fewer than
    `min-vector-points` points, the vector width in the CPU pipeline; the
    query rows of a decode tile, the query heads of a group times a few
    queries) is moved out of the innermost position: in each
    einsum whose output ends with it, the last rank of the tile body that is
    not narrow goes last (`BQK[m1, m0, p1, p0]` becomes
    `BQK[m1, p1, p0, m0]`, `SLNV[f, m1, p1, p0]` becomes
    `SLNV[m1, p1, p0, f]`), and the einsums reading it read that layout. The
    ranks of the tile body are those that are neither parallel (in every
    einsum's output, and not the inner part of a partition) nor iterative.
    Results the cascade yields keep their
    layout. The vector code then runs along the keys and the value
    dimension; `Q K^T` becomes dot products along `e` (see
    `cascade-vectorize-tiles`), and `Q` is not packed. A remark names the
    ranks moved.
  }];
  let options = [
    Option<"keepNarrow", "keep-narrow", "bool", /*default=*/"false",
           "copy f16 and bf16 inputs in their own type, with no arithmetic "
           "folded">,
    Option<"minVectorPoints", "min-vector-points", "int64_t",
           /*default=*/"16",
           "a rank of the tile with fewer points is not kept innermost "
           "(0: never moved)">,
  ];
}

def EinSparsify : Pass<"ein-sparsify"> {
  let summary = "Classify the tiles of the iterative rank as empty, full or "
                "partial under the mask condition";
  let description = [{
    Runs on a one-pass cascade (after `ein-one-pass`, and `ein-tile-parallel`
    when queries are tiled) whose einsums in the loop over the key tiles
    `m1` carry a mask condition. With Presburger arithmetic it projects the
    condition, together with the bounds of the tiles (the last one cut at
    the extent), onto the tile ranks: the outer parts the condition
    involves, `(p1, m1)` for a query-tiled causal mask. The result is the
    cascade's `tiles` attribute, a `#ein.tile_map`:

    - `visit`: the tiles that hold a point where the condition is true.
      `convert-ein-to-loops` takes the bounds of the loop over `m1` from
      these sets and skips a tile outside them;
    - `partial`: the tiles that hold a point where it is false (in the
      condition's negation, written as a union of conjunctions). On a
      visited tile outside these sets the einsums run without conditions.

    The projection is exact when the ranks have unit coefficients (causal in
    either alignment, windows, sinks + window); otherwise (dilation) it may
    keep a tile in a set it is not in, which costs time, never a result.
    Dynamic extents stay symbols of the sets.

    Skipping a tile is valid when it leaves the running state unchanged; the
    pass checks it: each einsum of the loop that carries the condition
    yields its fill (a reduction, its identity) on an empty tile; each
    recurrence is a running maximum of such a value (init -inf) or a running
    sum of one (init 0), possibly rescaled by a factor computed from the
    maxima that is 1 when they did not move. Otherwise it leaves the cascade
    alone and says why in a remark.

    With static extents a remark counts the classes over the tile ranks:
    `tiles: 528 empty, 496 full, 32 partial (over p1, m1)`.

    A mask computed in the map, the predicate an einsum yields after its
    value (key-padding lengths, document ids, dense and block masks,
    `mask_mod`), depends on data, so its tiles are classified at run time.
    The pass adds einsums that compute, per tile:

    - for each tensor the predicate reads over the inner parts of the tile,
      its minimum and maximum (`KDOCLO[..., m1] min= KDOC[b, m1 * 32 + m0]`
      and `KDOCHI`): one pass over the ids or the mask, each element read
      once per parallel point; a tensor read at tile ranks only is read as
      is;
    - the classifier (`TILE[b, h, p1, m1]`, named by the tile map's
      `classes`): the predicate evaluated on those ranges in interval
      arithmetic (positions of a tile range over the tile, `+ - *`, `min`,
      `max`, division and remainder by constants, casts) with three-valued
      logic for comparisons, `and`, `or`, `xor` and `select`. Its conjuncts
      are evaluated alone: one that can be true nowhere on the tile makes it
      0 (empty), all of them true everywhere make it 1 (full), otherwise 2.
      An operation it cannot bound makes its conjunct unknown, never a wrong
      class; i64 values beyond 2^53 (not exact in f64) leave a tile partial.

    `convert-ein-to-loops` computes the classifier at each tile before the
    tile's body, skips a tile of class 0 and runs one of class 1 without the
    predicate (and without the condition when the sets also prove it full).
    The remark then reads `..., then classified at run time by 'TILE' from
    QDOC, KDOC (over b, h, p1, m1)`; a mask with no condition on the ranks
    gets the run-time classes alone. Every einsum of the loop that carries a
    mask must carry the same condition and the same conjuncts.

    With `print-tiles`, a second remark draws the compile-time classes, one
    row per run of the map's last rank (`#` full, `+` partial, `.` empty;
    run-time classes are decided later and are not drawn), for maps of at
    most 4096 tiles:

    ```
    cascade 'attention': tile map over (p1, m1), '#' full, '+' partial, '.' empty:
      p1 = 0: +...
      p1 = 1: #+..
    ```
  }];
  let options = [
    Option<"printTiles", "print-tiles", "bool", /*default=*/"false",
           "Also draw the compile-time tile classes in a remark">,
  ];
}

def EinSplit : Pass<"ein-split"> {
  let summary = "Split the keys of a one-pass cascade into parts that run in "
                "parallel, and merge their running states";
  let description = [{
    Runs on a one-pass cascade (after `ein-one-pass`; `cascade-cpu` runs it
    last of the ein passes, after `ein-sparsify` and `ein-pack`) whose loop
    runs over the tiles `m1` of `m`. Decode (one query, a long KV cache) and long-KV prefill with few
    heads have fewer parallel points than threads; splitting `m` gives each
    thread a part of the keys (split-KV, flash-decoding).

    The cascade becomes two:

    - `<name>_parts`: `m = ms * C + ml` and `ml = m1 * tile + m0`, with `C`
      a whole number of tiles. Every einsum gets the new parallel rank `ms`,
      so each part runs the loop over its own tiles, and the cascade returns
      each running state's final value per part: the partial numerator,
      denominator and running maximum (`FRNV[ms, ...]`, `FRD`, `FRM`). A
      tile map (`ein-sparsify`) is rewritten for the global tile
      `ms * (C / tile) + m1`, so parts skip the same tiles.
    - `<name>_merge`: the states merged with the algebra of `ein-online`:
      maxima by `max` over `ms`; each running sum `R = R * F + X` as
      `sum_ms R[ms] * F(max[ms], merged max)`, with the cascade's own factor
      `F`; then the einsums that followed the loop (the division, gates,
      the log-sum-exp) on the merged state.

    The merge is exact when every recurrence is a running maximum (init
    -inf) or a running sum (init 0), unscaled or rescaled by a factor
    `F(old, new)` of one maximum with `F(x, x) = 1`,
    `F(a, b) F(b, c) = F(a, c)` and `F(-inf, x)` finite; the pass checks
    these by evaluating `F` and otherwise leaves the cascade alone with a
    remark (decaying sums, for one).

    With `parts = 0` the count comes from the shape: with `P` parallel
    points (batch, heads, query tiles) and `T` threads, the keys are split
    when `P < 4 T`, into `ceil(4 T / P)` parts of at least 8 tiles.
    A remark says what was done: `split into 4 parts of 2048 keys`, or why
    not.
  }];
  let options = [
    Option<"parts", "parts", "int64_t", /*default=*/"0",
           "Number of parts (0: from the shape and the threads; 1: no split)">,
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "Threads the parts are for when parts = 0 (0: this machine's)">,
  ];
}

#endif // CASCADE_EIN_PASSES_TD
