// Regressions found by differential testing of attn-raise against the graph
// as written (cascade-run --check): each block here was raised to an attn
// op that computed something else.
// RUN: cascade-opt %s --split-input-file -verify-diagnostics --attn-raise | FileCheck %s
// RUN: cascade-run %s --entry=near_mask_bias --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=fill_raised_by_bias --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=mask_then_cancelling_bias --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=sigmoid_bias_unmasks --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=alibi_batch_mask --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=sigmoid_graph_mask_fill --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM
// RUN: cascade-run %s --entry=linear_relu_normalized --seed 3 --check --tolerance 1e-5 | FileCheck %s --check-prefix=NUM

// NUM: -> ok

// A finite mask value (-1e4) next to a kept bias of -9999 in the same row:
// exp(-1) is not 0, so the key is not removed. Raised before as a dense mask.
// CHECK-LABEL: func.func @near_mask_bias
// CHECK-NOT:     attn.
func.func @near_mask_bias(%arg0: tensor<1x2x4x4xf32>, %arg1: tensor<1x2x4x4xf32>, %arg2: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>) {
  %0 = tosa.transpose %arg1 {perms = array<i32: 0, 1, 3, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %1 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %2 = tosa.reshape %arg0, %1 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %3 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %4 = tosa.reshape %0, %3 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %5 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %6 = tosa.matmul %2, %4, %5, %5 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %7 = tosa.const_shape  {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %8 = tosa.reshape %6, %7 : (tensor<2x4x4xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  %9 = "tosa.const"() <{values = dense<5.000000e-01> : tensor<f32>}> : () -> tensor<f32>
  %10 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %11 = tosa.reshape %9, %10 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %12 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %13 = tosa.mul %8, %11, %12 : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %14 = "tosa.const"() <{values = dense<[[0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [-9.999000e+03, -9.999000e+03, -1.000000e+04, -9.999000e+03], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x4xf32>}> : () -> tensor<4x4xf32>
  %15 = tosa.const_shape  {values = dense<[1, 1, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %16 = tosa.reshape %14, %15 : (tensor<4x4xf32>, !tosa.shape<4>) -> tensor<1x1x4x4xf32>
  %17 = tosa.add %13, %16 : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %18 = tosa.reduce_max %17 {axis = 3 : i32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x1xf32>
  %19 = tosa.sub %17, %18 : (tensor<1x2x4x4xf32>, tensor<1x2x4x1xf32>) -> tensor<1x2x4x4xf32>
  %20 = tosa.exp %19 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %21 = tosa.reduce_sum %20 {axis = 3 : i32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x1xf32>
  %22 = tosa.reciprocal %21 : (tensor<1x2x4x1xf32>) -> tensor<1x2x4x1xf32>
  %23 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %24 = tosa.mul %20, %22, %23 : (tensor<1x2x4x4xf32>, tensor<1x2x4x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %25 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %26 = tosa.reshape %24, %25 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %27 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %28 = tosa.reshape %arg2, %27 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %29 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{attention not raised: a masked score of -10000 at query row 1, key 2 is too close to the row's kept bias of -9999: its weight is not 0}}
  %30 = tosa.matmul %26, %28, %29, %29 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %31 = tosa.const_shape  {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %32 = tosa.reshape %30, %31 : (tensor<2x4x4xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  return %32 : tensor<1x2x4x4xf32>
}

// -----

// select(causal, s, -1e4) followed by a constant that adds 1e4 to the masked
// scores: they become 0, not masked. Raised before as causal.
// CHECK-LABEL: func.func @fill_raised_by_bias
// CHECK-NOT:     attn.
func.func @fill_raised_by_bias(%arg0: tensor<1x2x4x4xf32>, %arg1: tensor<1x2x4x4xf32>, %arg2: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>) {
  %0 = tosa.transpose %arg1 {perms = array<i32: 0, 1, 3, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %1 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %2 = tosa.reshape %arg0, %1 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %3 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %4 = tosa.reshape %0, %3 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %5 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %6 = tosa.matmul %2, %4, %5, %5 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %7 = tosa.const_shape  {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %8 = tosa.reshape %6, %7 : (tensor<2x4x4xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  %9 = "tosa.const"() <{values = dense<5.000000e-01> : tensor<f32>}> : () -> tensor<f32>
  %10 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %11 = tosa.reshape %9, %10 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %12 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %13 = tosa.mul %8, %11, %12 : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %14 = "tosa.const"() <{values = dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>}> : () -> tensor<4x4xi1>
  %15 = tosa.const_shape  {values = dense<[1, 1, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %16 = tosa.reshape %14, %15 : (tensor<4x4xi1>, !tosa.shape<4>) -> tensor<1x1x4x4xi1>
  %17 = "tosa.const"() <{values = dense<-1.000000e+04> : tensor<f32>}> : () -> tensor<f32>
  %18 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %19 = tosa.reshape %17, %18 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %20 = tosa.select %16, %13, %19 : (tensor<1x1x4x4xi1>, tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %21 = "tosa.const"() <{values = dense<[[0.000000e+00, 1.000000e+04, 1.000000e+04, 1.000000e+04], [0.000000e+00, 0.000000e+00, 1.000000e+04, 1.000000e+04], [0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+04], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x4xf32>}> : () -> tensor<4x4xf32>
  %22 = tosa.const_shape  {values = dense<[1, 1, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %23 = tosa.reshape %21, %22 : (tensor<4x4xf32>, !tosa.shape<4>) -> tensor<1x1x4x4xf32>
  %24 = tosa.add %20, %23 : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %25 = tosa.reduce_max %24 {axis = 3 : i32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x1xf32>
  %26 = tosa.sub %24, %25 : (tensor<1x2x4x4xf32>, tensor<1x2x4x1xf32>) -> tensor<1x2x4x4xf32>
  %27 = tosa.exp %26 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %28 = tosa.reduce_sum %27 {axis = 3 : i32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x1xf32>
  %29 = tosa.reciprocal %28 : (tensor<1x2x4x1xf32>) -> tensor<1x2x4x1xf32>
  %30 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %31 = tosa.mul %27, %29, %30 : (tensor<1x2x4x4xf32>, tensor<1x2x4x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %32 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %33 = tosa.reshape %31, %32 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %34 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %35 = tosa.reshape %arg2, %34 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %36 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{attention not raised: a bias added after the mask raises a masked score to 0 at query row 0, key 1: the key is not removed}}
  %37 = tosa.matmul %33, %35, %36, %36 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %38 = tosa.const_shape  {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %39 = tosa.reshape %37, %38 : (tensor<2x4x4xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  return %39 : tensor<1x2x4x4xf32>
}

// -----

// An additive -1e4 mask and then +9995 on the same keys: the keys are kept
// with a bias of -5 (raised before as causal, the -5 dropped).
// CHECK-LABEL: func.func @mask_then_cancelling_bias
// CHECK:         attn.attention %arg0, %arg1, %arg2 bias(%{{.*}} : tensor<1x1x4x4xf32>) {scale = 5.000000e-01 : f32}
func.func @mask_then_cancelling_bias(%arg0: tensor<1x2x4x4xf32>, %arg1: tensor<1x2x4x4xf32>, %arg2: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>) {
  %0 = tosa.transpose %arg1 {perms = array<i32: 0, 1, 3, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %1 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %2 = tosa.reshape %arg0, %1 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %3 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %4 = tosa.reshape %0, %3 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %5 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %6 = tosa.matmul %2, %4, %5, %5 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %7 = tosa.const_shape  {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %8 = tosa.reshape %6, %7 : (tensor<2x4x4xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  %9 = "tosa.const"() <{values = dense<5.000000e-01> : tensor<f32>}> : () -> tensor<f32>
  %10 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %11 = tosa.reshape %9, %10 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %12 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %13 = tosa.mul %8, %11, %12 : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %14 = "tosa.const"() <{values = dense<[[0.000000e+00, -1.000000e+04, -1.000000e+04, -1.000000e+04], [0.000000e+00, 0.000000e+00, -1.000000e+04, -1.000000e+04], [0.000000e+00, 0.000000e+00, 0.000000e+00, -1.000000e+04], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x4xf32>}> : () -> tensor<4x4xf32>
  %15 = tosa.const_shape  {values = dense<[1, 1, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %16 = tosa.reshape %14, %15 : (tensor<4x4xf32>, !tosa.shape<4>) -> tensor<1x1x4x4xf32>
  %17 = tosa.add %13, %16 : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %18 = "tosa.const"() <{values = dense<[[0.000000e+00, 9.995000e+03, 9.995000e+03, 9.995000e+03], [0.000000e+00, 0.000000e+00, 9.995000e+03, 9.995000e+03], [0.000000e+00, 0.000000e+00, 0.000000e+00, 9.995000e+03], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x4xf32>}> : () -> tensor<4x4xf32>
  %19 = tosa.const_shape  {values = dense<[1, 1, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %20 = tosa.reshape %18, %19 : (tensor<4x4xf32>, !tosa.shape<4>) -> tensor<1x1x4x4xf32>
  %21 = tosa.add %17, %20 : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %22 = tosa.reduce_max %21 {axis = 3 : i32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x1xf32>
  %23 = tosa.sub %21, %22 : (tensor<1x2x4x4xf32>, tensor<1x2x4x1xf32>) -> tensor<1x2x4x4xf32>
  %24 = tosa.exp %23 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %25 = tosa.reduce_sum %24 {axis = 3 : i32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x1xf32>
  %26 = tosa.reciprocal %25 : (tensor<1x2x4x1xf32>) -> tensor<1x2x4x1xf32>
  %27 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %28 = tosa.mul %24, %26, %27 : (tensor<1x2x4x4xf32>, tensor<1x2x4x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %29 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %30 = tosa.reshape %28, %29 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %31 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %32 = tosa.reshape %arg2, %31 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %33 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{raised attention: softmax, bias, B=1 Hq=2 Hkv=2 N=4 M=4 D=4}}
  %34 = tosa.matmul %30, %32, %33, %33 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %35 = tosa.const_shape  {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %36 = tosa.reshape %34, %35 : (tensor<2x4x4xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  return %36 : tensor<1x2x4x4xf32>
}

// -----

// Sigmoid with a -1e4 mask and a sigmoid bias of 2e4: sigmoid(s + 1e4) is
// 1, not 0. Raised before as causal sigmoid attention.
// CHECK-LABEL: func.func @sigmoid_bias_unmasks
// CHECK-NOT:     attn.
func.func @sigmoid_bias_unmasks(%arg0: tensor<1x2x4x4xf32>, %arg1: tensor<1x2x4x4xf32>, %arg2: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>) {
  %0 = tosa.transpose %arg1 {perms = array<i32: 0, 1, 3, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %1 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %2 = tosa.reshape %arg0, %1 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %3 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %4 = tosa.reshape %0, %3 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %5 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %6 = tosa.matmul %2, %4, %5, %5 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %7 = tosa.const_shape  {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %8 = tosa.reshape %6, %7 : (tensor<2x4x4xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  %9 = "tosa.const"() <{values = dense<5.000000e-01> : tensor<f32>}> : () -> tensor<f32>
  %10 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %11 = tosa.reshape %9, %10 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %12 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %13 = tosa.mul %8, %11, %12 : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %14 = "tosa.const"() <{values = dense<[[0.000000e+00, -1.000000e+04, -1.000000e+04, -1.000000e+04], [0.000000e+00, 0.000000e+00, -1.000000e+04, -1.000000e+04], [0.000000e+00, 0.000000e+00, 0.000000e+00, -1.000000e+04], [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x4xf32>}> : () -> tensor<4x4xf32>
  %15 = tosa.const_shape  {values = dense<[1, 1, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %16 = tosa.reshape %14, %15 : (tensor<4x4xf32>, !tosa.shape<4>) -> tensor<1x1x4x4xf32>
  %17 = tosa.add %13, %16 : (tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
  %18 = "tosa.const"() <{values = dense<2.000000e+04> : tensor<f32>}> : () -> tensor<f32>
  %19 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %20 = tosa.reshape %18, %19 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %21 = tosa.add %17, %20 : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %22 = tosa.sigmoid %21 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %23 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %24 = tosa.reshape %22, %23 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %25 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %26 = tosa.reshape %arg2, %25 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %27 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{attention not raised: a masked score of -10000 at query row 0, key 1 with the sigmoid's bias of 20000: its weight is not 0}}
  %28 = tosa.matmul %24, %26, %27, %27 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %29 = tosa.const_shape  {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %30 = tosa.reshape %28, %29 : (tensor<2x4x4xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  return %30 : tensor<1x2x4x4xf32>
}

// -----

// A per-batch mask removes (row 3, key 0) in batch 0 only, and the bias,
// ALiBi elsewhere, is 0 there: batch 1 keeps that key with bias 0, not
// ALiBi's -1.5. The slopes were checked on batch 0 only and raised as
// alibi; now every batch is checked and the bias stays dense.
// CHECK-LABEL: func.func @alibi_batch_mask
// CHECK-NOT:     alibi
// CHECK:         attn.attention %arg0, %arg1, %arg2 bias(%{{.*}} : tensor<1x2x4x4xf32>) mask(%{{.*}} : tensor<2x1x4x4xi1>) {scale = 5.000000e-01 : f32}
func.func @alibi_batch_mask(%arg0: tensor<2x2x4x4xf32>, %arg1: tensor<2x2x4x4xf32>, %arg2: tensor<2x2x4x4xf32>) -> (tensor<2x2x4x4xf32>) {
  %0 = tosa.transpose %arg1 {perms = array<i32: 0, 1, 3, 2>} : (tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %1 = tosa.const_shape  {values = dense<4> : tensor<3xindex>} : () -> !tosa.shape<3>
  %2 = tosa.reshape %arg0, %1 : (tensor<2x2x4x4xf32>, !tosa.shape<3>) -> tensor<4x4x4xf32>
  %3 = tosa.const_shape  {values = dense<4> : tensor<3xindex>} : () -> !tosa.shape<3>
  %4 = tosa.reshape %0, %3 : (tensor<2x2x4x4xf32>, !tosa.shape<3>) -> tensor<4x4x4xf32>
  %5 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %6 = tosa.matmul %2, %4, %5, %5 : (tensor<4x4x4xf32>, tensor<4x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x4x4xf32>
  %7 = tosa.const_shape  {values = dense<[2, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %8 = tosa.reshape %6, %7 : (tensor<4x4x4xf32>, !tosa.shape<4>) -> tensor<2x2x4x4xf32>
  %9 = "tosa.const"() <{values = dense<5.000000e-01> : tensor<f32>}> : () -> tensor<f32>
  %10 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %11 = tosa.reshape %9, %10 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %12 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %13 = tosa.mul %8, %11, %12 : (tensor<2x2x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<2x2x4x4xf32>
  %14 = "tosa.const"() <{values = dense<[[[[-0.000000e+00, -5.000000e-01, -1.000000e+00, -1.500000e+00], [-5.000000e-01, -0.000000e+00, -5.000000e-01, -1.000000e+00], [-1.000000e+00, -5.000000e-01, -0.000000e+00, -5.000000e-01], [0.000000e+00, -1.000000e+00, -5.000000e-01, -0.000000e+00]], [[-0.000000e+00, -2.500000e-01, -5.000000e-01, -7.500000e-01], [-2.500000e-01, -0.000000e+00, -2.500000e-01, -5.000000e-01], [-5.000000e-01, -2.500000e-01, -0.000000e+00, -2.500000e-01], [0.000000e+00, -5.000000e-01, -2.500000e-01, -0.000000e+00]]]]> : tensor<1x2x4x4xf32>}> : () -> tensor<1x2x4x4xf32>
  %15 = tosa.add %13, %14 : (tensor<2x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %16 = "tosa.const"() <{values = dense<[[[[true, true, true, true], [true, true, true, true], [true, true, true, true], [false, true, true, true]]], [[[true, true, true, true], [true, true, true, true], [true, true, true, true], [true, true, true, true]]]]> : tensor<2x1x4x4xi1>}> : () -> tensor<2x1x4x4xi1>
  %17 = "tosa.const"() <{values = dense<0xFF800000> : tensor<f32>}> : () -> tensor<f32>
  %18 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %19 = tosa.reshape %17, %18 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %20 = tosa.select %16, %15, %19 : (tensor<2x1x4x4xi1>, tensor<2x2x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<2x2x4x4xf32>
  %21 = tosa.reduce_max %20 {axis = 3 : i32} : (tensor<2x2x4x4xf32>) -> tensor<2x2x4x1xf32>
  %22 = tosa.sub %20, %21 : (tensor<2x2x4x4xf32>, tensor<2x2x4x1xf32>) -> tensor<2x2x4x4xf32>
  %23 = tosa.exp %22 : (tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %24 = tosa.reduce_sum %23 {axis = 3 : i32} : (tensor<2x2x4x4xf32>) -> tensor<2x2x4x1xf32>
  %25 = tosa.reciprocal %24 : (tensor<2x2x4x1xf32>) -> tensor<2x2x4x1xf32>
  %26 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %27 = tosa.mul %23, %25, %26 : (tensor<2x2x4x4xf32>, tensor<2x2x4x1xf32>, tensor<1xi8>) -> tensor<2x2x4x4xf32>
  %28 = tosa.const_shape  {values = dense<4> : tensor<3xindex>} : () -> !tosa.shape<3>
  %29 = tosa.reshape %27, %28 : (tensor<2x2x4x4xf32>, !tosa.shape<3>) -> tensor<4x4x4xf32>
  %30 = tosa.const_shape  {values = dense<4> : tensor<3xindex>} : () -> !tosa.shape<3>
  %31 = tosa.reshape %arg2, %30 : (tensor<2x2x4x4xf32>, !tosa.shape<3>) -> tensor<4x4x4xf32>
  %32 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{raised attention: softmax, dense mask, bias, B=2 Hq=2 Hkv=2 N=4 M=4 D=4}}
  %33 = tosa.matmul %29, %31, %32, %32 : (tensor<4x4x4xf32>, tensor<4x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x4x4xf32>
  %34 = tosa.const_shape  {values = dense<[2, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %35 = tosa.reshape %33, %34 : (tensor<4x4x4xf32>, !tosa.shape<4>) -> tensor<2x2x4x4xf32>
  return %35 : tensor<2x2x4x4xf32>
}

// -----

// A mask computed in the graph fills with -1e4, and the sigmoid's bias of 2e4
// brings the masked scores back to 1e4: their weight is 1, not 0.
// CHECK-LABEL: func.func @sigmoid_graph_mask_fill
// CHECK-NOT:     attn.
func.func @sigmoid_graph_mask_fill(%arg0: tensor<1x2x4x4xf32>, %arg1: tensor<1x2x4x4xf32>, %arg2: tensor<1x2x4x4xf32>, %arg3: tensor<1x1x4x4xi1>) -> (tensor<1x2x4x4xf32>) {
  %0 = tosa.transpose %arg1 {perms = array<i32: 0, 1, 3, 2>} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %1 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %2 = tosa.reshape %arg0, %1 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %3 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %4 = tosa.reshape %0, %3 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %5 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %6 = tosa.matmul %2, %4, %5, %5 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %7 = tosa.const_shape  {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %8 = tosa.reshape %6, %7 : (tensor<2x4x4xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  %9 = "tosa.const"() <{values = dense<5.000000e-01> : tensor<f32>}> : () -> tensor<f32>
  %10 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %11 = tosa.reshape %9, %10 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %12 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %13 = tosa.mul %8, %11, %12 : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %14 = "tosa.const"() <{values = dense<-1.000000e+04> : tensor<f32>}> : () -> tensor<f32>
  %15 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %16 = tosa.reshape %14, %15 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %17 = tosa.select %arg3, %13, %16 : (tensor<1x1x4x4xi1>, tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %18 = "tosa.const"() <{values = dense<2.000000e+04> : tensor<f32>}> : () -> tensor<f32>
  %19 = tosa.const_shape  {values = dense<1> : tensor<4xindex>} : () -> !tosa.shape<4>
  %20 = tosa.reshape %18, %19 : (tensor<f32>, !tosa.shape<4>) -> tensor<1x1x1x1xf32>
  %21 = tosa.add %17, %20 : (tensor<1x2x4x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %22 = tosa.sigmoid %21 : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %23 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %24 = tosa.reshape %22, %23 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %25 = tosa.const_shape  {values = dense<[2, 4, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %26 = tosa.reshape %arg2, %25 : (tensor<1x2x4x4xf32>, !tosa.shape<3>) -> tensor<2x4x4xf32>
  %27 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{attention not raised: the mask computed in the graph fills masked scores with -10000, -10000 with the constants added after it at query row 0, key 0: its weight would not be 0}}
  %28 = tosa.matmul %24, %26, %27, %27 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %29 = tosa.const_shape  {values = dense<[1, 2, 4, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %30 = tosa.reshape %28, %29 : (tensor<2x4x4xf32>, !tosa.shape<4>) -> tensor<1x2x4x4xf32>
  return %30 : tensor<1x2x4x4xf32>
}

// -----

// Normalized linear attention over relu features (clamp, so the identity
// map on them): a query without a positive feature divides 0 by 0 (NaN in
// the graph), attn.linear_attention gives zeros.
// CHECK-LABEL: func.func @linear_relu_normalized
// CHECK-NOT:     attn.
func.func @linear_relu_normalized(%arg0: tensor<2x4x4xf32>, %arg1: tensor<2x4x4xf32>, %arg2: tensor<2x4x4xf32>) -> (tensor<2x4x4xf32>) {
  %0 = tosa.clamp %arg0 {max_val = 0x7F800000 : f32, min_val = 0.000000e+00 : f32} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %1 = tosa.clamp %arg1 {max_val = 0x7F800000 : f32, min_val = 0.000000e+00 : f32} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 0, 2, 1>} : (tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %3 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %4 = tosa.matmul %2, %arg2, %3, %3 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %5 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-remark @below {{attention not raised: the normalized linear attention's feature map is identity: its normalizer can be 0, where the graph gives NaN and attn.linear_attention zeros}}
  %6 = tosa.matmul %0, %4, %5, %5 : (tensor<2x4x4xf32>, tensor<2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x4xf32>
  %7 = tosa.reduce_sum %1 {axis = 1 : i32} : (tensor<2x4x4xf32>) -> tensor<2x1x4xf32>
  %8 = tosa.transpose %7 {perms = array<i32: 0, 2, 1>} : (tensor<2x1x4xf32>) -> tensor<2x4x1xf32>
  %9 = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}> : () -> tensor<1xf32>
  %10 = tosa.matmul %0, %8, %9, %9 : (tensor<2x4x4xf32>, tensor<2x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4x1xf32>
  %11 = tosa.reciprocal %10 : (tensor<2x4x1xf32>) -> tensor<2x4x1xf32>
  %12 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %13 = tosa.mul %6, %11, %12 : (tensor<2x4x4xf32>, tensor<2x4x1xf32>, tensor<1xi8>) -> tensor<2x4x4xf32>
  return %13 : tensor<2x4x4xf32>
}
