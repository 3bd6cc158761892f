// Large logits with softmax, learned sinks and return_lse: scale = 100 makes
// the scores of uniform [-1, 1] inputs reach about +-550 (exp overflows f32
// beyond 88.7), and the sinks, uniform in [-300, 300], compete with them; the
// row max must include the sink and the log-sum-exp must not overflow.
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
// of the product with the scale; ulp(512) = 6e-5). They shift the softmax
// weights relatively by as much: an exact softmax of the correctly rounded f32
// scores already differs from the fp64 result by about 8e-6 on inputs like
// these, and the compiled code by about 1.7e-5. The log-sum-exp values (up to
// about 550) are compared absolutely: one ulp of 512 is 6.1e-5. The check keeps
// the default --tolerance (1e-4) but accepts an error in the 1e-5 range
// (instead of the 1e-6 of the other tests), here and against NumPy.
//
// RUN: rm -rf %t && %python %S/Inputs/variants_numpy.py gen %t --seed 129 q=2x4x37x16 \
// RUN:     k=2x2x70x16 v=2x2x70x8 sinks=4@300
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input sinks=%t/sinks.npy --check --output-dir %t/attention \
// RUN:   | FileCheck %s --check-prefix=LSE
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input sinks=%t/sinks.npy --check --tile-m=16 \
// RUN:     --output-dir %t/attention-tile16 | FileCheck %s --check-prefix=LSE
// RUN: %if numpy %{ %python %S/Inputs/variants_numpy.py ref %t %t/attention \
// RUN:     --scale 100.0 --sinks --lse --tol 1e-4 \
// RUN:   | FileCheck %s --check-prefix=NUMPY-LSE %}
// RUN: %if numpy %{ %python %S/Inputs/variants_numpy.py ref %t %t/attention-tile16 \
// RUN:     --scale 100.0 --sinks --lse --tol 1e-4 \
// RUN:   | FileCheck %s --check-prefix=NUMPY-LSE %}

// LSE: wrote {{.*}}result0.npy
// LSE-NEXT: wrote {{.*}}result1.npy
// LSE-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[5-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// LSE-NEXT: check result1: max abs error {{([0-9]\.[0-9]+e-(0[5-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// LSE-NOT: check
// NUMPY-LSE: numpy result0 max abs error {{([0-9]\.[0-9]+e-(0[5-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-LSE-NEXT: numpy result1 max abs error {{([0-9]\.[0-9]+e-(0[5-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-LSE-NEXT: NUMPY OK

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>, %sinks: tensor<4xf32>)
                     -> (tensor<2x4x37x8xf32>, tensor<2x4x37xf32>) {
  %o, %lse = attn.attention %q, %k, %v
      sinks(%sinks : tensor<4xf32>)
      {scale = 100.0 : f32, return_lse}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
  return %o, %lse : tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
}
