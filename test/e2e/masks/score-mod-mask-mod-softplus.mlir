// score_mod and mask_mod together, softplus normalizer, top-left causality,
// N > M: the score of head h is scaled by (h + 1) / 2 and every head but head
// 0 drops the keys with kv % 3 == 0.
//
// Shapes: B = 2, Hq = 4, Hkv = 2 (GQA), N = 70, M = 37, D = 16, Dv = 8; neither
// N nor M is a multiple of the key tile; each function runs at the default tile
// (64) and at --tile-m=16 and is compared with the fp64 reference (--check).
//
// RUN: rm -rf %t
// RUN: cascade-run %s --check \
// RUN:     --output-dir %t/attention | FileCheck %s
// RUN: cascade-run %s --check \
// RUN:     --tile-m=16 --output-dir %t/attention-tile16 | FileCheck %s

// CHECK: wrote {{.*}}result0.npy
// CHECK-NEXT: check result0: max abs error {{([0-9]\.[0-9]+e-(0[6-9]|[1-9][0-9])|0\.0+e\+00)}}, max rel error {{.*}} -> ok{{$}}
// CHECK-NOT: check

func.func @attention(%q: tensor<2x4x70x16xf32>, %k: tensor<2x2x37x16xf32>,
                     %v: tensor<2x2x37x8xf32>) -> tensor<2x4x70x8xf32> {
  %o = attn.attention %q, %k, %v
      {normalizer = #attn.normalizer<softplus>, causal = #attn.causal<top_left>}
      : tensor<2x4x70x16xf32>, tensor<2x2x37x16xf32>, tensor<2x2x37x8xf32>
      -> tensor<2x4x70x8xf32>
  score_mod {
  ^bb0(%s: f32, %b: index, %h: index, %qi: index, %kv: index):
    %c1 = arith.constant 1 : index
    %h1 = arith.addi %h, %c1 : index
    %hi = arith.index_cast %h1 : index to i64
    %hf = arith.sitofp %hi : i64 to f32
    %c = arith.constant 0.5 : f32
    %w = arith.mulf %hf, %c : f32
    %r = arith.mulf %s, %w : f32
    attn.yield %r : f32
  } mask_mod {
  ^bb0(%b: index, %h: index, %qi: index, %kv: index):
    %c0 = arith.constant 0 : index
    %c3 = arith.constant 3 : index
    %r = arith.remui %kv, %c3 : index
    %keep = arith.cmpi ne, %r, %c0 : index
    %h0 = arith.cmpi eq, %h, %c0 : index
    %any = arith.ori %keep, %h0 : i1
    attn.yield %any : i1
  }
  return %o : tensor<2x4x70x8xf32>
}
