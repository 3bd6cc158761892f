//===- Reassociate.cpp - Contraction order of chains of sums --------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace cascade::ein {
#define GEN_PASS_DEF_EINREASSOCIATE
#include "dialects/Ein/Transforms/Passes.h.inc"
} // namespace cascade::ein

using namespace mlir;
using namespace cascade::ein;

/// Multiply-adds of an einsum: the product of its rank extents (-1 when one
/// is dynamic).
static int64_t costOf(CascadeOp cascade, ArrayRef<std::string> ranks) {
  int64_t n = 1;
  for (const std::string &r : ranks) {
    int64_t e = cascade.staticExtent(r);
    if (ShapedType::isDynamic(e))
      return -1;
    n *= e;
  }
  return n;
}

namespace {
/// `C += W * X...` over `m`, with `W += A * B` over `e`.
struct Chain {
  EinsumOp sum, product;
  unsigned wOperand;                        // W among C's operands
  unsigned aOperand, bOperand;              // A and B among W's operands
  SmallVector<AffineExpr> productDimsInSum; // W's dims in C's iteration space
};
} // namespace

static std::optional<Chain> matchChain(EinsumOp sum) {
  if (sum.getReduction() != ReductionKind::Add || sum.getCondition() ||
      hasPredicate(sum))
    return std::nullopt;
  for (auto [idx, operand] : llvm::enumerate(sum.getInputs())) {
    auto w = operand.getDefiningOp<EinsumOp>();
    if (!w || w == sum || w.getReduction() != ReductionKind::Add ||
        w.getCondition() || hasPredicate(w) || w.isRecurrence() ||
        w.getInputs().size() != 2 || w.getReducedDims().size() != 1)
      continue;
    auto mul = mapResult(w).getDefiningOp<arith::MulFOp>();
    if (!mul)
      continue;
    auto x = dyn_cast<BlockArgument>(mul.getLhs());
    auto y = dyn_cast<BlockArgument>(mul.getRhs());
    if (!x || !y || x == y || x.getOwner() != &w.getMapBlock() ||
        y.getOwner() != &w.getMapBlock())
      continue;
    BlockArgument warg = sum.getMapBlock().getArgument(idx);
    if (!warg.hasOneUse() || !isLinearIn(mapResult(sum), warg))
      continue;
    // W's output dims in C's iteration space; W's reduced dim is new.
    AffineMap access = sum.getInputMap(idx);
    SmallVector<AffineExpr> dims(w.getNumRanks());
    bool plain = true;
    for (unsigned i = 0; i < access.getNumResults(); ++i) {
      plain &= isa<AffineDimExpr>(access.getResult(i));
      dims[w.getOutputDim(i)] = access.getResult(i);
    }
    if (!plain)
      continue;
    // A: the operand of W that does not vary along what C reduces.
    auto variesAlongReduced = [&](unsigned operand) {
      for (AffineExpr e : w.getInputMap(operand).getResults()) {
        for (unsigned d = 0; d < w.getNumRanks(); ++d) {
          if (!e.isFunctionOfDim(d) || w.isReducedDim(d))
            continue;
          for (unsigned r : sum.getReducedDims())
            if (dims[d].isFunctionOfDim(r))
              return true;
        }
      }
      return false;
    };
    unsigned xa = x.getArgNumber(), ya = y.getArgNumber();
    if (!variesAlongReduced(xa) && variesAlongReduced(ya))
      return Chain{sum, w, (unsigned)idx, xa, ya, dims};
    if (!variesAlongReduced(ya) && variesAlongReduced(xa))
      return Chain{sum, w, (unsigned)idx, ya, xa, dims};
  }
  return std::nullopt;
}

int cascade::ein::reassociateContractions(RewriterBase &rewriter,
                                          CascadeOp cascade) {
  int count = 0;
  SmallVector<Chain> chains;
  for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>())
    if (std::optional<Chain> c = matchChain(e))
      chains.push_back(*c);
  for (Chain &c : chains) {
    EinsumOp sum = c.sum, w = c.product;
    std::string eRank = w.getRankName(w.getReducedDims().front()).str();
    if (sum.rankIndex(eRank) >= 0)
      continue; // the contracted rank of W is already a rank of C
    // Ranks: Y keeps what B and C's other operands index, but not what C
    // reduces, plus e; C' iterates C's output ranks and e.
    auto rankOf = [&](AffineExpr d) {
      return sum.getRankName(cast<AffineDimExpr>(d).getPosition()).str();
    };
    SmallVector<std::string> yRanks;
    auto addRanks = [&](AffineMap m, ArrayRef<AffineExpr> dimsInSum) {
      for (AffineExpr r : m.getResults())
        for (unsigned d = 0; d < m.getNumDims(); ++d) {
          if (!r.isFunctionOfDim(d))
            continue;
          std::string name = dimsInSum.empty()
                                 ? sum.getRankName(d).str()
                                 : (dimsInSum[d] ? rankOf(dimsInSum[d])
                                                 : w.getRankName(d).str());
          if (!llvm::is_contained(yRanks, name))
            yRanks.push_back(name);
        }
    };
    addRanks(w.getInputMap(c.bOperand), c.productDimsInSum);
    for (auto [i, v] : llvm::enumerate(sum.getInputs()))
      if (i != c.wOperand)
        addRanks(sum.getInputMap(i), {});
    SmallVector<std::string> yOut;
    for (const std::string &r : yRanks) {
      int64_t ri = sum.rankIndex(r);
      if (ri < 0 || !sum.isReducedDim(ri))
        yOut.push_back(r);
    }
    sortByRankTable(cascade, yOut);
    SmallVector<std::string> before, after, yIter(yOut), cIter;
    for (unsigned d = 0; d < w.getNumRanks(); ++d)
      before.push_back(w.getRankName(d).str());
    int64_t costBefore = costOf(cascade, before);
    SmallVector<std::string> sumRanks;
    for (unsigned d = 0; d < sum.getNumRanks(); ++d)
      sumRanks.push_back(sum.getRankName(d).str());
    int64_t sumCost = costOf(cascade, sumRanks);
    for (unsigned d : sum.getReducedDims())
      yIter.push_back(sum.getRankName(d).str());
    for (unsigned i = 0; i < sum.getOutputMap().getNumResults(); ++i)
      cIter.push_back(sum.getRankName(sum.getOutputDim(i)).str());
    cIter.push_back(eRank);
    int64_t costAfter = costOf(cascade, yIter);
    int64_t cCost = costOf(cascade, cIter);
    if (costBefore < 0 || sumCost < 0 || costAfter < 0 || cCost < 0)
      continue; // dynamic extents: keep the order as written
    // W is shared by its readers; count it once per reader as an upper bound.
    if (costAfter + cCost >= costBefore + sumCost) {
      sum.emitRemark() << "ein-reassociate: keeping '" << sum.getName()
                       << "' as written (" << costBefore + sumCost
                       << " multiply-adds, reassociated " << costAfter + cCost
                       << ")";
      continue;
    }

    // Y[yOut] += B * X...: C's map with W's element replaced by B's.
    rewriter.setInsertionPoint(sum);
    EinsumSpec ys(rewriter.getContext());
    ys.name = cascade.uniqueTensorName(tensorName(w.getInputs()[c.bOperand]) +
                                       (sum.getInputs().size() > 1 ? "" : "S"));
    for (auto [i, v] : llvm::enumerate(sum.getInputs()))
      if (i != c.wOperand)
        ys.name = cascade.uniqueTensorName(
            tensorName(w.getInputs()[c.bOperand]) + tensorName(v));
    ys.reduction = ReductionKind::Add;
    ys.elementType = rewriter.getF32Type();
    for (const std::string &r : yOut)
      ys.output.push_back(ys.dim(r));
    // Operands: B (through W's access, renamed into ranks by name), then C's
    // other operands, in C's order with B in W's place.
    // Dims by name, created only for the ranks an access uses.
    MLIRContext *ctx = rewriter.getContext();
    AffineMap bMap = w.getInputMap(c.bOperand);
    SmallVector<AffineExpr> wDimsNamed;
    for (unsigned d = 0; d < w.getNumRanks(); ++d)
      wDimsNamed.push_back(
          !bMap.isFunctionOfDim(d) ? getAffineConstantExpr(0, ctx)
          : c.productDimsInSum[d]  ? ys.dim(rankOf(c.productDimsInSum[d]))
                                   : ys.dim(w.getRankName(d)));
    SmallVector<AffineExpr> sumDimsNamed;
    for (unsigned d = 0; d < sum.getNumRanks(); ++d) {
      bool used = false;
      for (auto [i, v] : llvm::enumerate(sum.getInputs()))
        used |= i != c.wOperand && sum.getInputMap(i).isFunctionOfDim(d);
      sumDimsNamed.push_back(used ? ys.dim(sum.getRankName(d))
                                  : getAffineConstantExpr(0, ctx));
    }
    for (auto [i, v] : llvm::enumerate(sum.getInputs())) {
      if (i == c.wOperand) {
        SmallVector<AffineExpr> acc;
        for (AffineExpr r : w.getInputMap(c.bOperand).getResults())
          acc.push_back(r.replaceDims(wDimsNamed));
        ys.addInput(w.getInputs()[c.bOperand], acc);
        continue;
      }
      SmallVector<AffineExpr> acc;
      for (AffineExpr r : sum.getInputMap(i).getResults())
        acc.push_back(r.replaceDims(sumDimsNamed));
      ys.addInput(v, acc);
    }
    EinsumOp y = buildEinsumWithMapOf(rewriter, sum.getLoc(), cascade, ys, sum);

    // C'[out of C] += A * Y over e.
    EinsumSpec cs(rewriter.getContext());
    cs.name = sum.getName().str();
    cs.reduction = ReductionKind::Add;
    cs.elementType = cast<RankedTensorType>(sum.getType()).getElementType();
    for (unsigned i = 0; i < sum.getOutputMap().getNumResults(); ++i)
      cs.output.push_back(cs.dim(sum.getRankName(sum.getOutputDim(i))));
    AffineMap aMap = w.getInputMap(c.aOperand);
    SmallVector<AffineExpr> wDimsInC;
    for (unsigned d = 0; d < w.getNumRanks(); ++d)
      wDimsInC.push_back(
          !aMap.isFunctionOfDim(d) ? getAffineConstantExpr(0, ctx)
          : c.productDimsInSum[d]  ? cs.dim(rankOf(c.productDimsInSum[d]))
                                   : cs.dim(w.getRankName(d)));
    SmallVector<AffineExpr> aAcc, yAcc;
    for (AffineExpr r : w.getInputMap(c.aOperand).getResults())
      aAcc.push_back(r.replaceDims(wDimsInC));
    for (const std::string &r : yOut)
      yAcc.push_back(cs.dim(r));
    cs.addInput(w.getInputs()[c.aOperand], aAcc);
    cs.addInput(y, yAcc);
    EinsumOp newSum =
        buildEinsum(rewriter, sum.getLoc(), cascade, cs,
                    [](OpBuilder &b, Location l, ValueRange a) {
                      return arith::MulFOp::create(b, l, a[0], a[1]);
                    });
    newSum.emitRemark() << "ein-reassociate: '" << sum.getName() << "' as "
                        << y.getName() << " then " << sum.getName() << " ("
                        << costAfter + cCost << " multiply-adds instead of "
                        << costBefore + sumCost << ")";
    rewriter.replaceOp(sum, newSum.getResult());
    ++count;
  }
  // Products nobody reads any more (several sums may share one).
  llvm::SetVector<Operation *> products;
  for (Chain &c : chains)
    products.insert(c.product);
  for (Operation *p : products)
    if (p->use_empty())
      rewriter.eraseOp(p);
  return count;
}

namespace {
struct EinReassociatePass
    : cascade::ein::impl::EinReassociateBase<EinReassociatePass> {
  using Base::Base;
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<CascadeOp> cascades;
    getOperation()->walk([&](CascadeOp c) { cascades.push_back(c); });
    for (CascadeOp cascade : cascades) {
      if (chunkCausalContractions(rewriter, cascade, chunk) < 0)
        return signalPassFailure();
      (void)reassociateContractions(rewriter, cascade);
    }
  }
};
} // namespace
