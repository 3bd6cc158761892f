//===- Pipelines.h - Cascade's named pass pipelines -------------*- C++ -*-===//
//
// Part of Cascade. The pipelines that cascadec, cascade-run, cascade-opt and
// embedders share.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_PIPELINES_PIPELINES_H
#define CASCADE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace cascade {

/// The stages of the CPU pipeline, in order; `--emit=<stage>` prints the IR
/// after one of them.
enum class Stage {
  Attn,     ///< the input, with attention as attn ops
  Ein,      ///< attn decomposed into (3-pass) ein cascades
  Ein1Pass, ///< cascades rewritten to one pass (defer, partition, online)
  Loops,    ///< fused loop nests on buffers (scf + memref)
  LLVM,     ///< the LLVM dialect, ready for translation
};

/// Parses `attn`, `ein`, `ein-1pass`, `loops` or `llvm`.
std::optional<Stage> parseStage(llvm::StringRef name);
llvm::StringRef stageName(Stage stage);

/// Options of the `cascade-cpu` pipeline.
struct CPUPipelineOptions
    : public mlir::PassPipelineOptions<CPUPipelineOptions> {
  Option<int64_t> tileM{*this, "tile-m",
                        llvm::cl::desc("key tile size (the m0 extent)"),
                        llvm::cl::init(64)};
  Option<int64_t> tileN{
      *this, "tile-n",
      llvm::cl::desc("query tile size: queries per parallel point (the p0 "
                     "extent; 1 keeps one query per point)"),
      llvm::cl::init(32)};
  Option<bool> raise{
      *this, "raise",
      llvm::cl::desc("find attention written as TOSA tensor ops in a model "
                     "graph and raise it to attn ops (attn-raise); without "
                     "it, graphs compile as written"),
      llvm::cl::init(true)};
  Option<bool> sparsify{
      *this, "sparsify",
      llvm::cl::desc("skip the key tiles a mask removes and drop the mask on "
                     "the tiles it keeps whole (ein-sparsify)"),
      llvm::cl::init(true)};
  Option<bool> packGQA{
      *this, "pack-gqa",
      llvm::cl::desc("run the query heads of a grouped-query group as the "
                     "query rows of one head where no mask or modifier "
                     "tells them apart (attn-pack-gqa)"),
      llvm::cl::init(true)};
  Option<int64_t> split{
      *this, "split",
      llvm::cl::desc("parts the keys are split into, each with its own "
                     "running state, merged after (ein-split; split-KV "
                     "decode): 0 chooses from the shape and `threads`, 1 "
                     "never splits"),
      llvm::cl::init(0)};
  Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("threads the code will run on, for choosing the split "
                     "(0: this machine's hardware threads)"),
      llvm::cl::init(0)};
  Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("elements per vector in the tile bodies (-1: from the "
                     "host CPU, 16 with AVX-512, 8 with AVX2; 0: no vector "
                     "code, scalar loops)"),
      llvm::cl::init(-1)};
  Option<int64_t> bf16TileM{
      *this, "bf16-tile-m",
      llvm::cl::desc("key tile size of bf16 attention (0: 128 where the "
                     "contractions run as bf16 dot products, else tile-m)"),
      llvm::cl::init(0)};
  Option<int64_t> bf16TileN{
      *this, "bf16-tile-n",
      llvm::cl::desc("query tile size of bf16 attention (0: 64 where the "
                     "contractions run as bf16 dot products, else tile-n)"),
      llvm::cl::init(0)};
  Option<int64_t> bf16Dot{
      *this, "bf16-dot",
      llvm::cl::desc("bf16 contractions (Q K^T, P V) with AVX512-BF16 dot "
                     "products (vdpbf16ps), P rounded to bf16: -1 where the "
                     "host CPU has them, 1 always (the code then needs "
                     "avx512_bf16), 0 never (the bf16 operands extended to "
                     "f32)"),
      llvm::cl::init(-1)};
};

/// Elements of f32 per vector register on the host CPU: 16 with AVX-512, 8
/// with AVX or AVX2, 4 otherwise.
int64_t hostVectorWidth();

/// Whether the host CPU has the AVX512-BF16 dot products (`vdpbf16ps` on
/// 512-bit vectors: avx512_bf16 with AVX-512F).
bool hostHasBF16DotProducts();

/// Adds the CPU pipeline to `pm`, stopping after `stopAfter`. Functions that
/// take and return tensors end up, at the LLVM stage, taking their results
/// as trailing out-parameters, with a C interface (`_mlir_ciface_<name>`).
void buildCascadeCPUPipeline(mlir::OpPassManager &pm,
                             const CPUPipelineOptions &options,
                             Stage stopAfter = Stage::LLVM);

/// Adds the CPU pipeline to `pm` as above, with `options` in the pipeline's
/// textual form ("tile-m=16 tile-n=8"; empty for the defaults); a tile-m or
/// tile-n given there applies to bf16 attention too, unless bf16-tile-m or
/// bf16-tile-n is given. Returns an
/// error naming the options and the reason when they do not parse; `pm` is
/// then unchanged.
llvm::Error buildCascadeCPUPipeline(mlir::OpPassManager &pm,
                                    llvm::StringRef options,
                                    Stage stopAfter = Stage::LLVM);

/// The reference pipeline: attn ops become calls of the runtime's reference
/// implementation; ein cascades are lowered as written (no partition, no
/// online rewrite); everything else is lowered as in the CPU pipeline.
void buildCascadeReferencePipeline(mlir::OpPassManager &pm);

/// Registers `cascade-cpu` and `cascade-reference` as named pipelines.
/// Options of the `cascade-gpu` pipeline (attention to GPU kernels).
struct GPUPipelineOptions
    : public mlir::PassPipelineOptions<GPUPipelineOptions> {
  Option<int64_t> tileM{*this, "tile-m",
                        llvm::cl::desc("key tile size (keys per step of the "
                                       "key loop; a multiple of 16, <= 128)"),
                        llvm::cl::init(64)};
  Option<int64_t> tileN{
      *this, "tile-n",
      llvm::cl::desc("query tile size: rows per CTA, one warp per 16 (16, "
                     "32, ..., 128)"),
      llvm::cl::init(64)};
  Option<bool> raise{*this, "raise",
                     llvm::cl::desc("raise attention found in a model graph "
                                    "to attn ops first (attn-raise)"),
                     llvm::cl::init(true)};
  Option<bool> sparsify{
      *this, "sparsify",
      llvm::cl::desc("skip the key tiles a mask removes and drop the mask on "
                     "the tiles it keeps whole (ein-sparsify)"),
      llvm::cl::init(true)};
  Option<int64_t> split{
      *this, "split",
      llvm::cl::desc("parts the keys are split into, each a CTA with its own "
                     "running state, merged by a second kernel (split-KV "
                     "decode): 0 chooses from the shape and "
                     "`multiprocessors`, 1 never splits"),
      llvm::cl::init(0)};
  Option<int64_t> multiprocessors{
      *this, "multiprocessors",
      llvm::cl::desc("streaming multiprocessors of the GPU, for choosing the "
                     "split (108: A100, 132: H100)"),
      llvm::cl::init(132)};
};

/// The GPU flow up to `cascade-convert-ein-to-gpu` (the `gpu` stage), or
/// earlier: the ein stages as the CPU flow has them, with the GPU's tiles.
void buildCascadeGPUPipeline(mlir::OpPassManager &pm,
                             const GPUPipelineOptions &options,
                             std::optional<Stage> stopAfter = std::nullopt);

void registerCascadePipelines();

} // namespace cascade

#endif // CASCADE_PIPELINES_PIPELINES_H
