//===- ONNX.h - Importing ONNX models into MLIR -----------------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// Reads an ONNX model (`.onnx`, opsets 13 to 17 and most earlier ones) into
// a module holding one function, `@main`, written with `func`, `tosa` and
// `tosa.const` initializers. Every shape is static: the shape-computing parts
// of the graph (`Shape`, `Gather`, `Concat`, `Range`, ... on constants) are
// evaluated while importing, and graph inputs with a symbolic dimension need
// a size from `ImportOptions::inputShapes`. Graph input and output names are
// kept as the `cascade.name` attribute of the function's arguments and
// results, which `cascade-run` matches `--input NAME=FILE.npy` against.
//
// Errors (a corrupt file, an unsupported operator, a shape that cannot be
// resolved) are emitted as diagnostics on the context naming the node (its
// name, operator and position in the graph) and give a null module.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_FRONTEND_ONNX_H
#define CASCADE_FRONTEND_ONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class MLIRContext;
class DialectRegistry;
} // namespace mlir

namespace cascade {

struct ONNXImportOptions {
  /// Sizes for graph inputs whose shape the model leaves symbolic, by input
  /// name (`x -> {2, 11, 32}`). A size given for an input with a static shape
  /// must agree with it.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Name of the function the graph becomes.
  std::string functionName = "main";
};

/// Whether Cascade was built with the ONNX importer (Debian's libonnx-dev).
bool isONNXImportAvailable();

/// The dialects an imported module uses, to register before importing.
void registerONNXImportDialects(mlir::DialectRegistry &registry);

/// Imports the ONNX model in `path`. Diagnostics go to `context`'s
/// diagnostic engine; returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(llvm::StringRef path, mlir::MLIRContext *context,
               const ONNXImportOptions &options = {});

/// Imports a serialized ONNX model held in memory; `bufferName` names it in
/// diagnostics.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXBuffer(llvm::StringRef buffer, llvm::StringRef bufferName,
                 mlir::MLIRContext *context,
                 const ONNXImportOptions &options = {});

/// Parses a `--input-shape` value, `NAME=D0xD1x...`, into `options`.
/// Returns an error message, empty on success.
std::string addInputShape(ONNXImportOptions &options, llvm::StringRef spec);

} // namespace cascade

#endif // CASCADE_FRONTEND_ONNX_H
