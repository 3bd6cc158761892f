//===- EinToGPU.h - One-pass cascades as GPU kernels ------------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_CONVERSION_EINTOGPU_H
#define CASCADE_CONVERSION_EINTOGPU_H

#include "mlir/Pass/Pass.h"

namespace cascade {

#define GEN_PASS_DECL_CONVERTEINTOGPU
#include "cascade/Conversion/Passes.h.inc"

} // namespace cascade

#endif // CASCADE_CONVERSION_EINTOGPU_H
