// RUN: cascade-opt %s --split-input-file -verify-diagnostics --attn-raise | FileCheck %s
// The raised graphs compute what the TOSA graphs computed: cascade-run --check
// compiles each function with raising and again without it (the reference
// pipeline does not raise) and compares the results on random inputs.
// RUN: cascade-run %s --entry=mha_self_causal --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=mha_cross --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=keys_transposed_2_0_1 --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=gqa_concat --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=gqa_concat_tiled --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=gqa_concat_swapped --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM

// NUM: check result0: max abs error {{.*}} -> ok

// Attention in the TOSA forms the ONNX importer emits for torch exports
// (test/Frontend/ONNX/Inputs), trimmed and with small shapes.

// torch nn.MultiheadAttention (mha_self, mha_causal, encoder_layer): the
// [N, B, 3E] projection sliced into q, k, v; each [N, B, E] reshaped to
// [N, B * H, D] and transposed [1, 0, 2], K^T one transpose [1, 2, 0] of
// [M, B * H, D]; q scaled, the scores * 1.0 and a causal additive mask
// [1, N, M]. The heads are those of the split E = H * D: B=2, H=3 (not
// [G, 1, N, D]); the keys get the transpose [1, 0, 2] the export fused.
// CHECK-LABEL: func.func @mha_self_causal
// CHECK:         %[[Q:.*]] = tosa.reshape %{{.*}} : (tensor<6x5x4xf32>, !tosa.shape<4>) -> tensor<2x3x5x4xf32>
// CHECK:         %[[KT:.*]] = tosa.transpose %{{.*}} {perms = array<i32: 1, 0, 2>} : (tensor<5x6x4xf32>) -> tensor<6x5x4xf32>
// CHECK:         %[[K:.*]] = tosa.reshape %[[KT]], %{{.*}} : (tensor<6x5x4xf32>, !tosa.shape<4>) -> tensor<2x3x5x4xf32>
// CHECK:         %[[V:.*]] = tosa.reshape %{{.*}} : (tensor<6x5x4xf32>, !tosa.shape<4>) -> tensor<2x3x5x4xf32>
// CHECK:         %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] {causal = #attn.causal<top_left>, scale = 5.000000e-01 : f32} : tensor<2x3x5x4xf32>, tensor<2x3x5x4xf32>, tensor<2x3x5x4xf32> -> tensor<2x3x5x4xf32>
// CHECK-NOT:     tosa.matmul
// CHECK:         tosa.reshape %[[O]], %{{.*}} : (tensor<2x3x5x4xf32>, !tosa.shape<3>) -> tensor<6x5x4xf32>
func.func @mha_self_causal(%qkv: tensor<5x2x36xf32>) -> (tensor<5x2x12xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %qs_o_s = tosa.const_shape {values = dense<[0, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %qs_z_s = tosa.const_shape {values = dense<[5, 2, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %qs = tosa.slice %qkv, %qs_o_s, %qs_z_s : (tensor<5x2x36xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<5x2x12xf32>
  %ks_o_s = tosa.const_shape {values = dense<[0, 0, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %ks_z_s = tosa.const_shape {values = dense<[5, 2, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %ks = tosa.slice %qkv, %ks_o_s, %ks_z_s : (tensor<5x2x36xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<5x2x12xf32>
  %vs_o_s = tosa.const_shape {values = dense<[0, 0, 24]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %vs_z_s = tosa.const_shape {values = dense<[5, 2, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %vs = tosa.slice %qkv, %vs_o_s, %vs_z_s : (tensor<5x2x36xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<5x2x12xf32>
  %q1_s = tosa.const_shape {values = dense<[5, 6, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q1 = tosa.reshape %qs, %q1_s : (tensor<5x2x12xf32>, !tosa.shape<3>) -> tensor<5x6x4xf32>
  %q2 = tosa.transpose %q1 {perms = array<i32: 1, 0, 2>} : (tensor<5x6x4xf32>) -> tensor<6x5x4xf32>
  %k1_s = tosa.const_shape {values = dense<[5, 6, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %k1 = tosa.reshape %ks, %k1_s : (tensor<5x2x12xf32>, !tosa.shape<3>) -> tensor<5x6x4xf32>
  %v1_s = tosa.const_shape {values = dense<[5, 6, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v1 = tosa.reshape %vs, %v1_s : (tensor<5x2x12xf32>, !tosa.shape<3>) -> tensor<5x6x4xf32>
  %v2 = tosa.transpose %v1 {perms = array<i32: 1, 0, 2>} : (tensor<5x6x4xf32>) -> tensor<6x5x4xf32>
  %qsc_c = "tosa.const"() {values = dense<5.000000e-01> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %qsc = tosa.mul %q2, %qsc_c, %shift : (tensor<6x5x4xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<6x5x4xf32>
  %kt = tosa.transpose %k1 {perms = array<i32: 1, 2, 0>} : (tensor<5x6x4xf32>) -> tensor<6x4x5xf32>
  %s = tosa.matmul %qsc, %kt, %zp, %zp : (tensor<6x5x4xf32>, tensor<6x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<6x5x5xf32>
  %s1_c = "tosa.const"() {values = dense<1.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %s1 = tosa.mul %s, %s1_c, %shift : (tensor<6x5x5xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<6x5x5xf32>
  %mask = "tosa.const"() {values = dense<[[[0.0, 0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0, 0.0]]]> : tensor<1x5x5xf32>} : () -> tensor<1x5x5xf32>
  %sm = tosa.add %s1, %mask : (tensor<6x5x5xf32>, tensor<1x5x5xf32>) -> tensor<6x5x5xf32>
  %mx = tosa.reduce_max %sm {axis = 2 : i32} : (tensor<6x5x5xf32>) -> tensor<6x5x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<6x5x5xf32>, tensor<6x5x1xf32>) -> tensor<6x5x5xf32>
  %e = tosa.exp %d : (tensor<6x5x5xf32>) -> tensor<6x5x5xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<6x5x5xf32>) -> tensor<6x5x1xf32>
  %rz = tosa.reciprocal %z : (tensor<6x5x1xf32>) -> tensor<6x5x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<6x5x5xf32>, tensor<6x5x1xf32>, tensor<1xi8>) -> tensor<6x5x5xf32>
  // expected-remark @below {{raised attention: softmax, causal top_left, B=2 Hq=3 Hkv=3 N=5 M=5 D=4}}
  %o = tosa.matmul %p, %v2, %zp, %zp : (tensor<6x5x5xf32>, tensor<6x5x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<6x5x4xf32>
  %ot = tosa.transpose %o {perms = array<i32: 1, 0, 2>} : (tensor<6x5x4xf32>) -> tensor<5x6x4xf32>
  %r_s = tosa.const_shape {values = dense<[5, 2, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %ot, %r_s : (tensor<5x6x4xf32>, !tosa.shape<3>) -> tensor<5x2x12xf32>
  return %r : tensor<5x2x12xf32>
}

// -----

// torch's MHA cross-attention (mha_cross): q from [N, B, E], k and v
// sliced from the memory's [M, B, 2E] projection.
// CHECK-LABEL: func.func @mha_cross
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 5.000000e-01 : f32} : tensor<2x2x3x4xf32>, tensor<2x2x6x4xf32>, tensor<2x2x6x4xf32> -> tensor<2x2x3x4xf32>
// CHECK-NOT:     tosa.matmul
func.func @mha_cross(%x: tensor<3x2x8xf32>, %mem: tensor<6x2x16xf32>) -> (tensor<3x2x8xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ks_o_s = tosa.const_shape {values = dense<[0, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %ks_z_s = tosa.const_shape {values = dense<[6, 2, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %ks = tosa.slice %mem, %ks_o_s, %ks_z_s : (tensor<6x2x16xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<6x2x8xf32>
  %vs_o_s = tosa.const_shape {values = dense<[0, 0, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %vs_z_s = tosa.const_shape {values = dense<[6, 2, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %vs = tosa.slice %mem, %vs_o_s, %vs_z_s : (tensor<6x2x16xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<6x2x8xf32>
  %q1_s = tosa.const_shape {values = dense<[3, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q1 = tosa.reshape %x, %q1_s : (tensor<3x2x8xf32>, !tosa.shape<3>) -> tensor<3x4x4xf32>
  %q2 = tosa.transpose %q1 {perms = array<i32: 1, 0, 2>} : (tensor<3x4x4xf32>) -> tensor<4x3x4xf32>
  %k1_s = tosa.const_shape {values = dense<[6, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %k1 = tosa.reshape %ks, %k1_s : (tensor<6x2x8xf32>, !tosa.shape<3>) -> tensor<6x4x4xf32>
  %v1_s = tosa.const_shape {values = dense<[6, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v1 = tosa.reshape %vs, %v1_s : (tensor<6x2x8xf32>, !tosa.shape<3>) -> tensor<6x4x4xf32>
  %v2 = tosa.transpose %v1 {perms = array<i32: 1, 0, 2>} : (tensor<6x4x4xf32>) -> tensor<4x6x4xf32>
  %qsc_c = "tosa.const"() {values = dense<5.000000e-01> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %qsc = tosa.mul %q2, %qsc_c, %shift : (tensor<4x3x4xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<4x3x4xf32>
  %kt = tosa.transpose %k1 {perms = array<i32: 1, 2, 0>} : (tensor<6x4x4xf32>) -> tensor<4x4x6xf32>
  %s = tosa.matmul %qsc, %kt, %zp, %zp : (tensor<4x3x4xf32>, tensor<4x4x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x3x6xf32>
  %s1_c = "tosa.const"() {values = dense<1.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %s1 = tosa.mul %s, %s1_c, %shift : (tensor<4x3x6xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<4x3x6xf32>
  %mx = tosa.reduce_max %s1 {axis = 2 : i32} : (tensor<4x3x6xf32>) -> tensor<4x3x1xf32>
  %d = tosa.sub %s1, %mx : (tensor<4x3x6xf32>, tensor<4x3x1xf32>) -> tensor<4x3x6xf32>
  %e = tosa.exp %d : (tensor<4x3x6xf32>) -> tensor<4x3x6xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<4x3x6xf32>) -> tensor<4x3x1xf32>
  %rz = tosa.reciprocal %z : (tensor<4x3x1xf32>) -> tensor<4x3x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<4x3x6xf32>, tensor<4x3x1xf32>, tensor<1xi8>) -> tensor<4x3x6xf32>
  // expected-remark @below {{raised attention: softmax, B=2 Hq=2 Hkv=2 N=3 M=6 D=4}}
  %o = tosa.matmul %p, %v2, %zp, %zp : (tensor<4x3x6xf32>, tensor<4x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x3x4xf32>
  %ot = tosa.transpose %o {perms = array<i32: 1, 0, 2>} : (tensor<4x3x4xf32>) -> tensor<3x4x4xf32>
  %r_s = tosa.const_shape {values = dense<[3, 2, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %ot, %r_s : (tensor<3x4x4xf32>, !tosa.shape<3>) -> tensor<3x2x8xf32>
  return %r : tensor<3x2x8xf32>
}

// -----

// The queries split [N, 2, 12] into 2 x 3 heads, the keys and values
// [M, 3, 8] into 3 x 2: the layout is unclear, [G, 1, N, D].
// CHECK-LABEL: func.func @mha_splits_disagree
// CHECK:         attn.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 5.000000e-01 : f32} : tensor<6x1x3x4xf32>, tensor<6x1x6x4xf32>, tensor<6x1x6x4xf32> -> tensor<6x1x3x4xf32>
func.func @mha_splits_disagree(%x: tensor<3x2x12xf32>, %mem: tensor<6x3x16xf32>) -> (tensor<3x2x12xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %ks_o_s = tosa.const_shape {values = dense<[0, 0, 0]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %ks_z_s = tosa.const_shape {values = dense<[6, 3, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %ks = tosa.slice %mem, %ks_o_s, %ks_z_s : (tensor<6x3x16xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<6x3x8xf32>
  %vs_o_s = tosa.const_shape {values = dense<[0, 0, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %vs_z_s = tosa.const_shape {values = dense<[6, 3, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %vs = tosa.slice %mem, %vs_o_s, %vs_z_s : (tensor<6x3x16xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<6x3x8xf32>
  %q1_s = tosa.const_shape {values = dense<[3, 6, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q1 = tosa.reshape %x, %q1_s : (tensor<3x2x12xf32>, !tosa.shape<3>) -> tensor<3x6x4xf32>
  %q2 = tosa.transpose %q1 {perms = array<i32: 1, 0, 2>} : (tensor<3x6x4xf32>) -> tensor<6x3x4xf32>
  %k1_s = tosa.const_shape {values = dense<[6, 6, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %k1 = tosa.reshape %ks, %k1_s : (tensor<6x3x8xf32>, !tosa.shape<3>) -> tensor<6x6x4xf32>
  %v1_s = tosa.const_shape {values = dense<[6, 6, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v1 = tosa.reshape %vs, %v1_s : (tensor<6x3x8xf32>, !tosa.shape<3>) -> tensor<6x6x4xf32>
  %v2 = tosa.transpose %v1 {perms = array<i32: 1, 0, 2>} : (tensor<6x6x4xf32>) -> tensor<6x6x4xf32>
  %qsc_c = "tosa.const"() {values = dense<5.000000e-01> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %qsc = tosa.mul %q2, %qsc_c, %shift : (tensor<6x3x4xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<6x3x4xf32>
  %kt = tosa.transpose %k1 {perms = array<i32: 1, 2, 0>} : (tensor<6x6x4xf32>) -> tensor<6x4x6xf32>
  %s = tosa.matmul %qsc, %kt, %zp, %zp : (tensor<6x3x4xf32>, tensor<6x4x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<6x3x6xf32>
  %s1_c = "tosa.const"() {values = dense<1.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %s1 = tosa.mul %s, %s1_c, %shift : (tensor<6x3x6xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<6x3x6xf32>
  %mx = tosa.reduce_max %s1 {axis = 2 : i32} : (tensor<6x3x6xf32>) -> tensor<6x3x1xf32>
  %d = tosa.sub %s1, %mx : (tensor<6x3x6xf32>, tensor<6x3x1xf32>) -> tensor<6x3x6xf32>
  %e = tosa.exp %d : (tensor<6x3x6xf32>) -> tensor<6x3x6xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<6x3x6xf32>) -> tensor<6x3x1xf32>
  %rz = tosa.reciprocal %z : (tensor<6x3x1xf32>) -> tensor<6x3x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<6x3x6xf32>, tensor<6x3x1xf32>, tensor<1xi8>) -> tensor<6x3x6xf32>
  // expected-remark @below {{raised attention: softmax, B=6 Hq=1 Hkv=1 N=3 M=6 D=4}}
  %o = tosa.matmul %p, %v2, %zp, %zp : (tensor<6x3x6xf32>, tensor<6x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<6x3x4xf32>
  %ot = tosa.transpose %o {perms = array<i32: 1, 0, 2>} : (tensor<6x3x4xf32>) -> tensor<3x6x4xf32>
  %r_s = tosa.const_shape {values = dense<[3, 2, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %r = tosa.reshape %ot, %r_s : (tensor<3x6x4xf32>, !tosa.shape<3>) -> tensor<3x2x12xf32>
  return %r : tensor<3x2x12xf32>
}

// -----

// K^T as one transpose [1, 2, 0] of [M, G, D] without a visible head split:
// [G, 1, N, D], the keys transposed [1, 0, 2].
// CHECK-LABEL: func.func @keys_transposed_1_2_0
// CHECK-SAME:    (%[[Q:.*]]: tensor<6x5x4xf32>, %[[K:.*]]: tensor<7x6x4xf32>, %[[V:.*]]: tensor<6x7x4xf32>)
// CHECK:         %[[Q4:.*]] = tosa.reshape %[[Q]], %{{.*}} -> tensor<6x1x5x4xf32>
// CHECK:         %[[KT:.*]] = tosa.transpose %[[K]] {perms = array<i32: 1, 0, 2>} : (tensor<7x6x4xf32>) -> tensor<6x7x4xf32>
// CHECK:         %[[K4:.*]] = tosa.reshape %[[KT]], %{{.*}} -> tensor<6x1x7x4xf32>
// CHECK:         %[[V4:.*]] = tosa.reshape %[[V]], %{{.*}} -> tensor<6x1x7x4xf32>
// CHECK:         attn.attention %[[Q4]], %[[K4]], %[[V4]] {scale = 5.000000e-01 : f32} : tensor<6x1x5x4xf32>, tensor<6x1x7x4xf32>, tensor<6x1x7x4xf32> -> tensor<6x1x5x4xf32>
func.func @keys_transposed_1_2_0(%q: tensor<6x5x4xf32>, %k: tensor<7x6x4xf32>, %v: tensor<6x7x4xf32>) -> (tensor<6x5x4xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %kt = tosa.transpose %k {perms = array<i32: 1, 2, 0>} : (tensor<7x6x4xf32>) -> tensor<6x4x7xf32>
  %qsc_c = "tosa.const"() {values = dense<5.000000e-01> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %qsc = tosa.mul %q, %qsc_c, %shift : (tensor<6x5x4xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<6x5x4xf32>
  %s = tosa.matmul %qsc, %kt, %zp, %zp : (tensor<6x5x4xf32>, tensor<6x4x7xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<6x5x7xf32>
  %mx = tosa.reduce_max %s {axis = 2 : i32} : (tensor<6x5x7xf32>) -> tensor<6x5x1xf32>
  %d = tosa.sub %s, %mx : (tensor<6x5x7xf32>, tensor<6x5x1xf32>) -> tensor<6x5x7xf32>
  %e = tosa.exp %d : (tensor<6x5x7xf32>) -> tensor<6x5x7xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<6x5x7xf32>) -> tensor<6x5x1xf32>
  %rz = tosa.reciprocal %z : (tensor<6x5x1xf32>) -> tensor<6x5x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<6x5x7xf32>, tensor<6x5x1xf32>, tensor<1xi8>) -> tensor<6x5x7xf32>
  // expected-remark @below {{raised attention: softmax, B=6 Hq=1 Hkv=1 N=5 M=7 D=4}}
  %o = tosa.matmul %p, %v, %zp, %zp : (tensor<6x5x7xf32>, tensor<6x7x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<6x5x4xf32>
  return %o : tensor<6x5x4xf32>
}

// -----

// Any permutation: K^T = transpose [2, 0, 1] of [D, M, G] leaves [2, 1, 0].
// CHECK-LABEL: func.func @keys_transposed_2_0_1
// CHECK-SAME:    (%{{.*}}: tensor<6x5x4xf32>, %[[K:.*]]: tensor<4x7x6xf32>, %{{.*}}: tensor<6x7x4xf32>)
// CHECK:         %[[KT:.*]] = tosa.transpose %[[K]] {perms = array<i32: 2, 1, 0>} : (tensor<4x7x6xf32>) -> tensor<6x7x4xf32>
// CHECK:         %[[K4:.*]] = tosa.reshape %[[KT]], %{{.*}} -> tensor<6x1x7x4xf32>
// CHECK:         attn.attention %{{.*}}, %[[K4]], %{{.*}} {scale = 5.000000e-01 : f32} : tensor<6x1x5x4xf32>, tensor<6x1x7x4xf32>, tensor<6x1x7x4xf32> -> tensor<6x1x5x4xf32>
func.func @keys_transposed_2_0_1(%q: tensor<6x5x4xf32>, %k: tensor<4x7x6xf32>, %v: tensor<6x7x4xf32>) -> (tensor<6x5x4xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %kt = tosa.transpose %k {perms = array<i32: 2, 0, 1>} : (tensor<4x7x6xf32>) -> tensor<6x4x7xf32>
  %qsc_c = "tosa.const"() {values = dense<5.000000e-01> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %qsc = tosa.mul %q, %qsc_c, %shift : (tensor<6x5x4xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<6x5x4xf32>
  %s = tosa.matmul %qsc, %kt, %zp, %zp : (tensor<6x5x4xf32>, tensor<6x4x7xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<6x5x7xf32>
  %mx = tosa.reduce_max %s {axis = 2 : i32} : (tensor<6x5x7xf32>) -> tensor<6x5x1xf32>
  %d = tosa.sub %s, %mx : (tensor<6x5x7xf32>, tensor<6x5x1xf32>) -> tensor<6x5x7xf32>
  %e = tosa.exp %d : (tensor<6x5x7xf32>) -> tensor<6x5x7xf32>
  %z = tosa.reduce_sum %e {axis = 2 : i32} : (tensor<6x5x7xf32>) -> tensor<6x5x1xf32>
  %rz = tosa.reciprocal %z : (tensor<6x5x1xf32>) -> tensor<6x5x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<6x5x7xf32>, tensor<6x5x1xf32>, tensor<1xi8>) -> tensor<6x5x7xf32>
  // expected-remark @below {{raised attention: softmax, B=6 Hq=1 Hkv=1 N=5 M=7 D=4}}
  %o = tosa.matmul %p, %v, %zp, %zp : (tensor<6x5x7xf32>, tensor<6x7x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<6x5x4xf32>
  return %o : tensor<6x5x4xf32>
}

// -----

// repeat_interleave(2, dim=1) as torch 1.13 exports it (gqa_block), after
// constant folding: a slice per kv head, each repeated (reshape, tile
// [1, 1, 2, 1, 1], reshape), concatenated along the heads in kv order, so
// query head h reads kv head h / 2: grouped-query attention over the 2 kv
// heads, the repeats erased.
// CHECK-LABEL: func.func @gqa_concat
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x4x5x4xf32>, %[[K:.*]]: tensor<2x2x5x4xf32>, %[[V:.*]]: tensor<2x2x5x4xf32>)
// CHECK-NEXT:    %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] {causal = #attn.causal<top_left>, scale = 5.000000e-01 : f32} : tensor<2x4x5x4xf32>, tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32> -> tensor<2x4x5x4xf32>
// CHECK-NEXT:    return %[[O]]
func.func @gqa_concat(%q: tensor<2x4x5x4xf32>, %k: tensor<2x2x5x4xf32>, %v: tensor<2x2x5x4xf32>) -> (tensor<2x4x5x4xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %kr0_o_s = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr0_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr0 = tosa.slice %k, %kr0_o_s, %kr0_z_s : (tensor<2x2x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %kr0u_s = tosa.const_shape {values = dense<[2, 1, 1, 5, 4]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kr0u = tosa.reshape %kr0, %kr0u_s : (tensor<2x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x1x5x4xf32>
  %kr0t_m_s = tosa.const_shape {values = dense<[1, 1, 2, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kr0t = tosa.tile %kr0u, %kr0t_m_s : (tensor<2x1x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x2x5x4xf32>
  %kr0r_s = tosa.const_shape {values = dense<[2, 2, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr0r = tosa.reshape %kr0t, %kr0r_s : (tensor<2x1x2x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %kr1_o_s = tosa.const_shape {values = dense<[0, 1, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr1_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr1 = tosa.slice %k, %kr1_o_s, %kr1_z_s : (tensor<2x2x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %kr1u_s = tosa.const_shape {values = dense<[2, 1, 1, 5, 4]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kr1u = tosa.reshape %kr1, %kr1u_s : (tensor<2x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x1x5x4xf32>
  %kr1t_m_s = tosa.const_shape {values = dense<[1, 1, 2, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kr1t = tosa.tile %kr1u, %kr1t_m_s : (tensor<2x1x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x2x5x4xf32>
  %kr1r_s = tosa.const_shape {values = dense<[2, 2, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr1r = tosa.reshape %kr1t, %kr1r_s : (tensor<2x1x2x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %krx = tosa.concat %kr0r, %kr1r {axis = 1 : i32} : (tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32>) -> tensor<2x4x5x4xf32>
  %vr0_o_s = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr0_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr0 = tosa.slice %v, %vr0_o_s, %vr0_z_s : (tensor<2x2x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %vr0u_s = tosa.const_shape {values = dense<[2, 1, 1, 5, 4]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %vr0u = tosa.reshape %vr0, %vr0u_s : (tensor<2x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x1x5x4xf32>
  %vr0t_m_s = tosa.const_shape {values = dense<[1, 1, 2, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %vr0t = tosa.tile %vr0u, %vr0t_m_s : (tensor<2x1x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x2x5x4xf32>
  %vr0r_s = tosa.const_shape {values = dense<[2, 2, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr0r = tosa.reshape %vr0t, %vr0r_s : (tensor<2x1x2x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %vr1_o_s = tosa.const_shape {values = dense<[0, 1, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr1_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr1 = tosa.slice %v, %vr1_o_s, %vr1_z_s : (tensor<2x2x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %vr1u_s = tosa.const_shape {values = dense<[2, 1, 1, 5, 4]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %vr1u = tosa.reshape %vr1, %vr1u_s : (tensor<2x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x1x5x4xf32>
  %vr1t_m_s = tosa.const_shape {values = dense<[1, 1, 2, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %vr1t = tosa.tile %vr1u, %vr1t_m_s : (tensor<2x1x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x2x5x4xf32>
  %vr1r_s = tosa.const_shape {values = dense<[2, 2, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr1r = tosa.reshape %vr1t, %vr1r_s : (tensor<2x1x2x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %vrx = tosa.concat %vr0r, %vr1r {axis = 1 : i32} : (tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32>) -> tensor<2x4x5x4xf32>
  %qsc_c = "tosa.const"() {values = dense<5.000000e-01> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %qsc = tosa.mul %q, %qsc_c, %shift : (tensor<2x4x5x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x4x5x4xf32>
  %kt = tosa.transpose %krx {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x5x4xf32>) -> tensor<2x4x4x5xf32>
  %q3_s = tosa.const_shape {values = dense<[8, 5, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %qsc, %q3_s : (tensor<2x4x5x4xf32>, !tosa.shape<3>) -> tensor<8x5x4xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 4, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x4x5xf32>, !tosa.shape<3>) -> tensor<8x4x5xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x5x4xf32>, tensor<8x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x5xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 4, 5, 5]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %s, %s4_s : (tensor<8x5x5xf32>, !tosa.shape<4>) -> tensor<2x4x5x5xf32>
  %tril = "tosa.const"() {values = dense<[[[[true, false, false, false, false], [true, true, false, false, false], [true, true, true, false, false], [true, true, true, true, false], [true, true, true, true, true]]]]> : tensor<1x1x5x5xi1>} : () -> tensor<1x1x5x5xi1>
  %ninf = "tosa.const"() {values = dense<0xFF800000> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %sm = tosa.select %tril, %s4, %ninf : (tensor<1x1x5x5xi1>, tensor<2x4x5x5xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x5x5xf32>
  %mx = tosa.reduce_max %sm {axis = 3 : i32} : (tensor<2x4x5x5xf32>) -> tensor<2x4x5x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<2x4x5x5xf32>, tensor<2x4x5x1xf32>) -> tensor<2x4x5x5xf32>
  %e = tosa.exp %d : (tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x4x5x5xf32>) -> tensor<2x4x5x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x4x5x1xf32>) -> tensor<2x4x5x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x4x5x5xf32>, tensor<2x4x5x1xf32>, tensor<1xi8>) -> tensor<2x4x5x5xf32>
  %p3_s = tosa.const_shape {values = dense<[8, 5, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x4x5x5xf32>, !tosa.shape<3>) -> tensor<8x5x5xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 5, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %vrx, %v3_s : (tensor<2x4x5x4xf32>, !tosa.shape<3>) -> tensor<8x5x4xf32>
  // expected-remark @below {{raised attention: softmax, causal top_left, B=2 Hq=4 Hkv=2 N=5 M=5 D=4}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x5x5xf32>, tensor<8x5x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x4xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x5x4xf32>, !tosa.shape<4>) -> tensor<2x4x5x4xf32>
  return %o : tensor<2x4x5x4xf32>
}

// -----

// The same with each one-head slice tiled [1, 2, 1, 1] (for one head the
// same as repeating it), 3 kv heads.
// CHECK-LABEL: func.func @gqa_concat_tiled
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x6x5x4xf32>, %[[K:.*]]: tensor<2x3x5x4xf32>, %[[V:.*]]: tensor<2x3x5x4xf32>)
// CHECK-NEXT:    %[[O:.*]] = attn.attention %[[Q]], %[[K]], %[[V]] {causal = #attn.causal<top_left>, scale = 5.000000e-01 : f32} : tensor<2x6x5x4xf32>, tensor<2x3x5x4xf32>, tensor<2x3x5x4xf32> -> tensor<2x6x5x4xf32>
// CHECK-NEXT:    return %[[O]]
func.func @gqa_concat_tiled(%q: tensor<2x6x5x4xf32>, %k: tensor<2x3x5x4xf32>, %v: tensor<2x3x5x4xf32>) -> (tensor<2x6x5x4xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %kr0_o_s = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr0_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr0 = tosa.slice %k, %kr0_o_s, %kr0_z_s : (tensor<2x3x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %kr0t_m_s = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr0t = tosa.tile %kr0, %kr0t_m_s : (tensor<2x1x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %kr1_o_s = tosa.const_shape {values = dense<[0, 1, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr1_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr1 = tosa.slice %k, %kr1_o_s, %kr1_z_s : (tensor<2x3x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %kr1t_m_s = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr1t = tosa.tile %kr1, %kr1t_m_s : (tensor<2x1x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %kr2_o_s = tosa.const_shape {values = dense<[0, 2, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr2_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr2 = tosa.slice %k, %kr2_o_s, %kr2_z_s : (tensor<2x3x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %kr2t_m_s = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr2t = tosa.tile %kr2, %kr2t_m_s : (tensor<2x1x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %krx = tosa.concat %kr0t, %kr1t, %kr2t {axis = 1 : i32} : (tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32>) -> tensor<2x6x5x4xf32>
  %vr0_o_s = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr0_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr0 = tosa.slice %v, %vr0_o_s, %vr0_z_s : (tensor<2x3x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %vr0t_m_s = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr0t = tosa.tile %vr0, %vr0t_m_s : (tensor<2x1x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %vr1_o_s = tosa.const_shape {values = dense<[0, 1, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr1_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr1 = tosa.slice %v, %vr1_o_s, %vr1_z_s : (tensor<2x3x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %vr1t_m_s = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr1t = tosa.tile %vr1, %vr1t_m_s : (tensor<2x1x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %vr2_o_s = tosa.const_shape {values = dense<[0, 2, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr2_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr2 = tosa.slice %v, %vr2_o_s, %vr2_z_s : (tensor<2x3x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %vr2t_m_s = tosa.const_shape {values = dense<[1, 2, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr2t = tosa.tile %vr2, %vr2t_m_s : (tensor<2x1x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %vrx = tosa.concat %vr0t, %vr1t, %vr2t {axis = 1 : i32} : (tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32>) -> tensor<2x6x5x4xf32>
  %qsc_c = "tosa.const"() {values = dense<5.000000e-01> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %qsc = tosa.mul %q, %qsc_c, %shift : (tensor<2x6x5x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x6x5x4xf32>
  %kt = tosa.transpose %krx {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x6x5x4xf32>) -> tensor<2x6x4x5xf32>
  %q3_s = tosa.const_shape {values = dense<[12, 5, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %qsc, %q3_s : (tensor<2x6x5x4xf32>, !tosa.shape<3>) -> tensor<12x5x4xf32>
  %kt3_s = tosa.const_shape {values = dense<[12, 4, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x6x4x5xf32>, !tosa.shape<3>) -> tensor<12x4x5xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<12x5x4xf32>, tensor<12x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<12x5x5xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 6, 5, 5]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %s, %s4_s : (tensor<12x5x5xf32>, !tosa.shape<4>) -> tensor<2x6x5x5xf32>
  %tril = "tosa.const"() {values = dense<[[[[true, false, false, false, false], [true, true, false, false, false], [true, true, true, false, false], [true, true, true, true, false], [true, true, true, true, true]]]]> : tensor<1x1x5x5xi1>} : () -> tensor<1x1x5x5xi1>
  %ninf = "tosa.const"() {values = dense<0xFF800000> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %sm = tosa.select %tril, %s4, %ninf : (tensor<1x1x5x5xi1>, tensor<2x6x5x5xf32>, tensor<1x1x1x1xf32>) -> tensor<2x6x5x5xf32>
  %mx = tosa.reduce_max %sm {axis = 3 : i32} : (tensor<2x6x5x5xf32>) -> tensor<2x6x5x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<2x6x5x5xf32>, tensor<2x6x5x1xf32>) -> tensor<2x6x5x5xf32>
  %e = tosa.exp %d : (tensor<2x6x5x5xf32>) -> tensor<2x6x5x5xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x6x5x5xf32>) -> tensor<2x6x5x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x6x5x1xf32>) -> tensor<2x6x5x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x6x5x5xf32>, tensor<2x6x5x1xf32>, tensor<1xi8>) -> tensor<2x6x5x5xf32>
  %p3_s = tosa.const_shape {values = dense<[12, 5, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x6x5x5xf32>, !tosa.shape<3>) -> tensor<12x5x5xf32>
  %v3_s = tosa.const_shape {values = dense<[12, 5, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %vrx, %v3_s : (tensor<2x6x5x4xf32>, !tosa.shape<3>) -> tensor<12x5x4xf32>
  // expected-remark @below {{raised attention: softmax, causal top_left, B=2 Hq=6 Hkv=3 N=5 M=5 D=4}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<12x5x5xf32>, tensor<12x5x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<12x5x4xf32>
  %o_s = tosa.const_shape {values = dense<[2, 6, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<12x5x4xf32>, !tosa.shape<4>) -> tensor<2x6x5x4xf32>
  return %o : tensor<2x6x5x4xf32>
}

// -----

// The slices concatenated in the other order: query head h reads kv head
// 1 - h / 2, not attn's grouping; the expanded keys and values stay, as
// multi-head attention.
// CHECK-LABEL: func.func @gqa_concat_swapped
// CHECK:         %[[KX:.*]] = tosa.concat %{{.*}}, %{{.*}} {axis = 1 : i32} : (tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32>) -> tensor<2x4x5x4xf32>
// CHECK:         %[[VX:.*]] = tosa.concat %{{.*}}, %{{.*}} {axis = 1 : i32} : (tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32>) -> tensor<2x4x5x4xf32>
// CHECK:         attn.attention %{{.*}}, %[[KX]], %[[VX]] {causal = #attn.causal<top_left>, scale = 5.000000e-01 : f32} : tensor<2x4x5x4xf32>, tensor<2x4x5x4xf32>, tensor<2x4x5x4xf32> -> tensor<2x4x5x4xf32>
func.func @gqa_concat_swapped(%q: tensor<2x4x5x4xf32>, %k: tensor<2x2x5x4xf32>, %v: tensor<2x2x5x4xf32>) -> (tensor<2x4x5x4xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %kr0_o_s = tosa.const_shape {values = dense<[0, 1, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr0_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr0 = tosa.slice %k, %kr0_o_s, %kr0_z_s : (tensor<2x2x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %kr0u_s = tosa.const_shape {values = dense<[2, 1, 1, 5, 4]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kr0u = tosa.reshape %kr0, %kr0u_s : (tensor<2x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x1x5x4xf32>
  %kr0t_m_s = tosa.const_shape {values = dense<[1, 1, 2, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kr0t = tosa.tile %kr0u, %kr0t_m_s : (tensor<2x1x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x2x5x4xf32>
  %kr0r_s = tosa.const_shape {values = dense<[2, 2, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr0r = tosa.reshape %kr0t, %kr0r_s : (tensor<2x1x2x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %kr1_o_s = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr1_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr1 = tosa.slice %k, %kr1_o_s, %kr1_z_s : (tensor<2x2x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %kr1u_s = tosa.const_shape {values = dense<[2, 1, 1, 5, 4]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kr1u = tosa.reshape %kr1, %kr1u_s : (tensor<2x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x1x5x4xf32>
  %kr1t_m_s = tosa.const_shape {values = dense<[1, 1, 2, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %kr1t = tosa.tile %kr1u, %kr1t_m_s : (tensor<2x1x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x2x5x4xf32>
  %kr1r_s = tosa.const_shape {values = dense<[2, 2, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %kr1r = tosa.reshape %kr1t, %kr1r_s : (tensor<2x1x2x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %krx = tosa.concat %kr0r, %kr1r {axis = 1 : i32} : (tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32>) -> tensor<2x4x5x4xf32>
  %vr0_o_s = tosa.const_shape {values = dense<[0, 1, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr0_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr0 = tosa.slice %v, %vr0_o_s, %vr0_z_s : (tensor<2x2x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %vr0u_s = tosa.const_shape {values = dense<[2, 1, 1, 5, 4]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %vr0u = tosa.reshape %vr0, %vr0u_s : (tensor<2x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x1x5x4xf32>
  %vr0t_m_s = tosa.const_shape {values = dense<[1, 1, 2, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %vr0t = tosa.tile %vr0u, %vr0t_m_s : (tensor<2x1x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x2x5x4xf32>
  %vr0r_s = tosa.const_shape {values = dense<[2, 2, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr0r = tosa.reshape %vr0t, %vr0r_s : (tensor<2x1x2x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %vr1_o_s = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr1_z_s = tosa.const_shape {values = dense<[2, 1, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr1 = tosa.slice %v, %vr1_o_s, %vr1_z_s : (tensor<2x2x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x5x4xf32>
  %vr1u_s = tosa.const_shape {values = dense<[2, 1, 1, 5, 4]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %vr1u = tosa.reshape %vr1, %vr1u_s : (tensor<2x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x1x5x4xf32>
  %vr1t_m_s = tosa.const_shape {values = dense<[1, 1, 2, 1, 1]> : tensor<5xindex>} : () -> !tosa.shape<5>
  %vr1t = tosa.tile %vr1u, %vr1t_m_s : (tensor<2x1x1x5x4xf32>, !tosa.shape<5>) -> tensor<2x1x2x5x4xf32>
  %vr1r_s = tosa.const_shape {values = dense<[2, 2, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %vr1r = tosa.reshape %vr1t, %vr1r_s : (tensor<2x1x2x5x4xf32>, !tosa.shape<4>) -> tensor<2x2x5x4xf32>
  %vrx = tosa.concat %vr0r, %vr1r {axis = 1 : i32} : (tensor<2x2x5x4xf32>, tensor<2x2x5x4xf32>) -> tensor<2x4x5x4xf32>
  %qsc_c = "tosa.const"() {values = dense<5.000000e-01> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %qsc = tosa.mul %q, %qsc_c, %shift : (tensor<2x4x5x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x4x5x4xf32>
  %kt = tosa.transpose %krx {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x4x5x4xf32>) -> tensor<2x4x4x5xf32>
  %q3_s = tosa.const_shape {values = dense<[8, 5, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %q3 = tosa.reshape %qsc, %q3_s : (tensor<2x4x5x4xf32>, !tosa.shape<3>) -> tensor<8x5x4xf32>
  %kt3_s = tosa.const_shape {values = dense<[8, 4, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %kt3 = tosa.reshape %kt, %kt3_s : (tensor<2x4x4x5xf32>, !tosa.shape<3>) -> tensor<8x4x5xf32>
  %s = tosa.matmul %q3, %kt3, %zp, %zp : (tensor<8x5x4xf32>, tensor<8x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x5xf32>
  %s4_s = tosa.const_shape {values = dense<[2, 4, 5, 5]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s4 = tosa.reshape %s, %s4_s : (tensor<8x5x5xf32>, !tosa.shape<4>) -> tensor<2x4x5x5xf32>
  %tril = "tosa.const"() {values = dense<[[[[true, false, false, false, false], [true, true, false, false, false], [true, true, true, false, false], [true, true, true, true, false], [true, true, true, true, true]]]]> : tensor<1x1x5x5xi1>} : () -> tensor<1x1x5x5xi1>
  %ninf = "tosa.const"() {values = dense<0xFF800000> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %sm = tosa.select %tril, %s4, %ninf : (tensor<1x1x5x5xi1>, tensor<2x4x5x5xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x5x5xf32>
  %mx = tosa.reduce_max %sm {axis = 3 : i32} : (tensor<2x4x5x5xf32>) -> tensor<2x4x5x1xf32>
  %d = tosa.sub %sm, %mx : (tensor<2x4x5x5xf32>, tensor<2x4x5x1xf32>) -> tensor<2x4x5x5xf32>
  %e = tosa.exp %d : (tensor<2x4x5x5xf32>) -> tensor<2x4x5x5xf32>
  %z = tosa.reduce_sum %e {axis = 3 : i32} : (tensor<2x4x5x5xf32>) -> tensor<2x4x5x1xf32>
  %rz = tosa.reciprocal %z : (tensor<2x4x5x1xf32>) -> tensor<2x4x5x1xf32>
  %p = tosa.mul %e, %rz, %shift : (tensor<2x4x5x5xf32>, tensor<2x4x5x1xf32>, tensor<1xi8>) -> tensor<2x4x5x5xf32>
  %p3_s = tosa.const_shape {values = dense<[8, 5, 5]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %p3 = tosa.reshape %p, %p3_s : (tensor<2x4x5x5xf32>, !tosa.shape<3>) -> tensor<8x5x5xf32>
  %v3_s = tosa.const_shape {values = dense<[8, 5, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %v3 = tosa.reshape %vrx, %v3_s : (tensor<2x4x5x4xf32>, !tosa.shape<3>) -> tensor<8x5x4xf32>
  // expected-remark @below {{raised attention: softmax, causal top_left, B=2 Hq=4 Hkv=4 N=5 M=5 D=4}}
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x5x5xf32>, tensor<8x5x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x4xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x5x4xf32>, !tosa.shape<4>) -> tensor<2x4x5x4xf32>
  return %o : tensor<2x4x5x4xf32>
}
