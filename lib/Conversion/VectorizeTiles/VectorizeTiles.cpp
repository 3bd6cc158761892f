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
// With bf16-dot, a contraction out[u, v] += c * A[r, v] * B[u, r] of bf16
// operands (A may be f32, rounded) becomes instead:
//
//   AP[r2][v][2] = (A[2 r2, v], A[2 r2 + 1, v]) in bf16    (a buffer per tile)
//   BP[r2][u][2] = (B[u, 2 r2], B[u, 2 r2 + 1])   (B itself where r is its
//                                                  contiguous dimension)
//   for u0 step rows: for v0 step width * vectors:
//     acc[r][j] = 0
//     for r2: acc[r][j] = vdpbf16ps(acc[r][j], AP[r2][v0 + j * width..],
//                                   broadcast BP[r2][u0 + r])
//     out[u0 + r, v0 + j * width..] += c * acc[r][j]         (masked)
//
//===----------------------------------------------------------------------===//

#include "cascade/Conversion/VectorizeTiles.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
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

/// A constant upper bound of the index `v`: a constant, or the minimum of a
/// `minsi` / `minui` / `affine.min` one of whose operands is bounded (the
/// extents of tiles clipped at the end of their rank).
std::optional<int64_t> indexUpperBound(Value v, int depth = 0) {
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return *c;
  Operation *def = v.getDefiningOp();
  if (!def || depth > 8)
    return std::nullopt;
  std::optional<int64_t> bound;
  auto take = [&](std::optional<int64_t> b) {
    if (b && (!bound || *b < *bound))
      bound = b;
  };
  if (isa<arith::MinSIOp, arith::MinUIOp>(def)) {
    for (Value operand : def->getOperands())
      take(indexUpperBound(operand, depth + 1));
  } else if (auto min = dyn_cast<affine::AffineMinOp>(def)) {
    for (AffineExpr e : min.getAffineMap().getResults())
      if (auto c = dyn_cast<AffineConstantExpr>(e))
        take(c.getValue());
  }
  return bound;
}

/// A constant upper bound of dimension `i` of the memref `m`: its static
/// size, or a bound of the size a subview gave it.
std::optional<int64_t> memrefDimUpperBound(Value m, unsigned i) {
  auto type = cast<MemRefType>(m.getType());
  if (!type.isDynamicDim(i))
    return type.getDimSize(i);
  auto sub = m.getDefiningOp<memref::SubViewOp>();
  if (!sub)
    return std::nullopt;
  llvm::SmallBitVector dropped = sub.getDroppedDims();
  SmallVector<OpFoldResult> mixed = sub.getMixedSizes();
  for (unsigned d = 0, kept = 0; d < mixed.size(); ++d) {
    if (dropped.test(d))
      continue;
    if (kept++ != i)
      continue;
    if (auto attr = dyn_cast<Attribute>(mixed[d]))
      return cast<IntegerAttr>(attr).getInt();
    return indexUpperBound(cast<Value>(mixed[d]));
  }
  return std::nullopt;
}

/// `memref` (described by `meta`) as a view whose last stride is a static
/// 1: the same memory where its last stride is 1 at run time.
Value unitStrideView(OpBuilder &b, Location loc, Value memref,
                     memref::ExtractStridedMetadataOp meta) {
  auto memType = cast<MemRefType>(memref.getType());
  unsigned rank = memType.getRank();
  SmallVector<int64_t> strides(rank, ShapedType::kDynamic);
  strides.back() = 1;
  auto viewType = MemRefType::get(
      memType.getShape(), memType.getElementType(),
      StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic, strides));
  SmallVector<OpFoldResult> sizes;
  for (unsigned d = 0; d < rank; ++d)
    sizes.push_back(memType.isDynamicDim(d)
                        ? OpFoldResult(meta.getSizes()[d])
                        : b.getIndexAttr(memType.getDimSize(d)));
  SmallVector<OpFoldResult> strideValues(meta.getStrides().begin(),
                                         meta.getStrides().end());
  strideValues.back() = b.getIndexAttr(1);
  return memref::ReinterpretCastOp::create(
      b, loc, viewType, meta.getBaseBuffer(), meta.getOffset(), sizes,
      strideValues);
}

/// Whether `v` is defined inside `op` (by an op in it, or as an argument of
/// one of its blocks).
bool definedInside(Value v, Operation *op) {
  if (Operation *def = v.getDefiningOp())
    return op->isAncestor(def);
  return op->isAncestor(cast<BlockArgument>(v).getOwner()->getParentOp());
}

/// Whether an op inside `loop` may write the buffer `root` (or a view of
/// it): one that declares a write or a free on it, or one that declares
/// nothing (it may pass it on).
bool writtenInside(scf::ForOp loop, Value root) {
  SmallVector<Value> aliases = {root};
  while (!aliases.empty()) {
    Value value = aliases.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto view = dyn_cast<ViewLikeOpInterface>(user);
          view && view.getViewSource() == value) {
        aliases.append(user->result_begin(), user->result_end());
        continue;
      }
      if (!loop->isAncestor(user))
        continue;
      auto effects = dyn_cast<MemoryEffectOpInterface>(user);
      if (!effects)
        return true;
      SmallVector<MemoryEffects::EffectInstance> onValue;
      effects.getEffectsOnValue(value, onValue);
      if (llvm::any_of(onValue, [](const MemoryEffects::EffectInstance &e) {
            return !isa<MemoryEffects::Read>(e.getEffect());
          }))
        return true;
    }
  }
  return false;
}

/// A memref read inside a loop, made available before the loop.
struct HoistedOperand {
  scf::ForOp loop;
  Value value;
};

/// `memref`, read by `user` in the loop around it, as a value before that
/// loop, when nothing in the loop writes it: defined before the loop, or
/// through views whose other operands are (cloned before the loop).
std::optional<HoistedOperand> hoistOutOfLoop(Operation *user, Value memref) {
  auto loop = user->getParentOfType<scf::ForOp>();
  if (!loop)
    return std::nullopt;
  SmallVector<Operation *> views;
  Value root = memref;
  while (definedInside(root, loop)) {
    Operation *def = root.getDefiningOp();
    auto view = dyn_cast_or_null<ViewLikeOpInterface>(def);
    if (!view || def->getNumResults() != 1 || def->getNumRegions() != 0 ||
        !isMemoryEffectFree(def))
      return std::nullopt;
    for (Value operand : def->getOperands())
      if (operand != view.getViewSource() && definedInside(operand, loop))
        return std::nullopt;
    views.push_back(def);
    root = view.getViewSource();
  }
  if (writtenInside(loop, root))
    return std::nullopt;
  OpBuilder b(loop);
  IRMapping map;
  Value value = root;
  for (Operation *view : llvm::reverse(views))
    value = b.clone(*view, map)->getResult(0);
  return HoistedOperand{loop, value};
}

/// A tile of a cascade operand that the loop over tiles moves through (K
/// or V): a subview of a function argument (through casts) whose offset in
/// one kept dim, the rows, varies. The next tile starts `distance` rows
/// further (the tile's rows), and is prefetched while this one is read.
struct StreamedTile {
  memref::SubViewOp view;
  unsigned sourceDim = 0; ///< the rows, as a dim of the source
  unsigned viewDim = 0;   ///< the rows, as a dim of the view
  int64_t distance = 0;
};

std::optional<StreamedTile> streamedTile(Value memref, Operation *user) {
  auto view = memref.getDefiningOp<memref::SubViewOp>();
  if (!view)
    return std::nullopt;
  // An offset that a loop around `user` changes at each step (the key
  // tiles), not one fixed for the loop (the query tile of Q).
  auto movesInLoop = [&](Value offset) {
    for (auto loop = user->getParentOfType<scf::ForOp>(); loop;
         loop = loop->getParentOfType<scf::ForOp>())
      if (loop.getRegion().isAncestor(offset.getParentRegion()))
        return true;
    return false;
  };
  Value root = view.getSource();
  while (auto cast = root.getDefiningOp<memref::CastOp>())
    root = cast.getSource();
  auto arg = dyn_cast<BlockArgument>(root);
  if (!arg || !isa<FunctionOpInterface>(arg.getOwner()->getParentOp()))
    return std::nullopt;
  llvm::SmallBitVector dropped = view.getDroppedDims();
  SmallVector<OpFoldResult> offsets = view.getMixedOffsets();
  unsigned kept = 0;
  std::optional<StreamedTile> tile;
  for (unsigned d = 0; d < offsets.size(); ++d) {
    if (dropped.test(d))
      continue;
    unsigned viewDim = kept++;
    // The last dim is read along by the vectors; the rows come before.
    if (viewDim + 1 == cast<MemRefType>(memref.getType()).getRank() ||
        isa<Attribute>(offsets[d]) || tile ||
        !movesInLoop(cast<Value>(offsets[d])))
      continue;
    std::optional<int64_t> rows = memrefDimUpperBound(memref, viewDim);
    if (!rows || *rows <= 0)
      continue;
    tile = StreamedTile{view, d, viewDim, *rows};
  }
  return tile;
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
  /// The inputs read along the vector dim with a stride known at run time
  /// only (none with the bf16 dot products, which handle their own).
  SmallVector<unsigned> stridedInputs() const {
    SmallVector<unsigned> result;
    if (dot)
      return result;
    for (auto [i, a] : llvm::enumerate(access))
      if (a == Access::Strided)
        result.push_back(i);
    return result;
  }

private:
  /// The contraction `out[u, v] += c * A[r, v] * B[u, r]` (or `B[r, u]`)
  /// computed with bf16 dot products (see the file comment).
  struct DotForm {
    unsigned a = 0, b = 0;       ///< the inputs A and B
    bool bReductionLast = false; ///< B is [u, r]: pairs contiguous in B
    /// The body's factors other than A and B: constants and values from
    /// above (the softmax scale); c is their product.
    SmallVector<Value> scalars;
    int64_t rMax = 0, uMax = 0, vMax = 0; ///< bounds of the extents
  };
  std::optional<DotForm> dot;
  /// Sets `dot` when the generic is such a contraction and its buffers fit
  /// in buffers of a few tens of KB.
  void matchDot();
  /// Fits the register block of the schedule along `v` to the bounds of u
  /// and v.
  void fitBlock();
  /// The rewrite with dot products; `bView` is B with a static unit last
  /// stride.
  void emitDot(OpBuilder &b, Value bView);
  void rewriteDot();

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
  /// `acc <op> x` with x free of acc: the combiner of the body.
  std::optional<vector::CombiningKind> matchCombiner();
  /// The access of each input along `v`; fails when an input varies along
  /// `v` but not contiguously in its last dimension.
  LogicalResult matchInputs();

  /// The schedule along a reduction dim (`v` is then that dim, `u` the
  /// output's last dim): for a generic whose inputs are not contiguous
  /// along the output's last dim (`Q K^T` with `K[m0][e]` and the output
  /// `[p0][m0]`; the max and sum over `m0` of `[p0][m0]`). Each output
  /// point accumulates a vector along `v`, and the lanes of `alongRows`
  /// accumulators are combined together by a tree of shuffles.
  LogicalResult matchAlongReduction();
  std::optional<vector::CombiningKind> kind;
  int64_t alongRows = 1;
  /// One block of `rows` output points from `u0` along u.
  void emitAlongBlock(OpBuilder &b, Value u0, int64_t rows);
  /// The loops over `reductionDims`, outermost first, carrying `init`;
  /// `innermost` gives the values of one step from the current ones.
  SmallVector<Value> nestReductions(
      OpBuilder &b, ValueRange init,
      function_ref<SmallVector<Value>(OpBuilder &, ValueRange)> innermost);
  /// The vector of `accs.size()` values, each the combination of the lanes
  /// of one accumulator.
  Value combineLanes(OpBuilder &b, vector::CombiningKind k,
                     ArrayRef<Value> accs);
  Value identityVector(OpBuilder &b, vector::CombiningKind k);
  void rewriteScalarReduction();

  // State of the block being emitted.
  SmallVector<Value> ivs; // per loop dim: the scalar index (v: unused)
  SmallVector<Value> rowIndex, vectorOffset, masks;
  DenseMap<std::tuple<unsigned, int64_t, int64_t>, Value> loads;

  /// Prefetching: the streamed tile each input is a view of (analysed on
  /// `origins`, the operands before any rewrite of the generic), and, per
  /// block, whether this block is the first to read it (the loops around
  /// it that the input does not depend on are at 0).
  SmallVector<std::optional<StreamedTile>> streamed;
  SmallVector<Value> firstReader;
  bool prefetchStreams = false;
  void findStreams(ArrayRef<Value> origins);
  /// The conditions of the current block (`u0` its first row).
  void setFirstReaders(OpBuilder &b, Value u0);
  /// Prefetches the element of input `i` at `indices`, a tile further.
  void prefetchNext(OpBuilder &b, unsigned i, ArrayRef<Value> indices);

public:
  void setOrigins(ArrayRef<Value> origins) { findStreams(origins); }
};

void TileVectorizer::findStreams(ArrayRef<Value> origins) {
  streamed.clear();
  for (Value origin : origins)
    streamed.push_back(isa<MemRefType>(origin.getType())
                           ? streamedTile(origin, g)
                           : std::nullopt);
}

void TileVectorizer::setFirstReaders(OpBuilder &b, Value u0) {
  firstReader.assign(streamed.size(), Value());
  if (!prefetchStreams)
    return;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  for (unsigned i = 0; i < streamed.size(); ++i) {
    if (!streamed[i] ||
        (access[i] != Access::Contiguous && access[i] != Access::Strided))
      continue;
    Value first = arith::ConstantIntOp::create(b, loc, 1, 1);
    auto atZero = [&](Value iv) {
      first = arith::AndIOp::create(
          b, loc, first,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, iv, zero));
    };
    for (unsigned d : outerDims)
      if (!maps[i].isFunctionOfDim(d))
        atZero(ivs[d]);
    if (u && u0 && !maps[i].isFunctionOfDim(*u))
      atZero(u0);
    firstReader[i] = first;
  }
}

void TileVectorizer::prefetchNext(OpBuilder &b, unsigned i,
                                  ArrayRef<Value> indices) {
  if (!prefetchStreams || i >= firstReader.size() || !firstReader[i])
    return;
  StreamedTile t = *streamed[i];
  auto ifOp = scf::IfOp::create(b, loc, firstReader[i],
                                /*withElseRegion=*/false);
  OpBuilder tb = ifOp.getThenBodyBuilder();
  // The source's indices: the view's offsets plus its indices in the kept
  // dims, the rows a tile further.
  llvm::SmallBitVector dropped = t.view.getDroppedDims();
  SmallVector<OpFoldResult> offsets = t.view.getMixedOffsets();
  SmallVector<Value> at;
  unsigned kept = 0;
  for (unsigned d = 0; d < offsets.size(); ++d) {
    Value offset = getValueOrCreateConstantIndexOp(tb, loc, offsets[d]);
    if (dropped.test(d)) {
      at.push_back(offset);
      continue;
    }
    Value index = arith::AddIOp::create(tb, loc, offset, indices[kept++]);
    if (d == t.sourceDim)
      index = arith::AddIOp::create(
          tb, loc, index, arith::ConstantIndexOp::create(tb, loc, t.distance));
    // In bounds: the rows past the last and the lanes of a vector past the
    // end of a row (masked off in the load) are clamped.
    Value last = arith::SubIOp::create(
        tb, loc, memref::DimOp::create(tb, loc, t.view.getSource(), d),
        arith::ConstantIndexOp::create(tb, loc, 1));
    at.push_back(arith::MinSIOp::create(tb, loc, index, last));
  }
  memref::PrefetchOp::create(tb, loc, t.view.getSource(), at,
                             /*isWrite=*/false, /*localityHint=*/3,
                             /*isDataCache=*/true);
}

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
  for (Operation &op : g.getBody()->getOperations())
    if (!isVectorizableBodyOp(&op))
      return failure();
  if (outType.getRank() == 0) {
    // Everything reduced to one value (the range of an operand over a
    // tile): vectors along the last dim, combined lane by lane, then across
    // the lanes. The body must yield `acc <op> x` with x free of acc.
    if (g.getNumLoops() == 0 || !isa<FloatType>(elementType))
      return failure();
    scalarKind = matchCombiner();
    if (!scalarKind)
      return failure();
    v = g.getNumLoops() - 1;
    if (failed(matchInputs()))
      return failure();
  } else {
    if (!hasUnitLastStride(outType))
      return failure();
    AffineMap outMap = g.getMatchingIndexingMap(out);
    v = outMap.getDimPosition(outType.getRank() - 1);
    if (failed(matchInputs()))
      return matchAlongReduction();
  }
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
  if (shape.bf16Dot)
    matchDot();
  if (u && !dot)
    fitBlock();
  return success();
}

void TileVectorizer::fitBlock() {
  // No more rows than u has; the accumulators they leave go to more vectors
  // along v, up to the vectors v has. The FMAs of one block are independent,
  // which hides their latency (`P V` in decode: 4 query rows, 128 values).
  Value out = g.getDpsInitOperand(0)->get();
  AffineMap outMap = g.getMatchingIndexingMap(g.getDpsInitOperand(0));
  std::optional<int64_t> rowsBound, vBound;
  for (unsigned i = 0; i < outMap.getNumResults(); ++i) {
    if (outMap.getDimPosition(i) == *u)
      rowsBound = memrefDimUpperBound(out, i);
    if (outMap.getDimPosition(i) == v)
      vBound = memrefDimUpperBound(out, i);
  }
  if (!rowsBound || *rowsBound > shape.rows || *rowsBound < 1)
    return;
  // One block of rows reads each tile of an input once: the tiles of the
  // cascade's operands that stream through it are prefetched.
  prefetchStreams = true;
  int64_t accumulators = shape.rows * shape.vectors;
  shape.rows = *rowsBound;
  int64_t vectors = std::max<int64_t>(shape.vectors, accumulators / shape.rows);
  if (vBound) {
    // The vectors v has, in blocks of equal size: all of them where their
    // accumulators stay within half as many again (24 of AVX-512's 32
    // registers for 16), else as many blocks as needed, evened out (Dv = 72
    // in 16 lanes: 5 vectors in one block, not 4 + 1 with 3 masked off).
    int64_t have = llvm::divideCeil(*vBound, shape.width);
    if (have * shape.rows <= accumulators * 3 / 2)
      vectors = have;
    else
      vectors = llvm::divideCeil(have, llvm::divideCeil(have, vectors));
    shape.vectors = std::max<int64_t>(1, vectors);
    return;
  }
  shape.vectors = std::max(shape.vectors, vectors);
}

std::optional<vector::CombiningKind> TileVectorizer::matchCombiner() {
  Block *body = g.getBody();
  Operation *combine = body->getTerminator()->getOperand(0).getDefiningOp();
  BlockArgument acc = body->getArgument(g.getNumDpsInputs());
  if (!combine || combine->getNumOperands() != 2 || combine->getBlock() != body)
    return std::nullopt;
  unsigned other = combine->getOperand(0) == acc ? 1 : 0;
  if (combine->getOperand(1 - other) != acc ||
      combine->getOperand(other) == acc)
    return std::nullopt;
  for (Operation &op : body->without_terminator())
    if (&op != combine && llvm::is_contained(op.getOperands(), acc))
      return std::nullopt;
  if (isa<arith::AddFOp>(combine))
    return vector::CombiningKind::ADD;
  if (isa<arith::MinimumFOp>(combine))
    return vector::CombiningKind::MINIMUMF;
  if (isa<arith::MaximumFOp>(combine))
    return vector::CombiningKind::MAXIMUMF;
  return std::nullopt;
}

LogicalResult TileVectorizer::matchInputs() {
  access.clear();
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

  return success();
}

LogicalResult TileVectorizer::matchAlongReduction() {
  // The tree that combines lanes halves power-of-two segments.
  if (!isa<FloatType>(elementType) || !llvm::isPowerOf2_64(shape.width))
    return failure();
  kind = matchCombiner();
  if (!kind)
    return failure();
  // The innermost reduction dim that every input reading it reads
  // contiguously.
  SmallVector<utils::IteratorType> iterators = g.getIteratorTypesArray();
  std::optional<unsigned> along;
  for (unsigned d = iterators.size(); d-- > 0;) {
    if (iterators[d] != utils::IteratorType::reduction)
      continue;
    v = d;
    if (succeeded(matchInputs())) {
      along = d;
      break;
    }
  }
  if (!along)
    return failure();
  reductionDims.clear();
  outerDims.clear();
  for (unsigned d = 0; d < iterators.size(); ++d)
    if (d != v && iterators[d] == utils::IteratorType::reduction)
      reductionDims.push_back(d);
  OpOperand *out = g.getDpsInitOperand(0);
  AffineMap outMap = g.getMatchingIndexingMap(out);
  for (unsigned i = 0; i + 1 < outMap.getNumResults(); ++i)
    outerDims.push_back(outMap.getDimPosition(i));
  u = outMap.getDimPosition(outMap.getNumResults() - 1);
  prefetchStreams = true;
  // Rows of u per block: the accumulators of one register block, at most
  // the rows of u there are.
  alongRows = std::min(shape.rows, shape.width);
  if (std::optional<int64_t> bound =
          memrefDimUpperBound(out->get(), outMap.getNumResults() - 1))
    alongRows = std::max<int64_t>(1, std::min(alongRows, *bound));
  return success();
}

void TileVectorizer::matchDot() {
  if (!u || reductionDims.size() != 1 || !outerDims.empty() ||
      shape.width != 16 || !elementType.isF32() || g.getNumLoops() != 3)
    return;
  unsigned r = reductionDims.front();
  Block *body = g.getBody();
  unsigned numInputs = g.getNumDpsInputs();
  BlockArgument acc = body->getArgument(numInputs);
  // yield acc + T, T a product.
  auto add = g.getBody()
                 ->getTerminator()
                 ->getOperand(0)
                 .getDefiningOp<arith::AddFOp>();
  if (!add || add->getBlock() != body)
    return;
  Value t = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  if (t == acc || (add.getLhs() != acc && add.getRhs() != acc))
    return;
  llvm::SmallPtrSet<Operation *, 8> tree = {add};
  SmallVector<Value> leaves, work = {t};
  while (!work.empty()) {
    Value x = work.pop_back_val();
    auto mul = x.getDefiningOp<arith::MulFOp>();
    if (mul && mul->getBlock() == body && x.hasOneUse()) {
      tree.insert(mul);
      work.push_back(mul.getLhs());
      work.push_back(mul.getRhs());
      continue;
    }
    leaves.push_back(x);
  }
  DotForm form;
  SmallVector<std::pair<unsigned, bool>> tensors; // input, extended from bf16
  for (Value leaf : leaves) {
    if (auto arg = dyn_cast<BlockArgument>(leaf)) {
      if (arg.getOwner() != body)
        form.scalars.push_back(leaf); // from above
      else if (arg.getArgNumber() < numInputs && arg.getType().isF32() &&
               access[arg.getArgNumber()] != Access::Scalar)
        tensors.push_back({arg.getArgNumber(), false});
      else
        return;
      continue;
    }
    Operation *def = leaf.getDefiningOp();
    if (auto ext = dyn_cast<arith::ExtFOp>(def)) {
      auto arg = dyn_cast<BlockArgument>(ext.getIn());
      if (ext->getBlock() != body || !leaf.hasOneUse() || !arg ||
          arg.getOwner() != body || arg.getArgNumber() >= numInputs ||
          !arg.getType().isBF16() || !leaf.getType().isF32() ||
          access[arg.getArgNumber()] == Access::Scalar)
        return;
      tree.insert(ext);
      tensors.push_back({arg.getArgNumber(), true});
      continue;
    }
    if (isa<arith::ConstantOp>(def) || def->getBlock() != body) {
      if (!leaf.getType().isF32())
        return;
      form.scalars.push_back(leaf);
      continue;
    }
    return;
  }
  for (Operation &op : body->without_terminator())
    if (!tree.contains(&op) && !isa<arith::ConstantOp>(op))
      return;
  if (tensors.size() != 2 || tensors[0].first == tensors[1].first)
    return;
  // A varies along v, B along u; both along r.
  auto results = [&](unsigned i) {
    SmallVector<unsigned> dims;
    for (AffineExpr e : maps[i].getResults())
      dims.push_back(cast<AffineDimExpr>(e).getPosition());
    return dims;
  };
  unsigned first = tensors[0].first, second = tensors[1].first;
  if (maps[first].isFunctionOfDim(v) == maps[second].isFunctionOfDim(v))
    return;
  auto [aInput, aBF16] =
      maps[first].isFunctionOfDim(v) ? tensors[0] : tensors[1];
  auto [bInput, bBF16] =
      maps[first].isFunctionOfDim(v) ? tensors[1] : tensors[0];
  form.a = aInput;
  form.b = bInput;
  if (!bBF16 || access[form.a] != Access::Contiguous ||
      results(form.a) != SmallVector<unsigned>{r, v})
    return;
  SmallVector<unsigned> bDims = results(form.b);
  if (bDims == SmallVector<unsigned>{*u, r})
    form.bReductionLast = true;
  else if (bDims != SmallVector<unsigned>{r, *u})
    return;
  OpOperand *out = g.getDpsInitOperand(0);
  AffineMap outMap = g.getMatchingIndexingMap(out);
  if (outMap.getNumResults() != 2 || outMap.getDimPosition(0) != *u)
    return;
  // B read as pairs of bf16: its last stride must be 1 (or known at run
  // time only, then checked).
  auto bType = cast<MemRefType>(g.getDpsInputOperand(form.b)->get().getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(bType.getStridesAndOffset(strides, offset)) ||
      (strides.back() != 1 && !ShapedType::isDynamic(strides.back())))
    return;

  // Static bounds of the extents, for the pair buffers.
  auto bound = [&](unsigned d) -> std::optional<int64_t> {
    std::optional<int64_t> best;
    for (OpOperand &operand : g->getOpOperands()) {
      if (!isa<MemRefType>(operand.get().getType()))
        continue;
      AffineMap map = g.getMatchingIndexingMap(&operand);
      for (unsigned i = 0; i < map.getNumResults(); ++i)
        if (map.getDimPosition(i) == d)
          if (std::optional<int64_t> b = memrefDimUpperBound(operand.get(), i))
            if (!best || *b < *best)
              best = b;
    }
    return best;
  };
  // (B read in place needs no buffer, nor a bound of u.)
  std::optional<int64_t> rMax = bound(r), vMax = bound(v);
  std::optional<int64_t> uMax = form.bReductionLast ? 0 : bound(*u);
  if (!rMax || !uMax || !vMax)
    return;
  form.rMax = *rMax;
  form.uMax = *uMax;
  form.vMax = *vMax;
  int64_t blockWidth = shape.width * shape.vectors;
  int64_t pairs = (form.rMax + 1) / 2;
  int64_t bytes = pairs * 2 * llvm::alignTo(form.vMax, blockWidth) * 2 +
                  (form.bReductionLast
                       ? 0
                       : pairs * 2 * llvm::alignTo(form.uMax, shape.width) * 2);
  // A tile's operands; larger ones keep the f32 vector code.
  if (bytes > (256 << 10))
    return;
  dot = form;
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
  // The stride is not 1 (the test before the loops chose this code): one
  // load per lane, at an index clamped to the last element (the lanes past
  // it are never stored).
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value last = arith::SubIOp::create(
      b, loc, getValueOrCreateConstantIndexOp(b, loc, sizes[v]), one);
  SmallVector<Value> lanes;
  SmallVector<Value> at(indices.begin(), indices.end());
  for (int64_t lane = 0; lane < shape.width; ++lane) {
    Value i = arith::AddIOp::create(
        b, loc, vectorOffset[j], arith::ConstantIndexOp::create(b, loc, lane));
    at.back() = arith::MinSIOp::create(b, loc, i, last);
    lanes.push_back(memref::LoadOp::create(b, loc, operand, at));
  }
  return vector::FromElementsOp::create(b, loc, type, lanes);
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
      if (access[i] == Access::Contiguous || access[i] == Access::Strided)
        prefetchNext(b, i, indices);
      if (access[i] == Access::Contiguous) {
        Type t = vecType(arg.getType());
        if (masks[j]) {
          Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(t));
          loaded = vector::MaskedLoadOp::create(b, loc, t, operand, indices,
                                                masks[j], zero);
        } else {
          loaded = vector::LoadOp::create(b, loc, t, operand, indices);
        }
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
  setFirstReaders(b, u0);
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
  SmallVector<Value> results =
      nestReductions(b, accs, [&](OpBuilder &nb, ValueRange current) {
        loads.clear();
        SmallVector<Value> next;
        for (int64_t r = 0; r < rows; ++r)
          for (int64_t j = 0; j < shape.vectors; ++j)
            next.push_back(emitBody(nb, r, j, current[r * shape.vectors + j]));
        return next;
      });

  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < shape.vectors; ++j)
      vector::MaskedStoreOp::create(b, loc, out, indicesOf(b, outIndex, r, j),
                                    masks[j], results[r * shape.vectors + j]);
}

Value TileVectorizer::identityVector(OpBuilder &b, vector::CombiningKind k) {
  double identity = 0.0;
  if (k == vector::CombiningKind::MINIMUMF)
    identity = std::numeric_limits<double>::infinity();
  else if (k == vector::CombiningKind::MAXIMUMF)
    identity = -std::numeric_limits<double>::infinity();
  auto t = VectorType::get({shape.width}, elementType);
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(t, b.getFloatAttr(elementType, identity)));
}

SmallVector<Value> TileVectorizer::nestReductions(
    OpBuilder &b, ValueRange init,
    function_ref<SmallVector<Value>(OpBuilder &, ValueRange)> innermost) {
  std::function<SmallVector<Value>(OpBuilder &, unsigned, ValueRange)> nest =
      [&](OpBuilder &nb, unsigned level,
          ValueRange current) -> SmallVector<Value> {
    if (level == reductionDims.size())
      return innermost(nb, current);
    unsigned d = reductionDims[level];
    Value zero = arith::ConstantIndexOp::create(nb, loc, 0);
    Value ub = getValueOrCreateConstantIndexOp(nb, loc, sizes[d]);
    Value one = arith::ConstantIndexOp::create(nb, loc, 1);
    auto loop = scf::ForOp::create(
        nb, loc, zero, ub, one, current,
        [&](OpBuilder &lb, Location, Value iv, ValueRange iter) {
          ivs[d] = iv;
          scf::YieldOp::create(lb, loc, nest(lb, level + 1, iter));
        });
    return SmallVector<Value>(loop.getResults());
  };
  return nest(b, 0, init);
}

Value TileVectorizer::combineLanes(OpBuilder &b, vector::CombiningKind k,
                                   ArrayRef<Value> accs) {
  // Each vector holds segments of `seg` lanes, each the partial values of
  // one result (`owners`, in order). A pair (x, y) becomes one vector of
  // segments half as long: the low halves of x's and y's segments combined
  // with their high halves. With one vector left, a butterfly within each
  // segment gives every lane its segment's value; a last shuffle puts the
  // results in order.
  int64_t w = shape.width;
  int64_t n = accs.size();
  int64_t p = llvm::PowerOf2Ceil(n);
  SmallVector<Value> vecs(accs.begin(), accs.end());
  SmallVector<SmallVector<int64_t>> owners;
  for (int64_t i = 0; i < n; ++i)
    owners.push_back({i});
  for (int64_t i = n; i < p; ++i) {
    vecs.push_back(identityVector(b, k));
    owners.push_back({-1});
  }
  int64_t seg = w;
  while (vecs.size() > 1) {
    int64_t half = seg / 2;
    SmallVector<int64_t> lo, hi;
    for (int64_t src : {int64_t(0), w})
      for (int64_t s = 0; s < w / seg; ++s)
        for (int64_t t = 0; t < half; ++t) {
          lo.push_back(src + s * seg + t);
          hi.push_back(src + s * seg + half + t);
        }
    SmallVector<Value> next;
    SmallVector<SmallVector<int64_t>> nextOwners;
    for (size_t i = 0; i < vecs.size(); i += 2) {
      Value x = vecs[i], y = vecs[i + 1];
      Value a = vector::ShuffleOp::create(b, loc, x, y, lo);
      Value c = vector::ShuffleOp::create(b, loc, x, y, hi);
      next.push_back(vector::makeArithReduction(b, loc, k, a, c));
      SmallVector<int64_t> o = owners[i];
      o.append(owners[i + 1]);
      nextOwners.push_back(o);
    }
    vecs = next;
    owners = nextOwners;
    seg = half;
  }
  Value z = vecs.front();
  for (int64_t t = seg / 2; t >= 1; t /= 2) {
    SmallVector<int64_t> swap;
    for (int64_t i = 0; i < w; ++i)
      swap.push_back(i ^ t);
    z = vector::makeArithReduction(
        b, loc, k, z, vector::ShuffleOp::create(b, loc, z, z, swap));
  }
  SmallVector<int64_t> order(n, 0);
  for (auto [pos, owner] : llvm::enumerate(owners.front()))
    if (owner >= 0)
      order[owner] = pos * seg;
  return vector::ShuffleOp::create(b, loc, z, z, order);
}

void TileVectorizer::emitAlongBlock(OpBuilder &b, Value u0, int64_t rows) {
  loads.clear();
  setFirstReaders(b, u0);
  rowIndex.clear();
  for (int64_t r = 0; r < rows; ++r)
    rowIndex.push_back(arith::AddIOp::create(
        b, loc, u0, arith::ConstantIndexOp::create(b, loc, r)));
  Value identity = identityVector(b, *kind);
  SmallVector<Value> accs(rows, identity);
  Value width = arith::ConstantIndexOp::create(b, loc, shape.width);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value size = getValueOrCreateConstantIndexOp(b, loc, sizes[v]);
  Value rem = arith::RemUIOp::create(b, loc, size, width);
  Value mainEnd = arith::SubIOp::create(b, loc, size, rem);

  // Full vectors of v, then the last partial one (masked; its lanes past
  // the end keep the accumulator).
  auto alongV = [&](OpBuilder &nb, ValueRange current) -> SmallVector<Value> {
    auto loop = scf::ForOp::create(
        nb, loc, zero, mainEnd, width, current,
        [&](OpBuilder &lb, Location, Value v0, ValueRange iter) {
          loads.clear();
          vectorOffset.assign(1, v0);
          masks.assign(1, Value());
          SmallVector<Value> next;
          for (int64_t r = 0; r < rows; ++r)
            next.push_back(emitBody(lb, r, 0, iter[r]));
          scf::YieldOp::create(lb, loc, next);
        });
    Value partial =
        arith::CmpIOp::create(nb, loc, arith::CmpIPredicate::ne, rem, zero);
    auto tail = scf::IfOp::create(
        nb, loc, partial,
        [&](OpBuilder &tb, Location) {
          loads.clear();
          vectorOffset.assign(1, mainEnd);
          Value mask = vector::CreateMaskOp::create(
              tb, loc, VectorType::get({shape.width}, tb.getI1Type()), rem);
          masks.assign(1, mask);
          SmallVector<Value> next;
          for (int64_t r = 0; r < rows; ++r) {
            Value acc = loop.getResult(r);
            Value combined = emitBody(tb, r, 0, acc);
            next.push_back(
                arith::SelectOp::create(tb, loc, mask, combined, acc));
          }
          scf::YieldOp::create(tb, loc, next);
        },
        [&](OpBuilder &eb, Location) {
          scf::YieldOp::create(eb, loc, loop.getResults());
        });
    return SmallVector<Value>(tail.getResults());
  };
  // The other reduction dims, outermost first, around the loop along v.
  SmallVector<Value> results = nestReductions(b, accs, alongV);

  // out[.., u0 + r] = out[.., u0 + r] <op> (lanes of accumulator r).
  Value combined = combineLanes(b, *kind, results);
  Value out = g.getDpsInitOperand(0)->get();
  SmallVector<Value> at = indicesOf(b, g.getNumDpsInputs(), 0, 0);
  auto rowsType = VectorType::get({rows}, elementType);
  Value old = vector::LoadOp::create(b, loc, rowsType, out, at);
  vector::StoreOp::create(
      b, loc, vector::makeArithReduction(b, loc, *kind, old, combined), out,
      at);
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
  Value acc = nest(b, 0, identityVector(b, *scalarKind));
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
  if (dot) {
    rewriteDot();
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
  // One block of `rows` rows at `u0`.
  auto block = [&](OpBuilder &b, Value u0, int64_t rows) {
    if (kind)
      emitAlongBlock(b, u0, rows);
    else
      vectorLoop(b, u0, rows);
  };
  int64_t blockRows = kind ? alongRows : shape.rows;
  auto rowLoops = [&](OpBuilder &b) {
    if (!u) {
      block(b, Value(), 1);
      return;
    }
    Value size = getValueOrCreateConstantIndexOp(b, loc, sizes[*u]);
    Value rows = arith::ConstantIndexOp::create(b, loc, blockRows);
    Value tail = arith::RemUIOp::create(b, loc, size, rows);
    Value mainEnd = arith::SubIOp::create(b, loc, size, tail);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    scf::ForOp::create(b, loc, zero, mainEnd, rows, ValueRange(),
                       [&](OpBuilder &lb2, Location, Value u0, ValueRange) {
                         block(lb2, u0, blockRows);
                         scf::YieldOp::create(lb2, loc);
                       });
    scf::ForOp::create(b, loc, mainEnd, size, one, ValueRange(),
                       [&](OpBuilder &lb2, Location, Value u0, ValueRange) {
                         block(lb2, u0, 1);
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

void TileVectorizer::rewriteDot() {
  Value bOperand = g.getDpsInputOperand(dot->b)->get();
  auto bType = cast<MemRefType>(bOperand.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  (void)bType.getStridesAndOffset(strides, offset);
  if (strides.back() == 1) {
    emitDot(rw, bOperand);
    return;
  }
  // B's last stride is known at run time only: the dot products on a
  // unit-stride view of it when it is 1, the f32 vector code otherwise.
  auto meta = memref::ExtractStridedMetadataOp::create(rw, loc, bOperand);
  Value one = arith::ConstantIndexOp::create(rw, loc, 1);
  Value unit = arith::CmpIOp::create(rw, loc, arith::CmpIPredicate::eq,
                                     meta.getStrides().back(), one);
  linalg::GenericOp fallback;
  scf::IfOp::create(
      rw, loc, unit,
      [&](OpBuilder &tb, Location l) {
        emitDot(tb, unitStrideView(tb, l, bOperand, meta));
        scf::YieldOp::create(tb, l);
      },
      [&](OpBuilder &eb, Location l) {
        fallback = cast<linalg::GenericOp>(eb.clone(*g));
        scf::YieldOp::create(eb, l);
      });
  TileVectorShape f32Shape = shape;
  f32Shape.bf16Dot = false;
  (void)vectorizeTileGeneric(rw, fallback, f32Shape);
}

void TileVectorizer::emitDot(OpBuilder &b, Value bMem) {
  unsigned r = reductionDims.front();
  Value aMem = g.getDpsInputOperand(dot->a)->get();
  Value out = g.getDpsInitOperand(0)->get();
  Type bf16 = b.getBF16Type(), f32 = b.getF32Type();
  int64_t w = shape.width, blockWidth = w * shape.vectors;
  auto pairType = VectorType::get({2 * w}, bf16);
  auto accType = VectorType::get({w}, f32);
  auto maskType = VectorType::get({w}, b.getI1Type());
  auto index = [&](OpBuilder &ib, int64_t x) -> Value {
    return arith::ConstantIndexOp::create(ib, loc, x);
  };
  Value extentR = getValueOrCreateConstantIndexOp(b, loc, sizes[r]);
  Value extentU = getValueOrCreateConstantIndexOp(b, loc, sizes[*u]);
  Value extentV = getValueOrCreateConstantIndexOp(b, loc, sizes[v]);

  // c: the product of the scalar factors (constants of the body cloned).
  Value scale;
  for (Value x : dot->scalars) {
    if (auto c = x.getDefiningOp<arith::ConstantOp>();
        c && c->getBlock() == g.getBody())
      x = b.clone(*c)->getResult(0);
    scale = scale ? arith::MulFOp::create(b, loc, scale, x).getResult() : x;
  }

  OpBuilder &sb = b;
  int64_t pairsMax = (dot->rMax + 1) / 2;
  // The pair buffers: allocated once per point of the enclosing parallel
  // loop (a query tile), not per generic (a key tile), as the loop nest's
  // own tile buffers are. On the heap: the parallel loop's body becomes the
  // body of an OpenMP loop, where a stack allocation would not be released
  // from one iteration to the next.
  auto allocate = [&](MemRefType type) -> Value {
    auto parallel = g->getParentOfType<scf::ParallelOp>();
    OpBuilder ab(g);
    if (parallel)
      ab.setInsertionPointToStart(parallel.getBody());
    Value buffer =
        memref::AllocOp::create(ab, loc, type, ab.getI64IntegerAttr(64));
    if (parallel)
      ab.setInsertionPoint(parallel.getBody()->getTerminator());
    else
      ab.setInsertionPointAfter(g);
    memref::DeallocOp::create(ab, loc, buffer);
    return buffer;
  };
  Value two = index(sb, 2), one = index(sb, 1), zero = index(sb, 0);
  // Pairs along r: ceil(|r| / 2), the last padded with zero when |r| is odd.
  Value pairs = arith::DivUIOp::create(
      sb, loc, arith::AddIOp::create(sb, loc, extentR, one), two);

  // Copies rows 2 r2 and 2 r2 + 1 of `src` (indexed [r, x], contiguous
  // along x up to `extentX`) as bf16 pairs into row r2 of `dst`, for x in
  // [0, `upTo`) (lanes past extentX are zero).
  auto packPairs = [&](OpBuilder &ob, Value src, Value dst, Value rows,
                       Value extentX, Value upTo) {
    Type srcElement = cast<MemRefType>(src.getType()).getElementType();
    auto srcType = VectorType::get({w}, srcElement);
    Value srcZero = arith::ConstantOp::create(ob, loc, ob.getZeroAttr(srcType));
    Value c0 = index(ob, 0), c1 = index(ob, 1), c2 = index(ob, 2);
    Value rowPairs = arith::DivUIOp::create(
        ob, loc, arith::AddIOp::create(ob, loc, rows, c1), c2);
    scf::ForOp::create(
        ob, loc, c0, rowPairs, c1, ValueRange(),
        [&](OpBuilder &pb, Location, Value r2, ValueRange) {
          Value lo = arith::MulIOp::create(pb, loc, r2, c2);
          Value next = arith::AddIOp::create(pb, loc, lo, c1);
          Value hiValid = arith::CmpIOp::create(
              pb, loc, arith::CmpIPredicate::ult, next, rows);
          Value hi = arith::SelectOp::create(pb, loc, hiValid, next, lo);
          Value step = index(pb, w);
          scf::ForOp::create(
              pb, loc, c0, upTo, step, ValueRange(),
              [&](OpBuilder &xb, Location, Value x0, ValueRange) {
                Value left = arith::SubIOp::create(xb, loc, extentX, x0);
                Value noLanes = index(xb, 0);
                Value hiLeft =
                    arith::SelectOp::create(xb, loc, hiValid, left, noLanes);
                Value loMask =
                    vector::CreateMaskOp::create(xb, loc, maskType, left);
                Value hiMask =
                    vector::CreateMaskOp::create(xb, loc, maskType, hiLeft);
                Value x = vector::MaskedLoadOp::create(
                    xb, loc, srcType, src, ValueRange{lo, x0}, loMask, srcZero);
                Value y = vector::MaskedLoadOp::create(
                    xb, loc, srcType, src, ValueRange{hi, x0}, hiMask, srcZero);
                if (!srcElement.isBF16()) {
                  // P rounded to bf16 (to nearest even).
                  auto narrow = VectorType::get({w}, bf16);
                  x = arith::TruncFOp::create(xb, loc, narrow, x);
                  y = arith::TruncFOp::create(xb, loc, narrow, y);
                }
                Value pair = vector::InterleaveOp::create(xb, loc, x, y);
                Value col = arith::MulIOp::create(xb, loc, x0, c2);
                vector::StoreOp::create(xb, loc, pair, dst,
                                        ValueRange{r2, col});
                scf::YieldOp::create(xb, loc);
              });
          scf::YieldOp::create(pb, loc);
        });
  };

  // AP[r2][v][2], v padded to whole register blocks (the lanes past |v| are
  // zero).
  int64_t aCols = 2 * llvm::alignTo(dot->vMax, blockWidth);
  Value ap = allocate(MemRefType::get({pairsMax, aCols}, bf16));
  auto roundUp = [&](OpBuilder &ob, Value x) -> Value {
    Value bw = index(ob, blockWidth);
    return arith::MulIOp::create(
        ob, loc,
        arith::DivUIOp::create(
            ob, loc,
            arith::AddIOp::create(ob, loc, x, index(ob, blockWidth - 1)), bw),
        bw);
  };
  // An A that the loop around the generic does not change (Q, packed once
  // per query tile, read by every key tile) is copied as pairs once, before
  // that loop.
  if (std::optional<HoistedOperand> hoisted = hoistOutOfLoop(g, aMem)) {
    OpBuilder hb(hoisted->loop);
    auto dim = [&](unsigned i) -> Value {
      auto type = cast<MemRefType>(hoisted->value.getType());
      if (!type.isDynamicDim(i))
        return index(hb, type.getDimSize(i));
      return memref::DimOp::create(hb, loc, hoisted->value, i);
    };
    Value rows = dim(0), cols = dim(1);
    packPairs(hb, hoisted->value, ap, rows, cols, roundUp(hb, cols));
  } else {
    packPairs(sb, aMem, ap, extentR, extentV, roundUp(sb, extentV));
  }

  // B as pairs: in place when r is its contiguous dimension, else BP[r2][u][2].
  Value bp;
  if (!dot->bReductionLast) {
    int64_t bCols = 2 * llvm::alignTo(dot->uMax, w);
    bp = allocate(MemRefType::get({pairsMax, bCols}, bf16));
    packPairs(sb, bMem, bp, extentR, extentU, extentU);
  }
  // One pair of B broadcast to every lane.
  auto broadcastPair = [&](OpBuilder &pb, Value pair) -> Value {
    auto i32 = pb.getI32Type();
    Value word =
        vector::BitCastOp::create(pb, loc, VectorType::get({1}, i32), pair);
    Value scalar =
        vector::ExtractOp::create(pb, loc, word, ArrayRef<int64_t>{0});
    Value lanes =
        vector::BroadcastOp::create(pb, loc, VectorType::get({w}, i32), scalar);
    return vector::BitCastOp::create(pb, loc, pairType, lanes);
  };
  auto pairOfB = [&](OpBuilder &pb, Value r2, Value row) -> Value {
    auto two16 = VectorType::get({2}, bf16);
    Value pair;
    if (dot->bReductionLast)
      pair = vector::LoadOp::create(
          pb, loc, two16, bMem,
          ValueRange{row, arith::MulIOp::create(pb, loc, r2, two)});
    else
      pair = vector::LoadOp::create(
          pb, loc, two16, bp,
          ValueRange{r2, arith::MulIOp::create(pb, loc, row, two)});
    return broadcastPair(pb, pair);
  };
  // In place, an odd |r| ends with (B[u, |r| - 1], 0).
  auto lastPairOfB = [&](OpBuilder &pb, Value, Value row) -> Value {
    Value last = arith::SubIOp::create(pb, loc, extentR, index(pb, 1));
    Value x = memref::LoadOp::create(pb, loc, bMem, ValueRange{row, last});
    Value z = arith::ConstantOp::create(pb, loc, pb.getZeroAttr(bf16));
    Value pair = vector::FromElementsOp::create(
        pb, loc, VectorType::get({2}, bf16), ValueRange{x, z});
    return broadcastPair(pb, pair);
  };

  // One register block: `rows` rows from u0, `vectors` vectors from v0.
  auto block = [&](OpBuilder &kb, Value u0, int64_t rows) {
    scf::ForOp::create(
        kb, loc, index(kb, 0), extentV, index(kb, blockWidth), ValueRange(),
        [&](OpBuilder &vb, Location, Value v0, ValueRange) {
          Value accZero =
              arith::ConstantOp::create(vb, loc, vb.getZeroAttr(accType));
          SmallVector<Value> accs(rows * shape.vectors, accZero);
          SmallVector<Value> rowIndex, aCol;
          for (int64_t rr = 0; rr < rows; ++rr)
            rowIndex.push_back(
                arith::AddIOp::create(vb, loc, u0, index(vb, rr)));
          for (int64_t j = 0; j < shape.vectors; ++j)
            aCol.push_back(arith::MulIOp::create(
                vb, loc, arith::AddIOp::create(vb, loc, v0, index(vb, j * w)),
                index(vb, 2)));
          auto step = [&](OpBuilder &sb2, Value r2, ValueRange current,
                          auto pairFn) {
            SmallVector<Value> next(current.begin(), current.end());
            SmallVector<Value> a;
            for (int64_t j = 0; j < shape.vectors; ++j)
              a.push_back(vector::LoadOp::create(sb2, loc, pairType, ap,
                                                 ValueRange{r2, aCol[j]}));
            for (int64_t rr = 0; rr < rows; ++rr) {
              Value bv = pairFn(sb2, r2, rowIndex[rr]);
              for (int64_t j = 0; j < shape.vectors; ++j) {
                Value &acc = next[rr * shape.vectors + j];
                acc = x86vector::DotBF16Op::create(sb2, loc, accType, acc, a[j],
                                                   bv);
              }
            }
            return next;
          };
          Value fullPairs =
              dot->bReductionLast
                  ? arith::DivUIOp::create(vb, loc, extentR, index(vb, 2))
                        .getResult()
                  : pairs;
          auto loop = scf::ForOp::create(
              vb, loc, index(vb, 0), fullPairs, index(vb, 1), accs,
              [&](OpBuilder &lb, Location, Value r2, ValueRange iter) {
                scf::YieldOp::create(lb, loc, step(lb, r2, iter, pairOfB));
              });
          SmallVector<Value> results(loop.getResults());
          if (dot->bReductionLast) {
            Value odd = arith::CmpIOp::create(
                vb, loc, arith::CmpIPredicate::ne,
                arith::RemUIOp::create(vb, loc, extentR, index(vb, 2)),
                index(vb, 0));
            auto tail = scf::IfOp::create(
                vb, loc, odd,
                [&](OpBuilder &tb, Location) {
                  scf::YieldOp::create(
                      tb, loc, step(tb, fullPairs, results, lastPairOfB));
                },
                [&](OpBuilder &eb, Location) {
                  scf::YieldOp::create(eb, loc, results);
                });
            results.assign(tail.getResults().begin(), tail.getResults().end());
          }
          // out += c * acc on the lanes inside v.
          Value outZero =
              arith::ConstantOp::create(vb, loc, vb.getZeroAttr(accType));
          Value scaleLanes =
              scale ? vector::BroadcastOp::create(vb, loc, accType, scale)
                          .getResult()
                    : Value();
          for (int64_t rr = 0; rr < rows; ++rr)
            for (int64_t j = 0; j < shape.vectors; ++j) {
              Value col = arith::AddIOp::create(vb, loc, v0, index(vb, j * w));
              Value mask = vector::CreateMaskOp::create(
                  vb, loc, maskType,
                  arith::SubIOp::create(vb, loc, extentV, col).getResult());
              SmallVector<Value> at = {rowIndex[rr], col};
              Value old = vector::MaskedLoadOp::create(vb, loc, accType, out,
                                                       at, mask, outZero);
              Value acc = results[rr * shape.vectors + j];
              Value sum =
                  scale ? vector::FMAOp::create(vb, loc, acc, scaleLanes, old)
                              .getResult()
                        : arith::AddFOp::create(vb, loc, old, acc).getResult();
              vector::MaskedStoreOp::create(vb, loc, out, at, mask, sum);
            }
          scf::YieldOp::create(vb, loc);
        });
  };
  Value rowsValue = index(sb, shape.rows);
  Value tailRows = arith::RemUIOp::create(sb, loc, extentU, rowsValue);
  Value mainEnd = arith::SubIOp::create(sb, loc, extentU, tailRows);
  scf::ForOp::create(sb, loc, zero, mainEnd, rowsValue, ValueRange(),
                     [&](OpBuilder &kb, Location, Value u0, ValueRange) {
                       block(kb, u0, shape.rows);
                       scf::YieldOp::create(kb, loc);
                     });
  scf::ForOp::create(sb, loc, mainEnd, extentU, one, ValueRange(),
                     [&](OpBuilder &kb, Location, Value u0, ValueRange) {
                       block(kb, u0, 1);
                       scf::YieldOp::create(kb, loc);
                     });
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
    TileVectorShape shape{width, rows, vectors, bf16Dot};
    SmallVector<linalg::GenericOp> generics;
    getOperation()->walk(
        [&](linalg::GenericOp generic) { generics.push_back(generic); });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp generic : generics)
      (void)vectorizeTileGeneric(rewriter, generic, shape);
  }
};

} // namespace

/// The rewrite of `generic`, whose inputs are views of `origins` (the
/// operands of the generic it was cloned from, which show what the views
/// are of).
static LogicalResult vectorizeGeneric(RewriterBase &rewriter,
                                      linalg::GenericOp generic,
                                      const TileVectorShape &shape,
                                      ArrayRef<Value> origins) {
  TileVectorizer vectorizer(rewriter, generic, shape);
  if (failed(vectorizer.match()))
    return failure();
  vectorizer.setOrigins(origins);
  SmallVector<unsigned> strided = vectorizer.stridedInputs();
  if (strided.empty() || !shape.testStrides) {
    vectorizer.rewrite();
    return success();
  }
  // Inputs whose last stride is known at run time only (views of the
  // cascade's operands): one test before the loops chooses between the
  // vector code on unit-stride views of them, where every stride is 1, and
  // the code that tests the stride at each load otherwise.
  Location loc = generic.getLoc();
  rewriter.setInsertionPoint(generic);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value unit;
  SmallVector<memref::ExtractStridedMetadataOp> metas;
  for (unsigned i : strided) {
    auto meta = memref::ExtractStridedMetadataOp::create(
        rewriter, loc, generic.getDpsInputOperand(i)->get());
    metas.push_back(meta);
    Value isUnit = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, meta.getStrides().back(), one);
    unit = unit ? arith::AndIOp::create(rewriter, loc, unit, isUnit).getResult()
                : isUnit;
  }
  linalg::GenericOp contiguous, general;
  scf::IfOp::create(
      rewriter, loc, unit,
      [&](OpBuilder &tb, Location l) {
        contiguous = cast<linalg::GenericOp>(tb.clone(*generic));
        for (auto [i, meta] : llvm::zip(strided, metas))
          contiguous->setOperand(
              i, unitStrideView(tb, l, generic.getDpsInputOperand(i)->get(),
                                meta));
        contiguous->moveAfter(&tb.getInsertionBlock()->back());
        scf::YieldOp::create(tb, l);
      },
      [&](OpBuilder &eb, Location l) {
        general = cast<linalg::GenericOp>(eb.clone(*generic));
        scf::YieldOp::create(eb, l);
      });
  rewriter.eraseOp(generic);
  TileVectorShape perLane = shape;
  perLane.testStrides = false;
  (void)vectorizeGeneric(rewriter, contiguous, shape, origins);
  (void)vectorizeGeneric(rewriter, general, perLane, origins);
  return success();
}

LogicalResult cascade::vectorizeTileGeneric(RewriterBase &rewriter,
                                            linalg::GenericOp generic,
                                            const TileVectorShape &shape) {
  SmallVector<Value> origins(generic.getDpsInputs());
  return vectorizeGeneric(rewriter, generic, shape, origins);
}
