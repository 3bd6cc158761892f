// Causal linear attention with decay and elu1, at the default chunk of 64 over
// N = 300 queries (four full chunks and one of 44) and M = 301 keys: the state
// is carried through five chunks, decayed by decay[h]^64 at each step.
//
// Shapes: B = 2, Hq = 2, Hkv = 1 (MQA), N = 300, M = 301, D = 32, Dv = 24.
//
// RUN: cascade-run %s --check --remarks 2>&1 | FileCheck %s

// CHECK: remark: ein-reassociate: causal 'AV' in chunks of 64 along 'p'
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @linear(%q: tensor<2x2x300x32xf32>, %k: tensor<2x1x301x32xf32>,
                  %v: tensor<2x1x301x24xf32>) -> tensor<2x2x300x24xf32> {
  %d = arith.constant dense<[0.97, 0.999]> : tensor<2xf32>
  %o = attn.linear_attention %q, %k, %v decay(%d : tensor<2xf32>)
      {feature_map = #attn.feature_map<elu1>, causal, normalize}
      : tensor<2x2x300x32xf32>, tensor<2x1x301x32xf32>, tensor<2x1x301x24xf32>
      -> tensor<2x2x300x24xf32>
  return %o : tensor<2x2x300x24xf32>
}
