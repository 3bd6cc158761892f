// bf16 attention has tiles of its own (64 queries x 128 keys); --tile-m and
// --tile-n given on cascadec's command line apply to it too.
//
// RUN: cascadec %s --emit=ein-1pass | FileCheck %s --check-prefix=DEFAULT
// RUN: cascadec %s --tile-m=32 --tile-n=16 --emit=ein-1pass | FileCheck %s --check-prefix=GIVEN

// DEFAULT: m0: m mod 128
// GIVEN: m0: m mod 32, {{.*}}p0: p mod 16

func.func @attention(%q: tensor<2x4x100x64xbf16>, %k: tensor<2x2x130x64xbf16>, %v: tensor<2x2x130x64xbf16>) -> tensor<2x4x100x64xbf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<2x4x100x64xbf16>, tensor<2x2x130x64xbf16>, tensor<2x2x130x64xbf16> -> tensor<2x4x100x64xbf16>
  return %o : tensor<2x4x100x64xbf16>
}
