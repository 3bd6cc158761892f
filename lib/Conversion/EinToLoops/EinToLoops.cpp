//===- EinToLoops.cpp - ein.cascade to one fused loop nest ----------------===//
//
// Part of Cascade. See the pass description in
// include/cascade/Conversion/Passes.td.
//
//===----------------------------------------------------------------------===//

#include "cascade/Conversion/EinToLoops.h"

#include "dialects/Ein/IR/EinOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace cascade {
#define GEN_PASS_DEF_CONVERTEINTOLOOPS
#include "cascade/Conversion/Passes.h.inc"
} // namespace cascade

using namespace mlir;
using namespace cascade;
using namespace cascade::ein;

/// Whether the point (`dims`)[`syms`] lies in one of `sets`: an i1.
Value cascade::emitSetsHold(OpBuilder &b, Location l, ArrayRef<IntegerSet> sets,
                            ArrayRef<Value> dims, ArrayRef<Value> syms) {
  Value any;
  for (IntegerSet set : sets) {
    Value all = arith::ConstantIntOp::create(b, l, 1, 1);
    for (unsigned i = 0; i < set.getNumConstraints(); ++i) {
      Value x =
          affine::expandAffineExpr(b, l, set.getConstraint(i), dims, syms);
      Value zero = arith::ConstantIndexOp::create(b, l, 0);
      Value c = arith::CmpIOp::create(b, l,
                                      set.isEq(i) ? arith::CmpIPredicate::eq
                                                  : arith::CmpIPredicate::sge,
                                      x, zero);
      all = arith::AndIOp::create(b, l, all, c);
    }
    any = any ? arith::OrIOp::create(b, l, any, all) : all;
  }
  return any ? any : Value(arith::ConstantIntOp::create(b, l, 0, 1));
}

void cascade::emitSetBounds(OpBuilder &rw, Location loc, IntegerSet set,
                            unsigned pos, ArrayRef<Value> dims,
                            ArrayRef<Value> syms, Value &lower, Value &upper) {
  auto indexConst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(rw, loc, v);
  };
  // A constraint `a * x + rest >= 0` bounds x: x >= ceil(-rest / a) for
  // a > 0, x <= floor(rest / -a) for a < 0 (an equality is both).
  // Constraints not linear in x are left to the test of each point.
  unsigned nd = set.getNumDims(), ns = set.getNumSymbols();
  MLIRContext *ctx = rw.getContext();
  SmallVector<AffineExpr> plusOne, zero;
  for (unsigned d = 0; d < nd; ++d) {
    AffineExpr x = getAffineDimExpr(d, ctx);
    plusOne.push_back(d == pos ? x + 1 : x);
    zero.push_back(d == pos ? getAffineConstantExpr(0, ctx) : x);
  }
  for (unsigned i = 0; i < set.getNumConstraints(); ++i) {
    AffineExpr c = set.getConstraint(i);
    for (int sign : {1, -1}) {
      if (sign < 0 && !set.isEq(i))
        break;
      AffineExpr e = c * sign;
      auto a = dyn_cast<AffineConstantExpr>(
          simplifyAffineExpr(e.replaceDims(plusOne) - e, nd, ns));
      if (!a || a.getValue() == 0)
        continue;
      AffineExpr rest = simplifyAffineExpr(e.replaceDims(zero), nd, ns);
      Value r = affine::expandAffineExpr(rw, loc, rest, dims, syms);
      if (a.getValue() > 0) {
        Value neg = arith::SubIOp::create(rw, loc, indexConst(0), r);
        Value bound =
            arith::CeilDivSIOp::create(rw, loc, neg, indexConst(a.getValue()));
        lower = arith::MaxSIOp::create(rw, loc, lower, bound);
      } else {
        Value bound =
            arith::FloorDivSIOp::create(rw, loc, r, indexConst(-a.getValue()));
        bound = arith::AddIOp::create(rw, loc, bound, indexConst(1));
        upper = arith::MinSIOp::create(rw, loc, upper, bound);
      }
    }
  }
}

namespace {
/// An intermediate tensor's storage in the loop nest: its ranks that are not
/// fixed by the enclosing loops.
struct Buffer {
  Value mem;
  SmallVector<std::string> dims;
  bool heap = false;
};

class CascadeLowering {
public:
  CascadeLowering(RewriterBase &rw, CascadeOp cascade)
      : rw(rw), cascade(cascade), loc(cascade.getLoc()),
        tiles(cascade.getTilesAttr()) {}

  LogicalResult run();

private:
  LogicalResult analyze();
  LogicalResult schedule();
  void computeExtents();
  Value indexConst(int64_t v) {
    return arith::ConstantIndexOp::create(rw, loc, v);
  }
  Buffer allocBuffer(EinsumOp e, bool dropIter);
  LogicalResult lowerEinsum(EinsumOp e);
  /// A view of an operand of `e` plus the indexing map over `e`'s inner dims.
  /// Whether an input access is a view: each index a part fixed by the
  /// loops plus at most one distinct rank of the tile, with stride 1.
  bool separableAccess(EinsumOp e, unsigned idx);
  /// `a` as (part fixed by the loops, part moving with the tile's ranks),
  /// or nothing when it is not such a sum.
  std::optional<std::pair<AffineExpr, AffineExpr>> splitAccess(EinsumOp e,
                                                               AffineExpr a);
  LogicalResult operandView(EinsumOp e, unsigned idx, Value &view,
                            AffineMap &map);
  LogicalResult intermediateView(EinsumOp e, Value tensor, AffineMap access,
                                 Value &view, AffineMap &map);
  Value viewOfBuffer(const Buffer &buf);
  /// A buffer with one i8 per point of `rank`, allocated once per cascade;
  /// its views give a generic the loop range of a rank no operand spans.
  Value shapeBuffer(StringRef rank);
  Value subview(Value src, ArrayRef<OpFoldResult> offsets,
                ArrayRef<OpFoldResult> sizes, ArrayRef<bool> keep);
  SmallVector<unsigned> innerDims(EinsumOp e);

  RewriterBase &rw;
  CascadeOp cascade;
  Location loc;

  SmallVector<std::string> outer; // parallel ranks
  std::string iter;               // iterative rank, or empty
  SmallVector<EinsumOp> pre, loop, post;
  DenseSet<Operation *> inLoop;

  llvm::StringMap<Value> extent;    // full extent of each rank
  llvm::StringMap<Value> current;   // extent in the current iteration
  llvm::StringMap<Value> rankValue; // value of the outer ranks and `iter`
  SmallVector<Value> inputs;        // input buffers
  DenseMap<Value, Buffer> buffers;  // intermediate results
  DenseMap<Value, Buffer> nextBuffers, finalBuffers; // recurrences
  SmallVector<Value> results;                        // the result buffers
  llvm::StringMap<Value> shapeBuffers;
  Operation *nestStart = nullptr; // the op the loop nest starts with
  DenseMap<Value, unsigned> yielded;
  llvm::StringSet<> tileOfParallel; // inner parts of parallel ranks

  /// The tile map of the cascade (ein-sparsify), or null; `unmasked` while
  /// the body of a tile it proves full is lowered.
  TileMapAttr tiles;
  bool unmasked = false;
  /// The tile map's run-time classifier and the loop einsums it reads,
  /// lowered at each tile before the tile's body.
  EinsumOp classifier;
  DenseSet<Operation *> classifying;
  /// The values of the tile map's dims and symbols at the current point.
  void tileMapPoint(SmallVectorImpl<Value> &dims, SmallVectorImpl<Value> &syms);
  /// The range of the iterative rank that holds every visited tile.
  std::pair<Value, Value> visitedRange();
  /// The extent of the tile map's inner rank on a partial tile: up to the
  /// last point its point sets keep.
  Value keptPoints();
  void boundsOf(IntegerSet set, unsigned pos, ArrayRef<Value> dims,
                ArrayRef<Value> syms, Value &lower, Value &upper);

  /// Sets the extents of the tiles of `outerParts` at their current values.
  void setTileExtents(ArrayRef<std::string> outerParts, bool atParallelPoint);
};
} // namespace

void CascadeLowering::setTileExtents(ArrayRef<std::string> outerParts,
                                     bool atParallelPoint) {
  // The inner parts of a partition whose outer part has a value here: a full
  // tile, or what is left of the parent on the last one:
  // min(tile, |m| - m1 * tile).
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    if (!r.isInnerPart())
      continue;
    for (Attribute b : cascade.getRanks()) {
      auto o = cast<RankAttr>(b);
      StringRef on = o.getName().getValue();
      if (!o.isOuterPart() || o.getParent() != r.getParent() ||
          !llvm::is_contained(outerParts, on))
        continue;
      Value start = arith::MulIOp::create(rw, loc, rankValue[on],
                                          indexConst(r.getTile()));
      Value left = arith::SubIOp::create(
          rw, loc, current[r.getParent().getValue()], start);
      current[r.getName().getValue()] =
          arith::MinSIOp::create(rw, loc, left, indexConst(r.getTile()));
      if (atParallelPoint)
        tileOfParallel.insert(r.getName().getValue());
      // A part that is partitioned again (the keys of one ein-split part):
      // its own outer part has as many tiles as this point's part holds.
      for (Attribute c : cascade.getRanks()) {
        auto sub = cast<RankAttr>(c);
        if (sub.isOuterPart() && sub.getParent() == r.getName())
          current[sub.getName().getValue()] = arith::CeilDivSIOp::create(
              rw, loc, current[r.getName().getValue()],
              indexConst(sub.getTile()));
      }
    }
  }
}

void CascadeLowering::tileMapPoint(SmallVectorImpl<Value> &dims,
                                   SmallVectorImpl<Value> &syms) {
  for (Attribute a : tiles.getDims())
    dims.push_back(rankValue[cast<StringAttr>(a).getValue()]);
  for (Attribute a : tiles.getSymbols())
    syms.push_back(extent[cast<StringAttr>(a).getValue()]);
}

void CascadeLowering::boundsOf(IntegerSet set, unsigned pos,
                               ArrayRef<Value> dims, ArrayRef<Value> syms,
                               Value &lower, Value &upper) {
  emitSetBounds(rw, loc, set, pos, dims, syms, lower, upper);
}

std::pair<Value, Value> CascadeLowering::visitedRange() {
  // The hull of the visit sets' ranges of the iterative rank.
  unsigned pos =
      llvm::find(tiles.getDims(), tiles.getRank()) - tiles.getDims().begin();
  SmallVector<Value> dims, syms;
  rankValue[iter] = indexConst(0); // not read: `rest` does not involve it
  tileMapPoint(dims, syms);
  Value lo, hi;
  for (IntegerSet set : tiles.getVisitSets()) {
    Value l = indexConst(0), h = current[iter];
    boundsOf(set, pos, dims, syms, l, h);
    lo = lo ? arith::MinSIOp::create(rw, loc, lo, l) : l;
    hi = hi ? arith::MaxSIOp::create(rw, loc, hi, h) : h;
  }
  rankValue.erase(iter);
  if (!lo) // no tile holds an unmasked point
    return {indexConst(0), indexConst(0)};
  return {lo, hi};
}

Value CascadeLowering::keptPoints() {
  // The last point of the tile that a point set keeps, over the sets.
  StringRef inner = tiles.getInner().getValue();
  unsigned pos = tiles.getDims().size();
  SmallVector<Value> dims, syms;
  tileMapPoint(dims, syms);
  dims.push_back(indexConst(0)); // not read: `rest` does not involve it
  Value end;
  for (IntegerSet set : tiles.getPointSets()) {
    Value l = indexConst(0), h = current[inner];
    boundsOf(set, pos, dims, syms, l, h);
    end = end ? arith::MaxSIOp::create(rw, loc, end, h) : h;
  }
  Value clipped = arith::MinSIOp::create(rw, loc, end, current[inner]);
  return arith::MaxSIOp::create(rw, loc, clipped, indexConst(0));
}

SmallVector<unsigned> CascadeLowering::innerDims(EinsumOp e) {
  SmallVector<unsigned> dims;
  for (unsigned d = 0; d < e.getNumRanks(); ++d) {
    StringRef r = e.getRankName(d);
    if (r != iter && !llvm::is_contained(outer, r))
      dims.push_back(d);
  }
  return dims;
}

LogicalResult CascadeLowering::analyze() {
  auto einsums = llvm::to_vector(cascade.getBodyBlock().getOps<EinsumOp>());
  if (einsums.empty())
    return cascade.emitOpError() << "has no einsum to lower";
  // The iterative rank of the recurrences.
  for (EinsumOp e : einsums) {
    if (!e.isRecurrence())
      continue;
    StringRef r = e.getRankName(e.getIterativeDim());
    if (!iter.empty() && iter != r)
      return e.emitOpError() << "recurrences over both '" << iter << "' and '"
                             << r << "' cannot be fused into one loop nest";
    iter = r.str();
  }
  // Reductions over the outer part of a partitioned rank need ein-online.
  for (EinsumOp e : einsums)
    for (unsigned d : e.getReducedDims()) {
      RankAttr r = cascade.lookupRank(e.getRankName(d));
      if (r && r.isOuterPart())
        return e.emitOpError()
               << "'" << e.getName() << "' reduces over '" << e.getRankName(d)
               << "', the outer part of a partitioned rank; run ein-online to "
                  "make it a running value before convert-ein-to-loops";
    }
  // Parallel ranks: in every einsum's output. The outer part of a
  // partition can be one (query tiles); its inner parts are then tiles.
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    StringRef n = r.getName().getValue();
    if (r.isInnerPart() || n == iter)
      continue;
    bool everywhere = llvm::all_of(einsums, [&](EinsumOp e) {
      int64_t d = e.rankIndex(n);
      return d >= 0 && !e.isReducedDim(d);
    });
    if (everywhere)
      outer.push_back(n.str());
  }
  // The tile map's ranks are the loops of the nest.
  if (tiles) {
    if (tiles.getRank().getValue() != iter)
      return cascade.emitOpError()
             << "has a tile map over '" << tiles.getRank().getValue()
             << "', which is not the iterative rank of its recurrences";
    for (Attribute a : tiles.getDims()) {
      StringRef n = cast<StringAttr>(a).getValue();
      if (n != iter && !llvm::is_contained(outer, n))
        return cascade.emitOpError()
               << "has a tile map over '" << n
               << "', which is neither a parallel rank nor the iterative one";
    }
  }
  // The verifier checked that the classes name an einsum over the rank.
  if (tiles && tiles.getClasses())
    for (EinsumOp e : einsums)
      if (e.getName() == tiles.getClasses().getValue())
        classifier = e;
  // Partitioned inner parts must be tiles of the iterative rank.
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    if (!r.isOuterPart())
      continue;
    bool used = llvm::any_of(einsums, [&](EinsumOp e) {
      return e.rankIndex(r.getName().getValue()) >= 0;
    });
    if (used && r.getName().getValue() != iter &&
        !llvm::is_contained(outer, r.getName().getValue()))
      return cascade.emitOpError()
             << "rank '" << r.getName().getValue()
             << "' is the outer part of a partition but not the iterative "
                "rank of a recurrence; run ein-online first";
  }
  auto yield = cast<YieldOp>(cascade.getBodyBlock().getTerminator());
  for (auto [i, v] : llvm::enumerate(yield.getValues())) {
    auto e = v.getDefiningOp<EinsumOp>();
    if (!e)
      return cascade.emitOpError()
             << "result #" << i << " must be computed by an einsum";
    yielded[v] = i;
  }
  return schedule();
}

LogicalResult CascadeLowering::schedule() {
  LoopSchedule groups = scheduleAroundLoop(cascade, iter);
  pre = groups.pre;
  loop = groups.loop;
  post = groups.post;
  for (EinsumOp e : loop)
    inLoop.insert(e);
  if (classifier) {
    // The classifier (in the loop: it is over the iterative rank) and the loop
    // einsums it reads; nothing else in the loop may read them.
    SmallVector<Operation *> work = {classifier};
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      if (!classifying.insert(op).second)
        continue;
      for (Value v : cast<EinsumOp>(op).getInputs())
        if (Operation *def = v.getDefiningOp(); def && inLoop.contains(def))
          work.push_back(def);
    }
    for (EinsumOp e : loop)
      if (!classifying.contains(e))
        for (Value v : e.getInputs())
          if (Operation *def = v.getDefiningOp();
              def && classifying.contains(def))
            return e.emitOpError()
                   << "reads '" << tensorName(v)
                   << "', which classifies the tiles it is computed on";
  }
  for (EinsumOp e : loop) {
    int64_t d = e.rankIndex(iter);
    if (!e.isRecurrence() && e.isReducedDim(d))
      return e.emitOpError()
             << "'" << e.getName() << "' reduces over the iterative rank '"
             << iter << "'; make it a recurrence (ein-online) first";
  }
  // A result computed in the loop is written tile by tile; a recurrence's
  // values live only in the loop's two buffers.
  for (EinsumOp e : loop)
    if (yielded.count(e.getResult()) && e.isRecurrence())
      return e.emitOpError()
             << "the cascade returns the recurrence '" << e.getName()
             << "' over the iterative rank '" << iter << "'";
  // A loop einsum must not read a post-loop one.
  for (EinsumOp e : pre)
    for (Value v : e.getInputs())
      if (Operation *def = v.getDefiningOp(); def && inLoop.contains(def))
        return e.emitOpError() << "internal: bad schedule";
  return success();
}

void CascadeLowering::computeExtents() {
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    StringRef n = r.getName().getValue();
    Value v;
    if (r.isInnerPart())
      v = indexConst(r.getTile());
    else if (r.isOuterPart())
      v = arith::CeilDivSIOp::create(rw, loc, extent[r.getParent().getValue()],
                                     indexConst(r.getTile()));
    else if (r.isBound())
      v = memref::DimOp::create(rw, loc, inputs[r.getOperand()], r.getDim());
    else
      v = indexConst(r.getExtent());
    extent[n] = v;
    current[n] = v;
  }
}

Buffer CascadeLowering::allocBuffer(EinsumOp e, bool dropIter) {
  Buffer buf;
  SmallVector<int64_t> shape;
  SmallVector<Value> dynSizes;
  for (unsigned i = 0; i < e.getOutputMap().getNumResults(); ++i) {
    StringRef r = e.getRankName(e.getOutputDim(i));
    if (llvm::is_contained(outer, r) || (dropIter && r == iter))
      continue;
    buf.dims.push_back(r.str());
    RankAttr rank = cascade.lookupRank(r);
    int64_t ext = rank.isInnerPart() ? rank.getTile() : rank.getExtent();
    if (ShapedType::isDynamic(ext))
      dynSizes.push_back(extent[r]);
    shape.push_back(ext);
  }
  auto type = MemRefType::get(
      shape, cast<RankedTensorType>(e.getType()).getElementType());
  // Heap buffers freed at the end of the parallel point: stack buffers
  // would need an allocation scope per point, which the canonicalizer
  // dissolves once the parallel loop is sequential.
  buf.mem = memref::AllocOp::create(rw, loc, type, dynSizes);
  buf.heap = true;
  return buf;
}

Value CascadeLowering::subview(Value src, ArrayRef<OpFoldResult> offsetsIn,
                               ArrayRef<OpFoldResult> sizesIn,
                               ArrayRef<bool> keep) {
  auto srcType = cast<MemRefType>(src.getType());
  // Constants as attributes, so the inferred type is as static as can be.
  SmallVector<OpFoldResult> offsets, sizes;
  for (OpFoldResult o : offsetsIn)
    offsets.push_back(isa<Value>(o) ? getAsOpFoldResult(cast<Value>(o)) : o);
  for (OpFoldResult o : sizesIn)
    sizes.push_back(isa<Value>(o) ? getAsOpFoldResult(cast<Value>(o)) : o);
  SmallVector<OpFoldResult> strides(offsets.size(), rw.getIndexAttr(1));
  SmallVector<int64_t> reducedShape;
  for (auto [s, k] : llvm::zip(sizes, keep)) {
    if (!k)
      continue;
    auto attr = dyn_cast<Attribute>(s);
    reducedShape.push_back(attr ? cast<IntegerAttr>(attr).getInt()
                                : ShapedType::kDynamic);
  }
  MemRefType type = memref::SubViewOp::inferRankReducedResultType(
      reducedShape, srcType, offsets, sizes, strides);
  return memref::SubViewOp::create(rw, loc, type, src, offsets, sizes, strides);
}

Value CascadeLowering::shapeBuffer(StringRef rank) {
  Value &buf = shapeBuffers[rank];
  if (buf)
    return buf;
  OpBuilder::InsertionGuard guard(rw);
  rw.setInsertionPoint(nestStart);
  RankAttr r = cascade.lookupRank(rank);
  int64_t ext = r.isInnerPart() ? r.getTile() : r.getExtent();
  // The full extent is computed before the nest; inner parts are tiles.
  SmallVector<Value> dyn;
  if (ShapedType::isDynamic(ext))
    dyn.push_back(extent[rank]);
  buf = memref::AllocOp::create(rw, loc, MemRefType::get({ext}, rw.getI8Type()),
                                dyn);
  return buf;
}

Value CascadeLowering::viewOfBuffer(const Buffer &buf) {
  SmallVector<OpFoldResult> offsets, sizes;
  SmallVector<bool> keep;
  bool clipped = false;
  for (const std::string &d : buf.dims) {
    offsets.push_back(rw.getIndexAttr(0));
    Value cur = current[d];
    clipped |= cur != extent[d];
    sizes.push_back(cur);
    keep.push_back(true);
  }
  if (!clipped)
    return buf.mem;
  return subview(buf.mem, offsets, sizes, keep);
}

LogicalResult CascadeLowering::intermediateView(EinsumOp e, Value tensor,
                                                AffineMap access, Value &view,
                                                AffineMap &map) {
  auto producer = tensor.getDefiningOp<EinsumOp>();
  SmallVector<unsigned> inner = innerDims(e);
  MLIRContext *ctx = rw.getContext();
  bool recurrent = producer.isRecurrence();
  const Buffer *buf = nullptr;
  SmallVector<AffineExpr> exprs;
  for (unsigned pos = 0; pos < access.getNumResults(); ++pos) {
    StringRef rank = producer.getRankName(producer.getOutputDim(pos));
    AffineExpr a = access.getResult(pos);
    if (rank == iter && !iter.empty()) {
      int64_t iterDim = e.rankIndex(iter);
      AffineExpr at =
          iterDim >= 0 ? getAffineDimExpr(iterDim, ctx) : AffineExpr();
      int64_t sym = -1;
      for (auto [i, s] : llvm::enumerate(e.getSymbols()))
        if (cast<StringAttr>(s).getValue() == iter)
          sym = i;
      if (at && a == at)
        buf = &buffers[tensor];
      else if (at && a == at + 1 && recurrent)
        buf = &nextBuffers[tensor];
      else if (sym >= 0 && a == getAffineSymbolExpr(sym, ctx) && recurrent)
        buf = &finalBuffers[tensor];
      else
        return e.emitOpError() << "reads '" << producer.getName() << "' at "
                               << printAccess(e, access)
                               << ", which the loop nest cannot provide";
      continue;
    }
    if (llvm::is_contained(outer, rank)) {
      if (a != getAffineDimExpr(e.rankIndex(rank), ctx))
        return e.emitOpError() << "reads '" << producer.getName() << "' at "
                               << printAccess(e, access) << "; rank '" << rank
                               << "' must be read at '" << rank << "'";
      continue;
    }
    auto d = dyn_cast<AffineDimExpr>(a);
    if (!d || e.getRankName(d.getPosition()) != rank)
      return e.emitOpError() << "reads '" << producer.getName() << "' at "
                             << printAccess(e, access) << "; rank '" << rank
                             << "' must be read at '" << rank << "'";
    unsigned linalgDim = llvm::find(inner, d.getPosition()) - inner.begin();
    exprs.push_back(getAffineDimExpr(linalgDim, ctx));
  }
  if (!buf)
    buf = &buffers[tensor];
  if (!buf->mem)
    return e.emitOpError() << "internal: no buffer for '" << producer.getName()
                           << "'";
  view = viewOfBuffer(*buf);
  map = AffineMap::get(inner.size(), 0, exprs, ctx);
  return success();
}

std::optional<std::pair<AffineExpr, AffineExpr>>
CascadeLowering::splitAccess(EinsumOp e, AffineExpr a) {
  MLIRContext *ctx = rw.getContext();
  SmallVector<unsigned> inner = innerDims(e);
  SmallVector<AffineExpr> zeroInner, zeroOuter;
  for (unsigned d = 0; d < e.getNumRanks(); ++d) {
    bool isInner = llvm::is_contained(inner, d);
    zeroInner.push_back(isInner ? getAffineConstantExpr(0, ctx)
                                : getAffineDimExpr(d, ctx));
    zeroOuter.push_back(isInner ? getAffineDimExpr(d, ctx)
                                : getAffineConstantExpr(0, ctx));
  }
  unsigned nd = e.getNumRanks(), ns = e.getSymbols().size();
  SmallVector<AffineExpr> zeroSyms(ns, getAffineConstantExpr(0, ctx));
  AffineExpr fixed = simplifyAffineExpr(a.replaceDims(zeroInner), nd, ns);
  AffineExpr moving =
      simplifyAffineExpr(a.replaceDimsAndSymbols(zeroOuter, zeroSyms), nd, ns);
  if (simplifyAffineExpr(fixed + moving, nd, ns) !=
      simplifyAffineExpr(a, nd, ns))
    return std::nullopt;
  return std::make_pair(fixed, moving);
}

bool CascadeLowering::separableAccess(EinsumOp e, unsigned idx) {
  SmallVector<unsigned> moving;
  for (AffineExpr a : e.getInputMap(idx).getResults()) {
    auto parts = splitAccess(e, a);
    if (!parts)
      return false;
    AffineExpr move = parts->second;
    if (auto c = dyn_cast<AffineConstantExpr>(move); c && c.getValue() == 0)
      continue;
    auto d = dyn_cast<AffineDimExpr>(move);
    if (!d || llvm::is_contained(moving, d.getPosition()))
      return false;
    moving.push_back(d.getPosition());
  }
  return true;
}

LogicalResult CascadeLowering::operandView(EinsumOp e, unsigned idx,
                                           Value &view, AffineMap &map) {
  Value tensor = e.getInputs()[idx];
  AffineMap access = e.getInputMap(idx);
  if (tensor == e.getResult())
    return intermediateView(e, tensor, access, view, map);
  if (tensor.getDefiningOp<EinsumOp>())
    return intermediateView(e, tensor, access, view, map);

  // A cascade input: each index is (fixed by the loops) + (one inner dim).
  MLIRContext *ctx = rw.getContext();
  auto arg = cast<BlockArgument>(tensor);
  Value mem = inputs[arg.getArgNumber()];
  SmallVector<unsigned> inner = innerDims(e);
  SmallVector<Value> dimValues, symValues;
  for (unsigned d = 0; d < e.getNumRanks(); ++d)
    dimValues.push_back(llvm::is_contained(inner, d)
                            ? indexConst(0)
                            : rankValue[e.getRankName(d)]);
  for (Attribute s : e.getSymbols())
    symValues.push_back(extent[cast<StringAttr>(s).getValue()]);

  SmallVector<OpFoldResult> offsets, sizes;
  SmallVector<bool> keep;
  SmallVector<AffineExpr> exprs;
  for (AffineExpr a : access.getResults()) {
    auto parts = splitAccess(e, a);
    if (!parts)
      return e.emitOpError() << "access " << printAccess(e, access)
                             << " is not a sum of a part fixed by the loops "
                                "and one rank of the tile";
    auto [fixed, moving] = *parts;
    offsets.push_back(
        affine::expandAffineExpr(rw, loc, fixed, dimValues, symValues));
    if (auto c = dyn_cast<AffineConstantExpr>(moving); c && c.getValue() == 0) {
      sizes.push_back(rw.getIndexAttr(1));
      keep.push_back(false);
      continue;
    }
    auto d = dyn_cast<AffineDimExpr>(moving);
    if (!d)
      return e.emitOpError() << "access " << printAccess(e, access)
                             << " must move along at most one rank of the "
                                "tile, with stride 1";
    sizes.push_back(current[e.getRankName(d.getPosition())]);
    keep.push_back(true);
    unsigned linalgDim = llvm::find(inner, d.getPosition()) - inner.begin();
    exprs.push_back(getAffineDimExpr(linalgDim, ctx));
  }
  view = subview(mem, offsets, sizes, keep);
  map = AffineMap::get(inner.size(), 0, exprs, ctx);
  return success();
}

LogicalResult CascadeLowering::lowerEinsum(EinsumOp e) {
  MLIRContext *ctx = rw.getContext();
  SmallVector<unsigned> inner = innerDims(e);
  SmallVector<Value> ins;
  SmallVector<AffineMap> maps;
  // On a tile the tile map proves full, the condition holds everywhere, and
  // so does the predicate when the map classifies it: the map's operations
  // and operands that only the predicate uses are left out.
  SmallVector<IntegerSet> cond;
  if (!unmasked)
    cond = e.getConditionSets();
  bool dropPredicate = unmasked && classifier;
  Block &mapBlock = e.getMapBlock();
  auto mapYield = cast<YieldOp>(mapBlock.getTerminator());
  DenseSet<Operation *> neededOps;
  DenseSet<unsigned> neededArgs;
  if (dropPredicate) {
    SmallVector<Value> work = {mapYield.getValues()[0]};
    while (!work.empty()) {
      Value x = work.pop_back_val();
      if (auto a = dyn_cast<BlockArgument>(x)) {
        neededArgs.insert(a.getArgNumber());
        continue;
      }
      if (neededOps.insert(x.getDefiningOp()).second)
        llvm::append_range(work, x.getDefiningOp()->getOperands());
    }
  }
  // Operand i is argument slot[i] of the generic, (-1) an input read with
  // memref.load in the body (an access that is not a view of the input), or
  // (-2) not read.
  SmallVector<int> slot;
  for (unsigned i = 0; i < e.getInputs().size(); ++i) {
    Value v;
    AffineMap m;
    if (dropPredicate && !neededArgs.contains(i) &&
        e.getInputs()[i] != e.getResult()) {
      slot.push_back(-2);
      continue;
    }
    if (isa<BlockArgument>(e.getInputs()[i]) && !separableAccess(e, i)) {
      slot.push_back(-1);
      continue;
    }
    if (failed(operandView(e, i, v, m)))
      return failure();
    slot.push_back(ins.size());
    ins.push_back(v);
    maps.push_back(m);
  }
  // A rank that no view spans (its operands are all gathered) gets its loop
  // range from a view of the rank's shape buffer.
  auto spans = [&](unsigned linalgDim) {
    return llvm::any_of(maps, [&](AffineMap m) {
      return llvm::is_contained(m.getResults(),
                                getAffineDimExpr(linalgDim, ctx));
    });
  };
  SmallVector<std::pair<Value, AffineMap>> rangeOperands;
  for (auto [linalgDim, d] : llvm::enumerate(inner)) {
    // Output ranks are spanned by the output view.
    if (spans(linalgDim) || !e.isReducedDim(d))
      continue;
    StringRef rank = e.getRankName(d);
    Value buf = shapeBuffer(rank);
    Value view = subview(buf, {rw.getIndexAttr(0)}, {current[rank]}, {true});
    rangeOperands.push_back(
        {view, AffineMap::get(inner.size(), 0, getAffineDimExpr(linalgDim, ctx),
                              ctx)});
  }
  for (auto &[view, map] : rangeOperands) {
    ins.push_back(view);
    maps.push_back(map);
  }

  // The output: the result buffer at the parallel point, the next value of a
  // recurrence, or the einsum's own buffer.
  Value out;
  SmallVector<AffineExpr> outExprs;
  SmallVector<OpFoldResult> offsets, sizes;
  SmallVector<bool> keep;
  for (unsigned pos = 0; pos < e.getOutputMap().getNumResults(); ++pos) {
    unsigned d = e.getOutputDim(pos);
    StringRef r = e.getRankName(d);
    bool fixed = r == iter || llvm::is_contained(outer, r);
    offsets.push_back(fixed ? OpFoldResult(rankValue[r]) : rw.getIndexAttr(0));
    sizes.push_back(fixed ? OpFoldResult(rw.getIndexAttr(1))
                          : OpFoldResult(current[r]));
    keep.push_back(!fixed);
    if (!fixed)
      outExprs.push_back(
          getAffineDimExpr(llvm::find(inner, d) - inner.begin(), ctx));
  }
  auto y = yielded.find(e.getResult());
  if (y != yielded.end())
    out = subview(results[y->second], offsets, sizes, keep);
  else if (e.isRecurrence())
    out = viewOfBuffer(nextBuffers[e.getResult()]);
  else
    out = viewOfBuffer(buffers[e.getResult()]);
  maps.push_back(AffineMap::get(inner.size(), 0, outExprs, ctx));

  SmallVector<utils::IteratorType> iterators;
  for (unsigned d : inner)
    iterators.push_back(e.isReducedDim(d) ? utils::IteratorType::reduction
                                          : utils::IteratorType::parallel);
  Type elt = cast<RankedTensorType>(e.getType()).getElementType();
  ReductionKind kind = e.getReduction();
  if (kind != ReductionKind::None) {
    Value identity = arith::ConstantOp::create(
        rw, loc, rw.getFloatAttr(elt, reductionIdentity(kind)));
    linalg::FillOp::create(rw, loc, ValueRange{identity}, ValueRange{out});
  }
  double fill = e.getEffectiveFill();
  LogicalResult status = success();
  linalg::GenericOp::create(
      rw, loc, ins, ValueRange{out}, maps, iterators,
      [&](OpBuilder &b, Location l, ValueRange args) {
        Block &block = e.getMapBlock();
        IRMapping mapping;
        // Values of the point's ranks and of the extents, for gathered
        // inputs and the condition; built once, on first use.
        SmallVector<Value> dimValues, symValues;
        auto pointRanks = [&]() {
          if (!dimValues.empty() || e.getNumRanks() == 0)
            return;
          for (unsigned d = 0; d < e.getNumRanks(); ++d) {
            auto it = llvm::find(inner, d);
            dimValues.push_back(
                it != inner.end()
                    ? Value(linalg::IndexOp::create(b, l, it - inner.begin()))
                    : rankValue[e.getRankName(d)]);
          }
          for (Attribute sym : e.getSymbols())
            symValues.push_back(extent[cast<StringAttr>(sym).getValue()]);
        };
        for (auto [i, arg] : llvm::enumerate(block.getArguments())) {
          if (slot[i] == -2)
            continue;
          if (slot[i] >= 0) {
            mapping.map(arg, args[slot[i]]);
            continue;
          }
          pointRanks();
          SmallVector<Value> indices;
          for (AffineExpr a : e.getInputMap(i).getResults())
            indices.push_back(
                affine::expandAffineExpr(b, l, a, dimValues, symValues));
          Value mem =
              inputs[cast<BlockArgument>(e.getInputs()[i]).getArgNumber()];
          mapping.map(arg, memref::LoadOp::create(b, l, mem, indices));
        }
        // The position of the point along a rank: a loop of the nest, or a
        // dimension of this generic.
        auto rankPosition = [&](StringRef rank) -> Value {
          int64_t d = e.rankIndex(rank);
          auto it = llvm::find(inner, d);
          if (it != inner.end())
            return linalg::IndexOp::create(b, l, it - inner.begin());
          return rankValue[rank];
        };
        for (Operation &op : block.without_terminator()) {
          if (dropPredicate && !neededOps.contains(&op))
            continue;
          if (auto index = dyn_cast<IndexOp>(op))
            mapping.map(index.getResult(), rankPosition(index.getRank()));
          else if (auto ext = dyn_cast<ExtentOp>(op))
            mapping.map(ext.getResult(), extent[ext.getRank()]);
          else
            b.clone(op, mapping);
        }
        auto yield = cast<YieldOp>(block.getTerminator());
        Value v = mapping.lookupOrDefault(yield.getValues()[0]);
        // The map's predicate, when it yields one: a point where it is false
        // contributes nothing, as one outside the condition.
        Value keep = yield.getValues().size() > 1 && !dropPredicate
                         ? mapping.lookupOrDefault(yield.getValues()[1])
                         : Value();
        Value acc = args.back();
        Value combined = buildReductionCombine(b, l, kind, acc, v);
        Value any;
        if (!cond.empty()) {
          // The condition on the ranks at this point: a union of
          // conjunctions.
          pointRanks();
          any = emitSetsHold(b, l, cond, dimValues, symValues);
        }
        if (keep)
          any = any ? arith::AndIOp::create(b, l, any, keep) : keep;
        if (any) {
          Value otherwise = kind != ReductionKind::None
                                ? acc
                                : Value(arith::ConstantOp::create(
                                      b, l, b.getFloatAttr(elt, fill)));
          combined = arith::SelectOp::create(b, l, any, combined, otherwise);
        }
        linalg::YieldOp::create(b, l, combined);
      });
  return status;
}

LogicalResult CascadeLowering::run() {
  if (failed(analyze()))
    return failure();
  rw.setInsertionPoint(cascade);
  MLIRContext *ctx = rw.getContext();

  // Inputs as buffers of any layout; the result as a fresh buffer.
  for (Value in : cascade.getInputs()) {
    auto t = cast<RankedTensorType>(in.getType());
    int64_t d = ShapedType::kDynamic;
    SmallVector<int64_t> strides(t.getRank(), d);
    auto type = MemRefType::get(t.getShape(), t.getElementType(),
                                StridedLayoutAttr::get(ctx, d, strides));
    inputs.push_back(bufferization::ToBufferOp::create(rw, loc, type, in,
                                                       /*read_only=*/true));
  }
  computeExtents();
  auto yield = cast<YieldOp>(cascade.getBodyBlock().getTerminator());
  for (auto [i, v] : llvm::enumerate(yield.getValues())) {
    auto resultType = cast<RankedTensorType>(cascade.getResult(i).getType());
    auto e = v.getDefiningOp<EinsumOp>();
    SmallVector<Value> dynSizes;
    for (unsigned d = 0; d < resultType.getRank(); ++d)
      if (resultType.isDynamicDim(d))
        dynSizes.push_back(extent[e.getRankName(e.getOutputDim(d))]);
    results.push_back(memref::AllocOp::create(
        rw, loc,
        MemRefType::get(resultType.getShape(), resultType.getElementType()),
        dynSizes));
  }

  auto body = [&]() -> LogicalResult {
    SmallVector<Buffer> heap;
    // Buffers: one per intermediate; two per recurrence (current, next).
    SmallVector<EinsumOp> recurrences;
    for (auto *group : {&pre, &loop, &post})
      for (EinsumOp e : *group) {
        if (yielded.count(e.getResult()))
          continue;
        bool inside = inLoop.contains(e);
        buffers[e.getResult()] = allocBuffer(e, /*dropIter=*/inside);
        if (e.isRecurrence()) {
          nextBuffers[e.getResult()] = allocBuffer(e, true);
          recurrences.push_back(e);
          heap.push_back(nextBuffers[e.getResult()]);
        }
        heap.push_back(buffers[e.getResult()]);
      }
    for (EinsumOp e : pre)
      if (failed(lowerEinsum(e)))
        return failure();
    if (!iter.empty()) {
      // RX[0] = init
      for (EinsumOp e : recurrences) {
        Type elt = cast<RankedTensorType>(e.getType()).getElementType();
        Value init = arith::ConstantOp::create(
            rw, loc, rw.getFloatAttr(elt, e.getInit()->convertToDouble()));
        linalg::FillOp::create(rw, loc, ValueRange{init},
                               ValueRange{buffers[e.getResult()].mem});
      }
      SmallVector<Value> iterArgs;
      for (EinsumOp e : recurrences)
        iterArgs.push_back(buffers[e.getResult()].mem);
      for (EinsumOp e : recurrences)
        iterArgs.push_back(nextBuffers[e.getResult()].mem);
      // All tiles, or those of the tile map that hold an unmasked point.
      auto [lo, hi] =
          tiles ? visitedRange() : std::make_pair(indexConst(0), current[iter]);
      auto forOp = scf::ForOp::create(rw, loc, lo, hi, indexConst(1), iterArgs);
      rw.setInsertionPointToStart(forOp.getBody());
      Value iv = forOp.getInductionVar();
      rankValue[iter] = iv;
      unsigned n = recurrences.size();
      for (auto [i, e] : llvm::enumerate(recurrences)) {
        buffers[e.getResult()].mem = forOp.getRegionIterArgs()[i];
        nextBuffers[e.getResult()].mem = forOp.getRegionIterArgs()[n + i];
      }
      setTileExtents({iter}, /*atParallelPoint=*/false);
      auto lowerLoop = [&]() -> LogicalResult {
        for (EinsumOp e : loop)
          if (!classifying.contains(e) && failed(lowerEinsum(e)))
            return failure();
        return success();
      };
      // Swap: the next values become the current ones.
      SmallVector<Value> swapped, same;
      for (EinsumOp e : recurrences)
        swapped.push_back(nextBuffers[e.getResult()].mem);
      for (EinsumOp e : recurrences)
        swapped.push_back(buffers[e.getResult()].mem);
      same.append(swapped.begin() + n, swapped.end());
      same.append(swapped.begin(), swapped.begin() + n);
      if (!tiles) {
        if (failed(lowerLoop()))
          return failure();
        scf::YieldOp::create(rw, loc, swapped);
      } else {
        // A tile with no unmasked point leaves the running state as it was
        // (ein-sparsify checked it); a tile with no masked one needs no
        // condition.
        SmallVector<Value> tileDims, tileSyms;
        tileMapPoint(tileDims, tileSyms);
        Value visit =
            emitSetsHold(rw, loc, tiles.getVisitSets(), tileDims, tileSyms);
        // The run-time class of the tile: 0 empty, 1 full, 2 partial.
        Value runtimePartial;
        if (classifier) {
          for (EinsumOp e : loop)
            if (classifying.contains(e) && failed(lowerEinsum(e)))
              return failure();
          Value cls = memref::LoadOp::create(
              rw, loc, buffers[classifier.getResult()].mem, ValueRange{});
          auto above = [&](double t) {
            Value c = arith::ConstantOp::create(
                rw, loc, rw.getFloatAttr(cls.getType(), t));
            return arith::CmpFOp::create(rw, loc, arith::CmpFPredicate::OGT,
                                         cls, c);
          };
          visit = arith::AndIOp::create(rw, loc, visit, above(0.5));
          runtimePartial = above(1.5);
        }
        auto visitIf = scf::IfOp::create(rw, loc, TypeRange(ValueRange(same)),
                                         visit, /*withElseRegion=*/true);
        rw.setInsertionPointToStart(&visitIf.getThenRegion().front());
        SmallVector<IntegerSet> partialSets = tiles.getPartialSets();
        if (partialSets.empty() && !runtimePartial) {
          unmasked = true;
          if (failed(lowerLoop()))
            return failure();
          unmasked = false;
        } else {
          Value partial =
              partialSets.empty()
                  ? runtimePartial
                  : emitSetsHold(rw, loc, partialSets, tileDims, tileSyms);
          if (!partialSets.empty() && runtimePartial)
            partial = arith::OrIOp::create(rw, loc, partial, runtimePartial);
          auto partialIf = scf::IfOp::create(rw, loc, TypeRange{}, partial,
                                             /*withElseRegion=*/true);
          rw.setInsertionPoint(partialIf.thenBlock()->getTerminator());
          // Past the last key any row keeps, the points add only the
          // reductions' identities: the partial tile stops there.
          StringRef inner = tiles.getInner().getValue();
          Value fullExtent = inner.empty() ? Value() : current[inner];
          if (!inner.empty() && !tiles.getPoints().empty())
            current[inner] = keptPoints();
          if (failed(lowerLoop()))
            return failure();
          if (fullExtent)
            current[inner] = fullExtent;
          rw.setInsertionPoint(partialIf.elseBlock()->getTerminator());
          unmasked = true;
          if (failed(lowerLoop()))
            return failure();
          unmasked = false;
          rw.setInsertionPointAfter(partialIf);
        }
        scf::YieldOp::create(rw, loc, swapped);
        rw.setInsertionPointToStart(&visitIf.getElseRegion().front());
        scf::YieldOp::create(rw, loc, same);
        rw.setInsertionPointAfter(visitIf);
        scf::YieldOp::create(rw, loc, visitIf.getResults());
      }
      rw.setInsertionPointAfter(forOp);
      // After the loop: full extents, except the tiles of parallel ranks.
      for (Attribute a : cascade.getRanks()) {
        StringRef n = cast<RankAttr>(a).getName().getValue();
        if (!tileOfParallel.contains(n))
          current[n] = extent[n];
      }
      for (auto [i, e] : llvm::enumerate(recurrences)) {
        Buffer fin = buffers[e.getResult()];
        fin.mem = forOp.getResult(i);
        finalBuffers[e.getResult()] = fin;
      }
    }
    for (EinsumOp e : post)
      if (failed(lowerEinsum(e)))
        return failure();
    // Heap buffers: the loop swaps current and next, so free the originals.
    for (const Buffer &b : heap)
      if (b.heap)
        memref::DeallocOp::create(rw, loc, b.mem);
    return success();
  };

  // Everything the nest needs once is created before it.
  nestStart = arith::ConstantIndexOp::create(rw, loc, 0);
  LogicalResult status = success();
  if (outer.empty()) {
    status = body();
  } else {
    SmallVector<Value> lbs, ubs, steps;
    for (const std::string &r : outer) {
      lbs.push_back(indexConst(0));
      ubs.push_back(extent[r]);
      steps.push_back(indexConst(1));
    }
    auto par = scf::ParallelOp::create(rw, loc, lbs, ubs, steps);
    rw.setInsertionPoint(par.getBody()->getTerminator());
    for (auto [i, r] : llvm::enumerate(outer))
      rankValue[r] = par.getInductionVars()[i];
    setTileExtents(outer, /*atParallelPoint=*/true);
    status = body();
  }
  if (failed(status))
    return failure();
  rw.setInsertionPoint(cascade);
  for (auto &entry : shapeBuffers)
    memref::DeallocOp::create(rw, loc, entry.second);
  SmallVector<Value> tensors;
  for (auto [buffer, type] : llvm::zip(results, cascade.getResultTypes()))
    tensors.push_back(bufferization::ToTensorOp::create(
        rw, loc, type, buffer, /*restrict=*/true, /*writable=*/true));
  rw.replaceOp(cascade, tensors);
  return success();
}

LogicalResult cascade::lowerCascadeToLoops(RewriterBase &rewriter,
                                           CascadeOp cascade) {
  CascadeLowering lowering(rewriter, cascade);
  return lowering.run();
}

namespace {
struct ConvertEinToLoopsPass
    : cascade::impl::ConvertEinToLoopsBase<ConvertEinToLoopsPass> {
  void runOnOperation() override {
    SmallVector<CascadeOp> cascades;
    getOperation()->walk([&](CascadeOp c) { cascades.push_back(c); });
    IRRewriter rewriter(&getContext());
    for (CascadeOp c : cascades)
      if (failed(lowerCascadeToLoops(rewriter, c)))
        return signalPassFailure();
  }
};
} // namespace
