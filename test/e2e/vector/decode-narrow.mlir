// Decode tiles whose query rows do not fill a vector (here the G = 4 query
// heads of a group): ein-pack lays the scores out with the keys innermost
// and the weighted values with Dv innermost, Q K^T runs as dot products
// along D (a tree of shuffles per block of keys), and the K and V tiles are
// prefetched a tile ahead. Against the fp64 reference: B = 2, M = 1000 keys
// (tiles of 64 and of 24: partial last tiles and blocks), D = 80 and
// Dv = 72 (a masked last vector along each), vectors of 16, 8 and 4, 1 and 2
// threads giving identical bytes (unsplit), the keys split in 2 (chosen for
// 2 threads) and 3 parts.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: cascade-run %s --check --remarks --threads 1 --split-kv 1 --output-dir %t/t1 2>&1 | FileCheck %s --check-prefixes=CHECK,LAYOUT
// RUN: cascade-run %s --check --threads 2 --split-kv 1 --output-dir %t/t2 | FileCheck %s
// RUN: cascade-run %s --check --threads 2 | FileCheck %s
// RUN: cmp %t/t1/result0.npy %t/t2/result0.npy
// RUN: cascade-run %s --check --tile-m 24 | FileCheck %s
// RUN: cascade-run %s --check --split-kv 3 | FileCheck %s
// RUN: cascade-run %s --check --vector-width 8 | FileCheck %s
// RUN: cascade-run %s --check --remarks --vector-width 4 2>&1 | FileCheck %s --check-prefixes=WIDTH4,CHECK

// With vectors of 4 lanes, the 4 query rows fill a vector: nothing moves.
// WIDTH4-NOT: laid out with
// LAYOUT: remark: cascade 'attention': 4 einsums laid out with 'm0' and 'f' innermost instead of 'p0' (fewer than 16 points)
// CHECK: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
func.func @gqa(%q: tensor<2x12x1x80xf32>, %k: tensor<2x3x1000x80xf32>,
               %v: tensor<2x3x1000x72xf32>) -> tensor<2x12x1x72xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<2x12x1x80xf32>, tensor<2x3x1000x80xf32>, tensor<2x3x1000x72xf32>
      -> tensor<2x12x1x72xf32>
  return %o : tensor<2x12x1x72xf32>
}
