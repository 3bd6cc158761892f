// RUN: cascade-opt %s --cascade-cpu="bf16-dot=1 vector-width=16" --mlir-print-ir-after=ein-pack 2>&1 | FileCheck %s
// RUN: cascade-opt %s --cascade-cpu="bf16-dot=0 vector-width=16" --mlir-print-ir-after=ein-pack 2>&1 | FileCheck %s --check-prefix=F32
// RUN: cascade-opt %s --cascade-cpu="bf16-dot=1 vector-width=8" | FileCheck %s --check-prefix=F32
// RUN: cascade-opt %s --cascade-cpu="bf16-dot=1 vector-width=16" --mlir-print-ir-after=ein-tile-parallel 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=TILES
// RUN: cascade-opt %s --cascade-cpu="bf16-dot=1 vector-width=16 tile-m=16 tile-n=8" --mlir-print-ir-after=ein-tile-parallel 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=GIVEN
// RUN: cascade-opt %s --cascade-cpu="bf16-dot=0 tile-m=16 bf16-tile-m=24" --mlir-print-ir-after=ein-tile-parallel 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=OWN

// bf16 attention with bf16-dot: Q is packed as bf16 (ein-pack keep-narrow)
// and both contractions of the key loop become AVX512-BF16 dot products,
// which the LLVM lowering calls as the intrinsic.
// CHECK:       %QP = ein.einsum QP[b, h, p1, e, p0] = (%Q[b, h, p1 * 20 + p0, e]) {
// CHECK-NEXT:  ^bb0(%{{.+}}: bf16):
// CHECK-NEXT:    ein.yield %{{.+}} : bf16
// CHECK:       llvm.call_intrinsic "llvm.x86.avx512bf16.dpbf16ps.512"
// CHECK-SAME:    (vector<16xf32>, vector<32xbf16>, vector<32xbf16>) -> vector<16xf32>

// bf16 attention with the dot products has tiles of its own, 128 keys and
// 64 queries (here clipped to the 20 queries); a tile-m or tile-n given
// applies to it too, unless bf16-tile-m or bf16-tile-n is given.
// TILES: ein.cascade "attention" ranks [{{.*}}m1: m floordiv 128, m0: m mod 128, p: 20, p1: p floordiv 20, p0: p mod 20]
// GIVEN: ein.cascade "attention" ranks [{{.*}}m1: m floordiv 16, m0: m mod 16, p: 20, p1: p floordiv 8, p0: p mod 8]
// OWN: ein.cascade "attention" ranks [{{.*}}m1: m floordiv 24, m0: m mod 24,

// Without it (bf16-dot=0, or vectors of 8 floats, which vdpbf16ps on 512 bits
// does not fill), Q is packed in f32 with the scale and the contractions run
// on f32 vectors.
// F32-NOT:     llvm.x86.avx512bf16
// F32:         llvm.func @_mlir_ciface_attention
// F32-NOT:     llvm.x86.avx512bf16
func.func @attention(%q: tensor<1x2x20x40xbf16>, %k: tensor<1x2x33x40xbf16>, %v: tensor<1x2x33x40xbf16>) -> tensor<1x2x20x40xbf16> {
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<1x2x20x40xbf16>, tensor<1x2x33x40xbf16>, tensor<1x2x33x40xbf16> -> tensor<1x2x20x40xbf16>
  return %o : tensor<1x2x20x40xbf16>
}
