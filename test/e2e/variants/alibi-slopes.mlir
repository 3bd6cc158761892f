// ALiBi with explicit per-head slopes (the alibi_slopes operand, uniform in
// [-0.5, 0.5], so some are negative and favour distant keys), no mask.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16. Inputs come from Inputs/variants_numpy.py gen. Each
// run compares every result with the fp64 reference (--check); where NumPy is
// available, the results are also compared with a float64 NumPy implementation
// of the op's description (Inputs/variants_numpy.py ref), independent of
// Cascade's reference.
//
// RUN: rm -rf %t && %python %S/Inputs/variants_numpy.py gen %t --seed 112 q=2x4x37x16 \
// RUN:     k=2x2x70x16 v=2x2x70x8 slopes=4@0.5
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input slopes=%t/slopes.npy --check --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input slopes=%t/slopes.npy --check --tile-m=16 \
// RUN:     --output-dir %t/attention-tile16 | FileCheck %s
// RUN: %if numpy %{ %python %S/Inputs/variants_numpy.py ref %t %t/attention --slopes \
// RUN:   | FileCheck %s --check-prefix=NUMPY %}
// RUN: %if numpy %{ %python %S/Inputs/variants_numpy.py ref %t %t/attention-tile16 \
// RUN:     --slopes | FileCheck %s --check-prefix=NUMPY %}

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check
// NUMPY: numpy result0 max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-NEXT: NUMPY OK

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>, %slopes: tensor<4xf32>)
                     -> tensor<2x4x37x8xf32> {
  %o = attn.attention %q, %k, %v
      alibi_slopes(%slopes : tensor<4xf32>)
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>
  return %o : tensor<2x4x37x8xf32>
}
