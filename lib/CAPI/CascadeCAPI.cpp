//===- CascadeCAPI.cpp - The C API of Cascade -----------------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "cascade-c/Cascade.h"

#include "cascade/Pipelines/Pipelines.h"
#include "cascade/Registration.h"
#include "cascade/Target/CPU.h"

#include "dialects/Attn/IR/AttnOps.h"
#include "dialects/Ein/IR/EinOps.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Pass.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Attn, attn, cascade::attn::AttnDialect)
MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Ein, ein, cascade::ein::EinDialect)

/// Calls `callback` (when given) with `message`.
static void report(MlirStringCallback callback, void *userData,
                   llvm::StringRef message) {
  if (callback)
    callback(mlirStringRefCreate(message.data(), message.size()), userData);
}

void cascadeRegisterAllDialects(MlirDialectRegistry registry) {
  mlir::DialectRegistry *cppRegistry = unwrap(registry);
  cascade::registerCascadeDialects(*cppRegistry);
  cascade::registerCascadeDependentDialects(*cppRegistry);
}

void cascadeRegisterPasses(void) { cascade::registerCascadePasses(); }

MlirLogicalResult cascadeBuildCPUPipeline(MlirOpPassManager pm,
                                          MlirStringRef options,
                                          MlirStringRef stopAfter,
                                          MlirStringCallback onError,
                                          void *userData) {
  cascade::Stage stage = cascade::Stage::LLVM;
  if (stopAfter.length != 0) {
    std::optional<cascade::Stage> named =
        cascade::parseStage(unwrap(stopAfter));
    if (!named) {
      report(onError, userData,
             "unknown stage '" + unwrap(stopAfter).str() +
                 "'; the stages are attn, ein, ein-1pass, loops and llvm");
      return mlirLogicalResultFailure();
    }
    stage = *named;
  }
  // The pipeline holds module passes: a pass manager nested on another op
  // would abort when they are added.
  llvm::StringRef anchor = unwrap(pm)->getOpAnchorName();
  if (anchor != "builtin.module" &&
      anchor != mlir::OpPassManager::getAnyOpAnchorName()) {
    report(onError, userData,
           "cascade-cpu runs on builtin.module; this pass manager is nested "
           "on '" +
               anchor.str() + "'");
    return mlirLogicalResultFailure();
  }
  if (llvm::Error err = cascade::buildCascadeCPUPipeline(
          *unwrap(pm), unwrap(options), stage)) {
    report(onError, userData, llvm::toString(std::move(err)));
    return mlirLogicalResultFailure();
  }
  return mlirLogicalResultSuccess();
}

MlirLogicalResult
cascadeCompileForHost(MlirModule module, MlirStringRef options,
                      CascadeArtifactKind kind, MlirStringCallback onArtifact,
                      MlirStringCallback onError, void *userData) {
  if (mlirModuleIsNull(module)) {
    report(onError, userData, "no module to compile");
    return mlirLogicalResultFailure();
  }
  if (kind != CascadeArtifactObject && kind != CascadeArtifactSharedLibrary) {
    report(onError, userData,
           "unknown artifact kind " + std::to_string(int(kind)));
    return mlirLogicalResultFailure();
  }
  llvm::Expected<std::string> artifact = cascade::compileForHost(
      unwrap(module), unwrap(options),
      kind == CascadeArtifactObject ? cascade::ArtifactKind::Object
                                    : cascade::ArtifactKind::SharedLibrary);
  if (!artifact) {
    report(onError, userData, llvm::toString(artifact.takeError()));
    return mlirLogicalResultFailure();
  }
  report(onArtifact, userData, *artifact);
  return mlirLogicalResultSuccess();
}
