//===- Online.cpp - Reductions over a partitioned rank as running state ---===//
//
// Part of Cascade. Derives the one-pass cascade from the two-pass one; see
// the pass description in Passes.td for when this is valid.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

namespace cascade::ein {
#define GEN_PASS_DEF_EINONLINE
#include "dialects/Ein/Transforms/Passes.h.inc"
} // namespace cascade::ein

using namespace mlir;
using namespace cascade::ein;

/// Whether `c`'s map is `exp(x - r)` where `r` is its operand `idx` and `r`
/// is used nowhere else: then replacing `r` by a larger running value `r'`
/// scales the result by `exp(r - r')`.
static bool isExpOfDifference(EinsumOp c, unsigned idx) {
  BlockArgument r = c.getMapBlock().getArgument(idx);
  auto exp = mapResult(c).getDefiningOp<math::ExpOp>();
  if (!exp || !r.hasOneUse())
    return false;
  auto sub = exp.getOperand().getDefiningOp<arith::SubFOp>();
  return sub && sub.getRhs() == r && !mapUses(sub.getLhs(), r);
}

static std::string stripPrefix(StringRef name, StringRef chars) {
  if (name.size() > 1 && chars.contains(name.front()))
    return name.drop_front().str();
  return name.str();
}

/// Output rank names of an einsum, in output order.
static SmallVector<std::string> outputRanks(EinsumOp e) {
  SmallVector<std::string> r;
  for (unsigned i = 0; i < e.getOutputMap().getNumResults(); ++i)
    r.push_back(e.getRankName(e.getOutputDim(i)).str());
  return r;
}

namespace {
/// What happens to one reduction over the iterative rank.
struct Plan {
  EinsumOp reduction;
  bool isRescaler = false; // a max read through exp(x - max) in the pass
  EinsumOp rescaledBy;     // for a sum of rescaled terms: the max
  // Built:
  EinsumOp local, running, factor;
};
} // namespace

LogicalResult cascade::ein::makeOnline(RewriterBase &rewriter,
                                       CascadeOp cascade) {
  MLIRContext *ctx = rewriter.getContext();
  // The iterative rank: the outer part of a partitioned rank that some
  // einsum reduces.
  std::string iter;
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    if (!r.isOuterPart())
      continue;
    StringRef n = r.getName().getValue();
    bool reduced = false;
    for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>()) {
      int64_t d = e.rankIndex(n);
      reduced |= d >= 0 && e.isReducedDim(d);
    }
    if (!reduced)
      continue;
    if (!iter.empty())
      return cascade.emitRemark()
             << "ein-online: both '" << iter << "' and '" << n
             << "' are reduced; make one of them online at a time";
    iter = n.str();
  }
  // Nothing reduces a partitioned rank: already one pass over it.
  if (iter.empty()) {
    return success();
  }
  auto iterates = [&](EinsumOp e) { return e.rankIndex(iter) >= 0; };

  // Classify. Nothing is changed until every reduction has a plan.
  SmallVector<Plan> plans;
  DenseMap<Operation *, unsigned> planOf;
  for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>()) {
    int64_t d = e.rankIndex(iter);
    if (d >= 0 && e.isReducedDim(d)) {
      planOf[e] = plans.size();
      plans.push_back(Plan{e});
    }
  }
  DenseMap<Operation *, EinsumOp> rescaled; // C -> the max it reads
  for (Plan &plan : plans) {
    EinsumOp e = plan.reduction;
    for (OpOperand &use : e->getUses()) {
      auto c = dyn_cast<EinsumOp>(use.getOwner());
      if (!c)
        continue; // the cascade result: the final running value
      if (!iterates(c))
        continue; // read after the pass: it reads the final running value
      // The masked points of the rescaled term must contribute 0: a
      // constant would be rescaled with the rest.
      if (e.getReduction() == ReductionKind::Max &&
          c.getReduction() == ReductionKind::None &&
          c.getEffectiveFill() == 0.0 &&
          isExpOfDifference(c, use.getOperandNumber())) {
        plan.isRescaler = true;
        rescaled[c] = e;
        continue;
      }
      return c.emitRemark()
             << "ein-online: cannot make '" << e.getName()
             << "' a running value: '" << c.getName()
             << "' reads it inside the pass over '" << iter
             << "', and only a max read as exp(x - max) can be replaced by "
                "its running value (defer a division with "
                "ein-defer-division first)";
    }
  }
  // Every reader of a rescaled term must be a sum over the iterative rank
  // that is linear in it, indexed by (at least) the ranks of the max.
  for (auto &[cOp, maxOp] : rescaled) {
    auto c = cast<EinsumOp>(cOp);
    for (OpOperand &use : c->getUses()) {
      auto s = dyn_cast<EinsumOp>(use.getOwner());
      auto it = s ? planOf.find(s) : planOf.end();
      if (!s || it == planOf.end() || s.getReduction() != ReductionKind::Add ||
          !isLinearIn(mapResult(s),
                      s.getMapBlock().getArgument(use.getOperandNumber())))
        return (s ? s.emitRemark() : c.emitRemark())
               << "ein-online: '" << c.getName()
               << "' is rescaled when the running max grows, so every reader "
                  "must be a sum over '"
               << iter << "' linear in it; '"
               << (s ? s.getName() : StringRef("the cascade result"))
               << "' is not";
      // Exactly one factor of the sum may be rescaled: a product of two
      // rescaled terms would need the factor squared.
      unsigned rescaledOperands = 0;
      for (Value v : s.getInputs())
        if (auto d = v.getDefiningOp<EinsumOp>(); d && rescaled.count(d))
          ++rescaledOperands;
      if (rescaledOperands != 1)
        return s.emitRemark()
               << "ein-online: '" << s.getName() << "' reads "
               << rescaledOperands
               << " rescaled terms; a running sum can carry one rescaling "
                  "factor";
      Plan &plan = plans[it->second];
      if (plan.rescaledBy && plan.rescaledBy != maxOp)
        return s.emitRemark()
               << "ein-online: '" << s.getName()
               << "' sums terms rescaled by two different maxima";
      plan.rescaledBy = maxOp;
      SmallVector<std::string> sumOut = outputRanks(s);
      for (const std::string &r : outputRanks(maxOp))
        if (!llvm::is_contained(sumOut, r))
          return s.emitRemark()
                 << "ein-online: '" << s.getName() << "' reduces rank '" << r
                 << "', along which the rescaling factor varies";
    }
  }

  // Build. Tensor names follow the formulas: GM -> LM / RM / PRM,
  // SD -> SLD / RD, SNV -> SLNV / RNV, SN -> SLN.
  auto sortedWithIter = [&](EinsumOp e) {
    SmallVector<std::string> r = outputRanks(e);
    r.push_back(iter);
    sortByRankTable(cascade, r);
    return r;
  };
  auto localName = [&](EinsumOp e) {
    return e.getReduction() == ReductionKind::Max
               ? "L" + stripPrefix(e.getName(), "G")
               : "SL" + stripPrefix(e.getName(), "S");
  };
  auto runningName = [&](EinsumOp e) {
    return "R" + stripPrefix(e.getName(), "GS");
  };
  // Accesses `T[ranks]` with the iterative rank at `iterExpr`.
  auto accessOf = [&](EinsumSpec &s, ArrayRef<std::string> ranks,
                      AffineExpr iterExpr) {
    SmallVector<AffineExpr> acc;
    for (const std::string &r : ranks)
      acc.push_back(r == iter ? iterExpr : s.dim(r));
    return acc;
  };

  DenseMap<Operation *, EinsumOp> newRescaled; // C -> C'
  auto buildLocal = [&](Plan &plan) {
    EinsumOp e = plan.reduction;
    rewriter.setInsertionPoint(e);
    // LX[..., m1, ...] op= (same operands), over the other reduced ranks.
    EinsumSpec s = specFrom(e);
    s.name = cascade.uniqueTensorName(localName(e));
    s.output.clear();
    for (const std::string &r : sortedWithIter(e))
      s.output.push_back(s.dim(r));
    for (auto [i, v] : llvm::enumerate(s.inputs))
      if (auto c = v ? v.getDefiningOp<EinsumOp>() : EinsumOp())
        if (EinsumOp nc = newRescaled.lookup(c))
          s.inputs[i] = nc;
    plan.local = buildEinsumWithMapOf(rewriter, e.getLoc(), cascade, s, e);
  };
  auto buildRunning = [&](Plan &plan) {
    EinsumOp e = plan.reduction;
    rewriter.setInsertionPoint(e);
    SmallVector<std::string> ranks = sortedWithIter(plan.local);
    ranks.erase(llvm::unique(ranks), ranks.end());
    EinsumSpec s(ctx);
    s.name = cascade.uniqueTensorName(runningName(e));
    s.elementType = cast<RankedTensorType>(e.getType()).getElementType();
    s.init = reductionIdentity(e.getReduction());
    AffineExpr m1 = s.dim(iter);
    for (const std::string &r : ranks)
      s.output.push_back(r == iter ? m1 + 1 : s.dim(r));
    s.addInput(Value(), accessOf(s, ranks, m1));
    s.addInput(plan.local, accessOf(s, ranks, m1));
    ReductionKind kind = e.getReduction();
    if (plan.rescaledBy) {
      Plan &maxPlan = plans[planOf[plan.rescaledBy]];
      s.addInput(maxPlan.factor,
                 accessOf(s, sortedWithIter(plan.rescaledBy), m1));
      // RX[m1+1] = RX[m1] * PRM[m1] + LX[m1]
      plan.running =
          buildEinsum(rewriter, e.getLoc(), cascade, s,
                      [](OpBuilder &b, Location l, ValueRange a) {
                        Value scaled = arith::MulFOp::create(b, l, a[0], a[2]);
                        return arith::AddFOp::create(b, l, scaled, a[1]);
                      });
      return;
    }
    // RX[m1+1] = RX[m1] op LX[m1]
    plan.running =
        buildEinsum(rewriter, e.getLoc(), cascade, s,
                    [kind](OpBuilder &b, Location l, ValueRange a) {
                      return buildReductionCombine(b, l, kind, a[0], a[1]);
                    });
  };
  auto buildFactor = [&](Plan &plan) {
    EinsumOp e = plan.reduction;
    rewriter.setInsertionPoint(e);
    SmallVector<std::string> ranks = sortedWithIter(e);
    EinsumSpec s(ctx);
    s.name = cascade.uniqueTensorName("P" + tensorName(plan.running));
    Type elt = cast<RankedTensorType>(e.getType()).getElementType();
    s.elementType = elt;
    AffineExpr m1 = s.dim(iter);
    for (const std::string &r : ranks)
      s.output.push_back(s.dim(r));
    s.addInput(plan.running, accessOf(s, ranks, m1));
    s.addInput(plan.running, accessOf(s, ranks, m1 + 1));
    // PRM[m1] = exp(RM[m1] - RM[m1+1]); while the running max is still
    // -inf nothing has been accumulated, and the factor is taken as 0.
    plan.factor = buildEinsum(
        rewriter, e.getLoc(), cascade, s,
        [elt](OpBuilder &b, Location l, ValueRange a) {
          Value ninf = arith::ConstantOp::create(
              b, l,
              b.getFloatAttr(elt, -std::numeric_limits<double>::infinity()));
          Value empty = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ,
                                              a[1], ninf);
          Value d = arith::SubFOp::create(b, l, a[0], a[1]);
          Value f = math::ExpOp::create(b, l, d);
          Value zero =
              arith::ConstantOp::create(b, l, b.getFloatAttr(elt, 0.0));
          return arith::SelectOp::create(b, l, empty, zero, f);
        });
  };

  // 1. The maxima: LM, RM, PRM.
  for (Plan &plan : plans)
    if (plan.isRescaler) {
      buildLocal(plan);
      buildRunning(plan);
      buildFactor(plan);
    }
  // 2. The rescaled terms read the running max at m1 + 1:
  //    SLN[m1, m0] = exp(BQK[m1, m0] - RM[m1 + 1]).
  for (auto &[cOp, maxOp] : rescaled) {
    auto c = cast<EinsumOp>(cOp);
    Plan &maxPlan = plans[planOf[maxOp]];
    rewriter.setInsertionPoint(c);
    EinsumSpec s = specFrom(c);
    s.name = cascade.uniqueTensorName(
        "SL" + stripPrefix(stripPrefix(c.getName(), "B"), "S"));
    SmallVector<std::string> ranks = sortedWithIter(maxOp);
    for (auto [i, v] : llvm::enumerate(c.getInputs()))
      if (v == maxOp.getResult()) {
        s.inputs[i] = maxPlan.running;
        s.accesses[i] = accessOf(s, ranks, s.dim(iter) + 1);
      }
    newRescaled[c] = buildEinsumWithMapOf(rewriter, c.getLoc(), cascade, s, c);
  }
  // 3. Every other reduction: local part and running part.
  for (Plan &plan : plans)
    if (!plan.isRescaler) {
      buildLocal(plan);
      buildRunning(plan);
    }
  // 4. Readers after the pass read the final running values RX[|m1|].
  for (Plan &plan : plans) {
    EinsumOp e = plan.reduction;
    SmallVector<std::string> ranks = sortedWithIter(e);
    // A returned reduction becomes a read of the final running value:
    // X[...] = RX[..., |m1|, ...].
    if (llvm::any_of(e->getUsers(),
                     [](Operation *u) { return isa<YieldOp>(u); })) {
      EinsumSpec s(ctx);
      s.name = e.getName().str();
      s.elementType = cast<RankedTensorType>(e.getType()).getElementType();
      SmallVector<AffineExpr> acc;
      for (const std::string &r : outputRanks(e))
        s.output.push_back(s.dim(r));
      for (const std::string &r : ranks)
        acc.push_back(r == iter ? s.sym(iter) : s.dim(r));
      s.addInput(plan.running, acc);
      rewriter.setInsertionPoint(e);
      EinsumOp fin =
          buildEinsum(rewriter, e.getLoc(), cascade, s,
                      [](OpBuilder &, Location, ValueRange a) { return a[0]; });
      e.getResult().replaceUsesWithIf(fin.getResult(), [](OpOperand &use) {
        return isa<YieldOp>(use.getOwner());
      });
    }
    for (Operation *user : llvm::make_early_inc_range(e->getUsers())) {
      auto u = dyn_cast<EinsumOp>(user);
      if (!u || iterates(u))
        continue;
      EinsumSpec s = specFrom(u);
      for (auto [i, v] : llvm::enumerate(u.getInputs())) {
        if (v != e.getResult())
          continue;
        // The old access, position by rank name, plus |m1|.
        SmallVector<std::string> oldRanks = outputRanks(e);
        SmallVector<AffineExpr> acc;
        for (const std::string &r : ranks) {
          if (r == iter) {
            acc.push_back(s.sym(iter));
            continue;
          }
          unsigned pos = llvm::find(oldRanks, r) - oldRanks.begin();
          acc.push_back(u.getInputMap(i).getResult(pos));
        }
        // Symbols added by s.sym extend the map's symbol list; the other
        // accesses keep their numbering since symbols only get appended.
        s.inputs[i] = plan.running;
        s.accesses[i] = acc;
      }
      rewriter.setInsertionPoint(u);
      EinsumOp nu = buildEinsumWithMapOf(rewriter, u.getLoc(), cascade, s, u);
      rewriter.replaceOp(u, nu.getResult());
    }
  }
  // 5. The old reductions and rescaled terms are dead now.
  SmallVector<Operation *> dead;
  for (auto &[c, m] : rescaled)
    dead.push_back(c);
  for (Plan &plan : plans)
    dead.push_back(plan.reduction);
  for (Operation *op : dead)
    op->dropAllReferences();
  for (Operation *op : dead)
    rewriter.eraseOp(op);
  return success();
}

namespace {
struct EinOnlinePass : cascade::ein::impl::EinOnlineBase<EinOnlinePass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk(
        [&](CascadeOp cascade) { (void)makeOnline(rewriter, cascade); });
  }
};
} // namespace
