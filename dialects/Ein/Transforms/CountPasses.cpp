//===- CountPasses.cpp - FuseMax's pass-count analysis --------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

namespace cascade::ein {
#define GEN_PASS_DEF_EINCOUNTPASSES
#include "dialects/Ein/Transforms/Passes.h.inc"
} // namespace cascade::ein

using namespace mlir;
using namespace cascade::ein;

namespace {
/// Pass numbers over one rank `outer` (the rank itself, or the outer part of
/// it when it is partitioned).
struct PassCounter {
  std::string outer;
  DenseMap<Operation *, int64_t> passMemo, doneMemo;

  bool iterates(EinsumOp e) { return e.rankIndex(outer) >= 0; }
  bool reduces(EinsumOp e) {
    int64_t i = e.rankIndex(outer);
    return i >= 0 && e.isReducedDim(i);
  }
  /// The pass an einsum iterating `outer` runs in (1-based).
  int64_t passOf(EinsumOp e) {
    auto it = passMemo.find(e);
    if (it != passMemo.end())
      return it->second;
    passMemo[e] = 1; // guards against cycles, which the verifier rejects
    int64_t p = 1;
    for (Value v : e.getInputs()) {
      auto x = v.getDefiningOp<EinsumOp>();
      if (!x || x == e)
        continue;
      if (iterates(x))
        p = std::max(p, reduces(x) ? passOf(x) + 1 : passOf(x));
      else
        p = std::max(p, doneOf(x) + 1);
    }
    return passMemo[e] = p;
  }
  /// How many passes must be complete before `x` is fully available.
  int64_t doneOf(EinsumOp x) {
    if (iterates(x))
      return passOf(x);
    auto it = doneMemo.find(x);
    if (it != doneMemo.end())
      return it->second;
    doneMemo[x] = 0;
    int64_t d = 0;
    for (Value v : x.getInputs())
      if (auto y = v.getDefiningOp<EinsumOp>(); y && y != x)
        d = std::max(d, doneOf(y));
    return doneMemo[x] = d;
  }
};
} // namespace

/// Elements of `e`'s result, leaving out `skipRank`; -1 if dynamic.
static int64_t elementsOf(CascadeOp cascade, EinsumOp e, StringRef skipRank) {
  int64_t n = 1;
  for (unsigned i = 0; i < e.getOutputMap().getNumResults(); ++i) {
    StringRef r = e.getRankName(e.getOutputDim(i));
    if (r == skipRank)
      continue;
    int64_t ext = cascade.staticExtent(r);
    if (ShapedType::isDynamic(ext))
      return -1;
    n *= ext;
  }
  return n;
}

SmallVector<RankPassCount> cascade::ein::countPasses(CascadeOp cascade) {
  SmallVector<RankPassCount> counts;
  auto einsums = llvm::to_vector(cascade.getBodyBlock().getOps<EinsumOp>());
  for (Attribute a : cascade.getRanks()) {
    auto rank = cast<RankAttr>(a);
    if (rank.isPartition())
      continue;
    StringRef name = rank.getName().getValue();
    // The rank whose traversals are counted: the outer part if partitioned.
    std::string outer = name.str();
    for (Attribute b : cascade.getRanks()) {
      auto part = cast<RankAttr>(b);
      if (part.isOuterPart() && part.getParent().getValue() == name)
        outer = part.getName().getValue().str();
    }
    PassCounter pc;
    pc.outer = outer;
    bool relevant = false;
    for (EinsumOp e : einsums)
      relevant |=
          pc.reduces(e) ||
          (e.isRecurrence() && e.getRankName(e.getIterativeDim()) == outer);
    if (!relevant)
      continue;

    RankPassCount rc;
    rc.rank = name.str();
    for (EinsumOp e : einsums) {
      if (!pc.iterates(e))
        continue;
      int64_t p = pc.passOf(e);
      rc.passes = std::max(rc.passes, p);
      // State a recurrence carries from one iteration to the next.
      if (e.isRecurrence() && e.getRankName(e.getIterativeDim()) == outer) {
        int64_t n = elementsOf(cascade, e, outer);
        rc.footprint = (n < 0 || rc.footprint < 0) ? -1 : rc.footprint + n;
        rc.liveTensors.push_back(e.getName().str());
        continue;
      }
      // A tensor indexed by the rank that a later pass reads is kept whole.
      if (pc.reduces(e))
        continue;
      bool laterUse = false;
      for (Operation *user : e->getUsers())
        if (auto c = dyn_cast<EinsumOp>(user); c && c != e && pc.iterates(c))
          laterUse |= pc.passOf(c) > p;
      if (laterUse) {
        int64_t n = elementsOf(cascade, e, "");
        rc.footprint = (n < 0 || rc.footprint < 0) ? -1 : rc.footprint + n;
        rc.liveTensors.push_back(e.getName().str());
      }
    }
    counts.push_back(rc);
  }
  return counts;
}

namespace {
struct EinCountPassesPass
    : cascade::ein::impl::EinCountPassesBase<EinCountPassesPass> {
  void runOnOperation() override {
    getOperation()->walk([&](CascadeOp cascade) {
      SmallVector<RankPassCount> counts = countPasses(cascade);
      Builder b(&getContext());
      SmallVector<NamedAttribute> attrs;
      std::string text;
      llvm::raw_string_ostream os(text);
      os << "cascade '" << cascade.getName() << "': ";
      llvm::interleave(
          counts, os,
          [&](const RankPassCount &rc) {
            os << rc.passes << (rc.passes == 1 ? " pass" : " passes")
               << " over " << rc.rank << " (live footprint ";
            if (rc.footprint < 0)
              os << "dynamic";
            else
              os << rc.footprint << " elements";
            if (!rc.liveTensors.empty()) {
              os << ": ";
              llvm::interleaveComma(rc.liveTensors, os);
            }
            os << ")";
            attrs.push_back(
                b.getNamedAttr(rc.rank, b.getI64IntegerAttr(rc.passes)));
          },
          "; ");
      cascade->setAttr("ein.passes", b.getDictionaryAttr(attrs));
      cascade.emitRemark() << text;
    });
  }
};
} // namespace
