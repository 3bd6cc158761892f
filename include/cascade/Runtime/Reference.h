//===- Reference.h - Reference attention for checking results ---*- C++ -*-===//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//
//
// A deliberately simple, double-accumulating implementation of (grouped-query,
// optionally causal) scaled dot-product attention. Compiled kernels are
// checked against it, so it favours obvious correctness over speed.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_RUNTIME_REFERENCE_H
#define CASCADE_RUNTIME_REFERENCE_H

#include "cascade/Runtime/CRunnerABI.h"

#include "llvm/Support/Error.h"

#include <cstdint>

namespace cascade {
namespace runtime {

/// Which (query, key) pairs a causal mask keeps, for N queries and M keys.
enum class CausalKind : int32_t {
  /// Every key is kept.
  None = 0,
  /// Key m is kept for query n iff m <= n.
  TopLeft = 1,
  /// Key m is kept for query n iff m <= n + (M - N); the last query sees every
  /// key. With N > M the first N - M queries see no key at all.
  BottomRight = 2,
};

/// Problem sizes of one attention call.
struct AttentionShape {
  int64_t batch;    ///< B
  int64_t qHeads;   ///< Hq
  int64_t kvHeads;  ///< Hkv; must divide Hq
  int64_t queryLen; ///< N
  int64_t keyLen;   ///< M
  int64_t headDim;  ///< D
  int64_t valueDim; ///< Dv
};

/// Options of the reference attention.
struct AttentionRefOptions {
  /// Factor applied to every q.k dot product (typically 1/sqrt(D)).
  double scale;
  CausalKind causal = CausalKind::None;
};

/// Strided 4-D views (element strides), so callers can pass any layout.
/// Element (i0, i1, i2, i3) is data[i0*strides[0] + ... + i3*strides[3]].
/// `sizes` is only consulted where a view's extent is not implied by the
/// AttentionShape (the optional, possibly broadcast tensors of
/// AttentionVariant); elsewhere it may be left zero.
struct View4D {
  const float *data;
  int64_t strides[4];
  int64_t sizes[4] = {0, 0, 0, 0};
};

/// Mutable counterpart of View4D.
struct MutView4D {
  float *data;
  int64_t strides[4];
};

/// Checks that \p s describes a valid problem: B, Hq, Hkv, D and Dv positive,
/// N and M non-negative, and Hq a multiple of Hkv. The error names the
/// offending dimension.
llvm::Error checkAttentionShape(const AttentionShape &s);

/// Computes out[b,h,n,:] = sum_m p(n,m) * v[b,h/G,m,:] with G = Hq/Hkv,
/// p = softmax over the kept keys m of scale * dot(q[b,h,n,:], k[b,h/G,m,:]).
///
/// Layouts: q [B,Hq,N,D], k [B,Hkv,M,D], v [B,Hkv,M,Dv], out [B,Hq,N,Dv].
/// Scores, softmax (with max subtraction) and the weighted sum are computed in
/// double; only the final result is rounded to float. A query row with no
/// kept key (M == 0, or fully masked by BottomRight) produces zeros.
///
/// \p s must satisfy checkAttentionShape; if it does not, nothing is read and
/// \p out is filled with NaN where its extent is meaningful.
void referenceAttention(View4D q, View4D k, View4D v, MutView4D out,
                        const AttentionShape &s,
                        const AttentionRefOptions &opt);

//===----------------------------------------------------------------------===//
// Attention variants
//===----------------------------------------------------------------------===//

/// How the scores of the kept keys of one query become weights.
enum class Normalizer : int32_t {
  /// p = exp(s - c) / (sum over kept keys of exp(s - c) [+ exp(sink - c)]).
  Softmax = 0,
  /// p = 1 / (1 + exp(-(s + sigmoidBias))), no normalization.
  Sigmoid = 1,
  /// w = softplus(softplusScale * s)^softplusPower, p = w / sum of kept w.
  Softplus = 2,
  /// p = max(s, 0) / M, with M the total number of keys.
  Relu = 3,
};

/// Strided 1-D view; element i is data[i * stride].
struct View1D {
  const float *data;
  int64_t size;
  int64_t stride;
};

/// Strided 2-D view; element (i0, i1) is data[i0*strides[0] + i1*strides[1]].
struct View2D {
  const float *data;
  int64_t sizes[2];
  int64_t strides[2];
};

/// Everything that distinguishes an attention variant from plain softmax
/// attention. Notation: per batch b, query head h, query n and key m, with
/// offset = M - N for bottom-right alignment (else 0) and i = n + offset the
/// aligned query position. The default-constructed value is plain,
/// unmasked softmax attention with scale 1.
///
/// An optional tensor is absent when its `data` is null. Size-1 dimensions
/// marked "or 1" below broadcast.
/// FlexAttention-style modifiers, called with the raw indices (batch, query
/// head, query, key): whether the key is kept (non-zero) and the modified
/// score.
using MaskModFn = int32_t (*)(int64_t, int64_t, int64_t, int64_t);
using ScoreModFn = float (*)(float, int64_t, int64_t, int64_t, int64_t);

struct AttentionVariant {
  /// Factor applied to every q.k dot product.
  double scale = 1.0;
  Normalizer normalizer = Normalizer::Softmax;
  /// Added to the score before the sigmoid (Normalizer::Sigmoid only).
  double sigmoidBias = 0.0;
  /// Softplus input scale and output exponent (Normalizer::Softplus only).
  double softplusScale = 1.0, softplusPower = 1.0;
  /// Causal mask (keep m <= i); when not None it also fixes the alignment.
  CausalKind causal = CausalKind::None;
  /// Alignment of queries to keys when `causal` is None; None is taken as
  /// TopLeft.
  CausalKind alignment = CausalKind::TopLeft;
  /// Sliding window: keep i - windowLeft <= m <= i + windowRight; -1 leaves
  /// that side unbounded.
  int64_t windowLeft = -1, windowRight = -1;
  /// Keep only keys with (i - m) mod dilation == 0; must be >= 1.
  int64_t dilation = 1;
  /// Keys m < sinkTokens are kept even where the window (left, right,
  /// dilation) excludes them; every other mask still applies to them.
  int64_t sinkTokens = 0;
  /// If positive, s = softcap * tanh(s / softcap) right after scaling.
  double softcap = 0.0;
  /// Query and key block sizes of `blockMask`; must be positive when it is
  /// given.
  int64_t blockQ = 0, blockK = 0;

  /// [Hq]: s += -alibiSlopes[h] * |i - m|.
  View1D alibiSlopes{};
  /// [Hq]: an extra logit sinks[h] in the softmax denominator that has no
  /// value (Normalizer::Softmax only).
  View1D sinks{};
  /// [B]: keep m < kvLengths[b]; entries are non-negative integers.
  View1D kvLengths{};
  /// [B, N] and [B, M], both or neither: keep queryDocIds[b][n] ==
  /// keyDocIds[b][m]; entries are integers.
  View2D queryDocIds{}, keyDocIds{};
  /// [B or 1, Hq or 1, N or 1, M]: s += bias, after softcap and ALiBi.
  View4D bias{};
  /// [B or 1, Hq or 1, N, M]: keep where denseMask != 0.
  View4D denseMask{};
  /// [B or 1, Hq or 1, ceil(N / blockQ), ceil(M / blockK)]: keep where
  /// blockMask[.][.][n / blockQ][m / blockK] != 0.
  View4D blockMask{};
  /// [B, Hq, N, Dv]: out *= 1 / (1 + exp(-gate)) after the weighted sum.
  View4D gate{};
  /// Optional modifiers (null when absent): mask_mod joins the masks, and
  /// score_mod is applied to the score after every other modifier.
  MaskModFn maskMod = nullptr;
  ScoreModFn scoreMod = nullptr;
};

/// Checks \p v against \p s (which must itself satisfy checkAttentionShape):
/// enumerator ranges, dilation >= 1, windows >= -1, sinkTokens >= 0,
/// softcap >= 0, block sizes when a block mask is given, the sizes of every
/// given tensor, the integrality of kv lengths and document ids, and that
/// sinks are only given with the softmax normalizer. The error names the
/// offending field.
llvm::Error checkAttentionVariant(const AttentionShape &s,
                                  const AttentionVariant &v);

/// Computes out[b,h,n,:] = sum over kept keys m of p(n,m) * v[b,h/G,m,:]
/// (G = Hq/Hkv), then multiplies by sigmoid(gate) if a gate is given. A key
/// is kept iff every active mask keeps it; scores, masks and normalizers are
/// as documented on AttentionVariant and Normalizer. Everything is computed
/// in double and rounded to float at the end.
///
/// Layouts as for referenceAttention. \p lse, if not null, receives the
/// log-sum-exp of each softmax row ([B,Hq,N], contiguous): c + log(denominator)
/// including the sink term, -inf for a row with nothing to normalize over, and
/// NaN for the other normalizers.
///
/// A softmax row whose kept keys and sink all have score -inf (in particular,
/// a row with no kept key and no sink) produces zeros. A softplus row with a
/// zero weight sum produces zeros.
///
/// If checkAttentionVariant fails, q, k and v are not read and
/// \p out and \p lse are filled with NaN where their extents are meaningful.
void referenceAttentionVariant(View4D q, View4D k, View4D v, MutView4D out,
                               float *lse, const AttentionShape &s,
                               const AttentionVariant &variant);

/// Feature maps of linear attention.
enum class FeatureMap : int32_t { Identity = 0, Elu1 = 1, Relu = 2 };

/// Linear attention (kernelized attention), in its quadratic form:
/// w(n, m) = phi(q[b,h,n,:]) . phi(k[b,h/G,m,:]) (times decay[h]^(n - m)
/// when a decay is given), over the keys m <= n when causal (top-left) and
/// all keys otherwise; out[b,h,n,:] = sum_m w(n, m) v[b,h/G,m,:], divided by
/// sum_m w(n, m) when \p normalize (0 / 0 gives 0). phi is the identity,
/// elu(x) + 1, or max(x, 0). Accumulates in double.
struct LinearAttentionOptions {
  FeatureMap featureMap = FeatureMap::Elu1;
  bool causal = false;
  bool normalize = true;
  /// [Hq] per-head decay factors, or data == nullptr.
  View1D decay{};
};
void referenceLinearAttention(View4D q, View4D k, View4D v, MutView4D out,
                              const AttentionShape &s,
                              const LinearAttentionOptions &opt);

} // namespace runtime
} // namespace cascade

#endif // CASCADE_RUNTIME_REFERENCE_H
