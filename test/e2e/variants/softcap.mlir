// Logit soft-capping: s = softcap * tanh(s / softcap) with softcap = 2.0 and
// scale = 1.0; q and k uniform in [-1.5, 1.5] make raw scores up to about 10,
// well into the saturated part of tanh.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16. Inputs come from Inputs/variants_numpy.py gen. Each
// run compares every result with the fp64 reference (--check); where NumPy is
// available, the results are also compared with a float64 NumPy implementation
// of the op's description (Inputs/variants_numpy.py ref), independent of
// Cascade's reference.
//
// RUN: rm -rf %t && %python %S/Inputs/variants_numpy.py gen %t --seed 109 \
// RUN:     q=2x4x37x16@1.5 k=2x2x70x16@1.5 v=2x2x70x8
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --check \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --check \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s
// RUN: %if numpy %{ %python %S/Inputs/variants_numpy.py ref %t %t/attention \
// RUN:     --softcap 2.0 --scale 1.0 | FileCheck %s --check-prefix=NUMPY %}
// RUN: %if numpy %{ %python %S/Inputs/variants_numpy.py ref %t %t/attention-tile16 \
// RUN:     --softcap 2.0 --scale 1.0 | FileCheck %s --check-prefix=NUMPY %}

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check
// NUMPY: numpy result0 max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-NEXT: NUMPY OK

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>) -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v
      {softcap = 2.0 : f32, scale = 1.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
