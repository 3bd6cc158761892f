// Split-KV decode on the GPU: one query (4 heads of a GQA group packed as
// rows), 1000 keys split into 3 parts of 384 (6 tiles of 64; the last part
// is short). The parts kernel writes each part's running max, sum and
// output into scratch buffers; the merge kernel, one thread per output
// element, combines them with the online-softmax algebra.
//
// RUN: cascade-opt %s --cascade-gpu="split=3" 2>/dev/null | FileCheck %s
// RUN: cascade-opt %s --cascade-gpu="split=1" 2>/dev/null | FileCheck %s --check-prefix=NOSPLIT

// CHECK: gpu.module @decode_0
// CHECK: gpu.func @decode_0(%{{.*}}: memref<2x8x1x64xf16>, %{{.*}}: memref<2x2x1000x64xf16>, %{{.*}}: memref<2x2x1000x64xf16>, %{{.*}}: memref<2x8x1x64xf16>, %{{.*}}: memref<3x2x2x1x4xf32>, %{{.*}}: memref<3x2x2x1x4xf32>, %{{.*}}: memref<3x2x2x64x1x4xf32>) kernel
// CHECK-SAME: grid = array<i64: 1, 12, 1>
// CHECK-SAME: launch_order = 0 : i64, launches = 2 : i64
// CHECK-SAME: {kind = "scratch", name = "attention_parts.0", type = tensor<3x2x2x1x4xf32>}
// CHECK: nvgpu.mma.sync
// The states go to the scratch buffers, f32.
// CHECK: memref.store %{{.*}} : memref<48xf32>
// CHECK: memref.store %{{.*}} : memref<3072xf32>
// CHECK: gpu.module @decode_1
// CHECK: gpu.func @decode_1
// CHECK-SAME: block = array<i64: 128, 1, 1>
// CHECK-SAME: grid = array<i64: 8, 1, 1>
// CHECK-SAME: launch_order = 1 : i64, launches = 2 : i64
// CHECK-SAME: path = "simt"
// The merged maximum: a loop over the 3 parts.
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: memref.store %{{.*}} : memref<1024xf16>

// NOSPLIT: gpu.module @decode
// NOSPLIT-SAME: {
// NOSPLIT-NOT: scratch
// NOSPLIT-NOT: gpu.module

func.func @decode(%q: tensor<2x8x1x64xf16>, %k: tensor<2x2x1000x64xf16>,
                  %v: tensor<2x2x1000x64xf16>) -> tensor<2x8x1x64xf16> {
  %o = attn.attention %q, %k, %v
      : tensor<2x8x1x64xf16>, tensor<2x2x1000x64xf16>, tensor<2x2x1000x64xf16>
      -> tensor<2x8x1x64xf16>
  return %o : tensor<2x8x1x64xf16>
}
