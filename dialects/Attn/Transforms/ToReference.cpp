//===- ToReference.cpp - attn.attention to reference calls ----------------===//
//
// Part of Cascade. Compiles a graph against the runtime's straightforward
// fp64 attention, so the whole graph has a reference to compare with.
//
//===----------------------------------------------------------------------===//

#include "dialects/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"

namespace cascade::attn {
#define GEN_PASS_DEF_ATTNTOREFERENCE
#include "dialects/Attn/Transforms/Passes.h.inc"
} // namespace cascade::attn

using namespace mlir;
using namespace cascade::attn;

static constexpr StringLiteral kRefName = "cascade_ref_attention_f32";

/// memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
static MemRefType anyLayout4D(MLIRContext *ctx) {
  int64_t d = ShapedType::kDynamic;
  auto layout = StridedLayoutAttr::get(ctx, d, {d, d, d, d});
  return MemRefType::get({d, d, d, d}, Float32Type::get(ctx), layout);
}

namespace {
struct AttnToReferencePass
    : cascade::attn::impl::AttnToReferenceBase<AttnToReferencePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<AttentionOp> ops;
    module.walk([&](AttentionOp op) { ops.push_back(op); });
    if (ops.empty())
      return;
    for (AttentionOp op : ops)
      if (!op.getType().getElementType().isF32()) {
        op.emitOpError() << "the reference implementation supports f32 "
                            "attention only, found "
                         << op.getType().getElementType();
        return signalPassFailure();
      }

    OpBuilder b(ctx);
    MemRefType any = anyLayout4D(ctx);
    if (!module.lookupSymbol<func::FuncOp>(kRefName)) {
      b.setInsertionPointToStart(module.getBody());
      auto fnType = b.getFunctionType(
          {any, any, any, any, b.getF32Type(), b.getI32Type()}, {});
      auto fn = func::FuncOp::create(b, module.getLoc(), kRefName, fnType);
      fn.setPrivate();
      fn->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    }

    for (AttentionOp op : ops) {
      b.setInsertionPoint(op);
      Location loc = op.getLoc();
      int64_t d = ShapedType::kDynamic;
      auto strided = [&](RankedTensorType t) {
        return MemRefType::get(t.getShape(), t.getElementType(),
                               StridedLayoutAttr::get(ctx, d, {d, d, d, d}));
      };
      SmallVector<Value> args;
      for (Value t : {op.getQ(), op.getK(), op.getV()}) {
        auto tt = cast<RankedTensorType>(t.getType());
        Value m = bufferization::ToBufferOp::create(b, loc, strided(tt), t,
                                                    /*read_only=*/true);
        args.push_back(memref::CastOp::create(b, loc, any, m));
      }
      RankedTensorType outType = op.getType();
      SmallVector<Value> dynSizes;
      for (int64_t i = 0; i < 4; ++i)
        if (outType.isDynamicDim(i)) {
          // Dv from v, the rest from q.
          Value src = i == 3 ? op.getV() : op.getQ();
          dynSizes.push_back(tensor::DimOp::create(b, loc, src, i));
        }
      auto outMemType = MemRefType::get(outType.getShape(), b.getF32Type());
      Value out = memref::AllocOp::create(b, loc, outMemType, dynSizes);
      args.push_back(memref::CastOp::create(b, loc, any, out));
      args.push_back(arith::ConstantOp::create(
          b, loc, b.getF32FloatAttr(op.getEffectiveScale())));
      int32_t causal =
          op.getCausal() ? static_cast<int32_t>(*op.getCausal()) : 0;
      args.push_back(
          arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(causal)));
      func::CallOp::create(b, loc, kRefName, TypeRange{}, args);
      Value result = bufferization::ToTensorOp::create(
          b, loc, outType, out, /*restrict=*/true, /*writable=*/true);
      op.replaceAllUsesWith(result);
      op.erase();
    }
  }
};
} // namespace
