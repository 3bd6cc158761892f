//===- Diagnostics.h - Collecting diagnostics as text -----------*- C++ -*-===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// For the library entry points (compileForHost, the C API, Python) that
// report problems as error values rather than on a stream.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_SUPPORT_DIAGNOSTICS_H
#define CASCADE_SUPPORT_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace cascade {

/// Collects the error diagnostics emitted on `context` while it lives, as
/// lines `file:line:col: error: message` (notes follow as `note:` lines);
/// remarks and warnings go on to the context's other handlers.
class ErrorCollector {
public:
  explicit ErrorCollector(mlir::MLIRContext *context);

  /// The collected errors, or `fallback` when there were none.
  std::string take(llvm::StringRef fallback) const;

private:
  std::string errors;
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace cascade

#endif // CASCADE_SUPPORT_DIAGNOSTICS_H
