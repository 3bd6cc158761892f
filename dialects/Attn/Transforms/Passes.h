//===- Passes.h - attn dialect passes ---------------------------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_DIALECTS_ATTN_TRANSFORMS_PASSES_H
#define CASCADE_DIALECTS_ATTN_TRANSFORMS_PASSES_H

#include "dialects/Attn/IR/AttnOps.h"
#include "dialects/Ein/IR/EinOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace cascade::attn {

#define GEN_PASS_DECL
#include "dialects/Attn/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/Attn/Transforms/Passes.h.inc"

/// An attention over a paged cache (`block_table`) rewritten over the
/// contiguous keys and values that its pages hold, copied page by page; `op`
/// itself when its cache is contiguous.
AttentionOp unpageKVCache(mlir::RewriterBase &rewriter, AttentionOp op);

/// Replaces `op` by the 3-pass softmax cascade computing it.
mlir::FailureOr<ein::CascadeOp> decomposeAttention(mlir::RewriterBase &rewriter,
                                                   AttentionOp op);

/// Replaces `op` by its cascade in the quadratic form (one pass over the
/// keys); `ein-reassociate` derives the linear-time order.
mlir::FailureOr<ein::CascadeOp>
decomposeLinearAttention(mlir::RewriterBase &rewriter, LinearAttentionOp op);

/// Replaces `op` by the cascade that merges its parts.
mlir::FailureOr<ein::CascadeOp> decomposeMerge(mlir::RewriterBase &rewriter,
                                               MergeOp op);

} // namespace cascade::attn

#endif // CASCADE_DIALECTS_ATTN_TRANSFORMS_PASSES_H
