// RUN: cascade-opt %s --split-input-file -verify-diagnostics --attn-raise | FileCheck %s

// A causal mask added as 0 / -inf on [B * H, N, M] scores.
// CHECK-LABEL: func.func @causal_additive
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = #attn.causal<top_left>, scale = 0.353553385 : f32} : tensor<2x4x9x8xf32>
func.func @causal_additive(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %mask = "tosa.const"() {values = dense<[[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]]> : tensor<1x9x9xf32>} : () -> tensor<1x9x9xf32>
  %sm = tosa.add %ss, %mask : (tensor<8x9x9xf32>, tensor<1x9x9xf32>) -> tensor<8x9x9xf32>
  %mx = tosa.reduce_max %sm {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<8x9x9xf32>, tensor<8x9x1xf32>) -> tensor<8x9x9xf32>
  %e = tosa.exp %d : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<8x9x1xf32>) -> tensor<8x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x9x9xf32>, tensor<8x9x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{raised attention: softmax, causal top_left, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// Bottom-right causal with 5 queries over 9 keys (a decode chunk), added as
// -1e9 (HF's finfo.min style).
// CHECK-LABEL: func.func @causal_bottom_right
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = #attn.causal<bottom_right>, scale = 0.353553385 : f32} : tensor<2x4x5x8xf32>, tensor<2x4x9x8xf32>
func.func @causal_bottom_right(%q: tensor<2x4x5x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x5x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 5, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x5x8xf32>, !tosa.shape<3>) -> tensor<8x5x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x5x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x9xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %s, %scale, %shift : (tensor<8x5x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x5x9xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 4, 5, 9]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %ss, %s4_s : (tensor<8x5x9xf32>, !tosa.shape<4>) -> tensor<2x4x5x9xf32>
  %mask = "tosa.const"() {values = dense<[[[[0.0, 0.0, 0.0, 0.0, 0.0, -1000000000.0, -1000000000.0, -1000000000.0, -1000000000.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1000000000.0, -1000000000.0, -1000000000.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1000000000.0, -1000000000.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1000000000.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]]]> : tensor<1x1x5x9xf32>} : () -> tensor<1x1x5x9xf32>
  %sm = tosa.add %s4, %mask : (tensor<2x4x5x9xf32>, tensor<1x1x5x9xf32>) -> tensor<2x4x5x9xf32>
  %mx = tosa.reduce_max %sm {axis = 3 : i32} : (tensor<2x4x5x9xf32>) -> tensor<2x4x5x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<2x4x5x9xf32>, tensor<2x4x5x1xf32>) -> tensor<2x4x5x9xf32>
  %e = tosa.exp %d : (tensor<2x4x5x9xf32>) -> tensor<2x4x5x9xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x4x5x9xf32>) -> tensor<2x4x5x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x4x5x1xf32>) -> tensor<2x4x5x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x4x5x9xf32>, tensor<2x4x5x1xf32>, tensor<1xi8>) -> tensor<2x4x5x9xf32>
  %p3_s = tosa.const_shape {values = dense<[8, 5, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x4x5x9xf32>, !tosa.shape<3>) -> tensor<8x5x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{raised attention: softmax, causal bottom_right, B=2 Hq=4 Hkv=4 N=5 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x5x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 5, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x5x8xf32>, !tosa.shape<4>) -> tensor<2x4x5x8xf32>
  return %o : tensor<2x4x5x8xf32>
}

// -----

// Top-left causal with 5 queries over 9 keys, as select(mask, s, -inf).
// CHECK-LABEL: func.func @causal_top_left_cross
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = #attn.causal<top_left>, scale = 0.353553385 : f32} : tensor<2x4x5x8xf32>, tensor<2x4x9x8xf32>
func.func @causal_top_left_cross(%q: tensor<2x4x5x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x5x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 5, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x5x8xf32>, !tosa.shape<3>) -> tensor<8x5x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x5x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x9xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %s, %scale, %shift : (tensor<8x5x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x5x9xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 4, 5, 9]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %ss, %s4_s : (tensor<8x5x9xf32>, !tosa.shape<4>) -> tensor<2x4x5x9xf32>
  %mask = "tosa.const"() {values = dense<[[[[true, false, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false, false], [true, true, true, false, false, false, false, false, false], [true, true, true, true, false, false, false, false, false], [true, true, true, true, true, false, false, false, false]]]]> : tensor<1x1x5x9xi1>} : () -> tensor<1x1x5x9xi1>
  %fill = "tosa.const"() {values = dense<0xFF800000> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %sm = tosa.select %mask, %s4, %fill : (tensor<1x1x5x9xi1>, tensor<2x4x5x9xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x5x9xf32>
  %mx = tosa.reduce_max %sm {axis = 3 : i32} : (tensor<2x4x5x9xf32>) -> tensor<2x4x5x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<2x4x5x9xf32>, tensor<2x4x5x1xf32>) -> tensor<2x4x5x9xf32>
  %e = tosa.exp %d : (tensor<2x4x5x9xf32>) -> tensor<2x4x5x9xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x4x5x9xf32>) -> tensor<2x4x5x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x4x5x1xf32>) -> tensor<2x4x5x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x4x5x9xf32>, tensor<2x4x5x1xf32>, tensor<1xi8>) -> tensor<2x4x5x9xf32>
  %p3_s = tosa.const_shape {values = dense<[8, 5, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x4x5x9xf32>, !tosa.shape<3>) -> tensor<8x5x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{raised attention: softmax, causal top_left, B=2 Hq=4 Hkv=4 N=5 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x5x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 5, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x5x8xf32>, !tosa.shape<4>) -> tensor<2x4x5x8xf32>
  return %o : tensor<2x4x5x8xf32>
}

// -----

// select(masked, fill, s): true marks the removed keys; the fill is
// -3.4e38 (finfo.min).
// CHECK-LABEL: func.func @select_masked_first
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = #attn.causal<top_left>, scale = 0.353553385 : f32}
func.func @select_masked_first(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %mask = "tosa.const"() {values = dense<[[[[false, true, true, true, true, true, true, true, true], [false, false, true, true, true, true, true, true, true], [false, false, false, true, true, true, true, true, true], [false, false, false, false, true, true, true, true, true], [false, false, false, false, false, true, true, true, true], [false, false, false, false, false, false, true, true, true], [false, false, false, false, false, false, false, true, true], [false, false, false, false, false, false, false, false, true], [false, false, false, false, false, false, false, false, false]]]]> : tensor<1x1x9x9xi1>} : () -> tensor<1x1x9x9xi1>
  %fill = "tosa.const"() {values = dense<-3.4028234663852886e+38> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %sm = tosa.select %mask, %fill, %s4 : (tensor<1x1x9x9xi1>, tensor<1x1x1x1xf32>, tensor<2x4x9x9xf32>) -> tensor<2x4x9x9xf32>
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
  // expected-remark @below {{raised attention: softmax, causal top_left, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// A causal sliding window of 3 keys: n - 2 <= m <= n.
// CHECK-LABEL: func.func @sliding_window
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = #attn.causal<top_left>, scale = 0.353553385 : f32, window = array<i64: 2, 0>}
func.func @sliding_window(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %mask = "tosa.const"() {values = dense<[[[[true, false, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false, false], [true, true, true, false, false, false, false, false, false], [false, true, true, true, false, false, false, false, false], [false, false, true, true, true, false, false, false, false], [false, false, false, true, true, true, false, false, false], [false, false, false, false, true, true, true, false, false], [false, false, false, false, false, true, true, true, false], [false, false, false, false, false, false, true, true, true]]]]> : tensor<1x1x9x9xi1>} : () -> tensor<1x1x9x9xi1>
  %fill = "tosa.const"() {values = dense<0xFF800000> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
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
  // expected-remark @below {{raised attention: softmax, causal top_left, window [2, 0], B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// A symmetric local window |n - m| <= 1, not causal.
// CHECK-LABEL: func.func @local_window
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 0.353553385 : f32, window = array<i64: 1, 1>}
func.func @local_window(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %mask = "tosa.const"() {values = dense<[[[[0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0, 0xFF800000], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0, 0.0], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0.0, 0.0]]]]> : tensor<1x1x9x9xf32>} : () -> tensor<1x1x9x9xf32>
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
  // expected-remark @below {{raised attention: softmax, window [1, 1], B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// Keys up to 2 ahead of the query and all before: window [-1, 2].
// CHECK-LABEL: func.func @window_right_only
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 0.353553385 : f32, window = array<i64: -1, 2>}
func.func @window_right_only(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %mask = "tosa.const"() {values = dense<[[[[true, true, true, false, false, false, false, false, false], [true, true, true, true, false, false, false, false, false], [true, true, true, true, true, false, false, false, false], [true, true, true, true, true, true, false, false, false], [true, true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true, true], [true, true, true, true, true, true, true, true, true], [true, true, true, true, true, true, true, true, true]]]]> : tensor<1x1x9x9xi1>} : () -> tensor<1x1x9x9xi1>
  %fill = "tosa.const"() {values = dense<0xFF800000> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
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
  // expected-remark @below {{raised attention: softmax, window [-1, 2], B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// A sliding window of 4 keys aligned bottom-right, 5 queries over 9 keys.
// CHECK-LABEL: func.func @window_bottom_right
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {causal = #attn.causal<bottom_right>, scale = 0.353553385 : f32, window = array<i64: 3, 0>}
func.func @window_bottom_right(%q: tensor<2x4x5x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x5x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 5, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x5x8xf32>, !tosa.shape<3>) -> tensor<8x5x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x5x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x9xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %s, %scale, %shift : (tensor<8x5x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x5x9xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 4, 5, 9]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %ss, %s4_s : (tensor<8x5x9xf32>, !tosa.shape<4>) -> tensor<2x4x5x9xf32>
  %mask = "tosa.const"() {values = dense<[[[[false, true, true, true, true, false, false, false, false], [false, false, true, true, true, true, false, false, false], [false, false, false, true, true, true, true, false, false], [false, false, false, false, true, true, true, true, false], [false, false, false, false, false, true, true, true, true]]]]> : tensor<1x1x5x9xi1>} : () -> tensor<1x1x5x9xi1>
  %fill = "tosa.const"() {values = dense<0xFF800000> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %sm = tosa.select %mask, %s4, %fill : (tensor<1x1x5x9xi1>, tensor<2x4x5x9xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x5x9xf32>
  %mx = tosa.reduce_max %sm {axis = 3 : i32} : (tensor<2x4x5x9xf32>) -> tensor<2x4x5x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<2x4x5x9xf32>, tensor<2x4x5x1xf32>) -> tensor<2x4x5x9xf32>
  %e = tosa.exp %d : (tensor<2x4x5x9xf32>) -> tensor<2x4x5x9xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x4x5x9xf32>) -> tensor<2x4x5x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x4x5x1xf32>) -> tensor<2x4x5x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x4x5x9xf32>, tensor<2x4x5x1xf32>, tensor<1xi8>) -> tensor<2x4x5x9xf32>
  %p3_s = tosa.const_shape {values = dense<[8, 5, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x4x5x9xf32>, !tosa.shape<3>) -> tensor<8x5x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{raised attention: softmax, causal bottom_right, window [3, 0], B=2 Hq=4 Hkv=4 N=5 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x5x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 5, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x5x8xf32>, !tosa.shape<4>) -> tensor<2x4x5x8xf32>
  return %o : tensor<2x4x5x8xf32>
}

// -----

// A mask per head that no attribute expresses: a dense i1 mask [1, H, N, M].
// CHECK-LABEL: func.func @dense_mask
// CHECK:         %[[M:.*]] = "tosa.const"() <{values = dense<{{.*}}> : tensor<1x4x9x9xi1>}>
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} mask(%[[M]] : tensor<1x4x9x9xi1>) {scale = 0.353553385 : f32}
func.func @dense_mask(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %mask = "tosa.const"() {values = dense<[[[[true, true, true, false, true, true, false, true, true], [true, true, true, true, false, true, true, false, true], [true, true, true, true, true, false, true, true, false], [false, true, true, true, true, true, false, true, true], [true, false, true, true, true, true, true, false, true], [true, true, false, true, true, true, true, true, false], [false, true, true, false, true, true, true, true, true], [true, false, true, true, false, true, true, true, true], [true, true, false, true, true, false, true, true, true]], [[true, false, true, true, false, true, true, false, true], [true, true, false, true, true, false, true, true, false], [false, true, true, false, true, true, false, true, true], [true, false, true, true, false, true, true, false, true], [true, true, false, true, true, false, true, true, false], [false, true, true, false, true, true, false, true, true], [true, false, true, true, false, true, true, false, true], [true, true, false, true, true, false, true, true, false], [false, true, true, false, true, true, false, true, true]], [[true, true, false, true, true, false, true, true, false], [false, true, true, false, true, true, false, true, true], [true, false, true, true, false, true, true, false, true], [true, true, false, true, true, false, true, true, false], [false, true, true, false, true, true, false, true, true], [true, false, true, true, false, true, true, false, true], [true, true, false, true, true, false, true, true, false], [false, true, true, false, true, true, false, true, true], [true, false, true, true, false, true, true, false, true]], [[true, true, true, false, true, true, false, true, true], [true, true, true, true, false, true, true, false, true], [true, true, true, true, true, false, true, true, false], [false, true, true, true, true, true, false, true, true], [true, false, true, true, true, true, true, false, true], [true, true, false, true, true, true, true, true, false], [false, true, true, false, true, true, true, true, true], [true, false, true, true, false, true, true, true, true], [true, true, false, true, true, false, true, true, true]]]]> : tensor<1x4x9x9xi1>} : () -> tensor<1x4x9x9xi1>
  %fill = "tosa.const"() {values = dense<0xFF800000> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %sm = tosa.select %mask, %s4, %fill : (tensor<1x4x9x9xi1>, tensor<2x4x9x9xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x9x9xf32>
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
  // expected-remark @below {{raised attention: softmax, dense mask, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// ALiBi with a causal mask in one additive constant: -slope[h] * (n - m) on
// the kept keys, -inf above the diagonal.
// CHECK-LABEL: func.func @alibi_causal
// CHECK:         %[[S:.*]] = "tosa.const"() <{values = dense<[2.500000e-01, 6.250000e-02, 1.562500e-02, 3.906250e-03]> : tensor<4xf32>}>
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} alibi_slopes(%[[S]] : tensor<4xf32>) {causal = #attn.causal<top_left>, scale = 0.353553385 : f32}
func.func @alibi_causal(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %mask = "tosa.const"() {values = dense<[[[[-0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.25, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.5, -0.25, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.75, -0.5, -0.25, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-1.0, -0.75, -0.5, -0.25, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-1.25, -1.0, -0.75, -0.5, -0.25, -0.0, 0xFF800000, 0xFF800000, 0xFF800000], [-1.5, -1.25, -1.0, -0.75, -0.5, -0.25, -0.0, 0xFF800000, 0xFF800000], [-1.75, -1.5, -1.25, -1.0, -0.75, -0.5, -0.25, -0.0, 0xFF800000], [-2.0, -1.75, -1.5, -1.25, -1.0, -0.75, -0.5, -0.25, -0.0]], [[-0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.0625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.125, -0.0625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.1875, -0.125, -0.0625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.25, -0.1875, -0.125, -0.0625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.3125, -0.25, -0.1875, -0.125, -0.0625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000], [-0.375, -0.3125, -0.25, -0.1875, -0.125, -0.0625, -0.0, 0xFF800000, 0xFF800000], [-0.4375, -0.375, -0.3125, -0.25, -0.1875, -0.125, -0.0625, -0.0, 0xFF800000], [-0.5, -0.4375, -0.375, -0.3125, -0.25, -0.1875, -0.125, -0.0625, -0.0]], [[-0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.015625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.03125, -0.015625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.046875, -0.03125, -0.015625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.0625, -0.046875, -0.03125, -0.015625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.078125, -0.0625, -0.046875, -0.03125, -0.015625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000], [-0.09375, -0.078125, -0.0625, -0.046875, -0.03125, -0.015625, -0.0, 0xFF800000, 0xFF800000], [-0.109375, -0.09375, -0.078125, -0.0625, -0.046875, -0.03125, -0.015625, -0.0, 0xFF800000], [-0.125, -0.109375, -0.09375, -0.078125, -0.0625, -0.046875, -0.03125, -0.015625, -0.0]], [[-0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.00390625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.0078125, -0.00390625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.01171875, -0.0078125, -0.00390625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.015625, -0.01171875, -0.0078125, -0.00390625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [-0.01953125, -0.015625, -0.01171875, -0.0078125, -0.00390625, -0.0, 0xFF800000, 0xFF800000, 0xFF800000], [-0.0234375, -0.01953125, -0.015625, -0.01171875, -0.0078125, -0.00390625, -0.0, 0xFF800000, 0xFF800000], [-0.02734375, -0.0234375, -0.01953125, -0.015625, -0.01171875, -0.0078125, -0.00390625, -0.0, 0xFF800000], [-0.03125, -0.02734375, -0.0234375, -0.01953125, -0.015625, -0.01171875, -0.0078125, -0.00390625, -0.0]]]]> : tensor<1x4x9x9xf32>} : () -> tensor<1x4x9x9xf32>
  %sm = tosa.add %s4, %mask : (tensor<2x4x9x9xf32>, tensor<1x4x9x9xf32>) -> tensor<2x4x9x9xf32>
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
  // expected-remark @below {{raised attention: softmax, causal top_left, alibi, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// BLOOM's ALiBi, slope[h] * m: -slope[h] * (n - m) shifted by slope[h] * n
// per query row, which softmax ignores.
// CHECK-LABEL: func.func @alibi_bloom
// CHECK:         %[[S:.*]] = "tosa.const"() <{values = dense<[2.500000e-01, 6.250000e-02, 1.562500e-02, 3.906250e-03]> : tensor<4xf32>}>
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} alibi_slopes(%[[S]] : tensor<4xf32>) {causal = #attn.causal<top_left>, scale = 0.353553385 : f32}
func.func @alibi_bloom(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %mask = "tosa.const"() {values = dense<[[[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.25, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.25, 0.5, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.25, 0.5, 0.75, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.25, 0.5, 0.75, 1.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 0xFF800000, 0xFF800000], [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 0xFF800000], [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]], [[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0625, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0625, 0.125, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0625, 0.125, 0.1875, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0625, 0.125, 0.1875, 0.25, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0625, 0.125, 0.1875, 0.25, 0.3125, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0625, 0.125, 0.1875, 0.25, 0.3125, 0.375, 0xFF800000, 0xFF800000], [0.0, 0.0625, 0.125, 0.1875, 0.25, 0.3125, 0.375, 0.4375, 0xFF800000], [0.0, 0.0625, 0.125, 0.1875, 0.25, 0.3125, 0.375, 0.4375, 0.5]], [[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.015625, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.015625, 0.03125, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.015625, 0.03125, 0.046875, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.015625, 0.03125, 0.046875, 0.0625, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.015625, 0.03125, 0.046875, 0.0625, 0.078125, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.015625, 0.03125, 0.046875, 0.0625, 0.078125, 0.09375, 0xFF800000, 0xFF800000], [0.0, 0.015625, 0.03125, 0.046875, 0.0625, 0.078125, 0.09375, 0.109375, 0xFF800000], [0.0, 0.015625, 0.03125, 0.046875, 0.0625, 0.078125, 0.09375, 0.109375, 0.125]], [[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.00390625, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.00390625, 0.0078125, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.00390625, 0.0078125, 0.01171875, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.00390625, 0.0078125, 0.01171875, 0.015625, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.00390625, 0.0078125, 0.01171875, 0.015625, 0.01953125, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.00390625, 0.0078125, 0.01171875, 0.015625, 0.01953125, 0.0234375, 0xFF800000, 0xFF800000], [0.0, 0.00390625, 0.0078125, 0.01171875, 0.015625, 0.01953125, 0.0234375, 0.02734375, 0xFF800000], [0.0, 0.00390625, 0.0078125, 0.01171875, 0.015625, 0.01953125, 0.0234375, 0.02734375, 0.03125]]]]> : tensor<1x4x9x9xf32>} : () -> tensor<1x4x9x9xf32>
  %sm = tosa.add %s4, %mask : (tensor<2x4x9x9xf32>, tensor<1x4x9x9xf32>) -> tensor<2x4x9x9xf32>
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
  // expected-remark @below {{raised attention: softmax, causal top_left, alibi, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// Any other finite constant is a bias operand, [1, 1, N, M] as in the graph.
// CHECK-LABEL: func.func @general_bias
// CHECK:         %[[B:.*]] = "tosa.const"() <{values = dense<{{.*}}> : tensor<1x1x9x9xf32>}>
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} bias(%[[B]] : tensor<1x1x9x9xf32>) {scale = 0.353553385 : f32}
func.func @general_bias(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %mask = "tosa.const"() {values = dense<[[[[0.0, 0.75, 0.25, 1.0, 0.5, 0.0, 0.75, 0.25, 1.0], [0.5, 0.0, 0.75, 0.25, 1.0, 0.5, 0.0, 0.75, 0.25], [1.0, 0.5, 0.0, 0.75, 0.25, 1.0, 0.5, 0.0, 0.75], [0.25, 1.0, 0.5, 0.0, 0.75, 0.25, 1.0, 0.5, 0.0], [0.75, 0.25, 1.0, 0.5, 0.0, 0.75, 0.25, 1.0, 0.5], [0.0, 0.75, 0.25, 1.0, 0.5, 0.0, 0.75, 0.25, 1.0], [0.5, 0.0, 0.75, 0.25, 1.0, 0.5, 0.0, 0.75, 0.25], [1.0, 0.5, 0.0, 0.75, 0.25, 1.0, 0.5, 0.0, 0.75], [0.25, 1.0, 0.5, 0.0, 0.75, 0.25, 1.0, 0.5, 0.0]]]]> : tensor<1x1x9x9xf32>} : () -> tensor<1x1x9x9xf32>
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
  // expected-remark @below {{raised attention: softmax, bias, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// A bias computed in the graph (an argument here), [B, 1, 1, M] as HF's
// extended attention mask: passed as the bias operand.
// CHECK-LABEL: func.func @graph_bias
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x4x9x8xf32>, %[[K:.*]]: tensor<2x4x9x8xf32>, %[[V:.*]]: tensor<2x4x9x8xf32>, %[[B:.*]]: tensor<2x1x1x9xf32>)
// CHECK-NEXT:    attn.attention %[[Q]], %[[K]], %[[V]] bias(%[[B]] : tensor<2x1x1x9xf32>) {scale = 0.353553385 : f32}
func.func @graph_bias(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>, %bias: tensor<2x1x1x9xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %sb = tosa.add %s4, %bias : (tensor<2x4x9x9xf32>, tensor<2x1x1x9xf32>) -> tensor<2x4x9x9xf32>
  %mx = tosa.reduce_max %sb {axis = 3 : i32} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x1xf32>
  %d = tosa.sub %sb, %mx : (tensor<2x4x9x9xf32>, tensor<2x4x9x1xf32>) -> tensor<2x4x9x9xf32>
  %e = tosa.exp %d : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x4x9x1xf32>) -> tensor<2x4x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x4x9x9xf32>, tensor<2x4x9x1xf32>, tensor<1xi8>) -> tensor<2x4x9x9xf32>
  %p3_s = tosa.const_shape {values = dense<[8, 9, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x4x9x9xf32>, !tosa.shape<3>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{raised attention: softmax, bias from the graph, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// A key-padding mask from the graph, [B, 1, 1, M], selected before a constant
// causal mask: the mask operand (tiled to N rows) and causal.
// CHECK-LABEL: func.func @graph_mask_and_causal
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x4x9x8xf32>, %[[K:.*]]: tensor<2x4x9x8xf32>, %[[V:.*]]: tensor<2x4x9x8xf32>, %[[P:.*]]: tensor<2x1x1x9xi1>)
// CHECK:         %[[T:.*]] = tosa.tile %[[P]], %{{.*}} : (tensor<2x1x1x9xi1>, !tosa.shape<4>) -> tensor<2x1x9x9xi1>
// CHECK:         attn.attention %[[Q]], %[[K]], %[[V]] mask(%[[T]] : tensor<2x1x9x9xi1>) {causal = #attn.causal<top_left>, scale = 0.353553385 : f32}
func.func @graph_mask_and_causal(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>, %pad: tensor<2x1x1x9xi1>) -> (tensor<2x4x9x8xf32>) {
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
  %ninf = "tosa.const"() {values = dense<0xFF800000> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %sp = tosa.select %pad, %s4, %ninf : (tensor<2x1x1x9xi1>, tensor<2x4x9x9xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x9x9xf32>
  %tril = "tosa.const"() {values = dense<[[[[true, false, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false, false], [true, true, true, false, false, false, false, false, false], [true, true, true, true, false, false, false, false, false], [true, true, true, true, true, false, false, false, false], [true, true, true, true, true, true, false, false, false], [true, true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true, true]]]]> : tensor<1x1x9x9xi1>} : () -> tensor<1x1x9x9xi1>
  %sm = tosa.select %tril, %sp, %ninf : (tensor<1x1x9x9xi1>, tensor<2x4x9x9xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x9x9xf32>
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
  // expected-remark @below {{raised attention: softmax, causal top_left, mask from the graph, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}
