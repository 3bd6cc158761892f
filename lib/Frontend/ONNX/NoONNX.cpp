//===- NoONNX.cpp - The importer's interface without libonnx --------------===//
//
// Part of Cascade. Built in place of ImportONNX.cpp when CMake did not find
// ONNX (libonnx-dev, libprotobuf-dev): every import fails with a diagnostic.
//
//===----------------------------------------------------------------------===//

#include "cascade/Frontend/ONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;

bool cascade::isONNXImportAvailable() { return false; }

void cascade::registerONNXImportDialects(DialectRegistry &registry) {
  registry.insert<func::FuncDialect>();
}

OwningOpRef<ModuleOp> cascade::importONNXBuffer(llvm::StringRef,
                                                llvm::StringRef bufferName,
                                                MLIRContext *context,
                                                const ONNXImportOptions &) {
  emitError(FileLineColLoc::get(context, bufferName, 0, 0))
      << "this Cascade was built without the ONNX importer (install "
         "libonnx-dev and libprotobuf-dev, scripts/setup.sh, and rebuild)";
  return nullptr;
}

OwningOpRef<ModuleOp>
cascade::importONNXFile(llvm::StringRef path, MLIRContext *context,
                        const ONNXImportOptions &options) {
  return importONNXBuffer("", path, context, options);
}

std::string cascade::addInputShape(ONNXImportOptions &options,
                                   llvm::StringRef spec) {
  return "";
}
