//===- CUDA.cpp - Launching compiled kernels through the CUDA driver ------===//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//
//
// The driver API is declared here, as far as Cascade uses it, from its
// documented C signatures: handles are opaque pointers, CUresult an int,
// device pointers 64-bit integers. Where the driver exports a `_v2` entry
// point (the 64-bit-size versions that cuda.h maps the plain names to), that
// is the one looked up.
//
//===----------------------------------------------------------------------===//

#include "cascade/Runtime/CUDA.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cstdlib>
#include <dlfcn.h>
#include <limits>
#include <optional>

using namespace cascade::runtime;
using namespace cascade::runtime::cuda;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

static Error makeError(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

//===----------------------------------------------------------------------===//
// Kernel records
//===----------------------------------------------------------------------===//

int64_t KernelParam::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

uint64_t KernelParam::byteSize() const {
  return uint64_t(numElements()) * dtypeSize(dtype);
}

const KernelParam *KernelRecord::param(StringRef name) const {
  for (const KernelParam &p : params)
    if (p.name == name)
      return &p;
  return nullptr;
}

Expected<unsigned> cascade::runtime::cuda::parseChip(StringRef chip) {
  // sm_XY, with an optional architecture-specific suffix (sm_90a, sm_100f).
  StringRef digits = chip;
  if (digits.consume_front("sm_")) {
    if (digits.ends_with("a") || digits.ends_with("f"))
      digits = digits.drop_back();
    unsigned version = 0;
    if (digits.size() >= 2 && llvm::all_of(digits, llvm::isDigit) &&
        !digits.getAsInteger(10, version) && version >= 10)
      return version;
  }
  return makeError("'" + chip +
                   "' is not a chip name of the form sm_XY (sm_80, sm_90, "
                   "sm_90a, ...)");
}

namespace {
/// Validates the fields of one JSON object, naming `where` in each message.
class FieldReader {
public:
  FieldReader(const llvm::json::Object &object, std::string where)
      : object(object), where(std::move(where)) {}

  Error fail(StringRef field, const Twine &expected) const {
    return makeError(where + ": field '" + field + "' " + expected);
  }

  /// A required (or, with `optional`, possibly absent) string field.
  Error string(StringRef field, std::string &out, bool optional = false,
               bool nonEmpty = true) const {
    const llvm::json::Value *v = object.get(field);
    if (!v)
      return optional ? Error::success()
                      : makeError(where + ": missing field '" + field + "'");
    std::optional<StringRef> s = v->getAsString();
    if (!s || (nonEmpty && s->empty()))
      return fail(field,
                  nonEmpty ? "must be a non-empty string" : "must be a string");
    out = s->str();
    return Error::success();
  }

  Error integer(StringRef field, uint64_t &out, uint64_t max,
                bool optional = false) const {
    const llvm::json::Value *v = object.get(field);
    if (!v)
      return optional ? Error::success()
                      : makeError(where + ": missing field '" + field + "'");
    std::optional<int64_t> i = v->getAsInteger();
    if (!i || *i < 0 || uint64_t(*i) > max)
      return fail(field, "must be an integer from 0 to " + Twine(max));
    out = uint64_t(*i);
    return Error::success();
  }

  /// A list of 3 positive integers that fit in 32 bits (block and grid
  /// sizes).
  Error triple(StringRef field, std::array<unsigned, 3> &out) const {
    const llvm::json::Value *v = object.get(field);
    if (!v)
      return makeError(where + ": missing field '" + field + "'");
    const llvm::json::Array *a = v->getAsArray();
    auto invalid = [&] {
      return fail(field, "must be a list of 3 positive integers");
    };
    if (!a || a->size() != 3)
      return invalid();
    for (auto [i, e] : llvm::enumerate(*a)) {
      std::optional<int64_t> n = e.getAsInteger();
      if (!n || *n <= 0 || *n > std::numeric_limits<int32_t>::max())
        return invalid();
      out[i] = unsigned(*n);
    }
    return Error::success();
  }

  const llvm::json::Object &object;
  std::string where;
};
} // namespace

static std::optional<DType> recordDType(StringRef name) {
  return llvm::StringSwitch<std::optional<DType>>(name)
      .Case("f16", DType::F16)
      .Case("bf16", DType::BF16)
      .Case("f32", DType::F32)
      .Case("i1", DType::Bool)
      .Case("i32", DType::I32)
      .Case("i64", DType::I64)
      .Default(std::nullopt);
}

StringRef cascade::runtime::cuda::recordDTypeName(DType dtype) {
  return dtype == DType::Bool ? "i1" : dtypeName(dtype);
}

static Expected<KernelParam> parseParam(const llvm::json::Value &value,
                                        const Twine &where) {
  const llvm::json::Object *object = value.getAsObject();
  if (!object)
    return makeError(where + " must be an object with name, kind, dtype "
                             "and shape");
  KernelParam param;
  FieldReader reader(*object, where.str());
  if (Error e = reader.string("name", param.name))
    return std::move(e);
  reader.where = (where + " ('" + param.name + "')").str();
  std::string kind, dtype;
  if (Error e = reader.string("kind", kind))
    return std::move(e);
  if (kind == "input")
    param.kind = KernelParam::Kind::Input;
  else if (kind == "output")
    param.kind = KernelParam::Kind::Output;
  else if (kind == "scratch")
    param.kind = KernelParam::Kind::Scratch;
  else
    return reader.fail("kind", "must be \"input\", \"output\" or "
                               "\"scratch\", found \"" +
                                   kind + "\"");
  if (Error e = reader.string("dtype", dtype))
    return std::move(e);
  std::optional<DType> dt = recordDType(dtype);
  if (!dt)
    return reader.fail("dtype", "must be one of f16, bf16, f32, i1, i32, "
                                "i64, found \"" +
                                    dtype + "\"");
  param.dtype = *dt;
  const llvm::json::Value *shape = object->get("shape");
  if (!shape)
    return makeError(reader.where + ": missing field 'shape'");
  const llvm::json::Array *dims = shape->getAsArray();
  auto badShape = [&] {
    return reader.fail("shape", "must be a list of non-negative integers");
  };
  if (!dims)
    return badShape();
  int64_t elements = 1;
  for (const llvm::json::Value &d : *dims) {
    std::optional<int64_t> n = d.getAsInteger();
    if (!n || *n < 0)
      return badShape();
    // At most 2^48 elements: far beyond any device, and no overflow below.
    if (*n > 0 && elements > (int64_t(1) << 48) / *n)
      return reader.fail("shape", "has more elements than a device holds");
    elements *= *n;
    param.shape.push_back(*n);
  }
  return param;
}

Expected<KernelRecord>
cascade::runtime::cuda::parseKernelRecord(const llvm::json::Value &json,
                                          StringRef nameForErrors) {
  const llvm::json::Object *object = json.getAsObject();
  if (!object)
    return makeError(nameForErrors + ": a kernel record must be a JSON object");
  KernelRecord record;
  FieldReader reader(*object, nameForErrors.str());
  if (Error e = reader.string("kernel", record.kernel))
    return std::move(e);
  if (Error e = reader.string("function", record.function, /*optional=*/true))
    return std::move(e);
  if (Error e = reader.string("ptx", record.ptxFile))
    return std::move(e);
  if (Error e = reader.string("chip", record.chip))
    return std::move(e);
  Expected<unsigned> version = parseChip(record.chip);
  if (!version)
    return reader.fail("chip", "must name a chip: " +
                                   llvm::toString(version.takeError()));
  record.chipVersion = *version;
  if (Error e = reader.triple("threads_per_block", record.threadsPerBlock))
    return std::move(e);
  if (Error e = reader.triple("grid", record.grid))
    return std::move(e);
  if (Error e = reader.integer("dynamic_shared_memory_bytes",
                               record.dynamicSharedMemoryBytes,
                               std::numeric_limits<int32_t>::max()))
    return std::move(e);
  if (Error e = reader.string("variant", record.variant, /*optional=*/true,
                              /*nonEmpty=*/false))
    return std::move(e);
  uint64_t launches = 1, launchOrder = 0;
  if (Error e = reader.integer("launches", launches, 1024, /*optional=*/true))
    return std::move(e);
  if (launches == 0)
    return reader.fail("launches", "must be an integer from 1 to 1024");
  if (Error e = reader.integer("launch_order", launchOrder, launches - 1,
                               /*optional=*/true))
    return std::move(e);
  record.launches = unsigned(launches);
  record.launchOrder = unsigned(launchOrder);

  const llvm::json::Value *params = object->get("params");
  if (!params)
    return makeError(nameForErrors + ": missing field 'params'");
  const llvm::json::Array *list = params->getAsArray();
  if (!list || list->empty())
    return reader.fail("params", "must be a non-empty list of parameters");
  for (auto [i, p] : llvm::enumerate(*list)) {
    Expected<KernelParam> param =
        parseParam(p, nameForErrors + ": params[" + Twine(i) + "]");
    if (!param)
      return param.takeError();
    if (record.param(param->name))
      return makeError(nameForErrors + ": params[" + Twine(i) +
                       "]: parameter name '" + param->name + "' is used twice");
    record.params.push_back(std::move(*param));
  }
  if (llvm::none_of(record.params, [](const KernelParam &p) {
        return p.kind == KernelParam::Kind::Output;
      }))
    return reader.fail("params", "must hold at least one output");
  return record;
}

Expected<KernelRecord>
cascade::runtime::cuda::parseKernelRecord(StringRef text,
                                          StringRef nameForErrors) {
  Expected<llvm::json::Value> json = llvm::json::parse(text);
  if (!json)
    return makeError(nameForErrors +
                     ": invalid JSON: " + llvm::toString(json.takeError()));
  return parseKernelRecord(*json, nameForErrors);
}

static Expected<std::string> readFile(StringRef path, StringRef what) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return makeError("cannot read " + what + " '" + path +
                     "': " + buffer.getError().message());
  return (*buffer)->getBuffer().str();
}

Expected<KernelRecord>
cascade::runtime::cuda::readKernelRecord(StringRef path) {
  Expected<std::string> text = readFile(path, "the kernel record");
  if (!text)
    return text.takeError();
  return parseKernelRecord(StringRef(*text), path);
}

Expected<std::string>
cascade::runtime::cuda::readKernelPTX(const KernelRecord &record,
                                      StringRef recordPath) {
  llvm::SmallString<256> path(record.ptxFile);
  if (!llvm::sys::path::is_absolute(path)) {
    path = llvm::sys::path::parent_path(recordPath);
    llvm::sys::path::append(path, record.ptxFile);
  }
  return readFile(path, "the PTX of kernel '" + record.kernel + "'");
}

//===----------------------------------------------------------------------===//
// The driver
//===----------------------------------------------------------------------===//

namespace {
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = void *;
using CUmodule = void *;
using CUfunction = void *;
using CUstream = void *;
using CUevent = void *;

constexpr CUresult kSuccess = 0;
constexpr CUresult kErrorNoDevice = 100;
// CUdevice_attribute.
constexpr int kAttrMaxThreadsPerBlock = 1;
constexpr int kAttrMultiprocessorCount = 16;
constexpr int kAttrComputeCapabilityMajor = 75;
constexpr int kAttrComputeCapabilityMinor = 76;
constexpr int kAttrMaxSharedMemoryPerBlockOptin = 97;
// CUfunction_attribute.
constexpr int kFuncAttrMaxDynamicSharedSizeBytes = 8;
// CUjit_option.
constexpr int kJitInfoLogBuffer = 3;
constexpr int kJitInfoLogBufferSizeBytes = 4;
constexpr int kJitErrorLogBuffer = 5;
constexpr int kJitErrorLogBufferSizeBytes = 6;
// Without opting in, a block gets at most 48 KiB of shared memory.
constexpr uint64_t kDefaultSharedMemoryLimit = 48 * 1024;

/// One driver entry point and the name it was found under.
template <typename... Params> struct Entry {
  CUresult (*fn)(Params...) = nullptr;
  const char *name = "";
};

struct Driver {
  void *handle = nullptr;
  std::string library;
  Entry<unsigned> init;
  Entry<int *> deviceGetCount;
  Entry<CUdevice *, int> deviceGet;
  Entry<char *, int, CUdevice> deviceGetName;
  Entry<int *, int, CUdevice> deviceGetAttribute;
  Entry<CUcontext *, CUdevice> primaryCtxRetain;
  Entry<CUdevice> primaryCtxRelease;
  Entry<CUcontext> ctxSetCurrent;
  Entry<> ctxSynchronize;
  Entry<CUdeviceptr *, size_t> memAlloc;
  Entry<CUdeviceptr> memFree;
  Entry<CUdeviceptr, const void *, size_t> memcpyHtoD;
  Entry<void *, CUdeviceptr, size_t> memcpyDtoH;
  Entry<CUdeviceptr, CUdeviceptr, size_t> memcpyDtoD;
  Entry<CUdeviceptr, unsigned char, size_t> memsetD8;
  Entry<CUmodule *, const void *, unsigned, int *, void **> moduleLoadDataEx;
  Entry<CUmodule> moduleUnload;
  Entry<CUfunction *, CUmodule, const char *> moduleGetFunction;
  Entry<CUfunction, int, int> funcSetAttribute;
  Entry<CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,
        unsigned, CUstream, void **, void **>
      launchKernel;
  Entry<CUevent *, unsigned> eventCreate;
  Entry<CUevent, CUstream> eventRecord;
  Entry<CUevent> eventSynchronize;
  Entry<float *, CUevent, CUevent> eventElapsedTime;
  Entry<CUevent> eventDestroy;
  Entry<CUresult, const char **> getErrorName;
  Entry<CUresult, const char **> getErrorString;
};
} // namespace

/// Looks up the first of `names` that the library exports.
template <typename... Params>
static Error bind(Driver &driver, Entry<Params...> &entry,
                  std::initializer_list<const char *> names) {
  for (const char *name : names)
    if (void *symbol = dlsym(driver.handle, name)) {
      entry.fn = reinterpret_cast<CUresult (*)(Params...)>(symbol);
      entry.name = name;
      return Error::success();
    }
  return makeError("the CUDA driver " + driver.library + " has no " +
                   *names.begin() +
                   "; it is too old for Cascade (update the NVIDIA driver)");
}

static Error bindAll(Driver &d) {
  Error errors[] = {
      bind(d, d.init, {"cuInit"}),
      bind(d, d.deviceGetCount, {"cuDeviceGetCount"}),
      bind(d, d.deviceGet, {"cuDeviceGet"}),
      bind(d, d.deviceGetName, {"cuDeviceGetName"}),
      bind(d, d.deviceGetAttribute, {"cuDeviceGetAttribute"}),
      bind(d, d.primaryCtxRetain, {"cuDevicePrimaryCtxRetain"}),
      bind(d, d.primaryCtxRelease,
           {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"}),
      bind(d, d.ctxSetCurrent, {"cuCtxSetCurrent"}),
      bind(d, d.ctxSynchronize, {"cuCtxSynchronize"}),
      bind(d, d.memAlloc, {"cuMemAlloc_v2"}),
      bind(d, d.memFree, {"cuMemFree_v2"}),
      bind(d, d.memcpyHtoD, {"cuMemcpyHtoD_v2"}),
      bind(d, d.memcpyDtoH, {"cuMemcpyDtoH_v2"}),
      bind(d, d.memcpyDtoD, {"cuMemcpyDtoD_v2"}),
      bind(d, d.memsetD8, {"cuMemsetD8_v2"}),
      bind(d, d.moduleLoadDataEx, {"cuModuleLoadDataEx"}),
      bind(d, d.moduleUnload, {"cuModuleUnload"}),
      bind(d, d.moduleGetFunction, {"cuModuleGetFunction"}),
      bind(d, d.funcSetAttribute, {"cuFuncSetAttribute"}),
      bind(d, d.launchKernel, {"cuLaunchKernel"}),
      bind(d, d.eventCreate, {"cuEventCreate"}),
      bind(d, d.eventRecord, {"cuEventRecord"}),
      bind(d, d.eventSynchronize, {"cuEventSynchronize"}),
      bind(d, d.eventElapsedTime, {"cuEventElapsedTime"}),
      bind(d, d.eventDestroy, {"cuEventDestroy_v2", "cuEventDestroy"}),
      bind(d, d.getErrorName, {"cuGetErrorName"}),
      bind(d, d.getErrorString, {"cuGetErrorString"}),
  };
  Error all = Error::success();
  for (Error &e : errors)
    all = llvm::joinErrors(std::move(all), std::move(e));
  return all;
}

/// The driver, loaded on first use and kept for the life of the process
/// (unloading a CUDA driver is not supported); `loadError` says why not.
static Driver *loadDriver(std::string &loadError) {
  static std::string error;
  static Driver *driver = []() -> Driver * {
    const char *override = std::getenv("CASCADE_CUDA_DRIVER");
    bool overridden = override && *override;
    std::string library = overridden ? override : "libcuda.so.1";
    void *handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *why = dlerror();
      error = "no CUDA driver: cannot load " + library + " (" +
              (why ? why : "unknown reason") + ")" +
              (overridden ? " named by CASCADE_CUDA_DRIVER" : "") +
              "; --target=nvptx needs an NVIDIA GPU and its driver";
      return nullptr;
    }
    auto *d = new Driver();
    d->handle = handle;
    d->library = library;
    if (Error e = bindAll(*d)) {
      // Several missing entry points: one message per line.
      error = llvm::toString(std::move(e));
      delete d;
      dlclose(handle);
      return nullptr;
    }
    return d;
  }();
  loadError = error;
  return driver;
}

/// "call (what): CUDA_ERROR_X (description)", or success.
template <typename... Params, typename... Args>
static Error call(const Driver &d, const Entry<Params...> &entry,
                  const Twine &what, Args... args) {
  CUresult result = entry.fn(args...);
  if (result == kSuccess)
    return Error::success();
  const char *name = nullptr, *description = nullptr;
  if (d.getErrorName.fn(result, &name) != kSuccess || !name)
    name = nullptr;
  if (d.getErrorString.fn(result, &description) != kSuccess || !description)
    description = nullptr;
  std::string code =
      name ? std::string(name) : "CUDA error " + std::to_string(result);
  if (description)
    code += std::string(" (") + description + ")";
  std::string context = what.str();
  return makeError(Twine(entry.name) +
                   (context.empty() ? "" : " (" + context + ")") + ": " + code);
}

static Driver &driverOf() {
  std::string ignored;
  // Only reached through a Device, which exists only when loading worked.
  return *loadDriver(ignored);
}

namespace {
/// Device memory, freed when it goes out of scope.
struct DeviceMemory {
  CUdeviceptr ptr = 0;
  DeviceMemory() = default;
  DeviceMemory(DeviceMemory &&other) : ptr(other.ptr) { other.ptr = 0; }
  DeviceMemory &operator=(DeviceMemory &&) = delete;
  ~DeviceMemory() {
    if (ptr)
      driverOf().memFree.fn(ptr);
  }
  Error allocate(uint64_t bytes, const Twine &what) {
    // cuMemAlloc refuses 0 bytes; an empty tensor gets one unused byte.
    return call(driverOf(), driverOf().memAlloc, what, &ptr,
                size_t(std::max<uint64_t>(bytes, 1)));
  }
};

/// A loaded module, unloaded when it goes out of scope.
struct LoadedModule {
  CUmodule module = nullptr;
  ~LoadedModule() {
    if (module)
      driverOf().moduleUnload.fn(module);
  }
};

/// A pair of events around launches, destroyed when out of scope.
struct EventPair {
  CUevent start = nullptr, stop = nullptr;
  ~EventPair() {
    for (CUevent e : {start, stop})
      if (e)
        driverOf().eventDestroy.fn(e);
  }
  Error create() {
    const Driver &d = driverOf();
    if (Error e = call(d, d.eventCreate, "", &start, 0u))
      return e;
    return call(d, d.eventCreate, "", &stop, 0u);
  }
  /// Milliseconds taken by `work`, run between the two events.
  Expected<double> time(llvm::function_ref<Error()> work) {
    const Driver &d = driverOf();
    if (Error e = call(d, d.eventRecord, "", start, CUstream(nullptr)))
      return std::move(e);
    if (Error e = work())
      return std::move(e);
    if (Error e = call(d, d.eventRecord, "", stop, CUstream(nullptr)))
      return std::move(e);
    if (Error e = call(d, d.eventSynchronize, "", stop))
      return std::move(e);
    float ms = 0;
    if (Error e = call(d, d.eventElapsedTime, "", &ms, start, stop))
      return std::move(e);
    return double(ms);
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Device
//===----------------------------------------------------------------------===//

std::string DeviceInfo::chip() const {
  return "sm_" + std::to_string(computeCapability);
}

Expected<std::unique_ptr<Device>> Device::open(int ordinal) {
  std::string loadError;
  Driver *d = loadDriver(loadError);
  if (!d)
    return makeError(loadError);
  CUresult initResult = d->init.fn(0);
  if (initResult == kErrorNoDevice)
    return makeError("no CUDA device: the driver (" + d->library +
                     ") finds no NVIDIA GPU; --target=nvptx needs one");
  if (initResult != kSuccess) {
    Error e = call(*d, d->init, "", 0u);
    return makeError("the CUDA driver does not start: " +
                     llvm::toString(std::move(e)));
  }
  int count = 0;
  if (Error e = call(*d, d->deviceGetCount, "", &count))
    return std::move(e);
  if (count <= 0)
    return makeError("no CUDA device: the driver (" + d->library +
                     ") reports 0 devices; --target=nvptx needs an NVIDIA "
                     "GPU");
  if (ordinal < 0 || ordinal >= count)
    return makeError("no CUDA device " + Twine(ordinal) +
                     ": the driver "
                     "reports " +
                     Twine(count) + " (0 to " + Twine(count - 1) + ")");

  std::unique_ptr<Device> device(new Device());
  device->deviceInfo.ordinal = ordinal;
  if (Error e = call(*d, d->deviceGet, "", &device->device, ordinal))
    return std::move(e);
  char name[256] = {0};
  if (Error e = call(*d, d->deviceGetName, "", name, int(sizeof(name) - 1),
                     device->device))
    return std::move(e);
  device->deviceInfo.name = name;
  auto attribute = [&](int attr, const char *what) -> Expected<int> {
    int value = 0;
    if (Error e =
            call(*d, d->deviceGetAttribute, what, &value, attr, device->device))
      return std::move(e);
    return value;
  };
  Expected<int> major =
      attribute(kAttrComputeCapabilityMajor, "compute capability major");
  if (!major)
    return major.takeError();
  Expected<int> minor =
      attribute(kAttrComputeCapabilityMinor, "compute capability minor");
  if (!minor)
    return minor.takeError();
  device->deviceInfo.computeCapability = unsigned(*major * 10 + *minor);
  Expected<int> shared = attribute(kAttrMaxSharedMemoryPerBlockOptin,
                                   "max shared memory per block (opt-in)");
  if (!shared)
    return shared.takeError();
  device->deviceInfo.maxSharedMemoryPerBlock = uint64_t(*shared);
  Expected<int> threads =
      attribute(kAttrMaxThreadsPerBlock, "max threads per block");
  if (!threads)
    return threads.takeError();
  device->deviceInfo.maxThreadsPerBlock = unsigned(*threads);
  Expected<int> sms = attribute(kAttrMultiprocessorCount, "multiprocessors");
  if (!sms)
    return sms.takeError();
  device->deviceInfo.multiprocessors = unsigned(*sms);

  if (Error e =
          call(*d, d->primaryCtxRetain, "", &device->context, device->device))
    return std::move(e);
  if (Error e = call(*d, d->ctxSetCurrent, "", device->context))
    return std::move(e);
  return std::move(device);
}

Device::~Device() {
  if (context)
    driverOf().primaryCtxRelease.fn(device);
}

Error Device::checkChip(StringRef chip) const {
  Expected<unsigned> version = parseChip(chip);
  if (!version)
    return version.takeError();
  const DeviceInfo &i = deviceInfo;
  if (*version > i.computeCapability)
    return makeError(llvm::formatv(
        "code for {0} needs a GPU of compute capability {1}.{2} or newer; "
        "device {3} ({4}) has {5}.{6}: compile for --chip={7} or older",
        chip, *version / 10, *version % 10, i.ordinal, i.name,
        i.computeCapability / 10, i.computeCapability % 10, i.chip()));
  return Error::success();
}

static std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  return "[" +
         llvm::join(llvm::map_range(
                        shape, [](int64_t d) { return std::to_string(d); }),
                    ", ") +
         "]";
}

static bool sameParams(const KernelRecord &a, const KernelRecord &b) {
  return llvm::equal(a.params, b.params,
                     [](const KernelParam &x, const KernelParam &y) {
                       return x.name == y.name && x.kind == y.kind &&
                              x.dtype == y.dtype && x.shape == y.shape;
                     });
}

Expected<std::vector<size_t>>
cascade::runtime::cuda::orderKernels(llvm::ArrayRef<KernelRecord> records) {
  if (records.empty())
    return makeError("no kernel to run");
  size_t n = records.size();
  std::vector<size_t> order(n, n);
  for (auto [i, r] : llvm::enumerate(records)) {
    if (r.launches != n)
      return makeError(llvm::formatv(
          "kernel '{0}' is one of {1} launches, but {2} kernel(s) are given",
          r.kernel, r.launches, n));
    if (order[r.launchOrder] != n)
      return makeError(llvm::formatv("kernels '{0}' and '{1}' both have "
                                     "launch_order {2}",
                                     records[order[r.launchOrder]].kernel,
                                     r.kernel, r.launchOrder));
    order[r.launchOrder] = i;
    if (!sameParams(r, records.front()))
      return makeError("kernels '" + records.front().kernel + "' and '" +
                       r.kernel +
                       "' of one function take different parameters");
  }
  return order;
}

namespace {
/// One kernel, loaded, with what its launch needs.
struct LoadedKernel {
  const KernelRecord *record = nullptr;
  LoadedModule module;
  CUfunction function = nullptr;
  std::string what; ///< names it and its launch, for messages
};
} // namespace

/// Checks `record` against the device, JIT-compiles `ptx` (the JIT's logs
/// in the message when it fails) and finds the entry point.
static Error loadKernel(const Driver &d, const DeviceInfo &info,
                        const Device &device, const KernelRecord &record,
                        StringRef ptx, LoadedKernel &out) {
  std::string kernel = "kernel '" + record.kernel + "'";
  if (Error e = device.checkChip(record.chip))
    return makeError(kernel + ": " + llvm::toString(std::move(e)));
  uint64_t threads = uint64_t(record.threadsPerBlock[0]) *
                     record.threadsPerBlock[1] * record.threadsPerBlock[2];
  if (threads > info.maxThreadsPerBlock)
    return makeError(llvm::formatv("{0}: {1} threads per block; {2} allows "
                                   "at most {3}",
                                   kernel, threads, info.name,
                                   info.maxThreadsPerBlock));
  if (record.dynamicSharedMemoryBytes > info.maxSharedMemoryPerBlock)
    return makeError(llvm::formatv(
        "{0}: {1} bytes of dynamic shared memory per block; {2} allows at "
        "most {3}",
        kernel, record.dynamicSharedMemoryBytes, info.name,
        info.maxSharedMemoryPerBlock));

  out.record = &record;
  std::string text = ptx.str(); // NUL-terminated, as the driver needs
  std::vector<char> errorLog(16384, 0), infoLog(16384, 0);
  int jitOptions[] = {kJitErrorLogBuffer, kJitErrorLogBufferSizeBytes,
                      kJitInfoLogBuffer, kJitInfoLogBufferSizeBytes};
  void *jitValues[] = {
      errorLog.data(), reinterpret_cast<void *>(uintptr_t(errorLog.size() - 1)),
      infoLog.data(), reinterpret_cast<void *>(uintptr_t(infoLog.size() - 1))};
  if (Error e =
          call(d, d.moduleLoadDataEx,
               "JIT-compiling the PTX of " + kernel + " for " + info.chip(),
               &out.module.module, static_cast<const void *>(text.c_str()), 4u,
               jitOptions, jitValues)) {
    out.module.module = nullptr;
    std::string log = StringRef(errorLog.data()).trim().str();
    if (log.empty())
      log = StringRef(infoLog.data()).trim().str();
    return makeError(llvm::toString(std::move(e)) +
                     (log.empty() ? std::string("; the JIT wrote no log")
                                  : "\nJIT log:\n" + log));
  }
  if (Error e = call(d, d.moduleGetFunction,
                     "entry '" + record.kernel + "' in the PTX", &out.function,
                     out.module.module, record.kernel.c_str()))
    return e;
  if (record.dynamicSharedMemoryBytes > kDefaultSharedMemoryLimit)
    if (Error e = call(d, d.funcSetAttribute,
                       "dynamic shared memory of " + kernel + ", " +
                           Twine(record.dynamicSharedMemoryBytes) + " bytes",
                       out.function, kFuncAttrMaxDynamicSharedSizeBytes,
                       int(record.dynamicSharedMemoryBytes)))
      return e;
  out.what = llvm::formatv(
      "{0}, grid [{1}, {2}, {3}], block [{4}, {5}, {6}], {7} bytes of "
      "dynamic shared memory",
      kernel, record.grid[0], record.grid[1], record.grid[2],
      record.threadsPerBlock[0], record.threadsPerBlock[1],
      record.threadsPerBlock[2], record.dynamicSharedMemoryBytes);
  return Error::success();
}

Expected<KernelRun> Device::runKernel(const KernelRecord &record, StringRef ptx,
                                      const HostArrays &inputs,
                                      const RunOptions &options) {
  std::string text = ptx.str();
  return runKernels(record, text, inputs, options);
}

Expected<KernelRun> Device::runKernels(llvm::ArrayRef<KernelRecord> records,
                                       llvm::ArrayRef<std::string> ptx,
                                       const HostArrays &inputs,
                                       const RunOptions &options) {
  const Driver &d = driverOf();
  if (ptx.size() != records.size())
    return makeError(llvm::formatv("{0} kernel records but {1} PTX texts",
                                   records.size(), ptx.size()));
  Expected<std::vector<size_t>> order = orderKernels(records);
  if (!order)
    return order.takeError();
  const KernelRecord &first = records[order->front()];
  std::string kernel = "kernel '" + first.kernel + "'";

  // Every input given, with the parameter's dtype and shape, and nothing
  // else.
  std::vector<std::string> inputNames;
  for (const KernelParam &p : first.params)
    if (p.kind == KernelParam::Kind::Input)
      inputNames.push_back(p.name);
  for (const auto &entry : inputs) {
    const KernelParam *p = first.param(entry.getKey());
    if (!p || p->kind != KernelParam::Kind::Input)
      return makeError(kernel + " has no input '" + entry.getKey() +
                       "' (inputs: " + llvm::join(inputNames, ", ") + ")");
  }
  for (const KernelParam &p : first.params) {
    if (p.kind != KernelParam::Kind::Input)
      continue;
    const NpyArray *a = inputs.lookup(p.name);
    if (!a)
      return makeError(kernel + ": no array for input '" + p.name + "'");
    if (a->dtype != p.dtype)
      return makeError(kernel + ": input '" + p.name + "' is " +
                       dtypeName(a->dtype) + ", the kernel takes " +
                       dtypeName(p.dtype));
    if (a->shape != p.shape)
      return makeError(kernel + ": input '" + p.name + "' has shape " +
                       shapeText(a->shape) + ", the kernel takes " +
                       shapeText(p.shape));
    if (a->data.size() != p.byteSize())
      return makeError(kernel + ": input '" + p.name + "' holds " +
                       Twine(a->data.size()) + " bytes, not " +
                       Twine(p.byteSize()));
  }

  std::vector<LoadedKernel> kernels(records.size());
  for (auto [i, index] : llvm::enumerate(*order))
    if (Error e = loadKernel(d, deviceInfo, *this, records[index], ptx[index],
                             kernels[i]))
      return std::move(e);

  // Device buffers, in parameter order: the kernels' arguments.
  std::vector<DeviceMemory> buffers(first.params.size());
  std::vector<CUdeviceptr> pointers(first.params.size());
  std::vector<void *> arguments(first.params.size());
  for (auto [i, p] : llvm::enumerate(first.params)) {
    const char *kind = p.kind == KernelParam::Kind::Input    ? "input"
                       : p.kind == KernelParam::Kind::Output ? "output"
                                                             : "scratch";
    std::string what = std::string(kind) + " '" + p.name + "', " +
                       std::to_string(p.byteSize()) + " bytes";
    if (Error e = buffers[i].allocate(p.byteSize(), what))
      return std::move(e);
    if (p.kind == KernelParam::Kind::Input) {
      if (p.byteSize() > 0)
        if (Error e = call(
                d, d.memcpyHtoD, what, buffers[i].ptr,
                static_cast<const void *>(inputs.lookup(p.name)->data.data()),
                size_t(p.byteSize())))
          return std::move(e);
    } else if (p.byteSize() > 0) {
      if (Error e =
              call(d, d.memsetD8, what, buffers[i].ptr,
                   static_cast<unsigned char>(options.poisonOutputs ? 0xff : 0),
                   size_t(p.byteSize())))
        return std::move(e);
    }
    pointers[i] = buffers[i].ptr;
    arguments[i] = &pointers[i];
  }

  // One run: every kernel, in launch order, on the same stream.
  auto launchAll = [&]() -> Error {
    for (const LoadedKernel &k : kernels) {
      const KernelRecord &r = *k.record;
      if (Error e =
              call(d, d.launchKernel, k.what, k.function, r.grid[0], r.grid[1],
                   r.grid[2], r.threadsPerBlock[0], r.threadsPerBlock[1],
                   r.threadsPerBlock[2], unsigned(r.dynamicSharedMemoryBytes),
                   CUstream(nullptr), arguments.data(),
                   static_cast<void **>(nullptr)))
        return e;
    }
    return Error::success();
  };
  if (Error e = launchAll())
    return std::move(e);
  // Faults inside a kernel surface here.
  std::string running = kernel;
  if (kernels.size() > 1)
    running = "the " + std::to_string(kernels.size()) + " kernels of '" +
              (first.function.empty() ? first.kernel : first.function) + "'";
  if (Error e = call(d, d.ctxSynchronize, "running " + running))
    return std::move(e);

  KernelRun run;
  for (auto [i, p] : llvm::enumerate(first.params)) {
    if (p.kind != KernelParam::Kind::Output)
      continue;
    NpyArray out;
    out.dtype = p.dtype;
    out.shape = p.shape;
    out.data.resize(p.byteSize());
    if (p.byteSize() > 0)
      if (Error e = call(d, d.memcpyDtoH, "output '" + p.name + "'",
                         static_cast<void *>(out.data.data()), buffers[i].ptr,
                         size_t(p.byteSize())))
        return std::move(e);
    run.outputs[p.name] = std::move(out);
  }

  if (options.repeat > 0) {
    EventPair events;
    if (Error e = events.create())
      return std::move(e);
    for (unsigned r = 0; r < options.repeat; ++r) {
      Expected<double> ms = events.time(launchAll);
      if (!ms)
        return ms.takeError();
      run.timesMs.push_back(*ms);
    }
  }
  return std::move(run);
}

Expected<double> Device::copyBandwidthGBs(uint64_t bytes, unsigned repeat) {
  const Driver &d = driverOf();
  DeviceMemory from, to;
  std::string what = std::to_string(bytes) + " bytes for the bandwidth probe";
  if (Error e = from.allocate(bytes, what))
    return std::move(e);
  if (Error e = to.allocate(bytes, what))
    return std::move(e);
  if (Error e =
          call(d, d.memsetD8, what, from.ptr, (unsigned char)1, size_t(bytes)))
    return std::move(e);
  auto copy = [&]() -> Error {
    return call(d, d.memcpyDtoD, what, to.ptr, from.ptr, size_t(bytes));
  };
  if (Error e = copy()) // warm-up
    return std::move(e);
  EventPair events;
  if (Error e = events.create())
    return std::move(e);
  std::vector<double> times;
  for (unsigned r = 0; r < std::max(1u, repeat); ++r) {
    Expected<double> ms = events.time(copy);
    if (!ms)
      return ms.takeError();
    times.push_back(*ms);
  }
  std::sort(times.begin(), times.end());
  double median = times[times.size() / 2];
  if (median <= 0)
    return makeError("the bandwidth probe measured no time");
  return 2.0 * double(bytes) / (median * 1e-3) * 1e-9;
}
