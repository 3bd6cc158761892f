//===- Registration.cpp - Registering Cascade dialects and passes ---------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "cascade/Registration.h"

#include "dialects/Attn/IR/AttnOps.h"
#include "dialects/Attn/Transforms/Passes.h"
#include "dialects/Ein/IR/EinOps.h"
#include "dialects/Ein/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

void cascade::registerCascadeDialects(mlir::DialectRegistry &registry) {
  registry.insert<attn::AttnDialect, ein::EinDialect>();
}

void cascade::registerCascadeDependentDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::math::MathDialect, mlir::tensor::TensorDialect>();
}

void cascade::registerCascadePasses() {
  attn::registerAttnPasses();
  ein::registerEinPasses();
}
