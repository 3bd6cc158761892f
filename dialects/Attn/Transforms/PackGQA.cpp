//===- PackGQA.cpp - Query heads of a group as the rows of one head -------===//
//
// Part of Cascade. In grouped-query attention the G = Hq / Hkv query heads of
// a group read the same keys and values. When nothing in the attention
// depends on which query head or which query position a row is, the G heads
// of a group are one head with G * N query rows: Q [B, Hq, N, D] is, in
// memory, Q [B, Hkv, G * N, D], and so is the result. The cascade then reads
// each key and value tile once for the group instead of once per head, and
// its query tiles hold G times the rows. Decode (N = 1) gains the most:
// its one query row per head would fill 1 lane of a vector.
//
//===----------------------------------------------------------------------===//

#include "dialects/Attn/IR/AttnOps.h"
#include "dialects/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace cascade::attn {
#define GEN_PASS_DEF_ATTNPACKGQA
#include "dialects/Attn/Transforms/Passes.h.inc"
} // namespace cascade::attn

using namespace mlir;
using namespace cascade::attn;

/// Why the query heads of `op` cannot be packed, or "" when they can. A
/// query position or a query head that the attention reads makes the rows
/// of a group differ.
static std::string whyNotPackable(AttentionOp op) {
  auto q = cast<RankedTensorType>(op.getQ().getType());
  if (!q.hasStaticShape() || llvm::any_of(op->getResultTypes(), [](Type t) {
        return !cast<RankedTensorType>(t).hasStaticShape();
      }))
    return "the query's or the results' shape is not static";
  int64_t n = q.getDimSize(2);
  if (std::optional<CausalKind> causal = op.getCausal()) {
    // Bottom-right with one query keeps every key: m <= 0 + M - 1.
    if (!(n == 1 && *causal == CausalKind::BottomRight))
      return "the causal mask depends on the query position";
  }
  if (op.getWindow() || op.getDilation() || op.getSinkTokens())
    return "the window depends on the query position";
  if (op.getQDocIds() || op.getKDocIds())
    return "document ids depend on the query position";
  if (op.getMask() || op.getBlockMask() || op.getBlockSize())
    return "the mask depends on the query position";
  if (!op.getMaskMod().empty() || !op.getScoreMod().empty())
    return "mask_mod and score_mod read the query head and position";
  if (op.getAlibi() || op.getAlibiSlopes())
    return "ALiBi depends on the query head and position";
  if (op.getSinks())
    return "sinks depend on the query head";
  if (op.getBias())
    return "the bias depends on the query head and position";
  if (op.getGate())
    return "the gate depends on the query head and position";
  return "";
}

/// `value` [d0, d1, d2, (d3)] reshaped to [d0, newD1, newD2, (d3)], with the
/// same elements in the same order (d1 * d2 == newD1 * newD2).
static Value regroup(OpBuilder &b, Location loc, Value value, int64_t newD1,
                     int64_t newD2) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<ReassociationIndices> collapse = {{0}, {1, 2}};
  SmallVector<ReassociationIndices> expand = {{0}, {1, 2}};
  if (type.getRank() == 4) {
    collapse.push_back({3});
    expand.push_back({3});
  }
  Value flat = tensor::CollapseShapeOp::create(b, loc, value, collapse);
  shape[1] = newD1;
  shape[2] = newD2;
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), flat,
      expand);
}

namespace {
struct AttnPackGQAPass : cascade::attn::impl::AttnPackGQABase<AttnPackGQAPass> {
  void runOnOperation() override {
    SmallVector<AttentionOp> ops;
    getOperation()->walk([&](AttentionOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (AttentionOp op : ops) {
      auto q = cast<RankedTensorType>(op.getQ().getType());
      auto k = cast<RankedTensorType>(op.getK().getType());
      if (q.isDynamicDim(1) || k.isDynamicDim(1))
        continue;
      int64_t hq = q.getDimSize(1), hkv = k.getDimSize(1);
      if (hkv == 0 || hq == hkv || hq % hkv != 0)
        continue; // MHA: nothing to pack (or the verifier's business)
      int64_t groups = hq / hkv;
      std::string why = whyNotPackable(op);
      if (!why.empty()) {
        op.emitRemark() << "query heads not packed: " << why;
        continue;
      }
      int64_t n = q.getDimSize(2), rows = groups * n;
      rewriter.setInsertionPoint(op);
      Location loc = op.getLoc();
      Value packedQ = regroup(rewriter, loc, op.getQ(), hkv, rows);
      auto packed = cast<AttentionOp>(rewriter.clone(*op));
      packed.getQMutable().assign(packedQ);
      packed.removeCausalAttr();
      for (OpResult r : packed->getResults()) {
        auto t = cast<RankedTensorType>(r.getType());
        SmallVector<int64_t> shape(t.getShape());
        shape[1] = hkv;
        shape[2] = rows;
        r.setType(RankedTensorType::get(shape, t.getElementType()));
      }
      rewriter.setInsertionPointAfter(packed);
      SmallVector<Value> results;
      for (Value r : packed->getResults())
        results.push_back(regroup(rewriter, loc, r, hq, n));
      rewriter.replaceOp(op, results);
      packed.emitRemark() << "query heads packed: " << groups
                          << " per key/value head, as " << rows
                          << " query rows of " << hkv
                          << (hkv == 1 ? " head" : " heads");
    }
  }
};
} // namespace
