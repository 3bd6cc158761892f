//===- DeferDivision.cpp - Move a division past a contraction -------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"

namespace cascade::ein {
#define GEN_PASS_DEF_EINDEFERDIVISION
#include "dialects/Ein/Transforms/Passes.h.inc"
} // namespace cascade::ein

using namespace mlir;
using namespace cascade::ein;

namespace {
/// One division `D: A = X / Y` read by a sum `C` that can absorb it.
struct DeferCandidate {
  EinsumOp div, sum;
  unsigned sumOperand; // index of A among C's operands
  unsigned numOperand; // index of X among D's operands
  unsigned denOperand; // index of Y among D's operands
  /// D's dims expressed in C's iteration space.
  SmallVector<AffineExpr> dimsInSum;
};
} // namespace

static std::optional<DeferCandidate> matchDefer(EinsumOp sum) {
  if (sum.getReduction() != ReductionKind::Add)
    return std::nullopt;
  Value result = mapResult(sum);
  for (auto [idx, operand] : llvm::enumerate(sum.getInputs())) {
    auto div = operand.getDefiningOp<EinsumOp>();
    if (!div || div == sum || div.getReduction() != ReductionKind::None ||
        div.isRecurrence() || div.getEffectiveFill() != 0.0)
      continue;
    auto quotient = mapResult(div).getDefiningOp<arith::DivFOp>();
    if (!quotient)
      continue;
    auto x = dyn_cast<BlockArgument>(quotient.getLhs());
    auto y = dyn_cast<BlockArgument>(quotient.getRhs());
    if (!x || !y || x.getOwner() != &div.getMapBlock() ||
        y.getOwner() != &div.getMapBlock() || x == y)
      continue;
    BlockArgument a = sum.getMapBlock().getArgument(idx);
    if (!a.hasOneUse() || !isLinearIn(result, a))
      continue;
    // A predicate of the division moves onto the new sum; it must not read
    // the divisor, which the sum no longer has at hand per point.
    auto divYield = cast<YieldOp>(div.getMapBlock().getTerminator());
    if (divYield.getValues().size() > 1 && mapUses(divYield.getValues()[1], y))
      continue;
    // D's dims in C's iteration space: C reads A[i] at position i of D's
    // output, and D's output positions are exactly its dims.
    AffineMap access = sum.getInputMap(idx);
    SmallVector<AffineExpr> dimsInSum(div.getNumRanks());
    for (unsigned i = 0; i < access.getNumResults(); ++i)
      dimsInSum[div.getOutputDim(i)] = access.getResult(i);
    // The divisor must not vary along the ranks C reduces.
    AffineMap yMap = div.getInputMap(y.getArgNumber());
    bool dependsOnReduced = false;
    for (AffineExpr e : yMap.getResults())
      for (unsigned i = 0; i < yMap.getNumSymbols(); ++i)
        dependsOnReduced |= e.isFunctionOfSymbol(i);
    for (AffineExpr e : yMap.getResults()) {
      AffineExpr inSum = e.replaceDims(dimsInSum);
      for (unsigned d : sum.getReducedDims())
        dependsOnReduced |= inSum.isFunctionOfDim(d);
    }
    if (dependsOnReduced)
      continue;
    return DeferCandidate{
        div, sum, (unsigned)idx, x.getArgNumber(), y.getArgNumber(), dimsInSum};
  }
  return std::nullopt;
}

int cascade::ein::deferDivisions(RewriterBase &rewriter, CascadeOp cascade) {
  int count = 0;
  while (true) {
    std::optional<DeferCandidate> cand;
    for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>())
      if ((cand = matchDefer(e)))
        break;
    if (!cand)
      return count;
    EinsumOp div = cand->div, sum = cand->sum;
    Location loc = sum.getLoc();
    rewriter.setInsertionPoint(sum);

    // N[out of C] += C's map with A replaced by X.
    //   sum_m (X / Y) * W = (sum_m X * W) / Y, as Y does not vary along m.
    EinsumSpec num = specFrom(sum);
    std::string name = tensorName(div.getInputs()[cand->numOperand]);
    // Named after what the value multiplies: SN and V make SNV.
    for (auto [i, v] : llvm::enumerate(sum.getInputs()))
      if (i != cand->sumOperand &&
          mapUses(mapResult(sum), sum.getMapBlock().getArgument(i)))
        name += tensorName(v);
    num.name = cascade.uniqueTensorName(name);
    auto rename = [&](AffineMap m) {
      SmallVector<AffineExpr> syms;
      for (Attribute s : div.getSymbols())
        syms.push_back(num.sym(cast<StringAttr>(s).getValue()));
      SmallVector<AffineExpr> out;
      for (AffineExpr e : m.getResults())
        out.push_back(e.replaceDimsAndSymbols(cand->dimsInSum, syms));
      return out;
    };
    num.inputs[cand->sumOperand] = div.getInputs()[cand->numOperand];
    num.accesses[cand->sumOperand] = rename(div.getInputMap(cand->numOperand));
    // Where D's condition fails, A was 0 and added nothing: keep it on N.
    num.addConditionOf(div, cand->dimsInSum);
    // N's output lists its ranks in the rank table's order.
    SmallVector<std::string> outRanks;
    for (unsigned i = 0; i < sum.getOutputMap().getNumResults(); ++i)
      outRanks.push_back(sum.getRankName(sum.getOutputDim(i)).str());
    sortByRankTable(cascade, outRanks);
    num.output.clear();
    for (auto &r : outRanks)
      num.output.push_back(num.dim(r));
    // Where D's predicate fails A was 0 too: D's operands join N so that
    // N evaluates that predicate as well.
    auto divYield = cast<YieldOp>(div.getMapBlock().getTerminator());
    auto sumYield = cast<YieldOp>(sum.getMapBlock().getTerminator());
    bool divPredicate = divYield.getValues().size() > 1;
    unsigned numSumOperands = num.inputs.size();
    // Only the part of D's map that computes its predicate, and only the
    // operands that part reads.
    SmallVector<Operation *> keepSlice;
    SmallVector<unsigned> keepArgs;
    if (divPredicate) {
      Value divKeep = divYield.getValues()[1];
      for (Operation &op : div.getMapBlock().without_terminator())
        if (llvm::any_of(op.getResults(),
                         [&](Value r) { return mapUses(divKeep, r); }))
          keepSlice.push_back(&op);
      for (BlockArgument a : div.getMapBlock().getArguments())
        if (mapUses(divKeep, a)) {
          keepArgs.push_back(a.getArgNumber());
          num.addInput(div.getInputs()[a.getArgNumber()],
                       rename(div.getInputMap(a.getArgNumber())));
        }
    }
    Value keep;
    EinsumOp numOp = buildEinsum(
        rewriter, loc, cascade, num,
        [&](OpBuilder &b, Location l, ValueRange args) {
          IRMapping cm;
          cm.map(sum.getMapBlock().getArguments(),
                 args.take_front(numSumOperands));
          for (Operation &op : sum.getMapBlock().without_terminator())
            b.clone(op, cm);
          if (sumYield.getValues().size() > 1)
            keep = cm.lookupOrDefault(sumYield.getValues()[1]);
          if (divPredicate) {
            IRMapping dm;
            for (auto [k, argNo] : llvm::enumerate(keepArgs))
              dm.map(div.getMapBlock().getArgument(argNo),
                     args[numSumOperands + k]);
            for (Operation *op : keepSlice)
              b.clone(*op, dm);
            Value divKeep = dm.lookupOrDefault(divYield.getValues()[1]);
            keep = keep ? arith::AndIOp::create(b, l, keep, divKeep) : divKeep;
          }
          return cm.lookupOrDefault(sumYield.getValues()[0]);
        });
    if (keep)
      numOp.getMapBlock().getTerminator()->insertOperands(1, keep);

    // C'[out of C] = N / Y, with 0 / 0 := 0: a row whose keys are all masked
    // has N = Y = 0 and gives zeros.
    EinsumSpec fin(rewriter.getContext());
    fin.name = sum.getName().str();
    fin.elementType = cast<RankedTensorType>(sum.getType()).getElementType();
    for (unsigned i = 0; i < sum.getOutputMap().getNumResults(); ++i)
      fin.output.push_back(fin.dim(sum.getRankName(sum.getOutputDim(i))));
    SmallVector<AffineExpr> numAccess;
    for (auto &r : outRanks)
      numAccess.push_back(fin.dim(r));
    fin.addInput(numOp, numAccess);
    // Y's access, from D's dims through C's dims to C''s dims (by name).
    SmallVector<AffineExpr> sumDimsInFin;
    for (unsigned d = 0; d < sum.getNumRanks(); ++d)
      sumDimsInFin.push_back(sum.isReducedDim(d) ? AffineExpr()
                                                 : fin.dim(sum.getRankName(d)));
    SmallVector<AffineExpr> yAccess;
    for (AffineExpr e : div.getInputMap(cand->denOperand).getResults())
      yAccess.push_back(
          e.replaceDims(cand->dimsInSum).replaceDims(sumDimsInFin));
    fin.addInput(div.getInputs()[cand->denOperand], yAccess);
    EinsumOp finOp =
        buildEinsum(rewriter, loc, cascade, fin,
                    [](OpBuilder &b, Location l, ValueRange a) {
                      Value zero = arith::ConstantOp::create(
                          b, l, b.getFloatAttr(a[1].getType(), 0.0));
                      Value isZero = arith::CmpFOp::create(
                          b, l, arith::CmpFPredicate::OEQ, a[1], zero);
                      Value q = arith::DivFOp::create(b, l, a[0], a[1]);
                      return arith::SelectOp::create(b, l, isZero, zero, q);
                    });
    rewriter.replaceOp(sum, finOp.getResult());
    if (div->use_empty())
      rewriter.eraseOp(div);
    ++count;
  }
}

namespace {
struct EinDeferDivisionPass
    : cascade::ein::impl::EinDeferDivisionBase<EinDeferDivisionPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk(
        [&](CascadeOp cascade) { (void)deferDivisions(rewriter, cascade); });
  }
};
} // namespace
