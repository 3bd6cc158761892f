//===- EinOps.h - ein dialect operations ------------------------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_DIALECTS_EIN_IR_EINOPS_H
#define CASCADE_DIALECTS_EIN_IR_EINOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/IntegerSet.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Ein/IR/EinDialect.h.inc"
#include "dialects/Ein/IR/EinEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Ein/IR/EinAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/Ein/IR/EinOps.h.inc"

namespace cascade::ein {

/// Prints `expr` with dims named `dimNames` and symbols printed as `|name|`
/// (the extent of the cascade rank `symNames[i]`), as the ein dialect's
/// printed form and its diagnostics show accesses.
std::string printRankExpr(mlir::AffineExpr expr,
                          llvm::ArrayRef<llvm::StringRef> dimNames,
                          llvm::ArrayRef<llvm::StringRef> symNames);

/// Prints one constraint of an integer set (`m <= p`, `m1 * 64 + m0 < |m|`).
std::string printRankConstraint(mlir::AffineExpr expr, bool isEq,
                                llvm::ArrayRef<llvm::StringRef> dimNames,
                                llvm::ArrayRef<llvm::StringRef> symNames);

/// The access of input `i` of `op` printed as `%X[b, h, m, p]`-like text,
/// without the SSA name: `[b, h, m, p]`.
std::string printAccess(EinsumOp op, mlir::AffineMap map);

/// The identity of a reduction (0 for +, 1 for *, -inf for max, +inf for min).
double reductionIdentity(ReductionKind kind);

/// Builds `combine(acc, value)` for a reduction kind.
mlir::Value buildReductionCombine(mlir::OpBuilder &b, mlir::Location loc,
                                  ReductionKind kind, mlir::Value acc,
                                  mlir::Value value);

/// The assignment operator that prints a reduction kind (`+=`, `max=`...).
llvm::StringRef reductionOperator(ReductionKind kind);

} // namespace cascade::ein

#endif // CASCADE_DIALECTS_EIN_IR_EINOPS_H
