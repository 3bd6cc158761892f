//===- Split.cpp - The iterative rank in parts, and their merge -----------===//
//
// Part of Cascade. Implements ein-split, described in Passes.td: a one-pass
// cascade over the tiles `m1` of `m` becomes
//
//   parts: m = ms * C + ml, ml = m1 * tile + m0; every einsum gets `ms` as a
//          parallel rank, so each part runs the loop over its own tiles and
//          returns its final running state;
//   merge: the states of the parts combined (maxima by max, sums rescaled by
//          the cascade's own factor from the part's maximum to the merged
//          one), then the einsums that followed the loop.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>
#include <limits>
#include <thread>

namespace cascade::ein {
#define GEN_PASS_DEF_EINSPLIT
#include "dialects/Ein/Transforms/Passes.h.inc"
} // namespace cascade::ein

using namespace mlir;
using namespace cascade::ein;

namespace {
/// How the final state of one recurrence merges across parts.
struct StateMerge {
  EinsumOp rec;
  bool isMax = false;
  /// For a rescaled sum `R = R * F + X`: the einsum computing F, and the
  /// operand of R that reads it.
  EinsumOp factor;
  unsigned factorOperand = 0;
};

/// What ein-split needs to know about a cascade.
struct SplitPlan {
  std::string iter, parent; // m1, m
  int64_t tile = 0;         // |m0|
  int64_t extent = 0;       // |m|
  SmallVector<EinsumOp> pre, loop, post;
  SmallVector<StateMerge> states; // maxima first
  int64_t parallelPoints = 1;     // kDynamic when not static
};
} // namespace

/// The output position of `e` that its rank `rank` indexes, or -1.
static int64_t outputPosition(EinsumOp e, StringRef rank) {
  for (unsigned i = 0; i < e.getOutputMap().getNumResults(); ++i)
    if (e.getRankName(e.getOutputDim(i)) == rank)
      return i;
  return -1;
}

static bool isBlockArgOf(Value v, Block &block, int64_t &index) {
  auto a = dyn_cast<BlockArgument>(v);
  if (!a || a.getOwner() != &block)
    return false;
  index = a.getArgNumber();
  return true;
}

/// `R = max(R, X)` with init -inf.
static bool isRunningMax(EinsumOp r) {
  int64_t self = selfOperand(r);
  Operation *max = mapResult(r).getDefiningOp();
  if (self < 0 || !max || !isa<arith::MaximumFOp, arith::MaxNumFOp>(max) ||
      !r.getInit() || r.getInit()->convertToDouble() != -INFINITY)
    return false;
  int64_t a, b;
  Block &block = r.getMapBlock();
  return isBlockArgOf(max->getOperand(0), block, a) &&
         isBlockArgOf(max->getOperand(1), block, b) &&
         (a == self) != (b == self);
}

/// `R = R + X` or `R = R * F + X` with init 0; `factorOperand` is F's
/// operand (-1 without one).
static bool isRunningSum(EinsumOp r, int64_t &factorOperand) {
  int64_t self = selfOperand(r);
  auto add = mapResult(r).getDefiningOp<arith::AddFOp>();
  if (self < 0 || !add || !r.getInit() || r.getInit()->convertToDouble() != 0)
    return false;
  Block &block = r.getMapBlock();
  for (unsigned k = 0; k < 2; ++k) {
    int64_t x, s, f;
    if (!isBlockArgOf(add->getOperand(1 - k), block, x) || x == self)
      continue;
    Value kept = add->getOperand(k);
    if (isBlockArgOf(kept, block, s) && s == self) {
      factorOperand = -1;
      return true;
    }
    auto mul = kept.getDefiningOp<arith::MulFOp>();
    if (!mul)
      continue;
    for (unsigned j = 0; j < 2; ++j)
      if (isBlockArgOf(mul->getOperand(j), block, s) && s == self &&
          isBlockArgOf(mul->getOperand(1 - j), block, f) && f != self &&
          f != x) {
        factorOperand = f;
        return true;
      }
  }
  return false;
}

/// Whether the factor `f(old, new)` rescales a sum kept relative to the
/// maximum `old` to one relative to `new`, as the merge uses it: the inputs
/// are one running maximum read before (`old`) and after (`new`) the tile;
/// f(x, x) = 1, f(a, b) f(b, c) = f(a, c), and f(-inf, x) is finite (a part
/// that kept no key has sums 0, which must stay 0).
static bool isRescaleFactor(EinsumOp f, StringRef iter, EinsumOp &max) {
  if (f.isRecurrence() || f.getInputs().size() != 2 || hasPredicate(f))
    return false;
  MLIRContext *ctx = f.getContext();
  int64_t iterDim = f.rankIndex(iter);
  if (iterDim < 0)
    return false;
  int oldIdx = -1, newIdx = -1;
  for (auto [i, v] : llvm::enumerate(f.getInputs())) {
    auto m = v.getDefiningOp<EinsumOp>();
    if (!m || !isRunningMax(m) || (max && m != max))
      return false;
    max = m;
    AffineExpr at = f.getInputMap(i).getResult(m.getRecurrencePosition());
    AffineExpr d = getAffineDimExpr(iterDim, ctx);
    if (at == d)
      oldIdx = i;
    else if (at == d + 1)
      newIdx = i;
  }
  if (oldIdx < 0 || newIdx < 0)
    return false;
  auto eval = [&](double o, double n) {
    SmallVector<std::optional<double>> args(2);
    args[oldIdx] = o;
    args[newIdx] = n;
    return foldMap(f, args);
  };
  for (double x : {0.0, -2.5, 3.75}) {
    std::optional<double> y = eval(x, x);
    if (!y || *y != 1.0)
      return false;
  }
  for (auto [a, b, c] : {std::tuple(-1.0, 0.5, 2.0), std::tuple(0.0, 3.0, 3.5),
                         std::tuple(-4.0, -4.0, 1.0)}) {
    std::optional<double> ab = eval(a, b), bc = eval(b, c), ac = eval(a, c);
    if (!ab || !bc || !ac || std::abs(*ab * *bc - *ac) > 1e-5 * std::abs(*ac))
      return false;
  }
  double inf = std::numeric_limits<double>::infinity();
  for (double n : {1.0, -inf}) {
    std::optional<double> y = eval(-inf, n);
    if (!y || !std::isfinite(*y))
      return false;
  }
  return true;
}

/// Checks that `cascade` is a one-pass cascade whose running state merges
/// across parts of its iterative rank; the reason in `why` otherwise.
static FailureOr<SplitPlan> planSplit(CascadeOp cascade, std::string &why) {
  SplitPlan plan;
  SmallVector<EinsumOp> order = einsumsInDependenceOrder(cascade);
  for (EinsumOp e : order)
    if (e.isRecurrence()) {
      StringRef r = e.getRankName(e.getIterativeDim());
      if (!plan.iter.empty() && plan.iter != r) {
        why = "recurrences over both '" + plan.iter + "' and '" + r.str() + "'";
        return failure();
      }
      plan.iter = r.str();
    }
  if (plan.iter.empty()) {
    why = "no running state: the cascade is not a one-pass cascade";
    return failure();
  }
  RankAttr iterRank = cascade.lookupRank(plan.iter);
  if (!iterRank || !iterRank.isOuterPart()) {
    why = "the iterative rank '" + plan.iter +
          "' is not the outer part of a partitioned rank";
    return failure();
  }
  plan.parent = iterRank.getParent().getValue().str();
  plan.tile = iterRank.getTile();
  RankAttr parent = cascade.lookupRank(plan.parent);
  if (parent.isPartition()) {
    why = "the keys are already split ('" + plan.parent + "' is a part of '" +
          parent.getParent().getValue().str() + "')";
    return failure();
  }
  plan.extent = cascade.staticExtent(plan.parent);
  if (ShapedType::isDynamic(plan.extent)) {
    why = "the extent of '" + plan.parent +
          "' is dynamic; the parts are sized from a static one";
    return failure();
  }

  LoopSchedule groups = scheduleAroundLoop(cascade, plan.iter);
  plan.pre = groups.pre;
  plan.loop = groups.loop;
  plan.post = groups.post;
  DenseSet<Operation *> inLoop;
  for (EinsumOp e : plan.loop)
    inLoop.insert(e);
  for (EinsumOp e : plan.loop) {
    bool usesExtent =
        llvm::any_of(e.getSymbols(),
                     [&](Attribute s) {
                       return cast<StringAttr>(s).getValue() == plan.iter;
                     }) ||
        e.getMapBlock()
            .walk([&](ExtentOp x) {
              return x.getRank() == plan.iter ? WalkResult::interrupt()
                                              : WalkResult::advance();
            })
            .wasInterrupted();
    if (usesExtent) {
      why = "'" + e.getName().str() + "' uses the extent of '" + plan.iter +
            "', which differs in a part";
      return failure();
    }
  }

  // Each part's loop sees only its own tiles: nothing in the loop may be a
  // result, or depend on the sums of the tiles before it.
  auto yield = cast<YieldOp>(cascade.getBodyBlock().getTerminator());
  for (Value v : yield.getValues())
    if (Operation *def = v.getDefiningOp(); def && inLoop.contains(def)) {
      why = "'" + tensorName(v) +
            "' is a result written inside the loop over '" + plan.iter + "'";
      return failure();
    }
  for (EinsumOp e : plan.loop) {
    if (e.isRecurrence())
      continue;
    for (Value v : e.getInputs()) {
      auto r = v.getDefiningOp<EinsumOp>();
      if (r && r.isRecurrence() && !isRunningMax(r)) {
        why = "'" + e.getName().str() + "' reads the running state '" +
              r.getName().str() + "' inside the loop";
        return failure();
      }
    }
  }

  // Every recurrence: a running maximum, or a running sum rescaled by a
  // factor of one.
  for (EinsumOp e : plan.loop)
    if (e.isRecurrence() && isRunningMax(e))
      plan.states.push_back({e, /*isMax=*/true, EinsumOp(), 0});
  for (EinsumOp e : plan.loop) {
    if (!e.isRecurrence() || isRunningMax(e))
      continue;
    int64_t f = -1;
    EinsumOp max;
    if (!isRunningSum(e, f)) {
      why = "the recurrence '" + e.getName().str() +
            "' is not a running maximum or sum, so its parts do not merge";
      return failure();
    }
    StateMerge s{e, false, EinsumOp(), 0};
    if (f >= 0) {
      s.factor = e.getInputs()[f].getDefiningOp<EinsumOp>();
      s.factorOperand = f;
      if (!s.factor || !isRescaleFactor(s.factor, plan.iter, max)) {
        why = "the running sum '" + e.getName().str() +
              "' is rescaled by a factor that is not f(old max, new max) "
              "with f(a, b) f(b, c) = f(a, c)";
        return failure();
      }
    }
    plan.states.push_back(s);
  }

  // After the loop, the state is read once it is final.
  MLIRContext *ctx = cascade.getContext();
  for (EinsumOp e : plan.post)
    for (auto [i, v] : llvm::enumerate(e.getInputs())) {
      auto p = v.getDefiningOp<EinsumOp>();
      if (!p || !inLoop.contains(p))
        continue;
      int64_t sym = -1;
      for (auto [k, s] : llvm::enumerate(e.getSymbols()))
        if (cast<StringAttr>(s).getValue() == plan.iter)
          sym = k;
      if (!p.isRecurrence() || sym < 0 ||
          e.getInputMap(i).getResult(p.getRecurrencePosition()) !=
              getAffineSymbolExpr(sym, ctx)) {
        why = "'" + e.getName().str() + "' reads '" + p.getName().str() +
              "' other than its final value";
        return failure();
      }
    }

  // Parallel points: the ranks every einsum keeps (tiles counted whole).
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    StringRef n = r.getName().getValue();
    if (r.isInnerPart() || n == plan.iter)
      continue;
    bool everywhere = llvm::all_of(order, [&](EinsumOp e) {
      int64_t d = e.rankIndex(n);
      return d >= 0 && !e.isReducedDim(d);
    });
    if (!everywhere)
      continue;
    int64_t x = cascade.staticExtent(n);
    if (ShapedType::isDynamic(x) || ShapedType::isDynamic(plan.parallelPoints))
      plan.parallelPoints = ShapedType::kDynamic;
    else
      plan.parallelPoints *= x;
  }
  return plan;
}

/// `exprs` without the one at `pos`.
static SmallVector<AffineExpr> without(ArrayRef<AffineExpr> exprs,
                                       int64_t pos) {
  SmallVector<AffineExpr> out;
  for (auto [i, e] : llvm::enumerate(exprs))
    if ((int64_t)i != pos)
      out.push_back(e);
  return out;
}

/// `e`'s access `map` but its result `skip` (-1: none), as expressions over
/// `spec`'s dims and symbols, matched by name; only the ranks the remaining
/// results use join the spec.
static SmallVector<AffineExpr> accessIn(EinsumSpec &spec, EinsumOp e,
                                        AffineMap map, int64_t skip = -1) {
  MLIRContext *ctx = e.getContext();
  SmallVector<AffineExpr> kept = without(map.getResults(), skip);
  SmallVector<AffineExpr> dims, syms;
  for (unsigned i = 0; i < e.getNumRanks(); ++i) {
    bool used =
        llvm::any_of(kept, [&](AffineExpr x) { return x.isFunctionOfDim(i); });
    dims.push_back(used ? spec.dim(e.getRankName(i))
                        : getAffineConstantExpr(0, ctx));
  }
  for (auto [i, a] : llvm::enumerate(e.getSymbols())) {
    bool used = llvm::any_of(
        kept, [&](AffineExpr x) { return x.isFunctionOfSymbol(i); });
    syms.push_back(used ? spec.sym(cast<StringAttr>(a).getValue())
                        : getAffineConstantExpr(0, ctx));
  }
  SmallVector<AffineExpr> out;
  for (AffineExpr r : kept)
    out.push_back(r.replaceDimsAndSymbols(dims, syms));
  return out;
}

/// The ranks of `e`'s output but `skip`, in order.
static SmallVector<std::string> outputRanks(EinsumOp e, StringRef skip) {
  SmallVector<std::string> ranks;
  for (unsigned i = 0; i < e.getOutputMap().getNumResults(); ++i) {
    StringRef r = e.getRankName(e.getOutputDim(i));
    if (r != skip)
      ranks.push_back(r.str());
  }
  return ranks;
}

static Value identityMap(OpBuilder &, Location, ValueRange args) {
  return args[0];
}

/// Rewrites the cascade as the parts and the merge; one part leaves it
/// unchanged.
static SplitResult applySplit(RewriterBase &rw, CascadeOp cascade,
                              SplitPlan &plan, int64_t parts) {
  MLIRContext *ctx = rw.getContext();
  Location loc = cascade.getLoc();
  int64_t tiles = (plan.extent + plan.tile - 1) / plan.tile;
  int64_t perPart = (tiles + parts - 1) / parts;
  int64_t chunk = perPart * plan.tile;
  int64_t count = (tiles + perPart - 1) / perPart;
  if (count <= 1)
    return {1, plan.extent};
  std::string sName = cascade.uniqueRankName(plan.parent + "s");
  std::string lName = cascade.uniqueRankName(plan.parent + "l");
  StringAttr none = StringAttr::get(ctx, "");
  auto str = [&](StringRef s) { return StringAttr::get(ctx, s); };

  // The parts' rank table: m = ms * chunk + ml, ml = m1 * tile + m0.
  SmallVector<Attribute> partRanks, mergeRanks;
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    mergeRanks.push_back(a);
    if (r.getName().getValue() == plan.iter) {
      partRanks.push_back(RankAttr::get(ctx, str(sName), count, -1, -1,
                                        str(plan.parent), chunk, 1));
      partRanks.push_back(RankAttr::get(ctx, str(lName), chunk, -1, -1,
                                        str(plan.parent), chunk, 0));
      partRanks.push_back(RankAttr::get(ctx, r.getName(), perPart, -1, -1,
                                        str(lName), plan.tile, 1));
    } else if (r.isInnerPart() && r.getParent().getValue() == plan.parent) {
      partRanks.push_back(RankAttr::get(ctx, r.getName(), plan.tile, -1, -1,
                                        str(lName), plan.tile, 0));
    } else {
      partRanks.push_back(a);
    }
  }
  mergeRanks.push_back(
      RankAttr::get(ctx, str(sName), count, -1, -1, none, 0, 0));

  // The final state of each part: [ms, the recurrence's ranks but m1].
  SmallVector<Type> stateTypes;
  SmallVector<Attribute> stateNames;
  for (StateMerge &s : plan.states) {
    auto t = cast<RankedTensorType>(s.rec.getType());
    SmallVector<int64_t> shape = {count};
    for (auto [i, x] : llvm::enumerate(t.getShape()))
      if ((int64_t)i != s.rec.getRecurrencePosition())
        shape.push_back(x);
    stateTypes.push_back(RankedTensorType::get(shape, t.getElementType()));
    stateNames.push_back(
        str(cascade.uniqueTensorName(("F" + s.rec.getName()).str())));
  }

  rw.setInsertionPoint(cascade);
  SmallVector<Attribute> inputNames(cascade.getInputNames().begin(),
                                    cascade.getInputNames().end());
  auto partsOp =
      createCascade(rw, loc, (cascade.getName() + "_parts").str(),
                    cascade.getInputs(), inputNames, partRanks, stateTypes);
  Block &partBody = partsOp.getBodyBlock();
  IRMapping map;
  map.map(cascade.getBodyBlock().getArguments(), partBody.getArguments());
  {
    OpBuilder::InsertionGuard g(rw);
    rw.setInsertionPointToStart(&partBody);
    SmallVector<EinsumOp> rebuilt(plan.pre);
    rebuilt.append(plan.loop);
    for (EinsumOp e : rebuilt) {
      EinsumSpec old = specFrom(e);
      unsigned nd = old.ranks.size();
      EinsumSpec s(ctx);
      s.name = old.name;
      s.reduction = old.reduction;
      s.init = old.init;
      s.fill = old.fill;
      s.elementType = old.elementType;
      s.symbols = old.symbols;
      s.ranks.push_back(sName);
      s.ranks.append(old.ranks.begin(), old.ranks.end());
      AffineExpr ms = getAffineDimExpr(0, ctx);
      // Old dim i is new dim i + 1; the global tile is ms * perPart + m1.
      SmallVector<AffineExpr> shifted, global;
      for (unsigned i = 0; i < nd; ++i) {
        AffineExpr d = getAffineDimExpr(i + 1, ctx);
        shifted.push_back(d);
        global.push_back(old.ranks[i] == plan.iter ? d + ms * perPart : d);
      }
      auto rewrite = [&](ArrayRef<AffineExpr> exprs,
                         ArrayRef<AffineExpr> dims) {
        SmallVector<AffineExpr> out;
        for (AffineExpr x : exprs)
          out.push_back(x.replaceDims(dims));
        return out;
      };
      s.output.push_back(ms);
      llvm::append_range(s.output, rewrite(old.output, shifted));
      for (auto [v, access] : llvm::zip(old.inputs, old.accesses)) {
        if (!v || v.getDefiningOp<EinsumOp>()) {
          SmallVector<AffineExpr> a = {ms};
          llvm::append_range(a, rewrite(access, shifted));
          s.addInput(v ? map.lookup(v) : Value(), a);
        } else {
          s.addInput(map.lookup(v), rewrite(access, global));
        }
      }
      for (const EinsumSpec::Conjunction &c : old.condition)
        s.condition.push_back({rewrite(c.constraints, global), c.eqFlags});
      EinsumOp ne = buildEinsumWithMapOf(rw, e.getLoc(), partsOp, s, e);
      // The tile's position: ms * perPart + m1.
      SmallVector<IndexOp> positions;
      ne.getMapBlock().walk([&](IndexOp op) {
        if (op.getRank() == plan.iter)
          positions.push_back(op);
      });
      for (IndexOp op : positions) {
        OpBuilder::InsertionGuard g2(rw);
        rw.setInsertionPointAfter(op);
        Location l = op.getLoc();
        Value part = IndexOp::create(rw, l, rw.getIndexType(), str(sName));
        Value first = arith::MulIOp::create(
            rw, l, part, arith::ConstantIndexOp::create(rw, l, perPart));
        auto sum = arith::AddIOp::create(rw, l, first, op.getResult());
        rw.replaceAllUsesExcept(op.getResult(), sum.getResult(), sum);
      }
      map.map(e.getResult(), ne.getResult());
    }
    // FR[ms, ...] = R[ms, ..., |m1|, ...]
    SmallVector<Value> finals;
    for (auto [s, name] : llvm::zip(plan.states, stateNames)) {
      EinsumSpec f(ctx);
      f.name = cast<StringAttr>(name).getValue().str();
      f.elementType = cast<RankedTensorType>(s.rec.getType()).getElementType();
      f.output.push_back(f.dim(sName));
      SmallVector<AffineExpr> access = {f.dim(sName)};
      for (unsigned i = 0; i < s.rec.getOutputMap().getNumResults(); ++i) {
        StringRef r = s.rec.getRankName(s.rec.getOutputDim(i));
        if (r == plan.iter) {
          access.push_back(f.sym(plan.iter));
          continue;
        }
        f.output.push_back(f.dim(r));
        access.push_back(f.dim(r));
      }
      f.addInput(map.lookup(s.rec.getResult()), access);
      finals.push_back(
          buildEinsum(rw, loc, partsOp, f, identityMap).getResult());
    }
    YieldOp::create(rw, loc, finals);
  }
  // The tile map, over the global tile ms * perPart + m1.
  if (TileMapAttr tm = cascade.getTilesAttr()) {
    unsigned nd = tm.getDims().size();
    unsigned iterPos = 0;
    for (auto [i, a] : llvm::enumerate(tm.getDims()))
      if (cast<StringAttr>(a).getValue() == plan.iter)
        iterPos = i;
    auto remap = [&](ArrayAttr sets, unsigned extra) {
      SmallVector<Attribute> out;
      for (Attribute a : sets) {
        IntegerSet set = cast<IntegerSetAttr>(a).getValue();
        SmallVector<AffineExpr> dims;
        AffineExpr ms = getAffineDimExpr(nd, ctx);
        for (unsigned i = 0; i < nd; ++i) {
          AffineExpr d = getAffineDimExpr(i, ctx);
          dims.push_back(i == iterPos ? d + ms * perPart : d);
        }
        for (unsigned i = 0; i < extra; ++i)
          dims.push_back(getAffineDimExpr(nd + 1 + i, ctx));
        SmallVector<AffineExpr> cs;
        for (AffineExpr c : set.getConstraints())
          cs.push_back(c.replaceDims(dims));
        out.push_back(IntegerSetAttr::get(IntegerSet::get(
            nd + 1 + extra, set.getNumSymbols(), cs, set.getEqFlags())));
      }
      return ArrayAttr::get(ctx, out);
    };
    SmallVector<Attribute> dims(tm.getDims().begin(), tm.getDims().end());
    dims.push_back(str(sName));
    partsOp.setTilesAttr(TileMapAttr::get(
        ctx, tm.getRank(), ArrayAttr::get(ctx, dims), tm.getSymbols(),
        remap(tm.getVisit(), 0), remap(tm.getPartial(), 0), tm.getInner(),
        remap(tm.getPoints(), 1), tm.getClasses()));
  }

  // The merge: the inputs the einsums after the loop read (directly or
  // through einsums before it), then the parts' final states.
  Block &oldBody = cascade.getBodyBlock();
  DenseSet<Operation *> needed;
  SmallVector<Value> work;
  for (EinsumOp e : plan.post)
    llvm::append_range(work, e.getInputs());
  while (!work.empty()) {
    auto p = work.pop_back_val().getDefiningOp<EinsumOp>();
    if (p && llvm::is_contained(plan.pre, p) && needed.insert(p).second)
      llvm::append_range(work, p.getInputs());
  }
  llvm::SetVector<Value> usedArgs;
  for (EinsumOp e : plan.pre)
    if (needed.contains(e))
      for (Value v : e.getInputs())
        if (isa<BlockArgument>(v))
          usedArgs.insert(v);
  for (EinsumOp e : plan.post)
    for (Value v : e.getInputs())
      if (isa<BlockArgument>(v))
        usedArgs.insert(v);
  SmallVector<Value> mergeInputs;
  SmallVector<Attribute> mergeNames;
  for (Value a : usedArgs) {
    unsigned i = cast<BlockArgument>(a).getArgNumber();
    mergeInputs.push_back(cascade.getInputs()[i]);
    mergeNames.push_back(cascade.getInputNames()[i]);
  }
  llvm::append_range(mergeInputs, partsOp.getResults());
  llvm::append_range(mergeNames, stateNames);
  auto mergeOp =
      createCascade(rw, loc, (cascade.getName() + "_merge").str(), mergeInputs,
                    mergeNames, mergeRanks, cascade.getResultTypes());
  Block &mergeBody = mergeOp.getBodyBlock();
  IRMapping mm;
  for (auto [i, a] : llvm::enumerate(usedArgs))
    mm.map(a, mergeBody.getArgument(i));
  {
    OpBuilder::InsertionGuard g(rw);
    rw.setInsertionPointToStart(&mergeBody);
    auto stateArg = [&](unsigned i) {
      return mergeBody.getArgument(usedArgs.size() + i);
    };
    for (EinsumOp e : plan.pre) {
      if (!needed.contains(e))
        continue;
      EinsumSpec s = specFrom(e);
      for (Value &v : s.inputs)
        v = mm.lookup(v);
      mm.map(e.getResult(),
             buildEinsumWithMapOf(rw, e.getLoc(), mergeOp, s, e).getResult());
    }
    // The merged states, maxima first: the sums' factors read them.
    DenseMap<Operation *, Value> merged;
    DenseMap<Operation *, unsigned> stateIndex;
    DenseMap<Operation *, Value> scales; // per factor einsum
    for (auto [i, s] : llvm::enumerate(plan.states))
      stateIndex[s.rec] = i;
    for (auto [i, s] : llvm::enumerate(plan.states)) {
      StringRef name = s.rec.getName();
      EinsumSpec c(ctx);
      c.name = mergeOp.uniqueTensorName(("M" + name).str());
      c.elementType = cast<RankedTensorType>(s.rec.getType()).getElementType();
      for (const std::string &r : outputRanks(s.rec, plan.iter))
        c.output.push_back(c.dim(r));
      SmallVector<AffineExpr> own = {c.dim(sName)};
      llvm::append_range(own, c.output);
      if (s.isMax) {
        c.reduction = ReductionKind::Max;
        c.addInput(stateArg(i), own);
        merged[s.rec] =
            buildEinsum(rw, loc, mergeOp, c, identityMap).getResult();
        continue;
      }
      c.reduction = ReductionKind::Add;
      c.addInput(stateArg(i), own);
      if (!s.factor) {
        merged[s.rec] =
            buildEinsum(rw, loc, mergeOp, c, identityMap).getResult();
        continue;
      }
      // SF[ms, ...] = f(FM[ms, ...], MM[...]): from the part's maximum to
      // the merged one.
      EinsumOp f = s.factor;
      int64_t fIter = outputPosition(f, plan.iter);
      Value &scale = scales[f];
      if (!scale) {
        EinsumSpec sf(ctx);
        sf.name = mergeOp.uniqueTensorName(("S" + f.getName()).str());
        sf.elementType = cast<RankedTensorType>(f.getType()).getElementType();
        sf.output.push_back(sf.dim(sName));
        llvm::append_range(sf.output, accessIn(sf, f, f.getOutputMap(), fIter));
        for (auto [k, v] : llvm::enumerate(f.getInputs())) {
          auto max = v.getDefiningOp<EinsumOp>();
          int64_t pos = max.getRecurrencePosition();
          SmallVector<AffineExpr> a = accessIn(sf, f, f.getInputMap(k), pos);
          AffineExpr at = f.getInputMap(k).getResult(pos);
          bool before = at == getAffineDimExpr(f.rankIndex(plan.iter), ctx);
          if (before) {
            a.insert(a.begin(), sf.dim(sName));
            sf.addInput(stateArg(stateIndex[max]), a);
          } else {
            sf.addInput(merged[max], a);
          }
        }
        scale = buildEinsumWithMapOf(rw, loc, mergeOp, sf, f).getResult();
      }
      SmallVector<AffineExpr> fa = {c.dim(sName)};
      llvm::append_range(
          fa, accessIn(c, s.rec, s.rec.getInputMap(s.factorOperand), fIter));
      c.addInput(scale, fa);
      merged[s.rec] =
          buildEinsum(
              rw, loc, mergeOp, c,
              [](OpBuilder &b, Location l, ValueRange a) {
                return arith::MulFOp::create(b, l, a[0], a[1]).getResult();
              })
              .getResult();
    }
    // The einsums after the loop, on the merged state.
    for (EinsumOp e : plan.post) {
      EinsumSpec s = specFrom(e);
      for (auto [k, v] : llvm::enumerate(s.inputs)) {
        Operation *def = v.getDefiningOp();
        if (Value m = merged.lookup(def)) {
          s.accesses[k] = without(s.accesses[k],
                                  cast<EinsumOp>(def).getRecurrencePosition());
          v = m;
        } else {
          v = mm.lookup(v);
        }
      }
      mm.map(e.getResult(),
             buildEinsumWithMapOf(rw, e.getLoc(), mergeOp, s, e).getResult());
    }
    SmallVector<Value> results;
    for (Value v : cast<YieldOp>(oldBody.getTerminator()).getValues())
      results.push_back(mm.lookup(v));
    YieldOp::create(rw, loc, results);
  }
  rw.replaceOp(cascade, mergeOp.getResults());
  return {count, chunk};
}

FailureOr<SplitResult> cascade::ein::splitIterativeRank(RewriterBase &rewriter,
                                                        CascadeOp cascade,
                                                        int64_t parts,
                                                        int64_t threads,
                                                        std::string &why) {
  FailureOr<SplitPlan> plan = planSplit(cascade, why);
  if (failed(plan))
    return failure();
  int64_t tiles = (plan->extent + plan->tile - 1) / plan->tile;
  if (parts <= 0) {
    // Enough parallel points for every thread several times over (so that
    // uneven ones balance), each part at least kMinTiles tiles long.
    constexpr int64_t kPointsPerThread = 4, kMinTiles = 8;
    if (threads <= 0)
      threads = std::max(1u, std::thread::hardware_concurrency());
    int64_t points = plan->parallelPoints;
    if (ShapedType::isDynamic(points)) {
      why = "the number of parallel points is not static";
      return failure();
    }
    int64_t wanted = kPointsPerThread * threads;
    parts = points >= wanted ? 1 : (wanted + points - 1) / points;
    parts = std::min(parts, std::max<int64_t>(1, tiles / kMinTiles));
    if (parts <= 1) {
      why = std::to_string(points) + " parallel points keep " +
            std::to_string(threads) +
            (threads == 1 ? " thread busy" : " threads busy");
      return SplitResult{1, plan->extent};
    }
  }
  return applySplit(rewriter, cascade, *plan, parts);
}

namespace {
struct EinSplitPass : cascade::ein::impl::EinSplitBase<EinSplitPass> {
  using Base::Base;
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<CascadeOp> cascades;
    getOperation()->walk([&](CascadeOp c) { cascades.push_back(c); });
    for (CascadeOp c : cascades) {
      std::string name = c.getName().str();
      Location loc = c.getLoc();
      std::string why;
      FailureOr<SplitResult> r =
          splitIterativeRank(rewriter, c, parts, threads, why);
      if (failed(r)) {
        emitRemark(loc) << "cascade '" << name << "': not split: " << why;
        continue;
      }
      if (r->parts <= 1) {
        emitRemark(loc) << "cascade '" << name << "': not split: "
                        << (why.empty() ? std::string("one part") : why);
        continue;
      }
      emitRemark(loc) << "cascade '" << name << "': split into " << r->parts
                      << " parts of " << r->keys << " keys";
    }
  }
};
} // namespace
