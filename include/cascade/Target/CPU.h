//===- CPU.h - Compiling LLVM-dialect modules for the host CPU --*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// The last steps of the CPU flow, after the `cascade-cpu` pipeline has lowered
// a module to the LLVM dialect: translation to LLVM IR (optimized at -O3 for
// the host), emission of a native object file, and linking of that object
// into a shared library with the system's C compiler driver.
//
// Every function reports failures as llvm::Error values carrying a readable
// message; none of them aborts on bad input.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_TARGET_CPU_H
#define CASCADE_TARGET_CPU_H

#include "cascade/Pipelines/Pipelines.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace cascade {

/// Creates a target machine for the host: the host triple, CPU name and CPU
/// features, the PIC relocation model and aggressive (-O3) code generation.
/// Initializes the native target on first use.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createHostTargetMachine();

/// JIT-compiles `module` (in the LLVM dialect) for the host CPU as cascadec
/// would: the host target machine, LLVM -O3, aggressive code generation.
llvm::Expected<std::unique_ptr<mlir::ExecutionEngine>>
createHostJIT(mlir::ModuleOp module);

/// The threads compiled code runs on when the caller sets none: the
/// OpenMP runtime's default, OMP_NUM_THREADS, else every hardware thread.
int defaultThreads();

/// Registers the tools' `--threads` option in `category` (libLLVM registers
/// an option of that name, which the tools do not use; it is removed first).
/// Call before parsing the command line; 0 means the OpenMP runtime's default
/// (OMP_NUM_THREADS, else every core).
llvm::cl::opt<int> &registerThreadsOption(llvm::cl::OptionCategory &category);

/// Translates `module`, which must be entirely in the LLVM dialect (the
/// `llvm` stage of the CPU pipeline), to LLVM IR in `llvmContext`. The result
/// carries the host triple and data layout and has been optimized with LLVM's
/// -O3 pipeline tuned for the host CPU. Translation problems are also
/// reported as MLIR diagnostics on the module's context. Its exported
/// functions check first that the CPU running them has what it was compiled
/// for (addCPUCheck).
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &llvmContext);

/// Emits `module` as a native object file in memory using `targetMachine`.
/// A module without a triple or data layout gets the target machine's; a
/// module for another triple is rejected.
llvm::Expected<std::string> emitObject(llvm::Module &module,
                                       llvm::TargetMachine &targetMachine);

/// Makes every exported function of `module` (an x86-64 module compiled for
/// `cpu` with the target `features`, "+avx512f,+avx512bf16,...") call first
/// a check, compiled for baseline x86-64, that the CPU running it has the
/// instruction-set extensions among `features` that CPUID reports (and that
/// the operating system saves their registers). The first call of a process
/// runs CPUID; where an extension is missing it writes a message naming it
/// on standard error and calls abort(), instead of the SIGILL the kernel
/// would die of. The environment variable CASCADE_REQUIRE_CPU_FEATURES adds
/// extensions to require (comma-separated LLVM names), for testing the
/// refusal. Other targets are left as they are.
void addCPUCheck(llvm::Module &module, llvm::StringRef cpu,
                 llvm::StringRef features);

/// Writes `bytes` (an artifact) to the file `path`, replacing it.
llvm::Error writeFile(llvm::StringRef path, llvm::StringRef bytes);

/// What compileForHost and emitHostArtifact produce.
enum class ArtifactKind {
  Object,        ///< a relocatable object file (ELF on Linux)
  SharedLibrary, ///< a shared library linked against libomp and libm
};

/// Translates the LLVM-stage `module` to optimized LLVM IR and returns the
/// bytes of a native object file or shared library for the host. A shared
/// library is linked as linkSharedLibrary does, in a temporary directory
/// that is removed afterwards.
llvm::Expected<std::string> emitHostArtifact(mlir::ModuleOp module,
                                             ArtifactKind kind);

/// Compiles `module` (attn / ein / upstream tensor IR, as cascadec accepts)
/// for the host: runs the `cascade-cpu` pipeline with `options` on it in
/// place, then emits it as emitHostArtifact does. Error diagnostics of the
/// pipeline are collected into the returned error (file:line:col: message)
/// instead of reaching the context's handlers; remarks and warnings reach
/// them as usual.
llvm::Expected<std::string> compileForHost(mlir::ModuleOp module,
                                           const CPUPipelineOptions &options,
                                           ArtifactKind kind);

/// compileForHost with the options in the pipeline's textual form
/// ("tile-m=16 tile-n=8"); options that do not parse are an error.
llvm::Expected<std::string> compileForHost(mlir::ModuleOp module,
                                           llvm::StringRef options,
                                           ArtifactKind kind);

/// Links the object file `objectPath` into the shared library `outPath` by
/// running the system C compiler driver (the first of `cc`, `clang-22`,
/// `clang` and `gcc` found on PATH) as `<cc> -shared -o <out> <obj> -lm`.
llvm::Error linkSharedLibrary(llvm::StringRef objectPath,
                              llvm::StringRef outPath);

} // namespace cascade

#endif // CASCADE_TARGET_CPU_H
