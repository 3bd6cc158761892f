//===- OnePass.cpp - One pass over a rank, or the multi-pass schedule -----===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Transforms.h"

namespace cascade::ein {
#define GEN_PASS_DEF_EINONEPASS
#include "dialects/Ein/Transforms/Passes.h.inc"
} // namespace cascade::ein

using namespace mlir;
using namespace cascade::ein;

LogicalResult cascade::ein::deriveOnePass(RewriterBase &rewriter,
                                          CascadeOp cascade, StringRef rank,
                                          int64_t tile) {
  // Nothing to traverse: no einsum iterates the rank.
  bool used = false;
  for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>())
    used |= e.rankIndex(rank) >= 0;
  if (!used)
    return success();
  rewriter.setInsertionPoint(cascade);
  auto copy = cast<CascadeOp>(rewriter.clone(*cascade));
  if (succeeded(partitionRank(rewriter, copy, rank, tile)) &&
      succeeded(makeOnline(rewriter, copy))) {
    rewriter.replaceOp(cascade, copy.getResults());
    return success();
  }
  rewriter.eraseOp(copy);
  int64_t passes = 0;
  for (const RankPassCount &c : countPasses(cascade))
    if (c.rank == rank)
      passes = c.passes;
  cascade.emitRemark() << "ein-one-pass: keeping the " << passes
                       << "-pass schedule over '" << rank << "'";
  return failure();
}

bool cascade::ein::readsBF16(CascadeOp cascade) {
  return llvm::any_of(cascade.getBodyBlock().getArgumentTypes(), [](Type t) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    return tensor && tensor.getElementType().isBF16();
  });
}

namespace {
struct EinOnePassPass : cascade::ein::impl::EinOnePassBase<EinOnePassPass> {
  using Base::Base;
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<CascadeOp> cascades;
    getOperation()->walk([&](CascadeOp c) { cascades.push_back(c); });
    for (CascadeOp c : cascades)
      (void)deriveOnePass(rewriter, c, rank,
                          bf16Tile > 0 && readsBF16(c) ? bf16Tile : tile);
  }
};
} // namespace
