//===- Layout.cpp - Conditions and operand layouts for vector code -------===//
//
// Part of Cascade. Two rewrites that prepare a one-pass cascade for the
// vectorized tile bodies of the CPU backend:
//
// - ein-simplify-conditions removes conditions that cannot change a result:
//   a sum whose masked terms are products with a masked zero, and a
//   producer whose every reader applies the same condition;
// - ein-pack copies a cascade input that a contraction reads across the
//   vector rank into a layout where that rank is innermost, folding the
//   arithmetic the contraction applies to it alone (the softmax scale).
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringSet.h"

namespace cascade::ein {
#define GEN_PASS_DEF_EINSIMPLIFYCONDITIONS
#define GEN_PASS_DEF_EINPACK
#include "dialects/Ein/Transforms/Passes.h.inc"
} // namespace cascade::ein

using namespace mlir;
using namespace cascade::ein;

/// Whether `reader` reads `producer`'s result (as operand `idx`) at exactly
/// the point it was written: the same ranks, by name, in the same order.
static bool readsAtSamePoint(EinsumOp producer, EinsumOp reader, unsigned idx) {
  if (producer.isRecurrence())
    return false;
  AffineMap out = producer.getOutputMap();
  AffineMap in = reader.getInputMap(idx);
  if (out.getNumResults() != in.getNumResults())
    return false;
  for (unsigned i = 0; i < out.getNumResults(); ++i) {
    auto o = dyn_cast<AffineDimExpr>(out.getResult(i));
    auto r = dyn_cast<AffineDimExpr>(in.getResult(i));
    if (!o || !r ||
        producer.getRankName(o.getPosition()) !=
            reader.getRankName(r.getPosition()))
      return false;
  }
  return true;
}

/// Whether the value `v` of a map body is zero whenever block argument
/// `arg` is: `arg` itself or a product with it as a factor.
static bool vanishesWith(Value v, Value arg) {
  if (v == arg)
    return true;
  if (auto mul = v.getDefiningOp<arith::MulFOp>())
    return vanishesWith(mul.getLhs(), arg) || vanishesWith(mul.getRhs(), arg);
  return false;
}

int cascade::ein::simplifyConditions(CascadeOp cascade) {
  int removed = 0;
  SmallVector<EinsumOp> einsums;
  cascade.getBodyBlock().walk([&](EinsumOp op) { einsums.push_back(op); });

  // A sum whose every masked term is a product with an element that is
  // zero wherever the same condition is false sums the same without it.
  for (EinsumOp sum : einsums) {
    if (sum.getReduction() != ReductionKind::Add || sum.isRecurrence() ||
        !sum.getCondition() || hasPredicate(sum))
      continue;
    std::string cond = canonicalCondition(cascade, sum);
    Value yielded = mapResult(sum);
    for (auto [idx, input] : llvm::enumerate(sum.getInputs())) {
      auto producer = input.getDefiningOp<EinsumOp>();
      if (!producer || producer == sum ||
          producer.getReduction() != ReductionKind::None ||
          producer.getEffectiveFill() != 0.0 ||
          canonicalCondition(cascade, producer) != cond ||
          !readsAtSamePoint(producer, sum, idx) ||
          !vanishesWith(yielded, sum.getMapBlock().getArgument(idx)))
        continue;
      sum->removeAttr("condition");
      ++removed;
      break;
    }
  }

  // A producer whose readers all apply its condition at the point it wrote:
  // its masked elements are never read.
  for (EinsumOp producer : llvm::reverse(einsums)) {
    if (!producer.getCondition() || hasPredicate(producer) ||
        producer.isRecurrence() || producer.getResult().use_empty())
      continue;
    std::string cond = canonicalCondition(cascade, producer);
    bool allGuarded =
        llvm::all_of(producer.getResult().getUses(), [&](OpOperand &use) {
          auto reader = dyn_cast<EinsumOp>(use.getOwner());
          return reader && reader != producer && reader.getCondition() &&
                 canonicalCondition(cascade, reader) == cond &&
                 readsAtSamePoint(producer, reader, use.getOperandNumber());
        });
    if (!allGuarded)
      continue;
    producer->removeAttr("condition");
    ++removed;
  }
  return removed;
}

/// The ranks of the iterative loop: the `r` of every recurrence `X[r + 1]`.
static llvm::StringSet<> iterativeRanks(CascadeOp cascade) {
  llvm::StringSet<> ranks;
  cascade.getBodyBlock().walk([&](EinsumOp op) {
    int64_t d = op.getIterativeDim();
    if (d >= 0)
      ranks.insert(op.getRankName(d));
  });
  return ranks;
}

int cascade::ein::relayoutNarrowRanks(RewriterBase &rewriter, CascadeOp cascade,
                                      int64_t minPoints,
                                      SmallVectorImpl<std::string> &moved,
                                      SmallVectorImpl<std::string> &narrow) {
  llvm::StringSet<> iterative = iterativeRanks(cascade);
  SmallVector<EinsumOp> einsums;
  cascade.getBodyBlock().walk([&](EinsumOp op) { einsums.push_back(op); });
  // The parallel ranks: unreduced in every einsum (the loops around the
  // tile body).
  auto isParallel = [&](StringRef name) {
    RankAttr r = cascade.lookupRank(name);
    if (!r || r.isInnerPart())
      return false;
    return llvm::all_of(einsums, [&](EinsumOp e) {
      int64_t d = e.rankIndex(name);
      return d >= 0 && !e.isReducedDim(d);
    });
  };
  // A rank of the tile body: neither parallel nor iterative.
  auto tileRank = [&](StringRef name) {
    return !iterative.contains(name) && !isParallel(name);
  };
  auto isNarrow = [&](StringRef name) {
    int64_t e = tileRankExtent(cascade, name);
    return tileRank(name) && !ShapedType::isDynamic(e) && e < minPoints;
  };
  auto addOnce = [](SmallVectorImpl<std::string> &list, StringRef name) {
    if (!llvm::is_contained(list, name))
      list.push_back(name.str());
  };

  int count = 0;
  for (EinsumOp e : einsums) {
    AffineMap out = e.getOutputMap();
    if (out.getNumResults() < 2)
      continue;
    auto last = dyn_cast<AffineDimExpr>(out.getResults().back());
    if (!last || !isNarrow(e.getRankName(last.getPosition())))
      continue;
    // Every reader is an einsum (a yielded result keeps its layout).
    if (llvm::any_of(e.getResult().getUses(), [](OpOperand &use) {
          return !isa<EinsumOp>(use.getOwner());
        }))
      continue;
    // The last output rank of the tile that is not narrow goes last.
    std::optional<unsigned> wide;
    for (unsigned i = out.getNumResults(); i-- > 0;) {
      auto d = dyn_cast<AffineDimExpr>(out.getResult(i));
      if (!d)
        continue;
      StringRef name = e.getRankName(d.getPosition());
      if (tileRank(name) && !isNarrow(name)) {
        wide = i;
        break;
      }
    }
    if (!wide)
      continue;
    SmallVector<unsigned> order;
    for (unsigned i = 0; i < out.getNumResults(); ++i)
      if (i != *wide)
        order.push_back(i);
    order.push_back(*wide);
    auto permute = [&](AffineMap map) {
      SmallVector<AffineExpr> results;
      for (unsigned i : order)
        results.push_back(map.getResult(i));
      return AffineMap::get(map.getNumDims(), map.getNumSymbols(), results,
                            map.getContext());
    };
    auto type = cast<RankedTensorType>(e.getType());
    SmallVector<int64_t> shape;
    for (unsigned i : order)
      shape.push_back(type.getDimSize(i));
    addOnce(
        moved,
        e.getRankName(cast<AffineDimExpr>(out.getResult(*wide)).getPosition()));
    addOnce(narrow, e.getRankName(last.getPosition()));

    SmallVector<OpOperand *> uses;
    for (OpOperand &use : e.getResult().getUses())
      uses.push_back(&use);
    rewriter.modifyOpInPlace(e, [&] {
      e.setOutputMapAttr(AffineMapAttr::get(permute(out)));
      e.getResult().setType(RankedTensorType::get(shape, type.getElementType(),
                                                  type.getEncoding()));
    });
    for (OpOperand *use : uses) {
      auto reader = cast<EinsumOp>(use->getOwner());
      unsigned idx = use->getOperandNumber();
      SmallVector<Attribute> maps(reader.getInputMaps().begin(),
                                  reader.getInputMaps().end());
      maps[idx] = AffineMapAttr::get(permute(reader.getInputMap(idx)));
      rewriter.modifyOpInPlace(reader, [&] {
        reader.setInputMapsAttr(rewriter.getArrayAttr(maps));
      });
    }
    ++count;
  }
  return count;
}

/// The arithmetic of `sum`'s map that depends on block argument `arg` only
/// (and constants): a chain of single-use ops from `arg`, which may start
/// by extending it (an f16 or bf16 input of an f32 map). Returns the ops in
/// order; the last one's result is what the rest of the map reads.
static SmallVector<Operation *> unaryPrologue(EinsumOp sum, Value arg) {
  SmallVector<Operation *> chain;
  Value current = arg;
  Block &block = sum.getMapBlock();
  while (current.hasOneUse()) {
    Operation *user = *current.getUsers().begin();
    if (isa<arith::ExtFOp>(user) && chain.empty()) {
      chain.push_back(user);
      current = user->getResult(0);
      continue;
    }
    if (!isa<arith::MulFOp, arith::DivFOp, arith::AddFOp, arith::SubFOp,
             arith::NegFOp>(user))
      break;
    bool othersConstant = llvm::all_of(user->getOperands(), [&](Value o) {
      if (o == current)
        return true;
      if (auto c = o.getDefiningOp<arith::ConstantOp>())
        return c->getBlock() == &block || !c->getParentOfType<EinsumOp>();
      return false;
    });
    if (!othersConstant)
      break;
    chain.push_back(user);
    current = user->getResult(0);
  }
  return chain;
}

int cascade::ein::packOperands(RewriterBase &rewriter, CascadeOp cascade,
                               bool keepNarrow) {
  int packed = 0;
  llvm::StringSet<> iterative = iterativeRanks(cascade);
  Block &body = cascade.getBodyBlock();
  SmallVector<EinsumOp> sums;
  body.walk([&](EinsumOp op) {
    if (!op.getReducedDims().empty() && !op.isRecurrence())
      sums.push_back(op);
  });
  for (EinsumOp sum : sums) {
    AffineMap out = sum.getOutputMap();
    if (out.getNumResults() == 0)
      continue;
    auto last = dyn_cast<AffineDimExpr>(out.getResults().back());
    if (!last)
      continue;
    unsigned vdim = last.getPosition();
    std::string vrank = sum.getRankName(vdim).str();
    for (unsigned idx = 0; idx < sum.getInputs().size(); ++idx) {
      Value input = sum.getInputs()[idx];
      auto arg = dyn_cast<BlockArgument>(input);
      // Einsums compute floats of the cascade's element type, or extend f16
      // and bf16 operands to it; other operands (document ids, boolean
      // masks) are read where they are.
      Type inputType = cast<RankedTensorType>(input.getType()).getElementType();
      Type sumType = sum.getType().getElementType();
      bool narrow =
          isa<FloatType>(inputType) && isa<FloatType>(sumType) &&
          inputType.getIntOrFloatBitWidth() < sumType.getIntOrFloatBitWidth();
      if (!arg || arg.getOwner() != &body || (inputType != sumType && !narrow))
        continue;
      AffineMap access = sum.getInputMap(idx);
      if (!access.isFunctionOfDim(vdim) || access.getNumResults() == 0 ||
          access.getResults().back() ==
              getAffineDimExpr(vdim, sum.getContext()))
        continue;
      // The ranks the access uses, in order, the vector rank last; none may
      // be iterative (the copy is made once per parallel point).
      SmallVector<unsigned> dims;
      for (AffineExpr e : access.getResults())
        e.walk([&](AffineExpr s) {
          if (auto d = dyn_cast<AffineDimExpr>(s))
            if (d.getPosition() != vdim &&
                !llvm::is_contained(dims, d.getPosition()))
              dims.push_back(d.getPosition());
        });
      dims.push_back(vdim);
      if (llvm::any_of(dims, [&](unsigned d) {
            return iterative.contains(sum.getRankName(d));
          }))
        continue;

      // The arithmetic that moves into the copy: none for a narrow input
      // kept narrow, and for one that is not extended first (it would be
      // computed in its own type).
      BlockArgument element = sum.getMapBlock().getArgument(idx);
      SmallVector<Operation *> prologue;
      if (!(narrow && keepNarrow))
        prologue = unaryPrologue(sum, element);
      if (narrow && !prologue.empty() && !isa<arith::ExtFOp>(prologue.front()))
        prologue.clear();

      // The copy `XP[dims..., v] = f(X[access])`.
      EinsumSpec pack(sum.getContext());
      pack.name = cascade.uniqueTensorName(tensorName(input) + "P");
      pack.elementType = prologue.empty()
                             ? inputType
                             : prologue.back()->getResult(0).getType();
      SmallVector<AffineExpr> replacements;
      for (unsigned d = 0; d < sum.getNumRanks(); ++d)
        replacements.push_back(getAffineConstantExpr(0, sum.getContext()));
      for (unsigned d : dims) {
        replacements[d] = pack.dim(sum.getRankName(d));
        pack.output.push_back(replacements[d]);
      }
      SmallVector<AffineExpr> symReplacements;
      for (Attribute s : sum.getSymbols())
        symReplacements.push_back(pack.sym(cast<StringAttr>(s).getValue()));
      SmallVector<AffineExpr> packAccess;
      for (AffineExpr e : access.getResults())
        packAccess.push_back(
            e.replaceDimsAndSymbols(replacements, symReplacements));
      pack.addInput(input, packAccess);

      rewriter.setInsertionPoint(sum);
      EinsumOp copy = buildEinsum(
          rewriter, sum.getLoc(), cascade, pack,
          [&](OpBuilder &b, Location loc, ValueRange elements) -> Value {
            IRMapping map;
            map.map(element, elements[0]);
            for (Operation *op : prologue) {
              for (Value o : op->getOperands())
                if (auto c = o.getDefiningOp<arith::ConstantOp>();
                    c && !map.contains(o))
                  map.map(o, b.clone(*c)->getResult(0));
              b.clone(*op, map);
            }
            return map.lookupOrDefault(prologue.empty()
                                           ? Value(element)
                                           : prologue.back()->getResult(0));
          });

      // The contraction reads the copy at (dims..., v), and no longer
      // applies the folded arithmetic.
      SmallVector<AffineExpr> newAccess;
      for (unsigned d : dims)
        newAccess.push_back(getAffineDimExpr(d, sum.getContext()));
      SmallVector<Attribute> maps(sum.getInputMaps().begin(),
                                  sum.getInputMaps().end());
      maps[idx] = AffineMapAttr::get(
          AffineMap::get(sum.getNumRanks(), access.getNumSymbols(), newAccess,
                         sum.getContext()));
      rewriter.modifyOpInPlace(sum, [&] {
        sum.getInputsMutable()[idx].set(copy.getResult());
        sum.setInputMapsAttr(rewriter.getArrayAttr(maps));
      });
      if (!prologue.empty()) {
        // The map's argument is now the copy's element (f32 where the
        // extension moved into the copy).
        rewriter.modifyOpInPlace(sum,
                                 [&] { element.setType(pack.elementType); });
        rewriter.replaceAllUsesWith(prologue.back()->getResult(0), element);
        SmallVector<Operation *> constants;
        for (Operation *op : llvm::reverse(prologue)) {
          for (Value o : op->getOperands())
            if (auto c = o.getDefiningOp<arith::ConstantOp>();
                c && c->getBlock() == &sum.getMapBlock())
              constants.push_back(c);
          rewriter.eraseOp(op);
        }
        for (Operation *c : constants)
          if (c->use_empty())
            rewriter.eraseOp(c);
      }
      ++packed;
    }
  }
  return packed;
}

/// 'a', 'b' and 'c'.
static std::string quotedList(ArrayRef<std::string> names) {
  std::string text;
  for (auto [i, name] : llvm::enumerate(names)) {
    if (i > 0)
      text += i + 1 == names.size() ? " and " : ", ";
    text += "'" + name + "'";
  }
  return text;
}

namespace {
struct EinSimplifyConditionsPass
    : cascade::ein::impl::EinSimplifyConditionsBase<EinSimplifyConditionsPass> {
  void runOnOperation() override {
    getOperation()->walk([&](CascadeOp cascade) {
      int n = simplifyConditions(cascade);
      if (n > 0)
        cascade.emitRemark()
            << "cascade '" << cascade.getName() << "': " << n << " condition"
            << (n == 1 ? "" : "s") << " removed";
    });
  }
};

struct EinPackPass : cascade::ein::impl::EinPackBase<EinPackPass> {
  using Base::Base;
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](CascadeOp cascade) {
      SmallVector<std::string> moved, narrow;
      int relaid = 0;
      if (minVectorPoints > 0)
        relaid = relayoutNarrowRanks(rewriter, cascade, minVectorPoints, moved,
                                     narrow);
      if (relaid > 0)
        cascade.emitRemark()
            << "cascade '" << cascade.getName() << "': " << relaid << " einsum"
            << (relaid == 1 ? "" : "s") << " laid out with "
            << quotedList(moved) << " innermost instead of "
            << quotedList(narrow) << " (fewer than " << int64_t(minVectorPoints)
            << " points)";
      int n = packOperands(rewriter, cascade, keepNarrow);
      if (n > 0)
        cascade.emitRemark()
            << "cascade '" << cascade.getName() << "': " << n << " operand"
            << (n == 1 ? "" : "s") << " packed with the vector rank innermost";
    });
  }
};
} // namespace
