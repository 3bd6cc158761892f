//===- PTXTarget.cpp - Attention kernels as PTX ---------------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// cascade-gpu gives one gpu.module per kernel; here each goes to NVVM and
// through LLVM's NVPTX backend (gpu-module-to-binary, format=isa) to PTX,
// and its `cascade.kernel` dictionary becomes the kernel's JSON record.
//
//===----------------------------------------------------------------------===//

#include "cascade/Target/PTX.h"

#include "cascade/Pipelines/Pipelines.h"
#include "dialects/Attn/IR/AttnOps.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace {
/// `exp(x)` as `exp2(x * log2(e))`, which NVPTX emits as one `ex2.approx`
/// (relative error about 2^-22); the other f32 math functions (tanh, log,
/// erf, ...) as polynomial approximations in arithmetic. Kernels then call
/// no libdevice function, so no CUDA installation is needed to build them.
struct ExpToExp2 : public OpRewritePattern<math::ExpOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::ExpOp op,
                                PatternRewriter &rewriter) const override {
    if (!getElementTypeOrSelf(op.getType()).isF32())
      return failure();
    Location loc = op.getLoc();
    Value log2e = arith::ConstantOp::create(
        rewriter, loc, rewriter.getF32FloatAttr(1.4426950408889634f));
    if (auto v = dyn_cast<VectorType>(op.getType()))
      log2e = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(
              v, rewriter.getF32FloatAttr(1.4426950408889634f)));
    Value x = arith::MulFOp::create(rewriter, loc, op.getOperand(), log2e);
    rewriter.replaceOpWithNewOp<math::Exp2Op>(op, x);
    return success();
  }
};

struct GPUMathPass
    : public PassWrapper<GPUMathPass, OperationPass<gpu::GPUModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(GPUMathPass)
  StringRef getArgument() const override { return "cascade-gpu-math"; }
  StringRef getDescription() const override {
    return "exp as ex2.approx, other f32 math as polynomials, ceildiv and "
           "floordiv expanded";
  }
  void runOnOperation() override {
    RewritePatternSet exp(&getContext());
    exp.add<ExpToExp2>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(exp))))
      return signalPassFailure();
    RewritePatternSet rest(&getContext());
    populateMathPolynomialApproximationPatterns(rest);
    // ceildiv/floordiv (tile bounds) as the arithmetic LLVM has.
    arith::populateCeilFloorDivExpandOpsPatterns(rest);
    if (failed(applyPatternsGreedily(getOperation(), std::move(rest))))
      signalPassFailure();
  }
};

/// convert-gpu-to-nvvm with bare-pointer kernel arguments, without its
/// libdevice calls.
struct KernelToNVVMPass
    : public PassWrapper<KernelToNVVMPass, OperationPass<gpu::GPUModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(KernelToNVVMPass)
  StringRef getArgument() const override { return "cascade-kernel-to-nvvm"; }
  StringRef getDescription() const override {
    return "Lower a kernel module to the LLVM and NVVM dialects";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<LLVM::LLVMDialect, NVVM::NVVMDialect>();
  }
  void runOnOperation() override {
    gpu::GPUModuleOp m = getOperation();
    MLIRContext *ctx = &getContext();
    LowerToLLVMOptions options(ctx, DataLayout(m));
    options.useBarePtrCallConv = true;
    LLVMTypeConverter converter(ctx, options);
    configureGpuToNVVMTypeConverter(converter);
    RewritePatternSet patterns(ctx);
    populateGpuToNVVMConversionPatterns(converter, patterns);
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
    populateFuncToLLVMConversionPatterns(converter, patterns);
    index::populateIndexToLLVMConversionPatterns(converter, patterns);
    populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
    populateMathToLLVMConversionPatterns(converter, patterns);
    populateVectorToLLVMConversionPatterns(converter, patterns);
    ub::populateUBToLLVMConversionPatterns(converter, patterns);
    LLVMConversionTarget target(*ctx);
    target.addLegalDialect<NVVM::NVVMDialect>();
    target.addIllegalDialect<gpu::GPUDialect>();
    target.addLegalOp<gpu::GPUModuleOp>();
    if (failed(applyPartialConversion(m, target, std::move(patterns))))
      signalPassFailure();
  }
};

/// The `cascade.kernel` dictionary of a kernel as its JSON record.
llvm::json::Object recordOf(gpu::GPUFuncOp fn, DictionaryAttr info,
                            StringRef chip) {
  llvm::json::Object r;
  auto ints = [](Attribute a) {
    llvm::json::Array out;
    if (auto arr = dyn_cast_or_null<DenseI64ArrayAttr>(a))
      for (int64_t v : arr.asArrayRef())
        out.push_back(v);
    return out;
  };
  auto dtype = [](Type t) -> std::string {
    if (t.isF16())
      return "f16";
    if (t.isBF16())
      return "bf16";
    if (t.isF32())
      return "f32";
    if (t.isF64())
      return "f64";
    if (t.isInteger(1))
      return "i1";
    if (t.isInteger(32))
      return "i32";
    if (t.isInteger(64))
      return "i64";
    std::string s;
    llvm::raw_string_ostream os(s);
    t.print(os);
    return s;
  };
  r["kernel"] = fn.getName().str();
  if (auto f = info.getAs<StringAttr>("function"))
    r["function"] = f.str();
  r["ptx"] = fn.getName().str() + ".ptx";
  r["chip"] = chip.str();
  r["threads_per_block"] = ints(info.get("block"));
  if (auto s = info.getAs<IntegerAttr>("dynamic_shared_memory"))
    r["dynamic_shared_memory_bytes"] = s.getInt();
  r["grid"] = ints(info.get("grid"));
  llvm::json::Array gridExpr;
  if (auto a = info.getAs<ArrayAttr>("grid_expr"))
    for (Attribute e : a)
      gridExpr.push_back(cast<StringAttr>(e).str());
  r["grid_expr"] = std::move(gridExpr);
  r["tiles"] = ints(info.get("tiles"));
  if (auto p = info.getAs<StringAttr>("path"))
    r["path"] = p.str();
  // A function of several kernels (split-KV: the parts, then the merge)
  // launches them in this order on the same parameters.
  if (auto o = info.getAs<IntegerAttr>("launch_order"))
    r["launch_order"] = o.getInt();
  if (auto n = info.getAs<IntegerAttr>("launches"))
    r["launches"] = n.getInt();
  llvm::json::Array params;
  SmallVector<RankedTensorType> types;
  if (auto a = info.getAs<ArrayAttr>("params"))
    for (Attribute pa : a) {
      auto d = cast<DictionaryAttr>(pa);
      auto type =
          cast<RankedTensorType>(cast<TypeAttr>(d.get("type")).getValue());
      types.push_back(type);
      llvm::json::Array shape;
      for (int64_t s : type.getShape())
        shape.push_back(s);
      params.push_back(
          llvm::json::Object{{"name", d.getAs<StringAttr>("name").str()},
                             {"kind", d.getAs<StringAttr>("kind").str()},
                             {"dtype", dtype(type.getElementType())},
                             {"shape", std::move(shape)}});
    }
  r["params"] = std::move(params);
  // Attention's named sizes, when Q, K, V and the output are [B, H, N, D].
  if (types.size() >= 4 && types[0].getRank() == 4 && types[1].getRank() == 4 &&
      types[2].getRank() == 4) {
    auto q = types[0].getShape(), k = types[1].getShape(),
         v = types[2].getShape();
    r["shapes"] = llvm::json::Object{{"B", q[0]}, {"Hq", q[1]}, {"Hkv", k[1]},
                                     {"N", q[2]}, {"M", k[2]},  {"D", q[3]},
                                     {"Dv", v[3]}};
  }
  return r;
}

/// The kernels' variants, from the attn ops before lowering, in order.
SmallVector<std::string> variantsOf(ModuleOp module) {
  SmallVector<std::string> out;
  module.walk([&](Operation *op) {
    if (!isa<cascade::attn::AttentionOp, cascade::attn::LinearAttentionOp>(op))
      return;
    std::string s = op->getName().stripDialect().str();
    llvm::raw_string_ostream os(s);
    for (NamedAttribute a : op->getAttrDictionary()) {
      if (a.getName() == "operandSegmentSizes")
        continue;
      os << " " << a.getName().getValue() << "=";
      a.getValue().print(os);
    }
    out.push_back(s);
  });
  return out;
}
} // namespace

LogicalResult cascade::compileToPTX(ModuleOp module, const PTXOptions &options,
                                    GPUStage stage,
                                    std::vector<PTXKernel> &kernels,
                                    std::string *llvmIR) {
  MLIRContext *ctx = module.getContext();
  if (!StringRef(options.chip).starts_with("sm_") ||
      StringRef(options.chip).drop_front(3).take_while(llvm::isDigit).empty())
    return module.emitError() << "invalid chip '" << options.chip
                              << "': expected sm_XY, e.g. sm_80 or sm_90";
  unsigned sm = 0;
  StringRef(options.chip)
      .drop_front(3)
      .take_while(llvm::isDigit)
      .getAsInteger(10, sm);
  if (sm < 80)
    return module.emitError()
           << "chip '" << options.chip
           << "' is not supported: the kernels use sm_80 instructions "
              "(cp.async, ldmatrix, mma.sync m16n8k16 with bf16)";

  // Attention to kernels in the gpu and nvgpu dialects.
  PassManager pm(ctx);
  GPUPipelineOptions gpuOptions;
  gpuOptions.raise = options.raise;
  gpuOptions.tileN = options.tileN;
  gpuOptions.split = options.split;
  // Streaming multiprocessors of the chip's largest part (A100: 108, A10 /
  // RTX 30: 84, L40 / RTX 40: 142, H100 SXM: 132).
  gpuOptions.multiprocessors = sm >= 90   ? 132
                               : sm == 89 ? 142
                               : sm == 86 ? 84
                                          : 108;
  if (options.tileM > 0)
    gpuOptions.tileM = options.tileM;
  if (options.raise) {
    // The variants are read after raising, from the attn ops.
    PassManager raise(ctx);
    buildCascadeGPUPipeline(raise, gpuOptions, Stage::Attn);
    if (failed(raise.run(module)))
      return failure();
    gpuOptions.raise = false;
  }
  SmallVector<std::string> variants = variantsOf(module);
  // A paged cache is copied into contiguous keys by attn-decompose, which
  // the kernels cannot take as an input; say so before that happens.
  WalkResult paged = module.walk([&](attn::AttentionOp op) {
    if (!op.getBlockTable())
      return WalkResult::advance();
    op.emitError() << "cannot compile for nvptx: a paged KV cache "
                      "(block_table) is not read by the GPU kernels yet; "
                      "gather the pages into contiguous K and V first, or "
                      "use the CPU target";
    return WalkResult::interrupt();
  });
  if (paged.wasInterrupted())
    return failure();
  // Key tiles of 32 for head dims above 128, so that the double-buffered
  // K and V tiles fit in shared memory.
  if (options.tileM <= 0) {
    int64_t maxDim = 0;
    module.walk([&](attn::AttentionOp op) {
      for (Value v : {op.getK(), op.getV()})
        if (auto t = dyn_cast<RankedTensorType>(v.getType()))
          maxDim = std::max<int64_t>(maxDim, t.getShape().back());
    });
    gpuOptions.tileM = maxDim > 128 ? 32 : 64;
  }
  buildCascadeGPUPipeline(pm, gpuOptions);
  if (failed(pm.run(module)))
    return failure();
  if (stage == GPUStage::GPU)
    return success();

  // What a launcher needs, before the kernels become LLVM functions.
  struct Pending {
    std::string name;
    llvm::json::Object record;
  };
  std::vector<Pending> pending;
  bool tooLarge = false;
  module.walk([&](gpu::GPUFuncOp fn) {
    auto info = fn->getAttrOfType<DictionaryAttr>("cascade.kernel");
    if (!info)
      return;
    Pending p{fn.getName().str(), recordOf(fn, info, options.chip)};
    // The most dynamic shared memory a CTA may have (sm_80 and sm_87: 163
    // KiB; sm_90 and sm_100: 227 KiB; sm_86, sm_89 and sm_120: 99 KiB), less
    // the 16 bytes of the static symbol the dynamic memory is reached by.
    int64_t limit = sm == 80 || sm == 87                ? 163 * 1024
                    : sm >= 90 && sm < 120 && sm != 110 ? 227 * 1024
                                                        : 99 * 1024;
    limit -= 16;
    int64_t smem = info.getAs<IntegerAttr>("dynamic_shared_memory").getInt();
    if (smem > limit) {
      fn.emitError() << "kernel '" << fn.getName() << "' needs " << smem
                     << " bytes of shared memory, more than " << options.chip
                     << " has (" << limit << "); use a smaller --tile-m or "
                     << "--tile-n";
      tooLarge = true;
    }
    if (pending.size() < variants.size())
      p.record["variant"] = variants[pending.size()];
    pending.push_back(std::move(p));
  });
  if (tooLarge)
    return failure();

  // To NVVM.
  PassManager lower(ctx);
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  lower.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &kernel = lower.nest<gpu::GPUModuleOp>();
  kernel.addPass(std::make_unique<GPUMathPass>());
  kernel.addPass(createConvertNVGPUToNVVMPass());
  kernel.addPass(createConvertVectorToSCFPass());
  kernel.addPass(createSCFToControlFlowPass());
  kernel.addPass(memref::createExpandStridedMetadataPass());
  kernel.addPass(createLowerAffinePass());
  kernel.addPass(createConvertVectorToLLVMPass());
  // The gpu, arith, memref, math, ... ops to NVVM and LLVM, with math as
  // LLVM intrinsics that NVPTX emits inline (convert-gpu-to-nvvm would
  // call libdevice for them).
  kernel.addPass(std::make_unique<KernelToNVVMPass>());
  kernel.addPass(createCanonicalizerPass());
  kernel.addPass(createCSEPass());
  lower.addPass(createReconcileUnrealizedCastsPass());
  if (failed(lower.run(module)))
    return failure();
  // Nothing may call into libdevice.
  WalkResult calls = module.walk([&](LLVM::LLVMFuncOp fn) {
    if (fn.isExternal() && fn.getName().starts_with("__nv_")) {
      fn.emitError() << "the kernel needs libdevice function '" << fn.getName()
                     << "', which Cascade's GPU flow does not link";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (calls.wasInterrupted())
    return failure();
  if (stage == GPUStage::NVVM)
    return success();

  // Through NVPTX: PTX, or LLVM bitcode for the LLVM stage.
  PassManager emit(ctx);
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = stage == GPUStage::LLVM ? "llvm" : "isa";
  emit.addPass(createGpuModuleToBinaryPass(binary));
  if (failed(emit.run(module)))
    return failure();

  for (auto bin : module.getOps<gpu::BinaryOp>()) {
    auto objects = bin.getObjects();
    if (objects.size() != 1)
      return bin.emitError("expected one object per kernel module");
    auto object = cast<gpu::ObjectAttr>(objects[0]);
    StringRef bytes = object.getObject().getValue();
    std::string name = bin.getName().str();
    if (stage == GPUStage::LLVM) {
      llvm::LLVMContext llvmContext;
      auto buffer = llvm::MemoryBuffer::getMemBuffer(bytes, name, false);
      auto parsed = llvm::parseBitcodeFile(*buffer, llvmContext);
      if (!parsed)
        return bin.emitError() << "cannot read the kernel's LLVM bitcode: "
                               << llvm::toString(parsed.takeError());
      if (llvmIR) {
        llvm::raw_string_ostream os(*llvmIR);
        (*parsed)->print(os, nullptr);
      }
      continue;
    }
    PTXKernel k;
    k.name = name;
    k.ptx = bytes.str();
    for (Pending &p : pending)
      if (p.name == name)
        k.record = std::move(p.record);
    // The PTX version LLVM wrote.
    size_t at = k.ptx.find(".version ");
    if (at != std::string::npos)
      k.record["ptx_version"] =
          StringRef(k.ptx).substr(at + 9).take_until(llvm::isSpace).str();
    kernels.push_back(std::move(k));
  }
  return success();
}

llvm::Error cascade::writePTXKernels(llvm::StringRef dir,
                                     const std::vector<PTXKernel> &kernels) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return llvm::createStringError(ec, "cannot create directory '%s': %s",
                                   dir.str().c_str(), ec.message().c_str());
  for (const PTXKernel &k : kernels) {
    for (bool json : {false, true}) {
      llvm::SmallString<256> path(dir);
      llvm::sys::path::append(path, k.name + (json ? ".json" : ".ptx"));
      std::error_code ec;
      llvm::raw_fd_ostream os(path, ec);
      if (ec)
        return llvm::createStringError(ec, "cannot write '%s': %s",
                                       path.c_str(), ec.message().c_str());
      if (json)
        os << llvm::formatv("{0:2}",
                            llvm::json::Value(llvm::json::Object(k.record)))
           << "\n";
      else
        os << k.ptx;
    }
  }
  return llvm::Error::success();
}
