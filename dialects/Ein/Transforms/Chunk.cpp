//===- Chunk.cpp - Causal chains of sums in chunks with running state -----===//
//
// Part of Cascade.
//
// Causal linear attention is a chain of two sums under the condition
// `m <= p`:
//
//   W[m,p]  += A[p,e] * B[m,e]                    where (m <= p)
//   (W[m,p] = W[m,p] * L^(p - m), a decay)
//   S[p,x]  += W[m,p] * X[m,x]                    where (m <= p)
//
// The condition forbids reassociating the whole chain, but with the queries
// in chunks of T (p = p1 * T + p0) it splits into the keys of earlier
// chunks (m < p1 * T) and those of the query's own chunk
// (m = p1 * T + c, c <= p0). Over the earlier chunks the chain
// reassociates into a state carried from chunk to chunk:
//
//   K[p1,e,x]    += B[p1*T+c,e] * L^(T-c) * X[p1*T+c,x]     (over c)
//   ST[p1+1,e,x]  = ST[p1,e,x] * L^T + K[p1,e,x]            (init 0)
//   XS[p1,p0,x]  += A[p1,p0,e] * ST[p1,e,x]                 (over e)
//
// and inside the chunk the quadratic form stays, T x T per chunk:
//
//   IW[p1,c,p0] += A[p1,p0,e] * B[p1*T+c,e]  (* L^(p0-c))   where (c <= p0)
//   IS[p1,p0,x] += IW[p1,c,p0] * X[p1*T+c,x]                where (c <= p0)
//   S[p1,p0,x]   = IS + L^p0 * XS
//
// This is Lightning Attention-2's schedule, derived: one loop over the query
// chunks, linear in the sequence length.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace cascade::ein;

namespace {
/// A causal chain, found before the query rank is partitioned.
struct CausalChain {
  EinsumOp product;           // W += A * B where (m <= p)
  EinsumOp decay;             // W * L^(p - m), or null
  SmallVector<EinsumOp> sums; // S += W * X... where (m <= p)
  std::string p, m, e;
  unsigned aOperand = 0, bOperand = 0, lambdaOperand = 0;
  int64_t quadratic = 0, chunked = 0; // multiply-adds per head
  // The names, which survive the partition that rebuilds the einsums.
  std::string productName, decayName;
  SmallVector<std::string> sumNames;
};
} // namespace

/// Whether `set` is the single constraint `p - m >= 0` of `op`'s ranks.
static bool isCausal(EinsumOp op, StringRef p, StringRef m) {
  SmallVector<IntegerSet> sets = op.getConditionSets();
  int64_t dp = op.rankIndex(p), dm = op.rankIndex(m);
  if (sets.size() != 1 || dp < 0 || dm < 0)
    return false;
  IntegerSet s = sets.front();
  if (s.getNumConstraints() != 1 || s.isEq(0))
    return false;
  MLIRContext *ctx = op.getContext();
  AffineExpr want = getAffineDimExpr(dp, ctx) - getAffineDimExpr(dm, ctx);
  return simplifyAffineExpr(s.getConstraint(0), s.getNumDims(),
                            s.getNumSymbols()) ==
         simplifyAffineExpr(want, s.getNumDims(), s.getNumSymbols());
}

/// `op`'s output ranks, by name, in `s`.
static SmallVector<AffineExpr> outputOf(EinsumSpec &s, EinsumOp op) {
  SmallVector<AffineExpr> out;
  for (AffineExpr r : op.getOutputMap().getResults())
    out.push_back(s.dim(op.getRankName(cast<AffineDimExpr>(r).getPosition())));
  return out;
}

/// Whether the access reads the given rank of `op`.
static bool reads(EinsumOp op, AffineMap access, StringRef rank) {
  int64_t d = op.rankIndex(rank);
  return d >= 0 && access.isFunctionOfDim(d);
}

/// Whether `access` reads rank `rank` plainly (as that dim) at the
/// producer's output positions named `rank`.
static bool readsPlainly(EinsumOp reader, AffineMap access,
                         ArrayRef<std::string> ranks) {
  for (const std::string &r : ranks) {
    int64_t d = reader.rankIndex(r);
    if (d < 0)
      return false;
    bool found = false;
    for (AffineExpr a : access.getResults())
      found |= a == getAffineDimExpr(d, reader.getContext());
    if (!found)
      return false;
  }
  return true;
}

/// `pow(L, sitofp(index_cast(index p - index m)))`, with L a block argument:
/// the argument's number, or -1.
static int64_t matchDecayFactor(Value v, StringRef p, StringRef m) {
  auto pow = v.getDefiningOp<math::PowFOp>();
  if (!pow)
    return -1;
  auto base = dyn_cast<BlockArgument>(pow.getLhs());
  auto toF = pow.getRhs().getDefiningOp<arith::SIToFPOp>();
  if (!base || !toF)
    return -1;
  Value dist = toF.getIn();
  if (auto cast = dist.getDefiningOp<arith::IndexCastOp>())
    dist = cast.getIn();
  auto sub = dist.getDefiningOp<arith::SubIOp>();
  if (!sub)
    return -1;
  auto ip = sub.getLhs().getDefiningOp<IndexOp>();
  auto im = sub.getRhs().getDefiningOp<IndexOp>();
  if (!ip || !im || ip.getRank() != p || im.getRank() != m)
    return -1;
  return base.getArgNumber();
}

/// Finds the chain whose product is `product`, or says in a remark why the
/// causal sums reading it stay quadratic.
static std::optional<CausalChain> matchChain(CascadeOp cascade,
                                             EinsumOp product, int64_t tile) {
  if (product.getReduction() != ReductionKind::Add ||
      product.getInputs().size() != 2 || product.getReducedDims().size() != 1 ||
      product.isRecurrence() || hasPredicate(product))
    return std::nullopt;
  auto mul = mapResult(product).getDefiningOp<arith::MulFOp>();
  if (!mul)
    return std::nullopt;
  auto x = dyn_cast<BlockArgument>(mul.getLhs());
  auto y = dyn_cast<BlockArgument>(mul.getRhs());
  if (!x || !y || x == y || x.getOwner() != &product.getMapBlock() ||
      y.getOwner() != &product.getMapBlock())
    return std::nullopt;
  CausalChain c;
  c.product = product;
  c.e = product.getRankName(product.getReducedDims().front()).str();
  // The condition names p and m: two output ranks with `p - m >= 0`.
  AffineMap out = product.getOutputMap();
  for (unsigned i = 0; i < out.getNumResults() && c.p.empty(); ++i)
    for (unsigned j = 0; j < out.getNumResults() && c.p.empty(); ++j) {
      StringRef p = product.getRankName(product.getOutputDim(i));
      StringRef m = product.getRankName(product.getOutputDim(j));
      if (i != j && isCausal(product, p, m)) {
        c.p = p.str();
        c.m = m.str();
      }
    }
  if (c.p.empty())
    return std::nullopt;
  // A reads p and not m; B reads m and not p; both read e.
  auto role = [&](unsigned operand, StringRef yes, StringRef no) {
    AffineMap a = product.getInputMap(operand);
    return reads(product, a, yes) && !reads(product, a, no) &&
           reads(product, a, c.e);
  };
  unsigned xa = x.getArgNumber(), ya = y.getArgNumber();
  if (role(xa, c.p, c.m) && role(ya, c.m, c.p)) {
    c.aOperand = xa;
    c.bOperand = ya;
  } else if (role(ya, c.p, c.m) && role(xa, c.m, c.p)) {
    c.aOperand = ya;
    c.bOperand = xa;
  } else {
    return std::nullopt;
  }

  auto refuse = [&](EinsumOp at) -> InFlightDiagnostic {
    return at.emitRemark() << "ein-reassociate: keeping causal '"
                           << at.getName() << "' quadratic: ";
  };
  // W: the product itself or the decay that reads it.
  Value w = product.getResult();
  SmallVector<Operation *> users(w.getUsers().begin(), w.getUsers().end());
  if (users.size() == 1)
    if (auto d = dyn_cast<EinsumOp>(users.front());
        d && d.getReduction() == ReductionKind::None && !d.isRecurrence() &&
        !hasPredicate(d) && isCausal(d, c.p, c.m)) {
      // W = QK * pow(L, p - m), L not indexed by p or m.
      auto dm = mapResult(d).getDefiningOp<arith::MulFOp>();
      int64_t qkArg = -1;
      for (auto [i, v] : llvm::enumerate(d.getInputs()))
        if (v == w)
          qkArg = i;
      if (!dm || qkArg < 0 || d.getInputs().size() != 2)
        return std::nullopt;
      Value qk = d.getMapBlock().getArgument(qkArg);
      int64_t lambda = -1;
      if (dm.getLhs() == qk)
        lambda = matchDecayFactor(dm.getRhs(), c.p, c.m);
      else if (dm.getRhs() == qk)
        lambda = matchDecayFactor(dm.getLhs(), c.p, c.m);
      // Another factor of p and m (a softmax's exp, a sigmoid) is no chain.
      if (lambda < 0 || lambda == qkArg ||
          reads(d, d.getInputMap(lambda), c.p) ||
          reads(d, d.getInputMap(lambda), c.m) ||
          !readsPlainly(d, d.getInputMap(qkArg), {c.p, c.m}))
        return std::nullopt;
      c.decay = d;
      c.lambdaOperand = lambda;
      w = d.getResult();
    }
  // A chain: some reader of W sums it over m under the causal condition.
  bool candidate = llvm::any_of(w.getUsers(), [&](Operation *u) {
    auto s = dyn_cast<EinsumOp>(u);
    int64_t dm = s ? s.rankIndex(c.m) : -1;
    return s && s.getReduction() == ReductionKind::Add && dm >= 0 &&
           s.isReducedDim(dm) && s.getCondition();
  });
  if (!candidate)
    return std::nullopt;
  // Every reader of W is a causal sum over m, linear in W.
  for (Operation *u : w.getUsers()) {
    auto s = dyn_cast<EinsumOp>(u);
    if (!s)
      return std::nullopt;
    int64_t dm = s.rankIndex(c.m), dp = s.rankIndex(c.p);
    if (s.getReduction() != ReductionKind::Add || s.isRecurrence() ||
        hasPredicate(s) || dm < 0 || dp < 0 || !s.isReducedDim(dm) ||
        s.isReducedDim(dp) || s.getReducedDims().size() != 1 ||
        !isCausal(s, c.p, c.m))
      return (refuse(s) << "it is not a causal sum over '" << c.m << "'",
              std::nullopt);
    int64_t wArg = -1;
    for (auto [i, v] : llvm::enumerate(s.getInputs()))
      if (v == w)
        wArg = wArg < 0 ? (int64_t)i : -2;
    if (wArg < 0 ||
        !isLinearIn(mapResult(s), s.getMapBlock().getArgument(wArg)) ||
        !readsPlainly(s, s.getInputMap(wArg), {c.p, c.m}))
      return (refuse(s) << "it is not linear in '" << tensorName(w) << "'",
              std::nullopt);
    bool usesIndex = false;
    s.getMapBlock().walk([&](IndexOp) { usesIndex = true; });
    if (usesIndex)
      return (refuse(s) << "its map reads rank positions", std::nullopt);
    for (auto [i, v] : llvm::enumerate(s.getInputs()))
      if ((int64_t)i != wArg && reads(s, s.getInputMap(i), c.p))
        return (refuse(s) << "an operand other than '" << tensorName(w)
                          << "' reads '" << c.p << "'",
                std::nullopt);
    c.sums.push_back(s);
  }
  if (c.sums.empty())
    return std::nullopt;
  llvm::sort(c.sums,
             [](EinsumOp a, EinsumOp b) { return a->isBeforeInBlock(b); });
  // Keys past the last query are never read; fewer keys than queries would
  // make a chunk read keys that do not exist.
  int64_t np = cascade.staticExtent(c.p), nm = cascade.staticExtent(c.m);
  if (ShapedType::isDynamic(np) || ShapedType::isDynamic(nm))
    return (refuse(c.sums.front()) << "chunking needs static extents of '"
                                   << c.p << "' and '" << c.m << "'",
            std::nullopt);
  if (nm < np)
    return (refuse(c.sums.front())
                << "chunking needs at least as many '" << c.m << "' as '" << c.p
                << "' (" << nm << " < " << np << ")",
            std::nullopt);
  // Multiply-adds per head: the quadratic form computes W and each sum at
  // N (N + 1) / 2 points; the chunked one at the chunks' triangles, plus the
  // state (K and XS) per query.
  int64_t ne = cascade.staticExtent(c.e), xs = 0;
  for (EinsumOp s : c.sums) {
    int64_t x = 1;
    for (AffineExpr r : s.getOutputMap().getResults()) {
      StringRef n = s.getRankName(cast<AffineDimExpr>(r).getPosition());
      if (n != c.p && product.rankIndex(n) < 0)
        x *= cascade.staticExtent(n);
    }
    xs += x;
  }
  if (ShapedType::isDynamic(ne) || xs < 0)
    return std::nullopt;
  auto tri = [](int64_t n) { return n * (n + 1) / 2; };
  int64_t full = np / tile, tail = np % tile;
  c.quadratic = tri(np) * (ne + xs);
  c.chunked = (full * tri(tile) + tri(tail)) * (ne + xs) + 2 * np * ne * xs;
  if (c.chunked >= c.quadratic)
    return (refuse(c.sums.front())
                << "in chunks of " << tile << " it would take " << c.chunked
                << " multiply-adds per head instead of " << c.quadratic,
            std::nullopt);
  c.productName = product.getName().str();
  if (c.decay)
    c.decayName = c.decay.getName().str();
  for (EinsumOp s : c.sums)
    c.sumNames.push_back(s.getName().str());
  return c;
}

namespace {
/// Builds the chunked einsums of one chain inside a cascade whose query rank
/// is already partitioned into (p1, p0).
class ChunkBuilder {
public:
  ChunkBuilder(RewriterBase &rw, CascadeOp cascade, const CausalChain &c,
               int64_t tile, StringRef p1, StringRef p0, StringRef cRank)
      : rw(rw), cascade(cascade), chain(c), tile(tile), p1(p1), p0(p0),
        cRank(cRank), ctx(rw.getContext()) {}

  /// The accesses of `access` (over `op`'s dims) in `s`, each rank renamed
  /// by `subst` or kept by name.
  SmallVector<AffineExpr>
  translate(EinsumSpec &s, EinsumOp op, AffineMap access,
            const llvm::StringMap<std::function<AffineExpr()>> &subst) {
    SmallVector<AffineExpr> dims, syms;
    for (unsigned d = 0; d < op.getNumRanks(); ++d) {
      StringRef r = op.getRankName(d);
      if (!access.isFunctionOfDim(d))
        dims.push_back(getAffineConstantExpr(0, ctx));
      else if (auto it = subst.find(r); it != subst.end())
        dims.push_back(it->second());
      else
        dims.push_back(s.dim(r));
    }
    for (Attribute a : op.getSymbols())
      syms.push_back(s.sym(cast<StringAttr>(a).getValue()));
    SmallVector<AffineExpr> out;
    for (AffineExpr a : access.getResults())
      out.push_back(a.replaceDimsAndSymbols(dims, syms));
    return out;
  }

  /// `m` as the key `p1 * T + c` of the query's chunk.
  llvm::StringMap<std::function<AffineExpr()>> keyOf(EinsumSpec &s) {
    llvm::StringMap<std::function<AffineExpr()>> m;
    m[chain.m] = [&s, this] { return s.dim(p1) * tile + s.dim(cRank); };
    return m;
  }

  /// Operand `v` of `op` read at `access`, for an einsum `s` that iterates
  /// the chunk: `m` becomes `p1 * T + c`. An elementwise producer indexed by
  /// `m` is recomputed per chunk, since the loop nest reads intermediate
  /// tensors only at their own ranks.
  FailureOr<Value> chunkedOperand(EinsumSpec &s, EinsumOp op, Value v,
                                  AffineMap access) {
    int64_t dm = op.rankIndex(chain.m);
    auto producer = v.getDefiningOp<EinsumOp>();
    if (dm < 0 || !access.isFunctionOfDim(dm) || !producer) {
      s.addInput(v, translate(s, op, access, keyOf(s)));
      return v;
    }
    // The producer: elementwise, `m` a plain output rank read at `m`.
    int64_t pos = -1;
    for (unsigned i = 0; i < access.getNumResults(); ++i)
      if (access.getResult(i) == getAffineDimExpr(dm, ctx))
        pos = i;
    if (producer.getReduction() != ReductionKind::None ||
        producer.isRecurrence() || pos < 0 || producer.getCondition() ||
        hasPredicate(producer))
      return failure();
    StringRef pm = producer.getRankName(producer.getOutputDim(pos));
    Value copy = copies.lookup(v);
    if (!copy) {
      EinsumSpec ps(ctx);
      ps.name = cascade.uniqueTensorName(("C" + producer.getName()).str());
      ps.reduction = ReductionKind::None;
      ps.elementType = cast<RankedTensorType>(v.getType()).getElementType();
      for (AffineExpr r : producer.getOutputMap().getResults()) {
        unsigned d = cast<AffineDimExpr>(r).getPosition();
        if (producer.getRankName(d) == pm) {
          ps.output.push_back(ps.dim(p1));
          ps.output.push_back(ps.dim(cRank));
        } else {
          ps.output.push_back(ps.dim(producer.getRankName(d)));
        }
      }
      llvm::StringMap<std::function<AffineExpr()>> key;
      key[pm] = [&ps, this] { return ps.dim(p1) * tile + ps.dim(cRank); };
      for (auto [i, in] : llvm::enumerate(producer.getInputs())) {
        if (in.getDefiningOp<EinsumOp>() &&
            reads(producer, producer.getInputMap(i), pm))
          return failure();
        ps.addInput(in, translate(ps, producer, producer.getInputMap(i), key));
      }
      bool usesIndex = false;
      producer.getMapBlock().walk([&](IndexOp) { usesIndex = true; });
      if (usesIndex)
        return failure();
      copy = buildEinsumWithMapOf(rw, producer.getLoc(), cascade, ps, producer)
                 .getResult();
      copies[v] = copy;
    }
    SmallVector<AffineExpr> acc;
    llvm::StringMap<std::function<AffineExpr()>> none;
    for (unsigned i = 0; i < access.getNumResults(); ++i) {
      if ((int64_t)i == pos) {
        acc.push_back(s.dim(p1));
        acc.push_back(s.dim(cRank));
        continue;
      }
      AffineMap one = AffineMap::get(
          access.getNumDims(), access.getNumSymbols(), access.getResult(i));
      acc.push_back(translate(s, op, one, none).front());
    }
    s.addInput(copy, acc);
    return copy;
  }

  /// `pow(L, x)` in a map body.
  static Value power(OpBuilder &b, Location l, Value lambda, Value exponent) {
    Value i = arith::IndexCastOp::create(b, l, b.getI64Type(), exponent);
    Value f = arith::SIToFPOp::create(b, l, b.getF32Type(), i);
    return math::PowFOp::create(b, l, lambda, f);
  }
  static Value toF32(OpBuilder &b, Location l, Value v) {
    if (v.getType().isF32())
      return v;
    return arith::ExtFOp::create(b, l, b.getF32Type(), v);
  }
  static Value index(OpBuilder &b, Location l, StringRef rank) {
    return IndexOp::create(b, l, b.getIndexType(), b.getStringAttr(rank));
  }

  /// Clones `src`'s map into `b` with its arguments replaced by `args`.
  static Value cloneMap(OpBuilder &b, EinsumOp src, ValueRange args,
                        const llvm::StringMap<Value> &indices = {}) {
    IRMapping map;
    for (auto [a, v] : llvm::zip(src.getMapBlock().getArguments(), args))
      map.map(a, v);
    for (Operation &op : src.getMapBlock().without_terminator()) {
      if (auto idx = dyn_cast<IndexOp>(op))
        if (Value v = indices.lookup(idx.getRank())) {
          map.map(idx.getResult(), v);
          continue;
        }
      b.clone(op, map);
    }
    return map.lookup(mapResult(src));
  }

  LogicalResult build(EinsumOp productN, EinsumOp decayN,
                      ArrayRef<EinsumOp> sumsN);

private:
  RewriterBase &rw;
  CascadeOp cascade;
  const CausalChain &chain;
  int64_t tile;
  std::string p1, p0, cRank;
  MLIRContext *ctx;
  DenseMap<Value, Value> copies;
};
} // namespace

LogicalResult ChunkBuilder::build(EinsumOp productN, EinsumOp decayN,
                                  ArrayRef<EinsumOp> sumsN) {
  Location loc = productN.getLoc();
  const std::string &m = chain.m;
  auto causal = [&](EinsumSpec &s) {
    s.addConstraint(s.dim(p0) - s.dim(cRank)); // c <= p0
  };
  // The ranks of W's output with m as c.
  auto outputAsChunk = [&](EinsumSpec &s, EinsumOp op) {
    for (AffineExpr r : op.getOutputMap().getResults()) {
      StringRef n = op.getRankName(cast<AffineDimExpr>(r).getPosition());
      s.output.push_back(s.dim(n == m ? StringRef(cRank) : n));
    }
  };
  auto wAccess = [&](EinsumSpec &s, EinsumOp op, AffineMap access) {
    llvm::StringMap<std::function<AffineExpr()>> sub;
    sub[m] = [&s, this] { return s.dim(cRank); };
    return translate(s, op, access, sub);
  };
  rw.setInsertionPoint(sumsN.front());

  // IW[.., c, p1, p0] += A * B[p1*T + c] where (c <= p0)
  EinsumSpec qs(ctx);
  qs.name = cascade.uniqueTensorName("I" + chain.productName);
  qs.reduction = ReductionKind::Add;
  qs.elementType = cast<RankedTensorType>(productN.getType()).getElementType();
  outputAsChunk(qs, productN);
  for (auto [i, v] : llvm::enumerate(productN.getInputs()))
    if (failed(chunkedOperand(qs, productN, v, productN.getInputMap(i))))
      return failure();
  causal(qs);
  EinsumOp iw = buildEinsumWithMapOf(rw, loc, cascade, qs, productN);
  Value lambdaV;
  AffineMap lambdaMap;
  if (decayN) {
    lambdaV = decayN.getInputs()[chain.lambdaOperand];
    lambdaMap = decayN.getInputMap(chain.lambdaOperand);
    EinsumSpec ds(ctx);
    ds.name = cascade.uniqueTensorName("I" + chain.decayName);
    ds.reduction = ReductionKind::None;
    ds.elementType = cast<RankedTensorType>(decayN.getType()).getElementType();
    outputAsChunk(ds, decayN);
    SmallVector<Value> args;
    for (auto [i, v] : llvm::enumerate(decayN.getInputs())) {
      if (v == productN.getResult())
        ds.addInput(iw.getResult(), wAccess(ds, decayN, decayN.getInputMap(i)));
      else
        ds.addInput(v, translate(ds, decayN, decayN.getInputMap(i), {}));
    }
    causal(ds);
    // The distance p - m is p0 - c inside the chunk.
    iw = buildEinsum(
        rw, loc, cascade, ds, [&](OpBuilder &b, Location l, ValueRange a) {
          llvm::StringMap<Value> idx;
          idx[chain.m] = arith::AddIOp::create(
              b, l,
              arith::MulIOp::create(b, l, index(b, l, p1),
                                    arith::ConstantIndexOp::create(b, l, tile)),
              index(b, l, cRank));
          return cloneMap(b, decayN, a, idx);
        });
  }
  Value wN = decayN ? decayN.getResult() : productN.getResult();
  auto lambdaAccess = [&](EinsumSpec &s) {
    EinsumOp owner = decayN;
    s.addInput(lambdaV, translate(s, owner, lambdaMap, {}));
  };

  for (EinsumOp sum : sumsN) {
    rw.setInsertionPoint(sum);
    Location sl = sum.getLoc();
    std::string name = sum.getName().str();
    std::string base =
        name.size() > 1 && name[0] == 'B' ? name.substr(1) : name;
    Type elt = cast<RankedTensorType>(sum.getType()).getElementType();
    int64_t wArg = -1;
    for (auto [i, v] : llvm::enumerate(sum.getInputs()))
      if (v == wN)
        wArg = i;

    // IS[out] += IW[.., c, p1, p0] * X[p1*T + c] where (c <= p0)
    EinsumSpec is(ctx);
    is.name = cascade.uniqueTensorName("I" + base);
    is.reduction = ReductionKind::Add;
    is.elementType = elt;
    is.output = outputOf(is, sum);
    for (auto [i, v] : llvm::enumerate(sum.getInputs())) {
      if ((int64_t)i == wArg)
        is.addInput(iw.getResult(), wAccess(is, sum, sum.getInputMap(i)));
      else if (failed(chunkedOperand(is, sum, v, sum.getInputMap(i))))
        return failure();
    }
    causal(is);
    EinsumOp intra = buildEinsumWithMapOf(rw, sl, cascade, is, sum);

    // The state's ranks: the sum's output with p0 as e.
    auto stateAccess = [&](EinsumSpec &s, bool next) {
      SmallVector<AffineExpr> acc;
      for (AffineExpr r : sum.getOutputMap().getResults()) {
        StringRef n = sum.getRankName(cast<AffineDimExpr>(r).getPosition());
        if (n == p0)
          acc.push_back(s.dim(chain.e));
        else if (n == p1 && next)
          acc.push_back(s.dim(p1) + 1);
        else
          acc.push_back(s.dim(n));
      }
      return acc;
    };
    // K[.., p1, e, x] += B[p1*T + c, e] (* L^(T - c)) * X[p1*T + c, x]
    EinsumSpec ks(ctx);
    ks.name = cascade.uniqueTensorName("K" + base);
    ks.reduction = ReductionKind::Add;
    ks.elementType = rw.getF32Type();
    ks.output = stateAccess(ks, false);
    for (auto [i, v] : llvm::enumerate(sum.getInputs())) {
      if ((int64_t)i != wArg) {
        if (failed(chunkedOperand(ks, sum, v, sum.getInputMap(i))))
          return failure();
        continue;
      }
      // B through W's access in the sum: B's ranks other than m and e are
      // the sum's (by name).
      if (failed(chunkedOperand(ks, productN,
                                productN.getInputs()[chain.bOperand],
                                productN.getInputMap(chain.bOperand))))
        return failure();
    }
    if (decayN)
      lambdaAccess(ks);
    unsigned nIn = sum.getInputs().size();
    EinsumOp kv = buildEinsum(
        rw, sl, cascade, ks, [&](OpBuilder &b, Location l, ValueRange a) {
          SmallVector<Value> args(a.begin(), a.begin() + nIn);
          Value bv = toF32(b, l, args[wArg]);
          if (decayN) {
            Value left = arith::SubIOp::create(
                b, l, arith::ConstantIndexOp::create(b, l, tile),
                index(b, l, cRank));
            bv = arith::MulFOp::create(b, l, bv,
                                       power(b, l, toF32(b, l, a[nIn]), left));
          }
          args[wArg] = bv;
          return toF32(b, l, cloneMap(b, sum, args));
        });
    // ST[.., p1 + 1, e, x] = ST[.., p1, e, x] (* L^T) + K  init(0)
    EinsumSpec ss(ctx);
    ss.name = cascade.uniqueTensorName("S" + base);
    ss.reduction = ReductionKind::None;
    ss.elementType = rw.getF32Type();
    ss.init = 0.0;
    ss.output = stateAccess(ss, true);
    SmallVector<AffineExpr> here = stateAccess(ss, false);
    ss.addInput(Value(), here);
    ss.addInput(kv.getResult(), here);
    if (decayN)
      lambdaAccess(ss);
    EinsumOp state = buildEinsum(
        rw, sl, cascade, ss, [&](OpBuilder &b, Location l, ValueRange a) {
          Value prev = a[0];
          if (decayN)
            prev = arith::MulFOp::create(
                b, l, prev,
                power(b, l, toF32(b, l, a[2]),
                      arith::ConstantIndexOp::create(b, l, tile)));
          return arith::AddFOp::create(b, l, prev, a[1]);
        });
    // XS[out] += A[.., p1, p0, e] * ST[.., p1, e, x]
    EinsumSpec xs(ctx);
    xs.name = cascade.uniqueTensorName("X" + base);
    xs.reduction = ReductionKind::Add;
    xs.elementType = rw.getF32Type();
    xs.output = outputOf(xs, sum);
    xs.addInput(
        productN.getInputs()[chain.aOperand],
        translate(xs, productN, productN.getInputMap(chain.aOperand), {}));
    SmallVector<AffineExpr> stAt = stateAccess(xs, false);
    xs.addInput(state.getResult(), stAt);
    EinsumOp inter = buildEinsum(
        rw, sl, cascade, xs, [&](OpBuilder &b, Location l, ValueRange a) {
          return arith::MulFOp::create(b, l, toF32(b, l, a[0]), a[1]);
        });
    // S[out] = IS + L^p0 * XS
    EinsumSpec fs(ctx);
    fs.name = name;
    fs.reduction = ReductionKind::None;
    fs.elementType = elt;
    fs.output = outputOf(fs, sum);
    fs.addInput(intra.getResult(), fs.output);
    fs.addInput(inter.getResult(), fs.output);
    if (decayN)
      lambdaAccess(fs);
    EinsumOp total = buildEinsum(
        rw, sl, cascade, fs, [&](OpBuilder &b, Location l, ValueRange a) {
          Value x = a[1];
          if (decayN)
            x = arith::MulFOp::create(
                b, l, x, power(b, l, toF32(b, l, a[2]), index(b, l, p0)));
          Value r = arith::AddFOp::create(b, l, toF32(b, l, a[0]), x);
          if (elt != r.getType())
            return Value(arith::TruncFOp::create(b, l, elt, r));
          return r;
        });
    rw.replaceAllUsesWith(sum.getResult(), total.getResult());
  }
  return success();
}

/// Erases einsums nobody reads, readers first.
static void eraseDead(RewriterBase &rw, CascadeOp cascade) {
  bool changed = true;
  while (changed) {
    changed = false;
    SmallVector<EinsumOp> all(cascade.getBodyBlock().getOps<EinsumOp>());
    for (EinsumOp e : llvm::reverse(all)) {
      bool used = llvm::any_of(e.getResult().getUsers(),
                               [&](Operation *u) { return u != e; });
      if (used)
        continue;
      e->dropAllReferences();
      rw.eraseOp(e);
      changed = true;
    }
  }
}

int cascade::ein::chunkCausalContractions(RewriterBase &rewriter,
                                          CascadeOp cascade, int64_t tile) {
  if (tile <= 0)
    return 0;
  std::optional<CausalChain> chain;
  for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>())
    if ((chain = matchChain(cascade, e, tile)))
      break;
  if (!chain)
    return 0;

  std::string first = chain->sumNames.front();
  unsigned numSums = chain->sumNames.size();
  // Partition the queries; every reader of the chain follows.
  llvm::StringMap<EinsumOp> rebuilt;
  if (failed(partitionRank(rewriter, cascade, chain->p, tile,
                           /*reshapeResults=*/true, &rebuilt)))
    return 0;
  std::string p1, p0;
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    if (!r.isPartition() || r.getParent().getValue() != chain->p)
      continue;
    (r.isOuterPart() ? p1 : p0) = r.getName().getValue().str();
  }
  // The keys of the query's chunk: a second inner part of the queries.
  MLIRContext *ctx = rewriter.getContext();
  std::string cRank = cascade.uniqueRankName("c");
  SmallVector<Attribute> ranks;
  for (Attribute a : cascade.getRanks()) {
    ranks.push_back(a);
    if (cast<RankAttr>(a).getName().getValue() == p0)
      ranks.push_back(RankAttr::get(ctx, StringAttr::get(ctx, cRank), tile, -1,
                                    -1, StringAttr::get(ctx, chain->p), tile,
                                    0));
  }
  cascade.setRanksAttr(ArrayAttr::get(ctx, ranks));

  EinsumOp productN = rebuilt.lookup(chain->productName);
  EinsumOp decayN =
      chain->decayName.empty() ? EinsumOp() : rebuilt.lookup(chain->decayName);
  SmallVector<EinsumOp> sumsN;
  for (const std::string &n : chain->sumNames)
    sumsN.push_back(rebuilt.lookup(n));
  ChunkBuilder builder(rewriter, cascade, *chain, tile, p1, p0, cRank);
  if (!productN || (!chain->decayName.empty() && !decayN) ||
      llvm::is_contained(sumsN, EinsumOp()) ||
      failed(builder.build(productN, decayN, sumsN))) {
    cascade.emitError() << "ein-reassociate: internal error while chunking '"
                        << first << "'";
    return -1;
  }
  eraseDead(rewriter, cascade);
  cascade.emitRemark() << "ein-reassociate: causal '" << first
                       << "' in chunks of " << tile << " along '" << chain->p
                       << "' with a running state over '" << chain->m << "' ("
                       << numSums << (numSums == 1 ? " sum; " : " sums; ")
                       << chain->chunked
                       << " multiply-adds per head instead of "
                       << chain->quadratic << ")";
  return numSums;
}
