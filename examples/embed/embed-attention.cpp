//===- embed-attention.cpp - Embedding Cascade in another program ---------===//
//
// Part of Cascade's examples: a program that uses the installed Cascade
// libraries the way another compiler would. It
//   1. registers Cascade's dialects and passes in its own MLIRContext,
//   2. parses a module with an attention op (GQA, causal, shapes that are not
//      multiples of the tiles),
//   3. builds the `cascade-cpu` pipeline into its own pass manager with typed
//      options, stopping at the one-pass cascade, and prints a summary,
//   4. compiles the module to a shared library in memory, loads it and runs
//      it through the C interface, and checks the result against a naive
//      attention computed here.
// It prints "embed-attention: ok" and exits with 0 when everything holds.
//
//===----------------------------------------------------------------------===//

#include "cascade/Pipelines/Pipelines.h"
#include "cascade/Registration.h"
#include "cascade/Target/CPU.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <limits>
#include <vector>

namespace {
constexpr int64_t B = 2, Hq = 4, Hkv = 2, N = 37, M = 53, D = 16;

const char *const source = R"mlir(
func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x53x16xf32>,
                     %v: tensor<2x2x53x16xf32>) -> tensor<2x4x37x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x16xf32>
      -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}
)mlir";

/// MLIR's ranked memref descriptor of rank 4 for f32 (see docs/CABI.md).
struct Desc4 {
  float *allocated, *aligned;
  int64_t offset, sizes[4], strides[4];
};

Desc4 describe(std::vector<float> &data, int64_t d0, int64_t d1, int64_t d2,
               int64_t d3) {
  return {data.data(),
          data.data(),
          0,
          {d0, d1, d2, d3},
          {d1 * d2 * d3, d2 * d3, d3, 1}};
}

/// Softmax attention with the causal mask aligned to the bottom right:
/// query i sees keys j <= i + (M - N).
std::vector<float> naiveAttention(const std::vector<float> &q,
                                  const std::vector<float> &k,
                                  const std::vector<float> &v) {
  std::vector<float> o(B * Hq * N * D, 0.0f);
  const double scale = 1.0 / std::sqrt(double(D));
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < Hq; ++h) {
      int64_t g = h / (Hq / Hkv);
      for (int64_t i = 0; i < N; ++i) {
        std::vector<double> s(M, -std::numeric_limits<double>::infinity());
        double mx = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j <= std::min(M - 1, i + (M - N)); ++j) {
          double dot = 0;
          for (int64_t d = 0; d < D; ++d)
            dot += double(q[((b * Hq + h) * N + i) * D + d]) *
                   k[((b * Hkv + g) * M + j) * D + d];
          s[j] = dot * scale;
          mx = std::max(mx, s[j]);
        }
        double sum = 0;
        std::vector<double> acc(D, 0.0);
        for (int64_t j = 0; j < M; ++j) {
          if (std::isinf(s[j]))
            continue;
          double p = std::exp(s[j] - mx);
          sum += p;
          for (int64_t d = 0; d < D; ++d)
            acc[d] += p * v[((b * Hkv + g) * M + j) * D + d];
        }
        for (int64_t d = 0; d < D; ++d)
          o[((b * Hq + h) * N + i) * D + d] = float(acc[d] / sum);
      }
    }
  return o;
}
} // namespace

int main() {
  // 1. Registration into this program's own registry and context.
  mlir::DialectRegistry registry;
  cascade::registerCascadeDialects(registry);
  cascade::registerCascadeDependentDialects(registry);
  cascade::registerCascadePasses();
  mlir::MLIRContext context(registry);

  // 2. Parsing.
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module) {
    std::fprintf(stderr, "embed-attention: cannot parse the module\n");
    return 1;
  }

  // 3. The pipeline in this program's own pass manager, typed options,
  // stopping at the one-pass cascade (on a copy of the module).
  {
    mlir::OwningOpRef<mlir::ModuleOp> copy = module->clone();
    mlir::PassManager pm(&context);
    cascade::CPUPipelineOptions options;
    options.tileM = 16;
    options.tileN = 8;
    cascade::buildCascadeCPUPipeline(pm, options, cascade::Stage::Ein1Pass);
    if (mlir::failed(pm.run(*copy))) {
      std::fprintf(stderr, "embed-attention: the pipeline failed\n");
      return 1;
    }
    int64_t einsums = 0;
    copy->walk([&](mlir::Operation *op) {
      if (op->getName().getStringRef() == "ein.einsum")
        ++einsums;
    });
    std::printf("embed-attention: one-pass cascade with %lld einsums\n",
                static_cast<long long>(einsums));
  }

  // 4. A shared library in memory, loaded and called.
  cascade::CPUPipelineOptions options;
  llvm::Expected<std::string> library = cascade::compileForHost(
      *module, options, cascade::ArtifactKind::SharedLibrary);
  if (!library) {
    llvm::errs() << "embed-attention: " << llvm::toString(library.takeError())
                 << "\n";
    return 1;
  }
  std::printf("embed-attention: compiled a %zu-byte shared library\n",
              library->size());
  const char *path = "embed-attention.so";
  {
    std::ofstream out(path, std::ios::binary);
    out.write(library->data(), std::streamsize(library->size()));
    if (!out) {
      std::fprintf(stderr, "embed-attention: cannot write %s\n", path);
      return 1;
    }
  }
  void *handle = dlopen("./embed-attention.so", RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::fprintf(stderr, "embed-attention: %s\n", dlerror());
    return 1;
  }
  using Entry = void (*)(Desc4 *, Desc4 *, Desc4 *, Desc4 *);
  auto entry = reinterpret_cast<Entry>(dlsym(handle, "_mlir_ciface_attention"));
  if (!entry) {
    std::fprintf(stderr, "embed-attention: no _mlir_ciface_attention\n");
    return 1;
  }

  std::vector<float> q(B * Hq * N * D), k(B * Hkv * M * D), v(B * Hkv * M * D),
      o(B * Hq * N * D, 0.0f);
  uint32_t state = 12345;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return float(state >> 8) / float(1 << 24) * 2.0f - 1.0f;
  };
  for (std::vector<float> *t : {&q, &k, &v})
    for (float &x : *t)
      x = next();
  Desc4 dq = describe(q, B, Hq, N, D), dk = describe(k, B, Hkv, M, D),
        dv = describe(v, B, Hkv, M, D), doo = describe(o, B, Hq, N, D);
  entry(&dq, &dk, &dv, &doo);

  std::vector<float> expected = naiveAttention(q, k, v);
  double maxError = 0;
  for (size_t i = 0; i < o.size(); ++i)
    maxError = std::max(maxError, double(std::fabs(o[i] - expected[i])));
  std::printf("embed-attention: max abs error %.3g\n", maxError);
  dlclose(handle);
  if (!(maxError <= 1e-5)) {
    std::fprintf(stderr, "embed-attention: error above 1e-5\n");
    return 1;
  }
  std::printf("embed-attention: ok\n");
  return 0;
}
