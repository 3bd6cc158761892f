//===- Decompose.cpp - attn.attention to the 3-pass cascade ---------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "dialects/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace cascade::attn {
#define GEN_PASS_DEF_ATTNDECOMPOSE
#include "dialects/Attn/Transforms/Passes.h.inc"
} // namespace cascade::attn

using namespace mlir;
using namespace cascade;
using namespace cascade::attn;
using ein::EinsumSpec;
using ein::ReductionKind;

/// Extends a scalar to f32 (the accumulation type) when it is narrower.
static Value toF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

FailureOr<ein::CascadeOp>
cascade::attn::decomposeAttention(RewriterBase &rewriter, AttentionOp op) {
  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  auto qType = op.getQ().getType(), kType = op.getK().getType(),
       vType = op.getV().getType();
  int64_t hq = qType.getDimSize(1), hkv = kType.getDimSize(1);
  int64_t group = hq / hkv;
  double scale = op.getEffectiveScale();
  Type f32 = rewriter.getF32Type();

  // The rank table, in the order the formulas list ranks; a dynamic extent
  // is bound to the operand dimension it comes from.
  StringAttr none = StringAttr::get(ctx, "");
  auto rank = [&](StringRef name, RankedTensorType t, int64_t operand,
                  int64_t dim) -> Attribute {
    int64_t ext = t.getDimSize(dim);
    if (ShapedType::isDynamic(ext))
      return ein::RankAttr::get(ctx, StringAttr::get(ctx, name), ext, operand,
                                dim, none, 0, 0);
    return ein::RankAttr::get(ctx, StringAttr::get(ctx, name), ext, -1, -1,
                              none, 0, 0);
  };
  SmallVector<Attribute> ranks = {
      rank("b", qType, 0, 0), rank("h", qType, 0, 1), rank("e", qType, 0, 3),
      rank("f", vType, 2, 3), rank("m", kType, 1, 2), rank("p", qType, 0, 2)};

  OperationState state(loc, ein::CascadeOp::getOperationName());
  state.addOperands({op.getQ(), op.getK(), op.getV()});
  state.addAttribute("name", StringAttr::get(ctx, "attention"));
  state.addAttribute("ranks", ArrayAttr::get(ctx, ranks));
  state.addAttribute("input_names", rewriter.getStrArrayAttr({"Q", "K", "V"}));
  state.addTypes(op.getType());
  Region *region = state.addRegion();
  Block *body = new Block();
  region->push_back(body);
  for (Value v : {op.getQ(), op.getK(), op.getV()})
    body->addArgument(v.getType(), loc);
  rewriter.setInsertionPoint(op);
  auto cascadeOp = cast<ein::CascadeOp>(rewriter.create(state));
  Value qArg = body->getArgument(0), kArg = body->getArgument(1),
        vArg = body->getArgument(2);

  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(body);

  // Every einsum of this cascade shares its rank names; `spec` builds the
  // common parts and the causal condition on (m, p).
  auto makeSpec = [&](StringRef name, ArrayRef<StringRef> out,
                      ReductionKind red) {
    EinsumSpec s(ctx);
    s.name = name.str();
    s.reduction = red;
    s.elementType = f32;
    for (StringRef r : out)
      s.output.push_back(s.dim(r));
    return s;
  };
  auto addCausal = [&](EinsumSpec &s) {
    if (!op.getCausal())
      return;
    AffineExpr m = s.dim("m"), p = s.dim("p");
    if (*op.getCausal() == CausalKind::TopLeft)
      s.addConstraint(p - m); // m <= p
    else
      s.addConstraint(p + s.sym("m") - s.sym("p") - m); // m <= p + M - N
  };
  auto kvHead = [&](EinsumSpec &s) {
    return group == 1 ? s.dim("h") : s.dim("h").floorDiv(group);
  };

  // QK[b,h,m,p] += Q[b,h,p,e] * K[b,h/G,m,e] * scale
  EinsumSpec qkS = makeSpec("QK", {"b", "h", "m", "p"}, ReductionKind::Add);
  qkS.addInput(qArg, {qkS.dim("b"), qkS.dim("h"), qkS.dim("p"), qkS.dim("e")});
  qkS.addInput(kArg, {qkS.dim("b"), kvHead(qkS), qkS.dim("m"), qkS.dim("e")});
  addCausal(qkS);
  auto qk = ein::buildEinsum(
      rewriter, loc, cascadeOp, qkS,
      [&](OpBuilder &b, Location l, ValueRange a) {
        Value qs = arith::MulFOp::create(
            b, l, toF32(b, l, a[0]),
            arith::ConstantOp::create(b, l, b.getF32FloatAttr(scale)));
        return arith::MulFOp::create(b, l, qs, toF32(b, l, a[1]));
      });

  // GM[b,h,p] max= QK[b,h,m,p]
  EinsumSpec gmS = makeSpec("GM", {"b", "h", "p"}, ReductionKind::Max);
  gmS.addInput(qk, {gmS.dim("b"), gmS.dim("h"), gmS.dim("m"), gmS.dim("p")});
  addCausal(gmS);
  auto gm = ein::buildEinsum(
      rewriter, loc, cascadeOp, gmS,
      [](OpBuilder &, Location, ValueRange a) { return a[0]; });

  // SN[b,h,m,p] = exp(QK[b,h,m,p] - GM[b,h,p])
  EinsumSpec snS = makeSpec("SN", {"b", "h", "m", "p"}, ReductionKind::None);
  snS.addInput(qk, {snS.dim("b"), snS.dim("h"), snS.dim("m"), snS.dim("p")});
  snS.addInput(gm, {snS.dim("b"), snS.dim("h"), snS.dim("p")});
  addCausal(snS);
  auto sn = ein::buildEinsum(rewriter, loc, cascadeOp, snS,
                             [](OpBuilder &b, Location l, ValueRange a) {
                               Value d =
                                   arith::SubFOp::create(b, l, a[0], a[1]);
                               return math::ExpOp::create(b, l, d);
                             });

  // SD[b,h,p] += SN[b,h,m,p]
  EinsumSpec sdS = makeSpec("SD", {"b", "h", "p"}, ReductionKind::Add);
  sdS.addInput(sn, {sdS.dim("b"), sdS.dim("h"), sdS.dim("m"), sdS.dim("p")});
  addCausal(sdS);
  auto sd = ein::buildEinsum(
      rewriter, loc, cascadeOp, sdS,
      [](OpBuilder &, Location, ValueRange a) { return a[0]; });

  // A[b,h,m,p] = SN[b,h,m,p] / SD[b,h,p]
  EinsumSpec aS = makeSpec("A", {"b", "h", "m", "p"}, ReductionKind::None);
  aS.addInput(sn, {aS.dim("b"), aS.dim("h"), aS.dim("m"), aS.dim("p")});
  aS.addInput(sd, {aS.dim("b"), aS.dim("h"), aS.dim("p")});
  addCausal(aS);
  auto a = ein::buildEinsum(rewriter, loc, cascadeOp, aS,
                            [](OpBuilder &b, Location l, ValueRange a) {
                              return arith::DivFOp::create(b, l, a[0], a[1]);
                            });

  // AV[b,h,p,f] += A[b,h,m,p] * V[b,h/G,m,f], in the result's layout.
  EinsumSpec avS = makeSpec("AV", {"b", "h", "p", "f"}, ReductionKind::Add);
  avS.addInput(a, {avS.dim("b"), avS.dim("h"), avS.dim("m"), avS.dim("p")});
  avS.addInput(vArg, {avS.dim("b"), kvHead(avS), avS.dim("m"), avS.dim("f")});
  addCausal(avS);
  Value av = ein::buildEinsum(rewriter, loc, cascadeOp, avS,
                              [](OpBuilder &b, Location l, ValueRange a) {
                                return arith::MulFOp::create(b, l, a[0],
                                                             toF32(b, l, a[1]));
                              });

  // O[b,h,p,f] = AV[b,h,p,f], rounded to a narrower result type.
  Type resultElt = op.getType().getElementType();
  if (!resultElt.isF32()) {
    EinsumSpec oS = makeSpec("O", {"b", "h", "p", "f"}, ReductionKind::None);
    oS.elementType = resultElt;
    oS.addInput(av, {oS.dim("b"), oS.dim("h"), oS.dim("p"), oS.dim("f")});
    av = ein::buildEinsum(rewriter, loc, cascadeOp, oS,
                          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                            return arith::TruncFOp::create(b, l, resultElt,
                                                           a[0]);
                          });
  }
  if (av.getType() != op.getType())
    return op.emitOpError() << "decomposition computed " << av.getType()
                            << " for a result of type " << op.getType();
  ein::YieldOp::create(rewriter, loc, ValueRange{av});
  rewriter.replaceOp(op, cascadeOp.getResults());
  return cascadeOp;
}

namespace {
struct AttnDecomposePass
    : cascade::attn::impl::AttnDecomposeBase<AttnDecomposePass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<AttentionOp> ops;
    getOperation()->walk([&](AttentionOp op) { ops.push_back(op); });
    for (AttentionOp op : ops)
      if (failed(decomposeAttention(rewriter, op)))
        return signalPassFailure();
  }
};
} // namespace
