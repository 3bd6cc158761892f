//===- EinOps.td - ein dialect operations ------------------*- tablegen -*-===//

#ifndef CASCADE_EIN_OPS_TD
#define CASCADE_EIN_OPS_TD

include "dialects/Ein/IR/EinDialect.td"
include "dialects/Ein/IR/EinAttrs.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Ein_CascadeOp : Ein_Op<"cascade", [
    IsolatedFromAbove, SingleBlockImplicitTerminator<"YieldOp">,
    DeclareOpInterfaceMethods<RegionKindInterface>,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>,
    Pure]> {
  let summary = "a cascade of extended Einsums over named ranks";
  let description = [{
    Holds the einsums that compute one attention block. The rank table names
    every rank and its extent; the region's arguments are the cascade's
    inputs, named as the formulas name them; `ein.yield` returns the
    results. The body is a graph region: order does not matter and a
    recurrence may use its own result.

    The 3-pass softmax cascade (per batch `b` and head `h`; `p` queries, `m`
    keys, `e` head dim, `f` value dim):

    ```mlir
    %o = ein.cascade "attention" ranks [b: 2, h: 8, e: 64, f: 64, m: 100, p: 100]
        ins(%Q = %q : tensor<2x8x100x64xf32>, %K = %k : tensor<2x2x100x64xf32>,
            %V = %v : tensor<2x2x100x64xf32>) -> tensor<2x8x100x64xf32> {
      %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h floordiv 4, m, e]) {...}
      %GM = ein.einsum GM[b, h, p] max= (%QK[b, h, m, p]) {...}
      %SN = ein.einsum SN[b, h, m, p] = (%QK[b, h, m, p], %GM[b, h, p]) {...}
      %SD = ein.einsum SD[b, h, p] += (%SN[b, h, m, p]) {...}
      %A  = ein.einsum A[b, h, m, p] = (%SN[b, h, m, p], %SD[b, h, p]) {...}
      %AV = ein.einsum AV[b, h, p, f] += (%A[b, h, m, p], %V[b, h floordiv 4, m, f]) {...}
      ein.yield %AV : tensor<2x8x100x64xf32>
    }
    ```

    Ranks print as `name: extent`, `name: dim(operand, dim)` when bound to an
    input's dimension, and `m1: m floordiv 64`, `m0: m mod 64` for the two
    parts of a partitioned rank.

    `tiles` (a `#ein.tile_map`, written by `ein-sparsify`) says which tiles
    of the iterative rank the loop nest visits and on which of them the
    einsums' conditions can be dropped.
  }];

  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, StrAttr:$name,
                       TypedArrayAttrBase<Ein_RankAttr, "ranks">:$ranks,
                       StrArrayAttr:$input_names,
                       OptionalAttr<Ein_TileMapAttr>:$tiles);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasRegionVerifier = 1;

  let extraClassDeclaration = [{
    /// The rank named `name`, or null.
    RankAttr lookupRank(::llvm::StringRef name);
    /// Index of rank `name` in the rank table, or -1.
    int64_t rankIndex(::llvm::StringRef name);
    /// Static extent of rank `name` (kDynamic when not known statically).
    int64_t staticExtent(::llvm::StringRef name);
    /// A rank name not used yet, built from `base`.
    std::string uniqueRankName(::llvm::StringRef base);
    /// A tensor name not used yet by any einsum, built from `base`.
    std::string uniqueTensorName(::llvm::StringRef base);
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

def Ein_EinsumOp : Ein_Op<"einsum", [
    DeclareOpInterfaceMethods<OpAsmOpInterface,
                              ["getAsmResultNames", "getAsmBlockArgumentNames"]>,
    HasParent<"CascadeOp">, Pure]> {
  let summary = "one extended Einsum: access, map, reduction, condition";
  let description = [{
    Computes one tensor of a cascade. The iteration space is `ranks`: the
    output ranks first, then the reduced ranks (those named by an operand
    access but not by the output). For every point of the iteration space
    where `condition` holds, the map region computes a value from one element
    of each operand (read through that operand's access map); the values of
    the points that share an output element are combined with `reduction`.

    ```mlir
    // QK[m, p] = Q[e, p] * K[e, m], reduce + over e, only where m <= p
    %QK = ein.einsum QK[b, h, m, p] += (%Q[b, h, p, e], %K[b, h floordiv 4, m, e])
        where (m <= p) {
    ^bb0(%q: f32, %k: f32):
      %0 = arith.mulf %q, %k : f32
      ein.yield %0 : f32
    } : tensor<2x8x64x64xf32>, tensor<2x2x64x64xf32> -> tensor<2x8x64x64xf32>
    ```

    The assignment operator is the reduction: `=` (none), `+=`, `*=`,
    `max=`, `min=`. An output element with no contributing point holds the
    reduction's identity, or `fill` (default 0) when nothing is reduced.

    A *recurrence* writes its output at `r + 1` for an iterative rank `r`
    and reads its own result at `r`; `init` gives the value at `r = 0`:

    ```mlir
    %RM = ein.einsum RM[b, h, m1 + 1, p] = (%RM[b, h, m1, p], %LM[b, h, m1, p])
        init(-inf) {...}
    ```

    `|r|` in an access or condition is the extent of cascade rank `r`.
  }];

  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, StrAttr:$name,
                       StrArrayAttr:$ranks, StrArrayAttr:$symbols,
                       AffineMapAttr:$output_map, AffineMapArrayAttr:$input_maps,
                       Ein_ReductionKindAttr:$reduction,
                       OptionalAttr<ArrayAttr>:$condition,
                       OptionalAttr<F64Attr>:$init,
                       OptionalAttr<F64Attr>:$fill);
  let results = (outs AnyRankedTensor:$result);
  let regions = (region SizedRegion<1>:$map);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;

  let extraClassDeclaration = [{
    unsigned getNumRanks() { return getRanks().size(); }
    ::llvm::StringRef getRankName(unsigned i) {
      return ::llvm::cast<::mlir::StringAttr>(getRanks()[i]).getValue();
    }
    /// Index of rank `name` in this einsum's iteration space, or -1.
    int64_t rankIndex(::llvm::StringRef name);
    ::mlir::AffineMap getInputMap(unsigned i) {
      return ::llvm::cast<::mlir::AffineMapAttr>(getInputMaps()[i]).getValue();
    }
    /// Iteration dims that the output does not index: the reduced ranks.
    ::llvm::SmallVector<unsigned> getReducedDims();
    bool isReducedDim(unsigned d);
    /// The output position written at `r + 1`, or -1 for a plain einsum.
    int64_t getRecurrencePosition();
    /// The iterative dim of a recurrence (the `r` of `r + 1`), or -1.
    int64_t getIterativeDim();
    bool isRecurrence() { return getRecurrencePosition() >= 0; }
    /// The dims indexed by output position `i` (`r` also for `r + 1`).
    unsigned getOutputDim(unsigned i);
    ::mlir::Block &getMapBlock() { return getMap().front(); }
    /// The condition as a union of integer sets (empty: always true).
    ::llvm::SmallVector<::mlir::IntegerSet> getConditionSets();
    /// Value of a masked (non-contributing) output element.
    double getEffectiveFill();
  }];
}

def Ein_IndexOp : Ein_Op<"index", [Pure, HasParent<"EinsumOp">]> {
  let summary = "the position of the current point along a rank";
  let description = [{
    Inside the map region of an einsum, the index of the point being
    computed along one of the einsum's ranks. Position-dependent scores
    (ALiBi, relative biases, `score_mod`) use it:

    ```mlir
    %m = ein.index m
    %p = ein.index p
    ```
  }];
  let arguments = (ins StrAttr:$rank);
  let results = (outs Index:$result);
  let assemblyFormat = "custom<RankName>($rank) attr-dict";
  let hasVerifier = 1;
}

def Ein_ExtentOp : Ein_Op<"extent", [Pure, HasParent<"EinsumOp">]> {
  let summary = "the extent of a cascade rank";
  let description = [{
    Inside the map region of an einsum, the extent of a rank of the
    enclosing cascade (`|m|` in accesses and conditions).

    ```mlir
    %n = ein.extent m
    ```
  }];
  let arguments = (ins StrAttr:$rank);
  let results = (outs Index:$result);
  let assemblyFormat = "custom<RankName>($rank) attr-dict";
  let hasVerifier = 1;
}

def Ein_YieldOp : Ein_Op<"yield", [Pure, Terminator,
    ParentOneOf<["CascadeOp", "EinsumOp"]>]> {
  let summary = "returns the results of a cascade or the value of a map";
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
  let builders = [OpBuilder<(ins), [{ /* no values */ }]>];
  let hasVerifier = 1;
}

#endif // CASCADE_EIN_OPS_TD
