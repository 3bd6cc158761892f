// cascade-run --check on a log-sum-exp with rows that have no key. With N = 70
// queries over M = 37 keys and bottom-right causality, rows 0 .. 32 have no key
// and their log-sum-exp is -inf, as the op's description says; the compiled
// code and the reference both give -inf there (masked-rows-lse.mlir checks the
// values with NumPy), so the check should report "ok".
//
// Expected to fail: cascade-run's --check counts every non-finite value as a
// failure, even one that equals the reference's (here "check result1: ..., 264
// non-finite values -> FAILED", 264 = 2 * 4 * 33), and exits with an error.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 70, M = 37, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16. Inputs come from Inputs/variants_numpy.py gen. Each
// run compares every result with the fp64 reference (--check).
//
// RUN: rm -rf %t && %python %S/Inputs/variants_numpy.py gen %t --seed 128 q=2x4x70x16 \
// RUN:     k=2x2x37x16 v=2x2x37x8
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --check \
// RUN:     --output-dir %t/attention | FileCheck %s --check-prefix=LSE
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --check \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s --check-prefix=LSE

// LSE: wrote {{.*}}result0.npy
// LSE-NEXT: wrote {{.*}}result1.npy
// LSE-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// LSE-NEXT: check result1: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// LSE-NOT: check

func.func @attention(%q: tensor<2x4x70x16xf32>, %k: tensor<2x2x37x16xf32>,
                     %v: tensor<2x2x37x8xf32>)
                     -> (tensor<2x4x70x8xf32>, tensor<2x4x70xf32>) {
  %o, %lse = attn.attention %q, %k, %v
      {return_lse, causal = #attn.causal<bottom_right>}
      : tensor<2x4x70x16xf32>, tensor<2x2x37x16xf32>, tensor<2x2x37x8xf32>
      -> tensor<2x4x70x8xf32>, tensor<2x4x70xf32>
  return %o, %lse : tensor<2x4x70x8xf32>, tensor<2x4x70xf32>
}
