// RUN: rm -rf %t.missing %t.dir && mkdir %t.dir
// RUN: cascade-opt %s "--ein-print-graph=output=%t.missing/graph.dot" -verify-diagnostics -o /dev/null
// RUN: not cascade-opt %s "--ein-print-graph=output=%t.missing/graph.dot" -o /dev/null 2>&1 | FileCheck %s
// RUN: not cascade-opt %s "--ein-print-graph=output=%t.dir" -o /dev/null 2>&1 | FileCheck %s --check-prefix=DIR
// RUN: not cascade-opt %s "--ein-print-graph=output=/dev/full" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FULL
// RUN: not cascade-opt %s --ein-print-graph -o /dev/null 2>&1 > /dev/full | FileCheck %s --check-prefix=STDOUT

// ein-print-graph fails, with an error that names the file, when it cannot
// open its output (in a folder that does not exist, or a folder) or write
// it (a full device, the file or stdout).
// CHECK: error: ein-print-graph: cannot open the output file '{{.*}}.missing/graph.dot': No such file or directory
// DIR: error: ein-print-graph: cannot open the output file '{{.*}}.dir': Is a directory
// FULL: error: ein-print-graph: cannot write the graph to the output file '/dev/full': No space left on device
// STDOUT: error: ein-print-graph: cannot write the graph to stdout: No space left on device

// expected-error @below {{ein-print-graph: cannot open the output file}}
module {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    %r = ein.cascade "copy" ranks [i: 4] ins(%X = %x : tensor<4xf32>) -> tensor<4xf32> {
      %Y = ein.einsum Y[i] = (%X[i]) {
      ^bb0(%a: f32):
        ein.yield %a : f32
      } : (tensor<4xf32>) -> tensor<4xf32>
      ein.yield %Y : tensor<4xf32>
    }
    return %r : tensor<4xf32>
  }
}
