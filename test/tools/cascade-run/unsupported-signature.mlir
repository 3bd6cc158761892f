// Functions cascade-run cannot feed: a dynamically shaped tensor argument or
// result, an unranked tensor, a scalar argument, an element type with no .npy
// form. Each is refused before compiling, naming the argument or result.
//
// RUN: not cascade-run %s --entry dynamic_arg 2>&1 | FileCheck %s --check-prefix=DYN-ARG
// DYN-ARG: cascade-run: error: argument 'q' of @dynamic_arg has type tensor<1x2x?x4xf32>; cascade-run needs statically shaped tensors
//
// The error comes before the inputs are read, so an input file does not help.
// RUN: not cascade-run %s --entry dynamic_arg --input q=%t.missing.npy 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DYN-ARG
//
// RUN: not cascade-run %s --entry dynamic_result 2>&1 | FileCheck %s --check-prefix=DYN-RESULT
// DYN-RESULT: cascade-run: error: result 'result0' of @dynamic_result has type tensor<1x2x?x4xf32>; cascade-run needs statically shaped tensors
//
// RUN: not cascade-run %s --entry unranked 2>&1 | FileCheck %s --check-prefix=UNRANKED
// UNRANKED: cascade-run: error: argument 'x' of @unranked has type tensor<*xf32>; cascade-run needs statically shaped tensors
//
// RUN: not cascade-run %s --entry scalar 2>&1 | FileCheck %s --check-prefix=SCALAR
// SCALAR: cascade-run: error: argument 's' of @scalar has type f32; cascade-run needs statically shaped tensors
//
// RUN: not cascade-run %s --entry i16 2>&1 | FileCheck %s --check-prefix=I16
// I16: cascade-run: error: argument 'x' of @i16 has element type i16, which cascade-run cannot read or write as .npy

func.func @dynamic_arg(%q: tensor<1x2x?x4xf32>, %k: tensor<1x1x5x4xf32>,
                       %v: tensor<1x1x5x4xf32>) -> tensor<1x2x?x4xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x?x4xf32>, tensor<1x1x5x4xf32>, tensor<1x1x5x4xf32>
      -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

func.func @dynamic_result(%q: tensor<1x2x3x4xf32>, %k: tensor<1x1x5x4xf32>,
                          %v: tensor<1x1x5x4xf32>) -> tensor<1x2x?x4xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<1x2x3x4xf32>, tensor<1x1x5x4xf32>, tensor<1x1x5x4xf32>
      -> tensor<1x2x3x4xf32>
  %d = tensor.cast %o : tensor<1x2x3x4xf32> to tensor<1x2x?x4xf32>
  return %d : tensor<1x2x?x4xf32>
}

func.func @unranked(%x: tensor<*xf32>) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}

func.func @scalar(%x: tensor<4xf32>, %s: f32) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

func.func @i16(%x: tensor<4xi16>) -> tensor<4xi16> {
  return %x : tensor<4xi16>
}
