// attn.merge: attention over two parts of the keys (M = 40 + 23, GQA, B = 2,
// N = 5, Dv != D), each with its log-sum-exp, merged, equals attention over
// all keys. In batch 1 the second part keeps no key (kv_lengths = 0): its
// log-sum-exp is -inf and it adds nothing. Checked against the reference
// (which merges in fp64) and against one attention over the concatenated keys.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/merge_inputs.py %t
// RUN: cascade-run %s --entry halves --input q=%t/q.npy --input k1=%t/k1.npy --input v1=%t/v1.npy \
// RUN:     --input k2=%t/k2.npy --input v2=%t/v2.npy --input len2=%t/len2.npy \
// RUN:     --check --tolerance 1e-5 --output-dir %t/halves | FileCheck %s
// RUN: cascade-run %s --entry full --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --input len=%t/len.npy --output-dir %t/full
// RUN: %python %S/Inputs/compare_npy.py %t/halves %t/full 2e-6 | FileCheck %s --check-prefix=SAME
//
// Stacked parts given directly, with -inf log-sum-exps: a part of a row that
// kept no key, and a row that no part kept (zeros and -inf).
// RUN: cascade-run %s --entry stacked --input os=%t/os.npy --input lses=%t/lses.npy \
// RUN:     --check --tolerance 1e-5 --output-dir %t/stacked | FileCheck %s
// RUN: %python -c "import numpy as np, sys; o = np.load(sys.argv[1]); l = np.load(sys.argv[2]); \
// RUN:   print('empty row', float(np.abs(o[0, 1, 2]).max()), float(l[0, 1, 2]))" \
// RUN:   %t/stacked/result0.npy %t/stacked/result1.npy | FileCheck %s --check-prefix=EMPTY

// CHECK: check result0: max abs error {{.*}} -> ok{{$}}
// CHECK: check result1: max abs error {{.*}} -> ok{{$}}
// SAME: result0: same
// SAME: result1: same
// EMPTY: empty row 0.0 -inf
func.func @halves(%q: tensor<2x4x5x16xf32>, %k1: tensor<2x2x40x16xf32>, %v1: tensor<2x2x40x8xf32>,
                  %k2: tensor<2x2x23x16xf32>, %v2: tensor<2x2x23x8xf32>, %len2: tensor<2xi32>)
    -> (tensor<2x4x5x8xf32>, tensor<2x4x5xf32>) {
  %o1, %l1 = attn.attention %q, %k1, %v1 {return_lse}
      : tensor<2x4x5x16xf32>, tensor<2x2x40x16xf32>, tensor<2x2x40x8xf32> -> tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
  %o2, %l2 = attn.attention %q, %k2, %v2 kv_lengths(%len2 : tensor<2xi32>) {return_lse}
      : tensor<2x4x5x16xf32>, tensor<2x2x23x16xf32>, tensor<2x2x23x8xf32> -> tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
  %a1 = tensor.expand_shape %o1 [[0, 1], [2], [3], [4]] output_shape [1, 2, 4, 5, 8] : tensor<2x4x5x8xf32> into tensor<1x2x4x5x8xf32>
  %a2 = tensor.expand_shape %o2 [[0, 1], [2], [3], [4]] output_shape [1, 2, 4, 5, 8] : tensor<2x4x5x8xf32> into tensor<1x2x4x5x8xf32>
  %b1 = tensor.expand_shape %l1 [[0, 1], [2], [3]] output_shape [1, 2, 4, 5] : tensor<2x4x5xf32> into tensor<1x2x4x5xf32>
  %b2 = tensor.expand_shape %l2 [[0, 1], [2], [3]] output_shape [1, 2, 4, 5] : tensor<2x4x5xf32> into tensor<1x2x4x5xf32>
  %os = tensor.concat dim(0) %a1, %a2 : (tensor<1x2x4x5x8xf32>, tensor<1x2x4x5x8xf32>) -> tensor<2x2x4x5x8xf32>
  %ls = tensor.concat dim(0) %b1, %b2 : (tensor<1x2x4x5xf32>, tensor<1x2x4x5xf32>) -> tensor<2x2x4x5xf32>
  %o, %l = attn.merge %os, %ls : tensor<2x2x4x5x8xf32>, tensor<2x2x4x5xf32> -> tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
  return %o, %l : tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
}

func.func @full(%q: tensor<2x4x5x16xf32>, %k: tensor<2x2x63x16xf32>, %v: tensor<2x2x63x8xf32>, %len: tensor<2xi32>)
    -> (tensor<2x4x5x8xf32>, tensor<2x4x5xf32>) {
  %o, %l = attn.attention %q, %k, %v kv_lengths(%len : tensor<2xi32>) {return_lse}
      : tensor<2x4x5x16xf32>, tensor<2x2x63x16xf32>, tensor<2x2x63x8xf32> -> tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
  return %o, %l : tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
}

func.func @stacked(%os: tensor<3x2x4x5x8xf32>, %lses: tensor<3x2x4x5xf32>)
    -> (tensor<2x4x5x8xf32>, tensor<2x4x5xf32>) {
  %o, %l = attn.merge %os, %lses : tensor<3x2x4x5x8xf32>, tensor<3x2x4x5xf32> -> tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
  return %o, %l : tensor<2x4x5x8xf32>, tensor<2x4x5xf32>
}
