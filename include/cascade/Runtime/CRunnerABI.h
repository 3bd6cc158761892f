/*===- CRunnerABI.h - C ABI shared with JIT-compiled MLIR code ----*- C -*-===*\
|*                                                                            *|
|* Part of the Cascade project.                                               *|
|*                                                                            *|
|*===----------------------------------------------------------------------===*|
|*                                                                            *|
|* Declarations of runtime entry points that code compiled from MLIR calls    *|
|* through the `llvm.emit_c_interface` convention, i.e. `_mlir_ciface_<name>` *|
|* functions taking pointers to memref descriptors. This header is plain C    *|
|* and may be included from both C and C++.                                   *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef CASCADE_RUNTIME_CRUNNERABI_H
#define CASCADE_RUNTIME_CRUNNERABI_H

#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define CASCADE_RUNTIME_EXPORT __attribute__((visibility("default")))
#else
#define CASCADE_RUNTIME_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A rank-4 `memref<?x?x?x?xf32>` as passed by MLIR: this is exactly MLIR's
 * ranked memref descriptor layout (the struct that the LLVM lowering of
 * memref types builds), i.e.
 *   { T *allocated; T *aligned; int64_t offset;
 *     int64_t sizes[rank]; int64_t strides[rank]; }
 * Element (i0, i1, i2, i3) lives at
 *   aligned[offset + i0*strides[0] + i1*strides[1] + i2*strides[2]
 *           + i3*strides[3]],
 * where strides are counted in elements, not bytes. `allocated` is the pointer
 * that owns the buffer and is never dereferenced by the runtime. */
typedef struct CascadeMemRef4DF32 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[4];
  int64_t strides[4];
} CascadeMemRef4DF32;

/* out = reference attention(q, k, v) with q [B,Hq,N,D], k [B,Hkv,M,D],
 * v [B,Hkv,M,Dv] and out [B,Hq,N,Dv]; the shape is taken from the
 * descriptors' sizes. `scale` multiplies the q.k scores and `causal` is a
 * cascade::runtime::CausalKind value (0 none, 1 top-left, 2 bottom-right).
 * On inconsistent shapes or an unknown `causal` value this prints a message
 * to stderr and fills `out` with NaN (when `out` itself is usable). */
CASCADE_RUNTIME_EXPORT void _mlir_ciface_cascade_ref_attention_f32(
    CascadeMemRef4DF32 *q, CascadeMemRef4DF32 *k, CascadeMemRef4DF32 *v,
    CascadeMemRef4DF32 *out, float scale, int32_t causal);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CASCADE_RUNTIME_CRUNNERABI_H */
