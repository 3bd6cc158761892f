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

#endif // CASCADE_EIN_ATTRS_TD
