//===- EinToLoops.h - ein.cascade to a fused loop nest ----------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_CONVERSION_EINTOLOOPS_H
#define CASCADE_CONVERSION_EINTOLOOPS_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace cascade {
namespace ein {
class CascadeOp;
} // namespace ein

#define GEN_PASS_DECL_CONVERTEINTOLOOPS
#include "cascade/Conversion/Passes.h.inc"

/// Replaces `cascade` by one fused loop nest on buffers (see the pass
/// description); emits an error and fails when the cascade has a form the
/// lowering does not handle.
mlir::LogicalResult lowerCascadeToLoops(mlir::RewriterBase &rewriter,
                                        ein::CascadeOp cascade);

} // namespace cascade

#endif // CASCADE_CONVERSION_EINTOLOOPS_H
