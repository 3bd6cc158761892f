//===- MLIRCAPI.cpp - MLIR's C API, as a shared library -------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// libCascadeMLIRCAPI.so holds MLIR's C API for IR and passes (linked whole
// from libMLIRCAPIIR.a, see CMakeLists.txt); this file only gives the library
// a source of its own. Its version tells which MLIR it was built against.
//
//===----------------------------------------------------------------------===//

#include "llvm/Config/llvm-config.h"

extern "C" __attribute__((visibility("default"))) const char *
cascadeMLIRCAPIVersion(void) {
  return LLVM_VERSION_STRING;
}
