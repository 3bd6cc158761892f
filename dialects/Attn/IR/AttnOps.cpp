//===- AttnOps.cpp - attn dialect operations --------------------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "dialects/Attn/IR/AttnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace cascade::attn;

#include "dialects/Attn/IR/AttnDialect.cpp.inc"
#include "dialects/Attn/IR/AttnEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Attn/IR/AttnAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/Attn/IR/AttnOps.cpp.inc"

void AttnDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Attn/IR/AttnAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/Attn/IR/AttnOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

double AttentionOp::getEffectiveScale() {
  if (std::optional<APFloat> s = getScale())
    return s->convertToDouble();
  int64_t d = getQ().getType().getDimSize(3);
  return 1.0 / std::sqrt(static_cast<double>(d));
}

double AttentionOp::getEffectiveSigmoidBias() {
  if (std::optional<APFloat> b = getSigmoidBias())
    return b->convertToDouble();
  int64_t m = getKeyCount();
  return -std::log(static_cast<double>(m));
}

SmallVector<float> AttentionOp::geometricAlibiSlopes(int64_t heads) {
  // For a power of two n: 2^(-8 (h + 1) / n). Otherwise the slopes of the
  // nearest power of two below, then every other slope of twice that.
  auto powerOfTwoSlopes = [](int64_t n) {
    SmallVector<float> s;
    for (int64_t h = 0; h < n; ++h)
      s.push_back(std::pow(2.0, -8.0 * (h + 1) / n));
    return s;
  };
  int64_t n = 1;
  while (n * 2 <= heads)
    n *= 2;
  SmallVector<float> slopes = powerOfTwoSlopes(n);
  SmallVector<float> extra = powerOfTwoSlopes(2 * n);
  for (int64_t i = 0; (int64_t)slopes.size() < heads; i += 2)
    slopes.push_back(extra[i]);
  return slopes;
}

static bool isSupportedElementType(Type t) {
  return t.isF32() || t.isF16() || t.isBF16();
}

/// Names of the dimensions, for diagnostics.
static const char *const kQNames[] = {"B", "Hq", "N", "D"};
static const char *const kKNames[] = {"B", "Hkv", "M", "D"};
static const char *const kVNames[] = {"B", "Hkv", "M", "Dv"};
static const char *const kONames[] = {"B", "Hq", "N", "Dv"};

/// Fails with an error on `op` when dimension `i` of `a` (named `an`) and
/// dimension `j` of `b` are both static and differ.
static LogicalResult tieDims(Operation *op, RankedTensorType a, int i,
                             StringRef an, RankedTensorType b, int j,
                             StringRef bn) {
  int64_t x = a.getDimSize(i), y = b.getDimSize(j);
  if (ShapedType::isDynamic(x) || ShapedType::isDynamic(y) || x == y)
    return success();
  return op->emitOpError() << an << " dimension " << i << " must equal " << bn
                           << " dimension " << j << " = " << y << ", found "
                           << x;
}

int64_t AttentionOp::getKeyCount() {
  int64_t s = getK().getType().getDimSize(2);
  Value table = getBlockTable();
  if (!table)
    return s;
  int64_t pages = cast<RankedTensorType>(table.getType()).getDimSize(1);
  if (ShapedType::isDynamic(s) || ShapedType::isDynamic(pages))
    return ShapedType::kDynamic;
  return s * pages;
}

LogicalResult AttentionOp::verify() {
  struct Operand {
    const char *name;
    RankedTensorType type;
    const char *const *dims;
  };
  Operand operands[] = {{"q", getQ().getType(), kQNames},
                        {"k", getK().getType(), kKNames},
                        {"v", getV().getType(), kVNames},
                        {"result", getResult().getType(), kONames}};
  for (const Operand &o : operands) {
    if (o.type.getRank() != 4)
      return emitOpError() << o.name << " must have rank 4 [" << o.dims[0]
                           << ", " << o.dims[1] << ", " << o.dims[2] << ", "
                           << o.dims[3] << "], found rank " << o.type.getRank()
                           << " (" << o.type << ")";
    if (!isSupportedElementType(o.type.getElementType()))
      return emitOpError() << o.name
                           << " element type must be f32, f16 or bf16, found "
                           << o.type.getElementType();
  }
  Type elt = getQ().getType().getElementType();
  for (const Operand &o : operands)
    if (o.type.getElementType() != elt)
      return emitOpError() << o.name << " element type "
                           << o.type.getElementType()
                           << " differs from q element type " << elt;

  for (const Operand &o : operands)
    for (int i = 0; i < 4; ++i)
      if (o.type.getDimSize(i) == 0 && i != 2)
        return emitOpError() << o.name << " dimension " << i << " ("
                             << o.dims[i] << ") must be non-zero";

  // Each check: (operand a, dim i) must equal (operand b, dim j).
  struct Tie {
    int a, i, b, j;
  };
  static const Tie ties[] = {{1, 0, 0, 0}, {2, 0, 0, 0}, {1, 3, 0, 3},
                             {2, 1, 1, 1}, {2, 2, 1, 2}, {3, 0, 0, 0},
                             {3, 1, 0, 1}, {3, 2, 0, 2}, {3, 3, 2, 3}};
  bool paged = (bool)getBlockTable();
  for (const Tie &t : ties) {
    // Paged: k and v hold pages, not sequences; they share the page count.
    if (paged && t.a <= 2 && t.b == 0 && t.i == 0)
      continue;
    if (paged && t.a == 2 && t.i == 2 &&
        operands[2].type.getDimSize(0) != operands[1].type.getDimSize(0)) {
      int64_t x = operands[2].type.getDimSize(0),
              y = operands[1].type.getDimSize(0);
      if (!ShapedType::isDynamic(x) && !ShapedType::isDynamic(y))
        return emitOpError() << "v dimension 0 (pages) must equal k dimension "
                                "0 (pages) = "
                             << y << ", found " << x;
    }
    int64_t x = operands[t.a].type.getDimSize(t.i);
    int64_t y = operands[t.b].type.getDimSize(t.j);
    if (ShapedType::isDynamic(x) || ShapedType::isDynamic(y) || x == y)
      continue;
    return emitOpError() << operands[t.a].name << " dimension " << t.i << " ("
                         << operands[t.a].dims[t.i] << ") must equal "
                         << operands[t.b].name << " dimension " << t.j << " ("
                         << operands[t.b].dims[t.j] << ") = " << y << ", found "
                         << x;
  }

  int64_t hq = getQ().getType().getDimSize(1);
  int64_t hkv = getK().getType().getDimSize(1);
  if (!ShapedType::isDynamic(hq) && !ShapedType::isDynamic(hkv) &&
      hq % hkv != 0)
    return emitOpError() << "query heads Hq = " << hq
                         << " must be a multiple of key/value heads Hkv = "
                         << hkv;
  if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv))
    return emitOpError() << "the head counts Hq and Hkv must be static, found "
                         << getQ().getType() << " and " << getK().getType();

  // The variant attributes and operands.
  Normalizer norm = getEffectiveNormalizer();
  int64_t b = getQ().getType().getDimSize(0),
          n = getQ().getType().getDimSize(2), m = getKeyCount(),
          dv = getV().getType().getDimSize(3);
  if (Value table = getBlockTable()) {
    auto t = cast<RankedTensorType>(table.getType());
    if (!isa<IntegerType>(t.getElementType()) ||
        t.getElementType().isInteger(1))
      return emitOpError() << "block_table must have integer elements, found "
                           << t.getElementType();
    if (t.getRank() != 2)
      return emitOpError() << "block_table must have rank 2 [B, pages per "
                              "sequence], found "
                           << t;
    if (!ShapedType::isDynamic(t.getDimSize(0)) && !ShapedType::isDynamic(b) &&
        t.getDimSize(0) != b)
      return emitOpError() << "block_table dimension 0 must be B = " << b
                           << ", found " << t.getDimSize(0);
    if (ShapedType::isDynamic(t.getDimSize(1)) ||
        ShapedType::isDynamic(getK().getType().getDimSize(2)))
      return emitOpError() << "a paged cache needs static pages per sequence "
                              "and page size, found "
                           << t << " and " << getK().getType();
  }
  if (getSigmoidBias() && norm != Normalizer::Sigmoid)
    return emitOpError() << "sigmoid_bias needs normalizer sigmoid";
  if ((getSoftplusScale() || getSoftplusPower()) &&
      norm != Normalizer::Softplus)
    return emitOpError() << "softplus_scale and softplus_power need normalizer "
                            "softplus";
  if (norm == Normalizer::Sigmoid && !getSigmoidBias() &&
      ShapedType::isDynamic(m))
    return emitOpError() << "the default sigmoid_bias -log(M) needs a static "
                            "key length M; give sigmoid_bias explicitly";
  if (getSinks() && norm != Normalizer::Softmax)
    return emitOpError() << "sinks add to a softmax denominator; normalizer "
                         << stringifyNormalizer(norm) << " has none";
  if (getReturnLse() != (bool)getLse())
    return emitOpError() << (getReturnLse()
                                 ? "return_lse needs a second result"
                                 : "a second result needs return_lse");
  if (getLse() && norm != Normalizer::Softmax)
    return emitOpError() << "the log-sum-exp is defined for softmax only";
  if (std::optional<ArrayRef<int64_t>> w = getWindow()) {
    if (w->size() != 2)
      return emitOpError() << "window must be [left, right], found "
                           << w->size() << " values";
    for (int64_t x : *w)
      if (x < -1)
        return emitOpError() << "window extents must be >= 0, or -1 for "
                                "unbounded, found "
                             << x;
  }
  if (std::optional<int64_t> d = getDilation(); d && *d < 1)
    return emitOpError() << "dilation must be >= 1, found " << *d;
  if (std::optional<int64_t> st = getSinkTokens()) {
    if (*st < 0)
      return emitOpError() << "sink_tokens must be >= 0, found " << *st;
    if (!getWindow() && !getDilation())
      return emitOpError() << "sink_tokens keep keys that a window or "
                              "dilation would drop; give window or dilation";
  }
  if (std::optional<APFloat> c = getSoftcap())
    if (!(c->convertToDouble() > 0) || !std::isfinite(c->convertToDouble()))
      return emitOpError() << "softcap must be positive and finite, found "
                           << c->convertToDouble();
  if (getAlibi() && getAlibiSlopes())
    return emitOpError() << "give either alibi (standard slopes) or "
                            "alibi_slopes, not both";
  // An optional tensor operand: element type, rank, and each dimension
  // equal to the expected one (or 1 where it broadcasts).
  auto checkTensor = [&](Value v, StringRef name, ArrayRef<int64_t> expected,
                         ArrayRef<bool> broadcast,
                         function_ref<bool(Type)> eltOk,
                         StringRef eltWhat) -> LogicalResult {
    if (!v)
      return success();
    auto t = cast<RankedTensorType>(v.getType());
    if (!eltOk(t.getElementType()))
      return emitOpError() << name << " must have " << eltWhat << ", found "
                           << t.getElementType();
    if (t.getRank() != (int64_t)expected.size())
      return emitOpError() << name << " must have rank " << expected.size()
                           << ", found " << t;
    for (auto [i, e] : llvm::enumerate(expected)) {
      int64_t d = t.getDimSize(i);
      if (ShapedType::isDynamic(d) || ShapedType::isDynamic(e) || d == e ||
          (broadcast[i] && d == 1))
        continue;
      return emitOpError() << name << " dimension " << i << " must be " << e
                           << (broadcast[i] ? " or 1" : "") << ", found " << d;
    }
    return success();
  };
  auto isFloat = [](Type t) { return isa<FloatType>(t); };
  auto checkExtra = [&](Value v, StringRef name, ArrayRef<int64_t> expected,
                        ArrayRef<bool> broadcast) {
    return checkTensor(v, name, expected, broadcast, isFloat,
                       "a float element type");
  };
  if (failed(checkExtra(getSinks(), "sinks", {hq}, {false})) ||
      failed(checkExtra(getAlibiSlopes(), "alibi_slopes", {hq}, {false})) ||
      failed(checkExtra(getBias(), "bias", {b, hq, n, m},
                        {true, true, true, false})) ||
      failed(checkExtra(getGate(), "gate", {b, hq, n, dv},
                        {false, false, false, false})) ||
      failed(checkExtra(getLse(), "the log-sum-exp result", {b, hq, n},
                        {false, false, false})))
    return failure();

  // Data-dependent masks.
  int64_t m0 = m;
  auto checkInts = [&](Value v, StringRef name, ArrayRef<int64_t> expected,
                       ArrayRef<bool> broadcast, bool boolean) {
    auto isInt = [](Type t) { return isa<IntegerType>(t) && !t.isInteger(1); };
    auto isBool = [](Type t) { return t.isInteger(1); };
    return boolean ? checkTensor(v, name, expected, broadcast, isBool,
                                 "i1 elements")
                   : checkTensor(v, name, expected, broadcast, isInt,
                                 "integer elements");
  };
  if ((bool)getQDocIds() != (bool)getKDocIds())
    return emitOpError() << "document ids need both q_doc_ids and k_doc_ids";
  if ((bool)getBlockMask() != (bool)getBlockSize())
    return emitOpError() << "block_mask and block_size go together";
  int64_t nb = ShapedType::kDynamic, mb = ShapedType::kDynamic;
  if (std::optional<ArrayRef<int64_t>> bs = getBlockSize()) {
    if (bs->size() != 2 || (*bs)[0] <= 0 || (*bs)[1] <= 0)
      return emitOpError() << "block_size must be two positive block sizes "
                              "[query, key]";
    if (!ShapedType::isDynamic(n))
      nb = (n + (*bs)[0] - 1) / (*bs)[0];
    if (!ShapedType::isDynamic(m0))
      mb = (m0 + (*bs)[1] - 1) / (*bs)[1];
  }
  if (failed(checkInts(getKvLengths(), "kv_lengths", {b}, {false}, false)) ||
      failed(checkInts(getQDocIds(), "q_doc_ids", {b, n}, {false, false},
                       false)) ||
      failed(checkInts(getKDocIds(), "k_doc_ids", {b, m0}, {false, false},
                       false)) ||
      failed(checkInts(getMask(), "mask", {b, hq, n, m0},
                       {true, true, false, false}, true)) ||
      failed(checkInts(getBlockMask(), "block_mask", {b, hq, nb, mb},
                       {true, true, false, false}, true)))
    return failure();

  // The modifier regions: (score, b, h, q, kv) -> f32, (b, h, q, kv) -> i1.
  auto checkRegion = [&](Region &region, StringRef name, bool withScore,
                         Type result) -> LogicalResult {
    if (region.empty())
      return success();
    if (!region.hasOneBlock())
      return emitOpError() << name << " must have one block";
    Block &block = region.front();
    SmallVector<Type> expected;
    if (withScore)
      expected.push_back(Float32Type::get(getContext()));
    for (int i = 0; i < 4; ++i)
      expected.push_back(IndexType::get(getContext()));
    if (block.getArgumentTypes() != ArrayRef<Type>(expected))
      return emitOpError() << name << " must take ("
                           << (withScore ? "f32, " : "")
                           << "index, index, index, index): the "
                           << (withScore ? "score, " : "")
                           << "batch, head, query and key";
    auto yield = block.empty() ? YieldOp() : dyn_cast<YieldOp>(block.back());
    if (!yield || yield.getValue().getType() != result)
      return emitOpError() << name << " must yield " << result;
    return success();
  };
  if (failed(checkRegion(getScoreMod(), "score_mod", true,
                         Float32Type::get(getContext()))) ||
      failed(checkRegion(getMaskMod(), "mask_mod", false,
                         IntegerType::get(getContext(), 1))))
    return failure();

  if (std::optional<APFloat> s = getScale()) {
    double d = s->convertToDouble();
    if (!std::isfinite(d))
      return emitOpError() << "scale must be finite, found " << d;
  } else if (ShapedType::isDynamic(getQ().getType().getDimSize(3))) {
    return emitOpError()
           << "the default scale 1/sqrt(D) needs a static head dimension D; "
              "give `scale` explicitly";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// LinearAttentionOp
//===----------------------------------------------------------------------===//

LogicalResult LinearAttentionOp::verify() {
  auto q = getQ().getType(), k = getK().getType(), v = getV().getType(),
       o = cast<RankedTensorType>(getResult().getType());
  const char *const names[] = {"q", "k", "v", "result"};
  RankedTensorType types[] = {q, k, v, o};
  for (auto [name, t] : llvm::zip(names, types)) {
    if (t.getRank() != 4)
      return emitOpError() << name << " must have rank 4, found " << t;
    if (!isSupportedElementType(t.getElementType()))
      return emitOpError() << name
                           << " element type must be f32, f16 or bf16, found "
                           << t.getElementType();
  }
  for (auto [name, t] : llvm::zip(names, types))
    if (t.getElementType() != q.getElementType())
      return emitOpError() << name << " element type " << t.getElementType()
                           << " differs from q element type "
                           << q.getElementType();
  auto tie = [&](RankedTensorType a, int i, StringRef an, RankedTensorType b,
                 int j, StringRef bn) {
    return tieDims(getOperation(), a, i, an, b, j, bn);
  };
  if (failed(tie(k, 0, "k", q, 0, "q")) || failed(tie(v, 0, "v", q, 0, "q")) ||
      failed(tie(k, 3, "k", q, 3, "q")) || failed(tie(v, 1, "v", k, 1, "k")) ||
      failed(tie(v, 2, "v", k, 2, "k")) ||
      failed(tie(o, 0, "result", q, 0, "q")) ||
      failed(tie(o, 1, "result", q, 1, "q")) ||
      failed(tie(o, 2, "result", q, 2, "q")) ||
      failed(tie(o, 3, "result", v, 3, "v")))
    return failure();
  int64_t hq = q.getDimSize(1), hkv = k.getDimSize(1);
  if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv))
    return emitOpError() << "the head counts must be static";
  if (hq % hkv != 0)
    return emitOpError() << "query heads Hq = " << hq
                         << " must be a multiple of key/value heads Hkv = "
                         << hkv;
  if (Value d = getDecay()) {
    if (!getCausal())
      return emitOpError() << "decay weighs keys by their distance behind the "
                              "query; it needs causal";
    auto dt = cast<RankedTensorType>(d.getType());
    if (dt.getRank() != 1 || (!dt.isDynamicDim(0) && dt.getDimSize(0) != hq) ||
        !isa<FloatType>(dt.getElementType()))
      return emitOpError() << "decay must be a float tensor of Hq = " << hq
                           << " entries, found " << dt;
  }
  // Attributes of softmax attention that linear attention does not share
  // have no meaning here; they would be silently ignored.
  for (NamedAttribute attr : (*this)->getAttrs()) {
    StringRef name = attr.getName().getValue();
    if (llvm::is_contained(AttentionOp::getAttributeNames(), name) &&
        !llvm::is_contained(getAttributeNames(), name))
      return emitOpError() << "linear attention has no '" << name
                           << "' (it is an attribute of attn.attention)";
  }
  return success();
}

LogicalResult MergeOp::verify() {
  auto o = getO().getType(), lse = getLse().getType();
  auto out = cast<RankedTensorType>(getResult().getType());
  auto outLse = cast<RankedTensorType>(getResultLse().getType());
  const char *const names[] = {"o", "lse", "result", "result_lse"};
  RankedTensorType types[] = {o, lse, out, outLse};
  const int64_t ranks[] = {5, 4, 4, 3};
  for (auto [name, t, rank] : llvm::zip(names, types, ranks)) {
    if (t.getRank() != rank)
      return emitOpError() << name << " must have rank " << rank << ", found "
                           << t;
    if (!isSupportedElementType(t.getElementType()))
      return emitOpError() << name
                           << " element type must be f32, f16 or bf16, found "
                           << t.getElementType();
  }
  if (out.getElementType() != o.getElementType())
    return emitOpError() << "result element type " << out.getElementType()
                         << " differs from o element type "
                         << o.getElementType();
  if (outLse.getElementType() != lse.getElementType())
    return emitOpError() << "result_lse element type "
                         << outLse.getElementType()
                         << " differs from lse element type "
                         << lse.getElementType();
  auto tie = [&](RankedTensorType a, int i, StringRef an, RankedTensorType b,
                 int j, StringRef bn) {
    return tieDims(getOperation(), a, i, an, b, j, bn);
  };
  for (int i = 0; i < 4; ++i)
    if (failed(tie(lse, i, "lse", o, i, "o")))
      return failure();
  for (int i = 0; i < 4; ++i)
    if (failed(tie(out, i, "result", o, i + 1, "o")))
      return failure();
  for (int i = 0; i < 3; ++i)
    if (failed(tie(outLse, i, "result_lse", o, i + 1, "o")))
      return failure();
  return success();
}
