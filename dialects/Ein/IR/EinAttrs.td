//===- EinAttrs.td - ein dialect attributes ----------------*- tablegen -*-===//

#ifndef CASCADE_EIN_ATTRS_TD
#define CASCADE_EIN_ATTRS_TD

include "dialects/Ein/IR/EinDialect.td"

def Ein_RankAttr : AttrDef<Ein_Dialect, "Rank"> {
  let mnemonic = "rank";
  let summary = "a named rank of a cascade and its extent";
  let description = [{
    A rank has a name and an extent. The extent is static, or bound to a
    dimension of a cascade operand (`operand`, `dim`), or derived from a
    partitioned parent rank: `part = 1` is the outer rank `m1` of
    `m = m1 * tile + m0` (extent `ceildiv(|m|, tile)`), `part = 0` the inner
    rank `m0` (extent `tile`; on the last tile only `|m| - m1 * tile` points
    exist).
  }];
  let parameters = (ins "::mlir::StringAttr":$name, "int64_t":$extent,
                        "int64_t":$operand, "int64_t":$dim,
                        "::mlir::StringAttr":$parent, "int64_t":$tile,
                        "int64_t":$part);
  let assemblyFormat = "`<` struct(params) `>`";
  let extraClassDeclaration = [{
    bool isStatic() const { return getExtent() != ::mlir::ShapedType::kDynamic; }
    bool isBound() const { return getOperand() >= 0; }
    bool isPartition() const { return getTile() > 0; }
    bool isOuterPart() const { return isPartition() && getPart() == 1; }
    bool isInnerPart() const { return isPartition() && getPart() == 0; }
  }];
}

def Ein_TileMapAttr : AttrDef<Ein_Dialect, "TileMap"> {
  let mnemonic = "tile_map";
  let summary = "the tiles of the iterative rank a cascade visits, and which "
                "of them its condition masks";
  let description = [{
    Written by `ein-sparsify` on a one-pass cascade whose einsums carry a
    mask condition. `dims` names the tile ranks: the outer parts (or whole
    ranks) that the condition involves, among them `rank`, the iterative
    rank; `symbols` names the ranks whose (dynamic) extents the sets use.
    Both lists of integer sets are over `(dims)[symbols]`:

    - `visit`: a tile outside every set has no point where the condition
      holds, so the loop over `rank` skips it; the loop bounds come from
      these sets;
    - `partial`: a tile outside every set has no point where the condition
      fails, so its einsums run without their conditions.

    - `points` (over `(dims, inner)[symbols]`, `inner` the inner part of
      `rank`): the points of a tile that the condition keeps for some
      element of the other ranks; on a partial tile the loop nest stops the
      inner part at the last such point (the keys past the diagonal of a
      causal tile). Empty when the cascade cannot drop masked points.

    All are supersets of what they describe (exact for conditions whose
    ranks have unit coefficients, such as causal, window and sink masks), so
    using them never changes a result.

    - `classes` (optional): the name of an einsum of the cascade, over the
      parallel ranks and `rank`, whose value at a tile classifies it at run
      time under the data-dependent predicate of the masked einsums
      (document ids, dense and block masks, key lengths, `mask_mod`): 0 when
      the predicate fails on every point of the tile (the loop skips it), 1
      when it holds on every point (its einsums run without their
      predicates and, when the sets also prove the tile full, without their
      conditions), 2 otherwise. `ein-sparsify` computes it from per-tile
      ranges of the predicate's operands (see its description).

    ```mlir
    #ein.tile_map<rank = "m1", dims = ["p1", "m1"], symbols = [],
                  visit = [affine_set<(d0, d1) : (d0 * 16 - d1 * 32 + 15 >= 0)>],
                  partial = [affine_set<(d0, d1) : (d1 * 32 - d0 * 16 + 16 >= 0)>],
                  inner = "m0",
                  points = [affine_set<(d0, d1, d2) : (d0 * 16 - d1 * 32 - d2 + 15 >= 0)>]>
    ```
  }];
  let parameters = (ins "::mlir::StringAttr":$rank, "::mlir::ArrayAttr":$dims,
                        "::mlir::ArrayAttr":$symbols, "::mlir::ArrayAttr":$visit,
                        "::mlir::ArrayAttr":$partial, "::mlir::StringAttr":$inner,
                        "::mlir::ArrayAttr":$points,
                        OptionalParameter<"::mlir::StringAttr">:$classes);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    ::llvm::SmallVector<::mlir::IntegerSet> getVisitSets() const;
    ::llvm::SmallVector<::mlir::IntegerSet> getPartialSets() const;
    ::llvm::SmallVector<::mlir::IntegerSet> getPointSets() const;
  }];
}

#endif // CASCADE_EIN_ATTRS_TD
