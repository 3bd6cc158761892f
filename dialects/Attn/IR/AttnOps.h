//===- AttnOps.h - attn dialect operations ----------------------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_DIALECTS_ATTN_IR_ATTNOPS_H
#define CASCADE_DIALECTS_ATTN_IR_ATTNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Attn/IR/AttnDialect.h.inc"
#include "dialects/Attn/IR/AttnEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Attn/IR/AttnAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/Attn/IR/AttnOps.h.inc"

#endif // CASCADE_DIALECTS_ATTN_IR_ATTNOPS_H
