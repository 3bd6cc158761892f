// --check on bf16 results: by default on the CPU the max error relative to
// the largest |reference| must stay within 1e-2 (bf16 keeps 8 significant
// bits); --rel-tolerance sets that limit, --tolerance the max abs error
// instead, and both given apply both.
//
// RUN: cascade-run %s --check | FileCheck %s --check-prefix=DEFAULT
// DEFAULT: check result0: max abs error {{.*}}, max rel error {{.*}} -> ok
//
// RUN: not cascade-run %s --check --rel-tolerance 1e-6 > %t.out 2> %t.err
// RUN: FileCheck %s --check-prefix=TIGHT < %t.out
// RUN: FileCheck %s --check-prefix=TIGHT-ERR < %t.err
// TIGHT: check result0: max abs error {{.*}}, max rel error {{.*}} -> FAILED
// TIGHT-ERR: cascade-run: error: results differ from the reference by more than --rel-tolerance=1e-06
//
// RUN: not cascade-run %s --check --tolerance 1e-6 2>&1 | FileCheck %s --check-prefix=ABS
// ABS: cascade-run: error: results differ from the reference by more than --tolerance=1e-06
//
// RUN: not cascade-run %s --check --tolerance 1 --rel-tolerance 1e-6 2>&1 | FileCheck %s --check-prefix=BOTH
// BOTH: cascade-run: error: results differ from the reference by more than --tolerance=1 or --rel-tolerance=1e-06

func.func @attention(%q: tensor<1x2x9x16xbf16>, %k: tensor<1x1x13x16xbf16>,
                     %v: tensor<1x1x13x16xbf16>) -> tensor<1x2x9x16xbf16> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x9x16xbf16>, tensor<1x1x13x16xbf16>, tensor<1x1x13x16xbf16>
      -> tensor<1x2x9x16xbf16>
  return %o : tensor<1x2x9x16xbf16>
}
