//===- CascadePlugin.cpp - Cascade as an mlir-opt plugin ------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// A shared library that upstream `mlir-opt` loads with
//   mlir-opt --load-dialect-plugin=CascadePlugin.so \
//            --load-pass-plugin=CascadePlugin.so ...
// after which the attn and ein dialects parse and Cascade's passes and named
// pipelines (`cascade-cpu`, `cascade-reference`) run there. mlir-opt and the
// plugin share libMLIR.so, so they share the pass registry too.
//
//===----------------------------------------------------------------------===//

#include "cascade/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

/// The dialects: attn and ein, and the upstream dialects and interfaces that
/// Cascade's passes create (mlir-opt registers most of them already; adding
/// them again is harmless).
extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Cascade", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            cascade::registerCascadeDialects(*registry);
            cascade::registerCascadeDependentDialects(*registry);
          }};
}

/// The passes and the named pipelines.
extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Cascade", LLVM_VERSION_STRING,
          [] { cascade::registerCascadePasses(); }};
}
