//===- Unfused.h - The unfused attention baseline of cascade-bench -*- C++
//-*-===//
//
// Part of Cascade. Attention as frameworks compute it without a fused
// kernel: S = scale * Q K^T (OpenBLAS sgemm), a masked row softmax, O = P V
// (sgemm); heads spread over threads.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_TOOLS_BENCH_UNFUSED_H
#define CASCADE_TOOLS_BENCH_UNFUSED_H

#include <cstdint>

namespace cascade::bench {

/// Which keys a query sees: all, the causal prefix (top-left: key m <= query
/// p), or a causal window of `window` keys (p - window < m <= p).
struct MaskSpec {
  bool causal = false;
  int64_t window = 0; // 0: no window
  /// Equal documents packed into the sequence (0: one): a query sees the
  /// keys of its own document only; position x is in document x / docLength.
  int64_t documents = 0, docLength = 0;
  int64_t document(int64_t x) const {
    return documents > 0 ? x / docLength : 0;
  }
  bool keeps(int64_t p, int64_t m) const {
    if (causal && m > p)
      return false;
    if (window > 0 && m <= p - window)
      return false;
    if (document(p) != document(m))
      return false;
    return true;
  }
};

/// Row-major Q [B][Hq][N][D], K and V [B][Hkv][M][D], O [B][Hq][N][D].
void unfusedAttention(const float *q, const float *k, const float *v, float *o,
                      int64_t B, int64_t Hq, int64_t Hkv, int64_t N, int64_t M,
                      int64_t D, const MaskSpec &mask, int threads);

/// sgemm throughput (GFLOP/s) at `threads` threads on n x n x n products,
/// best of `repeat` runs.
double sgemmGflops(int threads, int64_t n, int repeat);

/// Read bandwidth (GB/s) of `threads` threads streaming `bytes` bytes, best
/// of `repeat` runs.
double readBandwidthGBs(int threads, int64_t bytes, int repeat);

} // namespace cascade::bench

#endif // CASCADE_TOOLS_BENCH_UNFUSED_H
