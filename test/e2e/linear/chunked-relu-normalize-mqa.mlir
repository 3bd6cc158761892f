// Causal linear attention in chunks, relu feature map, normalized, MQA, no
// decay. N = M = 100: at the default tile (64) the queries form one full
// chunk and one of 36, at --tile-m=16 six full chunks and one of 4. Rows whose
// kept weights all vanish under relu give zeros on both paths.
//
// Shapes: B = 2, Hq = 4, Hkv = 1 (MQA), N = M = 100, D = 16, Dv = 8.
//
// RUN: cascade-run %s --check --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,CHUNK64
// RUN: cascade-run %s --check --tile-m=16 --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,CHUNK16

// CHUNK64: remark: ein-reassociate: causal 'AV' in chunks of 64 along 'p'
// CHUNK16: remark: ein-reassociate: causal 'AV' in chunks of 16 along 'p'
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @linear(%q: tensor<2x4x100x16xf32>, %k: tensor<2x1x100x16xf32>,
                  %v: tensor<2x1x100x8xf32>) -> tensor<2x4x100x8xf32> {
  %o = attn.linear_attention %q, %k, %v
      {feature_map = #attn.feature_map<relu>, causal, normalize}
      : tensor<2x4x100x16xf32>, tensor<2x1x100x16xf32>, tensor<2x1x100x8xf32>
      -> tensor<2x4x100x8xf32>
  return %o : tensor<2x4x100x8xf32>
}
