// Sinks with return_lse and bottom-right causality: the log-sum-exp includes
// the sink logit, log(exp(sink) + sum_m exp(s[m])). Sinks uniform in [-3, 3].
// Both results are checked.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 37, M = 70, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16. Inputs come from Inputs/variants_numpy.py gen. Each
// run compares every result with the fp64 reference (--check); where NumPy is
// available, the results are also compared with a float64 NumPy implementation
// of the op's description (Inputs/variants_numpy.py ref), independent of
// Cascade's reference.
//
// RUN: rm -rf %t && %python %S/Inputs/variants_numpy.py gen %t --seed 121 q=2x4x37x16 \
// RUN:     k=2x2x70x16 v=2x2x70x8 sinks=4@3
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input sinks=%t/sinks.npy --check --output-dir %t/attention \
// RUN:   | FileCheck %s --check-prefix=LSE
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input sinks=%t/sinks.npy --check --tile-m=16 \
// RUN:     --output-dir %t/attention-tile16 | FileCheck %s --check-prefix=LSE
// RUN: %if numpy %{ %python %S/Inputs/variants_numpy.py ref %t %t/attention \
// RUN:     --causal bottom_right --sinks --lse | FileCheck %s --check-prefix=NUMPY-LSE %}
// RUN: %if numpy %{ %python %S/Inputs/variants_numpy.py ref %t %t/attention-tile16 \
// RUN:     --causal bottom_right --sinks --lse | FileCheck %s --check-prefix=NUMPY-LSE %}

// LSE: wrote {{.*}}result0.npy
// LSE-NEXT: wrote {{.*}}result1.npy
// LSE-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// LSE-NEXT: check result1: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// LSE-NOT: check
// NUMPY-LSE: numpy result0 max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-LSE-NEXT: numpy result1 max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-LSE-NEXT: NUMPY OK

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>, %sinks: tensor<4xf32>)
                     -> (tensor<2x4x37x8xf32>, tensor<2x4x37xf32>) {
  %o, %lse = attn.attention %q, %k, %v
      sinks(%sinks : tensor<4xf32>)
      {return_lse, causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
  return %o, %lse : tensor<2x4x37x8xf32>, tensor<2x4x37xf32>
}
