//===- TileMap.cpp - Reading the classes of a tile map --------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// The compile-time classes of the tiles of an ein-sparsify tile map, shared
// by ein-sparsify (its remark's counts and the printed map) and
// ein-print-graph (the graph's label).
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/IntegerSet.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace cascade::ein;

int64_t cascade::ein::tileRankExtent(CascadeOp cascade, StringRef name) {
  RankAttr rank = cascade.lookupRank(name);
  if (!rank)
    return ShapedType::kDynamic;
  if (rank.isInnerPart())
    return rank.getTile();
  if (rank.isOuterPart()) {
    int64_t parent = tileRankExtent(cascade, rank.getParent().getValue());
    if (ShapedType::isDynamic(parent))
      return parent;
    return llvm::divideCeil(parent, rank.getTile());
  }
  return cascade.staticExtent(name);
}

namespace {
/// An integer set as the map of its constraints, to evaluate at points.
struct EvaluatedSet {
  AffineMap constraints;
  IntegerSet set;

  bool contains(ArrayRef<int64_t> point) const {
    SmallVector<int64_t, 4> values = constraints.compose(point);
    for (auto [i, v] : llvm::enumerate(values))
      if (set.isEq(i) ? v != 0 : v < 0)
        return false;
    return true;
  }
};
} // namespace

/// The sets as EvaluatedSets over `dims` dimensions; none when a set has
/// symbols or another number of dimensions.
static std::optional<SmallVector<EvaluatedSet>>
evaluatedSets(ArrayRef<IntegerSet> sets, unsigned dims, MLIRContext *ctx) {
  SmallVector<EvaluatedSet> out;
  for (IntegerSet s : sets) {
    if (s.getNumDims() != dims || s.getNumSymbols() != 0)
      return std::nullopt;
    out.push_back(
        {AffineMap::get(s.getNumDims(), 0, s.getConstraints(), ctx), s});
  }
  return out;
}

LogicalResult
cascade::ein::forEachTile(CascadeOp cascade, TileMapAttr map, int64_t limit,
                          function_ref<void(ArrayRef<int64_t>, TileClass)> fn) {
  if (!map || !map.getSymbols().empty())
    return failure();
  SmallVector<int64_t> extents;
  int64_t total = 1;
  for (Attribute a : map.getDims()) {
    int64_t e = tileRankExtent(cascade, cast<StringAttr>(a).getValue());
    if (ShapedType::isDynamic(e))
      return failure();
    extents.push_back(e);
    total *= std::max<int64_t>(e, 0);
    if (total > limit)
      return failure();
  }
  MLIRContext *ctx = cascade.getContext();
  std::optional<SmallVector<EvaluatedSet>> visit =
      evaluatedSets(map.getVisitSets(), extents.size(), ctx);
  std::optional<SmallVector<EvaluatedSet>> partial =
      evaluatedSets(map.getPartialSets(), extents.size(), ctx);
  if (!visit || !partial)
    return failure();
  auto inAny = [](ArrayRef<EvaluatedSet> sets, ArrayRef<int64_t> point) {
    return llvm::any_of(
        sets, [&](const EvaluatedSet &s) { return s.contains(point); });
  };
  SmallVector<int64_t> point(extents.size(), 0);
  for (int64_t k = 0; k < total; ++k) {
    TileClass c = !inAny(*visit, point)    ? TileClass::Empty
                  : inAny(*partial, point) ? TileClass::Partial
                                           : TileClass::Full;
    fn(point, c);
    // Row-major: the last dimension varies fastest.
    for (int i = int(point.size()) - 1; i >= 0; --i) {
      if (++point[i] < extents[i])
        break;
      point[i] = 0;
    }
  }
  return success();
}

std::optional<TileCounts> cascade::ein::countTiles(CascadeOp cascade,
                                                   TileMapAttr map) {
  TileCounts counts;
  auto count = [&](ArrayRef<int64_t>, TileClass c) {
    ++(c == TileClass::Empty  ? counts.empty
       : c == TileClass::Full ? counts.full
                              : counts.partial);
  };
  if (failed(forEachTile(cascade, map, kMaxCountedTiles, count)))
    return std::nullopt;
  return counts;
}

std::optional<std::string>
cascade::ein::printTileGrid(CascadeOp cascade, TileMapAttr map, int64_t limit) {
  SmallVector<StringRef> dims;
  for (Attribute a : map.getDims())
    dims.push_back(cast<StringAttr>(a).getValue());
  if (dims.empty())
    return std::nullopt;
  std::string text;
  llvm::raw_string_ostream os(text);
  auto print = [&](ArrayRef<int64_t> point, TileClass c) {
    // A new row at the start of every run of the last dimension, named by
    // the other dimensions.
    if (point.back() == 0) {
      os << "\n  ";
      for (unsigned i = 0; i + 1 < point.size(); ++i)
        os << (i ? ", " : "") << dims[i] << " = " << point[i];
      if (point.size() > 1)
        os << ": ";
    }
    os << (c == TileClass::Empty ? '.' : c == TileClass::Full ? '#' : '+');
  };
  if (failed(forEachTile(cascade, map, limit, print)))
    return std::nullopt;
  return text;
}
