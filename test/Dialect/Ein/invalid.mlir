// RUN: cascade-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// ein.cascade: the rank table (printed form)
//===----------------------------------------------------------------------===//

func.func @rank_declared_twice(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{rank 'm' declared twice}}
  %r = ein.cascade "x" ranks [m: 4, p: 8, m: 4] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    ein.yield %S : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @negative_extent(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{rank 'p' has a negative extent -8}}
  %r = ein.cascade "x" ranks [m: 4, p: -8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    ein.yield %S : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

// A part must follow its parent in the table.
func.func @part_before_parent(%s: tensor<256x8xf32>) -> tensor<256x8xf32> {
  // expected-error @+1 {{rank 'm1' is a part of 'm', which is not declared before it}}
  %r = ein.cascade "x" ranks [m1: m floordiv 64, m: 256, p: 8] ins(%S = %s : tensor<256x8xf32>) -> tensor<256x8xf32> {
    ein.yield %S : tensor<256x8xf32>
  }
  return %r : tensor<256x8xf32>
}

// -----

func.func @part_bad_operator(%s: tensor<256x8xf32>) -> tensor<256x8xf32> {
  // expected-error @+1 {{expected 'mod' or `floordiv` after the parent rank}}
  %r = ein.cascade "x" ranks [m: 256, m1: m ceildiv 64, p: 8] ins(%S = %s : tensor<256x8xf32>) -> tensor<256x8xf32> {
    ein.yield %S : tensor<256x8xf32>
  }
  return %r : tensor<256x8xf32>
}

// -----

func.func @part_zero_tile(%s: tensor<256x8xf32>) -> tensor<256x8xf32> {
  // expected-error @+1 {{tile size must be positive, found 0}}
  %r = ein.cascade "x" ranks [m: 256, m0: m mod 0, p: 8] ins(%S = %s : tensor<256x8xf32>) -> tensor<256x8xf32> {
    ein.yield %S : tensor<256x8xf32>
  }
  return %r : tensor<256x8xf32>
}

// -----

func.func @bound_to_missing_input(%s: tensor<4x?xf32>) -> tensor<4x?xf32> {
  // expected-error @+1 {{'ein.cascade' op rank 'p' is bound to input 1 but the cascade has 1 inputs}}
  %r = ein.cascade "x" ranks [m: 4, p: dim(1, 1)] ins(%S = %s : tensor<4x?xf32>) -> tensor<4x?xf32> {
    ein.yield %S : tensor<4x?xf32>
  }
  return %r : tensor<4x?xf32>
}

// -----

func.func @bound_to_missing_dim(%s: tensor<4x?xf32>) -> tensor<4x?xf32> {
  // expected-error @+1 {{'ein.cascade' op rank 'p' is bound to dimension 2 of input 0, which has rank 2}}
  %r = ein.cascade "x" ranks [m: 4, p: dim(0, 2)] ins(%S = %s : tensor<4x?xf32>) -> tensor<4x?xf32> {
    ein.yield %S : tensor<4x?xf32>
  }
  return %r : tensor<4x?xf32>
}

// -----

func.func @bound_to_negative_dim(%s: tensor<4x?xf32>) -> tensor<4x?xf32> {
  // expected-error @+1 {{rank 'p' is bound to dim(0, -1); both must be non-negative}}
  %r = ein.cascade "x" ranks [m: 4, p: dim(0, -1)] ins(%S = %s : tensor<4x?xf32>) -> tensor<4x?xf32> {
    ein.yield %S : tensor<4x?xf32>
  }
  return %r : tensor<4x?xf32>
}

// -----

//===----------------------------------------------------------------------===//
// ein.cascade: the rank table and the region (generic form)
//===----------------------------------------------------------------------===//

func.func @generic_rank_declared_twice(%s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ein.cascade' op rank 'm' declared twice}}
  %r = "ein.cascade"(%s) <{input_names = ["S"], name = "x", ranks = [
      #ein.rank<name = "m", extent = 4, operand = -1, dim = -1, parent = "", tile = 0, part = 0>,
      #ein.rank<name = "m", extent = 8, operand = -1, dim = -1, parent = "", tile = 0, part = 0>]}> ({
  ^bb0(%S: tensor<4xf32>):
    "ein.yield"(%S) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @generic_part_of_undeclared_rank(%s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ein.cascade' op rank 'm1' is a part of undeclared rank 'n'}}
  %r = "ein.cascade"(%s) <{input_names = ["S"], name = "x", ranks = [
      #ein.rank<name = "m", extent = 4, operand = -1, dim = -1, parent = "", tile = 0, part = 0>,
      #ein.rank<name = "m1", extent = 2, operand = -1, dim = -1, parent = "n", tile = 2, part = 1>]}> ({
  ^bb0(%S: tensor<4xf32>):
    "ein.yield"(%S) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @generic_rank_table_entry(%s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ein.cascade' op attribute 'ranks' failed to satisfy constraint: ranks}}
  %r = "ein.cascade"(%s) <{input_names = ["S"], name = "x", ranks = [4 : i64]}> ({
  ^bb0(%S: tensor<4xf32>):
    "ein.yield"(%S) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @generic_region_arguments(%s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ein.cascade' op expected 1 region arguments, found 2}}
  %r = "ein.cascade"(%s) <{input_names = ["S"], name = "x", ranks = []}> ({
  ^bb0(%S: tensor<4xf32>, %T: tensor<4xf32>):
    "ein.yield"(%S) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @generic_region_argument_type(%s: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'ein.cascade' op region argument type 'tensor<4xf16>' differs from input type 'tensor<4xf32>'}}
  %r = "ein.cascade"(%s) <{input_names = ["S"], name = "x", ranks = []}> ({
  ^bb0(%S: tensor<4xf16>):
    "ein.yield"(%S) : (tensor<4xf16>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf16>
  return %r : tensor<4xf16>
}

// -----

func.func @generic_input_names(%s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ein.cascade' op expected 1 input names, found 2}}
  %r = "ein.cascade"(%s) <{input_names = ["S", "T"], name = "x", ranks = []}> ({
  ^bb0(%S: tensor<4xf32>):
    "ein.yield"(%S) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// ein.cascade: the body
//===----------------------------------------------------------------------===//

func.func @yield_count(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'ein.cascade' op yields 2 values but has 1 results}}
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    ein.yield %S, %S : tensor<4x8xf32>, tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @yield_type(%s: tensor<4x8xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'ein.cascade' op yields 'tensor<4x8xf32>' for a result of type 'tensor<8x4xf32>'}}
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<8x4xf32> {
    ein.yield %S : tensor<4x8xf32>
  }
  return %r : tensor<8x4xf32>
}

// -----

func.func @foreign_op_in_body(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{'arith.constant' op is not allowed in an ein.cascade body; only ein.einsum and ein.yield are}}
    %c = arith.constant dense<0.0> : tensor<4x8xf32>
    ein.yield %S : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

// The cascade is isolated from above: its einsums read the region arguments.
func.func @uses_value_from_above(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-note @+1 {{required by region isolation constraints}}
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{using value defined outside the region}}
    %A = ein.einsum A[m, p] = (%s[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @unknown_rank(%s: tensor<4x8xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op uses rank 'q', which the cascade does not declare}}
    %A = ein.einsum A[m] += (%S[m, q]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @unknown_extent(%s: tensor<4x8xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op uses the extent of rank 'q', which the cascade does not declare}}
    %A = ein.einsum A[m] = (%S[m, |q| - 1]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @wrong_extent(%s: tensor<4x8xf32>) -> tensor<8x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<8x8xf32> {
    // expected-error @+1 {{'ein.einsum' op 'A' dimension 0 (rank 'm') must have extent 4, found 8}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<8x8xf32>
    ein.yield %A : tensor<8x8xf32>
  }
  return %r : tensor<8x8xf32>
}

// -----

// The output of a recurrence over m1 has |m1| + 1 rows.
func.func @wrong_recurrence_extent(%s: tensor<256xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 256, m1: m floordiv 64, m0: m mod 64]
      ins(%S = %s : tensor<256xf32>) -> tensor<4xf32> {
    %T = ein.einsum T[m1] += (%S[m1 * 64 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<256xf32>) -> tensor<4xf32>
    // expected-error @+1 {{'ein.einsum' op 'R' dimension 0 (rank 'm1' + 1) must have extent 5, found 4}}
    %R = ein.einsum R[m1 + 1] = (%R[m1], %T[m1]) init(0.5) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.addf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ein.yield %T : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @cycle(%s: tensor<4xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4] ins(%S = %s : tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op 'A' is part of a cycle of einsums; only a recurrence may use its own result}}
    %A = ein.einsum A[m] = (%B[m], %S[m]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.addf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %B = ein.einsum B[m] = (%A[m]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4xf32>) -> tensor<4xf32>
    ein.yield %B : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// ein.einsum: parse errors
//===----------------------------------------------------------------------===//

func.func @output_offset_two(%s: tensor<4xf32>) -> tensor<6xf32> {
  %r = ein.cascade "x" ranks [m: 4] ins(%S = %s : tensor<4xf32>) -> tensor<6xf32> {
    // expected-error @+1 {{an output access must list ranks, optionally one `rank + 1`}}
    %R = ein.einsum R[m + 2] = (%R[m], %S[m]) init(0.5) {
    ^bb0(%x: f32, %y: f32):
      ein.yield %x : f32
    } : (tensor<6xf32>, tensor<4xf32>) -> tensor<6xf32>
    ein.yield %R : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}

// -----

func.func @output_expression(%s: tensor<4x8xf32>) -> tensor<2xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{an output access must list ranks, optionally one `rank + 1`}}
    %A = ein.einsum A[m floordiv 2] += (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<2xf32>
    ein.yield %A : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @unknown_rank_in_condition(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{unknown rank 'n'}}
    %A = ein.einsum A[m, p] = (%S[m, p]) where (m <= n) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @bad_relation(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{expected one of <=, <, >=, >, ==}}
    %A = ein.einsum A[m, p] = (%S[m, p]) where (m = p) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @bad_index(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{expected a rank name, an integer, `|rank|` or a parenthesized expression}}
    %A = ein.einsum A[m, p] = (%S[m, %S]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @bad_fill(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{expected floating point literal}}
    %A = ein.einsum A[m, p] = (%S[m, p]) where (m <= p) fill(minus_inf) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @two_result_types(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    // expected-error @+1 {{expected one result type}}
    } : (tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>)
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// ein.einsum: verifier
//===----------------------------------------------------------------------===//

func.func @einsum_outside_cascade(%s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'ein.einsum' op expects parent op 'ein.cascade'}}
  %A = ein.einsum A[m] = (%s[m]) {
  ^bb0(%x: f32):
    ein.yield %x : f32
  } : (tensor<4xf32>) -> tensor<4xf32>
  return %A : tensor<4xf32>
}

// -----

func.func @output_rank_count(%s: tensor<4x8xf32>) -> tensor<4x8x1xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8x1xf32> {
    // expected-error @+1 {{'ein.einsum' op 'A' is accessed with 2 ranks but its type 'tensor<4x8x1xf32>' has rank 3}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8x1xf32>
    ein.yield %A : tensor<4x8x1xf32>
  }
  return %r : tensor<4x8x1xf32>
}

// -----

func.func @integer_element(%s: tensor<4x8xi32>) -> tensor<4x8xi32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xi32>) -> tensor<4x8xi32> {
    // expected-error @+1 {{'ein.einsum' op element type must be a float type, found 'i32'}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: i32):
      ein.yield %x : i32
    } : (tensor<4x8xi32>) -> tensor<4x8xi32>
    ein.yield %A : tensor<4x8xi32>
  }
  return %r : tensor<4x8xi32>
}

// -----

func.func @output_rank_twice(%s: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %r = ein.cascade "x" ranks [m: 4] ins(%S = %s : tensor<4x4xf32>) -> tensor<4x4xf32> {
    // expected-error @+1 {{'ein.einsum' op output access of 'A' names rank 'm' twice}}
    %A = ein.einsum A[m, m] = (%S[m, m]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x4xf32>) -> tensor<4x4xf32>
    ein.yield %A : tensor<4x4xf32>
  }
  return %r : tensor<4x4xf32>
}

// -----

func.func @two_iterative_ranks(%s: tensor<4x8xf32>) -> tensor<5x9xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<5x9xf32> {
    // expected-error @+1 {{'ein.einsum' op a recurrence advances one iterative rank, 'R' advances 2}}
    %R = ein.einsum R[m + 1, p + 1] = (%R[m, p], %S[m, p]) init(0.5) {
    ^bb0(%x: f32, %y: f32):
      ein.yield %x : f32
    } : (tensor<5x9xf32>, tensor<4x8xf32>) -> tensor<5x9xf32>
    ein.yield %R : tensor<5x9xf32>
  }
  return %r : tensor<5x9xf32>
}

// -----

func.func @wrong_index_count(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{'ein.einsum' op operand #0 of type 'tensor<4x8xf32>' is accessed with 3 indices, expected 2}}
    %A = ein.einsum A[m, p] = (%S[m, p, 0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @assign_with_reduced_rank(%s: tensor<4x8xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op 'A' reads rank 'p' that its output does not index: give a reduction (+=, *=, max=, min=)}}
    %A = ein.einsum A[m] = (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @reduction_without_reduced_rank(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{'ein.einsum' op 'A' has reduction `+=` but no rank to reduce}}
    %A = ein.einsum A[m, p] += (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @max_without_reduced_rank(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{'ein.einsum' op 'A' has reduction `max=` but no rank to reduce}}
    %A = ein.einsum A[m, p] max= (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @self_use_without_recurrence(%s: tensor<4xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4] ins(%S = %s : tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op 'A' uses its own result but is not a recurrence (no output access `rank + 1`)}}
    %A = ein.einsum A[m] = (%A[m], %S[m]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.addf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @recurrence_without_init(%s: tensor<4x8xf32>) -> tensor<5x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<5x8xf32> {
    // expected-error @+1 {{'ein.einsum' op recurrence 'R' needs init(...) for its value at m = 0}}
    %R = ein.einsum R[m + 1, p] = (%R[m, p], %S[m, p]) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.maximumf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<5x8xf32>, tensor<4x8xf32>) -> tensor<5x8xf32>
    ein.yield %R : tensor<5x8xf32>
  }
  return %r : tensor<5x8xf32>
}

// -----

func.func @recurrence_reads_next(%s: tensor<4x8xf32>) -> tensor<5x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<5x8xf32> {
    // expected-error @+1 {{'ein.einsum' op recurrence 'R' must read its previous value at [m, p], found [m + 1, p]}}
    %R = ein.einsum R[m + 1, p] = (%R[m + 1, p], %S[m, p]) init(-inf) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.maximumf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<5x8xf32>, tensor<4x8xf32>) -> tensor<5x8xf32>
    ein.yield %R : tensor<5x8xf32>
  }
  return %r : tensor<5x8xf32>
}

// -----

func.func @recurrence_reads_transposed(%s: tensor<4x4xf32>) -> tensor<5x4xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 4] ins(%S = %s : tensor<4x4xf32>) -> tensor<5x4xf32> {
    // expected-error @+1 {{'ein.einsum' op recurrence 'R' must read its previous value at [m, p], found [p, m]}}
    %R = ein.einsum R[m + 1, p] = (%R[p, m], %S[m, p]) init(-inf) {
    ^bb0(%x: f32, %y: f32):
      %0 = arith.maximumf %x, %y : f32
      ein.yield %0 : f32
    } : (tensor<5x4xf32>, tensor<4x4xf32>) -> tensor<5x4xf32>
    ein.yield %R : tensor<5x4xf32>
  }
  return %r : tensor<5x4xf32>
}

// -----

func.func @map_argument_count(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{'ein.einsum' op map region has 1 arguments, expected one per operand (2)}}
    %A = ein.einsum A[m, p] = (%S[m, p], %S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @map_argument_type(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{'ein.einsum' op map region argument of type 'f16' for an operand with element type 'f32'}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f16):
      %0 = arith.extf %x : f16 to f32
      ein.yield %0 : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @map_yield_type(%s: tensor<4x8xf32>) -> tensor<4x8xf16> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf16> {
    // expected-error @+1 {{'ein.einsum' op map region must yield one 'f16'}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf16>
    ein.yield %A : tensor<4x8xf16>
  }
  return %r : tensor<4x8xf16>
}

// -----

func.func @map_yield_count(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{'ein.einsum' op the predicate a map region yields must be i1, found 'f32'}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x, %x : f32, f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @map_without_block(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{'ein.einsum' op region #0 ('map') failed to verify constraint: region with 1 blocks}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @map_two_blocks(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{'ein.einsum' op region #0 ('map') failed to verify constraint: region with 1 blocks}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    ^bb1:
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// ein.einsum: verifier (generic form)
//===----------------------------------------------------------------------===//

func.func @generic_rank_twice(%s: tensor<4xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4] ins(%S = %s : tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op rank 'm' appears twice in the iteration space}}
    %A = "ein.einsum"(%S) <{input_maps = [affine_map<(d0, d1) -> (d0)>], name = "A",
        output_map = affine_map<(d0, d1) -> (d1)>, ranks = ["m", "m"],
        reduction = #ein<reduction none>, symbols = []}> ({
    ^bb0(%x: f32):
      ein.yield %x : f32
    }) : (tensor<4xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @generic_output_map_dims(%s: tensor<4xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4] ins(%S = %s : tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op the output map must have 1 dims and 0 symbols, found 2 and 0}}
    %A = "ein.einsum"(%S) <{input_maps = [affine_map<(d0) -> (d0)>], name = "A",
        output_map = affine_map<(d0, d1) -> (d0)>, ranks = ["m"],
        reduction = #ein<reduction none>, symbols = []}> ({
    ^bb0(%x: f32):
      ein.yield %x : f32
    }) : (tensor<4xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @generic_access_map_symbols(%s: tensor<4xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4] ins(%S = %s : tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op access map #0 must have 1 dims and 0 symbols, found 1 and 1}}
    %A = "ein.einsum"(%S) <{input_maps = [affine_map<(d0)[s0] -> (d0)>], name = "A",
        output_map = affine_map<(d0) -> (d0)>, ranks = ["m"],
        reduction = #ein<reduction none>, symbols = []}> ({
    ^bb0(%x: f32):
      ein.yield %x : f32
    }) : (tensor<4xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @generic_output_expression(%s: tensor<4xf32>) -> tensor<2xf32> {
  %r = ein.cascade "x" ranks [m: 4] ins(%S = %s : tensor<4xf32>) -> tensor<2xf32> {
    // expected-error @+1 {{'ein.einsum' op output access of 'A' must list ranks, optionally one `rank + 1`}}
    %A = "ein.einsum"(%S) <{input_maps = [affine_map<(d0) -> (d0)>], name = "A",
        output_map = affine_map<(d0) -> (d0 floordiv 2)>, ranks = ["m"],
        reduction = #ein<reduction add>, symbols = []}> ({
    ^bb0(%x: f32):
      ein.yield %x : f32
    }) : (tensor<4xf32>) -> tensor<2xf32>
    ein.yield %A : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @generic_access_map_count(%s: tensor<4xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4] ins(%S = %s : tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op has 1 operands but 2 access maps}}
    %A = "ein.einsum"(%S) <{input_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
        name = "A", output_map = affine_map<(d0) -> (d0)>, ranks = ["m"],
        reduction = #ein<reduction none>, symbols = []}> ({
    ^bb0(%x: f32):
      ein.yield %x : f32
    }) : (tensor<4xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @generic_unused_rank(%s: tensor<4xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op rank 'p' is not used by any access}}
    %A = "ein.einsum"(%S) <{input_maps = [affine_map<(d0, d1) -> (d0)>], name = "A",
        output_map = affine_map<(d0, d1) -> (d0)>, ranks = ["m", "p"],
        reduction = #ein<reduction none>, symbols = []}> ({
    ^bb0(%x: f32):
      ein.yield %x : f32
    }) : (tensor<4xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @generic_condition_dims(%s: tensor<4xf32>) -> tensor<4xf32> {
  %r = ein.cascade "x" ranks [m: 4] ins(%S = %s : tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{'ein.einsum' op condition must have 1 dims and 0 symbols}}
    %A = "ein.einsum"(%S) <{condition = [affine_set<(d0, d1) : (d1 - d0 >= 0)>],
        input_maps = [affine_map<(d0) -> (d0)>], name = "A",
        output_map = affine_map<(d0) -> (d0)>, ranks = ["m"],
        reduction = #ein<reduction none>, symbols = []}> ({
    ^bb0(%x: f32):
      ein.yield %x : f32
    }) : (tensor<4xf32>) -> tensor<4xf32>
    ein.yield %A : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @yield_outside(%x: f32) {
  // expected-error @+1 {{'ein.yield' op expects parent op to be one of 'ein.cascade, ein.einsum'}}
  ein.yield %x : f32
}

// -----

func.func @product_of_ranks(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{a product of two ranks is not affine; one side must be a constant}}
    %A = ein.einsum A[m, p] = (%S[m, p]) where (m * p <= 3) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @divide_by_zero(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{the right-hand side of `floordiv` must be a positive integer}}
    %A = ein.einsum A[m, p] = (%S[m floordiv 0, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @empty_map(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{map region must yield one 'f32', optionally followed by an i1 predicate}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @negative_extent(%s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{rank 'm' has a negative extent -5}}
  %r = "ein.cascade"(%s) <{input_names = ["S"], name = "x", ranks = [#ein.rank<name = "m", extent = -5, operand = -1, dim = -1, parent = "", tile = 0, part = 0>]}> ({
  ^bb0(%S: tensor<4xf32>):
    "ein.yield"(%S) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @unbound_dynamic(%s: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{rank 'm' has a dynamic extent but is bound to no input dimension}}
  %r = "ein.cascade"(%s) <{input_names = ["S"], name = "x", ranks = [#ein.rank<name = "m", extent = -9223372036854775808, operand = -1, dim = -1, parent = "", tile = 0, part = 0>]}> ({
  ^bb0(%S: tensor<4xf32>):
    "ein.yield"(%S) : (tensor<4xf32>) -> ()
  }) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @map_yield_three(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    // expected-error @+1 {{'ein.einsum' op map region must yield one 'f32', optionally followed by an i1 predicate}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      %t = arith.constant true
      ein.yield %x, %t, %t : f32, i1, i1
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @index_of_unknown_rank(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8, q: 3] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      // expected-error @+1 {{'ein.index' op rank 'q' is not in the iteration space of 'A'}}
      %q = ein.index q
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @extent_of_unknown_rank(%s: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 8] ins(%S = %s : tensor<4x8xf32>) -> tensor<4x8xf32> {
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      // expected-error @+1 {{'ein.extent' op the cascade has no rank 'z'}}
      %z = ein.extent z
      ein.yield %x : f32
    } : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ein.yield %A : tensor<4x8xf32>
  }
  return %r : tensor<4x8xf32>
}

// -----

func.func @map_captures(%s: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 3] ins(%S = %s : tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{the map region of 'A' may only use its arguments and values it defines}}
    %A = ein.einsum A[m, p] = (%S[m, p]) {
    ^bb0(%x: f32):
      %c0 = arith.constant 0 : index
      %y = tensor.extract %S[%c0, %c0] : tensor<4x3xf32>
      %z = arith.addf %x, %y : f32
      ein.yield %z : f32
    } : (tensor<4x3xf32>) -> tensor<4x3xf32>
    ein.yield %A : tensor<4x3xf32>
  }
  return %r : tensor<4x3xf32>
}

// -----

func.func @fill_on_reduction(%s: tensor<4x3xf32>) -> tensor<3xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 3] ins(%S = %s : tensor<4x3xf32>) -> tensor<3xf32> {
    // expected-error @+1 {{fill applies to einsums without a reduction; masked points of a reduction add its identity}}
    %T = ein.einsum T[p] += (%S[m, p]) where (m <= p) fill(1.0) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x3xf32>) -> tensor<3xf32>
    ein.yield %T : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

func.func @out_of_bounds(%s: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %r = ein.cascade "x" ranks [m: 4, p: 3] ins(%S = %s : tensor<4x3xf32>) -> tensor<4x3xf32> {
    // expected-error @+1 {{reads 'S' at [m + 7, p]: index 0 takes values in [7, 10], outside the extent 4}}
    %A = ein.einsum A[m, p] = (%S[m + 7, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x3xf32>) -> tensor<4x3xf32>
    ein.yield %A : tensor<4x3xf32>
  }
  return %r : tensor<4x3xf32>
}

// -----

#one_dim = affine_set<(d0) : (d0 >= 0)>
func.func @tile_map_set_dims(%s: tensor<4x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{tile map set affine_set<(d0) : (d0 >= 0)> must have 2 dims and 0 symbols}}
  %r = ein.cascade "x" ranks [m: 4, m1: m floordiv 2, m0: m mod 2, p: 3] ins(%S = %s : tensor<4x3xf32>) -> tensor<3xf32> attributes {tiles = #ein.tile_map<rank = "m1", dims = ["p", "m1"], symbols = [], visit = [#one_dim], partial = [], inner = "", points = []>} {
    %T = ein.einsum T[p] += (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x3xf32>) -> tensor<3xf32>
    ein.yield %T : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

func.func @tile_map_rank(%s: tensor<4x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{tile map names undeclared rank "q"}}
  %r = ein.cascade "x" ranks [m: 4, m1: m floordiv 2, m0: m mod 2, p: 3] ins(%S = %s : tensor<4x3xf32>) -> tensor<3xf32> attributes {tiles = #ein.tile_map<rank = "m1", dims = ["q", "m1"], symbols = [], visit = [], partial = [], inner = "", points = []>} {
    %T = ein.einsum T[p] += (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x3xf32>) -> tensor<3xf32>
    ein.yield %T : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

func.func @tile_map_iter_not_dim(%s: tensor<4x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{tile map's rank 'm1' is not one of its dims}}
  %r = ein.cascade "x" ranks [m: 4, m1: m floordiv 2, m0: m mod 2, p: 3] ins(%S = %s : tensor<4x3xf32>) -> tensor<3xf32> attributes {tiles = #ein.tile_map<rank = "m1", dims = ["p"], symbols = [], visit = [], partial = [], inner = "", points = []>} {
    %T = ein.einsum T[p] += (%S[m, p]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<4x3xf32>) -> tensor<3xf32>
    ein.yield %T : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

// The run-time classes of a tile map name an einsum of the cascade...
func.func @tile_classes_missing(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{tile map's classes name no einsum: "TILE"}}
  %r = ein.cascade "sum" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> attributes {tiles = #ein.tile_map<rank = "m1", dims = ["m1"], symbols = [], visit = [], partial = [], inner = "", points = [], classes = "TILE">} {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x10xf32>) -> tensor<3x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %0 = arith.addf %r, %l : f32
      ein.yield %0 : f32
    } : (tensor<4x6xf32>, tensor<3x6xf32>) -> tensor<4x6xf32>
    %O = ein.einsum O[p] = (%R[|m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<4x6xf32>) -> tensor<6xf32>
    ein.yield %O : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}

// -----

// ... that is a plain einsum over the map's rank: one value per tile.
func.func @tile_classes_not_per_tile(%a: tensor<6x10xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{tile map's classes 'O' must be a plain einsum over the rank 'm1'}}
  %r = ein.cascade "sum" ranks [m: 10, m1: m floordiv 4, m0: m mod 4, p: 6] ins(%A = %a : tensor<6x10xf32>) -> tensor<6xf32> attributes {tiles = #ein.tile_map<rank = "m1", dims = ["m1"], symbols = [], visit = [], partial = [], inner = "", points = [], classes = "O">} {
    %L = ein.einsum L[m1, p] += (%A[p, m1 * 4 + m0]) {
    ^bb0(%x: f32):
      ein.yield %x : f32
    } : (tensor<6x10xf32>) -> tensor<3x6xf32>
    %R = ein.einsum R[m1 + 1, p] = (%R[m1, p], %L[m1, p]) init(0.0) {
    ^bb0(%r: f32, %l: f32):
      %0 = arith.addf %r, %l : f32
      ein.yield %0 : f32
    } : (tensor<4x6xf32>, tensor<3x6xf32>) -> tensor<4x6xf32>
    %O = ein.einsum O[p] = (%R[|m1|, p]) {
    ^bb0(%r: f32):
      ein.yield %r : f32
    } : (tensor<4x6xf32>) -> tensor<6xf32>
    ein.yield %O : tensor<6xf32>
  }
  return %r : tensor<6xf32>
}
