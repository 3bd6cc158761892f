//===- Transforms.h - Rewrites of ein cascades ------------------*- C++ -*-===//
//
// Part of Cascade. The rewrites behind the ein passes, callable by
// pipelines, other passes and embedders. Each returns failure (with a
// remark on the cascade) when it refuses, leaving the cascade unchanged.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_DIALECTS_EIN_TRANSFORMS_TRANSFORMS_H
#define CASCADE_DIALECTS_EIN_TRANSFORMS_TRANSFORMS_H

#include "dialects/Ein/IR/EinOps.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace cascade::ein {

/// The value a map region yields.
mlir::Value mapResult(EinsumOp op);

/// The operand of a recurrence that is its own result (-1: none).
int64_t selfOperand(EinsumOp op);

/// Whether the map region also yields an i1 predicate.
bool hasPredicate(EinsumOp op);
/// Evaluates `op`'s map with constant arguments (NaN for a missing one) by
/// folding its operations; nothing when some operation does not fold.
std::optional<double> foldMap(EinsumOp op,
                              llvm::ArrayRef<std::optional<double>> args);

/// Whether `v` (computed in a map region) depends on `a`.
bool mapUses(mlir::Value v, mlir::Value a);

/// Whether `v` is `a` times factors that do not involve `a`, i.e. linear in
/// `a`: the property that lets a factor constant along a reduction move out
/// of a sum.
bool isLinearIn(mlir::Value v, mlir::Value a);

/// FuseMax's pass count for one rank.
struct RankPassCount {
  std::string rank;
  int64_t passes = 0;
  /// Elements that must be kept between passes (tensors indexed by the rank
  /// produced in one pass and read in a later one, plus recurrence state);
  /// -1 when an extent is dynamic.
  int64_t footprint = 0;
  llvm::SmallVector<std::string> liveTensors;
};

/// Passes needed over every rank that some einsum reduces or iterates.
llvm::SmallVector<RankPassCount> countPasses(CascadeOp cascade);

/// Defers every division that a following contraction can absorb. Returns
/// the number of divisions moved.
int deferDivisions(mlir::RewriterBase &rewriter, CascadeOp cascade);

/// Reassociates chains of sums where that lowers the cost; returns the
/// number of sums rewritten.
int reassociateContractions(mlir::RewriterBase &rewriter, CascadeOp cascade);

/// Splits `rank` into `rank1 * tile + rank0`. A returned tensor indexed by
/// `rank` is refused unless `reshapeResults`, which makes the cascade return
/// it tiled, collapsed and sliced back to its type after the cascade.
/// `rebuilt`, when given, maps the names of the einsums that were rebuilt
/// to their replacements.
mlir::LogicalResult partitionRank(mlir::RewriterBase &rewriter,
                                  CascadeOp cascade, llvm::StringRef rank,
                                  int64_t tile, bool reshapeResults = false,
                                  llvm::StringMap<EinsumOp> *rebuilt = nullptr);
/// Partitions `rank` into tiles when every einsum keeps it in its output
/// (a parallel rank), returning tiled results; fails, changing nothing, when
/// some einsum does not or the rank is already partitioned.
mlir::LogicalResult tileParallelRank(mlir::RewriterBase &rewriter,
                                     CascadeOp cascade, llvm::StringRef rank,
                                     int64_t tile);
/// Rewrites causal sums `S[p] += W[m,p] * X[m] where (m <= p)`, with
/// `W[m,p] += A[p,e] * B[m,e]` (optionally times `L^(p - m)`), into chunks
/// of `tile` queries: a quadratic part inside the chunk and a running state
/// `sum B X` carried from chunk to chunk. Returns the number of sums
/// rewritten; refusals are remarks.
int chunkCausalContractions(mlir::RewriterBase &rewriter, CascadeOp cascade,
                            int64_t tile);

/// Turns the reductions over the outer part of a partitioned rank into
/// running state. Succeeds without change when there is nothing to do.
mlir::LogicalResult makeOnline(mlir::RewriterBase &rewriter, CascadeOp cascade);

/// Partitions `rank` and makes its reductions online on a copy of `cascade`;
/// replaces the cascade by the copy when both succeed, and otherwise keeps
/// it (a multi-pass schedule) with a remark and returns failure.
mlir::LogicalResult deriveOnePass(mlir::RewriterBase &rewriter,
                                  CascadeOp cascade, llvm::StringRef rank,
                                  int64_t tile);

/// ein-simplify-conditions on one cascade; returns the conditions removed.
int simplifyConditions(CascadeOp cascade);

/// The condition of `op` with its ranks renamed to their positions in the
/// cascade's rank table: equal strings mean equal conditions.
std::string canonicalCondition(CascadeOp cascade, EinsumOp op);

/// The conjuncts of `op`'s predicate (the map's second yielded value), with
/// `and`s flattened and `true`s dropped; nothing when it yields none.
void predicateAtoms(EinsumOp op, llvm::SmallVectorImpl<mlir::Value> &atoms);

/// `v`, a value of `op`'s map, printed with the map's arguments replaced by
/// the tensors they read at their accesses in cascade rank positions: equal
/// strings mean equal values.
std::string canonicalMapValue(CascadeOp cascade, EinsumOp op, mlir::Value v);

/// The condition and the predicate of `op`, printed with ranks renamed to
/// their positions in the cascade's rank table and the predicate as the set
/// of its conjuncts: equal strings mean equal masks.
std::string canonicalMask(CascadeOp cascade, EinsumOp op);

/// Whether `op` has a condition or a predicate.
bool isMasked(EinsumOp op);

/// Builds in `cascade` the einsums that classify each tile of the
/// iterative rank `iter` at run time under the predicate of `masked`
/// (ein-sparsify's run-time tile map). `parallel` lists the cascade's
/// parallel ranks. Returns the einsum whose value at a tile is 0 (no point
/// of the tile satisfies the predicate), 1 (every point does) or 2, and the
/// names of the tensors it ranges over in `sources`; null, building
/// nothing, when no conjunct of the predicate can be bounded per tile.
EinsumOp buildTileClassifier(mlir::OpBuilder &b, CascadeOp cascade,
                             EinsumOp masked, llvm::StringRef iter,
                             llvm::ArrayRef<std::string> parallel,
                             llvm::SmallVectorImpl<std::string> &sources);

/// The static extent of rank `name` of `cascade`, the outer part of a
/// partitioned rank included (`ceildiv(|m|, tile)`); kDynamic otherwise.
int64_t tileRankExtent(CascadeOp cascade, llvm::StringRef name);

/// The class of a tile under a tile map's sets.
enum class TileClass { Empty, Full, Partial };

/// Visits every tile of `map` (over its dims, row-major: the last dimension
/// varies fastest) with its class under the sets: outside every visit set,
/// empty; inside a partial set, partial; full otherwise. Fails, visiting
/// nothing, when the map has symbols, an extent is not static, or there are
/// more than `limit` tiles. Run-time classes (`classes`) are not evaluated.
mlir::LogicalResult
forEachTile(CascadeOp cascade, TileMapAttr map, int64_t limit,
            llvm::function_ref<void(llvm::ArrayRef<int64_t>, TileClass)> fn);

/// How many tiles of a tile map fall in each class.
struct TileCounts {
  int64_t empty = 0, full = 0, partial = 0;
};

/// The most tiles countTiles counts.
constexpr int64_t kMaxCountedTiles = int64_t(1) << 24;

/// The classes of `map`'s tiles counted with forEachTile; none when they
/// cannot be (symbols, dynamic extents, more than kMaxCountedTiles).
std::optional<TileCounts> countTiles(CascadeOp cascade, TileMapAttr map);

/// The tiles of `map` as text, one row per run of its last dimension named
/// by the others (`\n  p1 = 3: ##+..`), `#` full, `+` partial, `.` empty;
/// none when forEachTile fails with `limit`.
std::optional<std::string> printTileGrid(CascadeOp cascade, TileMapAttr map,
                                         int64_t limit);

/// What ein-sparsify found: the tile map (null when nothing is masked) and,
/// when every extent is static, how many tiles fall in each class.
struct TileClasses {
  TileMapAttr map;
  /// Whether the sets classify by a condition on the ranks (not only the
  /// run-time classifier), and whether they were counted.
  bool affine = false;
  /// The counts, when every extent is static.
  std::optional<TileCounts> counts;
  /// The tensors the run-time classifier ranges over, and its ranks.
  llvm::SmallVector<std::string> sources, classifierRanks;
};

/// Classifies the tiles of `cascade`'s iterative rank under its mask
/// condition (see ein-sparsify). Fails, with the reason in `why`, when the
/// cascade is not a one-pass cascade whose empty tiles can be skipped.
mlir::FailureOr<TileClasses> sparsify(CascadeOp cascade, std::string &why);

/// What ein-split made: `parts` parts of `keys` points of the split rank
/// each (the last one possibly shorter); one part: the cascade is unchanged.
struct SplitResult {
  int64_t parts = 1;
  int64_t keys = 0;
};

/// Splits the rank whose tiles a one-pass cascade iterates over into parts
/// (see ein-split): `parts` of them, or, when `parts` <= 0, as many as
/// `threads` (<= 0: this machine's) need to be kept busy. Fails, with the
/// reason in `why`, when the running state does not merge across parts;
/// `why` also says why a chosen count is 1.
mlir::FailureOr<SplitResult> splitIterativeRank(mlir::RewriterBase &rewriter,
                                                CascadeOp cascade,
                                                int64_t parts, int64_t threads,
                                                std::string &why);

/// Whether the cascade reads a bf16 tensor (bf16 attention): the CPU
/// pipeline gives such cascades tiles of their own (`bf16-tile` of
/// ein-one-pass and ein-tile-parallel).
bool readsBF16(CascadeOp cascade);

/// ein-pack on one cascade; returns the operands packed. An f16 or bf16
/// operand that the contraction extends to its f32 type is packed in f32,
/// the extension folded into the copy, unless `keepNarrow`: then it is copied
/// in its own type with no arithmetic folded (for dot-product instructions
/// that read bf16 pairs).
int packOperands(mlir::RewriterBase &rewriter, CascadeOp cascade,
                 bool keepNarrow = false);

/// Moves a narrow rank of the tile body (fewer than `minPoints` points: the
/// query rows of a decode tile) out of the innermost position of the
/// einsums whose output ends with it: the last rank of the tile body that is
/// not narrow goes last instead (`BQK[.., m0, p0]` becomes `BQK[.., p0, m0]`,
/// `SLNV[.., f, m1, p0]` becomes `SLNV[.., m1, p0, f]`), and their readers
/// read the new layout. Einsums whose result the cascade yields keep theirs.
/// Returns how many einsums changed; `moved` and `narrow` get the names of
/// the ranks moved in and out.
int relayoutNarrowRanks(mlir::RewriterBase &rewriter, CascadeOp cascade,
                        int64_t minPoints,
                        llvm::SmallVectorImpl<std::string> &moved,
                        llvm::SmallVectorImpl<std::string> &narrow);

} // namespace cascade::ein

#endif // CASCADE_DIALECTS_EIN_TRANSFORMS_TRANSFORMS_H
