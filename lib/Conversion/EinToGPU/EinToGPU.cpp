//===- EinToGPU.cpp - One-pass cascades as GPU kernels --------------------===//
//
// Part of Cascade. Implements cascade-convert-ein-to-gpu, described in
// include/cascade/Conversion/Passes.td.
//
// The kernel of one cascade, for a CTA of `Br / 16` warps that owns the
// query tile `p1` (blockIdx.x) of one point of the other parallel ranks
// (blockIdx.y):
//
//   stage Q[p1] and K, V[lo] in shared memory (cp.async)
//   for m1 in [lo, hi):                        // the visited key tiles
//     prefetch K, V[m1 + 1] into the other buffer; wait for K, V[m1]
//     S = Q K^T on tensor cores (mma.sync m16n8k16, ldmatrix)
//     the einsums of the tile, element by element on the accumulator
//     fragments: each thread holds rows g and g + 8 of its warp's 16 and
//     columns 2t, 2t + 1 of every 8 (g = lane / 4, t = lane % 4); row
//     reductions are thread-local, then across the 4 threads of a row
//     (shuffles); the conditions where the tile is partial
//     O-part = P V on tensor cores (P from the S registers, V by
//     ldmatrix.trans); the recurrences update the running state
//   the einsums after the loop; the results stored to global memory
//
// f32 inputs take the same schedule with the two contractions as FMAs of
// shared-memory operands (a SIMT path).
//
//===----------------------------------------------------------------------===//

#include "cascade/Conversion/EinToGPU.h"
#include "cascade/Conversion/EinToLoops.h"
#include "dialects/Ein/IR/EinOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace cascade {
#define GEN_PASS_DEF_CONVERTEINTOGPU
#include "cascade/Conversion/Passes.h.inc"
} // namespace cascade

using namespace mlir;
using namespace cascade;
using namespace cascade::ein;

namespace {

/// What an einsum of a one-pass cascade is on the GPU.
enum class Kind {
  QK,       ///< the score contraction over the head dim (tensor cores)
  Elem,     ///< elementwise over the score tile (registers)
  RowRed,   ///< a reduction over the keys of the tile, per query row
  RowTile,  ///< per query row and key tile, nothing reduced
  RowRec,   ///< a recurrence over the key tiles, per query row
  PV,       ///< the value contraction over the keys of the tile
  AccRec,   ///< a recurrence over the key tiles, per query row and value
  RowFinal, ///< after the key loop, per query row
  AccFinal, ///< after the key loop, per query row and value
};

/// One kernel parameter: a function argument or result.
struct Param {
  std::string name;
  std::string kind; ///< input, output, or scratch (between two kernels)
  RankedTensorType type;
};

/// Stores `v` at `ix` (in the `shape` of a cascade result) into the flat
/// `param`, through the reshapes and prefix slices of `chain` between the
/// cascade and the function's result, where `inside` holds.
void storeResult(OpBuilder &b, Location loc, Value v, SmallVector<Value> ix,
                 SmallVector<int64_t> shape, ArrayRef<Operation *> chain,
                 Value inside, Value param, Type want) {
  auto idx = [&](int64_t c) -> Value {
    return arith::ConstantIndexOp::create(b, loc, c);
  };
  auto linearize = [&](ArrayRef<Value> at, ArrayRef<int64_t> dims) {
    Value lin = idx(0);
    for (auto [i, x] : llvm::enumerate(at))
      lin = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, lin, idx(dims[i])), x);
    return lin;
  };
  for (Operation *op : chain) {
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
      auto out = slice.getType().getShape();
      for (auto [d, x] : llvm::enumerate(ix))
        inside = arith::AndIOp::create(
            b, loc, inside,
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x,
                                  idx(out[d])));
      shape.assign(out.begin(), out.end());
      continue;
    }
    // A reshape: through the linear offset.
    auto to = cast<ShapedType>(op->getResult(0).getType()).getShape();
    Value lin = linearize(ix, shape);
    ix.assign(to.size(), Value());
    for (int64_t d = to.size() - 1; d >= 0; --d) {
      ix[d] = arith::RemUIOp::create(b, loc, lin, idx(to[d]));
      lin = arith::DivUIOp::create(b, loc, lin, idx(to[d]));
    }
    shape.assign(to.begin(), to.end());
  }
  auto ifOp = scf::IfOp::create(b, loc, inside, /*withElse=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  if (v.getType() != want) {
    if (want.getIntOrFloatBitWidth() < v.getType().getIntOrFloatBitWidth())
      v = arith::TruncFOp::create(b, loc, want, v);
    else
      v = arith::ExtFOp::create(b, loc, want, v);
  }
  memref::StoreOp::create(b, loc, v, param, ValueRange{linearize(ix, shape)});
}

/// A kernel `name` in `module` taking the parameters as memrefs, with flat
/// (1-D) views of them in `flat`.
gpu::GPUFuncOp createKernel(OpBuilder &b, Location loc, gpu::GPUModuleOp module,
                            StringRef name, ArrayRef<Param> paramList,
                            int64_t threads, SmallVectorImpl<Value> &flat) {
  b.setInsertionPointToEnd(module.getBody());
  SmallVector<Type> argTypes;
  for (const Param &p : paramList)
    argTypes.push_back(
        MemRefType::get(p.type.getShape(), p.type.getElementType()));
  auto kernel =
      gpu::GPUFuncOp::create(b, loc, name, b.getFunctionType(argTypes, {}));
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  kernel.setKnownBlockSizeAttr(
      b.getDenseI32ArrayAttr({(int32_t)threads, 1, 1}));
  Block &entry = kernel.getBody().front();
  b.setInsertionPointToStart(&entry);
  for (auto [i, p] : llvm::enumerate(paramList)) {
    Value arg = entry.getArgument(i);
    auto type = cast<MemRefType>(arg.getType());
    if (type.getRank() == 1) {
      flat.push_back(arg);
      continue;
    }
    ReassociationIndices all;
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.push_back(d);
    flat.push_back(memref::CollapseShapeOp::create(
        b, loc, arg, ArrayRef<ReassociationIndices>{all}));
  }
  return kernel;
}

/// The `cascade.kernel` dictionary: what a launcher needs.
DictionaryAttr kernelInfo(OpBuilder &b, StringRef function,
                          ArrayRef<int64_t> grid,
                          ArrayRef<std::string> gridExpr, int64_t threads,
                          int64_t smem, ArrayRef<int64_t> tiles, StringRef path,
                          ArrayRef<Param> paramList, int64_t order,
                          int64_t count) {
  SmallVector<NamedAttribute> info;
  info.push_back(b.getNamedAttr("function", b.getStringAttr(function)));
  info.push_back(b.getNamedAttr("grid", b.getDenseI64ArrayAttr(grid)));
  SmallVector<StringRef> expr(gridExpr.begin(), gridExpr.end());
  info.push_back(b.getNamedAttr("grid_expr", b.getStrArrayAttr(expr)));
  info.push_back(
      b.getNamedAttr("block", b.getDenseI64ArrayAttr({threads, 1, 1})));
  info.push_back(
      b.getNamedAttr("dynamic_shared_memory", b.getI64IntegerAttr(smem)));
  info.push_back(b.getNamedAttr("tiles", b.getDenseI64ArrayAttr(tiles)));
  info.push_back(b.getNamedAttr("path", b.getStringAttr(path)));
  info.push_back(b.getNamedAttr("launch_order", b.getI64IntegerAttr(order)));
  info.push_back(b.getNamedAttr("launches", b.getI64IntegerAttr(count)));
  SmallVector<Attribute> ps;
  for (const Param &p : paramList) {
    SmallVector<NamedAttribute> entries;
    entries.push_back(b.getNamedAttr("name", b.getStringAttr(p.name)));
    entries.push_back(b.getNamedAttr("kind", b.getStringAttr(p.kind)));
    entries.push_back(b.getNamedAttr("type", TypeAttr::get(p.type)));
    ps.push_back(b.getDictionaryAttr(entries));
  }
  info.push_back(b.getNamedAttr("params", b.getArrayAttr(ps)));
  return b.getDictionaryAttr(info);
}

/// Where a value of the einsums lives for one thread: which element of the
/// score fragments, of the output fragments, or which of its two rows.
struct Point {
  enum { Score, Acc, Row } kind;
  unsigned k; ///< fragment element (nb * 4 + c) or row (0, 1)
  unsigned row() const { return kind == Row ? k : (k % 4) / 2; }
};

class KernelBuilder {
public:
  KernelBuilder(CascadeOp cascade, func::FuncOp func)
      : cascade(cascade), func(func), loc(cascade.getLoc()),
        ctx(cascade.getContext()) {}

  /// Checks that the cascade is a one-pass cascade this lowering handles;
  /// says why not otherwise.
  LogicalResult analyze();
  /// Builds the kernel as `name` in `module`.
  LogicalResult build(gpu::GPUModuleOp module, StringRef name,
                      ArrayRef<Param> params, ArrayRef<int64_t> paramOfInput,
                      ArrayRef<int64_t> paramOfResult,
                      ArrayRef<SmallVector<Operation *>> resultChains,
                      int64_t order, int64_t count);

private:
  InFlightDiagnostic refuse(Operation *at, const Twine &why) {
    return at->emitError() << "cannot compile for nvptx: " << why;
  }
  Kind kindOf(EinsumOp e) { return kinds.lookup(e.getOperation()); }
  bool hasRank(EinsumOp e, StringRef r) { return e.rankIndex(r) >= 0; }

  // Index arithmetic.
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value f32(double v) {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                          APFloat((float)v));
  }

  /// Whether key `col` of key tile `tile` exists: inside the key rank and,
  /// for a part of a split rank, inside the whole rank.
  Value keyInside(Value tile, Value col);
  /// The rank values at a point of the current tile.
  void pointRanks(Point pt, llvm::StringMap<Value> &ranks);
  /// Applies `map` (over `e`'s ranks and symbols) at `ranks`.
  SmallVector<Value> applyMap(EinsumOp e, AffineMap map,
                              const llvm::StringMap<Value> &ranks);
  /// Whether the condition of `e` holds at `ranks`: an i1.
  Value conditionAt(EinsumOp e, const llvm::StringMap<Value> &ranks);
  /// Linear offset of `indices` in a row-major tensor of `shape`.
  Value linearize(ArrayRef<Value> indices, ArrayRef<int64_t> shape);
  /// The flat global memref of cascade input `i` and the linear offset of
  /// `indices` (in the cascade input's shape) in it.
  std::pair<Value, Value> inputAddress(unsigned i, ArrayRef<Value> indices);

  /// The value of operand `i` of `e` at `pt`.
  FailureOr<Value> operandAt(EinsumOp e, unsigned i, Point pt,
                             const llvm::StringMap<Value> &ranks);
  /// Evaluates the map region of `e` at `pt` (without its condition): its
  /// value and, for a predicated einsum, its predicate. The operands in
  /// `unread` are taken as zeros (for a predicate of a contraction).
  FailureOr<SmallVector<Value>> evaluateAll(EinsumOp e, Point pt,
                                            ArrayRef<unsigned> unread);
  /// The value of the map region of `e` at `pt`.
  FailureOr<Value> evaluate(EinsumOp e, Point pt);

  /// Stages rows [0, rows) of tile `tileIndex` (of `rank1`/`rank0`) of the
  /// cascade input `input` read by `e` (dims `colRank` contiguous) in
  /// `dst[buf]`.
  void stageTile(EinsumOp e, unsigned input, StringRef rank1, StringRef rank0,
                 Value tileIndex, int64_t rows, StringRef colRank, int64_t cols,
                 Value dst, Value buf, Value enable,
                 SmallVectorImpl<Value> &tokens);

  /// D = A B + C for one m16n8k16 tile: A vector<4x2xT>, B vector<2x2xT>,
  /// C and D vector<2x2xf32>.
  Value mma(Value a, Value bFrag, Value c);
  /// The score tile S = Q K^T (unscaled), as fragment elements.
  SmallVector<Value> scores(Value buf);
  /// The value contraction of the tile with `p` (fragment elements).
  SmallVector<Value> valueProduct(ArrayRef<Value> p, Value buf);
  /// The einsums of one key tile; returns the new recurrence states.
  FailureOr<SmallVector<Value>> tileBody(Value buf, bool conditions);

  CascadeOp cascade;
  func::FuncOp func;
  Location loc;
  MLIRContext *ctx;
  OpBuilder b{cascade.getContext()};

  // The ranks.
  std::string iter, inner, qOuter, qInner, headRank, valRank;
  SmallVector<std::string> parallel;
  int64_t tileM = 0, tileN = 0, extentM = 0, extentN = 0, headDim = 0,
          valDim = 0;
  Type elemType; ///< of Q, K, V
  bool tensorCores = false;
  unsigned warps = 0;

  // The einsums.
  llvm::DenseMap<Operation *, Kind> kinds;
  EinsumOp qk, pv;
  unsigned qInput = 0, kInput = 1, pOperand = 0, vOperand = 1;
  double scale = 1.0;
  SmallVector<EinsumOp> inLoop, afterLoop, states;
  SmallVector<EinsumOp> results; ///< yielded, in order

  // Kernel values.
  SmallVector<Value> params;       ///< flat global memrefs
  SmallVector<int64_t> inputParam; ///< cascade input -> param index
  Value lane, warp, g, t, warpRow, blockQ, qTile, kTile, vTile, pTile;
  llvm::StringMap<Value> fixed; ///< ranks fixed for the whole CTA
  Value keyTile;                ///< the current m1
  Value rowValid[2];            ///< the thread's rows inside the tile and |p|
  SmallVector<Value> valid;     ///< score element inside |m|
  llvm::DenseMap<Operation *, SmallVector<Value>> values;
  llvm::DenseMap<Operation *, SmallVector<Value>> oldState, newState;
};

} // namespace

//===----------------------------------------------------------------------===//
// Analysis
//===----------------------------------------------------------------------===//

/// Multiplies out the value of the map body of a contraction (its first
/// yielded value; a second is the predicate): the product of arguments `a`
/// and `b` (possibly extended to f32) and constants. Returns the constant
/// factor, or nothing when the value is not of that form.
/// Clones the operations of an einsum's map `body` at `b`, its arguments
/// already in `map`: `ein.index` is the rank's value in `ranks` (0 for a
/// rank not there), `ein.extent` the rank's static extent.
static void cloneMapOps(OpBuilder &b, Location loc, CascadeOp cascade,
                        Block &body, const llvm::StringMap<Value> &ranks,
                        IRMapping &map) {
  for (Operation &op : body.without_terminator()) {
    if (auto ix = dyn_cast<IndexOp>(op)) {
      Value v = ranks.lookup(ix.getRank());
      map.map(ix.getResult(),
              v ? v : arith::ConstantIndexOp::create(b, loc, 0).getResult());
    } else if (auto ex = dyn_cast<ExtentOp>(op)) {
      map.map(ex.getResult(), arith::ConstantIndexOp::create(
                                  b, loc, cascade.staticExtent(ex.getRank())));
    } else {
      b.clone(op, map);
    }
  }
}

static std::optional<double> productScale(EinsumOp e, unsigned a, unsigned b) {
  Block &body = e.getMapBlock();
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValues().empty() || yield.getValues().size() > 2)
    return std::nullopt;
  double scale = 1.0;
  SmallVector<unsigned> args;
  std::function<bool(Value)> walk = [&](Value v) -> bool {
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      args.push_back(arg.getArgNumber());
      return true;
    }
    Operation *def = v.getDefiningOp();
    if (auto m = dyn_cast_or_null<arith::MulFOp>(def))
      return walk(m.getLhs()) && walk(m.getRhs());
    if (auto ext = dyn_cast_or_null<arith::ExtFOp>(def))
      return isa<BlockArgument>(ext.getIn()) && walk(ext.getIn());
    if (auto c = dyn_cast_or_null<arith::ConstantOp>(def))
      if (auto f = dyn_cast<FloatAttr>(c.getValue())) {
        scale *= f.getValueAsDouble();
        return true;
      }
    return false;
  };
  if (!walk(yield.getValues()[0]))
    return std::nullopt;
  llvm::sort(args);
  if (args != SmallVector<unsigned>{std::min(a, b), std::max(a, b)})
    return std::nullopt;
  return scale;
}

LogicalResult KernelBuilder::analyze() {
  if (cascade.getName() == "linear_attention")
    return refuse(cascade, "linear attention has no GPU lowering yet (the "
                           "CPU target compiles it)");
  // The partitioned ranks: the key rank (iterative, from the recurrences)
  // and the query rank (tiled by ein-tile-parallel).
  for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>()) {
    if (e.isRecurrence()) {
      iter = e.getRankName(e.getIterativeDim()).str();
      break;
    }
  }
  if (iter.empty())
    return refuse(cascade, "cascade '" + cascade.getName() +
                               "' is not a one-pass cascade (no recurrence "
                               "over key tiles; ein-one-pass refused it)");
  RankAttr iterRank = cascade.lookupRank(iter);
  if (!iterRank || !iterRank.isOuterPart())
    return refuse(cascade, "the iterative rank '" + iter +
                               "' is not the outer part of a partition");
  StringRef keyParent = iterRank.getParent().getValue();
  // The key rank and what it is part of (split-KV: `m = ms * C + ml`,
  // `ml = m1 * tile + m0`).
  llvm::StringSet<> keyRanks;
  for (RankAttr r = cascade.lookupRank(keyParent); r;
       r = r.isPartition() ? cascade.lookupRank(r.getParent().getValue())
                           : RankAttr()) {
    keyRanks.insert(r.getName().getValue());
    if (!r.isPartition())
      break;
  }
  for (Attribute a : cascade.getRanks()) {
    auto r = cast<RankAttr>(a);
    if (!r.isPartition())
      continue;
    if (r.getParent().getValue() == keyParent) {
      if (r.isInnerPart())
        inner = r.getName().str();
      continue;
    }
    if (keyRanks.contains(r.getParent().getValue()))
      continue;
    (r.isOuterPart() ? qOuter : qInner) = r.getName().str();
  }
  if (inner.empty() || qOuter.empty() || qInner.empty())
    return refuse(cascade, "the query rank is not tiled (run "
                           "ein-tile-parallel before this lowering)");
  tileM = cascade.staticExtent(inner);
  tileN = cascade.staticExtent(qInner);
  extentM = cascade.staticExtent(keyParent);
  extentN =
      cascade.staticExtent(cascade.lookupRank(qOuter).getParent().getValue());
  if (ShapedType::isDynamic(extentM) || ShapedType::isDynamic(extentN))
    return refuse(cascade, "dynamic sequence lengths");
  if (tileN > 128)
    return refuse(cascade, "the query tile must be at most 128 rows (one "
                           "warp per 16), got " +
                               Twine(tileN));
  if (tileM % 16 != 0 || tileM < 16 || tileM > 128)
    return refuse(cascade, "the key tile must be a multiple of 16 up to 128, "
                           "got " +
                               Twine(tileM));
  // Warps of 16 rows; rows past the tile (decode: one query) are idle.
  warps = (tileN + 15) / 16;

  // The einsums that the results depend on.
  llvm::SetVector<Operation *> live;
  auto yield = cast<YieldOp>(cascade.getBodyBlock().getTerminator());
  SmallVector<Value> work(yield.getValues());
  while (!work.empty()) {
    Value v = work.pop_back_val();
    auto e = v.getDefiningOp<EinsumOp>();
    if (!e || !live.insert(e))
      continue;
    for (Value in : e.getInputs())
      work.push_back(in);
  }
  for (Value v : yield.getValues())
    results.push_back(v.getDefiningOp<EinsumOp>());

  // Classify.
  for (Operation *op : live) {
    auto e = cast<EinsumOp>(op);
    SmallVector<unsigned> reduced = e.getReducedDims();
    bool hasInner = hasRank(e, inner), hasIter = hasRank(e, iter),
         hasQ = hasRank(e, qInner);
    if (!hasQ)
      return refuse(e, "einsum '" + e.getName() +
                           "' does not vary along the query rows");
    if (reduced.size() > 1)
      return refuse(e,
                    "einsum '" + e.getName() + "' reduces more than one rank");
    if (reduced.size() == 1) {
      StringRef r = e.getRankName(reduced[0]);
      if (r != inner) {
        // The score contraction: Q and K, both cascade inputs.
        if (qk || e.getInputs().size() < 2 ||
            !llvm::all_of(e.getInputs(),
                          [](Value v) { return isa<BlockArgument>(v); }) ||
            !hasInner)
          return refuse(e, "einsum '" + e.getName() + "' reduces '" + r +
                               "', which is not the keys of a tile");
        qk = e;
        headRank = r.str();
        kinds[op] = Kind::QK;
        continue;
      }
      if (e.isRecurrence())
        return refuse(e, "recurrence '" + e.getName() + "' reduces keys");
      // A contraction with V, or a row reduction.
      // A contraction with the values has an output rank (the value rank)
      // that the rows do not have; a row reduction has none.
      bool readsInput = false;
      for (AffineExpr r : e.getOutputMap().getResults())
        if (auto d = dyn_cast<AffineDimExpr>(r)) {
          StringRef n = e.getRankName(d.getPosition());
          bool isRow = n == iter || n == qOuter || n == qInner;
          bool isParallel = false;
          for (Value in : e.getInputs())
            if (auto pd = in.getDefiningOp<EinsumOp>())
              isParallel |= pd.rankIndex(n) >= 0;
          readsInput |= !isRow && !isParallel;
        }
      if (readsInput) {
        if (pv)
          return refuse(e, "more than one contraction with the values ('" +
                               pv.getName() + "', '" + e.getName() + "')");
        pv = e;
        kinds[op] = Kind::PV;
      } else {
        kinds[op] = Kind::RowRed;
      }
      continue;
    }
    if (e.isRecurrence()) {
      if (e.getRankName(e.getIterativeDim()) != iter)
        return refuse(e, "recurrence '" + e.getName() + "' over '" +
                             e.getRankName(e.getIterativeDim()) + "'");
      kinds[op] = Kind::RowRec; // AccRec when it has the value rank (below)
      continue;
    }
    if (hasInner) {
      kinds[op] = Kind::Elem;
      continue;
    }
    kinds[op] = hasIter ? Kind::RowTile : Kind::RowFinal;
  }
  if (!qk)
    return refuse(cascade, "cascade '" + cascade.getName() +
                               "' has no score contraction Q K^T");
  if (!pv)
    return refuse(cascade, "cascade '" + cascade.getName() +
                               "' has no contraction with the values");

  // The value rank: PV's output rank that is not a row rank.
  for (AffineExpr r : pv.getOutputMap().getResults()) {
    StringRef n = pv.getRankName(cast<AffineDimExpr>(r).getPosition());
    if (n == iter || n == qOuter || n == qInner)
      continue;
    bool inQK = false;
    for (AffineExpr q : qk.getOutputMap().getResults())
      if (auto d = dyn_cast<AffineDimExpr>(q))
        inQK |= qk.getRankName(d.getPosition()) == n;
    if (inQK)
      continue;
    if (!valRank.empty())
      return refuse(pv, "the value contraction has more than one value rank");
    valRank = n.str();
  }
  if (valRank.empty())
    return refuse(pv, "the value contraction has no value rank");
  for (auto &[op, kind] : kinds) {
    auto e = cast<EinsumOp>(op);
    bool hasVal = hasRank(e, valRank);
    if (kind == Kind::RowRec && hasVal)
      kind = Kind::AccRec;
    else if (kind == Kind::RowFinal && hasVal)
      kind = Kind::AccFinal;
    else if (hasVal && kind != Kind::PV)
      return refuse(e, "einsum '" + e.getName() +
                           "' varies along the values but is not the value "
                           "contraction, its running sum or a result");
  }

  // The parallel ranks: the results' ranks that are neither rows nor values.
  for (AffineExpr r : qk.getOutputMap().getResults()) {
    StringRef n = qk.getRankName(cast<AffineDimExpr>(r).getPosition());
    if (n != iter && n != inner && n != qOuter && n != qInner)
      parallel.push_back(n.str());
  }
  for (EinsumOp e : results)
    if (!e || (kindOf(e) != Kind::AccFinal && kindOf(e) != Kind::RowFinal))
      return refuse(e ? e.getOperation() : cascade.getOperation(),
                    "a result of the cascade is not computed after the key "
                    "loop");

  // Element types and sizes. The score contraction's Q and K are the
  // operands read along the head rank; its other operands (document ids,
  // masks, key lengths) only feed its predicate. Q varies along the rows.
  auto readsRank = [&](EinsumOp e, unsigned i, StringRef rank) {
    int64_t d = e.rankIndex(rank);
    return d >= 0 && e.getInputMap(i).isFunctionOfDim(d);
  };
  SmallVector<unsigned> qkMain, pvMain;
  for (unsigned i = 0; i < qk.getInputs().size(); ++i)
    if (readsRank(qk, i, headRank))
      qkMain.push_back(i);
  if (qkMain.size() != 2)
    return refuse(qk, "the score contraction must read two operands along "
                      "the head dimension");
  qInput = qkMain[0];
  kInput = qkMain[1];
  if (readsRank(qk, kInput, qInner))
    std::swap(qInput, kInput);
  auto qType = cast<RankedTensorType>(qk.getInputs()[qInput].getType());
  auto kType = cast<RankedTensorType>(qk.getInputs()[kInput].getType());
  if (readsRank(qk, qInput, inner) || readsRank(qk, kInput, qInner) ||
      readsRank(qk, kInput, qOuter))
    return refuse(qk, "the score contraction does not read queries and keys "
                      "separately");
  // The value contraction: a score tensor of the tile and V (read along the
  // value rank); other operands feed its predicate.
  bool foundP = false, foundV = false;
  for (auto [i, in] : llvm::enumerate(pv.getInputs())) {
    if (auto def = in.getDefiningOp<EinsumOp>()) {
      if (foundP)
        return refuse(pv, "the value contraction reads two score tensors");
      pOperand = i;
      foundP = true;
    } else if (readsRank(pv, i, valRank)) {
      if (foundV)
        return refuse(pv, "the value contraction reads two value tensors");
      vOperand = i;
      foundV = true;
    }
  }
  if (!foundP || !foundV)
    return refuse(pv, "the value contraction must read one score tensor and "
                      "the values");
  auto pDef = pv.getInputs()[pOperand].getDefiningOp<EinsumOp>();
  if (!pDef || (kindOf(pDef) != Kind::Elem && kindOf(pDef) != Kind::QK))
    return refuse(pv, "the value contraction does not read a score tile");
  if (readsRank(pv, vOperand, qInner) || readsRank(pv, vOperand, qOuter))
    return refuse(pv, "the values vary along the queries");
  auto vType = cast<RankedTensorType>(pv.getInputs()[vOperand].getType());
  elemType = qType.getElementType();
  if (kType.getElementType() != elemType || vType.getElementType() != elemType)
    return refuse(qk, "Q, K and V must have one element type");
  if (!elemType.isF16() && !elemType.isBF16() && !elemType.isF32())
    return refuse(qk, "element type must be f16, bf16 or f32");
  tensorCores = !elemType.isF32();
  headDim = cascade.staticExtent(headRank);
  valDim = cascade.staticExtent(valRank);
  // The head and value dims are the inputs' last, read contiguously.
  auto lastIs = [&](EinsumOp e, unsigned i, StringRef rank) {
    AffineMap m = e.getInputMap(i);
    auto d = dyn_cast<AffineDimExpr>(m.getResults().back());
    return d && e.getRankName(d.getPosition()) == rank;
  };
  if (!lastIs(qk, qInput, headRank) || !lastIs(qk, kInput, headRank) ||
      !lastIs(pv, vOperand, valRank))
    return refuse(qk, "Q, K and V must be read along their last dimension");
  // Tensor cores take 16 along the head dims; the SIMT path copies 4 f32
  // at a time and owns the output in blocks of 8 values.
  int64_t multipleD = tensorCores ? 16 : 4, multipleDv = tensorCores ? 16 : 8;
  if (headDim % multipleD || valDim % multipleDv)
    return refuse(qk, "head dims must be multiples of " + Twine(multipleD) +
                          " (D) and " + Twine(multipleDv) + " (Dv) for " +
                          (tensorCores ? "tensor cores" : "f32") +
                          ", got D = " + Twine(headDim) +
                          ", Dv = " + Twine(valDim));
  if (headDim > 256 || valDim > 256)
    return refuse(qk, "head dims above 256");
  std::optional<double> s = productScale(qk, qInput, kInput);
  if (!s)
    return refuse(qk, "the score contraction's body is not a scaled product");
  scale = *s;
  std::optional<double> one = productScale(pv, pOperand, vOperand);
  if (!one || *one != 1.0)
    return refuse(pv, "the value contraction's body is not a plain product");

  // Order: the einsums of the key loop, by dependence, where reading a
  // recurrence at `m1` (its value before this tile) is not a dependence;
  // then the einsums after the loop.
  llvm::DenseSet<Operation *> done;
  std::function<LogicalResult(EinsumOp, SmallVector<EinsumOp> &)> visit =
      [&](EinsumOp e, SmallVector<EinsumOp> &order) -> LogicalResult {
    if (done.contains(e))
      return success();
    done.insert(e);
    Kind k = kindOf(e);
    bool after = k == Kind::RowFinal || k == Kind::AccFinal;
    for (auto [i, in] : llvm::enumerate(e.getInputs())) {
      auto def = in.getDefiningOp<EinsumOp>();
      if (!def || def == e)
        continue;
      Kind dk = kindOf(def);
      bool defAfter = dk == Kind::RowFinal || dk == Kind::AccFinal;
      if (!after && defAfter)
        return refuse(e, "einsum '" + e.getName() +
                             "' in the key loop reads '" + def.getName() +
                             "', computed after it");
      if (after && !defAfter)
        continue; // a final state or ... read after the loop
      if (dk == Kind::RowRec || dk == Kind::AccRec) {
        // X[m1]: the state before the tile; X[m1 + 1]: after.
        int64_t pos = def.getRecurrencePosition();
        AffineExpr a = e.getInputMap(i).getResult(pos);
        if (auto d = dyn_cast<AffineDimExpr>(a))
          if (e.getRankName(d.getPosition()) == iter)
            continue;
      }
      if (failed(visit(def, order)))
        return failure();
    }
    order.push_back(e);
    return success();
  };
  for (Operation *op : live) {
    auto e = cast<EinsumOp>(op);
    Kind k = kindOf(e);
    if (k == Kind::RowFinal || k == Kind::AccFinal)
      continue;
    if (failed(visit(e, inLoop)))
      return failure();
    if (k == Kind::RowRec || k == Kind::AccRec)
      if (!llvm::is_contained(states, e))
        states.push_back(e);
  }
  for (Operation *op : live)
    if (failed(visit(cast<EinsumOp>(op), afterLoop)))
      return failure();
  SmallVector<EinsumOp> finals;
  for (EinsumOp e : afterLoop)
    if (kindOf(e) == Kind::RowFinal || kindOf(e) == Kind::AccFinal)
      finals.push_back(e);
  afterLoop = finals;
  llvm::erase_if(inLoop, [&](EinsumOp e) { return e == qk; });

  // Conditions on row-level einsums would need per-row predicates.
  for (Operation *op : live) {
    auto e = cast<EinsumOp>(op);
    Kind k = kindOf(e);
    if (!e.getConditionSets().empty() && k != Kind::QK && k != Kind::Elem &&
        k != Kind::RowRed && k != Kind::PV)
      return refuse(e, "einsum '" + e.getName() +
                           "' has a condition but is not over the score tile");
  }
  if (std::optional<TileMapAttr> tiles = cascade.getTiles())
    for (Attribute a : tiles->getDims()) {
      StringRef n = cast<StringAttr>(a).getValue();
      if (n != iter && n != qOuter && !llvm::is_contained(parallel, n))
        return refuse(cascade, "the tile map is over rank '" + n +
                                   "', which is not a tile rank");
    }
  return success();
}

//===----------------------------------------------------------------------===//
// Values at a point
//===----------------------------------------------------------------------===//

Value KernelBuilder::keyInside(Value tile, Value col) {
  RankAttr r = cascade.lookupRank(iter);
  Value pos = add(mul(tile, idx(tileM)), col);
  Value inside = Value();
  while (r && r.isPartition()) {
    StringRef parent = r.getParent().getValue();
    Value in = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, pos,
                                     idx(cascade.staticExtent(parent)));
    inside = inside ? arith::AndIOp::create(b, loc, inside, in) : in;
    RankAttr up = cascade.lookupRank(parent);
    if (!up || !up.isInnerPart())
      break;
    // parent = outer * tile + parent: the outer part is a parallel rank.
    Value outer;
    for (Attribute a : cascade.getRanks()) {
      auto o = cast<RankAttr>(a);
      if (o.isOuterPart() && o.getParent() == up.getParent())
        outer = fixed.lookup(o.getName().getValue());
    }
    if (!outer)
      break;
    pos = add(mul(outer, idx(up.getTile())), pos);
    r = up;
  }
  return inside;
}

void KernelBuilder::pointRanks(Point pt, llvm::StringMap<Value> &ranks) {
  ranks = fixed;
  if (keyTile)
    ranks[iter] = keyTile;
  // Row: g + 8 * r within the warp's 16. Rows and keys outside the
  // iteration space are evaluated at the tile's first (never stored, never
  // reduced), so that no operand is read out of bounds.
  Value row = add(add(warpRow, g), idx(8 * pt.row()));
  ranks[qInner] =
      arith::SelectOp::create(b, loc, rowValid[pt.row()], row, idx(0));
  if (pt.kind == Point::Row)
    return;
  unsigned nb = pt.k / 4, c = pt.k % 2;
  Value col = add(add(idx(nb * 8 + c), t), t); // nb * 8 + 2t + c
  if (pt.kind == Point::Score && keyTile) {
    // A key past the end is evaluated at the first key of the part (tile
    // 0, column 0), which exists: every part has keys.
    Value in = keyInside(keyTile, col);
    col = arith::SelectOp::create(b, loc, in, col, idx(0));
    ranks[iter] = arith::SelectOp::create(b, loc, in, keyTile, idx(0));
  }
  ranks[pt.kind == Point::Score ? inner : valRank] = col;
}

SmallVector<Value>
KernelBuilder::applyMap(EinsumOp e, AffineMap map,
                        const llvm::StringMap<Value> &ranks) {
  SmallVector<Value> dims, syms;
  for (unsigned d = 0; d < e.getNumRanks(); ++d) {
    Value v = ranks.lookup(e.getRankName(d));
    dims.push_back(v ? v : idx(0)); // ranks a map does not read
  }
  for (Attribute a : e.getSymbols())
    syms.push_back(idx(cascade.staticExtent(cast<StringAttr>(a).getValue())));
  SmallVector<Value> out;
  for (AffineExpr r : map.getResults())
    out.push_back(affine::expandAffineExpr(b, loc, r, dims, syms));
  return out;
}

Value KernelBuilder::conditionAt(EinsumOp e,
                                 const llvm::StringMap<Value> &ranks) {
  SmallVector<Value> dims, syms;
  for (unsigned d = 0; d < e.getNumRanks(); ++d) {
    Value v = ranks.lookup(e.getRankName(d));
    dims.push_back(v ? v : idx(0));
  }
  for (Attribute a : e.getSymbols())
    syms.push_back(idx(cascade.staticExtent(cast<StringAttr>(a).getValue())));
  return emitSetsHold(b, loc, e.getConditionSets(), dims, syms);
}

Value KernelBuilder::linearize(ArrayRef<Value> indices,
                               ArrayRef<int64_t> shape) {
  Value lin = idx(0);
  for (auto [i, v] : llvm::enumerate(indices))
    lin = add(mul(lin, idx(shape[i])), v);
  return lin;
}

std::pair<Value, Value> KernelBuilder::inputAddress(unsigned i,
                                                    ArrayRef<Value> indices) {
  // The reshapes between a function argument and the cascade input keep
  // the row-major order of the elements: the linear offset carries over.
  auto type = cast<RankedTensorType>(cascade.getInputs()[i].getType());
  return {params[inputParam[i]], linearize(indices, type.getShape())};
}

FailureOr<Value> KernelBuilder::operandAt(EinsumOp e, unsigned i, Point pt,
                                          const llvm::StringMap<Value> &ranks) {
  Value in = e.getInputs()[i];
  AffineMap map = e.getInputMap(i);
  if (auto arg = dyn_cast<BlockArgument>(in)) {
    SmallVector<Value> ix = applyMap(e, map, ranks);
    auto [mem, off] = inputAddress(arg.getArgNumber(), ix);
    return Value(memref::LoadOp::create(b, loc, mem, ValueRange{off}));
  }
  auto def = in.getDefiningOp<EinsumOp>();
  Kind dk = kindOf(def);
  // Every position but a recurrence's must name the producer's own rank.
  int64_t rec = def.getRecurrencePosition();
  bool old = false;
  for (auto [pos, a] : llvm::enumerate(map.getResults())) {
    StringRef want = def.getRankName(def.getOutputDim(pos));
    if ((int64_t)pos == rec) {
      if (isa<AffineSymbolExpr>(a)) // `|m1|`: the final value
        continue;
      if (auto d = dyn_cast<AffineDimExpr>(a))
        if (e.getRankName(d.getPosition()) == iter) {
          old = true;
          continue;
        }
      AffineExpr plusOne;
      for (unsigned d = 0; d < e.getNumRanks(); ++d)
        if (e.getRankName(d) == iter)
          plusOne = getAffineDimExpr(d, ctx) + 1;
      if (plusOne && a == plusOne)
        continue;
      return refuse(e, "einsum '" + e.getName() + "' reads recurrence '" +
                           def.getName() + "' at an unsupported position");
    }
    auto d = dyn_cast<AffineDimExpr>(a);
    if (!d || e.getRankName(d.getPosition()) != want)
      return refuse(e, "einsum '" + e.getName() + "' reads '" + def.getName() +
                           "' other than at its own point");
  }
  unsigned k = pt.k;
  switch (dk) {
  case Kind::QK:
  case Kind::Elem:
    if (pt.kind != Point::Score)
      return refuse(e, "'" + e.getName() + "' reads the score tile '" +
                           def.getName() + "' outside it");
    return values[def][k];
  case Kind::PV:
    if (pt.kind != Point::Acc)
      return refuse(e, "'" + e.getName() + "' reads '" + def.getName() +
                           "' outside the output tile");
    return values[def][k];
  case Kind::RowRed:
  case Kind::RowTile:
  case Kind::RowFinal:
    return values[def][pt.row()];
  case Kind::RowRec:
    return (old ? oldState : newState)[def][pt.row()];
  case Kind::AccRec:
  case Kind::AccFinal:
    if (pt.kind != Point::Acc)
      return refuse(e, "'" + e.getName() + "' reads '" + def.getName() +
                           "' outside the output tile");
    if (dk == Kind::AccFinal)
      return values[def][k];
    return (old ? oldState : newState)[def][k];
  }
  return failure();
}

FailureOr<SmallVector<Value>>
KernelBuilder::evaluateAll(EinsumOp e, Point pt, ArrayRef<unsigned> unread) {
  llvm::StringMap<Value> ranks;
  pointRanks(pt, ranks);
  Block &body = e.getMapBlock();
  IRMapping map;
  for (unsigned i = 0; i < e.getInputs().size(); ++i) {
    Type t = body.getArgument(i).getType();
    if (llvm::is_contained(unread, i)) {
      map.map(body.getArgument(i),
              arith::ConstantOp::create(b, loc, b.getZeroAttr(t)));
      continue;
    }
    FailureOr<Value> v = operandAt(e, i, pt, ranks);
    if (failed(v))
      return failure();
    map.map(body.getArgument(i), *v);
  }
  cloneMapOps(b, loc, cascade, body, ranks, map);
  SmallVector<Value> out;
  for (Value v : cast<YieldOp>(body.getTerminator()).getValues())
    out.push_back(map.lookupOrDefault(v));
  return out;
}

FailureOr<Value> KernelBuilder::evaluate(EinsumOp e, Point pt) {
  FailureOr<SmallVector<Value>> all = evaluateAll(e, pt, {});
  if (failed(all))
    return failure();
  return (*all)[0];
}

//===----------------------------------------------------------------------===//
// Shared memory and the contractions
//===----------------------------------------------------------------------===//

void KernelBuilder::stageTile(EinsumOp e, unsigned input, StringRef rank1,
                              StringRef rank0, Value tileIndex, int64_t rows,
                              StringRef colRank, int64_t cols, Value dst,
                              Value buf, Value enable,
                              SmallVectorImpl<Value> &tokens) {
  // 16 bytes per copy, spread over the threads of the CTA. A copy past the
  // tile's end (or a disabled one) reads nothing and zero-fills the spare
  // row after the tile; a row past the end of the sequence reads nothing
  // and zero-fills its row.
  int64_t vec = 16 / (elemType.getIntOrFloatBitWidth() / 8);
  int64_t perRow = cols / vec, chunks = rows * perRow;
  int64_t threads = warps * 32;
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  int64_t extent = extentN;
  int64_t stride = rank1 == iter ? tileM : tileN;
  for (int64_t i = 0; i < chunks; i += threads) {
    Value id = add(tid, idx(i));
    Value inTile = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, id,
                                         idx(chunks));
    id = arith::SelectOp::create(b, loc, inTile, id, idx(0));
    Value row = arith::DivUIOp::create(b, loc, id, idx(perRow));
    Value col = mul(arith::RemUIOp::create(b, loc, id, idx(perRow)), idx(vec));
    Value inside =
        rank1 == iter
            ? keyInside(tileIndex, row)
            : arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                    add(mul(tileIndex, idx(stride)), row),
                                    idx(extent));
    inside = arith::AndIOp::create(
        b, loc, inside,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, row,
                              idx(stride)));
    inside = arith::AndIOp::create(b, loc, inside, enable);
    inside = arith::AndIOp::create(b, loc, inside, inTile);
    // Rows past the end are read from a valid address (none of it).
    Value srcRow = arith::SelectOp::create(b, loc, inside, row, idx(0));
    Value srcTile = arith::SelectOp::create(b, loc, inside, tileIndex, idx(0));
    llvm::StringMap<Value> ranks = fixed;
    ranks[rank1] = srcTile;
    ranks[rank0] = srcRow;
    ranks[colRank] = col;
    SmallVector<Value> ix = applyMap(e, e.getInputMap(input), ranks);
    auto arg = cast<BlockArgument>(e.getInputs()[input]);
    auto [mem, off] = inputAddress(arg.getArgNumber(), ix);
    Value n = arith::SelectOp::create(b, loc, inside, idx(vec), idx(0));
    Value dstRow = arith::SelectOp::create(b, loc, inTile, row, idx(rows));
    tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
        b, loc, nvgpu::DeviceAsyncTokenType::get(ctx), dst,
        ValueRange{buf, dstRow, col}, mem, ValueRange{off}, b.getIndexAttr(vec),
        n, b.getUnitAttr()));
  }
}

Value KernelBuilder::mma(Value a, Value bFrag, Value c) {
  if (elemType.isF16())
    return nvgpu::MmaSyncOp::create(b, loc, a, bFrag, c,
                                    ArrayRef<int64_t>{16, 8, 16});
  // bf16: nvgpu.mma.sync has no lowering for it; nvvm.mma.sync takes the
  // pairs of bf16 as i32 registers.
  Type i32 = b.getI32Type(), f32Ty = b.getF32Type();
  auto packed = [&](Value frag, int64_t rows) {
    SmallVector<Value> regs;
    for (int64_t r = 0; r < rows; ++r) {
      Value pair =
          vector::ExtractOp::create(b, loc, frag, ArrayRef<int64_t>{r});
      Value word =
          vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), pair);
      regs.push_back(
          vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0}));
    }
    return regs;
  };
  SmallVector<Value> accs;
  for (int64_t i = 0; i < 4; ++i)
    accs.push_back(
        vector::ExtractOp::create(b, loc, c, ArrayRef<int64_t>{i / 2, i % 2}));
  auto resType =
      LLVM::LLVMStructType::getLiteral(ctx, SmallVector<Type>(4, f32Ty));
  std::array<NVVM::MMATypes, 2> types = {NVVM::MMATypes::bf16,
                                         NVVM::MMATypes::bf16};
  std::array<NVVM::MMALayout, 2> layouts = {NVVM::MMALayout::row,
                                            NVVM::MMALayout::col};
  Value d = NVVM::MmaOp::create(b, loc, resType, packed(a, 4), packed(bFrag, 2),
                                accs, ArrayRef<int64_t>{16, 8, 16},
                                std::nullopt, std::nullopt, types, layouts);
  Value out = c;
  for (int64_t i = 0; i < 4; ++i) {
    Value v = LLVM::ExtractValueOp::create(b, loc, d, ArrayRef<int64_t>{i});
    out = vector::InsertOp::create(b, loc, v, out,
                                   ArrayRef<int64_t>{i / 2, i % 2});
  }
  return out;
}

SmallVector<Value> KernelBuilder::scores(Value buf) {
  unsigned blocks = tileM / 8;
  SmallVector<Value> out(blocks * 4);
  Type f32Ty = b.getF32Type();
  if (!tensorCores) {
    // SIMT: each element a dot product over the head dim, operands from
    // shared memory.
    SmallVector<Value> init(blocks * 4, f32(0.0));
    auto loop = scf::ForOp::create(b, loc, idx(0), idx(headDim), idx(1), init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value d = loop.getInductionVar();
    SmallVector<Value> acc;
    Value q[2];
    for (unsigned r = 0; r < 2; ++r)
      q[r] = memref::LoadOp::create(
          b, loc, qTile,
          ValueRange{idx(0), add(add(warpRow, g), idx(8 * r)), d});
    for (unsigned k = 0; k < blocks * 4; ++k) {
      unsigned nb = k / 4, c = k % 2, r = (k % 4) / 2;
      Value col = add(add(idx(nb * 8 + c), t), t);
      Value kv = memref::LoadOp::create(b, loc, kTile, ValueRange{buf, col, d});
      acc.push_back(
          math::FmaOp::create(b, loc, q[r], kv, loop.getRegionIterArgs()[k]));
    }
    scf::YieldOp::create(b, loc, acc);
    b.setInsertionPointAfter(loop);
    return SmallVector<Value>(loop.getResults());
  }
  // Tensor cores: A = Q rows of the warp (ldmatrix x4), B = K rows (x4:
  // two 8-key blocks, 16 head dims), m16n8k16 per 8-key block.
  auto aType = VectorType::get({4, 2}, elemType);
  auto cType = VectorType::get({2, 2}, f32Ty);
  Value zero = arith::ConstantOp::create(
      b, loc, cType, DenseElementsAttr::get(cType, b.getF32FloatAttr(0.0)));
  SmallVector<Value> acc(blocks, zero);
  Value laneRow = arith::RemUIOp::create(b, loc, lane, idx(16));
  Value laneHalf = mul(arith::DivUIOp::create(b, loc, lane, idx(16)), idx(8));
  Value matrix = arith::DivUIOp::create(b, loc, lane, idx(8));
  Value inMatrix = arith::RemUIOp::create(b, loc, lane, idx(8));
  Value kRow = add(mul(arith::DivUIOp::create(b, loc, matrix, idx(2)), idx(8)),
                   inMatrix);
  Value kCol = mul(arith::RemUIOp::create(b, loc, matrix, idx(2)), idx(8));
  for (int64_t k0 = 0; k0 < headDim; k0 += 16) {
    Value a = nvgpu::LdMatrixOp::create(
        b, loc, aType, qTile,
        ValueRange{idx(0), add(warpRow, laneRow), add(laneHalf, idx(k0))},
        b.getBoolAttr(false), b.getI32IntegerAttr(4));
    for (unsigned nb = 0; nb < blocks; nb += 2) {
      Value frag = nvgpu::LdMatrixOp::create(
          b, loc, aType, kTile,
          ValueRange{buf, add(kRow, idx(nb * 8)), add(kCol, idx(k0))},
          b.getBoolAttr(false), b.getI32IntegerAttr(4));
      for (unsigned h = 0; h < 2; ++h) {
        Value bFrag = vector::ExtractStridedSliceOp::create(
            b, loc, frag, ArrayRef<int64_t>{2 * h, 0}, ArrayRef<int64_t>{2, 2},
            ArrayRef<int64_t>{1, 1});
        acc[nb + h] = mma(a, bFrag, acc[nb + h]);
      }
    }
  }
  for (unsigned nb = 0; nb < blocks; ++nb)
    for (unsigned c = 0; c < 4; ++c)
      out[nb * 4 + c] = vector::ExtractOp::create(
          b, loc, acc[nb], ArrayRef<int64_t>{c / 2, c % 2});
  return out;
}

SmallVector<Value> KernelBuilder::valueProduct(ArrayRef<Value> p, Value buf) {
  unsigned blocks = valDim / 8;
  Type f32Ty = b.getF32Type();
  if (!tensorCores) {
    // SIMT: the warp's P rows through shared memory, then FMAs over keys.
    for (unsigned k = 0; k < p.size(); ++k) {
      unsigned nb = k / 4, c = k % 2, r = (k % 4) / 2;
      Value row = add(add(warpRow, g), idx(8 * r));
      Value col = add(add(idx(nb * 8 + c), t), t);
      memref::StoreOp::create(b, loc, p[k], pTile, ValueRange{row, col});
    }
    gpu::BarrierOp::create(b, loc);
    SmallVector<Value> init(blocks * 4, f32(0.0));
    auto loop = scf::ForOp::create(b, loc, idx(0), idx(tileM), idx(1), init);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value key = loop.getInductionVar();
      Value pr[2];
      for (unsigned r = 0; r < 2; ++r)
        pr[r] = memref::LoadOp::create(
            b, loc, pTile, ValueRange{add(add(warpRow, g), idx(8 * r)), key});
      SmallVector<Value> acc;
      for (unsigned k = 0; k < blocks * 4; ++k) {
        unsigned nb = k / 4, c = k % 2, r = (k % 4) / 2;
        Value col = add(add(idx(nb * 8 + c), t), t);
        Value v =
            memref::LoadOp::create(b, loc, vTile, ValueRange{buf, key, col});
        acc.push_back(
            math::FmaOp::create(b, loc, pr[r], v, loop.getRegionIterArgs()[k]));
      }
      scf::YieldOp::create(b, loc, acc);
    }
    return SmallVector<Value>(loop.getResults());
  }
  // Tensor cores: A = P from the score registers (two 8-key blocks per
  // 16-key step), B = V by ldmatrix.trans (x4: 16 keys, two 8-value blocks).
  auto aType = VectorType::get({4, 2}, elemType);
  auto pairType = VectorType::get({2}, elemType);
  auto cType = VectorType::get({2, 2}, f32Ty);
  Value zero = arith::ConstantOp::create(
      b, loc, cType, DenseElementsAttr::get(cType, b.getF32FloatAttr(0.0)));
  SmallVector<Value> acc(blocks, zero);
  Value matrix = arith::DivUIOp::create(b, loc, lane, idx(8));
  Value inMatrix = arith::RemUIOp::create(b, loc, lane, idx(8));
  Value vRow = add(mul(arith::RemUIOp::create(b, loc, matrix, idx(2)), idx(8)),
                   inMatrix);
  Value vCol = mul(arith::DivUIOp::create(b, loc, matrix, idx(2)), idx(8));
  auto pair = [&](Value x, Value y) {
    Value v = arith::ConstantOp::create(
        b, loc, pairType,
        DenseElementsAttr::get(pairType, b.getZeroAttr(elemType)));
    v = vector::InsertOp::create(b, loc,
                                 arith::TruncFOp::create(b, loc, elemType, x),
                                 v, ArrayRef<int64_t>{0});
    return vector::InsertOp::create(
        b, loc, arith::TruncFOp::create(b, loc, elemType, y), v,
        ArrayRef<int64_t>{1});
  };
  for (int64_t kc = 0; kc < tileM / 16; ++kc) {
    unsigned s0 = 2 * kc * 4, s1 = (2 * kc + 1) * 4;
    Value a = arith::ConstantOp::create(
        b, loc, aType, DenseElementsAttr::get(aType, b.getZeroAttr(elemType)));
    Value rows[4] = {pair(p[s0], p[s0 + 1]), pair(p[s0 + 2], p[s0 + 3]),
                     pair(p[s1], p[s1 + 1]), pair(p[s1 + 2], p[s1 + 3])};
    for (int64_t i = 0; i < 4; ++i)
      a = vector::InsertOp::create(b, loc, rows[i], a, ArrayRef<int64_t>{i});
    for (unsigned nb = 0; nb < blocks; nb += 2) {
      Value frag = nvgpu::LdMatrixOp::create(
          b, loc, aType, vTile,
          ValueRange{buf, add(vRow, idx(kc * 16)), add(vCol, idx(nb * 8))},
          b.getBoolAttr(true), b.getI32IntegerAttr(4));
      for (unsigned h = 0; h < 2; ++h) {
        Value bFrag = vector::ExtractStridedSliceOp::create(
            b, loc, frag, ArrayRef<int64_t>{2 * h, 0}, ArrayRef<int64_t>{2, 2},
            ArrayRef<int64_t>{1, 1});
        acc[nb + h] = mma(a, bFrag, acc[nb + h]);
      }
    }
  }
  SmallVector<Value> out;
  for (unsigned nb = 0; nb < blocks; ++nb)
    for (unsigned c = 0; c < 4; ++c)
      out.push_back(vector::ExtractOp::create(b, loc, acc[nb],
                                              ArrayRef<int64_t>{c / 2, c % 2}));
  return out;
}

FailureOr<SmallVector<Value>> KernelBuilder::tileBody(Value buf,
                                                      bool conditions) {
  unsigned nScore = tileM / 8 * 4, nAcc = valDim / 8 * 4;
  // Points of the score tile: inside |m|, and the condition where asked.
  // Points of the score tile that count: inside |m|, the condition where
  // asked, the predicate (data-dependent masks) always.
  auto holds = [&](EinsumOp e, unsigned k, Value pred) -> Value {
    Value in = valid[k];
    if (conditions && !e.getConditionSets().empty()) {
      llvm::StringMap<Value> ranks;
      pointRanks({Point::Score, k}, ranks);
      in = arith::AndIOp::create(b, loc, in, conditionAt(e, ranks));
    }
    if (pred)
      in = arith::AndIOp::create(b, loc, in, pred);
    return in;
  };
  auto predicated = [](EinsumOp e) {
    return cast<YieldOp>(e.getMapBlock().getTerminator()).getValues().size() >
           1;
  };
  // The predicate of a contraction, its main operands left unread.
  auto contractionPredicate = [&](EinsumOp e, unsigned k,
                                  ArrayRef<unsigned> main) -> FailureOr<Value> {
    if (!predicated(e))
      return Value();
    FailureOr<SmallVector<Value>> all = evaluateAll(e, {Point::Score, k}, main);
    if (failed(all))
      return failure();
    return (*all)[1];
  };
  {
    SmallVector<Value> s = scores(buf);
    Value c = f32(scale);
    Value fill = f32(qk.getEffectiveFill());
    bool masked =
        (conditions && !qk.getConditionSets().empty()) || predicated(qk);
    for (unsigned k = 0; k < nScore; ++k) {
      Value v = arith::MulFOp::create(b, loc, s[k], c);
      if (masked) {
        FailureOr<Value> pred = contractionPredicate(qk, k, {qInput, kInput});
        if (failed(pred))
          return failure();
        v = arith::SelectOp::create(b, loc, holds(qk, k, *pred), v, fill);
      }
      s[k] = v;
    }
    values[qk] = s;
  }
  for (EinsumOp e : inLoop) {
    Kind k = kindOf(e);
    switch (k) {
    case Kind::QK:
      break;
    case Kind::Elem: {
      SmallVector<Value> out;
      Value fill = f32(e.getEffectiveFill());
      bool masked =
          (conditions && !e.getConditionSets().empty()) || predicated(e);
      for (unsigned i = 0; i < nScore; ++i) {
        FailureOr<SmallVector<Value>> v = evaluateAll(e, {Point::Score, i}, {});
        if (failed(v))
          return failure();
        Value r = (*v)[0];
        if (masked)
          r = arith::SelectOp::create(
              b, loc, holds(e, i, v->size() > 1 ? (*v)[1] : Value()), r, fill);
        out.push_back(r);
      }
      values[e] = out;
      break;
    }
    case Kind::RowRed: {
      Value identity = f32(e.getEffectiveFill());
      SmallVector<Value> rows;
      for (unsigned r = 0; r < 2; ++r) {
        Value acc = identity;
        for (unsigned i = 0; i < nScore; ++i) {
          if ((i % 4) / 2 != r)
            continue;
          FailureOr<SmallVector<Value>> v =
              evaluateAll(e, {Point::Score, i}, {});
          if (failed(v))
            return failure();
          Value x = arith::SelectOp::create(
              b, loc, holds(e, i, v->size() > 1 ? (*v)[1] : Value()), (*v)[0],
              identity);
          acc = buildReductionCombine(b, loc, e.getReduction(), acc, x);
        }
        // The four threads of a row.
        for (int64_t off : {1, 2}) {
          auto sh = gpu::ShuffleOp::create(b, loc, acc, off, 32,
                                           gpu::ShuffleMode::XOR);
          acc = buildReductionCombine(b, loc, e.getReduction(), acc,
                                      sh.getShuffleResult());
        }
        rows.push_back(acc);
      }
      values[e] = rows;
      break;
    }
    case Kind::RowTile:
    case Kind::RowRec: {
      SmallVector<Value> rows;
      for (unsigned r = 0; r < 2; ++r) {
        FailureOr<Value> v = evaluate(e, {Point::Row, r});
        if (failed(v))
          return failure();
        rows.push_back(*v);
      }
      (k == Kind::RowRec ? newState : values)[e] = rows;
      break;
    }
    case Kind::PV: {
      auto pDef = pv.getInputs()[pOperand].getDefiningOp<EinsumOp>();
      SmallVector<Value> p;
      Value zero = f32(0.0);
      for (unsigned i = 0; i < nScore; ++i) {
        FailureOr<Value> pred =
            contractionPredicate(pv, i, {pOperand, vOperand});
        if (failed(pred))
          return failure();
        p.push_back(arith::SelectOp::create(b, loc, holds(pv, i, *pred),
                                            values[pDef][i], zero));
      }
      values[e] = valueProduct(p, buf);
      break;
    }
    case Kind::AccRec: {
      SmallVector<Value> out;
      for (unsigned i = 0; i < nAcc; ++i) {
        FailureOr<Value> v = evaluate(e, {Point::Acc, i});
        if (failed(v))
          return failure();
        out.push_back(*v);
      }
      newState[e] = out;
      break;
    }
    case Kind::RowFinal:
    case Kind::AccFinal:
      break;
    }
  }
  SmallVector<Value> next;
  for (EinsumOp s : states)
    llvm::append_range(next, newState[s]);
  return next;
}

//===----------------------------------------------------------------------===//
// The kernel
//===----------------------------------------------------------------------===//

LogicalResult
KernelBuilder::build(gpu::GPUModuleOp module, StringRef name,
                     ArrayRef<Param> paramList, ArrayRef<int64_t> paramOfInput,
                     ArrayRef<int64_t> paramOfResult,
                     ArrayRef<SmallVector<Operation *>> resultChains,
                     int64_t order, int64_t count) {
  int64_t threads = warps * 32;
  gpu::GPUFuncOp kernel =
      createKernel(b, loc, module, name, paramList, threads, params);
  inputParam.assign(paramOfInput.begin(), paramOfInput.end());

  // Threads and the CTA's parallel point.
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  lane = arith::RemUIOp::create(b, loc, tid, idx(32));
  warp = arith::DivUIOp::create(b, loc, tid, idx(32));
  g = arith::DivUIOp::create(b, loc, lane, idx(4));
  t = arith::RemUIOp::create(b, loc, lane, idx(4));
  warpRow = mul(warp, idx(16));
  Value bx = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value by = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  fixed[qOuter] = bx;
  Value rest = by;
  for (StringRef r : llvm::reverse(parallel)) {
    int64_t ext = cascade.staticExtent(r);
    fixed[r] = arith::RemUIOp::create(b, loc, rest, idx(ext));
    rest = arith::DivUIOp::create(b, loc, rest, idx(ext));
  }

  for (unsigned r = 0; r < 2; ++r) {
    Value row = add(add(warpRow, g), idx(8 * r));
    Value p = add(mul(bx, idx(tileN)), row);
    rowValid[r] = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, row,
                              idx(tileN)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, p,
                              idx(extentN)));
  }

  // Shared memory: Q, two K and two V tiles (rows padded by 16 bytes so
  // that ldmatrix reads 8 rows from 8 different bank groups), and P for
  // the SIMT path.
  int64_t bytes = elemType.getIntOrFloatBitWidth() / 8;
  int64_t pad = 16 / bytes;
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  // One spare row per tile takes the copies past its end.
  auto qType = MemRefType::get({1, warps * 16 + 1, headDim + pad}, elemType,
                               MemRefLayoutAttrInterface(), wg);
  auto kType = MemRefType::get({2, tileM + 1, headDim + pad}, elemType,
                               MemRefLayoutAttrInterface(), wg);
  auto vType = MemRefType::get({2, tileM + 1, valDim + pad}, elemType,
                               MemRefLayoutAttrInterface(), wg);
  auto pType = MemRefType::get({warps * 16, tileM + 1}, b.getF32Type(),
                               MemRefLayoutAttrInterface(), wg);
  auto sizeOf = [&](MemRefType t) {
    return t.getNumElements() * (t.getElementTypeBitWidth() / 8);
  };
  int64_t qOff = 0, kOff = qOff + sizeOf(qType), vOff = kOff + sizeOf(kType),
          pOff = vOff + sizeOf(vType);
  int64_t smem = pOff + (tensorCores ? 0 : sizeOf(pType));
  auto rawType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                 MemRefLayoutAttrInterface(), wg);
  Value raw = gpu::DynamicSharedMemoryOp::create(b, loc, rawType);
  auto view = [&](MemRefType t, int64_t off) {
    return memref::ViewOp::create(b, loc, t, raw, idx(off), ValueRange{});
  };
  qTile = view(qType, qOff);
  kTile = view(kType, kOff);
  vTile = view(vType, vOff);
  if (!tensorCores)
    pTile = view(pType, pOff);

  // The visited key tiles: [lo, hi), or two ranges (sink tokens and a
  // window) visited one after the other.
  Value lo = idx(0), hi = idx(cascade.staticExtent(iter));
  SmallVector<std::pair<Value, Value>> ranges;
  std::optional<TileMapAttr> tiles = cascade.getTiles();
  auto tileDims = [&](Value m1) {
    SmallVector<Value> dims;
    for (Attribute a : tiles->getDims()) {
      StringRef n = cast<StringAttr>(a).getValue();
      dims.push_back(n == iter ? m1 : fixed.lookup(n));
    }
    return dims;
  };
  SmallVector<Value> tileSyms;
  if (tiles) {
    for (Attribute a : tiles->getSymbols())
      tileSyms.push_back(
          idx(cascade.staticExtent(cast<StringAttr>(a).getValue())));
    unsigned pos = llvm::find(tiles->getDims(), tiles->getRank()) -
                   tiles->getDims().begin();
    SmallVector<Value> dims = tileDims(idx(0));
    Value vlo, vhi;
    for (IntegerSet set : tiles->getVisitSets()) {
      Value l = idx(0), h = hi;
      emitSetBounds(b, loc, set, pos, dims, tileSyms, l, h);
      ranges.push_back({l, h});
      vlo = vlo ? arith::MinSIOp::create(b, loc, vlo, l) : l;
      vhi = vhi ? arith::MaxSIOp::create(b, loc, vhi, h) : h;
    }
    lo = vlo ? vlo : idx(0);
    hi = vhi ? vhi : idx(0);
  }
  // More than two ranges: their hull.
  if (ranges.size() != 2)
    ranges = {{lo, hi}};
  // A part of split keys past |m| (the last part is short) has no tiles
  // there: the loop stops at the part's last key.
  {
    RankAttr r = cascade.lookupRank(cascade.lookupRank(iter).getParent());
    if (r && r.isInnerPart()) {
      for (Attribute a : cascade.getRanks()) {
        auto o = cast<RankAttr>(a);
        if (!o.isOuterPart() || o.getParent() != r.getParent())
          continue;
        Value outer = fixed.lookup(o.getName().getValue());
        if (!outer)
          continue;
        Value keys = arith::SubIOp::create(
            b, loc, idx(cascade.staticExtent(r.getParent().getValue())),
            mul(outer, idx(r.getTile())));
        Value tiles = arith::DivUIOp::create(b, loc, add(keys, idx(tileM - 1)),
                                             idx(tileM));
        for (auto &range : ranges)
          range.second = arith::MinSIOp::create(b, loc, range.second, tiles);
      }
    }
  }
  // The loop counts the visited tiles; `tileAt` maps the count to a tile.
  Value visits;
  std::function<Value(Value)> tileAt;
  auto sub0 = [&](Value x, Value y) {
    return arith::MaxSIOp::create(b, loc, arith::SubIOp::create(b, loc, x, y),
                                  idx(0));
  };
  if (ranges.size() == 1) {
    Value first = ranges[0].first;
    visits = sub0(ranges[0].second, first);
    tileAt = [&, first](Value c) -> Value { return add(first, c); };
  } else {
    // The range that starts first, then the rest of the other past it.
    auto [l1, h1] = ranges[0];
    auto [l2, h2] = ranges[1];
    Value firstIsOne =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, l1, l2);
    Value la = arith::SelectOp::create(b, loc, firstIsOne, l1, l2);
    Value ha = arith::SelectOp::create(b, loc, firstIsOne, h1, h2);
    Value lb = arith::SelectOp::create(b, loc, firstIsOne, l2, l1);
    Value hb = arith::SelectOp::create(b, loc, firstIsOne, h2, h1);
    Value na = sub0(ha, la);
    Value lb2 = arith::MaxSIOp::create(b, loc, lb, ha);
    Value nb = sub0(hb, lb2);
    visits = add(na, nb);
    tileAt = [&, la, na, lb2](Value c) -> Value {
      Value inA =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, c, na);
      Value inB = add(lb2, arith::SubIOp::create(b, loc, c, na));
      return arith::SelectOp::create(b, loc, inA, add(la, c), inB);
    };
  }

  // Stage Q and the first K, V tile.
  Value zeroBuf = idx(0);
  Value yes = arith::ConstantIntOp::create(b, loc, 1, 1);
  SmallVector<Value> tokens;
  stageTile(qk, qInput, qOuter, qInner, bx, warps * 16, headRank, headDim,
            qTile, zeroBuf, yes, tokens);
  Value firstTile = tileAt(idx(0));
  stageTile(qk, kInput, iter, inner, firstTile, tileM, headRank, headDim, kTile,
            zeroBuf, yes, tokens);
  stageTile(pv, vOperand, iter, inner, firstTile, tileM, valRank, valDim, vTile,
            zeroBuf, yes, tokens);
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(ctx);
  Value firstGroup =
      nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, tokens);

  // The running states.
  SmallVector<Value> init;
  unsigned nAcc = valDim / 8 * 4;
  for (EinsumOp s : states) {
    double v = s.getInit() ? s.getInit()->convertToDouble() : 0.0;
    unsigned n = kindOf(s) == Kind::RowRec ? 2 : nAcc;
    for (unsigned i = 0; i < n; ++i)
      init.push_back(f32(v));
  }
  auto loop = scf::ForOp::create(b, loc, idx(0), visits, idx(1), init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value counter = loop.getInductionVar();
    keyTile = tileAt(counter);
    unsigned at = 0;
    for (EinsumOp s : states) {
      unsigned n = kindOf(s) == Kind::RowRec ? 2 : nAcc;
      oldState[s] = SmallVector<Value>(loop.getRegionIterArgs().slice(at, n));
      at += n;
    }
    Value buf = arith::RemUIOp::create(b, loc, counter, idx(2));
    Value other = arith::SubIOp::create(b, loc, idx(1), buf);
    Value nextCount = add(counter, idx(1));
    Value more = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                       nextCount, visits);
    Value next = tileAt(nextCount);
    // Prefetch the next tile (past the last one, copies of nothing).
    SmallVector<Value> nextTokens;
    stageTile(qk, kInput, iter, inner, next, tileM, headRank, headDim, kTile,
              other, more, nextTokens);
    stageTile(pv, vOperand, iter, inner, next, tileM, valRank, valDim, vTile,
              other, more, nextTokens);
    Value token =
        nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, nextTokens);
    // All but the newest group (the prefetch) have landed.
    nvgpu::DeviceAsyncWaitOp::create(b, loc, token, b.getI32IntegerAttr(1));
    gpu::BarrierOp::create(b, loc);

    // Keys of the tile inside |m|.
    valid.clear();
    for (unsigned k = 0; k < tileM / 8 * 4; ++k) {
      unsigned nb = k / 4, c = k % 2;
      Value col = add(add(idx(nb * 8 + c), t), t);
      valid.push_back(keyInside(keyTile, col));
    }

    SmallVector<Value> nextState;
    bool anyCondition =
        llvm::any_of(
            inLoop, [](EinsumOp e) { return !e.getConditionSets().empty(); }) ||
        !qk.getConditionSets().empty();
    SmallVector<IntegerSet> partialSets;
    if (tiles)
      partialSets = tiles->getPartialSets();
    if (!anyCondition || !tiles) {
      FailureOr<SmallVector<Value>> s = tileBody(buf, /*conditions=*/true);
      if (failed(s))
        return failure();
      nextState = *s;
    } else {
      // Partial tiles apply the conditions; full tiles do not.
      Value partial =
          emitSetsHold(b, loc, partialSets, tileDims(keyTile), tileSyms);
      SmallVector<Type> types(init.size(), b.getF32Type());
      auto ifOp = scf::IfOp::create(b, loc, types, partial, /*withElse=*/true);
      for (bool cond : {true, false}) {
        OpBuilder::InsertionGuard g3(b);
        b.setInsertionPointToStart(cond ? ifOp.thenBlock() : ifOp.elseBlock());
        FailureOr<SmallVector<Value>> s = tileBody(buf, cond);
        if (failed(s))
          return failure();
        scf::YieldOp::create(b, loc, *s);
      }
      nextState = SmallVector<Value>(ifOp.getResults());
    }
    // Every thread is done with this buffer before it is refilled.
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, nextState);
  }
  nvgpu::DeviceAsyncWaitOp::create(b, loc, firstGroup, b.getI32IntegerAttr(0));
  keyTile = Value();

  // The final states, and the einsums after the loop.
  {
    unsigned at = 0;
    for (EinsumOp s : states) {
      unsigned n = kindOf(s) == Kind::RowRec ? 2 : nAcc;
      SmallVector<Value> v(loop.getResults().slice(at, n));
      oldState[s] = v;
      newState[s] = v;
      at += n;
    }
  }
  for (EinsumOp e : afterLoop) {
    bool acc = kindOf(e) == Kind::AccFinal;
    SmallVector<Value> out;
    for (unsigned i = 0; i < (acc ? nAcc : 2); ++i) {
      FailureOr<Value> v = evaluate(e, {acc ? Point::Acc : Point::Row, i});
      if (failed(v))
        return failure();
      out.push_back(*v);
    }
    values[e] = out;
  }

  // Stores: the result's index through the reshapes and the slice between
  // the cascade and the function's return.
  for (auto [ri, e] : llvm::enumerate(results)) {
    bool acc = kindOf(e) == Kind::AccFinal;
    const Param &param = paramList[paramOfResult[ri]];
    for (unsigned i = 0; i < (acc ? nAcc : 2); ++i) {
      llvm::StringMap<Value> ranks;
      pointRanks({acc ? Point::Acc : Point::Row, (unsigned)i}, ranks);
      SmallVector<Value> ix = applyMap(e, e.getOutputMap(), ranks);
      auto shape =
          SmallVector<int64_t>(cast<RankedTensorType>(e.getType()).getShape());
      storeResult(b, loc, values[e][i], ix, shape, resultChains[ri],
                  rowValid[acc ? (i % 4) / 2 : i], params[paramOfResult[ri]],
                  param.type.getElementType());
    }
  }
  gpu::ReturnOp::create(b, loc);

  // What a launcher needs.
  int64_t gridY = 1;
  for (StringRef r : parallel)
    gridY *= cascade.staticExtent(r);
  int64_t gridX = cascade.staticExtent(qOuter);
  if (gridY > 65535)
    return refuse(cascade, "the batch, heads and key parts make " +
                               Twine(gridY) +
                               " CTAs along grid y, more than 65535");
  std::string gx =
      "ceildiv(" + std::to_string(extentN) + ", " + std::to_string(tileN) + ")";
  std::string gy;
  for (StringRef r : parallel)
    gy += (gy.empty() ? "" : " * ") + std::string("|") + r.str() + "|";
  kernel->setAttr("cascade.kernel",
                  kernelInfo(b, func.getName(), {gridX, gridY, 1},
                             {gx, gy.empty() ? "1" : gy, "1"}, threads, smem,
                             {tileN, tileM}, tensorCores ? "mma.sync" : "simt",
                             paramList, order, count));
  return success();
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// Cascades without a key loop (the merge of split-KV parts)
//===----------------------------------------------------------------------===//

namespace {
/// A kernel that evaluates a cascade without recurrences one thread per
/// element of each result: every einsum at a point is its map region there,
/// reduced over its reduced ranks by loops. The merge of split-KV parts is
/// such a cascade (a max, a factor and two sums over the parts per row).
class ScalarKernel {
public:
  ScalarKernel(CascadeOp cascade, func::FuncOp func)
      : cascade(cascade), func(func), loc(cascade.getLoc()),
        b(cascade.getContext()) {}

  LogicalResult build(gpu::GPUModuleOp module, StringRef name,
                      ArrayRef<Param> paramList, ArrayRef<int64_t> inputParam,
                      ArrayRef<int64_t> resultParam,
                      ArrayRef<SmallVector<Operation *>> resultChains,
                      int64_t order, int64_t count) {
    auto yield = cast<YieldOp>(cascade.getBodyBlock().getTerminator());
    for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>())
      if (e.isRecurrence())
        return e.emitError() << "cannot compile for nvptx: recurrence '"
                             << e.getName() << "' outside a key loop";
    int64_t threads = 128, most = 1;
    for (Value v : yield.getValues())
      most =
          std::max(most, cast<RankedTensorType>(v.getType()).getNumElements());
    createKernel(b, loc, module, name, paramList, threads, params);
    inputs.assign(inputParam.begin(), inputParam.end());
    Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    Value bx = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
    Value id = add(mul(bx, idx(threads)), tid);
    for (auto [ri, v] : llvm::enumerate(yield.getValues())) {
      auto e = v.getDefiningOp<EinsumOp>();
      if (!e)
        return cascade.emitError()
               << "cannot compile for nvptx: a result of cascade '"
               << cascade.getName() << "' is not an einsum";
      auto type = cast<RankedTensorType>(e.getType());
      Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                           id, idx(type.getNumElements()));
      auto ifOp = scf::IfOp::create(b, loc, inside, /*withElse=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(ifOp.thenBlock());
      // The point of this thread, along the result's ranks.
      llvm::StringMap<Value> ranks;
      SmallVector<Value> ix(type.getRank());
      Value rest = id;
      for (int64_t d = type.getRank() - 1; d >= 0; --d) {
        ix[d] = arith::RemUIOp::create(b, loc, rest, idx(type.getDimSize(d)));
        rest = arith::DivUIOp::create(b, loc, rest, idx(type.getDimSize(d)));
        ranks[e.getRankName(e.getOutputDim(d))] = ix[d];
      }
      FailureOr<Value> value = evaluate(e, ranks);
      if (failed(value))
        return failure();
      const Param &param = paramList[resultParam[ri]];
      storeResult(b, loc, *value, ix, SmallVector<int64_t>(type.getShape()),
                  resultChains[ri], arith::ConstantIntOp::create(b, loc, 1, 1),
                  params[resultParam[ri]], param.type.getElementType());
    }
    gpu::ReturnOp::create(b, loc);
    auto kernel = cast<gpu::GPUFuncOp>(module.lookupSymbol(name));
    int64_t blocks = (most + threads - 1) / threads;
    kernel->setAttr(
        "cascade.kernel",
        kernelInfo(b, func.getName(), {blocks, 1, 1},
                   {"ceildiv(" + std::to_string(most) + ", 128)", "1", "1"},
                   threads, 0, {}, "simt", paramList, order, count));
    return success();
  }

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }

  SmallVector<Value> dimsAndSyms(EinsumOp e, const llvm::StringMap<Value> &r,
                                 SmallVectorImpl<Value> &syms) {
    SmallVector<Value> dims;
    for (unsigned d = 0; d < e.getNumRanks(); ++d) {
      Value v = r.lookup(e.getRankName(d));
      dims.push_back(v ? v : idx(0));
    }
    for (Attribute a : e.getSymbols())
      syms.push_back(idx(cascade.staticExtent(cast<StringAttr>(a).getValue())));
    return dims;
  }

  /// The value of `e` at the point `ranks` (its output ranks).
  FailureOr<Value> evaluate(EinsumOp e, const llvm::StringMap<Value> &ranks) {
    Block &body = e.getMapBlock();
    SmallVector<unsigned> reduced = e.getReducedDims();
    Type type = cast<YieldOp>(body.getTerminator()).getValues()[0].getType();
    double fillValue = e.getEffectiveFill();
    Value fill =
        arith::ConstantOp::create(b, loc, b.getFloatAttr(type, fillValue));
    // One point of the iteration space: the body, its predicate and the
    // condition.
    auto point = [&](const llvm::StringMap<Value> &at)
        -> FailureOr<std::pair<Value, Value>> {
      IRMapping map;
      for (unsigned i = 0; i < e.getInputs().size(); ++i) {
        Value in = e.getInputs()[i];
        SmallVector<Value> syms;
        SmallVector<Value> dims = dimsAndSyms(e, at, syms);
        SmallVector<Value> ix;
        for (AffineExpr r : e.getInputMap(i).getResults())
          ix.push_back(affine::expandAffineExpr(b, loc, r, dims, syms));
        if (auto arg = dyn_cast<BlockArgument>(in)) {
          auto t = cast<RankedTensorType>(in.getType());
          Value lin = idx(0);
          for (auto [d, x] : llvm::enumerate(ix))
            lin = add(mul(lin, idx(t.getDimSize(d))), x);
          map.map(body.getArgument(i),
                  memref::LoadOp::create(b, loc,
                                         params[inputs[arg.getArgNumber()]],
                                         ValueRange{lin}));
          continue;
        }
        auto def = in.getDefiningOp<EinsumOp>();
        llvm::StringMap<Value> defRanks;
        for (auto [pos, x] : llvm::enumerate(ix))
          defRanks[def.getRankName(def.getOutputDim(pos))] = x;
        FailureOr<Value> v = evaluate(def, defRanks);
        if (failed(v))
          return failure();
        map.map(body.getArgument(i), *v);
      }
      cloneMapOps(b, loc, cascade, body, at, map);
      auto yielded = cast<YieldOp>(body.getTerminator()).getValues();
      Value keep = arith::ConstantIntOp::create(b, loc, 1, 1);
      if (yielded.size() > 1)
        keep = map.lookupOrDefault(yielded[1]);
      if (!e.getConditionSets().empty()) {
        SmallVector<Value> syms;
        SmallVector<Value> dims = dimsAndSyms(e, at, syms);
        keep = arith::AndIOp::create(
            b, loc, keep,
            emitSetsHold(b, loc, e.getConditionSets(), dims, syms));
      }
      return std::make_pair(map.lookupOrDefault(yielded[0]), keep);
    };
    if (reduced.empty()) {
      auto pv = point(ranks);
      if (failed(pv))
        return failure();
      return Value(
          arith::SelectOp::create(b, loc, pv->second, pv->first, fill));
    }
    // Loops over the reduced ranks, the partial reduction carried.
    std::function<FailureOr<Value>(unsigned, llvm::StringMap<Value>, Value)>
        loop = [&](unsigned k, llvm::StringMap<Value> at,
                   Value acc) -> FailureOr<Value> {
      if (k == reduced.size()) {
        auto pv = point(at);
        if (failed(pv))
          return failure();
        Value x = arith::SelectOp::create(b, loc, pv->second, pv->first, fill);
        switch (e.getReduction()) {
        case ReductionKind::Add:
          return Value(arith::AddFOp::create(b, loc, acc, x));
        case ReductionKind::Mul:
          return Value(arith::MulFOp::create(b, loc, acc, x));
        case ReductionKind::Max:
          return Value(arith::MaximumFOp::create(b, loc, acc, x));
        case ReductionKind::Min:
          return Value(arith::MinimumFOp::create(b, loc, acc, x));
        case ReductionKind::None:
          return x;
        }
        return x;
      }
      StringRef rank = e.getRankName(reduced[k]);
      auto forOp =
          scf::ForOp::create(b, loc, idx(0), idx(cascade.staticExtent(rank)),
                             idx(1), ValueRange{acc});
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(forOp.getBody());
      at[rank] = forOp.getInductionVar();
      FailureOr<Value> next = loop(k + 1, at, forOp.getRegionIterArgs()[0]);
      if (failed(next))
        return failure();
      scf::YieldOp::create(b, loc, *next);
      return Value(forOp.getResult(0));
    };
    return loop(0, ranks, fill);
  }

  CascadeOp cascade;
  func::FuncOp func;
  Location loc;
  OpBuilder b;
  SmallVector<Value> params;
  SmallVector<int64_t> inputs;
};
} // namespace

/// The function argument behind a cascade input, through reshapes.
static Value argumentBehind(Value v, SmallVectorImpl<Operation *> &chain) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def))
      return Value();
    chain.push_back(def);
    v = def->getOperand(0);
  }
  return isa<BlockArgument>(v) ? v : Value();
}

namespace {
struct ConvertEinToGPUPass
    : public cascade::impl::ConvertEinToGPUBase<ConvertEinToGPUPass> {
  using ConvertEinToGPUBase::ConvertEinToGPUBase;

  LogicalResult convertFunction(func::FuncOp fn) {
    SmallVector<CascadeOp> cascades(fn.getOps<CascadeOp>());
    auto fail = [&](Operation *at, const Twine &why) {
      at->emitError() << "cannot compile for nvptx: " << why;
      return failure();
    };
    if (cascades.empty())
      return fail(fn, "function '" + fn.getName() +
                          "' has no attention (no ein.cascade) to compile");
    // Parameters: the arguments, the results, then the tensors one kernel
    // passes to the next (split-KV's partial states).
    SmallVector<Param> params;
    for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes())) {
      auto t = dyn_cast<RankedTensorType>(type);
      if (!t || !t.hasStaticShape())
        return fail(fn, "argument " + Twine(i) +
                            " is not a statically shaped tensor");
      auto name = fn.getArgAttrOfType<StringAttr>(i, "cascade.name");
      params.push_back(
          {name ? name.str() : "arg" + std::to_string(i), "input", t});
    }
    unsigned numArgs = params.size();
    for (auto [i, type] : llvm::enumerate(fn.getResultTypes())) {
      auto t = dyn_cast<RankedTensorType>(type);
      if (!t || !t.hasStaticShape())
        return fail(fn, "result " + Twine(i) +
                            " is not a statically shaped tensor");
      auto name = fn.getResultAttrOfType<StringAttr>(i, "cascade.name");
      params.push_back(
          {name ? name.str() : "result" + std::to_string(i), "output", t});
    }
    // Everything in the function is a cascade, a reshape of an argument,
    // or a reshape/slice of a cascade result.
    auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
    for (Operation &op : fn.getBody().front()) {
      if (isa<CascadeOp, func::ReturnOp, tensor::ExpandShapeOp,
              tensor::CollapseShapeOp, tensor::ExtractSliceOp>(op))
        continue;
      return fail(&op, "the nvptx target compiles functions made of "
                       "attention on their arguments; '" +
                           op.getName().getStringRef() +
                           "' is neither attention nor a reshape");
    }
    // Which result each cascade result feeds, through reshapes and slices.
    llvm::DenseMap<Value, std::pair<unsigned, SmallVector<Operation *>>> feeds;
    for (auto [ri, v] : llvm::enumerate(ret.getOperands())) {
      SmallVector<Operation *> chain;
      Value cur = v;
      while (Operation *def = cur.getDefiningOp()) {
        if (isa<CascadeOp>(def))
          break;
        if (auto slice = dyn_cast<tensor::ExtractSliceOp>(def)) {
          if (!slice.hasUnitStride() ||
              !llvm::all_of(slice.getStaticOffsets(),
                            [](int64_t o) { return o == 0; }) ||
              slice.getSourceType().getRank() != slice.getType().getRank())
            return fail(def, "a result is sliced other than as a prefix");
        } else if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def)) {
          return fail(def, "a result is not computed by attention");
        }
        chain.push_back(def);
        cur = def->getOperand(0);
      }
      if (!cur.getDefiningOp<CascadeOp>())
        return fail(fn, "result " + Twine(ri) +
                            " is not computed by attention (an argument "
                            "returned as it is?)");
      std::reverse(chain.begin(), chain.end());
      if (feeds.count(cur))
        return fail(fn, "a cascade result is returned twice");
      feeds[cur] = {(unsigned)ri, chain};
    }
    // Cascade results read by a later cascade: scratch buffers.
    llvm::DenseMap<Value, int64_t> scratch;
    for (CascadeOp c : cascades)
      for (auto [i, r] : llvm::enumerate(c.getResults())) {
        if (feeds.count(r))
          continue;
        if (!llvm::all_of(r.getUsers(),
                          [](Operation *u) { return isa<CascadeOp>(u); }))
          return fail(c, "a cascade result is neither returned nor read by "
                         "another cascade");
        scratch[r] = params.size();
        params.push_back({c.getName().str() + "." + std::to_string(i),
                          "scratch", cast<RankedTensorType>(r.getType())});
      }
    for (auto [ci, c] : llvm::enumerate(cascades)) {
      SmallVector<int64_t> inputParam;
      for (Value in : c.getInputs()) {
        if (scratch.count(in)) {
          inputParam.push_back(scratch[in]);
          continue;
        }
        SmallVector<Operation *> chain;
        Value arg = argumentBehind(in, chain);
        if (!arg)
          return fail(c, "a cascade input is not a function argument "
                         "(computed inputs are not compiled for nvptx yet)");
        inputParam.push_back(cast<BlockArgument>(arg).getArgNumber());
      }
      SmallVector<int64_t> resultParam;
      SmallVector<SmallVector<Operation *>> resultChains;
      for (Value r : c.getResults()) {
        if (scratch.count(r)) {
          resultParam.push_back(scratch[r]);
          resultChains.push_back({});
          continue;
        }
        auto it = feeds.find(r);
        resultParam.push_back(numArgs + it->second.first);
        resultChains.push_back(it->second.second);
      }
      std::string name = fn.getName().str();
      if (cascades.size() > 1)
        name += "_" + std::to_string(ci);
      // One gpu.module per kernel: one PTX file each.
      OpBuilder mb(fn);
      auto module = gpu::GPUModuleOp::create(mb, c.getLoc(), name);
      // A cascade that only reads what earlier kernels wrote (the merge of
      // split-KV parts) is evaluated one thread per result element; the
      // others must be one-pass attention.
      bool merge = llvm::all_of(c.getInputs(),
                                [&](Value in) { return scratch.count(in); });
      if (!merge) {
        KernelBuilder kb(c, fn);
        if (failed(kb.analyze()) ||
            failed(kb.build(module, name, params, inputParam, resultParam,
                            resultChains, ci, cascades.size())))
          return failure();
      } else {
        ScalarKernel sk(c, fn);
        if (failed(sk.build(module, name, params, inputParam, resultParam,
                            resultChains, ci, cascades.size())))
          return failure();
      }
    }
    return success();
  }

  void runOnOperation() override {
    ModuleOp m = getOperation();
    SmallVector<func::FuncOp> fns;
    for (auto fn : m.getOps<func::FuncOp>())
      if (!fn.isExternal())
        fns.push_back(fn);
    if (fns.empty())
      return;
    m->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
               UnitAttr::get(m.getContext()));
    for (func::FuncOp fn : fns)
      if (failed(convertFunction(fn)))
        return signalPassFailure();
    for (func::FuncOp fn : fns)
      fn.erase();
  }
};
} // namespace
