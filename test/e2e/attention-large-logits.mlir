// Scores far outside the range where exp is finite in f32 (exp(x) overflows
// for x > 88.7 and is 0 for x < -103.9): softmax must subtract the running
// row max, start that max at -inf rather than 0, and rescale what it has
// accumulated whenever a later key tile raises the max.
//
// Inputs are generated with NumPy (Inputs/attention_numpy.py large-logits):
// on even query rows the scores rise from about +100 at the first key to +141
// at the last one (the max moves up tile after tile), on odd rows they fall
// from about -100 to -141 (every exp(score) underflows in f32, the max is in
// the first tile). The softmax stays spread over several keys (largest weight
// about 0.25), so a wrong rescaling shows. Every q and k value is a small
// multiple of a power of two, so the f32 dot products are exact (and so are
// the scores with the default scale 1/4; scale = 1000 adds one rounding), and
// the result must match the fp64 reference to ~1e-7 like any other input: the
// CHECK lines demand the default --tolerance and an error in the 1e-6 range or
// below, here and against a NumPy float64 softmax.
//
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t/ramp %t/ramp1000 %t/wide
//
// Default scale 1/4: scores = (16 * k0 + noise) / 4 with k0 in [25, 35].
// RUN: %python %S/Inputs/attention_numpy.py large-logits %t/ramp 2x4x37x16 2x2x150x16 16 \
// RUN:     --q0 16 --k0 25 35 --noise 1 --quantum 0.015625
// RUN: cascade-run %s --entry attention --input q=%t/ramp/q.npy --input k=%t/ramp/k.npy \
// RUN:     --input v=%t/ramp/v.npy --check --output-dir %t/ramp/full | FileCheck %s
// RUN: %python %S/Inputs/attention_numpy.py ref %t/ramp/q.npy %t/ramp/k.npy %t/ramp/v.npy \
// RUN:     %t/ramp/full/result0.npy | FileCheck %s --check-prefix=NUMPY
// RUN: cascade-run %s --entry attention --input q=%t/ramp/q.npy --input k=%t/ramp/k.npy \
// RUN:     --input v=%t/ramp/v.npy --check --tile-m 7 | FileCheck %s
// RUN: cascade-run %s --entry causal --input q=%t/ramp/q.npy --input k=%t/ramp/k.npy \
// RUN:     --input v=%t/ramp/v.npy --check --output-dir %t/ramp/causal | FileCheck %s
// RUN: %python %S/Inputs/attention_numpy.py ref %t/ramp/q.npy %t/ramp/k.npy %t/ramp/v.npy \
// RUN:     %t/ramp/causal/result0.npy --causal bottom_right | FileCheck %s --check-prefix=NUMPY
//
// scale = 1000: the same shape of scores from q0 = 1/8, k0 in [0.8, 1.12].
// RUN: %python %S/Inputs/attention_numpy.py large-logits %t/ramp1000 2x4x37x16 2x2x150x16 16 \
// RUN:     --q0 0.125 --k0 0.8 1.12 --noise 0.015625 --quantum 0.00390625
// RUN: cascade-run %s --entry scaled --input q=%t/ramp1000/q.npy --input k=%t/ramp1000/k.npy \
// RUN:     --input v=%t/ramp1000/v.npy --check --output-dir %t/ramp1000 | FileCheck %s
// RUN: %python %S/Inputs/attention_numpy.py ref %t/ramp1000/q.npy %t/ramp1000/k.npy \
// RUN:     %t/ramp1000/v.npy %t/ramp1000/result0.npy --scale 1000 | FileCheck %s --check-prefix=NUMPY
//
// q and k uniform in [-300, 300]: scores up to ~1.6e5 in magnitude. Rounding
// a score that large to f32 moves it by up to ulp(1.6e5) / 2 ~ 8e-3, which
// shifts the weights of near-tied keys by ~1%; an exact softmax of the f32
// rounded scores already differs from the fp64 reference by ~1e-4 on these
// inputs, so no f32 kernel can promise the default 1e-4 here. --tolerance
// 1e-3 still fails any overflow (a non-finite value fails regardless of the
// tolerance) or a misplaced max (errors of order 1).
// RUN: %python %S/Inputs/attention_numpy.py gen %t/wide/q.npy 2x4x37x16 --amp 300 --seed 1
// RUN: %python %S/Inputs/attention_numpy.py gen %t/wide/k.npy 2x2x150x16 --amp 300 --seed 2
// RUN: %python %S/Inputs/attention_numpy.py gen %t/wide/v.npy 2x2x150x16 --seed 3
// RUN: cascade-run %s --entry attention --input q=%t/wide/q.npy --input k=%t/wide/k.npy \
// RUN:     --input v=%t/wide/v.npy --check --tolerance 1e-3 --output-dir %t/wide \
// RUN:   | FileCheck %s --check-prefix=WIDE
// RUN: %python %S/Inputs/attention_numpy.py ref %t/wide/q.npy %t/wide/k.npy %t/wide/v.npy \
// RUN:     %t/wide/result0.npy --tol 1e-3 | FileCheck %s --check-prefix=WIDE-NUMPY

// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// NUMPY: numpy max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-NEXT: NUMPY OK
// WIDE: check result0: max abs error {{([0-9]\.[0-9]+e-(0[4-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// WIDE-NUMPY: numpy max abs error {{([0-9]\.[0-9]+e-(0[4-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// WIDE-NUMPY-NEXT: NUMPY OK

func.func @attention(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x150x16xf32>,
                     %v: tensor<2x2x150x16xf32>) -> tensor<2x4x37x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x4x37x16xf32>, tensor<2x2x150x16xf32>, tensor<2x2x150x16xf32>
      -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}

// Bottom-right causal: query n sees keys up to n + 113, so on even rows the
// max is in a middle tile and later tiles are masked.
func.func @causal(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x150x16xf32>,
                  %v: tensor<2x2x150x16xf32>) -> tensor<2x4x37x16xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<2x4x37x16xf32>, tensor<2x2x150x16xf32>, tensor<2x2x150x16xf32>
      -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}

func.func @scaled(%q: tensor<2x4x37x16xf32>, %k: tensor<2x2x150x16xf32>,
                  %v: tensor<2x2x150x16xf32>) -> tensor<2x4x37x16xf32> {
  %o = attn.attention %q, %k, %v {scale = 1000.0 : f32}
      : tensor<2x4x37x16xf32>, tensor<2x2x150x16xf32>, tensor<2x2x150x16xf32>
      -> tensor<2x4x37x16xf32>
  return %o : tensor<2x4x37x16xf32>
}
