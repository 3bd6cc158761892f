//===- PTX.h - Compiling attention to PTX kernels ---------------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// The NVIDIA flow: the `cascade-gpu` pipeline lowers every attention op of a
// module to one GPU kernel, LLVM's NVPTX backend turns the kernels into PTX,
// and each kernel is described by a JSON record that a launcher needs and
// nothing else (entry name, chip, block and grid sizes, shared memory, the
// parameter list). Building Cascade needs no CUDA.
//
// Kernel ABI. A kernel takes one device pointer per parameter, in the order
// of `params` in its record; every tensor is dense and row-major with the
// record's shape and element type, and starts at a 16-byte aligned address
// (the kernels copy rows with 16-byte cp.async; cudaMalloc and PyTorch's
// allocations are 256-byte aligned, a view at an odd offset may not be).
// Parameters of kind "input" are read only; "output" parameters are written
// completely by the kernel.
//
// The JSON record (one per kernel, `NAME.json` beside `NAME.ptx`):
//
//   {
//     "kernel": "attention_0",            entry symbol in the PTX
//     "function": "attention",            the source function
//     "ptx": "attention_0.ptx",           file name of the PTX beside it
//     "chip": "sm_80",
//     "ptx_version": "7.8",               the PTX's .version
//     "threads_per_block": [128, 1, 1],
//     "dynamic_shared_memory_bytes": 49152,
//     "grid": [2, 8, 2],                  for the compiled shapes
//     "grid_expr": ["ceildiv(N, 64)", "Hq", "B"],
//     "shapes": {"B": 2, "Hq": 8, "Hkv": 2, "N": 100, "M": 120, "D": 64,
//                "Dv": 64},
//     "variant": "softmax causal=top_left",
//     "params": [
//       {"name": "q", "kind": "input", "dtype": "f16",
//        "shape": [2, 8, 100, 64]},
//       ...
//       {"name": "result0", "kind": "output", "dtype": "f16",
//        "shape": [2, 8, 100, 64]}
//     ]
//   }
//
// dtype is one of "f16", "bf16", "f32", "i1", "i32", "i64". Parameter names
// are the function's `cascade.name` argument/result attributes where present,
// else `argN` / `resultN`.
//
// A function can take several kernels: with split-KV, one kernel computes
// the partial states of the parts of the keys into "scratch" parameters
// (named `<cascade>.<i>`, f32, allocated by the launcher, no initial value
// needed) and a second merges them into the outputs. Every kernel of a
// function takes the same parameter list (arguments, results, scratch) and
// its record says `"launch_order": i` of `"launches": n`; launch them in
// that order on the same buffers.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_TARGET_PTX_H
#define CASCADE_TARGET_PTX_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <string>
#include <vector>

namespace cascade {

/// One compiled kernel.
struct PTXKernel {
  std::string name;          ///< entry symbol, also the file stem
  std::string ptx;           ///< the PTX text
  llvm::json::Object record; ///< the JSON record described above
};

/// Where compileToPTX stops.
enum class GPUStage {
  GPU,  ///< gpu/nvgpu dialects: the kernels and their launches
  NVVM, ///< kernels lowered to the LLVM and NVVM dialects
  LLVM, ///< kernels as LLVM IR (textual, one module per kernel)
  PTX,  ///< PTX text (the default)
};

struct PTXOptions {
  /// The chip, `sm_80` or later (`sm_80`, `sm_86`, `sm_89`, `sm_90`, ...).
  std::string chip = "sm_80";
  /// Extra PTX features for LLVM (e.g. `+ptx80`); empty picks a PTX
  /// version that the chip needs.
  std::string features;
  /// LLVM optimization level of the kernels.
  int optLevel = 3;
  /// Raise attention out of graph ops first (as the CPU flow does).
  bool raise = true;
  /// Query rows per CTA (one warp per 16) and keys per step (0: 64, or 32
  /// for head dims above 128).
  int64_t tileN = 64, tileM = 0;
  /// Parts of split-KV (0: chosen from the shape and the chip's
  /// multiprocessors; 1: no split).
  int64_t split = 0;
};

/// Compiles every attention op of `module` to a kernel. On success the
/// kernels are in `kernels`; with `stage` before PTX, `module` holds the IR
/// of that stage (GPU, NVVM) or `llvmIR` the kernels' LLVM IR (LLVM), and
/// `kernels` is left empty. Problems are reported as diagnostics on the
/// module's context and the result is failure; nothing aborts.
mlir::LogicalResult compileToPTX(mlir::ModuleOp module,
                                 const PTXOptions &options, GPUStage stage,
                                 std::vector<PTXKernel> &kernels,
                                 std::string *llvmIR = nullptr);

/// Writes `DIR/NAME.ptx` and `DIR/NAME.json` for every kernel, creating DIR.
llvm::Error writePTXKernels(llvm::StringRef dir,
                            const std::vector<PTXKernel> &kernels);

} // namespace cascade

#endif // CASCADE_TARGET_PTX_H
