//===- PrintGraph.cpp - Cascades as Graphviz graphs -----------------------===//
//
// Part of Cascade. ein-print-graph writes the cascades of a module as one DOT
// digraph, a cluster per cascade: its inputs, its einsums with their
// formulas, the tensors flowing between them, the loop over an iterative
// rank with its recurrences, the pass counts and the tile classes. It
// changes nothing. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/Transforms/Passes.h"
#include "dialects/Ein/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/CastInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cmath>

namespace cascade::ein {
#define GEN_PASS_DEF_EINPRINTGRAPH
#include "dialects/Ein/Transforms/Passes.h.inc"
} // namespace cascade::ein

using namespace mlir;
using namespace cascade::ein;

//===----------------------------------------------------------------------===//
// Text
//===----------------------------------------------------------------------===//

/// `text` as the inside of a quoted DOT string. Each line ends in `\l`
/// (left-justified). A backslash protects quotes, backslashes and the
/// characters that delimit the fields of record labels (`{ } | < >`);
/// Graphviz drops it in other labels, so the text shows as written.
static std::string escapeLabel(StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '"':
    case '\\':
    case '{':
    case '}':
    case '|':
    case '<':
    case '>':
      out += '\\';
      out += c;
      break;
    case '\n':
      out += "\\l";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// A number as the formulas write it: `-inf`, `0.125`, `1e+30`.
static std::string formatNumber(double x) {
  if (std::isnan(x))
    return "nan";
  if (std::isinf(x))
    return x < 0 ? "-inf" : "inf";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%g", x);
  return s;
}

/// `T[b, h, m, p]`: the tensor read by operand `i` of `op`, at its access.
static std::string operandAccess(EinsumOp op, unsigned i) {
  return tensorName(op.getInputs()[i]) + printAccess(op, op.getInputMap(i));
}

namespace {
/// Writes values of an einsum's map region as infix formulas over the
/// elements the einsum reads: `exp(BQK[m1, m0, p] - RM[m1 + 1, p])`.
/// Casts are left out (the formula shows the arithmetic, not the types);
/// an operation without a notation of its own prints as a call of its name
/// without the dialect (`tanh(x)`).
class MapFormula {
public:
  explicit MapFormula(EinsumOp op) : op(op) {}

  /// `v` as a formula; nothing when it grows past kMaxLength characters (a
  /// map that reuses values many times), where a graph label would not be
  /// read anyway.
  std::optional<std::string> print(Value v) {
    tooLong = false;
    std::string text = expr(v).text;
    if (tooLong)
      return std::nullopt;
    return text;
  }

private:
  static constexpr size_t kMaxLength = 160;

  /// Binding strengths, loosest first.
  enum Prec { Select, Or, And, Compare, Add, Mul, Unary, Atom };

  struct Expr {
    std::string text;
    Prec prec;
  };

  /// `e`, parenthesized when it binds more loosely than `prec` (or as
  /// loosely, with `strict`: the right operand of `-` and `/`).
  static std::string wrap(const Expr &e, Prec prec, bool strict = false) {
    if (e.prec < prec || (strict && e.prec == prec))
      return "(" + e.text + ")";
    return e.text;
  }

  /// `lhs symbol rhs` for the two operands of `def`, binding as `prec`;
  /// comparisons do not chain, so their operands are wrapped as strictly.
  Expr binary(Operation *def, StringRef symbol, Prec prec,
              bool associative = true) {
    Expr l = expr(def->getOperand(0)), r = expr(def->getOperand(1));
    bool compare = prec == Compare;
    return {wrap(l, prec, compare) + " " + symbol.str() + " " +
                wrap(r, prec, compare || !associative),
            prec};
  }

  /// `name(a, b, ...)` over the operands of `def`.
  Expr call(StringRef name, Operation *def) {
    std::string text = name.str() + "(";
    for (auto [i, o] : llvm::enumerate(def->getOperands()))
      text += (i ? ", " : "") + expr(o).text;
    return {text + ")", Atom};
  }

  /// The symbol of a comparison predicate, or "" for one without (`ord`).
  static StringRef compareSymbol(Operation *def) {
    if (auto c = dyn_cast<arith::CmpFOp>(def)) {
      switch (c.getPredicate()) {
      case arith::CmpFPredicate::OEQ:
      case arith::CmpFPredicate::UEQ:
        return "==";
      case arith::CmpFPredicate::ONE:
      case arith::CmpFPredicate::UNE:
        return "!=";
      case arith::CmpFPredicate::OLT:
      case arith::CmpFPredicate::ULT:
        return "<";
      case arith::CmpFPredicate::OLE:
      case arith::CmpFPredicate::ULE:
        return "<=";
      case arith::CmpFPredicate::OGT:
      case arith::CmpFPredicate::UGT:
        return ">";
      case arith::CmpFPredicate::OGE:
      case arith::CmpFPredicate::UGE:
        return ">=";
      default:
        return "";
      }
    }
    switch (cast<arith::CmpIOp>(def).getPredicate()) {
    case arith::CmpIPredicate::eq:
      return "==";
    case arith::CmpIPredicate::ne:
      return "!=";
    case arith::CmpIPredicate::slt:
    case arith::CmpIPredicate::ult:
      return "<";
    case arith::CmpIPredicate::sle:
    case arith::CmpIPredicate::ule:
      return "<=";
    case arith::CmpIPredicate::sgt:
    case arith::CmpIPredicate::ugt:
      return ">";
    case arith::CmpIPredicate::sge:
    case arith::CmpIPredicate::uge:
      return ">=";
    }
    return "";
  }

  /// `v` as a formula, or `...` once the formula is too long.
  Expr expr(Value v) {
    if (tooLong)
      return {"...", Atom};
    Expr e = build(v);
    if (e.text.size() > kMaxLength) {
      tooLong = true;
      return {"...", Atom};
    }
    return e;
  }

  /// `v` as a formula: an element read by the einsum, or the notation of
  /// the operation that defines it applied to its operands' formulas.
  Expr build(Value v) {
    if (auto a = dyn_cast<BlockArgument>(v)) {
      if (a.getOwner() == &op.getMapBlock() &&
          a.getArgNumber() < op.getInputs().size())
        return {operandAccess(op, a.getArgNumber()), Atom};
      return {"?", Atom};
    }
    Operation *def = v.getDefiningOp();
    bool isBool = v.getType().isInteger(1);
    if (isa<arith::AddFOp, arith::AddIOp>(def))
      return binary(def, "+", Add);
    if (isa<arith::SubFOp, arith::SubIOp>(def))
      return binary(def, "-", Add, /*associative=*/false);
    if (isa<arith::MulFOp, arith::MulIOp>(def))
      return binary(def, "*", Mul);
    if (isa<arith::DivFOp, arith::DivSIOp, arith::DivUIOp>(def))
      return binary(def, "/", Mul, /*associative=*/false);
    if (isa<arith::RemFOp, arith::RemSIOp, arith::RemUIOp>(def))
      return binary(def, "%", Mul, /*associative=*/false);
    // Logic on i1; bitwise operations on wider integers print as calls.
    if (isBool && isa<arith::AndIOp>(def)) {
      // `x && true` is how the passes start a conjunction.
      for (unsigned k = 0; k < 2; ++k)
        if (auto c =
                def->getOperand(1 - k).getDefiningOp<arith::ConstantIntOp>();
            c && c.value() != 0)
          return expr(def->getOperand(k));
      return binary(def, "&&", And);
    }
    if (isBool && isa<arith::OrIOp>(def))
      return binary(def, "||", Or);
    if (isBool && isa<arith::XOrIOp>(def)) {
      // `x xor true` is how arith negates.
      for (unsigned k = 0; k < 2; ++k)
        if (auto c =
                def->getOperand(1 - k).getDefiningOp<arith::ConstantIntOp>();
            c && c.value() != 0)
          return {"!" + wrap(expr(def->getOperand(k)), Atom), Unary};
      return binary(def, "!=", Compare);
    }
    if (isa<arith::CmpFOp, arith::CmpIOp>(def)) {
      StringRef symbol = compareSymbol(def);
      if (symbol.empty())
        return call(def->getName().stripDialect(), def);
      return binary(def, symbol, Compare);
    }
    if (isa<arith::NegFOp>(def))
      return {"-" + wrap(expr(def->getOperand(0)), Unary, /*strict=*/true),
              Unary};
    if (isa<arith::MaximumFOp, arith::MaxNumFOp, arith::MaxSIOp,
            arith::MaxUIOp>(def))
      return call("max", def);
    if (isa<arith::MinimumFOp, arith::MinNumFOp, arith::MinSIOp,
            arith::MinUIOp>(def))
      return call("min", def);
    if (auto s = dyn_cast<arith::SelectOp>(def))
      return {wrap(expr(s.getCondition()), Select, true) + " ? " +
                  wrap(expr(s.getTrueValue()), Select, true) + " : " +
                  wrap(expr(s.getFalseValue()), Select, true),
              Select};
    if (auto c = dyn_cast<arith::ConstantOp>(def)) {
      if (auto f = dyn_cast<FloatAttr>(c.getValue()))
        return {formatNumber(f.getValueAsDouble()), Atom};
      if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
        return {isBool ? (i.getValue().isZero() ? "false" : "true")
                       : llvm::toString(i.getValue(), 10, /*Signed=*/true),
                Atom};
    }
    if (auto i = dyn_cast<IndexOp>(def))
      return {i.getRank().str(), Atom};
    if (auto x = dyn_cast<ExtentOp>(def))
      return {"|" + x.getRank().str() + "|", Atom};
    if (isa<CastOpInterface>(def) && def->getNumOperands() == 1)
      return expr(def->getOperand(0));
    return call(def->getName().stripDialect(), def);
  }

  EinsumOp op;
  bool tooLong = false;
};
} // namespace

/// The lines of an einsum's node: its formula as the dialect prints its
/// head (`QK[b, h, m, p] += ...`) with the map written out, then its
/// condition, predicate, `init`/`fill` and, for a result of the cascade,
/// which one.
static std::string einsumLabel(EinsumOp op, ArrayRef<unsigned> results) {
  std::string text;
  llvm::raw_string_ostream os(text);
  MapFormula formula(op);
  os << op.getName() << printAccess(op, op.getOutputMap()) << " "
     << reductionOperator(op.getReduction()) << " ";
  if (std::optional<std::string> f = formula.print(mapResult(op))) {
    os << *f;
  } else {
    size_t size = op.getMapBlock().getOperations().size() - 1;
    os << "a map of " << size << " operations";
    for (unsigned i = 0; i < op.getInputs().size(); ++i)
      os << (i ? ", " : " of ") << operandAccess(op, i);
  }
  os << "\n";

  SmallVector<StringRef> dims, syms;
  for (unsigned i = 0; i < op.getNumRanks(); ++i)
    dims.push_back(op.getRankName(i));
  for (Attribute a : op.getSymbols())
    syms.push_back(cast<StringAttr>(a).getValue());
  SmallVector<IntegerSet> condition = op.getConditionSets();
  for (auto [k, set] : llvm::enumerate(condition)) {
    os << (k ? " or (" : "where (");
    for (unsigned i = 0; i < set.getNumConstraints(); ++i)
      os << (i ? ", " : "")
         << printRankConstraint(set.getConstraint(i), set.isEq(i), dims, syms);
    os << ")";
  }
  if (!condition.empty())
    os << "\n";

  if (hasPredicate(op)) {
    Value pred = cast<YieldOp>(op.getMapBlock().getTerminator()).getValues()[1];
    std::optional<std::string> p = formula.print(pred);
    os << "if " << (p ? *p : std::string("its predicate")) << "\n";
  }

  std::string values;
  if (std::optional<APFloat> v = op.getInit())
    values += "init(" + formatNumber(v->convertToDouble()) + ")";
  if (std::optional<APFloat> v = op.getFill())
    values += (values.empty() ? "" : " ") + std::string("fill(") +
              formatNumber(v->convertToDouble()) + ")";
  if (!values.empty())
    os << values << "\n";

  for (unsigned r : results)
    os << "result #" << r << "\n";
  return text;
}

/// What a recurrence carries, read off the operation that combines its
/// previous value: `running max`, `running sum`, `rescaled running sum`
/// (`RD[m1 + 1] = RD[m1] * PRM[m1] + SLD[m1]`), ...
static StringRef recurrenceKind(EinsumOp op) {
  int64_t self = selfOperand(op);
  Operation *def = mapResult(op).getDefiningOp();
  if (self < 0 || !def)
    return "recurrence";
  Value prev = op.getMapBlock().getArgument(self);
  auto reads = [&](Operation *o) {
    return llvm::is_contained(o->getOperands(), prev);
  };
  if (isa<arith::MaximumFOp, arith::MaxNumFOp, arith::MaxSIOp, arith::MaxUIOp>(
          def) &&
      reads(def))
    return "running max";
  if (isa<arith::MinimumFOp, arith::MinNumFOp, arith::MinSIOp, arith::MinUIOp>(
          def) &&
      reads(def))
    return "running min";
  if (isa<arith::MulFOp, arith::MulIOp>(def) && reads(def))
    return "running product";
  if (isa<arith::AddFOp, arith::AddIOp>(def)) {
    if (reads(def))
      return "running sum";
    for (Value o : def->getOperands())
      if (Operation *m = o.getDefiningOp();
          m && isa<arith::MulFOp, arith::MulIOp>(m) && reads(m))
        return "rescaled running sum";
  }
  return "recurrence";
}

//===----------------------------------------------------------------------===//
// The cascade's summary: pass counts and tile classes
//===----------------------------------------------------------------------===//

/// `3 passes over m, 1 pass over e`: ein-count-passes' analysis, the rank
/// that needs the most passes first.
static std::string passSummary(CascadeOp cascade) {
  SmallVector<RankPassCount> counts = countPasses(cascade);
  if (counts.empty())
    return "no reduction";
  llvm::stable_sort(counts, [](const RankPassCount &a, const RankPassCount &b) {
    return a.passes > b.passes;
  });
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(counts, os, [&](const RankPassCount &c) {
    os << c.passes << (c.passes == 1 ? " pass" : " passes") << " over "
       << c.rank;
  });
  return text;
}

/// What the tile map says, in the words of ein-sparsify's remark:
/// `tiles: 12 empty, 9 full, 7 partial (over p1, m1)`, `..., then classified
/// at run time by 'TILE' (over b, h, p1, m1)`. Empty without a tile map.
static std::string tileSummary(CascadeOp cascade) {
  TileMapAttr map = cascade.getTilesAttr();
  if (!map)
    return "";
  std::string text;
  llvm::raw_string_ostream os(text);
  auto printNames = [&](ArrayRef<StringRef> names) {
    os << " (over ";
    llvm::interleaveComma(names, os);
    os << ")";
  };
  // A condition on the ranks classifies by the sets; a predicate alone
  // leaves every tile to the run-time classes.
  StringRef iter = map.getRank().getValue();
  bool affine = false;
  for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>())
    affine |= e.rankIndex(iter) >= 0 && !e.getConditionSets().empty();
  if (affine) {
    os << "tiles";
    if (std::optional<TileCounts> c = countTiles(cascade, map))
      os << ": " << c->empty << " empty, " << c->full << " full, " << c->partial
         << " partial";
    else if (!map.getSymbols().empty())
      os << " classified for dynamic extents";
    else
      os << " classified, too many to count";
    SmallVector<StringRef> dims;
    for (Attribute a : map.getDims())
      dims.push_back(cast<StringAttr>(a).getValue());
    printNames(dims);
  }
  if (StringAttr classes = map.getClasses()) {
    os << (affine ? ", then" : "tiles") << " classified at run time by '"
       << classes.getValue() << "'";
    for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>()) {
      if (e.getName() != classes.getValue())
        continue;
      SmallVector<StringRef> ranks;
      for (unsigned i = 0; i < e.getOutputMap().getNumResults(); ++i)
        ranks.push_back(e.getRankName(e.getOutputDim(i)));
      printNames(ranks);
    }
  }
  return text;
}

//===----------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------===//

namespace {
/// Writes one cascade as a cluster of the module's digraph.
class CascadeWriter {
public:
  CascadeWriter(raw_ostream &os, CascadeOp cascade, unsigned index)
      : os(os), cascade(cascade), prefix("c" + std::to_string(index)),
        index(index) {}

  /// Writes the cluster: its label, the inputs, the einsums (those of each
  /// loop in a nested cluster) and the edges.
  void write();

private:
  /// The node of a tensor: an input's ellipse or an einsum's box.
  std::string node(Value v) {
    if (auto a = dyn_cast<BlockArgument>(v))
      return prefix + "_in" + std::to_string(a.getArgNumber());
    return nodes.lookup(v.getDefiningOp());
  }
  /// Writes the node of `e`: bold for a recurrence, a double border for a
  /// result.
  void writeEinsum(EinsumOp e, StringRef indent);

  raw_ostream &os;
  CascadeOp cascade;
  std::string prefix;
  unsigned index;
  DenseMap<Operation *, std::string> nodes;
  /// The result numbers each value is returned as.
  DenseMap<Value, SmallVector<unsigned>> results;
};
} // namespace

void CascadeWriter::writeEinsum(EinsumOp e, StringRef indent) {
  os << indent << "\"" << node(e.getResult()) << "\" [label=\""
     << escapeLabel(einsumLabel(e, results.lookup(e.getResult()))) << "\"";
  if (results.contains(e.getResult()))
    os << ", peripheries=2";
  if (e.isRecurrence())
    os << ", style=bold";
  os << "];\n";
}

void CascadeWriter::write() {
  SmallVector<EinsumOp> einsums = einsumsInDependenceOrder(cascade);
  for (auto [i, e] : llvm::enumerate(einsums))
    nodes[e] = prefix + "_e" + std::to_string(i);
  auto yield = cast<YieldOp>(cascade.getBodyBlock().getTerminator());
  for (auto [i, v] : llvm::enumerate(yield.getValues()))
    results[v].push_back(i);

  // The iterative ranks, and the einsums of the loop over each.
  SmallVector<std::string> iters;
  for (EinsumOp e : einsums)
    if (e.isRecurrence()) {
      std::string r = e.getRankName(e.getIterativeDim()).str();
      if (!llvm::is_contained(iters, r))
        iters.push_back(r);
    }
  sortByRankTable(cascade, iters);
  DenseMap<Operation *, unsigned> loopOf;
  SmallVector<SmallVector<EinsumOp>> loops;
  for (auto [k, iter] : llvm::enumerate(iters)) {
    loops.emplace_back();
    for (EinsumOp e : scheduleAroundLoop(cascade, iter).loop)
      if (loopOf.try_emplace(e, k).second)
        loops.back().push_back(e);
  }

  // The cluster: the cascade, where it is, its passes and tiles.
  std::string label = "cascade '" + cascade.getName().str() + "'";
  if (auto f = cascade->getParentOfType<FunctionOpInterface>())
    label += " in @" + f.getName().str();
  label += ": " + passSummary(cascade) + "\n";
  if (std::string tiles = tileSummary(cascade); !tiles.empty())
    label += tiles + "\n";
  os << "  subgraph \"cluster_" << index << "\" {\n"
     << "    label=\"" << escapeLabel(label) << "\";\n";

  for (auto [i, arg] : llvm::enumerate(cascade.getBodyBlock().getArguments())) {
    std::string text = tensorName(arg) + "\n";
    std::string type;
    llvm::raw_string_ostream ts(type);
    ts << arg.getType();
    text += type + "\n";
    for (unsigned r : results.lookup(arg))
      text += "result #" + std::to_string(r) + "\n";
    os << "    \"" << node(arg) << "\" [shape=ellipse, label=\""
       << escapeLabel(text) << "\"";
    if (results.contains(arg))
      os << ", peripheries=2";
    os << "];\n";
  }
  // The einsums in dependence order, each loop as a whole where its first
  // einsum comes.
  SmallVector<bool> written(iters.size(), false);
  for (EinsumOp e : einsums) {
    auto it = loopOf.find(e);
    if (it == loopOf.end()) {
      writeEinsum(e, "    ");
      continue;
    }
    unsigned k = it->second;
    if (written[k])
      continue;
    written[k] = true;
    os << "    subgraph \"cluster_" << index << "_" << iters[k] << "\" {\n"
       << "      label=\"iterative rank " << escapeLabel(iters[k]) << "\";\n"
       << "      style=dashed;\n";
    for (EinsumOp l : loops[k])
      writeEinsum(l, "      ");
    os << "    }\n";
  }

  // The tensors, from their producers to their readers; a recurrence's
  // own previous value as a self-loop.
  for (EinsumOp e : einsums) {
    llvm::SetVector<Value> read(e.getInputs().begin(), e.getInputs().end());
    for (Value v : read) {
      os << "    \"" << node(v) << "\" -> \"" << node(e.getResult())
         << "\" [label=\"";
      if (v == e.getResult()) {
        std::string text = tensorName(v) + ": " + recurrenceKind(e).str() +
                           " over " + e.getRankName(e.getIterativeDim()).str();
        if (std::optional<APFloat> init = e.getInit())
          text += ", init(" + formatNumber(init->convertToDouble()) + ")";
        os << escapeLabel(text) << "\", style=bold];\n";
        continue;
      }
      os << escapeLabel(tensorName(v)) << "\"];\n";
    }
  }
  os << "  }\n";
}

/// Writes the digraph of every cascade in `module`.
static void writeGraph(raw_ostream &os, ModuleOp module) {
  std::string name =
      module.getSymName() ? module.getSymName()->str() : "module";
  os << "digraph \"" << escapeLabel(name) << "\" {\n"
     << "  compound=true;\n"
     << "  labeljust=l;\n"
     << "  node [shape=box, fontname=\"Courier\"];\n"
     << "  edge [fontname=\"Courier\", fontsize=10];\n";
  unsigned index = 0;
  module->walk(
      [&](CascadeOp cascade) { CascadeWriter(os, cascade, index++).write(); });
  if (index == 0)
    os << "  label=\"no ein.cascade\";\n";
  os << "}\n";
}

namespace {
struct EinPrintGraphPass
    : cascade::ein::impl::EinPrintGraphBase<EinPrintGraphPass> {
  using Base::Base;
  void runOnOperation() override {
    markAllAnalysesPreserved();
    std::unique_ptr<llvm::ToolOutputFile> file;
    if (output != "-") {
      std::error_code ec;
      file = std::make_unique<llvm::ToolOutputFile>(output, ec,
                                                    llvm::sys::fs::OF_Text);
      if (ec) {
        getOperation().emitError()
            << "ein-print-graph: cannot open the output file '" << output
            << "': " << ec.message();
        return signalPassFailure();
      }
    }
    llvm::raw_fd_ostream &os = file ? file->os() : llvm::outs();
    writeGraph(os, getOperation());
    os.flush();
    // A failed write is an error here rather than a fatal one when the
    // stream is destroyed.
    if (std::error_code ec = os.error()) {
      os.clear_error();
      std::string where =
          file ? "the output file '" + output + "'" : std::string("stdout");
      getOperation().emitError() << "ein-print-graph: cannot write the graph "
                                 << "to " << where << ": " << ec.message();
      return signalPassFailure();
    }
    if (file)
      file->keep();
  }
};
} // namespace
