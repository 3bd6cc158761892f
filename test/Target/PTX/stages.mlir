// The stages of the NVIDIA flow after gpu: NVVM (tensor-core and async-copy
// intrinsics, exp as the exp2 intrinsic, no libdevice call), LLVM IR and
// PTX.
//
// RUN: cascadec %s --target=nvptx --emit=nvvm | FileCheck %s --check-prefix=NVVM
// RUN: cascadec %s --target=nvptx --emit=llvm | FileCheck %s --check-prefix=LLVM
// RUN: cascadec %s --target=nvptx --emit=ptx | FileCheck %s --check-prefix=PTX
// RUN: cascadec %s --target=nvptx --chip=sm_90 --emit=ptx | FileCheck %s --check-prefix=PTX90

// NVVM: gpu.module @attention [#nvvm.target<O = 3, chip = "sm_80">]
// NVVM: llvm.func @attention(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) attributes {{{.*}}gpu.kernel
// NVVM-DAG: nvvm.cp.async.shared.global
// NVVM-DAG: nvvm.cp.async.commit.group
// NVVM-DAG: nvvm.cp.async.wait.group 1
// NVVM-DAG: nvvm.ldmatrix
// NVVM-DAG: nvvm.mma.sync
// NVVM-DAG: nvvm.shfl.sync bfly
// NVVM-DAG: nvvm.barrier
// NVVM-DAG: llvm.intr.exp2
// NVVM-NOT: __nv_

// LLVM: define ptx_kernel void @attention(ptr
// LLVM-DAG: call {{.*}}@llvm.nvvm.cp.async.cg.shared.global.16.s
// LLVM-DAG: call {{.*}}@llvm.nvvm.ldmatrix.sync.aligned.m8n8.x4.b16
// LLVM-DAG: call {{.*}}@llvm.nvvm.ldmatrix.sync.aligned.m8n8.x4.trans.b16
// LLVM-DAG: call {{.*}}@llvm.nvvm.mma.m16n8k16.row.col.f32.f32

// PTX: // kernel attention
// PTX: .target sm_80
// PTX: .visible .entry attention(
// PTX-DAG: cp.async.cg.shared.global [{{.*}}], [{{.*}}], 16, {{.*}};
// PTX-DAG: cp.async.wait_group {{[[:space:]]*}}1;
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-DAG: shfl.sync.bfly.b32
// PTX-DAG: ex2.approx.f32
// PTX-DAG: bar.sync {{[[:space:]]*}}0;

// PTX90: .target sm_90

func.func @attention(%q: tensor<2x8x100x64xf16>, %k: tensor<2x2x120x64xf16>,
                     %v: tensor<2x2x120x64xf16>) -> tensor<2x8x100x64xf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>}
      : tensor<2x8x100x64xf16>, tensor<2x2x120x64xf16>, tensor<2x2x120x64xf16>
      -> tensor<2x8x100x64xf16>
  return %o : tensor<2x8x100x64xf16>
}
