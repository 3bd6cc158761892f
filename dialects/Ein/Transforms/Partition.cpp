//===- Partition.cpp - Split a rank into outer and inner parts ------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace cascade::ein {
#define GEN_PASS_DEF_EINPARTITION
#define GEN_PASS_DEF_EINTILEPARALLEL
#include "dialects/Ein/Transforms/Passes.h.inc"
} // namespace cascade::ein

using namespace mlir;
using namespace cascade::ein;

/// A result whose einsum now has (rank1, rank0) where the cascade's type has
/// `rank`: the cascade returns the tiled shape, and the original value is
/// that collapsed to rank1 * tile and sliced to the extent of `rank` (points
/// past the extent in the last tile are not computed).
static void reshapeSplitResults(RewriterBase &rewriter, CascadeOp cascade,
                                StringRef rank) {
  auto yield = cast<YieldOp>(cascade.getBodyBlock().getTerminator());
  Location loc = cascade.getLoc();
  RankAttr parent = cascade.lookupRank(rank);
  for (auto [i, v] : llvm::enumerate(yield.getValues())) {
    auto newType = cast<RankedTensorType>(v.getType());
    OpResult result = cascade->getResult(i);
    auto oldType = cast<RankedTensorType>(result.getType());
    if (newType == oldType)
      continue;
    auto e = v.getDefiningOp<EinsumOp>();
    int64_t pos = -1;
    for (unsigned k = 0; k + 1 < e.getOutputMap().getNumResults(); ++k) {
      RankAttr r = cascade.lookupRank(e.getRankName(e.getOutputDim(k)));
      if (r && r.isOuterPart() && r.getParent().getValue() == rank) {
        pos = k;
        break;
      }
    }
    if (pos < 0)
      continue;
    result.setType(newType);
    rewriter.setInsertionPointAfter(cascade);
    SmallVector<ReassociationIndices> groups;
    for (int64_t k = 0; k < newType.getRank(); ++k) {
      if (k == pos + 1)
        continue;
      groups.push_back(k == pos ? ReassociationIndices{k, k + 1}
                                : ReassociationIndices{k});
    }
    Value flat = tensor::CollapseShapeOp::create(rewriter, loc, result, groups);
    SmallVector<OpFoldResult> offsets(oldType.getRank(),
                                      rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(oldType.getRank(),
                                      rewriter.getIndexAttr(1));
    SmallVector<OpFoldResult> sizes;
    for (int64_t k = 0; k < oldType.getRank(); ++k) {
      if (!oldType.isDynamicDim(k)) {
        sizes.push_back(rewriter.getIndexAttr(oldType.getDimSize(k)));
        continue;
      }
      // A dynamic extent is the size of the input dimension it is bound to,
      // or of the collapsed result for every other rank.
      if (k == pos && parent.isBound())
        sizes.push_back(
            tensor::DimOp::create(rewriter, loc,
                                  cascade.getInputs()[parent.getOperand()],
                                  parent.getDim())
                .getResult());
      else
        sizes.push_back(
            tensor::DimOp::create(rewriter, loc, flat, k).getResult());
    }
    Value sliced = tensor::ExtractSliceOp::create(rewriter, loc, oldType, flat,
                                                  offsets, sizes, strides);
    rewriter.replaceAllUsesExcept(result, sliced, flat.getDefiningOp());
  }
}

LogicalResult cascade::ein::partitionRank(RewriterBase &rewriter,
                                          CascadeOp cascade, StringRef rank,
                                          int64_t tile, bool reshapeResults,
                                          llvm::StringMap<EinsumOp> *rebuilt) {
  MLIRContext *ctx = rewriter.getContext();
  RankAttr parent = cascade.lookupRank(rank);
  if (!parent)
    return cascade.emitRemark()
           << "ein-partition: the cascade has no rank '" << rank << "'";
  if (parent.isPartition())
    return cascade.emitRemark()
           << "ein-partition: rank '" << rank << "' is already a part of '"
           << parent.getParent().getValue() << "'";
  if (tile <= 0)
    return cascade.emitRemark() << "ein-partition: tile size must be positive, "
                                   "found "
                                << tile;
  std::string outerName = cascade.uniqueRankName((rank + "1").str());
  std::string innerName = cascade.uniqueRankName((rank + "0").str());

  // Check everything before changing anything.
  SmallVector<EinsumOp> order = einsumsInDependenceOrder(cascade);
  DenseSet<Value> split; // results that get (rank1, rank0) for `rank`
  for (EinsumOp e : order) {
    int64_t d = e.rankIndex(rank);
    if (d < 0)
      continue;
    if (e.isRecurrence() && e.getIterativeDim() == d)
      return e.emitRemark() << "ein-partition: '" << e.getName()
                            << "' is a recurrence over '" << rank << "'";
    if (!e.isReducedDim(d))
      split.insert(e.getResult());
  }
  for (EinsumOp e : order) {
    int64_t d = e.rankIndex(rank);
    for (auto [i, v] : llvm::enumerate(e.getInputs())) {
      if (!split.contains(v) || v == e.getResult())
        continue;
      auto producer = v.getDefiningOp<EinsumOp>();
      AffineMap m = e.getInputMap(i);
      for (unsigned pos = 0; pos < m.getNumResults(); ++pos) {
        if (producer.getRankName(producer.getOutputDim(pos)) != rank)
          continue;
        if (d < 0 || m.getResult(pos) != getAffineDimExpr(d, ctx))
          return e.emitRemark()
                 << "ein-partition: '" << e.getName() << "' reads '"
                 << producer.getName() << "' at " << printAccess(e, m)
                 << "; only a plain '" << rank << "' can be split";
      }
    }
  }
  auto yield = cast<YieldOp>(cascade.getBodyBlock().getTerminator());
  for (Value v : yield.getValues())
    if (split.contains(v) && !reshapeResults)
      return cascade.emitRemark()
             << "ein-partition: the cascade returns '" << tensorName(v)
             << "', which is indexed by '" << rank << "'";

  // The rank table gets the two parts right after the parent.
  SmallVector<Attribute> ranks;
  for (Attribute a : cascade.getRanks()) {
    ranks.push_back(a);
    if (cast<RankAttr>(a).getName().getValue() != rank)
      continue;
    int64_t outerExt = parent.isStatic()
                           ? (parent.getExtent() + tile - 1) / tile
                           : ShapedType::kDynamic;
    ranks.push_back(RankAttr::get(ctx, StringAttr::get(ctx, outerName),
                                  outerExt, -1, -1, parent.getName(), tile, 1));
    ranks.push_back(RankAttr::get(ctx, StringAttr::get(ctx, innerName), tile,
                                  -1, -1, parent.getName(), tile, 0));
  }
  cascade.setRanksAttr(ArrayAttr::get(ctx, ranks));

  // Rebuild every einsum iterating `rank`, producers first.
  DenseMap<Value, Value> replaced;
  SmallVector<EinsumOp> dead;
  for (EinsumOp e : order) {
    int64_t d = e.rankIndex(rank);
    if (d < 0) {
      for (OpOperand &o : e->getOpOperands())
        if (Value r = replaced.lookup(o.get()))
          o.set(r);
      continue;
    }
    EinsumSpec s(ctx);
    s.name = split.contains(e.getResult())
                 ? cascade.uniqueTensorName(("B" + e.getName()).str())
                 : e.getName().str();
    s.reduction = e.getReduction();
    s.elementType = cast<RankedTensorType>(e.getType()).getElementType();
    s.init = e.getInit() ? std::optional<double>(e.getInit()->convertToDouble())
                         : std::nullopt;
    if (e.getFill())
      s.fill = e.getFill()->convertToDouble();
    // Dims: every rank in order, `rank` replaced by its two parts.
    SmallVector<AffineExpr> dimMap;
    for (unsigned i = 0; i < e.getNumRanks(); ++i) {
      if ((int64_t)i == d) {
        AffineExpr o = s.dim(outerName), in = s.dim(innerName);
        // rank = rank1 * tile + rank0
        dimMap.push_back(o * tile + in);
      } else {
        dimMap.push_back(s.dim(e.getRankName(i)));
      }
    }
    SmallVector<AffineExpr> symMap;
    for (Attribute a : e.getSymbols())
      symMap.push_back(s.sym(cast<StringAttr>(a).getValue()));
    // An access position that reads a split tensor at `rank` becomes two.
    auto expand = [&](AffineMap m, EinsumOp producer) {
      SmallVector<AffineExpr> out;
      for (unsigned pos = 0; pos < m.getNumResults(); ++pos) {
        if (producer &&
            producer.getRankName(producer.getOutputDim(pos)) == rank) {
          out.push_back(s.dim(outerName));
          out.push_back(s.dim(innerName));
          continue;
        }
        out.push_back(m.getResult(pos).replaceDimsAndSymbols(dimMap, symMap));
      }
      return out;
    };
    for (AffineExpr r : expand(e.getOutputMap(),
                               split.contains(e.getResult()) ? e : EinsumOp()))
      s.output.push_back(r);
    for (auto [i, v] : llvm::enumerate(e.getInputs())) {
      bool self = v == e.getResult();
      Value nv = self ? Value() : replaced.lookup(v);
      auto producer =
          split.contains(v) ? v.getDefiningOp<EinsumOp>() : EinsumOp();
      s.addInput(self ? Value() : (nv ? nv : v),
                 expand(e.getInputMap(i), producer));
    }
    for (IntegerSet set : e.getConditionSets()) {
      EinsumSpec::Conjunction &c = s.condition.emplace_back();
      for (unsigned i = 0; i < set.getNumConstraints(); ++i) {
        c.constraints.push_back(
            set.getConstraint(i).replaceDimsAndSymbols(dimMap, symMap));
        c.eqFlags.push_back(set.isEq(i));
      }
    }
    rewriter.setInsertionPoint(e);
    EinsumOp ne = buildEinsumWithMapOf(rewriter, e.getLoc(), cascade, s, e);
    // Positions along `rank` in the map: rank = rank1 * tile + rank0.
    SmallVector<IndexOp> positions;
    ne.getMapBlock().walk([&](IndexOp op) {
      if (op.getRank() == rank)
        positions.push_back(op);
    });
    for (IndexOp op : positions) {
      rewriter.setInsertionPoint(op);
      Value o = IndexOp::create(rewriter, op.getLoc(), rewriter.getIndexType(),
                                rewriter.getStringAttr(outerName));
      Value in = IndexOp::create(rewriter, op.getLoc(), rewriter.getIndexType(),
                                 rewriter.getStringAttr(innerName));
      Value t = arith::ConstantIndexOp::create(rewriter, op.getLoc(), tile);
      Value start = arith::MulIOp::create(rewriter, op.getLoc(), o, t);
      rewriter.replaceOpWithNewOp<arith::AddIOp>(op, start, in);
    }
    replaced[e.getResult()] = ne.getResult();
    if (rebuilt)
      (*rebuilt)[e.getName()] = ne;
    dead.push_back(e);
  }
  // Readers outside the rebuilt set (and the yield) see the new results.
  for (auto &[oldV, newV] : replaced)
    rewriter.replaceAllUsesWith(oldV, newV);
  for (EinsumOp e : dead)
    e->dropAllReferences();
  for (EinsumOp e : dead)
    rewriter.eraseOp(e);
  if (reshapeResults)
    reshapeSplitResults(rewriter, cascade, rank);
  return success();
}

namespace {
struct EinPartitionPass
    : cascade::ein::impl::EinPartitionBase<EinPartitionPass> {
  using Base::Base;
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    // A refusal is a remark; the cascade stays as it was.
    getOperation()->walk([&](CascadeOp cascade) {
      (void)partitionRank(rewriter, cascade, rank, tile);
    });
  }
};
} // namespace

LogicalResult cascade::ein::tileParallelRank(RewriterBase &rewriter,
                                             CascadeOp cascade, StringRef rank,
                                             int64_t tile) {
  RankAttr parent = cascade.lookupRank(rank);
  if (!parent || parent.isPartition() || tile <= 0)
    return failure();
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    if (r.isPartition() && r.getParent().getValue() == rank)
      return failure(); // already partitioned (a chunked cascade)
  }
  for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>()) {
    int64_t d = e.rankIndex(rank);
    if (d < 0 || e.isReducedDim(d) ||
        (e.isRecurrence() && e.getIterativeDim() == d))
      return failure();
  }
  // A tile larger than the rank would only add a tail.
  int64_t ext = parent.isStatic() ? parent.getExtent() : ShapedType::kDynamic;
  if (!ShapedType::isDynamic(ext) && ext < tile)
    tile = std::max<int64_t>(ext, 1);
  llvm::StringMap<EinsumOp> rebuilt;
  if (failed(partitionRank(rewriter, cascade, rank, tile,
                           /*reshapeResults=*/true, &rebuilt)))
    return failure();
  // Every einsum is tiled alike: the names stay.
  for (auto &entry : rebuilt)
    entry.second.setName(entry.getKey());
  return success();
}

namespace {
struct EinTileParallelPass
    : cascade::ein::impl::EinTileParallelBase<EinTileParallelPass> {
  using Base::Base;
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<CascadeOp> cascades;
    getOperation()->walk([&](CascadeOp c) { cascades.push_back(c); });
    for (CascadeOp c : cascades)
      (void)tileParallelRank(rewriter, c, rank,
                             bf16Tile > 0 && readsBF16(c) ? bf16Tile : tile);
  }
};
} // namespace
