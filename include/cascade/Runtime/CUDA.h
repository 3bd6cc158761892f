//===- CUDA.h - Launching compiled kernels through the CUDA driver -*- C++ -*-//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//
//
// The host side of the NVIDIA flow: the kernel records that
// `cascade::compileToPTX` writes (see cascade/Target/PTX.h for the record and
// the kernel ABI), and a small runtime that loads the CUDA driver, JIT-loads a
// kernel's PTX, moves the tensors and launches it.
//
// The driver is opened at run time with dlopen("libcuda.so.1"), so neither
// building nor linking needs CUDA, and a machine without a GPU gets an
// llvm::Error that says so. Every driver failure is an llvm::Error naming the
// call and its CUresult (e.g. "cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (out
// of memory)"); nothing asserts or aborts. The environment variable
// CASCADE_CUDA_DRIVER names another library to load instead of libcuda.so.1.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_RUNTIME_CUDA_H
#define CASCADE_RUNTIME_CUDA_H

#include "cascade/Runtime/Npy.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace llvm::json {
class Value;
} // namespace llvm::json

namespace cascade {
namespace runtime {
namespace cuda {

/// One parameter of a kernel: a dense row-major tensor in device memory.
/// Scratch parameters hold what one kernel of a function passes to the next
/// (split-KV's partial states); the launcher allocates them.
struct KernelParam {
  enum class Kind { Input, Output, Scratch };
  std::string name;
  Kind kind = Kind::Input;
  /// f16, bf16, f32, i32, i64, or Bool for the record's "i1" (one byte per
  /// element).
  DType dtype = DType::F32;
  std::vector<int64_t> shape;

  int64_t numElements() const;
  uint64_t byteSize() const;
};

/// A kernel record (`NAME.json`), validated.
struct KernelRecord {
  std::string kernel;       ///< entry symbol in the PTX
  std::string function;     ///< the source function ("" when absent)
  std::string ptxFile;      ///< file name of the PTX, beside the record
  std::string chip;         ///< "sm_80"
  unsigned chipVersion = 0; ///< 80 for sm_80, 90 for sm_90a
  std::array<unsigned, 3> threadsPerBlock = {1, 1, 1};
  std::array<unsigned, 3> grid = {1, 1, 1};
  uint64_t dynamicSharedMemoryBytes = 0;
  std::string variant; ///< "" when absent
  /// Position of this kernel among the `launches` kernels of its function,
  /// which run in that order on the same buffers (0 of 1 when absent).
  unsigned launchOrder = 0, launches = 1;
  std::vector<KernelParam> params;

  /// The parameter named \p name, or null.
  const KernelParam *param(llvm::StringRef name) const;
};

/// Validates a parsed record. \p nameForErrors (usually the file) prefixes
/// every message, e.g. "k.json: field 'grid' must be a list of 3 positive
/// integers".
llvm::Expected<KernelRecord> parseKernelRecord(const llvm::json::Value &json,
                                               llvm::StringRef nameForErrors);
/// Parses JSON text, then validates it as above.
llvm::Expected<KernelRecord> parseKernelRecord(llvm::StringRef text,
                                               llvm::StringRef nameForErrors);
/// Reads and validates the record file at \p path.
llvm::Expected<KernelRecord> readKernelRecord(llvm::StringRef path);
/// Reads the PTX named by \p record, beside the record file \p recordPath.
llvm::Expected<std::string> readKernelPTX(const KernelRecord &record,
                                          llvm::StringRef recordPath);

/// The record's name of \p dtype: "f16", "bf16", "f32", "i1", "i32", "i64"
/// (else the runtime's own name).
llvm::StringRef recordDTypeName(DType dtype);

/// The compute capability that a chip name needs, as major * 10 + minor:
/// "sm_80" -> 80, "sm_90a" -> 90, "sm_100" -> 100.
llvm::Expected<unsigned> parseChip(llvm::StringRef chip);

/// Host arrays by parameter name.
using HostArrays = llvm::StringMap<const NpyArray *>;

/// Checks that \p records are the kernels of one function: launch orders 0
/// to n - 1 once each, `launches` = n in every record, and the same
/// parameter list in every record. Returns the records' indices in launch
/// order.
llvm::Expected<std::vector<size_t>>
orderKernels(llvm::ArrayRef<KernelRecord> records);

/// How runKernels launches.
struct RunOptions {
  /// Timed runs after the first (which produces the outputs and warms up);
  /// 0 times nothing. A run launches every kernel of the function.
  unsigned repeat = 0;
  /// Fill the outputs and scratch buffers with 0xff bytes before the first
  /// run (NaN for floats), so that elements a kernel fails to write show up
  /// in a check.
  bool poisonOutputs = true;
};

/// What runKernels returns.
struct KernelRun {
  /// The outputs, by name, in the record's dtype (f16 and bf16 as such).
  llvm::StringMap<NpyArray> outputs;
  /// Milliseconds of each timed run, measured with CUDA events.
  std::vector<double> timesMs;
};

/// What the driver says about a device.
struct DeviceInfo {
  int ordinal = 0;
  std::string name;
  /// major * 10 + minor, e.g. 80 for an A100, 90 for an H100.
  unsigned computeCapability = 0;
  /// The most shared memory a block may opt into, in bytes.
  uint64_t maxSharedMemoryPerBlock = 0;
  /// The most threads in a block.
  unsigned maxThreadsPerBlock = 0;
  /// Streaming multiprocessors.
  unsigned multiprocessors = 0;

  /// "sm_80" for compute capability 8.0.
  std::string chip() const;
};

/// A CUDA device with its primary context current on the calling thread.
/// Holding one keeps the driver loaded and the context retained.
class Device {
public:
  /// Loads the driver, initializes it and takes device \p ordinal. Fails,
  /// with a message a user can act on, when the driver library cannot be
  /// loaded, reports no device, or lacks an entry point.
  static llvm::Expected<std::unique_ptr<Device>> open(int ordinal = 0);
  ~Device();
  Device(const Device &) = delete;
  Device &operator=(const Device &) = delete;

  const DeviceInfo &info() const { return deviceInfo; }

  /// Fails unless this device can run code compiled for \p chip ("sm_80"):
  /// its compute capability must be at least the chip's.
  llvm::Error checkChip(llvm::StringRef chip) const;

  /// Runs the kernels of one function (\p records, in any order, with their
  /// PTX in \p ptx at the same positions; see orderKernels): loads each
  /// PTX, allocates every parameter once, copies \p inputs in (one array
  /// per input parameter, by name, of the parameter's dtype and shape),
  /// launches the kernels in launch order, copies the outputs back, then
  /// repeats the launches `options.repeat` more times, each run timed with
  /// events. Device memory and modules are freed on every path.
  llvm::Expected<KernelRun> runKernels(llvm::ArrayRef<KernelRecord> records,
                                       llvm::ArrayRef<std::string> ptx,
                                       const HostArrays &inputs,
                                       const RunOptions &options = {});
  /// runKernels for a function of one kernel.
  llvm::Expected<KernelRun> runKernel(const KernelRecord &record,
                                      llvm::StringRef ptx,
                                      const HostArrays &inputs,
                                      const RunOptions &options = {});

  /// Device-to-device copy bandwidth in GB/s (bytes read plus bytes
  /// written, per second), the median of \p repeat copies of \p bytes: the
  /// practical ceiling of a memory-bound kernel such as decode.
  llvm::Expected<double> copyBandwidthGBs(uint64_t bytes, unsigned repeat);

private:
  Device() = default;
  DeviceInfo deviceInfo;
  int device = 0;
  void *context = nullptr;
};

} // namespace cuda
} // namespace runtime
} // namespace cascade

#endif // CASCADE_RUNTIME_CUDA_H
