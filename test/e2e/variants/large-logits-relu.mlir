// Large logits with relu: scale = 100 makes the scores reach about +-550; the
// unnormalized relu(s) / M weights make results of magnitude up to about 27.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16. Inputs come from Inputs/variants_numpy.py gen. Each
// run compares every result with the fp64 reference (--check); where NumPy is
// available, the results are also compared with a float64 NumPy implementation
// of the op's description (Inputs/variants_numpy.py ref), independent of
// Cascade's reference.
//
// Tolerance: with |scores| up to about 550, the f32 scores themselves carry
// absolute errors of order 1e-5 (the rounding of a 16-term f32 dot product and
// of the product with the scale; ulp(512) = 6e-5). They enter the weights
// divided by M, and the results reach about 27, where one f32 ulp is 1.9e-6;
// the error is about 6e-6. The check keeps the default --tolerance (1e-4) but
// accepts an error in the 1e-5 range (instead of the 1e-6 of the other tests),
// here and against NumPy.
//
// RUN: rm -rf %t && %python %S/Inputs/variants_numpy.py gen %t --seed 132 q=2x4x37x16 \
// RUN:     k=2x2x70x16 v=2x2x70x8
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --check \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --check \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s
// RUN: %if numpy %{ %python %S/Inputs/variants_numpy.py ref %t %t/attention \
// RUN:     --normalizer relu --scale 100.0 --tol 1e-4 \
// RUN:   | FileCheck %s --check-prefix=NUMPY %}
// RUN: %if numpy %{ %python %S/Inputs/variants_numpy.py ref %t %t/attention-tile16 \
// RUN:     --normalizer relu --scale 100.0 --tol 1e-4 \
// RUN:   | FileCheck %s --check-prefix=NUMPY %}

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[5-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check
// NUMPY: numpy result0 max abs error {{([0-9]\.[0-9]+e-(0[5-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-NEXT: NUMPY OK

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<relu>, scale = 100.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
