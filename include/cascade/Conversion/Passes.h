//===- Passes.h - Cascade conversion passes ---------------------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_CONVERSION_PASSES_H
#define CASCADE_CONVERSION_PASSES_H

#include "cascade/Conversion/EinToGPU.h"
#include "cascade/Conversion/EinToLoops.h"
#include "cascade/Conversion/VectorizeTiles.h"

namespace cascade {

#define GEN_PASS_REGISTRATION
#include "cascade/Conversion/Passes.h.inc"

} // namespace cascade

#endif // CASCADE_CONVERSION_PASSES_H
