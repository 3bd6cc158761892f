// Inputs from .npy files made with NumPy, given by argument name, by position
// and mixed, and compared with a float64 softmax attention written in NumPy
// (Inputs/attention_numpy.py ref), a reference independent of Cascade's own.
// GQA (Hq = 4, Hkv = 2), N = 33, M = 70, D = 16, Dv = 8, top-left causal, an
// explicit non-power-of-two scale.
//
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/attention_numpy.py gen %t/q.npy 2x4x33x16 --seed 11
// RUN: %python %S/Inputs/attention_numpy.py gen %t/k.npy 2x2x70x16 --seed 12
// RUN: %python %S/Inputs/attention_numpy.py gen %t/v.npy 2x2x70x8 --seed 13
//
// By name, in the order of the arguments and shuffled.
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --check --output-dir %t/by-name | FileCheck %s
// RUN: %python %S/Inputs/attention_numpy.py ref %t/q.npy %t/k.npy %t/v.npy \
// RUN:     %t/by-name/result0.npy --scale 0.3 --causal top_left | FileCheck %s --check-prefix=NUMPY
// RUN: cascade-run %s --input v=%t/v.npy --input q=%t/q.npy --input k=%t/k.npy \
// RUN:     --output-dir %t/shuffled | FileCheck %s --check-prefix=WROTE
// RUN: %python %S/Inputs/attention_numpy.py same %t/by-name/result0.npy %t/shuffled/result0.npy \
// RUN:   | FileCheck %s --check-prefix=SAME
//
// By position.
// RUN: cascade-run %s --input %t/q.npy --input %t/k.npy --input %t/v.npy --check \
// RUN:     --output-dir %t/by-position | FileCheck %s
// RUN: %python %S/Inputs/attention_numpy.py ref %t/q.npy %t/k.npy %t/v.npy \
// RUN:     %t/by-position/result0.npy --scale 0.3 --causal top_left | FileCheck %s --check-prefix=NUMPY
// RUN: %python %S/Inputs/attention_numpy.py same %t/by-name/result0.npy %t/by-position/result0.npy \
// RUN:   | FileCheck %s --check-prefix=SAME
//
// Mixed: a positional input takes the first argument not given by name, so
// here %t/k.npy goes to k.
// RUN: cascade-run %s --input v=%t/v.npy --input q=%t/q.npy --input %t/k.npy \
// RUN:     --output-dir %t/mixed | FileCheck %s --check-prefix=WROTE
// RUN: %python %S/Inputs/attention_numpy.py same %t/by-name/result0.npy %t/mixed/result0.npy \
// RUN:   | FileCheck %s --check-prefix=SAME
//
// Only v given: q and k are random, the result differs and still checks.
// RUN: cascade-run %s --input v=%t/v.npy --check --output-dir %t/only-v | FileCheck %s
// RUN: %python %S/Inputs/attention_numpy.py same %t/by-name/result0.npy %t/only-v/result0.npy \
// RUN:   | FileCheck %s --check-prefix=DIFFERENT
//
// Random inputs depend on --seed only: the same seed gives the same result,
// another seed a different one.
// RUN: cascade-run %s --seed 7 --output-dir %t/seed7 | FileCheck %s --check-prefix=WROTE
// RUN: cascade-run %s --seed 7 --output-dir %t/seed7-again | FileCheck %s --check-prefix=WROTE
// RUN: cascade-run %s --seed 8 --output-dir %t/seed8 | FileCheck %s --check-prefix=WROTE
// RUN: %python %S/Inputs/attention_numpy.py same %t/seed7/result0.npy %t/seed7-again/result0.npy \
// RUN:   | FileCheck %s --check-prefix=SAME
// RUN: %python %S/Inputs/attention_numpy.py same %t/seed7/result0.npy %t/seed8/result0.npy \
// RUN:   | FileCheck %s --check-prefix=DIFFERENT

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// NUMPY: numpy max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-NEXT: NUMPY OK
// WROTE: wrote {{.*}}result0.npy
// SAME: {{^SAME$}}
// DIFFERENT: {{^DIFFERENT$}}

func.func @attention(%q: tensor<2x4x33x16xf32>, %k: tensor<2x2x70x16xf32>,
                     %v: tensor<2x2x70x8xf32>) -> tensor<2x4x33x8xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, scale = 0.3 : f32}
      : tensor<2x4x33x16xf32>, tensor<2x2x70x16xf32>, tensor<2x2x70x8xf32>
      -> tensor<2x4x33x8xf32>
  return %o : tensor<2x4x33x8xf32>
}
