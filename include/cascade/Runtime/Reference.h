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
struct View4D {
  const float *data;
  int64_t strides[4];
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

} // namespace runtime
} // namespace cascade

#endif // CASCADE_RUNTIME_REFERENCE_H
