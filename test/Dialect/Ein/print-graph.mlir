// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-print-graph -o /dev/null | FileCheck %s --check-prefix=THREE
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division "--ein-one-pass=rank=m tile=16" --ein-print-graph -o /dev/null | FileCheck %s --check-prefix=ONE
// RUN: cascade-opt %s --split-input-file --attn-decompose --ein-defer-division "--ein-one-pass=rank=m tile=32" "--ein-tile-parallel=rank=p tile=16" --ein-sparsify --ein-print-graph -o /dev/null --verify-diagnostics | FileCheck %s --check-prefix=TILES

// The pass leaves the IR as it is. With output=FILE the graph goes to the
// file, rewritten by each module: with --split-input-file it holds the
// last one's graph.
// RUN: cascade-opt %s --split-input-file --attn-decompose > %t.before.mlir
// RUN: cascade-opt %s --split-input-file --attn-decompose "--ein-print-graph=output=%t.dot" > %t.after.mlir
// RUN: diff %t.before.mlir %t.after.mlir
// RUN: FileCheck %s --check-prefix=FILE < %t.dot
// FILE: digraph "module" {
// FILE-NOT: @causal
// FILE: label="cascade 'attention' in @doc_ids: 3 passes over m, 1 pass over e\l";

// ein-print-graph on softmax attention, causal: the cluster of the cascade
// is labelled with the pass counts of ein-count-passes; inputs are ellipses,
// einsums boxes labelled with their formulas (DOT's `<` escaped), the
// result has a double border, and each tensor is an edge from its producer
// to each of its readers.

// THREE-LABEL: digraph "module" {
// THREE-NEXT:    compound=true;
// THREE:         node [shape=box, fontname="Courier"];
// THREE:         subgraph "cluster_0" {
// THREE-NEXT:      label="cascade 'attention' in @causal: 3 passes over m, 1 pass over e\l";
// THREE-NEXT:      "c0_in0" [shape=ellipse, label="Q\ltensor\<2x4x48x16xf32\>\l"];
// THREE-NEXT:      "c0_in1" [shape=ellipse, label="K\ltensor\<2x2x48x16xf32\>\l"];
// THREE-NEXT:      "c0_in2" [shape=ellipse, label="V\ltensor\<2x2x48x16xf32\>\l"];
// THREE-NEXT:      "c0_e0" [label="QK[b, h, m, p] += Q[b, h, p, e] * 0.25 * K[b, h floordiv 2, m, e]\lwhere (m \<= p)\l"];
// THREE-NEXT:      "c0_e1" [label="GM[b, h, p] max= QK[b, h, m, p]\lwhere (m \<= p)\l"];
// THREE-NEXT:      "c0_e2" [label="SN[b, h, m, p] = exp(QK[b, h, m, p] - GM[b, h, p])\lwhere (m \<= p)\l"];
// THREE-NEXT:      "c0_e3" [label="SD[b, h, p] += SN[b, h, m, p]\lwhere (m \<= p)\l"];
// THREE-NEXT:      "c0_e4" [label="A[b, h, m, p] = SN[b, h, m, p] / SD[b, h, p]\lwhere (m \<= p)\l"];
// THREE-NEXT:      "c0_e5" [label="AV[b, h, p, f] += A[b, h, m, p] * V[b, h floordiv 2, m, f]\lwhere (m \<= p)\lresult #0\l", peripheries=2];
// THREE-NEXT:      "c0_in0" -> "c0_e0" [label="Q"];
// THREE-NEXT:      "c0_in1" -> "c0_e0" [label="K"];
// THREE-NEXT:      "c0_e0" -> "c0_e1" [label="QK"];
// THREE-NEXT:      "c0_e0" -> "c0_e2" [label="QK"];
// THREE-NEXT:      "c0_e1" -> "c0_e2" [label="GM"];
// THREE-NEXT:      "c0_e2" -> "c0_e3" [label="SN"];
// THREE-NEXT:      "c0_e2" -> "c0_e4" [label="SN"];
// THREE-NEXT:      "c0_e3" -> "c0_e4" [label="SD"];
// THREE-NEXT:      "c0_e4" -> "c0_e5" [label="A"];
// THREE-NEXT:      "c0_in2" -> "c0_e5" [label="V"];
// THREE-NEXT:    }
// THREE-NEXT:  }
// No iterative rank: no loop cluster, no recurrence.
// THREE-NOT:   iterative rank
// THREE-NOT:   running

// The one-pass form: the einsums of the loop over the key tiles m1 in a
// cluster of their own; the running max, denominator and numerator bold,
// each with a self-loop saying what it carries; the division after the
// loop reads their final values at |m1|.

// ONE-LABEL: digraph "module" {
// ONE:         label="cascade 'attention' in @causal: 1 pass over e, 1 pass over m\l";
// ONE:         subgraph "cluster_0_m1" {
// ONE-NEXT:      label="iterative rank m1";
// ONE-NEXT:      style=dashed;
// ONE-NEXT:      "c0_e0" [label="BQK[b, h, m1, m0, p] += Q[b, h, p, e] * 0.25 * K[b, h floordiv 2, m1 * 16 + m0, e]\lwhere (m1 * 16 + m0 \<= p)\l"];
// ONE-NEXT:      "c0_e1" [label="LM[b, h, m1, p] max= BQK[b, h, m1, m0, p]\lwhere (m1 * 16 + m0 \<= p)\l"];
// ONE-NEXT:      "c0_e2" [label="RM[b, h, m1 + 1, p] = max(RM[b, h, m1, p], LM[b, h, m1, p])\linit(-inf)\l", style=bold];
// ONE-NEXT:      "c0_e3" [label="PRM[b, h, m1, p] = RM[b, h, m1 + 1, p] == -inf ? 0 : exp(RM[b, h, m1, p] - RM[b, h, m1 + 1, p])\l"];
// ONE-NEXT:      "c0_e4" [label="SLN[b, h, m1, m0, p] = exp(BQK[b, h, m1, m0, p] - RM[b, h, m1 + 1, p])\lwhere (m1 * 16 + m0 \<= p)\l"];
// ONE-NEXT:      "c0_e5" [label="SLD[b, h, m1, p] += SLN[b, h, m1, m0, p]\lwhere (m1 * 16 + m0 \<= p)\l"];
// ONE-NEXT:      "c0_e6" [label="RD[b, h, m1 + 1, p] = RD[b, h, m1, p] * PRM[b, h, m1, p] + SLD[b, h, m1, p]\linit(0)\l", style=bold];
// ONE-NEXT:      "c0_e7" [label="SLNV[b, h, f, m1, p] += SLN[b, h, m1, m0, p] * V[b, h floordiv 2, m1 * 16 + m0, f]\lwhere (m1 * 16 + m0 \<= p)\l"];
// ONE-NEXT:      "c0_e8" [label="RNV[b, h, f, m1 + 1, p] = RNV[b, h, f, m1, p] * PRM[b, h, m1, p] + SLNV[b, h, f, m1, p]\linit(0)\l", style=bold];
// ONE-NEXT:    }
// ONE-NEXT:    "c0_e9" [label="AV[b, h, p, f] = RD[b, h, \|m1\|, p] == 0 ? 0 : RNV[b, h, f, \|m1\|, p] / RD[b, h, \|m1\|, p]\lresult #0\l", peripheries=2];
// ONE-DAG:     "c0_e2" -> "c0_e2" [label="RM: running max over m1, init(-inf)", style=bold];
// ONE-DAG:     "c0_e1" -> "c0_e2" [label="LM"];
// ONE-DAG:     "c0_e6" -> "c0_e6" [label="RD: rescaled running sum over m1, init(0)", style=bold];
// ONE-DAG:     "c0_e3" -> "c0_e6" [label="PRM"];
// ONE-DAG:     "c0_e8" -> "c0_e8" [label="RNV: rescaled running sum over m1, init(0)", style=bold];
// ONE-DAG:     "c0_e7" -> "c0_e8" [label="SLNV"];
// ONE-DAG:     "c0_e8" -> "c0_e9" [label="RNV"];
// ONE-DAG:     "c0_e6" -> "c0_e9" [label="RD"];
// ONE:       }
// ONE-NEXT:  }

// With query tiles and ein-sparsify, the label also counts the tile classes,
// the same numbers as ein-sparsify's remark.
// TILES-LABEL: digraph "module" {
// TILES:         label="cascade 'attention' in @causal: 1 pass over e, 1 pass over m\ltiles: 2 empty, 1 full, 3 partial (over p1, m1)\l";

func.func @causal(%q: tensor<2x4x48x16xf32>, %k: tensor<2x2x48x16xf32>, %v: tensor<2x2x48x16xf32>) -> tensor<2x4x48x16xf32> {
  // expected-remark @below {{cascade 'attention': tiles: 2 empty, 1 full, 3 partial (over p1, m1)}}
  %o = attn.attention %q, %k, %v {causal = #attn.causal<top_left>} : tensor<2x4x48x16xf32>, tensor<2x2x48x16xf32>, tensor<2x2x48x16xf32> -> tensor<2x4x48x16xf32>
  return %o : tensor<2x4x48x16xf32>
}

// -----

// Document ids: the predicate prints as the einsums' `if` line; after
// ein-sparsify the tiles the causal condition leaves are classified at run
// time by the einsum TILE, which the label names with its ranks.

// THREE-LABEL: digraph "module" {
// THREE:         label="cascade 'attention' in @doc_ids: 3 passes over m, 1 pass over e\l";
// THREE:         "c0_in3" [shape=ellipse, label="QDOC\ltensor\<2x100xi32\>\l"];
// THREE:         "c0_e0" [label="QK[b, h, m, p] += Q[b, h, p, e] * 0.25 * K[b, h floordiv 2, m, e]\lwhere (m \<= p)\lif QDOC[b, p] == KDOC[b, m]\l"];
// THREE:         "c0_in3" -> "c0_e0" [label="QDOC"];

// TILES-LABEL: digraph "module" {
// TILES:         label="cascade 'attention' in @doc_ids: 1 pass over e, 1 pass over m\ltiles: 12 empty, 9 full, 7 partial (over p1, m1), then classified at run time by 'TILE' (over b, h, p1, m1)\l";
// TILES:         subgraph "cluster_0_m1" {
// TILES:           "c0_e0" [label="BQK[b, h, m1, m0, p1, p0] += Q[b, h, p1 * 16 + p0, e] * 0.25 * K[b, h floordiv 2, m1 * 32 + m0, e]\lwhere (m1 * 32 + m0 \<= p1 * 16 + p0)\lif QDOC[b, p1 * 16 + p0] == KDOC[b, m1 * 32 + m0]\l"];
// TILES:           "[[TILE:c0_e[0-9]+]]" [label="TILE[b, h, p1, m1] = a map of {{[0-9]+}} operations of QDOCLO[b, h, p1], QDOCHI[b, h, p1], KDOCLO[b, h, p1, m1], KDOCHI[b, h, p1, m1]\l"];
// TILES:         }
// TILES:         "{{c0_e[0-9]+}}" -> "[[TILE]]" [label="KDOCHI"];

func.func @doc_ids(%q: tensor<2x4x100x16xf32>, %k: tensor<2x2x100x16xf32>, %v: tensor<2x2x100x16xf32>, %qd: tensor<2x100xi32>, %kd: tensor<2x100xi32>) -> tensor<2x4x100x16xf32> {
  // expected-remark @below {{cascade 'attention': tiles: 12 empty, 9 full, 7 partial (over p1, m1), then classified at run time by 'TILE' from QDOC, KDOC (over b, h, p1, m1)}}
  %o = attn.attention %q, %k, %v q_doc_ids(%qd : tensor<2x100xi32>) k_doc_ids(%kd : tensor<2x100xi32>) {causal = #attn.causal<top_left>}
      : tensor<2x4x100x16xf32>, tensor<2x2x100x16xf32>, tensor<2x2x100x16xf32> -> tensor<2x4x100x16xf32>
  return %o : tensor<2x4x100x16xf32>
}
