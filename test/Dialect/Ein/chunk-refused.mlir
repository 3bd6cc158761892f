// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-reassociate=chunk=16 -verify-diagnostics | FileCheck %s
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-reassociate=chunk=0 2>/dev/null | FileCheck %s --check-prefix=OFF

// Where chunking does not apply, the causal chain stays quadratic (one pass
// over m, partitioned later), and a remark says why.

// With chunk=0 nothing is chunked.
// OFF-NOT: p floordiv

// Fewer keys than queries: a chunk would read keys that do not exist.
// CHECK-LABEL: func.func @few_keys
// CHECK: %AV = ein.einsum AV[b, h, p, f] += (%QK[b, h, m, p], %V[b, h, m, f]) where (m <= p)
func.func @few_keys(%q: tensor<1x2x70x16xf32>, %k: tensor<1x2x37x16xf32>, %v: tensor<1x2x37x8xf32>) -> tensor<1x2x70x8xf32> {
  // expected-remark @+1 {{ein-reassociate: keeping causal 'AV' quadratic: chunking needs at least as many 'm' as 'p' (37 < 70)}}
  %o = attn.linear_attention %q, %k, %v {causal} : tensor<1x2x70x16xf32>, tensor<1x2x37x16xf32>, tensor<1x2x37x8xf32> -> tensor<1x2x70x8xf32>
  return %o : tensor<1x2x70x8xf32>
}

// -----

// Dynamic sequence lengths: the rewrite needs static extents.
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: p1
func.func @dynamic(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  // expected-remark @+1 {{ein-reassociate: keeping causal 'AV' quadratic: chunking needs static extents of 'p' and 'm'}}
  %o = attn.linear_attention %q, %k, %v {causal} : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32> -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// Short sequences: in chunks the state would cost more than the triangle it
// saves.
// CHECK-LABEL: func.func @short
// CHECK-NOT: p1
func.func @short(%q: tensor<1x2x20x16xf32>, %k: tensor<1x2x20x16xf32>, %v: tensor<1x2x20x8xf32>) -> tensor<1x2x20x8xf32> {
  // expected-remark @+1 {{ein-reassociate: keeping causal 'AV' quadratic: in chunks of 16 it would take 8624 multiply-adds per head instead of 5040}}
  %o = attn.linear_attention %q, %k, %v {causal} : tensor<1x2x20x16xf32>, tensor<1x2x20x16xf32>, tensor<1x2x20x8xf32> -> tensor<1x2x20x8xf32>
  return %o : tensor<1x2x20x8xf32>
}

// -----

// A sum that is not linear in the product (exp of the weights): no chain.
// CHECK-LABEL: func.func @not_linear
// CHECK: %AV = ein.einsum AV[p, f] += (%QK[m, p], %V[m, f]) where (m <= p)
func.func @not_linear(%q: tensor<40x4xf32>, %k: tensor<40x4xf32>, %v: tensor<40x4xf32>) -> tensor<40x4xf32> {
  %0 = ein.cascade "nonlinear" ranks [e: 4, f: 4, m: 40, p: 40]
      ins(%Q = %q : tensor<40x4xf32>, %K = %k : tensor<40x4xf32>, %V = %v : tensor<40x4xf32>) -> tensor<40x4xf32> {
    %QK = ein.einsum QK[m, p] += (%Q[p, e], %K[m, e]) where (m <= p) {
    ^bb0(%a: f32, %b: f32):
      %1 = arith.mulf %a, %b : f32
      ein.yield %1 : f32
    } : (tensor<40x4xf32>, tensor<40x4xf32>) -> tensor<40x40xf32>
    // expected-remark @+1 {{ein-reassociate: keeping causal 'AV' quadratic: it is not linear in 'QK'}}
    %AV = ein.einsum AV[p, f] += (%QK[m, p], %V[m, f]) where (m <= p) {
    ^bb0(%w: f32, %x: f32):
      %1 = math.exp %w : f32
      %2 = arith.mulf %1, %x : f32
      ein.yield %2 : f32
    } : (tensor<40x40xf32>, tensor<40x4xf32>) -> tensor<40x4xf32>
    ein.yield %AV : tensor<40x4xf32>
  }
  return %0 : tensor<40x4xf32>
}

// -----

// A factor of p and m that is not a power of their distance (here 1 / (1 +
// p - m)) does not factor at the chunk boundary: not a chain, no rewrite.
// CHECK-LABEL: func.func @not_geometric
// CHECK: %W = ein.einsum W[m, p]
// CHECK-NOT: p1
func.func @not_geometric(%q: tensor<40x4xf32>, %k: tensor<40x4xf32>, %v: tensor<40x4xf32>) -> tensor<40x4xf32> {
  %0 = ein.cascade "harmonic" ranks [e: 4, f: 4, m: 40, p: 40]
      ins(%Q = %q : tensor<40x4xf32>, %K = %k : tensor<40x4xf32>, %V = %v : tensor<40x4xf32>) -> tensor<40x4xf32> {
    %QK = ein.einsum QK[m, p] += (%Q[p, e], %K[m, e]) where (m <= p) {
    ^bb0(%a: f32, %b: f32):
      %1 = arith.mulf %a, %b : f32
      ein.yield %1 : f32
    } : (tensor<40x4xf32>, tensor<40x4xf32>) -> tensor<40x40xf32>
    %W = ein.einsum W[m, p] = (%QK[m, p]) where (m <= p) {
    ^bb0(%a: f32):
      %p = ein.index p
      %m = ein.index m
      %d = arith.subi %p, %m : index
      %i = arith.index_cast %d : index to i64
      %f = arith.sitofp %i : i64 to f32
      %one = arith.constant 1.0 : f32
      %n = arith.addf %f, %one : f32
      %r = arith.divf %a, %n : f32
      ein.yield %r : f32
    } : (tensor<40x40xf32>) -> tensor<40x40xf32>
    %AV = ein.einsum AV[p, f] += (%W[m, p], %V[m, f]) where (m <= p) {
    ^bb0(%w: f32, %x: f32):
      %1 = arith.mulf %w, %x : f32
      ein.yield %1 : f32
    } : (tensor<40x40xf32>, tensor<40x4xf32>) -> tensor<40x4xf32>
    ein.yield %AV : tensor<40x4xf32>
  }
  return %0 : tensor<40x4xf32>
}
