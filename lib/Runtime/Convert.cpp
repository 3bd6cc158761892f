//===- Convert.cpp - Half-precision conversions on the host ---------------===//
//
// Part of the Cascade project.
//
//===----------------------------------------------------------------------===//
//
// The narrowing conversions work on the bit patterns. An f32 is
// sign | 8-bit exponent (bias 127) | 23-bit fraction; an f16 is
// sign | 5-bit exponent (bias 15) | 10-bit fraction; a bf16 is the upper half
// of an f32. Rounding drops the low fraction bits and adds one unit in the
// last kept place when the dropped part is above half a unit, or exactly half
// and the kept part is odd; a carry out of the fraction correctly bumps the
// exponent (up to infinity).
//
//===----------------------------------------------------------------------===//

#include "cascade/Runtime/Convert.h"

#include "llvm/ADT/Twine.h"
#include "llvm/ADT/bit.h"

#include <cstring>

using namespace cascade::runtime;

/// Drops the low `shift` bits of `bits`, rounding to nearest even.
static uint32_t roundShiftRightEven(uint32_t bits, unsigned shift) {
  uint32_t kept = bits >> shift;
  uint32_t dropped = bits & ((uint32_t(1) << shift) - 1);
  uint32_t half = uint32_t(1) << (shift - 1);
  if (dropped > half || (dropped == half && (kept & 1)))
    ++kept;
  return kept;
}

uint16_t cascade::runtime::floatToHalf(float value) {
  uint32_t x = llvm::bit_cast<uint32_t>(value);
  uint16_t sign = (x >> 16) & 0x8000;
  uint32_t magnitude = x & 0x7fffffff;
  if (magnitude >= 0x7f800000) {
    // Infinity stays infinity; NaN keeps the top of its payload, quieted.
    if (magnitude == 0x7f800000)
      return sign | 0x7c00;
    return sign | 0x7e00 | ((magnitude >> 13) & 0x1ff);
  }
  // 65520 = 65504 (the largest f16) + half a unit: rounds up to infinity.
  if (magnitude >= 0x477ff000)
    return sign | 0x7c00;
  if (magnitude >= 0x38800000) {
    // A normal f16 (>= 2^-14): rebias the exponent, round the fraction to
    // 10 bits.
    uint32_t rebiased = magnitude - ((127 - 15) << 23);
    return sign | uint16_t(roundShiftRightEven(rebiased, 13));
  }
  // Below 2^-25 everything rounds to zero (2^-25 itself is a tie with 0).
  if (magnitude < 0x33000000)
    return sign;
  // A subnormal f16 counts units of 2^-24. The f32 is (1.fraction) *
  // 2^(e - 127), i.e. the 24-bit significand times 2^(e - 150), which is the
  // significand shifted right by 126 - e units of 2^-24. A result of 0x400
  // is the smallest normal, encoded correctly as it stands.
  uint32_t exponent = magnitude >> 23;
  uint32_t significand = (magnitude & 0x7fffff) | 0x800000;
  return sign | uint16_t(roundShiftRightEven(significand, 126 - exponent));
}

float cascade::runtime::halfToFloat(uint16_t bits) {
  uint32_t sign = uint32_t(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t fraction = bits & 0x3ff;
  uint32_t out;
  if (exponent == 0x1f) {
    out = sign | 0x7f800000 | (fraction << 13);
  } else if (exponent != 0) {
    out = sign | ((exponent + 127 - 15) << 23) | (fraction << 13);
  } else if (fraction == 0) {
    out = sign;
  } else {
    // Subnormal: fraction * 2^-24. Normalize so that bit 10 is the implicit
    // one; each shift lowers the exponent from that of 2^-14.
    uint32_t e = 127 - 14;
    while (!(fraction & 0x400)) {
      fraction <<= 1;
      --e;
    }
    out = sign | (e << 23) | ((fraction & 0x3ff) << 13);
  }
  return llvm::bit_cast<float>(out);
}

uint16_t cascade::runtime::floatToBFloat16(float value) {
  uint32_t x = llvm::bit_cast<uint32_t>(value);
  if ((x & 0x7fffffff) > 0x7f800000)
    return uint16_t((x >> 16) | 0x40); // NaN, quieted
  return uint16_t(roundShiftRightEven(x, 16));
}

float cascade::runtime::bfloat16ToFloat(uint16_t bits) {
  return llvm::bit_cast<float>(uint32_t(bits) << 16);
}

double cascade::runtime::elementAsDouble(const NpyArray &a, int64_t i) {
  const char *p = a.data.data() + i * dtypeSize(a.dtype);
  auto load = [p](auto zero) {
    decltype(zero) v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  };
  switch (a.dtype) {
  case DType::F16:
    return halfToFloat(load(uint16_t()));
  case DType::BF16:
    return bfloat16ToFloat(load(uint16_t()));
  case DType::F32:
    return load(float());
  case DType::F64:
    return load(double());
  case DType::I8:
    return load(int8_t());
  case DType::I32:
    return load(int32_t());
  case DType::I64:
    return double(load(int64_t()));
  case DType::Bool:
    return *p ? 1.0 : 0.0;
  }
  return 0.0;
}

llvm::Expected<NpyArray> cascade::runtime::convertArray(const NpyArray &array,
                                                        DType to) {
  if (array.dtype == to)
    return array;
  auto isFloat = [](DType t) {
    return t == DType::F16 || t == DType::BF16 || t == DType::F32;
  };
  bool supported = (isFloat(array.dtype) && isFloat(to)) ||
                   (array.dtype == DType::F64 && to == DType::F32);
  if (!supported)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        llvm::Twine("cannot convert ") + dtypeName(array.dtype) + " to " +
            dtypeName(to) +
            " (conversions are between f32, f16 and bf16, and f64 to f32)");
  NpyArray out;
  out.dtype = to;
  out.shape = array.shape;
  int64_t n = array.numElements();
  out.data.resize(n * dtypeSize(to));
  for (int64_t i = 0; i < n; ++i) {
    // Every source value is exact in f32, except f64 (rounded once).
    float v = float(elementAsDouble(array, i));
    char *dst = out.data.data() + i * dtypeSize(to);
    if (to == DType::F32) {
      std::memcpy(dst, &v, sizeof(v));
    } else {
      uint16_t bits = to == DType::F16 ? floatToHalf(v) : floatToBFloat16(v);
      std::memcpy(dst, &bits, sizeof(bits));
    }
  }
  return out;
}
