// FuseMax's pass count over the key rank m for the three forms of softmax
// attention: 3 passes as decomposed, 2 after deferring the division, 1 after
// partitioning m and making the reductions online.
// RUN: cascade-opt %s --attn-decompose --ein-count-passes 2>&1 | FileCheck %s --check-prefix=THREE
// RUN: cascade-opt %s --attn-decompose --ein-defer-division --ein-count-passes 2>&1 | FileCheck %s --check-prefix=TWO
// RUN: cascade-opt %s --attn-decompose --ein-defer-division --ein-partition --ein-online --ein-count-passes 2>&1 | FileCheck %s --check-prefix=ONE
// RUN: cascade-opt %s --attn-decompose --ein-count-passes -verify-diagnostics -o /dev/null

// THREE: remark: cascade 'attention': 1 pass over e (live footprint 0 elements); 3 passes over m (live footprint 36864 elements: QK, SN)
// THREE: ein.cascade "attention"
// THREE-NEXT: ins({{.*}}) -> tensor<2x4x48x16xf32> attributes {ein.passes = {e = 1 : i64, m = 3 : i64}}

// TWO: remark: cascade 'attention': 1 pass over e (live footprint 0 elements); 2 passes over m (live footprint 18432 elements: QK)
// TWO-SAME: {{$}}

// ONE: remark: cascade 'attention': 1 pass over e (live footprint 0 elements); 1 pass over m (live footprint 6912 elements: RM, RD, RNV)
// ONE: attributes {ein.passes = {e = 1 : i64, m = 1 : i64}}

func.func @attention(%q: tensor<2x4x48x16xf32>, %k: tensor<2x2x48x16xf32>, %v: tensor<2x2x48x16xf32>) -> tensor<2x4x48x16xf32> {
  // expected-remark @+1 {{3 passes over m}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<2x4x48x16xf32>, tensor<2x2x48x16xf32>, tensor<2x2x48x16xf32> -> tensor<2x4x48x16xf32>
  return %o : tensor<2x4x48x16xf32>
}
