// REQUIRES: graphviz
// RUN: cascade-opt %s --attn-decompose --ein-defer-division "--ein-one-pass=rank=m tile=32" "--ein-tile-parallel=rank=p tile=16" --ein-sparsify --ein-print-graph -o /dev/null 2>/dev/null | dot -Tsvg | FileCheck %s

// The graph of ein-print-graph renders with Graphviz's dot: one SVG for the
// module, a cluster per cascade (two here), the loop over m1 nested in each.
// The escaped label characters come out as written.

// CHECK: <svg
// CHECK-DAG: cascade &#39;attention&#39; in @causal: 1 pass over e, 1 pass over m
// CHECK-DAG: cascade &#39;attention&#39; in @window: 1 pass over e, 1 pass over m
// CHECK-DAG: tiles: 2 empty, 1 full, 3 partial (over p1, m1)
// CHECK-DAG: tiles: 11 empty, 2 full, 15 partial (over p1, m1)
// CHECK-DAG: where (m1 * 32 + m0 &lt;= p1 * 16 + p0)
// CHECK-DAG: RD[b, h, |m1|, p1, p0]
// CHECK-DAG: iterative rank m1
// CHECK-DAG: RM: running max over m1, init(&#45;inf)
// CHECK: </svg>

func.func @causal(%q: tensor<2x4x48x16xf32>, %k: tensor<2x2x48x16xf32>, %v: tensor<2x2x48x16xf32>) -> tensor<2x4x48x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<2x4x48x16xf32>, tensor<2x2x48x16xf32>, tensor<2x2x48x16xf32> -> tensor<2x4x48x16xf32>
  return %o : tensor<2x4x48x16xf32>
}

func.func @window(%q: tensor<2x4x100x16xf32>, %k: tensor<2x2x100x16xf32>, %v: tensor<2x2x100x16xf32>) -> tensor<2x4x100x16xf32> {
  %o = attn.attention %q, %k, %v {window = array<i64: 40, 10>}
      : tensor<2x4x100x16xf32>, tensor<2x2x100x16xf32>, tensor<2x2x100x16xf32> -> tensor<2x4x100x16xf32>
  return %o : tensor<2x4x100x16xf32>
}
