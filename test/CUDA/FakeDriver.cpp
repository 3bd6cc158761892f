//===- FakeDriver.cpp - A CUDA driver stand-in for the runtime's tests ----===//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//
//
// A shared library exporting the CUDA driver entry points that
// cascade::runtime::cuda uses, backed by host memory, so that the runtime's
// paths (loading, records, allocation, copies, launches, timing, and the
// error messages of each) run in the tests of a machine without a GPU.
// Tests load it with CASCADE_CUDA_DRIVER=<this library>.
//
// "Kernels" are PTX comments that say what a launch does:
//   // fake: copy SRC DST     copies parameter SRC's buffer into DST's
//   // fake: jit-error TEXT   cuModuleLoadDataEx fails, TEXT in the error log
//   // fake: fault            the launch faults (seen at the next sync)
// and `.entry NAME` declares an entry point. The environment sets up the
// device: FAKE_CUDA_DEVICES (default 1), FAKE_CUDA_CC (default 80),
// FAKE_CUDA_SHARED (opt-in shared memory per block, default 232448),
// FAKE_CUDA_MAX_ALLOC (largest allocation in bytes, default unlimited).
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {
using CUresult = int;
using CUdeviceptr = unsigned long long;

constexpr CUresult kSuccess = 0, kInvalidValue = 1, kOutOfMemory = 2,
                   kNotInitialized = 3, kNoDevice = 100, kInvalidDevice = 101,
                   kInvalidPTX = 218, kInvalidHandle = 400, kNotFound = 500,
                   kIllegalAddress = 700;

struct ErrorText {
  CUresult code;
  const char *name, *description;
};
const ErrorText kErrors[] = {
    {kSuccess, "CUDA_SUCCESS", "no error"},
    {kInvalidValue, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {kOutOfMemory, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {kNotInitialized, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {kNoDevice, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {kInvalidDevice, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {kInvalidPTX, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"},
    {kInvalidHandle, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {kNotFound, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {kIllegalAddress, "CUDA_ERROR_ILLEGAL_ADDRESS",
     "an illegal memory access was encountered"},
};

long envInt(const char *name, long fallback) {
  const char *v = std::getenv(name);
  return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

struct Function {
  std::string name;
  std::vector<std::string> actions; // the module's "fake:" lines
  int maxDynamicShared = 48 * 1024;
};

struct Module {
  std::map<std::string, std::unique_ptr<Function>> functions;
};

struct State {
  bool initialized = false;
  std::map<CUdeviceptr, size_t> allocations;
  CUresult pendingFault = kSuccess;
  int contextRefs = 0;
};

State &state() {
  static State s;
  return s;
}

int deviceCount() { return int(envInt("FAKE_CUDA_DEVICES", 1)); }
} // namespace

extern "C" {

CUresult cuGetErrorName(CUresult code, const char **out) {
  for (const ErrorText &e : kErrors)
    if (e.code == code) {
      *out = e.name;
      return kSuccess;
    }
  return kInvalidValue;
}

CUresult cuGetErrorString(CUresult code, const char **out) {
  for (const ErrorText &e : kErrors)
    if (e.code == code) {
      *out = e.description;
      return kSuccess;
    }
  return kInvalidValue;
}

CUresult cuInit(unsigned flags) {
  if (flags != 0)
    return kInvalidValue;
  if (deviceCount() <= 0)
    return kNoDevice;
  state().initialized = true;
  return kSuccess;
}

CUresult cuDeviceGetCount(int *count) {
  if (!state().initialized)
    return kNotInitialized;
  *count = deviceCount();
  return kSuccess;
}

CUresult cuDeviceGet(int *device, int ordinal) {
  if (ordinal < 0 || ordinal >= deviceCount())
    return kInvalidDevice;
  *device = ordinal;
  return kSuccess;
}

CUresult cuDeviceGetName(char *name, int length, int device) {
  std::snprintf(name, size_t(length), "Fake GPU %d", device);
  return kSuccess;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  long cc = envInt("FAKE_CUDA_CC", 80);
  switch (attribute) {
  case 1: // max threads per block
    *value = 1024;
    return kSuccess;
  case 16: // multiprocessors
    *value = 4;
    return kSuccess;
  case 75:
    *value = int(cc / 10);
    return kSuccess;
  case 76:
    *value = int(cc % 10);
    return kSuccess;
  case 97: // opt-in shared memory per block
    *value = int(envInt("FAKE_CUDA_SHARED", 232448));
    return kSuccess;
  default:
    return kInvalidValue;
  }
}

CUresult cuDevicePrimaryCtxRetain(void **context, int device) {
  ++state().contextRefs;
  *context = &state();
  return kSuccess;
}

CUresult cuDevicePrimaryCtxRelease_v2(int device) {
  --state().contextRefs;
  return kSuccess;
}

CUresult cuCtxSetCurrent(void *context) { return kSuccess; }

CUresult cuCtxSynchronize() {
  CUresult fault = state().pendingFault;
  state().pendingFault = kSuccess;
  return fault;
}

CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t bytes) {
  if (bytes == 0)
    return kInvalidValue;
  long limit = envInt("FAKE_CUDA_MAX_ALLOC", -1);
  if (limit >= 0 && bytes > size_t(limit))
    return kOutOfMemory;
  void *p = std::malloc(bytes);
  if (!p)
    return kOutOfMemory;
  *ptr = CUdeviceptr(uintptr_t(p));
  state().allocations[*ptr] = bytes;
  return kSuccess;
}

CUresult cuMemFree_v2(CUdeviceptr ptr) {
  auto it = state().allocations.find(ptr);
  if (it == state().allocations.end())
    return kInvalidValue;
  std::free(reinterpret_cast<void *>(uintptr_t(ptr)));
  state().allocations.erase(it);
  return kSuccess;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
  std::memcpy(reinterpret_cast<void *>(uintptr_t(dst)), src, bytes);
  return kSuccess;
}

CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
  std::memcpy(dst, reinterpret_cast<const void *>(uintptr_t(src)), bytes);
  return kSuccess;
}

CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  std::memmove(reinterpret_cast<void *>(uintptr_t(dst)),
               reinterpret_cast<const void *>(uintptr_t(src)), bytes);
  return kSuccess;
}

CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t bytes) {
  std::memset(reinterpret_cast<void *>(uintptr_t(dst)), value, bytes);
  return kSuccess;
}

CUresult cuModuleLoadDataEx(void **module, const void *image,
                            unsigned numOptions, int *options, void **values) {
  std::string text(static_cast<const char *>(image));
  auto *m = new Module();
  std::vector<std::string> actions;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t at = line.find("// fake: ");
    if (at != std::string::npos)
      actions.push_back(line.substr(at + 9));
    at = line.find(".entry ");
    if (at != std::string::npos) {
      std::string rest = line.substr(at + 7);
      std::string name = rest.substr(0, rest.find_first_of("( \t"));
      m->functions[name] = std::make_unique<Function>();
      m->functions[name]->name = name;
    }
  }
  for (const std::string &a : actions)
    if (a.rfind("jit-error ", 0) == 0) {
      // The error log buffer and its size, as the options give them.
      char *log = nullptr;
      size_t size = 0;
      for (unsigned i = 0; i < numOptions; ++i) {
        if (options[i] == 5)
          log = static_cast<char *>(values[i]);
        if (options[i] == 6)
          size = size_t(uintptr_t(values[i]));
      }
      if (log && size > 0)
        std::snprintf(log, size,
                      "ptxas application ptx input, line 1; error "
                      "  : %s",
                      a.substr(10).c_str());
      delete m;
      return kInvalidPTX;
    }
  for (auto &[name, f] : m->functions)
    f->actions = actions;
  *module = m;
  return kSuccess;
}

CUresult cuModuleUnload(void *module) {
  delete static_cast<Module *>(module);
  return kSuccess;
}

CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  auto *m = static_cast<Module *>(module);
  auto it = m->functions.find(name);
  if (it == m->functions.end())
    return kNotFound;
  *function = it->second.get();
  return kSuccess;
}

CUresult cuFuncSetAttribute(void *function, int attribute, int value) {
  if (attribute != 8 || value < 0 || value > envInt("FAKE_CUDA_SHARED", 232448))
    return kInvalidValue;
  static_cast<Function *>(function)->maxDynamicShared = value;
  return kSuccess;
}

CUresult cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz,
                        unsigned sharedBytes, void *stream, void **params,
                        void **extra) {
  auto *f = static_cast<Function *>(function);
  if (!f || gx == 0 || gy == 0 || gz == 0 || bx * by * bz > 1024)
    return kInvalidValue;
  if (int(sharedBytes) > f->maxDynamicShared)
    return kInvalidValue;
  for (const std::string &action : f->actions) {
    std::istringstream words(action);
    std::string verb;
    words >> verb;
    if (verb == "fault") {
      state().pendingFault = kIllegalAddress;
    } else if (verb == "copy") {
      int from = 0, to = 0;
      words >> from >> to;
      CUdeviceptr src = *static_cast<CUdeviceptr *>(params[from]);
      CUdeviceptr dst = *static_cast<CUdeviceptr *>(params[to]);
      size_t bytes =
          std::min(state().allocations[src], state().allocations[dst]);
      std::memcpy(reinterpret_cast<void *>(uintptr_t(dst)),
                  reinterpret_cast<const void *>(uintptr_t(src)), bytes);
    }
  }
  return kSuccess;
}

CUresult cuEventCreate(void **event, unsigned flags) {
  *event = new double(0);
  return kSuccess;
}

CUresult cuEventRecord(void *event, void *stream) {
  *static_cast<double *>(event) =
      std::chrono::duration<double, std::milli>(
          std::chrono::steady_clock::now().time_since_epoch())
          .count();
  return kSuccess;
}

CUresult cuEventSynchronize(void *event) { return cuCtxSynchronize(); }

CUresult cuEventElapsedTime(float *ms, void *start, void *stop) {
  *ms = float(*static_cast<double *>(stop) - *static_cast<double *>(start));
  return kSuccess;
}

CUresult cuEventDestroy_v2(void *event) {
  delete static_cast<double *>(event);
  return kSuccess;
}

} // extern "C"
