/*===- capi-test.c - Cascade's C API, used from C -------------------------===*\
|*                                                                            *|
|* Part of Cascade's tests (test/CAPI/capi.test runs it). A plain C program  *|
|* that registers the dialects through the C API, runs the pipeline to a     *|
|* stage, refuses bad options, compiles an attention to a shared library in  *|
|* memory, loads it and checks its result against a naive attention.         *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "cascade-c/Cascade.h"

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/Support.h"

#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { B = 2, HQ = 4, HKV = 2, N = 21, M = 45, D = 8 };

static const char *const source =
    "func.func @attention(%q: tensor<2x4x21x8xf32>, %k: tensor<2x2x45x8xf32>,\n"
    "                     %v: tensor<2x2x45x8xf32>) -> tensor<2x4x21x8xf32> {\n"
    "  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}\n"
    "      : tensor<2x4x21x8xf32>, tensor<2x2x45x8xf32>, tensor<2x2x45x8xf32>\n"
    "      -> tensor<2x4x21x8xf32>\n"
    "  return %o : tensor<2x4x21x8xf32>\n"
    "}\n";

/* MLIR's rank-4 f32 memref descriptor (docs/CABI.md). */
typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[4], strides[4];
} Desc4;

static Desc4 describe(float *data, int64_t d0, int64_t d1, int64_t d2,
                      int64_t d3) {
  Desc4 d = {data, data, 0, {d0, d1, d2, d3}, {d1 * d2 * d3, d2 * d3, d3, 1}};
  return d;
}

static void printToStdout(MlirStringRef text, void *userData) {
  (void)userData;
  fwrite(text.data, 1, text.length, stdout);
}

/* Keeps a copy of the artifact's bytes. */
typedef struct {
  char *bytes;
  size_t size;
  char error[4096];
} Result;

static void keepArtifact(MlirStringRef bytes, void *userData) {
  Result *result = (Result *)userData;
  result->bytes = (char *)malloc(bytes.length);
  memcpy(result->bytes, bytes.data, bytes.length);
  result->size = bytes.length;
}

static void keepError(MlirStringRef message, void *userData) {
  Result *result = (Result *)userData;
  size_t n = message.length < sizeof(result->error) - 1
                 ? message.length
                 : sizeof(result->error) - 1;
  memcpy(result->error, message.data, n);
  result->error[n] = 0;
}

/* Causal (top-left) softmax attention, GQA. */
static void naive(const float *q, const float *k, const float *v, float *o) {
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < HQ; ++h) {
      int g = h / (HQ / HKV);
      for (int i = 0; i < N; ++i) {
        double s[M], mx = -INFINITY, sum = 0, acc[D] = {0};
        for (int j = 0; j <= i && j < M; ++j) {
          double dot = 0;
          for (int d = 0; d < D; ++d)
            dot += (double)q[((b * HQ + h) * N + i) * D + d] *
                   k[((b * HKV + g) * M + j) * D + d];
          s[j] = dot / sqrt((double)D);
          if (s[j] > mx)
            mx = s[j];
        }
        for (int j = 0; j <= i && j < M; ++j) {
          double p = exp(s[j] - mx);
          sum += p;
          for (int d = 0; d < D; ++d)
            acc[d] += p * v[((b * HKV + g) * M + j) * D + d];
        }
        for (int d = 0; d < D; ++d)
          o[((b * HQ + h) * N + i) * D + d] = (float)(acc[d] / sum);
      }
    }
}

int main(void) {
  MlirDialectHandle attn = mlirGetDialectHandle__attn__();
  MlirStringRef ns = mlirDialectHandleGetNamespace(attn);
  printf("dialect handle: %.*s\n", (int)ns.length, ns.data);

  MlirContext ctx = mlirContextCreate();
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  cascadeRegisterAllDialects(registry);
  mlirContextAppendDialectRegistry(ctx, registry);
  mlirDialectRegistryDestroy(registry);
  cascadeRegisterPasses();

  /* The pipeline up to the ein stage, in a C pass manager. */
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(source));
  if (mlirModuleIsNull(module)) {
    fprintf(stderr, "cannot parse the module\n");
    return 1;
  }
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  Result result = {0};
  if (mlirLogicalResultIsFailure(cascadeBuildCPUPipeline(
          mlirPassManagerGetAsOpPassManager(pm),
          mlirStringRefCreateFromCString("tile-m=16"),
          mlirStringRefCreateFromCString("ein"), keepError, &result))) {
    fprintf(stderr, "pipeline: %s\n", result.error);
    return 1;
  }
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module)))) {
    fprintf(stderr, "the pipeline failed\n");
    return 1;
  }
  printf("ein stage:\n");
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);

  /* Refusals. */
  pm = mlirPassManagerCreate(ctx);
  if (mlirLogicalResultIsSuccess(cascadeBuildCPUPipeline(
          mlirPassManagerGetAsOpPassManager(pm),
          mlirStringRefCreateFromCString("tile-q=16"),
          mlirStringRefCreateFromCString(""), keepError, &result)))
    return 1;
  printf("bad option: %s\n", result.error);
  if (mlirLogicalResultIsSuccess(cascadeBuildCPUPipeline(
          mlirPassManagerGetAsOpPassManager(pm),
          mlirStringRefCreateFromCString(""),
          mlirStringRefCreateFromCString("ptx"), keepError, &result)))
    return 1;
  printf("bad stage: %s\n", result.error);
  if (mlirLogicalResultIsSuccess(cascadeBuildCPUPipeline(
          mlirPassManagerGetAsOpPassManager(pm),
          mlirStringRefCreateFromCString("tile-m=0"),
          mlirStringRefCreateFromCString(""), keepError, &result)))
    return 1;
  printf("zero tile: %s\n", result.error);
  /* Option values as MLIR's option parser reads them. */
  if (mlirLogicalResultIsFailure(cascadeBuildCPUPipeline(
          mlirPassManagerGetAsOpPassManager(pm),
          mlirStringRefCreateFromCString(
              "tile-m=0x10 tile-n=\"8\" sparsify=True split={2}"),
          mlirStringRefCreateFromCString("ein"), keepError, &result))) {
    fprintf(stderr, "option forms: %s\n", result.error);
    return 1;
  }
  printf("option forms: accepted\n");
  mlirPassManagerDestroy(pm);
  /* A pass manager nested on functions cannot hold the module pipeline. */
  pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager nested = mlirPassManagerGetNestedUnder(
      pm, mlirStringRefCreateFromCString("func.func"));
  if (mlirLogicalResultIsSuccess(cascadeBuildCPUPipeline(
          nested, mlirStringRefCreateFromCString(""),
          mlirStringRefCreateFromCString(""), keepError, &result)))
    return 1;
  printf("nested: %s\n", result.error);
  mlirPassManagerDestroy(pm);
  if (mlirLogicalResultIsSuccess(cascadeCompileForHost(
          (MlirModule){NULL}, mlirStringRefCreateFromCString(""),
          CascadeArtifactObject, keepArtifact, keepError, &result)))
    return 1;
  printf("no module: %s\n", result.error);

  /* A shared library in memory, loaded and run. */
  module = mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(source));
  if (mlirLogicalResultIsFailure(cascadeCompileForHost(
          module, mlirStringRefCreateFromCString("tile-m=16 tile-n=8"),
          CascadeArtifactSharedLibrary, keepArtifact, keepError, &result))) {
    fprintf(stderr, "compile: %s\n", result.error);
    return 1;
  }
  mlirModuleDestroy(module);
  printf("shared library: %s\n", result.size > 0 ? "non-empty" : "empty");
  FILE *file = fopen("capi-attention.so", "wb");
  if (!file || fwrite(result.bytes, 1, result.size, file) != result.size) {
    fprintf(stderr, "cannot write capi-attention.so\n");
    return 1;
  }
  fclose(file);
  free(result.bytes);
  void *handle = dlopen("./capi-attention.so", RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  typedef void (*Entry)(Desc4 *, Desc4 *, Desc4 *, Desc4 *);
  Entry entry;
  *(void **)&entry = dlsym(handle, "_mlir_ciface_attention");
  if (!entry) {
    fprintf(stderr, "no _mlir_ciface_attention\n");
    return 1;
  }
  static float q[B * HQ * N * D], k[B * HKV * M * D], v[B * HKV * M * D],
      o[B * HQ * N * D], expected[B * HQ * N * D];
  uint32_t state = 7;
  float *tensors[3] = {q, k, v};
  size_t sizes[3] = {B * HQ * N * D, B * HKV * M * D, B * HKV * M * D};
  for (int t = 0; t < 3; ++t)
    for (size_t i = 0; i < sizes[t]; ++i) {
      state = state * 1664525u + 1013904223u;
      tensors[t][i] = (float)(state >> 8) / (float)(1 << 24) * 2.0f - 1.0f;
    }
  Desc4 dq = describe(q, B, HQ, N, D), dk = describe(k, B, HKV, M, D),
        dv = describe(v, B, HKV, M, D), dout = describe(o, B, HQ, N, D);
  entry(&dq, &dk, &dv, &dout);
  naive(q, k, v, expected);
  double maxError = 0;
  for (size_t i = 0; i < sizeof(o) / sizeof(o[0]); ++i) {
    double e = fabs((double)o[i] - expected[i]);
    if (!(e <= maxError))
      maxError = e;
  }
  printf("max abs error below 1e-5: %s\n", maxError <= 1e-5 ? "yes" : "no");
  dlclose(handle);
  mlirContextDestroy(ctx);
  return maxError <= 1e-5 ? 0 : 1;
}
