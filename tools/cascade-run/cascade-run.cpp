//===- cascade-run.cpp - Compile and run a graph on .npy inputs -----------===//
//
// Part of Cascade. Compiles a module in memory with the CPU pipeline, runs
// one function on NumPy inputs, writes its results as .npy files, and can
// compare them with the same graph compiled against the reference
// implementation. With --target=nvptx the function is compiled to a PTX
// kernel instead and run on the GPU through the CUDA driver.
//
//===----------------------------------------------------------------------===//

#include "cascade/Frontend/ONNX.h"
#include "cascade/Pipelines/Pipelines.h"
#include "cascade/Registration.h"
#include "cascade/Runtime/CRunnerABI.h"
#include "cascade/Runtime/CUDA.h"
#include "cascade/Runtime/Convert.h"
#include "cascade/Runtime/Npy.h"
#include "cascade/Target/CPU.h"
#include "cascade/Target/PTX.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/AsmParser/AsmParserState.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <random>

using namespace mlir;
using cascade::runtime::DType;
using cascade::runtime::NpyArray;
namespace cuda = cascade::runtime::cuda;

namespace cl = llvm::cl;

static cl::OptionCategory category("cascade-run options");
static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<file.mlir or model.onnx>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string>
    target("target",
           cl::desc("cpu (default): compile for this CPU and run in memory; "
                    "nvptx: compile to a PTX kernel and run it on the GPU "
                    "through the CUDA driver"),
           cl::init("cpu"), cl::cat(category));
static cl::opt<std::string>
    chip("chip",
         cl::desc("with --target=nvptx: the chip to compile for, sm_80 or "
                  "later (default: the GPU's own)"),
         cl::cat(category));
static cl::opt<int>
    deviceOrdinal("device",
                  cl::desc("with --target=nvptx: the CUDA device (default 0)"),
                  cl::init(0), cl::cat(category));
static cl::opt<std::string>
    entry("entry", cl::desc("function to run (default: the only public one)"),
          cl::cat(category));
static cl::list<std::string>
    inputs("input",
           cl::desc("an input: NAME=FILE.npy (by argument name) or FILE.npy "
                    "(by position); arguments without one get random values"),
           cl::cat(category));
static cl::opt<std::string> outputDir(
    "output-dir",
    cl::desc("write each result as DIR/<name>.npy: the ONNX graph output's "
             "name, else result<i>"),
    cl::cat(category));
static cl::opt<bool> raiseAttention(
    "raise",
    cl::desc("raise attention found in a model graph to attn ops (default "
             "true; --raise=false runs the graph as written)"),
    cl::init(true), cl::cat(category));
static cl::opt<std::string> inputDir(
    "input-dir",
    cl::desc("read every argument not given by --input from DIR/<name>.npy "
             "(by argument or ONNX graph input name)"),
    cl::cat(category));
static cl::opt<std::string> expectDir(
    "expect-dir",
    cl::desc("compare each result with DIR/<name>.npy (outputs saved by "
             "another framework) and fail beyond --tolerance"),
    cl::cat(category));
static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("NAME=D0xD1x...: size of an ONNX graph input the model leaves "
             "symbolic"),
    cl::cat(category));
static cl::opt<bool>
    remarks("remarks",
            cl::desc("print the compiler's remarks (which rewrites applied, "
                     "which were refused and why)"),
            cl::cat(category));
static cl::opt<bool>
    check("check",
          cl::desc("compare with the reference implementation (fp64 "
                   "accumulation) and print the max abs and rel error"),
          cl::cat(category));
static cl::opt<double>
    tolerance("tolerance",
              cl::desc("max abs error --check accepts (default 1e-4; 2e-3 "
                       "for f16 and bf16 results on nvptx)"),
              cl::init(1e-4), cl::cat(category));
static cl::opt<double> relTolerance(
    "rel-tolerance",
    cl::desc("max rel error --check accepts instead (the max abs error over "
             "the largest |reference| value; default for f16 and bf16 "
             "results on the CPU: 1e-2)"),
    cl::init(0), cl::cat(category));
static cl::opt<unsigned> repeat("repeat",
                                cl::desc("run N times and print the timing"),
                                cl::init(0), cl::cat(category));
static cl::opt<unsigned> seed("seed", cl::desc("seed of the random inputs"),
                              cl::init(0), cl::cat(category));
static cl::opt<int64_t>
    tileM("tile-m",
          cl::desc("key tile size (default 64; 128 for bf16 attention with "
                   "bf16 dot products)"),
          cl::init(64), cl::cat(category));
static cl::opt<int64_t>
    tileN("tile-n",
          cl::desc("query tile size: queries per parallel point (default 32; "
                   "64 for bf16 attention with bf16 dot products)"),
          cl::init(32), cl::cat(category));

static cl::opt<int64_t> splitKV(
    "split-kv",
    cl::desc("split the keys into N parts with their own running state, "
             "merged after (ein-split); default 0: from the shape and the "
             "threads; 1: never"),
    cl::init(0), cl::cat(category));

extern "C" void omp_set_num_threads(int);

static cl::opt<int64_t> vectorWidth(
    "vector-width",
    cl::desc("elements per vector in the tile bodies (default: from the "
             "CPU, 16 with AVX-512; 0: scalar loops)"),
    cl::init(-1), cl::cat(category));
static cl::opt<int64_t> bf16Dot(
    "bf16-dot",
    cl::desc("bf16 contractions with AVX512-BF16 dot products (vdpbf16ps): "
             "-1 (default) where this CPU has them, 1 always (refused on a "
             "CPU without them), 0 never (extended to f32)"),
    cl::init(-1), cl::cat(category));

[[noreturn]] static void fail(const std::string &msg) {
  std::fflush(stdout);
  fmt::print(stderr, "cascade-run: error: {}\n", msg);
  std::exit(1);
}

static std::string typeString(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

static std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "(";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + (shape.size() == 1 ? ",)" : ")");
}

static std::optional<DType> dtypeOf(Type t) {
  if (t.isF32())
    return DType::F32;
  if (t.isF64())
    return DType::F64;
  if (t.isF16())
    return DType::F16;
  if (t.isBF16())
    return DType::BF16;
  if (t.isInteger(32))
    return DType::I32;
  if (t.isInteger(64))
    return DType::I64;
  if (t.isInteger(8))
    return DType::I8;
  if (t.isInteger(1))
    return DType::Bool;
  return std::nullopt;
}

namespace {
/// A function argument or result as cascade-run sees it.
struct Slot {
  std::string name;
  RankedTensorType type;
  DType dtype;
};

/// A buffer with an MLIR memref descriptor pointing at it.
struct MemRef {
  NpyArray array;
  std::vector<int64_t> descriptor; // allocated, aligned, offset, sizes, strides

  void *descriptorPtr() { return descriptor.data(); }
  void bind() {
    int64_t rank = array.shape.size();
    descriptor.assign(3 + 2 * rank, 0);
    auto ptr = reinterpret_cast<int64_t>(array.data.data());
    descriptor[0] = ptr;
    descriptor[1] = ptr;
    descriptor[2] = 0;
    int64_t stride = 1;
    for (int64_t i = rank - 1; i >= 0; --i) {
      descriptor[3 + i] = array.shape[i];
      descriptor[3 + rank + i] = stride;
      stride *= array.shape[i];
    }
  }
};
} // namespace

/// The name the source gave an argument (`%q` -> "q"), if any.
static std::string sourceName(const AsmParserState &state, llvm::SourceMgr &sm,
                              BlockArgument arg) {
  for (const auto &blockDef : state.getBlockDefs()) {
    if (blockDef.block != arg.getOwner())
      continue;
    if (arg.getArgNumber() >= blockDef.arguments.size())
      break;
    llvm::SMRange range = blockDef.arguments[arg.getArgNumber()].loc;
    std::string text(range.Start.getPointer(),
                     range.End.getPointer() - range.Start.getPointer());
    if (!text.empty() && text[0] == '%')
      text = text.substr(1);
    return text;
  }
  return "";
}

static NpyArray randomArray(const Slot &slot, std::mt19937 &rng) {
  NpyArray a;
  a.dtype = slot.dtype;
  a.shape.assign(slot.type.getShape().begin(), slot.type.getShape().end());
  int64_t n = a.numElements();
  a.data.resize(n * cascade::runtime::dtypeSize(a.dtype));
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  for (int64_t i = 0; i < n; ++i) {
    switch (a.dtype) {
    case DType::F32:
      reinterpret_cast<float *>(a.data.data())[i] = uni(rng);
      break;
    case DType::F16:
      reinterpret_cast<uint16_t *>(a.data.data())[i] =
          cascade::runtime::floatToHalf(uni(rng));
      break;
    case DType::BF16:
      reinterpret_cast<uint16_t *>(a.data.data())[i] =
          cascade::runtime::floatToBFloat16(uni(rng));
      break;
    case DType::F64:
      reinterpret_cast<double *>(a.data.data())[i] = uni(rng);
      break;
    case DType::I32:
      reinterpret_cast<int32_t *>(a.data.data())[i] = rng() % 16;
      break;
    case DType::I64:
      reinterpret_cast<int64_t *>(a.data.data())[i] = rng() % 16;
      break;
    default:
      a.data[i * cascade::runtime::dtypeSize(a.dtype)] = rng() % 2;
      break;
    }
  }
  return a;
}

using cascade::runtime::elementAsDouble;

/// Compiles `module` (a clone) with `build`, JITs it, and returns the engine.
static std::unique_ptr<ExecutionEngine>
compile(ModuleOp module, llvm::function_ref<void(OpPassManager &)> build,
        bool withReference) {
  PassManager pm(module.getContext());
  build(pm);
  if (failed(pm.run(module)))
    return nullptr;
  // Optimized for this CPU (its vector width and features), as cascadec does.
  auto engine = cascade::createHostJIT(module);
  if (!engine)
    fail("JIT compilation failed: " + llvm::toString(engine.takeError()));
  if (withReference)
    (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap map;
      map[interner("_mlir_ciface_cascade_ref_attention_f32")] = {
          llvm::orc::ExecutorAddr::fromPtr(
              &_mlir_ciface_cascade_ref_attention_f32),
          llvm::JITSymbolFlags::Exported};
      map[interner("_mlir_ciface_cascade_ref_linear_attention_f32")] = {
          llvm::orc::ExecutorAddr::fromPtr(
              &_mlir_ciface_cascade_ref_linear_attention_f32),
          llvm::JITSymbolFlags::Exported};
      map[interner("_mlir_ciface_cascade_ref_attention_variant_f32")] = {
          llvm::orc::ExecutorAddr::fromPtr(
              &_mlir_ciface_cascade_ref_attention_variant_f32),
          llvm::JITSymbolFlags::Exported};
      map[interner("_mlir_ciface_cascade_ref_merge_f32")] = {
          llvm::orc::ExecutorAddr::fromPtr(&_mlir_ciface_cascade_ref_merge_f32),
          llvm::JITSymbolFlags::Exported};
      return map;
    });
  return std::move(*engine);
}

static void invoke(ExecutionEngine &engine, llvm::StringRef fn,
                   std::vector<MemRef> &args, std::vector<MemRef> &results) {
  llvm::SmallVector<void *> descriptorPtrs;
  for (MemRef &m : args)
    descriptorPtrs.push_back(m.descriptorPtr());
  for (MemRef &m : results)
    descriptorPtrs.push_back(m.descriptorPtr());
  llvm::SmallVector<void *> packed;
  for (void *&p : descriptorPtrs)
    packed.push_back(&p);
  if (llvm::Error err =
          engine.invokePacked(("_mlir_ciface_" + fn).str(), packed))
    fail("cannot run '" + fn.str() + "': " + llvm::toString(std::move(err)));
}

/// f16 and bf16 widened to f32 (tensors of them too); other types as they
/// are.
static Type widenToF32(Type t) {
  auto isHalf = [](Type e) { return e.isF16() || e.isBF16(); };
  Type f32 = Float32Type::get(t.getContext());
  if (isHalf(t))
    return f32;
  if (auto rt = dyn_cast<RankedTensorType>(t);
      rt && isHalf(rt.getElementType()))
    return rt.clone(f32);
  return t;
}

/// Rewrites `module` to compute in f32 where it uses f16 or bf16: every value,
/// function signature and constant. The reference implementation, which
/// --check compares a GPU kernel with, computes from f32 inputs.
static LogicalResult widenModuleToF32(ModuleOp module) {
  module.walk([](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          arg.setType(widenToF32(arg.getType()));
    for (OpResult result : op->getResults())
      result.setType(widenToF32(result.getType()));
    if (auto f = dyn_cast<func::FuncOp>(op)) {
      auto widen = [](TypeRange types) {
        return llvm::to_vector(llvm::map_range(types, widenToF32));
      };
      FunctionType type = f.getFunctionType();
      f.setFunctionType(FunctionType::get(
          op->getContext(), widen(type.getInputs()), widen(type.getResults())));
    }
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      Type f32 = Float32Type::get(op->getContext());
      auto toF32 = [](const APFloat &x) {
        APFloat y = x;
        bool lost = false;
        y.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
        return y;
      };
      if (auto v = dyn_cast<FloatAttr>(c.getValue());
          v && widenToF32(v.getType()) != v.getType())
        c.setValueAttr(FloatAttr::get(f32, toF32(v.getValue())));
      else if (auto d = dyn_cast<DenseFPElementsAttr>(c.getValue());
               d && widenToF32(d.getType()) != d.getType())
        c.setValueAttr(d.mapValues(
            f32, [&](const APFloat &x) { return toF32(x).bitcastToAPInt(); }));
    }
  });
  return verify(module);
}

/// The function argument (or result) that kernel parameter `name` stands
/// for: the one whose `cascade.name` it is, else `arg<i>` (`result<i>`);
/// -1 when neither.
static int64_t slotOfParam(func::FuncOp fn, llvm::StringRef name, bool result) {
  unsigned count = result ? fn.getNumResults() : fn.getNumArguments();
  for (unsigned i = 0; i < count; ++i) {
    auto attr = result ? fn.getResultAttrOfType<StringAttr>(i, "cascade.name")
                       : fn.getArgAttrOfType<StringAttr>(i, "cascade.name");
    if (attr && attr.getValue() == name)
      return i;
  }
  unsigned index;
  if (name.consume_front(result ? "result" : "arg") &&
      !name.getAsInteger(10, index) && index < count)
    return index;
  return -1;
}

/// Compiles `fn` to PTX kernels for `chipName` (one, or several launched in
/// order) and runs them on `device` with `args`; returns the results in the
/// order of `resultSlots`, and the time of each of `repeat` timed runs in
/// `timesMs`.
static std::vector<NpyArray>
runOnGPU(cuda::Device &device, ModuleOp module, func::FuncOp fn,
         const std::vector<Slot> &argSlots,
         const std::vector<Slot> &resultSlots, const std::vector<MemRef> &args,
         const std::string &chipName, std::vector<double> &timesMs) {
  std::string fnName = fn.getName().str();
  OwningOpRef<ModuleOp> gpu = module.clone();
  cascade::PTXOptions options;
  options.chip = chipName;
  options.raise = raiseAttention;
  options.split = splitKV;
  std::vector<cascade::PTXKernel> kernels;
  if (failed(cascade::compileToPTX(*gpu, options, cascade::GPUStage::PTX,
                                   kernels)))
    std::exit(1); // the diagnostics say why
  std::vector<const cascade::PTXKernel *> mine;
  std::vector<std::string> names;
  for (const cascade::PTXKernel &k : kernels) {
    std::optional<llvm::StringRef> from = k.record.getString("function");
    if (!from || *from == fnName) {
      mine.push_back(&k);
      names.push_back(k.name);
    }
  }
  if (mine.empty())
    fail(fmt::format("@{} compiled to no GPU kernel", fnName));
  // Several kernels (split-KV) run in launch order on the same buffers and
  // take the same parameters.
  std::vector<cuda::KernelRecord> records;
  std::vector<std::string> ptx;
  for (const cascade::PTXKernel *k : mine) {
    llvm::Expected<cuda::KernelRecord> record = cuda::parseKernelRecord(
        llvm::json::Value(llvm::json::Object(k->record)), k->name + ".json");
    if (!record)
      fail("the compiler wrote an invalid kernel record: " +
           llvm::toString(record.takeError()));
    records.push_back(std::move(*record));
    ptx.push_back(k->ptx);
  }
  llvm::Expected<std::vector<size_t>> order = cuda::orderKernels(records);
  if (!order)
    fail(fmt::format("the kernels of @{} ({}) do not form one launch "
                     "sequence: {}",
                     fnName, llvm::join(names, ", "),
                     llvm::toString(order.takeError())));
  const cuda::KernelRecord *record = &records[order->front()];

  // Each parameter's argument or result: by name, else by position.
  using Kind = cuda::KernelParam::Kind;
  std::vector<const cuda::KernelParam *> params[2];
  for (const cuda::KernelParam &p : record->params)
    if (p.kind != Kind::Scratch) // the runtime allocates those
      params[p.kind == Kind::Output].push_back(&p);
  std::vector<int64_t> bound[2];
  for (int output : {0, 1}) {
    const std::vector<Slot> &slots = output ? resultSlots : argSlots;
    bool byName = true;
    for (const cuda::KernelParam *p : params[output]) {
      int64_t i = slotOfParam(fn, p->name, output);
      byName &= i >= 0;
      bound[output].push_back(i);
    }
    if (!byName) {
      if (params[output].size() != slots.size())
        fail(fmt::format(
            "kernel '{}' has {} {} parameters and @{} {} {}; cascade-run "
            "cannot tell which is which",
            record->kernel, params[output].size(), output ? "output" : "input",
            fnName, slots.size(), output ? "results" : "arguments"));
      for (auto [i, b] : llvm::enumerate(bound[output]))
        b = i;
    }
    if (output) {
      for (auto [j, slot] : llvm::enumerate(slots))
        if (!llvm::is_contained(bound[1], int64_t(j)))
          fail(fmt::format("kernel '{}' does not write result '{}' of @{}",
                           record->kernel, slot.name, fnName));
    }
    for (auto [p, i] : llvm::zip(params[output], bound[output])) {
      const Slot &slot = slots[i];
      std::vector<int64_t> shape(slot.type.getShape().begin(),
                                 slot.type.getShape().end());
      if (p->dtype != slot.dtype || p->shape != shape)
        fail(fmt::format("kernel parameter '{}' is {} {}, but {} '{}' of @{} "
                         "is {} {}",
                         p->name, cuda::recordDTypeName(p->dtype).str(),
                         shapeString(p->shape), output ? "result" : "argument",
                         slot.name, fnName,
                         cascade::runtime::dtypeName(slot.dtype).str(),
                         shapeString(shape)));
    }
  }

  cuda::HostArrays inputs;
  for (auto [p, i] : llvm::zip(params[0], bound[0]))
    inputs[p->name] = &args[i].array;
  cuda::RunOptions runOptions;
  runOptions.repeat = repeat;
  llvm::Expected<cuda::KernelRun> run =
      device.runKernels(records, ptx, inputs, runOptions);
  if (!run)
    fail(llvm::toString(run.takeError()));
  const cuda::DeviceInfo &info = device.info();
  std::vector<std::string> ordered;
  for (size_t i : *order)
    ordered.push_back(records[i].kernel);
  fmt::print("{} {} for {} on device {} ({}, {})\n",
             ordered.size() > 1 ? "kernels" : "kernel",
             llvm::join(ordered, ", "), record->chip, info.ordinal, info.name,
             info.chip());
  std::vector<NpyArray> results(resultSlots.size());
  for (auto [p, i] : llvm::zip(params[1], bound[1]))
    results[i] = std::move(run->outputs[p->name]);
  timesMs = run->timesMs;
  return results;
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  cl::opt<int> &threadsOpt = cascade::registerThreadsOption(category);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "cascade-run: compile a module with the Cascade CPU pipeline and run one "
      "function\n\n"
      "The function must take and return statically shaped tensors. Inputs "
      "are matched\nto arguments by name (--input q=q.npy, the name written "
      "in the source or the\nONNX graph input's name) or by position "
      "(--input q.npy); missing ones are\nrandom (uniform in [-1, 1]). "
      "Results go to DIR/<name>.npy with --output-dir\n(the ONNX graph "
      "output's name, else result<i>). --check compiles the\nmodule a second "
      "time with "
      "attention as the runtime's reference implementation\n(fp64 "
      "accumulation) and compares the results; it fails when the max abs "
      "error\nexceeds --tolerance (or the max rel error --rel-tolerance).\n\n"
      "Arguments of f16 or bf16 take .npy files of that type or of f32 "
      "(rounded to\nnearest even); bf16 results are written as f32. --check "
      "compares them with the\nreference computed from the same values in "
      "f32; on the CPU it accepts a max\nrel error of 1e-2 for f16 and bf16 "
      "results unless a tolerance is given. bf16\ncontractions use "
      "AVX512-BF16 dot products where the CPU has them (--bf16-dot).\n\n"
      "--target=nvptx compiles the function to PTX kernels instead "
      "(cascade::compileToPTX,\nfor --chip, by default the GPU's own) and "
      "runs them on the GPU through the CUDA\ndriver, loaded at run time: "
      "without a GPU and its driver it stops at once with\na message. The "
      "function's kernels (one, or two with split-KV) run in launch\norder. "
      "--check compares with the reference in f32 and fp64 (--tolerance\n"
      "defaults to 2e-3 for f16 and bf16 results); --repeat times the runs "
      "with CUDA\nevents. --split-kv applies to both targets; --tile-m, "
      "--tile-n, --vector-width,\n--bf16-dot and --threads to the CPU "
      "only.\n");
  bool nvptx = target == "nvptx";
  if (!nvptx && target != "cpu")
    fail(
        fmt::format("unknown --target '{}' (cpu or nvptx)", target.getValue()));
  if (!nvptx && (!chip.empty() || deviceOrdinal.getNumOccurrences()))
    fail("--chip and --device apply to --target=nvptx");
  // The GPU first: a machine without one is told so before anything is
  // compiled.
  std::unique_ptr<cuda::Device> device;
  std::string chipName = chip;
  if (nvptx) {
    llvm::Expected<std::unique_ptr<cuda::Device>> opened =
        cuda::Device::open(deviceOrdinal);
    if (!opened)
      fail(llvm::toString(opened.takeError()));
    device = std::move(*opened);
    if (chipName.empty())
      chipName = device->info().chip();
    if (llvm::Error e = device->checkChip(chipName))
      fail("--chip=" + chipName + ": " + llvm::toString(std::move(e)));
  }
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  DialectRegistry registry;
  cascade::registerCascadeDialects(registry);
  cascade::registerCascadeDependentDialects(registry);
  cascade::registerONNXImportDialects(registry);
  MLIRContext context(registry);
  // Diagnostics point at the source (file:line:col); no IR dumps.
  context.printOpOnDiagnostic(false);
  context.loadAllAvailableDialects();

  std::string err;
  auto file = openInputFile(inputFile, &err);
  if (!file)
    fail("cannot open '" + inputFile + "': " + err);
  llvm::SourceMgr sm;
  sm.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sm, &context);
  // Remarks only on request; the last registered handler sees them first.
  if (!remarks)
    context.getDiagEngine().registerHandler([](Diagnostic &d) {
      return success(d.getSeverity() == DiagnosticSeverity::Remark);
    });
  AsmParserState state;
  OwningOpRef<ModuleOp> module;
  bool isONNX = llvm::StringRef(inputFile).ends_with(".onnx");
  if (!isONNX && !inputShapes.empty())
    fail("--input-shape applies to ONNX models; '" + inputFile +
         "' is not one");
  if (isONNX) {
    cascade::ONNXImportOptions onnxOptions;
    for (const std::string &spec : inputShapes) {
      std::string err = cascade::addInputShape(onnxOptions, spec);
      if (!err.empty())
        fail("--input-shape: " + err);
    }
    module = cascade::importONNXBuffer(sm.getMemoryBuffer(1)->getBuffer(),
                                       inputFile, &context, onnxOptions);
    if (!module)
      return 1;
  } else {
    ParserConfig config(&context);
    // Parse recording where each value is defined, to learn argument names.
    Block parsed;
    if (failed(parseAsmSourceFile(sm, &parsed, config, &state)))
      return 1;
    module = detail::constructContainerOpForParserIfNecessary<ModuleOp>(
        &parsed, &context, FileLineColLoc::get(&context, inputFile, 1, 1));
    if (!module || failed(verify(*module)))
      return 1;
  }

  // The entry function.
  func::FuncOp fn;
  llvm::SmallVector<std::string> candidates;
  for (auto f : module->getOps<func::FuncOp>())
    if (f.isPublic() && !f.isExternal())
      candidates.push_back(f.getName().str());
  if (!entry.empty()) {
    fn = module->lookupSymbol<func::FuncOp>(entry);
    if (fn && !fn.isExternal() && !fn.isPublic())
      fail(fmt::format("function '{}' is private; cascade-run runs public "
                       "functions (public ones: {})",
                       entry.getValue(), llvm::join(candidates, ", ")));
    if (!fn || fn.isExternal())
      fail(fmt::format("no function '{}' in {} (functions: {})",
                       entry.getValue(), inputFile.getValue(),
                       llvm::join(candidates, ", ")));
  } else if (candidates.size() == 1) {
    fn = module->lookupSymbol<func::FuncOp>(candidates[0]);
  } else if (candidates.empty()) {
    fail(fmt::format("{} has no public function to run", inputFile.getValue()));
  } else {
    fail(fmt::format("{} has several functions ({}); choose one with --entry",
                     inputFile.getValue(), llvm::join(candidates, ", ")));
  }
  std::string fnName = fn.getName().str();

  // Arguments and results.
  std::vector<Slot> argSlots, resultSlots;
  auto slotOf = [&](Type t, std::string name, const char *what) -> Slot {
    auto rt = dyn_cast<RankedTensorType>(t);
    if (!rt || !rt.hasStaticShape())
      fail(fmt::format("{} '{}' of @{} has type {}; cascade-run needs "
                       "statically shaped tensors",
                       what, name, fnName, typeString(t)));
    std::optional<DType> dt = dtypeOf(rt.getElementType());
    if (!dt)
      fail(fmt::format("{} '{}' of @{} has element type {}, which cascade-run "
                       "cannot read or write as .npy",
                       what, name, fnName, typeString(rt.getElementType())));
    return Slot{name, rt, *dt};
  };
  for (BlockArgument arg : fn.getArguments()) {
    std::string name;
    if (auto attr =
            fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "cascade.name"))
      name = attr.getValue().str();
    if (name.empty())
      name = sourceName(state, sm, arg);
    if (name.empty())
      name = "arg" + std::to_string(arg.getArgNumber());
    argSlots.push_back(slotOf(arg.getType(), name, "argument"));
  }
  for (auto [i, t] : llvm::enumerate(fn.getResultTypes())) {
    std::string name = "result" + std::to_string(i);
    if (auto attr = fn.getResultAttrOfType<StringAttr>(i, "cascade.name"))
      name = attr.getValue().str();
    resultSlots.push_back(slotOf(t, name, "result"));
  }

  // Inputs.
  std::vector<std::optional<NpyArray>> given(argSlots.size());
  unsigned position = 0;
  std::vector<std::string> specs(inputs.begin(), inputs.end());
  if (!inputDir.empty()) {
    // DIR/<argument>.npy for every argument not given by --input, and no
    // file that matches no argument (a misspelt or renamed input).
    std::vector<std::string> names;
    for (const Slot &slot : argSlots)
      names.push_back(slot.name);
    auto fileOf = [](std::string name) {
      std::replace(name.begin(), name.end(), '/', '_');
      return name + ".npy";
    };
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(inputDir, ec), end;
         !ec && it != end; it.increment(ec)) {
      llvm::StringRef file = llvm::sys::path::filename(it->path());
      if (!file.ends_with(".npy"))
        continue;
      if (llvm::none_of(
              names, [&](const std::string &n) { return fileOf(n) == file; }))
        fail(fmt::format("--input-dir: {} matches no argument of @{} "
                         "(arguments: {})",
                         it->path(), fnName, llvm::join(names, ", ")));
    }
    if (ec)
      fail(fmt::format("--input-dir: cannot read '{}': {}", inputDir.getValue(),
                       ec.message()));
    for (const Slot &slot : argSlots) {
      bool explicitlyGiven = llvm::any_of(inputs, [&](const std::string &sp) {
        return llvm::StringRef(sp).starts_with(slot.name + "=");
      });
      if (explicitlyGiven)
        continue;
      llvm::SmallString<128> path(inputDir);
      llvm::sys::path::append(path, fileOf(slot.name));
      if (!llvm::sys::fs::exists(path))
        fail(fmt::format("--input-dir: no {} for argument '{}' of @{}",
                         path.str().str(), slot.name, fnName));
      specs.push_back(slot.name + "=" + path.str().str());
    }
  }
  for (const std::string &spec : specs) {
    size_t eq = spec.find('=');
    int64_t index = -1;
    std::string path = spec;
    if (eq != std::string::npos) {
      std::string name = spec.substr(0, eq);
      path = spec.substr(eq + 1);
      for (auto [i, s] : llvm::enumerate(argSlots))
        if (s.name == name)
          index = i;
      if (index < 0) {
        std::vector<std::string> names;
        for (auto &s : argSlots)
          names.push_back(s.name);
        fail(fmt::format("--input {}: @{} has no argument named '{}' "
                         "(arguments: {})",
                         spec, fnName, name, llvm::join(names, ", ")));
      }
    } else {
      while (position < argSlots.size() && given[position])
        ++position;
      if (position >= argSlots.size())
        fail(fmt::format("--input {}: @{} takes only {} arguments", spec,
                         fnName, argSlots.size()));
      index = position;
    }
    if (given[index])
      fail(fmt::format("argument '{}' is given twice", argSlots[index].name));
    auto array = cascade::runtime::readNpy(path);
    if (!array)
      fail(fmt::format("--input {}: {}", spec,
                       llvm::toString(array.takeError())));
    const Slot &slot = argSlots[index];
    std::vector<int64_t> expected(slot.type.getShape().begin(),
                                  slot.type.getShape().end());
    if (array->shape != expected)
      fail(fmt::format("--input {}: argument '{}' expects shape {}, the file "
                       "has {}",
                       spec, slot.name, shapeString(expected),
                       shapeString(array->shape)));
    bool narrowed = array->dtype == DType::F32 &&
                    (slot.dtype == DType::F16 || slot.dtype == DType::BF16);
    if (narrowed)
      array = cascade::runtime::convertArray(*array, slot.dtype);
    if (!array)
      fail(fmt::format("--input {}: {}", spec,
                       llvm::toString(array.takeError())));
    if (array->dtype != slot.dtype)
      fail(fmt::format("--input {}: argument '{}' expects {}, the file has {}",
                       spec, slot.name,
                       cascade::runtime::dtypeName(slot.dtype).str(),
                       cascade::runtime::dtypeName(array->dtype).str()));
    given[index] = std::move(*array);
  }
  std::mt19937 rng(seed);
  std::vector<MemRef> args(argSlots.size());
  for (auto [i, slot] : llvm::enumerate(argSlots)) {
    args[i].array = given[i] ? std::move(*given[i]) : randomArray(slot, rng);
    args[i].bind();
  }
  auto makeResults = [&]() {
    std::vector<MemRef> results(resultSlots.size());
    for (auto [i, slot] : llvm::enumerate(resultSlots)) {
      results[i].array.dtype = slot.dtype;
      results[i].array.shape.assign(slot.type.getShape().begin(),
                                    slot.type.getShape().end());
      results[i].array.data.assign(results[i].array.numElements() *
                                       cascade::runtime::dtypeSize(slot.dtype),
                                   0);
      results[i].bind();
    }
    return results;
  };

  // Compile and run.
  if (splitKV < 0)
    fail(fmt::format("--split-kv must be 0 (chosen) or a number of parts, "
                     "found {}",
                     splitKV.getValue()));
  if (!(tolerance >= 0))
    fail(fmt::format("--tolerance must be a non-negative number, found {}",
                     tolerance.getValue()));
  if (!(relTolerance >= 0))
    fail(fmt::format("--rel-tolerance must be a non-negative number, found {}",
                     relTolerance.getValue()));
  if (bf16Dot < -1 || bf16Dot > 1)
    fail(fmt::format("--bf16-dot takes -1 (where the CPU has them), 0 or 1, "
                     "found {}",
                     bf16Dot.getValue()));
  auto printTimes = [](const std::vector<double> &times) {
    double sum = 0, best = times[0];
    for (double t : times) {
      sum += t;
      best = std::min(best, t);
    }
    fmt::print("time: min {:.3f} ms, mean {:.3f} ms over {} runs\n", best,
               sum / times.size(), times.size());
  };

  std::vector<MemRef> results = makeResults();
  double tol = tolerance, relTol = relTolerance;
  bool halfResults = llvm::any_of(resultSlots, [](const Slot &s) {
    return s.dtype == DType::F16 || s.dtype == DType::BF16;
  });
  bool halfArguments = llvm::any_of(argSlots, [](const Slot &s) {
    return s.dtype == DType::F16 || s.dtype == DType::BF16;
  });
  if (nvptx) {
    // Compile for the GPU and run there.
    std::vector<double> times;
    std::vector<NpyArray> outputs = runOnGPU(
        *device, *module, fn, argSlots, resultSlots, args, chipName, times);
    for (auto [i, out] : llvm::enumerate(outputs))
      results[i].array = std::move(out);
    if (!times.empty())
      printTimes(times);
    if (halfResults && tolerance.getNumOccurrences() == 0)
      tol = 2e-3;
  } else {
    // Rounded to 8 (bf16) or 11 (f16) significant bits: the error relative
    // to the results' magnitude.
    if (halfResults && tolerance.getNumOccurrences() == 0 &&
        relTolerance.getNumOccurrences() == 0)
      relTol = 1e-2;
    OwningOpRef<ModuleOp> compiled = module->clone();
    cascade::CPUPipelineOptions options;
    options.tileM = tileM;
    if (tileM <= 0)
      fail(
          fmt::format("--tile-m must be positive, found {}", tileM.getValue()));
    options.tileN = tileN;
    // A tile given applies to bf16 attention too.
    if (tileM.getNumOccurrences())
      options.bf16TileM = tileM;
    if (tileN.getNumOccurrences())
      options.bf16TileN = tileN;
    options.vectorWidth = vectorWidth;
    if (vectorWidth < -1)
      fail(
          fmt::format("--vector-width must be 0 (scalar) or positive, found {}",
                      vectorWidth.getValue()));
    if (tileN <= 0)
      fail(
          fmt::format("--tile-n must be positive, found {}", tileN.getValue()));
    int threads = threadsOpt;
    if (threads < 0)
      fail(fmt::format("--threads must be positive, found {}", threads));
    if (threads > 0)
      omp_set_num_threads(threads);
    options.split = splitKV;
    options.raise = raiseAttention;
    options.threads = threads > 0 ? threads : cascade::defaultThreads();
    // The code runs here: dot products this CPU lacks would not.
    if (bf16Dot == 1 && !cascade::hostHasBF16DotProducts())
      fail("--bf16-dot=1: this CPU has no AVX512-BF16 dot products "
           "(avx512_bf16 with AVX-512); use -1 or 0");
    options.bf16Dot = bf16Dot;
    auto engine = compile(
        *compiled,
        [&](OpPassManager &pm) {
          cascade::buildCascadeCPUPipeline(pm, options);
        },
        /*withReference=*/false);
    if (!engine)
      return 1;
    invoke(*engine, fnName, args, results);

    if (repeat > 0) {
      std::vector<double> times;
      for (unsigned r = 0; r < repeat; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        invoke(*engine, fnName, args, results);
        auto t1 = std::chrono::steady_clock::now();
        times.push_back(
            std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
      printTimes(times);
    }
  }

  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      fail(fmt::format("cannot create '{}': {}", outputDir.getValue(),
                       ec.message()));
    for (auto [i, slot] : llvm::enumerate(resultSlots)) {
      llvm::SmallString<128> path(outputDir);
      // Graph output names may hold '/' (exporters name tensors by module
      // path): one file per output, in DIR.
      std::string file = slot.name;
      std::replace(file.begin(), file.end(), '/', '_');
      llvm::sys::path::append(path, file + ".npy");
      // .npy has no bf16: such results are written as f32.
      const NpyArray &out = results[i].array;
      llvm::Expected<NpyArray> wide =
          cascade::runtime::convertArray(out, DType::F32);
      const NpyArray &written = out.dtype == DType::BF16 ? *wide : out;
      if (!wide)
        llvm::consumeError(wide.takeError());
      if (llvm::Error e = cascade::runtime::writeNpy(path, written))
        fail(llvm::toString(std::move(e)));
      fmt::print("wrote {}\n", path.str().str());
    }
  }

  // The max rel error (given, or the default of half results on the CPU)
  // replaces the max abs error, unless both are given.
  bool checkRel = relTol > 0;
  bool checkAbs = !checkRel || tolerance.getNumOccurrences() > 0;
  std::string limits;
  if (checkAbs)
    limits = fmt::format("--tolerance={}", tol);
  if (checkRel)
    limits +=
        fmt::format("{}--rel-tolerance={}", checkAbs ? " or " : "", relTol);
  // Prints the max abs and rel error of each result against `want`; false
  // when one exceeds the tolerance or holds non-finite values `want` does
  // not.
  auto compareResults = [&](const char *label, const char *against,
                            const std::vector<const NpyArray *> &want) {
    bool ok = true, anyNonFinite = false;
    for (auto [i, slot] : llvm::enumerate(resultSlots)) {
      const NpyArray &got = results[i].array;
      double maxAbs = 0, maxRef = 0;
      int64_t nonFinite = 0;
      for (int64_t j = 0, n = got.numElements(); j < n; ++j) {
        double a = elementAsDouble(got, j), b = elementAsDouble(*want[i], j);
        if (!std::isfinite(a) || !std::isfinite(b)) {
          // The same infinity (a log-sum-exp of -inf for a row with no
          // key), or NaN on both sides, agrees with the reference.
          bool same = (std::isnan(a) && std::isnan(b)) || a == b;
          if (!same)
            ++nonFinite;
          continue;
        }
        maxRef = std::max(maxRef, std::fabs(b));
        maxAbs = std::max(maxAbs, std::fabs(a - b));
      }
      double rel = maxRef > 0 ? maxAbs / maxRef : maxAbs;
      bool pass = nonFinite == 0 && (!checkAbs || maxAbs <= tol) &&
                  (!checkRel || rel <= relTol);
      anyNonFinite |= nonFinite != 0;
      ok &= pass;
      fmt::print("{} {}: max abs error {:.3e}, max rel error {:.3e}{} -> {}\n",
                 label, slot.name, maxAbs, rel,
                 nonFinite ? fmt::format(", {} non-finite values", nonFinite)
                           : std::string(),
                 pass ? "ok" : "FAILED");
    }
    if (!ok) {
      std::fflush(stdout);
      if (anyNonFinite)
        fmt::print(stderr,
                   "cascade-run: error: results or {} contain "
                   "NaN or infinite values (see the {} lines "
                   "above)\n",
                   against, label);
      else
        fmt::print(stderr,
                   "cascade-run: error: results differ from the {} by "
                   "more than {}\n",
                   against, limits);
    }
    return ok;
  };

  if (check) {
    OwningOpRef<ModuleOp> ref = module->clone();
    // The reference computes from f32: f16 and bf16 tensors are compared
    // through the same function in f32, on the same values.
    std::vector<MemRef> refArgs;
    std::vector<MemRef> expected = makeResults();
    bool widened = nvptx || halfArguments || halfResults;
    if (widened) {
      if (failed(widenModuleToF32(*ref)))
        fail(fmt::format("--check: @{} with its f16 and bf16 tensors widened "
                         "to f32 (for the reference) does not verify",
                         fnName));
      auto widen = [](MemRef &m) {
        if (m.array.dtype == DType::F16 || m.array.dtype == DType::BF16)
          m.array = llvm::cantFail(
              cascade::runtime::convertArray(m.array, DType::F32));
        m.bind();
      };
      refArgs.resize(args.size());
      for (auto [i, a] : llvm::enumerate(args)) {
        refArgs[i].array = a.array;
        widen(refArgs[i]);
      }
      for (MemRef &m : expected)
        widen(m);
    }
    auto refEngine = compile(
        *ref,
        [&](OpPassManager &pm) { cascade::buildCascadeReferencePipeline(pm); },
        /*withReference=*/true);
    if (!refEngine)
      return 1;
    invoke(*refEngine, fnName, widened ? refArgs : args, expected);
    std::vector<const NpyArray *> want;
    for (const MemRef &m : expected)
      want.push_back(&m.array);
    if (!compareResults("check", "reference", want))
      return 1;
  }
  if (!expectDir.empty()) {
    // Expected outputs saved by another framework, one .npy per result.
    std::vector<NpyArray> loaded;
    for (const Slot &slot : resultSlots) {
      std::string file = slot.name;
      std::replace(file.begin(), file.end(), '/', '_');
      llvm::SmallString<128> path(expectDir);
      llvm::sys::path::append(path, file + ".npy");
      llvm::Expected<NpyArray> array = cascade::runtime::readNpy(path);
      if (!array)
        fail(
            fmt::format("--expect-dir: {}", llvm::toString(array.takeError())));
      if (llvm::ArrayRef<int64_t>(array->shape) != slot.type.getShape())
        fail(fmt::format("--expect-dir: {} has shape {}, but result '{}' "
                         "has shape {}",
                         path.str().str(), shapeString(array->shape), slot.name,
                         shapeString(slot.type.getShape())));
      loaded.push_back(std::move(*array));
    }
    std::vector<const NpyArray *> want;
    for (const NpyArray &a : loaded)
      want.push_back(&a);
    if (!compareResults("expect", "expected outputs", want))
      return 1;
  }
  return 0;
}
