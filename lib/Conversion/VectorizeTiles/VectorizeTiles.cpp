//===- VectorizeTiles.cpp - Vector code for the tile bodies ---------------===//
//
// Part of Cascade. Implements cascade-vectorize-tiles, described in
// include/cascade/Conversion/Passes.td.
//
// Each linalg.generic becomes:
//
//   for d in (parallel dims other than v and u):
//     for u0 in [0, |u| - |u| mod rows) step rows:   // register block
//       for v0 in [0, |v|) step width * vectors:
//         acc[r][j] = out[.., u0 + r, v0 + j * width]        (masked loads)
//         for red in (reduction dims):                       (iter_args acc)
//           acc[r][j] = body(inputs at (.., u0 + r, red, v0 + j * width))
//         out[..] = acc                                      (masked stores)
//     for u0 in [|u| - |u| mod rows, |u|) step 1: the same with one row
//
//===----------------------------------------------------------------------===//

#include "cascade/Conversion/VectorizeTiles.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"

#include <limits>

namespace cascade {
#define GEN_PASS_DEF_VECTORIZETILES
#include "cascade/Conversion/Passes.h.inc"
} // namespace cascade

using namespace mlir;
using namespace cascade;

namespace {

/// How the rewrite reads one input of the generic.
enum class Access {
  Scalar,     ///< not a buffer: used as it is
  Broadcast,  ///< a buffer that does not vary along v: load, broadcast
  Contiguous, ///< varies along v with stride 1: masked vector loads
  Strided,    ///< varies along v with a stride known at run time only:
              ///< masked vector loads where it is 1, one load per lane
              ///< otherwise
};

bool hasUnitLastStride(MemRefType type) {
  if (type.getRank() == 0)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides.back() == 1;
}

bool isVectorizableBodyOp(Operation *op) {
  if (isa<linalg::YieldOp, linalg::IndexOp, arith::ConstantOp>(op))
    return true;
  if (op->getNumRegions() != 0 || !OpTrait::hasElementwiseMappableTraits(op))
    return false;
  auto scalar = [](Type t) { return t.isIntOrIndexOrFloat(); };
  return llvm::all_of(op->getOperandTypes(), scalar) &&
         llvm::all_of(op->getResultTypes(), scalar);
}

/// The rewrite of one generic; holds what its loops share.
class TileVectorizer {
public:
  TileVectorizer(RewriterBase &rewriter, linalg::GenericOp generic,
                 const TileVectorShape &shape)
      : rw(rewriter), g(generic), shape(shape), loc(generic.getLoc()) {}

  LogicalResult match();
  void rewrite();

private:
  /// One register block: `rows` rows of the unrolled dimension from `u0`
  /// (ignored without one), `vectors` vectors of v from `v0`.
  void emitBlock(OpBuilder &b, Value u0, int64_t rows, Value v0);
  /// The indices of operand `opIndex` at row `r`, vector `j`.
  SmallVector<Value> indicesOf(OpBuilder &b, unsigned opIndex, int64_t r,
                               int64_t j);
  /// The body at row `r`, vector `j`, with `acc` as the output's value.
  Value emitBody(OpBuilder &b, int64_t r, int64_t j, Value acc);
  Value broadcastTo(OpBuilder &b, Value scalar);
  /// The lanes of vector `j` of `operand` at `indices`, an operand whose last
  /// stride is known at run time only.
  Value loadStrided(OpBuilder &b, Value operand, ArrayRef<Value> indices,
                    int64_t j, VectorType type);

  RewriterBase &rw;
  linalg::GenericOp g;
  TileVectorShape shape;
  Location loc;

  SmallVector<AffineMap> maps;
  SmallVector<Access> access;
  SmallVector<OpFoldResult> sizes;
  unsigned v = 0;
  std::optional<unsigned> u;
  SmallVector<unsigned> outerDims, reductionDims;
  Type elementType;
  /// A reduction of everything to the 0-d output (`v` is then the last
  /// reduction dim): the combiner of the accumulator with the body's value.
  std::optional<vector::CombiningKind> scalarKind;
  Value scalarIdentity(OpBuilder &b);
  void rewriteScalarReduction();

  // State of the block being emitted.
  SmallVector<Value> ivs; // per loop dim: the scalar index (v: unused)
  SmallVector<Value> rowIndex, vectorOffset, masks;
  DenseMap<std::tuple<unsigned, int64_t, int64_t>, Value> loads;
};

LogicalResult TileVectorizer::match() {
  if (!g.hasPureBufferSemantics() || g.getNumDpsInits() != 1)
    return failure();
  maps = g.getIndexingMapsArray();
  if (!llvm::all_of(maps,
                    [](AffineMap m) { return m.isProjectedPermutation(); }))
    return failure();
  OpOperand *out = g.getDpsInitOperand(0);
  auto outType = dyn_cast<MemRefType>(out->get().getType());
  if (!outType)
    return failure();
  elementType = outType.getElementType();
  if (!elementType.isIntOrFloat())
    return failure();
  if (outType.getRank() == 0) {
    // Everything reduced to one value (the range of an operand over a
    // tile): vectors along the last dim, combined lane by lane, then across
    // the lanes. The body must yield `acc <op> x` with x free of acc.
    if (g.getNumLoops() == 0 || !isa<FloatType>(elementType))
      return failure();
    Operation *combine =
        g.getBody()->getTerminator()->getOperand(0).getDefiningOp();
    BlockArgument acc = g.getBody()->getArgument(g.getNumDpsInputs());
    if (!combine || combine->getNumOperands() != 2 ||
        combine->getBlock() != g.getBody())
      return failure();
    unsigned other = combine->getOperand(0) == acc ? 1 : 0;
    if (combine->getOperand(1 - other) != acc)
      return failure();
    for (Operation &op : g.getBody()->without_terminator())
      if (&op != combine && llvm::is_contained(op.getOperands(), acc))
        return failure();
    if (combine->getOperand(other) == acc)
      return failure();
    if (isa<arith::AddFOp>(combine))
      scalarKind = vector::CombiningKind::ADD;
    else if (isa<arith::MinimumFOp>(combine))
      scalarKind = vector::CombiningKind::MINIMUMF;
    else if (isa<arith::MaximumFOp>(combine))
      scalarKind = vector::CombiningKind::MAXIMUMF;
    else
      return failure();
    v = g.getNumLoops() - 1;
  } else {
    if (!hasUnitLastStride(outType))
      return failure();
    AffineMap outMap = g.getMatchingIndexingMap(out);
    v = outMap.getDimPosition(outType.getRank() - 1);
  }

  for (OpOperand *in : g.getDpsInputOperands()) {
    auto type = dyn_cast<MemRefType>(in->get().getType());
    if (!type) {
      access.push_back(Access::Scalar);
      continue;
    }
    AffineMap map = g.getMatchingIndexingMap(in);
    if (!map.isFunctionOfDim(v)) {
      access.push_back(Access::Broadcast);
      continue;
    }
    // i1 elements are bytes in memory but bits in a vector: no vector loads.
    if (map.getNumResults() == 0 ||
        map.getDimPosition(map.getNumResults() - 1) != v ||
        type.getElementType().isInteger(1))
      return failure();
    if (hasUnitLastStride(type)) {
      access.push_back(Access::Contiguous);
      continue;
    }
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(type.getStridesAndOffset(strides, offset)) ||
        !ShapedType::isDynamic(strides.back()))
      return failure();
    access.push_back(Access::Strided);
  }
  for (Operation &op : g.getBody()->getOperations())
    if (!isVectorizableBodyOp(&op))
      return failure();

  SmallVector<utils::IteratorType> iterators = g.getIteratorTypesArray();
  SmallVector<unsigned> parallel;
  for (unsigned d = 0; d < iterators.size(); ++d) {
    if (d == v)
      continue;
    if (iterators[d] == utils::IteratorType::reduction)
      reductionDims.push_back(d);
    else
      parallel.push_back(d);
  }
  if (scalarKind)
    return success();
  // Register blocking pays where accumulators stay in registers over a
  // reduction loop.
  if (!reductionDims.empty() && !parallel.empty() && shape.rows > 1) {
    u = parallel.back();
    parallel.pop_back();
  }
  outerDims = parallel;
  return success();
}

Value TileVectorizer::broadcastTo(OpBuilder &b, Value scalar) {
  if (isa<VectorType>(scalar.getType()))
    return scalar;
  return vector::BroadcastOp::create(
      b, loc, VectorType::get({shape.width}, scalar.getType()), scalar);
}

SmallVector<Value> TileVectorizer::indicesOf(OpBuilder &b, unsigned opIndex,
                                             int64_t r, int64_t j) {
  AffineMap map = maps[opIndex];
  SmallVector<Value> indices;
  for (unsigned i = 0; i < map.getNumResults(); ++i) {
    unsigned d = map.getDimPosition(i);
    if (d == v)
      indices.push_back(vectorOffset[j]);
    else if (u && d == *u)
      indices.push_back(rowIndex[r]);
    else
      indices.push_back(ivs[d]);
  }
  return indices;
}

Value TileVectorizer::loadStrided(OpBuilder &b, Value operand,
                                  ArrayRef<Value> indices, int64_t j,
                                  VectorType type) {
  auto memType = cast<MemRefType>(operand.getType());
  unsigned rank = memType.getRank();
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, operand);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value unit = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                     meta.getStrides().back(), one);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
  auto ifOp = scf::IfOp::create(
      b, loc, unit,
      [&](OpBuilder &tb, Location l) {
        // Stride 1: the same memory as a view with a static unit stride.
        SmallVector<int64_t> strides(rank, ShapedType::kDynamic);
        strides.back() = 1;
        auto viewType = MemRefType::get(
            memType.getShape(), memType.getElementType(),
            StridedLayoutAttr::get(tb.getContext(), ShapedType::kDynamic,
                                   strides));
        SmallVector<OpFoldResult> sizes;
        for (unsigned d = 0; d < rank; ++d)
          sizes.push_back(memType.isDynamicDim(d)
                              ? OpFoldResult(meta.getSizes()[d])
                              : tb.getIndexAttr(memType.getDimSize(d)));
        SmallVector<OpFoldResult> strideValues(meta.getStrides().begin(),
                                               meta.getStrides().end());
        strideValues.back() = tb.getIndexAttr(1);
        Value view = memref::ReinterpretCastOp::create(
            tb, l, viewType, meta.getBaseBuffer(), meta.getOffset(), sizes,
            strideValues);
        Value v = vector::MaskedLoadOp::create(tb, l, type, view, indices,
                                               masks[j], zero);
        scf::YieldOp::create(tb, l, v);
      },
      [&](OpBuilder &eb, Location l) {
        // Otherwise one load per lane, at an index clamped to the last
        // element (the lanes past it are never stored).
        Value last = arith::SubIOp::create(
            eb, l, getValueOrCreateConstantIndexOp(eb, l, sizes[v]), one);
        SmallVector<Value> lanes;
        SmallVector<Value> at(indices.begin(), indices.end());
        for (int64_t lane = 0; lane < shape.width; ++lane) {
          Value i = arith::AddIOp::create(
              eb, l, vectorOffset[j],
              arith::ConstantIndexOp::create(eb, l, lane));
          at.back() = arith::MinSIOp::create(eb, l, i, last);
          lanes.push_back(memref::LoadOp::create(eb, l, operand, at));
        }
        Value v = vector::FromElementsOp::create(eb, l, type, lanes);
        scf::YieldOp::create(eb, l, v);
      });
  return ifOp.getResult(0);
}

Value TileVectorizer::emitBody(OpBuilder &b, int64_t r, int64_t j, Value acc) {
  Block *body = g.getBody();
  IRMapping map;
  unsigned numInputs = g.getNumDpsInputs();
  auto vecType = [&](Type t) { return VectorType::get({shape.width}, t); };
  for (unsigned i = 0; i < numInputs; ++i) {
    Value operand = g.getDpsInputOperand(i)->get();
    BlockArgument arg = body->getArgument(i);
    if (access[i] == Access::Scalar) {
      map.map(arg, operand);
      continue;
    }
    bool usesRow = u && maps[i].isFunctionOfDim(*u);
    auto key = std::make_tuple(i, usesRow ? r : -1,
                               access[i] != Access::Broadcast ? j : -1);
    auto it = loads.find(key);
    if (it == loads.end()) {
      SmallVector<Value> indices = indicesOf(b, i, r, j);
      Value loaded;
      if (access[i] == Access::Contiguous) {
        Type t = vecType(arg.getType());
        Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(t));
        loaded = vector::MaskedLoadOp::create(b, loc, t, operand, indices,
                                              masks[j], zero);
      } else if (access[i] == Access::Strided) {
        loaded = loadStrided(b, operand, indices, j, vecType(arg.getType()));
      } else {
        loaded = memref::LoadOp::create(b, loc, operand, indices);
      }
      it = loads.try_emplace(key, loaded).first;
    }
    map.map(arg, it->second);
  }
  map.map(body->getArgument(numInputs), acc);

  for (Operation &op : body->without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(&op)) {
      unsigned d = index.getDim();
      Value value;
      if (d == v) {
        Value step = vector::StepOp::create(b, loc, vecType(b.getIndexType()));
        value = arith::AddIOp::create(b, loc, step,
                                      broadcastTo(b, vectorOffset[j]));
      } else if (u && d == *u) {
        value = rowIndex[r];
      } else {
        value = ivs[d];
      }
      map.map(index.getResult(), value);
      continue;
    }
    bool anyVector = llvm::any_of(op.getOperands(), [&](Value operand) {
      return isa<VectorType>(map.lookupOrDefault(operand).getType());
    });
    if (!anyVector) {
      b.clone(op, map);
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : op.getOperands())
      operands.push_back(broadcastTo(b, map.lookupOrDefault(operand)));
    SmallVector<Type> types;
    for (Type t : op.getResultTypes())
      types.push_back(vecType(t));
    OperationState state(op.getLoc(), op.getName(), operands, types,
                         op.getAttrs());
    Operation *vectorOp = b.create(state);
    map.map(op.getResults(), vectorOp->getResults());
  }
  Value yielded = map.lookupOrDefault(body->getTerminator()->getOperand(0));
  return broadcastTo(b, yielded);
}

void TileVectorizer::emitBlock(OpBuilder &b, Value u0, int64_t rows, Value v0) {
  loads.clear();
  rowIndex.clear();
  vectorOffset.clear();
  masks.clear();
  Value vSize = getValueOrCreateConstantIndexOp(b, loc, sizes[v]);
  for (int64_t r = 0; r < rows; ++r)
    rowIndex.push_back(
        u ? arith::AddIOp::create(b, loc, u0,
                                  arith::ConstantIndexOp::create(b, loc, r))
          : Value());
  auto maskType = VectorType::get({shape.width}, b.getI1Type());
  for (int64_t j = 0; j < shape.vectors; ++j) {
    Value offset = arith::AddIOp::create(
        b, loc, v0, arith::ConstantIndexOp::create(b, loc, j * shape.width));
    vectorOffset.push_back(offset);
    Value left = arith::SubIOp::create(b, loc, vSize, offset);
    masks.push_back(vector::CreateMaskOp::create(b, loc, maskType, left));
  }

  Value out = g.getDpsInitOperand(0)->get();
  unsigned outIndex = g.getNumDpsInputs();
  auto vecType = VectorType::get({shape.width}, elementType);
  Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(vecType));
  bool readsOut = g.payloadUsesValueFromOperand(g.getDpsInitOperand(0));

  SmallVector<Value> accs;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < shape.vectors; ++j)
      accs.push_back(
          readsOut ? vector::MaskedLoadOp::create(b, loc, vecType, out,
                                                  indicesOf(b, outIndex, r, j),
                                                  masks[j], zero)
                   : zero);

  // The reduction loops, innermost last, carrying the accumulators.
  std::function<SmallVector<Value>(OpBuilder &, unsigned, ValueRange)> nest =
      [&](OpBuilder &nb, unsigned level,
          ValueRange current) -> SmallVector<Value> {
    if (level == reductionDims.size()) {
      loads.clear();
      SmallVector<Value> next;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < shape.vectors; ++j)
          next.push_back(emitBody(nb, r, j, current[r * shape.vectors + j]));
      return next;
    }
    unsigned d = reductionDims[level];
    Value lb = arith::ConstantIndexOp::create(nb, loc, 0);
    Value ub = getValueOrCreateConstantIndexOp(nb, loc, sizes[d]);
    Value step = arith::ConstantIndexOp::create(nb, loc, 1);
    auto loop = scf::ForOp::create(
        nb, loc, lb, ub, step, current,
        [&](OpBuilder &lb2, Location, Value iv, ValueRange iter) {
          ivs[d] = iv;
          SmallVector<Value> next = nest(lb2, level + 1, iter);
          scf::YieldOp::create(lb2, loc, next);
        });
    return SmallVector<Value>(loop.getResults());
  };
  SmallVector<Value> results = nest(b, 0, accs);

  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < shape.vectors; ++j)
      vector::MaskedStoreOp::create(b, loc, out, indicesOf(b, outIndex, r, j),
                                    masks[j], results[r * shape.vectors + j]);
}

Value TileVectorizer::scalarIdentity(OpBuilder &b) {
  double identity = 0.0;
  if (*scalarKind == vector::CombiningKind::MINIMUMF)
    identity = std::numeric_limits<double>::infinity();
  else if (*scalarKind == vector::CombiningKind::MAXIMUMF)
    identity = -std::numeric_limits<double>::infinity();
  auto t = VectorType::get({shape.width}, elementType);
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(t, b.getFloatAttr(elementType, identity)));
}

void TileVectorizer::rewriteScalarReduction() {
  // acc = identity lanes; for (other dims) for v0 step width:
  //   acc = select(mask, body(acc, inputs at v0), acc)
  // out = out <op> reduce(acc)
  OpBuilder &b = rw;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  std::function<Value(OpBuilder &, unsigned, Value)> nest =
      [&](OpBuilder &nb, unsigned d, Value acc) -> Value {
    Value ub = getValueOrCreateConstantIndexOp(nb, loc, sizes[d]);
    bool vectorDim = d == v;
    Value step =
        vectorDim ? arith::ConstantIndexOp::create(nb, loc, shape.width) : one;
    auto loop = scf::ForOp::create(
        nb, loc, zero, ub, step, ValueRange{acc},
        [&](OpBuilder &lb, Location, Value iv, ValueRange iter) {
          Value next;
          if (!vectorDim) {
            ivs[d] = iv;
            next = nest(lb, d + 1, iter[0]);
          } else {
            loads.clear();
            vectorOffset.assign(1, iv);
            Value left = arith::SubIOp::create(lb, loc, ub, iv);
            masks.assign(1, vector::CreateMaskOp::create(
                                lb, loc,
                                VectorType::get({shape.width}, lb.getI1Type()),
                                left));
            Value combined = emitBody(lb, 0, 0, iter[0]);
            next =
                arith::SelectOp::create(lb, loc, masks[0], combined, iter[0]);
          }
          scf::YieldOp::create(lb, loc, next);
        });
    return loop.getResult(0);
  };
  Value acc = nest(b, 0, scalarIdentity(b));
  Value out = g.getDpsInitOperand(0)->get();
  Value init = memref::LoadOp::create(b, loc, out, ValueRange{});
  Value total = vector::ReductionOp::create(b, loc, *scalarKind, acc, init);
  memref::StoreOp::create(b, loc, total, out, ValueRange{});
}

void TileVectorizer::rewrite() {
  rw.setInsertionPoint(g);
  for (Range range :
       cast<linalg::LinalgOp>(g.getOperation()).createLoopRanges(rw, loc))
    sizes.push_back(range.size);
  ivs.assign(g.getNumLoops(), Value());
  if (scalarKind) {
    rewriteScalarReduction();
    rw.eraseOp(g);
    return;
  }

  int64_t blockWidth = shape.width * shape.vectors;
  // The vector loop over v for one register block of `rows` rows at `u0`.
  auto vectorLoop = [&](OpBuilder &b, Value u0, int64_t rows) {
    Value lb = arith::ConstantIndexOp::create(b, loc, 0);
    Value ub = getValueOrCreateConstantIndexOp(b, loc, sizes[v]);
    Value step = arith::ConstantIndexOp::create(b, loc, blockWidth);
    scf::ForOp::create(b, loc, lb, ub, step, ValueRange(),
                       [&](OpBuilder &lb2, Location, Value v0, ValueRange) {
                         emitBlock(lb2, u0, rows, v0);
                         scf::YieldOp::create(lb2, loc);
                       });
  };
  auto rowLoops = [&](OpBuilder &b) {
    if (!u) {
      vectorLoop(b, Value(), 1);
      return;
    }
    Value size = getValueOrCreateConstantIndexOp(b, loc, sizes[*u]);
    Value rows = arith::ConstantIndexOp::create(b, loc, shape.rows);
    Value tail = arith::RemUIOp::create(b, loc, size, rows);
    Value mainEnd = arith::SubIOp::create(b, loc, size, tail);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    scf::ForOp::create(b, loc, zero, mainEnd, rows, ValueRange(),
                       [&](OpBuilder &lb2, Location, Value u0, ValueRange) {
                         vectorLoop(lb2, u0, shape.rows);
                         scf::YieldOp::create(lb2, loc);
                       });
    scf::ForOp::create(b, loc, mainEnd, size, one, ValueRange(),
                       [&](OpBuilder &lb2, Location, Value u0, ValueRange) {
                         vectorLoop(lb2, u0, 1);
                         scf::YieldOp::create(lb2, loc);
                       });
  };
  std::function<void(OpBuilder &, unsigned)> outer = [&](OpBuilder &b,
                                                         unsigned level) {
    if (level == outerDims.size()) {
      rowLoops(b);
      return;
    }
    unsigned d = outerDims[level];
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value ub = getValueOrCreateConstantIndexOp(b, loc, sizes[d]);
    scf::ForOp::create(b, loc, zero, ub, one, ValueRange(),
                       [&](OpBuilder &lb2, Location, Value iv, ValueRange) {
                         ivs[d] = iv;
                         outer(lb2, level + 1);
                         scf::YieldOp::create(lb2, loc);
                       });
  };
  OpBuilder &b = rw;
  outer(b, 0);
  rw.eraseOp(g);
}

struct VectorizeTilesPass
    : public cascade::impl::VectorizeTilesBase<VectorizeTilesPass> {
  using Base::Base;
  void runOnOperation() override {
    if (width < 1 || rows < 1 || vectors < 1) {
      getOperation()->emitError()
          << "cascade-vectorize-tiles: width, rows and vectors must be "
             "positive (got "
          << int64_t(width) << ", " << int64_t(rows) << ", " << int64_t(vectors)
          << ")";
      return signalPassFailure();
    }
    TileVectorShape shape{width, rows, vectors};
    SmallVector<linalg::GenericOp> generics;
    getOperation()->walk(
        [&](linalg::GenericOp generic) { generics.push_back(generic); });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp generic : generics)
      (void)vectorizeTileGeneric(rewriter, generic, shape);
  }
};

} // namespace

LogicalResult cascade::vectorizeTileGeneric(RewriterBase &rewriter,
                                            linalg::GenericOp generic,
                                            const TileVectorShape &shape) {
  TileVectorizer vectorizer(rewriter, generic, shape);
  if (failed(vectorizer.match()))
    return failure();
  vectorizer.rewrite();
  return success();
}
