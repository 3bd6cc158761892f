//===- Raise.cpp - Attention in TOSA graphs to attn ops -------------------===//
//
// Part of Cascade. Model importers (ONNX, torch-mlir) write an attention
// block as a dozen ordinary tensor ops: two batched matrix products around a
// decomposed softmax, with reshapes between [B * H, N, M] and [B, H, N, M],
// a scale, constant masks and biases. The pass recognises these subgraphs
// and replaces each by the one attn op that says what it computes, so that
// the rest of Cascade can derive its fast forms.
//
// Raising must not change a result: every pattern is checked exactly
// (constant masks entry by entry, repeated heads by the order the tile
// repeats them in) and anything the attn op would compute differently is
// refused with a remark, leaving the graph as it was. The one thing that
// cannot be checked is a mask computed in the graph: a query row it removes
// entirely gives zeros in attn.attention, NaN or a uniform row in the graph.
//
//===----------------------------------------------------------------------===//

#include "dialects/Attn/IR/AttnOps.h"
#include "dialects/Attn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"

#include <cmath>
#include <optional>

namespace cascade::attn {
#define GEN_PASS_DEF_ATTNRAISE
#include "dialects/Attn/Transforms/Passes.h.inc"
} // namespace cascade::attn

using namespace mlir;
using namespace cascade::attn;

/// A masked score: constants adding up to this or less (or -inf) remove the
/// key, as `exp` of it underflows to 0 next to any kept score.
static constexpr double kMaskedBelow = -1e4;
/// How far below the largest kept constant of its row (for sigmoid, below
/// 0 after the sigmoid's bias) a finite masked value must lie for its
/// weight to be 0: -1e4 next to a kept bias of -9990 is not masked.
static constexpr double kMaskMargin = 1e3;
/// The most constant elements the pass evaluates (a [1, 1, 8192, 8192]
/// causal mask).
static constexpr int64_t kMaxElements = int64_t(1) << 26;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

namespace {
/// The elements of a constant tensor as doubles (i1 as 0 or 1), row-major; a
/// splat holds one value.
struct ConstTensor {
  SmallVector<int64_t> shape;
  std::vector<double> values;
  bool splat = false;
  double at(int64_t i) const { return splat ? values[0] : values[i]; }
};
} // namespace

static RankedTensorType staticType(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() ? t : RankedTensorType();
}

static int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

static std::optional<ConstTensor> fromAttr(Attribute attr) {
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense || !dense.getType().hasStaticShape())
    return std::nullopt;
  ConstTensor c;
  c.shape = llvm::to_vector(dense.getType().getShape());
  c.splat = dense.isSplat();
  if (!c.splat && dense.getNumElements() > kMaxElements)
    return std::nullopt;
  Type elt = dense.getElementType();
  if (isa<FloatType>(elt)) {
    if (c.splat)
      c.values.push_back(dense.getSplatValue<APFloat>().convertToDouble());
    else
      for (const APFloat &f : dense.getValues<APFloat>())
        c.values.push_back(f.convertToDouble());
  } else if (auto it = dyn_cast<IntegerType>(elt)) {
    auto toDouble = [&](const APInt &i) {
      return it.getWidth() == 1 ? double(!i.isZero())
                                : double(i.getSExtValue());
    };
    if (c.splat)
      c.values.push_back(toDouble(dense.getSplatValue<APInt>()));
    else
      for (const APInt &i : dense.getValues<APInt>())
        c.values.push_back(toDouble(i));
  } else {
    return std::nullopt;
  }
  return c;
}

/// The constant op under `v`, seen through reshapes and tiles (which is how
/// importers broadcast a mask to the rank of the scores).
static Operation *constantSource(Value v) {
  for (Operation *def = v.getDefiningOp(); def;) {
    if (isa<tosa::ConstOp, arith::ConstantOp>(def))
      return def;
    if (!isa<tosa::ReshapeOp, tosa::TileOp>(def))
      return nullptr;
    def = def->getOperand(0).getDefiningOp();
  }
  return nullptr;
}

/// The elements of `v` when it is a constant (seen through reshapes and
/// tiles), in `v`'s shape.
static std::optional<ConstTensor> evalConstant(Value v) {
  Operation *def = v.getDefiningOp();
  RankedTensorType type = staticType(v);
  if (!def || !type)
    return std::nullopt;
  if (auto c = dyn_cast<tosa::ConstOp>(def))
    return fromAttr(c.getValues());
  if (auto c = dyn_cast<arith::ConstantOp>(def))
    return fromAttr(c.getValue());
  if (auto r = dyn_cast<tosa::ReshapeOp>(def)) {
    std::optional<ConstTensor> in = evalConstant(r.getInput1());
    if (in)
      in->shape = llvm::to_vector(type.getShape());
    return in;
  }
  if (auto t = dyn_cast<tosa::TileOp>(def)) {
    std::optional<ConstTensor> in = evalConstant(t.getInput1());
    if (!in)
      return std::nullopt;
    ArrayRef<int64_t> outShape = type.getShape();
    if (in->splat) {
      in->shape = llvm::to_vector(outShape);
      return in;
    }
    int64_t total = product(outShape), rank = outShape.size();
    if (total > kMaxElements || (int64_t)in->shape.size() != rank)
      return std::nullopt;
    ConstTensor out;
    out.shape = llvm::to_vector(outShape);
    out.values.resize(total);
    SmallVector<int64_t> index(rank, 0);
    for (int64_t i = 0; i < total; ++i) {
      // The element of the tile: each index modulo the input's extent.
      int64_t src = 0;
      for (int64_t d = 0; d < rank; ++d)
        src = src * in->shape[d] + index[d] % in->shape[d];
      out.values[i] = in->values[src];
      for (int64_t d = rank - 1; d >= 0 && ++index[d] == outShape[d]; --d)
        index[d] = 0;
    }
    return out;
  }
  return std::nullopt;
}

/// The value of every element of `v` when it is a constant with one value.
static std::optional<double> getSplat(Value v) {
  Operation *src = constantSource(v);
  if (!src)
    return std::nullopt;
  Attribute attr = isa<tosa::ConstOp>(src)
                       ? Attribute(cast<tosa::ConstOp>(src).getValues())
                       : cast<arith::ConstantOp>(src).getValue();
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense || (!dense.isSplat() && dense.getNumElements() > 64))
    return std::nullopt;
  std::optional<ConstTensor> c = fromAttr(attr);
  if (!c || c->values.empty() ||
      llvm::any_of(c->values, [&](double x) { return x != c->values[0]; }))
    return std::nullopt;
  return c->values[0];
}

/// `c`, or `1 / c` for `tosa.reciprocal(c)` (torch-mlir's division), when
/// `v` is a splat constant.
static std::optional<double> getSplatOrReciprocal(Value v) {
  if (std::optional<double> s = getSplat(v))
    return s;
  if (auto r = v.getDefiningOp<tosa::ReciprocalOp>())
    if (std::optional<double> s = getSplat(r->getOperand(0)))
      return 1.0 / *s;
  return std::nullopt;
}

/// The factor `c` when `v = x * c` multiplies by a splat constant (or by the
/// reciprocal of one) without broadcasting `x`; `x` in `other`.
static std::optional<double> scalarFactor(Value v, Value &other) {
  auto mul = v.getDefiningOp<tosa::MulOp>();
  if (!mul)
    return std::nullopt;
  for (int i = 0; i < 2; ++i) {
    Value x = mul->getOperand(i), c = mul->getOperand(1 - i);
    if (x.getType() != mul.getType())
      continue;
    if (std::optional<double> f = getSplatOrReciprocal(c)) {
      other = x;
      return f;
    }
  }
  return std::nullopt;
}

/// `x` as `%g` prints it.
static std::string str(double x) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%g", x);
  return buf;
}

static bool isSplatOf(Value v, double x) {
  std::optional<double> s = getSplat(v);
  return s && *s == x;
}

static bool closeTo(double a, double b, double rel = 1e-6) {
  return std::abs(a - b) <= rel * std::max({1.0, std::abs(a), std::abs(b)});
}

//===----------------------------------------------------------------------===//
// Views of the operands through reshapes, transposes and repeats
//===----------------------------------------------------------------------===//

/// Whether `op` regroups only the leading (batch and head) dimensions, as
/// importers do between [B * H, X, Y] and [B, H, X, Y]: the element order
/// is that of the same [B * H, X, Y] tensor.
static bool isLeadingReshape(tosa::ReshapeOp op) {
  RankedTensorType in = staticType(op.getInput1()),
                   out = staticType(op.getResult());
  return in && out && in.getRank() >= 3 && out.getRank() >= 3 &&
         in.getShape().take_back(2) == out.getShape().take_back(2);
}

/// Whether `op` swaps the last two dimensions and keeps the others.
static bool swapsLastTwo(tosa::TransposeOp op) {
  ArrayRef<int32_t> perms = op.getPerms();
  int64_t r = perms.size();
  if (r < 3)
    return false;
  for (int64_t i = 0; i < r - 2; ++i)
    if (perms[i] != i)
      return false;
  return perms[r - 2] == r - 1 && perms[r - 1] == r - 2;
}

namespace {
/// Keys or values repeated per query head.
struct Repeat {
  Value kv;           // [B, Hkv, M, D]
  int64_t groups = 1; // query heads per key/value head
};
} // namespace

/// `reshape(tile(reshape(kv -> [B, Hkv, 1, M, D]), [1, 1, g, 1, 1]) ->
/// [B, Hkv * g, M, D])`, torch's `repeat_interleave` of the heads (and
/// `expand` + `reshape`): query head h reads key/value head h / g, attn's
/// grouped-query convention. Tiling [1, g, 1, 1] (or a unit dimension in
/// front of Hkv) repeats the heads in the other order, h mod Hkv, which is
/// not matched: such keys stay expanded, as multi-head attention.
static std::optional<Repeat> matchRepeatInterleave(tosa::ReshapeOp outer) {
  auto tile = outer.getInput1().getDefiningOp<tosa::TileOp>();
  if (!tile)
    return std::nullopt;
  auto inner = tile.getInput1().getDefiningOp<tosa::ReshapeOp>();
  if (!inner)
    return std::nullopt;
  RankedTensorType kv = staticType(inner.getInput1()),
                   unit = staticType(inner.getResult()),
                   out = staticType(outer.getResult());
  SmallVector<int64_t> multiples;
  if (!kv || !unit || !out || kv.getRank() != 4 || unit.getRank() != 5 ||
      out.getRank() != 4 || failed(tile.getConstantMultiples(multiples)))
    return std::nullopt;
  ArrayRef<int64_t> k = kv.getShape();
  int64_t g = multiples.size() == 5 ? multiples[2] : 0;
  if (unit.getShape() != ArrayRef<int64_t>{k[0], k[1], 1, k[2], k[3]} ||
      multiples != SmallVector<int64_t>{1, 1, g, 1, 1} || g < 1 ||
      out.getShape() != ArrayRef<int64_t>{k[0], k[1] * g, k[2], k[3]})
    return std::nullopt;
  return Repeat{inner.getInput1(), g};
}

/// The values of a `tosa.const_shape`.
static std::optional<SmallVector<int64_t>> constShape(Value v) {
  auto c = v.getDefiningOp<tosa::ConstShapeOp>();
  if (!c)
    return std::nullopt;
  return llvm::to_vector(c.getValues().getValues<int64_t>());
}

/// `src` [B, H, M, D] and the first head of `v` when `v` is a slice of
/// `src` that keeps every dimension whole but the heads.
static std::optional<std::pair<Value, int64_t>> matchHeadSlice(Value v) {
  auto slice = v.getDefiningOp<tosa::SliceOp>();
  if (!slice)
    return std::nullopt;
  RankedTensorType in = staticType(slice.getInput1()),
                   out = staticType(slice.getResult());
  std::optional<SmallVector<int64_t>> start = constShape(slice.getStart());
  if (!in || !out || in.getRank() != 4 || out.getRank() != 4 || !start ||
      start->size() != 4)
    return std::nullopt;
  for (int64_t d : {0, 2, 3})
    if ((*start)[d] != 0 || out.getDimSize(d) != in.getDimSize(d))
      return std::nullopt;
  if ((*start)[1] < 0 || (*start)[1] + out.getDimSize(1) > in.getDimSize(1))
    return std::nullopt;
  return std::make_pair(slice.getInput1(), (*start)[1]);
}

/// `concat([repeat(slice(kv, heads [s_0, s_1))), repeat(slice(kv, heads
/// [s_1, s_2))), ...], axis 1)` with every piece repeated g times the same
/// way as `matchRepeatInterleave` (or, for one head, tiled [1, g, 1, 1])
/// and the slices covering kv's heads in order: torch's `repeat_interleave`
/// as exported by torch 1.13 (Split, Expand, Reshape, Concat), after
/// constant folding. Query head h reads kv head h / g.
static std::optional<Repeat> matchConcatRepeat(tosa::ConcatOp concat) {
  RankedTensorType out = staticType(concat.getResult());
  if (!out || out.getRank() != 4 || concat.getAxis() != 1)
    return std::nullopt;
  Value kv;
  int64_t groups = 0, next = 0;
  for (Value piece : concat.getInput1()) {
    std::optional<Repeat> rep;
    if (auto r = piece.getDefiningOp<tosa::ReshapeOp>())
      rep = matchRepeatInterleave(r);
    // One head tiled: the repeats of one head in either order.
    if (auto t = piece.getDefiningOp<tosa::TileOp>()) {
      SmallVector<int64_t> multiples;
      RankedTensorType in = staticType(t.getInput1());
      if (in && in.getRank() == 4 && in.getDimSize(1) == 1 &&
          succeeded(t.getConstantMultiples(multiples)) &&
          multiples.size() == 4 && multiples[0] == 1 && multiples[2] == 1 &&
          multiples[3] == 1 && multiples[1] >= 1)
        rep = Repeat{t.getInput1(), multiples[1]};
    }
    if (!rep || (groups && rep->groups != groups))
      return std::nullopt;
    groups = rep->groups;
    std::optional<std::pair<Value, int64_t>> slice = matchHeadSlice(rep->kv);
    if (!slice || (kv && slice->first != kv) || slice->second != next)
      return std::nullopt;
    kv = slice->first;
    next += staticType(rep->kv).getDimSize(1);
  }
  if (!kv || groups < 2 || next != staticType(kv).getDimSize(1) ||
      next * groups != out.getDimSize(1))
    return std::nullopt;
  return Repeat{kv, groups};
}

/// The x of `elu(x) + 1` (elu written `select(x > 0, x, exp(x) - 1)`, its
/// `exp(x) - 1` possibly multiplied by alpha = 1) or of `relu(x)` written
/// `maximum(x, 0)`.
static std::optional<std::pair<FeatureMap, Value>> matchFeatureMap(Value v) {
  if (auto max = v.getDefiningOp<tosa::MaximumOp>()) {
    for (int i = 0; i < 2; ++i)
      if (max->getOperand(i).getType() == max.getType() &&
          isSplatOf(max->getOperand(1 - i), 0.0))
        return std::make_pair(FeatureMap::Relu, max->getOperand(i));
    return std::nullopt;
  }
  auto add = v.getDefiningOp<tosa::AddOp>();
  if (!add)
    return std::nullopt;
  // exp(x) - 1, or alpha * (exp(x) - 1) with alpha = 1.
  auto expm1Of = [](Value e, Value x) {
    Value inner;
    if (std::optional<double> alpha = scalarFactor(e, inner)) {
      if (*alpha != 1.0)
        return false;
      e = inner;
    }
    auto sub = e.getDefiningOp<tosa::SubOp>();
    if (!sub || !isSplatOf(sub.getInput2(), 1.0))
      return false;
    auto exp = sub.getInput1().getDefiningOp<tosa::ExpOp>();
    return exp && exp->getOperand(0) == x;
  };
  for (int i = 0; i < 2; ++i) {
    if (!isSplatOf(add->getOperand(1 - i), 1.0))
      continue;
    auto select = add->getOperand(i).getDefiningOp<tosa::SelectOp>();
    if (!select || select.getType() != add.getType())
      continue;
    Value cond = select.getInput1();
    Value x;
    bool positiveFirst;
    if (auto gt = cond.getDefiningOp<tosa::GreaterOp>()) {
      if (isSplatOf(gt.getInput2(), 0.0)) {
        x = gt.getInput1(); // x > 0 ? x : expm1(x)
        positiveFirst = true;
      } else if (isSplatOf(gt.getInput1(), 0.0)) {
        x = gt.getInput2(); // 0 > x ? expm1(x) : x
        positiveFirst = false;
      }
    } else if (auto ge = cond.getDefiningOp<tosa::GreaterEqualOp>()) {
      if (isSplatOf(ge.getInput2(), 0.0)) {
        x = ge.getInput1();
        positiveFirst = true;
      }
    }
    if (!x || x.getType() != select.getType())
      continue;
    Value pos = positiveFirst ? select.getInput2() : select.getInput3();
    Value neg = positiveFirst ? select.getInput3() : select.getInput2();
    if (pos == x && expm1Of(neg, x))
      return std::make_pair(FeatureMap::Elu1, x);
  }
  return std::nullopt;
}

namespace {
/// One operand (q, k or v) of a matched matrix product: the tensor it was
/// computed from by the reshapes, transposes and repeats of an importer.
struct Side {
  Value src;          // [..., X, Y], rank 3 ([G, X, Y]) or 4 ([B, H, X, Y])
  double scale = 1.0; // splat factors peeled off (on Q or K)
  std::optional<FeatureMap> featureMap; // phi peeled off (linear attention)
  int64_t groups = 1; // > 1: src holds Hkv heads, repeated per query head
  // A transpose still to apply to src: K^T written as one transpose of
  // [B, M, H, D] to [B, H, D, M] (ONNX's fused head split) leaves
  // [B, M, H, D] -> [B, H, M, D] to do; torch's MHA, [M, G, D] to
  // [G, D, M], leaves [M, G, D] -> [G, M, D].
  SmallVector<int64_t> perms;
};

/// The shape of the tensor `side` views: src's, permuted.
static SmallVector<int64_t> shapeOf(const Side &side) {
  ArrayRef<int64_t> shape = staticType(side.src).getShape();
  if (side.perms.empty())
    return llvm::to_vector(shape);
  SmallVector<int64_t> out;
  for (int64_t p : side.perms)
    out.push_back(shape[p]);
  return out;
}
} // namespace

/// The batch and heads (B, H) of the 3D [G, X, D] tensor `side` views when
/// the graph shows how G was made: torch's MHA splits the embedding E =
/// H * D of [X, B, E] by a reshape to [X, B * H, D] and moves G = B * H
/// first by a transpose [1, 0, 2], so that g = b * H + h.
static std::optional<std::pair<int64_t, int64_t>> headSplit(const Side &side) {
  Value base = side.src;
  SmallVector<int64_t> perms = side.perms;
  if (perms.empty()) {
    auto t = base.getDefiningOp<tosa::TransposeOp>();
    if (!t)
      return std::nullopt;
    base = t.getInput1();
    perms.assign(t.getPerms().begin(), t.getPerms().end());
  }
  auto r = base.getDefiningOp<tosa::ReshapeOp>();
  if (!r || perms != SmallVector<int64_t>{1, 0, 2})
    return std::nullopt;
  RankedTensorType in = staticType(r.getInput1()), out = staticType(base);
  if (!in || !out || in.getRank() != 3 || out.getRank() != 3)
    return std::nullopt;
  ArrayRef<int64_t> x = in.getShape(), y = out.getShape();
  if (x[0] != y[0] || x[1] < 1 || y[1] % x[1] != 0 || y[2] < 1)
    return std::nullopt;
  int64_t heads = y[1] / x[1];
  if (x[2] != heads * y[2])
    return std::nullopt;
  return std::make_pair(x[1], heads);
}

/// Follows the operand `v` of a matrix product back to the tensor it is a
/// view of. `transposed`: `v` must be that tensor with its last two
/// dimensions swapped (K^T). `allowScale` peels splat factors,
/// `allowFeatureMap` one feature map; both commute with the views.
static FailureOr<Side> traceSide(Value v, bool transposed, bool allowScale,
                                 bool allowFeatureMap) {
  Side side;
  for (int steps = 0; steps < 32; ++steps) {
    Operation *def = v.getDefiningOp();
    if (!def)
      break;
    Value other;
    if (allowScale) {
      if (std::optional<double> f = scalarFactor(v, other)) {
        side.scale *= *f;
        v = other;
        continue;
      }
    }
    if (allowFeatureMap && !side.featureMap) {
      if (auto fm = matchFeatureMap(v)) {
        side.featureMap = fm->first;
        v = fm->second;
        continue;
      }
    }
    if (auto t = dyn_cast<tosa::TransposeOp>(def); t && transposed) {
      if (swapsLastTwo(t)) {
        transposed = false;
        v = t.getInput1();
        continue;
      }
      // Any other permutation of a 3D or 4D tensor (torch's MHA writes K^T
      // as one [M, G, D] -> [G, D, M]): the last two swapped back is a
      // transpose left to build (then the tracing stops).
      if (t.getPerms().size() == 3 || t.getPerms().size() == 4) {
        int64_t r = t.getPerms().size();
        SmallVector<int64_t> perms(t.getPerms());
        std::swap(perms[r - 2], perms[r - 1]);
        transposed = false;
        side.perms = perms;
        v = t.getInput1();
        break;
      }
    }
    if (auto c = dyn_cast<tosa::ConcatOp>(def); c && side.groups == 1) {
      if (std::optional<Repeat> rep = matchConcatRepeat(c)) {
        side.groups = rep->groups;
        v = rep->kv;
        continue;
      }
    }
    if (auto r = dyn_cast<tosa::ReshapeOp>(def); r && side.groups == 1) {
      if (std::optional<Repeat> rep = matchRepeatInterleave(r)) {
        side.groups = rep->groups;
        v = rep->kv;
        continue;
      }
      RankedTensorType in = staticType(r.getInput1());
      if (isLeadingReshape(r) && (in.getRank() == 3 || in.getRank() == 4)) {
        v = r.getInput1();
        continue;
      }
    }
    break;
  }
  RankedTensorType type = staticType(v);
  if (transposed || !type || (type.getRank() != 3 && type.getRank() != 4))
    return failure();
  side.src = v;
  return side;
}

//===----------------------------------------------------------------------===//
// Masks and biases
//===----------------------------------------------------------------------===//

namespace {
/// An op that adds to or masks the scores, in graph order.
struct ScoreMod {
  enum Kind {
    Add,
    Keep,
    Drop
  } kind;                  // s + t; select(t, s, fill); select(t, fill, s)
  Value operand;           // t
  RankedTensorType scores; // the scores' type at the op
  double fill = 0.0;       // the fill of a select
};

/// The scores' masks and biases, analysed over the grid [Bx, Hx, N, M]
/// (Bx = 1 when nothing depends on the batch, likewise Hx).
struct MaskGrid {
  int64_t bx = 1, hx = 1, n = 0, m = 0;
  std::vector<char> kept;   // the key survives every mask
  std::vector<double> bias; // the sum of the finite constants added
  int64_t index(int64_t b, int64_t h, int64_t i, int64_t j) const {
    return ((b * hx + h) * n + i) * m + j;
  }
};

/// How a constant operand of an elementwise op on the scores maps (b, h, n,
/// m) to its elements, broadcasting its unit dimensions.
struct Broadcast {
  const ConstTensor *c;
  int64_t stride[4] = {0, 0, 0, 0};
  bool varies[4] = {false, false, false, false};
  double at(int64_t b, int64_t h, int64_t n, int64_t m) const {
    return c->at(b * stride[0] + h * stride[1] + n * stride[2] + m * stride[3]);
  }
};
} // namespace

/// The broadcast of `c` over scores of type `scores` ([B, H, N, M] or
/// [B * H, N, M]), both seen as [B, H, N, M].
static std::optional<Broadcast>
broadcastOver(const ConstTensor &c, RankedTensorType scores, int64_t heads) {
  ArrayRef<int64_t> s = scores.getShape();
  if ((int64_t)c.shape.size() != scores.getRank())
    return std::nullopt;
  for (auto [x, y] : llvm::zip(c.shape, s))
    if (x != y && x != 1)
      return std::nullopt;
  Broadcast bc;
  bc.c = &c;
  int64_t r = s.size();
  int64_t mStride = 1, nStride = c.shape[r - 1],
          gStride = c.shape[r - 1] * c.shape[r - 2];
  if (c.shape[r - 1] != 1) {
    bc.stride[3] = mStride;
    bc.varies[3] = true;
  }
  if (c.shape[r - 2] != 1) {
    bc.stride[2] = nStride;
    bc.varies[2] = true;
  }
  if (r == 4) {
    if (c.shape[1] != 1) {
      bc.stride[1] = gStride;
      bc.varies[1] = true;
    }
    if (c.shape[0] != 1) {
      bc.stride[0] = gStride * c.shape[1];
      bc.varies[0] = true;
    }
  } else if (c.shape[0] != 1) {
    // [B * H, N, M]: g = b * H + h.
    bc.stride[1] = gStride;
    bc.stride[0] = gStride * heads;
    bc.varies[1] = heads > 1;
    bc.varies[0] = c.shape[0] / heads > 1;
  }
  return bc;
}

namespace {
/// A mask the attn op expresses by attributes.
struct MaskForm {
  std::optional<CausalKind> causal;
  std::optional<std::array<int64_t, 2>> window;
  bool none = false; // every key kept
};
} // namespace

/// The attributes whose predicate over (n, m) is exactly `kept`, if any:
/// none, causal (top-left or bottom-right), causal with a window on the
/// left, or a window around the diagonal, as attn.attention defines them
/// (the window uses the causal alignment when causal is given).
static std::optional<MaskForm>
classifyMask(function_ref<bool(int64_t, int64_t)> kept, int64_t n, int64_t m) {
  auto matches = [&](function_ref<bool(int64_t, int64_t)> pred) {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j)
        if (pred(i, j) != kept(i, j))
          return false;
    return true;
  };
  if (matches([](int64_t, int64_t) { return true; })) {
    MaskForm f;
    f.none = true;
    return f;
  }
  SmallVector<std::pair<CausalKind, int64_t>> alignments = {
      {CausalKind::TopLeft, 0}};
  if (m != n)
    alignments.push_back({CausalKind::BottomRight, m - n});
  // The extents of the kept keys around the aligned position i = n + offset.
  auto extents = [&](int64_t offset) {
    int64_t left = INT64_MIN, right = INT64_MIN;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j)
        if (kept(i, j)) {
          left = std::max(left, i + offset - j);
          right = std::max(right, j - i - offset);
        }
    return std::make_pair(left, right);
  };
  // causal: m <= i.
  for (auto [kind, offset] : alignments)
    if (matches([&, offset = offset](int64_t i, int64_t j) {
          return j <= i + offset;
        })) {
      MaskForm f;
      f.causal = kind;
      return f;
    }
  // causal with window [L, 0]: i - L <= m <= i.
  for (auto [kind, offset] : alignments) {
    int64_t left = extents(offset).first;
    if (left < 0)
      continue;
    if (matches([&, offset = offset](int64_t i, int64_t j) {
          return i + offset - left <= j && j <= i + offset;
        })) {
      MaskForm f;
      f.causal = kind;
      f.window = {left, 0};
      return f;
    }
  }
  // window [L, R] (top-left): i - L <= m <= i + R, -1 for an unbounded side.
  auto [left, right] = extents(0);
  if (left < 0 || right < 0)
    return std::nullopt;
  if (left >= n - 1)
    left = -1;
  if (right >= m - 1)
    right = -1;
  if (matches([&, left = left, right = right](int64_t i, int64_t j) {
        return (left < 0 || i - left <= j) && (right < 0 || j <= i + right);
      })) {
    MaskForm f;
    f.window = {left, right};
    return f;
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Matching
//===----------------------------------------------------------------------===//

namespace {
/// A candidate's fate: not attention (nothing said), refused (with the
/// reason) or raised.
struct Outcome {
  enum Kind { None, Refused, Raised } kind = None;
  std::string message;
  Operation *at = nullptr;
  static Outcome none() { return {}; }
  static Outcome refused(const Twine &why) {
    return {Refused, why.str(), nullptr};
  }
};

/// The pieces of an attention block, collected while matching.
struct Match {
  tosa::MatMulOp qk, pv;
  Side q, k, v;
  int64_t b = 0, hq = 0, n = 0, m = 0, d = 0, dv = 0;
  Value result; // the graph value the attention replaces
  Value gate;   // O * sigmoid(gate)
  // Every intermediate value and the uses it has inside the block.
  SmallVector<std::pair<Value, unsigned>> internal;
};

/// The matcher and rewriter of one function (or any op) at a time.
class Raiser {
public:
  Raiser(RewriterBase &rewriter) : rewriter(rewriter) {}

  /// Tries the block whose P @ V product (or linear attention's last
  /// product) is `mm`.
  Outcome tryRaise(tosa::MatMulOp mm);

private:
  Outcome trySoftmax(tosa::MatMulOp pv);
  Outcome tryLinear(tosa::MatMulOp mm);

  /// Fills b, hq, n, m, d, dv of `blk` from its sides and the scores' 4D
  /// shape; fails with the reason when the dimensions do not agree.
  LogicalResult
  resolveShape(Match &blk, int64_t g,
               std::optional<std::pair<int64_t, int64_t>> scores4D,
               std::string &why);
  /// The q, k and v operands in [B, H, X, Y] (k and v with Hkv heads).
  std::tuple<Value, Value, Value> buildOperands(Match &blk);
  Value reshapeTo(Value v, ArrayRef<int64_t> shape);
  /// `side`'s src with its pending transpose applied.
  Value materialize(const Side &side);
  Value repeatInterleave(Value kv, int64_t groups);
  Value constant(Location loc, RankedTensorType type, ArrayRef<double> values);
  /// Whether every internal value has only its uses inside the block.
  std::string whyShared(const Match &blk);
  /// Follows `result` forward through a 4D reshape and an output gate.
  void extendResult(Match &blk, bool allowGate);
  Outcome raisedOutcome(StringRef prefix, ArrayRef<std::string> parts,
                        const Match &blk, int64_t hkv, Operation *op);
  void replace(Match &blk, Value raised);

  RewriterBase &rewriter;
};
} // namespace

static std::string opName(Value v) {
  if (Operation *def = v.getDefiningOp())
    return def->getName().getStringRef().str();
  return "a block argument";
}

std::string Raiser::whyShared(const Match &blk) {
  for (auto [value, uses] : blk.internal) {
    unsigned count = std::distance(value.use_begin(), value.use_end());
    if (count != uses)
      return "the result of " + opName(value) +
             " inside the attention is also used outside it";
  }
  return "";
}

Value Raiser::reshapeTo(Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  ImplicitLocOpBuilder b(v.getLoc(), rewriter);
  return tosa::ReshapeOp::create(b, type.clone(shape), v,
                                 tosa::getTosaConstShape(b, shape));
}

/// kv [B, Hkv, M, D] -> [B, Hkv * g, M, D], head h holding kv head h / g.
Value Raiser::repeatInterleave(Value kv, int64_t groups) {
  auto type = cast<RankedTensorType>(kv.getType());
  ArrayRef<int64_t> k = type.getShape();
  Value unit = reshapeTo(kv, {k[0], k[1], 1, k[2], k[3]});
  ImplicitLocOpBuilder b(kv.getLoc(), rewriter);
  Value tiled = tosa::TileOp::create(
      b, type.clone({k[0], k[1], groups, k[2], k[3]}), unit,
      tosa::getTosaConstShape(b, {1, 1, groups, 1, 1}));
  return reshapeTo(tiled, {k[0], k[1] * groups, k[2], k[3]});
}

Value Raiser::constant(Location loc, RankedTensorType type,
                       ArrayRef<double> values) {
  DenseElementsAttr attr;
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> bits;
    for (double x : values)
      bits.push_back(x != 0);
    attr = DenseElementsAttr::get(type, bits);
  } else {
    const llvm::fltSemantics &sem =
        cast<FloatType>(type.getElementType()).getFloatSemantics();
    SmallVector<APFloat> floats;
    for (double x : values) {
      APFloat f(x);
      bool losesInfo;
      f.convert(sem, APFloat::rmNearestTiesToEven, &losesInfo);
      floats.push_back(f);
    }
    attr = DenseElementsAttr::get(type, floats);
  }
  return tosa::ConstOp::create(rewriter, loc, type, attr);
}

LogicalResult
Raiser::resolveShape(Match &blk, int64_t g,
                     std::optional<std::pair<int64_t, int64_t>> scores4D,
                     std::string &why) {
  SmallVector<int64_t> qShape = shapeOf(blk.q), kShape = shapeOf(blk.k),
                       vShape = shapeOf(blk.v);
  ArrayRef<int64_t> qs = qShape, ks = kShape, vs = vShape;
  blk.n = qs.take_back(2)[0];
  blk.d = qs.take_back(2)[1];
  blk.m = ks.take_back(2)[0];
  blk.dv = vs.take_back(2)[1];
  if (ks.take_back(2)[1] != blk.d || vs.take_back(2)[0] != blk.m) {
    why = "the query, key and value shapes do not agree";
    return failure();
  }
  auto lead = [](ArrayRef<int64_t> s) { return product(s.drop_back(2)); };
  if (lead(qs) != g || lead(ks) * blk.k.groups != g ||
      lead(vs) * blk.v.groups != g) {
    why = "the batch and head dimensions of the query, key and value "
          "do not agree";
    return failure();
  }
  // The real batch and heads: from the queries, the scores, the keys or the
  // values, whichever the graph shows in 4D; else [G, 1].
  if (qs.size() == 4) {
    blk.b = qs[0];
    blk.hq = qs[1];
  } else if (scores4D) {
    std::tie(blk.b, blk.hq) = *scores4D;
  } else if (ks.size() == 4) {
    blk.b = ks[0];
    blk.hq = ks[1] * blk.k.groups;
  } else if (vs.size() == 4) {
    blk.b = vs[0];
    blk.hq = vs[1] * blk.v.groups;
  } else {
    // 3D throughout: the split of the embedding into heads above the
    // queries, keys or values (all that show one agreeing), else [G, 1].
    std::optional<std::pair<int64_t, int64_t>> split;
    bool agree = true;
    for (const Side *side : {&blk.q, &blk.k, &blk.v}) {
      std::optional<std::pair<int64_t, int64_t>> s = headSplit(*side);
      if (!s || side->groups != 1)
        continue;
      agree = agree && (!split || *split == *s);
      split = s;
    }
    if (split && agree && split->first * split->second == g) {
      std::tie(blk.b, blk.hq) = *split;
    } else {
      blk.b = g;
      blk.hq = 1;
    }
  }
  if (scores4D && *scores4D != std::make_pair(blk.b, blk.hq)) {
    why = "the scores are split into batch and heads differently from the "
          "queries";
    return failure();
  }
  return success();
}

Value Raiser::materialize(const Side &side) {
  if (side.perms.empty())
    return side.src;
  auto type = staticType(side.src);
  SmallVector<int32_t> perms(side.perms.begin(), side.perms.end());
  return tosa::TransposeOp::create(rewriter, side.src.getLoc(),
                                   type.clone(shapeOf(side)), side.src,
                                   rewriter.getDenseI32ArrayAttr(perms));
}

std::tuple<Value, Value, Value> Raiser::buildOperands(Match &blk) {
  Value q = reshapeTo(materialize(blk.q), {blk.b, blk.hq, blk.n, blk.d});
  // Grouped-query attention when keys and values are repeated the same way
  // from the same heads; else keys and values per query head.
  SmallVector<int64_t> ks = shapeOf(blk.k), vs = shapeOf(blk.v);
  if (blk.k.groups > 1 && blk.k.groups == blk.v.groups && ks[0] == blk.b &&
      vs[0] == blk.b && ks[1] == vs[1] && ks[1] * blk.k.groups == blk.hq)
    return {q, blk.k.src, blk.v.src};
  auto expand = [&](const Side &s, int64_t x, int64_t y) {
    Value src = materialize(s);
    if (s.groups > 1)
      src = repeatInterleave(src, s.groups);
    return reshapeTo(src, {blk.b, blk.hq, x, y});
  };
  Value k = expand(blk.k, blk.m, blk.d), v = expand(blk.v, blk.m, blk.dv);
  return {q, k, v};
}

void Raiser::extendResult(Match &blk, bool allowGate) {
  Value result = blk.result;
  auto only = [](Value v) -> Operation * {
    return v.hasOneUse() ? *v.user_begin() : nullptr;
  };
  if (auto r = dyn_cast_or_null<tosa::ReshapeOp>(only(result));
      r && isLeadingReshape(r) && staticType(r.getResult()).getRank() == 4) {
    blk.internal.push_back({result, 1});
    result = r.getResult();
  }
  // O * sigmoid(gate), the gate in O's shape.
  if (auto mul = dyn_cast_or_null<tosa::MulOp>(only(result));
      allowGate && mul && mul.getType() == result.getType()) {
    Value other = mul.getInput1() == result ? mul.getInput2() : mul.getInput1();
    auto sig = other.getDefiningOp<tosa::SigmoidOp>();
    // The gate must not be computed from the output (x * sigmoid(x)).
    if (sig && sig.getInput().getType() == result.getType() &&
        DominanceInfo().properlyDominates(sig.getInput(), blk.pv)) {
      blk.internal.push_back({result, 1});
      blk.gate = sig.getInput();
      result = mul.getResult();
    }
  }
  blk.result = result;
}

/// Erases `root` and the ops it used that nothing else uses any more.
static void eraseDead(RewriterBase &rewriter, Operation *root) {
  SmallVector<Operation *> work = {root};
  DenseSet<Operation *> erased;
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (erased.contains(op) || !op->use_empty() || !isPure(op))
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        work.push_back(def);
    erased.insert(op);
    rewriter.eraseOp(op);
  }
}

void Raiser::replace(Match &blk, Value raised) {
  auto type = cast<RankedTensorType>(blk.result.getType());
  Value back = reshapeTo(raised, type.getShape());
  Operation *old = blk.result.getDefiningOp();
  rewriter.replaceAllUsesWith(blk.result, back);
  eraseDead(rewriter, old);
}

Outcome Raiser::tryRaise(tosa::MatMulOp mm) {
  for (Value v : mm->getOperands().take_front(2))
    if (!staticType(v) || !isa<FloatType>(staticType(v).getElementType()))
      return Outcome::none();
  Outcome o = trySoftmax(mm);
  if (o.kind != Outcome::None)
    return o;
  return tryLinear(mm);
}

namespace {
/// What the masks and biases of a block come to in attn.attention's terms.
struct Modifiers {
  MaskForm form;
  // A dense i1 mask of what no attribute expresses, [B|1, H|1, N, M].
  bool denseMask = false;
  SmallVector<int64_t> maskShape;
  SmallVector<double> maskValues;
  // ALiBi slopes per query head, or a dense bias [B|1, H|1, N, M].
  std::optional<SmallVector<double>> slopes;
  bool bias = false;
  SmallVector<int64_t> biasShape;
  SmallVector<double> biasValues;
  // Operands computed in the graph, passed through.
  Value graphBias, graphMask;
  bool graphMaskNegated = false; // select(t, fill, s): t marks removed keys
};
} // namespace

/// The per-head slopes when the bias on the kept keys is
/// -slope[h] * |n + offset - m| (for softmax, up to a shift per query row,
/// which softmax ignores; BLOOM writes slope[h] * m). The bias does not vary
/// along the batch, the kept keys may: every batch's are checked.
static std::optional<SmallVector<double>>
alibiSlopes(const MaskGrid &grid, int64_t offset, bool softmax) {
  int64_t n = grid.n, m = grid.m;
  SmallVector<double> slopes;
  for (int64_t h = 0; h < grid.hx; ++h) {
    // The slope from the kept keys farthest apart in distance in a row.
    double slope = 0.0;
    int64_t best = 0;
    for (int64_t b = 0; b < grid.bx; ++b)
      for (int64_t r = 0; r < n; ++r) {
        int64_t near = -1, far = -1;
        auto dist = [&](int64_t j) { return std::abs(r + offset - j); };
        for (int64_t j = 0; j < m; ++j) {
          if (!grid.kept[grid.index(b, h, r, j)])
            continue;
          if (near < 0 || dist(j) < dist(near))
            near = j;
          if (far < 0 || dist(j) > dist(far))
            far = j;
        }
        if (near < 0)
          continue;
        double bn = grid.bias[grid.index(b, h, r, near)],
               bf = grid.bias[grid.index(b, h, r, far)];
        if (softmax && dist(far) - dist(near) > best) {
          best = dist(far) - dist(near);
          slope = -(bf - bn) / double(best);
        } else if (!softmax && dist(far) > best) {
          best = dist(far);
          slope = -bf / double(best);
        }
      }
    // Every kept key: bias + slope * |i - m| is 0, or for softmax the same
    // in the whole row.
    for (int64_t b = 0; b < grid.bx; ++b)
      for (int64_t r = 0; r < n; ++r) {
        std::optional<double> shift;
        if (!softmax)
          shift = 0.0;
        for (int64_t j = 0; j < m; ++j) {
          int64_t at = grid.index(b, h, r, j);
          if (!grid.kept[at])
            continue;
          double bias = grid.bias[at];
          double residual = bias + slope * std::abs(r + offset - j);
          if (!shift)
            shift = residual;
          if (std::abs(residual - *shift) >
              1e-5 * std::max(1.0, std::abs(bias)))
            return std::nullopt;
        }
      }
    slopes.push_back(slope);
  }
  return slopes;
}

/// Analyses the masks and biases `mods` (in graph order) of a block with
/// `normalizer` over [B, H, N, M] scores: constants entry by entry, into
/// attributes where they fit exactly, else dense operands; those computed
/// in the graph pass through. Fails with the reason when attn.attention
/// would compute something else.
static FailureOr<Modifiers> analyseModifiers(ArrayRef<ScoreMod> mods,
                                             Normalizer normalizer,
                                             double sigmoidBias, int64_t bb,
                                             int64_t hq, int64_t n, int64_t m,
                                             std::string &why) {
  auto fail = [&](const Twine &reason) {
    why = reason.str();
    return failure();
  };
  Modifiers md;
  SmallVector<std::pair<ConstTensor, ScoreMod>> consts;
  // The fill of a mask computed in the graph, and the number of constants
  // before it.
  double graphFill = -INFINITY;
  size_t graphMaskAt = 0;
  // An operand computed in the graph: [B|1, H|1, N|1, M] in the scores'
  // rank.
  auto fitsScores = [&](Value t) {
    RankedTensorType type = staticType(t);
    if (!type || type.getRank() < 3 || type.getShape().back() != m)
      return false;
    ArrayRef<int64_t> sh = type.getShape();
    bool rows = sh[sh.size() - 2] == n || sh[sh.size() - 2] == 1;
    if (type.getRank() == 3)
      return rows && (sh[0] == 1 || sh[0] == bb * hq);
    return type.getRank() == 4 && rows && (sh[0] == 1 || sh[0] == bb) &&
           (sh[1] == 1 || sh[1] == hq);
  };
  for (const ScoreMod &mod : mods) {
    if (constantSource(mod.operand)) {
      std::optional<ConstTensor> c = evalConstant(mod.operand);
      if (!c)
        return fail("a mask or bias constant that cannot be read (too "
                    "large, or not dense)");
      consts.push_back({std::move(*c), mod});
      continue;
    }
    if (!fitsScores(mod.operand))
      return fail("a mask or bias computed in the graph that does not "
                  "broadcast to [B, H, N, M] as attn.attention's operands do");
    if (mod.kind == ScoreMod::Add) {
      if (md.graphBias)
        return fail("two biases computed in the graph");
      md.graphBias = mod.operand;
    } else {
      if (md.graphMask)
        return fail("two masks computed in the graph");
      md.graphMask = mod.operand;
      md.graphMaskNegated = mod.kind == ScoreMod::Drop;
      graphFill = mod.fill;
      graphMaskAt = consts.size();
    }
  }

  // The constants over the grid [Bx, Hx, N, M]: which keys survive, and
  // the finite values added to the kept ones. Each cell is the score plus
  // the constants added to it, or, once a select replaced the score, its
  // fill plus the constants added after; -inf plus anything finite stays
  // -inf. A cell is kept when it still holds the score and the constants
  // add up to more than -1e4.
  MaskGrid grid;
  grid.n = n;
  grid.m = m;
  SmallVector<Broadcast> broadcasts;
  for (auto &[c, mod] : consts) {
    std::optional<Broadcast> bc = broadcastOver(c, mod.scores, hq);
    if (!bc)
      return fail("a mask or bias that does not broadcast to the scores");
    broadcasts.push_back(*bc);
    grid.bx = bc->varies[0] ? bb : grid.bx;
    grid.hx = bc->varies[1] ? hq : grid.hx;
  }
  int64_t cells = grid.bx * grid.hx * n * m;
  if (cells > kMaxElements)
    return fail("the masks are too large to analyse");
  grid.kept.assign(cells, 1);
  grid.bias.assign(cells, 0.0);
  std::vector<char> scored(cells, 1); // the cell still holds the score
  // A score the graph's mask removes: its fill plus the constants added
  // after it (the mask may remove any cell).
  std::vector<double> graphMasked(cells, graphFill);
  for (auto [i, entry] : llvm::enumerate(consts)) {
    ScoreMod::Kind kind = entry.second.kind;
    const Broadcast &bc = broadcasts[i];
    for (int64_t b = 0; b < grid.bx; ++b)
      for (int64_t h = 0; h < grid.hx; ++h)
        for (int64_t r = 0; r < n; ++r)
          for (int64_t j = 0; j < m; ++j) {
            int64_t at = grid.index(b, h, r, j);
            double t = bc.at(b, h, r, j);
            if (kind == ScoreMod::Add) {
              if (std::isnan(t) || t == INFINITY)
                return fail("a bias with NaN or +inf");
              grid.bias[at] += t;
              if (i >= graphMaskAt)
                graphMasked[at] += t;
            } else if ((t != 0) != (kind == ScoreMod::Keep)) {
              scored[at] = 0;
              grid.bias[at] = entry.second.fill;
            }
          }
  }
  for (int64_t i = 0; i < cells; ++i)
    grid.kept[i] = scored[i] && grid.bias[i] > kMaskedBelow;
  // A finite masked value must be far enough below the kept ones that its
  // weight is 0 in the graph too: softmax weighs it by exp(value - the
  // row's largest kept value), sigmoid by sigmoid(value + bias). A select's
  // fill raised by a later bias is not masked at all.
  for (int64_t b = 0; b < grid.bx; ++b)
    for (int64_t h = 0; h < grid.hx; ++h)
      for (int64_t r = 0; r < n; ++r) {
        double top = -INFINITY;
        for (int64_t j = 0; j < m; ++j)
          if (int64_t at = grid.index(b, h, r, j); grid.kept[at])
            top = std::max(top, grid.bias[at]);
        for (int64_t j = 0; md.graphMask && j < m; ++j) {
          double x = graphMasked[grid.index(b, h, r, j)];
          if (x == -INFINITY)
            continue;
          if (x > kMaskedBelow ||
              (normalizer == Normalizer::Softmax
                   ? top != -INFINITY && x > top - kMaskMargin
                   : x + sigmoidBias > -kMaskMargin))
            return fail("the mask computed in the graph fills masked scores "
                        "with " +
                        str(graphFill) + ", " + str(x) +
                        " with the constants added after it at query row " +
                        std::to_string(r) + ", key " + std::to_string(j) +
                        ": its weight would not be 0");
        }
        for (int64_t j = 0; j < m; ++j) {
          int64_t at = grid.index(b, h, r, j);
          double x = grid.bias[at];
          if (grid.kept[at] || x == -INFINITY)
            continue;
          std::string where = " at query row " + std::to_string(r) + ", key " +
                              std::to_string(j);
          if (!scored[at] && x > kMaskedBelow)
            return fail("a bias added after the mask raises a masked score "
                        "to " +
                        str(x) + where + ": the key is not removed");
          if (normalizer == Normalizer::Softmax
                  ? top != -INFINITY && x > top - kMaskMargin
                  : x + sigmoidBias > -kMaskMargin)
            return fail(
                "a masked score of " + str(x) + where +
                (normalizer == Normalizer::Softmax
                     ? " is too close to the row's kept bias of " + str(top)
                     : " with the sigmoid's bias of " + str(sigmoidBias)) +
                ": its weight is not 0");
        }
      }
  for (int64_t i = 0; i < cells; ++i)
    if (!grid.kept[i])
      grid.bias[i] = 0.0;

  // Softmax over a row without keys is NaN (-inf) or uniform (a finite
  // fill) in the graph, zeros in attn.attention. Sigmoid gives zeros in
  // both.
  if (normalizer == Normalizer::Softmax)
    for (int64_t b = 0; b < grid.bx; ++b)
      for (int64_t h = 0; h < grid.hx; ++h)
        for (int64_t r = 0; r < n; ++r) {
          bool any = false;
          for (int64_t j = 0; j < m && !any; ++j)
            any = grid.kept[grid.index(b, h, r, j)];
          if (!any)
            return fail("query row " + Twine(r) +
                        (grid.bx > 1 ? " of batch " + Twine(b) : Twine()) +
                        (grid.hx > 1 ? " of head " + Twine(h) : Twine()) +
                        " keeps no key: the graph gives NaN or a uniform "
                        "row there, attn.attention zeros");
        }

  // Whether `vals` differ along the batch (dim 0) or head (dim 1) of the
  // grid, and their values over [B or 1, H or 1, N, M].
  auto varies = [&](const auto &vals, int dim) {
    if ((dim == 0 ? grid.bx : grid.hx) == 1)
      return false;
    for (int64_t b = 0; b < grid.bx; ++b)
      for (int64_t h = 0; h < grid.hx; ++h)
        for (int64_t r = 0; r < n; ++r)
          for (int64_t j = 0; j < m; ++j) {
            int64_t ref =
                dim == 0 ? grid.index(0, h, r, j) : grid.index(b, 0, r, j);
            if (vals[grid.index(b, h, r, j)] != vals[ref])
              return true;
          }
    return false;
  };
  auto slice = [&](const auto &vals, bool vb, bool vh,
                   SmallVectorImpl<int64_t> &shape,
                   SmallVectorImpl<double> &out) {
    shape.assign({vb ? bb : 1, vh ? hq : 1, n, m});
    for (int64_t b = 0; b < (vb ? grid.bx : 1); ++b)
      for (int64_t h = 0; h < (vh ? grid.hx : 1); ++h)
        for (int64_t r = 0; r < n; ++r)
          for (int64_t j = 0; j < m; ++j)
            out.push_back(vals[grid.index(b, h, r, j)]);
  };

  // The mask: attributes when the kept set is the same for every batch and
  // head and one of attn's predicates; else a dense mask.
  bool keptB = varies(grid.kept, 0), keptH = varies(grid.kept, 1);
  std::optional<MaskForm> form;
  if (!keptB && !keptH)
    form = classifyMask(
        [&](int64_t r, int64_t j) {
          return (bool)grid.kept[grid.index(0, 0, r, j)];
        },
        n, m);
  if (form) {
    md.form = *form;
  } else {
    if (md.graphMask)
      return fail("a mask computed in the graph and a constant mask that is "
                  "neither causal nor a window");
    md.denseMask = true;
    slice(grid.kept, keptB, keptH, md.maskShape, md.maskValues);
  }

  // The bias: ALiBi slopes (in the mask's alignment), else dense.
  if (llvm::none_of(grid.bias, [](double x) { return x != 0; }))
    return md;
  int64_t offset =
      md.form.causal && *md.form.causal == CausalKind::BottomRight ? m - n : 0;
  bool softmax = normalizer == Normalizer::Softmax;
  if (!varies(grid.bias, 0))
    md.slopes = alibiSlopes(grid, offset, softmax);
  if (md.slopes) {
    // Slopes 0: a shift per row, which softmax ignores.
    if (llvm::all_of(*md.slopes, [](double x) { return x == 0; })) {
      md.slopes.reset();
      return md;
    }
    if (md.slopes->size() == 1 && hq > 1)
      md.slopes->assign(hq, md.slopes->front());
    return md;
  }
  if (md.graphBias)
    return fail("a bias computed in the graph and a constant bias");
  md.bias = true;
  slice(grid.bias, varies(grid.bias, 0), varies(grid.bias, 1), md.biasShape,
        md.biasValues);
  return md;
}

/// Whether a tosa.matmul feeds `v` within a few ops (to tell the scores from
/// a bias computed in the graph); with `keysTransposed`, only a product
/// with a transposed second operand, Q @ K^T (to tell sigmoid attention
/// from other products of a sigmoid).
static bool fedByMatMul(Value v, bool keysTransposed = false) {
  SmallVector<std::pair<Value, int>> work = {{v, 0}};
  DenseSet<Value> seen;
  while (!work.empty()) {
    auto [x, depth] = work.pop_back_val();
    Operation *def = x.getDefiningOp();
    if (!def || depth > 12 || !seen.insert(x).second)
      continue;
    if (auto mm = dyn_cast<tosa::MatMulOp>(def))
      if (!keysTransposed || succeeded(traceSide(mm.getB(), true, true, false)))
        return true;
    for (Value operand : def->getOperands())
      work.push_back({operand, depth + 1});
  }
  return false;
}

Outcome Raiser::trySoftmax(tosa::MatMulOp pv) {
  Match blk;
  blk.pv = pv;
  auto use = [&](Value v, unsigned n) { blk.internal.push_back({v, n}); };

  // P, through the reshapes between [B * H, N, M] and [B, H, N, M].
  Value p = pv.getA();
  std::optional<std::pair<int64_t, int64_t>> scores4D;
  std::string why;
  auto note4D = [&](Value v) {
    RankedTensorType t = staticType(v);
    if (t.getRank() != 4)
      return true;
    auto bh = std::make_pair(t.getDimSize(0), t.getDimSize(1));
    if (scores4D && *scores4D != bh)
      return false;
    scores4D = bh;
    return true;
  };
  while (auto r = p.getDefiningOp<tosa::ReshapeOp>()) {
    if (!isLeadingReshape(r))
      break;
    use(p, 1);
    p = r.getInput1();
  }
  RankedTensorType pType = staticType(p);
  if (!pType || (pType.getRank() != 3 && pType.getRank() != 4))
    return Outcome::none();
  int64_t keyAxis = pType.getRank() - 1;

  // The normalizer: softmax = e * reciprocal(reduce_sum(e)) with
  // e = exp(x - reduce_max(x)), or sigmoid(x + bias).
  Normalizer normalizer = Normalizer::Softmax;
  double sigmoidBias = 0.0;
  Value x;
  if (auto mul = p.getDefiningOp<tosa::MulOp>()) {
    for (int i = 0; i < 2 && !x; ++i) {
      Value e = mul->getOperand(i);
      if (e.getType() != mul.getType())
        continue;
      auto recip = mul->getOperand(1 - i).getDefiningOp<tosa::ReciprocalOp>();
      auto exp = e.getDefiningOp<tosa::ExpOp>();
      if (!recip || !exp)
        continue;
      auto sum = recip->getOperand(0).getDefiningOp<tosa::ReduceSumOp>();
      auto sub = exp->getOperand(0).getDefiningOp<tosa::SubOp>();
      if (!sum || sum.getInput() != e || !sub)
        continue;
      auto max = sub.getInput2().getDefiningOp<tosa::ReduceMaxOp>();
      if (!max || max.getInput() != sub.getInput1())
        continue;
      if (max.getAxis() != keyAxis || sum.getAxis() != keyAxis)
        return Outcome::refused(
            "the softmax is over axis " +
            Twine(max.getAxis() != keyAxis ? max.getAxis() : sum.getAxis()) +
            ", not over the keys (axis " + Twine(keyAxis) + ")");
      x = sub.getInput1();
      use(p, 1);
      use(e, 2);
      use(sum, 1);
      use(recip, 1);
      use(sub, 1);
      use(max, 1);
      use(x, 2);
    }
  } else if (auto sig = p.getDefiningOp<tosa::SigmoidOp>()) {
    normalizer = Normalizer::Sigmoid;
    use(p, 1);
    x = sig.getInput();
    if (auto add = x.getDefiningOp<tosa::AddOp>()) {
      for (int i = 0; i < 2; ++i)
        if (add->getOperand(i).getType() == add.getType())
          if (std::optional<double> b = getSplat(add->getOperand(1 - i))) {
            sigmoidBias = *b;
            use(x, 1);
            x = add->getOperand(i);
            break;
          }
    }
    if (!fedByMatMul(x, /*keysTransposed=*/true))
      return Outcome::none();
    use(x, 1);
  }
  if (!x)
    return Outcome::none();
  if (!note4D(p) || !note4D(x))
    return Outcome::refused("the scores are split into batch and heads in "
                            "two ways");

  // Back from the normalizer to Q @ K^T, in the order attn.attention applies
  // the modifiers: scale, softcap, then masks and biases.
  enum Stage { Masks, Softcap, Scale } stage = Masks;
  double scale = 1.0;
  std::optional<double> softcap;
  SmallVector<ScoreMod> mods; // last first
  Value s = x;
  // The next value back; each one before the normalizer's input has one
  // use, the next op of the block.
  auto step = [&](Value next) {
    if (s != x)
      use(s, 1);
    s = next;
  };
  auto stageName = [](Stage st) { return st == Softcap ? "softcap" : "scale"; };
  while (true) {
    Operation *def = s.getDefiningOp();
    if (!def)
      return Outcome::refused("the scores are not a query-key product: "
                              "they are a block argument");
    if (auto mm = dyn_cast<tosa::MatMulOp>(def)) {
      blk.qk = mm;
      break;
    }
    if (auto r = dyn_cast<tosa::ReshapeOp>(def)) {
      RankedTensorType in = staticType(r.getInput1());
      if (!isLeadingReshape(r) || (in.getRank() != 3 && in.getRank() != 4))
        return Outcome::refused("the scores are reshaped other than "
                                "between [B * H, N, M] and [B, H, N, M]");
      if (!note4D(r.getInput1()))
        return Outcome::refused("the scores are split into batch and heads "
                                "in two ways");
      step(r.getInput1());
      continue;
    }
    // softcap: c * tanh(s * (1 / c)).
    Value inner;
    if (std::optional<double> c = scalarFactor(s, inner)) {
      auto tanh = inner.getDefiningOp<tosa::TanhOp>();
      Value arg;
      std::optional<double> r =
          tanh ? scalarFactor(tanh.getInput(), arg) : std::nullopt;
      if (tanh && r && closeTo(*r * *c, 1.0) && *c > 0) {
        if (stage != Masks)
          return Outcome::refused(Twine("a softcap before the ") +
                                  stageName(stage) +
                                  ": attn.attention applies the scale first");
        stage = Softcap;
        softcap = *c;
        use(inner, 1);
        use(tanh.getInput(), 1);
        step(arg);
        continue;
      }
      stage = Scale;
      scale *= *c;
      step(inner);
      continue;
    }
    if (isa<tosa::AddOp, tosa::SelectOp>(def)) {
      if (stage != Masks)
        return Outcome::refused(Twine("a mask or bias before the ") +
                                stageName(stage) +
                                ": attn.attention applies it after");
      RankedTensorType type = staticType(s);
      if (auto add = dyn_cast<tosa::AddOp>(def)) {
        // The scores are the operand that is neither constant nor
        // computed without a matrix product.
        int chain = -1;
        for (int i = 0; i < 2; ++i) {
          Value a = add->getOperand(i), t = add->getOperand(1 - i);
          if (a.getType() != type)
            continue;
          if (constantSource(t) || (chain < 0 && !fedByMatMul(t))) {
            chain = i;
            break;
          }
        }
        if (chain < 0)
          return Outcome::refused("cannot tell the scores from the bias "
                                  "added to them");
        mods.push_back({ScoreMod::Add, add->getOperand(1 - chain), type});
        step(add->getOperand(chain));
      } else {
        auto sel = cast<tosa::SelectOp>(def);
        bool keep = sel.getInput2().getType() == type &&
                    getSplat(sel.getInput3()).has_value();
        bool drop = !keep && sel.getInput3().getType() == type &&
                    getSplat(sel.getInput2()).has_value();
        if (!keep && !drop)
          return Outcome::refused("a select on the scores that does not "
                                  "fill the masked ones with a constant");
        double fill = *getSplat(keep ? sel.getInput3() : sel.getInput2());
        if (!(fill <= kMaskedBelow))
          return Outcome::refused("the mask fills masked scores with " +
                                  str(fill) +
                                  ", not -inf or a large negative number");
        mods.push_back({keep ? ScoreMod::Keep : ScoreMod::Drop, sel.getInput1(),
                        type, fill});
        step(keep ? sel.getInput2() : sel.getInput3());
      }
      continue;
    }
    return Outcome::refused(
        "unsupported " + Twine(opName(s)) + " between the scores and the " +
        (normalizer == Normalizer::Softmax ? "softmax" : "sigmoid"));
  }
  if (s != x)
    use(s, 1);
  if (staticType(s).getRank() != 3)
    return Outcome::refused("the query-key product is not a 3D tosa.matmul");

  // Q, K^T and V.
  tosa::MatMulOp qk = blk.qk;
  FailureOr<Side> q = traceSide(qk.getA(), false, true, false);
  FailureOr<Side> k = traceSide(qk.getB(), true, true, false);
  FailureOr<Side> v = traceSide(pv.getB(), false, false, false);
  if (failed(k))
    return Outcome::refused("the second operand of the query-key product "
                            "is not a transposed key tensor");
  if (failed(q) || failed(v))
    return Outcome::refused("the queries or values are not 3D or 4D tensors");
  blk.q = *q;
  blk.k = *k;
  blk.v = *v;
  scale *= blk.q.scale * blk.k.scale;
  if (failed(resolveShape(blk, staticType(qk.getA()).getDimSize(0), scores4D,
                          why)))
    return Outcome::refused(why);

  // The masks and biases, in graph order.
  std::reverse(mods.begin(), mods.end());
  FailureOr<Modifiers> analysed = analyseModifiers(
      mods, normalizer, sigmoidBias, blk.b, blk.hq, blk.n, blk.m, why);
  if (failed(analysed))
    return Outcome::refused(why);
  const Modifiers &md = *analysed;

  // The result, its reshape back to 4D and the gate.
  blk.result = pv.getResult();
  extendResult(blk, /*allowGate=*/true);
  std::string shared = whyShared(blk);
  if (!shared.empty())
    return Outcome::refused(shared);

  // Build.
  MLIRContext *ctx = rewriter.getContext();
  int64_t bb = blk.b, hq = blk.hq, n = blk.n, m = blk.m;
  Type elt = staticType(blk.q.src).getElementType();
  rewriter.setInsertionPoint(blk.result.getDefiningOp());
  auto [q4, k4, v4] = buildOperands(blk);
  int64_t hkv = staticType(k4).getDimSize(1);
  // An operand computed in the graph, [B|1, H|1, N|1, M] in the scores'
  // rank, in 4D.
  auto to4D = [&](Value t) {
    ArrayRef<int64_t> sh = staticType(t).getShape();
    if (sh.size() == 4)
      return t;
    return sh[0] == 1 ? reshapeTo(t, {1, 1, sh[1], m})
                      : reshapeTo(t, {bb, hq, sh[1], m});
  };
  Value alibi, bias, mask, gate;
  SmallVector<std::string> parts = {
      normalizer == Normalizer::Softmax ? "softmax" : "sigmoid"};
  if (md.form.causal)
    parts.push_back(("causal " + stringifyCausalKind(*md.form.causal)).str());
  if (md.form.window)
    parts.push_back("window [" + std::to_string((*md.form.window)[0]) + ", " +
                    std::to_string((*md.form.window)[1]) + "]");
  if (md.denseMask) {
    mask = constant(pv.getLoc(),
                    RankedTensorType::get(md.maskShape, rewriter.getI1Type()),
                    md.maskValues);
    parts.push_back("dense mask");
  }
  if (md.graphMask) {
    // attn's mask has all N rows: a key-padding mask [B, 1, 1, M] is tiled.
    mask = to4D(md.graphMask);
    auto type = staticType(mask);
    if (type.getDimSize(2) != n) {
      ImplicitLocOpBuilder b(mask.getLoc(), rewriter);
      mask = tosa::TileOp::create(
          b, type.clone({type.getDimSize(0), type.getDimSize(1), n, m}), mask,
          tosa::getTosaConstShape(b, {1, 1, n, 1}));
    }
    if (md.graphMaskNegated)
      mask = tosa::LogicalNotOp::create(rewriter, mask.getLoc(), mask.getType(),
                                        mask);
    parts.push_back("mask from the graph");
  }
  if (md.slopes) {
    alibi = constant(pv.getLoc(), RankedTensorType::get({hq}, elt), *md.slopes);
    parts.push_back("alibi");
  } else if (md.bias) {
    bias = constant(pv.getLoc(), RankedTensorType::get(md.biasShape, elt),
                    md.biasValues);
    parts.push_back("bias");
  }
  if (md.graphBias) {
    bias = to4D(md.graphBias);
    parts.push_back("bias from the graph");
  }
  if (softcap)
    parts.push_back("softcap " + str(*softcap));
  if (blk.gate) {
    gate = reshapeTo(blk.gate, {bb, hq, n, blk.dv});
    parts.push_back("gate");
  }
  auto resultType = RankedTensorType::get({bb, hq, n, blk.dv}, elt);
  bool sigmoid = normalizer == Normalizer::Sigmoid;
  auto op = AttentionOp::create(
      rewriter, pv.getLoc(), resultType, /*lse=*/Type(), q4, k4, v4,
      /*sinks=*/Value(), alibi, bias, gate, /*kv_lengths=*/Value(),
      /*q_doc_ids=*/Value(), /*k_doc_ids=*/Value(), mask,
      /*block_mask=*/Value(), /*block_table=*/Value(),
      rewriter.getF32FloatAttr(scale),
      md.form.causal ? CausalKindAttr::get(ctx, *md.form.causal) : nullptr,
      sigmoid ? NormalizerAttr::get(ctx, Normalizer::Sigmoid) : nullptr,
      sigmoid ? rewriter.getF32FloatAttr(sigmoidBias) : nullptr,
      /*softplus_scale=*/nullptr, /*softplus_power=*/nullptr,
      md.form.window ? rewriter.getDenseI64ArrayAttr(*md.form.window) : nullptr,
      /*dilation=*/nullptr, /*sink_tokens=*/nullptr,
      softcap ? rewriter.getF32FloatAttr(*softcap) : nullptr,
      /*block_size=*/nullptr, /*alibi=*/false, /*return_lse=*/false);
  replace(blk, op.getResult());
  return raisedOutcome("raised attention: ", parts, blk, hkv, op);
}

/// The remark of a raised block: its variant and dimensions.
Outcome Raiser::raisedOutcome(StringRef prefix, ArrayRef<std::string> parts,
                              const Match &blk, int64_t hkv, Operation *op) {
  std::string msg;
  llvm::raw_string_ostream os(msg);
  os << prefix;
  for (const std::string &part : parts)
    os << part << ", ";
  os << "B=" << blk.b << " Hq=" << blk.hq << " Hkv=" << hkv << " N=" << blk.n
     << " M=" << blk.m << " D=" << blk.d;
  if (blk.dv != blk.d)
    os << " Dv=" << blk.dv;
  Outcome o;
  o.kind = Outcome::Raised;
  o.message = msg;
  o.at = op;
  return o;
}

/// Whether `v` is a constant of zeros and ones (both), a mask to multiply
/// with.
static bool isZeroOneMask(Value v) {
  if (!constantSource(v))
    return false;
  std::optional<ConstTensor> c = evalConstant(v);
  if (!c || c->splat)
    return false;
  bool zero = false, one = false;
  for (double x : c->values) {
    if (x != 0 && x != 1)
      return false;
    (x == 0 ? zero : one) = true;
  }
  return zero && one;
}

/// Whether `a` and `b` view the same tensor the same way.
static bool sameSide(const Side &a, const Side &b) {
  return a.src == b.src && a.featureMap == b.featureMap &&
         a.groups == b.groups && a.scale == b.scale && a.perms == b.perms;
}

/// The key side of `sum_m phi(K)` as the [G, D, 1] operand of a matrix
/// product: a reduce_sum over the keys of phi(K) or phi(K)^T, reshaped or
/// transposed between [..., 1, D] and [..., D, 1].
static FailureOr<Side> traceKeySum(Value v, bool allowFeatureMap,
                                   SmallVectorImpl<Value> &internal) {
  while (Operation *def = v.getDefiningOp()) {
    auto trailingUnit = [](Value x) {
      RankedTensorType t = staticType(x);
      return t && t.getRank() >= 3 &&
             (t.getShape().back() == 1 || t.getShape().take_back(2)[0] == 1);
    };
    if (!isa<tosa::ReshapeOp, tosa::TransposeOp>(def))
      break;
    Value in = def->getOperand(0);
    // A reshape that keeps D the innermost dimension of size > 1 and the
    // product of the others (unit dims added or dropped, leading dims
    // merged), as [B, H, 1, D] -> [B, H, D] -> [B, H, D, 1] -> [G, D, 1];
    // a transpose only between [..., 1, D] and [..., D, 1].
    auto keepsD = [](Value from, Value to) {
      auto nonUnit = [](Value x) {
        SmallVector<int64_t> dims;
        for (int64_t d : staticType(x).getShape())
          if (d != 1)
            dims.push_back(d);
        return dims;
      };
      SmallVector<int64_t> a = nonUnit(from), b = nonUnit(to);
      return !a.empty() && !b.empty() && a.back() == b.back() &&
             product(ArrayRef<int64_t>(a).drop_back()) ==
                 product(ArrayRef<int64_t>(b).drop_back());
    };
    if (isa<tosa::ReshapeOp>(def)) {
      if (!keepsD(in, def->getResult(0)))
        return failure();
      internal.push_back(v);
      v = in;
      continue;
    }
    if (!trailingUnit(in) || !trailingUnit(def->getResult(0)))
      return failure();
    if (auto t = dyn_cast<tosa::TransposeOp>(def); t && !swapsLastTwo(t))
      return failure();
    RankedTensorType it = staticType(in), ot = staticType(def->getResult(0));
    if (product(it.getShape().drop_back(2)) !=
        product(ot.getShape().drop_back(2)))
      return failure();
    internal.push_back(v);
    v = in;
  }
  auto sum = v.getDefiningOp<tosa::ReduceSumOp>();
  if (!sum)
    return failure();
  internal.push_back(v);
  int64_t r = staticType(sum.getInput()).getRank();
  if (sum.getAxis() == r - 2)
    return traceSide(sum.getInput(), false, false, allowFeatureMap);
  if (sum.getAxis() == r - 1)
    return traceSide(sum.getInput(), true, false, allowFeatureMap);
  return failure();
}

Outcome Raiser::tryLinear(tosa::MatMulOp mm) {
  // With feature maps peeled; without them when q and k disagree (phi(q)
  // and phi(k) are then the operands, with the identity map).
  for (bool allowFm : {true, false}) {
    Match blk;
    blk.pv = mm;
    bool normalize = false, causal = false;
    Value tril; // the causal mask constant
    RankedTensorType trilScores;
    auto use = [&](Value v, unsigned n) { blk.internal.push_back({v, n}); };
    auto peel = [&](Value v) {
      while (auto r = v.getDefiningOp<tosa::ReshapeOp>()) {
        if (!isLeadingReshape(r))
          break;
        use(v, 1);
        v = r.getInput1();
      }
      return v;
    };
    blk.result = mm.getResult();
    Value rhs = peel(mm.getB());
    auto inner = rhs.getDefiningOp<tosa::MatMulOp>();
    FailureOr<Side> k = failure();
    if (inner)
      k = traceSide(inner.getA(), true, false, allowFm);
    if (succeeded(k)) {
      // phi(Q) (phi(K)^T V).
      use(rhs, 1);
      FailureOr<Side> q = traceSide(mm.getA(), false, false, allowFm);
      FailureOr<Side> v = traceSide(inner.getB(), false, false, false);
      if (failed(q) || failed(v))
        return Outcome::none();
      blk.q = *q;
      blk.k = *k;
      blk.v = *v;
      // / (phi(Q) sum_m phi(K)), possibly on the 4D views of both products.
      Value num = mm.getResult();
      SmallVector<Value> numViews;
      while (num.hasOneUse()) {
        auto r = dyn_cast<tosa::ReshapeOp>(*num.user_begin());
        if (!r || !isLeadingReshape(r))
          break;
        numViews.push_back(num);
        num = r.getResult();
      }
      auto div = num.hasOneUse() ? dyn_cast<tosa::MulOp>(*num.user_begin())
                                 : tosa::MulOp();
      if (div && div.getType() == num.getType()) {
        Value other =
            div.getInput1() == num ? div.getInput2() : div.getInput1();
        auto recip = other.getDefiningOp<tosa::ReciprocalOp>();
        SmallVector<Value> denViews;
        Value denValue = recip ? recip->getOperand(0) : Value();
        while (denValue) {
          auto r = denValue.getDefiningOp<tosa::ReshapeOp>();
          if (!r || !isLeadingReshape(r))
            break;
          denViews.push_back(denValue);
          denValue = r.getInput1();
        }
        auto den = denValue ? denValue.getDefiningOp<tosa::MatMulOp>()
                            : tosa::MatMulOp();
        if (den) {
          FailureOr<Side> dq = traceSide(den.getA(), false, false, allowFm);
          SmallVector<Value> sumValues;
          FailureOr<Side> dk = traceKeySum(den.getB(), allowFm, sumValues);
          if (failed(dq) || failed(dk) || !sameSide(*dq, blk.q) ||
              !sameSide(*dk, blk.k)) {
            if (!allowFm)
              return Outcome::refused(
                  "the division is not by phi(q) . sum_m phi(k)");
            continue;
          }
          normalize = true;
          use(num, 1);
          for (Value x : numViews)
            use(x, 1);
          use(other, 1);
          use(recip->getOperand(0), 1);
          for (Value x : denViews)
            if (x != recip->getOperand(0))
              use(x, 1);
          if (denValue != recip->getOperand(0))
            use(denValue, 1);
          for (Value x : sumValues)
            use(x, 1);
          blk.result = div.getResult();
        }
      }
    } else {
      // (phi(Q) phi(K)^T [* tril]) V [/ row sums].
      Value p = peel(mm.getA());
      Value a = p;
      if (auto mul = p.getDefiningOp<tosa::MulOp>()) {
        for (int i = 0; i < 2; ++i) {
          Value x = mul->getOperand(i);
          auto recip =
              mul->getOperand(1 - i).getDefiningOp<tosa::ReciprocalOp>();
          auto sum =
              recip ? recip->getOperand(0).getDefiningOp<tosa::ReduceSumOp>()
                    : tosa::ReduceSumOp();
          if (!sum || sum.getInput() != x ||
              sum.getAxis() != staticType(x).getRank() - 1)
            continue;
          normalize = true;
          use(p, 1);
          use(recip.getResult(), 1);
          use(sum.getResult(), 1);
          a = x;
          break;
        }
      }
      // * tril, or select(tril, s, 0).
      unsigned aUses = a == p ? 1 : 2;
      if (auto mul = a.getDefiningOp<tosa::MulOp>()) {
        for (int i = 0; i < 2; ++i)
          if (mul->getOperand(i).getType() == mul.getType() &&
              isZeroOneMask(mul->getOperand(1 - i))) {
            tril = mul->getOperand(1 - i);
            break;
          }
        if (tril) {
          trilScores = staticType(a);
          use(a, aUses);
          a = mul->getOperand(mul->getOperand(0) == tril ? 1 : 0);
          aUses = 1;
        }
      } else if (auto sel = a.getDefiningOp<tosa::SelectOp>()) {
        if (constantSource(sel.getInput1()) &&
            isSplatOf(sel.getInput3(), 0.0) &&
            sel.getInput2().getType() == sel.getType()) {
          tril = sel.getInput1();
          trilScores = staticType(a);
          use(a, aUses);
          a = sel.getInput2();
          aUses = 1;
        }
      }
      causal = (bool)tril;
      use(a, aUses);
      Value s = a;
      while (auto r = s.getDefiningOp<tosa::ReshapeOp>()) {
        if (!isLeadingReshape(r))
          break;
        s = r.getInput1();
        use(s, 1);
      }
      auto qk = s.getDefiningOp<tosa::MatMulOp>();
      if (!qk)
        return Outcome::none();
      FailureOr<Side> kk = traceSide(qk.getB(), true, false, allowFm);
      if (failed(kk))
        return Outcome::none();
      FailureOr<Side> q = traceSide(qk.getA(), false, false, allowFm);
      FailureOr<Side> v = traceSide(mm.getB(), false, false, false);
      if (failed(q) || failed(v))
        return Outcome::none();
      blk.q = *q;
      blk.k = *kk;
      blk.v = *v;
    }
    if (blk.q.featureMap != blk.k.featureMap) {
      if (allowFm)
        continue;
      return Outcome::none();
    }
    FeatureMap fm = blk.q.featureMap.value_or(FeatureMap::Identity);
    // Q K^T V alone is a chain of matrix products, not attention.
    if (fm == FeatureMap::Identity && !normalize && !causal)
      return Outcome::none();
    // The normalizer of relu (a query without a positive feature) or the
    // identity can be 0: the graph divides 0 by 0 (NaN), attn gives zeros.
    if (normalize && fm != FeatureMap::Elu1)
      return Outcome::refused(
          "the normalized linear attention's feature map is " +
          stringifyFeatureMap(fm) +
          ": its normalizer can be 0, where the graph gives NaN and "
          "attn.linear_attention zeros");
    std::string why;
    int64_t g = staticType(mm.getA()).getDimSize(0);
    if (failed(resolveShape(blk, g, std::nullopt, why)))
      return Outcome::refused(why);
    if (tril) {
      // Exactly m <= n (top-left), the only causal linear attention.
      std::optional<ConstTensor> c = evalConstant(tril);
      std::optional<Broadcast> bc =
          c ? broadcastOver(*c, trilScores, blk.hq) : std::nullopt;
      if (!bc)
        return Outcome::refused("the mask of the linear attention cannot be "
                                "read");
      for (int64_t b = 0; b < (bc->varies[0] ? blk.b : 1); ++b)
        for (int64_t h = 0; h < (bc->varies[1] ? blk.hq : 1); ++h)
          for (int64_t r = 0; r < blk.n; ++r)
            for (int64_t j = 0; j < blk.m; ++j)
              if (bc->at(b, h, r, j) != (j <= r ? 1.0 : 0.0))
                return Outcome::refused(
                    "the mask of the linear attention is not causal "
                    "(top-left, 1 for m <= n and 0 elsewhere)");
    }
    extendResult(blk, /*allowGate=*/false);
    std::string shared = whyShared(blk);
    if (!shared.empty())
      return Outcome::refused(shared);

    rewriter.setInsertionPoint(blk.result.getDefiningOp());
    auto [q4, k4, v4] = buildOperands(blk);
    int64_t hkv = staticType(k4).getDimSize(1);
    auto resultType = RankedTensorType::get({blk.b, blk.hq, blk.n, blk.dv},
                                            staticType(q4).getElementType());
    auto op = LinearAttentionOp::create(
        rewriter, mm.getLoc(), resultType, q4, k4, v4, /*decay=*/Value(),
        FeatureMapAttr::get(rewriter.getContext(), fm), causal, normalize);
    replace(blk, op.getResult());
    SmallVector<std::string> parts = {stringifyFeatureMap(fm).str()};
    if (causal)
      parts.push_back("causal");
    if (normalize)
      parts.push_back("normalize");
    return raisedOutcome("raised linear attention: ", parts, blk, hkv, op);
  }
  return Outcome::none();
}
//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
struct AttnRaisePass : cascade::attn::impl::AttnRaiseBase<AttnRaisePass> {
  using AttnRaiseBase::AttnRaiseBase;

  void runOnOperation() override {
    if (remarks != "all" && remarks != "refused" && remarks != "none") {
      getOperation()->emitError()
          << "attn-raise: remarks must be all, refused or none, found '"
          << remarks << "'";
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    Raiser raiser(rewriter);
    DenseSet<Operation *> refused;
    // Later products first: the P @ V of a block comes after its Q @ K^T,
    // and linear attention's last product after its inner one. A raise
    // erases ops, so the walk starts over.
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<tosa::MatMulOp> products;
      getOperation()->walk([&](tosa::MatMulOp mm) { products.push_back(mm); });
      for (tosa::MatMulOp mm : llvm::reverse(products)) {
        if (refused.contains(mm))
          continue;
        Outcome o = raiser.tryRaise(mm);
        if (o.kind == Outcome::Refused) {
          refused.insert(mm);
          if (remarks != "none")
            mm->emitRemark() << "attention not raised: " << o.message;
        } else if (o.kind == Outcome::Raised) {
          if (remarks == "all")
            o.at->emitRemark() << o.message;
          changed = true;
          break;
        }
      }
    }
  }
};
} // namespace
