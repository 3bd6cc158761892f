//===- cascadec.cpp - The Cascade ahead-of-time compiler ------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// cascadec compiles an MLIR module with attention ops for the host CPU. It
// either stops after one stage of the CPU pipeline and prints the IR there
// (`--emit=STAGE`), or goes all the way to optimized LLVM IR, a native object
// file or a shared library, chosen by the extension of `-o`.
//
//===----------------------------------------------------------------------===//

#include "cascade/Frontend/ONNX.h"
#include "cascade/Pipelines/Pipelines.h"
#include "cascade/Registration.h"
#include "cascade/Target/CPU.h"
#include "cascade/Target/PTX.h"
#include "dialects/Ein/Transforms/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <fmt/format.h>

#include <cstdio>
#include <optional>
#include <string>

namespace cl = llvm::cl;

static cl::OptionCategory cascadecCategory("cascadec options");

static cl::opt<std::string>
    inputFilename(cl::Positional, cl::Required,
                  cl::desc("<input .mlir or .onnx file, '-' for stdin>"),
                  cl::cat(cascadecCategory));

static cl::opt<std::string>
    outputFilename("o",
                   cl::desc("Output file; without --emit its extension "
                            "selects what is written (.so, .o, .ll, .mlir)"),
                   cl::value_desc("file"), cl::cat(cascadecCategory));

static cl::opt<std::string>
    emitStage("emit",
              cl::desc("Print the IR after this stage and stop: attn, ein, "
                       "ein-1pass, loops, llvm, or llvm-ir (optimized LLVM "
                       "IR); dot: the cascades after ein-1pass as a Graphviz "
                       "graph; written to -o if given, else to stdout"),
              cl::value_desc("stage"), cl::cat(cascadecCategory));

static cl::opt<std::string>
    target("target",
           cl::desc("What to compile for: cpu (the host, default) or nvptx "
                    "(NVIDIA GPUs: PTX kernels plus JSON metadata)"),
           cl::init("cpu"), cl::value_desc("cpu|nvptx"),
           cl::cat(cascadecCategory));

static cl::opt<std::string>
    chip("chip",
         cl::desc("With --target=nvptx: the GPU architecture, sm_80 or later "
                  "(default sm_80; sm_90 for H100)"),
         cl::init("sm_80"), cl::value_desc("sm_XY"), cl::cat(cascadecCategory));

static cl::opt<std::string> ptxFeatures(
    "ptx-features",
    cl::desc("With --target=nvptx: LLVM NVPTX features, e.g. +ptx80 "
             "(default: the PTX version the chip needs)"),
    cl::value_desc("features"), cl::cat(cascadecCategory));

static cl::opt<int64_t>
    tileM("tile-m",
          cl::desc("Key tile size: keys are processed in tiles of this many "
                   "(the m0 extent of ein-1pass)"),
          cl::init(64), cl::value_desc("N"), cl::cat(cascadecCategory));

static cl::opt<int64_t>
    tileN("tile-n",
          cl::desc("Query tile size: each parallel point computes this many "
                   "queries at once (1: one query per point)"),
          cl::init(32), cl::value_desc("N"), cl::cat(cascadecCategory));

static cl::opt<int64_t> splitKV(
    "split-kv",
    cl::desc("Parts ein-split cuts the keys into, each with its own running "
             "state, merged after (0: chosen from the shape and this "
             "machine's threads; 1: no split)"),
    cl::init(0), cl::value_desc("N"), cl::cat(cascadecCategory));

static cl::opt<bool> raiseAttention(
    "raise",
    cl::desc("Raise attention found in a model graph to attn ops (default "
             "true; --raise=false compiles the graph as written)"),
    cl::init(true), cl::cat(cascadecCategory));

static cl::opt<bool>
    remarks("remarks",
            cl::desc("Print the compiler's remarks (which rewrites applied, "
                     "which were refused and why)"),
            cl::cat(cascadecCategory));

static cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Size of an ONNX graph input whose shape the model leaves "
             "symbolic (repeatable)"),
    cl::value_desc("NAME=D0xD1x..."), cl::cat(cascadecCategory));

static const char *const overview =
    R"(Cascade ahead-of-time compiler for the host CPU

  cascadec FILE.mlir -o OUT(.so|.o|.ll|.mlir) [--tile-m=N]
  cascadec FILE.mlir --emit=STAGE [-o OUT] [--tile-m=N]
  cascadec FILE.mlir --emit=dot [-o OUT.dot]
  cascadec MODEL.onnx -o OUT.so [--input-shape NAME=D0xD1x...]

FILE.mlir ('-' reads stdin) holds attn ops, ein cascades, or a model graph
in TOSA (with linalg, tensor and arith); MODEL.onnx is an ONNX model
(opsets 13-17), imported as one function @main in TOSA whose arguments and
results carry the graph's input and output names. Graphs go through
attention raising first: softmax(scale Q K^T + mask) V and its variants
become attn ops (--remarks says what was raised and what was left, and
why); everything else is compiled by MLIR's TOSA and linalg lowerings.
The stages of the CPU pipeline:
  attn       attention as attn.attention ops (raised from the graph)
  ein        attention decomposed into 3-pass ein cascades (ein.einsum)
  ein-1pass  the cascades rewritten to one pass over the keys (deferred
             division, keys split into tiles of --tile-m, online softmax)
  loops      one fused loop nest per cascade, on buffers (scf, memref, linalg)
  llvm       the LLVM dialect
--emit=STAGE prints the IR after STAGE (llvm-ir: optimized LLVM IR) and
stops. --emit=dot draws the cascades of the ein-1pass stage as a Graphviz
graph (einsums as nodes, tensors as edges, the loop over key tiles and its
running state marked, the tile classes in the label): render it with
`dot -Tsvg`. Otherwise the extension of -o selects the output: .so a shared
library, .o an object file, .ll optimized LLVM IR, .mlir LLVM-dialect MLIR.
Code is optimized (-O3) for the CPU cascadec runs on.

NVIDIA GPUs (--target=nvptx):
  cascadec FILE.mlir --target=nvptx [--chip=sm_80] -o DIR
  cascadec FILE.mlir --target=nvptx --emit=gpu|nvvm|llvm|ptx
Every function made of attention on its arguments becomes one kernel per
attention op, written as DIR/NAME.ptx with DIR/NAME.json beside it (entry
name, chip, PTX version, threads per block, dynamic shared memory, grid,
parameter list: what a launcher needs; see docs/GPU.md). The stages:
  attn, ein, ein-1pass  as for the CPU, with the GPU's tiles (--tile-n rows
             per CTA, default 64; --tile-m keys per step, default 64)
  gpu        the kernels in the gpu and nvgpu dialects (mma.sync, ldmatrix,
             cp.async), with their launch metadata
  nvvm       the kernels in the LLVM and NVVM dialects
  llvm       the kernels as LLVM IR
  ptx        the PTX that LLVM's NVPTX backend emits
Building PTX needs no CUDA installation; running it needs a GPU
(cascade-run --target=nvptx).

C ABI: every public function @f(tensor args...) -> (tensor results...) is
exported as
  void _mlir_ciface_f(Desc *arg0, ..., Desc *result0, ...);
where Desc is MLIR's ranked memref descriptor of the tensor's rank R,
  struct { T *allocated; T *aligned; int64_t offset;
           int64_t sizes[R]; int64_t strides[R]; }
(strides counted in elements). Inputs come first, then one descriptor per
result, whose buffer the caller allocates. See docs/CABI.md.

MLIR debugging options (e.g. --mlir-print-ir-after-all, --mlir-timing) are
accepted too; --help-hidden lists them.
)";

namespace {
/// What cascadec writes.
enum class OutputKind {
  MLIR,          ///< MLIR text after some stage
  Dot,           ///< the cascades of the ein-1pass stage as a DOT graph
  LLVMIR,        ///< optimized LLVM IR text
  Object,        ///< a native object file
  SharedLibrary, ///< a shared library
};

/// The stage to stop after and what to write, from the command line.
struct Plan {
  cascade::Stage stage = cascade::Stage::LLVM;
  OutputKind kind = OutputKind::MLIR;
  std::string output;
};
} // namespace

/// Prints `cascadec: <message>` to stderr.
template <typename... Args>
static void reportError(fmt::format_string<Args...> format, Args &&...args) {
  std::fflush(stdout);
  fmt::print(stderr, "cascadec: {}\n",
             fmt::format(format, std::forward<Args>(args)...));
}

/// Works out the plan from the options; prints an error and returns nullopt
/// when they are inconsistent.
static std::optional<Plan> makePlan() {
  Plan plan;
  if (splitKV < 0) {
    reportError("--split-kv must be 0 (chosen) or a number of parts, got {}",
                static_cast<int64_t>(splitKV));
    return std::nullopt;
  }
  if (tileM <= 0) {
    reportError("--tile-m must be a positive number of keys, got {}",
                static_cast<int64_t>(tileM));
    return std::nullopt;
  }
  if (tileN <= 0) {
    reportError("--tile-n must be a positive number of queries, got {}",
                static_cast<int64_t>(tileN));
    return std::nullopt;
  }

  if (emitStage.getNumOccurrences() > 0) {
    plan.output = outputFilename.empty() ? "-" : outputFilename.getValue();
    if (emitStage == "dot") {
      plan.kind = OutputKind::Dot;
      plan.stage = cascade::Stage::Ein1Pass;
      return plan;
    }
    if (emitStage == "llvm-ir") {
      plan.kind = OutputKind::LLVMIR;
      plan.stage = cascade::Stage::LLVM;
      return plan;
    }
    std::optional<cascade::Stage> stage = cascade::parseStage(emitStage);
    if (!stage) {
      reportError("unknown stage '{}' for --emit; valid are attn, ein, "
                  "ein-1pass, loops, llvm, llvm-ir and dot",
                  emitStage.getValue());
      return std::nullopt;
    }
    plan.kind = OutputKind::MLIR;
    plan.stage = *stage;
    return plan;
  }

  if (outputFilename.empty()) {
    reportError("no output file: give -o OUT.so, OUT.o, OUT.ll or OUT.mlir, "
                "or --emit=STAGE to print the IR of a stage");
    return std::nullopt;
  }
  plan.output = outputFilename;
  llvm::StringRef extension = llvm::sys::path::extension(plan.output);
  if (extension == ".so") {
    plan.kind = OutputKind::SharedLibrary;
  } else if (extension == ".o") {
    plan.kind = OutputKind::Object;
  } else if (extension == ".ll") {
    plan.kind = OutputKind::LLVMIR;
  } else if (extension == ".mlir") {
    plan.kind = OutputKind::MLIR;
  } else {
    reportError("cannot tell what to write to '{}' from its extension; "
                "supported are .so (shared library), .o (object file), .ll "
                "(LLVM IR) and .mlir (LLVM-dialect MLIR), or use --emit=STAGE",
                plan.output);
    return std::nullopt;
  }
  plan.stage = cascade::Stage::LLVM;
  return plan;
}

/// Opens `path` ('-' is stdout) for writing text; prints an error and
/// returns null on failure.
static std::unique_ptr<llvm::ToolOutputFile>
openTextOutput(llvm::StringRef path) {
  std::error_code ec;
  auto file = std::make_unique<llvm::ToolOutputFile>(
      path, ec, llvm::sys::fs::OF_TextWithCRLF);
  if (ec) {
    reportError("cannot open '{}' for writing: {}", path.str(), ec.message());
    return nullptr;
  }
  return file;
}

/// Prints `error` (prefixed with `cascadec: `) and consumes it.
static void reportError(llvm::Error error) {
  reportError("{}", llvm::toString(std::move(error)));
}

/// Translates the LLVM-stage `module` and writes what `plan` asks for.
/// Returns true on success.
static bool writeNative(mlir::ModuleOp module, const Plan &plan) {
  if (plan.kind != OutputKind::LLVMIR) {
    llvm::Expected<std::string> artifact = cascade::emitHostArtifact(
        module, plan.kind == OutputKind::Object
                    ? cascade::ArtifactKind::Object
                    : cascade::ArtifactKind::SharedLibrary);
    if (!artifact) {
      reportError(artifact.takeError());
      return false;
    }
    if (llvm::Error err = cascade::writeFile(plan.output, *artifact)) {
      reportError(std::move(err));
      return false;
    }
    return true;
  }

  llvm::LLVMContext llvmContext;
  llvm::Expected<std::unique_ptr<llvm::Module>> llvmModule =
      cascade::translateToLLVMIR(module, llvmContext);
  if (!llvmModule) {
    reportError(llvmModule.takeError());
    return false;
  }
  std::unique_ptr<llvm::ToolOutputFile> out = openTextOutput(plan.output);
  if (!out)
    return false;
  (*llvmModule)->print(out->os(), /*AAW=*/nullptr);
  out->os().flush();
  if (out->os().has_error()) {
    reportError("cannot write '{}': {}", plan.output,
                out->os().error().message());
    out->os().clear_error();
    return false;
  }
  out->keep();
  return true;
}

/// Checks the options of --target=nvptx; prints an error when they do not
/// fit together.
static bool checkNVPTXOptions() {
  static const char *const stages[] = {"attn", "ein",  "ein-1pass", "gpu",
                                       "nvvm", "llvm", "ptx"};
  if (emitStage.getNumOccurrences() &&
      !llvm::is_contained(stages, llvm::StringRef(emitStage))) {
    reportError("unknown stage '{}' for --emit with --target=nvptx; valid are "
                "attn, ein, ein-1pass, gpu, nvvm, llvm and ptx",
                emitStage.getValue());
    return false;
  }
  if (!emitStage.getNumOccurrences() && outputFilename.empty()) {
    reportError("no output directory: give -o DIR (the kernels are written "
                "as DIR/NAME.ptx and DIR/NAME.json), or --emit=STAGE");
    return false;
  }

  return true;
}

/// Writes `text` to `path` ('-': stdout); returns the exit code.
static int writeText(llvm::StringRef path, llvm::StringRef text) {
  std::unique_ptr<llvm::ToolOutputFile> out = openTextOutput(path);
  if (!out)
    return 1;
  out->os() << text;
  out->os().flush();
  if (out->os().has_error()) {
    reportError("cannot write '{}': {}", path.str(),
                out->os().error().message());
    out->os().clear_error();
    return 1;
  }
  out->keep();
  return 0;
}

/// --target=nvptx: the GPU pipeline, then NVVM, LLVM IR or PTX.
static int compileNVPTX(mlir::ModuleOp module, mlir::MLIRContext &context) {
  std::string output = outputFilename.empty() ? "-" : outputFilename.getValue();
  llvm::StringRef stage = emitStage.getNumOccurrences()
                              ? llvm::StringRef(emitStage)
                              : llvm::StringRef("");
  cascade::GPUPipelineOptions pipeline;
  pipeline.raise = raiseAttention;
  if (tileM.getNumOccurrences())
    pipeline.tileM = tileM;
  if (tileN.getNumOccurrences())
    pipeline.tileN = tileN;
  auto printModule = [&]() {
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os);
    os << '\n';
    return writeText(output, text);
  };
  if (stage == "attn" || stage == "ein" || stage == "ein-1pass") {
    mlir::PassManager pm(&context);
    if (mlir::failed(mlir::applyPassManagerCLOptions(pm)))
      return 1;
    pipeline.split = splitKV;
    cascade::buildCascadeGPUPipeline(pm, pipeline, cascade::parseStage(stage));
    if (mlir::failed(pm.run(module)))
      return 1;
    return printModule();
  }
  cascade::PTXOptions options;
  options.chip = chip;
  options.features = ptxFeatures;
  options.raise = raiseAttention;
  options.tileM = tileM.getNumOccurrences() ? int64_t(tileM) : 0;
  options.split = splitKV;
  options.tileN = pipeline.tileN;
  cascade::GPUStage gpuStage = llvm::StringSwitch<cascade::GPUStage>(stage)
                                   .Case("gpu", cascade::GPUStage::GPU)
                                   .Case("nvvm", cascade::GPUStage::NVVM)
                                   .Case("llvm", cascade::GPUStage::LLVM)
                                   .Default(cascade::GPUStage::PTX);
  std::vector<cascade::PTXKernel> kernels;
  std::string llvmIR;
  if (mlir::failed(
          cascade::compileToPTX(module, options, gpuStage, kernels, &llvmIR)))
    return 1;
  if (stage == "gpu" || stage == "nvvm")
    return printModule();
  if (stage == "llvm")
    return writeText(output, llvmIR);
  if (stage == "ptx") {
    std::string text;
    for (const cascade::PTXKernel &k : kernels)
      text += "// kernel " + k.name + "\n" + k.ptx;
    return writeText(output, text);
  }
  if (kernels.empty()) {
    reportError("no kernel to write: the module has no attention");
    return 1;
  }
  if (llvm::Error err = cascade::writePTXKernels(output, kernels)) {
    reportError(std::move(err));
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);

  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::HideUnrelatedOptions(cascadecCategory);
  cl::ParseCommandLineOptions(argc, argv, overview);

  if (target != "cpu" && target != "nvptx") {
    reportError("unknown --target '{}'; valid are cpu and nvptx",
                target.getValue());
    return 1;
  }
  std::optional<Plan> plan;
  if (target == "cpu") {
    plan = makePlan();
    if (!plan)
      return 1;
  } else if (!checkNVPTXOptions()) {
    return 1;
  }

  bool isONNX = llvm::StringRef(inputFilename).ends_with(".onnx");
  cascade::ONNXImportOptions onnxOptions;
  for (const std::string &spec : inputShapes) {
    std::string err = cascade::addInputShape(onnxOptions, spec);
    if (!err.empty()) {
      reportError("--input-shape: {}", err);
      return 1;
    }
  }
  if (!isONNX && !inputShapes.empty()) {
    reportError("--input-shape applies to ONNX models; '{}' is not one",
                inputFilename.getValue());
    return 1;
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> input =
      llvm::MemoryBuffer::getFileOrSTDIN(inputFilename, /*IsText=*/!isONNX);
  if (std::error_code ec = input.getError()) {
    reportError("cannot open '{}': {}", inputFilename.getValue(), ec.message());
    return 1;
  }

  mlir::DialectRegistry registry;
  cascade::registerCascadeDialects(registry);
  cascade::registerCascadeDependentDialects(registry);
  cascade::registerONNXImportDialects(registry);
  cascade::registerCascadePasses();
  mlir::MLIRContext context(registry);
  // Diagnostics point at the source (file:line:col); no IR dumps.
  context.printOpOnDiagnostic(false);

  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*input), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler diagnosticHandler(sourceMgr, &context);
  // Remarks only on request; the last registered handler sees them first.
  if (!remarks)
    context.getDiagEngine().registerHandler([](mlir::Diagnostic &d) {
      return mlir::success(d.getSeverity() == mlir::DiagnosticSeverity::Remark);
    });

  mlir::OwningOpRef<mlir::ModuleOp> module =
      isONNX
          ? cascade::importONNXBuffer(sourceMgr.getMemoryBuffer(1)->getBuffer(),
                                      inputFilename, &context, onnxOptions)
          : mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  if (target == "nvptx")
    return compileNVPTX(*module, context);

  mlir::PassManager pm(&context);
  if (mlir::failed(mlir::applyPassManagerCLOptions(pm)))
    return 1;
  cascade::CPUPipelineOptions options;
  options.tileM = tileM;
  options.tileN = tileN;
  // A tile given on the command line applies to bf16 attention too (which
  // otherwise has tiles of its own).
  if (tileM.getNumOccurrences())
    options.bf16TileM = tileM;
  if (tileN.getNumOccurrences())
    options.bf16TileN = tileN;
  options.split = splitKV;
  options.raise = raiseAttention;
  cascade::buildCascadeCPUPipeline(pm, options, plan->stage);
  if (plan->kind == OutputKind::Dot) {
    cascade::ein::EinPrintGraphOptions graph;
    graph.output = plan->output;
    pm.addPass(cascade::ein::createEinPrintGraph(graph));
  }
  if (mlir::failed(pm.run(*module)))
    return 1;
  if (plan->kind == OutputKind::Dot)
    return 0;

  if (plan->kind == OutputKind::MLIR) {
    std::unique_ptr<llvm::ToolOutputFile> out = openTextOutput(plan->output);
    if (!out)
      return 1;
    module->print(out->os());
    out->os() << '\n';
    out->os().flush();
    if (out->os().has_error()) {
      reportError("cannot write '{}': {}", plan->output,
                  out->os().error().message());
      out->os().clear_error();
      return 1;
    }
    out->keep();
    return 0;
  }
  return writeNative(*module, *plan) ? 0 : 1;
}
