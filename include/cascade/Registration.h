//===- Registration.h - Registering Cascade dialects and passes -*- C++ -*-===//
//
// Part of Cascade. The one place tools, the plugin and embedders register
// Cascade's dialects and passes from.
//
//===----------------------------------------------------------------------===//

#ifndef CASCADE_REGISTRATION_H
#define CASCADE_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace cascade {

/// Adds the attn and ein dialects to `registry`.
void registerCascadeDialects(mlir::DialectRegistry &registry);

/// Adds the upstream dialects that Cascade's pipelines produce or consume
/// (func, arith, math, tensor, linalg, memref, scf, bufferization, LLVM...),
/// with their bufferization and LLVM-translation interfaces.
void registerCascadeDependentDialects(mlir::DialectRegistry &registry);

/// Registers every Cascade pass and the named pipelines (`cascade-cpu`).
void registerCascadePasses();

} // namespace cascade

#endif // CASCADE_REGISTRATION_H
