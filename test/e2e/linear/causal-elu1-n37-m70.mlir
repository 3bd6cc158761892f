// Causal linear attention (top-left: query n sees keys m <= n), elu1 feature
// map, not normalized, with N < M (the keys past N are never seen).
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
// Without normalization the outputs can reach the hundreds, so the absolute
// tolerance is 1e-3 and the relative error is held below 1e-5.
//
// RUN: cascade-run %s --check --tolerance=1e-3 | FileCheck %s
// RUN: cascade-run %s --check --tolerance=1e-3 --tile-m=16 | FileCheck %s

// CHECK: check result0: max abs error {{.*}}, max rel error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}} -> ok{{$}}
// CHECK-NOT: check

func.func @linear(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                  %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.linear_attention %q, %k, %v
      {feature_map = #attn.feature_map<elu1>, causal}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
