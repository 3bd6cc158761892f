//===- Unfused.cpp - The unfused attention baseline of cascade-bench -----===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "Unfused.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

using namespace cascade::bench;

namespace {
double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Runs `body(t)` on `threads` threads.
template <typename F> void onThreads(int threads, F body) {
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t)
    pool.emplace_back(body, t);
  body(0);
  for (std::thread &th : pool)
    th.join();
}

/// The masked row softmax of S (n x m, in place): masked entries get 0.
void softmaxRows(float *s, int64_t n, int64_t m, const MaskSpec &mask) {
  for (int64_t p = 0; p < n; ++p) {
    float *row = s + p * m;
    float mx = -std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < m; ++j) {
      if (!mask.keeps(p, j))
        row[j] = -std::numeric_limits<float>::infinity();
      mx = std::max(mx, row[j]);
    }
    if (mx == -std::numeric_limits<float>::infinity()) {
      std::fill(row, row + m, 0.0f);
      continue;
    }
    float sum = 0;
    for (int64_t j = 0; j < m; ++j) {
      row[j] = std::exp(row[j] - mx);
      sum += row[j];
    }
    float inv = 1.0f / sum;
    for (int64_t j = 0; j < m; ++j)
      row[j] *= inv;
  }
}
} // namespace

void cascade::bench::unfusedAttention(const float *q, const float *k,
                                      const float *v, float *o, int64_t B,
                                      int64_t Hq, int64_t Hkv, int64_t N,
                                      int64_t M, int64_t D,
                                      const MaskSpec &mask, int threads) {
  openblas_set_num_threads(1);
  float scale = 1.0f / std::sqrt(float(D));
  int64_t heads = B * Hq, group = Hq / Hkv;
  onThreads(threads, [&](int t) {
    std::vector<float> s(N * M);
    for (int64_t bh = t; bh < heads; bh += threads) {
      int64_t b = bh / Hq, h = bh % Hq, hk = h / group;
      const float *qh = q + (b * Hq + h) * N * D;
      const float *kh = k + (b * Hkv + hk) * M * D;
      const float *vh = v + (b * Hkv + hk) * M * D;
      float *oh = o + (b * Hq + h) * N * D;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, M, D, scale, qh,
                  D, kh, D, 0.0f, s.data(), M);
      softmaxRows(s.data(), N, M, mask);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, D, M, 1.0f,
                  s.data(), M, vh, D, 0.0f, oh, D);
    }
  });
}

double cascade::bench::sgemmGflops(int threads, int64_t n, int repeat) {
  openblas_set_num_threads(threads);
  std::vector<float> a(n * n, 0.5f), b(n * n, 0.25f), c(n * n, 0.0f);
  double best = 0;
  for (int r = 0; r < repeat + 1; ++r) {
    double t0 = now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                a.data(), n, b.data(), n, 0.0f, c.data(), n);
    double t = now() - t0;
    if (r > 0) // the first run warms up the threads and caches
      best = std::max(best, 2.0 * n * n * n / t * 1e-9);
  }
  openblas_set_num_threads(1);
  return best;
}

double cascade::bench::readBandwidthGBs(int threads, int64_t bytes,
                                        int repeat) {
  int64_t n = bytes / sizeof(float);
  std::vector<float> data(n, 1.0f);
  std::vector<double> sums(threads);
  double best = 0;
  for (int r = 0; r < repeat + 1; ++r) {
    double t0 = now();
    onThreads(threads, [&](int t) {
      int64_t lo = n * t / threads, hi = n * (t + 1) / threads;
      float acc[16] = {};
      for (int64_t i = lo; i + 16 <= hi; i += 16)
        for (int j = 0; j < 16; ++j)
          acc[j] += data[i + j];
      double s = 0;
      for (float x : acc)
        s += x;
      sums[t] = s;
    });
    double t = now() - t0;
    if (r > 0)
      best = std::max(best, double(bytes) / t * 1e-9);
  }
  volatile double keep = sums[0];
  (void)keep;
  return best;
}
