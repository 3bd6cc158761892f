//===- MapUtils.cpp - Queries on einsum map regions -----------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <set>

using namespace mlir;
using namespace cascade::ein;

Value cascade::ein::mapResult(EinsumOp op) {
  return cast<YieldOp>(op.getMapBlock().getTerminator()).getValues()[0];
}

bool cascade::ein::hasPredicate(EinsumOp op) {
  return cast<YieldOp>(op.getMapBlock().getTerminator()).getValues().size() > 1;
}

bool cascade::ein::mapUses(Value v, Value a) {
  if (v == a)
    return true;
  if (Operation *def = v.getDefiningOp())
    return llvm::any_of(def->getOperands(),
                        [&](Value o) { return mapUses(o, a); });
  return false;
}

bool cascade::ein::isLinearIn(Value v, Value a) {
  if (v == a)
    return true;
  auto mul = v.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  Value x = mul.getLhs(), y = mul.getRhs();
  return (isLinearIn(x, a) && !mapUses(y, a)) ||
         (isLinearIn(y, a) && !mapUses(x, a));
}

/// The condition of `op` with its dims and symbols renamed to positions in
/// the cascade's rank table, printed: equal strings mean equal conditions.
std::string cascade::ein::canonicalCondition(CascadeOp cascade, EinsumOp op) {
  MLIRContext *ctx = op.getContext();
  SmallVector<AffineExpr> dims, syms;
  for (unsigned i = 0; i < op.getNumRanks(); ++i)
    dims.push_back(getAffineDimExpr(cascade.rankIndex(op.getRankName(i)), ctx));
  for (Attribute a : op.getSymbols())
    syms.push_back(getAffineSymbolExpr(
        cascade.rankIndex(cast<StringAttr>(a).getValue()), ctx));
  std::string s;
  llvm::raw_string_ostream os(s);
  for (IntegerSet set : op.getConditionSets()) {
    os << "(";
    for (unsigned i = 0; i < set.getNumConstraints(); ++i)
      os << set.getConstraint(i).replaceDimsAndSymbols(dims, syms)
         << (set.isEq(i) ? " == 0" : " >= 0") << "; ";
    os << ")";
  }
  return s;
}

std::optional<double>
cascade::ein::foldMap(EinsumOp e, ArrayRef<std::optional<double>> args) {
  Block &block = e.getMapBlock();
  DenseMap<Value, Attribute> known;
  for (auto [arg, v] : llvm::zip(block.getArguments(), args))
    if (v)
      if (auto ft = dyn_cast<FloatType>(arg.getType()))
        known[arg] = FloatAttr::get(ft, *v);
  for (Operation &op : block.without_terminator()) {
    SmallVector<Attribute> operands;
    for (Value o : op.getOperands())
      operands.push_back(known.lookup(o));
    SmallVector<OpFoldResult> results;
    if (op.getNumResults() != 1 || failed(op.fold(operands, results)) ||
        results.size() != 1)
      return std::nullopt;
    Attribute a = dyn_cast<Attribute>(results[0]);
    if (!a)
      a = known.lookup(cast<Value>(results[0]));
    if (!a)
      return std::nullopt;
    known[op.getResult(0)] = a;
  }
  auto f = dyn_cast_or_null<FloatAttr>(known.lookup(mapResult(e)));
  if (!f)
    return std::nullopt;
  return f.getValueAsDouble();
}

int64_t cascade::ein::selfOperand(EinsumOp op) {
  for (auto [i, v] : llvm::enumerate(op.getInputs()))
    if (v == op.getResult())
      return i;
  return -1;
}

void cascade::ein::predicateAtoms(EinsumOp op, SmallVectorImpl<Value> &atoms) {
  if (!hasPredicate(op))
    return;
  SmallVector<Value> work = {
      cast<YieldOp>(op.getMapBlock().getTerminator()).getValues()[1]};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (auto a = v.getDefiningOp<arith::AndIOp>()) {
      work.push_back(a.getRhs());
      work.push_back(a.getLhs());
      continue;
    }
    if (auto c = v.getDefiningOp<arith::ConstantIntOp>(); c && c.value() != 0)
      continue; // `and true`
    atoms.push_back(v);
  }
}

/// `v` (computed in `op`'s map) printed with the map's arguments replaced by
/// the tensors they read and their accesses in cascade rank positions.
static void printMapValue(CascadeOp cascade, EinsumOp op, Value v,
                          llvm::raw_ostream &os) {
  MLIRContext *ctx = op.getContext();
  if (auto a = dyn_cast<BlockArgument>(v)) {
    SmallVector<AffineExpr> dims, syms;
    for (unsigned i = 0; i < op.getNumRanks(); ++i)
      dims.push_back(
          getAffineDimExpr(cascade.rankIndex(op.getRankName(i)), ctx));
    for (Attribute s : op.getSymbols())
      syms.push_back(getAffineSymbolExpr(
          cascade.rankIndex(cast<StringAttr>(s).getValue()), ctx));
    os << tensorName(op.getInputs()[a.getArgNumber()]) << "[";
    llvm::interleaveComma(
        op.getInputMap(a.getArgNumber()).getResults(), os,
        [&](AffineExpr e) { os << e.replaceDimsAndSymbols(dims, syms); });
    os << "]";
    return;
  }
  Operation *def = v.getDefiningOp();
  os << def->getName() << def->getAttrDictionary() << "(";
  llvm::interleaveComma(def->getOperands(), os,
                        [&](Value o) { printMapValue(cascade, op, o, os); });
  os << "):" << v.getType();
}

std::string cascade::ein::canonicalMapValue(CascadeOp cascade, EinsumOp op,
                                            Value v) {
  std::string k;
  llvm::raw_string_ostream os(k);
  printMapValue(cascade, op, v, os);
  return k;
}

std::string cascade::ein::canonicalMask(CascadeOp cascade, EinsumOp op) {
  std::string s = canonicalCondition(cascade, op);
  SmallVector<Value> atoms;
  predicateAtoms(op, atoms);
  if (atoms.empty())
    return s;
  std::set<std::string> keys;
  for (Value a : atoms)
    keys.insert(canonicalMapValue(cascade, op, a));
  s += " where ";
  for (const std::string &k : keys)
    s += k + " && ";
  return s;
}

bool cascade::ein::isMasked(EinsumOp op) {
  return op.getCondition() || hasPredicate(op);
}
