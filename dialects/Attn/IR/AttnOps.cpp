//===- AttnOps.cpp - attn dialect operations --------------------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "dialects/Attn/IR/AttnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace cascade::attn;

#include "dialects/Attn/IR/AttnDialect.cpp.inc"
#include "dialects/Attn/IR/AttnEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Attn/IR/AttnAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/Attn/IR/AttnOps.cpp.inc"

void AttnDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Attn/IR/AttnAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/Attn/IR/AttnOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

double AttentionOp::getEffectiveScale() {
  if (std::optional<APFloat> s = getScale())
    return s->convertToDouble();
  int64_t d = getQ().getType().getDimSize(3);
  return 1.0 / std::sqrt(static_cast<double>(d));
}

static bool isSupportedElementType(Type t) {
  return t.isF32() || t.isF16() || t.isBF16();
}

/// Names of the dimensions, for diagnostics.
static const char *const kQNames[] = {"B", "Hq", "N", "D"};
static const char *const kKNames[] = {"B", "Hkv", "M", "D"};
static const char *const kVNames[] = {"B", "Hkv", "M", "Dv"};
static const char *const kONames[] = {"B", "Hq", "N", "Dv"};

LogicalResult AttentionOp::verify() {
  struct Operand {
    const char *name;
    RankedTensorType type;
    const char *const *dims;
  };
  Operand operands[] = {{"q", getQ().getType(), kQNames},
                        {"k", getK().getType(), kKNames},
                        {"v", getV().getType(), kVNames},
                        {"result", getResult().getType(), kONames}};
  for (const Operand &o : operands) {
    if (o.type.getRank() != 4)
      return emitOpError() << o.name << " must have rank 4 [" << o.dims[0]
                           << ", " << o.dims[1] << ", " << o.dims[2] << ", "
                           << o.dims[3] << "], found rank " << o.type.getRank()
                           << " (" << o.type << ")";
    if (!isSupportedElementType(o.type.getElementType()))
      return emitOpError() << o.name
                           << " element type must be f32, f16 or bf16, found "
                           << o.type.getElementType();
  }
  Type elt = getQ().getType().getElementType();
  for (const Operand &o : operands)
    if (o.type.getElementType() != elt)
      return emitOpError() << o.name << " element type "
                           << o.type.getElementType()
                           << " differs from q element type " << elt;

  for (const Operand &o : operands)
    for (int i = 0; i < 4; ++i)
      if (o.type.getDimSize(i) == 0 && i != 2)
        return emitOpError() << o.name << " dimension " << i << " ("
                             << o.dims[i] << ") must be non-zero";

  // Each check: (operand a, dim i) must equal (operand b, dim j).
  struct Tie {
    int a, i, b, j;
  };
  static const Tie ties[] = {{1, 0, 0, 0}, {2, 0, 0, 0}, {1, 3, 0, 3},
                             {2, 1, 1, 1}, {2, 2, 1, 2}, {3, 0, 0, 0},
                             {3, 1, 0, 1}, {3, 2, 0, 2}, {3, 3, 2, 3}};
  for (const Tie &t : ties) {
    int64_t x = operands[t.a].type.getDimSize(t.i);
    int64_t y = operands[t.b].type.getDimSize(t.j);
    if (ShapedType::isDynamic(x) || ShapedType::isDynamic(y) || x == y)
      continue;
    return emitOpError() << operands[t.a].name << " dimension " << t.i << " ("
                         << operands[t.a].dims[t.i] << ") must equal "
                         << operands[t.b].name << " dimension " << t.j << " ("
                         << operands[t.b].dims[t.j] << ") = " << y << ", found "
                         << x;
  }

  int64_t hq = getQ().getType().getDimSize(1);
  int64_t hkv = getK().getType().getDimSize(1);
  if (!ShapedType::isDynamic(hq) && !ShapedType::isDynamic(hkv) &&
      hq % hkv != 0)
    return emitOpError() << "query heads Hq = " << hq
                         << " must be a multiple of key/value heads Hkv = "
                         << hkv;
  if (ShapedType::isDynamic(hq) || ShapedType::isDynamic(hkv))
    return emitOpError() << "the head counts Hq and Hkv must be static, found "
                         << getQ().getType() << " and " << getK().getType();

  if (std::optional<APFloat> s = getScale()) {
    double d = s->convertToDouble();
    if (!std::isfinite(d))
      return emitOpError() << "scale must be finite, found " << d;
  } else if (ShapedType::isDynamic(getQ().getType().getDimSize(3))) {
    return emitOpError()
           << "the default scale 1/sqrt(D) needs a static head dimension D; "
              "give `scale` explicitly";
  }
  return success();
}
