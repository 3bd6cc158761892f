//===- Reference.cpp - Reference attention for checking results -----------===//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//

#include "cascade/Runtime/Reference.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

using namespace cascade::runtime;

static llvm::Error shapeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "invalid attention shape: " + msg);
}

llvm::Error cascade::runtime::checkAttentionShape(const AttentionShape &s) {
  struct Dim {
    const char *name;
    int64_t value;
    bool mayBeZero;
  };
  const Dim dims[] = {
      {"batch (B)", s.batch, false},       {"qHeads (Hq)", s.qHeads, false},
      {"kvHeads (Hkv)", s.kvHeads, false}, {"queryLen (N)", s.queryLen, true},
      {"keyLen (M)", s.keyLen, true},      {"headDim (D)", s.headDim, false},
      {"valueDim (Dv)", s.valueDim, false}};
  for (const Dim &dim : dims) {
    if (dim.value < 0 || (dim.value == 0 && !dim.mayBeZero))
      return shapeError(
          llvm::Twine(dim.name) + " is " + llvm::Twine(dim.value) +
          ", expected " +
          (dim.mayBeZero ? "a non-negative value" : "a positive value"));
  }
  if (s.qHeads % s.kvHeads != 0)
    return shapeError(
        "qHeads (Hq) = " + llvm::Twine(s.qHeads) +
        " is not a multiple of kvHeads (Hkv) = " + llvm::Twine(s.kvHeads));
  return llvm::Error::success();
}

namespace {
/// Element addressing of a strided 4-D view.
inline int64_t offsetOf(const int64_t strides[4], int64_t i0, int64_t i1,
                        int64_t i2, int64_t i3) {
  return i0 * strides[0] + i1 * strides[1] + i2 * strides[2] + i3 * strides[3];
}

/// Whether query \p n may attend to key \p m.
inline bool isKept(CausalKind causal, int64_t n, int64_t m, int64_t queryLen,
                   int64_t keyLen) {
  switch (causal) {
  case CausalKind::None:
    return true;
  case CausalKind::TopLeft:
    return m <= n;
  case CausalKind::BottomRight:
    return m <= n + (keyLen - queryLen);
  }
  return false;
}

/// Fills out[b, h, n, d] for all in-range indices with \p value; does nothing
/// if any extent is negative.
void fillOutput(MutView4D out, int64_t e0, int64_t e1, int64_t e2, int64_t e3,
                float value) {
  if (!out.data || e0 < 0 || e1 < 0 || e2 < 0 || e3 < 0)
    return;
  for (int64_t i0 = 0; i0 < e0; ++i0)
    for (int64_t i1 = 0; i1 < e1; ++i1)
      for (int64_t i2 = 0; i2 < e2; ++i2)
        for (int64_t i3 = 0; i3 < e3; ++i3)
          out.data[offsetOf(out.strides, i0, i1, i2, i3)] = value;
}
} // namespace

void cascade::runtime::referenceAttention(View4D q, View4D k, View4D v,
                                          MutView4D out,
                                          const AttentionShape &s,
                                          const AttentionRefOptions &opt) {
  bool causalValid = opt.causal == CausalKind::None ||
                     opt.causal == CausalKind::TopLeft ||
                     opt.causal == CausalKind::BottomRight;
  if (llvm::Error err = checkAttentionShape(s)) {
    llvm::consumeError(std::move(err));
    causalValid = false;
  }
  if (!causalValid) {
    fillOutput(out, s.batch, s.qHeads, s.queryLen, s.valueDim,
               std::numeric_limits<float>::quiet_NaN());
    return;
  }

  const int64_t groupSize = s.qHeads / s.kvHeads;
  std::vector<double> scores(static_cast<size_t>(s.keyLen));
  std::vector<char> kept(static_cast<size_t>(s.keyLen));
  std::vector<double> acc(static_cast<size_t>(s.valueDim));

  for (int64_t b = 0; b < s.batch; ++b) {
    for (int64_t h = 0; h < s.qHeads; ++h) {
      const int64_t kvHead = h / groupSize;
      for (int64_t n = 0; n < s.queryLen; ++n) {
        // Scores of the kept keys and their maximum.
        bool anyKept = false;
        double maxScore = -std::numeric_limits<double>::infinity();
        for (int64_t m = 0; m < s.keyLen; ++m) {
          kept[m] = isKept(opt.causal, n, m, s.queryLen, s.keyLen);
          if (!kept[m])
            continue;
          double dot = 0.0;
          for (int64_t d = 0; d < s.headDim; ++d)
            dot +=
                static_cast<double>(q.data[offsetOf(q.strides, b, h, n, d)]) *
                static_cast<double>(
                    k.data[offsetOf(k.strides, b, kvHead, m, d)]);
          scores[m] = opt.scale * dot;
          if (!anyKept || scores[m] > maxScore)
            maxScore = scores[m];
          anyKept = true;
        }

        std::fill(acc.begin(), acc.end(), 0.0);
        if (anyKept) {
          // Unnormalized softmax weights, then the weighted sum of values.
          double denominator = 0.0;
          for (int64_t m = 0; m < s.keyLen; ++m) {
            if (!kept[m])
              continue;
            double weight = std::exp(scores[m] - maxScore);
            denominator += weight;
            for (int64_t d = 0; d < s.valueDim; ++d)
              acc[d] +=
                  weight * static_cast<double>(
                               v.data[offsetOf(v.strides, b, kvHead, m, d)]);
          }
          for (int64_t d = 0; d < s.valueDim; ++d)
            acc[d] /= denominator;
        }
        for (int64_t d = 0; d < s.valueDim; ++d)
          out.data[offsetOf(out.strides, b, h, n, d)] =
              static_cast<float>(acc[d]);
      }
    }
  }
}

//===----------------------------------------------------------------------===//
// C entry point for JIT-compiled code
//===----------------------------------------------------------------------===//

namespace {
std::string formatSizes(const CascadeMemRef4DF32 *memref) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << '[' << memref->sizes[0] << ", " << memref->sizes[1] << ", "
     << memref->sizes[2] << ", " << memref->sizes[3] << ']';
  return result;
}

/// Checks the descriptors against each other; returns an empty string if
/// they are consistent, else a description of the first problem found.
std::string validateDescriptors(const CascadeMemRef4DF32 *q,
                                const CascadeMemRef4DF32 *k,
                                const CascadeMemRef4DF32 *v,
                                const CascadeMemRef4DF32 *out, int32_t causal,
                                AttentionShape &shape) {
  const CascadeMemRef4DF32 *all[] = {q, k, v, out};
  const char *names[] = {"q", "k", "v", "out"};
  for (int i = 0; i < 4; ++i) {
    if (!all[i])
      return std::string("descriptor of memref '") + names[i] + "' is null";
    // An empty memref may legitimately have no buffer.
    bool empty = false;
    for (int d = 0; d < 4; ++d)
      empty |= all[i]->sizes[d] == 0;
    if (!all[i]->aligned && !empty)
      return std::string("memref '") + names[i] + "' with sizes " +
             formatSizes(all[i]) + " has a null aligned pointer";
  }

  shape.batch = q->sizes[0];
  shape.qHeads = q->sizes[1];
  shape.queryLen = q->sizes[2];
  shape.headDim = q->sizes[3];
  shape.kvHeads = k->sizes[1];
  shape.keyLen = k->sizes[2];
  shape.valueDim = v->sizes[3];

  auto mismatch = [&](const char *what, const CascadeMemRef4DF32 *a,
                      const char *aName, const CascadeMemRef4DF32 *b,
                      const char *bName) {
    return std::string(what) + " mismatch: " + aName + " sizes " +
           formatSizes(a) + " vs " + bName + " sizes " + formatSizes(b);
  };
  if (k->sizes[0] != shape.batch || v->sizes[0] != shape.batch ||
      out->sizes[0] != shape.batch)
    return "batch (dim 0) mismatch: q " + formatSizes(q) + ", k " +
           formatSizes(k) + ", v " + formatSizes(v) + ", out " +
           formatSizes(out);
  if (k->sizes[3] != shape.headDim)
    return mismatch("head dim (D)", q, "q", k, "k");
  if (v->sizes[1] != shape.kvHeads)
    return mismatch("kv heads (Hkv)", k, "k", v, "v");
  if (v->sizes[2] != shape.keyLen)
    return mismatch("key length (M)", k, "k", v, "v");
  if (out->sizes[1] != shape.qHeads)
    return mismatch("query heads (Hq)", q, "q", out, "out");
  if (out->sizes[2] != shape.queryLen)
    return mismatch("query length (N)", q, "q", out, "out");
  if (out->sizes[3] != shape.valueDim)
    return mismatch("value dim (Dv)", v, "v", out, "out");
  if (llvm::Error err = checkAttentionShape(shape))
    return llvm::toString(std::move(err));
  if (causal < 0 || causal > 2)
    return "unknown causal kind " + std::to_string(causal) +
           " (expected 0 = none, 1 = top-left, 2 = bottom-right)";
  return std::string();
}

/// Base pointer of a descriptor; null for an empty memref without a buffer.
float *basePointer(const CascadeMemRef4DF32 *memref) {
  return memref->aligned ? memref->aligned + memref->offset : nullptr;
}

View4D viewOf(const CascadeMemRef4DF32 *memref) {
  View4D view;
  view.data = basePointer(memref);
  for (int i = 0; i < 4; ++i)
    view.strides[i] = memref->strides[i];
  return view;
}

/// Fills an output descriptor with NaN, what a reference entry leaves on bad
/// input; nothing when it is missing or has no buffer.
void fillWithNaN(CascadeMemRef4DF32 *out) {
  if (!out || !out->aligned)
    return;
  MutView4D view;
  view.data = basePointer(out);
  for (int i = 0; i < 4; ++i)
    view.strides[i] = out->strides[i];
  fillOutput(view, out->sizes[0], out->sizes[1], out->sizes[2], out->sizes[3],
             std::numeric_limits<float>::quiet_NaN());
}
} // namespace

extern "C" CASCADE_RUNTIME_EXPORT void _mlir_ciface_cascade_ref_attention_f32(
    CascadeMemRef4DF32 *q, CascadeMemRef4DF32 *k, CascadeMemRef4DF32 *v,
    CascadeMemRef4DF32 *out, float scale, int32_t causal) {
  AttentionShape shape{};
  std::string problem = validateDescriptors(q, k, v, out, causal, shape);
  if (!problem.empty()) {
    llvm::errs() << "cascade_ref_attention_f32: " << problem
                 << "; filling the output with NaN\n";
    llvm::errs().flush();
    fillWithNaN(out);
    return;
  }

  MutView4D outView;
  outView.data = basePointer(out);
  for (int i = 0; i < 4; ++i)
    outView.strides[i] = out->strides[i];
  AttentionRefOptions options;
  options.scale = scale;
  options.causal = static_cast<CausalKind>(causal);
  referenceAttention(viewOf(q), viewOf(k), viewOf(v), outView, shape, options);
}

//===----------------------------------------------------------------------===//
// Attention variants
//===----------------------------------------------------------------------===//

static llvm::Error variantError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "invalid attention variant: " + msg);
}

namespace {
/// Expected extent of one dimension of an optional tensor.
struct DimSpec {
  /// Symbolic name of the extent, e.g. "Hq" or "ceil(N / blockQ)".
  const char *name;
  int64_t extent;
  /// Whether a size of 1 is also accepted (and broadcast).
  bool mayBroadcast;
};

std::string formatSizeList(const int64_t *sizes, size_t rank) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << '[';
  for (size_t i = 0; i < rank; ++i)
    os << (i ? ", " : "") << sizes[i];
  os << ']';
  return result;
}

/// Checks the sizes of the optional tensor \p tensor against \p dims.
llvm::Error checkTensorSizes(const char *tensor, const int64_t *sizes,
                             llvm::ArrayRef<DimSpec> dims) {
  for (size_t i = 0; i < dims.size(); ++i) {
    const DimSpec &dim = dims[i];
    if (sizes[i] == dim.extent || (dim.mayBroadcast && sizes[i] == 1))
      continue;
    std::string expected;
    llvm::raw_string_ostream os(expected);
    os << '[';
    for (size_t j = 0; j < dims.size(); ++j) {
      os << (j ? ", " : "") << dims[j].name;
      if (dims[j].mayBroadcast)
        os << " or 1";
    }
    os << "] = [";
    for (size_t j = 0; j < dims.size(); ++j) {
      os << (j ? ", " : "") << dims[j].extent;
      if (dims[j].mayBroadcast && dims[j].extent != 1)
        os << " or 1";
    }
    os << ']';
    return variantError(llvm::Twine(tensor) + " has sizes " +
                        formatSizeList(sizes, dims.size()) + ", expected " +
                        expected + " (dimension " + llvm::Twine(i) +
                        " differs)");
  }
  return llvm::Error::success();
}

bool isIntegral(double x) { return std::isfinite(x) && x == std::trunc(x); }

/// Decimal form of \p x that reads back as the same double.
std::string formatDouble(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.17g", x);
  return buffer;
}

/// ceil(a / b) for a >= 0 and b > 0, without overflow.
int64_t ceilDiv(int64_t a, int64_t b) { return a == 0 ? 0 : (a - 1) / b + 1; }

/// a mod d with a result in [0, d), for d > 0.
int64_t floorMod(int64_t a, int64_t d) {
  int64_t r = a % d;
  return r < 0 ? r + d : r;
}

double elementAt(const View1D &view, int64_t i) {
  return view.data[i * view.stride];
}

double elementAt(const View2D &view, int64_t i0, int64_t i1) {
  return view.data[i0 * view.strides[0] + i1 * view.strides[1]];
}

/// Element (i0, i1, i2, i3) of \p view, where a dimension of size 1 is
/// broadcast along that dimension.
double broadcastElementAt(const View4D &view, int64_t i0, int64_t i1,
                          int64_t i2, int64_t i3) {
  const int64_t index[4] = {i0, i1, i2, i3};
  int64_t offset = 0;
  for (int d = 0; d < 4; ++d)
    offset += (view.sizes[d] == 1 ? 0 : index[d]) * view.strides[d];
  return view.data[offset];
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// log(1 + exp(x)), without overflow for large x.
double softplus(double x) { return x > 20.0 ? x : std::log1p(std::exp(x)); }

/// The aligned query position i is query n plus this offset.
int64_t alignmentOffset(const AttentionShape &s, const AttentionVariant &v) {
  CausalKind alignment = v.causal != CausalKind::None ? v.causal : v.alignment;
  return alignment == CausalKind::BottomRight ? s.keyLen - s.queryLen : 0;
}

/// Whether query n (aligned position \p i) of batch \p b and head \p h keeps
/// key \p m under every mask of \p v.
bool variantKeeps(const AttentionVariant &v, int64_t b, int64_t h, int64_t n,
                  int64_t i, int64_t m) {
  if (v.causal != CausalKind::None && m > i)
    return false;

  // The window masks, which sink tokens override.
  bool inWindow = true;
  if (v.windowLeft >= 0 && i - m > v.windowLeft)
    inWindow = false;
  if (v.windowRight >= 0 && m - i > v.windowRight)
    inWindow = false;
  if (floorMod(i - m, v.dilation) != 0)
    inWindow = false;
  if (!inWindow && m >= v.sinkTokens)
    return false;

  if (v.kvLengths.data && !(static_cast<double>(m) < elementAt(v.kvLengths, b)))
    return false;
  if (v.queryDocIds.data &&
      elementAt(v.queryDocIds, b, n) != elementAt(v.keyDocIds, b, m))
    return false;
  if (v.denseMask.data && broadcastElementAt(v.denseMask, b, h, n, m) == 0.0)
    return false;
  if (v.blockMask.data &&
      broadcastElementAt(v.blockMask, b, h, n / v.blockQ, m / v.blockK) == 0.0)
    return false;
  if (v.maskMod && v.maskMod(b, h, n, m) == 0)
    return false;
  return true;
}

/// Fills the [e0, e1, e2] extent of a strided 3-D buffer with \p value.
void fill3D(float *data, const int64_t strides[3], int64_t e0, int64_t e1,
            int64_t e2, float value) {
  if (!data || e0 < 0 || e1 < 0 || e2 < 0)
    return;
  for (int64_t i0 = 0; i0 < e0; ++i0)
    for (int64_t i1 = 0; i1 < e1; ++i1)
      for (int64_t i2 = 0; i2 < e2; ++i2)
        data[i0 * strides[0] + i1 * strides[1] + i2 * strides[2]] = value;
}

/// fillWithNaN for a rank-3 descriptor.
void fillWithNaN(CascadeMemRef3DF32 *out) {
  if (out && out->aligned)
    fill3D(out->aligned + out->offset, out->strides, out->sizes[0],
           out->sizes[1], out->sizes[2],
           std::numeric_limits<float>::quiet_NaN());
}

/// The reference computation proper; \p s and \p var must be valid. \p lse
/// (optional) is addressed with \p lseStrides.
void computeVariant(View4D q, View4D k, View4D v, MutView4D out, float *lse,
                    const int64_t lseStrides[3], const AttentionShape &s,
                    const AttentionVariant &var) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const int64_t groupSize = s.qHeads / s.kvHeads;
  const int64_t offset = alignmentOffset(s, var);
  std::vector<char> kept(static_cast<size_t>(s.keyLen));
  std::vector<double> scores(static_cast<size_t>(s.keyLen));
  std::vector<double> probs(static_cast<size_t>(s.keyLen));
  std::vector<double> acc(static_cast<size_t>(s.valueDim));

  for (int64_t b = 0; b < s.batch; ++b) {
    for (int64_t h = 0; h < s.qHeads; ++h) {
      const int64_t kvHead = h / groupSize;
      for (int64_t n = 0; n < s.queryLen; ++n) {
        const int64_t i = n + offset;

        // Masks and scores of the kept keys.
        for (int64_t m = 0; m < s.keyLen; ++m) {
          kept[m] = variantKeeps(var, b, h, n, i, m);
          probs[m] = 0.0;
          if (!kept[m])
            continue;
          double dot = 0.0;
          for (int64_t d = 0; d < s.headDim; ++d)
            dot +=
                static_cast<double>(q.data[offsetOf(q.strides, b, h, n, d)]) *
                static_cast<double>(
                    k.data[offsetOf(k.strides, b, kvHead, m, d)]);
          double score = var.scale * dot;
          if (var.softcap > 0.0)
            score = var.softcap * std::tanh(score / var.softcap);
          if (var.alibiSlopes.data)
            score += -elementAt(var.alibiSlopes, h) *
                     std::abs(static_cast<double>(i - m));
          if (var.bias.data)
            score += broadcastElementAt(var.bias, b, h, n, m);
          if (var.scoreMod)
            score = var.scoreMod(static_cast<float>(score), b, h, n, m);
          scores[m] = score;
        }

        // Weights of the kept keys (probs stays 0 for the others).
        double rowLse = nan;
        switch (var.normalizer) {
        case Normalizer::Softmax: {
          double maxScore = -inf;
          for (int64_t m = 0; m < s.keyLen; ++m)
            if (kept[m])
              maxScore = std::max(maxScore, scores[m]);
          bool hasSink = var.sinks.data != nullptr;
          double sink = hasSink ? elementAt(var.sinks, h) : -inf;
          maxScore = std::max(maxScore, sink);
          if (maxScore == -inf) {
            // Nothing to normalize over: the row is zero.
            rowLse = -inf;
            break;
          }
          double denominator = hasSink ? std::exp(sink - maxScore) : 0.0;
          for (int64_t m = 0; m < s.keyLen; ++m)
            if (kept[m]) {
              probs[m] = std::exp(scores[m] - maxScore);
              denominator += probs[m];
            }
          for (int64_t m = 0; m < s.keyLen; ++m)
            probs[m] /= denominator;
          rowLse = maxScore + std::log(denominator);
          break;
        }
        case Normalizer::Sigmoid:
          for (int64_t m = 0; m < s.keyLen; ++m)
            if (kept[m])
              probs[m] = sigmoid(scores[m] + var.sigmoidBias);
          break;
        case Normalizer::Softplus: {
          double sum = 0.0;
          for (int64_t m = 0; m < s.keyLen; ++m)
            if (kept[m]) {
              probs[m] = std::pow(softplus(var.softplusScale * scores[m]),
                                  var.softplusPower);
              sum += probs[m];
            }
          for (int64_t m = 0; m < s.keyLen; ++m)
            probs[m] = sum == 0.0 ? 0.0 : probs[m] / sum;
          break;
        }
        case Normalizer::Relu:
          for (int64_t m = 0; m < s.keyLen; ++m)
            if (kept[m])
              probs[m] =
                  std::max(scores[m], 0.0) / static_cast<double>(s.keyLen);
          break;
        }

        // Weighted sum of the values, then the output gate.
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int64_t m = 0; m < s.keyLen; ++m) {
          if (!kept[m])
            continue;
          for (int64_t f = 0; f < s.valueDim; ++f)
            acc[f] +=
                probs[m] * static_cast<double>(
                               v.data[offsetOf(v.strides, b, kvHead, m, f)]);
        }
        for (int64_t f = 0; f < s.valueDim; ++f) {
          double value = acc[f];
          if (var.gate.data)
            value *= sigmoid(broadcastElementAt(var.gate, b, h, n, f));
          out.data[offsetOf(out.strides, b, h, n, f)] =
              static_cast<float>(value);
        }
        if (lse)
          lse[b * lseStrides[0] + h * lseStrides[1] + n * lseStrides[2]] =
              static_cast<float>(rowLse);
      }
    }
  }
}
} // namespace

llvm::Error cascade::runtime::checkAttentionVariant(const AttentionShape &s,
                                                    const AttentionVariant &v) {
  if (llvm::Error err = checkAttentionShape(s))
    return err;

  // Scalars.
  auto validCausal = [](CausalKind kind) {
    return kind == CausalKind::None || kind == CausalKind::TopLeft ||
           kind == CausalKind::BottomRight;
  };
  const int32_t normalizer = static_cast<int32_t>(v.normalizer);
  if (normalizer < 0 || normalizer > 3)
    return variantError("unknown normalizer " + llvm::Twine(normalizer) +
                        " (expected 0 = softmax, 1 = sigmoid, 2 = softplus, "
                        "3 = relu)");
  if (!validCausal(v.causal))
    return variantError("unknown causal kind " +
                        llvm::Twine(static_cast<int32_t>(v.causal)) +
                        " (expected 0 = none, 1 = top-left, 2 = bottom-right)");
  if (!validCausal(v.alignment))
    return variantError("unknown alignment " +
                        llvm::Twine(static_cast<int32_t>(v.alignment)) +
                        " (expected 1 = top-left or 2 = bottom-right)");
  if (v.windowLeft < -1)
    return variantError("windowLeft is " + llvm::Twine(v.windowLeft) +
                        ", expected -1 (unbounded) or a non-negative value");
  if (v.windowRight < -1)
    return variantError("windowRight is " + llvm::Twine(v.windowRight) +
                        ", expected -1 (unbounded) or a non-negative value");
  if (v.dilation < 1)
    return variantError("dilation is " + llvm::Twine(v.dilation) +
                        ", expected at least 1");
  if (v.sinkTokens < 0)
    return variantError("sinkTokens is " + llvm::Twine(v.sinkTokens) +
                        ", expected a non-negative value");
  if (!(v.softcap >= 0.0))
    return variantError("softcap is " + formatDouble(v.softcap) +
                        ", expected 0 (none) or a positive value");

  // Optional tensors.
  const DimSpec batch{"B", s.batch, false}, batchOr1{"B", s.batch, true};
  const DimSpec heads{"Hq", s.qHeads, false}, headsOr1{"Hq", s.qHeads, true};
  const DimSpec queries{"N", s.queryLen, false};
  const DimSpec queriesOr1{"N", s.queryLen, true};
  const DimSpec keys{"M", s.keyLen, false};
  const DimSpec values{"Dv", s.valueDim, false};

  if (v.alibiSlopes.data)
    if (llvm::Error err =
            checkTensorSizes("alibiSlopes", &v.alibiSlopes.size, {heads}))
      return err;
  if (v.sinks.data) {
    if (v.normalizer != Normalizer::Softmax)
      return variantError("sinks are only defined for the softmax normalizer");
    if (llvm::Error err = checkTensorSizes("sinks", &v.sinks.size, {heads}))
      return err;
  }
  if (v.kvLengths.data) {
    if (llvm::Error err =
            checkTensorSizes("kvLengths", &v.kvLengths.size, {batch}))
      return err;
    for (int64_t b = 0; b < s.batch; ++b) {
      double length = elementAt(v.kvLengths, b);
      if (!isIntegral(length) || length < 0.0)
        return variantError("kvLengths[" + llvm::Twine(b) + "] is " +
                            formatDouble(length) +
                            ", expected a non-negative integer");
    }
  }
  if (!v.queryDocIds.data != !v.keyDocIds.data)
    return variantError(
        llvm::Twine(v.queryDocIds.data ? "queryDocIds" : "keyDocIds") +
        " is given without " +
        (v.queryDocIds.data ? "keyDocIds" : "queryDocIds"));
  if (v.queryDocIds.data) {
    if (llvm::Error err = checkTensorSizes("queryDocIds", v.queryDocIds.sizes,
                                           {batch, queries}))
      return err;
    if (llvm::Error err =
            checkTensorSizes("keyDocIds", v.keyDocIds.sizes, {batch, keys}))
      return err;
    struct {
      const char *name;
      const View2D &view;
    } docIds[] = {{"queryDocIds", v.queryDocIds}, {"keyDocIds", v.keyDocIds}};
    for (const auto &ids : docIds)
      for (int64_t b = 0; b < ids.view.sizes[0]; ++b)
        for (int64_t j = 0; j < ids.view.sizes[1]; ++j) {
          double id = elementAt(ids.view, b, j);
          if (!isIntegral(id))
            return variantError(llvm::Twine(ids.name) + "[" + llvm::Twine(b) +
                                "][" + llvm::Twine(j) + "] is " +
                                formatDouble(id) + ", expected an integer");
        }
  }
  if (v.bias.data)
    if (llvm::Error err = checkTensorSizes(
            "bias", v.bias.sizes, {batchOr1, headsOr1, queriesOr1, keys}))
      return err;
  if (v.denseMask.data)
    if (llvm::Error err = checkTensorSizes("denseMask", v.denseMask.sizes,
                                           {batchOr1, headsOr1, queries, keys}))
      return err;
  if (v.blockMask.data) {
    if (v.blockQ <= 0 || v.blockK <= 0)
      return variantError("blockMask is given with block sizes blockQ = " +
                          llvm::Twine(v.blockQ) + " and blockK = " +
                          llvm::Twine(v.blockK) + ", expected both positive");
    const DimSpec queryBlocks{"ceil(N / blockQ)", ceilDiv(s.queryLen, v.blockQ),
                              false};
    const DimSpec keyBlocks{"ceil(M / blockK)", ceilDiv(s.keyLen, v.blockK),
                            false};
    if (llvm::Error err =
            checkTensorSizes("blockMask", v.blockMask.sizes,
                             {batchOr1, headsOr1, queryBlocks, keyBlocks}))
      return err;
  }
  if (v.gate.data)
    if (llvm::Error err = checkTensorSizes("gate", v.gate.sizes,
                                           {batch, heads, queries, values}))
      return err;
  return llvm::Error::success();
}

void cascade::runtime::referenceAttentionVariant(
    View4D q, View4D k, View4D v, MutView4D out, float *lse,
    const AttentionShape &s, const AttentionVariant &variant) {
  const int64_t lseStrides[3] = {s.qHeads * s.queryLen, s.queryLen, 1};
  if (llvm::Error err = checkAttentionVariant(s, variant)) {
    llvm::consumeError(std::move(err));
    const float nan = std::numeric_limits<float>::quiet_NaN();
    fillOutput(out, s.batch, s.qHeads, s.queryLen, s.valueDim, nan);
    fill3D(lse, lseStrides, s.batch, s.qHeads, s.queryLen, nan);
    return;
  }
  computeVariant(q, k, v, out, lse, lseStrides, s, variant);
}

//===----------------------------------------------------------------------===//
// C entry point for JIT-compiled code: attention variants
//===----------------------------------------------------------------------===//

namespace {
/// Stands in for the buffer of an empty memref that has none, so that an
/// empty present tensor is not mistaken for an absent one. Never read.
float emptyBufferSentinel;

/// Whether any of the \p rank sizes is zero.
bool isEmpty(const int64_t *sizes, int rank) {
  for (int d = 0; d < rank; ++d)
    if (sizes[d] == 0)
      return true;
  return false;
}

/// Checks an optional descriptor flagged present: not null, and a buffer
/// unless it is empty. Returns the base pointer through \p data.
template <typename MemRef, int Rank>
std::string presentBase(const MemRef *memref, const char *name,
                        const float *&data) {
  if (!memref)
    return std::string("descriptor of memref '") + name +
           "' is null although its flag says it is present";
  if (!memref->aligned) {
    if (!isEmpty(memref->sizes, Rank))
      return std::string("memref '") + name + "' with sizes " +
             formatSizeList(memref->sizes, Rank) +
             " has a null aligned pointer";
    data = &emptyBufferSentinel;
    return std::string();
  }
  data = memref->aligned + memref->offset;
  return std::string();
}

/// Everything decoded from the arguments of the variant entry point.
struct VariantCall {
  AttentionShape shape{};
  AttentionVariant variant;
  /// Known to be flagged present (so it may be written, even on errors).
  bool hasLse = false;
};

/// Decodes and checks the arguments; returns an empty string on success,
/// else a description of the first problem found.
std::string
decodeVariantCall(CascadeMemRef4DF32 *q, CascadeMemRef4DF32 *k,
                  CascadeMemRef4DF32 *v, CascadeMemRef4DF32 *out,
                  CascadeMemRef3DF32 *lse, CascadeMemRef1DF64 *params,
                  CascadeMemRef1DF32 *alibiSlopes, CascadeMemRef1DF32 *sinks,
                  CascadeMemRef1DF32 *kvLengths,
                  CascadeMemRef2DF32 *queryDocIds,
                  CascadeMemRef2DF32 *keyDocIds, CascadeMemRef4DF32 *bias,
                  CascadeMemRef4DF32 *denseMask, CascadeMemRef4DF32 *blockMask,
                  CascadeMemRef4DF32 *gate, VariantCall &call) {
  // The scalar parameters come first, so that the lse flag is known even if
  // the tensors turn out to be inconsistent.
  if (!params)
    return "descriptor of the params memref is null";
  if (params->sizes[0] < CASCADE_REF_PARAM_COUNT)
    return "params has " + std::to_string(params->sizes[0]) +
           " entries, expected at least " +
           std::to_string(CASCADE_REF_PARAM_COUNT);
  if (!params->aligned)
    return "params memref has a null aligned pointer";
  auto param = [&](int index) {
    return params->aligned[params->offset + index * params->strides[0]];
  };
  static const char *const paramNames[CASCADE_REF_PARAM_COUNT] = {
      "scale",          "normalizer",     "sigmoid_bias", "softplus_scale",
      "softplus_power", "causal",         "alignment",    "window_left",
      "window_right",   "dilation",       "sink_tokens",  "softcap",
      "block_q",        "block_k",        "has_lse",      "has_alibi",
      "has_sinks",      "has_kv_lengths", "has_doc_ids",  "has_bias",
      "has_dense_mask", "has_block_mask", "has_gate"};
  // Integral parameters must be exact and far from the int64_t limits.
  const double integralLimit = 9007199254740992.0; // 2^53
  std::string problem;
  auto integer = [&](int index, int64_t &result) {
    double value = param(index);
    if (!isIntegral(value) || std::abs(value) > integralLimit) {
      if (problem.empty())
        problem = std::string("params[") + std::to_string(index) + "] (" +
                  paramNames[index] + ") is " + formatDouble(value) +
                  ", expected an integer";
      return;
    }
    result = static_cast<int64_t>(value);
  };
  auto flag = [&](int index) {
    int64_t value = 0;
    integer(index, value);
    if (value != 0 && value != 1 && problem.empty())
      problem = std::string("params[") + std::to_string(index) + "] (" +
                paramNames[index] + ") is " + std::to_string(value) +
                ", expected 0 (absent) or 1 (present)";
    return value == 1;
  };

  AttentionVariant &var = call.variant;
  int64_t normalizer = 0, causal = 0, alignment = 0;
  var.scale = param(CASCADE_REF_PARAM_SCALE);
  integer(CASCADE_REF_PARAM_NORMALIZER, normalizer);
  var.sigmoidBias = param(CASCADE_REF_PARAM_SIGMOID_BIAS);
  var.softplusScale = param(CASCADE_REF_PARAM_SOFTPLUS_SCALE);
  var.softplusPower = param(CASCADE_REF_PARAM_SOFTPLUS_POWER);
  integer(CASCADE_REF_PARAM_CAUSAL, causal);
  integer(CASCADE_REF_PARAM_ALIGNMENT, alignment);
  integer(CASCADE_REF_PARAM_WINDOW_LEFT, var.windowLeft);
  integer(CASCADE_REF_PARAM_WINDOW_RIGHT, var.windowRight);
  integer(CASCADE_REF_PARAM_DILATION, var.dilation);
  integer(CASCADE_REF_PARAM_SINK_TOKENS, var.sinkTokens);
  var.softcap = param(CASCADE_REF_PARAM_SOFTCAP);
  integer(CASCADE_REF_PARAM_BLOCK_Q, var.blockQ);
  integer(CASCADE_REF_PARAM_BLOCK_K, var.blockK);
  bool hasLse = flag(CASCADE_REF_PARAM_HAS_LSE);
  bool hasAlibi = flag(CASCADE_REF_PARAM_HAS_ALIBI);
  bool hasSinks = flag(CASCADE_REF_PARAM_HAS_SINKS);
  bool hasKvLengths = flag(CASCADE_REF_PARAM_HAS_KV_LENGTHS);
  bool hasDocIds = flag(CASCADE_REF_PARAM_HAS_DOC_IDS);
  bool hasBias = flag(CASCADE_REF_PARAM_HAS_BIAS);
  bool hasDenseMask = flag(CASCADE_REF_PARAM_HAS_DENSE_MASK);
  bool hasBlockMask = flag(CASCADE_REF_PARAM_HAS_BLOCK_MASK);
  bool hasGate = flag(CASCADE_REF_PARAM_HAS_GATE);
  call.hasLse = hasLse && lse;
  if (!problem.empty())
    return problem;
  // Out-of-range enumerators are reported by checkAttentionVariant; the
  // casts are well defined as both enums have a fixed underlying type.
  if (normalizer < 0 || normalizer > 3)
    return "params[1] (normalizer) is " + std::to_string(normalizer) +
           ", expected 0 (softmax), 1 (sigmoid), 2 (softplus) or 3 (relu)";
  if (causal < 0 || causal > 2)
    return "params[5] (causal) is " + std::to_string(causal) +
           ", expected 0 (none), 1 (top-left) or 2 (bottom-right)";
  if (alignment < 0 || alignment > 2)
    return "params[6] (alignment) is " + std::to_string(alignment) +
           ", expected 1 (top-left), 2 (bottom-right) or 0 (top-left)";
  var.normalizer = static_cast<Normalizer>(normalizer);
  var.causal = static_cast<CausalKind>(causal);
  var.alignment = static_cast<CausalKind>(alignment);

  // Mandatory tensors.
  problem = validateDescriptors(q, k, v, out, /*causal=*/0, call.shape);
  if (!problem.empty())
    return problem;
  const AttentionShape &s = call.shape;

  // Optional tensors.
  if (hasLse) {
    const float *unused = nullptr;
    problem = presentBase<CascadeMemRef3DF32, 3>(lse, "lse", unused);
    if (!problem.empty())
      return problem;
    const int64_t expected[3] = {s.batch, s.qHeads, s.queryLen};
    if (!std::equal(expected, expected + 3, lse->sizes))
      return "memref 'lse' has sizes " + formatSizeList(lse->sizes, 3) +
             ", expected [B, Hq, N] = " + formatSizeList(expected, 3);
  }
  auto view1D = [&](bool present, CascadeMemRef1DF32 *memref, const char *name,
                    View1D &view) {
    if (!present || !problem.empty())
      return;
    problem = presentBase<CascadeMemRef1DF32, 1>(memref, name, view.data);
    if (!problem.empty())
      return;
    view.size = memref->sizes[0];
    view.stride = memref->strides[0];
  };
  auto view2D = [&](bool present, CascadeMemRef2DF32 *memref, const char *name,
                    View2D &view) {
    if (!present || !problem.empty())
      return;
    problem = presentBase<CascadeMemRef2DF32, 2>(memref, name, view.data);
    if (!problem.empty())
      return;
    for (int d = 0; d < 2; ++d) {
      view.sizes[d] = memref->sizes[d];
      view.strides[d] = memref->strides[d];
    }
  };
  auto view4D = [&](bool present, CascadeMemRef4DF32 *memref, const char *name,
                    View4D &view) {
    if (!present || !problem.empty())
      return;
    problem = presentBase<CascadeMemRef4DF32, 4>(memref, name, view.data);
    if (!problem.empty())
      return;
    for (int d = 0; d < 4; ++d) {
      view.sizes[d] = memref->sizes[d];
      view.strides[d] = memref->strides[d];
    }
  };
  view1D(hasAlibi, alibiSlopes, "alibiSlopes", var.alibiSlopes);
  view1D(hasSinks, sinks, "sinks", var.sinks);
  view1D(hasKvLengths, kvLengths, "kvLengths", var.kvLengths);
  view2D(hasDocIds, queryDocIds, "queryDocIds", var.queryDocIds);
  view2D(hasDocIds, keyDocIds, "keyDocIds", var.keyDocIds);
  view4D(hasBias, bias, "bias", var.bias);
  view4D(hasDenseMask, denseMask, "denseMask", var.denseMask);
  view4D(hasBlockMask, blockMask, "blockMask", var.blockMask);
  view4D(hasGate, gate, "gate", var.gate);
  if (!problem.empty())
    return problem;

  if (llvm::Error err = checkAttentionVariant(s, var))
    return llvm::toString(std::move(err));
  return std::string();
}
} // namespace

extern "C" CASCADE_RUNTIME_EXPORT void
_mlir_ciface_cascade_ref_attention_variant_f32(
    CascadeMemRef4DF32 *q, CascadeMemRef4DF32 *k, CascadeMemRef4DF32 *v,
    CascadeMemRef4DF32 *out, CascadeMemRef3DF32 *lse,
    CascadeMemRef1DF64 *params, CascadeMemRef1DF32 *alibiSlopes,
    CascadeMemRef1DF32 *sinks, CascadeMemRef1DF32 *kvLengths,
    CascadeMemRef2DF32 *queryDocIds, CascadeMemRef2DF32 *keyDocIds,
    CascadeMemRef4DF32 *bias, CascadeMemRef4DF32 *denseMask,
    CascadeMemRef4DF32 *blockMask, CascadeMemRef4DF32 *gate, void *maskMod,
    void *scoreMod) {
  VariantCall call;
  std::string problem = decodeVariantCall(
      q, k, v, out, lse, params, alibiSlopes, sinks, kvLengths, queryDocIds,
      keyDocIds, bias, denseMask, blockMask, gate, call);
  call.variant.maskMod = reinterpret_cast<MaskModFn>(maskMod);
  call.variant.scoreMod = reinterpret_cast<ScoreModFn>(scoreMod);
  float *lseBase =
      call.hasLse && lse->aligned ? lse->aligned + lse->offset : nullptr;
  if (!problem.empty()) {
    llvm::errs() << "cascade_ref_attention_variant_f32: " << problem
                 << "; filling the output with NaN\n";
    llvm::errs().flush();
    fillWithNaN(out);
    if (lseBase)
      fillWithNaN(lse);
    return;
  }

  MutView4D outView;
  outView.data = basePointer(out);
  for (int i = 0; i < 4; ++i)
    outView.strides[i] = out->strides[i];
  computeVariant(viewOf(q), viewOf(k), viewOf(v), outView, lseBase,
                 lse ? lse->strides : nullptr, call.shape, call.variant);
}

//===----------------------------------------------------------------------===//
// Linear attention
//===----------------------------------------------------------------------===//

static double featureMap(cascade::runtime::FeatureMap map, double x) {
  using cascade::runtime::FeatureMap;
  switch (map) {
  case FeatureMap::Identity:
    return x;
  case FeatureMap::Elu1:
    return x > 0 ? x + 1.0 : std::exp(x);
  case FeatureMap::Relu:
    return x > 0 ? x : 0.0;
  }
  return x;
}

void cascade::runtime::referenceLinearAttention(
    View4D q, View4D k, View4D v, MutView4D out, const AttentionShape &s,
    const LinearAttentionOptions &opt) {
  auto at = [](const int64_t *st, int64_t a, int64_t b, int64_t c, int64_t d) {
    return a * st[0] + b * st[1] + c * st[2] + d * st[3];
  };
  const int64_t group = s.qHeads / s.kvHeads;
  std::vector<double> acc(static_cast<size_t>(s.valueDim));
  std::vector<double> phiQ(static_cast<size_t>(s.headDim));
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t h = 0; h < s.qHeads; ++h) {
      int64_t kvh = h / group;
      double lambda = 1.0;
      if (opt.decay.data)
        lambda = opt.decay.data[h * opt.decay.stride];
      for (int64_t n = 0; n < s.queryLen; ++n) {
        for (int64_t d = 0; d < s.headDim; ++d)
          phiQ[d] =
              featureMap(opt.featureMap, q.data[at(q.strides, b, h, n, d)]);
        std::fill(acc.begin(), acc.end(), 0.0);
        double norm = 0.0;
        for (int64_t m = 0; m < s.keyLen; ++m) {
          if (opt.causal && m > n)
            continue;
          double w = 0.0;
          for (int64_t d = 0; d < s.headDim; ++d)
            w += phiQ[d] * featureMap(opt.featureMap,
                                      k.data[at(k.strides, b, kvh, m, d)]);
          if (opt.decay.data)
            w *= std::pow(lambda, static_cast<double>(n - m));
          norm += w;
          for (int64_t f = 0; f < s.valueDim; ++f)
            acc[f] += w * v.data[at(v.strides, b, kvh, m, f)];
        }
        for (int64_t f = 0; f < s.valueDim; ++f) {
          double o = acc[f];
          if (opt.normalize)
            o = norm == 0.0 ? 0.0 : o / norm;
          out.data[at(out.strides, b, h, n, f)] = static_cast<float>(o);
        }
      }
    }
}

extern "C" CASCADE_RUNTIME_EXPORT void
_mlir_ciface_cascade_ref_linear_attention_f32(CascadeMemRef4DF32 *q,
                                              CascadeMemRef4DF32 *k,
                                              CascadeMemRef4DF32 *v,
                                              CascadeMemRef4DF32 *out,
                                              CascadeMemRef1DF64 *params,
                                              CascadeMemRef1DF32 *decay) {
  using namespace cascade::runtime;
  auto fail = [&](const char *why) {
    llvm::errs() << "cascade_ref_linear_attention_f32: " << why
                 << "; filling the output with NaN\n";
    fillWithNaN(out);
  };
  if (!q || !k || !v || !out || !params || !params->aligned ||
      params->sizes[0] < 4)
    return fail("missing descriptor or short params");
  auto param = [&](int i) {
    return params->aligned[params->offset + i * params->strides[0]];
  };
  AttentionShape s{q->sizes[0], q->sizes[1], k->sizes[1], q->sizes[2],
                   k->sizes[2], q->sizes[3], v->sizes[3]};
  if (llvm::Error err = checkAttentionShape(s)) {
    llvm::consumeError(std::move(err));
    return fail("inconsistent shapes");
  }
  if (k->sizes[0] != s.batch || v->sizes[0] != s.batch ||
      v->sizes[1] != s.kvHeads || v->sizes[2] != s.keyLen ||
      k->sizes[3] != s.headDim || out->sizes[0] != s.batch ||
      out->sizes[1] != s.qHeads || out->sizes[2] != s.queryLen ||
      out->sizes[3] != s.valueDim)
    return fail("inconsistent shapes");
  LinearAttentionOptions opt;
  int fm = static_cast<int>(param(0));
  if (fm < 0 || fm > 2)
    return fail("unknown feature map");
  opt.featureMap = static_cast<FeatureMap>(fm);
  opt.causal = param(1) != 0.0;
  opt.normalize = param(2) != 0.0;
  if (param(3) != 0.0) {
    if (!decay || !decay->aligned || decay->sizes[0] != s.qHeads)
      return fail("decay must have Hq entries");
    opt.decay = View1D{decay->aligned + decay->offset, decay->sizes[0],
                       decay->strides[0]};
  }
  auto view = [](CascadeMemRef4DF32 *m) {
    return View4D{m->aligned + m->offset,
                  {m->strides[0], m->strides[1], m->strides[2], m->strides[3]}};
  };
  referenceLinearAttention(view(q), view(k), view(v),
                           MutView4D{out->aligned + out->offset,
                                     {out->strides[0], out->strides[1],
                                      out->strides[2], out->strides[3]}},
                           s, opt);
}

extern "C" CASCADE_RUNTIME_EXPORT void _mlir_ciface_cascade_ref_merge_f32(
    CascadeMemRef4DF32 *o, CascadeMemRef3DF32 *lse, CascadeMemRef4DF32 *out,
    CascadeMemRef3DF32 *outLse) {
  auto at4 = [](CascadeMemRef4DF32 *m, int64_t a, int64_t b, int64_t c,
                int64_t d) -> float & {
    return m->aligned[m->offset + a * m->strides[0] + b * m->strides[1] +
                      c * m->strides[2] + d * m->strides[3]];
  };
  auto at3 = [](CascadeMemRef3DF32 *m, int64_t a, int64_t b,
                int64_t c) -> float & {
    return m->aligned[m->offset + a * m->strides[0] + b * m->strides[1] +
                      c * m->strides[2]];
  };
  auto fail = [&](const char *why) {
    llvm::errs() << "cascade_ref_merge_f32: " << why
                 << "; filling the outputs with NaN\n";
    fillWithNaN(out);
    fillWithNaN(outLse);
  };
  if (!o || !lse || !out || !outLse)
    return fail("missing descriptor");
  int64_t batch = out->sizes[0], heads = out->sizes[1], rows = out->sizes[2],
          dv = out->sizes[3];
  if (batch <= 0 || o->sizes[0] % batch != 0 || o->sizes[1] != heads ||
      o->sizes[2] != rows || o->sizes[3] != dv ||
      lse->sizes[0] != o->sizes[0] || lse->sizes[1] != heads ||
      lse->sizes[2] != rows || outLse->sizes[0] != batch ||
      outLse->sizes[1] != heads || outLse->sizes[2] != rows)
    return fail("inconsistent shapes");
  int64_t parts = o->sizes[0] / batch;
  std::vector<double> acc(dv);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t n = 0; n < rows; ++n) {
        double g = -std::numeric_limits<double>::infinity();
        for (int64_t s = 0; s < parts; ++s)
          g = std::max(g, double(at3(lse, s * batch + b, h, n)));
        double sum = 0;
        std::fill(acc.begin(), acc.end(), 0.0);
        if (std::isfinite(g))
          for (int64_t s = 0; s < parts; ++s) {
            double l = at3(lse, s * batch + b, h, n);
            if (l == -std::numeric_limits<double>::infinity())
              continue;
            double w = std::exp(l - g);
            sum += w;
            for (int64_t f = 0; f < dv; ++f)
              acc[f] += w * at4(o, s * batch + b, h, n, f);
          }
        for (int64_t f = 0; f < dv; ++f)
          at4(out, b, h, n, f) = sum > 0 ? float(acc[f] / sum) : 0.0f;
        at3(outLse, b, h, n) = sum > 0
                                   ? float(g + std::log(sum))
                                   : -std::numeric_limits<float>::infinity();
      }
}
