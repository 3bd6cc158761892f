// Causal linear attention, relu feature map, normalized, MQA, N > M. A row
// whose kept weights all vanish gives zeros.
//
// Shapes: B = 2, Hq = 4, Hkv = 1 (MQA), N = 70, M = 37, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: cascade-run %s --check | FileCheck %s
// RUN: cascade-run %s --check --tile-m=16 | FileCheck %s

// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @linear(%q: tensor<2x4x70x16xf32>, %k: tensor<2x1x37x16xf32>,
                  %v: tensor<2x1x37x8xf32>) -> tensor<2x4x70x8xf32> {
  %o = attn.linear_attention %q, %k, %v
      {feature_map = #attn.feature_map<relu>, causal, normalize}
      : tensor<2x4x70x16xf32>, tensor<2x1x37x16xf32>, tensor<2x1x37x8xf32>
      -> tensor<2x4x70x8xf32>
  return %o : tensor<2x4x70x8xf32>
}
