//===- CPUTarget.cpp - Compiling LLVM-dialect modules for the host CPU ----===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// Translation of LLVM-dialect modules to optimized LLVM IR, native object
// emission and shared-library linking for the host.
//
//===----------------------------------------------------------------------===//

#include "cascade/Target/CPU.h"

#include "cascade/Support/Diagnostics.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/CodeGen.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

using llvm::Error;
using llvm::Expected;
using llvm::StringRef;

/// Returns an llvm::Error holding `message`.
static Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Initializes the native target, its assembly printer and parser, once per
/// process.
/// Returns true on success.
static bool initializeNativeTarget() {
  static std::once_flag flag;
  static bool initialized = false;
  std::call_once(flag, [] {
    // Each returns true on failure. The assembly parser assembles the inline
    // assembly of the CPU check (cpuid) into objects.
    initialized = !llvm::InitializeNativeTarget() &&
                  !llvm::InitializeNativeTargetAsmPrinter() &&
                  !llvm::InitializeNativeTargetAsmParser();
  });
  return initialized;
}

Expected<std::unique_ptr<llvm::TargetMachine>>
cascade::createHostTargetMachine() {
  if (!initializeNativeTarget())
    return makeError("cannot initialize the native LLVM target; was LLVM "
                     "built with support for this host?");

  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string lookupError;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!target)
    return makeError("no LLVM target for the host triple '" + triple.str() +
                     "': " + lookupError);

  llvm::SubtargetFeatures features;
  for (const llvm::StringMapEntry<bool> &feature :
       llvm::sys::getHostCPUFeatures())
    features.AddFeature(feature.getKey(), feature.getValue());

  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features.getString(), options,
      llvm::Reloc::PIC_, /*CM=*/std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return makeError("cannot create an LLVM target machine for '" +
                     triple.str() + "'");
  return machine;
}

/// Checks that every operation nested in `module` belongs to the LLVM
/// dialect, so that the module can be translated; the first offending
/// operation gets an error diagnostic.
static Error checkLLVMStage(mlir::ModuleOp module) {
  mlir::Operation *offending = nullptr;
  module.getBody()->walk<mlir::WalkOrder::PreOrder>([&](mlir::Operation *op) {
    // The OpenMP dialect's ops (parallel regions of the parallel ranks) are
    // translated to OpenMP runtime calls with the LLVM dialect around them.
    if (llvm::isa_and_nonnull<mlir::LLVM::LLVMDialect,
                              mlir::omp::OpenMPDialect>(op->getDialect()))
      return mlir::WalkResult::advance();
    offending = op;
    return mlir::WalkResult::interrupt();
  });
  if (!offending)
    return Error::success();
  std::string name = offending->getName().getStringRef().str();
  mlir::emitError(offending->getLoc())
      << "'" << name
      << "' is not in the LLVM dialect; only modules lowered to the llvm "
         "stage can be translated to LLVM IR";
  return makeError("the module is not at the llvm stage (found '" + name +
                   "')");
}

Expected<std::unique_ptr<llvm::Module>>
cascade::translateToLLVMIR(mlir::ModuleOp module,
                           llvm::LLVMContext &llvmContext) {
  if (!module)
    return makeError("no module to translate");
  if (Error err = checkLLVMStage(module))
    return std::move(err);

  // The translation interfaces may already be registered (as they are by
  // registerCascadeDependentDialects); registering them again is harmless.
  mlir::MLIRContext *context = module.getContext();
  mlir::registerBuiltinDialectTranslation(*context);
  mlir::registerLLVMDialectTranslation(*context);

  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return makeError("cannot translate the module to LLVM IR");

  Expected<std::unique_ptr<llvm::TargetMachine>> machine =
      createHostTargetMachine();
  if (!machine)
    return machine.takeError();
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  llvmModule->setDataLayout((*machine)->createDataLayout());
  // The code is for this CPU: elsewhere it refuses to run rather than fault.
  addCPUCheck(*llvmModule, (*machine)->getTargetCPU(),
              (*machine)->getTargetFeatureString());

  auto optimize = mlir::makeOptimizingTransformer(
      /*optLevel=*/3, /*sizeLevel=*/0, machine->get());
  if (Error err = optimize(llvmModule.get()))
    return llvm::joinErrors(makeError("LLVM optimization failed"),
                            std::move(err));
  return llvmModule;
}

Expected<std::string> cascade::emitObject(llvm::Module &module,
                                          llvm::TargetMachine &targetMachine) {
  const llvm::Triple &machineTriple = targetMachine.getTargetTriple();
  if (module.getTargetTriple().empty())
    module.setTargetTriple(machineTriple);
  else if (module.getTargetTriple() != machineTriple)
    return makeError("the module targets '" + module.getTargetTriple().str() +
                     "' but the target machine is for '" + machineTriple.str() +
                     "'");
  if (module.getDataLayout().isDefault())
    module.setDataLayout(targetMachine.createDataLayout());

  llvm::SmallVector<char, 0> bytes;
  llvm::raw_svector_ostream os(bytes);
  llvm::legacy::PassManager codegen;
  if (targetMachine.addPassesToEmitFile(codegen, os, nullptr,
                                        llvm::CodeGenFileType::ObjectFile))
    return makeError("the target machine for '" + machineTriple.str() +
                     "' cannot emit object files");
  codegen.run(module);
  return std::string(bytes.data(), bytes.size());
}

Error cascade::writeFile(StringRef path, StringRef bytes) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError("cannot open '" + path + "' for writing: " + ec.message());
  out.os() << bytes;
  out.os().flush();
  if (out.os().has_error()) {
    std::string message = out.os().error().message();
    out.os().clear_error();
    return makeError("cannot write '" + path + "': " + message);
  }
  out.keep();
  return Error::success();
}

Expected<std::string> cascade::emitHostArtifact(mlir::ModuleOp module,
                                                ArtifactKind kind) {
  llvm::LLVMContext llvmContext;
  Expected<std::unique_ptr<llvm::Module>> llvmModule =
      translateToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return llvmModule.takeError();
  Expected<std::unique_ptr<llvm::TargetMachine>> machine =
      createHostTargetMachine();
  if (!machine)
    return machine.takeError();
  Expected<std::string> object = emitObject(**llvmModule, **machine);
  if (!object || kind == ArtifactKind::Object)
    return object;

  // The driver links files: the object and the library go through a
  // temporary directory of their own.
  llvm::SmallString<128> dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("cascade-link", dir))
    return makeError("cannot create a temporary directory: " + ec.message());
  llvm::SmallString<128> objectPath(dir), libraryPath(dir);
  llvm::sys::path::append(objectPath, "kernel.o");
  llvm::sys::path::append(libraryPath, "kernel.so");
  llvm::scope_exit cleanup([&] {
    llvm::sys::fs::remove(objectPath);
    llvm::sys::fs::remove(libraryPath);
    llvm::sys::fs::remove(dir);
  });
  if (Error err = writeFile(objectPath, *object))
    return std::move(err);
  if (Error err = linkSharedLibrary(objectPath, libraryPath))
    return std::move(err);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> library =
      llvm::MemoryBuffer::getFile(libraryPath, /*IsText=*/false);
  if (!library)
    return makeError("cannot read the linked library '" + libraryPath +
                     "': " + library.getError().message());
  return (*library)->getBuffer().str();
}

/// Runs the pipeline that `build` adds on `module` and emits the result; the
/// pipeline's error diagnostics become the returned error.
static Expected<std::string>
compileWith(mlir::ModuleOp module,
            llvm::function_ref<Error(mlir::OpPassManager &)> build,
            cascade::ArtifactKind kind) {
  if (!module)
    return makeError("no module to compile");
  cascade::ErrorCollector errors(module.getContext());
  mlir::PassManager pm(module.getContext(), module.getOperationName());
  if (Error err = build(pm))
    return std::move(err);
  if (mlir::failed(pm.run(module)))
    return makeError(errors.take("the cascade-cpu pipeline failed"));
  Expected<std::string> artifact = cascade::emitHostArtifact(module, kind);
  // Translation reports its problems as diagnostics too.
  std::string diagnostics = errors.take("");
  if (!artifact && !diagnostics.empty())
    return llvm::joinErrors(artifact.takeError(), makeError(diagnostics));
  return artifact;
}

Expected<std::string> cascade::compileForHost(mlir::ModuleOp module,
                                              const CPUPipelineOptions &options,
                                              ArtifactKind kind) {
  return compileWith(
      module,
      [&](mlir::OpPassManager &pm) {
        buildCascadeCPUPipeline(pm, options, Stage::LLVM);
        return Error::success();
      },
      kind);
}

Expected<std::string> cascade::compileForHost(mlir::ModuleOp module,
                                              StringRef options,
                                              ArtifactKind kind) {
  return compileWith(
      module,
      [&](mlir::OpPassManager &pm) {
        return buildCascadeCPUPipeline(pm, options, Stage::LLVM);
      },
      kind);
}

llvm::Expected<std::unique_ptr<mlir::ExecutionEngine>>
cascade::createHostJIT(mlir::ModuleOp module) {
  auto machine = createHostTargetMachine();
  if (!machine)
    return machine.takeError();
  mlir::ExecutionEngineOptions options;
  auto transformer = mlir::makeOptimizingTransformer(3, 0, machine->get());
  options.transformer = transformer;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  return mlir::ExecutionEngine::create(module, options);
}

int cascade::defaultThreads() {
  if (const char *env = std::getenv("OMP_NUM_THREADS")) {
    int n = std::atoi(env); // "4" or "4,2": the outermost level
    if (n > 0)
      return n;
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

llvm::cl::opt<int> &
cascade::registerThreadsOption(llvm::cl::OptionCategory &category) {
  auto &registered = llvm::cl::getRegisteredOptions();
  auto it = registered.find("threads");
  if (it != registered.end())
    it->second->removeArgument();
  static llvm::cl::opt<int> threads(
      "threads",
      llvm::cl::desc("threads for the parallel ranks (batch, head, query "
                     "tile); default: OMP_NUM_THREADS, else every core"),
      llvm::cl::init(0), llvm::cl::cat(category));
  return threads;
}

Error cascade::linkSharedLibrary(StringRef objectPath, StringRef outPath) {
  if (!llvm::sys::fs::exists(objectPath))
    return makeError("object file '" + objectPath + "' does not exist");

  static const char *const candidates[] = {"cc", "clang-22", "clang", "gcc"};
  std::string driver;
  for (const char *name : candidates) {
    llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(name);
    if (found) {
      driver = *found;
      break;
    }
  }
  if (driver.empty())
    return makeError("cannot link '" + outPath +
                     "': no C compiler driver found on PATH (tried cc, "
                     "clang-22, clang and gcc)");

  // Parallel ranks run on the OpenMP runtime (libomp); the library finds it
  // through an rpath to the directory it was found in at build time.
  llvm::SmallVector<StringRef> args = {driver,
                                       "-shared",
                                       "-o",
                                       outPath,
                                       objectPath,
                                       "-L" CASCADE_LIBOMP_DIR,
                                       "-Wl,-rpath," CASCADE_LIBOMP_DIR,
                                       "-lomp",
                                       "-lm"};
  std::string errorMessage;
  bool executionFailed = false;
  int exitCode = llvm::sys::ExecuteAndWait(
      driver, args, /*Env=*/std::nullopt, /*Redirects=*/{},
      /*SecondsToWait=*/0, /*MemoryLimit=*/0, &errorMessage, &executionFailed);

  std::string commandLine;
  for (StringRef arg : args) {
    if (!commandLine.empty())
      commandLine += ' ';
    commandLine += arg.str();
  }
  if (executionFailed || exitCode < 0)
    return makeError(
        "cannot run '" + commandLine + "'" +
        (errorMessage.empty() ? std::string() : ": " + errorMessage));
  if (exitCode != 0)
    return makeError("'" + commandLine + "' failed with exit code " +
                     llvm::Twine(exitCode));
  return Error::success();
}
