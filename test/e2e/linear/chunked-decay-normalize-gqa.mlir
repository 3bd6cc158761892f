// Causal linear attention in chunks (Lightning Attention-2's schedule, derived
// by ein-reassociate): a quadratic part inside each chunk of queries and a
// running state over the keys of earlier chunks, decayed by decay[h]^(n - m)
// (RetNet), normalized.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 70, M = 75, D = 16, Dv = 8. With
// chunks of 16 the last one has 6 queries, with 32 it has 6 too (70 = 2 * 32 +
// 6); keys past the last query are never read. Each run is compared with the
// fp64 reference, which computes the plain quadratic sum (--check).
//
// RUN: cascade-run %s --check --tile-m=16 --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,CHUNK16
// RUN: cascade-run %s --check --tile-m=32 --remarks 2>&1 | FileCheck %s --check-prefixes=CHECK,CHUNK32

// CHUNK16: remark: ein-reassociate: causal 'AV' in chunks of 16 along 'p' with a running state over 'm' (2 sums;
// CHUNK32: remark: ein-reassociate: causal 'AV' in chunks of 32 along 'p' with a running state over 'm' (2 sums;
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @linear(%q: tensor<2x4x70x16xf32>, %k: tensor<2x2x75x16xf32>,
                  %v: tensor<2x2x75x8xf32>) -> tensor<2x4x70x8xf32> {
  %d = arith.constant dense<[0.5, 0.9, 0.99, 1.0]> : tensor<4xf32>
  %o = attn.linear_attention %q, %k, %v decay(%d : tensor<4xf32>)
      {causal, normalize}
      : tensor<2x4x70x16xf32>, tensor<2x2x75x16xf32>, tensor<2x2x75x8xf32>
      -> tensor<2x4x70x8xf32>
  return %o : tensor<2x4x70x8xf32>
}
