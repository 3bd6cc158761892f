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

/* Descriptors of other ranks and element types, laid out like
 * CascadeMemRef4DF32. */
typedef struct CascadeMemRef1DF32 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
} CascadeMemRef1DF32;

typedef struct CascadeMemRef2DF32 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[2];
  int64_t strides[2];
} CascadeMemRef2DF32;

typedef struct CascadeMemRef3DF32 {
  float *allocated;
  float *aligned;
  int64_t offset;
  int64_t sizes[3];
  int64_t strides[3];
} CascadeMemRef3DF32;

typedef struct CascadeMemRef1DF64 {
  double *allocated;
  double *aligned;
  int64_t offset;
  int64_t sizes[1];
  int64_t strides[1];
} CascadeMemRef1DF64;

/* Indices into the `params` vector of
 * _mlir_ciface_cascade_ref_attention_variant_f32. Every entry is a double;
 * enumerations, integers and flags are carried as exact integral values and
 * flags are 0 (absent) or 1 (present). */
enum CascadeRefVariantParam {
  CASCADE_REF_PARAM_SCALE = 0,
  /* 0 softmax, 1 sigmoid, 2 softplus, 3 relu. */
  CASCADE_REF_PARAM_NORMALIZER = 1,
  CASCADE_REF_PARAM_SIGMOID_BIAS = 2,
  CASCADE_REF_PARAM_SOFTPLUS_SCALE = 3,
  CASCADE_REF_PARAM_SOFTPLUS_POWER = 4,
  /* 0 none, 1 top-left, 2 bottom-right. */
  CASCADE_REF_PARAM_CAUSAL = 5,
  /* 1 top-left, 2 bottom-right (0 is taken as top-left); only used when
   * causal is 0. */
  CASCADE_REF_PARAM_ALIGNMENT = 6,
  /* -1: unbounded on that side. */
  CASCADE_REF_PARAM_WINDOW_LEFT = 7,
  CASCADE_REF_PARAM_WINDOW_RIGHT = 8,
  CASCADE_REF_PARAM_DILATION = 9,
  CASCADE_REF_PARAM_SINK_TOKENS = 10,
  /* 0: no soft capping. */
  CASCADE_REF_PARAM_SOFTCAP = 11,
  CASCADE_REF_PARAM_BLOCK_Q = 12,
  CASCADE_REF_PARAM_BLOCK_K = 13,
  CASCADE_REF_PARAM_HAS_LSE = 14,
  CASCADE_REF_PARAM_HAS_ALIBI = 15,
  CASCADE_REF_PARAM_HAS_SINKS = 16,
  CASCADE_REF_PARAM_HAS_KV_LENGTHS = 17,
  CASCADE_REF_PARAM_HAS_DOC_IDS = 18,
  CASCADE_REF_PARAM_HAS_BIAS = 19,
  CASCADE_REF_PARAM_HAS_DENSE_MASK = 20,
  CASCADE_REF_PARAM_HAS_BLOCK_MASK = 21,
  CASCADE_REF_PARAM_HAS_GATE = 22,
  /* Number of entries `params` must at least have. */
  CASCADE_REF_PARAM_COUNT = 23
};

/* Reference attention of any variant (see cascade::runtime::AttentionVariant
 * for the semantics): q [B,Hq,N,D], k [B,Hkv,M,D], v [B,Hkv,M,Dv],
 * out [B,Hq,N,Dv]; the shape is taken from the descriptors' sizes. `params`
 * holds at least CASCADE_REF_PARAM_COUNT scalars, indexed by
 * CascadeRefVariantParam. The remaining descriptors are only read when their
 * `has_*` flag is set (`queryDocIds` and `keyDocIds` share one flag);
 * otherwise they may be dummies or null. When present:
 *   lse [B,Hq,N]; alibiSlopes [Hq]; sinks [Hq]; kvLengths [B];
 *   queryDocIds [B,N]; keyDocIds [B,M]; bias [B|1,Hq|1,N|1,M];
 *   denseMask [B|1,Hq|1,N,M]; blockMask [B|1,Hq|1,ceil(N/bq),ceil(M/bk)];
 *   gate [B,Hq,N,Dv].
 * kv lengths and document ids are integral values stored as floats. Any
 * offsets and strides are honoured. On inconsistent input this prints a
 * message to stderr and fills `out` (and `lse`, when flagged present) with
 * NaN where usable. */
CASCADE_RUNTIME_EXPORT void _mlir_ciface_cascade_ref_attention_variant_f32(
    CascadeMemRef4DF32 *q, CascadeMemRef4DF32 *k, CascadeMemRef4DF32 *v,
    CascadeMemRef4DF32 *out, CascadeMemRef3DF32 *lse,
    CascadeMemRef1DF64 *params, CascadeMemRef1DF32 *alibiSlopes,
    CascadeMemRef1DF32 *sinks, CascadeMemRef1DF32 *kvLengths,
    CascadeMemRef2DF32 *queryDocIds, CascadeMemRef2DF32 *keyDocIds,
    CascadeMemRef4DF32 *bias, CascadeMemRef4DF32 *denseMask,
    CascadeMemRef4DF32 *blockMask, CascadeMemRef4DF32 *gate,
    /* FlexAttention-style modifiers, or null: int32_t (*)(int64_t b,
       int64_t h, int64_t q, int64_t kv) and float (*)(float score, int64_t b,
       int64_t h, int64_t q, int64_t kv). */
    void *maskMod, void *scoreMod);

/* Reference linear attention (cascade::runtime::referenceLinearAttention).
 * params: [0] feature map (0 identity, 1 elu+1, 2 relu), [1] causal (0/1),
 * [2] normalize (0/1), [3] has_decay (0/1); decay is read when flagged. */
CASCADE_RUNTIME_EXPORT void _mlir_ciface_cascade_ref_linear_attention_f32(
    CascadeMemRef4DF32 *q, CascadeMemRef4DF32 *k, CascadeMemRef4DF32 *v,
    CascadeMemRef4DF32 *out, CascadeMemRef1DF64 *params,
    CascadeMemRef1DF32 *decay);

/* Reference attn.merge in fp64: S partial results over disjoint parts of the
 * keys, o [S*B, H, N, Dv] and lse [S*B, H, N] (part s of batch b at row
 * s*B + b), merged by their log-sum-exp into out [B, H, N, Dv] and
 * out_lse [B, H, N]; S = o.sizes[0] / out.sizes[0]. On inconsistent shapes
 * it prints a message to stderr and fills the outputs with NaN. */
CASCADE_RUNTIME_EXPORT void _mlir_ciface_cascade_ref_merge_f32(
    CascadeMemRef4DF32 *o, CascadeMemRef3DF32 *lse, CascadeMemRef4DF32 *out,
    CascadeMemRef3DF32 *outLse);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CASCADE_RUNTIME_CRUNNERABI_H */
