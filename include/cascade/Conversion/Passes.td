//===- Passes.td - Cascade conversion passes ---------------*- tablegen -*-===//

#ifndef CASCADE_CONVERSION_PASSES_TD
#define CASCADE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertEinToLoops : Pass<"convert-ein-to-loops"> {
  let summary = "Fuse each ein.cascade into one loop nest on buffers";
  let description = [{
    Lowers every `ein.cascade` to one fused loop nest:

    - the ranks every einsum keeps in its output (batch, head, query) become
      an `scf.parallel` loop;
    - the iterative rank of the recurrences (`m1` after `ein-online`)
      becomes an `scf.for` carrying, for each recurrence, the buffer of its
      current and of its next value, swapped at each step
      (`RM[m1 + 1] = max(RM[m1], LM[m1])` reads one and writes the other);
    - every einsum becomes a `linalg.generic` over its remaining ranks, on
      views of the inputs (an access `K[b, h floordiv 4, m1 * 64 + m0, e]`
      is a subview at offset `m1 * 64` of extent `m0`, clipped on the last
      tile) and on per-iteration buffers for the intermediate tensors; the
      condition becomes a `select` in the body, a reduction a `linalg.fill`
      with its identity followed by a generic with reduction iterators.
    - the outer part of a partition can be a parallel rank (query tiles
      `p1` after `ein-tile-parallel`): its inner part `p0` is then a tile
      at each parallel point, `min(tile, |p| - p1 * tile)` queries long;
    - a returned tensor indexed by the iterative rank (chunked linear
      attention) is written tile by tile into the result buffer at the
      loop's position.
    - with a `#ein.tile_map` (from `ein-sparsify`), the `scf.for` runs
      over the hull of the visit sets' bounds; a tile outside them is
      skipped (the buffers are not swapped); a partial tile runs the
      einsums as above, its inner part ending at the last point the point
      sets keep; a full tile runs them without their conditions.

    The inputs are read through `bufferization.to_buffer` and the result is
    returned with `bufferization.to_tensor`, so the function around the
    cascade bufferizes with One-Shot Bufferize.

    ```mlir
    %o = ein.cascade "attention" ... { ... }
    // becomes
    scf.parallel (%b, %h, %p) = ... {
      %RM_cur = memref.alloc() : memref<f32>   // one buffer per tensor
      ...
      linalg.fill ins(0xFF800000) outs(%RM_cur)
      %r:6 = scf.for %m1 = %c0 to %c16 step %c1 iter_args(%RM_cur, %RM_next, ...) {
        linalg.generic ... // BQK, LM, RM, PRM, SLN, SLD, RD, SLNV, RNV
        scf.yield %RM_next, %RM_cur, ...
      }
      linalg.generic ... // AV
      memref.dealloc %RM_cur ...
    }
    ```

    A reduction over the outer part of a partitioned rank that `ein-online`
    did not turn into a recurrence is refused with an error.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def VectorizeTiles : Pass<"cascade-vectorize-tiles"> {
  let summary = "Register-tiled vector code for the linalg.generic ops of "
                "the tile bodies";
  let description = [{
    Rewrites each `linalg.generic` on buffers whose output is contiguous in
    its last dimension into loops of vector operations along that dimension
    (the vector dimension `v`; the query rows `p0` in the tile bodies of the
    CPU pipeline):

    - an input that varies along `v` contiguously is read with
      `vector.maskedload`; one whose last stride is known at run time only
      (a cascade input such as document ids) is read the same way through a
      unit-stride view when the stride is 1, one element per lane otherwise;
      an input that does not depend on `v` is read as a scalar and broadcast
      (an embedded broadcast in the FMA on AVX-512);
    - the body's arithmetic is cloned on vectors (`linalg.index` of `v`
      becomes `vector.step` plus the vector's offset), so conditions, masks,
      modifiers and normalizers vectorize like the products;
    - with reduction dimensions, the innermost other parallel dimension is
      unrolled by `rows` and `v` by `vectors` vectors: `rows x vectors`
      accumulators stay in registers over the reduction loops (for `Q K^T`
      with `Q` packed as `[e][p0]`: one broadcast of `K[m0][e]` feeds
      `vectors` FMAs);
    - the last, partial vector of `v` is masked (`vector.create_mask`), the
      last rows of the unrolled dimension run one at a time;
    - when the unrolled dimension has at most `rows` rows (the query rows
      of a decode tile in `P V`), a block has the rows there are, and the
      accumulators left go to more vectors along `v`: every vector `v` has
      where their accumulators stay within 1.5 x `rows x vectors`, else
      blocks of equal numbers of vectors (`Dv = 72` in vectors of 16 with 4
      rows: one block of 5 vectors, 20 independent FMAs per step);
    - a generic that reduces everything to a 0-d output with `+`, `min` or
      `max` (`acc <op> x`; the ranges of `ein-sparsify`'s run-time classes)
      runs along its last dimension with vector accumulators that start at
      the identity, then combines the lanes with the output's value
      (`vector.reduction`).

    When an input varies along `v` but not in its last dimension, and the
    body yields `acc <op> x` (`+`, `min`, `max`; x free of acc), the vectors
    run along a reduced dimension `r` instead: the innermost one that every
    input reading it reads in its last dimension (`e` in
    `S[p][m] += Q[p][e] * K[m][e]`, the scores of a decode tile laid out
    with the keys innermost by `ein-pack`; `m` in the row maximum and sum of
    `S[p][m]`; `width` must be a power of two). Each output point of a
    block of points along the output's last dimension (`rows` of them, at
    most `width` and at most as many as that dimension has; the last points
    one at a time) accumulates a vector along `r` (full vectors, then one
    masked vector whose lanes past the end keep the accumulator); a tree of
    `vector.shuffle`s then combines the lanes of the block's accumulators
    into one vector of results, combined with the output's values by one
    vector load and store.

    An input read along the vector dimension whose last stride is known at
    run time only gets one test of its stride before the loops: the vector
    code reads a unit-stride view of it where the stride is 1, the other
    version one element per lane.

    The tiles of the cascade's operands that the loop over the key tiles
    moves through (a subview of a function argument whose offset in one
    dimension before the last is defined in an `scf.for` around the
    generic: K and V, not Q) are prefetched: each vector load of such a tile
    issues a `memref.prefetch` of the same place one tile further (the
    subview's extent in that dimension; every index clamped to the
    argument's last element), in the first block that reads it (the blocks
    of the other loops read the same tile again). This is done where one
    block reads each tile once, the schedule along a reduced dimension and
    blocks fitted to at most `rows` rows: there the loop is bound by memory
    (decode), and the prefetches spread over the computation keep the reads
    of the next tile in flight while this one is computed.

    A generic is left as it is (for `convert-linalg-to-loops`) when it has
    tensor semantics or several outputs, an access that is not a projected
    permutation, an input that varies along `v` with a static stride other
    than 1 or that holds `i1` (bytes in memory, bits in a vector) and no
    reduced dimension to run along, or a body operation that is not
    elementwise.

    With `bf16-dot` (AVX512-BF16, `width` 16), a contraction
    `out[u, v] += c * A[r, v] * B[u, r]` (or `B[r, u]`) over one reduction
    dimension `r`, with `B` in bf16 and `A` in bf16 or f32, extended to an
    f32 output, becomes `x86vector.avx512.dot` (`vdpbf16ps`): each f32 lane
    of `v` adds the products of two bf16 pairs along `r`. `A` is copied per
    generic into a buffer of pairs `[r / 2][v][2]` (an f32 `A` rounded
    to bf16 there: the probabilities `P` of `P V`), `B` read in place as
    pairs when `r` is its contiguous dimension (`K` in `Q K^T`) and copied
    as pairs otherwise (`V`); one broadcast pair of `B` feeds `vectors` dot
    products of `rows x vectors` accumulators. An odd extent of `r` ends
    with a pair padded with zero. Where `B`'s last stride is known at run
    time only, a stride other than 1 runs the f32 vector code instead.
  }];
  let options = [
    Option<"width", "width", "int64_t", /*default=*/"16",
           "elements per vector (16 f32 for AVX-512, 8 for AVX2)">,
    Option<"rows", "rows", "int64_t", /*default=*/"8",
           "unroll of the innermost other parallel dimension in reductions">,
    Option<"vectors", "vectors", "int64_t", /*default=*/"2",
           "vectors per row along the vector dimension">,
    Option<"bf16Dot", "bf16-dot", "bool", /*default=*/"false",
           "bf16 contractions with AVX512-BF16 dot products (needs width 16 "
           "and a CPU with avx512_bf16)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::x86vector::X86VectorDialect"
  ];
}

def ConvertEinToGPU : Pass<"cascade-convert-ein-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Compile each one-pass cascade to a GPU kernel (tensor cores)";
  let description = [{
    Rewrites every function of the module, which must be made of one-pass
    cascades on its arguments (with reshapes around them), into kernels:
    one `gpu.module` holding one `gpu.func` per cascade, both named after
    the function (`NAME_i` for the i-th of several cascades). The function itself is removed: the kernels are
    launched from their metadata, the `cascade.kernel` dictionary on each
    `gpu.func` (grid, block, dynamic shared memory, parameter list).

    The cascade must come from `ein-one-pass` and `ein-tile-parallel`: a
    query tile of 16 to 128 rows (one warp per 16 rows) per CTA, the key
    tiles as the iterative rank. Its einsums are recognized by their ranks:
    the score contraction `Q K^T` and the value contraction `P V` run on
    tensor cores (`nvgpu.ldmatrix`, `nvgpu.mma.sync` m16n8k16) for f16
    inputs, as FMAs of shared-memory operands for f32 (a SIMT path); the
    einsums over the score tile (modifiers, masks, exponentials), the row
    reductions (quad shuffles), the recurrences (running state in registers,
    carried by the key loop) and the einsums after the loop are evaluated
    from their map regions, element by element, on the accumulator
    fragments. K and V tiles are double-buffered in shared memory with
    `nvgpu.device_async_copy` (cp.async), prefetching the next tile while
    the current one is computed. With a `#ein.tile_map`, the key loop runs
    over the visited tiles only, and full tiles skip the conditions.

    ```mlir
    gpu.module @attention {
      gpu.func @attention(%q: memref<2x8x100x64xf16>, ...) kernel
          attributes {cascade.kernel = {grid = array<i64: 2, 16, 1>, ...}} {
        %smem = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
        ...
        %r = scf.for %m1 = %lo to %hi step %c1 iter_args(...) {
          nvgpu.device_async_copy ...           // K, V[m1 + 1]
          nvgpu.device_async_wait ... {numGroups = 1 : i32}
          gpu.barrier
          %a = nvgpu.ldmatrix %q_tile[...] ...
          %s = nvgpu.mma.sync(%a, %b, %acc) {mmaShape = [16, 8, 16]} ...
          ...
        }
      }
    }
    ```

    What it cannot compile (another shape of cascade, computed inputs,
    dynamic shapes, head dims that are not multiples of 16, bf16 before
    its lowering exists) is refused with an error that says what.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

#endif // CASCADE_CONVERSION_PASSES_TD
