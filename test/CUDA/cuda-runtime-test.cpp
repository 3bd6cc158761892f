//===- cuda-runtime-test.cpp - Drives the CUDA runtime in lit tests -------===//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//
//
//   cascade-cuda-test record FILE.json...   parse each record, print it or
//                                           the error (exit 1)
//   cascade-cuda-test device                open device 0, print what the
//                                           driver says of it
//   cascade-cuda-test run FILE.json... [--repeat N] [--bandwidth BYTES]
//                                           run the kernels (of one
//                                           function) on patterned inputs,
//                                           print a digest of each output
//   cascade-cuda-test convert               check the f16/bf16 converters
//                                           against llvm::APFloat
//
// With CASCADE_CUDA_DRIVER naming the fake driver (FakeDriver.cpp), `device`
// and `run` exercise the runtime on machines without a GPU.
//
//===----------------------------------------------------------------------===//

#include "cascade/Runtime/CUDA.h"
#include "cascade/Runtime/Convert.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>

using namespace cascade::runtime;
using namespace cascade::runtime::cuda;
using llvm::outs;

static int fail(llvm::Error e) {
  llvm::outs().flush();
  llvm::errs() << "error: " << llvm::toString(std::move(e)) << "\n";
  return 1;
}

static std::string shapeText(const std::vector<int64_t> &shape) {
  std::vector<std::string> dims;
  for (int64_t d : shape)
    dims.push_back(std::to_string(d));
  return "[" + llvm::join(dims, ", ") + "]";
}

static int record(llvm::ArrayRef<const char *> files) {
  for (const char *file : files) {
    llvm::Expected<KernelRecord> r = readKernelRecord(file);
    if (!r)
      return fail(r.takeError());
    outs() << "kernel " << r->kernel << " (function '" << r->function
           << "', ptx " << r->ptxFile << ")\n";
    outs() << "  chip " << r->chip << " (" << r->chipVersion << "), block "
           << r->threadsPerBlock[0] << "x" << r->threadsPerBlock[1] << "x"
           << r->threadsPerBlock[2] << ", grid " << r->grid[0] << "x"
           << r->grid[1] << "x" << r->grid[2] << ", dynamic shared "
           << r->dynamicSharedMemoryBytes << ", variant '" << r->variant
           << "'\n";
    outs() << "  launch " << r->launchOrder << " of " << r->launches << "\n";
    for (const KernelParam &p : r->params)
      outs() << "  "
             << (p.kind == KernelParam::Kind::Input    ? "input "
                 : p.kind == KernelParam::Kind::Output ? "output "
                                                       : "scratch ")
             << p.name << ": " << recordDTypeName(p.dtype) << " "
             << shapeText(p.shape) << ", " << p.byteSize() << " bytes\n";
  }
  return 0;
}

static int device() {
  llvm::Expected<std::unique_ptr<Device>> d = Device::open();
  if (!d)
    return fail(d.takeError());
  const DeviceInfo &i = (*d)->info();
  outs() << "device " << i.ordinal << ": " << i.name << ", " << i.chip() << ", "
         << i.multiprocessors << " SMs, " << i.maxThreadsPerBlock
         << " threads and " << i.maxSharedMemoryPerBlock
         << " bytes of shared memory per block\n";
  for (const char *chip : {"sm_80", "sm_90a"})
    if (llvm::Error e = (*d)->checkChip(chip))
      outs() << "checkChip " << chip << ": " << llvm::toString(std::move(e))
             << "\n";
    else
      outs() << "checkChip " << chip << ": ok\n";
  return 0;
}

/// Input element j: ((j mod 17) - 8) / 8, in the parameter's dtype.
static NpyArray patterned(const KernelParam &p) {
  NpyArray f32;
  f32.dtype = DType::F32;
  f32.shape = p.shape;
  int64_t n = p.numElements();
  f32.data.resize(n * sizeof(float));
  for (int64_t j = 0; j < n; ++j) {
    float v = float(j % 17 - 8) / 8.0f;
    std::memcpy(f32.data.data() + j * sizeof(float), &v, sizeof(v));
  }
  if (p.dtype == DType::F32 || p.dtype == DType::F16 || p.dtype == DType::BF16)
    return llvm::cantFail(convertArray(f32, p.dtype));
  NpyArray a;
  a.dtype = p.dtype;
  a.shape = p.shape;
  a.data.assign(p.byteSize(), 0);
  for (int64_t j = 0; j < n; ++j)
    a.data[j * dtypeSize(p.dtype)] = char(j % 5);
  return a;
}

static void digest(llvm::StringRef what, const NpyArray &a) {
  double sum = 0;
  int64_t n = a.numElements(), nans = 0;
  for (int64_t j = 0; j < n; ++j) {
    double v = elementAsDouble(a, j);
    if (std::isnan(v))
      ++nans;
    else
      sum += v;
  }
  outs() << what << ": " << dtypeName(a.dtype) << " " << shapeText(a.shape)
         << ", sum " << llvm::format("%.4f", sum) << ", " << nans << " NaN\n";
}

static int run(llvm::ArrayRef<const char *> args) {
  unsigned repeat = 0;
  uint64_t bandwidthBytes = 0;
  std::vector<const char *> files;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef flag = args[i];
    if (!flag.starts_with("--")) {
      files.push_back(args[i]);
      continue;
    }
    llvm::StringRef value = i + 1 < args.size() ? args[++i] : "";
    if ((flag == "--repeat" && value.getAsInteger(10, repeat)) ||
        (flag == "--bandwidth" && value.getAsInteger(10, bandwidthBytes)) ||
        (flag != "--repeat" && flag != "--bandwidth"))
      return fail(llvm::createStringError("run: bad option " + flag.str()));
  }
  if (files.empty())
    return fail(llvm::createStringError("run: no record given"));
  llvm::Expected<std::unique_ptr<Device>> d = Device::open();
  if (!d)
    return fail(d.takeError());
  std::vector<KernelRecord> records;
  std::vector<std::string> ptx;
  for (const char *file : files) {
    llvm::Expected<KernelRecord> r = readKernelRecord(file);
    if (!r)
      return fail(r.takeError());
    llvm::Expected<std::string> text = readKernelPTX(*r, file);
    if (!text)
      return fail(text.takeError());
    records.push_back(std::move(*r));
    ptx.push_back(std::move(*text));
  }
  std::vector<NpyArray> arrays;
  arrays.reserve(records[0].params.size());
  HostArrays inputs;
  for (const KernelParam &p : records[0].params)
    if (p.kind == KernelParam::Kind::Input) {
      arrays.push_back(patterned(p));
      inputs[p.name] = &arrays.back();
      digest("input " + p.name, arrays.back());
    }
  RunOptions options;
  options.repeat = repeat;
  llvm::Expected<KernelRun> result =
      (*d)->runKernels(records, ptx, inputs, options);
  if (!result)
    return fail(result.takeError());
  for (const KernelParam &p : records[0].params)
    if (p.kind == KernelParam::Kind::Output)
      digest("output " + p.name, result->outputs[p.name]);
  outs() << "timed runs: " << result->timesMs.size() << "\n";
  if (bandwidthBytes > 0) {
    llvm::Expected<double> gbs = (*d)->copyBandwidthGBs(bandwidthBytes, 3);
    if (!gbs)
      return fail(gbs.takeError());
    outs() << "bandwidth: " << (*gbs > 0 ? "positive" : "zero") << "\n";
  }
  return 0;
}

/// Narrowing conversions compared with APFloat (round to nearest even) on
/// every f16 / bf16 value and its neighbours, and on a sweep of f32 bit
/// patterns; widening compared on every pattern.
static int convert() {
  auto viaAPFloat = [](float f, const llvm::fltSemantics &sem) -> uint16_t {
    llvm::APFloat a(f);
    bool lost = false;
    a.convert(sem, llvm::APFloat::rmNearestTiesToEven, &lost);
    return uint16_t(a.bitcastToAPInt().getZExtValue());
  };
  struct Kind {
    const char *name;
    const llvm::fltSemantics &sem;
    uint16_t (*narrow)(float);
    float (*widen)(uint16_t);
  } kinds[] = {
      {"f16", llvm::APFloat::IEEEhalf(), floatToHalf, halfToFloat},
      {"bf16", llvm::APFloat::BFloat(), floatToBFloat16, bfloat16ToFloat}};
  int status = 0;
  for (const Kind &k : kinds) {
    int64_t checked = 0, mismatches = 0;
    auto check = [&](float f) {
      ++checked;
      uint16_t got = k.narrow(f), want = viaAPFloat(f, k.sem);
      bool bothNaN = std::isnan(f) && std::isnan(k.widen(got));
      if (got != want && !bothNaN) {
        if (mismatches++ < 5)
          outs() << k.name << " mismatch: " << llvm::format("%a", f) << " -> "
                 << llvm::format("0x%04x", got) << ", APFloat "
                 << llvm::format("0x%04x", want) << "\n";
      }
    };
    for (uint32_t bits = 0; bits < 0x10000; ++bits) {
      llvm::APFloat ref(k.sem, llvm::APInt(16, bits));
      float wide = k.widen(uint16_t(bits));
      bool lost = false;
      ref.convert(llvm::APFloat::IEEEsingle(),
                  llvm::APFloat::rmNearestTiesToEven, &lost);
      if (llvm::bit_cast<uint32_t>(wide) !=
              llvm::bit_cast<uint32_t>(ref.convertToFloat()) &&
          !(std::isnan(wide) && ref.isNaN()))
        if (mismatches++ < 5)
          outs() << k.name << " widening mismatch at "
                 << llvm::format("0x%04x", bits) << "\n";
      // The value, the midpoints to its neighbours and just around them.
      if (std::isnan(wide))
        continue;
      uint32_t w = llvm::bit_cast<uint32_t>(wide);
      for (int32_t delta : {-1, 0, 1}) {
        check(llvm::bit_cast<float>(w + delta));
        float next = k.widen(uint16_t(bits + 1));
        if (!std::isnan(next) && !std::isinf(wide)) {
          float mid = float((double(wide) + double(next)) / 2);
          check(llvm::bit_cast<float>(llvm::bit_cast<uint32_t>(mid) + delta));
        }
      }
    }
    for (uint64_t bits = 0; bits < (uint64_t(1) << 32); bits += 65521)
      check(llvm::bit_cast<float>(uint32_t(bits)));
    outs() << k.name << ": " << checked << " conversions, " << mismatches
           << " mismatches\n";
    if (mismatches)
      status = 1;
  }
  return status;
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  if (argc < 2)
    return fail(llvm::createStringError(
        "usage: cascade-cuda-test record|device|run|convert ..."));
  llvm::StringRef command = argv[1];
  llvm::ArrayRef<const char *> rest(argv + 2, argv + argc);
  if (command == "record")
    return record(rest);
  if (command == "device")
    return device();
  if (command == "run")
    return run(rest);
  if (command == "convert")
    return convert();
  return fail(
      llvm::createStringError("unknown command '" + command.str() + "'"));
}
