//===- EinToLoops.h - ein.cascade to a fused loop nest ----------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_CONVERSION_EINTOLOOPS_H
#define CASCADE_CONVERSION_EINTOLOOPS_H

#include "mlir/IR/IntegerSet.h"
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
/// Whether the point (`dims`)[`syms`] lies in one of `sets`: an i1 (false
/// for no sets).
mlir::Value emitSetsHold(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::IntegerSet> sets,
                         llvm::ArrayRef<mlir::Value> dims,
                         llvm::ArrayRef<mlir::Value> syms);

/// Tightens [`lower`, `upper`) to the range of dim `pos` that `set` allows
/// at the other dims' values (`dims`, where `dims[pos]` is not read) and
/// `syms`: from each constraint linear in that dim. Constraints not linear
/// in it are left out, so the range is a superset.
void emitSetBounds(mlir::OpBuilder &b, mlir::Location loc, mlir::IntegerSet set,
                   unsigned pos, llvm::ArrayRef<mlir::Value> dims,
                   llvm::ArrayRef<mlir::Value> syms, mlir::Value &lower,
                   mlir::Value &upper);

mlir::LogicalResult lowerCascadeToLoops(mlir::RewriterBase &rewriter,
                                        ein::CascadeOp cascade);

} // namespace cascade

#endif // CASCADE_CONVERSION_EINTOLOOPS_H
