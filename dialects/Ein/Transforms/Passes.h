//===- Passes.h - ein dialect passes ----------------------------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_DIALECTS_EIN_TRANSFORMS_PASSES_H
#define CASCADE_DIALECTS_EIN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace cascade::ein {

#define GEN_PASS_DECL
#include "dialects/Ein/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/Ein/Transforms/Passes.h.inc"

} // namespace cascade::ein

#endif // CASCADE_DIALECTS_EIN_TRANSFORMS_PASSES_H
