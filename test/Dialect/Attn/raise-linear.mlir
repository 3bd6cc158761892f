// RUN: cascade-opt %s --split-input-file -verify-diagnostics --attn-raise | FileCheck %s

// Linear attention (Katharopoulos et al.): phi = elu + 1 on the 4D q and k,
// phi(Q) (phi(K)^T V) normalized by phi(Q) sum_m phi(K).
// CHECK-LABEL: func.func @linear_elu1
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x4x9x8xf32>, %[[K:.*]]: tensor<2x4x9x8xf32>, %[[V:.*]]: tensor<2x4x9x8xf32>)
// CHECK-NEXT:    %[[O:.*]] = attn.linear_attention %[[Q]], %[[K]], %[[V]] {feature_map = #attn.feature_map<elu1>, normalize} : tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32> -> tensor<2x4x9x8xf32>
// CHECK-NEXT:    return %[[O]]
func.func @linear_elu1(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %pq_0 = "tosa.const"() {values = dense<0.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %pq_1 = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %pq_gt = tosa.greater %q, %pq_0 : (tensor<2x4x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x9x8xi1>
  %pq_exp = tosa.exp %q : (tensor<2x4x9x8xf32>) -> tensor<2x4x9x8xf32>
  %pq_em1 = tosa.sub %pq_exp, %pq_1 : (tensor<2x4x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x9x8xf32>
  %pq_elu = tosa.select %pq_gt, %q, %pq_em1 : (tensor<2x4x9x8xi1>, tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32>) -> tensor<2x4x9x8xf32>
  %pq = tosa.add %pq_elu, %pq_1 : (tensor<2x4x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x9x8xf32>
  %pk_0 = "tosa.const"() {values = dense<0.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %pk_1 = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %pk_gt = tosa.greater %k, %pk_0 : (tensor<2x4x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x9x8xi1>
  %pk_exp = tosa.exp %k : (tensor<2x4x9x8xf32>) -> tensor<2x4x9x8xf32>
  %pk_em1 = tosa.sub %pk_exp, %pk_1 : (tensor<2x4x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x9x8xf32>
  %pk_elu = tosa.select %pk_gt, %k, %pk_em1 : (tensor<2x4x9x8xi1>, tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32>) -> tensor<2x4x9x8xf32>
  %pk = tosa.add %pk_elu, %pk_1 : (tensor<2x4x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x9x8xf32>
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %pq, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %k3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %k3 = tosa.reshape %pk, %k3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k3 {perms = array<i32: 0, 2, 1>} : (tensor<8x9x8xf32>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %kv = tosa.matmul %kt, %v3, %zp, %zp : (tensor<8x8x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x8x8xf32>
  // expected-remark @below {{raised linear attention: elu1, normalize, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %num = tosa.matmul %q3, %kv, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %ksum = tosa.reduce_sum %k3 {axis = 1 : i32} : (tensor<8x9x8xf32>) -> tensor<8x1x8xf32>
  %ksumt_s = tosa.const_shape {values = dense<[8, 8, 1]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %ksumt = tosa.reshape %ksum, %ksumt_s : (tensor<8x1x8xf32>, !tosa.shape<3>) -> tensor<8x8x1xf32>
  %den = tosa.matmul %q3, %ksumt, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x1xf32>
  %rden = tosa.reciprocal %den : (tensor<8x9x1xf32>) -> tensor<8x9x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %o3 = tosa.mul %num, %rden, %shift : (tensor<8x9x8xf32>, tensor<8x9x1xf32>, tensor<1xi8>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// Causal linear attention without a feature map or normalization, in its
// quadratic form: (Q K^T * tril) V.
// CHECK-LABEL: func.func @linear_causal_identity
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x4x9x8xf32>, %[[K:.*]]: tensor<2x4x9x8xf32>, %[[V:.*]]: tensor<2x4x9x8xf32>)
// CHECK-NEXT:    %[[O:.*]] = attn.linear_attention %[[Q]], %[[K]], %[[V]] {causal, feature_map = #attn.feature_map<identity>}
// CHECK-NEXT:    return %[[O]]
func.func @linear_causal_identity(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %tril = "tosa.const"() {values = dense<[[[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]]> : tensor<1x9x9xf32>} : () -> tensor<1x9x9xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %a = tosa.mul %s, %tril, %shift : (tensor<8x9x9xf32>, tensor<1x9x9xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{raised linear attention: identity, causal, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %a, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// Causal, normalized, elu + 1 written with an alpha = 1 multiply, quadratic
// form on 3D tensors, grouped-query keys and values.
// CHECK-LABEL: func.func @linear_causal_elu1_normalized
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x9x8xf32>, %[[K:.*]]: tensor<2x2x9x8xf32>, %[[V:.*]]: tensor<2x2x9x8xf32>)
// CHECK-NEXT:    %[[O:.*]] = attn.linear_attention %[[Q]], %[[K]], %[[V]] {causal, feature_map = #attn.feature_map<elu1>, normalize} : tensor<2x8x9x8xf32>, tensor<2x2x9x8xf32>, tensor<2x2x9x8xf32> -> tensor<2x8x9x8xf32>
// CHECK-NEXT:    return %[[O]]
func.func @linear_causal_elu1_normalized(%q: tensor<2x8x9x8xf32>, %k: tensor<2x2x9x8xf32>, %v: tensor<2x2x9x8xf32>) -> (tensor<2x8x9x8xf32>) {
  %pq_0 = "tosa.const"() {values = dense<0.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %pq_1 = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %pq_gt = tosa.greater %q, %pq_0 : (tensor<2x8x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x8x9x8xi1>
  %pq_exp = tosa.exp %q : (tensor<2x8x9x8xf32>) -> tensor<2x8x9x8xf32>
  %pq_em1 = tosa.sub %pq_exp, %pq_1 : (tensor<2x8x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x8x9x8xf32>
  %pq_a = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %pq_alpha = tosa.mul %pq_em1, %pq_a, %shift : (tensor<2x8x9x8xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x8x9x8xf32>
  %pq_elu = tosa.select %pq_gt, %q, %pq_alpha : (tensor<2x8x9x8xi1>, tensor<2x8x9x8xf32>, tensor<2x8x9x8xf32>) -> tensor<2x8x9x8xf32>
  %pq = tosa.add %pq_elu, %pq_1 : (tensor<2x8x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x8x9x8xf32>
  %pk_0 = "tosa.const"() {values = dense<0.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %pk_1 = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %pk_gt = tosa.greater %k, %pk_0 : (tensor<2x2x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x2x9x8xi1>
  %pk_exp = tosa.exp %k : (tensor<2x2x9x8xf32>) -> tensor<2x2x9x8xf32>
  %pk_em1 = tosa.sub %pk_exp, %pk_1 : (tensor<2x2x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x2x9x8xf32>
  %pk_a = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %pk_alpha = tosa.mul %pk_em1, %pk_a, %shift : (tensor<2x2x9x8xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x2x9x8xf32>
  %pk_elu = tosa.select %pk_gt, %k, %pk_alpha : (tensor<2x2x9x8xi1>, tensor<2x2x9x8xf32>, tensor<2x2x9x8xf32>) -> tensor<2x2x9x8xf32>
  %pk = tosa.add %pk_elu, %pk_1 : (tensor<2x2x9x8xf32>, tensor<1x1x1x1xf32>) -> tensor<2x2x9x8xf32>
  %kxu_s = tosa.const_shape {values = dense<[2, 2, 1, 9, 8]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kxu = tosa.reshape %pk, %kxu_s : (tensor<2x2x9x8xf32>, !tosa.shape<5>) -> tensor<2x2x1x9x8xf32>
  %kxt_m = tosa.const_shape {values = dense<[1, 1, 4, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kxt = tosa.tile %kxu, %kxt_m : (tensor<2x2x1x9x8xf32>, !tosa.shape<5>) -> tensor<2x2x4x9x8xf32>
  %kx_s = tosa.const_shape {values = dense<[2, 8, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kx = tosa.reshape %kxt, %kx_s : (tensor<2x2x4x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  %vxu_s = tosa.const_shape {values = dense<[2, 2, 1, 9, 8]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %vxu = tosa.reshape %v, %vxu_s : (tensor<2x2x9x8xf32>, !tosa.shape<5>) -> tensor<2x2x1x9x8xf32>
  %vxt_m = tosa.const_shape {values = dense<[1, 1, 4, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %vxt = tosa.tile %vxu, %vxt_m : (tensor<2x2x1x9x8xf32>, !tosa.shape<5>) -> tensor<2x2x4x9x8xf32>
  %vx_s = tosa.const_shape {values = dense<[2, 8, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vx = tosa.reshape %vxt, %vx_s : (tensor<2x2x4x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  %q3_s = tosa.const_shape {values = dense<[16, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %pq, %q3_s : (tensor<2x8x9x8xf32>, !tosa.shape<3>) -> tensor<16x9x8xf32>
  %kt = tosa.transpose %kx {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x8x9x8xf32>) -> tensor<2x8x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[16, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x8x8x9xf32>, !tosa.shape<3>) -> tensor<16x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<16x9x8xf32>, tensor<16x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x9x9xf32>
  %tril = "tosa.const"() {values = dense<[[[true, false, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false, false], [true, true, true, false, false, false, false, false, false], [true, true, true, true, false, false, false, false, false], [true, true, true, true, true, false, false, false, false], [true, true, true, true, true, true, false, false, false], [true, true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true, true]]]> : tensor<1x9x9xi1>} : () -> tensor<1x9x9xi1>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %a = tosa.select %tril, %s, %zero : (tensor<1x9x9xi1>, tensor<16x9x9xf32>, tensor<1x1x1xf32>) -> tensor<16x9x9xf32>
  %z = tosa.reduce_sum %a {axis = 2 : i32} : (tensor<16x9x9xf32>) -> tensor<16x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<16x9x1xf32>) -> tensor<16x9x1xf32>
  %w = tosa.mul %a, %rz, %shift : (tensor<16x9x9xf32>, tensor<16x9x1xf32>, tensor<1xi8>) -> tensor<16x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[16, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %vx, %v3_s : (tensor<2x8x9x8xf32>, !tosa.shape<3>) -> tensor<16x9x8xf32>
  // expected-remark @below {{raised linear attention: elu1, causal, normalize, B=2 Hq=8 Hkv=2 N=9 M=9 D=8}}
  %o3 = tosa.matmul %w, %v3, %zp, %zp : (tensor<16x9x9xf32>, tensor<16x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 8, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<16x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  return %o : tensor<2x8x9x8xf32>
}

// -----

// relu features, written maximum(x, 0), on 3D tensors, unnormalized: the
// linear form phi(Q) (phi(K)^T V).
// CHECK-LABEL: func.func @linear_relu
// CHECK:         attn.linear_attention %{{.*}}, %{{.*}}, %{{.*}} {feature_map = #attn.feature_map<relu>} : tensor<8x1x9x8xf32>, tensor<8x1x9x8xf32>, tensor<8x1x9x8xf32> -> tensor<8x1x9x8xf32>
func.func @linear_relu(%q: tensor<8x9x8xf32>, %k: tensor<8x9x8xf32>, %v: tensor<8x9x8xf32>) -> (tensor<8x9x8xf32>) {
  %zq = "tosa.const"() {values = dense<0.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %pq = tosa.maximum %q, %zq : (tensor<8x9x8xf32>, tensor<1x1x1xf32>) -> tensor<8x9x8xf32>
  %zk = "tosa.const"() {values = dense<0.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %pk = tosa.maximum %k, %zk : (tensor<8x9x8xf32>, tensor<1x1x1xf32>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %pk {perms = array<i32: 0, 2, 1>} : (tensor<8x9x8xf32>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %kv = tosa.matmul %kt, %v, %zp, %zp : (tensor<8x8x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x8x8xf32>
  // expected-remark @below {{raised linear attention: relu, B=8 Hq=1 Hkv=1 N=9 M=9 D=8}}
  %o = tosa.matmul %pq, %kv, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  return %o : tensor<8x9x8xf32>
}

// -----

// (Q K^T) V with nothing between the products is a chain of matrix products,
// not raised and not remarked.
// CHECK-LABEL: func.func @matmul_chain
// CHECK-NOT:     attn.
// CHECK:         return
func.func @matmul_chain(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %o3 = tosa.matmul %s, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}
