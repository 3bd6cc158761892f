// RUN: cascade-opt %s | cascade-opt | FileCheck %s
// RUN: cascade-opt %s --mlir-print-op-generic | cascade-opt | FileCheck %s

// Multi-head attention, no attributes: the scale defaults to 1/sqrt(D).
// CHECK-LABEL: func.func @mha
// CHECK-SAME:    (%[[Q:.+]]: tensor<2x8x128x64xf32>, %[[K:.+]]: tensor<2x8x128x64xf32>, %[[V:.+]]: tensor<2x8x128x64xf32>)
// CHECK:         %[[O:.+]] = attn.attention %[[Q]], %[[K]], %[[V]] : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32> -> tensor<2x8x128x64xf32>
// CHECK-NEXT:    return %[[O]]
func.func @mha(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
               %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// CHECK-LABEL: func.func @explicit_scale
// CHECK:         attn.attention %{{.+}}, %{{.+}}, %{{.+}} {scale = 5.000000e-01 : f32} :
func.func @explicit_scale(%q: tensor<1x4x16x32xf32>, %k: tensor<1x4x16x32xf32>,
                          %v: tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32> {
  %o = attn.attention %q, %k, %v {scale = 0.5 : f32}
      : tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32>
      -> tensor<1x4x16x32xf32>
  return %o : tensor<1x4x16x32xf32>
}

// CHECK-LABEL: func.func @causal_top_left
// CHECK:         attn.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = #attn.causal<top_left>, scale = 1.250000e-01 : f32} :
func.func @causal_top_left(%q: tensor<2x8x128x64xf32>, %k: tensor<2x8x128x64xf32>,
                           %v: tensor<2x8x128x64xf32>) -> tensor<2x8x128x64xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, scale = 0.125 : f32}
      : tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>, tensor<2x8x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// Decode-style: fewer queries than keys, the mask aligned at the bottom right.
// CHECK-LABEL: func.func @causal_bottom_right
// CHECK:         attn.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = #attn.causal<bottom_right>} : tensor<2x8x4x64xf32>, tensor<2x8x256x64xf32>, tensor<2x8x256x64xf32> -> tensor<2x8x4x64xf32>
func.func @causal_bottom_right(%q: tensor<2x8x4x64xf32>, %k: tensor<2x8x256x64xf32>,
                               %v: tensor<2x8x256x64xf32>) -> tensor<2x8x4x64xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x8x4x64xf32>, tensor<2x8x256x64xf32>, tensor<2x8x256x64xf32>
      -> tensor<2x8x4x64xf32>
  return %o : tensor<2x8x4x64xf32>
}

// Grouped-query attention: 8 query heads share 2 key/value heads.
// CHECK-LABEL: func.func @gqa
// CHECK:         attn.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = #attn.causal<top_left>} : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32> -> tensor<2x8x128x64xf32>
func.func @gqa(%q: tensor<2x8x128x64xf32>, %k: tensor<2x2x128x64xf32>,
               %v: tensor<2x2x128x64xf32>) -> tensor<2x8x128x64xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>
      -> tensor<2x8x128x64xf32>
  return %o : tensor<2x8x128x64xf32>
}

// Multi-query attention: one key/value head; the value head dimension Dv
// differs from D.
// CHECK-LABEL: func.func @mqa
// CHECK:         attn.attention %{{.+}}, %{{.+}}, %{{.+}} : tensor<1x16x64x128xf32>, tensor<1x1x512x128xf32>, tensor<1x1x512x64xf32> -> tensor<1x16x64x64xf32>
func.func @mqa(%q: tensor<1x16x64x128xf32>, %k: tensor<1x1x512x128xf32>,
               %v: tensor<1x1x512x64xf32>) -> tensor<1x16x64x64xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x16x64x128xf32>, tensor<1x1x512x128xf32>, tensor<1x1x512x64xf32>
      -> tensor<1x16x64x64xf32>
  return %o : tensor<1x16x64x64xf32>
}

// CHECK-LABEL: func.func @f16
// CHECK:         attn.attention %{{.+}}, %{{.+}}, %{{.+}} {scale = 1.250000e-01 : f32} : tensor<2x8x128x64xf16>, tensor<2x2x128x64xf16>, tensor<2x2x128x64xf16> -> tensor<2x8x128x64xf16>
func.func @f16(%q: tensor<2x8x128x64xf16>, %k: tensor<2x2x128x64xf16>,
               %v: tensor<2x2x128x64xf16>) -> tensor<2x8x128x64xf16> {
  %o = attn.attention %q, %k, %v {scale = 0.125 : f32}
      : tensor<2x8x128x64xf16>, tensor<2x2x128x64xf16>, tensor<2x2x128x64xf16>
      -> tensor<2x8x128x64xf16>
  return %o : tensor<2x8x128x64xf16>
}

// CHECK-LABEL: func.func @bf16
// CHECK:         attn.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = #attn.causal<bottom_right>} : tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16> -> tensor<2x8x128x64xbf16>
func.func @bf16(%q: tensor<2x8x128x64xbf16>, %k: tensor<2x8x128x64xbf16>,
                %v: tensor<2x8x128x64xbf16>) -> tensor<2x8x128x64xbf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16>, tensor<2x8x128x64xbf16>
      -> tensor<2x8x128x64xbf16>
  return %o : tensor<2x8x128x64xbf16>
}

// Dynamic query and key counts N and M.
// CHECK-LABEL: func.func @dynamic_n_m
// CHECK:         attn.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = #attn.causal<top_left>, scale = 1.250000e-01 : f32} : tensor<2x8x?x64xf32>, tensor<2x2x?x64xf32>, tensor<2x2x?x64xf32> -> tensor<2x8x?x64xf32>
func.func @dynamic_n_m(%q: tensor<2x8x?x64xf32>, %k: tensor<2x2x?x64xf32>,
                       %v: tensor<2x2x?x64xf32>) -> tensor<2x8x?x64xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, scale = 0.125 : f32}
      : tensor<2x8x?x64xf32>, tensor<2x2x?x64xf32>, tensor<2x2x?x64xf32>
      -> tensor<2x8x?x64xf32>
  return %o : tensor<2x8x?x64xf32>
}

// A dynamic batch and head dimension are fine when `scale` is given.
// CHECK-LABEL: func.func @dynamic_b_d
// CHECK:         attn.attention %{{.+}}, %{{.+}}, %{{.+}} {scale = 1.000000e+00 : f32} : tensor<?x4x?x?xf32>, tensor<?x4x?x?xf32>, tensor<?x4x?x?xf32> -> tensor<?x4x?x?xf32>
func.func @dynamic_b_d(%q: tensor<?x4x?x?xf32>, %k: tensor<?x4x?x?xf32>,
                       %v: tensor<?x4x?x?xf32>) -> tensor<?x4x?x?xf32> {
  %o = attn.attention %q, %k, %v {scale = 1.0 : f32}
      : tensor<?x4x?x?xf32>, tensor<?x4x?x?xf32>, tensor<?x4x?x?xf32>
      -> tensor<?x4x?x?xf32>
  return %o : tensor<?x4x?x?xf32>
}

// Zero queries or zero keys are allowed (N and M may be 0).
// CHECK-LABEL: func.func @empty
// CHECK:         attn.attention %{{.+}}, %{{.+}}, %{{.+}} : tensor<1x2x0x8xf32>, tensor<1x2x0x8xf32>, tensor<1x2x0x8xf32> -> tensor<1x2x0x8xf32>
func.func @empty(%q: tensor<1x2x0x8xf32>, %k: tensor<1x2x0x8xf32>,
                 %v: tensor<1x2x0x8xf32>) -> tensor<1x2x0x8xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x0x8xf32>, tensor<1x2x0x8xf32>, tensor<1x2x0x8xf32>
      -> tensor<1x2x0x8xf32>
  return %o : tensor<1x2x0x8xf32>
}

// A paged KV cache: 9 pages of 16 keys, 5 per sequence (M = 80).
// CHECK-LABEL: func.func @paged
// CHECK: attn.attention %{{.*}}, %{{.*}}, %{{.*}} kv_lengths(%{{.*}} : tensor<2xi32>) block_table(%{{.*}} : tensor<2x5xi32>) : tensor<2x4x1x16xf32>, tensor<9x2x16x16xf32>, tensor<9x2x16x8xf32> -> tensor<2x4x1x8xf32>
func.func @paged(%q: tensor<2x4x1x16xf32>, %k: tensor<9x2x16x16xf32>, %v: tensor<9x2x16x8xf32>,
                 %len: tensor<2xi32>, %t: tensor<2x5xi32>) -> tensor<2x4x1x8xf32> {
  %o = attn.attention %q, %k, %v kv_lengths(%len : tensor<2xi32>) block_table(%t : tensor<2x5xi32>)
      : tensor<2x4x1x16xf32>, tensor<9x2x16x16xf32>, tensor<9x2x16x8xf32> -> tensor<2x4x1x8xf32>
  return %o : tensor<2x4x1x8xf32>
}
