//===- Convert.h - Half-precision conversions on the host -------*- C++ -*-===//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//
//
// f32 <-> f16 (IEEE binary16) and f32 <-> bf16 conversions for preparing GPU
// kernel inputs and reading their outputs. Narrowing rounds to nearest, ties
// to even, as the hardware's cvt.rn does: values beyond the largest finite
// f16 become infinities, tiny ones become subnormals or signed zeros, and a
// NaN stays a (quiet) NaN. Widening is exact.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_RUNTIME_CONVERT_H
#define CASCADE_RUNTIME_CONVERT_H

#include "cascade/Runtime/Npy.h"

#include "llvm/Support/Error.h"

#include <cstdint>

namespace cascade {
namespace runtime {

/// The f16 bit pattern nearest to \p value (ties to even).
uint16_t floatToHalf(float value);
/// The value of the f16 bit pattern \p bits.
float halfToFloat(uint16_t bits);
/// The bf16 bit pattern nearest to \p value (ties to even).
uint16_t floatToBFloat16(float value);
/// The value of the bf16 bit pattern \p bits.
float bfloat16ToFloat(uint16_t bits);

/// \p array with its elements converted to \p to. Supported: between f32,
/// f16 and bf16 (narrowing rounds to nearest even), f64 to f32, and to the
/// same type (a copy). Other pairs fail with a message naming both types.
llvm::Expected<NpyArray> convertArray(const NpyArray &array, DType to);

/// Element \p index of a floating-point or integer \p array as a double.
double elementAsDouble(const NpyArray &array, int64_t index);

} // namespace runtime
} // namespace cascade

#endif // CASCADE_RUNTIME_CONVERT_H
