/*===- embed-capi.c - Cascade's C API from an installed tree --------------===*\
|*                                                                            *|
|* Part of Cascade's examples: a C program linked against Cascade::CascadeCAPI
*|
|* of the installed package. It parses an attention, compiles it for the host *|
|* into an object file in memory and reports its size; a bad option comes    *|
|* back as an error message, not a crash.                                     *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "cascade-c/Cascade.h"

#include <stdio.h>

static const char *const source =
    "func.func @attention(%q: tensor<1x2x10x8xf32>, %k: tensor<1x1x12x8xf32>,\n"
    "                     %v: tensor<1x1x12x8xf32>) -> tensor<1x2x10x8xf32> {\n"
    "  %o = attn.attention %q, %k, %v\n"
    "      : tensor<1x2x10x8xf32>, tensor<1x1x12x8xf32>, tensor<1x1x12x8xf32>\n"
    "      -> tensor<1x2x10x8xf32>\n"
    "  return %o : tensor<1x2x10x8xf32>\n"
    "}\n";

static void printSize(MlirStringRef bytes, void *userData) {
  (void)userData;
  printf("embed-capi: object file of %zu bytes\n", bytes.length);
}

static void printError(MlirStringRef message, void *userData) {
  (void)userData;
  printf("embed-capi: error: %.*s\n", (int)message.length, message.data);
}

int main(void) {
  MlirContext ctx = mlirContextCreate();
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  cascadeRegisterAllDialects(registry);
  mlirContextAppendDialectRegistry(ctx, registry);
  mlirDialectRegistryDestroy(registry);

  int status = 0;
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(source));
  if (mlirModuleIsNull(module) ||
      mlirLogicalResultIsFailure(cascadeCompileForHost(
          module, mlirStringRefCreateFromCString("tile-m=8"),
          CascadeArtifactObject, printSize, printError, NULL)))
    status = 1;
  if (!mlirModuleIsNull(module))
    mlirModuleDestroy(module);

  module = mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(source));
  if (mlirLogicalResultIsSuccess(cascadeCompileForHost(
          module, mlirStringRefCreateFromCString("tile-m=-1x"),
          CascadeArtifactObject, printSize, printError, NULL)))
    status = 1;
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return status;
}
