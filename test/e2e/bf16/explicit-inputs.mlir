// bf16 arguments from f32 .npy files (rounded to bf16, to nearest even) and
// the bf16 result written as f32, compared with Cascade's reference and with
// a float64 softmax attention written in NumPy on the same rounded values
// (Inputs/attention_numpy.py ref --bf16). GQA (Hq = 4, Hkv = 2), N = 33,
// M = 70, D = 16, Dv = 8, top-left causal, scale 0.3. The same inputs give
// the same result on 1 and 2 threads; a bf16 argument rejects an .npy file
// of another type.
//
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Inputs/attention_numpy.py gen %t/q.npy 2x4x33x16 --seed 11
// RUN: %python %S/../Inputs/attention_numpy.py gen %t/k.npy 2x2x70x16 --seed 12
// RUN: %python %S/../Inputs/attention_numpy.py gen %t/v.npy 2x2x70x8 --seed 13
// RUN: %python %S/../Inputs/attention_numpy.py gen %t/k64.npy 2x2x70x16 --dtype f64
//
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy \
// RUN:     --check --threads 1 --output-dir %t/t1 | FileCheck %s
// RUN: cascade-run %s --input %t/q.npy --input %t/k.npy --input %t/v.npy \
// RUN:     --threads 2 --output-dir %t/t2 | FileCheck %s --check-prefix=WROTE
// RUN: cmp %t/t1/result0.npy %t/t2/result0.npy
// RUN: %python %S/../Inputs/attention_numpy.py ref %t/q.npy %t/k.npy %t/v.npy \
// RUN:     %t/t1/result0.npy --scale 0.3 --causal top_left --bf16 --tol 1e-2 \
// RUN:   | FileCheck %s --check-prefix=NUMPY
//
// RUN: not cascade-run %s --input q=%t/q.npy --input k=%t/k64.npy --input v=%t/v.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=F64

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{.*}}, max rel error {{[0-9]\.[0-9]+e-(0[3-9]|[1-9][0-9])}} -> ok{{$}}
// WROTE: wrote {{.*}}result0.npy
// NUMPY: numpy max abs error {{[0-9]\.[0-9]+e-(0[3-9]|[1-9][0-9])}}{{$}}
// NUMPY-NEXT: NUMPY OK
// F64: error: --input k={{.*}}k64.npy: argument 'k' expects bf16, the file has f64

func.func @attention(%q: tensor<2x4x33x16xbf16>, %k: tensor<2x2x70x16xbf16>,
                     %v: tensor<2x2x70x8xbf16>) -> tensor<2x4x33x8xbf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>, scale = 0.3 : f32}
      : tensor<2x4x33x16xbf16>, tensor<2x2x70x16xbf16>, tensor<2x2x70x8xbf16>
      -> tensor<2x4x33x8xbf16>
  return %o : tensor<2x4x33x8xbf16>
}
