//===- cascade-opt.cpp - mlir-opt with every Cascade dialect and pass -----===//
//
// Part of Cascade. The driver lit tests run: every Cascade dialect and pass,
// plus the upstream dialects and passes Cascade's pipelines use.
//
//===----------------------------------------------------------------------===//

#include "cascade/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  cascade::registerCascadeDialects(registry);
  cascade::registerCascadeDependentDialects(registry);
  // The upstream passes, so lit tests can run any stage of the pipelines.
  mlir::registerAllPasses();
  cascade::registerCascadePasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Cascade optimizer driver\n", registry));
}
