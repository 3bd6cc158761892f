//===- GPUEmulator.h - Running the gpu stage's kernels on the CPU -*- C++
//-*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// An interpreter of the kernels that `cascade-gpu` writes (the gpu stage:
// gpu, nvgpu, scf, arith, math, memref and vector ops), for checking their
// numbers on a machine without a GPU. A CTA runs in lockstep: every op
// executes for all its threads at once, with a mask of the threads that
// take a branch. The warp-level operations follow the PTX ISA's fragment
// layouts: `ldmatrix` (x1/x2/x4, transposed or not) gathers the rows the
// lanes address, `mma.sync` m16n8k16 multiplies the warp's fragments in
// f32, shuffles exchange lanes. Asynchronous copies complete at once and
// barriers are implicit, so the emulator checks what a kernel computes,
// not its timing or its races.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_TARGET_GPUEMULATOR_H
#define CASCADE_TARGET_GPUEMULATOR_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace cascade {

/// A kernel parameter's elements, row-major, as doubles (rounded to the
/// parameter's element type on every store).
using EmulatorBuffers = llvm::StringMap<std::vector<double>>;

/// Runs the kernels of `module` (the gpu stage) that `function` names in
/// their launch order, every CTA of their grids, on `buffers` (by parameter
/// name: the inputs filled, the outputs and scratch buffers created here).
llvm::Error emulateFunction(mlir::ModuleOp module, llvm::StringRef function,
                            EmulatorBuffers &buffers);

} // namespace cascade

#endif // CASCADE_TARGET_GPUEMULATOR_H
