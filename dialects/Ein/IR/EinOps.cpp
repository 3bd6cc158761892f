//===- EinOps.cpp - ein dialect operations ----------------------*- C++ -*-===//
//
// Part of Cascade. The printed form of the ein dialect reads like the
// formulas of the cascades: ranks by name, accesses affine in the ranks,
// the reduction as an assignment operator.
//
//===----------------------------------------------------------------------===//

#include "dialects/Ein/IR/EinOps.h"

#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>
#include <sstream>

using namespace mlir;
using namespace cascade::ein;

#include "dialects/Ein/IR/EinDialect.cpp.inc"
#include "dialects/Ein/IR/EinEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Ein/IR/EinAttrs.cpp.inc"

/// A rank name as a bare identifier: `ein.index m`.
static ParseResult parseRankName(OpAsmParser &parser, StringAttr &name) {
  StringRef n;
  if (parser.parseKeyword(&n))
    return failure();
  name = StringAttr::get(parser.getContext(), n);
  return success();
}

static void printRankName(OpAsmPrinter &p, Operation *, StringAttr name) {
  p << name.getValue();
}

#define GET_OP_CLASSES
#include "dialects/Ein/IR/EinOps.cpp.inc"

void EinDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Ein/IR/EinAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/Ein/IR/EinOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

double cascade::ein::reductionIdentity(ReductionKind kind) {
  switch (kind) {
  case ReductionKind::None:
  case ReductionKind::Add:
    return 0.0;
  case ReductionKind::Mul:
    return 1.0;
  case ReductionKind::Max:
    return -std::numeric_limits<double>::infinity();
  case ReductionKind::Min:
    return std::numeric_limits<double>::infinity();
  }
  return 0.0;
}

Value cascade::ein::buildReductionCombine(OpBuilder &b, Location loc,
                                          ReductionKind kind, Value acc,
                                          Value value) {
  switch (kind) {
  case ReductionKind::None:
    return value;
  case ReductionKind::Add:
    return arith::AddFOp::create(b, loc, acc, value);
  case ReductionKind::Mul:
    return arith::MulFOp::create(b, loc, acc, value);
  case ReductionKind::Max:
    return arith::MaximumFOp::create(b, loc, acc, value);
  case ReductionKind::Min:
    return arith::MinimumFOp::create(b, loc, acc, value);
  }
  return value;
}

StringRef cascade::ein::reductionOperator(ReductionKind kind) {
  switch (kind) {
  case ReductionKind::None:
    return "=";
  case ReductionKind::Add:
    return "+=";
  case ReductionKind::Mul:
    return "*=";
  case ReductionKind::Max:
    return "max=";
  case ReductionKind::Min:
    return "min=";
  }
  return "=";
}

//===----------------------------------------------------------------------===//
// Rank expressions: printing
//===----------------------------------------------------------------------===//

namespace {
/// One additive term `coeff * atom` of a flattened expression; `atom` is
/// empty for the constant term.
struct Term {
  int64_t coeff;
  AffineExpr atom;
};
} // namespace

static void collectTerms(AffineExpr e, int64_t scale,
                         SmallVectorImpl<Term> &terms) {
  if (auto bin = dyn_cast<AffineBinaryOpExpr>(e)) {
    if (e.getKind() == AffineExprKind::Add) {
      collectTerms(bin.getLHS(), scale, terms);
      collectTerms(bin.getRHS(), scale, terms);
      return;
    }
    if (e.getKind() == AffineExprKind::Mul) {
      if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS())) {
        collectTerms(bin.getLHS(), scale * c.getValue(), terms);
        return;
      }
      if (auto c = dyn_cast<AffineConstantExpr>(bin.getLHS())) {
        collectTerms(bin.getRHS(), scale * c.getValue(), terms);
        return;
      }
    }
  }
  if (auto c = dyn_cast<AffineConstantExpr>(e)) {
    terms.push_back({scale * c.getValue(), AffineExpr()});
    return;
  }
  terms.push_back({scale, e});
}

static std::string printAtom(AffineExpr e, ArrayRef<StringRef> dims,
                             ArrayRef<StringRef> syms, bool nested);

/// Prints a sum of terms, all of whose coefficients are taken as given
/// (negative ones print as subtraction).
static std::string printTerms(ArrayRef<Term> termsIn, ArrayRef<StringRef> dims,
                              ArrayRef<StringRef> syms) {
  // Ranks in iteration-space order, then extents, then the rest: the printed
  // form does not depend on how the expression was built.
  SmallVector<Term> terms(termsIn.begin(), termsIn.end());
  auto key = [](const Term &t) -> std::pair<int, unsigned> {
    if (!t.atom)
      return {3, 0};
    if (auto d = dyn_cast<AffineDimExpr>(t.atom))
      return {0, d.getPosition()};
    if (auto s = dyn_cast<AffineSymbolExpr>(t.atom))
      return {1, s.getPosition()};
    return {2, 0};
  };
  // Positive terms first, so that `p - m` does not print as `-m + p`.
  llvm::stable_sort(terms, [&](const Term &a, const Term &b) {
    bool na = a.atom && a.coeff < 0, nb = b.atom && b.coeff < 0;
    return std::make_pair(na, key(a)) < std::make_pair(nb, key(b));
  });
  std::string out;
  int64_t constant = 0;
  for (const Term &t : terms) {
    if (!t.atom) {
      constant += t.coeff;
      continue;
    }
    if (t.coeff == 0)
      continue;
    int64_t mag = t.coeff < 0 ? -t.coeff : t.coeff;
    std::string atom = printAtom(t.atom, dims, syms, /*nested=*/mag != 1);
    if (mag != 1)
      atom += " * " + std::to_string(mag);
    if (out.empty())
      out = (t.coeff < 0 ? "-" : "") + atom;
    else
      out += (t.coeff < 0 ? " - " : " + ") + atom;
  }
  if (out.empty())
    return std::to_string(constant);
  if (constant > 0)
    out += " + " + std::to_string(constant);
  else if (constant < 0)
    out += " - " + std::to_string(-constant);
  return out;
}

static std::string printAtom(AffineExpr e, ArrayRef<StringRef> dims,
                             ArrayRef<StringRef> syms, bool nested) {
  if (auto d = dyn_cast<AffineDimExpr>(e))
    return d.getPosition() < dims.size()
               ? dims[d.getPosition()].str()
               : "d" + std::to_string(d.getPosition());
  if (auto s = dyn_cast<AffineSymbolExpr>(e))
    return "|" +
           (s.getPosition() < syms.size()
                ? syms[s.getPosition()].str()
                : "s" + std::to_string(s.getPosition())) +
           "|";
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return std::to_string(c.getValue());
  auto bin = cast<AffineBinaryOpExpr>(e);
  const char *op = nullptr;
  switch (e.getKind()) {
  case AffineExprKind::FloorDiv:
    op = " floordiv ";
    break;
  case AffineExprKind::CeilDiv:
    op = " ceildiv ";
    break;
  case AffineExprKind::Mod:
    op = " mod ";
    break;
  default:
    break;
  }
  std::string text;
  if (op) {
    text = printAtom(bin.getLHS(), dims, syms, /*nested=*/true) + op +
           printAtom(bin.getRHS(), dims, syms, /*nested=*/true);
  } else {
    SmallVector<Term> terms;
    collectTerms(e, 1, terms);
    if (terms.size() == 1 && terms[0].atom && terms[0].atom != e) {
      text = printTerms(terms, dims, syms);
    } else if (terms.size() == 1 && terms[0].atom == e) {
      // A product of two non-constant expressions (not affine in general).
      text = printAtom(bin.getLHS(), dims, syms, true) + " * " +
             printAtom(bin.getRHS(), dims, syms, true);
    } else {
      text = printTerms(terms, dims, syms);
    }
  }
  return nested ? "(" + text + ")" : text;
}

std::string cascade::ein::printRankExpr(AffineExpr expr,
                                        ArrayRef<StringRef> dimNames,
                                        ArrayRef<StringRef> symNames) {
  SmallVector<Term> terms;
  collectTerms(expr, 1, terms);
  return printTerms(terms, dimNames, symNames);
}

std::string cascade::ein::printRankConstraint(AffineExpr expr, bool isEq,
                                              ArrayRef<StringRef> dims,
                                              ArrayRef<StringRef> syms) {
  // expr >= 0 (or == 0): move the negative terms to the left-hand side so
  // that `p - m >= 0` prints as `m <= p`.
  SmallVector<Term> terms, lhs, rhs;
  collectTerms(expr, 1, terms);
  int64_t constant = 0;
  for (const Term &t : terms) {
    if (!t.atom)
      constant += t.coeff;
    else if (t.coeff < 0)
      lhs.push_back({-t.coeff, t.atom});
    else if (t.coeff > 0)
      rhs.push_back(t);
  }
  if (isEq) {
    // expr == 0 prints as `positive terms == negated negative terms`, which
    // parses back to the same expression.
    if (constant > 0)
      rhs.push_back({constant, AffineExpr()});
    else if (constant < 0)
      lhs.push_back({-constant, AffineExpr()});
    return printTerms(rhs, dims, syms) + " == " + printTerms(lhs, dims, syms);
  }
  const char *rel = " <= ";
  // lhs <= rhs + constant. A constant of -1 reads better as `<`.
  if (!isEq && constant == -1) {
    rel = " < ";
    constant = 0;
  }
  if (constant > 0)
    rhs.push_back({constant, AffineExpr()});
  else if (constant < 0)
    lhs.push_back({-constant, AffineExpr()});
  return printTerms(lhs, dims, syms) + rel + printTerms(rhs, dims, syms);
}

std::string cascade::ein::printAccess(EinsumOp op, AffineMap map) {
  SmallVector<StringRef> dims, syms;
  for (unsigned i = 0, e = op.getNumRanks(); i < e; ++i)
    dims.push_back(op.getRankName(i));
  for (Attribute a : op.getSymbols())
    syms.push_back(cast<StringAttr>(a).getValue());
  std::string out = "[";
  for (unsigned i = 0; i < map.getNumResults(); ++i) {
    if (i)
      out += ", ";
    out += printRankExpr(map.getResult(i), dims, syms);
  }
  return out + "]";
}

//===----------------------------------------------------------------------===//
// Rank expressions: parsing
//===----------------------------------------------------------------------===//

namespace {
/// Parses affine expressions over named ranks. Dims are the einsum's
/// iteration ranks; a name not seen yet becomes a new dim when `allowNew` is
/// set (the reduced ranks of an einsum are discovered this way). `|r|`
/// names the extent of cascade rank `r` and becomes a symbol.
struct RankExprParser {
  OpAsmParser &parser;
  SmallVector<std::string> &dims;
  SmallVector<std::string> &syms;
  bool allowNew = true;

  ParseResult parseExpr(AffineExpr &result) {
    bool negate = succeeded(parser.parseOptionalMinus());
    AffineExpr lhs;
    if (parseTerm(lhs))
      return failure();
    if (negate)
      lhs = -lhs;
    while (true) {
      if (succeeded(parser.parseOptionalPlus())) {
        AffineExpr rhs;
        if (parseTerm(rhs))
          return failure();
        lhs = lhs + rhs;
      } else if (succeeded(parser.parseOptionalMinus())) {
        AffineExpr rhs;
        if (parseTerm(rhs))
          return failure();
        lhs = lhs - rhs;
      } else {
        break;
      }
    }
    result = lhs;
    return success();
  }

  ParseResult parseTerm(AffineExpr &result) {
    AffineExpr lhs;
    if (parseFactor(lhs))
      return failure();
    while (true) {
      AffineExpr rhs;
      SMLoc opLoc = parser.getCurrentLocation();
      if (succeeded(parser.parseOptionalStar())) {
        if (parseFactor(rhs))
          return failure();
        if (!isa<AffineConstantExpr>(lhs) && !isa<AffineConstantExpr>(rhs))
          return parser.emitError(opLoc, "a product of two ranks is not "
                                         "affine; one side must be a constant");
        lhs = lhs * rhs;
      } else if (succeeded(parser.parseOptionalKeyword("floordiv"))) {
        if (parseFactor(rhs) || checkDivisor(opLoc, rhs, "floordiv"))
          return failure();
        lhs = lhs.floorDiv(rhs);
      } else if (succeeded(parser.parseOptionalKeyword("ceildiv"))) {
        if (parseFactor(rhs) || checkDivisor(opLoc, rhs, "ceildiv"))
          return failure();
        lhs = lhs.ceilDiv(rhs);
      } else if (succeeded(parser.parseOptionalKeyword("mod"))) {
        if (parseFactor(rhs) || checkDivisor(opLoc, rhs, "mod"))
          return failure();
        lhs = lhs % rhs;
      } else {
        break;
      }
    }
    result = lhs;
    return success();
  }

  ParseResult checkDivisor(SMLoc loc, AffineExpr rhs, StringRef op) {
    auto c = dyn_cast<AffineConstantExpr>(rhs);
    if (!c || c.getValue() <= 0)
      return parser.emitError(loc, "the right-hand side of `")
             << op << "` must be a positive integer";
    return success();
  }

  ParseResult parseFactor(AffineExpr &result) {
    MLIRContext *ctx = parser.getContext();
    int64_t value;
    OptionalParseResult intResult = parser.parseOptionalInteger(value);
    if (intResult.has_value()) {
      if (failed(*intResult))
        return failure();
      result = getAffineConstantExpr(value, ctx);
      return success();
    }
    if (succeeded(parser.parseOptionalLParen())) {
      if (parseExpr(result) || parser.parseRParen())
        return failure();
      return success();
    }
    if (succeeded(parser.parseOptionalVerticalBar())) {
      StringRef nameRef;
      if (parser.parseKeyword(&nameRef) || parser.parseVerticalBar())
        return failure();
      std::string name = nameRef.str();
      result = getAffineSymbolExpr(indexOf(syms, name, /*allowNew=*/true), ctx);
      return success();
    }
    SMLoc loc = parser.getCurrentLocation();
    StringRef nameRef;
    if (failed(parser.parseOptionalKeyword(&nameRef)))
      return parser.emitError(loc, "expected a rank name, an integer, `|rank|` "
                                   "or a parenthesized expression");
    std::string name = nameRef.str();
    int64_t idx = indexOf(dims, name, allowNew);
    if (idx < 0)
      return parser.emitError(loc, "unknown rank '") << name << "'";
    result = getAffineDimExpr(idx, ctx);
    return success();
  }

  static int64_t indexOf(SmallVectorImpl<std::string> &names, StringRef name,
                         bool allowNew) {
    for (auto [i, n] : llvm::enumerate(names))
      if (n == name)
        return i;
    if (!allowNew)
      return -1;
    names.push_back(name.str());
    return names.size() - 1;
  }

  /// `[e, e, ...]`
  ParseResult parseAccess(SmallVectorImpl<AffineExpr> &exprs) {
    return parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square,
                                          [&]() -> ParseResult {
                                            AffineExpr e;
                                            if (parseExpr(e))
                                              return failure();
                                            exprs.push_back(e);
                                            return success();
                                          });
  }
};
} // namespace

/// Parses a float that may be written `inf`, `-inf` or `nan`.
static ParseResult parseExtendedFloat(OpAsmParser &parser, double &value) {
  bool negate = succeeded(parser.parseOptionalMinus());
  if (succeeded(parser.parseOptionalKeyword("inf")))
    value = std::numeric_limits<double>::infinity();
  else if (succeeded(parser.parseOptionalKeyword("nan")))
    value = std::numeric_limits<double>::quiet_NaN();
  else if (parser.parseFloat(value))
    return failure();
  if (negate)
    value = -value;
  return success();
}

static void printExtendedFloat(OpAsmPrinter &p, double value) {
  if (std::isinf(value)) {
    p << (value < 0 ? "-inf" : "inf");
    return;
  }
  if (std::isnan(value)) {
    p << "nan";
    return;
  }
  // Shortest text that reads back to the same double, with a '.' so the
  // lexer takes it as a float literal (1e+30 -> 1.0e+30, 2 -> 2.0).
  std::string s;
  for (int precision = 1; precision <= 17; ++precision) {
    std::ostringstream os;
    os.precision(precision);
    os << value;
    s = os.str();
    if (std::stod(s) == value)
      break;
  }
  if (s.find_first_of(".") == std::string::npos) {
    size_t e = s.find_first_of("eE");
    s.insert(e == std::string::npos ? s.size() : e, ".0");
  }
  p << s;
}

//===----------------------------------------------------------------------===//
// CascadeOp
//===----------------------------------------------------------------------===//

RegionKind CascadeOp::getRegionKind(unsigned index) {
  return RegionKind::Graph;
}

void CascadeOp::getAsmBlockArgumentNames(Region &region,
                                         OpAsmSetValueNameFn setNameFn) {
  ArrayAttr names = getInputNames();
  for (auto [i, arg] : llvm::enumerate(region.getArguments()))
    if (i < names.size())
      setNameFn(arg, cast<StringAttr>(names[i]).getValue());
}

RankAttr CascadeOp::lookupRank(StringRef name) {
  for (Attribute a : getRanks())
    if (auto r = dyn_cast<RankAttr>(a); r && r.getName().getValue() == name)
      return r;
  return {};
}

int64_t CascadeOp::rankIndex(StringRef name) {
  for (auto [i, a] : llvm::enumerate(getRanks()))
    if (cast<RankAttr>(a).getName().getValue() == name)
      return i;
  return -1;
}

int64_t CascadeOp::staticExtent(StringRef name) {
  RankAttr r = lookupRank(name);
  if (!r)
    return ShapedType::kDynamic;
  if (r.isBound() && r.getOperand() < (int64_t)getInputs().size()) {
    auto t = cast<RankedTensorType>(getInputs()[r.getOperand()].getType());
    if (r.getDim() >= 0 && r.getDim() < t.getRank())
      return t.getDimSize(r.getDim());
  }
  return r.getExtent();
}

std::string CascadeOp::uniqueRankName(StringRef base) {
  if (!lookupRank(base))
    return base.str();
  for (int i = 0;; ++i) {
    std::string n = (base + "_" + Twine(i)).str();
    if (!lookupRank(n))
      return n;
  }
}

std::string CascadeOp::uniqueTensorName(StringRef base) {
  llvm::StringSet<> used;
  for (Attribute a : getInputNames())
    used.insert(cast<StringAttr>(a).getValue());
  for (auto e : getBodyBlock().getOps<EinsumOp>())
    used.insert(e.getName());
  if (!used.contains(base))
    return base.str();
  for (int i = 1;; ++i) {
    std::string n = (base + Twine(i)).str();
    if (!used.contains(n))
      return n;
  }
}

SmallVector<EinsumOp>
cascade::ein::einsumsInDependenceOrder(CascadeOp cascade) {
  SmallVector<EinsumOp> order;
  DenseSet<Operation *> done;
  std::function<void(EinsumOp)> visit = [&](EinsumOp e) {
    if (!done.insert(e).second)
      return;
    for (Value v : e.getInputs())
      if (auto p = v.getDefiningOp<EinsumOp>(); p && p != e)
        visit(p);
    order.push_back(e);
  };
  for (EinsumOp e : cascade.getBodyBlock().getOps<EinsumOp>())
    visit(e);
  return order;
}

ParseResult CascadeOp::parse(OpAsmParser &parser, OperationState &result) {
  MLIRContext *ctx = parser.getContext();
  std::string name;
  if (parser.parseString(&name))
    return failure();
  result.addAttribute("name", StringAttr::get(ctx, name));

  // ranks [b: 2, p: dim(0, 2), m1: m floordiv 64, m0: m mod 64]
  SmallVector<Attribute> ranks;
  auto findRank = [&](StringRef n) -> RankAttr {
    for (Attribute a : ranks)
      if (cast<RankAttr>(a).getName().getValue() == n)
        return cast<RankAttr>(a);
    return {};
  };
  if (parser.parseKeyword("ranks") ||
      parser.parseCommaSeparatedList(
          OpAsmParser::Delimiter::Square, [&]() -> ParseResult {
            SMLoc loc = parser.getCurrentLocation();
            StringRef rankRef;
            if (parser.parseKeyword(&rankRef) || parser.parseColon())
              return failure();
            std::string rank = rankRef.str();
            if (findRank(rank))
              return parser.emitError(loc, "rank '")
                     << rank << "' declared twice";
            StringAttr rankName = StringAttr::get(ctx, rank);
            StringAttr none = StringAttr::get(ctx, "");
            int64_t extent;
            OptionalParseResult ir = parser.parseOptionalInteger(extent);
            if (ir.has_value()) {
              if (failed(*ir))
                return failure();
              if (extent < 0)
                return parser.emitError(loc, "rank '")
                       << rank << "' has a negative extent " << extent;
              ranks.push_back(
                  RankAttr::get(ctx, rankName, extent, -1, -1, none, 0, 0));
              return success();
            }
            if (succeeded(parser.parseOptionalKeyword("dim"))) {
              int64_t operand, dim;
              if (parser.parseLParen() || parser.parseInteger(operand) ||
                  parser.parseComma() || parser.parseInteger(dim) ||
                  parser.parseRParen())
                return failure();
              if (operand < 0 || dim < 0)
                return parser.emitError(loc, "rank '")
                       << rank << "' is bound to dim(" << operand << ", " << dim
                       << "); both must be non-negative";
              ranks.push_back(RankAttr::get(ctx, rankName, ShapedType::kDynamic,
                                            operand, dim, none, 0, 0));
              return success();
            }
            SMLoc parentLoc = parser.getCurrentLocation();
            StringRef parentRef;
            if (parser.parseKeyword(&parentRef))
              return failure();
            std::string parent = parentRef.str();
            RankAttr p = findRank(parent);
            if (!p)
              return parser.emitError(parentLoc, "rank '")
                     << rank << "' is a part of '" << parent
                     << "', which is not declared before it";
            bool outer;
            if (succeeded(parser.parseOptionalKeyword("floordiv")))
              outer = true;
            else if (parser.parseKeyword(
                         "mod", " or `floordiv` after the parent rank"))
              return failure();
            else
              outer = false;
            int64_t tile;
            SMLoc tileLoc = parser.getCurrentLocation();
            if (parser.parseInteger(tile))
              return failure();
            if (tile <= 0)
              return parser.emitError(tileLoc,
                                      "tile size must be positive, found ")
                     << tile;
            int64_t ext = tile;
            if (outer)
              ext = p.isStatic() ? (p.getExtent() + tile - 1) / tile
                                 : ShapedType::kDynamic;
            ranks.push_back(RankAttr::get(ctx, rankName, ext, -1, -1,
                                          p.getName(), tile, outer ? 1 : 0));
            return success();
          }))
    return failure();
  result.addAttribute("ranks", ArrayAttr::get(ctx, ranks));

  // ins(%Q = %q : type, ...)
  SmallVector<OpAsmParser::Argument> args;
  SmallVector<OpAsmParser::UnresolvedOperand> operands;
  SmallVector<Type> types;
  SmallVector<Attribute> inputNames;
  if (parser.parseKeyword("ins") ||
      parser.parseCommaSeparatedList(
          OpAsmParser::Delimiter::Paren, [&]() -> ParseResult {
            OpAsmParser::Argument arg;
            OpAsmParser::UnresolvedOperand operand;
            if (parser.parseArgument(arg) || parser.parseEqual() ||
                parser.parseOperand(operand) || parser.parseColonType(arg.type))
              return failure();
            args.push_back(arg);
            operands.push_back(operand);
            types.push_back(arg.type);
            inputNames.push_back(
                StringAttr::get(ctx, arg.ssaName.name.drop_front()));
            return success();
          }))
    return failure();
  result.addAttribute("input_names", ArrayAttr::get(ctx, inputNames));
  if (parser.resolveOperands(operands, types, parser.getCurrentLocation(),
                             result.operands))
    return failure();
  if (parser.parseOptionalArrowTypeList(result.types))
    return failure();
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  Region *body = result.addRegion();
  if (parser.parseRegion(*body, args))
    return failure();
  CascadeOp::ensureTerminator(*body, parser.getBuilder(), result.location);
  return success();
}

void CascadeOp::print(OpAsmPrinter &p) {
  p << " ";
  p.printString(getName());
  p << " ranks [";
  llvm::interleaveComma(getRanks(), p, [&](Attribute a) {
    auto r = cast<RankAttr>(a);
    p << r.getName().getValue() << ": ";
    if (r.isPartition())
      p << r.getParent().getValue()
        << (r.isOuterPart() ? " floordiv " : " mod ") << r.getTile();
    else if (r.isBound())
      p << "dim(" << r.getOperand() << ", " << r.getDim() << ")";
    else
      p << r.getExtent();
  });
  p << "]";
  p.increaseIndent();
  p.printNewline();
  p << "ins(";
  llvm::interleaveComma(llvm::zip(getBodyBlock().getArguments(), getInputs()),
                        p, [&](auto pair) {
                          p << std::get<0>(pair) << " = " << std::get<1>(pair)
                            << " : " << std::get<1>(pair).getType();
                        });
  p << ")";
  p.printOptionalArrowTypeList(getResultTypes());
  p.decreaseIndent();
  p.printOptionalAttrDictWithKeyword((*this)->getAttrs(),
                                     {"name", "ranks", "input_names"});
  p << " ";
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false,
                /*printBlockTerminators=*/true);
}

/// Same-iteration dependences: an einsum depends on the producers of its
/// operands, except on itself (a recurrence reads its own previous value).
static LogicalResult verifyAcyclic(CascadeOp op) {
  DenseMap<Operation *, int> state; // 1 visiting, 2 done
  std::function<LogicalResult(EinsumOp)> visit =
      [&](EinsumOp e) -> LogicalResult {
    int &s = state[e];
    if (s == 2)
      return success();
    if (s == 1)
      return e.emitOpError() << "'" << e.getName()
                             << "' is part of a cycle of einsums; only a "
                                "recurrence may use its own result";
    s = 1;
    for (Value v : e.getInputs())
      if (auto def = v.getDefiningOp<EinsumOp>(); def && def != e)
        if (failed(visit(def)))
          return failure();
    state[e] = 2;
    return success();
  };
  for (auto e : op.getBodyBlock().getOps<EinsumOp>())
    if (failed(visit(e)))
      return failure();
  return success();
}

namespace {
/// A closed integer interval; `known` is false when an extent is dynamic.
struct Interval {
  int64_t lo = 0, hi = 0;
  bool known = true;
};
} // namespace

/// The values `e` takes over the box of `op`'s ranks, each in
/// [0, extent - 1]; symbols are the extents themselves. Partition parts are
/// left unknown: their combination m1 * T + m0 is bounded by the parent, not
/// by the box.
static Interval rangeOf(AffineExpr e, EinsumOp op, CascadeOp cascade) {
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return {c.getValue(), c.getValue(), true};
  if (auto d = dyn_cast<AffineDimExpr>(e)) {
    RankAttr r = cascade.lookupRank(op.getRankName(d.getPosition()));
    int64_t ext = cascade.staticExtent(op.getRankName(d.getPosition()));
    if (!r || r.isPartition() || ShapedType::isDynamic(ext) || ext <= 0)
      return {0, 0, false};
    return {0, ext - 1, true};
  }
  if (auto sym = dyn_cast<AffineSymbolExpr>(e)) {
    StringRef name =
        cast<StringAttr>(op.getSymbols()[sym.getPosition()]).getValue();
    int64_t ext = cascade.staticExtent(name);
    if (ShapedType::isDynamic(ext))
      return {0, 0, false};
    return {ext, ext, true};
  }
  auto bin = cast<AffineBinaryOpExpr>(e);
  Interval l = rangeOf(bin.getLHS(), op, cascade);
  Interval r = rangeOf(bin.getRHS(), op, cascade);
  if (!l.known || !r.known)
    return {0, 0, false};
  switch (e.getKind()) {
  case AffineExprKind::Add:
    return {l.lo + r.lo, l.hi + r.hi, true};
  case AffineExprKind::Mul: {
    int64_t a = l.lo * r.lo, b = l.lo * r.hi, c = l.hi * r.lo, d = l.hi * r.hi;
    return {std::min({a, b, c, d}), std::max({a, b, c, d}), true};
  }
  case AffineExprKind::FloorDiv:
  case AffineExprKind::CeilDiv: {
    if (r.lo != r.hi || r.lo <= 0)
      return {0, 0, false};
    int64_t k = r.lo;
    auto div = [&](int64_t x) {
      int64_t q = x / k;
      if (e.getKind() == AffineExprKind::FloorDiv)
        return (x % k != 0 && x < 0) ? q - 1 : q;
      return (x % k != 0 && x > 0) ? q + 1 : q;
    };
    return {div(l.lo), div(l.hi), true};
  }
  case AffineExprKind::Mod:
    if (r.lo != r.hi || r.lo <= 0)
      return {0, 0, false};
    if (l.lo >= 0 && l.hi < r.lo)
      return l;
    return {0, r.lo - 1, true};
  default:
    return {0, 0, false};
  }
}

LogicalResult CascadeOp::verifyRegions() {
  // The rank table.
  llvm::StringSet<> seen;
  for (Attribute a : getRanks()) {
    auto r = dyn_cast<RankAttr>(a);
    if (!r)
      return emitOpError() << "rank table entries must be #ein.rank, found "
                           << a;
    StringRef n = r.getName().getValue();
    if (!seen.insert(n).second)
      return emitOpError() << "rank '" << n << "' declared twice";
    if (r.getExtent() < 0 && r.getExtent() != ShapedType::kDynamic)
      return emitOpError() << "rank '" << n << "' has a negative extent "
                           << r.getExtent();
    if (r.getExtent() == ShapedType::kDynamic && !r.isBound() &&
        !r.isPartition())
      return emitOpError() << "rank '" << n
                           << "' has a dynamic extent but is bound to no "
                              "input dimension";
    if (r.isBound() && r.getOperand() < 0)
      return emitOpError() << "rank '" << n << "' is bound to input "
                           << r.getOperand();
    if (r.isPartition() &&
        (r.getTile() <= 0 || (r.getPart() != 0 && r.getPart() != 1)))
      return emitOpError() << "rank '" << n << "' has an invalid partition";
    if (r.isPartition() && !lookupRank(r.getParent().getValue()))
      return emitOpError() << "rank '" << n
                           << "' is a part of undeclared rank '"
                           << r.getParent().getValue() << "'";
    if (r.isBound()) {
      if (r.getOperand() >= (int64_t)getInputs().size())
        return emitOpError()
               << "rank '" << n << "' is bound to input " << r.getOperand()
               << " but the cascade has " << getInputs().size() << " inputs";
      auto t = cast<RankedTensorType>(getInputs()[r.getOperand()].getType());
      if (r.getDim() < 0 || r.getDim() >= t.getRank())
        return emitOpError() << "rank '" << n << "' is bound to dimension "
                             << r.getDim() << " of input " << r.getOperand()
                             << ", which has rank " << t.getRank();
    }
  }

  Block &block = getBodyBlock();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError() << "expected " << getInputs().size()
                         << " region arguments, found "
                         << block.getNumArguments();
  for (auto [arg, in] : llvm::zip(block.getArguments(), getInputs()))
    if (arg.getType() != in.getType())
      return emitOpError() << "region argument type " << arg.getType()
                           << " differs from input type " << in.getType();
  if (getInputNames().size() != getInputs().size())
    return emitOpError() << "expected " << getInputs().size()
                         << " input names, found " << getInputNames().size();

  auto yield = cast<YieldOp>(block.getTerminator());
  if (yield.getValues().size() != getNumResults())
    return emitOpError() << "yields " << yield.getValues().size()
                         << " values but has " << getNumResults() << " results";
  for (auto [v, t] : llvm::zip(yield.getValues(), getResultTypes()))
    if (v.getType() != t)
      return emitOpError() << "yields " << v.getType()
                           << " for a result of type " << t;

  // Each einsum: its ranks exist here, its result shape matches the extents.
  for (Operation &nested : block.without_terminator()) {
    auto e = dyn_cast<EinsumOp>(nested);
    if (!e)
      return nested.emitOpError() << "is not allowed in an ein.cascade body; "
                                     "only ein.einsum and ein.yield are";
    for (unsigned i = 0; i < e.getNumRanks(); ++i)
      if (!lookupRank(e.getRankName(i)))
        return e.emitOpError() << "uses rank '" << e.getRankName(i)
                               << "', which the cascade does not declare";
    for (Attribute s : e.getSymbols())
      if (!lookupRank(cast<StringAttr>(s).getValue()))
        return e.emitOpError()
               << "uses the extent of rank '" << cast<StringAttr>(s).getValue()
               << "', which the cascade does not declare";
    auto type = cast<RankedTensorType>(e.getType());
    int64_t rec = e.getRecurrencePosition();
    for (unsigned i = 0; i < type.getRank(); ++i) {
      StringRef rank = e.getRankName(e.getOutputDim(i));
      int64_t ext = staticExtent(rank);
      if (ext == ShapedType::kDynamic || type.isDynamicDim(i))
        continue;
      if ((int64_t)i == rec)
        ++ext;
      if (type.getDimSize(i) != ext)
        return e.emitOpError()
               << "'" << e.getName() << "' dimension " << i << " (rank '"
               << rank << "'" << ((int64_t)i == rec ? " + 1" : "")
               << ") must have extent " << ext << ", found "
               << type.getDimSize(i);
    }
  }
  // Accesses stay inside the tensors they read, where extents are static.
  for (auto e : block.getOps<EinsumOp>())
    for (auto [i, v] : llvm::enumerate(e.getInputs())) {
      auto t = cast<RankedTensorType>(v.getType());
      AffineMap m = e.getInputMap(i);
      for (unsigned pos = 0; pos < m.getNumResults(); ++pos) {
        Interval range = rangeOf(m.getResult(pos), e, *this);
        int64_t size = t.getDimSize(pos);
        if (!range.known || ShapedType::isDynamic(size))
          continue;
        if (range.lo < 0 || range.hi >= size)
          return e.emitOpError()
                 << "reads '" << tensorName(v) << "' at " << printAccess(e, m)
                 << ": index " << pos << " takes values in [" << range.lo
                 << ", " << range.hi << "], outside the extent " << size;
      }
    }
  if (TileMapAttr tiles = getTilesAttr()) {
    for (Attribute a :
         llvm::concat<Attribute>(llvm::to_vector(tiles.getDims()),
                                 llvm::to_vector(tiles.getSymbols())))
      if (!lookupRank(cast<StringAttr>(a).getValue()))
        return emitOpError() << "tile map names undeclared rank " << a;
    if (!tiles.getInner().getValue().empty() &&
        !lookupRank(tiles.getInner().getValue()))
      return emitOpError() << "tile map names undeclared rank "
                           << tiles.getInner();
    if (!llvm::is_contained(tiles.getDims(), tiles.getRank()))
      return emitOpError() << "tile map's rank '" << tiles.getRank().getValue()
                           << "' is not one of its dims";
    if (StringAttr classes = tiles.getClasses()) {
      auto it =
          llvm::find_if(getBodyBlock().getOps<EinsumOp>(), [&](EinsumOp e) {
            return e.getName() == classes.getValue();
          });
      if (it == getBodyBlock().getOps<EinsumOp>().end())
        return emitOpError()
               << "tile map's classes name no einsum: " << classes;
      EinsumOp c = *it;
      if (c.getReduction() != ReductionKind::None || c.isRecurrence() ||
          c.rankIndex(tiles.getRank().getValue()) < 0)
        return emitOpError() << "tile map's classes '" << classes.getValue()
                             << "' must be a plain einsum over the rank '"
                             << tiles.getRank().getValue() << "'";
    }
  }
  return verifyAcyclic(*this);
}

//===----------------------------------------------------------------------===//
// TileMapAttr
//===----------------------------------------------------------------------===//

LogicalResult TileMapAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                  StringAttr rank, ArrayAttr dims,
                                  ArrayAttr symbols, ArrayAttr visit,
                                  ArrayAttr partial, StringAttr inner,
                                  ArrayAttr points, StringAttr classes) {
  for (ArrayAttr names : {dims, symbols})
    for (Attribute a : names)
      if (!isa<StringAttr>(a))
        return emitError() << "tile map dims and symbols must be strings, "
                              "found "
                           << a;
  for (ArrayAttr sets : {visit, partial})
    for (Attribute a : sets) {
      auto set = dyn_cast<IntegerSetAttr>(a);
      if (!set)
        return emitError() << "tile map sets must be affine_set, found " << a;
      if (set.getValue().getNumDims() != dims.size() ||
          set.getValue().getNumSymbols() != symbols.size())
        return emitError() << "tile map set " << a << " must have "
                           << dims.size() << " dims and " << symbols.size()
                           << " symbols";
    }
  for (Attribute a : points) {
    auto set = dyn_cast<IntegerSetAttr>(a);
    if (!set || set.getValue().getNumDims() != dims.size() + 1 ||
        set.getValue().getNumSymbols() != symbols.size())
      return emitError() << "tile map points must be affine_set with "
                         << dims.size() + 1 << " dims and " << symbols.size()
                         << " symbols, found " << a;
  }
  if (!points.empty() && inner.getValue().empty())
    return emitError() << "tile map points need the inner rank they bound";
  return success();
}

static SmallVector<IntegerSet> setsOf(ArrayAttr sets) {
  SmallVector<IntegerSet> r;
  for (Attribute a : sets)
    r.push_back(cast<IntegerSetAttr>(a).getValue());
  return r;
}
SmallVector<IntegerSet> TileMapAttr::getVisitSets() const {
  return setsOf(getVisit());
}
SmallVector<IntegerSet> TileMapAttr::getPartialSets() const {
  return setsOf(getPartial());
}
SmallVector<IntegerSet> TileMapAttr::getPointSets() const {
  return setsOf(getPoints());
}

//===----------------------------------------------------------------------===//
// EinsumOp
//===----------------------------------------------------------------------===//

void EinsumOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), getName());
}

void EinsumOp::getAsmBlockArgumentNames(Region &region,
                                        OpAsmSetValueNameFn setNameFn) {
  // The scalar read from `QK` prints as `%qk`.
  for (auto [arg, input] : llvm::zip(region.getArguments(), getInputs()))
    setNameFn(arg, StringRef(tensorName(input)).lower());
}

int64_t EinsumOp::rankIndex(StringRef name) {
  for (unsigned i = 0; i < getNumRanks(); ++i)
    if (getRankName(i) == name)
      return i;
  return -1;
}

/// Decomposes an output expression into (dim, offset): `d` or `d + 1`.
static bool matchOutputExpr(AffineExpr e, unsigned &dim, int64_t &offset) {
  if (auto d = dyn_cast<AffineDimExpr>(e)) {
    dim = d.getPosition();
    offset = 0;
    return true;
  }
  if (e.getKind() != AffineExprKind::Add)
    return false;
  auto bin = cast<AffineBinaryOpExpr>(e);
  auto d = dyn_cast<AffineDimExpr>(bin.getLHS());
  auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
  if (!d || !c)
    return false;
  dim = d.getPosition();
  offset = c.getValue();
  return true;
}

unsigned EinsumOp::getOutputDim(unsigned i) {
  unsigned dim = 0;
  int64_t offset;
  (void)matchOutputExpr(getOutputMap().getResult(i), dim, offset);
  return dim;
}

int64_t EinsumOp::getRecurrencePosition() {
  AffineMap out = getOutputMap();
  for (unsigned i = 0; i < out.getNumResults(); ++i) {
    unsigned dim;
    int64_t offset;
    if (matchOutputExpr(out.getResult(i), dim, offset) && offset == 1)
      return i;
  }
  return -1;
}

int64_t EinsumOp::getIterativeDim() {
  int64_t pos = getRecurrencePosition();
  return pos < 0 ? -1 : (int64_t)getOutputDim(pos);
}

SmallVector<unsigned> EinsumOp::getReducedDims() {
  SmallVector<unsigned> dims;
  for (unsigned d = 0; d < getNumRanks(); ++d)
    if (isReducedDim(d))
      dims.push_back(d);
  return dims;
}

bool EinsumOp::isReducedDim(unsigned d) {
  AffineMap out = getOutputMap();
  for (unsigned i = 0; i < out.getNumResults(); ++i)
    if (getOutputDim(i) == d)
      return false;
  return true;
}

SmallVector<IntegerSet> EinsumOp::getConditionSets() {
  SmallVector<IntegerSet> sets;
  if (std::optional<ArrayAttr> cond = getCondition())
    for (Attribute a : *cond)
      if (auto set = dyn_cast<IntegerSetAttr>(a))
        sets.push_back(set.getValue());
  return sets;
}

double EinsumOp::getEffectiveFill() {
  if (getReduction() != ReductionKind::None)
    return reductionIdentity(getReduction());
  if (std::optional<APFloat> f = getFill())
    return f->convertToDouble();
  return 0.0;
}

ParseResult EinsumOp::parse(OpAsmParser &parser, OperationState &result) {
  MLIRContext *ctx = parser.getContext();
  Builder &b = parser.getBuilder();
  StringRef name;
  if (parser.parseKeyword(&name))
    return failure();
  result.addAttribute("name", StringAttr::get(ctx, name));

  SmallVector<std::string> dims, syms;
  RankExprParser exprs{parser, dims, syms};

  SmallVector<AffineExpr> outExprs;
  SMLoc outLoc = parser.getCurrentLocation();
  if (exprs.parseAccess(outExprs))
    return failure();
  for (AffineExpr e : outExprs) {
    unsigned d;
    int64_t off;
    if (!matchOutputExpr(e, d, off) || (off != 0 && off != 1))
      return parser.emitError(outLoc, "an output access must list ranks, "
                                      "optionally one `rank + 1`");
  }
  unsigned numOutputDims = dims.size();

  ReductionKind kind = ReductionKind::None;
  if (succeeded(parser.parseOptionalPlus()))
    kind = ReductionKind::Add;
  else if (succeeded(parser.parseOptionalStar()))
    kind = ReductionKind::Mul;
  else if (succeeded(parser.parseOptionalKeyword("max")))
    kind = ReductionKind::Max;
  else if (succeeded(parser.parseOptionalKeyword("min")))
    kind = ReductionKind::Min;
  if (parser.parseEqual())
    return failure();
  result.addAttribute("reduction", ReductionKindAttr::get(ctx, kind));

  SmallVector<OpAsmParser::UnresolvedOperand> operands;
  SmallVector<SmallVector<AffineExpr>> inExprs;
  if (parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Paren,
                                     [&]() -> ParseResult {
                                       OpAsmParser::UnresolvedOperand operand;
                                       if (parser.parseOperand(operand))
                                         return failure();
                                       operands.push_back(operand);
                                       inExprs.emplace_back();
                                       return exprs.parseAccess(inExprs.back());
                                     }))
    return failure();
  (void)numOutputDims;

  // where (c, c, ...) or (c, ...): a union of conjunctions.
  SmallVector<std::pair<SmallVector<AffineExpr>, SmallVector<bool>>> disjuncts;
  if (succeeded(parser.parseOptionalKeyword("where"))) {
    exprs.allowNew = false;
    do {
      auto &[constraints, eqFlags] = disjuncts.emplace_back();
      if (parser.parseCommaSeparatedList(
              OpAsmParser::Delimiter::Paren, [&]() -> ParseResult {
                AffineExpr lhs, rhs;
                if (exprs.parseExpr(lhs))
                  return failure();
                SMLoc relLoc = parser.getCurrentLocation();
                enum { LE, LT, GE, GT, EQ } rel;
                if (succeeded(parser.parseOptionalLess()))
                  rel = succeeded(parser.parseOptionalEqual()) ? LE : LT;
                else if (succeeded(parser.parseOptionalGreater()))
                  rel = succeeded(parser.parseOptionalEqual()) ? GE : GT;
                else if (succeeded(parser.parseOptionalEqual()) &&
                         succeeded(parser.parseOptionalEqual()))
                  rel = EQ;
                else
                  return parser.emitError(relLoc,
                                          "expected one of <=, <, >=, >, ==");
                if (exprs.parseExpr(rhs))
                  return failure();
                switch (rel) {
                case LE:
                  constraints.push_back(rhs - lhs);
                  break;
                case LT:
                  constraints.push_back(rhs - lhs - 1);
                  break;
                case GE:
                  constraints.push_back(lhs - rhs);
                  break;
                case GT:
                  constraints.push_back(lhs - rhs - 1);
                  break;
                case EQ:
                  constraints.push_back(lhs - rhs);
                  break;
                }
                eqFlags.push_back(rel == EQ);
                return success();
              }))
        return failure();
    } while (succeeded(parser.parseOptionalKeyword("or")));
  }
  auto parseOptionalFloatAttr = [&](StringRef keyword) -> ParseResult {
    if (failed(parser.parseOptionalKeyword(keyword)))
      return success();
    double v;
    if (parser.parseLParen() || parseExtendedFloat(parser, v) ||
        parser.parseRParen())
      return failure();
    result.addAttribute(keyword, b.getF64FloatAttr(v));
    return success();
  };
  if (parseOptionalFloatAttr("init") || parseOptionalFloatAttr("fill"))
    return failure();

  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  Region *map = result.addRegion();
  if (parser.parseRegion(*map))
    return failure();

  FunctionType fnType;
  SMLoc typeLoc = parser.getCurrentLocation();
  if (parser.parseColonType(fnType))
    return failure();
  if (fnType.getNumResults() != 1)
    return parser.emitError(typeLoc, "expected one result type");
  if (parser.resolveOperands(operands, fnType.getInputs(), typeLoc,
                             result.operands))
    return failure();
  result.addTypes(fnType.getResults());

  // Attributes that need the full list of dims and symbols.
  unsigned nd = dims.size(), ns = syms.size();
  SmallVector<Attribute> rankNames, symNames, inMaps;
  for (auto &d : dims)
    rankNames.push_back(StringAttr::get(ctx, d));
  for (auto &s : syms)
    symNames.push_back(StringAttr::get(ctx, s));
  for (auto &in : inExprs)
    inMaps.push_back(AffineMapAttr::get(AffineMap::get(nd, ns, in, ctx)));
  result.addAttribute("ranks", ArrayAttr::get(ctx, rankNames));
  result.addAttribute("symbols", ArrayAttr::get(ctx, symNames));
  result.addAttribute(
      "output_map", AffineMapAttr::get(AffineMap::get(nd, ns, outExprs, ctx)));
  result.addAttribute("input_maps", ArrayAttr::get(ctx, inMaps));
  if (!disjuncts.empty()) {
    SmallVector<Attribute> sets;
    for (auto &[constraints, eqFlags] : disjuncts)
      sets.push_back(
          IntegerSetAttr::get(IntegerSet::get(nd, ns, constraints, eqFlags)));
    result.addAttribute("condition", ArrayAttr::get(ctx, sets));
  }
  return success();
}

void EinsumOp::print(OpAsmPrinter &p) {
  SmallVector<StringRef> dims, syms;
  for (unsigned i = 0; i < getNumRanks(); ++i)
    dims.push_back(getRankName(i));
  for (Attribute a : getSymbols())
    syms.push_back(cast<StringAttr>(a).getValue());
  p << " " << getName() << printAccess(*this, getOutputMap()) << " "
    << reductionOperator(getReduction()) << " (";
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    if (i)
      p << ", ";
    p << v << printAccess(*this, getInputMap(i));
  }
  p << ")";
  SmallVector<IntegerSet> cond = getConditionSets();
  for (auto [k, set] : llvm::enumerate(cond)) {
    p << (k ? " or (" : " where (");
    for (unsigned i = 0; i < set.getNumConstraints(); ++i) {
      if (i)
        p << ", ";
      p << printRankConstraint(set.getConstraint(i), set.isEq(i), dims, syms);
    }
    p << ")";
  }
  if (std::optional<APFloat> v = getInit()) {
    p << " init(";
    printExtendedFloat(p, v->convertToDouble());
    p << ")";
  }
  if (std::optional<APFloat> v = getFill()) {
    p << " fill(";
    printExtendedFloat(p, v->convertToDouble());
    p << ")";
  }
  p.printOptionalAttrDictWithKeyword((*this)->getAttrs(),
                                     {"name", "ranks", "symbols", "output_map",
                                      "input_maps", "reduction", "condition",
                                      "init", "fill"});
  p << " ";
  p.printRegion(getMap(), /*printEntryBlockArgs=*/true,
                /*printBlockTerminators=*/true);
  p << " : ";
  Type resultType = getResult().getType();
  p.printFunctionalType(getInputs().getTypes(), ArrayRef<Type>(resultType));
}

LogicalResult EinsumOp::verify() {
  unsigned nd = getNumRanks(), ns = getSymbols().size();
  llvm::StringSet<> seen;
  for (unsigned i = 0; i < nd; ++i)
    if (!seen.insert(getRankName(i)).second)
      return emitOpError() << "rank '" << getRankName(i)
                           << "' appears twice in the iteration space";

  auto checkMap = [&](AffineMap m, StringRef what) -> LogicalResult {
    if (m.getNumDims() != nd || m.getNumSymbols() != ns)
      return emitOpError() << what << " must have " << nd << " dims and " << ns
                           << " symbols, found " << m.getNumDims() << " and "
                           << m.getNumSymbols();
    for (AffineExpr e : m.getResults())
      if (!e.isPureAffine())
        return emitOpError() << what << " must be affine in the ranks, found "
                             << AffineMapAttr::get(AffineMap::get(nd, ns, e));
    return success();
  };
  AffineMap out = getOutputMap();
  if (failed(checkMap(out, "the output map")))
    return failure();
  auto type = cast<RankedTensorType>(getType());
  if (out.getNumResults() != type.getRank())
    return emitOpError() << "'" << getName() << "' is accessed with "
                         << out.getNumResults() << " ranks but its type "
                         << type << " has rank " << type.getRank();
  if (!isa<FloatType>(type.getElementType()))
    return emitOpError() << "element type must be a float type, found "
                         << type.getElementType();
  llvm::SmallDenseSet<unsigned> outDims;
  int numRecurrent = 0;
  for (AffineExpr e : out.getResults()) {
    unsigned d;
    int64_t off;
    if (!matchOutputExpr(e, d, off) || (off != 0 && off != 1))
      return emitOpError() << "output access of '" << getName()
                           << "' must list ranks, optionally one `rank + 1`";
    if (!outDims.insert(d).second)
      return emitOpError() << "output access of '" << getName()
                           << "' names rank '" << getRankName(d) << "' twice";
    numRecurrent += off;
  }
  if (numRecurrent > 1)
    return emitOpError() << "a recurrence advances one iterative rank, '"
                         << getName() << "' advances " << numRecurrent;

  if (getInputMaps().size() != getInputs().size())
    return emitOpError() << "has " << getInputs().size() << " operands but "
                         << getInputMaps().size() << " access maps";
  llvm::SmallDenseSet<unsigned> usedDims(outDims.begin(), outDims.end());
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    AffineMap m = getInputMap(i);
    if (failed(checkMap(m, "access map #" + std::to_string(i))))
      return failure();
    auto t = cast<RankedTensorType>(v.getType());
    if (m.getNumResults() != t.getRank())
      return emitOpError() << "operand #" << i << " of type " << t
                           << " is accessed with " << m.getNumResults()
                           << " indices, expected " << t.getRank();
    for (unsigned d = 0; d < nd; ++d)
      if (m.isFunctionOfDim(d))
        usedDims.insert(d);
  }
  for (unsigned d = 0; d < nd; ++d)
    if (!usedDims.contains(d))
      return emitOpError() << "rank '" << getRankName(d)
                           << "' is not used by any access";

  SmallVector<unsigned> reduced = getReducedDims();
  if (getReduction() == ReductionKind::None && !reduced.empty())
    return emitOpError() << "'" << getName() << "' reads rank '"
                         << getRankName(reduced.front())
                         << "' that its output does not index: give a "
                            "reduction (+=, *=, max=, min=)";
  if (getReduction() != ReductionKind::None && reduced.empty())
    return emitOpError() << "'" << getName() << "' has reduction `"
                         << reductionOperator(getReduction())
                         << "` but no rank to reduce";
  if (std::optional<ArrayAttr> sets = getCondition())
    for (Attribute a : *sets) {
      auto set = dyn_cast<IntegerSetAttr>(a);
      if (!set)
        return emitOpError() << "condition must be a list of integer sets, "
                                "found "
                             << a;
      if (set.getValue().getNumDims() != nd ||
          set.getValue().getNumSymbols() != ns)
        return emitOpError() << "condition must have " << nd << " dims and "
                             << ns << " symbols";
      for (AffineExpr e : set.getValue().getConstraints())
        if (!e.isPureAffine())
          return emitOpError() << "condition must be affine in the ranks";
    }

  // A recurrence reads its own previous value at `r` and needs `init`.
  int64_t rec = getRecurrencePosition();
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    if (v != getResult())
      continue;
    if (rec < 0)
      return emitOpError() << "'" << getName()
                           << "' uses its own result but is not a recurrence "
                              "(no output access `rank + 1`)";
    SmallVector<AffineExpr> expected(out.getResults());
    expected[rec] = getAffineDimExpr(getOutputDim(rec), getContext());
    if (getInputMap(i).getResults() != ArrayRef<AffineExpr>(expected))
      return emitOpError() << "recurrence '" << getName()
                           << "' must read its previous value at "
                           << printAccess(*this,
                                          AffineMap::get(nd, ns, expected,
                                                         getContext()))
                           << ", found " << printAccess(*this, getInputMap(i));
  }
  if (rec >= 0 && !getInit())
    return emitOpError() << "recurrence '" << getName()
                         << "' needs init(...) for its value at "
                         << getRankName(getOutputDim(rec)) << " = 0";

  if (getFill() && getReduction() != ReductionKind::None)
    return emitOpError() << "fill applies to einsums without a reduction; "
                            "masked points of a reduction add its identity";
  // The map computes one point from its arguments only.
  WalkResult captured = getMap().walk([&](Operation *op) {
    for (Value v : op->getOperands())
      if (!getMap().isAncestor(v.getParentRegion()))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (captured.wasInterrupted())
    return emitOpError() << "the map region of '" << getName()
                         << "' may only use its arguments and values it "
                            "defines";
  Block &block = getMapBlock();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError() << "map region has " << block.getNumArguments()
                         << " arguments, expected one per operand ("
                         << getInputs().size() << ")";
  for (auto [arg, v] : llvm::zip(block.getArguments(), getInputs())) {
    Type elt = cast<RankedTensorType>(v.getType()).getElementType();
    if (arg.getType() != elt)
      return emitOpError() << "map region argument of type " << arg.getType()
                           << " for an operand with element type " << elt;
  }
  auto yield = block.empty() ? YieldOp() : dyn_cast<YieldOp>(block.back());
  if (!yield || yield.getValues().empty() || yield.getValues().size() > 2 ||
      yield.getValues()[0].getType() != type.getElementType())
    return emitOpError() << "map region must yield one "
                         << type.getElementType()
                         << ", optionally followed by an i1 predicate";
  if (yield.getValues().size() == 2 &&
      !yield.getValues()[1].getType().isInteger(1))
    return emitOpError() << "the predicate a map region yields must be i1, "
                            "found "
                         << yield.getValues()[1].getType();
  return success();
}

//===----------------------------------------------------------------------===//
// YieldOp
//===----------------------------------------------------------------------===//

LogicalResult YieldOp::verify() { return success(); }

//===----------------------------------------------------------------------===//
// IndexOp, ExtentOp
//===----------------------------------------------------------------------===//

LogicalResult IndexOp::verify() {
  auto einsum = (*this)->getParentOfType<EinsumOp>();
  if (einsum.rankIndex(getRank()) < 0)
    return emitOpError() << "rank '" << getRank()
                         << "' is not in the iteration space of '"
                         << einsum.getName() << "'";
  return success();
}

LogicalResult ExtentOp::verify() {
  auto cascadeOp = (*this)->getParentOfType<CascadeOp>();
  if (cascadeOp && !cascadeOp.lookupRank(getRank()))
    return emitOpError() << "the cascade has no rank '" << getRank() << "'";
  return success();
}

//===----------------------------------------------------------------------===//
// Building einsums
//===----------------------------------------------------------------------===//

AffineExpr EinsumSpec::dim(StringRef name) {
  for (auto [i, r] : llvm::enumerate(ranks))
    if (r == name)
      return getAffineDimExpr(i, ctx);
  ranks.push_back(name.str());
  return getAffineDimExpr(ranks.size() - 1, ctx);
}

AffineExpr EinsumSpec::sym(StringRef name) {
  for (auto [i, s] : llvm::enumerate(symbols))
    if (s == name)
      return getAffineSymbolExpr(i, ctx);
  symbols.push_back(name.str());
  return getAffineSymbolExpr(symbols.size() - 1, ctx);
}

void EinsumSpec::addConstraint(AffineExpr constraint, bool isEq) {
  if (condition.empty())
    condition.emplace_back();
  for (Conjunction &c : condition) {
    bool dup = false;
    for (auto [e, f] : llvm::zip(c.constraints, c.eqFlags))
      dup |= (e == constraint && f == isEq);
    if (dup)
      continue;
    c.constraints.push_back(constraint);
    c.eqFlags.push_back(isEq);
  }
}

void EinsumSpec::addDisjunction(ArrayRef<Conjunction> alternatives) {
  if (alternatives.empty())
    return;
  if (condition.empty()) {
    condition.assign(alternatives.begin(), alternatives.end());
    return;
  }
  // (A or B) and (C or D) = AC or AD or BC or BD.
  SmallVector<Conjunction> product;
  for (const Conjunction &x : condition)
    for (const Conjunction &y : alternatives) {
      Conjunction both = x;
      both.constraints.append(y.constraints.begin(), y.constraints.end());
      both.eqFlags.append(y.eqFlags.begin(), y.eqFlags.end());
      product.push_back(std::move(both));
    }
  condition = std::move(product);
}

void EinsumSpec::addConditionOf(EinsumOp op,
                                ArrayRef<AffineExpr> dimReplacements) {
  SmallVector<IntegerSet> sets = op.getConditionSets();
  if (sets.empty())
    return;
  SmallVector<AffineExpr> dims, syms;
  for (unsigned i = 0; i < op.getNumRanks(); ++i)
    dims.push_back(i < dimReplacements.size() && dimReplacements[i]
                       ? dimReplacements[i]
                       : dim(op.getRankName(i)));
  for (Attribute s : op.getSymbols())
    syms.push_back(sym(cast<StringAttr>(s).getValue()));
  SmallVector<Conjunction> alternatives;
  for (IntegerSet set : sets) {
    Conjunction &c = alternatives.emplace_back();
    for (unsigned i = 0; i < set.getNumConstraints(); ++i) {
      c.constraints.push_back(
          set.getConstraint(i).replaceDimsAndSymbols(dims, syms));
      c.eqFlags.push_back(set.isEq(i));
    }
  }
  if (alternatives.size() == 1) {
    for (auto [e, f] :
         llvm::zip(alternatives[0].constraints, alternatives[0].eqFlags))
      addConstraint(e, f);
    return;
  }
  addDisjunction(alternatives);
}

CascadeOp cascade::ein::createCascade(OpBuilder &b, Location loc,
                                      StringRef name, ValueRange inputs,
                                      ArrayRef<Attribute> inputNames,
                                      ArrayRef<Attribute> ranks,
                                      TypeRange resultTypes) {
  MLIRContext *ctx = b.getContext();
  OperationState state(loc, CascadeOp::getOperationName());
  state.addOperands(inputs);
  state.addAttribute("name", StringAttr::get(ctx, name));
  state.addAttribute("ranks", ArrayAttr::get(ctx, ranks));
  state.addAttribute("input_names", ArrayAttr::get(ctx, inputNames));
  state.addTypes(resultTypes);
  Region *region = state.addRegion();
  Block *body = new Block();
  region->push_back(body);
  for (Value v : inputs)
    body->addArgument(v.getType(), loc);
  return cast<CascadeOp>(b.create(state));
}

LoopSchedule cascade::ein::scheduleAroundLoop(CascadeOp cascade,
                                              StringRef iter) {
  LoopSchedule s;
  DenseSet<Operation *> inLoop, after;
  for (EinsumOp e : einsumsInDependenceOrder(cascade)) {
    if (!iter.empty() && e.rankIndex(iter) >= 0) {
      inLoop.insert(e);
      s.loop.push_back(e);
      continue;
    }
    bool readsLoop = llvm::any_of(e.getInputs(), [&](Value v) {
      Operation *def = v.getDefiningOp();
      return def && (inLoop.contains(def) || after.contains(def));
    });
    if (readsLoop) {
      after.insert(e);
      s.post.push_back(e);
    } else {
      s.pre.push_back(e);
    }
  }
  return s;
}

int64_t cascade::ein::tensorExtent(CascadeOp cascade, StringRef rank) {
  return cascade.staticExtent(rank);
}

/// Removes repeated constraints from each conjunction, and conjunctions
/// whose constraints include all those of another: they describe a subset
/// of its points, so the union does not change.
static SmallVector<EinsumSpec::Conjunction>
normalizeCondition(ArrayRef<EinsumSpec::Conjunction> in) {
  using Constraint = std::pair<AffineExpr, bool>;
  SmallVector<SmallVector<Constraint>> sets;
  for (const EinsumSpec::Conjunction &c : in) {
    SmallVector<Constraint> set;
    for (auto [e, eq] : llvm::zip(c.constraints, c.eqFlags))
      if (!llvm::is_contained(set, Constraint(e, eq)))
        set.push_back({e, eq});
    sets.push_back(std::move(set));
  }
  auto includes = [](ArrayRef<Constraint> big, ArrayRef<Constraint> small) {
    return llvm::all_of(
        small, [&](Constraint c) { return llvm::is_contained(big, c); });
  };
  SmallVector<EinsumSpec::Conjunction> out;
  for (unsigned i = 0; i < sets.size(); ++i) {
    bool redundant = false;
    for (unsigned j = 0; j < sets.size() && !redundant; ++j) {
      if (i == j || !includes(sets[i], sets[j]))
        continue;
      // Equal sets: keep the first one only.
      redundant = sets[i].size() > sets[j].size() || j < i;
    }
    if (redundant)
      continue;
    EinsumSpec::Conjunction &c = out.emplace_back();
    for (auto [e, eq] : sets[i]) {
      c.constraints.push_back(e);
      c.eqFlags.push_back(eq);
    }
  }
  return out;
}

EinsumOp cascade::ein::buildEinsum(
    OpBuilder &b, Location loc, CascadeOp cascade, const EinsumSpec &spec,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  unsigned nd = spec.ranks.size(), ns = spec.symbols.size();
  AffineMap out = AffineMap::get(nd, ns, spec.output, ctx);

  // Result shape from the rank extents; `r + 1` has one more point.
  SmallVector<int64_t> shape;
  for (AffineExpr e : spec.output) {
    unsigned d = 0;
    int64_t off = 0;
    (void)matchOutputExpr(e, d, off);
    int64_t ext = cascade.staticExtent(spec.ranks[d]);
    shape.push_back(ShapedType::isDynamic(ext) ? ext : ext + off);
  }
  auto resultType = RankedTensorType::get(shape, spec.elementType);

  // A recurrence reads itself: stand in a placeholder until the op exists.
  SmallVector<Value> inputs(spec.inputs.begin(), spec.inputs.end());
  SmallVector<unsigned> selfOperands;
  Operation *placeholder = nullptr;
  for (auto [i, v] : llvm::enumerate(inputs)) {
    if (v)
      continue;
    if (!placeholder)
      placeholder =
          UnrealizedConversionCastOp::create(b, loc, resultType, ValueRange{});
    v = placeholder->getResult(0);
    selfOperands.push_back(i);
  }

  SmallVector<Attribute> rankNames, symNames, inMaps;
  for (auto &r : spec.ranks)
    rankNames.push_back(StringAttr::get(ctx, r));
  for (auto &s : spec.symbols)
    symNames.push_back(StringAttr::get(ctx, s));
  for (auto &acc : spec.accesses)
    inMaps.push_back(AffineMapAttr::get(AffineMap::get(nd, ns, acc, ctx)));

  OperationState state(loc, EinsumOp::getOperationName());
  state.addOperands(inputs);
  state.addAttribute("name", StringAttr::get(ctx, spec.name));
  state.addAttribute("ranks", ArrayAttr::get(ctx, rankNames));
  state.addAttribute("symbols", ArrayAttr::get(ctx, symNames));
  state.addAttribute("output_map", AffineMapAttr::get(out));
  state.addAttribute("input_maps", ArrayAttr::get(ctx, inMaps));
  state.addAttribute("reduction", ReductionKindAttr::get(ctx, spec.reduction));
  if (!spec.condition.empty()) {
    SmallVector<Attribute> sets;
    for (const EinsumSpec::Conjunction &c : normalizeCondition(spec.condition))
      sets.push_back(IntegerSetAttr::get(
          IntegerSet::get(nd, ns, c.constraints, c.eqFlags)));
    state.addAttribute("condition", ArrayAttr::get(ctx, sets));
  }
  if (spec.init)
    state.addAttribute("init", b.getF64FloatAttr(*spec.init));
  if (spec.fill)
    state.addAttribute("fill", b.getF64FloatAttr(*spec.fill));
  state.addTypes(resultType);
  Region *region = state.addRegion();
  Block *block = new Block();
  region->push_back(block);
  for (Value v : inputs)
    block->addArgument(cast<RankedTensorType>(v.getType()).getElementType(),
                       loc);
  auto op = cast<EinsumOp>(b.create(state));
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(block);
    Value r = body(b, loc, block->getArguments());
    YieldOp::create(b, loc, ValueRange{r});
  }
  for (unsigned i : selfOperands)
    op->setOperand(i, op.getResult());
  if (placeholder)
    placeholder->erase();
  return op;
}

EinsumSpec cascade::ein::specFrom(EinsumOp op) {
  EinsumSpec s(op.getContext());
  s.name = op.getName().str();
  for (unsigned i = 0; i < op.getNumRanks(); ++i)
    s.ranks.push_back(op.getRankName(i).str());
  for (Attribute a : op.getSymbols())
    s.symbols.push_back(cast<StringAttr>(a).getValue().str());
  s.output.assign(op.getOutputMap().getResults().begin(),
                  op.getOutputMap().getResults().end());
  for (auto [i, v] : llvm::enumerate(op.getInputs()))
    s.addInput(v == op.getResult() ? Value() : v,
               op.getInputMap(i).getResults());
  s.reduction = op.getReduction();
  for (IntegerSet set : op.getConditionSets()) {
    EinsumSpec::Conjunction &c = s.condition.emplace_back();
    c.constraints.assign(set.getConstraints().begin(),
                         set.getConstraints().end());
    c.eqFlags.assign(set.getEqFlags().begin(), set.getEqFlags().end());
  }
  if (std::optional<APFloat> v = op.getInit())
    s.init = v->convertToDouble();
  if (std::optional<APFloat> v = op.getFill())
    s.fill = v->convertToDouble();
  s.elementType = cast<RankedTensorType>(op.getType()).getElementType();
  return s;
}

EinsumOp cascade::ein::buildEinsumWithMapOf(OpBuilder &b, Location loc,
                                            CascadeOp cascade,
                                            const EinsumSpec &spec,
                                            EinsumOp mapSource) {
  Block &block = mapSource.getMapBlock();
  auto yield = cast<YieldOp>(block.getTerminator());
  IRMapping mapping;
  EinsumOp op = buildEinsum(
      b, loc, cascade, spec, [&](OpBuilder &bb, Location, ValueRange args) {
        mapping.map(block.getArguments(), args);
        for (Operation &nested : block.without_terminator())
          bb.clone(nested, mapping);
        return mapping.lookupOrDefault(yield.getValues()[0]);
      });
  if (yield.getValues().size() > 1) {
    Operation *newYield = op.getMapBlock().getTerminator();
    newYield->insertOperands(1, mapping.lookupOrDefault(yield.getValues()[1]));
  }
  return op;
}

std::string cascade::ein::tensorName(Value v) {
  if (auto e = v.getDefiningOp<EinsumOp>())
    return e.getName().str();
  if (auto arg = dyn_cast<BlockArgument>(v))
    if (auto c = dyn_cast<CascadeOp>(arg.getOwner()->getParentOp()))
      if (arg.getArgNumber() < c.getInputNames().size())
        return cast<StringAttr>(c.getInputNames()[arg.getArgNumber()])
            .getValue()
            .str();
  return "T";
}

void cascade::ein::sortByRankTable(CascadeOp cascade,
                                   SmallVectorImpl<std::string> &names) {
  llvm::stable_sort(names, [&](const std::string &a, const std::string &b) {
    return cascade.rankIndex(a) < cascade.rankIndex(b);
  });
}
