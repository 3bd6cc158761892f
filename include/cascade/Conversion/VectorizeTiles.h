//===- VectorizeTiles.h - Vector code for the tile bodies -------*- C++ -*-===//
//
// Part of Cascade. Rewrites the linalg.generic ops of the fused loop nests
// into register-tiled loops of vector operations.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_CONVERSION_VECTORIZETILES_H
#define CASCADE_CONVERSION_VECTORIZETILES_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace mlir::linalg {
class GenericOp;
} // namespace mlir::linalg

namespace cascade {

#define GEN_PASS_DECL_VECTORIZETILES
#include "cascade/Conversion/Passes.h.inc"

/// The vector shape of the rewrite: `width` elements per vector, `rows` x
/// `vectors` accumulators in reductions; `bf16Dot`: bf16 contractions with
/// AVX512-BF16 dot products (width 16 only).
struct TileVectorShape {
  int64_t width = 16;
  int64_t rows = 8;
  int64_t vectors = 2;
  bool bf16Dot = false;
  /// Inputs read along the vector dim with a stride known at run time only:
  /// one test of their strides before the loops chooses between vector
  /// loads, where every such stride is 1, and one load per lane; false:
  /// their strides are known not to be 1 (one load per lane).
  bool testStrides = true;
};

/// Rewrites `generic` into loops of vector operations; fails, leaving it
/// unchanged, when it is not of the form the pass description lists.
mlir::LogicalResult vectorizeTileGeneric(mlir::RewriterBase &rewriter,
                                         mlir::linalg::GenericOp generic,
                                         const TileVectorShape &shape);

} // namespace cascade

#endif // CASCADE_CONVERSION_VECTORIZETILES_H
