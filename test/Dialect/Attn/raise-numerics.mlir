// The raised graphs compute what the TOSA graphs computed: cascade-run --check
// compiles each function with raising (cascade-cpu runs attn-raise first) and
// again with the reference pipeline, which does not raise, and compares the
// results on the same random inputs.
// RUN: cascade-opt %s --attn-raise=remarks=none | FileCheck %s --check-prefix=RAISED
// RUN: cascade-run %s --entry=gqa_causal --seed 3 --check --tolerance 1e-5 | FileCheck %s
// RUN: cascade-run %s --entry=window_bottom_right --seed 3 --check --tolerance 1e-5 | FileCheck %s
// RUN: cascade-run %s --entry=alibi_bloom --seed 3 --check --tolerance 1e-5 | FileCheck %s
// RUN: cascade-run %s --entry=gated --seed 3 --check --tolerance 1e-5 | FileCheck %s
// RUN: cascade-run %s --entry=linear_elu1 --seed 3 --check --tolerance 1e-5 | FileCheck %s

// RAISED-COUNT-4: attn.attention
// RAISED-COUNT-1: attn.linear_attention
// RAISED-NOT:     tosa.matmul

// CHECK: check result0: max abs error {{.*}} -> ok

// Grouped-query attention: keys and values repeat_interleave'd from 2 to 8 heads
// (reshape, tile, reshape), raised over the 2 heads; a causal mask selected on
// the 4D scores.
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
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<16x9x9xf32>, tensor<16x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<16x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 8, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<16x9x8xf32>, !tosa.shape<4>) -> tensor<2x8x9x8xf32>
  return %o : tensor<2x8x9x8xf32>
}

// A sliding window of 4 keys aligned bottom-right, 5 queries over 9 keys.
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
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x5x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x5x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 5, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x5x8xf32>, !tosa.shape<4>) -> tensor<2x4x5x8xf32>
  return %o : tensor<2x4x5x8xf32>
}

// BLOOM's ALiBi, slope[h] * m: -slope[h] * (n - m) shifted by slope[h] * n
// per query row, which softmax ignores.
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
  %o3 = tosa.matmul %p3, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  return %o : tensor<2x4x9x8xf32>
}

// Gated attention: the output times sigmoid(gate), the gate in the output's
// [B, H, N, Dv] shape.
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
  %o3 = tosa.matmul %p, %v3, %zp, %zp : (tensor<8x9x9xf32>, tensor<8x9x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x9x8xf32>
  %o_s = tosa.const_shape {values = dense<[2, 4, 9, 8]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %o = tosa.reshape %o3, %o_s : (tensor<8x9x8xf32>, !tosa.shape<4>) -> tensor<2x4x9x8xf32>
  %gs = tosa.sigmoid %g : (tensor<2x4x9x8xf32>) -> tensor<2x4x9x8xf32>
  %og = tosa.mul %o, %gs, %shift : (tensor<2x4x9x8xf32>, tensor<2x4x9x8xf32>, tensor<1xi8>) -> tensor<2x4x9x8xf32>
  return %og : tensor<2x4x9x8xf32>
}

// Linear attention (Katharopoulos et al.): phi = elu + 1 on the 4D q and k,
// phi(Q) (phi(K)^T V) normalized by phi(Q) sum_m phi(K).
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
