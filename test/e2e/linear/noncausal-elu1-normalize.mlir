// Non-causal linear attention, elu1 feature map, normalized:
// out = phi(Q) (phi(K)^T V) / (phi(Q) (phi(K)^T 1)). The compiler reassociates
// both contractions so that no N x M matrix is built; the remarks of
// ein-reassociate (on stderr with --remarks) say so.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: cascade-run %s --check --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,REMARK
// RUN: cascade-run %s --check --tile-m=16 --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,REMARK
// RUN: cascade-run %s --check 2>&1 | FileCheck %s --check-prefix=QUIET

// REMARK: remark: ein-reassociate: 'AV' as PKV then AV
// REMARK: remark: ein-reassociate: 'SD' as PKS then SD
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check
// QUIET-NOT: remark

func.func @linear(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                  %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.linear_attention %q, %k, %v
      {feature_map = #attn.feature_map<elu1>, normalize}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
