//===- cascade-gpu-emulate.cpp - GPU kernels run on the CPU ---------------===//
//
// Part of Cascade. Compiles a module for nvptx up to the gpu stage and runs
// its kernels in the emulator (include/cascade/Target/GPUEmulator.h) on
// .npy inputs, writing the results as .npy: the numbers a GPU would
// compute, on a machine without one.
//
//===----------------------------------------------------------------------===//

#include "cascade/Registration.h"
#include "cascade/Runtime/Npy.h"
#include "cascade/Target/GPUEmulator.h"
#include "cascade/Target/PTX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "llvm/ADT/APFloat.h"
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

static double readElement(const NpyArray &a, int64_t i) {
  const char *p = a.data.data() + i * cascade::runtime::dtypeSize(a.dtype);
  auto half = [&](const llvm::fltSemantics &s) {
    uint16_t bits;
    std::memcpy(&bits, p, 2);
    return llvm::APFloat(s, llvm::APInt(16, bits)).convertToFloat();
  };
  switch (a.dtype) {
  case DType::F16:
    return half(llvm::APFloat::IEEEhalf());
  case DType::BF16:
    return half(llvm::APFloat::BFloat());
  case DType::F32: {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  case DType::F64: {
    double f;
    std::memcpy(&f, p, 8);
    return f;
  }
  case DType::I8:
    return (double)*(const int8_t *)p;
  case DType::I32: {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DType::I64: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return (double)v;
  }
  case DType::Bool:
    return *p ? 1.0 : 0.0;
  }
  return 0;
}

static void writeElement(NpyArray &a, int64_t i, double v) {
  char *p = a.data.data() + i * cascade::runtime::dtypeSize(a.dtype);
  auto half = [&](const llvm::fltSemantics &s) {
    llvm::APFloat f(v);
    bool lost;
    f.convert(s, llvm::APFloat::rmNearestTiesToEven, &lost);
    uint16_t bits = (uint16_t)f.bitcastToAPInt().getZExtValue();
    std::memcpy(p, &bits, 2);
  };
  switch (a.dtype) {
  case DType::F16:
    half(llvm::APFloat::IEEEhalf());
    return;
  case DType::BF16:
    half(llvm::APFloat::BFloat());
    return;
  case DType::F32: {
    float f = (float)v;
    std::memcpy(p, &f, 4);
    return;
  }
  case DType::F64:
    std::memcpy(p, &v, 8);
    return;
  case DType::I8:
    *(int8_t *)p = (int8_t)v;
    return;
  case DType::I32: {
    int32_t x = (int32_t)v;
    std::memcpy(p, &x, 4);
    return;
  }
  case DType::I64: {
    int64_t x = (int64_t)v;
    std::memcpy(p, &x, 8);
    return;
  }
  case DType::Bool:
    *p = v != 0;
    return;
  }
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
        double v = readElement(*array, i);
        if (type.getElementType().isBF16()) {
          llvm::APFloat f(v);
          bool lost;
          f.convert(llvm::APFloat::BFloat(), llvm::APFloat::rmNearestTiesToEven,
                    &lost);
          v = f.convertToFloat();
        }
        buf.push_back(v);
      }
    }
    if (llvm::Error err = cascade::emulateFunction(*module, f.name, buffers))
      return fail(llvm::toString(std::move(err)));
    for (auto &[name, type] : f.results) {
      std::optional<DType> dtype = dtypeOf(type.getElementType());
      if (!dtype)
        return fail("result '" + name + "' has an element type .npy lacks");
      NpyArray out;
      // bf16 results are written as f32 (exactly).
      out.dtype = *dtype == DType::BF16 ? DType::F32 : *dtype;
      dtype = out.dtype;
      out.shape.assign(type.getShape().begin(), type.getShape().end());
      out.data.resize(type.getNumElements() *
                      cascade::runtime::dtypeSize(*dtype));
      const std::vector<double> &buf = buffers[name];
      for (int64_t i = 0; i < type.getNumElements(); ++i)
        writeElement(out, i, buf[i]);
      llvm::SmallString<256> path(outputDir);
      llvm::sys::path::append(path, name + ".npy");
      if (llvm::Error err = cascade::runtime::writeNpy(path, out))
        return fail(llvm::toString(std::move(err)));
    }
  }
  return 0;
}
