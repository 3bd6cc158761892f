// RUN: cascade-opt %s --cascade-read-only-inputs | FileCheck %s
// RUN: cascade-opt %s --cascade-cpu="vector-width=0" --mlir-print-ir-after=one-shot-bufferize 2>&1 | FileCheck %s --check-prefix=BUF

// Public functions' tensor arguments are marked read-only; other arguments
// and private functions are left alone.
// CHECK-LABEL: func.func @double
// CHECK-SAME:    (%{{.*}}: tensor<3x5xf32> {bufferization.writable = false}, %{{.*}}: index)
// CHECK-LABEL: func.func private @helper
// CHECK-SAME:    (%{{.*}}: tensor<3x5xf32>)
// CHECK-NOT:     writable

// After bufferization, the sum goes to a buffer of its own, not into %x.
// BUF-LABEL: func.func @double
// BUF-SAME:    (%[[X:.*]]: memref<3x5xf32>
// BUF:         %[[NEW:.*]] = memref.alloc
// BUF:         linalg.generic {{.*}} ins(%[[X]], %[[X]] : {{.*}}) outs(%[[NEW]] :
func.func @double(%x: tensor<3x5xf32>, %i: index) -> tensor<3x5xf32> {
  %y = arith.addf %x, %x : tensor<3x5xf32>
  %z = call @helper(%y) : (tensor<3x5xf32>) -> tensor<3x5xf32>
  return %z : tensor<3x5xf32>
}

func.func private @helper(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  return %x : tensor<3x5xf32>
}
