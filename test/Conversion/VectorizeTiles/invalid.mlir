// RUN: not cascade-opt %s --cascade-vectorize-tiles="width=0" 2>&1 | FileCheck %s

// CHECK: error: cascade-vectorize-tiles: width, rows and vectors must be positive (got 0, 8, 2)
func.func @f() {
  return
}
