//===- Sparsify.cpp - Which tiles a mask empties, fills or cuts
//------------===//
//
// Part of Cascade. ein-sparsify classifies the tiles of a one-pass cascade
// under its mask condition with Presburger arithmetic and records the result
// as the cascade's #ein.tile_map; convert-ein-to-loops then visits only the
// tiles that can hold an unmasked point and drops the conditions on tiles
// that cannot hold a masked one. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Analysis/FlatLinearValueConstraints.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cascade::ein {
#define GEN_PASS_DEF_EINSPARSIFY
#include "dialects/Ein/Transforms/Passes.h.inc"
} // namespace cascade::ein

using namespace mlir;
using namespace cascade::ein;

//===----------------------------------------------------------------------===//
// Skipping a tile leaves the running state as it was
//===----------------------------------------------------------------------===//

namespace {
/// Checks that a tile where the condition holds nowhere leaves every
/// recurrence unchanged, so that the loop may skip it:
///
/// - an einsum of the loop that carries the condition yields its fill (a
///   reduction: its identity) everywhere on such a tile;
/// - a running maximum `R = max(R, L)` (init -inf) with `L = -inf` there
///   stays, and so does a rescale factor `F = f(R[r], R[r + 1])` computed
///   from running maxima alone when `f(x, x) = 1`;
/// - a running sum `R = R + L` or `R = R * F + L` (init 0) with `L = 0`
///   there and such a factor `F` stays. (For a row whose maximum is still
///   -inf, f(-inf, -inf) may be anything: the row has met no key yet, so
///   its sums are still their initial 0.)
class SkipCheck {
public:
  SkipCheck(CascadeOp cascade, StringRef iter, StringRef cond)
      : cascade(cascade), iter(iter), cond(cond) {}

  /// Empty string when every recurrence is unchanged by an empty tile; the
  /// reason otherwise.
  std::string run(ArrayRef<EinsumOp> loop);

private:
  bool isMax(EinsumOp r);
  bool isSum(EinsumOp r);
  bool isUnitFactor(Value v);
  std::optional<double> emptyValue(Value v) {
    auto p = v.getDefiningOp<EinsumOp>();
    if (!p)
      return std::nullopt;
    auto it = empty.find(p);
    if (it == empty.end())
      return std::nullopt;
    return it->second;
  }

  CascadeOp cascade;
  StringRef iter, cond;
  DenseMap<Operation *, double> empty;
  DenseSet<Operation *> maxima;
};
} // namespace

bool SkipCheck::isMax(EinsumOp r) {
  int64_t self = selfOperand(r);
  auto max = mapResult(r).getDefiningOp();
  if (self < 0 || !max || !isa<arith::MaximumFOp, arith::MaxNumFOp>(max) ||
      !r.getInit() || !std::isinf(r.getInit()->convertToDouble()) ||
      r.getInit()->convertToDouble() > 0)
    return false;
  Block &block = r.getMapBlock();
  for (unsigned k = 0; k < 2; ++k) {
    auto a = dyn_cast<BlockArgument>(max->getOperand(k));
    auto b = dyn_cast<BlockArgument>(max->getOperand(1 - k));
    if (!a || !b || a.getOwner() != &block || b.getOwner() != &block ||
        a.getArgNumber() != self)
      continue;
    std::optional<double> l = emptyValue(r.getInputs()[b.getArgNumber()]);
    if (l && std::isinf(*l) && *l < 0)
      return true;
  }
  return false;
}

bool SkipCheck::isUnitFactor(Value v) {
  auto f = v.getDefiningOp<EinsumOp>();
  if (!f || f.isRecurrence() || f->getParentOp() != cascade.getOperation())
    return false;
  for (Value in : f.getInputs()) {
    auto p = in.getDefiningOp<EinsumOp>();
    if (!p || !maxima.contains(p))
      return false;
  }
  for (double x : {0.0, -2.5, 3.75}) {
    SmallVector<std::optional<double>> args(f.getInputs().size(), x);
    std::optional<double> y = foldMap(f, args);
    if (!y || *y != 1.0)
      return false;
  }
  return true;
}

bool SkipCheck::isSum(EinsumOp r) {
  int64_t self = selfOperand(r);
  auto add = mapResult(r).getDefiningOp<arith::AddFOp>();
  if (self < 0 || !add || !r.getInit() || r.getInit()->convertToDouble() != 0.0)
    return false;
  Block &block = r.getMapBlock();
  auto operandOf = [&](Value v) -> int64_t {
    auto a = dyn_cast<BlockArgument>(v);
    return a && a.getOwner() == &block ? int64_t(a.getArgNumber()) : -1;
  };
  for (unsigned k = 0; k < 2; ++k) {
    Value kept = add->getOperand(k);
    int64_t local = operandOf(add->getOperand(1 - k));
    if (local < 0)
      continue;
    std::optional<double> l = emptyValue(r.getInputs()[local]);
    if (!l || *l != 0.0)
      continue;
    if (operandOf(kept) == self)
      return true;
    auto mul = kept.getDefiningOp<arith::MulFOp>();
    if (!mul)
      continue;
    for (unsigned j = 0; j < 2; ++j) {
      int64_t factor = operandOf(mul->getOperand(1 - j));
      if (operandOf(mul->getOperand(j)) == self && factor >= 0 &&
          isUnitFactor(r.getInputs()[factor]))
        return true;
    }
  }
  return false;
}

std::string SkipCheck::run(ArrayRef<EinsumOp> loop) {
  for (EinsumOp e : loop)
    if (!e.isRecurrence() && isMasked(e) && canonicalMask(cascade, e) == cond)
      empty[e] = e.getEffectiveFill();
  // Maxima first: the factors of the sums read them.
  for (EinsumOp e : loop)
    if (e.isRecurrence() && isMax(e))
      maxima.insert(e);
  for (EinsumOp e : loop) {
    if (!e.isRecurrence() || maxima.contains(e) || isSum(e))
      continue;
    return ("the recurrence '" + e.getName() +
            "' is not a running maximum or sum of the tile's masked values, "
            "so skipping a tile might change it")
        .str();
  }
  return "";
}

//===----------------------------------------------------------------------===//
// The tile sets
//===----------------------------------------------------------------------===//

namespace {
/// The space of the tile sets: the tile ranks (`dims`), then the inner parts
/// of partitioned ranks that the sets project out, and the dynamic extents
/// as symbols.
struct TileSpace {
  CascadeOp cascade;
  SmallVector<std::string> dims, inner, syms;

  unsigned numDims() const { return dims.size() + inner.size(); }
  AffineExpr dim(StringRef r) {
    MLIRContext *ctx = cascade.getContext();
    if (auto it = llvm::find(dims, r); it != dims.end())
      return getAffineDimExpr(it - dims.begin(), ctx);
    auto it = llvm::find(inner, r);
    return getAffineDimExpr(dims.size() + (it - inner.begin()), ctx);
  }
  /// The extent of rank `r`: a constant, or a symbol.
  AffineExpr extent(StringRef r) {
    MLIRContext *ctx = cascade.getContext();
    RankAttr rank = cascade.lookupRank(r);
    if (rank.isInnerPart())
      return getAffineConstantExpr(rank.getTile(), ctx);
    if (rank.isOuterPart())
      return extent(rank.getParent().getValue()).ceilDiv(rank.getTile());
    int64_t e = cascade.staticExtent(r);
    if (!ShapedType::isDynamic(e))
      return getAffineConstantExpr(e, ctx);
    auto it = llvm::find(syms, r);
    if (it == syms.end()) {
      syms.push_back(r.str());
      it = syms.end() - 1;
    }
    return getAffineSymbolExpr(it - syms.begin(), ctx);
  }
};
} // namespace

/// The name of the outer (`outer`) or inner part of the partitioned rank
/// `parent`, or "" when it has none.
static StringRef partOf(CascadeOp cascade, StringAttr parent, bool outer) {
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    if (r.isPartition() && r.getParent() == parent && r.isOuterPart() == outer)
      return r.getName().getValue();
  }
  return "";
}

/// Whether `set` constrains dim `d`.
static bool involves(IntegerSet set, unsigned d) {
  return llvm::any_of(set.getConstraints(),
                      [&](AffineExpr c) { return c.isFunctionOfDim(d); });
}

/// `dom and constraints`, with the inner parts projected out: the tiles
/// that hold a point of the set. Nothing when no tile does. The projection
/// of the rational relaxation may keep tiles with no integer point, never
/// drop one.
static std::optional<IntegerSet> projectToTiles(TileSpace &space,
                                                ArrayRef<AffineExpr> exprs,
                                                ArrayRef<bool> eqs,
                                                unsigned keepInner = 0) {
  MLIRContext *ctx = space.cascade.getContext();
  IntegerSet set =
      IntegerSet::get(space.numDims(), space.syms.size(), exprs, eqs);
  FlatLinearValueConstraints cst(set);
  if (cst.isEmpty())
    return std::nullopt;
  cst.projectOut(space.dims.size() + keepInner, space.inner.size() - keepInner);
  IntegerSet result = cst.getAsIntegerSet(ctx);
  if (!result && cst.getNumLocalVars() > 0) {
    cst.projectOut(cst.getVarKindOffset(presburger::VarKind::Local),
                   cst.getNumLocalVars());
    result = cst.getAsIntegerSet(ctx);
  }
  if (!result)
    return std::nullopt;
  if (cst.isEmpty())
    return std::nullopt;
  cst.removeRedundantConstraints();
  if (IntegerSet simpler = cst.getAsIntegerSet(ctx))
    result = simpler;
  return result;
}

FailureOr<TileClasses> cascade::ein::sparsify(CascadeOp cascade,
                                              std::string &why) {
  MLIRContext *ctx = cascade.getContext();
  auto einsums = llvm::to_vector(cascade.getBodyBlock().getOps<EinsumOp>());
  // The iterative rank: a tile rank of a partition.
  std::string iter;
  for (EinsumOp e : einsums)
    if (e.isRecurrence())
      iter = e.getRankName(e.getIterativeDim()).str();
  SmallVector<EinsumOp> loop;
  std::string cond;
  for (EinsumOp e : einsums)
    if (!iter.empty() && e.rankIndex(iter) >= 0)
      loop.push_back(e);
  for (EinsumOp e : iter.empty() ? einsums : loop) {
    if (!isMasked(e))
      continue;
    std::string c = canonicalMask(cascade, e);
    if (!cond.empty() && c != cond) {
      why = "the einsums of the loop carry different conditions";
      return failure();
    }
    cond = c;
  }
  TileClasses classes;
  if (cond.empty())
    return classes; // nothing is masked
  RankAttr iterRank = iter.empty() ? RankAttr() : cascade.lookupRank(iter);
  if (!iterRank || !iterRank.isOuterPart()) {
    why = "it has no loop over the tiles of a partitioned rank (run "
          "ein-one-pass first)";
    return failure();
  }
  if (cascade.getTilesAttr()) {
    why = "its tiles are classified already";
    return failure();
  }
  auto yield = cast<YieldOp>(cascade.getBodyBlock().getTerminator());
  for (Value v : yield.getValues())
    if (auto e = v.getDefiningOp<EinsumOp>();
        e && llvm::is_contained(loop, e)) {
      why = ("'" + e.getName() +
             "' is a result written inside the loop over '" + iter + "'")
                .str();
      return failure();
    }
  why = SkipCheck(cascade, iter, cond).run(loop);
  if (!why.empty())
    return failure();

  // Parallel ranks: in every einsum's output.
  auto isParallel = [&](StringRef n) {
    RankAttr r = cascade.lookupRank(n);
    return !r.isInnerPart() && n != iter &&
           llvm::all_of(einsums, [&](EinsumOp e) {
             int64_t d = e.rankIndex(n);
             return d >= 0 && !e.isReducedDim(d);
           });
  };
  EinsumOp masked;
  for (EinsumOp e : loop)
    if (isMasked(e))
      masked = e;
  SmallVector<IntegerSet> condSets = masked.getConditionSets();

  // The tile space: the condition's ranks, their inner parts projected out.
  TileSpace space{cascade, {}, {}, {}};
  auto addDim = [&](SmallVector<std::string> &list, StringRef r) {
    if (!llvm::is_contained(list, r))
      list.push_back(r.str());
  };
  for (unsigned d = 0; d < masked.getNumRanks(); ++d) {
    if (llvm::none_of(condSets, [&](IntegerSet s) { return involves(s, d); }))
      continue;
    StringRef n = masked.getRankName(d);
    RankAttr r = cascade.lookupRank(n);
    if (r.isInnerPart()) {
      addDim(space.inner, n);
      StringRef outer = partOf(cascade, r.getParent(), /*outer=*/true);
      if (outer.empty() || (outer != iter && !isParallel(outer))) {
        why = ("the condition involves '" + n +
               "', a part of a rank that is neither the iterative one nor "
               "parallel")
                  .str();
        return failure();
      }
      addDim(space.dims, outer);
    } else if (n == iter || isParallel(n)) {
      addDim(space.dims, n);
    } else {
      why = ("the condition involves '" + n +
             "', which is neither a parallel rank nor the iterative one")
                .str();
      return failure();
    }
  }
  // Without a condition on the ranks (a predicate alone), the map is over
  // the tiles of the iterative rank and classifies them at run time only.
  bool affine = !condSets.empty();
  if (!affine)
    space.dims.push_back(iter);
  if (!llvm::is_contained(space.dims, iter)) {
    why = "the condition does not involve the tiles of '" + iter + "'";
    return failure();
  }
  // Inner parts whose outer part the condition names alone.
  for (std::string outer : space.dims) {
    RankAttr o = cascade.lookupRank(outer);
    if (o.isOuterPart())
      if (StringRef in = partOf(cascade, o.getParent(), /*outer=*/false);
          !in.empty())
        addDim(space.inner, in);
  }
  // The inner part of the iterative rank first: `points` keeps it.
  std::string iterInner =
      partOf(cascade, iterRank.getParent(), /*outer=*/false).str();
  if (auto it = llvm::find(space.inner, iterInner); it != space.inner.end())
    std::rotate(space.inner.begin(), it, it + 1);

  // The domain: every tile rank in range, every inner part within its tile
  // and its parent's extent (the last tile is cut).
  SmallVector<AffineExpr> dom;
  for (const std::string &n : space.dims) {
    RankAttr r = cascade.lookupRank(n);
    AffineExpr x = space.dim(n);
    dom.push_back(x);
    if (!r.isOuterPart())
      dom.push_back(space.extent(n) - 1 - x);
  }
  for (const std::string &n : space.inner) {
    RankAttr r = cascade.lookupRank(n);
    StringRef outer = partOf(cascade, r.getParent(), /*outer=*/true);
    AffineExpr x = space.dim(n);
    dom.push_back(x);
    dom.push_back(r.getTile() - 1 - x);
    dom.push_back(space.extent(r.getParent().getValue()) - 1 -
                  (space.dim(outer) * r.getTile() + x));
  }
  // The condition in the tile space.
  SmallVector<AffineExpr> dimMap, symMap;
  for (unsigned d = 0; d < masked.getNumRanks(); ++d) {
    StringRef n = masked.getRankName(d);
    bool inSpace =
        llvm::is_contained(space.dims, n) || llvm::is_contained(space.inner, n);
    dimMap.push_back(inSpace ? space.dim(n) : getAffineConstantExpr(0, ctx));
  }
  for (Attribute a : masked.getSymbols())
    symMap.push_back(space.extent(cast<StringAttr>(a).getValue()));
  struct Conj {
    SmallVector<AffineExpr> exprs;
    SmallVector<bool> eqs;
  };
  SmallVector<Conj> conds;
  for (IntegerSet s : condSets) {
    Conj c;
    for (unsigned i = 0; i < s.getNumConstraints(); ++i) {
      c.exprs.push_back(
          s.getConstraint(i).replaceDimsAndSymbols(dimMap, symMap));
      c.eqs.push_back(s.isEq(i));
    }
    conds.push_back(std::move(c));
  }
  // Every extent is mapped by now: the sets share the final symbol list.
  auto project = [&](ArrayRef<AffineExpr> extra, ArrayRef<bool> extraEq,
                     unsigned keepInner = 0) {
    SmallVector<AffineExpr> exprs(dom.begin(), dom.end());
    SmallVector<bool> eqs(dom.size(), false);
    exprs.append(extra.begin(), extra.end());
    eqs.append(extraEq.begin(), extraEq.end());
    return projectToTiles(space, exprs, eqs, keepInner);
  };

  // visit: the tiles that hold a point of some conjunction.
  SmallVector<Attribute> visit, partial;
  for (const Conj &c : conds)
    if (std::optional<IntegerSet> s = project(c.exprs, c.eqs))
      visit.push_back(IntegerSetAttr::get(*s));
  if (!affine) // every tile
    visit.push_back(IntegerSetAttr::get(
        IntegerSet::get(1, 0, getAffineDimExpr(0, ctx), false)));
  // points: the points of the iterative rank's tile that the condition
  // keeps for some element of the other ranks, when every reduction over the
  // tile's inner part carries the condition: the points past the last one
  // only add the reductions' identities.
  SmallVector<Attribute> points;
  bool clip = affine && !iterInner.empty() &&
              llvm::is_contained(space.inner, iterInner);
  for (EinsumOp e : loop) {
    int64_t d = e.rankIndex(iterInner);
    if (d >= 0 && e.isReducedDim(d) &&
        (!isMasked(e) || canonicalMask(cascade, e) != cond))
      clip = false;
  }
  if (clip)
    for (const Conj &c : conds)
      if (std::optional<IntegerSet> s = project(c.exprs, c.eqs, 1))
        points.push_back(IntegerSetAttr::get(*s));
  // partial: the tiles that hold a point where every conjunction fails;
  // the negation in disjunctive form, one negated constraint (an equality
  // fails above or below) per conjunction.
  SmallVector<SmallVector<AffineExpr>> choices;
  int64_t combos = 1;
  for (const Conj &c : conds) {
    SmallVector<AffineExpr> alts;
    for (auto [x, eq] : llvm::zip(c.exprs, c.eqs)) {
      alts.push_back(-x - 1);
      if (eq)
        alts.push_back(x - 1);
    }
    combos *= std::max<int64_t>(alts.size(), 1);
    choices.push_back(std::move(alts));
  }
  constexpr int64_t kMaxDisjuncts = 512;
  bool alwaysHolds =
      !affine || llvm::any_of(choices, [](auto &alts) { return alts.empty(); });
  if (alwaysHolds) {
    // A conjunction without constraints: no tile is partial.
  } else if (combos > kMaxDisjuncts) {
    // Too many disjuncts to enumerate: every visited tile is partial.
    if (std::optional<IntegerSet> s = project({}, {}))
      partial.push_back(IntegerSetAttr::get(*s));
  } else {
    SmallVector<unsigned> pick(choices.size(), 0);
    for (int64_t k = 0; k < combos; ++k) {
      SmallVector<AffineExpr> exprs;
      for (auto [alts, p] : llvm::zip(choices, pick))
        exprs.push_back(alts[p]);
      SmallVector<bool> eqs(exprs.size(), false);
      if (std::optional<IntegerSet> s = project(exprs, eqs))
        partial.push_back(IntegerSetAttr::get(*s));
      for (unsigned i = 0; i < pick.size(); ++i) {
        if (++pick[i] < choices[i].size())
          break;
        pick[i] = 0;
      }
    }
  }

  // The predicate, classified at run time from the ranges of what it reads.
  StringAttr classifier;
  if (hasPredicate(masked)) {
    SmallVector<std::string> parallel;
    for (Attribute a : cascade.getRanks()) {
      StringRef n = cast<RankAttr>(a).getName().getValue();
      if (isParallel(n))
        parallel.push_back(n.str());
    }
    OpBuilder b(ctx);
    if (EinsumOp c = buildTileClassifier(b, cascade, masked, iter, parallel,
                                         classes.sources)) {
      classifier = StringAttr::get(ctx, c.getName());
      classes.classifierRanks = parallel;
      classes.classifierRanks.push_back(iter);
    } else if (!affine) {
      why = "no conjunct of its predicate can be bounded on a tile";
      return failure();
    }
  }
  classes.affine = affine;

  SmallVector<Attribute> dimNames, symNames;
  for (const std::string &d : space.dims)
    dimNames.push_back(StringAttr::get(ctx, d));
  for (const std::string &s : space.syms)
    symNames.push_back(StringAttr::get(ctx, s));
  classes.map = TileMapAttr::get(
      ctx, StringAttr::get(ctx, iter), ArrayAttr::get(ctx, dimNames),
      ArrayAttr::get(ctx, symNames), ArrayAttr::get(ctx, visit),
      ArrayAttr::get(ctx, partial), StringAttr::get(ctx, clip ? iterInner : ""),
      ArrayAttr::get(ctx, points), classifier);

  // Count the classes when every extent is static.
  if (affine)
    classes.counts = countTiles(cascade, classes.map);
  return classes;
}

namespace {
struct EinSparsifyPass : cascade::ein::impl::EinSparsifyBase<EinSparsifyPass> {
  using EinSparsifyBase::EinSparsifyBase;

  /// The most tiles print-tiles draws.
  static constexpr int64_t kMaxDrawnTiles = 4096;

  void runOnOperation() override {
    getOperation()->walk([&](CascadeOp cascade) {
      std::string why;
      FailureOr<TileClasses> classes = sparsify(cascade, why);
      if (failed(classes)) {
        cascade.emitRemark() << "cascade '" << cascade.getName()
                             << "': tiles not classified: " << why;
        return;
      }
      if (!classes->map)
        return;
      cascade.setTilesAttr(classes->map);
      auto diag = cascade.emitRemark();
      diag << "cascade '" << cascade.getName() << "': tiles";
      if (classes->affine) {
        if (classes->counts)
          diag << ": " << classes->counts->empty << " empty, "
               << classes->counts->full << " full, " << classes->counts->partial
               << " partial";
        else
          diag << " classified for dynamic extents";
        diag << " (over ";
        llvm::interleaveComma(classes->map.getDims(), diag, [&](Attribute a) {
          diag << cast<StringAttr>(a).getValue();
        });
        diag << ")";
      }
      if (StringAttr c = classes->map.getClasses()) {
        diag << (classes->affine ? ", then" : "")
             << " classified at run time by '" << c.getValue() << "' from ";
        if (classes->sources.empty())
          diag << "the positions";
        else
          llvm::interleaveComma(classes->sources, diag);
        diag << " (over ";
        llvm::interleaveComma(classes->classifierRanks, diag);
        diag << ")";
      }
      if (printTiles && classes->affine) {
        diag.report();
        drawTiles(cascade, classes->map);
      }
    });
  }

  /// The print-tiles remark.
  static void drawTiles(CascadeOp cascade, TileMapAttr map) {
    auto diag = cascade.emitRemark();
    diag << "cascade '" << cascade.getName() << "': tile map";
    std::optional<std::string> grid =
        printTileGrid(cascade, map, kMaxDrawnTiles);
    if (!grid) {
      diag << " not drawn: its extents are dynamic or it has more than "
           << kMaxDrawnTiles << " tiles";
      return;
    }
    diag << " over (";
    llvm::interleaveComma(map.getDims(), diag, [&](Attribute a) {
      diag << cast<StringAttr>(a).getValue();
    });
    diag << "), '#' full, '+' partial, '.' empty:" << *grid;
  }
};
} // namespace
