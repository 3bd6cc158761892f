// Whole rows masked, softmax with learned sinks and return_lse. With N = 70
// queries over M = 37 keys and bottom-right causality, query n sees keys m <= n
// - 33: rows 0 .. 32 of every head have no key at all and must be exactly zero
// (not NaN from 0/0); a NumPy one-liner checks that, that nothing is NaN or
// infinite and (where every kept weight is positive) that every other row is
// nonzero.
//
// A row without keys puts all its weight on the sink: its output is zero and
// its log-sum-exp is the sink logit (finite, so --check applies).
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 70, M = 37, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16. Inputs come from Inputs/variants_numpy.py gen. Each
// run compares every result with the fp64 reference (--check); the results are
// also compared with a float64 NumPy implementation of the op's description
// (Inputs/variants_numpy.py ref), independent of Cascade's reference.
//
// REQUIRES: numpy
// RUN: rm -rf %t && %python %S/Inputs/variants_numpy.py gen %t --seed 134 q=2x4x70x16 \
// RUN:     k=2x2x37x16 v=2x2x37x8 sinks=4@2
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input sinks=%t/sinks.npy --check --output-dir %t/attention \
// RUN:   | FileCheck %s --check-prefix=LSE
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input sinks=%t/sinks.npy --check --tile-m=16 \
// RUN:     --output-dir %t/attention-tile16 | FileCheck %s --check-prefix=LSE
// RUN: %python -c "import sys, numpy as np; o = np.load(sys.argv[1]); r = int(sys.argv[2]); ok = np.isfinite(o).all() and (o[:, :, :r] == 0).all() and (o[:, :, r:] != 0).any(-1).all(); print('ZEROS OK' if ok else 'ZEROS WRONG', o.shape, o.dtype)" \
// RUN:     %t/attention/result0.npy 33 | FileCheck %s --check-prefix=ZEROS
// RUN: %python %S/Inputs/variants_numpy.py ref %t %t/attention --causal bottom_right \
// RUN:     --sinks --lse | FileCheck %s --check-prefix=NUMPY-LSE
// RUN: %python -c "import sys, numpy as np; o = np.load(sys.argv[1]); r = int(sys.argv[2]); ok = np.isfinite(o).all() and (o[:, :, :r] == 0).all() and (o[:, :, r:] != 0).any(-1).all(); print('ZEROS OK' if ok else 'ZEROS WRONG', o.shape, o.dtype)" \
// RUN:     %t/attention-tile16/result0.npy 33 | FileCheck %s --check-prefix=ZEROS
// RUN: %python %S/Inputs/variants_numpy.py ref %t %t/attention-tile16 \
// RUN:     --causal bottom_right --sinks --lse | FileCheck %s --check-prefix=NUMPY-LSE

// LSE: wrote {{.*}}result0.npy
// LSE-NEXT: wrote {{.*}}result1.npy
// LSE-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// LSE-NEXT: check result1: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// LSE-NOT: check
// NUMPY-LSE: numpy result0 max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-LSE-NEXT: numpy result1 max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}{{$}}
// NUMPY-LSE-NEXT: NUMPY OK
// ZEROS: ZEROS OK (2, 4, 70, 8) float32

func.func @attention(%q: tensor<2x4x70x16xf32>, %k: tensor<2x2x37x16xf32>,
                     %v: tensor<2x2x37x8xf32>, %sinks: tensor<4xf32>)
                     -> (tensor<2x4x70x8xf32>, tensor<2x4x70xf32>) {
  %o, %lse = attn.attention %q, %k, %v
      sinks(%sinks : tensor<4xf32>)
      {return_lse, causal = #attn.causal<bottom_right>}
      : tensor<2x4x70x16xf32>, tensor<2x2x37x16xf32>, tensor<2x2x37x8xf32>
      -> tensor<2x4x70x8xf32>, tensor<2x4x70xf32>
  return %o, %lse : tensor<2x4x70x8xf32>, tensor<2x4x70xf32>
}
