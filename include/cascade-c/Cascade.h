/*===- Cascade.h - The C API of Cascade ---------------------------*- C -*-===*\
|*                                                                            *|
|* Part of Cascade.                                                           *|
|*                                                                            *|
|*===----------------------------------------------------------------------===*|
|*                                                                            *|
|* Cascade for C programs and other languages' FFIs, in the style of MLIR's   *|
|* own C API (mlir-c/IR.h, mlir-c/Pass.h), whose types it uses; MLIR's C    *|
|* API functions come with it in libCascadeMLIRCAPI.so. A program:          *|
|*                                                                            *|
|*   MlirContext ctx = mlirContextCreate();                                   *|
|*   MlirDialectRegistry registry = mlirDialectRegistryCreate();              *|
|*   cascadeRegisterAllDialects(registry);                                    *|
|*   mlirContextAppendDialectRegistry(ctx, registry);                         *|
|*   MlirModule module = mlirModuleCreateParse(ctx, source);                  *|
|*   cascadeCompileForHost(module, options, CascadeArtifactSharedLibrary,     *|
|*                         onBytes, onError, userData);                       *|
|*                                                                            *|
|* Link with -lCascadeCAPI -lCascadeMLIRCAPI (CMake: Cascade::CascadeCAPI).  *|
|* Errors never abort: they come back as a failed                           *|
|* MlirLogicalResult and a message through the error callback.                *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef CASCADE_C_CASCADE_H
#define CASCADE_C_CASCADE_H

#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/* mlirGetDialectHandle__attn__() and mlirGetDialectHandle__ein__(): the
 * dialects alone, for mlirDialectHandleRegisterDialect and friends. */
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Attn, attn);
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Ein, ein);

/* Inserts attn, ein and the upstream dialects (with their interfaces) that
 * Cascade's pipelines create into `registry`: what a context needs to run
 * cascadeCompileForHost. */
MLIR_CAPI_EXPORTED void
cascadeRegisterAllDialects(MlirDialectRegistry registry);

/* Registers Cascade's passes and its named pipelines (`cascade-cpu`,
 * `cascade-reference`) in the global registry, so that
 * mlirParsePassPipeline and mlirOpPassManagerAddPipeline find them. */
MLIR_CAPI_EXPORTED void cascadeRegisterPasses(void);

/* Adds the `cascade-cpu` pipeline to `pm` (a pass manager on builtin.module),
 * with `options` in the pipeline's textual form ("tile-m=16 tile-n=8",
 * empty for the defaults), stopping after `stopAfter`: "attn", "ein",
 * "ein-1pass", "loops" or "llvm" (empty: "llvm"). On bad options or stage,
 * calls `onError` with the reason and returns failure; `pm` is then
 * unchanged. */
MLIR_CAPI_EXPORTED MlirLogicalResult cascadeBuildCPUPipeline(
    MlirOpPassManager pm, MlirStringRef options, MlirStringRef stopAfter,
    MlirStringCallback onError, void *userData);

/* What cascadeCompileForHost produces. */
typedef enum CascadeArtifactKind {
  CascadeArtifactObject = 0,        /* a relocatable object file */
  CascadeArtifactSharedLibrary = 1, /* a shared library (links libomp, libm) */
} CascadeArtifactKind;

/* Compiles `module` for the host CPU: runs `cascade-cpu` with `options` on it
 * in place, translates it to LLVM IR (-O3) and emits native code. On success
 * calls `onArtifact` once with the artifact's bytes (valid during the call
 * only) and returns success. On failure calls `onError` once with the
 * diagnostics (file:line:col: message) and returns failure. Every public
 * function @f of the module is exported as `_mlir_ciface_f` (see
 * docs/CABI.md). Either callback may be NULL. */
MLIR_CAPI_EXPORTED MlirLogicalResult cascadeCompileForHost(
    MlirModule module, MlirStringRef options, CascadeArtifactKind kind,
    MlirStringCallback onArtifact, MlirStringCallback onError, void *userData);

#ifdef __cplusplus
}
#endif

#endif /* CASCADE_C_CASCADE_H */
