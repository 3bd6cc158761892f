// Bad inputs to cascade-run: each gives one clear "cascade-run: error:" line
// naming what is wrong and a non-zero exit status. The .npy files are written
// by Inputs/write_npy.py (no NumPy needed), some of them damaged on purpose.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/write_npy.py %t/q.npy f4 1x2x3x4
// RUN: %python %S/Inputs/write_npy.py %t/k.npy f4 1x1x5x4
// RUN: %python %S/Inputs/write_npy.py %t/v.npy f4 1x1x5x4
//
// The well-formed files are accepted, by name and by position.
// RUN: cascade-run %s --input q=%t/q.npy --input k=%t/k.npy --input v=%t/v.npy --check \
// RUN:   | FileCheck %s --check-prefix=VALID
// RUN: cascade-run %s --input %t/q.npy --input %t/k.npy --input %t/v.npy --check \
// RUN:   | FileCheck %s --check-prefix=VALID
// VALID: check result0: max abs error {{.*}} -> ok
//
// A missing .mlir file.
// RUN: not cascade-run %t/does-not-exist.mlir 2>&1 | FileCheck %s --check-prefix=NO-MLIR
// NO-MLIR: cascade-run: error: cannot open '{{.*}}does-not-exist.mlir': {{.*}}No such file or directory
//
// No .mlir file at all, an unknown option, a malformed option value.
// RUN: not cascade-run 2>&1 | FileCheck %s --check-prefix=NO-ARG
// NO-ARG: Not enough positional command line arguments specified
// RUN: not cascade-run %s --no-such-option 2>&1 | FileCheck %s --check-prefix=BAD-OPTION
// BAD-OPTION: Unknown command line argument '--no-such-option'
// RUN: not cascade-run %s --repeat=-1 2>&1 | FileCheck %s --check-prefix=BAD-REPEAT
// BAD-REPEAT: for the --repeat option: '-1' value invalid for uint argument
// RUN: not cascade-run %s --tolerance=abc 2>&1 | FileCheck %s --check-prefix=BAD-TOLERANCE
// BAD-TOLERANCE: for the --tolerance option: 'abc' value invalid for floating point argument
//
// A missing .npy file, and a directory instead of one.
// RUN: not cascade-run %s --input q=%t/missing.npy 2>&1 | FileCheck %s --check-prefix=NO-NPY
// NO-NPY: cascade-run: error: --input q={{.*}}missing.npy: cannot open .npy file '{{.*}}missing.npy': No such file or directory
// RUN: not cascade-run %s --input k=%t 2>&1 | FileCheck %s --check-prefix=NPY-DIR
// NPY-DIR: cascade-run: error: --input k={{.*}}: cannot open .npy file '{{.*}}': Is a directory
//
// Corrupt .npy files: a zip archive (an .npz) instead of a .npy, an empty
// file, data cut short, extra bytes after the data.
// RUN: %python %S/Inputs/write_npy.py %t/zip.npy f4 1x2x3x4 --magic 504b0304
// RUN: not cascade-run %s --input q=%t/zip.npy 2>&1 | FileCheck %s --check-prefix=BAD-MAGIC
// BAD-MAGIC: cascade-run: error: --input q={{.*}}zip.npy: {{.*}}zip.npy: not a .npy file: expected magic string "\93NUMPY" at byte 0, found "PK\03\04PY"
// RUN: %python -c "open(r'%t/empty.npy', 'wb').close()"
// RUN: not cascade-run %s --input q=%t/empty.npy 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: cascade-run: error: --input q={{.*}}empty.npy: {{.*}}empty.npy: not a .npy file: expected magic string "\93NUMPY" at byte 0, found ""
// RUN: %python %S/Inputs/write_npy.py %t/truncated.npy f4 1x2x3x4 --drop 6
// RUN: not cascade-run %s --input q=%t/truncated.npy 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// TRUNCATED: cascade-run: error: --input q={{.*}}truncated.npy: {{.*}}truncated.npy: truncated data: expected 96 bytes of data, found 90 (shape (1, 2, 3, 4) of f32, data starts at byte 128)
// RUN: %python -c "d = open(r'%t/q.npy', 'rb').read(); open(r'%t/header-only.npy', 'wb').write(d[:128])"
// RUN: not cascade-run %s --input q=%t/header-only.npy 2>&1 | FileCheck %s --check-prefix=HEADER-ONLY
// HEADER-ONLY: cascade-run: error: --input q={{.*}}header-only.npy: {{.*}}: truncated data: expected 96 bytes of data, found 0
// RUN: %python -c "d = open(r'%t/q.npy', 'rb').read(); open(r'%t/cut-header.npy', 'wb').write(d[:40])"
// RUN: not cascade-run %s --input q=%t/cut-header.npy 2>&1 | FileCheck %s --check-prefix=CUT-HEADER
// CUT-HEADER: cascade-run: error: --input q={{.*}}cut-header.npy: {{.*}}: truncated header: the header length field at byte 8 declares 118 bytes, but only 30 bytes follow the preamble
// RUN: %python -c "d = open(r'%t/q.npy', 'rb').read(); open(r'%t/trailing.npy', 'wb').write(d + bytes(4))"
// RUN: not cascade-run %s --input q=%t/trailing.npy 2>&1 | FileCheck %s --check-prefix=TRAILING
// TRAILING: cascade-run: error: --input q={{.*}}trailing.npy: {{.*}}: trailing bytes after the data: expected 96 bytes of data, found 100
//
// Wrong shape, by name and by position (the second positional file goes to k).
// RUN: %python %S/Inputs/write_npy.py %t/q-transposed.npy f4 1x2x4x3
// RUN: not cascade-run %s --input q=%t/q-transposed.npy 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: cascade-run: error: --input q={{.*}}q-transposed.npy: argument 'q' expects shape (1, 2, 3, 4), the file has (1, 2, 4, 3)
// RUN: not cascade-run %s --input %t/q.npy --input %t/q.npy 2>&1 | FileCheck %s --check-prefix=SHAPE-POS
// SHAPE-POS: cascade-run: error: --input {{.*}}q.npy: argument 'k' expects shape (1, 1, 5, 4), the file has (1, 2, 3, 4)
// RUN: %python %S/Inputs/write_npy.py %t/q-scalar.npy f4 scalar
// RUN: not cascade-run %s --input q=%t/q-scalar.npy 2>&1 | FileCheck %s --check-prefix=SHAPE-SCALAR
// SHAPE-SCALAR: cascade-run: error: --input q={{.*}}q-scalar.npy: argument 'q' expects shape (1, 2, 3, 4), the file has ()
//
// Wrong element type: f64 and i32 files for an f32 argument.
// RUN: %python %S/Inputs/write_npy.py %t/q-f64.npy f8 1x2x3x4
// RUN: not cascade-run %s --input q=%t/q-f64.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: cascade-run: error: --input q={{.*}}q-f64.npy: argument 'q' expects f32, the file has f64
// RUN: %python %S/Inputs/write_npy.py %t/v-i32.npy i4 1x1x5x4
// RUN: not cascade-run %s --input v=%t/v-i32.npy 2>&1 | FileCheck %s --check-prefix=DTYPE-I32
// DTYPE-I32: cascade-run: error: --input v={{.*}}v-i32.npy: argument 'v' expects f32, the file has i32
//
// An argument name the function does not have (names are the SSA names of
// the source, without '%').
// RUN: not cascade-run %s --input x=%t/q.npy 2>&1 | FileCheck %s --check-prefix=NAME
// NAME: cascade-run: error: --input x={{.*}}q.npy: @attention has no argument named 'x' (arguments: q, k, v)
// RUN: not cascade-run %s --input %%q=%t/q.npy 2>&1 | FileCheck %s --check-prefix=NAME-PERCENT
// NAME-PERCENT: cascade-run: error: --input %q={{.*}}q.npy: @attention has no argument named '%q' (arguments: q, k, v)
//
// Too many positional inputs, also after some given by name.
// RUN: not cascade-run %s --input %t/q.npy --input %t/k.npy --input %t/v.npy --input %t/v.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TOO-MANY
// RUN: not cascade-run %s --input q=%t/q.npy --input v=%t/v.npy --input %t/k.npy --input %t/v.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=TOO-MANY
// TOO-MANY: cascade-run: error: --input {{.*}}v.npy: @attention takes only 3 arguments
//
// The same argument given twice: by name twice, by position then by name.
// RUN: not cascade-run %s --input q=%t/q.npy --input q=%t/q.npy 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: not cascade-run %s --input %t/q.npy --input q=%t/q.npy 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: cascade-run: error: argument 'q' is given twice
//
// --entry naming a function the module does not have.
// RUN: not cascade-run %s --entry missing 2>&1 | FileCheck %s --check-prefix=ENTRY
// ENTRY: cascade-run: error: no function 'missing' in {{.*}}errors.mlir (functions: attention)
//
// A key tile that is not positive.
// RUN: not cascade-run %s --tile-m=0 2>&1 | FileCheck %s --check-prefix=TILE0
// TILE0: cascade-run: error: --tile-m must be positive, found 0
// RUN: not cascade-run %s --tile-m=-8 2>&1 | FileCheck %s --check-prefix=TILE-NEG
// TILE-NEG: cascade-run: error: --tile-m must be positive, found -8
// RUN: not cascade-run %s --split-kv=-2 2>&1 | FileCheck %s --check-prefix=SPLIT-NEG
// SPLIT-NEG: cascade-run: error: --split-kv must be 0 (chosen) or a number of parts, found -2
// RUN: not cascade-run %s --bf16-dot=2 2>&1 | FileCheck %s --check-prefix=BF16-DOT
// BF16-DOT: cascade-run: error: --bf16-dot takes -1 (where the CPU has them), 0 or 1, found 2
// RUN: not cascade-run %s --check --rel-tolerance=-1 2>&1 | FileCheck %s --check-prefix=REL-TOL
// REL-TOL: cascade-run: error: --rel-tolerance must be a non-negative number, found -1
//
// An --output-dir that cannot be created (a file is in the way).
// RUN: not cascade-run %s --output-dir %t/q.npy/out 2>&1 | FileCheck %s --check-prefix=OUT-DIR
// OUT-DIR: cascade-run: error: cannot create '{{.*}}q.npy/out': Not a directory
//
// --check fails on a non-finite result whatever the tolerance: a NaN in q
// gives NaN in the 4 outputs of its query row.
// RUN: %python %S/Inputs/write_npy.py %t/q-nan.npy f4 1x2x3x4 --nan-at 5
// RUN: not cascade-run %s --input q=%t/q-nan.npy --check --tolerance 1e30 > %t/nan.out 2> %t/nan.err
// RUN: FileCheck %s --check-prefix=NAN < %t/nan.out
// RUN: FileCheck %s --check-prefix=NAN-ERR < %t/nan.err
// NAN: check result0: max abs error {{.*}}, 4 non-finite values -> FAILED
// NAN-ERR: cascade-run: error: results or reference contain NaN or infinite values (see the check lines above)

func.func @attention(%q: tensor<1x2x3x4xf32>, %k: tensor<1x1x5x4xf32>,
                     %v: tensor<1x1x5x4xf32>) -> tensor<1x2x3x4xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x3x4xf32>, tensor<1x1x5x4xf32>, tensor<1x1x5x4xf32>
      -> tensor<1x2x3x4xf32>
  return %o : tensor<1x2x3x4xf32>
}
