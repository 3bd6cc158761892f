//===- Decompose.cpp - attn.attention to the 3-pass cascade ---------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "dialects/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"

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

/// Index arithmetic to an f32 value.
static Value indexToF32(OpBuilder &b, Location loc, Value index) {
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  return arith::SIToFPOp::create(b, loc, b.getF32Type(), i64);
}

static Value f32Const(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

/// sigmoid(x) = 1 / (1 + exp(-x))
static Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value neg = arith::NegFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, neg);
  Value d = arith::AddFOp::create(b, loc, f32Const(b, loc, 1.0), e);
  return arith::DivFOp::create(b, loc, f32Const(b, loc, 1.0), d);
}

/// The spec of an f32 einsum `name[out...]` with reduction `red`.
static EinsumSpec makeSpec(MLIRContext *ctx, StringRef name,
                           ArrayRef<StringRef> out, ReductionKind red) {
  EinsumSpec s(ctx);
  s.name = name.str();
  s.reduction = red;
  s.elementType = Float32Type::get(ctx);
  for (StringRef r : out)
    s.output.push_back(s.dim(r));
  return s;
}

/// A rank of a new cascade: its name and the operand dimension it spans
/// (its extent, or a binding to that dimension when it is dynamic).
struct RankSource {
  StringRef name;
  int64_t operand, dim;
};

/// An empty cascade over `inputs` with the ranks `sources`, in order.
static ein::CascadeOp createCascadeOver(RewriterBase &rewriter, Location loc,
                                        StringRef name, ArrayRef<Value> inputs,
                                        ArrayRef<StringRef> inputNames,
                                        TypeRange resultTypes,
                                        ArrayRef<RankSource> sources) {
  MLIRContext *ctx = rewriter.getContext();
  StringAttr none = StringAttr::get(ctx, "");
  SmallVector<Attribute> ranks;
  for (const RankSource &r : sources) {
    auto t = cast<RankedTensorType>(inputs[r.operand].getType());
    int64_t ext = t.getDimSize(r.dim);
    bool dyn = ShapedType::isDynamic(ext);
    ranks.push_back(ein::RankAttr::get(ctx, StringAttr::get(ctx, r.name), ext,
                                       dyn ? r.operand : -1, dyn ? r.dim : -1,
                                       none, 0, 0));
  }
  ArrayAttr names = rewriter.getStrArrayAttr(inputNames);
  return ein::createCascade(rewriter, loc, name, inputs, names.getValue(),
                            ranks, resultTypes);
}

/// An empty cascade over `inputs` (q, k, v first) with the ranks of an
/// attention block, in the order the formulas list them: b, h, e, f, m, p.
static ein::CascadeOp createAttentionCascade(RewriterBase &rewriter,
                                             Location loc, StringRef name,
                                             ArrayRef<Value> inputs,
                                             ArrayRef<StringRef> inputNames,
                                             TypeRange resultTypes) {
  return createCascadeOver(rewriter, loc, name, inputs, inputNames, resultTypes,
                           {{"b", 0, 0},
                            {"h", 0, 1},
                            {"e", 0, 3},
                            {"f", 2, 3},
                            {"m", 1, 2},
                            {"p", 0, 2}});
}

FailureOr<ein::CascadeOp>
cascade::attn::decomposeAttention(RewriterBase &rewriter, AttentionOp op) {
  op = unpageKVCache(rewriter, op);
  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  auto qType = op.getQ().getType(), kType = op.getK().getType();
  auto outType = cast<RankedTensorType>(op.getResult().getType());
  int64_t hq = qType.getDimSize(1), hkv = kType.getDimSize(1);
  int64_t group = hq / hkv;
  double scale = op.getEffectiveScale();
  Normalizer norm = op.getEffectiveNormalizer();
  bool bottomRight = op.getAlignment() == CausalKind::BottomRight;
  Type f32 = rewriter.getF32Type();

  // Cascade inputs: Q, K, V, then the optional tensors that are present.
  rewriter.setInsertionPoint(op);
  SmallVector<Value> inputs = {op.getQ(), op.getK(), op.getV()};
  SmallVector<StringRef> inputNames = {"Q", "K", "V"};
  auto addInput = [&](Value v, StringRef name) -> int {
    if (!v)
      return -1;
    inputs.push_back(v);
    inputNames.push_back(name);
    return inputs.size() - 1;
  };
  int sinkIdx = addInput(op.getSinks(), "SINK");
  Value slopes = op.getAlibiSlopes();
  if (op.getAlibi()) {
    SmallVector<float> geo = AttentionOp::geometricAlibiSlopes(hq);
    auto t = RankedTensorType::get({hq}, f32);
    slopes = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(t, ArrayRef<float>(geo)));
  }
  int slopeIdx = addInput(slopes, "SLOPE");
  int biasIdx = addInput(op.getBias(), "BIAS");
  int gateIdx = addInput(op.getGate(), "G");
  int kvLenIdx = addInput(op.getKvLengths(), "KVLEN");
  int qDocIdx = addInput(op.getQDocIds(), "QDOC");
  int kDocIdx = addInput(op.getKDocIds(), "KDOC");
  int maskIdx = addInput(op.getMask(), "MASK");
  int blockMaskIdx = addInput(op.getBlockMask(), "BLOCKMASK");
  bool dataMask = kvLenIdx >= 0 || qDocIdx >= 0 || maskIdx >= 0 ||
                  blockMaskIdx >= 0 || !op.getMaskMod().empty();

  auto cascadeOp = createAttentionCascade(rewriter, loc, "attention", inputs,
                                          inputNames, op->getResultTypes());
  Block *body = &cascadeOp.getBodyBlock();
  auto arg = [&](int idx) { return body->getArgument(idx); };

  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(body);

  // Where the data-dependent mask operands of a masked einsum start.
  DenseMap<const EinsumSpec *, unsigned> maskBase;
  auto makeSpec = [&](StringRef name, ArrayRef<StringRef> out,
                      ReductionKind red) {
    return ::makeSpec(ctx, name, out, red);
  };
  // The query's aligned position i = p (+ |m| - |p| bottom-right).
  auto alignedQuery = [&](EinsumSpec &s) {
    AffineExpr p = s.dim("p");
    return bottomRight ? p + s.sym("m") - s.sym("p") : p;
  };
  // The mask: causal, then the window (and dilation), which the first
  // sink_tokens keys escape: causal and (window or m < S).
  auto addMask = [&](EinsumSpec &s) {
    AffineExpr m = s.dim("m");
    AffineExpr i = alignedQuery(s);
    if (op.getCausal())
      s.addConstraint(i - m); // m <= i
    EinsumSpec::Conjunction window;
    if (std::optional<ArrayRef<int64_t>> w = op.getWindow()) {
      if ((*w)[0] >= 0) { // i - L <= m
        window.constraints.push_back(m - i + (*w)[0]);
        window.eqFlags.push_back(false);
      }
      if ((*w)[1] >= 0) { // m <= i + R
        window.constraints.push_back(i + (*w)[1] - m);
        window.eqFlags.push_back(false);
      }
    }
    if (std::optional<int64_t> d = op.getDilation(); d && *d > 1) {
      window.constraints.push_back((i - m) % *d); // (i - m) mod d == 0
      window.eqFlags.push_back(true);
    }
    int64_t sinkTokens = op.getSinkTokens() ? *op.getSinkTokens() : 0;
    if (sinkTokens > 0 && !window.constraints.empty()) {
      EinsumSpec::Conjunction early;
      early.constraints.push_back(-m + (sinkTokens - 1)); // m < S
      early.eqFlags.push_back(false);
      s.addDisjunction({window, early});
    } else {
      for (auto [e, eq] : llvm::zip(window.constraints, window.eqFlags))
        s.addConstraint(e, eq);
    }
    // Data-dependent masks read tensors: extra operands whose elements the
    // map's predicate tests.
    if (!dataMask)
      return;
    maskBase[&s] = s.inputs.size();
    AffineExpr zero = getAffineConstantExpr(0, ctx);
    auto broadcast = [&](int idx, int64_t dim, AffineExpr e) {
      return cast<RankedTensorType>(inputs[idx].getType()).getDimSize(dim) == 1
                 ? zero
                 : e;
    };
    if (kvLenIdx >= 0)
      s.addInput(arg(kvLenIdx), {s.dim("b")});
    if (qDocIdx >= 0) {
      s.addInput(arg(qDocIdx), {s.dim("b"), s.dim("p")});
      s.addInput(arg(kDocIdx), {s.dim("b"), s.dim("m")});
    }
    if (maskIdx >= 0)
      s.addInput(arg(maskIdx),
                 {broadcast(maskIdx, 0, s.dim("b")),
                  broadcast(maskIdx, 1, s.dim("h")), s.dim("p"), s.dim("m")});
    if (blockMaskIdx >= 0) {
      ArrayRef<int64_t> bs = *op.getBlockSize();
      s.addInput(arg(blockMaskIdx),
                 {broadcast(blockMaskIdx, 0, s.dim("b")),
                  broadcast(blockMaskIdx, 1, s.dim("h")),
                  s.dim("p").floorDiv(bs[0]), s.dim("m").floorDiv(bs[1])});
    }
  };
  // The predicate of the data-dependent masks, from the operands addMask
  // appended (in that order) and the mask_mod region.
  auto dataKeep = [&](OpBuilder &b, Location l, ValueRange a) -> Value {
    auto index = [&](StringRef rank) -> Value {
      return ein::IndexOp::create(b, l, b.getIndexType(),
                                  b.getStringAttr(rank));
    };
    Value keep = arith::ConstantIntOp::create(b, l, 1, 1);
    auto both = [&](Value c) { keep = arith::AndIOp::create(b, l, keep, c); };
    unsigned next = 0;
    if (kvLenIdx >= 0) { // m < KVLEN[b]
      Value len = arith::IndexCastOp::create(b, l, b.getIndexType(), a[next++]);
      both(arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, index("m"),
                                 len));
    }
    if (qDocIdx >= 0) { // QDOC[b, p] == KDOC[b, m]
      Value x = a[next++], y = a[next++];
      Type i64 = b.getI64Type();
      if (x.getType() != i64)
        x = arith::ExtSIOp::create(b, l, i64, x);
      if (y.getType() != i64)
        y = arith::ExtSIOp::create(b, l, i64, y);
      both(arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, x, y));
    }
    if (maskIdx >= 0)
      both(a[next++]);
    if (blockMaskIdx >= 0)
      both(a[next++]);
    if (!op.getMaskMod().empty()) {
      Block &mod = op.getMaskMod().front();
      IRMapping mapping;
      mapping.map(mod.getArguments(),
                  ValueRange{index("b"), index("h"), index("p"), index("m")});
      for (Operation &nested : mod.without_terminator())
        b.clone(nested, mapping);
      both(mapping.lookupOrDefault(
          cast<YieldOp>(mod.getTerminator()).getValue()));
    }
    return keep;
  };
  auto kvHead = [&](EinsumSpec &s) {
    return group == 1 ? s.dim("h") : s.dim("h").floorDiv(group);
  };
  auto bmp = [&](EinsumSpec &s) {
    return SmallVector<AffineExpr>{s.dim("b"), s.dim("h"), s.dim("m"),
                                   s.dim("p")};
  };
  auto build = [&](EinsumSpec &s,
                   function_ref<Value(OpBuilder &, Location, ValueRange)> fn)
      -> ein::EinsumOp {
    auto it = maskBase.find(&s);
    if (it == maskBase.end())
      return ein::buildEinsum(rewriter, loc, cascadeOp, s, fn);
    unsigned base = it->second;
    maskBase.erase(it); // specs are locals: their addresses get reused
    Value keep;
    ein::EinsumOp e =
        ein::buildEinsum(rewriter, loc, cascadeOp, s,
                         [&](OpBuilder &b, Location l, ValueRange args) {
                           Value v = fn(b, l, args.take_front(base));
                           keep = dataKeep(b, l, args.drop_front(base));
                           return v;
                         });
    e.getMapBlock().getTerminator()->insertOperands(1, keep);
    return e;
  };

  // QK[b,h,m,p] += Q[b,h,p,e] * K[b,h/G,m,e] * scale
  EinsumSpec qkS = makeSpec("QK", {"b", "h", "m", "p"}, ReductionKind::Add);
  qkS.addInput(arg(0),
               {qkS.dim("b"), qkS.dim("h"), qkS.dim("p"), qkS.dim("e")});
  qkS.addInput(arg(1), {qkS.dim("b"), kvHead(qkS), qkS.dim("m"), qkS.dim("e")});
  addMask(qkS);
  Value scores = build(qkS, [&](OpBuilder &b, Location l, ValueRange a) {
    Value qs =
        arith::MulFOp::create(b, l, toF32(b, l, a[0]), f32Const(b, l, scale));
    return arith::MulFOp::create(b, l, qs, toF32(b, l, a[1]));
  });

  // S[b,h,m,p] = softcap(QK) - slope[h] * |i - m| + bias[b,h,p,m]
  std::optional<APFloat> softcap = op.getSoftcap();
  bool scoreMod = !op.getScoreMod().empty();
  if (softcap || slopeIdx >= 0 || biasIdx >= 0 || scoreMod) {
    EinsumSpec sS = makeSpec("S", {"b", "h", "m", "p"}, ReductionKind::None);
    sS.addInput(scores, bmp(sS));
    if (slopeIdx >= 0)
      sS.addInput(arg(slopeIdx), {sS.dim("h")});
    if (biasIdx >= 0) {
      // Broadcast dims of the bias are read at 0.
      auto bt = cast<RankedTensorType>(inputs[biasIdx].getType());
      AffineExpr zero = getAffineConstantExpr(0, ctx);
      sS.addInput(arg(biasIdx),
                  {bt.getDimSize(0) == 1 ? zero : sS.dim("b"),
                   bt.getDimSize(1) == 1 ? zero : sS.dim("h"),
                   bt.getDimSize(2) == 1 ? zero : sS.dim("p"), sS.dim("m")});
    }
    addMask(sS);
    double cap = softcap ? softcap->convertToDouble() : 0.0;
    scores = build(sS, [&](OpBuilder &b, Location l, ValueRange a) {
      Value x = a[0];
      unsigned next = 1;
      if (softcap) { // c * tanh(x / c)
        Value c = f32Const(b, l, cap);
        Value t = math::TanhOp::create(b, l, arith::DivFOp::create(b, l, x, c));
        x = arith::MulFOp::create(b, l, c, t);
      }
      if (slopeIdx >= 0) { // x - slope * |i - m|
        Value m =
            ein::IndexOp::create(b, l, b.getIndexType(), b.getStringAttr("m"));
        Value i =
            ein::IndexOp::create(b, l, b.getIndexType(), b.getStringAttr("p"));
        if (bottomRight) {
          Value em = ein::ExtentOp::create(b, l, b.getIndexType(),
                                           b.getStringAttr("m"));
          Value ep = ein::ExtentOp::create(b, l, b.getIndexType(),
                                           b.getStringAttr("p"));
          i = arith::AddIOp::create(b, l, i,
                                    arith::SubIOp::create(b, l, em, ep));
        }
        Value d = arith::SubIOp::create(b, l, i, m);
        Value nd = arith::SubIOp::create(
            b, l, arith::ConstantIndexOp::create(b, l, 0), d);
        Value dist = arith::MaxSIOp::create(b, l, d, nd);
        Value pen = arith::MulFOp::create(b, l, toF32(b, l, a[next++]),
                                          indexToF32(b, l, dist));
        x = arith::SubFOp::create(b, l, x, pen);
      }
      if (biasIdx >= 0)
        x = arith::AddFOp::create(b, l, x, toF32(b, l, a[next++]));
      if (scoreMod) { // score_mod(x, b, h, q, kv)
        Block &mod = op.getScoreMod().front();
        auto index = [&](StringRef rank) -> Value {
          return ein::IndexOp::create(b, l, b.getIndexType(),
                                      b.getStringAttr(rank));
        };
        IRMapping mapping;
        mapping.map(mod.getArguments(), ValueRange{x, index("b"), index("h"),
                                                   index("p"), index("m")});
        for (Operation &nested : mod.without_terminator())
          b.clone(nested, mapping);
        x = mapping.lookupOrDefault(
            cast<YieldOp>(mod.getTerminator()).getValue());
      }
      return x;
    });
  }

  // Softplus with a power p: w^p / sum w^p is the softmax of the logits
  // p * log(w), which the softmax cascade keeps in range (w^p alone leaves
  // f32 for p = 16 and w near 300) and makes one-pass.
  double softplusPower =
      op.getSoftplusPower() ? op.getSoftplusPower()->convertToDouble() : 1.0;
  if (norm == Normalizer::Softplus && softplusPower != 1.0) {
    double ls =
        op.getSoftplusScale() ? op.getSoftplusScale()->convertToDouble() : 1.0;
    EinsumSpec zS = makeSpec("LW", {"b", "h", "m", "p"}, ReductionKind::None);
    zS.addInput(scores, bmp(zS));
    addMask(zS);
    scores = build(zS, [&](OpBuilder &b, Location l, ValueRange a) {
      // log(softplus(y)): log(y) where exp(y) would overflow, y where
      // softplus(y) = exp(y) to f32 precision.
      Value y = arith::MulFOp::create(b, l, a[0], f32Const(b, l, ls));
      Value sp = math::Log1pOp::create(b, l, math::ExpOp::create(b, l, y));
      Value big = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, y,
                                        f32Const(b, l, 20.0));
      Value small = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, y,
                                          f32Const(b, l, -15.0));
      Value logSp =
          math::LogOp::create(b, l, arith::SelectOp::create(b, l, big, y, sp));
      Value lw = arith::SelectOp::create(b, l, small, y, logSp);
      return arith::MulFOp::create(b, l, lw, f32Const(b, l, softplusPower));
    });
    norm = Normalizer::Softmax;
  }

  // The weights A[b,h,m,p] and what the final contraction divides by.
  Value weights, gm, sd, den;
  switch (norm) {
  case Normalizer::Softmax: {
    // GM[b,h,p] max= S;  SN = exp(S - GM);  SD += SN;  A = SN / SD
    EinsumSpec gmS = makeSpec("GM", {"b", "h", "p"}, ReductionKind::Max);
    gmS.addInput(scores, bmp(gmS));
    addMask(gmS);
    gm = build(gmS, [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    EinsumSpec snS = makeSpec("SN", {"b", "h", "m", "p"}, ReductionKind::None);
    snS.addInput(scores, bmp(snS));
    snS.addInput(gm, {snS.dim("b"), snS.dim("h"), snS.dim("p")});
    addMask(snS);
    Value sn = build(snS, [](OpBuilder &b, Location l, ValueRange a) {
      return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, a[0], a[1]));
    });
    EinsumSpec sdS = makeSpec("SD", {"b", "h", "p"}, ReductionKind::Add);
    sdS.addInput(sn, bmp(sdS));
    addMask(sdS);
    sd = build(sdS, [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    den = sd;
    if (sinkIdx >= 0) {
      // DEN[b,h,p] = SD + exp(SINK[h] - GM): the sink takes probability mass
      // and contributes no value.
      EinsumSpec dS = makeSpec("DEN", {"b", "h", "p"}, ReductionKind::None);
      dS.addInput(sd, {dS.dim("b"), dS.dim("h"), dS.dim("p")});
      dS.addInput(gm, {dS.dim("b"), dS.dim("h"), dS.dim("p")});
      dS.addInput(arg(sinkIdx), {dS.dim("h")});
      den = build(dS, [](OpBuilder &b, Location l, ValueRange a) {
        Value d = arith::SubFOp::create(b, l, toF32(b, l, a[2]), a[1]);
        return arith::AddFOp::create(b, l, a[0], math::ExpOp::create(b, l, d));
      });
    }
    EinsumSpec aS = makeSpec("A", {"b", "h", "m", "p"}, ReductionKind::None);
    aS.addInput(sn, bmp(aS));
    aS.addInput(den, {aS.dim("b"), aS.dim("h"), aS.dim("p")});
    addMask(aS);
    weights = build(aS, [](OpBuilder &b, Location l, ValueRange a) {
      return arith::DivFOp::create(b, l, a[0], a[1]);
    });
    break;
  }
  case Normalizer::Sigmoid: {
    // P[b,h,m,p] = sigmoid(S + bias): already one pass, nothing to normalize.
    double bias = op.getEffectiveSigmoidBias();
    EinsumSpec pS = makeSpec("P", {"b", "h", "m", "p"}, ReductionKind::None);
    pS.addInput(scores, bmp(pS));
    addMask(pS);
    weights = build(pS, [&](OpBuilder &b, Location l, ValueRange a) {
      return sigmoid(b, l,
                     arith::AddFOp::create(b, l, a[0], f32Const(b, l, bias)));
    });
    break;
  }
  case Normalizer::Relu: {
    // P[b,h,m,p] = relu(S) / |m|
    EinsumSpec pS = makeSpec("P", {"b", "h", "m", "p"}, ReductionKind::None);
    pS.addInput(scores, bmp(pS));
    addMask(pS);
    weights = build(pS, [&](OpBuilder &b, Location l, ValueRange a) {
      Value r = arith::MaximumFOp::create(b, l, a[0], f32Const(b, l, 0.0));
      Value em =
          ein::ExtentOp::create(b, l, b.getIndexType(), b.getStringAttr("m"));
      return arith::DivFOp::create(b, l, r, indexToF32(b, l, em));
    });
    break;
  }
  case Normalizer::Softplus: {
    // W = softplus(scale * S);  SD += W;  A = W / SD  (a power other than
    // 1 took the softmax path above)
    double ls =
        op.getSoftplusScale() ? op.getSoftplusScale()->convertToDouble() : 1.0;
    EinsumSpec wS = makeSpec("W", {"b", "h", "m", "p"}, ReductionKind::None);
    wS.addInput(scores, bmp(wS));
    addMask(wS);
    Value w = build(wS, [&](OpBuilder &b, Location l, ValueRange a) {
      Value y = arith::MulFOp::create(b, l, a[0], f32Const(b, l, ls));
      // softplus(y) = log1p(exp(y)), and y itself where exp would overflow.
      Value sp = math::Log1pOp::create(b, l, math::ExpOp::create(b, l, y));
      Value big = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, y,
                                        f32Const(b, l, 20.0));
      return arith::SelectOp::create(b, l, big, y, sp);
    });
    EinsumSpec sdS = makeSpec("SD", {"b", "h", "p"}, ReductionKind::Add);
    sdS.addInput(w, bmp(sdS));
    addMask(sdS);
    sd = build(sdS, [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    EinsumSpec aS = makeSpec("A", {"b", "h", "m", "p"}, ReductionKind::None);
    aS.addInput(w, bmp(aS));
    aS.addInput(sd, {aS.dim("b"), aS.dim("h"), aS.dim("p")});
    addMask(aS);
    weights = build(aS, [](OpBuilder &b, Location l, ValueRange a) {
      return arith::DivFOp::create(b, l, a[0], a[1]);
    });
    break;
  }
  }

  // AV[b,h,p,f] += A[b,h,m,p] * V[b,h/G,m,f], in the result's layout.
  EinsumSpec avS = makeSpec("AV", {"b", "h", "p", "f"}, ReductionKind::Add);
  avS.addInput(weights, bmp(avS));
  avS.addInput(arg(2), {avS.dim("b"), kvHead(avS), avS.dim("m"), avS.dim("f")});
  addMask(avS);
  Value av = build(avS, [](OpBuilder &b, Location l, ValueRange a) {
    return arith::MulFOp::create(b, l, a[0], toF32(b, l, a[1]));
  });

  // O[b,h,p,f] = AV * sigmoid(G)
  if (gateIdx >= 0) {
    EinsumSpec gS = makeSpec("O", {"b", "h", "p", "f"}, ReductionKind::None);
    gS.addInput(av, {gS.dim("b"), gS.dim("h"), gS.dim("p"), gS.dim("f")});
    gS.addInput(arg(gateIdx),
                {gS.dim("b"), gS.dim("h"), gS.dim("p"), gS.dim("f")});
    av = build(gS, [](OpBuilder &b, Location l, ValueRange a) {
      return arith::MulFOp::create(b, l, a[0],
                                   sigmoid(b, l, toF32(b, l, a[1])));
    });
  }

  // OUT[b,h,p,f] = AV, rounded to a narrower result type.
  Type resultElt = outType.getElementType();
  if (!resultElt.isF32()) {
    EinsumSpec oS = makeSpec("OUT", {"b", "h", "p", "f"}, ReductionKind::None);
    oS.elementType = resultElt;
    oS.addInput(av, {oS.dim("b"), oS.dim("h"), oS.dim("p"), oS.dim("f")});
    av = build(oS, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
      return arith::TruncFOp::create(b, l, resultElt, a[0]);
    });
  }
  SmallVector<Value> results = {av};

  // LSE[b,h,p] = c + log(SD exp(GM - c) [+ exp(SINK - c)]), c = max(GM, SINK),
  // rounded to a narrower result type.
  if (op.getLse()) {
    Type lseElt =
        cast<RankedTensorType>(op->getResult(1).getType()).getElementType();
    auto round = [lseElt](OpBuilder &b, Location l, Value x) -> Value {
      if (x.getType() == lseElt || !isa<FloatType>(lseElt))
        return x;
      return arith::TruncFOp::create(b, l, lseElt, x);
    };
    EinsumSpec lS = makeSpec("LSE", {"b", "h", "p"}, ReductionKind::None);
    if (isa<FloatType>(lseElt))
      lS.elementType = lseElt;
    lS.addInput(gm, {lS.dim("b"), lS.dim("h"), lS.dim("p")});
    lS.addInput(sd, {lS.dim("b"), lS.dim("h"), lS.dim("p")});
    if (sinkIdx >= 0)
      lS.addInput(arg(sinkIdx), {lS.dim("h")});
    bool sinks = sinkIdx >= 0;
    results.push_back(build(lS, [&](OpBuilder &b, Location l, ValueRange a) {
      Value g = a[0], d = a[1];
      if (!sinks) // a row with no key: -inf + log(0) = -inf
        return round(
            b, l, arith::AddFOp::create(b, l, g, math::LogOp::create(b, l, d)));
      Value sink = toF32(b, l, a[2]);
      Value c = arith::MaximumFOp::create(b, l, g, sink);
      Value keys = arith::MulFOp::create(
          b, l, d,
          math::ExpOp::create(b, l, arith::SubFOp::create(b, l, g, c)));
      Value sinkTerm =
          math::ExpOp::create(b, l, arith::SubFOp::create(b, l, sink, c));
      Value total = arith::AddFOp::create(b, l, keys, sinkTerm);
      return round(
          b, l,
          arith::AddFOp::create(b, l, c, math::LogOp::create(b, l, total)));
    }));
  }
  for (auto [r, t] : llvm::zip(results, op->getResultTypes()))
    if (r.getType() != t)
      return op.emitOpError() << "decomposition computed " << r.getType()
                              << " for a result of type " << t;
  ein::YieldOp::create(rewriter, loc, results);
  rewriter.replaceOp(op, cascadeOp.getResults());
  return cascadeOp;
}

/// phi(x) of a feature map, in f32.
static Value featureMap(OpBuilder &b, Location loc, FeatureMap map, Value x) {
  switch (map) {
  case FeatureMap::Identity:
    return x;
  case FeatureMap::Relu:
    return arith::MaximumFOp::create(b, loc, x, f32Const(b, loc, 0.0));
  case FeatureMap::Elu1: { // elu(x) + 1 = x > 0 ? x + 1 : exp(x)
    Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                      f32Const(b, loc, 0.0));
    Value plus = arith::AddFOp::create(b, loc, x, f32Const(b, loc, 1.0));
    return arith::SelectOp::create(b, loc, pos, plus,
                                   math::ExpOp::create(b, loc, x));
  }
  }
  return x;
}

FailureOr<ein::CascadeOp>
cascade::attn::decomposeLinearAttention(RewriterBase &rewriter,
                                        LinearAttentionOp op) {
  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  auto qType = op.getQ().getType(), kType = op.getK().getType();
  auto outType = cast<RankedTensorType>(op.getResult().getType());
  int64_t group = qType.getDimSize(1) / kType.getDimSize(1);
  FeatureMap phi = op.getEffectiveFeatureMap();

  SmallVector<Value> inputs = {op.getQ(), op.getK(), op.getV()};
  SmallVector<StringRef> names = {"Q", "K", "V"};
  if (op.getDecay()) {
    inputs.push_back(op.getDecay());
    names.push_back("DECAY");
  }
  rewriter.setInsertionPoint(op);
  auto cascadeOp = createAttentionCascade(rewriter, loc, "linear_attention",
                                          inputs, names, TypeRange{outType});
  Block *body = &cascadeOp.getBodyBlock();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(body);

  auto spec = [&](StringRef name, ArrayRef<StringRef> out, ReductionKind red) {
    return makeSpec(ctx, name, out, red);
  };
  auto kvHead = [&](EinsumSpec &s) {
    return group == 1 ? s.dim("h") : s.dim("h").floorDiv(group);
  };
  auto causal = [&](EinsumSpec &s) {
    if (op.getCausal())
      s.addConstraint(s.dim("p") - s.dim("m")); // m <= p
  };
  auto build = [&](EinsumSpec &s,
                   function_ref<Value(OpBuilder &, Location, ValueRange)> fn) {
    return ein::buildEinsum(rewriter, loc, cascadeOp, s, fn);
  };

  // PQ[b,h,p,e] = phi(Q);  PK[b,h,m,e] = phi(K[b,h/G,m,e])
  EinsumSpec pqS = spec("PQ", {"b", "h", "p", "e"}, ReductionKind::None);
  pqS.addInput(body->getArgument(0),
               {pqS.dim("b"), pqS.dim("h"), pqS.dim("p"), pqS.dim("e")});
  Value pq = build(pqS, [&](OpBuilder &b, Location l, ValueRange a) {
    return featureMap(b, l, phi, toF32(b, l, a[0]));
  });
  EinsumSpec pkS = spec("PK", {"b", "h", "m", "e"}, ReductionKind::None);
  pkS.addInput(body->getArgument(1),
               {pkS.dim("b"), kvHead(pkS), pkS.dim("m"), pkS.dim("e")});
  Value pk = build(pkS, [&](OpBuilder &b, Location l, ValueRange a) {
    return featureMap(b, l, phi, toF32(b, l, a[0]));
  });
  // QK[b,h,m,p] += PQ[b,h,p,e] * PK[b,h,m,e]
  EinsumSpec qkS = spec("QK", {"b", "h", "m", "p"}, ReductionKind::Add);
  qkS.addInput(pq, {qkS.dim("b"), qkS.dim("h"), qkS.dim("p"), qkS.dim("e")});
  qkS.addInput(pk, {qkS.dim("b"), qkS.dim("h"), qkS.dim("m"), qkS.dim("e")});
  causal(qkS);
  Value w = build(qkS, [](OpBuilder &b, Location l, ValueRange a) {
    return arith::MulFOp::create(b, l, a[0], a[1]);
  });
  // W[b,h,m,p] = QK * DECAY[h]^(p - m)
  if (op.getDecay()) {
    EinsumSpec wS = spec("W", {"b", "h", "m", "p"}, ReductionKind::None);
    wS.addInput(w, {wS.dim("b"), wS.dim("h"), wS.dim("m"), wS.dim("p")});
    wS.addInput(body->getArgument(3), {wS.dim("h")});
    causal(wS);
    w = build(wS, [](OpBuilder &b, Location l, ValueRange a) {
      Value p =
          ein::IndexOp::create(b, l, b.getIndexType(), b.getStringAttr("p"));
      Value m =
          ein::IndexOp::create(b, l, b.getIndexType(), b.getStringAttr("m"));
      Value dist = indexToF32(b, l, arith::SubIOp::create(b, l, p, m));
      Value f = math::PowFOp::create(b, l, toF32(b, l, a[1]), dist);
      return arith::MulFOp::create(b, l, a[0], f);
    });
  }
  // AV[b,h,p,f] += W[b,h,m,p] * V[b,h/G,m,f]
  EinsumSpec avS = spec("AV", {"b", "h", "p", "f"}, ReductionKind::Add);
  avS.addInput(w, {avS.dim("b"), avS.dim("h"), avS.dim("m"), avS.dim("p")});
  avS.addInput(body->getArgument(2),
               {avS.dim("b"), kvHead(avS), avS.dim("m"), avS.dim("f")});
  causal(avS);
  Value result = build(avS, [](OpBuilder &b, Location l, ValueRange a) {
    return arith::MulFOp::create(b, l, a[0], toF32(b, l, a[1]));
  });
  if (op.getNormalize()) {
    // SD[b,h,p] += W;  O = AV / SD (0 / 0 := 0)
    EinsumSpec sdS = spec("SD", {"b", "h", "p"}, ReductionKind::Add);
    sdS.addInput(w, {sdS.dim("b"), sdS.dim("h"), sdS.dim("m"), sdS.dim("p")});
    causal(sdS);
    Value sd =
        build(sdS, [](OpBuilder &, Location, ValueRange a) { return a[0]; });
    EinsumSpec oS = spec("O", {"b", "h", "p", "f"}, ReductionKind::None);
    oS.addInput(result, {oS.dim("b"), oS.dim("h"), oS.dim("p"), oS.dim("f")});
    oS.addInput(sd, {oS.dim("b"), oS.dim("h"), oS.dim("p")});
    result = build(oS, [](OpBuilder &b, Location l, ValueRange a) {
      Value zero = f32Const(b, l, 0.0);
      Value isZero =
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[1], zero);
      Value q = arith::DivFOp::create(b, l, a[0], a[1]);
      return arith::SelectOp::create(b, l, isZero, zero, q);
    });
  }
  Type resultElt = outType.getElementType();
  if (!resultElt.isF32()) {
    EinsumSpec oS = spec("OUT", {"b", "h", "p", "f"}, ReductionKind::None);
    oS.elementType = resultElt;
    oS.addInput(result, {oS.dim("b"), oS.dim("h"), oS.dim("p"), oS.dim("f")});
    result = build(oS, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
      return arith::TruncFOp::create(b, l, resultElt, a[0]);
    });
  }
  if (result.getType() != outType)
    return op.emitOpError() << "decomposition computed " << result.getType()
                            << " for a result of type " << outType;
  ein::YieldOp::create(rewriter, loc, ValueRange{result});
  rewriter.replaceOp(op, cascadeOp.getResults());
  return cascadeOp;
}

FailureOr<ein::CascadeOp> cascade::attn::decomposeMerge(RewriterBase &rewriter,
                                                        MergeOp op) {
  MLIRContext *ctx = op.getContext();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto cascadeOp = createCascadeOver(
      rewriter, loc, "merge", {op.getO(), op.getLse()}, {"O", "LSE"},
      op->getResultTypes(),
      {{"s", 0, 0}, {"b", 0, 1}, {"h", 0, 2}, {"f", 0, 4}, {"p", 0, 3}});
  Block *body = &cascadeOp.getBodyBlock();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(body);
  auto spec = [&](StringRef name, ArrayRef<StringRef> out, ReductionKind red) {
    return makeSpec(ctx, name, out, red);
  };
  auto dims = [](EinsumSpec &s, ArrayRef<StringRef> names) {
    SmallVector<AffineExpr> out;
    for (StringRef n : names)
      out.push_back(s.dim(n));
    return out;
  };
  auto build = [&](EinsumSpec &s,
                   function_ref<Value(OpBuilder &, Location, ValueRange)> fn) {
    return ein::buildEinsum(rewriter, loc, cascadeOp, s, fn).getResult();
  };
  Value o = body->getArgument(0), lse = body->getArgument(1);
  // GM[b,h,p] max= LSE[s,b,h,p]
  EinsumSpec gmS = spec("GM", {"b", "h", "p"}, ReductionKind::Max);
  gmS.addInput(lse, dims(gmS, {"s", "b", "h", "p"}));
  Value gm = build(gmS, [](OpBuilder &b, Location l, ValueRange a) {
    return toF32(b, l, a[0]);
  });
  // W[s,b,h,p] = exp(LSE - GM), 0 for a row no part kept
  EinsumSpec wS = spec("W", {"s", "b", "h", "p"}, ReductionKind::None);
  wS.addInput(lse, dims(wS, {"s", "b", "h", "p"}));
  wS.addInput(gm, dims(wS, {"b", "h", "p"}));
  Value w = build(wS, [](OpBuilder &b, Location l, ValueRange a) {
    Value none = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[1],
                                       f32Const(b, l, -INFINITY));
    Value d = arith::SubFOp::create(b, l, toF32(b, l, a[0]), a[1]);
    return arith::SelectOp::create(b, l, none, f32Const(b, l, 0.0),
                                   math::ExpOp::create(b, l, d));
  });
  // WS[b,h,p] += W;  WO[b,h,p,f] += W * O[s,b,h,p,f]
  EinsumSpec wsS = spec("WS", {"b", "h", "p"}, ReductionKind::Add);
  wsS.addInput(w, dims(wsS, {"s", "b", "h", "p"}));
  Value ws =
      build(wsS, [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  EinsumSpec woS = spec("WO", {"b", "h", "p", "f"}, ReductionKind::Add);
  woS.addInput(w, dims(woS, {"s", "b", "h", "p"}));
  woS.addInput(o, dims(woS, {"s", "b", "h", "p", "f"}));
  Value wo = build(woS, [](OpBuilder &b, Location l, ValueRange a) {
    return arith::MulFOp::create(b, l, a[0], toF32(b, l, a[1]));
  });
  // OUT = WO / WS (0 for an empty row);  OLSE = GM + log WS (-inf for one)
  auto outType = cast<RankedTensorType>(op.getResult().getType());
  auto lseType = cast<RankedTensorType>(op.getResultLse().getType());
  auto narrow = [](OpBuilder &b, Location l, Type t, Value v) -> Value {
    return t.isF32() ? v : arith::TruncFOp::create(b, l, t, v).getResult();
  };
  EinsumSpec outS = spec("OUT", {"b", "h", "p", "f"}, ReductionKind::None);
  outS.elementType = outType.getElementType();
  outS.addInput(wo, dims(outS, {"b", "h", "p", "f"}));
  outS.addInput(ws, dims(outS, {"b", "h", "p"}));
  Value out = build(outS, [&](OpBuilder &b, Location l, ValueRange a) {
    Value zero = f32Const(b, l, 0.0);
    Value empty =
        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[1], zero);
    Value q = arith::DivFOp::create(b, l, a[0], a[1]);
    return narrow(b, l, outType.getElementType(),
                  arith::SelectOp::create(b, l, empty, zero, q));
  });
  EinsumSpec lseS = spec("OLSE", {"b", "h", "p"}, ReductionKind::None);
  lseS.elementType = lseType.getElementType();
  lseS.addInput(gm, dims(lseS, {"b", "h", "p"}));
  lseS.addInput(ws, dims(lseS, {"b", "h", "p"}));
  Value outLse = build(lseS, [&](OpBuilder &b, Location l, ValueRange a) {
    Value empty = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[1],
                                        f32Const(b, l, 0.0));
    Value x =
        arith::AddFOp::create(b, l, a[0], math::LogOp::create(b, l, a[1]));
    return narrow(
        b, l, lseType.getElementType(),
        arith::SelectOp::create(b, l, empty, f32Const(b, l, -INFINITY), x));
  });
  ein::YieldOp::create(rewriter, loc, ValueRange{out, outLse});
  rewriter.replaceOp(op, cascadeOp.getResults());
  return cascadeOp;
}

namespace {
struct AttnDecomposePass
    : cascade::attn::impl::AttnDecomposeBase<AttnDecomposePass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<AttentionOp, LinearAttentionOp, MergeOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      LogicalResult r = success();
      if (auto a = dyn_cast<AttentionOp>(op))
        r = decomposeAttention(rewriter, a);
      else if (auto l = dyn_cast<LinearAttentionOp>(op))
        r = decomposeLinearAttention(rewriter, l);
      else
        r = decomposeMerge(rewriter, cast<MergeOp>(op));
      if (failed(r))
        return signalPassFailure();
    }
  }
};
} // namespace
