//===- Diagnostics.cpp - Collecting diagnostics as text -------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "cascade/Support/Diagnostics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

using llvm::StringRef;

/// `loc` as `file:line:col` when it has a file position, else as MLIR
/// prints it.
static std::string formatLocation(mlir::Location loc) {
  std::string text;
  loc->walk([&](mlir::Location inner) {
    if (auto fileLoc = llvm::dyn_cast<mlir::FileLineColLoc>(inner)) {
      text = (fileLoc.getFilename().getValue() + ":" +
              llvm::Twine(fileLoc.getLine()) + ":" +
              llvm::Twine(fileLoc.getColumn()))
                 .str();
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  if (text.empty()) {
    llvm::raw_string_ostream os(text);
    os << loc;
  }
  return text;
}

cascade::ErrorCollector::ErrorCollector(mlir::MLIRContext *context)
    : handler(context, [this](mlir::Diagnostic &diag) {
        if (diag.getSeverity() != mlir::DiagnosticSeverity::Error)
          return mlir::failure();
        llvm::raw_string_ostream os(errors);
        if (!errors.empty())
          os << '\n';
        os << formatLocation(diag.getLocation()) << ": error: " << diag;
        for (const mlir::Diagnostic &note : diag.getNotes())
          os << '\n'
             << formatLocation(note.getLocation()) << ": note: " << note;
        return mlir::success();
      }) {}

std::string cascade::ErrorCollector::take(StringRef fallback) const {
  return errors.empty() ? fallback.str() : errors;
}
