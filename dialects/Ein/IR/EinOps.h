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

/// The einsums of `cascade`, every producer before its readers (a
/// recurrence's use of its own result aside).
llvm::SmallVector<EinsumOp> einsumsInDependenceOrder(CascadeOp cascade);

/// The identity of a reduction (0 for +, 1 for *, -inf for max, +inf for min).
double reductionIdentity(ReductionKind kind);

/// Builds `combine(acc, value)` for a reduction kind.
mlir::Value buildReductionCombine(mlir::OpBuilder &b, mlir::Location loc,
                                  ReductionKind kind, mlir::Value acc,
                                  mlir::Value value);

/// The assignment operator that prints a reduction kind (`+=`, `max=`...).
llvm::StringRef reductionOperator(ReductionKind kind);

/// Everything needed to build one einsum, with ranks by name; the passes
/// describe the einsums they create with it.
struct EinsumSpec {
  std::string name;
  /// The iteration space, output ranks first.
  llvm::SmallVector<std::string> ranks;
  /// Cascade ranks whose extents the accesses and condition use.
  llvm::SmallVector<std::string> symbols;
  llvm::SmallVector<mlir::AffineExpr> output;
  /// A null value stands for the einsum's own result (a recurrence).
  llvm::SmallVector<mlir::Value> inputs;
  llvm::SmallVector<llvm::SmallVector<mlir::AffineExpr>> accesses;
  ReductionKind reduction = ReductionKind::None;
  /// A conjunction of affine constraints (`expr >= 0`, or `== 0`).
  struct Conjunction {
    llvm::SmallVector<mlir::AffineExpr> constraints;
    llvm::SmallVector<bool> eqFlags;
  };
  /// The condition: a union of conjunctions; empty means always.
  llvm::SmallVector<Conjunction> condition;
  std::optional<double> init, fill;
  mlir::Type elementType;
  mlir::MLIRContext *ctx;

  explicit EinsumSpec(mlir::MLIRContext *ctx) : ctx(ctx) {}
  /// The dim of rank `name`, added to the iteration space if new.
  mlir::AffineExpr dim(llvm::StringRef name);
  /// The extent of cascade rank `name`, as a symbol.
  mlir::AffineExpr sym(llvm::StringRef name);
  void addInput(mlir::Value v, llvm::ArrayRef<mlir::AffineExpr> access) {
    inputs.push_back(v);
    accesses.emplace_back(access.begin(), access.end());
  }
  /// Ands `constraint >= 0` (or `== 0`) into the condition.
  void addConstraint(mlir::AffineExpr constraint, bool isEq = false);
  /// Ands `alternatives[0] or alternatives[1] or ...` into the condition.
  void addDisjunction(llvm::ArrayRef<Conjunction> alternatives);
  /// Ands the condition of an existing einsum, renaming its
  /// dims and symbols into this spec by name.
  void addConditionOf(EinsumOp op,
                      llvm::ArrayRef<mlir::AffineExpr> dimReplacements = {});
};

/// The spec of an existing einsum (same ranks, symbols, accesses, operands;
/// a self-use becomes a null input).
EinsumSpec specFrom(EinsumOp op);

/// Names of a cascade tensor: the einsum's name or the cascade input's name.
std::string tensorName(mlir::Value v);

/// Sorts rank names by their position in the cascade's rank table.
void sortByRankTable(CascadeOp cascade,
                     llvm::SmallVectorImpl<std::string> &names);

/// Builds the einsum described by `spec` inside `cascade` at the builder's
/// insertion point. The result type follows from the rank extents (static
/// where known). `body` computes one element from the operands' elements.
EinsumOp
buildEinsum(mlir::OpBuilder &b, mlir::Location loc, CascadeOp cascade,
            const EinsumSpec &spec,
            llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                           mlir::ValueRange)>
                body);

/// Builds the einsum described by `spec` with a copy of `mapSource`'s map
/// region (its predicate included); the spec's operands correspond one to
/// one to `mapSource`'s.
EinsumOp buildEinsumWithMapOf(mlir::OpBuilder &b, mlir::Location loc,
                              CascadeOp cascade, const EinsumSpec &spec,
                              EinsumOp mapSource);

/// An empty cascade (its body block holds one argument per input, no
/// terminator yet) with the given rank table and result types.
CascadeOp createCascade(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::StringRef name, mlir::ValueRange inputs,
                        llvm::ArrayRef<mlir::Attribute> inputNames,
                        llvm::ArrayRef<mlir::Attribute> ranks,
                        mlir::TypeRange resultTypes);

/// The einsums of a cascade around the loop over its iterative rank `iter`,
/// each group in dependence order: before the loop (no `iter`, nothing read
/// from the loop), in it (iterating `iter`), after it (reading what the loop
/// made, directly or through another einsum after it). With no `iter`,
/// every einsum is before.
struct LoopSchedule {
  llvm::SmallVector<EinsumOp> pre, loop, post;
};
LoopSchedule scheduleAroundLoop(CascadeOp cascade, llvm::StringRef iter);

/// Extent of `rank` in `cascade`, as seen in a tensor dimension.
int64_t tensorExtent(CascadeOp cascade, llvm::StringRef rank);

} // namespace cascade::ein

#endif // CASCADE_DIALECTS_EIN_IR_EINOPS_H
