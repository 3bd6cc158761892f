// Softplus with a high power on large logits: softplus_power = 16 and scale =
// 100, scores up to about 550, so the unnormalized weight softplus(s)^16
// reaches about 7e43, beyond the f32 range (3.4e38), although the normalized
// weights w / sum(w) are all in [0, 1] and the result is finite (the fp64
// reference and NumPy compute it).
//
// The decomposition computes the weights as the softmax of
// 16 * log(softplus(s)), so the running maximum is subtracted before
// exponentiating and every weight stays in range, as in the reference.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16. Inputs come from Inputs/variants_numpy.py gen. Each
// run compares every result with the fp64 reference (--check).
//
// RUN: rm -rf %t && %python %S/Inputs/variants_numpy.py gen %t --seed 133 q=2x4x37x16 \
// RUN:     k=2x2x70x16 v=2x2x70x8
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --check \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --check \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[5-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<softplus>, softplus_power = 16.0 : f32,
       scale = 100.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
