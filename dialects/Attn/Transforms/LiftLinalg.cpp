//===- LiftLinalg.cpp - A linalg graph's attention ops as TOSA ------------===//
//
// Part of Cascade. attn-raise reads attention in TOSA. Frontends that emit
// linalg on tensors (torch-mlir's linalg backend) write the same blocks with
// linalg.batch_matmul on a zero fill, linalg.softmax, linalg.transpose,
// tensor reshapes and elementwise arith on tensors. This pass rewrites those
// ops, at the top level of a function, into the TOSA ops they mean; the
// TOSA lowering gives back the same linalg, so an op that raising does not
// take computes exactly what it did.
//
//===----------------------------------------------------------------------===//

#include "dialects/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace cascade::attn {
#define GEN_PASS_DEF_ATTNLIFTLINALG
#include "dialects/Attn/Transforms/Passes.h.inc"
} // namespace cascade::attn

using namespace mlir;

namespace {

/// A statically shaped float tensor type, or null.
RankedTensorType floatTensor(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && rt.hasStaticShape() && isa<FloatType>(rt.getElementType())
             ? rt
             : RankedTensorType();
}

/// Whether `v` is a tensor of zeros: a linalg.fill of 0 or a zero constant.
bool isZeros(Value v) {
  if (auto fill = v.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return matchPattern(v, m_AnyZeroFloat());
}

class Lifter {
public:
  explicit Lifter(IRRewriter &rewriter) : rewriter(rewriter) {}

  /// Rewrites `op` into TOSA; returns whether it did.
  bool lift(Operation *op) {
    rewriter.setInsertionPoint(op);
    loc = op->getLoc();
    Value result;
    if (auto mm = dyn_cast<linalg::BatchMatmulOp>(op))
      result = batchMatmul(mm);
    else if (auto mm = dyn_cast<linalg::MatmulOp>(op))
      result = matmul(mm);
    else if (auto sm = dyn_cast<linalg::SoftmaxOp>(op))
      result = softmax(sm);
    else if (auto t = dyn_cast<linalg::TransposeOp>(op))
      result = transpose(t);
    else if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op))
      result = reshapeOf(op);
    else
      result = elementwise(op);
    if (!result)
      return false;
    rewriter.replaceOp(op, result);
    return true;
  }

private:
  Value zero(Type et) {
    auto type = RankedTensorType::get({1}, et);
    return tosa::ConstOp::create(
        rewriter, loc, type,
        DenseElementsAttr::get(type, rewriter.getFloatAttr(et, 0.0)));
  }
  Value shift() {
    auto type = RankedTensorType::get({1}, rewriter.getI8Type());
    return tosa::ConstOp::create(
        rewriter, loc, type,
        DenseElementsAttr::get(type, rewriter.getI8IntegerAttr(0)));
  }
  Value reshape(Value v, ArrayRef<int64_t> shape) {
    auto type = cast<RankedTensorType>(v.getType());
    if (type.getShape() == shape)
      return v;
    ImplicitLocOpBuilder b(loc, rewriter);
    return tosa::ReshapeOp::create(
        b, RankedTensorType::get(shape, type.getElementType()), v,
        tosa::getTosaConstShape(b, shape));
  }
  Value mul(Value x, Value y, Type type) {
    return tosa::MulOp::create(rewriter, loc, type, x, y, shift());
  }

  /// C = A B from a zero C, the default maps: tosa.matmul.
  Value batchMatmul(linalg::BatchMatmulOp op) {
    auto out = floatTensor(op.getResultTypes()[0]);
    if (!out ||
        op.getIndexingMapsArray() !=
            linalg::BatchMatmulOp::getDefaultIndexingMaps(op.getContext()) ||
        !isZeros(op.getDpsInits()[0]))
      return Value();
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    if (cast<ShapedType>(a.getType()).getElementType() !=
            out.getElementType() ||
        cast<ShapedType>(b.getType()).getElementType() != out.getElementType())
      return Value();
    Value zp = zero(out.getElementType());
    return tosa::MatMulOp::create(rewriter, loc, out, a, b, zp, zp);
  }
  Value matmul(linalg::MatmulOp op) {
    auto out = floatTensor(op.getResultTypes()[0]);
    if (!out ||
        op.getIndexingMapsArray() !=
            linalg::MatmulOp::getDefaultIndexingMaps(op.getContext()) ||
        !isZeros(op.getDpsInits()[0]))
      return Value();
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    auto at = floatTensor(a.getType()), bt = floatTensor(b.getType());
    if (!at || !bt || at.getElementType() != out.getElementType() ||
        bt.getElementType() != out.getElementType())
      return Value();
    Value zp = zero(out.getElementType());
    Value r = tosa::MatMulOp::create(
        rewriter, loc,
        RankedTensorType::get({1, out.getDimSize(0), out.getDimSize(1)},
                              out.getElementType()),
        reshape(a, {1, at.getDimSize(0), at.getDimSize(1)}),
        reshape(b, {1, bt.getDimSize(0), bt.getDimSize(1)}), zp, zp);
    return reshape(r, out.getShape());
  }
  /// softmax(x) along d: exp(x - max) * reciprocal(sum), the decomposition
  /// attn-raise reads.
  Value softmax(linalg::SoftmaxOp op) {
    auto type = floatTensor(op.getOutput().getType());
    if (!type || op.getInput().getType() != type)
      return Value();
    int64_t d = op.getDimension();
    SmallVector<int64_t> reduced(type.getShape());
    reduced[d] = 1;
    auto reducedType = RankedTensorType::get(reduced, type.getElementType());
    auto axis = rewriter.getI32IntegerAttr(int32_t(d));
    Value x = op.getInput();
    Value mx = tosa::ReduceMaxOp::create(rewriter, loc, reducedType, x, axis);
    Value sub = tosa::SubOp::create(rewriter, loc, type, x, mx);
    Value e = tosa::ExpOp::create(rewriter, loc, type, sub);
    Value z = tosa::ReduceSumOp::create(rewriter, loc, reducedType, e, axis);
    Value r = tosa::ReciprocalOp::create(rewriter, loc, reducedType, z);
    return mul(e, r, type);
  }
  Value transpose(linalg::TransposeOp op) {
    auto type = floatTensor(op.getResult()[0].getType());
    if (!type)
      return Value();
    SmallVector<int32_t> perms;
    for (int64_t p : op.getPermutation())
      perms.push_back(int32_t(p));
    return tosa::TransposeOp::create(rewriter, loc, type, op.getInput(),
                                     rewriter.getDenseI32ArrayAttr(perms));
  }
  Value reshapeOf(Operation *op) {
    auto type = floatTensor(op->getResult(0).getType());
    if (!type || !floatTensor(op->getOperand(0).getType()))
      return Value();
    return reshape(op->getOperand(0), type.getShape());
  }
  /// Same-shape arith and math ops on tensors.
  Value elementwise(Operation *op) {
    if (op->getNumResults() != 1)
      return Value();
    auto type = floatTensor(op->getResult(0).getType());
    if (!type ||
        llvm::any_of(op->getOperandTypes(), [&](Type t) { return t != type; }))
      return Value();
    ValueRange x = op->getOperands();
    if (isa<arith::MulFOp>(op))
      return mul(x[0], x[1], type);
    if (isa<arith::AddFOp>(op))
      return tosa::AddOp::create(rewriter, loc, type, x[0], x[1]);
    if (isa<arith::SubFOp>(op))
      return tosa::SubOp::create(rewriter, loc, type, x[0], x[1]);
    if (isa<arith::DivFOp>(op))
      return mul(x[0], tosa::ReciprocalOp::create(rewriter, loc, type, x[1]),
                 type);
    if (isa<math::ExpOp>(op))
      return tosa::ExpOp::create(rewriter, loc, type, x[0]);
    if (isa<math::TanhOp>(op))
      return tosa::TanhOp::create(rewriter, loc, type, x[0]);
    return Value();
  }

  IRRewriter &rewriter;
  Location loc = UnknownLoc::get(rewriter.getContext());
};

struct AttnLiftLinalgPass
    : cascade::attn::impl::AttnLiftLinalgBase<AttnLiftLinalgPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    // Only graphs that have a softmax or a batched product to raise.
    bool hasAttentionOps = false;
    fn.walk([&](Operation *op) {
      if (isa<linalg::SoftmaxOp, linalg::BatchMatmulOp>(op))
        hasAttentionOps = true;
    });
    if (!hasAttentionOps)
      return;
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> ops;
    for (Block &block : fn.getBody())
      for (Operation &op : block)
        ops.push_back(&op);
    for (Operation *op : ops)
      Lifter(rewriter).lift(op);
  }
};

} // namespace
