//===- Pipelines.cpp - Cascade's named pass pipelines ---------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "cascade/Pipelines/Pipelines.h"

#include "cascade/Conversion/Passes.h"
#include "dialects/Attn/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

std::optional<cascade::Stage> cascade::parseStage(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Stage>>(name)
      .Case("attn", Stage::Attn)
      .Case("ein", Stage::Ein)
      .Case("ein-1pass", Stage::Ein1Pass)
      .Case("loops", Stage::Loops)
      .Case("llvm", Stage::LLVM)
      .Default(std::nullopt);
}

llvm::StringRef cascade::stageName(Stage stage) {
  switch (stage) {
  case Stage::Attn:
    return "attn";
  case Stage::Ein:
    return "ein";
  case Stage::Ein1Pass:
    return "ein-1pass";
  case Stage::Loops:
    return "loops";
  case Stage::LLVM:
    return "llvm";
  }
  return "";
}

namespace {
/// Marks every public function `llvm.emit_c_interface`, so the compiled
/// library exports `_mlir_ciface_<name>` taking memref descriptors.
struct EmitCInterfacePass
    : public PassWrapper<EmitCInterfacePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(EmitCInterfacePass)
  StringRef getArgument() const override { return "cascade-emit-c-interface"; }
  StringRef getDescription() const override {
    return "Give public functions a C interface";
  }
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (fn.isPublic() && !fn.isExternal())
        fn->setAttr("llvm.emit_c_interface", UnitAttr::get(&getContext()));
  }
};
/// Marks the tensor arguments of public functions `bufferization.writable =
/// false`: the C ABI promises that a call only reads its inputs (callers
/// share them between calls and threads), so bufferization must copy an
/// argument rather than write into it. Attention only reads its inputs and
/// pays nothing; elementwise code that could have reused an input buffer
/// gets a buffer of its own.
struct ReadOnlyInputsPass
    : public PassWrapper<ReadOnlyInputsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ReadOnlyInputsPass)
  StringRef getArgument() const override { return "cascade-read-only-inputs"; }
  StringRef getDescription() const override {
    return "Keep bufferization from writing into the tensor arguments of "
           "public functions";
  }
  void runOnOperation() override {
    auto readOnly = BoolAttr::get(&getContext(), false);
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (!fn.isPublic() || fn.isExternal())
        continue;
      for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes()))
        if (llvm::isa<TensorType>(type))
          fn.setArgAttr(i,
                        bufferization::BufferizationDialect::kWritableAttrName,
                        readOnly);
    }
  }
};

/// Rewrites memref.copy as linalg.copy, which becomes loops: a copy between
/// strided views (a result sliced out of a tiled buffer) would otherwise
/// call a runtime library that compiled kernels do not link.
struct CopiesToLinalgPass
    : public PassWrapper<CopiesToLinalgPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CopiesToLinalgPass)
  StringRef getArgument() const override { return "cascade-copies-to-linalg"; }
  StringRef getDescription() const override {
    return "Rewrite memref.copy as linalg.copy, or compute a result that is "
           "only reshaped and copied out into the out-parameter itself";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<linalg::LinalgDialect>();
  }
  /// When the views from the buffer to the copy only reshape it (collapses,
  /// whole-buffer subviews, casts) and the target is a function argument
  /// with the identity layout (an out-param), computes into the target
  /// itself, expanded to the buffer's shape: no buffer, no copy, none of the
  /// page faults of a fresh allocation per call.
  static bool computeInPlace(memref::CopyOp c, memref::AllocOp alloc,
                             ArrayRef<Operation *> chain) {
    auto target = dyn_cast<BlockArgument>(c.getTarget());
    auto allocType = alloc.getType();
    if (!target || !allocType.hasStaticShape() ||
        !allocType.getLayout().isIdentity())
      return false;
    auto targetType = dyn_cast<MemRefType>(target.getType());
    if (!targetType || !targetType.getLayout().isIdentity() ||
        !targetType.hasStaticShape())
      return false;
    // The chain, from the buffer to the copy: collapses to invert.
    SmallVector<memref::CollapseShapeOp> collapses;
    for (Operation *op : llvm::reverse(chain)) {
      if (auto collapse = dyn_cast<memref::CollapseShapeOp>(op)) {
        collapses.push_back(collapse);
      } else if (auto sub = dyn_cast<memref::SubViewOp>(op)) {
        auto src = sub.getSourceType();
        if (!src.hasStaticShape() ||
            sub.getType().getShape() != src.getShape() ||
            !llvm::all_of(sub.getStaticOffsets(),
                          [](int64_t o) { return o == 0; }) ||
            !llvm::all_of(sub.getStaticStrides(),
                          [](int64_t s) { return s == 1; }))
          return false;
      } else if (!isa<memref::CastOp>(op)) {
        return false;
      }
    }
    // The target, expanded back through the collapses (last first).
    OpBuilder b(alloc);
    Value v = target;
    for (memref::CollapseShapeOp collapse : llvm::reverse(collapses)) {
      auto srcType = collapse.getSrcType();
      if (!srcType.getLayout().isIdentity() || !srcType.hasStaticShape())
        return false;
      v = memref::ExpandShapeOp::create(b, alloc.getLoc(), srcType.getShape(),
                                        v, collapse.getReassociationIndices());
    }
    if (v.getType() != allocType)
      return false;
    alloc.getResult().replaceAllUsesWith(v);
    c.erase();
    for (Operation *op : chain)
      if (op->use_empty())
        op->erase();
    alloc.erase();
    return true;
  }

  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp c) { copies.push_back(c); });
    for (memref::CopyOp c : copies) {
      // A result computed into a tiled buffer and copied out through views
      // of it: the buffer dies with the copy.
      SmallVector<Operation *> chain;
      Value root = c.getSource();
      while (Operation *def = root.getDefiningOp()) {
        if (auto view = dyn_cast<ViewLikeOpInterface>(def))
          root = view.getViewSource();
        else if (auto cast = dyn_cast<memref::CastOp>(def))
          root = cast.getSource();
        else
          break;
        chain.push_back(def);
      }
      auto alloc = root.getDefiningOp<memref::AllocOp>();
      Block *block = c->getBlock();
      // The copy is the buffer's last use: every other use is in an earlier
      // op of this block (the loop nest that computes it), none passes it
      // on, and no dealloc exists.
      bool onlyThisCopy =
          alloc && alloc->getBlock() == block &&
          llvm::all_of(chain, [&](Operation *v) { return v->hasOneUse(); }) &&
          llvm::all_of(alloc->getUsers(), [&](Operation *u) {
            Operation *top = block->findAncestorOpInBlock(*u);
            return top &&
                   !isa<memref::DeallocOp, func::ReturnOp, func::CallOp>(u) &&
                   (llvm::is_contained(chain, top) || top->isBeforeInBlock(c));
          });
      OpBuilder b(c);
      if (onlyThisCopy && computeInPlace(c, alloc, chain))
        continue;
      auto copy =
          linalg::CopyOp::create(b, c.getLoc(), c.getSource(), c.getTarget());
      c.erase();
      if (onlyThisCopy) {
        b.setInsertionPointAfter(copy);
        memref::DeallocOp::create(b, alloc.getLoc(), alloc.getResult());
      }
    }
  }
};
/// Lets LLVM reassociate and contract the floating-point arithmetic of the
/// loop bodies (`reassoc contract`), which vectorizes the tile reductions
/// (dot products, row sums, running maxima) and fuses multiply-adds. NaN
/// and infinity keep their meaning: masked scores are -inf and stay so.
struct ReassociateFloatsPass
    : public PassWrapper<ReassociateFloatsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ReassociateFloatsPass)
  StringRef getArgument() const override {
    return "cascade-reassociate-floats";
  }
  StringRef getDescription() const override {
    return "Mark floating-point arithmetic reassoc and contract";
  }
  void runOnOperation() override {
    auto flags = arith::FastMathFlagsAttr::get(
        &getContext(),
        arith::FastMathFlags::reassoc | arith::FastMathFlags::contract);
    getOperation().walk([&](arith::ArithFastMathInterface op) {
      if (isa<arith::AddFOp, arith::MulFOp, arith::SubFOp, arith::MaximumFOp,
              arith::MinimumFOp, arith::MaxNumFOp, arith::MinNumFOp>(op))
        op->setAttr(op.getFastMathAttrName(), flags);
    });
  }
};
/// Replaces `math.exp`, `math.log`, `math.tanh`, ... on f32 (scalars and
/// vectors) by polynomial approximations in arith and vector operations, so
/// that the vectorized tile bodies do not call libm element by element.
struct ApproximateMathPass
    : public PassWrapper<ApproximateMathPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ApproximateMathPass)
  StringRef getArgument() const override { return "cascade-approximate-math"; }
  StringRef getDescription() const override {
    return "Polynomial approximations of the f32 math functions";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<vector::VectorDialect, math::MathDialect>();
  }
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
/// Rewrites linalg's aggregate named ops (`linalg.softmax`) into the generic
/// ops they stand for, which bufferize and lower to loops like the rest of a
/// linalg graph.
struct DecomposeAggregatesPass
    : public PassWrapper<DecomposeAggregatesPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(DecomposeAggregatesPass)
  StringRef getArgument() const override {
    return "cascade-decompose-aggregates";
  }
  StringRef getDescription() const override {
    return "Decompose linalg's aggregate ops (softmax) into generic ops";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<linalg::LinalgDialect, arith::ArithDialect,
                    math::MathDialect, tensor::TensorDialect>();
  }
  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> ops;
    getOperation().walk(
        [&](linalg::AggregatedOpInterface op) { ops.push_back(op); });
    for (linalg::AggregatedOpInterface op : ops) {
      OpBuilder b(op);
      FailureOr<SmallVector<Value>> values = op.decomposeOperation(b);
      if (failed(values)) {
        op->emitError("cannot decompose this aggregate op into generic ops");
        return signalPassFailure();
      }
      op->replaceAllUsesWith(*values);
      op->erase();
    }
  }
};
/// Reorders the loops of the graph's contractions (the projections and MLP
/// matmuls that TOSA lowers to linalg.batch_matmul) so that the reduction
/// comes before the output's innermost dimension: `C[b, m, n] += A[b, m, k] *
/// B[b, k, n]` runs as b, m, k, n, whose innermost loop streams rows of B
/// and C contiguously, which LLVM vectorizes, instead of a scalar dot
/// product over a column of B. Only ops at the top of a function: the tiles
/// of the attention loop nests are vectorized by cascade-vectorize-tiles.
struct InterchangeContractionsPass
    : public PassWrapper<InterchangeContractionsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(InterchangeContractionsPass)
  StringRef getArgument() const override {
    return "cascade-interchange-contractions";
  }
  StringRef getDescription() const override {
    return "Put the reduction loops of graph contractions outside the "
           "output's innermost dimension";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<linalg::LinalgDialect>();
  }
  /// The loop order, or nothing when the op keeps its own.
  static std::optional<SmallVector<unsigned>> order(linalg::LinalgOp op) {
    if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
      return std::nullopt;
    AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
    if (out.getNumResults() == 0)
      return std::nullopt;
    auto last = dyn_cast<AffineDimExpr>(out.getResults().back());
    if (!last)
      return std::nullopt;
    unsigned lastDim = last.getPosition();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    if (lastDim == iterators.size() - 1)
      return std::nullopt;
    // Every input reads the innermost dimension contiguously or not at all.
    for (OpOperand *in : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(in);
      for (auto [i, e] : llvm::enumerate(map.getResults()))
        if (e.isFunctionOfDim(lastDim) &&
            (i + 1 != map.getNumResults() || e != last))
          return std::nullopt;
    }
    SmallVector<unsigned> permutation;
    for (unsigned d = 0; d < iterators.size(); ++d)
      if (d != lastDim && iterators[d] == utils::IteratorType::parallel)
        permutation.push_back(d);
    for (unsigned d = 0; d < iterators.size(); ++d)
      if (iterators[d] == utils::IteratorType::reduction)
        permutation.push_back(d);
    permutation.push_back(lastDim);
    return permutation;
  }
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<func::FuncOp>(op->getParentOp()) && order(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      std::optional<SmallVector<unsigned>> permutation = order(op);
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> g =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(g))
          continue;
        generic = *g;
      }
      (void)linalg::interchangeGenericOp(rewriter, generic, *permutation);
    }
  }
};
} // namespace

int64_t cascade::hostVectorWidth() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 16;
  if (features.lookup("avx2") || features.lookup("avx"))
    return 8;
  return 4;
}

bool cascade::hostHasBF16DotProducts() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  return features.lookup("avx512f") && features.lookup("avx512bf16");
}

/// The model graph around the attention (TOSA from the ONNX importer or
/// another frontend) to linalg, tensor and arith on tensors; no-op for a
/// module without TOSA.
static void addGraphLowering(OpPassManager &pm) {
  tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions(),
                              TosaToLinalgNamedOptions(),
                              /*validationOptions=*/std::nullopt);
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  pm.addPass(std::make_unique<DecomposeAggregatesPass>());
  pm.addPass(std::make_unique<InterchangeContractionsPass>());
}

/// Bufferization and lowering to the LLVM dialect, shared by the CPU and
/// reference pipelines.
static void addBufferizeAndLower(OpPassManager &pm, bool stopAtLoops,
                                 int64_t vectorWidth, bool bf16Dot) {
  // Elementwise arithmetic on tensors around the attention blocks.
  pm.addPass(createConvertElementwiseToLinalgPass());
  pm.addPass(std::make_unique<ReadOnlyInputsPass>());
  bufferization::OneShotBufferizePassOptions bufOpts;
  bufOpts.bufferizeFunctionBoundaries = true;
  bufOpts.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufOpts));
  bufferization::BufferResultsToOutParamsPassOptions outOpts;
  outOpts.hoistStaticAllocs = true;
  outOpts.hoistDynamicAllocs = true;
  outOpts.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outOpts));
  if (stopAtLoops) {
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    return;
  }
  pm.addPass(std::make_unique<CopiesToLinalgPass>());
  if (vectorWidth > 0) {
    cascade::VectorizeTilesOptions vectorize;
    vectorize.width = vectorWidth;
    vectorize.bf16Dot = bf16Dot;
    pm.addPass(cascade::createVectorizeTiles(vectorize));
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  pm.addPass(std::make_unique<ApproximateMathPass>());
  pm.addPass(std::make_unique<ReassociateFloatsPass>());
  // The parallel ranks (batch, head, query tile) across the threads of the
  // OpenMP runtime: OMP_NUM_THREADS, or omp_set_num_threads of the caller.
  pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(std::make_unique<EmitCInterfacePass>());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.x86Vector = bf16Dot;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void cascade::buildCascadeCPUPipeline(OpPassManager &pm,
                                      const CPUPipelineOptions &options,
                                      Stage stopAfter) {
  // Attention inside a model graph (TOSA) as attn ops; the rest of the
  // graph is lowered by MLIR's TOSA and linalg passes after the attn stage.
  if (options.raise) {
    pm.addNestedPass<func::FuncOp>(attn::createAttnLiftLinalg());
    pm.addNestedPass<func::FuncOp>(attn::createAttnRaise());
  }
  if (stopAfter == Stage::Attn)
    return;
  // The query heads of a GQA group as the query rows of one head, where no
  // mask or modifier tells them apart.
  if (options.packGQA)
    pm.addPass(attn::createAttnPackGQA());
  pm.addPass(attn::createAttnDecompose());
  if (stopAfter == Stage::Ein)
    return;
  // bf16 products as dot-product instructions, which read 16 f32 lanes of
  // bf16 pairs: with AVX-512 vectors only.
  int64_t vectorWidth = options.vectorWidth < 0 ? hostVectorWidth()
                                                : int64_t(options.vectorWidth);
  bool bf16Dot =
      vectorWidth == 16 &&
      (options.bf16Dot < 0 ? hostHasBF16DotProducts() : options.bf16Dot > 0);
  pm.addPass(ein::createEinDeferDivision());
  // Causal chains (linear attention) in query chunks of the key tile.
  ein::EinReassociateOptions reassociate;
  reassociate.chunk = options.tileM;
  pm.addPass(ein::createEinReassociate(reassociate));
  // One pass over the keys where ein-online can derive it; the multi-pass
  // schedule otherwise.
  // bf16 attention whose contractions run as dot products has tiles of its
  // own: the contractions take half the time of f32's, so what a tile costs
  // besides them (V copied as pairs per query tile, the running state
  // rescaled per key tile) is twice the share, and larger tiles pay.
  ein::EinOnePassOptions onePass;
  onePass.rank = "m";
  onePass.tile = options.tileM;
  onePass.bf16Tile = options.bf16TileM > 0 ? int64_t(options.bf16TileM)
                     : bf16Dot             ? int64_t(128)
                                           : int64_t(options.tileM);
  pm.addPass(ein::createEinOnePass(onePass));
  // Tiles of queries per parallel point: matrix products in the tile bodies.
  ein::EinTileParallelOptions tileQueries;
  tileQueries.rank = "p";
  tileQueries.tile = options.tileN;
  tileQueries.bf16Tile = options.bf16TileN > 0 ? int64_t(options.bf16TileN)
                         : bf16Dot             ? int64_t(64)
                                               : int64_t(options.tileN);
  pm.addPass(ein::createEinTileParallel(tileQueries));
  // Only the key tiles the mask keeps, without the mask where it keeps all.
  if (options.sparsify)
    pm.addPass(ein::createEinSparsify());
  // Contractions without selects, operands contiguous along the query rows
  // of a tile (the vector rank).
  pm.addPass(ein::createEinSimplifyConditions());
  ein::EinPackOptions pack;
  pack.keepNarrow = bf16Dot;
  // A query tile narrower than a vector is laid out along the keys and the
  // value rank instead; the dot products along a reduced rank need vectors
  // of a power-of-two width (none with scalar loops).
  pack.minVectorPoints =
      vectorWidth > 0 && llvm::isPowerOf2_64(vectorWidth) ? vectorWidth : 0;
  pm.addPass(ein::createEinPack(pack));
  // Keys in parts with their own running state when the parallel ranks
  // leave threads idle (decode), merged by a second cascade.
  ein::EinSplitOptions split;
  split.parts = options.split;
  split.threads = options.threads;
  pm.addPass(ein::createEinSplit(split));
  if (stopAfter == Stage::Ein1Pass)
    return;
  pm.addPass(createConvertEinToLoops());
  // The graph around the attention, now that no attn or ein region is left
  // for the TOSA pipeline's canonicalizations to hoist constants out of.
  addGraphLowering(pm);
  addBufferizeAndLower(pm, stopAfter == Stage::Loops, vectorWidth, bf16Dot);
}

void cascade::buildCascadeGPUPipeline(OpPassManager &pm,
                                      const GPUPipelineOptions &options,
                                      std::optional<Stage> stopAfter) {
  if (options.raise) {
    pm.addNestedPass<func::FuncOp>(attn::createAttnLiftLinalg());
    pm.addNestedPass<func::FuncOp>(attn::createAttnRaise());
  }
  if (stopAfter == Stage::Attn)
    return;
  // The query heads of a GQA group as query rows of one head (decode: a
  // group's rows fill the tensor-core tile instead of one row).
  pm.addPass(attn::createAttnPackGQA());
  pm.addPass(attn::createAttnDecompose());
  if (stopAfter == Stage::Ein)
    return;
  pm.addPass(ein::createEinDeferDivision());
  ein::EinOnePassOptions onePass;
  onePass.rank = "m";
  onePass.tile = options.tileM;
  pm.addPass(ein::createEinOnePass(onePass));
  // A query tile per CTA.
  ein::EinTileParallelOptions tileQueries;
  tileQueries.rank = "p";
  tileQueries.tile = options.tileN;
  pm.addPass(ein::createEinTileParallel(tileQueries));
  if (options.sparsify)
    pm.addPass(ein::createEinSparsify());
  pm.addPass(ein::createEinSimplifyConditions());
  // Decode and long-KV prefill with few CTAs: the keys in parts, one CTA
  // each, and a second kernel that merges their states.
  ein::EinSplitOptions split;
  split.parts = options.split;
  // ein-split splits when the parallel points are fewer than 4 x `threads`:
  // here, when the CTAs are fewer than the multiprocessors.
  split.threads = (options.multiprocessors + 3) / 4;
  pm.addPass(ein::createEinSplit(split));
  if (stopAfter)
    return;
  pm.addPass(createConvertEinToGPU());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// A tile size given in a pipeline's textual options applies to bf16
/// attention too, unless its own is given.
static void applyTilesToBF16(cascade::CPUPipelineOptions &options) {
  if (options.tileM.hasValue() && !options.bf16TileM.hasValue())
    options.bf16TileM = int64_t(options.tileM);
  if (options.tileN.hasValue() && !options.bf16TileN.hasValue())
    options.bf16TileN = int64_t(options.tileN);
}

/// The `key=value` words of a pipeline's textual options, split where MLIR's
/// option parser splits them: at spaces outside quotes and braces.
static SmallVector<std::pair<llvm::StringRef, llvm::StringRef>>
optionWords(llvm::StringRef options) {
  SmallVector<std::pair<llvm::StringRef, llvm::StringRef>> words;
  auto unquote = [](llvm::StringRef text) {
    text = text.trim();
    if (text.size() >= 2 && ((text.front() == '"' && text.back() == '"') ||
                             (text.front() == '\'' && text.back() == '\'') ||
                             (text.front() == '{' && text.back() == '}')))
      return text.drop_front().drop_back().trim();
    return text;
  };
  size_t start = 0, depth = 0;
  char quote = 0;
  for (size_t i = 0; i <= options.size(); ++i) {
    char c = i < options.size() ? options[i] : ' ';
    if (quote) {
      quote = c == quote ? 0 : quote;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}') {
      depth -= depth > 0;
    } else if (c == ' ' && depth == 0) {
      llvm::StringRef word = options.slice(start, i).trim();
      if (!word.empty()) {
        auto [key, value] = word.split('=');
        words.push_back({unquote(key), unquote(value)});
      }
      start = i + 1;
    }
  }
  return words;
}

llvm::Error cascade::buildCascadeCPUPipeline(OpPassManager &pm,
                                             llvm::StringRef options,
                                             Stage stopAfter) {
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "invalid cascade-cpu options '" + options +
                                       "': " + why);
  };
  // llvm::cl reports a value that does not parse on stderr, not on the
  // stream given to parseFromString: the values are checked here first, as
  // llvm::cl's parsers read them.
  for (auto [key, value] : optionWords(options)) {
    int64_t number;
    if (key == "sparsify" || key == "pack-gqa" || key == "raise") {
      if (!llvm::is_contained(
              {"", "true", "True", "TRUE", "1", "false", "False", "FALSE", "0"},
              value))
        return fail("'" + key + "' takes true or false, got '" + value + "'");
    } else if (llvm::is_contained({"tile-m", "tile-n", "split", "threads",
                                   "vector-width", "bf16-dot", "bf16-tile-m",
                                   "bf16-tile-n"},
                                  key) &&
               value.getAsInteger(0, number)) {
      return fail("'" + key + "' takes an integer, got '" + value + "'");
    }
  }
  CPUPipelineOptions parsed;
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsed.parseFromString(options, errorStream)))
    return fail(llvm::StringRef(errors).trim());
  if (parsed.tileM <= 0 || parsed.tileN <= 0)
    return fail("tile sizes must be positive");
  applyTilesToBF16(parsed);
  if (parsed.split < 0 || parsed.threads < 0)
    return fail("split and threads must be 0 (chosen) or positive");
  if (parsed.vectorWidth < -1)
    return fail("vector-width must be -1 (the host's), 0 (scalar) or a "
                "number of elements");
  if (parsed.bf16TileM < 0 || parsed.bf16TileN < 0)
    return fail("bf16 tile sizes must be 0 (chosen) or positive");
  if (parsed.bf16Dot < -1 || parsed.bf16Dot > 1)
    return fail("bf16-dot must be -1 (where the host has them), 0 or 1");
  buildCascadeCPUPipeline(pm, parsed, stopAfter);
  return llvm::Error::success();
}

void cascade::buildCascadeReferencePipeline(OpPassManager &pm) {
  pm.addPass(attn::createAttnToReference());
  // Cascades written directly in ein are evaluated as written, one pass per
  // reduction, without the partition and online rewrites.
  pm.addPass(createConvertEinToLoops());
  addGraphLowering(pm);
  addBufferizeAndLower(pm, /*stopAtLoops=*/false, /*vectorWidth=*/0,
                       /*bf16Dot=*/false);
}

void cascade::registerCascadePipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "cascade-cpu",
      "Compile attention and the model graph around it to the LLVM dialect "
      "for the CPU: attn-lift-linalg, attn-raise, attn-pack-gqa, "
      "attn-decompose, "
      "ein-defer-division, ein-reassociate, ein-one-pass (ein-partition and "
      "ein-online, or the multi-pass schedule), ein-tile-parallel, "
      "ein-sparsify, ein-simplify-conditions, ein-pack, ein-split, "
      "convert-ein-to-loops, the graph's TOSA to linalg, "
      "bufferization and LLVM lowering",
      [](OpPassManager &pm, const CPUPipelineOptions &options) {
        CPUPipelineOptions given;
        given.copyOptionValuesFrom(options);
        applyTilesToBF16(given);
        buildCascadeCPUPipeline(pm, given);
      });
  PassPipelineRegistration<>(
      "cascade-reference",
      "Compile with attention as calls of the runtime's reference "
      "implementation (what cascade-run --check compares with)",
      [](OpPassManager &pm) { buildCascadeReferencePipeline(pm); });
  PassPipelineRegistration<GPUPipelineOptions>(
      "cascade-gpu",
      "Compile attention to GPU kernels in the gpu and nvgpu dialects: "
      "attn-lift-linalg, attn-raise, attn-pack-gqa, attn-decompose, "
      "ein-defer-division, "
      "ein-one-pass, ein-tile-parallel (a query tile per CTA), ein-sparsify, "
      "ein-simplify-conditions, ein-split (split-KV when CTAs are few), "
      "cascade-convert-ein-to-gpu",
      [](OpPassManager &pm, const GPUPipelineOptions &options) {
        buildCascadeGPUPipeline(pm, options);
      });
  // A step of the LLVM lowering, for its lit test.
  PassRegistration<CopiesToLinalgPass>();
  PassRegistration<ReadOnlyInputsPass>();
  PassRegistration<DecomposeAggregatesPass>();
  PassRegistration<InterchangeContractionsPass>();
}
