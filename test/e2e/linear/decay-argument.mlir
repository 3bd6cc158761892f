// Causal linear attention with the decay given as an argument (read from a
// file written by Inputs/linear_inputs.py: values in (0, 1]), elu1, normalized.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: rm -rf %t && %python %S/Inputs/linear_inputs.py %t d=0.6,0.9,0.97,1.0
// RUN: cascade-run %s --check --input d=%t/d.npy | FileCheck %s
// RUN: cascade-run %s --check --tile-m=16 --input d=%t/d.npy | FileCheck %s

// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @linear(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                  %v: tensor<2x2x70x8xf32>,
                  %d: tensor<4xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.linear_attention %q, %k, %v decay(%d : tensor<4xf32>)
      {feature_map = #attn.feature_map<elu1>, causal, normalize}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
