// RUN: cascade-opt %s --split-input-file -verify-diagnostics --attn-raise | FileCheck %s
// RUN: cascade-opt %s --split-input-file --attn-raise=remarks=none 2>&1 | FileCheck %s --check-prefix=QUIET
// RUN: cascade-opt %s --split-input-file --attn-raise=remarks=refused 2>&1 | FileCheck %s --check-prefix=QUIET

// QUIET-NOT: remark
// QUIET:     attn.attention

// Multi-head attention as a hand-written model gives it: [B, H, N, D] tensors
// reshaped to [B * H, N, D] for the products, the scale on the scores.
// CHECK-LABEL: func.func @mha_4d
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x4x9x8xf32>, %[[K:.*]]: tensor<2x4x9x8xf32>, %[[V:.*]]: tensor<2x4x9x8xf32>)
// CHECK-NEXT:    %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] {scale = 0.353553385 : f32} : tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32> -> tensor<2x4x9x8xf32>
// CHECK-NEXT:    return %[[O]]
func.func @mha_4d(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  // expected-remark @below {{raised attention: softmax, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// torch.nn.MultiheadAttention: [B * H, N, D] tensors only (bmm), the queries
// scaled before the product. Without a 4D form the heads are [G, 1].
// CHECK-LABEL: func.func @mha_3d
// CHECK-SAME:    (%[[Q:.*]]: tensor<8x9x8xf32>, %[[K:.*]]: tensor<8x9x8xf32>, %[[V:.*]]: tensor<8x9x8xf32>)
// CHECK-DAG:     %[[Q4:.*]] = tosa.reshape %[[Q]], %{{.*}} : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<8x1x9x8xf32>
// CHECK-DAG:     %[[K4:.*]] = tosa.reshape %[[K]], %{{.*}} : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<8x1x9x8xf32>
// CHECK-DAG:     %[[V4:.*]] = tosa.reshape %[[V]], %{{.*}} : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<8x1x9x8xf32>
// CHECK:         %[[A:.*]] = attn.attention %[[Q4]], %[[K4]], %[[V4]] {scale = 0.353553385 : f32} : tensor<8x1x9x8xf32>, tensor<8x1x9x8xf32>, tensor<8x1x9x8xf32> -> tensor<8x1x9x8xf32>
// CHECK:         %[[O:.*]] = tosa.reshape %[[A]], %{{.*}} : (tensor<8x1x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
// CHECK-NOT:     tosa.matmul
// CHECK:         return %[[O]]
func.func @mha_3d(%q: tensor<8x9x8xf32>, %k: tensor<8x9x8xf32>, %v: tensor<8x9x8xf32>) -> (tensor<8x9x8xf32>) {
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %qs = tosa.mul %q, %scale, %shift : (tensor<8x9x8xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 2, 1>} : (tensor<8x9x8xf32>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %qs, %kt, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %mx = tosa.reduce_max %s {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %d = tosa.sub %s, %mx : (tensor<8x9x9xf32>, tensor<8x9x1xf32>) -> tensor<8x9x9xf32>
  %e = tosa.exp %d : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<8x9x1xf32>) -> tensor<8x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x9x9xf32>, tensor<8x9x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  // expected-remark @below {{raised attention: softmax, B=8 Hq=1 Hkv=1 N=9 M=9 D=8}}
  %o = tosa.matmul %p, %v, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  return %o : tensor<8x9x8xf32>
}

// -----

// [B * H, N, D] operands, the softmax on the scores reshaped to [B, H, N, M]:
// the scores give the heads.
// CHECK-LABEL: func.func @mha_3d_scores_4d
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.000000e+00 : f32} : tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32> -> tensor<2x4x9x8xf32>
func.func @mha_3d_scores_4d(%q: tensor<8x9x8xf32>, %k: tensor<8x9x8xf32>, %v: tensor<8x9x8xf32>) -> (tensor<8x9x8xf32>) {
  %kt = tosa.transpose %k {perms = array<i32: 0, 2, 1>} : (tensor<8x9x8xf32>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q, %kt, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 4, 9, 9]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %s, %s4_s : (tensor<8x9x9xf32>, !tosa.shape<4>) -> tensor<2x4x9x9xf32>
  %mx = tosa.reduce_max %s4 {axis = 3 : i32} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x1xf32>
  %d = tosa.sub %s4, %mx : (tensor<2x4x9x9xf32>, tensor<2x4x9x1xf32>) -> tensor<2x4x9x9xf32>
  %e = tosa.exp %d : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x4x9x9xf32>) -> tensor<2x4x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x4x9x1xf32>) -> tensor<2x4x9x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x4x9x9xf32>, tensor<2x4x9x1xf32>, tensor<1xi8>) -> tensor<2x4x9x9xf32>
  %p3_s = tosa.const_shape {values = dense<[8, 9, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x4x9x9xf32>, !tosa.shape<3>) -> tensor<8x9x9xf32>
  // expected-remark @below {{raised attention: softmax, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o = tosa.matmul %p3, %v, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  return %o : tensor<8x9x8xf32>
}

// -----

// Grouped-query attention: keys and values repeat_interleave'd from 2 to 8 heads
// (reshape, tile, reshape), raised over the 2 heads; a causal mask selected on
// the 4D scores.
// CHECK-LABEL: func.func @gqa_causal
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x9x8xf32>, %[[K:.*]]: tensor<2x2x9x8xf32>, %[[V:.*]]: tensor<2x2x9x8xf32>)
// CHECK-NEXT:    %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] {causal = #attn.causal<top_left>, scale = 0.353553385 : f32} : tensor<2x8x9x8xf32>, tensor<2x2x9x8xf32>, tensor<2x2x9x8xf32> -> tensor<2x8x9x8xf32>
// CHECK-NEXT:    return %[[O]]
func.func @gqa_causal(%q: tensor<2x8x9x8xf32>, %k: tensor<2x2x9x8xf32>, %v: tensor<2x2x9x8xf32>) -> (tensor<2x8x9x8xf32>) {
  %kxu_s = tosa.const_shape {values = dense<[2, 2, 1, 9, 8]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kxu = tosa.reshape %k, %kxu_s : (tensor<2x2x9x8xf32>, !tosa.shape<5>) -> tensor<2x2x1x9x8xf32>
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
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x8x9x8xf32>, !tosa.shape<3>) -> tensor<16x9x8xf32>
  %kt = tosa.transpose %kx {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x8x9x8xf32>) -> tensor<2x8x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[16, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x8x8x9xf32>, !tosa.shape<3>) -> tensor<16x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<16x9x8xf32>, tensor<16x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x9x9xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %s, %scale, %shift : (tensor<16x9x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<16x9x9xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 8, 9, 9]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %ss, %s4_s : (tensor<16x9x9xf32>, !tosa.shape<4>) -> tensor<2x8x9x9xf32>
  %tril = "tosa.const"() {values = dense<[[[[true, false, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false, false], [true, true, true, false, false, false, false, false, false], [true, true, true, true, false, false, false, false, false], [true, true, true, true, true, false, false, false, false], [true, true, true, true, true, true, false, false, false], [true, true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true, true]]]]> : tensor<1x1x9x9xi1>} : () -> tensor<1x1x9x9xi1>
  %ninf = "tosa.const"() {values = dense<0xFF800000> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %sm = tosa.select %tril, %s4, %ninf : (tensor<1x1x9x9xi1>, tensor<2x8x9x9xf32>, tensor<1x1x1x1xf32>) -> tensor<2x8x9x9xf32>
  %mx = tosa.reduce_max %sm {axis = 3 : i32} : (tensor<2x8x9x9xf32>) -> tensor<2x8x9x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<2x8x9x9xf32>, tensor<2x8x9x1xf32>) -> tensor<2x8x9x9xf32>
  %e = tosa.exp %d : (tensor<2x8x9x9xf32>) -> tensor<2x8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x8x9x9xf32>) -> tensor<2x8x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x8x9x1xf32>) -> tensor<2x8x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x8x9x9xf32>, tensor<2x8x9x1xf32>, tensor<1xi8>) -> tensor<2x8x9x9xf32>
  %p3_s = tosa.const_shape {values = dense<[16, 9, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x8x9x9xf32>, !tosa.shape<3>) -> tensor<16x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[16, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %vx, %v3_s : (tensor<2x8x9x8xf32>, !tosa.shape<3>) -> tensor<16x9x8xf32>
  // expected-remark @below {{raised attention: softmax, causal top_left, B=2 Hq=8 Hkv=2 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<16x9x9xf32>, tensor<16x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 8, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<16x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  return %o : tensor<2x8x9x8xf32>
}

// -----

// Heads repeated by tiling [1, 4, 1, 1]: query head h reads key head h mod 2, not
// h / 4 as attn's grouped-query attention would. Raised as multi-head
// attention over the repeated keys and values.
// CHECK-LABEL: func.func @gqa_repeat
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x9x8xf32>, %[[K:.*]]: tensor<2x2x9x8xf32>, %[[V:.*]]: tensor<2x2x9x8xf32>)
// CHECK-DAG:     %[[KX:.*]] = tosa.tile %[[K]]
// CHECK-DAG:     %[[VX:.*]] = tosa.tile %[[V]]
// CHECK:         attn.attention %[[Q]], %[[KX]], %[[VX]] {scale = 0.353553385 : f32} : tensor<2x8x9x8xf32>, tensor<2x8x9x8xf32>, tensor<2x8x9x8xf32> -> tensor<2x8x9x8xf32>
func.func @gqa_repeat(%q: tensor<2x8x9x8xf32>, %k: tensor<2x2x9x8xf32>, %v: tensor<2x2x9x8xf32>) -> (tensor<2x8x9x8xf32>) {
  %kx_m = tosa.const_shape {values = dense<[1, 4, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kx = tosa.tile %k, %kx_m : (tensor<2x2x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  %vx_m = tosa.const_shape {values = dense<[1, 4, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vx = tosa.tile %v, %vx_m : (tensor<2x2x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  %q3_s = tosa.const_shape {values = dense<[16, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x8x9x8xf32>, !tosa.shape<3>) -> tensor<16x9x8xf32>
  %kt = tosa.transpose %kx {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x8x9x8xf32>) -> tensor<2x8x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[16, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x8x8x9xf32>, !tosa.shape<3>) -> tensor<16x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<16x9x8xf32>, tensor<16x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x9x9xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %s, %scale, %shift : (tensor<16x9x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<16x9x9xf32>
  %mx = tosa.reduce_max %ss {axis = 2 : i32} : (tensor<16x9x9xf32>) -> tensor<16x9x1xf32>
  %d = tosa.sub %ss, %mx : (tensor<16x9x9xf32>, tensor<16x9x1xf32>) -> tensor<16x9x9xf32>
  %e = tosa.exp %d : (tensor<16x9x9xf32>) -> tensor<16x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<16x9x9xf32>) -> tensor<16x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<16x9x1xf32>) -> tensor<16x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<16x9x9xf32>, tensor<16x9x1xf32>, tensor<1xi8>) -> tensor<16x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[16, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %vx, %v3_s : (tensor<2x8x9x8xf32>, !tosa.shape<3>) -> tensor<16x9x8xf32>
  // expected-remark @below {{raised attention: softmax, B=2 Hq=8 Hkv=8 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<16x9x9xf32>, tensor<16x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 8, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<16x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  return %o : tensor<2x8x9x8xf32>
}

// -----

// Keys repeat_interleave'd but values tiled: no grouping fits both, so both
// are repeated per query head (the keys as the graph repeated them).
// CHECK-LABEL: func.func @gqa_mixed
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x9x8xf32>, %[[K:.*]]: tensor<2x2x9x8xf32>, %[[V:.*]]: tensor<2x2x9x8xf32>)
// CHECK-DAG:     %[[KU:.*]] = tosa.reshape %[[K]], %{{.*}} -> tensor<2x2x1x9x8xf32>
// CHECK-DAG:     %[[KT:.*]] = tosa.tile %[[KU]], %{{.*}} -> tensor<2x2x4x9x8xf32>
// CHECK-DAG:     %[[KX:.*]] = tosa.reshape %[[KT]], %{{.*}} -> tensor<2x8x9x8xf32>
// CHECK-DAG:     %[[VX:.*]] = tosa.tile %[[V]]
// CHECK:         attn.attention %[[Q]], %[[KX]], %[[VX]] {scale = 1.000000e+00 : f32} : tensor<2x8x9x8xf32>, tensor<2x8x9x8xf32>, tensor<2x8x9x8xf32> -> tensor<2x8x9x8xf32>
func.func @gqa_mixed(%q: tensor<2x8x9x8xf32>, %k: tensor<2x2x9x8xf32>, %v: tensor<2x2x9x8xf32>) -> (tensor<2x8x9x8xf32>) {
  %kxu_s = tosa.const_shape {values = dense<[2, 2, 1, 9, 8]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kxu = tosa.reshape %k, %kxu_s : (tensor<2x2x9x8xf32>, !tosa.shape<5>) -> tensor<2x2x1x9x8xf32>
  %kxt_m = tosa.const_shape {values = dense<[1, 1, 4, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kxt = tosa.tile %kxu, %kxt_m : (tensor<2x2x1x9x8xf32>, !tosa.shape<5>) -> tensor<2x2x4x9x8xf32>
  %kx_s = tosa.const_shape {values = dense<[2, 8, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kx = tosa.reshape %kxt, %kx_s : (tensor<2x2x4x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  %vx_m = tosa.const_shape {values = dense<[1, 4, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vx = tosa.tile %v, %vx_m : (tensor<2x2x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  %q3_s = tosa.const_shape {values = dense<[16, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x8x9x8xf32>, !tosa.shape<3>) -> tensor<16x9x8xf32>
  %kt = tosa.transpose %kx {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x8x9x8xf32>) -> tensor<2x8x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[16, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x8x8x9xf32>, !tosa.shape<3>) -> tensor<16x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<16x9x8xf32>, tensor<16x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x9x9xf32>
  %mx = tosa.reduce_max %s {axis = 2 : i32} : (tensor<16x9x9xf32>) -> tensor<16x9x1xf32>
  %d = tosa.sub %s, %mx : (tensor<16x9x9xf32>, tensor<16x9x1xf32>) -> tensor<16x9x9xf32>
  %e = tosa.exp %d : (tensor<16x9x9xf32>) -> tensor<16x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<16x9x9xf32>) -> tensor<16x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<16x9x1xf32>) -> tensor<16x9x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %p = tosa.mul %e, %rz, %shift : (tensor<16x9x9xf32>, tensor<16x9x1xf32>, tensor<1xi8>) -> tensor<16x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[16, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %vx, %v3_s : (tensor<2x8x9x8xf32>, !tosa.shape<3>) -> tensor<16x9x8xf32>
  // expected-remark @below {{raised attention: softmax, B=2 Hq=8 Hkv=8 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<16x9x9xf32>, tensor<16x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 8, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<16x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  return %o : tensor<2x8x9x8xf32>
}

// -----

// The scale split over Q (before the reshape), K (before the transpose) and a
// division of the scores written as * reciprocal(c), torch-mlir's form:
// 0.5 * 0.25 / 2 = 0.0625.
// CHECK-LABEL: func.func @scale_on_q_and_k
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x4x9x8xf32>, %[[K:.*]]: tensor<2x4x9x8xf32>, %[[V:.*]]: tensor<2x4x9x8xf32>)
// CHECK-NEXT:    attn.attention %[[Q]], %[[K]], %[[V]] {scale = 6.250000e-02 : f32}
func.func @scale_on_q_and_k(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %half = "tosa.const"() {values = dense<0.5> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %qs = tosa.mul %q, %half, %shift : (tensor<2x4x9x8xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x4x9x8xf32>
  %quarter = "tosa.const"() {values = dense<0.25> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %ks = tosa.mul %k, %quarter, %shift : (tensor<2x4x9x8xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x4x9x8xf32>
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %qs, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %ks {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %two = "tosa.const"() {values = dense<2.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %inv = tosa.reciprocal %two : (tensor<1x1x1xf32>) -> tensor<1x1x1xf32>
  %ss = tosa.mul %s, %inv, %shift : (tensor<8x9x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %mx = tosa.reduce_max %ss {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %d = tosa.sub %ss, %mx : (tensor<8x9x9xf32>, tensor<8x9x1xf32>) -> tensor<8x9x9xf32>
  %e = tosa.exp %d : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<8x9x1xf32>) -> tensor<8x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x9x9xf32>, tensor<8x9x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{raised attention: softmax, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// The scale on K^T (after the transpose), ONNX's Div as * 1/c.
// CHECK-LABEL: func.func @scale_on_kt
// CHECK:         attn.attention {{.*}} {scale = 0.353553385 : f32} : tensor<8x1x9x8xf32>
func.func @scale_on_kt(%q: tensor<8x9x8xf32>, %k: tensor<8x9x8xf32>, %v: tensor<8x9x8xf32>) -> (tensor<8x9x8xf32>) {
  %kt = tosa.transpose %k {perms = array<i32: 0, 2, 1>} : (tensor<8x9x8xf32>) -> tensor<8x8x9xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %kts = tosa.mul %kt, %scale, %shift : (tensor<8x8x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q, %kts, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %mx = tosa.reduce_max %s {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %d = tosa.sub %s, %mx : (tensor<8x9x9xf32>, tensor<8x9x1xf32>) -> tensor<8x9x9xf32>
  %e = tosa.exp %d : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<8x9x1xf32>) -> tensor<8x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x9x9xf32>, tensor<8x9x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  // expected-remark @below {{raised attention: softmax, B=8 Hq=1 Hkv=1 N=9 M=9 D=8}}
  %o = tosa.matmul %p, %v, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  return %o : tensor<8x9x8xf32>
}

// -----

// Cross attention: 5 queries, 7 keys, values of 6.
// CHECK-LABEL: func.func @cross
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 0.353553385 : f32} : tensor<2x4x5x8xf32>, tensor<2x4x7x8xf32>, tensor<2x4x7x6xf32> -> tensor<2x4x5x6xf32>
func.func @cross(%q: tensor<2x4x5x8xf32>, %k: tensor<2x4x7x8xf32>, %v: tensor<2x4x7x6xf32>) -> (tensor<2x4x5x6xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 5, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x5x8xf32>, !tosa.shape<3>) -> tensor<8x5x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x7x8xf32>) -> tensor<2x4x8x7xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 7]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x7xf32>, !tosa.shape<3>) -> tensor<8x8x7xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x5x8xf32>, tensor<8x8x7xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x7xf32>
  %scale = "tosa.const"() {values = dense<0.35355339> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ss = tosa.mul %s, %scale, %shift : (tensor<8x5x7xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x5x7xf32>
  %mx = tosa.reduce_max %ss {axis = 2 : i32} : (tensor<8x5x7xf32>) -> tensor<8x5x1xf32>
  %d = tosa.sub %ss, %mx : (tensor<8x5x7xf32>, tensor<8x5x1xf32>) -> tensor<8x5x7xf32>
  %e = tosa.exp %d : (tensor<8x5x7xf32>) -> tensor<8x5x7xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<8x5x7xf32>) -> tensor<8x5x1xf32>
  %rz = tosa.reciprocal %z : (tensor<8x5x1xf32>) -> tensor<8x5x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x5x7xf32>, tensor<8x5x1xf32>, tensor<1xi8>) -> tensor<8x5x7xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 7, 6]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x7x6xf32>, !tosa.shape<3>) -> tensor<8x7x6xf32>
  // expected-remark @below {{raised attention: softmax, B=2 Hq=4 Hkv=4 N=5 M=7 D=8 Dv=6}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x5x7xf32>, tensor<8x7x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x6xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 5, 6]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x5x6xf32>, !tosa.shape<4>) -> tensor<2x4x5x6xf32>
  return %o : tensor<2x4x5x6xf32>
}

// -----

// Softcap 30 after the scale: 30 * tanh(s / 30), the division as * (1 / 30).
// CHECK-LABEL: func.func @softcap
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 0.353553385 : f32, softcap = 3.000000e+01 : f32}
func.func @softcap(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %inv_cap = "tosa.const"() {values = dense<0.03333333333333333> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %sd = tosa.mul %ss, %inv_cap, %shift : (tensor<8x9x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %th = tosa.tanh %sd : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %cap = "tosa.const"() {values = dense<30.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %sc = tosa.mul %th, %cap, %shift : (tensor<8x9x9xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %mx = tosa.reduce_max %sc {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %d = tosa.sub %sc, %mx : (tensor<8x9x9xf32>, tensor<8x9x1xf32>) -> tensor<8x9x9xf32>
  %e = tosa.exp %d : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<8x9x9xf32>) -> tensor<8x9x1xf32>
  %rz = tosa.reciprocal %z : (tensor<8x9x1xf32>) -> tensor<8x9x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<8x9x9xf32>, tensor<8x9x1xf32>, tensor<1xi8>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{raised attention: softmax, softcap 30, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// Sigmoid attention (FlashSigmoid): sigmoid(s + b) with b = -log(9), unnormalized.
// CHECK-LABEL: func.func @sigmoid
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {normalizer = #attn.normalizer<sigmoid>, scale = 0.353553385 : f32, sigmoid_bias = -2.19722462 : f32}
func.func @sigmoid(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  %b = "tosa.const"() {values = dense<-2.1972246> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %sb = tosa.add %ss, %b : (tensor<8x9x9xf32>, tensor<1x1x1xf32>) -> tensor<8x9x9xf32>
  %p = tosa.sigmoid %sb : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{raised attention: sigmoid, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// sigmoid(s) alone: sigmoid_bias 0, not attn's default -log(M).
// CHECK-LABEL: func.func @sigmoid_no_bias
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {normalizer = #attn.normalizer<sigmoid>, scale = 1.000000e+00 : f32, sigmoid_bias = 0.000000e+00 : f32}
func.func @sigmoid_no_bias(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  %kt = tosa.transpose %k {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x9x8xf32>) -> tensor<2x4x8x9xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 8, 9]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x8x9xf32>, !tosa.shape<3>) -> tensor<8x8x9xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x9x8xf32>, tensor<8x8x9xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x9xf32>
  %p = tosa.sigmoid %s : (tensor<8x9x9xf32>) -> tensor<8x9x9xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %v, %v3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
  // expected-remark @below {{raised attention: sigmoid, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// -----

// Gated attention: the output times sigmoid(gate), the gate in the output's
// [B, H, N, Dv] shape.
// CHECK-LABEL: func.func @gated
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x4x9x8xf32>, %[[K:.*]]: tensor<2x4x9x8xf32>, %[[V:.*]]: tensor<2x4x9x8xf32>, %[[G:.*]]: tensor<2x4x9x8xf32>)
// CHECK-NEXT:    %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] gate(%[[G]] : tensor<2x4x9x8xf32>) {scale = 0.353553385 : f32}
// CHECK-NEXT:    return %[[O]]
func.func @gated(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>, %g: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  // expected-remark @below {{raised attention: softmax, gate, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  %gs = tosa.sigmoid %g : (tensor<2x4x9x8xf32>) -> tensor<2x4x9x8xf32>
  %og = tosa.mul %o, %gs, %shift : (tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32>, tensor<1xi8>) -> tensor<2x4x9x8xf32>
  return %og : tensor<2x4x9x8xf32>
}

// -----

// What an ONNX export of a hand-written block gives: heads split by reshape
// [B, N, H * D] -> [B, N, H, D] and transpose [0, 2, 1, 3]; K^T as one transpose
// [0, 2, 3, 1], which leaves [0, 2, 1, 3] for k; the output merged back to
// [B, N, H * D] after the attention.
// CHECK-LABEL: func.func @onnx_heads
// CHECK-SAME:    (%[[XQ:.*]]: tensor<2x9x32xf32>, %[[XK:.*]]: tensor<2x9x32xf32>, %[[XV:.*]]: tensor<2x9x32xf32>)
// CHECK:         %[[QH:.*]] = tosa.reshape %[[XQ]]
// CHECK:         %[[Q:.*]] = tosa.transpose %[[QH]] {perms = array<i32: 0, 2, 1, 3>}
// CHECK:         %[[KH:.*]] = tosa.reshape %[[XK]]
// CHECK:         %[[VH:.*]] = tosa.reshape %[[XV]]
// CHECK:         %[[V:.*]] = tosa.transpose %[[VH]] {perms = array<i32: 0, 2, 1, 3>}
// CHECK:         %[[K:.*]] = tosa.transpose %[[KH]] {perms = array<i32: 0, 2, 1, 3>} : (tensor<2x9x4x8xf32>) -> tensor<2x4x9x8xf32>
// CHECK:         %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] {scale = 0.353553385 : f32} : tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32> -> tensor<2x4x9x8xf32>
// CHECK:         %[[OT:.*]] = tosa.transpose %[[O]] {perms = array<i32: 0, 2, 1, 3>}
// CHECK-NOT:     tosa.matmul
func.func @onnx_heads(%xq: tensor<2x9x32xf32>, %xk: tensor<2x9x32xf32>, %xv: tensor<2x9x32xf32>) -> (tensor<2x9x32xf32>) {
  %qh_s = tosa.const_shape {values = dense<[2, 9, 4, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %qh = tosa.reshape %xq, %qh_s : (tensor<2x9x32xf32>, !tosa.shape<4>) -> tensor<2x9x4x8xf32>
  %q = tosa.transpose %qh {perms = array<i32: 0, 2, 1, 3>} : (tensor<2x9x4x8xf32>) -> tensor<2x4x9x8xf32>
  %kh_s = tosa.const_shape {values = dense<[2, 9, 4, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kh = tosa.reshape %xk, %kh_s : (tensor<2x9x32xf32>, !tosa.shape<4>) -> tensor<2x9x4x8xf32>
  %kt = tosa.transpose %kh {perms = array<i32: 0, 2, 3, 1>} : (tensor<2x9x4x8xf32>) -> tensor<2x4x8x9xf32>
  %vh_s = tosa.const_shape {values = dense<[2, 9, 4, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vh = tosa.reshape %xv, %vh_s : (tensor<2x9x32xf32>, !tosa.shape<4>) -> tensor<2x9x4x8xf32>
  %v = tosa.transpose %vh {perms = array<i32: 0, 2, 1, 3>} : (tensor<2x9x4x8xf32>) -> tensor<2x4x9x8xf32>
  %q3_s = tosa.const_shape {values = dense<[8, 9, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %q, %q3_s : (tensor<2x4x9x8xf32>, !tosa.shape<3>) -> tensor<8x9x8xf32>
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
  // expected-remark @below {{raised attention: softmax, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  %ot = tosa.transpose %o {perms = array<i32: 0, 2, 1, 3>} : (tensor<2x4x9x8xf32>) -> tensor<2x9x4x8xf32>
  %om_s = tosa.const_shape {values = dense<[2, 9, 32]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %om = tosa.reshape %ot, %om_s : (tensor<2x9x4x8xf32>, !tosa.shape<3>) -> tensor<2x9x32xf32>
  return %om : tensor<2x9x32xf32>
}

// -----

// o * sigmoid(o) (SiLU) after the attention is not a gate: the gate would be
// computed from the attention's own output.
// CHECK-LABEL: func.func @silu_not_gate
// CHECK:         %[[O:.*]] = attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.000000e+00 : f32}
// CHECK:         %[[S:.*]] = tosa.sigmoid %[[O]]
// CHECK:         tosa.mul %[[O]], %[[S]]
func.func @silu_not_gate(%q: tensor<2x4x9x8xf32>, %k: tensor<2x4x9x8xf32>, %v: tensor<2x4x9x8xf32>) -> (tensor<2x4x9x8xf32>) {
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
  // expected-remark @below {{raised attention: softmax, B=2 Hq=4 Hkv=4 N=9 M=9 D=8}}
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  %os = tosa.sigmoid %o : (tensor<2x4x9x8xf32>) -> tensor<2x4x9x8xf32>
  %og = tosa.mul %o, %os, %shift : (tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32>, tensor<1xi8>) -> tensor<2x4x9x8xf32>
  return %og : tensor<2x4x9x8xf32>
}
