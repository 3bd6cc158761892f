//===- cascade-bench.cpp - Attention throughput against its baselines ----===//
//
// Part of Cascade. Compiles one attention kernel per configuration with the
// CPU pipeline and measures, in the same run: the compiled kernel, the
// unfused baseline (OpenBLAS sgemm + softmax + sgemm), the machine's sgemm
// throughput at the same thread count (the ceiling of a fused kernel) and its
// read bandwidth (the ceiling of decode). Prints a table of throughputs and
// ratios, the compile time and the error against an fp64 reference on
// sampled query rows; --json writes the same as records.
//
// With --target=nvptx it compiles each configuration to a PTX kernel
// instead, runs it on the GPU through the CUDA driver, times it with CUDA
// events and reports TFLOP/s (GB/s for decode, against the device's copy
// bandwidth) and the error against the fp64 reference.
//
//===----------------------------------------------------------------------===//

#include "Unfused.h"

#include "cascade/Frontend/ONNX.h"
#include "cascade/Pipelines/Pipelines.h"
#include "cascade/Registration.h"
#include "cascade/Runtime/CUDA.h"
#include "cascade/Runtime/Convert.h"
#include "cascade/Target/CPU.h"
#include "cascade/Target/PTX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>
#include <thread>

using namespace mlir;
using namespace cascade::bench;
namespace cl = llvm::cl;
namespace cuda = cascade::runtime::cuda;
using cascade::runtime::DType;
using cascade::runtime::NpyArray;

static cl::OptionCategory category("cascade-bench options");
static cl::opt<std::string>
    shapeOpt("shape",
             cl::desc("B,Hq,Hkv,N,M,D of one configuration (default: the "
                      "standard suite)"),
             cl::cat(category));
static cl::opt<std::string>
    variantOpt("variant",
               cl::desc("softmax, causal, window=W (a causal window of W "
                        "keys), document=K (causal within K equal documents "
                        "given as q/k document ids; N = M) or linear-causal "
                        "(causal linear attention, "
                        "relu feature map; GFLOP/s count 4*D*D per token, "
                        "the error is relative to max(1, |ref|), no unfused "
                        "baseline); default with --shape: "
                        "softmax"),
               cl::init("softmax"), cl::cat(category));
static cl::opt<std::string>
    dtypeOpt("dtype",
             cl::desc("element type of Q, K, V and the result: on the CPU f32 "
                      "(default), bf16, or f32,bf16 for both in one run (with "
                      "their throughput ratio); f16 (default), bf16 or f32 "
                      "with --target=nvptx"),
             cl::cat(category));
static cl::opt<int64_t> bf16DotOpt(
    "bf16-dot",
    cl::desc("bf16 on the CPU: -1 (default) AVX512-BF16 dot products where "
             "the CPU has them, 0 the bf16 operands extended to f32 instead, "
             "1 always (refused on a CPU without them)"),
    cl::init(-1), cl::cat(category));
static cl::opt<unsigned>
    repeatOpt("repeat",
              cl::desc("timed runs per measurement (the best is reported on "
                       "the CPU, default 3; the median on the GPU, default "
                       "20)"),
              cl::init(3), cl::cat(category));
static cl::opt<std::string>
    targetOpt("target",
              cl::desc("cpu (default), or nvptx: each configuration compiled "
                       "to a PTX kernel and timed on the GPU"),
              cl::init("cpu"), cl::cat(category));
static cl::opt<std::string>
    chipOpt("chip",
            cl::desc("with --target=nvptx: the chip to compile for (default: "
                     "the GPU's own)"),
            cl::cat(category));
static cl::opt<int>
    deviceOpt("device",
              cl::desc("with --target=nvptx: the CUDA device (default 0)"),
              cl::init(0), cl::cat(category));
static cl::opt<std::string>
    jsonOpt("json", cl::desc("write the records to FILE as a JSON list"),
            cl::cat(category));
static cl::opt<int64_t> tileMOpt("tile-m",
                                 cl::desc("key tile size (default 64; 128 "
                                          "for bf16 with dot products)"),
                                 cl::init(64), cl::cat(category));
static cl::opt<int64_t> tileNOpt("tile-n",
                                 cl::desc("query tile size (default 32; 64 "
                                          "for bf16 with dot products)"),
                                 cl::init(32), cl::cat(category));
static cl::opt<unsigned>
    checkRowsOpt("check-rows",
                 cl::desc("query rows per head compared with the fp64 "
                          "reference (default 32)"),
                 cl::init(32), cl::cat(category));
static cl::opt<bool>
    noBaselines("no-baselines",
                cl::desc("measure only Cascade's kernel (no unfused run, "
                         "sgemm or bandwidth probe)"),
                cl::cat(category));

static cl::opt<std::string> suiteOpt(
    "suite",
    cl::desc("without --shape: 'standard' (default), 'sparsity' (causal, "
             "sliding-window and dense configurations whose time ratios "
             "measure what ein-sparsify skips; no baselines) or 'bf16' "
             "(N = M = 4096, D = 128 and 64, softmax and causal, in f32 and "
             "bf16 at 1 and 2 threads, with the bf16 / f32 ratios; no "
             "baselines)"),
    cl::init("standard"), cl::cat(category));
static cl::opt<int64_t> splitOpt(
    "split-kv",
    cl::desc("parts ein-split cuts the keys into (default 0: chosen from the "
             "shape and the threads; 1: no split)"),
    cl::init(0), cl::cat(category));
static cl::opt<bool>
    noSparsify("no-sparsify",
               cl::desc("compile without ein-sparsify (every key tile "
                        "visited, masked everywhere)"),
               cl::cat(category));

static cl::opt<std::string> modelOpt(
    "model",
    cl::desc("benchmark a whole model graph instead (FILE.onnx, or FILE.mlir "
             "with one public function of f32 tensors): compiled with its "
             "attention raised to attn ops and as written (MLIR's TOSA and "
             "linalg lowering), both timed in the same run; prints the two "
             "times, their ratio and the largest difference of the outputs"),
    cl::cat(category));
static cl::list<std::string> inputShapeOpt(
    "input-shape",
    cl::desc("NAME=D0xD1x...: size of an ONNX graph input the model leaves "
             "symbolic (with --model)"),
    cl::cat(category));

extern "C" void omp_set_num_threads(int);

[[noreturn]] static void fail(const std::string &msg) {
  fmt::print(stderr, "cascade-bench: error: {}\n", msg);
  std::exit(1);
}

/// Writes `records` to --json's file, when given.
static void writeRecords(llvm::json::Array records) {
  if (jsonOpt.empty())
    return;
  std::error_code ec;
  llvm::raw_fd_ostream os(jsonOpt, ec);
  if (ec)
    fail(
        fmt::format("cannot write '{}': {}", jsonOpt.getValue(), ec.message()));
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(records))) << "\n";
}

static double now() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {
struct Config {
  int64_t B, Hq, Hkv, N, M, D;
  std::string variant; // softmax | causal | window=W
  int threads;
  MaskSpec mask;
  int64_t split = 0; // ein-split's parts; 0: chosen
  DType dtype = DType::F32;
  bool decode() const { return N == 1; }
  bool linear() const { return variant == "linear-causal"; }
  std::string shape() const {
    return fmt::format("{},{},{},{},{},{}", B, Hq, Hkv, N, M, D);
  }
  /// The configuration apart from its element type.
  std::string key() const {
    return fmt::format("{}/{}/{}/{}", shape(), variant, threads, split);
  }
  /// Adds the fields that name the configuration to a JSON record.
  void describe(llvm::json::Object &fields, llvm::StringRef dtype,
                llvm::StringRef target) const {
    fields["B"] = B;
    fields["Hq"] = Hq;
    fields["Hkv"] = Hkv;
    fields["N"] = N;
    fields["M"] = M;
    fields["D"] = D;
    fields["variant"] = variant;
    fields["dtype"] = dtype;
    fields["target"] = target;
  }
};

struct Result {
  double cascadeSeconds = 0, compileSeconds = 0, unfusedSeconds = 0;
  double sgemmGflops = 0, bandwidthGBs = 0, maxAbsError = 0;
  double flops = 0, bytes = 0;
  int64_t nonFinite = 0; // outputs that are NaN or infinite (GPU runs)
  size_t kernels = 1;    // GPU kernels per run (2 with split-KV)
};

/// A rank-4 strided memref descriptor over a row-major buffer.
struct Descriptor {
  std::vector<int64_t> fields;
  Descriptor(void *data, llvm::ArrayRef<int64_t> sizes) {
    auto ptr = reinterpret_cast<int64_t>(data);
    fields = {ptr, ptr, 0};
    fields.insert(fields.end(), sizes.begin(), sizes.end());
    std::vector<int64_t> strides(sizes.size(), 1);
    for (int64_t i = int64_t(sizes.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * sizes[i + 1];
    fields.insert(fields.end(), strides.begin(), strides.end());
  }
};
} // namespace

static MaskSpec parseVariant(const std::string &variant) {
  MaskSpec mask;
  if (variant == "softmax")
    return mask;
  if (variant == "causal") {
    mask.causal = true;
    return mask;
  }
  if (variant == "linear-causal") {
    mask.causal = true;
    return mask;
  }
  llvm::StringRef v(variant);
  if (v.consume_front("window=")) {
    int64_t w;
    if (v.getAsInteger(10, w) || w <= 0)
      fail(fmt::format("--variant window=W needs a positive W, got '{}'",
                       variant));
    mask.causal = true;
    mask.window = w;
    return mask;
  }
  if (v.consume_front("document=")) {
    int64_t d;
    if (v.getAsInteger(10, d) || d <= 0)
      fail(fmt::format("--variant document=K needs a positive K, got '{}'",
                       variant));
    mask.causal = true;
    mask.documents = d;
    return mask;
  }
  fail(fmt::format("unknown --variant '{}' (softmax, causal, window=W, "
                   "document=K or linear-causal)",
                   variant));
}

static std::string attentionSource(const Config &c,
                                   llvm::StringRef dtype = "f32") {
  std::string q =
      fmt::format("tensor<{}x{}x{}x{}x{}>", c.B, c.Hq, c.N, c.D, dtype.str());
  std::string kv =
      fmt::format("tensor<{}x{}x{}x{}x{}>", c.B, c.Hkv, c.M, c.D, dtype.str());
  std::string attrs;
  if (c.mask.window > 0)
    attrs = fmt::format(" {{causal = #attn.causal<top_left>, window = "
                        "array<i64: {}, 0>}}",
                        c.mask.window - 1);
  else if (c.mask.causal)
    attrs = " {causal = #attn.causal<top_left>}";
  if (c.mask.documents > 0) {
    std::string ids = fmt::format("tensor<{}x{}xi32>", c.B, c.N);
    return fmt::format(
        "func.func @attention(%q: {0}, %k: {1}, %v: {1}, %qd: {2}, %kd: {2}) "
        "-> {0} {{\n"
        "  %o = attn.attention %q, %k, %v q_doc_ids(%qd : {2}) k_doc_ids(%kd "
        ": {2}){3} : {0}, {1}, {1} -> {0}\n"
        "  return %o : {0}\n}}\n",
        q, kv, ids, attrs);
  }
  if (c.linear())
    return fmt::format(
        "func.func @attention(%q: {0}, %k: {1}, %v: {1}) -> {0} {{\n"
        "  %o = attn.linear_attention %q, %k, %v {{feature_map = "
        "#attn.feature_map<relu>, causal}} : {0}, {1}, {1} -> {0}\n"
        "  return %o : {0}\n}}\n",
        q, kv);
  return fmt::format(
      "func.func @attention(%q: {0}, %k: {1}, %v: {1}) -> {0} {{\n"
      "  %o = attn.attention %q, %k, %v{2} : {0}, {1}, {1} -> {0}\n"
      "  return %o : {0}\n}}\n",
      q, kv, attrs);
}

/// Query-key pairs the mask keeps: the work a masked kernel must do.
static double keptPairs(const Config &c) {
  double pairs = 0;
  for (int64_t p = 0; p < c.N; ++p) {
    int64_t hi = c.mask.causal ? std::min(p, c.M - 1) : c.M - 1;
    int64_t lo =
        c.mask.window > 0 ? std::max<int64_t>(0, p - c.mask.window + 1) : 0;
    if (c.mask.documents > 0) {
      int64_t start = c.mask.document(p) * c.mask.docLength;
      lo = std::max(lo, start);
      hi = std::min(hi, start + c.mask.docLength - 1);
    }
    pairs += std::max<int64_t>(0, hi - lo + 1);
  }
  return pairs;
}

/// The max abs error of `o` against an fp64 reference on sampled rows
/// (linear attention, whose unnormalized sums grow with N: the error
/// relative to max(1, |reference|)).
static double sampledError(const Config &c, const std::vector<float> &q,
                           const std::vector<float> &k,
                           const std::vector<float> &v,
                           const std::vector<float> &o) {
  std::vector<int64_t> rows = {0, c.N / 2, c.N - 1};
  std::mt19937 rng(7);
  while (rows.size() < std::min<size_t>(checkRowsOpt, c.N))
    rows.push_back(std::uniform_int_distribution<int64_t>(0, c.N - 1)(rng));
  double scale = 1.0 / std::sqrt(double(c.D)), worst = 0;
  std::vector<double> s(c.M), acc(c.D);
  for (int64_t b = 0; b < c.B; ++b)
    for (int64_t h = 0; h < c.Hq; ++h) {
      int64_t hk = h / (c.Hq / c.Hkv);
      const float *kh = k.data() + (b * c.Hkv + hk) * c.M * c.D;
      const float *vh = v.data() + (b * c.Hkv + hk) * c.M * c.D;
      for (int64_t p : rows) {
        const float *qr = q.data() + ((b * c.Hq + h) * c.N + p) * c.D;
        const float *orow = o.data() + ((b * c.Hq + h) * c.N + p) * c.D;
        if (c.linear()) {
          // o[p] = sum over m <= p of (relu(q) . relu(k[m])) v[m].
          std::fill(acc.begin(), acc.end(), 0.0);
          for (int64_t m = 0; m < c.M && m <= p; ++m) {
            double dot = 0;
            for (int64_t e = 0; e < c.D; ++e)
              dot += std::max(0.0, double(qr[e])) *
                     std::max(0.0, double(kh[m * c.D + e]));
            for (int64_t f = 0; f < c.D; ++f)
              acc[f] += dot * vh[m * c.D + f];
          }
          for (int64_t f = 0; f < c.D; ++f)
            worst = std::max(worst, std::abs(acc[f] - double(orow[f])) /
                                        std::max(1.0, std::abs(acc[f])));
          continue;
        }
        double mx = -INFINITY;
        for (int64_t m = 0; m < c.M; ++m) {
          if (!c.mask.keeps(p, m)) {
            s[m] = -INFINITY;
            continue;
          }
          double dot = 0;
          for (int64_t e = 0; e < c.D; ++e)
            dot += double(qr[e]) * kh[m * c.D + e];
          s[m] = dot * scale;
          mx = std::max(mx, s[m]);
        }
        std::fill(acc.begin(), acc.end(), 0.0);
        double sum = 0;
        for (int64_t m = 0; m < c.M; ++m) {
          if (s[m] == -INFINITY)
            continue;
          double w = std::exp(s[m] - mx);
          sum += w;
          for (int64_t f = 0; f < c.D; ++f)
            acc[f] += w * vh[m * c.D + f];
        }
        for (int64_t f = 0; f < c.D; ++f) {
          double ref = sum > 0 ? acc[f] / sum : 0.0;
          worst = std::max(worst, std::abs(ref - double(orow[f])));
        }
      }
    }
  return worst;
}

static std::pair<NpyArray, std::vector<float>>
randomInput(std::vector<int64_t> shape, DType dtype, std::mt19937 &rng);

static Result runConfig(MLIRContext &ctx, const Config &c,
                        std::map<int, double> &sgemmCache,
                        std::map<int, double> &bandwidthCache,
                        std::map<std::string, double> &unfusedCache) {
  Result r;
  double t0 = now();
  std::string dtypeName = cascade::runtime::dtypeName(c.dtype).str();
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(attentionSource(c, dtypeName), &ctx);
  if (!module)
    fail("cannot parse the generated attention module for " + c.shape());
  PassManager pm(&ctx);
  cascade::CPUPipelineOptions options;
  options.tileM = tileMOpt;
  options.tileN = tileNOpt;
  // A tile given applies to bf16 too.
  if (tileMOpt.getNumOccurrences())
    options.bf16TileM = tileMOpt;
  if (tileNOpt.getNumOccurrences())
    options.bf16TileN = tileNOpt;
  options.sparsify = !noSparsify;
  options.split = c.split;
  options.threads = c.threads;
  options.bf16Dot = bf16DotOpt;
  cascade::buildCascadeCPUPipeline(pm, options);
  if (failed(pm.run(*module)))
    fail("the CPU pipeline failed for " + c.shape());
  auto engine = cascade::createHostJIT(*module);
  if (!engine)
    fail("JIT compilation failed: " + llvm::toString(engine.takeError()));
  auto fn = (*engine)->lookupPacked("_mlir_ciface_attention");
  if (!fn)
    fail("compiled kernel not found: " + llvm::toString(fn.takeError()));
  r.compileSeconds = now() - t0;

  int64_t qSize = c.B * c.Hq * c.N * c.D, kvSize = c.B * c.Hkv * c.M * c.D;
  // Uniform in [-1, 1], rounded to the element type: the kernel's arrays,
  // and the values they hold in f32 for the reference and the baselines.
  std::mt19937 rng(0);
  auto [qa, q] = randomInput({c.B, c.Hq, c.N, c.D}, c.dtype, rng);
  auto [ka, k] = randomInput({c.B, c.Hkv, c.M, c.D}, c.dtype, rng);
  auto [va, v] = randomInput({c.B, c.Hkv, c.M, c.D}, c.dtype, rng);
  NpyArray oa;
  oa.dtype = c.dtype;
  oa.shape = {c.B, c.Hq, c.N, c.D};
  oa.data.assign(qSize * cascade::runtime::dtypeSize(c.dtype), 0);
  std::vector<float> ou(qSize);
  Descriptor dq(qa.data.data(), {c.B, c.Hq, c.N, c.D}),
      dk(ka.data.data(), {c.B, c.Hkv, c.M, c.D}),
      dv(va.data.data(), {c.B, c.Hkv, c.M, c.D}),
      dout(oa.data.data(), {c.B, c.Hq, c.N, c.D});
  // Document ids (i32 [B, N]): rank-2 descriptors.
  std::vector<int32_t> ids(c.B * c.N);
  for (int64_t b = 0; b < c.B; ++b)
    for (int64_t x = 0; x < c.N; ++x)
      ids[b * c.N + x] = int32_t(c.mask.document(x));
  auto idsPtr = reinterpret_cast<int64_t>(ids.data());
  std::vector<int64_t> did = {idsPtr, idsPtr, 0, c.B, c.N, c.N, 1};
  std::vector<void *> ptrs = {dq.fields.data(), dk.fields.data(),
                              dv.fields.data()};
  if (c.mask.documents > 0) {
    ptrs.push_back(did.data());
    ptrs.push_back(did.data());
  }
  ptrs.push_back(dout.fields.data());
  std::vector<void *> packed;
  for (void *&p : ptrs)
    packed.push_back(&p);

  omp_set_num_threads(c.threads);
  auto best = [&](auto &&run) {
    run(); // warm-up: threads, caches, page faults
    double t = INFINITY;
    for (unsigned i = 0; i < std::max(1u, repeatOpt.getValue()); ++i) {
      double s = now();
      run();
      t = std::min(t, now() - s);
    }
    return t;
  };
  r.cascadeSeconds = best([&] { (*fn)(packed.data()); });
  std::vector<float> o(qSize);
  for (int64_t i = 0; i < qSize; ++i)
    o[i] = float(cascade::runtime::elementAsDouble(oa, i));
  r.maxAbsError = sampledError(c, q, k, v, o);
  // Linear attention: the reassociated form's work, phi(q) S and the state
  // update phi(k)^T v, 2 * D * Dv multiply-adds per token.
  r.flops = c.linear() ? 4.0 * c.B * c.Hq * c.N * c.D * c.D
                       : 4.0 * c.B * c.Hq * keptPairs(c) * c.D;
  r.bytes = double(cascade::runtime::dtypeSize(c.dtype)) *
            (2.0 * kvSize + 2.0 * qSize);

  if (!noBaselines && !c.linear()) {
    // In f32 whatever the element type (OpenBLAS sgemm), on the same values;
    // measured once per configuration.
    if (!unfusedCache.count(c.key()))
      unfusedCache[c.key()] = best([&] {
        unfusedAttention(q.data(), k.data(), v.data(), ou.data(), c.B, c.Hq,
                         c.Hkv, c.N, c.M, c.D, c.mask, c.threads);
      });
    r.unfusedSeconds = unfusedCache[c.key()];
    if (!sgemmCache.count(c.threads))
      // Best of 5 products large enough to keep every thread busy.
      sgemmCache[c.threads] =
          sgemmGflops(c.threads, c.threads > 1 ? 3072 : 2048, 5);
    r.sgemmGflops = sgemmCache[c.threads];
    if (c.decode()) {
      if (!bandwidthCache.count(c.threads))
        bandwidthCache[c.threads] =
            readBandwidthGBs(c.threads, int64_t(512) << 20, 3);
      r.bandwidthGBs = bandwidthCache[c.threads];
    }
  }
  return r;
}

/// Uniform values in [-1, 1] (the CPU runs' generator and seed), rounded to
/// `dtype`: the array for the kernel and, in f32, the values it holds.
static std::pair<NpyArray, std::vector<float>>
randomInput(std::vector<int64_t> shape, DType dtype, std::mt19937 &rng) {
  NpyArray f32;
  f32.dtype = DType::F32;
  f32.shape = std::move(shape);
  int64_t n = f32.numElements();
  f32.data.resize(n * sizeof(float));
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < n; ++i)
    reinterpret_cast<float *>(f32.data.data())[i] = dist(rng);
  NpyArray rounded = llvm::cantFail(cascade::runtime::convertArray(f32, dtype));
  std::vector<float> values(n);
  for (int64_t i = 0; i < n; ++i)
    values[i] = float(cascade::runtime::elementAsDouble(rounded, i));
  return {std::move(rounded), std::move(values)};
}

/// One configuration compiled to a PTX kernel for `chip` and timed on
/// `device` (the median of --repeat launches, after one that warms up and
/// gives the outputs that are checked).
static Result runConfigOnGPU(MLIRContext &ctx, const Config &c,
                             cuda::Device &device, const std::string &chip,
                             DType dtype) {
  Result r;
  std::string dtypeName = cascade::runtime::dtypeName(dtype).str();
  double t0 = now();
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(attentionSource(c, dtypeName), &ctx);
  if (!module)
    fail("cannot parse the generated attention module for " + c.shape());
  cascade::PTXOptions options;
  options.chip = chip;
  options.split = c.split;
  std::vector<cascade::PTXKernel> kernels;
  if (failed(cascade::compileToPTX(*module, options, cascade::GPUStage::PTX,
                                   kernels)))
    fail(fmt::format("compiling {} {} for {} failed (see the diagnostics "
                     "above)",
                     c.shape(), c.variant, chip));
  r.compileSeconds = now() - t0;
  // One kernel, or several run in launch order (split-KV): timed together.
  std::vector<cuda::KernelRecord> records;
  std::vector<std::string> ptx;
  for (const cascade::PTXKernel &k : kernels) {
    llvm::Expected<cuda::KernelRecord> record = cuda::parseKernelRecord(
        llvm::json::Value(llvm::json::Object(k.record)), k.name + ".json");
    if (!record)
      fail("the compiler wrote an invalid kernel record: " +
           llvm::toString(record.takeError()));
    records.push_back(std::move(*record));
    ptx.push_back(k.ptx);
  }
  r.kernels = records.size();
  const cuda::KernelRecord *record = &records.front();

  // The kernel's inputs are the function's arguments, in order: q, k, v
  // (and the document ids).
  std::vector<const cuda::KernelParam *> ins, outs;
  for (const cuda::KernelParam &p : record->params)
    if (p.kind != cuda::KernelParam::Kind::Scratch)
      (p.kind == cuda::KernelParam::Kind::Input ? ins : outs).push_back(&p);
  size_t expectedInputs = c.mask.documents > 0 ? 5 : 3;
  if (ins.size() != expectedInputs || outs.size() != 1)
    fail(fmt::format("kernel '{}' has {} inputs and {} outputs; cascade-bench "
                     "expects {} and 1",
                     record->kernel, ins.size(), outs.size(), expectedInputs));
  std::mt19937 rng(0);
  std::vector<int64_t> qShape = {c.B, c.Hq, c.N, c.D},
                       kvShape = {c.B, c.Hkv, c.M, c.D};
  auto [q, qf] = randomInput(qShape, dtype, rng);
  auto [k, kf] = randomInput(kvShape, dtype, rng);
  auto [v, vf] = randomInput(kvShape, dtype, rng);
  NpyArray ids;
  ids.dtype = DType::I32;
  ids.shape = {c.B, c.N};
  ids.data.resize(c.B * c.N * sizeof(int32_t));
  for (int64_t b = 0; b < c.B; ++b)
    for (int64_t x = 0; x < c.N; ++x)
      reinterpret_cast<int32_t *>(ids.data.data())[b * c.N + x] =
          int32_t(c.mask.document(x));
  std::vector<const NpyArray *> arrays = {&q, &k, &v, &ids, &ids};
  cuda::HostArrays inputs;
  for (auto [i, p] : llvm::enumerate(ins))
    inputs[p->name] = arrays[i];

  cuda::RunOptions run;
  run.repeat =
      repeatOpt.getNumOccurrences() ? std::max(1u, repeatOpt.getValue()) : 20;
  llvm::Expected<cuda::KernelRun> result =
      device.runKernels(records, ptx, inputs, run);
  if (!result)
    fail(fmt::format("{} {}: {}", c.shape(), c.variant,
                     llvm::toString(result.takeError())));
  std::vector<double> times = result->timesMs;
  std::sort(times.begin(), times.end());
  r.cascadeSeconds = times[times.size() / 2] * 1e-3;
  const NpyArray &out = result->outputs[outs[0]->name];
  std::vector<float> o(out.numElements());
  for (int64_t i = 0, n = out.numElements(); i < n; ++i) {
    o[i] = float(cascade::runtime::elementAsDouble(out, i));
    r.nonFinite += !std::isfinite(o[i]);
  }
  r.maxAbsError = sampledError(c, qf, kf, vf, o);
  r.flops = c.linear() ? 4.0 * c.B * c.Hq * c.N * c.D * c.D
                       : 4.0 * c.B * c.Hq * keptPairs(c) * c.D;
  double elementBytes = double(cascade::runtime::dtypeSize(dtype));
  r.bytes = elementBytes *
            (2.0 * c.B * c.Hkv * c.M * c.D + 2.0 * c.B * c.Hq * c.N * c.D);
  return r;
}

/// --target=nvptx: every configuration on the GPU, printed as a table.
static void runOnGPU(MLIRContext &ctx, const std::vector<Config> &configs,
                     cuda::Device &device, const std::string &chip,
                     DType dtype) {
  const cuda::DeviceInfo &info = device.info();
  std::string dtypeName = cascade::runtime::dtypeName(dtype).str();
  unsigned repeat =
      repeatOpt.getNumOccurrences() ? std::max(1u, repeatOpt.getValue()) : 20;
  fmt::print("cascade-bench: {}, GPU {} ({}, {} SMs), kernels for {}, median "
             "of {}\n",
             dtypeName, info.name, info.chip(), info.multiprocessors, chip,
             repeat);
  double bandwidth = 0;
  if (llvm::any_of(configs, [](const Config &c) { return c.decode(); })) {
    llvm::Expected<double> gbs =
        device.copyBandwidthGBs(uint64_t(512) << 20, 10);
    if (!gbs)
      fail("the bandwidth probe failed: " + llvm::toString(gbs.takeError()));
    bandwidth = *gbs;
  }
  fmt::print("{:<28} {:<13} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9}\n",
             "B,Hq,Hkv,N,M,D", "variant", "ms", "TFLOP/s", "GB/s", "/copy BW",
             "compile", "max err");
  llvm::json::Array records;
  for (const Config &c : configs) {
    Result r = runConfigOnGPU(ctx, c, device, chip, dtype);
    double seconds = std::max(r.cascadeSeconds, 1e-12);
    double tflops = r.flops / seconds * 1e-12;
    double gbs = r.bytes / seconds * 1e-9;
    double ofBandwidth = c.decode() && bandwidth > 0 ? gbs / bandwidth : 0;
    // Outputs that are NaN or infinite are an error of their own: the
    // sampled error would skip them.
    std::vector<std::string> notes;
    if (c.decode())
      notes.push_back(
          fmt::format("decode: copy bandwidth {:.0f} GB/s", bandwidth));
    if (r.kernels > 1)
      notes.push_back(fmt::format("{} kernels, split-KV", r.kernels));
    std::string note =
        notes.empty() ? "" : "  (" + llvm::join(notes, "; ") + ")";
    std::string error = r.nonFinite ? fmt::format("{} NaN", r.nonFinite)
                                    : fmt::format("{:.2e}", r.maxAbsError);
    fmt::print("{:<28} {:<13} {:>10.4f} {:>10.1f} {:>9.1f} {:>9} {:>8.2f}s "
               "{:>9}{}\n",
               c.shape(), c.variant, r.cascadeSeconds * 1e3, tflops, gbs,
               c.decode() ? fmt::format("{:.2f}", ofBandwidth) : "-",
               r.compileSeconds, error, note);
    llvm::json::Object rec{
        {"gpu", info.name},
        {"chip", chip},
        {"cascade_seconds", r.cascadeSeconds},
        {"cascade_tflops", tflops},
        {"cascade_gbs", gbs},
        {"compile_seconds", r.compileSeconds},
        {"max_abs_error", r.maxAbsError},
        {"non_finite_outputs", r.nonFinite},
        {"kernels", int64_t(r.kernels)},
    };
    c.describe(rec, dtypeName, "nvptx");
    if (c.decode()) {
      rec["copy_bandwidth_gbs"] = bandwidth;
      rec["cascade_over_bandwidth"] = ofBandwidth;
    }
    records.push_back(std::move(rec));
  }
  writeRecords(std::move(records));
}

static std::vector<int64_t> parseShape(const std::string &s) {
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(s).split(parts, ',');
  std::vector<int64_t> dims;
  for (llvm::StringRef p : parts) {
    int64_t d;
    if (p.trim().getAsInteger(10, d) || d <= 0)
      fail(fmt::format("--shape '{}': expected six positive integers "
                       "B,Hq,Hkv,N,M,D",
                       s));
    dims.push_back(d);
  }
  if (dims.size() != 6)
    fail(fmt::format("--shape '{}': expected six positive integers "
                     "B,Hq,Hkv,N,M,D, got {}",
                     s, dims.size()));
  if (dims[1] % dims[2] != 0)
    fail(fmt::format("--shape '{}': Hq ({}) must be a multiple of Hkv ({})", s,
                     dims[1], dims[2]));
  return dims;
}

/// --model: the graph compiled with and without attention raising, timed
/// on the same random inputs.
static void runModel(MLIRContext &ctx, const std::vector<int> &threadCounts) {
  llvm::StringRef path = modelOpt;
  OwningOpRef<ModuleOp> source;
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &ctx);
  ctx.printOpOnDiagnostic(false);
  // Errors only; the rewrites' remarks are for cascadec --remarks.
  ctx.getDiagEngine().registerHandler([](Diagnostic &d) {
    return success(d.getSeverity() == DiagnosticSeverity::Remark);
  });
  if (path.ends_with(".onnx")) {
    cascade::ONNXImportOptions options;
    for (const std::string &spec : inputShapeOpt) {
      std::string err = cascade::addInputShape(options, spec);
      if (!err.empty())
        fail("--input-shape: " + err);
    }
    source = cascade::importONNXFile(path, &ctx, options);
  } else {
    source = parseSourceFile<ModuleOp>(path, sourceMgr, ParserConfig(&ctx));
  }
  if (!source)
    fail("cannot read the model '" + path.str() + "'");
  func::FuncOp fn;
  for (auto f : source->getOps<func::FuncOp>())
    if (f.isPublic() && !f.isExternal()) {
      if (fn)
        fail("the model has several public functions; --model takes one");
      fn = f;
    }
  if (!fn)
    fail("the model has no public function");
  auto shapeOf = [&](Type t) {
    auto rt = dyn_cast<RankedTensorType>(t);
    if (!rt || !rt.hasStaticShape() || !rt.getElementType().isF32())
      fail("--model needs statically shaped f32 tensors; @" +
           fn.getName().str() + " has another type");
    return std::vector<int64_t>(rt.getShape().begin(), rt.getShape().end());
  };
  std::vector<std::vector<int64_t>> argShapes, resultShapes;
  for (Type t : fn.getArgumentTypes())
    argShapes.push_back(shapeOf(t));
  for (Type t : fn.getResultTypes())
    resultShapes.push_back(shapeOf(t));
  auto count = [](const std::vector<int64_t> &shape) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  };
  std::mt19937 rng(0);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<std::vector<float>> args;
  for (auto &shape : argShapes) {
    args.emplace_back(count(shape));
    for (float &x : args.back())
      x = dist(rng);
  }

  // The attn ops that raising produces.
  int64_t raised = 0;
  {
    OwningOpRef<ModuleOp> copy = source->clone();
    PassManager pm(&ctx);
    cascade::buildCascadeCPUPipeline(pm, cascade::CPUPipelineOptions(),
                                     cascade::Stage::Attn);
    if (failed(pm.run(*copy)))
      fail("attention raising failed on the model");
    copy->walk([&](Operation *op) {
      if (op->getDialect() && op->getDialect()->getNamespace() == "attn" &&
          op->getNumResults() > 0)
        ++raised;
    });
  }
  fmt::print("cascade-bench: model {} (@{}), {} attention block(s) raised, "
             "best of {}\n",
             path.str(), fn.getName().str(), raised, repeatOpt.getValue());
  fmt::print("{:>3} {:>11} {:>13} {:>9} {:>14} {:>18} {:>9}\n", "thr",
             "raised ms", "as written ms", "speedup", "compile raised",
             "compile as written", "max diff");
  for (int threads : threadCounts) {
    double seconds[2], compile[2];
    std::vector<std::vector<float>> results[2];
    for (int raise : {1, 0}) {
      double t0 = now();
      OwningOpRef<ModuleOp> module = source->clone();
      PassManager pm(&ctx);
      cascade::CPUPipelineOptions options;
      options.tileM = tileMOpt;
      options.tileN = tileNOpt;
      options.threads = threads;
      options.raise = raise;
      cascade::buildCascadeCPUPipeline(pm, options);
      if (failed(pm.run(*module)))
        fail("the CPU pipeline failed on the model");
      auto engine = cascade::createHostJIT(*module);
      if (!engine)
        fail("JIT compilation failed: " + llvm::toString(engine.takeError()));
      auto entry =
          (*engine)->lookupPacked(("_mlir_ciface_" + fn.getName()).str());
      if (!entry)
        fail("compiled model not found: " + llvm::toString(entry.takeError()));
      compile[raise] = now() - t0;
      for (auto &shape : resultShapes)
        results[raise].emplace_back(count(shape));
      std::vector<Descriptor> descriptors;
      for (auto [a, shape] : llvm::zip(args, argShapes))
        descriptors.emplace_back(a.data(), shape);
      for (auto [r, shape] : llvm::zip(results[raise], resultShapes))
        descriptors.emplace_back(r.data(), shape);
      std::vector<void *> ptrs;
      for (Descriptor &d : descriptors)
        ptrs.push_back(d.fields.data());
      std::vector<void *> packed;
      for (void *&p : ptrs)
        packed.push_back(&p);
      omp_set_num_threads(threads);
      (*entry)(packed.data()); // warm-up
      double best = INFINITY;
      for (unsigned i = 0; i < std::max(1u, repeatOpt.getValue()); ++i) {
        double s0 = now();
        (*entry)(packed.data());
        best = std::min(best, now() - s0);
      }
      seconds[raise] = best;
    }
    double diff = 0;
    for (auto [a, b] : llvm::zip(results[1], results[0]))
      for (auto [x, y] : llvm::zip(a, b))
        diff = std::max(diff, double(std::fabs(x - y)));
    fmt::print("{:>3} {:>11.3f} {:>13.3f} {:>8.2f}x {:>13.2f}s {:>17.2f}s "
               "{:>9.2e}\n",
               threads, seconds[1] * 1e3, seconds[0] * 1e3,
               seconds[0] / seconds[1], compile[1], compile[0], diff);
  }
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  // OpenMP workers sleep as soon as a kernel returns instead of spinning for
  // 200 ms, so that they do not steal the cores from the baselines measured
  // next (each kernel call is one parallel region: waking them is cheap).
  setenv("KMP_BLOCKTIME", "0", /*overwrite=*/0);
  cl::opt<int> &threadsOpt = cascade::registerThreadsOption(category);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "cascade-bench: attention throughput of Cascade's CPU kernels against "
      "their baselines\n\n"
      "For each configuration, in one run: Cascade's compiled kernel, the "
      "unfused baseline\n(OpenBLAS sgemm + softmax + sgemm, heads over the "
      "threads), the sgemm throughput\nat the same thread count (the "
      "ceiling) and, for decode (N = 1), the read bandwidth.\nGFLOP/s count "
      "4*B*Hq*D per query-key pair the mask keeps; decode reports GB/s\nof "
      "Q, K, V and O. Without --shape it runs the standard suite at 1 and 2 "
      "threads\n(or --threads).\n\n"
      "--target=nvptx compiles each configuration to a PTX kernel instead "
      "and times it on\nthe GPU with CUDA events (the median of --repeat "
      "launches); it needs a GPU and\nits driver, and says so at once "
      "without them. It prints TFLOP/s (4*B*Hq*D per\nkept query-key "
      "pair), for decode GB/s against the device's copy bandwidth, and\n"
      "the error against the fp64 reference. Its default suite: "
      "(B,H,N,D) = (2,16,4096,128),\n(4,16,2048,64), (1,16,16384,128), "
      "softmax and causal, and decode 1,32,8,1,32768,128.\n\n"
      "--dtype bf16 runs the CPU kernels on bf16 Q, K, V and result (f32 "
      "accumulation;\nAVX512-BF16 dot products where the CPU has them, "
      "--bf16-dot); --dtype f32,bf16\nruns both and prints the throughput "
      "ratio. The baselines stay f32 (OpenBLAS).\n");
  bool nvptx = targetOpt == "nvptx";
  if (!nvptx && targetOpt != "cpu")
    fail(fmt::format("unknown --target '{}' (cpu or nvptx)",
                     targetOpt.getValue()));
  if (!nvptx && (!chipOpt.empty() || deviceOpt.getNumOccurrences()))
    fail("--chip and --device apply to --target=nvptx");
  // The GPU first: without one, nothing is compiled.
  std::unique_ptr<cuda::Device> device;
  std::string chip = chipOpt;
  DType gpuDType = DType::F16;
  if (nvptx) {
    llvm::Expected<std::unique_ptr<cuda::Device>> opened =
        cuda::Device::open(deviceOpt);
    if (!opened)
      fail(llvm::toString(opened.takeError()));
    device = std::move(*opened);
    if (chip.empty())
      chip = device->info().chip();
    if (llvm::Error e = device->checkChip(chip))
      fail("--chip=" + chip + ": " + llvm::toString(std::move(e)));
    if (dtypeOpt == "bf16")
      gpuDType = DType::BF16;
    else if (dtypeOpt == "f32")
      gpuDType = DType::F32;
    else if (!dtypeOpt.empty() && dtypeOpt != "f16")
      fail(fmt::format("--dtype {}: --target=nvptx takes f16, bf16 or f32",
                       dtypeOpt.getValue()));
    if (!modelOpt.empty())
      fail("--model runs on the CPU only");
    if (suiteOpt != "standard")
      fail("--suite applies to the CPU; with --target=nvptx, give --shape or "
           "run the default suite");
  }
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  // The CPU's element types, each configuration run in each.
  std::vector<DType> cpuDTypes;
  if (!nvptx) {
    llvm::SmallVector<llvm::StringRef> names;
    llvm::StringRef(dtypeOpt.empty() ? "f32" : dtypeOpt.getValue())
        .split(names, ',');
    for (llvm::StringRef name : names) {
      DType t;
      if (name.trim() == "f32")
        t = DType::F32;
      else if (name.trim() == "bf16")
        t = DType::BF16;
      else
        fail(fmt::format("--dtype {}: the CPU backend takes f32, bf16 or "
                         "f32,bf16",
                         dtypeOpt.getValue()));
      if (!llvm::is_contained(cpuDTypes, t))
        cpuDTypes.push_back(t);
    }
  }
  if (bf16DotOpt < -1 || bf16DotOpt > 1)
    fail(fmt::format("--bf16-dot takes -1 (where the CPU has them), 0 or 1, "
                     "found {}",
                     bf16DotOpt.getValue()));
  // The kernels run here: dot products this CPU lacks would not.
  if (bf16DotOpt == 1 && !cascade::hostHasBF16DotProducts())
    fail("--bf16-dot=1: this CPU has no AVX512-BF16 dot products "
         "(avx512_bf16 with AVX-512); use -1 or 0");
  if (tileMOpt <= 0 || tileNOpt <= 0)
    fail("--tile-m and --tile-n must be positive");
  if (threadsOpt < 0)
    fail("--threads must be positive");
  if (splitOpt < 0)
    fail("--split-kv must be 0 (chosen) or a number of parts");

  std::vector<int> threadCounts;
  if (nvptx)
    threadCounts = {1};
  else if (threadsOpt > 0)
    threadCounts = {threadsOpt};
  else if (shapeOpt.empty())
    threadCounts = {1, 2};
  else
    threadCounts = {int(std::max(1u, std::thread::hardware_concurrency()))};

  std::vector<Config> configs;
  auto add = [&](std::vector<int64_t> d, const std::string &variant,
                 int64_t split = -1) {
    MaskSpec mask = parseVariant(variant);
    if (mask.documents > 0) {
      if (d[3] != d[4] || d[3] % mask.documents != 0)
        fail(fmt::format("--variant {} needs N = M, a multiple of the "
                         "number of documents (shape {},{},{},{},{},{})",
                         variant, d[0], d[1], d[2], d[3], d[4], d[5]));
      mask.docLength = d[3] / mask.documents;
    }
    for (int t : threadCounts) {
      Config c{
          d[0], d[1],    d[2], d[3], d[4],
          d[5], variant, t,    mask, split < 0 ? splitOpt.getValue() : split};
      if (nvptx) {
        configs.push_back(c);
        continue;
      }
      for (DType dtype : cpuDTypes) {
        c.dtype = dtype;
        configs.push_back(c);
      }
    }
  };
  bool sparsitySuite = shapeOpt.empty() && suiteOpt == "sparsity";
  if (suiteOpt != "standard" && suiteOpt != "sparsity" && suiteOpt != "bf16")
    fail(fmt::format("unknown --suite '{}' (standard, sparsity or bf16)",
                     suiteOpt.getValue()));
  if (shapeOpt.empty() && suiteOpt == "bf16") {
    // bf16 against f32, Cascade's own kernels: the ratios need no baseline.
    noBaselines = true;
    if (dtypeOpt.empty())
      cpuDTypes = {DType::F32, DType::BF16};
    for (int64_t d : {int64_t(128), int64_t(64)})
      for (const char *variant : {"softmax", "causal"})
        add({1, 8, 8, 4096, 4096, d}, variant);
  } else if (sparsitySuite) {
    // The ratios are between Cascade's own runs; the unfused baseline
    // would need a 16384 x 16384 score matrix per head.
    noBaselines = true;
    if (threadsOpt <= 0)
      threadCounts = {int(std::max(1u, std::thread::hardware_concurrency()))};
    configs.clear();
    add({1, 8, 8, 4096, 4096, 64}, "softmax");
    add({1, 8, 8, 4096, 4096, 64}, "causal");
    add({1, 8, 8, 4096, 4096, 64}, "window=256");
    add({1, 8, 8, 16384, 16384, 64}, "window=256");
    add({1, 8, 8, 16384, 16384, 64}, "causal");
    add({1, 8, 8, 8192, 8192, 64}, "causal");
    add({1, 8, 8, 8192, 8192, 64}, "document=8");
    add({1, 8, 8, 4096, 4096, 64}, "linear-causal");
    add({1, 8, 8, 16384, 16384, 64}, "linear-causal");
    // Decode without and with split-KV: 32 heads, and one head over 256 MiB
    // of keys and values (more than the caches hold).
    for (int64_t split : {int64_t(1), int64_t(0), int64_t(4)})
      add({1, 32, 8, 1, 8192, 128}, "softmax", split);
    for (int64_t split : {int64_t(1), int64_t(0)})
      add({1, 1, 1, 1, 262144, 128}, "softmax", split);
  } else if (!shapeOpt.empty()) {
    add(parseShape(shapeOpt), variantOpt);
  } else if (nvptx) {
    for (auto d :
         std::vector<std::vector<int64_t>>{{2, 16, 16, 4096, 4096, 128},
                                           {4, 16, 16, 2048, 2048, 64},
                                           {1, 16, 16, 16384, 16384, 128}})
      for (const char *variant : {"softmax", "causal"})
        add(d, variant);
    add({1, 32, 8, 1, 32768, 128}, "softmax");
  } else {
    for (auto d : std::vector<std::vector<int64_t>>{{1, 8, 8, 512, 512, 64},
                                                    {1, 8, 8, 2048, 2048, 64},
                                                    {1, 8, 8, 4096, 4096, 128}})
      for (const char *variant : {"softmax", "causal"})
        add(d, variant);
    add({1, 32, 8, 1, 8192, 128}, "softmax");
  }

  DialectRegistry registry;
  cascade::registerCascadeDialects(registry);
  cascade::registerCascadeDependentDialects(registry);
  cascade::registerONNXImportDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  if (nvptx) {
    runOnGPU(ctx, configs, *device, chip, gpuDType);
    return 0;
  }

  if (!modelOpt.empty()) {
    if (cpuDTypes != std::vector<DType>{DType::F32})
      fail("--model times the model's own (f32) graph; --dtype does not "
           "apply");
    std::vector<int> counts = threadCounts;
    if (threadsOpt <= 0)
      counts = {1, int(std::max(1u, std::thread::hardware_concurrency()))};
    if (counts.size() == 2 && counts[0] == counts[1])
      counts.pop_back();
    runModel(ctx, counts);
    return 0;
  }

  std::string cpu = llvm::sys::getHostCPUName().str();
  std::vector<std::string> dtypeNames;
  bool bf16Dot =
      bf16DotOpt < 0 ? cascade::hostHasBF16DotProducts() : bf16DotOpt > 0;
  for (DType t : cpuDTypes)
    dtypeNames.push_back(
        t == DType::BF16
            ? fmt::format("bf16 ({})", bf16Dot ? "AVX512-BF16 dot products"
                                               : "extended to f32")
            : cascade::runtime::dtypeName(t).str());
  std::string tiles =
      fmt::format("tiles {}x{}", tileNOpt.getValue(), tileMOpt.getValue());
  if (bf16Dot && llvm::is_contained(cpuDTypes, DType::BF16) &&
      !tileMOpt.getNumOccurrences() && !tileNOpt.getNumOccurrences())
    tiles = llvm::is_contained(cpuDTypes, DType::F32)
                ? tiles + " (bf16: 64x128)"
                : "tiles 64x128";
  fmt::print("cascade-bench: {}, CPU {} ({} hardware threads), {}, best of "
             "{}\n",
             llvm::join(dtypeNames, " and "), cpu,
             std::thread::hardware_concurrency(), tiles, repeatOpt.getValue());
  fmt::print("{:<22} {:<13} {:<5} {:>3} {:>5} {:>10} {:>9} {:>10} {:>9} {:>8} "
             "{:>7} {:>8} {:>8} {:>8} {:>9}\n",
             "B,Hq,Hkv,N,M,D", "variant", "dtype", "thr", "split", "cascade ms",
             "GFLOP/s", "unfused ms", "GFLOP/s", "sgemm", "BW GB/s", "/peak",
             "/unfused", "compile", "max err");

  std::map<int, double> sgemmCache, bandwidthCache;
  std::map<std::string, double> unfusedCache;
  llvm::json::Array records;
  std::map<std::string, double> seconds; // shape/variant/threads -> time
  // Per configuration and element type: the time, for the ratios.
  std::map<std::pair<std::string, DType>, double> byDType;
  for (const Config &c : configs) {
    Result r = runConfig(ctx, c, sgemmCache, bandwidthCache, unfusedCache);
    byDType[{c.key(), c.dtype}] = r.cascadeSeconds;
    if (c.dtype == DType::F32)
      seconds[c.key()] = r.cascadeSeconds;
    double gflops = r.flops / r.cascadeSeconds * 1e-9;
    double gbs = r.bytes / r.cascadeSeconds * 1e-9;
    double unfusedGflops =
        r.unfusedSeconds > 0 ? r.flops / r.unfusedSeconds * 1e-9 : 0;
    // Decode is bound by memory: its ceiling is the bandwidth.
    double ofPeak = c.decode()
                        ? (r.bandwidthGBs > 0 ? gbs / r.bandwidthGBs : 0)
                        : (r.sgemmGflops > 0 ? gflops / r.sgemmGflops : 0);
    double ofUnfused =
        r.unfusedSeconds > 0 ? r.unfusedSeconds / r.cascadeSeconds : 0;
    fmt::print(
        "{:<22} {:<13} {:<5} {:>3} {:>5} {:>10.3f} {:>9.1f} {:>10.3f} "
        "{:>9.1f} {:>8.1f} {:>7.1f} {:>8.2f} {:>8.2f} {:>7.2f}s "
        "{:>9.2e}{}\n",
        c.shape(), c.variant, cascade::runtime::dtypeName(c.dtype).str(),
        c.threads, c.split == 0 ? std::string("auto") : std::to_string(c.split),
        r.cascadeSeconds * 1e3, c.decode() ? gbs : gflops,
        r.unfusedSeconds * 1e3, unfusedGflops, r.sgemmGflops, r.bandwidthGBs,
        ofPeak, ofUnfused, r.compileSeconds, r.maxAbsError,
        c.decode() ? "  (decode: GB/s, /peak of bandwidth)" : "");
    llvm::json::Object rec{
        {"threads", c.threads},
        {"split_kv", c.split},
        {"cpu", cpu},
        {"cascade_seconds", r.cascadeSeconds},
        {"cascade_gflops", gflops},
        {"unfused_seconds", r.unfusedSeconds},
        {"unfused_gflops", unfusedGflops},
        {"sgemm_gflops", r.sgemmGflops},
        {"bandwidth_gbs", r.bandwidthGBs},
        {"compile_seconds", r.compileSeconds},
        {"max_abs_error", r.maxAbsError},
        {"cascade_over_peak", ofPeak},
        {"cascade_over_unfused", ofUnfused},
    };
    c.describe(rec, cascade::runtime::dtypeName(c.dtype), "cpu");
    if (c.decode())
      rec["cascade_gbs"] = gbs;
    if (c.dtype == DType::BF16) {
      rec["bf16_dot_products"] = bf16Dot;
      auto f32 = byDType.find({c.key(), DType::F32});
      if (f32 != byDType.end())
        rec["bf16_over_f32"] = f32->second / r.cascadeSeconds;
    }
    records.push_back(std::move(rec));
  }

  if (cpuDTypes.size() > 1) {
    fmt::print("\nbf16 / f32 throughput (same run):\n");
    for (const Config &c : configs) {
      if (c.dtype != DType::BF16)
        continue;
      auto f32 = byDType.find({c.key(), DType::F32});
      if (f32 == byDType.end())
        continue;
      fmt::print("  {:<22} {:<13} {} thr  {:6.2f}\n", c.shape(), c.variant,
                 c.threads, f32->second / byDType[{c.key(), DType::BF16}]);
    }
  }

  if (sparsitySuite) {
    fmt::print("\ntime ratios (same run):\n");
    for (int t : threadCounts) {
      auto time = [&](const char *shape, const char *variant,
                      int64_t split = 0) {
        return seconds[fmt::format("{}/{}/{}/{}", shape, variant, t, split)];
      };
      if (seconds.empty())
        break; // bf16 only: the ratios are f32's.
      const char *n4k = "1,8,8,4096,4096,64", *n16k = "1,8,8,16384,16384,64";
      double causal = time(n4k, "causal") / time(n4k, "softmax");
      double linear = time(n16k, "window=256") / time(n4k, "window=256");
      double skip = time(n16k, "causal") / time(n16k, "window=256");
      fmt::print("  {} thr  causal / softmax, N=M=4096:               {:6.3f}  "
                 "(target <= 0.55)\n",
                 t, causal);
      fmt::print("  {} thr  window=256, N=16384 / N=4096:            {:6.3f}  "
                 "(target <= 4.6)\n",
                 t, linear);
      fmt::print("  {} thr  causal / window=256, N=16384 (speedup):  {:6.2f}  "
                 "(target >= 20)\n",
                 t, skip);
      const char *n8k = "1,8,8,8192,8192,64";
      fmt::print("  {} thr  document=8 / causal, N=8192:             {:6.3f}  "
                 "(target <= 0.2)\n",
                 t, time(n8k, "document=8") / time(n8k, "causal"));
      fmt::print("  {} thr  linear-causal, N=16384 / N=4096:         {:6.3f}  "
                 "(target <= 4.6)\n",
                 t, time(n16k, "linear-causal") / time(n4k, "linear-causal"));
      const char *dec = "1,32,8,1,8192,128", *dec1 = "1,1,1,1,262144,128";
      fmt::print("  {} thr  decode {}: unsplit / split (chosen):  {:6.2f}  "
                 "(target >= 1.6)\n",
                 t, dec, time(dec, "softmax", 1) / time(dec, "softmax", 0));
      fmt::print("  {} thr  decode {}: unsplit / 4 parts:         {:6.2f}\n", t,
                 dec, time(dec, "softmax", 1) / time(dec, "softmax", 4));
      fmt::print("  {} thr  decode {}: unsplit / split (chosen):  {:6.2f}\n", t,
                 dec1, time(dec1, "softmax", 1) / time(dec1, "softmax", 0));
    }
  }

  writeRecords(std::move(records));
  return 0;
}
