// RUN: cascade-opt %s --split-input-file -verify-diagnostics --attn-pack-gqa | FileCheck %s

// Decode, GQA with 4 query heads per key/value head: Q [2, 8, 1, 16] runs as
// [2, 2, 4, 16] (a collapse and an expand of the same memory), the result
// and the log-sum-exp are reshaped back. Bottom-right causal with one query
// keeps every key and is dropped; key lengths and softcap stay.
// CHECK-LABEL: func.func @decode
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x1x16xf32>, %[[K:.*]]: tensor<2x2x70x16xf32>, %[[V:.*]]: tensor<2x2x70x8xf32>, %[[LEN:.*]]: tensor<2xi32>)
// CHECK:         %[[C:.*]] = tensor.collapse_shape %[[Q]] {{\[\[}}0], [1, 2], [3]] : tensor<2x8x1x16xf32> into tensor<2x8x16xf32>
// CHECK:         %[[P:.*]] = tensor.expand_shape %[[C]] {{\[\[}}0], [1, 2], [3]] output_shape [2, 2, 4, 16] : tensor<2x8x16xf32> into tensor<2x2x4x16xf32>
// CHECK:         %[[O:.*]], %[[L:.*]] = attn.attention %[[P]], %[[K]], %[[V]] kv_lengths(%[[LEN]] : tensor<2xi32>) {return_lse, softcap = 5.000000e+00 : f32} : tensor<2x2x4x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x2x4x8xf32>, tensor<2x2x4xf32>
// CHECK:         %[[OC:.*]] = tensor.collapse_shape %[[O]] {{\[\[}}0], [1, 2], [3]] : tensor<2x2x4x8xf32> into tensor<2x8x8xf32>
// CHECK:         %[[OE:.*]] = tensor.expand_shape %[[OC]] {{\[\[}}0], [1, 2], [3]] output_shape [2, 8, 1, 8] : tensor<2x8x8xf32> into tensor<2x8x1x8xf32>
// CHECK:         %[[LC:.*]] = tensor.collapse_shape %[[L]] {{\[\[}}0], [1, 2]] : tensor<2x2x4xf32> into tensor<2x8xf32>
// CHECK:         %[[LE:.*]] = tensor.expand_shape %[[LC]] {{\[\[}}0], [1, 2]] output_shape [2, 8, 1] : tensor<2x8xf32> into tensor<2x8x1xf32>
// CHECK:         return %[[OE]], %[[LE]]
func.func @decode(%q: tensor<2x8x1x16xf32>, %k: tensor<2x2x70x16xf32>, %v: tensor<2x2x70x8xf32>, %len: tensor<2xi32>) -> (tensor<2x8x1x8xf32>, tensor<2x8x1xf32>) {
  // expected-remark @below {{query heads packed: 4 per key/value head, as 4 query rows of 2 heads}}
  %o, %lse = attn.attention %q, %k, %v kv_lengths(%len : tensor<2xi32>) {causal = #attn.causal<bottom_right>, softcap = 5.0 : f32, return_lse}
      : tensor<2x8x1x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32> -> tensor<2x8x1x8xf32>, tensor<2x8x1xf32>
  return %o, %lse : tensor<2x8x1x8xf32>, tensor<2x8x1xf32>
}

// Prefill without a mask: 3 heads of 37 queries each are 111 rows; MQA.
// CHECK-LABEL: func.func @prefill_mqa
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {normalizer = #attn.normalizer<sigmoid>} : tensor<2x1x111x16xf32>, tensor<2x1x53x16xf32>, tensor<2x1x53x8xf32> -> tensor<2x1x111x8xf32>
func.func @prefill_mqa(%q: tensor<2x3x37x16xf32>, %k: tensor<2x1x53x16xf32>, %v: tensor<2x1x53x8xf32>) -> tensor<2x3x37x8xf32> {
  // expected-remark @below {{query heads packed: 3 per key/value head, as 111 query rows of 1 head}}
  %o = attn.attention %q, %k, %v {normalizer = #attn.normalizer<sigmoid>}
      : tensor<2x3x37x16xf32>, tensor<2x1x53x16xf32>, tensor<2x1x53x8xf32> -> tensor<2x3x37x8xf32>
  return %o : tensor<2x3x37x8xf32>
}

// Multi-head attention has nothing to pack, and says nothing.
// CHECK-LABEL: func.func @mha
// CHECK-NOT:     tensor.collapse_shape
// CHECK:         attn.attention %{{.*}} : tensor<2x4x37x16xf32>, tensor<2x4x53x16xf32>
func.func @mha(%q: tensor<2x4x37x16xf32>, %k: tensor<2x4x53x16xf32>, %v: tensor<2x4x53x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x4x53x16xf32>, tensor<2x4x53x8xf32> -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}

// -----

// What tells the rows of a group apart refuses the packing; the attention
// is left as it is.
// CHECK-LABEL: func.func @refused
// CHECK-NOT:     tensor.collapse_shape
func.func @refused(%q: tensor<2x4x37x16xf32>, %q1: tensor<2x4x1x16xf32>,
                   %k: tensor<2x2x53x16xf32>, %v: tensor<2x2x53x8xf32>,
                   %qd: tensor<2x37xi64>, %kd: tensor<2x53xi64>,
                   %mask: tensor<2x4x37x53xi1>, %s: tensor<4xf32>,
                   %bias: tensor<2x4x37x53xf32>, %g: tensor<2x4x37x8xf32>,
                   %dq: tensor<2x4x?x16xf32>) {
  // expected-remark @below {{query heads not packed: the causal mask depends on the query position}}
  %0 = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x37x8xf32>
  // Top-left with one query keeps key 0 only: still a mask on the position.
  // expected-remark @below {{query heads not packed: the causal mask depends on the query position}}
  %1 = attn.attention %q1, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x4x1x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x1x8xf32>
  // expected-remark @below {{query heads not packed: the window depends on the query position}}
  %2 = attn.attention %q1, %k, %v {window = array<i64: 8, 0>}
      : tensor<2x4x1x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x1x8xf32>
  // expected-remark @below {{query heads not packed: document ids depend on the query position}}
  %3 = attn.attention %q, %k, %v q_doc_ids(%qd : tensor<2x37xi64>) k_doc_ids(%kd : tensor<2x53xi64>)
      : tensor<2x4x37x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x37x8xf32>
  // expected-remark @below {{query heads not packed: the mask depends on the query position}}
  %4 = attn.attention %q, %k, %v mask(%mask : tensor<2x4x37x53xi1>)
      : tensor<2x4x37x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x37x8xf32>
  // expected-remark @below {{query heads not packed: ALiBi depends on the query head and position}}
  %5 = attn.attention %q, %k, %v {alibi}
      : tensor<2x4x37x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x37x8xf32>
  // expected-remark @below {{query heads not packed: sinks depend on the query head}}
  %6 = attn.attention %q, %k, %v sinks(%s : tensor<4xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x37x8xf32>
  // expected-remark @below {{query heads not packed: the bias depends on the query head and position}}
  %7 = attn.attention %q, %k, %v bias(%bias : tensor<2x4x37x53xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x37x8xf32>
  // expected-remark @below {{query heads not packed: the gate depends on the query head and position}}
  %8 = attn.attention %q, %k, %v gate(%g : tensor<2x4x37x8xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x37x8xf32>
  // expected-remark @below {{query heads not packed: the query's or the results' shape is not static}}
  %9 = attn.attention %dq, %k, %v
      : tensor<2x4x?x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x?x8xf32>
  // Even a mask_mod that reads only the key: its region sees the head and
  // the query position.
  // expected-remark @below {{query heads not packed: mask_mod and score_mod read the query head and position}}
  %10 = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x53x16xf32>, tensor<2x2x53x8xf32> -> tensor<2x4x37x8xf32>
      mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %kv: index):
    %c3 = arith.constant 3 : index
    %r = arith.remui %kv, %c3 : index
    %c0 = arith.constant 0 : index
    %keep = arith.cmpi ne, %r, %c0 : index
    attn.yield %keep : i1
  }
  return
}
