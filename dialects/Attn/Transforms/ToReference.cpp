//===- ToReference.cpp - attn.attention to reference calls ----------------===//
//
// Part of Cascade. Compiles a graph against the runtime's straightforward
// fp64 attention, so the whole graph has a reference to compare with.
//
//===----------------------------------------------------------------------===//

#include "dialects/Attn/Transforms/Passes.h"

#include "cascade/Runtime/CRunnerABI.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"

namespace cascade::attn {
#define GEN_PASS_DEF_ATTNTOREFERENCE
#include "dialects/Attn/Transforms/Passes.h.inc"
} // namespace cascade::attn

using namespace mlir;
using namespace cascade::attn;

static constexpr StringLiteral kRefName = "cascade_ref_attention_variant_f32";

/// memref<?x...x?xf32, strided<[?, ...], offset: ?>> of rank `rank`.
static MemRefType anyLayout(MLIRContext *ctx, int64_t rank, Type elt) {
  int64_t d = ShapedType::kDynamic;
  SmallVector<int64_t> shape(rank, d), strides(rank, d);
  return MemRefType::get(shape, elt, StridedLayoutAttr::get(ctx, d, strides));
}

namespace {
// The reference's parameter vector is indexed by CRunnerABI.h's
// CascadeRefVariantParam, the runtime's own declaration of its layout.
struct AttnToReferencePass
    : cascade::attn::impl::AttnToReferenceBase<AttnToReferencePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<AttentionOp> ops;
    module.walk([&](AttentionOp op) { ops.push_back(op); });
    // A paged cache as the contiguous keys and values its pages hold.
    IRRewriter rewriter(ctx);
    for (AttentionOp &op : ops)
      op = unpageKVCache(rewriter, op);
    for (AttentionOp op : ops)
      for (Value v : {op.getQ(), op.getK(), op.getV(), op.getResult()})
        if (!cast<RankedTensorType>(v.getType()).getElementType().isF32()) {
          op.emitOpError()
              << "the reference implementation supports f32 "
                 "attention only, found "
              << cast<RankedTensorType>(v.getType()).getElementType();
          return signalPassFailure();
        }

    OpBuilder b(ctx);
    Type f32 = b.getF32Type(), f64 = b.getF64Type();
    MemRefType m1 = anyLayout(ctx, 1, f32), m2 = anyLayout(ctx, 2, f32),
               m3 = anyLayout(ctx, 3, f32), m4 = anyLayout(ctx, 4, f32),
               p1 = anyLayout(ctx, 1, f64);
    if (!ops.empty() && !module.lookupSymbol<func::FuncOp>(kRefName)) {
      b.setInsertionPointToStart(module.getBody());
      Type ptr = LLVM::LLVMPointerType::get(ctx);
      auto fnType = b.getFunctionType({m4, m4, m4, m4, m3, p1, m1, m1, m1, m2,
                                       m2, m4, m4, m4, m4, ptr, ptr},
                                      {});
      auto fn = func::FuncOp::create(b, module.getLoc(), kRefName, fnType);
      fn.setPrivate();
      fn->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    }

    // Linear attention: its own reference entry.
    SmallVector<LinearAttentionOp> linear;
    module.walk([&](LinearAttentionOp op) { linear.push_back(op); });
    for (LinearAttentionOp op : linear) {
      for (Value v : {op.getQ(), op.getK(), op.getV(), op.getResult()})
        if (!cast<RankedTensorType>(v.getType()).getElementType().isF32()) {
          op.emitOpError() << "the reference implementation supports f32 "
                              "linear attention only";
          return signalPassFailure();
        }
      constexpr StringLiteral name = "cascade_ref_linear_attention_f32";
      if (!module.lookupSymbol<func::FuncOp>(name)) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(module.getBody());
        auto fn = func::FuncOp::create(
            b, module.getLoc(), name,
            b.getFunctionType({m4, m4, m4, m4, p1, m1}, {}));
        fn.setPrivate();
        fn->setAttr("llvm.emit_c_interface", b.getUnitAttr());
      }
      b.setInsertionPoint(op);
      Location loc = op.getLoc();
      auto buffer = [&](Value t, MemRefType anyType) -> Value {
        auto tt = cast<RankedTensorType>(t.getType());
        int64_t d = ShapedType::kDynamic;
        SmallVector<int64_t> strides(tt.getRank(), d);
        auto strided = MemRefType::get(tt.getShape(), tt.getElementType(),
                                       StridedLayoutAttr::get(ctx, d, strides));
        Value m = bufferization::ToBufferOp::create(b, loc, strided, t, true);
        return memref::CastOp::create(b, loc, anyType, m);
      };
      double params[4] = {static_cast<double>(op.getEffectiveFeatureMap()),
                          op.getCausal() ? 1.0 : 0.0,
                          op.getNormalize() ? 1.0 : 0.0,
                          op.getDecay() ? 1.0 : 0.0};
      Value paramBuf =
          memref::AllocaOp::create(b, loc, MemRefType::get({4}, f64));
      for (auto [i, v] : llvm::enumerate(params))
        memref::StoreOp::create(
            b, loc, arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v)),
            paramBuf, ValueRange{arith::ConstantIndexOp::create(b, loc, i)});
      auto outType = cast<RankedTensorType>(op.getResult().getType());
      SmallVector<Value> dyn;
      for (int64_t i = 0; i < 4; ++i)
        if (outType.isDynamicDim(i))
          dyn.push_back(
              tensor::DimOp::create(b, loc, i == 3 ? op.getV() : op.getQ(), i));
      Value out = memref::AllocOp::create(
          b, loc, MemRefType::get(outType.getShape(), f32), dyn);
      Value decay =
          op.getDecay()
              ? buffer(op.getDecay(), m1)
              : memref::CastOp::create(b, loc, m1,
                                       memref::AllocaOp::create(
                                           b, loc, MemRefType::get({1}, f32)));
      func::CallOp::create(
          b, loc, name, TypeRange{},
          ValueRange{buffer(op.getQ(), m4), buffer(op.getK(), m4),
                     buffer(op.getV(), m4),
                     memref::CastOp::create(b, loc, m4, out),
                     memref::CastOp::create(b, loc, p1, paramBuf), decay});
      op.getResult().replaceAllUsesWith(bufferization::ToTensorOp::create(
          b, loc, outType, out, /*restrict=*/true, /*writable=*/true));
      op.erase();
    }

    // Merges: their own reference entry, on the parts stacked into the
    // batch dimension (part s of batch b at s * B + b).
    SmallVector<MergeOp> merges;
    module.walk([&](MergeOp op) { merges.push_back(op); });
    for (MergeOp op : merges) {
      for (Value v : op->getOperands())
        if (!cast<RankedTensorType>(v.getType()).getElementType().isF32()) {
          op.emitOpError() << "the reference implementation supports f32 "
                              "merges only";
          return signalPassFailure();
        }
      constexpr StringLiteral name = "cascade_ref_merge_f32";
      if (!module.lookupSymbol<func::FuncOp>(name)) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(module.getBody());
        auto fn = func::FuncOp::create(b, module.getLoc(), name,
                                       b.getFunctionType({m4, m3, m4, m3}, {}));
        fn.setPrivate();
        fn->setAttr("llvm.emit_c_interface", b.getUnitAttr());
      }
      b.setInsertionPoint(op);
      Location loc = op.getLoc();
      auto stacked = [&](Value t, MemRefType anyType) -> Value {
        auto tt = cast<RankedTensorType>(t.getType());
        SmallVector<ReassociationIndices> groups = {{0, 1}};
        for (int64_t i = 2; i < tt.getRank(); ++i)
          groups.push_back({i});
        Value flat = tensor::CollapseShapeOp::create(b, loc, t, groups);
        auto ft = cast<RankedTensorType>(flat.getType());
        int64_t d = ShapedType::kDynamic;
        SmallVector<int64_t> strides(ft.getRank(), d);
        auto strided = MemRefType::get(ft.getShape(), f32,
                                       StridedLayoutAttr::get(ctx, d, strides));
        Value m = bufferization::ToBufferOp::create(b, loc, strided, flat,
                                                    /*read_only=*/true);
        return memref::CastOp::create(b, loc, anyType, m);
      };
      // A result buffer, its dynamic sizes those of the parts' dims.
      auto result = [&](Value r) -> Value {
        auto rt = cast<RankedTensorType>(r.getType());
        SmallVector<Value> dyn;
        for (int64_t i = 0; i < rt.getRank(); ++i)
          if (rt.isDynamicDim(i))
            dyn.push_back(tensor::DimOp::create(b, loc, op.getO(), i + 1));
        return memref::AllocOp::create(
            b, loc, MemRefType::get(rt.getShape(), f32), dyn);
      };
      Value out = result(op.getResult()), outLse = result(op.getResultLse());
      func::CallOp::create(
          b, loc, name, TypeRange{},
          ValueRange{stacked(op.getO(), m4), stacked(op.getLse(), m3),
                     memref::CastOp::create(b, loc, m4, out),
                     memref::CastOp::create(b, loc, m3, outLse)});
      SmallVector<Value> buffers = {out, outLse};
      for (auto [r, buf] : llvm::zip(op->getResults(), buffers))
        r.replaceAllUsesWith(bufferization::ToTensorOp::create(
            b, loc, r.getType(), buf, /*restrict=*/true, /*writable=*/true));
      op.erase();
    }

    unsigned outlined = 0;
    for (AttentionOp op : ops) {
      b.setInsertionPoint(op);
      Location loc = op.getLoc();
      // A tensor as a buffer of any layout, in f32.
      auto asBuffer = [&](Value t, MemRefType anyType) -> Value {
        auto tt = cast<RankedTensorType>(t.getType());
        Type elt = tt.getElementType();
        if (!elt.isF32()) {
          auto f32Type = RankedTensorType::get(tt.getShape(), f32);
          if (elt.isInteger(1))
            t = arith::UIToFPOp::create(b, loc, f32Type, t);
          else if (isa<IntegerType>(elt))
            t = arith::SIToFPOp::create(b, loc, f32Type, t);
          else
            t = arith::ExtFOp::create(b, loc, f32Type, t);
          tt = f32Type;
        }
        int64_t d = ShapedType::kDynamic;
        SmallVector<int64_t> strides(tt.getRank(), d);
        auto strided = MemRefType::get(tt.getShape(), f32,
                                       StridedLayoutAttr::get(ctx, d, strides));
        Value m = bufferization::ToBufferOp::create(b, loc, strided, t,
                                                    /*read_only=*/true);
        return memref::CastOp::create(b, loc, anyType, m);
      };
      // An absent tensor: a one-element buffer the reference ignores.
      auto dummy = [&](MemRefType anyType) -> Value {
        SmallVector<int64_t> ones(anyType.getRank(), 1);
        Value m = memref::AllocaOp::create(b, loc, MemRefType::get(ones, f32));
        return memref::CastOp::create(b, loc, anyType, m);
      };
      auto optional = [&](Value t, MemRefType anyType) {
        return t ? asBuffer(t, anyType) : dummy(anyType);
      };

      SmallVector<double> params(CASCADE_REF_PARAM_COUNT, 0.0);
      params[CASCADE_REF_PARAM_SCALE] = op.getEffectiveScale();
      params[CASCADE_REF_PARAM_NORMALIZER] =
          static_cast<int>(op.getEffectiveNormalizer());
      if (op.getEffectiveNormalizer() == Normalizer::Sigmoid)
        params[CASCADE_REF_PARAM_SIGMOID_BIAS] = op.getEffectiveSigmoidBias();
      params[CASCADE_REF_PARAM_SOFTPLUS_SCALE] =
          op.getSoftplusScale() ? op.getSoftplusScale()->convertToDouble()
                                : 1.0;
      params[CASCADE_REF_PARAM_SOFTPLUS_POWER] =
          op.getSoftplusPower() ? op.getSoftplusPower()->convertToDouble()
                                : 1.0;
      params[CASCADE_REF_PARAM_CAUSAL] =
          op.getCausal() ? static_cast<int>(*op.getCausal()) : 0;
      params[CASCADE_REF_PARAM_ALIGNMENT] = static_cast<int>(op.getAlignment());
      params[CASCADE_REF_PARAM_WINDOW_LEFT] =
          op.getWindow() ? (*op.getWindow())[0] : -1;
      params[CASCADE_REF_PARAM_WINDOW_RIGHT] =
          op.getWindow() ? (*op.getWindow())[1] : -1;
      params[CASCADE_REF_PARAM_DILATION] =
          op.getDilation() ? *op.getDilation() : 1;
      params[CASCADE_REF_PARAM_SINK_TOKENS] =
          op.getSinkTokens() ? *op.getSinkTokens() : 0;
      params[CASCADE_REF_PARAM_SOFTCAP] =
          op.getSoftcap() ? op.getSoftcap()->convertToDouble() : 0.0;
      params[CASCADE_REF_PARAM_HAS_LSE] = op.getLse() ? 1 : 0;
      Value slopes = op.getAlibiSlopes();
      if (op.getAlibi()) {
        int64_t hq = op.getQ().getType().getDimSize(1);
        SmallVector<float> geo = AttentionOp::geometricAlibiSlopes(hq);
        auto t = RankedTensorType::get({hq}, f32);
        slopes = arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(t, ArrayRef<float>(geo)));
      }
      params[CASCADE_REF_PARAM_HAS_ALIBI] = slopes ? 1 : 0;
      params[CASCADE_REF_PARAM_HAS_SINKS] = op.getSinks() ? 1 : 0;
      params[CASCADE_REF_PARAM_HAS_BIAS] = op.getBias() ? 1 : 0;
      params[CASCADE_REF_PARAM_HAS_GATE] = op.getGate() ? 1 : 0;
      params[CASCADE_REF_PARAM_HAS_KV_LENGTHS] = op.getKvLengths() ? 1 : 0;
      params[CASCADE_REF_PARAM_HAS_DOC_IDS] = op.getQDocIds() ? 1 : 0;
      params[CASCADE_REF_PARAM_HAS_DENSE_MASK] = op.getMask() ? 1 : 0;
      params[CASCADE_REF_PARAM_HAS_BLOCK_MASK] = op.getBlockMask() ? 1 : 0;
      if (std::optional<ArrayRef<int64_t>> bs = op.getBlockSize()) {
        params[CASCADE_REF_PARAM_BLOCK_Q] = (*bs)[0];
        params[CASCADE_REF_PARAM_BLOCK_K] = (*bs)[1];
      }

      auto paramType = MemRefType::get({CASCADE_REF_PARAM_COUNT}, f64);
      Value paramBuf = memref::AllocaOp::create(b, loc, paramType);
      for (auto [i, v] : llvm::enumerate(params)) {
        Value c = arith::ConstantOp::create(b, loc, b.getF64FloatAttr(v));
        Value idx = arith::ConstantIndexOp::create(b, loc, i);
        memref::StoreOp::create(b, loc, c, paramBuf, ValueRange{idx});
      }

      auto fresh = [&](RankedTensorType t, Value dimSource) -> Value {
        SmallVector<Value> dynSizes;
        for (int64_t i = 0; i < t.getRank(); ++i)
          if (t.isDynamicDim(i))
            dynSizes.push_back(tensor::DimOp::create(
                b, loc, i == 3 ? op.getV() : dimSource, i));
        return memref::AllocOp::create(
            b, loc, MemRefType::get(t.getShape(), f32), dynSizes);
      };
      auto outType = cast<RankedTensorType>(op.getResult().getType());
      Value out = fresh(outType, op.getQ());
      Value lse;
      if (op.getLse())
        lse = fresh(cast<RankedTensorType>(op.getLse().getType()), op.getQ());

      SmallVector<Value> args = {
          asBuffer(op.getQ(), m4),
          asBuffer(op.getK(), m4),
          asBuffer(op.getV(), m4),
          memref::CastOp::create(b, loc, m4, out),
          lse ? Value(memref::CastOp::create(b, loc, m3, lse)) : dummy(m3),
          memref::CastOp::create(b, loc, p1, paramBuf),
          optional(slopes, m1),
          optional(op.getSinks(), m1),
          optional(op.getKvLengths(), m1),
          optional(op.getQDocIds(), m2),
          optional(op.getKDocIds(), m2),
          optional(op.getBias(), m4),
          optional(op.getMask(), m4),
          optional(op.getBlockMask(), m4),
          optional(op.getGate(), m4)};
      // mask_mod / score_mod: outlined into functions the reference calls
      // back, int32_t(b, h, q, kv) and float(score, b, h, q, kv).
      auto modPointer = [&](Region &region, StringRef base,
                            bool withScore) -> Value {
        Type ptr = LLVM::LLVMPointerType::get(ctx);
        if (region.empty())
          return LLVM::ZeroOp::create(b, loc, ptr);
        Block &block = region.front();
        auto yield = cast<YieldOp>(block.getTerminator());
        Type resultType = withScore ? Type(f32) : Type(b.getI32Type());
        auto fnType = b.getFunctionType(block.getArgumentTypes(), resultType);
        std::string name = (base + "_" + Twine(outlined++)).str();
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToEnd(module.getBody());
        auto fn = func::FuncOp::create(b, loc, name, fnType);
        fn.setPrivate();
        Block *entry = fn.addEntryBlock();
        b.setInsertionPointToStart(entry);
        IRMapping mapping;
        mapping.map(block.getArguments(), entry->getArguments());
        for (Operation &nested : block.without_terminator())
          b.clone(nested, mapping);
        Value r = mapping.lookupOrDefault(yield.getValue());
        if (!withScore)
          r = arith::ExtUIOp::create(b, loc, b.getI32Type(), r);
        func::ReturnOp::create(b, loc, r);
        b.setInsertionPoint(op);
        Value fnValue = func::ConstantOp::create(b, loc, fnType, name);
        return UnrealizedConversionCastOp::create(b, loc, ptr, fnValue)
            .getResult(0);
      };
      args.push_back(modPointer(op.getMaskMod(), "cascade_mask_mod", false));
      args.push_back(modPointer(op.getScoreMod(), "cascade_score_mod", true));
      func::CallOp::create(b, loc, kRefName, TypeRange{}, args);
      op.getResult().replaceAllUsesWith(bufferization::ToTensorOp::create(
          b, loc, outType, out, /*restrict=*/true, /*writable=*/true));
      if (lse)
        op.getLse().replaceAllUsesWith(bufferization::ToTensorOp::create(
            b, loc, op.getLse().getType(), lse, /*restrict=*/true,
            /*writable=*/true));
      op.erase();
    }
  }
};
} // namespace
