// The gpu stage of a causal GQA kernel with f16 inputs: B = 2, Hq = 8,
// Hkv = 2, N = 100 and M = 120 (neither a multiple of the 64-row tiles),
// D = 64. The kernel stages Q and double-buffered K, V tiles in dynamic
// shared memory with cp.async, runs both contractions on tensor cores,
// reduces rows with quad shuffles and skips the mask on full tiles.
//
// RUN: cascade-opt %s --cascade-gpu 2>/dev/null | FileCheck %s

// CHECK: module attributes {gpu.container_module}
// CHECK: gpu.module @attention
// CHECK: gpu.func @attention(%{{.*}}: memref<2x8x100x64xf16>, %{{.*}}: memref<2x2x120x64xf16>, %{{.*}}: memref<2x2x120x64xf16>, %{{.*}}: memref<2x8x100x64xf16>) kernel
// CHECK-SAME: cascade.kernel = {block = array<i64: 128, 1, 1>
// CHECK-SAME: dynamic_shared_memory = 46800
// CHECK-SAME: grid = array<i64: 2, 16, 1>
// CHECK-SAME: kind = "input", name = "arg0", type = tensor<2x8x100x64xf16>
// CHECK-SAME: kind = "output", name = "result0", type = tensor<2x8x100x64xf16>
// CHECK-SAME: path = "mma.sync"
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK: %[[SMEM:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK-DAG: memref.view %[[SMEM]]{{.*}} to memref<1x65x72xf16, #gpu.address_space<workgroup>>
// CHECK-DAG: memref.view %[[SMEM]]{{.*}} to memref<2x65x72xf16, #gpu.address_space<workgroup>>
// The prologue: Q and the first K, V tile in one group.
// CHECK: nvgpu.device_async_copy {{.*}}, 8, %{{.*}} {bypassL1} : memref<102400xf16> to memref<1x65x72xf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy {{.*}} : memref<30720xf16> to memref<2x65x72xf16, #gpu.address_space<workgroup>>
// CHECK: %[[G0:.*]] = nvgpu.device_async_create_group
// The key loop carries the running max and sum of both rows and 32 output
// elements per thread.
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32
// CHECK: nvgpu.device_async_copy
// CHECK: %[[G:.*]] = nvgpu.device_async_create_group
// CHECK: nvgpu.device_async_wait %[[G]] {numGroups = 1 : i32}
// CHECK: gpu.barrier
// Partial tiles (under the diagonal) apply the mask, full tiles do not.
// CHECK: scf.if %{{.*}} -> (f32
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<1x65x72xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<2x65x72xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.mma.sync(%{{.*}}, %{{.*}}, %{{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK: arith.cmpi sge
// CHECK: gpu.shuffle  xor %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK: math.exp
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: nvgpu.mma.sync
// CHECK: } else {
// CHECK-NOT: arith.cmpi sge
// CHECK: nvgpu.mma.sync
// CHECK: gpu.barrier
// CHECK: scf.yield
// After the loop: the division, masked-row guard, stores of f16.
// CHECK: nvgpu.device_async_wait %[[G0]] {numGroups = 0 : i32}
// CHECK: arith.divf
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: memref.store %{{.*}} : memref<102400xf16>
// CHECK: gpu.return

func.func @attention(%q: tensor<2x8x100x64xf16>, %k: tensor<2x2x120x64xf16>,
                     %v: tensor<2x2x120x64xf16>) -> tensor<2x8x100x64xf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x8x100x64xf16>, tensor<2x2x120x64xf16>, tensor<2x2x120x64xf16>
      -> tensor<2x8x100x64xf16>
  return %o : tensor<2x8x100x64xf16>
}
