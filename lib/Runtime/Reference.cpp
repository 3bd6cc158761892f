//===- Reference.cpp - Reference attention for checking results -----------===//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//

#include "cascade/Runtime/Reference.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
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
    if (out && out->aligned) {
      MutView4D outView;
      outView.data = basePointer(out);
      for (int i = 0; i < 4; ++i)
        outView.strides[i] = out->strides[i];
      fillOutput(outView, out->sizes[0], out->sizes[1], out->sizes[2],
                 out->sizes[3], std::numeric_limits<float>::quiet_NaN());
    }
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
