//===- Npy.h - NumPy .npy array file reading and writing --------*- C++ -*-===//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//
//
// A small, dependency-free reader and writer for the NumPy .npy format
// (versions 1.0, 2.0 and 3.0). Only little-endian, C-order arrays of the
// element types in DType are supported; anything else is rejected with an
// llvm::Error that names the file and what was wrong.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_RUNTIME_NPY_H
#define CASCADE_RUNTIME_NPY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cascade {
namespace runtime {

/// Element types of arrays handled by the runtime.
///
/// BF16 exists for in-memory use only: .npy has no standard descr for it, so
/// it can neither be read from nor written to a .npy file.
enum class DType { F16, BF16, F32, F64, I8, I32, I64, Bool };

/// Returns a short lowercase name of \p dtype: "f16", "bf16", "f32", "f64",
/// "i8", "i32", "i64" or "bool".
llvm::StringRef dtypeName(DType dtype);

/// Returns the size in bytes of one element of \p dtype.
size_t dtypeSize(DType dtype);

/// A dense N-d array as stored in a .npy file.
struct NpyArray {
  DType dtype = DType::F32;
  /// Dimensions, outermost first. Empty for a 0-d (scalar) array.
  std::vector<int64_t> shape;
  /// Elements in C order, little-endian, tightly packed; its size is
  /// numElements() * dtypeSize(dtype).
  std::vector<char> data;

  /// Returns the product of the dimensions (1 for a 0-d array), or -1 if a
  /// dimension is negative or the product overflows int64_t.
  int64_t numElements() const;
};

/// Reads and validates the .npy file at \p path.
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);

/// Parses the complete contents \p bytes of a .npy file. \p nameForErrors
/// (usually the file path) prefixes every error message.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef bytes,
                                  llvm::StringRef nameForErrors);

/// Writes \p array to \p path as a version 1.0 .npy file (version 2.0 only if
/// the header would not fit in 64 KiB), with the data aligned to 64 bytes.
/// Fails for BF16 arrays and for arrays whose data size does not match their
/// shape.
llvm::Error writeNpy(llvm::StringRef path, const NpyArray &array);

} // namespace runtime
} // namespace cascade

#endif // CASCADE_RUNTIME_NPY_H
