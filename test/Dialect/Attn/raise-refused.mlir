// RUN: cascade-opt %s --split-input-file -verify-diagnostics --attn-raise | FileCheck %s
// RUN: cascade-opt %s --split-input-file --attn-raise=remarks=refused 2>&1 | FileCheck %s --check-prefix=REFUSED

// RUN: not cascade-opt %s --split-input-file --attn-raise=remarks=some 2>&1 | FileCheck %s --check-prefix=BAD

// REFUSED-NOT: remark: raised
// REFUSED:     remark: attention not raised

// BAD: attn-raise: remarks must be all, refused or none, found 'some'

// Query row 3 keeps no key: the graph's softmax gives NaN there,
// attn.attention zeros.
// CHECK-LABEL: func.func @fully_masked_row
// CHECK-NOT:     attn.attention
func.func @fully_masked_row(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %s, %scale, %shift : (tensor<8x9x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 4, 9, 9]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %ss, %s4_s : (tensor<8x9x9xf32>, !tosa.shape<4>) -> tensor<2x4x9x9xf32>
  %mask = "tosa.const"() {values = dense<[[[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]]]> : tensor<1x1x9x9xf32>} : () -> tensor<1x1x9x9xf32>
  %sm = tosa.add %s4, %mask : (tensor<2x4x9x9xf32>, tensor<1x1x9x9xf32>) -> tensor<2x4x9x9xf32>
  %mx = tosa.reduce_max %sm {axis = 3 : i32} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<2x4x9x9xf32>, tensor<2x4x9x1xf32>) -> tensor<2x4x9x9xf32>
  %e = tosa.exp %d : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x4x9x1xf32>) -> tensor<2x4x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x4x9x9xf32>, tensor<2x4x9x1xf32>, tensor<1xi8>) -> tensor<2x4x9x9xf32>
  %p3_s = tosa.const_shape {values = dense<[8, 9, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x4x9x9xf32>, !tosa.shape<3>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{attention not raised: query row 3 keeps no key: the graph gives NaN or a uniform row there, attn.attention zeros}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// Bottom-right causal with more queries (9) than keys (5): the first 4 rows
// keep nothing; -1e9 makes them uniform in the graph.
// CHECK-LABEL: func.func @bottom_right_more_queries
// CHECK-NOT:     attn.attention
func.func @bottom_right_more_queries(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x5x8xf32>, %v: tensor<2x4x5x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x5x8xf32>) -> tensor<2x4x8x5xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x5xf32>, !tosa.shape<3>) -> tensor<8x8x5xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x5xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %s, %scale, %shift : (tensor<8x9x5xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x9x5xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 4, 9, 5]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %ss, %s4_s : (tensor<8x9x5xf32>, !tosa.shape<4>) -> tensor<2x4x9x5xf32>
  %mask = "tosa.const"() {values = dense<[[[[-1000000000.0, -1000000000.0, -1000000000.0, -1000000000.0, -1000000000.0], [-1000000000.0, -1000000000.0, -1000000000.0, -1000000000.0, -1000000000.0], [-1000000000.0, -1000000000.0, -1000000000.0, -1000000000.0, -1000000000.0], [-1000000000.0, -1000000000.0, -1000000000.0, -1000000000.0, -1000000000.0], [0.0, -1000000000.0, -1000000000.0, -1000000000.0, -1000000000.0], [0.0, 0.0, -1000000000.0, -1000000000.0, -1000000000.0], [0.0, 0.0, 0.0, -1000000000.0, -1000000000.0], [0.0, 0.0, 0.0, 0.0, -1000000000.0], [0.0, 0.0, 0.0, 0.0, 0.0]]]]> : tensor<1x1x9x5xf32>} : () -> tensor<1x1x9x5xf32>
  %sm = tosa.add %s4, %mask : (tensor<2x4x9x5xf32>, tensor<1x1x9x5xf32>) -> tensor<2x4x9x5xf32>
  %mx = tosa.reduce_max %sm {axis = 3 : i32} : (tensor<2x4x9x5xf32>) -> tensor<2x4x9x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<2x4x9x5xf32>, tensor<2x4x9x1xf32>) -> tensor<2x4x9x5xf32>
  %e = tosa.exp %d : (tensor<2x4x9x5xf32>) -> tensor<2x4x9x5xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x4x9x5xf32>) -> tensor<2x4x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x4x9x1xf32>) -> tensor<2x4x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x4x9x5xf32>, tensor<2x4x9x1xf32>, tensor<1xi8>) -> tensor<2x4x9x5xf32>
  %p3_s = tosa.const_shape {values = dense<[8, 9, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x4x9x5xf32>, !tosa.shape<3>) -> tensor<8x9x5xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 5, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x5x8xf32>, !tosa.shape<3>) -> tensor<8x5x8xf32>
  // expected-remark @below {{attention not raised: query row 0 keeps no key: the graph gives NaN or a uniform row there, attn.attention zeros}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x5xf32>, tensor<8x5x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// A select that fills with 0 does not remove keys.
// CHECK-LABEL: func.func @select_fill_zero
// CHECK-NOT:     attn.attention
func.func @select_fill_zero(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %s, %scale, %shift : (tensor<8x9x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 4, 9, 9]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %ss, %s4_s : (tensor<8x9x9xf32>, !tosa.shape<4>) -> tensor<2x4x9x9xf32>
  %mask = "tosa.const"() {values = dense<[[[[true, false, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false, false], [true, true, true, false, false, false, false, false, false], [true, true, true, true, false, false, false, false, false], [true, true, true, true, true, false, false, false, false], [true, true, true, true, true, true, false, false, false], [true, true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true, true]]]]> : tensor<1x1x9x9xi1>} : () -> tensor<1x1x9x9xi1>
  %fill = "tosa.const"() {values = dense<0.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %sm = tosa.select %mask, %s4, %fill : (tensor<1x1x9x9xi1>, tensor<2x4x9x9xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x9x9xf32>
  %mx = tosa.reduce_max %sm {axis = 3 : i32} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<2x4x9x9xf32>, tensor<2x4x9x1xf32>) -> tensor<2x4x9x9xf32>
  %e = tosa.exp %d : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x4x9x1xf32>) -> tensor<2x4x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x4x9x9xf32>, tensor<2x4x9x1xf32>, tensor<1xi8>) -> tensor<2x4x9x9xf32>
  %p3_s = tosa.const_shape {values = dense<[8, 9, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x4x9x9xf32>, !tosa.shape<3>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{attention not raised: the mask fills masked scores with 0, not -inf or a large negative number}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// A softmax over the queries (axis 1 of [B * H, N, M]) is not attention's.
// CHECK-LABEL: func.func @softmax_wrong_axis
// CHECK-NOT:     attn.attention
func.func @softmax_wrong_axis(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %mx = tosa.reduce_max %s {axis = 1 : i32} : (tensor<8x9x9xf32>) -> tensor<8x1x9xf32>
  %d = tosa.sub %s, %mx : (tensor<8x9x9xf32>, tensor<8x1x9xf32>) -> tensor<8x9x9xf32>
  %e = tosa.exp %d : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<8x9x9xf32>) -> tensor<8x1x9xf32>
  %rz = tosa.reciprocal %z : (tensor<8x1x9xf32>) -> tensor<8x1x9xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x9x9xf32>, tensor<8x1x9xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{attention not raised: the softmax is over axis 1, not over the keys (axis 2)}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// The probabilities are also a result of the function: the block's
// intermediate values are needed, nothing is raised.
// CHECK-LABEL: func.func @probabilities_used
// CHECK-NOT:     attn.attention
func.func @probabilities_used(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>, tensor<8x9x9xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %mx = tosa.reduce_max %s {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %d = tosa.sub %s, %mx : (tensor<8x9x9xf32>, tensor<8x9x1xf32>) -> tensor<8x9x9xf32>
  %e = tosa.exp %d : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<8x9x1xf32>) -> tensor<8x9x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x9x9xf32>, tensor<8x9x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{attention not raised: the result of tosa.mul inside the attention is also used outside it}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o, %p : tensor<2x4x9x8xf32>, tensor<8x9x9xf32>
}

// -----

// The scores feed another op as well.
// CHECK-LABEL: func.func @scores_used
// CHECK-NOT:     attn.attention
func.func @scores_used(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>, tensor<8x9x9xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %s, %scale, %shift : (tensor<8x9x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %mx = tosa.reduce_max %ss {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %d = tosa.sub %ss, %mx : (tensor<8x9x9xf32>, tensor<8x9x1xf32>) -> tensor<8x9x9xf32>
  %e = tosa.exp %d : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<8x9x1xf32>) -> tensor<8x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x9x9xf32>, tensor<8x9x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{attention not raised: the result of tosa.matmul inside the attention is also used outside it}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  %other = tosa.exp %s : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  return %o, %other : tensor<2x4x9x8xf32>, tensor<8x9x9xf32>
}

// -----

// (s + mask) * scale scales the mask too; attn.attention adds it after the
// scale.
// CHECK-LABEL: func.func @mask_before_scale
// CHECK-NOT:     attn.attention
func.func @mask_before_scale(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %mask = "tosa.const"() {values = dense<[[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]]> : tensor<1x9x9xf32>} : () -> tensor<1x9x9xf32>
  %sm = tosa.add %s, %mask : (tensor<8x9x9xf32>, tensor<1x9x9xf32>) -> tensor<8x9x9xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %sm, %scale, %shift : (tensor<8x9x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %mx = tosa.reduce_max %ss {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %d = tosa.sub %ss, %mx : (tensor<8x9x9xf32>, tensor<8x9x1xf32>) -> tensor<8x9x9xf32>
  %e = tosa.exp %d : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<8x9x1xf32>) -> tensor<8x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x9x9xf32>, tensor<8x9x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{attention not raised: a mask or bias before the scale: attn.attention applies it after}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// A softmax of something else than Q K^T.
// CHECK-LABEL: func.func @scores_not_a_product
// CHECK-NOT:     attn.attention
func.func @scores_not_a_product(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>, %s: tensor<8x9x9xf32>) -> (tensor<2x4x9x8xf32>) {
  %mx = tosa.reduce_max %s {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %d = tosa.sub %s, %mx : (tensor<8x9x9xf32>, tensor<8x9x1xf32>) -> tensor<8x9x9xf32>
  %e = tosa.exp %d : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<8x9x1xf32>) -> tensor<8x9x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x9x9xf32>, tensor<8x9x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-remark @below {{attention not raised: the scores are not a query-key product: they are a block argument}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// Two products of an MLP, no transpose, no softmax: not attention, nothing
// said.
// CHECK-LABEL: func.func @mlp_chain
// CHECK-NOT:     attn.
func.func @mlp_chain(%x: tensor<1x9x16xf32>, %w1: tensor<1x16x32xf32>, %w2: tensor<1x32x16xf32>) -> (tensor<1x9x16xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %h = tosa.matmul %x, %w1, %zp, %zp : (tensor<1x9x16xf32>, tensor<1x16x32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x9x32xf32>
  %o = tosa.matmul %h, %w2, %zp, %zp : (tensor<1x9x32xf32>, tensor<1x32x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x9x16xf32>
  return %o : tensor<1x9x16xf32>
}

// -----

// sigmoid(x W1) W2: a sigmoid between products that are not Q K^T and V, not
// attention, nothing said.
// CHECK-LABEL: func.func @sigmoid_mlp
// CHECK-NOT:     attn.
func.func @sigmoid_mlp(%x: tensor<1x9x16xf32>, %w1: tensor<1x16x32xf32>, %w2: tensor<1x32x16xf32>) -> (tensor<1x9x16xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %h = tosa.matmul %x, %w1, %zp, %zp : (tensor<1x9x16xf32>, tensor<1x16x32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x9x32xf32>
  %a = tosa.sigmoid %h : (tensor<1x9x32xf32>) -> tensor<1x9x32xf32>
  %o = tosa.matmul %a, %w2, %zp, %zp : (tensor<1x9x32xf32>, tensor<1x32x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x9x16xf32>
  return %o : tensor<1x9x16xf32>
}

// -----

// Sigmoid attention is refused like softmax attention once Q K^T is seen:
// here a mask filling 0.
// CHECK-LABEL: func.func @sigmoid_masked_with_zero
// CHECK-NOT:     attn.attention
func.func @sigmoid_masked_with_zero(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %tril = "tosa.const"() {values = dense<[[[true, false, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false, false], [true, true, true, false, false, false, false, false, false], [true, true, true, true, false, false, false, false, false], [true, true, true, true, true, false, false, false, false], [true, true, true, true, true, true, false, false, false], [true, true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true, true]]]> : tensor<1x9x9xi1>} : () -> tensor<1x9x9xi1>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %sm = tosa.select %tril, %s, %zero : (tensor<1x9x9xi1>, tensor<8x9x9xf32>, tensor<1x1x1xf32>) -> tensor<8x9x9xf32>
  %p = tosa.sigmoid %sm : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{attention not raised: the mask fills masked scores with 0, not -inf or a large negative number}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// Linear attention masked by a 0/1 constant that is not causal.
// CHECK-LABEL: func.func @linear_not_causal
// CHECK-NOT:     attn.
func.func @linear_not_causal(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %band = "tosa.const"() {values = dense<[[[1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]]]> : tensor<1x9x9xf32>} : () -> tensor<1x9x9xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %a = tosa.mul %s, %band, %shift : (tensor<8x9x9xf32>, tensor<1x9x9xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{attention not raised: the mask of the linear attention is not causal (top-left, 1 for m <= n and 0 elsewhere)}}
  %o3 = tosa.matmul %a, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}
