// --repeat N runs the compiled function N more times and prints the timing.
// With --check the comparison uses the result of the last run, so running
// again into the same result buffer must not change it (nothing accumulates
// across calls).
//
// RUN: cascade-run %s --repeat 2 | FileCheck %s --check-prefix=TIME2
// RUN: cascade-run %s --repeat 3 --check | FileCheck %s --check-prefix=TIME3
// RUN: cascade-run %s --check | FileCheck %s --check-prefix=NOTIME

// TIME2: time: min {{[0-9]+\.[0-9]+}} ms, mean {{[0-9]+\.[0-9]+}} ms over 2 runs{{$}}
// TIME2-NOT: check

// TIME3: time: min {{[0-9]+\.[0-9]+}} ms, mean {{[0-9]+\.[0-9]+}} ms over 3 runs{{$}}
// TIME3-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}

// NOTIME-NOT: time:
// NOTIME: check result0: {{.*}} -> ok

func.func @attention(%q: tensor<1x4x50x32xf32>, %k: tensor<1x2x90x32xf32>,
                     %v: tensor<1x2x90x32xf32>) -> tensor<1x4x50x32xf32> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<bottom_right>}
      : tensor<1x4x50x32xf32>, tensor<1x2x90x32xf32>, tensor<1x2x90x32xf32>
      -> tensor<1x4x50x32xf32>
  return %o : tensor<1x4x50x32xf32>
}
