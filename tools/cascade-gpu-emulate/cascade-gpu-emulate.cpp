//===- cascade-gpu-emulate.cpp - GPU kernels run on the CPU ---------------===//
//
// Part of Cascade. Compiles a module for nvptx up to the gpu stage and runs
// its kernels in the emulator (include/cascade/Target/GPUEmulator.h) on
// .npy inputs, writing the results as .npy: the numbers a GPU would
// compute, on a machine without one.
//
//===----------------------------------------------------------------------===//

#include "cascade/Registration.h"
#include "cascade/Runtime/Convert.h"
#include "cascade/Runtime/Npy.h"
#include "cascade/Target/GPUEmulator.h"
#include "cascade/Target/PTX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <cstring>

using namespace mlir;
using cascade::runtime::DType;
using cascade::runtime::NpyArray;
namespace cl = llvm::cl;

static cl::OptionCategory category("cascade-gpu-emulate options");
static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<file.mlir>"),
                                      cl::cat(category));
static cl::opt<std::string>
    inputDir("input-dir",
             cl::desc("read each kernel input from DIR/<name>.npy (argN for "
                      "unnamed arguments)"),
             cl::Required, cl::cat(category));
static cl::opt<std::string>
    outputDir("output-dir",
              cl::desc("write each result as DIR/<name>.npy (resultN)"),
              cl::Required, cl::cat(category));
static cl::opt<std::string> chip("chip", cl::desc("the chip (default sm_80)"),
                                 cl::init("sm_80"), cl::cat(category));
static cl::opt<int64_t> splitKV("split-kv",
                                cl::desc("split-KV parts (0: chosen, 1: none)"),
                                cl::init(0), cl::cat(category));

static int fail(const llvm::Twine &msg) {
  llvm::errs() << "cascade-gpu-emulate: " << msg << "\n";
  return 1;
}

static std::optional<DType> dtypeOf(Type t) {
  if (t.isF16())
    return DType::F16;
  if (t.isBF16())
    return DType::BF16;
  if (t.isF32())
    return DType::F32;
  if (t.isF64())
    return DType::F64;
  if (t.isInteger(1))
    return DType::Bool;
  if (t.isInteger(32))
    return DType::I32;
  if (t.isInteger(64))
    return DType::I64;
  return std::nullopt;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "Run the GPU kernels of a module on the CPU, in an emulator of their\n"
      "gpu-stage IR (lockstep CTAs; ldmatrix, mma.sync and shuffles as the\n"
      "PTX ISA lays out their fragments). For checking the numbers of the\n"
      "nvptx target without a GPU; slow, for small shapes. .npy has no bf16:\n"
      "bf16 arguments are read from f32 arrays, bf16 results written as "
      "f32.\n");

  DialectRegistry registry;
  cascade::registerCascadeDialects(registry);
  cascade::registerCascadeDependentDialects(registry);
  cascade::registerCascadePasses();
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!buffer)
    return fail("cannot open '" + inputFile + "'");
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  context.getDiagEngine().registerHandler([](Diagnostic &d) {
    return success(d.getSeverity() == DiagnosticSeverity::Remark);
  });
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  // The functions and their parameters, before they become kernels.
  struct Fn {
    std::string name;
    SmallVector<std::pair<std::string, RankedTensorType>> args, results;
  };
  SmallVector<Fn> fns;
  for (auto fn : module->getOps<func::FuncOp>()) {
    Fn f{fn.getName().str(), {}, {}};
    for (auto [i, t] : llvm::enumerate(fn.getArgumentTypes())) {
      auto name = fn.getArgAttrOfType<StringAttr>(i, "cascade.name");
      f.args.push_back({name ? name.str() : "arg" + std::to_string(i),
                        dyn_cast<RankedTensorType>(t)});
    }
    for (auto [i, t] : llvm::enumerate(fn.getResultTypes())) {
      auto name = fn.getResultAttrOfType<StringAttr>(i, "cascade.name");
      f.results.push_back({name ? name.str() : "result" + std::to_string(i),
                           dyn_cast<RankedTensorType>(t)});
    }
    fns.push_back(f);
  }
  cascade::PTXOptions options;
  options.chip = chip;
  options.split = splitKV;
  std::vector<cascade::PTXKernel> kernels;
  if (failed(cascade::compileToPTX(*module, options, cascade::GPUStage::GPU,
                                   kernels)))
    return 1;
  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + ec.message());

  for (const Fn &f : fns) {
    cascade::EmulatorBuffers buffers;
    for (auto &[name, type] : f.args) {
      llvm::SmallString<256> path(inputDir);
      llvm::sys::path::append(path, name + ".npy");
      auto array = cascade::runtime::readNpy(path);
      if (!array)
        return fail(llvm::toString(array.takeError()));
      if (!type || llvm::ArrayRef<int64_t>(array->shape) != type.getShape())
        return fail("'" + path + "' does not have the shape of argument '" +
                    name + "' of @" + f.name);
      // .npy has no bf16: a bf16 argument is read from an f32 (or f16)
      // array, rounded to bf16.
      std::vector<double> &buf = buffers[name];
      for (int64_t i = 0; i < array->numElements(); ++i) {
        double v = cascade::runtime::elementAsDouble(*array, i);
        if (type.getElementType().isBF16())
          v = cascade::runtime::bfloat16ToFloat(
              cascade::runtime::floatToBFloat16(float(v)));
        buf.push_back(v);
      }
    }
    if (llvm::Error err = cascade::emulateFunction(*module, f.name, buffers))
      return fail(llvm::toString(std::move(err)));
    for (auto &[name, type] : f.results) {
      // Written as f32, then rounded to f16 where the result is f16 (.npy
      // has no bf16: bf16 results stay f32, exactly).
      std::optional<DType> dtype = dtypeOf(type.getElementType());
      if (!dtype || (*dtype != DType::F32 && *dtype != DType::F16 &&
                     *dtype != DType::BF16))
        return fail("result '" + name +
                    "' is not f32, f16 or bf16, which the emulator writes");
      NpyArray f32;
      f32.dtype = DType::F32;
      f32.shape.assign(type.getShape().begin(), type.getShape().end());
      f32.data.resize(type.getNumElements() * sizeof(float));
      const std::vector<double> &buf = buffers[name];
      for (int64_t i = 0; i < type.getNumElements(); ++i) {
        float v = float(buf[i]);
        std::memcpy(f32.data.data() + i * sizeof(float), &v, sizeof(v));
      }
      llvm::Expected<NpyArray> out = cascade::runtime::convertArray(
          f32, *dtype == DType::F16 ? DType::F16 : DType::F32);
      if (!out)
        return fail(llvm::toString(out.takeError()));
      llvm::SmallString<256> path(outputDir);
      llvm::sys::path::append(path, name + ".npy");
      if (llvm::Error err = cascade::runtime::writeNpy(path, *out))
        return fail(llvm::toString(std::move(err)));
    }
  }
  return 0;
}
