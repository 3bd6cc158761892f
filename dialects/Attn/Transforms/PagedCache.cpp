//===- PagedCache.cpp - Keys and values of a paged KV cache ---------------===//
//
// Part of Cascade. An attention over a paged cache (`block_table`) reads key
// m of sequence b at slot m mod S of page block_table[b, m floordiv S]. The
// attention's cascade indexes keys with affine accesses, so the pages are
// first copied, page by page, into contiguous [B, Hkv, P * S, D] tensors
// that the cascade reads as it reads a contiguous cache.
//
//===----------------------------------------------------------------------===//

#include "dialects/Attn/IR/AttnOps.h"
#include "dialects/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace cascade::attn;

/// The sequences' keys (or values) of `pages` [pages, H, S, X] in the order
/// `table` [B, P] gives: [B, H, P * S, X].
static Value gatherPages(OpBuilder &b, Location loc, Value pages, Value table) {
  auto pt = cast<RankedTensorType>(pages.getType());
  auto tt = cast<RankedTensorType>(table.getType());
  int64_t size = pt.getDimSize(2), perSeq = tt.getDimSize(1);
  auto dimOf = [&](Value t, int64_t d) -> OpFoldResult {
    auto type = cast<RankedTensorType>(t.getType());
    if (!type.isDynamicDim(d))
      return b.getIndexAttr(type.getDimSize(d));
    return tensor::DimOp::create(b, loc, t, d).getResult();
  };
  OpFoldResult batch = dimOf(table, 0), h = dimOf(pages, 1),
               x = dimOf(pages, 3);
  Value init = tensor::EmptyOp::create(
      b, loc,
      SmallVector<OpFoldResult>{batch, h, b.getIndexAttr(perSeq * size), x},
      pt.getElementType());
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value last = arith::SubIOp::create(
      b, loc, getValueOrCreateConstantIndexOp(b, loc, dimOf(pages, 0)), one);
  Value batchEnd = getValueOrCreateConstantIndexOp(b, loc, batch);
  Value pagesEnd = arith::ConstantIndexOp::create(b, loc, perSeq);
  auto outer = scf::ForOp::create(
      b, loc, zero, batchEnd, one, ValueRange{init},
      [&](OpBuilder &ob, Location l, Value seq, ValueRange acc) {
        auto inner = scf::ForOp::create(
            ob, l, zero, pagesEnd, one, acc,
            [&](OpBuilder &ib, Location il, Value j, ValueRange acc2) {
              Value entry =
                  tensor::ExtractOp::create(ib, il, table, ValueRange{seq, j});
              Value page =
                  arith::IndexCastOp::create(ib, il, ib.getIndexType(), entry);
              page = arith::MinSIOp::create(
                  ib, il, arith::MaxSIOp::create(ib, il, page, zero), last);
              SmallVector<OpFoldResult> ones(4, ib.getIndexAttr(1));
              SmallVector<OpFoldResult> sliceSizes = {ib.getIndexAttr(1), h,
                                                      ib.getIndexAttr(size), x};
              Value slice = tensor::ExtractSliceOp::create(
                  ib, il, pages,
                  SmallVector<OpFoldResult>{page, ib.getIndexAttr(0),
                                            ib.getIndexAttr(0),
                                            ib.getIndexAttr(0)},
                  sliceSizes, ones);
              Value start = arith::MulIOp::create(
                  ib, il, j, arith::ConstantIndexOp::create(ib, il, size));
              Value next = tensor::InsertSliceOp::create(
                  ib, il, slice, acc2[0],
                  SmallVector<OpFoldResult>{seq, ib.getIndexAttr(0), start,
                                            ib.getIndexAttr(0)},
                  sliceSizes, ones);
              scf::YieldOp::create(ib, il, next);
            });
        scf::YieldOp::create(ob, l, inner.getResults());
      });
  return outer.getResult(0);
}

AttentionOp cascade::attn::unpageKVCache(RewriterBase &rewriter,
                                         AttentionOp op) {
  Value table = op.getBlockTable();
  if (!table)
    return op;
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  Value k = gatherPages(rewriter, loc, op.getK(), table);
  Value v = gatherPages(rewriter, loc, op.getV(), table);
  auto contiguous = cast<AttentionOp>(rewriter.clone(*op));
  contiguous.getKMutable().assign(k);
  contiguous.getVMutable().assign(v);
  contiguous.getBlockTableMutable().clear();
  rewriter.replaceOp(op, contiguous->getResults());
  return contiguous;
}
