//===- TileClassifier.cpp - Classify tiles at run time by operand ranges --===//
//
// Part of Cascade. A mask that reads tensors (document ids, a dense or block
// mask, key lengths) or computes on positions (`mask_mod`) cannot be
// classified at compile time. ein-sparsify then adds einsums that classify
// each tile at run time: the range of every tensor the predicate reads over
// the tile (a min and a max reduction over the tile's inner parts, one pass
// over the ids or the mask), and a classifier that evaluates the predicate
// on those ranges in interval arithmetic with three-valued logic: a
// conjunct that can be true nowhere on the tile empties it, conjuncts that
// can be false nowhere fill it.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

#include <set>

using namespace mlir;
using namespace cascade::ein;

namespace {
/// A range of values, as f64 (exact for integers up to 2^53). `wide` when
/// it may hold integers beyond 2^53, whose f64 values are rounded.
struct Interval {
  Value lo, hi;
  bool wide = false;
};
/// Three-valued truth on a tile: whether some point may be true, whether
/// some point may be false. `known` is false for a value the evaluation
/// could not bound (both flags constant true).
struct Tri {
  Value canTrue, canFalse;
  bool known = false;
};

/// A tensor the predicate reads, with its access in the masked einsum.
struct Leaf {
  unsigned arg = 0; // operand of the masked einsum
  bool supported = false;
  bool direct = false; // read at tile ranks only: no range to reduce
  EinsumOp lo, hi;     // the per-tile min and max, unless direct
  int64_t input = -1;  // the classifier's operand (lo; hi is next)
  int64_t same = -1;   // an earlier leaf reading the same elements
};

class Classifier {
public:
  Classifier(CascadeOp cascade, EinsumOp masked, StringRef iter,
             ArrayRef<std::string> parallel)
      : cascade(cascade), masked(masked), iter(iter), parallel(parallel),
        ctx(cascade.getContext()) {}

  EinsumOp build(OpBuilder &b, SmallVectorImpl<std::string> &sources);

private:
  /// Whether `rank` is a tile rank (parallel or the iterative one), and
  /// otherwise the tile rank whose inner part it is (empty: neither).
  bool isTileRank(StringRef rank) {
    return rank == iter || llvm::is_contained(parallel, rank);
  }
  std::string outerOf(StringRef inner);
  void analyze(Leaf &leaf);
  /// The leaf of a map argument (an earlier one reading the same elements).
  const Leaf *leafOf(BlockArgument a) {
    const Leaf *leaf = llvm::find_if(
        leaves, [&](const Leaf &x) { return x.arg == a.getArgNumber(); });
    if (leaf == leaves.end())
      return nullptr;
    return leaf->same >= 0 ? &leaves[leaf->same] : leaf;
  }
  void rangeEinsums(OpBuilder &b, Leaf &leaf);

  // Evaluation inside the classifier's map.
  Value f64(double v) {
    return arith::ConstantOp::create(*b, l, b->getF64FloatAttr(v));
  }
  Value i1(bool v) { return arith::ConstantIntOp::create(*b, l, v, 1); }
  Value toF64(Value x);
  Value cmp(arith::CmpFPredicate p, Value x, Value y) {
    using F = arith::CmpFPredicate;
    if (x == y && (p == F::OEQ || p == F::OLE || p == F::OGE)) // not NaN
      return i1(true);
    if (x == y && (p == F::OLT || p == F::OGT))
      return i1(false);
    return arith::CmpFOp::create(*b, l, p, x, y);
  }
  // The logic folds constant operands, so that what the evaluation proves at
  // compile time leaves no operation behind.
  static std::optional<bool> known(Value x) {
    if (auto c = x.getDefiningOp<arith::ConstantIntOp>())
      return c.value() != 0;
    return std::nullopt;
  }
  Value both(Value x, Value y) {
    if (std::optional<bool> k = known(x))
      return *k ? y : x;
    if (std::optional<bool> k = known(y))
      return *k ? x : y;
    return arith::AndIOp::create(*b, l, x, y);
  }
  Value either(Value x, Value y) {
    if (std::optional<bool> k = known(x))
      return *k ? x : y;
    if (std::optional<bool> k = known(y))
      return *k ? y : x;
    return arith::OrIOp::create(*b, l, x, y);
  }
  Value notOf(Value x) {
    if (std::optional<bool> k = known(x))
      return i1(!*k);
    return arith::XOrIOp::create(*b, l, x, i1(true));
  }
  Value sel(Value c, Value x, Value y) {
    if (std::optional<bool> k = known(c))
      return *k ? x : y;
    if (x == y)
      return x;
    return arith::SelectOp::create(*b, l, c, x, y);
  }
  Value minOf(Value x, Value y) {
    return arith::MinimumFOp::create(*b, l, x, y);
  }
  Value maxOf(Value x, Value y) {
    return arith::MaximumFOp::create(*b, l, x, y);
  }
  Value floorOf(Value y);
  std::optional<Interval> num(Value v);
  std::optional<Interval> numUncached(Value v);
  Tri tri(Value v);
  Tri triUncached(Value v);
  Tri top() { return {i1(true), i1(true), false}; }
  Tri compare(arith::CmpIPredicate p, Interval x, Interval y);

  CascadeOp cascade;
  EinsumOp masked;
  StringRef iter;
  ArrayRef<std::string> parallel;
  MLIRContext *ctx;
  SmallVector<Leaf> leaves;

  OpBuilder *b = nullptr;
  Location l = UnknownLoc();
  ValueRange args; // the classifier map's arguments
  DenseMap<Value, std::optional<Interval>> nums;
  DenseMap<Value, Tri> tris;
};
} // namespace

std::string Classifier::outerOf(StringRef inner) {
  RankAttr r = cascade.lookupRank(inner);
  if (!r || !r.isInnerPart())
    return "";
  for (Attribute a : cascade.getRanks()) {
    auto o = cast<RankAttr>(a);
    if (o.isOuterPart() && o.getParent() == r.getParent())
      return o.getName().getValue().str();
  }
  return "";
}

void Classifier::analyze(Leaf &leaf) {
  Value input = masked.getInputs()[leaf.arg];
  auto arg = dyn_cast<BlockArgument>(input);
  if (!arg || arg.getOwner() != &cascade.getBodyBlock())
    return; // computed by the cascade: no range before the loop
  Type elt = cast<RankedTensorType>(input.getType()).getElementType();
  if (!elt.isIntOrIndexOrFloat())
    return;
  AffineMap access = masked.getInputMap(leaf.arg);
  leaf.direct = true;
  for (unsigned d = 0; d < masked.getNumRanks(); ++d) {
    if (!access.isFunctionOfDim(d))
      continue;
    StringRef n = masked.getRankName(d);
    if (isTileRank(n))
      continue;
    std::string outer = outerOf(n);
    if (outer.empty() || !isTileRank(outer))
      return; // a rank the tile does not fix or range over
    leaf.direct = false;
  }
  leaf.supported = true;
}

/// `access`, an access of `masked`, over the ranks of `s` (by name).
static SmallVector<AffineExpr> accessIn(EinsumSpec &s, EinsumOp masked,
                                        AffineMap access) {
  SmallVector<AffineExpr> dims, syms, at;
  for (unsigned d = 0; d < masked.getNumRanks(); ++d)
    dims.push_back(access.isFunctionOfDim(d)
                       ? s.dim(masked.getRankName(d))
                       : getAffineConstantExpr(0, masked.getContext()));
  for (Attribute a : masked.getSymbols())
    syms.push_back(s.sym(cast<StringAttr>(a).getValue()));
  for (AffineExpr e : access.getResults())
    at.push_back(e.replaceDimsAndSymbols(dims, syms));
  return at;
}

void Classifier::rangeEinsums(OpBuilder &builder, Leaf &leaf) {
  Value input = masked.getInputs()[leaf.arg];
  AffineMap access = masked.getInputMap(leaf.arg);
  bool overIter = false;
  SmallVector<std::string> reduced;
  for (unsigned d = 0; d < masked.getNumRanks(); ++d) {
    if (!access.isFunctionOfDim(d))
      continue;
    StringRef n = masked.getRankName(d);
    if (n == iter || outerOf(n) == iter)
      overIter = true;
    if (!isTileRank(n))
      reduced.push_back(n.str());
  }
  for (ReductionKind kind : {ReductionKind::Min, ReductionKind::Max}) {
    EinsumSpec s(ctx);
    s.name = cascade.uniqueTensorName(
        (tensorName(input) + (kind == ReductionKind::Min ? "LO" : "HI")));
    s.reduction = kind;
    s.elementType = Float64Type::get(ctx);
    for (const std::string &p : parallel)
      s.output.push_back(s.dim(p));
    if (overIter)
      s.output.push_back(s.dim(iter));
    for (const std::string &r : reduced)
      s.dim(r);
    s.addInput(input, accessIn(s, masked, access));
    EinsumOp e = buildEinsum(builder, cascade.getLoc(), cascade, s,
                             [&](OpBuilder &bb, Location ll, ValueRange a) {
                               b = &bb;
                               l = ll;
                               return toF64(a[0]);
                             });
    (kind == ReductionKind::Min ? leaf.lo : leaf.hi) = e;
  }
}

Value Classifier::toF64(Value x) {
  Type t = x.getType();
  Type f = b->getF64Type();
  if (t.isIndex()) {
    x = arith::IndexCastOp::create(*b, l, b->getI64Type(), x);
    t = x.getType();
  }
  if (t.isInteger(1))
    return arith::UIToFPOp::create(*b, l, f, x);
  if (isa<IntegerType>(t))
    return arith::SIToFPOp::create(*b, l, f, x);
  if (cast<FloatType>(t).getWidth() < 64)
    return arith::ExtFOp::create(*b, l, f, x);
  if (cast<FloatType>(t).getWidth() > 64)
    return arith::TruncFOp::create(*b, l, f, x);
  return x;
}

Value Classifier::floorOf(Value y) {
  // t = trunc(y); floor(y) = t - (t > y)
  Value t = arith::SIToFPOp::create(
      *b, l, b->getF64Type(),
      arith::FPToSIOp::create(*b, l, b->getI64Type(), y));
  return sel(cmp(arith::CmpFPredicate::OGT, t, y),
             arith::SubFOp::create(*b, l, t, f64(1.0)), t);
}

/// Whether a tensor of `v`'s elements may hold integers beyond 2^53.
static bool isWide(Value v) {
  Type t = cast<RankedTensorType>(v.getType()).getElementType();
  return t.isIndex() || (isa<IntegerType>(t) && t.getIntOrFloatBitWidth() > 53);
}

/// The positive constant `v` is, if it is one.
static std::optional<int64_t> positiveConstant(Value v) {
  APInt c;
  if (auto op = v.getDefiningOp<arith::ConstantOp>())
    if (auto a = dyn_cast<IntegerAttr>(op.getValue()))
      if (a.getValue().getSExtValue() > 0)
        return a.getValue().getSExtValue();
  return std::nullopt;
}

std::optional<Interval> Classifier::num(Value v) {
  auto it = nums.find(v);
  if (it != nums.end())
    return it->second;
  std::optional<Interval> r = numUncached(v);
  nums[v] = r;
  return r;
}

std::optional<Interval> Classifier::numUncached(Value v) {
  if (v.getType().isInteger(1))
    return std::nullopt;
  if (auto a = dyn_cast<BlockArgument>(v)) {
    const Leaf *leaf = leafOf(a);
    if (!leaf || !leaf->supported)
      return std::nullopt;
    bool wide = isWide(masked.getInputs()[leaf->arg]);
    if (leaf->direct) {
      Value x = toF64(args[leaf->input]);
      return Interval{x, x, wide};
    }
    return Interval{args[leaf->input], args[leaf->input + 1], wide};
  }
  Operation *def = v.getDefiningOp();
  if (auto index = dyn_cast<IndexOp>(def)) {
    StringRef n = index.getRank();
    if (isTileRank(n)) {
      Value x =
          toF64(IndexOp::create(*b, l, b->getIndexType(), b->getStringAttr(n)));
      return Interval{x, x};
    }
    // An inner part: 0 .. min(tile, |parent| - outer * tile) - 1.
    RankAttr r = cascade.lookupRank(n);
    std::string outer = outerOf(n);
    if (outer.empty() || !isTileRank(outer))
      return std::nullopt;
    Value t = f64(double(r.getTile()));
    Value start =
        arith::MulFOp::create(*b, l,
                              toF64(IndexOp::create(*b, l, b->getIndexType(),
                                                    b->getStringAttr(outer))),
                              t);
    Value left = arith::SubFOp::create(
        *b, l, toF64(ExtentOp::create(*b, l, b->getIndexType(), r.getParent())),
        start);
    return Interval{f64(0.0),
                    arith::SubFOp::create(*b, l, minOf(t, left), f64(1.0))};
  }
  if (auto ext = dyn_cast<ExtentOp>(def)) {
    Value x =
        toF64(ExtentOp::create(*b, l, b->getIndexType(), ext.getRankAttr()));
    return Interval{x, x};
  }
  if (auto c = dyn_cast<arith::ConstantOp>(def)) {
    if (auto i = dyn_cast<IntegerAttr>(c.getValue())) {
      Value x = f64(double(i.getValue().getSExtValue()));
      return Interval{x, x};
    }
    if (auto f = dyn_cast<FloatAttr>(c.getValue())) {
      Value x = f64(f.getValueAsDouble());
      return Interval{x, x};
    }
    return std::nullopt;
  }
  // Value-preserving casts.
  if (isa<arith::ExtSIOp, arith::IndexCastOp, arith::SIToFPOp, arith::ExtFOp>(
          def))
    return num(def->getOperand(0));
  // Integer arithmetic: exact while the values stay below 2^53.
  auto widen = [&](Interval r, ArrayRef<Interval> from) {
    for (const Interval &x : from)
      r.wide |= x.wide;
    return r;
  };
  if (isa<arith::ExtUIOp, arith::IndexCastUIOp, arith::UIToFPOp>(def)) {
    Value src = def->getOperand(0);
    if (src.getType().isInteger(1)) {
      Tri t = tri(src);
      if (!t.known)
        return std::nullopt;
      return Interval{sel(t.canFalse, f64(0.0), f64(1.0)),
                      sel(t.canTrue, f64(1.0), f64(0.0))};
    }
    std::optional<Interval> x = num(src);
    if (!x)
      return std::nullopt;
    // The same value when not negative; otherwise anything unsigned.
    unsigned width =
        src.getType().isIndex() ? 64 : src.getType().getIntOrFloatBitWidth();
    Value neg = cmp(arith::CmpFPredicate::OLT, x->lo, f64(0.0));
    return Interval{sel(neg, f64(0.0), x->lo),
                    sel(neg, f64(std::ldexp(1.0, width) - 1.0), x->hi),
                    x->wide || width > 53};
  }
  if (def->getNumOperands() == 2 && !isa<arith::SelectOp>(def)) {
    std::optional<Interval> x = num(def->getOperand(0));
    std::optional<Interval> y = num(def->getOperand(1));
    if (!x || !y)
      return std::nullopt;
    if (isa<arith::AddIOp, arith::AddFOp>(def))
      return widen({arith::AddFOp::create(*b, l, x->lo, y->lo),
                    arith::AddFOp::create(*b, l, x->hi, y->hi)},
                   {*x, *y});
    if (isa<arith::SubIOp, arith::SubFOp>(def))
      return widen({arith::SubFOp::create(*b, l, x->lo, y->hi),
                    arith::SubFOp::create(*b, l, x->hi, y->lo)},
                   {*x, *y});
    if (isa<arith::MulIOp, arith::MulFOp>(def)) {
      Value p[4] = {arith::MulFOp::create(*b, l, x->lo, y->lo),
                    arith::MulFOp::create(*b, l, x->lo, y->hi),
                    arith::MulFOp::create(*b, l, x->hi, y->lo),
                    arith::MulFOp::create(*b, l, x->hi, y->hi)};
      // A product of two 32-bit values may pass 2^53.
      bool byConstant = positiveConstant(def->getOperand(0)) ||
                        positiveConstant(def->getOperand(1));
      Interval r{minOf(minOf(p[0], p[1]), minOf(p[2], p[3])),
                 maxOf(maxOf(p[0], p[1]), maxOf(p[2], p[3])),
                 !byConstant && isa<arith::MulIOp>(def)};
      return widen(r, {*x, *y});
    }
    if (isa<arith::MaxSIOp, arith::MaximumFOp, arith::MaxNumFOp>(def))
      return widen({maxOf(x->lo, y->lo), maxOf(x->hi, y->hi)}, {*x, *y});
    if (isa<arith::MinSIOp, arith::MinimumFOp, arith::MinNumFOp>(def))
      return widen({minOf(x->lo, y->lo), minOf(x->hi, y->hi)}, {*x, *y});
    // Division and remainder by a positive constant.
    std::optional<int64_t> c = positiveConstant(def->getOperand(1));
    if (!c)
      return std::nullopt;
    Value cf = f64(double(*c));
    auto quotient = [&](Value a) {
      return arith::DivFOp::create(*b, l, a, cf).getResult();
    };
    if (isa<arith::FloorDivSIOp>(def))
      return widen({floorOf(quotient(x->lo)), floorOf(quotient(x->hi))}, *x);
    if (isa<arith::CeilDivSIOp>(def)) {
      auto ceilOf = [&](Value a) {
        Value negA = arith::NegFOp::create(*b, l, a);
        return arith::NegFOp::create(*b, l, floorOf(negA)).getResult();
      };
      return widen({ceilOf(quotient(x->lo)), ceilOf(quotient(x->hi))}, *x);
    }
    if (isa<arith::DivSIOp>(def)) {
      auto truncOf = [&](Value a) {
        return arith::SIToFPOp::create(
                   *b, l, b->getF64Type(),
                   arith::FPToSIOp::create(*b, l, b->getI64Type(), a))
            .getResult();
      };
      return widen({truncOf(quotient(x->lo)), truncOf(quotient(x->hi))}, *x);
    }
    if (isa<arith::RemSIOp, arith::RemUIOp>(def)) {
      // Exact when the range lies within one non-negative period; an
      // unsigned remainder is never negative.
      Value q = floorOf(quotient(x->lo));
      Value nonNeg = cmp(arith::CmpFPredicate::OGE, x->lo, f64(0.0));
      Value same = both(
          nonNeg, cmp(arith::CmpFPredicate::OEQ, q, floorOf(quotient(x->hi))));
      Value base = arith::MulFOp::create(*b, l, q, cf);
      Value lo = sel(same, arith::SubFOp::create(*b, l, x->lo, base),
                     isa<arith::RemUIOp>(def)
                         ? f64(0.0)
                         : sel(nonNeg, f64(0.0), f64(1.0 - double(*c))));
      Value hi = sel(same, arith::SubFOp::create(*b, l, x->hi, base),
                     f64(double(*c) - 1.0));
      return widen({lo, hi}, *x);
    }
    return std::nullopt;
  }
  if (auto s = dyn_cast<arith::SelectOp>(def)) {
    std::optional<Interval> x = num(s.getTrueValue());
    std::optional<Interval> y = num(s.getFalseValue());
    Tri c = tri(s.getCondition());
    if (!x || !y)
      return std::nullopt;
    return widen(
        {sel(c.canTrue, sel(c.canFalse, minOf(x->lo, y->lo), x->lo), y->lo),
         sel(c.canTrue, sel(c.canFalse, maxOf(x->hi, y->hi), x->hi), y->hi)},
        {*x, *y});
  }
  return std::nullopt;
}

Tri Classifier::compare(arith::CmpIPredicate p, Interval x, Interval y) {
  using P = arith::CmpIPredicate;
  using F = arith::CmpFPredicate;
  bool swap = p == P::sgt || p == P::sge || p == P::ugt || p == P::uge;
  if (swap)
    std::swap(x, y);
  Tri r;
  r.known = true;
  switch (p) {
  case P::eq:
  case P::ne: {
    Value meet =
        both(cmp(F::OLE, x.lo, y.hi), cmp(F::OLE, y.lo, x.hi)); // may be equal
    Value single = both(both(cmp(F::OEQ, x.lo, x.hi), cmp(F::OEQ, y.lo, y.hi)),
                        cmp(F::OEQ, x.lo, y.lo)); // always equal
    r.canTrue = p == P::eq ? meet : notOf(single);
    r.canFalse = p == P::eq ? notOf(single) : meet;
    break;
  }
  case P::slt:
  case P::sgt:
  case P::ult:
  case P::ugt: // x < y
    r.canTrue = cmp(F::OLT, x.lo, y.hi);
    r.canFalse = cmp(F::OGE, x.hi, y.lo);
    break;
  case P::sle:
  case P::sge:
  case P::ule:
  case P::uge: // x <= y
    r.canTrue = cmp(F::OLE, x.lo, y.hi);
    r.canFalse = cmp(F::OGT, x.hi, y.lo);
    break;
  }
  // Beyond 2^53 the f64 ranges are not exact; an unsigned comparison of a
  // negative value is not the signed one: anything may happen.
  Value unsure = i1(false);
  if (x.wide || y.wide) {
    Value limit = f64(std::ldexp(1.0, 53));
    llvm::SetVector<Value> ends;
    ends.insert_range(ArrayRef<Value>{x.lo, x.hi, y.lo, y.hi});
    for (Value e : ends)
      unsure =
          either(unsure,
                 cmp(F::OGT, maxOf(e, arith::NegFOp::create(*b, l, e)), limit));
  }
  bool isUnsigned = p == P::ult || p == P::ule || p == P::ugt || p == P::uge;
  if (isUnsigned)
    unsure = either(unsure, either(cmp(F::OLT, x.lo, f64(0.0)),
                                   cmp(F::OLT, y.lo, f64(0.0))));
  r.canTrue = either(r.canTrue, unsure);
  r.canFalse = either(r.canFalse, unsure);
  return r;
}

Tri Classifier::tri(Value v) {
  auto it = tris.find(v);
  if (it != tris.end())
    return it->second;
  Tri r = triUncached(v);
  tris[v] = r;
  return r;
}

Tri Classifier::triUncached(Value v) {
  if (!v.getType().isInteger(1))
    return top();
  if (auto a = dyn_cast<BlockArgument>(v)) {
    const Leaf *leaf = leafOf(a);
    std::optional<Interval> x;
    if (leaf && leaf->supported)
      x = leaf->direct
              ? Interval{toF64(args[leaf->input]), toF64(args[leaf->input])}
              : Interval{args[leaf->input], args[leaf->input + 1]};
    if (!x)
      return top();
    return {cmp(arith::CmpFPredicate::OGT, x->hi, f64(0.5)),
            cmp(arith::CmpFPredicate::OLT, x->lo, f64(0.5)), true};
  }
  Operation *def = v.getDefiningOp();
  if (auto c = dyn_cast<arith::ConstantIntOp>(def))
    return {i1(c.value() != 0), i1(c.value() == 0), true};
  if (auto c = dyn_cast<arith::CmpIOp>(def)) {
    std::optional<Interval> x = num(c.getLhs()), y = num(c.getRhs());
    if (!x || !y)
      return top();
    return compare(c.getPredicate(), *x, *y);
  }
  if (isa<arith::AndIOp, arith::OrIOp, arith::XOrIOp>(def)) {
    Tri x = tri(def->getOperand(0)), y = tri(def->getOperand(1));
    Tri r;
    r.known = x.known || y.known;
    if (isa<arith::AndIOp>(def)) {
      r.canTrue = both(x.canTrue, y.canTrue);
      r.canFalse = either(x.canFalse, y.canFalse);
    } else if (isa<arith::OrIOp>(def)) {
      r.canTrue = either(x.canTrue, y.canTrue);
      r.canFalse = both(x.canFalse, y.canFalse);
    } else {
      r.canTrue =
          either(both(x.canTrue, y.canFalse), both(x.canFalse, y.canTrue));
      r.canFalse =
          either(both(x.canTrue, y.canTrue), both(x.canFalse, y.canFalse));
    }
    return r;
  }
  if (auto s = dyn_cast<arith::SelectOp>(def)) {
    Tri c = tri(s.getCondition());
    Tri x = tri(s.getTrueValue()), y = tri(s.getFalseValue());
    Tri r;
    r.known = x.known || y.known;
    r.canTrue = either(both(c.canTrue, x.canTrue), both(c.canFalse, y.canTrue));
    r.canFalse =
        either(both(c.canTrue, x.canFalse), both(c.canFalse, y.canFalse));
    return r;
  }
  return top();
}

EinsumOp Classifier::build(OpBuilder &builder,
                           SmallVectorImpl<std::string> &sources) {
  SmallVector<Value> all, atoms;
  predicateAtoms(masked, all);
  std::set<std::string> keys; // a conjunct repeated is classified once
  for (Value a : all)
    if (keys.insert(canonicalMapValue(cascade, masked, a)).second)
      atoms.push_back(a);
  if (atoms.empty())
    return {};
  // The tensors the predicate reads.
  Block &mapBlock = masked.getMapBlock();
  SmallVector<Value> work(atoms.begin(), atoms.end());
  DenseSet<Value> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    if (auto a = dyn_cast<BlockArgument>(v)) {
      if (a.getOwner() == &mapBlock)
        leaves.push_back(Leaf{a.getArgNumber()});
      continue;
    }
    llvm::append_range(work, v.getDefiningOp()->getOperands());
  }
  llvm::sort(leaves,
             [](const Leaf &x, const Leaf &y) { return x.arg < y.arg; });
  // An operand read twice at the same access is one leaf.
  for (Leaf &leaf : leaves) {
    for (Leaf &first : leaves) {
      if (&first == &leaf)
        break;
      if (first.same < 0 &&
          masked.getInputs()[first.arg] == masked.getInputs()[leaf.arg] &&
          masked.getInputMap(first.arg) == masked.getInputMap(leaf.arg)) {
        leaf.same = &first - leaves.begin();
        break;
      }
    }
    if (leaf.same < 0)
      analyze(leaf);
  }

  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(cascade.getBodyBlock().getTerminator());
  SmallVector<Operation *> built;
  for (Leaf &leaf : leaves)
    if (leaf.same < 0 && leaf.supported && !leaf.direct) {
      rangeEinsums(builder, leaf);
      built.push_back(leaf.lo);
      built.push_back(leaf.hi);
    }

  // The classifier: over the parallel ranks and the iterative one.
  EinsumSpec s(ctx);
  s.name = cascade.uniqueTensorName("TILE");
  s.elementType = Float32Type::get(ctx);
  for (const std::string &p : parallel)
    s.output.push_back(s.dim(p));
  s.output.push_back(s.dim(iter));
  for (Leaf &leaf : leaves) {
    if (leaf.same >= 0 || !leaf.supported)
      continue;
    leaf.input = s.inputs.size();
    Value input = masked.getInputs()[leaf.arg];
    sources.push_back(tensorName(input));
    if (leaf.direct) {
      s.addInput(input, accessIn(s, masked, masked.getInputMap(leaf.arg)));
      continue;
    }
    for (EinsumOp range : {leaf.lo, leaf.hi}) {
      SmallVector<AffineExpr> at;
      for (unsigned i = 0; i < range.getOutputMap().getNumResults(); ++i)
        at.push_back(s.dim(range.getRankName(range.getOutputDim(i))));
      s.addInput(range.getResult(), at);
    }
  }
  bool anyKnown = false;
  EinsumOp classifier = buildEinsum(
      builder, cascade.getLoc(), cascade, s,
      [&](OpBuilder &bb, Location ll, ValueRange a) -> Value {
        b = &bb;
        l = ll;
        args = a;
        // Conjuncts: all may hold somewhere, none may fail anywhere.
        Value canTrue = i1(true), canFalse = i1(false);
        for (Value atom : atoms) {
          Tri t = tri(atom);
          anyKnown |= t.known;
          canTrue = both(canTrue, t.canTrue);
          canFalse = either(canFalse, t.canFalse);
        }
        auto f32 = [&](double v) {
          return arith::ConstantOp::create(bb, ll, bb.getF32FloatAttr(v));
        };
        return sel(notOf(canTrue), f32(0.0),
                   sel(notOf(canFalse), f32(1.0), f32(2.0)));
      });
  // The constants and operations the folding left unused.
  Block &body = classifier.getMapBlock();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (op.use_empty() && isPure(&op) && !op.hasTrait<OpTrait::IsTerminator>())
      op.erase();
  if (!anyKnown) {
    classifier.erase();
    for (Operation *op : llvm::reverse(built))
      op->erase();
    sources.clear();
    return {};
  }
  return classifier;
}

EinsumOp cascade::ein::buildTileClassifier(
    OpBuilder &b, CascadeOp cascade, EinsumOp masked, StringRef iter,
    ArrayRef<std::string> parallel, SmallVectorImpl<std::string> &sources) {
  return Classifier(cascade, masked, iter, parallel).build(b, sources);
}
