//===- ImportONNX.cpp - ONNX models into func + tosa ----------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// The importer walks the graph's nodes in order (ONNX requires topological
// order) and keeps, for every tensor name, either an SSA value or, when the
// data is known at import time, the constant itself. Constants propagate:
// an operator whose inputs are all constant (and small) is evaluated here,
// which resolves the shape-computing subgraphs exporters write (`Shape`,
// `Gather`, `Concat`, `Unsqueeze` feeding a `Reshape`) and the masks built
// from `Trilu`, `Range`, `Equal` and `Where` into plain constants. Everything
// else becomes TOSA, with every result type computed here, so that shapes
// are static and checked node by node with the node's name in the error.
//
//===----------------------------------------------------------------------===//

#include "cascade/Frontend/ONNX.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;

bool cascade::isONNXImportAvailable() { return true; }

void cascade::registerONNXImportDialects(DialectRegistry &registry) {
  registry.insert<func::FuncDialect, tosa::TosaDialect>();
}

std::string cascade::addInputShape(ONNXImportOptions &options,
                                   llvm::StringRef spec) {
  auto [name, dims] = spec.split('=');
  if (name.empty() || dims.empty())
    return "expected NAME=D0xD1x..., got '" + spec.str() + "'";
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<llvm::StringRef> parts;
  dims.split(parts, 'x');
  for (llvm::StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d <= 0)
      return "'" + part.str() + "' in '" + spec.str() +
             "' is not a positive size";
    shape.push_back(d);
  }
  options.inputShapes[name] = shape;
  return "";
}

namespace {

/// Number of elements of a static shape.
int64_t numElements(llvm::ArrayRef<int64_t> shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

/// Row-major strides of a shape.
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

std::string shapeStr(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

/// A tensor of the graph: its type, and its value in the function or its
/// data known at import time (or both, once a constant is materialized).
struct Tensor {
  RankedTensorType type;
  Value value;
  DenseElementsAttr constant;
  llvm::ArrayRef<int64_t> shape() const { return type.getShape(); }
  int64_t rank() const { return type.getRank(); }
  Type elementType() const { return type.getElementType(); }
};

/// Constants up to this many elements are evaluated at import time.
constexpr int64_t kFoldLimit = 1 << 20;

/// The elements of a constant as doubles (exact for the integers of shapes
/// and indices).
std::vector<double> valuesOf(DenseElementsAttr attr) {
  std::vector<double> out;
  out.reserve(attr.getNumElements());
  Type et = attr.getElementType();
  if (et.isInteger(1)) {
    for (bool v : attr.getValues<bool>())
      out.push_back(v ? 1.0 : 0.0);
  } else if (isa<IntegerType>(et)) {
    for (const APInt &v : attr.getValues<APInt>())
      out.push_back(double(v.getSExtValue()));
  } else {
    for (const APFloat &v : attr.getValues<APFloat>())
      out.push_back(v.convertToDouble());
  }
  return out;
}

/// A constant of `type` holding `values` (rounded to the element type).
DenseElementsAttr makeDense(RankedTensorType type,
                            llvm::ArrayRef<double> values) {
  Type et = type.getElementType();
  if (et.isF32()) {
    std::vector<float> v(values.begin(), values.end());
    return DenseElementsAttr::get(type, llvm::ArrayRef<float>(v));
  }
  if (et.isF64())
    return DenseElementsAttr::get(type, values);
  if (et.isInteger(1)) {
    llvm::SmallVector<bool> v;
    for (double x : values)
      v.push_back(x != 0.0);
    return DenseElementsAttr::get(type, llvm::ArrayRef<bool>(v));
  }
  auto it = cast<IntegerType>(et);
  llvm::SmallVector<APInt> v;
  for (double x : values)
    v.push_back(APInt(it.getWidth(), uint64_t(int64_t(x)), /*isSigned=*/true,
                      /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, v);
}

class Importer {
public:
  Importer(MLIRContext *ctx, llvm::StringRef fileName,
           const cascade::ONNXImportOptions &options)
      : ctx(ctx), b(ctx), fileName(fileName.str()), options(options),
        loc(FileLineColLoc::get(ctx, fileName, 0, 0)) {}

  OwningOpRef<ModuleOp> run(const onnx::ModelProto &model);

private:
  //===--------------------------------------------------------------------===//
  // Diagnostics
  //===--------------------------------------------------------------------===//

  /// An error about the current node, naming it.
  InFlightDiagnostic error() {
    InFlightDiagnostic d = emitError(loc);
    if (node)
      d << "node '" << nodeName() << "' (" << node->op_type() << ", node "
        << nodeIndex << " of " << nodeCount << "): ";
    return d;
  }
  std::string nodeName() const {
    return node->name().empty() ? "#" + std::to_string(nodeIndex)
                                : node->name();
  }

  //===--------------------------------------------------------------------===//
  // Tensors, types, constants
  //===--------------------------------------------------------------------===//

  FailureOr<Type> elementTypeOf(int32_t onnxType, llvm::StringRef what);
  FailureOr<DenseElementsAttr> tensorFromProto(const onnx::TensorProto &t,
                                               llvm::StringRef what);
  FailureOr<RankedTensorType> typeOfValueInfo(const onnx::ValueInfoProto &vi);

  /// The `i`th input of the current node; fails (with an error) when it is
  /// missing or undefined.
  FailureOr<Tensor> input(int i);
  bool hasInput(int i) const {
    return i < node->input_size() && !node->input(i).empty();
  }
  /// The value of a tensor, materializing a constant as `tosa.const`.
  Value valueOf(Tensor &t);
  /// The data of an input that must be known at import time, as integers.
  FailureOr<llvm::SmallVector<int64_t>> constInts(int i, llvm::StringRef what);
  LogicalResult setOutput(int i, Tensor t);

  Tensor constantTensor(RankedTensorType type, llvm::ArrayRef<double> values) {
    return Tensor{type, Value(), makeDense(type, values)};
  }
  Tensor valueTensor(Value v) {
    return Tensor{cast<RankedTensorType>(v.getType()), v, DenseElementsAttr()};
  }
  static bool foldable(llvm::ArrayRef<Tensor> ts) {
    return llvm::all_of(ts, [](const Tensor &t) {
      return t.constant && t.type.getNumElements() <= kFoldLimit;
    });
  }

  //===--------------------------------------------------------------------===//
  // Attributes
  //===--------------------------------------------------------------------===//

  const onnx::AttributeProto *attr(llvm::StringRef name) const {
    for (const onnx::AttributeProto &a : node->attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }
  int64_t intAttr(llvm::StringRef name, int64_t dflt) const {
    const onnx::AttributeProto *a = attr(name);
    return a ? a->i() : dflt;
  }
  float floatAttr(llvm::StringRef name, float dflt) const {
    const onnx::AttributeProto *a = attr(name);
    return a ? a->f() : dflt;
  }
  std::string stringAttr(llvm::StringRef name, llvm::StringRef dflt) const {
    const onnx::AttributeProto *a = attr(name);
    return a ? a->s() : dflt.str();
  }
  std::optional<llvm::SmallVector<int64_t>> intsAttr(llvm::StringRef name) {
    const onnx::AttributeProto *a = attr(name);
    if (!a)
      return std::nullopt;
    return llvm::SmallVector<int64_t>(a->ints().begin(), a->ints().end());
  }
  /// Normalizes an axis against `rank`; errors when out of range.
  FailureOr<int64_t> axis(int64_t a, int64_t rank, llvm::StringRef what);

  //===--------------------------------------------------------------------===//
  // TOSA emission
  //===--------------------------------------------------------------------===//

  template <typename OpTy>
  Value make(Type type, ValueRange operands,
             llvm::ArrayRef<NamedAttribute> attrs = {}) {
    return OpTy::create(b, loc, TypeRange{type}, operands, attrs)->getResult(0);
  }
  RankedTensorType tensorType(llvm::ArrayRef<int64_t> shape, Type et) {
    return RankedTensorType::get(shape, et);
  }
  Value splat(Type et, double v, int64_t rank) {
    auto type = tensorType(llvm::SmallVector<int64_t>(rank, 1), et);
    return tosa::ConstOp::create(b, loc, type, makeDense(type, {v}));
  }
  Value shapeValue(llvm::ArrayRef<int64_t> dims) {
    ImplicitLocOpBuilder ib(loc, b);
    return tosa::getTosaConstShape(ib, dims);
  }
  Value reshape(Value v, llvm::ArrayRef<int64_t> shape);
  Value toRank(Value v, int64_t rank);
  Value transpose(Value v, llvm::ArrayRef<int64_t> perm);
  Value slice(Value v, llvm::ArrayRef<int64_t> start,
              llvm::ArrayRef<int64_t> size);
  Value tile(Value v, llvm::ArrayRef<int64_t> multiples);
  Value reduce(llvm::StringRef kind, Value v, int64_t axis);
  Value matmul3d(Value a, Value bb);
  Value mul(Value x, Value y);
  Value unary(llvm::StringRef op, Value x);
  /// A binary elementwise op with NumPy broadcasting; `op` names it in ONNX
  /// terms (Add, Sub, Mul, Div, Pow, Min, Max, Equal, Less, Greater, And).
  FailureOr<Value> binary(llvm::StringRef op, Value x, Value y);
  FailureOr<llvm::SmallVector<int64_t>>
  broadcastShape(llvm::ArrayRef<int64_t> x, llvm::ArrayRef<int64_t> y);

  //===--------------------------------------------------------------------===//
  // Operators
  //===--------------------------------------------------------------------===//

  LogicalResult importNode();
  LogicalResult importElementwiseBinary(llvm::StringRef op);
  LogicalResult importElementwiseUnary(llvm::StringRef op);
  LogicalResult importVariadic(llvm::StringRef op);
  LogicalResult importMatMul();
  LogicalResult importGemm();
  LogicalResult importSoftmax(bool log);
  LogicalResult importReduce(llvm::StringRef op);
  LogicalResult importLayerNorm();
  LogicalResult importReshapeLike();
  LogicalResult importTranspose();
  LogicalResult importConcat();
  LogicalResult importSplit();
  LogicalResult importSlice();
  LogicalResult importGather();
  LogicalResult importExpand();
  LogicalResult importTile();
  LogicalResult importWhere();
  LogicalResult importCast();
  LogicalResult importConstant();
  LogicalResult importConstantOfShape();
  LogicalResult importShape();
  LogicalResult importTrilu();
  LogicalResult importRange();
  LogicalResult importClip();
  LogicalResult importActivation(llvm::StringRef op);

  /// Output data of a data-movement op on a constant: element `i` of the
  /// result is element `source(i)` of the input.
  Tensor gatherConstant(const Tensor &in, RankedTensorType outType,
                        llvm::function_ref<int64_t(int64_t)> source) {
    std::vector<double> data = valuesOf(in.constant);
    std::vector<double> out(outType.getNumElements());
    for (int64_t i = 0, e = out.size(); i < e; ++i)
      out[i] = data[source(i)];
    return constantTensor(outType, out);
  }

  MLIRContext *ctx;
  OpBuilder b;
  std::string fileName;
  const cascade::ONNXImportOptions &options;
  Location loc;
  llvm::StringMap<Tensor> env;
  int64_t opset = 0;
  const onnx::NodeProto *node = nullptr;
  int nodeIndex = 0, nodeCount = 0;
};

} // namespace

//===----------------------------------------------------------------------===//
// Types and tensors
//===----------------------------------------------------------------------===//

FailureOr<Type> Importer::elementTypeOf(int32_t t, llvm::StringRef what) {
  switch (t) {
  case onnx::TensorProto::FLOAT:
    return Type(b.getF32Type());
  case onnx::TensorProto::DOUBLE:
    return Type(b.getF64Type());
  case onnx::TensorProto::INT64:
    return Type(b.getI64Type());
  case onnx::TensorProto::INT32:
    return Type(b.getI32Type());
  case onnx::TensorProto::INT8:
    return Type(b.getI8Type());
  case onnx::TensorProto::BOOL:
    return Type(b.getI1Type());
  default:
    break;
  }
  const char *name =
      onnx::TensorProto::DataType_IsValid(t)
          ? onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(t))
                .c_str()
          : "unknown";
  error() << what << " has element type " << name << " (" << t
          << "), which the importer does not support (float, double, "
             "int64, int32, int8 and bool are)";
  return failure();
}

FailureOr<DenseElementsAttr>
Importer::tensorFromProto(const onnx::TensorProto &t, llvm::StringRef what) {
  FailureOr<Type> et = elementTypeOf(t.data_type(), what);
  if (failed(et))
    return failure();
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    error() << what
            << " keeps its data in an external file, which the importer "
               "does not read; save the model with the data inside";
    return failure();
  }
  llvm::SmallVector<int64_t> shape;
  for (int64_t d : t.dims()) {
    if (d < 0) {
      error() << what << " has a negative dimension " << d;
      return failure();
    }
    shape.push_back(d);
  }
  auto type = RankedTensorType::get(shape, *et);
  int64_t n = numElements(shape);
  std::vector<double> values;
  values.reserve(n);
  auto sizeError = [&](int64_t got) {
    error() << what << " holds " << got << " elements but its shape "
            << shapeStr(shape) << " needs " << n;
    return failure();
  };
  if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    unsigned width = (*et).isInteger(1) ? 8 : (*et).getIntOrFloatBitWidth();
    size_t bytes = width / 8;
    if (raw.size() != size_t(n) * bytes)
      return sizeError(int64_t(raw.size() / std::max<size_t>(bytes, 1)));
    // Fast path for float weights: no detour through doubles.
    if ((*et).isF32()) {
      llvm::ArrayRef<char> data(raw.data(), raw.size());
      bool detectedSplat = false;
      if (DenseElementsAttr::isValidRawBuffer(type, data, detectedSplat))
        return DenseElementsAttr::getFromRawBuffer(type, data);
    }
    for (int64_t i = 0; i < n; ++i) {
      const char *p = raw.data() + i * bytes;
      double v;
      if ((*et).isF32()) {
        float f;
        std::memcpy(&f, p, 4);
        v = f;
      } else if ((*et).isF64()) {
        std::memcpy(&v, p, 8);
      } else if (width == 64) {
        int64_t x;
        std::memcpy(&x, p, 8);
        v = double(x);
      } else if (width == 32) {
        int32_t x;
        std::memcpy(&x, p, 4);
        v = double(x);
      } else {
        v = double(int8_t(*p));
      }
      values.push_back(v);
    }
  } else if ((*et).isF32()) {
    if (t.float_data_size() != n)
      return sizeError(t.float_data_size());
    values.assign(t.float_data().begin(), t.float_data().end());
  } else if ((*et).isF64()) {
    if (t.double_data_size() != n)
      return sizeError(t.double_data_size());
    values.assign(t.double_data().begin(), t.double_data().end());
  } else if ((*et).isInteger(64)) {
    if (t.int64_data_size() != n)
      return sizeError(t.int64_data_size());
    for (int64_t v : t.int64_data())
      values.push_back(double(v));
  } else {
    if (t.int32_data_size() != n)
      return sizeError(t.int32_data_size());
    for (int32_t v : t.int32_data())
      values.push_back(double(v));
  }
  return makeDense(type, values);
}

FailureOr<RankedTensorType>
Importer::typeOfValueInfo(const onnx::ValueInfoProto &vi) {
  std::string what = "graph input '" + vi.name() + "'";
  if (!vi.type().has_tensor_type()) {
    emitError(loc) << what << " is not a tensor";
    return failure();
  }
  const onnx::TypeProto::Tensor &tt = vi.type().tensor_type();
  FailureOr<Type> et = elementTypeOf(tt.elem_type(), what);
  if (failed(et))
    return failure();
  auto given = options.inputShapes.find(vi.name());
  if (!tt.has_shape()) {
    if (given == options.inputShapes.end()) {
      emitError(loc) << what << " has no shape; give it one with --input-shape "
                     << vi.name() << "=D0xD1x...";
      return failure();
    }
    return RankedTensorType::get(given->second, *et);
  }
  llvm::SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(tt.shape().dim())) {
    int64_t d = dim.has_dim_value() ? dim.dim_value() : -1;
    if (given != options.inputShapes.end()) {
      if (given->second.size() != size_t(tt.shape().dim_size())) {
        emitError(loc) << what << " has rank " << tt.shape().dim_size()
                       << " but --input-shape gives "
                       << shapeStr(given->second);
        return failure();
      }
      if (d > 0 && d != given->second[i]) {
        emitError(loc) << what << " has size " << d << " in dimension " << i
                       << " but --input-shape gives "
                       << shapeStr(given->second);
        return failure();
      }
      d = given->second[i];
    }
    if (d <= 0) {
      std::string sym = dim.has_dim_param() ? "'" + dim.dim_param() + "'"
                                            : std::string("unknown");
      emitError(loc) << what << " has a dynamic dimension " << sym
                     << " (dimension " << i
                     << "); Cascade compiles static shapes: give its sizes "
                        "with --input-shape "
                     << vi.name() << "=D0xD1x...";
      return failure();
    }
    shape.push_back(d);
  }
  return RankedTensorType::get(shape, *et);
}

FailureOr<Tensor> Importer::input(int i) {
  if (!hasInput(i)) {
    error() << "input " << i << " is missing";
    return failure();
  }
  auto it = env.find(node->input(i));
  if (it == env.end()) {
    error() << "input " << i << " '" << node->input(i)
            << "' is not defined by an earlier node, an initializer or a "
               "graph input (the graph must be in topological order)";
    return failure();
  }
  return it->second;
}

Value Importer::valueOf(Tensor &t) {
  if (!t.value)
    t.value = tosa::ConstOp::create(b, loc, t.type, t.constant);
  return t.value;
}

FailureOr<llvm::SmallVector<int64_t>>
Importer::constInts(int i, llvm::StringRef what) {
  FailureOr<Tensor> t = input(i);
  if (failed(t))
    return failure();
  if (!t->constant) {
    error() << what << " (input " << i << " '" << node->input(i)
            << "') must be known when compiling, but it is computed from "
               "the graph's inputs";
    return failure();
  }
  llvm::SmallVector<int64_t> out;
  for (double v : valuesOf(t->constant))
    out.push_back(int64_t(v));
  return out;
}

LogicalResult Importer::setOutput(int i, Tensor t) {
  if (i >= node->output_size() || node->output(i).empty())
    return success();
  // Empty tensors exist as constants (a shape of a scalar); computed ones
  // are not compiled.
  if (!t.constant && t.type.getNumElements() == 0) {
    error() << "output '" << node->output(i) << "' is an empty tensor "
            << shapeStr(t.shape()) << ", which is not supported";
    return failure();
  }
  // Constants the fold produced keep their data; values are named after
  // their ONNX node for the diagnostics of later passes.
  env[node->output(i)] = t;
  return success();
}

FailureOr<int64_t> Importer::axis(int64_t a, int64_t rank,
                                  llvm::StringRef what) {
  int64_t n = a < 0 ? a + rank : a;
  if (n < 0 || n >= rank) {
    error() << what << " " << a << " is out of range for rank " << rank;
    return failure();
  }
  return n;
}

//===----------------------------------------------------------------------===//
// TOSA emission helpers
//===----------------------------------------------------------------------===//

Value Importer::reshape(Value v, llvm::ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  return make<tosa::ReshapeOp>(tensorType(shape, type.getElementType()),
                               {v, shapeValue(shape)});
}

Value Importer::toRank(Value v, int64_t rank) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() >= rank)
    return v;
  llvm::SmallVector<int64_t> shape(rank - type.getRank(), 1);
  llvm::append_range(shape, type.getShape());
  return reshape(v, shape);
}

Value Importer::transpose(Value v, llvm::ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(v.getType());
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<int32_t> perms;
  for (int64_t p : perm) {
    shape.push_back(type.getDimSize(p));
    perms.push_back(int32_t(p));
  }
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return v;
  return make<tosa::TransposeOp>(
      tensorType(shape, type.getElementType()), {v},
      {b.getNamedAttr("perms", b.getDenseI32ArrayAttr(perms))});
}

Value Importer::slice(Value v, llvm::ArrayRef<int64_t> start,
                      llvm::ArrayRef<int64_t> size) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == size)
    return v;
  return make<tosa::SliceOp>(tensorType(size, type.getElementType()),
                             {v, shapeValue(start), shapeValue(size)});
}

Value Importer::tile(Value v, llvm::ArrayRef<int64_t> multiples) {
  auto type = cast<RankedTensorType>(v.getType());
  if (llvm::all_of(multiples, [](int64_t m) { return m == 1; }))
    return v;
  llvm::SmallVector<int64_t> shape;
  for (auto [d, m] : llvm::zip(type.getShape(), multiples))
    shape.push_back(d * m);
  return make<tosa::TileOp>(tensorType(shape, type.getElementType()),
                            {v, shapeValue(multiples)});
}

Value Importer::reduce(llvm::StringRef kind, Value v, int64_t axis) {
  auto type = cast<RankedTensorType>(v.getType());
  llvm::SmallVector<int64_t> shape(type.getShape());
  shape[axis] = 1;
  auto resultType = tensorType(shape, type.getElementType());
  auto axisAttr = b.getNamedAttr("axis", b.getI32IntegerAttr(int32_t(axis)));
  if (kind == "max")
    return make<tosa::ReduceMaxOp>(resultType, {v}, {axisAttr});
  return make<tosa::ReduceSumOp>(resultType, {v}, {axisAttr});
}

Value Importer::matmul3d(Value x, Value y) {
  auto xt = cast<RankedTensorType>(x.getType());
  auto yt = cast<RankedTensorType>(y.getType());
  Type et = xt.getElementType();
  auto zpType = tensorType({1}, et);
  Value zp = tosa::ConstOp::create(b, loc, zpType, makeDense(zpType, {0.0}));
  return make<tosa::MatMulOp>(
      tensorType({xt.getDimSize(0), xt.getDimSize(1), yt.getDimSize(2)}, et),
      {x, y, zp, zp});
}

Value Importer::mul(Value x, Value y) {
  // The types already agree in rank; the shift is TOSA's integer rescale.
  auto xt = cast<RankedTensorType>(x.getType());
  auto yt = cast<RankedTensorType>(y.getType());
  llvm::SmallVector<int64_t> shape;
  for (auto [a, c] : llvm::zip(xt.getShape(), yt.getShape()))
    shape.push_back(a == 1 ? c : a);
  auto shiftType = tensorType({1}, b.getI8Type());
  Value shift =
      tosa::ConstOp::create(b, loc, shiftType, makeDense(shiftType, {0.0}));
  return make<tosa::MulOp>(tensorType(shape, xt.getElementType()),
                           {x, y, shift});
}

Value Importer::unary(llvm::StringRef op, Value x) {
  Type t = x.getType();
  if (op == "Exp")
    return make<tosa::ExpOp>(t, {x});
  if (op == "Log")
    return make<tosa::LogOp>(t, {x});
  if (op == "Tanh")
    return make<tosa::TanhOp>(t, {x});
  if (op == "Erf")
    return make<tosa::ErfOp>(t, {x});
  if (op == "Sigmoid")
    return make<tosa::SigmoidOp>(t, {x});
  if (op == "Reciprocal")
    return make<tosa::ReciprocalOp>(t, {x});
  if (op == "Abs")
    return make<tosa::AbsOp>(t, {x});
  if (op == "Not")
    return make<tosa::LogicalNotOp>(t, {x});
  if (op == "Sqrt") {
    // sqrt(x) = 1 / rsqrt(x); 0 stays 0 (rsqrt(0) = inf).
    Value r = make<tosa::RsqrtOp>(t, {x});
    return make<tosa::ReciprocalOp>(t, {r});
  }
  if (op == "Neg") {
    Type et = cast<RankedTensorType>(t).getElementType();
    auto zpType = tensorType({1}, et);
    Value zp = tosa::ConstOp::create(b, loc, zpType, makeDense(zpType, {0.0}));
    return make<tosa::NegateOp>(t, {x, zp, zp});
  }
  llvm_unreachable("not a unary operator of the importer");
}

FailureOr<llvm::SmallVector<int64_t>>
Importer::broadcastShape(llvm::ArrayRef<int64_t> x, llvm::ArrayRef<int64_t> y) {
  size_t rank = std::max(x.size(), y.size());
  llvm::SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t a = i < rank - x.size() ? 1 : x[i - (rank - x.size())];
    int64_t c = i < rank - y.size() ? 1 : y[i - (rank - y.size())];
    if (a != c && a != 1 && c != 1) {
      error() << "shapes " << shapeStr(x) << " and " << shapeStr(y)
              << " do not broadcast (dimension " << i << ": " << a << " vs "
              << c << ")";
      return failure();
    }
    out[i] = a == 1 ? c : a;
  }
  return out;
}

FailureOr<Value> Importer::binary(llvm::StringRef op, Value x, Value y) {
  auto xt = cast<RankedTensorType>(x.getType());
  auto yt = cast<RankedTensorType>(y.getType());
  FailureOr<llvm::SmallVector<int64_t>> shape =
      broadcastShape(xt.getShape(), yt.getShape());
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  x = toRank(x, rank);
  y = toRank(y, rank);
  Type et = xt.getElementType();
  auto out = tensorType(*shape, et);
  auto boolOut = tensorType(*shape, b.getI1Type());
  if (op == "Add")
    return make<tosa::AddOp>(out, {x, y});
  if (op == "Sub")
    return make<tosa::SubOp>(out, {x, y});
  if (op == "Mul")
    return mul(x, y);
  if (op == "Div") {
    if (isa<FloatType>(et))
      return mul(x, make<tosa::ReciprocalOp>(y.getType(), {y}));
    if (et.isInteger(32))
      return make<tosa::IntDivOp>(out, {x, y});
    error() << "integer division of " << et
            << " tensors computed from the graph's inputs is not supported";
    return failure();
  }
  if (op == "Pow")
    return make<tosa::PowOp>(out, {x, y});
  if (op == "Min")
    return make<tosa::MinimumOp>(out, {x, y});
  if (op == "Max")
    return make<tosa::MaximumOp>(out, {x, y});
  if (op == "Equal")
    return make<tosa::EqualOp>(boolOut, {x, y});
  if (op == "Greater")
    return make<tosa::GreaterOp>(boolOut, {x, y});
  if (op == "Less")
    return make<tosa::GreaterOp>(boolOut, {y, x});
  if (op == "GreaterOrEqual")
    return make<tosa::GreaterEqualOp>(boolOut, {x, y});
  if (op == "LessOrEqual")
    return make<tosa::GreaterEqualOp>(boolOut, {y, x});
  if (op == "And")
    return make<tosa::LogicalAndOp>(out, {x, y});
  if (op == "Or")
    return make<tosa::LogicalOrOp>(out, {x, y});
  llvm_unreachable("not a binary operator of the importer");
}

//===----------------------------------------------------------------------===//
// Elementwise operators
//===----------------------------------------------------------------------===//

/// The scalar function of an elementwise ONNX operator, for evaluation.
static double evalBinary(llvm::StringRef op, double x, double y, bool isInt) {
  if (op == "Add")
    return x + y;
  if (op == "Sub")
    return x - y;
  if (op == "Mul")
    return x * y;
  if (op == "Div") {
    if (isInt)
      return y == 0 ? 0 : std::trunc(x / y);
    return x / y;
  }
  if (op == "Pow")
    return std::pow(x, y);
  if (op == "Min")
    return std::min(x, y);
  if (op == "Max")
    return std::max(x, y);
  if (op == "Equal")
    return x == y;
  if (op == "Greater")
    return x > y;
  if (op == "Less")
    return x < y;
  if (op == "GreaterOrEqual")
    return x >= y;
  if (op == "LessOrEqual")
    return x <= y;
  if (op == "And")
    return (x != 0) && (y != 0);
  if (op == "Or")
    return (x != 0) || (y != 0);
  llvm_unreachable("not a binary operator of the importer");
}

static bool isComparison(llvm::StringRef op) {
  return llvm::is_contained(
      {"Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual"}, op);
}

LogicalResult Importer::importElementwiseBinary(llvm::StringRef op) {
  FailureOr<Tensor> x = input(0), y = input(1);
  if (failed(x) || failed(y))
    return failure();
  if (x->elementType() != y->elementType() && op != "Pow") {
    error() << "operands have different element types (" << x->elementType()
            << " and " << y->elementType() << ")";
    return failure();
  }
  FailureOr<llvm::SmallVector<int64_t>> shape =
      broadcastShape(x->shape(), y->shape());
  if (failed(shape))
    return failure();
  Type et = isComparison(op) ? Type(b.getI1Type()) : x->elementType();
  auto outType = tensorType(*shape, et);
  if (foldable({*x, *y}) && numElements(*shape) <= kFoldLimit) {
    std::vector<double> xs = valuesOf(x->constant), ys = valuesOf(y->constant);
    auto xStrides = stridesOf(x->shape()), yStrides = stridesOf(y->shape());
    int64_t rank = shape->size();
    std::vector<double> out(numElements(*shape));
    auto outStrides = stridesOf(*shape);
    bool isInt = isa<IntegerType>(x->elementType());
    for (int64_t i = 0, e = out.size(); i < e; ++i) {
      int64_t xi = 0, yi = 0;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t idx = (i / outStrides[d]) % (*shape)[d];
        int64_t xd = d - (rank - x->rank()), yd = d - (rank - y->rank());
        if (xd >= 0 && x->shape()[xd] != 1)
          xi += idx * xStrides[xd];
        if (yd >= 0 && y->shape()[yd] != 1)
          yi += idx * yStrides[yd];
      }
      out[i] = evalBinary(op, xs[xi], ys[yi], isInt);
    }
    return setOutput(0, constantTensor(outType, out));
  }
  Value xv = valueOf(*x);
  // Powers with a constant exponent the common transformer blocks use.
  if (op == "Pow" && y->constant && y->constant.isSplat() &&
      isa<FloatType>(x->elementType())) {
    double p = valuesOf(y->constant)[0];
    Value r;
    if (p == 1.0)
      r = xv;
    else if (p == 2.0)
      r = mul(xv, xv);
    else if (p == 3.0)
      r = mul(mul(xv, xv), xv);
    else if (p == 0.5)
      r = unary("Sqrt", xv);
    if (r) {
      r = toRank(r, shape->size());
      return setOutput(0, valueTensor(r));
    }
  }
  Value yv;
  // Division by a constant: multiplication by its reciprocal, computed here.
  if (op == "Div" && y->constant && isa<FloatType>(et) &&
      y->type.getNumElements() <= kFoldLimit) {
    std::vector<double> ys = valuesOf(y->constant);
    for (double &v : ys)
      v = 1.0 / v;
    Tensor r = constantTensor(y->type, ys);
    FailureOr<Value> v = binary("Mul", xv, valueOf(r));
    if (failed(v))
      return failure();
    return setOutput(0, valueTensor(*v));
  }
  if (op == "Pow" && (y->elementType() != x->elementType() ||
                      !isa<FloatType>(x->elementType()))) {
    error() << "Pow with an exponent of element type " << y->elementType()
            << " on " << x->elementType() << " is not supported";
    return failure();
  }
  yv = valueOf(*y);
  FailureOr<Value> v = binary(op, xv, yv);
  if (failed(v))
    return failure();
  return setOutput(0, valueTensor(*v));
}

LogicalResult Importer::importVariadic(llvm::StringRef op) {
  // Min, Max, Sum, Mean over any number of inputs.
  FailureOr<Tensor> first = input(0);
  if (failed(first))
    return failure();
  Tensor acc = *first;
  llvm::StringRef binOp = op == "Sum" || op == "Mean" ? "Add" : op;
  for (int i = 1; i < node->input_size(); ++i) {
    FailureOr<Tensor> next = input(i);
    if (failed(next))
      return failure();
    FailureOr<Value> v = binary(binOp, valueOf(acc), valueOf(*next));
    if (failed(v))
      return failure();
    acc = valueTensor(*v);
  }
  if (op == "Mean" && node->input_size() > 1) {
    Value v = valueOf(acc);
    acc = valueTensor(
        mul(v, splat(acc.elementType(), 1.0 / node->input_size(), acc.rank())));
  }
  return setOutput(0, acc);
}

static double evalUnary(llvm::StringRef op, double x) {
  if (op == "Exp")
    return std::exp(x);
  if (op == "Log")
    return std::log(x);
  if (op == "Tanh")
    return std::tanh(x);
  if (op == "Erf")
    return std::erf(x);
  if (op == "Sigmoid")
    return 1.0 / (1.0 + std::exp(-x));
  if (op == "Reciprocal")
    return 1.0 / x;
  if (op == "Abs")
    return std::fabs(x);
  if (op == "Not")
    return x == 0;
  if (op == "Sqrt")
    return std::sqrt(x);
  if (op == "Neg")
    return -x;
  llvm_unreachable("not a unary operator of the importer");
}

LogicalResult Importer::importElementwiseUnary(llvm::StringRef op) {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  bool isFloat = isa<FloatType>(x->elementType());
  if (op == "Not" ? !x->elementType().isInteger(1)
                  : (!isFloat && op != "Neg" && op != "Abs")) {
    error() << op << " of a tensor of " << x->elementType()
            << " is not supported";
    return failure();
  }
  if (foldable({*x})) {
    std::vector<double> v = valuesOf(x->constant);
    for (double &e : v)
      e = evalUnary(op, e);
    return setOutput(0, constantTensor(x->type, v));
  }
  return setOutput(0, valueTensor(unary(op, valueOf(*x))));
}

LogicalResult Importer::importActivation(llvm::StringRef op) {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  if (!isa<FloatType>(x->elementType())) {
    error() << op << " needs a floating-point tensor, got " << x->elementType();
    return failure();
  }
  Value v = valueOf(*x);
  Type t = v.getType();
  Type et = x->elementType();
  int64_t rank = x->rank();
  if (op == "Relu") {
    return setOutput(
        0, valueTensor(make<tosa::ClampOp>(
               t, {v},
               {b.getNamedAttr("min_val", b.getFloatAttr(et, 0.0)),
                b.getNamedAttr(
                    "max_val",
                    b.getFloatAttr(et,
                                   std::numeric_limits<float>::infinity()))})));
  }
  if (op == "Elu") {
    // x > 0 ? x : alpha * (exp(x) - 1)
    double alpha = floatAttr("alpha", 1.0f);
    Value zero = splat(et, 0.0, rank);
    auto boolType = tensorType(x->shape(), b.getI1Type());
    Value positive = make<tosa::GreaterOp>(boolType, {v, zero});
    Value em1 =
        make<tosa::SubOp>(t, {make<tosa::ExpOp>(t, {v}), splat(et, 1.0, rank)});
    if (alpha != 1.0)
      em1 = mul(em1, splat(et, alpha, rank));
    return setOutput(0,
                     valueTensor(make<tosa::SelectOp>(t, {positive, v, em1})));
  }
  if (op == "Gelu") {
    std::string approximate = stringAttr("approximate", "none");
    Value inner;
    if (approximate == "tanh") {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
      Value x3 = mul(mul(v, v), v);
      Value poly =
          make<tosa::AddOp>(t, {v, mul(x3, splat(et, 0.044715, rank))});
      inner = make<tosa::TanhOp>(
          t, {mul(poly, splat(et, std::sqrt(2.0 / M_PI), rank))});
    } else if (approximate == "none") {
      // 0.5 x (1 + erf(x / sqrt(2)))
      inner = make<tosa::ErfOp>(t, {mul(v, splat(et, M_SQRT1_2, rank))});
    } else {
      error() << "unknown approximate='" << approximate << "' (none or tanh)";
      return failure();
    }
    Value onePlus = make<tosa::AddOp>(t, {inner, splat(et, 1.0, rank)});
    return setOutput(0,
                     valueTensor(mul(mul(v, splat(et, 0.5, rank)), onePlus)));
  }
  llvm_unreachable("not an activation of the importer");
}

LogicalResult Importer::importClip() {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  double lo = -std::numeric_limits<float>::infinity();
  double hi = std::numeric_limits<float>::infinity();
  if (opset < 11) {
    lo = floatAttr("min", float(lo));
    hi = floatAttr("max", float(hi));
  } else {
    for (int i : {1, 2}) {
      if (!hasInput(i))
        continue;
      FailureOr<Tensor> bound = input(i);
      if (failed(bound))
        return failure();
      if (!bound->constant || bound->type.getNumElements() != 1) {
        error() << "the " << (i == 1 ? "min" : "max")
                << " bound must be a constant scalar";
        return failure();
      }
      (i == 1 ? lo : hi) = valuesOf(bound->constant)[0];
    }
  }
  if (foldable({*x})) {
    std::vector<double> v = valuesOf(x->constant);
    for (double &e : v)
      e = std::min(std::max(e, lo), hi);
    return setOutput(0, constantTensor(x->type, v));
  }
  Type et = x->elementType();
  auto bound = [&](double v) -> Attribute {
    if (isa<FloatType>(et))
      return b.getFloatAttr(et, v);
    unsigned width = et.getIntOrFloatBitWidth();
    double lo = -std::ldexp(1.0, width - 1),
           hi = std::ldexp(1.0, width - 1) - 1;
    return b.getIntegerAttr(et, int64_t(std::max(std::min(v, hi), lo)));
  };
  return setOutput(0, valueTensor(make<tosa::ClampOp>(
                          x->type, {valueOf(*x)},
                          {b.getNamedAttr("min_val", bound(lo)),
                           b.getNamedAttr("max_val", bound(hi))})));
}

//===----------------------------------------------------------------------===//
// Contractions and normalizations
//===----------------------------------------------------------------------===//

LogicalResult Importer::importMatMul() {
  FailureOr<Tensor> x = input(0), y = input(1);
  if (failed(x) || failed(y))
    return failure();
  if (!isa<FloatType>(x->elementType()) ||
      x->elementType() != y->elementType()) {
    error() << "MatMul of " << x->elementType() << " and " << y->elementType()
            << " is not supported (floating-point operands of one type are)";
    return failure();
  }
  if (x->rank() < 1 || y->rank() < 1) {
    error() << "MatMul operands must have rank >= 1";
    return failure();
  }
  // Vectors as matrices, as numpy.matmul does; the added dims are dropped
  // from the result.
  llvm::SmallVector<int64_t> xs(x->shape()), ys(y->shape());
  bool xVec = xs.size() == 1, yVec = ys.size() == 1;
  if (xVec)
    xs.insert(xs.begin(), 1);
  if (yVec)
    ys.push_back(1);
  int64_t n = xs[xs.size() - 2], k = xs.back(), k2 = ys[ys.size() - 2],
          m = ys.back();
  if (k != k2) {
    error() << "MatMul of " << shapeStr(x->shape()) << " and "
            << shapeStr(y->shape()) << ": inner dimensions " << k << " and "
            << k2 << " differ";
    return failure();
  }
  llvm::ArrayRef<int64_t> xBatch = llvm::ArrayRef(xs).drop_back(2),
                          yBatch = llvm::ArrayRef(ys).drop_back(2);
  FailureOr<llvm::SmallVector<int64_t>> batch = broadcastShape(xBatch, yBatch);
  if (failed(batch))
    return failure();
  int64_t batchSize = numElements(*batch);
  Value xv = reshape(valueOf(*x), xs), yv = reshape(valueOf(*y), ys);
  Value x3, y3;
  bool yShared = numElements(yBatch) == 1;
  if (yShared && batchSize > 1) {
    // One right operand for the whole batch (a weight): the batch joins the
    // rows of a single product.
    x3 = reshape(xv, {1, numElements(xBatch) * n, k});
    y3 = reshape(yv, {1, k, m});
  } else {
    // Broadcast both batches to the common one, then flatten it.
    auto expand = [&](Value v, llvm::ArrayRef<int64_t> vb, int64_t rows,
                      int64_t cols) {
      int64_t rank = batch->size();
      llvm::SmallVector<int64_t> full(rank - vb.size(), 1);
      llvm::append_range(full, vb);
      full.push_back(rows);
      full.push_back(cols);
      v = reshape(v, full);
      llvm::SmallVector<int64_t> multiples;
      for (int64_t d = 0; d < rank; ++d)
        multiples.push_back((*batch)[d] / full[d]);
      multiples.append({1, 1});
      v = tile(v, multiples);
      return reshape(v, {batchSize, rows, cols});
    };
    x3 = expand(xv, xBatch, n, k);
    y3 = expand(yv, yBatch, k, m);
  }
  Value r = matmul3d(x3, y3);
  llvm::SmallVector<int64_t> outShape(*batch);
  if (!xVec)
    outShape.push_back(n);
  if (!yVec)
    outShape.push_back(m);
  return setOutput(0, valueTensor(reshape(r, outShape)));
}

LogicalResult Importer::importGemm() {
  FailureOr<Tensor> a = input(0), bb = input(1);
  if (failed(a) || failed(bb))
    return failure();
  if (a->rank() != 2 || bb->rank() != 2) {
    error() << "Gemm needs 2-D operands, got " << shapeStr(a->shape())
            << " and " << shapeStr(bb->shape());
    return failure();
  }
  Value av = valueOf(*a), bv = valueOf(*bb);
  if (intAttr("transA", 0))
    av = transpose(av, {1, 0});
  if (intAttr("transB", 0))
    bv = transpose(bv, {1, 0});
  auto at = cast<RankedTensorType>(av.getType()),
       bt = cast<RankedTensorType>(bv.getType());
  int64_t m = at.getDimSize(0), k = at.getDimSize(1), n = bt.getDimSize(1);
  if (bt.getDimSize(0) != k) {
    error() << "Gemm of " << shapeStr(at.getShape()) << " and "
            << shapeStr(bt.getShape()) << ": inner dimensions differ";
    return failure();
  }
  Type et = at.getElementType();
  Value r =
      reshape(matmul3d(reshape(av, {1, m, k}), reshape(bv, {1, k, n})), {m, n});
  double alpha = floatAttr("alpha", 1.0f), beta = floatAttr("beta", 1.0f);
  if (alpha != 1.0)
    r = mul(r, splat(et, alpha, 2));
  if (hasInput(2) && beta != 0.0) {
    FailureOr<Tensor> c = input(2);
    if (failed(c))
      return failure();
    Value cv = valueOf(*c);
    if (beta != 1.0)
      cv = mul(toRank(cv, 2), splat(et, beta, 2));
    FailureOr<Value> sum = binary("Add", r, cv);
    if (failed(sum))
      return failure();
    r = *sum;
  }
  return setOutput(0, valueTensor(r));
}

LogicalResult Importer::importSoftmax(bool log) {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  int64_t dflt = opset < 13 ? 1 : -1;
  FailureOr<int64_t> ax = axis(intAttr("axis", dflt), x->rank(), "axis");
  if (failed(ax))
    return failure();
  if (opset < 13 && *ax != x->rank() - 1) {
    // Before opset 13 the input is flattened at `axis` into 2-D; only the
    // last axis means the same as a softmax along one axis.
    error() << "opset " << opset
            << " Softmax over the flattened dimensions from axis " << *ax
            << " is not supported (only the last axis is)";
    return failure();
  }
  Value v = valueOf(*x);
  Type t = v.getType();
  // max-subtracted exponentials, as every stable softmax computes them
  Value mx = reduce("max", v, *ax);
  Value d = make<tosa::SubOp>(t, {v, mx});
  Value e = make<tosa::ExpOp>(t, {d});
  Value z = reduce("sum", e, *ax);
  if (log) {
    Value lz = make<tosa::LogOp>(z.getType(), {z});
    return setOutput(0, valueTensor(make<tosa::SubOp>(t, {d, lz})));
  }
  Value r = make<tosa::ReciprocalOp>(z.getType(), {z});
  return setOutput(0, valueTensor(mul(e, r)));
}

LogicalResult Importer::importReduce(llvm::StringRef op) {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  std::optional<llvm::SmallVector<int64_t>> axes;
  // ReduceSum takes its axes as an input from opset 13, the others from 18.
  bool axesInput = op == "ReduceSum" ? opset >= 13 : opset >= 18;
  if (axesInput) {
    if (hasInput(1)) {
      FailureOr<llvm::SmallVector<int64_t>> a = constInts(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  } else {
    axes = intsAttr("axes");
  }
  bool keep = intAttr("keepdims", 1);
  llvm::SmallVector<int64_t> dims;
  if (!axes || axes->empty()) {
    if (intAttr("noop_with_empty_axes", 0))
      return setOutput(0, *x);
    dims = llvm::to_vector(llvm::seq<int64_t>(0, x->rank()));
  } else {
    for (int64_t a : *axes) {
      FailureOr<int64_t> n = axis(a, x->rank(), "axis");
      if (failed(n))
        return failure();
      dims.push_back(*n);
    }
  }
  llvm::sort(dims);
  dims.erase(std::unique(dims.begin(), dims.end()), dims.end());
  if (!isa<FloatType>(x->elementType())) {
    error() << op << " of " << x->elementType() << " is not supported";
    return failure();
  }
  Value v = valueOf(*x);
  int64_t count = 1;
  for (int64_t d : dims) {
    v = reduce(op == "ReduceMax" ? "max" : "sum", v, d);
    count *= x->shape()[d];
  }
  if (op == "ReduceMean")
    v = mul(v, splat(x->elementType(), 1.0 / double(count), x->rank()));
  if (!keep) {
    llvm::SmallVector<int64_t> shape;
    for (auto [i, d] : llvm::enumerate(x->shape()))
      if (!llvm::is_contained(dims, int64_t(i)))
        shape.push_back(d);
    v = reshape(v, shape);
  }
  return setOutput(0, valueTensor(v));
}

LogicalResult Importer::importLayerNorm() {
  FailureOr<Tensor> x = input(0), scale = input(1);
  if (failed(x) || failed(scale))
    return failure();
  FailureOr<int64_t> ax = axis(intAttr("axis", -1), x->rank(), "axis");
  if (failed(ax))
    return failure();
  double eps = floatAttr("epsilon", 1e-5f);
  Type et = x->elementType();
  int64_t rank = x->rank();
  Value v = valueOf(*x);
  auto meanOver = [&](Value in) {
    int64_t count = 1;
    for (int64_t d = *ax; d < rank; ++d) {
      in = reduce("sum", in, d);
      count *= x->shape()[d];
    }
    return mul(in, splat(et, 1.0 / double(count), rank));
  };
  Value mean = meanOver(v);
  Value d = make<tosa::SubOp>(v.getType(), {v, mean});
  Value var = meanOver(mul(d, d));
  Value inv = make<tosa::RsqrtOp>(
      var.getType(),
      {make<tosa::AddOp>(var.getType(), {var, splat(et, eps, rank)})});
  FailureOr<Value> y = binary("Mul", mul(d, inv), valueOf(*scale));
  if (failed(y))
    return failure();
  if (hasInput(2)) {
    FailureOr<Tensor> bias = input(2);
    if (failed(bias))
      return failure();
    y = binary("Add", *y, valueOf(*bias));
    if (failed(y))
      return failure();
  }
  if (failed(setOutput(0, valueTensor(*y))) ||
      failed(setOutput(1, valueTensor(mean))))
    return failure();
  return setOutput(2, valueTensor(inv));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult Importer::importReshapeLike() {
  llvm::StringRef op = node->op_type();
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  llvm::ArrayRef<int64_t> in = x->shape();
  llvm::SmallVector<int64_t> shape;
  if (op == "Identity") {
    return setOutput(0, *x);
  } else if (op == "Reshape") {
    FailureOr<llvm::SmallVector<int64_t>> target = constInts(1, "the shape");
    if (failed(target))
      return failure();
    bool allowZero = intAttr("allowzero", 0);
    int64_t infer = -1, known = 1;
    for (auto [i, d] : llvm::enumerate(*target)) {
      if (d == 0 && !allowZero) {
        if (i >= in.size()) {
          error() << "shape " << shapeStr(*target) << " copies dimension " << i
                  << " of a rank-" << in.size() << " input";
          return failure();
        }
        d = in[i];
      }
      if (d == -1) {
        if (infer >= 0) {
          error() << "shape " << shapeStr(*target) << " has two -1";
          return failure();
        }
        infer = i;
        shape.push_back(1);
        continue;
      }
      if (d < 0) {
        error() << "shape " << shapeStr(*target) << " has a negative size";
        return failure();
      }
      known *= d;
      shape.push_back(d);
    }
    if (infer >= 0) {
      if (known == 0 || numElements(in) % known != 0) {
        error() << "cannot reshape " << shapeStr(in) << " into "
                << shapeStr(*target);
        return failure();
      }
      shape[infer] = numElements(in) / known;
    }
  } else if (op == "Flatten") {
    FailureOr<int64_t> ax = intAttr("axis", 1) == int64_t(in.size())
                                ? FailureOr<int64_t>(int64_t(in.size()))
                                : axis(intAttr("axis", 1), in.size(), "axis");
    if (failed(ax))
      return failure();
    shape = {numElements(in.take_front(*ax)), numElements(in.drop_front(*ax))};
  } else if (op == "Squeeze") {
    std::optional<llvm::SmallVector<int64_t>> axes;
    if (opset >= 13) {
      if (hasInput(1)) {
        FailureOr<llvm::SmallVector<int64_t>> a = constInts(1, "axes");
        if (failed(a))
          return failure();
        axes = *a;
      }
    } else {
      axes = intsAttr("axes");
    }
    llvm::SmallVector<int64_t> drop;
    if (axes) {
      for (int64_t a : *axes) {
        FailureOr<int64_t> n = axis(a, in.size(), "axis");
        if (failed(n))
          return failure();
        if (in[*n] != 1) {
          error() << "cannot squeeze dimension " << *n << " of size " << in[*n];
          return failure();
        }
        drop.push_back(*n);
      }
    }
    for (auto [i, d] : llvm::enumerate(in))
      if (axes ? !llvm::is_contained(drop, int64_t(i)) : d != 1)
        shape.push_back(d);
  } else if (op == "Unsqueeze") {
    llvm::SmallVector<int64_t> axes;
    if (opset >= 13) {
      FailureOr<llvm::SmallVector<int64_t>> a = constInts(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    } else {
      axes = intsAttr("axes").value_or(llvm::SmallVector<int64_t>());
    }
    int64_t outRank = in.size() + axes.size();
    llvm::SmallVector<bool> inserted(outRank, false);
    for (int64_t a : axes) {
      FailureOr<int64_t> n = axis(a, outRank, "axis");
      if (failed(n))
        return failure();
      if (inserted[*n]) {
        error() << "axis " << a << " is given twice";
        return failure();
      }
      inserted[*n] = true;
    }
    size_t next = 0;
    for (int64_t i = 0; i < outRank; ++i)
      shape.push_back(inserted[i] ? 1 : in[next++]);
  }
  if (numElements(shape) != numElements(in)) {
    error() << "cannot reshape " << shapeStr(in) << " (" << numElements(in)
            << " elements) into " << shapeStr(shape);
    return failure();
  }
  auto type = tensorType(shape, x->elementType());
  if (x->constant)
    return setOutput(0, Tensor{type, Value(), x->constant.reshape(type)});
  return setOutput(0, valueTensor(reshape(valueOf(*x), shape)));
}

LogicalResult Importer::importTranspose() {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  int64_t rank = x->rank();
  llvm::SmallVector<int64_t> perm =
      intsAttr("perm").value_or(llvm::SmallVector<int64_t>());
  if (perm.empty())
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  llvm::SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (int64_t(perm.size()) != rank ||
      !llvm::equal(sorted, llvm::seq<int64_t>(0, rank))) {
    error() << "perm " << shapeStr(perm) << " is not a permutation of " << rank
            << " dimensions";
    return failure();
  }
  if (foldable({*x})) {
    llvm::SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(x->shape()[p]);
    auto inStrides = stridesOf(x->shape()), outStrides = stridesOf(shape);
    return setOutput(
        0,
        gatherConstant(*x, tensorType(shape, x->elementType()), [&](int64_t i) {
          int64_t src = 0;
          for (int64_t d = 0; d < rank; ++d)
            src += ((i / outStrides[d]) % shape[d]) * inStrides[perm[d]];
          return src;
        }));
  }
  return setOutput(0, valueTensor(transpose(valueOf(*x), perm)));
}

LogicalResult Importer::importConcat() {
  llvm::SmallVector<Tensor> ins;
  for (int i = 0; i < node->input_size(); ++i) {
    if (!hasInput(i))
      continue;
    FailureOr<Tensor> t = input(i);
    if (failed(t))
      return failure();
    ins.push_back(*t);
  }
  if (ins.empty()) {
    error() << "Concat has no inputs";
    return failure();
  }
  int64_t rank = ins[0].rank();
  FailureOr<int64_t> ax = axis(intAttr("axis", 0), rank, "axis");
  if (failed(ax))
    return failure();
  llvm::SmallVector<int64_t> shape(ins[0].shape());
  shape[*ax] = 0;
  for (const Tensor &t : ins) {
    bool ok = t.rank() == rank && t.elementType() == ins[0].elementType();
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == *ax || t.shape()[d] == ins[0].shape()[d];
    if (!ok) {
      error() << "inputs " << shapeStr(ins[0].shape()) << " and "
              << shapeStr(t.shape()) << " cannot be concatenated on axis "
              << *ax;
      return failure();
    }
    shape[*ax] += t.shape()[*ax];
  }
  auto type = tensorType(shape, ins[0].elementType());
  if (foldable(ins)) {
    // Row-major: blocks of `inner` elements per outer index, in order.
    int64_t outer = numElements(llvm::ArrayRef(shape).take_front(*ax));
    std::vector<double> out;
    std::vector<std::vector<double>> data;
    for (const Tensor &t : ins)
      data.push_back(valuesOf(t.constant));
    for (int64_t o = 0; o < outer; ++o)
      for (auto [t, d] : llvm::zip(ins, data)) {
        int64_t block = numElements(t.shape().drop_front(*ax));
        out.insert(out.end(), d.begin() + o * block,
                   d.begin() + (o + 1) * block);
      }
    return setOutput(0, constantTensor(type, out));
  }
  llvm::SmallVector<Value> values;
  for (Tensor &t : ins)
    if (t.shape()[*ax] > 0)
      values.push_back(valueOf(t));
  if (values.size() == 1)
    return setOutput(0, valueTensor(values[0]));
  return setOutput(
      0, valueTensor(make<tosa::ConcatOp>(
             type, values,
             {b.getNamedAttr("axis", b.getI32IntegerAttr(int32_t(*ax)))})));
}

LogicalResult Importer::importSplit() {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  FailureOr<int64_t> ax = axis(intAttr("axis", 0), x->rank(), "axis");
  if (failed(ax))
    return failure();
  int64_t dim = x->shape()[*ax];
  llvm::SmallVector<int64_t> sizes;
  if (opset >= 13 && hasInput(1)) {
    FailureOr<llvm::SmallVector<int64_t>> s = constInts(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (auto s = intsAttr("split"); s && opset < 13) {
    sizes = *s;
  } else {
    int64_t parts = intAttr("num_outputs", node->output_size());
    if (parts <= 0) {
      error() << "Split into " << parts << " parts";
      return failure();
    }
    int64_t each = (dim + parts - 1) / parts;
    for (int64_t i = 0, left = dim; i < parts; ++i, left -= each)
      sizes.push_back(std::min(each, left));
  }
  if (int64_t(sizes.size()) != node->output_size() ||
      std::accumulate(sizes.begin(), sizes.end(), int64_t(0)) != dim) {
    error() << "split sizes " << shapeStr(sizes) << " do not divide dimension "
            << *ax << " of size " << dim << " into " << node->output_size()
            << " outputs";
    return failure();
  }
  int64_t offset = 0;
  for (auto [i, s] : llvm::enumerate(sizes)) {
    llvm::SmallVector<int64_t> start(x->rank(), 0), size(x->shape());
    start[*ax] = offset;
    size[*ax] = s;
    offset += s;
    Tensor out;
    if (foldable({*x})) {
      auto strides = stridesOf(x->shape()), outStrides = stridesOf(size);
      out = gatherConstant(
          *x, tensorType(size, x->elementType()), [&](int64_t e) {
            int64_t src = 0;
            for (int64_t d = 0; d < x->rank(); ++d)
              src += ((e / outStrides[d]) % size[d] + start[d]) * strides[d];
            return src;
          });
    } else {
      out = valueTensor(slice(valueOf(*x), start, size));
    }
    if (failed(setOutput(i, out)))
      return failure();
  }
  return success();
}

LogicalResult Importer::importSlice() {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  int64_t rank = x->rank();
  llvm::SmallVector<int64_t> starts, ends, axes, steps;
  if (opset < 10) {
    starts = intsAttr("starts").value_or(llvm::SmallVector<int64_t>());
    ends = intsAttr("ends").value_or(llvm::SmallVector<int64_t>());
    axes = intsAttr("axes").value_or(llvm::SmallVector<int64_t>());
  } else {
    FailureOr<llvm::SmallVector<int64_t>> s = constInts(1, "starts"),
                                          e = constInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (hasInput(3)) {
      FailureOr<llvm::SmallVector<int64_t>> a = constInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (hasInput(4)) {
      FailureOr<llvm::SmallVector<int64_t>> st = constInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    error() << "starts, ends, axes and steps have different lengths";
    return failure();
  }
  llvm::SmallVector<int64_t> begin(rank, 0), step(rank, 1), size(x->shape());
  for (size_t i = 0; i < starts.size(); ++i) {
    FailureOr<int64_t> a = axis(axes[i], rank, "axis");
    if (failed(a))
      return failure();
    int64_t dim = x->shape()[*a], st = steps[i];
    if (st == 0) {
      error() << "step 0 on axis " << *a;
      return failure();
    }
    auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0)
        v += dim;
      return std::min(std::max(v, lo), hi);
    };
    int64_t s, e;
    if (st > 0) {
      s = clampIndex(starts[i], 0, dim);
      e = clampIndex(ends[i], 0, dim);
      size[*a] = e > s ? (e - s + st - 1) / st : 0;
    } else {
      s = clampIndex(starts[i], 0, dim - 1);
      e = clampIndex(ends[i], -1, dim - 1);
      // INT_MIN-like ends mean "through the first element".
      if (ends[i] < -dim)
        e = -1;
      size[*a] = s > e ? (s - e - st - 1) / -st : 0;
    }
    begin[*a] = s;
    step[*a] = st;
  }
  auto type = tensorType(size, x->elementType());
  if (foldable({*x})) {
    auto strides = stridesOf(x->shape()), outStrides = stridesOf(size);
    return setOutput(0, gatherConstant(*x, type, [&](int64_t e) {
                       int64_t src = 0;
                       for (int64_t d = 0; d < rank; ++d)
                         src += (begin[d] +
                                 ((e / outStrides[d]) % size[d]) * step[d]) *
                                strides[d];
                       return src;
                     }));
  }
  if (llvm::any_of(step, [](int64_t s) { return s != 1; })) {
    error() << "Slice with steps " << shapeStr(step)
            << " of a tensor computed from the graph's inputs is not "
               "supported (step 1 is)";
    return failure();
  }
  if (numElements(size) == 0) {
    error() << "Slice gives an empty tensor " << shapeStr(size);
    return failure();
  }
  return setOutput(0, valueTensor(slice(valueOf(*x), begin, size)));
}

LogicalResult Importer::importGather() {
  FailureOr<Tensor> x = input(0), idx = input(1);
  if (failed(x) || failed(idx))
    return failure();
  FailureOr<int64_t> ax = axis(intAttr("axis", 0), x->rank(), "axis");
  if (failed(ax))
    return failure();
  int64_t dim = x->shape()[*ax];
  llvm::SmallVector<int64_t> shape(x->shape().take_front(*ax));
  llvm::append_range(shape, idx->shape());
  llvm::append_range(shape, x->shape().drop_front(*ax + 1));
  auto type = tensorType(shape, x->elementType());
  if (idx->constant) {
    llvm::SmallVector<int64_t> indices;
    for (double v : valuesOf(idx->constant)) {
      int64_t i = int64_t(v);
      if (i < -dim || i >= dim) {
        error() << "index " << i << " is out of range for dimension " << *ax
                << " of size " << dim;
        return failure();
      }
      indices.push_back(i < 0 ? i + dim : i);
    }
    int64_t inner = numElements(x->shape().drop_front(*ax + 1));
    int64_t count = indices.size();
    if (foldable({*x})) {
      return setOutput(0, gatherConstant(*x, type, [&](int64_t e) {
                         int64_t in = e % inner, rest = e / inner;
                         int64_t j = rest % count, outer = rest / count;
                         return (outer * dim + indices[j]) * inner + in;
                       }));
    }
    // Constant indices into computed data: slices along the axis.
    Value v = valueOf(*x);
    llvm::SmallVector<Value> parts;
    for (int64_t i : indices) {
      llvm::SmallVector<int64_t> start(x->rank(), 0), size(x->shape());
      start[*ax] = i;
      size[*ax] = 1;
      parts.push_back(slice(v, start, size));
    }
    Value joined = parts[0];
    if (parts.size() > 1) {
      llvm::SmallVector<int64_t> cat(x->shape());
      cat[*ax] = count;
      joined = make<tosa::ConcatOp>(
          tensorType(cat, x->elementType()), parts,
          {b.getNamedAttr("axis", b.getI32IntegerAttr(int32_t(*ax)))});
    }
    return setOutput(0, valueTensor(reshape(joined, shape)));
  }
  // Computed indices (an embedding lookup): tosa.gather on rows.
  if (*ax != 0) {
    error() << "Gather on axis " << *ax
            << " with indices computed from the graph's inputs is not "
               "supported (axis 0 is)";
    return failure();
  }
  int64_t rows = numElements(x->shape().drop_front(1));
  int64_t count = idx->type.getNumElements();
  Value values = reshape(valueOf(*x), {1, dim, rows});
  Value indices = valueOf(*idx);
  auto i32 = b.getI32Type();
  if (!idx->elementType().isInteger(32))
    indices = make<tosa::CastOp>(tensorType(idx->shape(), i32), {indices});
  {
    // Negative indices count from the end: i < 0 ? i + dim : i.
    int64_t rank = idx->rank();
    auto idxType = tensorType(idx->shape(), i32);
    Value zero = splat(i32, 0.0, rank);
    Value negative = make<tosa::GreaterOp>(
        tensorType(idx->shape(), b.getI1Type()), {zero, indices});
    Value wrapped =
        make<tosa::AddOp>(idxType, {indices, splat(i32, double(dim), rank)});
    indices = make<tosa::SelectOp>(idxType, {negative, wrapped, indices});
  }
  indices = reshape(indices, {1, count});
  Value g = make<tosa::GatherOp>(tensorType({1, count, rows}, x->elementType()),
                                 {values, indices});
  return setOutput(0, valueTensor(reshape(g, shape)));
}

LogicalResult Importer::importExpand() {
  FailureOr<Tensor> x = input(0);
  FailureOr<llvm::SmallVector<int64_t>> target = constInts(1, "the shape");
  if (failed(x) || failed(target))
    return failure();
  if (llvm::any_of(*target, [](int64_t d) { return d < 1; })) {
    error() << "Expand to " << shapeStr(*target) << ": sizes must be positive";
    return failure();
  }
  FailureOr<llvm::SmallVector<int64_t>> shape =
      broadcastShape(x->shape(), *target);
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  auto type = tensorType(*shape, x->elementType());
  llvm::SmallVector<int64_t> full(rank - x->rank(), 1);
  llvm::append_range(full, x->shape());
  if (foldable({*x}) && numElements(*shape) <= kFoldLimit) {
    auto inStrides = stridesOf(full), outStrides = stridesOf(*shape);
    return setOutput(0, gatherConstant(*x, type, [&](int64_t e) {
                       int64_t src = 0;
                       for (int64_t d = 0; d < rank; ++d)
                         if (full[d] != 1)
                           src += ((e / outStrides[d]) % (*shape)[d]) *
                                  inStrides[d];
                       return src;
                     }));
  }
  Value v = reshape(valueOf(*x), full);
  llvm::SmallVector<int64_t> multiples;
  for (int64_t d = 0; d < rank; ++d)
    multiples.push_back((*shape)[d] / full[d]);
  return setOutput(0, valueTensor(tile(v, multiples)));
}

LogicalResult Importer::importTile() {
  FailureOr<Tensor> x = input(0);
  FailureOr<llvm::SmallVector<int64_t>> repeats = constInts(1, "repeats");
  if (failed(x) || failed(repeats))
    return failure();
  if (int64_t(repeats->size()) != x->rank() ||
      llvm::any_of(*repeats, [](int64_t r) { return r < 1; })) {
    error() << "repeats " << shapeStr(*repeats)
            << " must give a positive count for each of the " << x->rank()
            << " dimensions";
    return failure();
  }
  llvm::SmallVector<int64_t> shape;
  for (auto [d, r] : llvm::zip(x->shape(), *repeats))
    shape.push_back(d * r);
  auto type = tensorType(shape, x->elementType());
  if (foldable({*x}) && numElements(shape) <= kFoldLimit) {
    auto inStrides = stridesOf(x->shape()), outStrides = stridesOf(shape);
    return setOutput(0, gatherConstant(*x, type, [&](int64_t e) {
                       int64_t src = 0;
                       for (int64_t d = 0; d < x->rank(); ++d)
                         src += (((e / outStrides[d]) % shape[d]) %
                                 x->shape()[d]) *
                                inStrides[d];
                       return src;
                     }));
  }
  return setOutput(0, valueTensor(tile(valueOf(*x), *repeats)));
}

LogicalResult Importer::importWhere() {
  FailureOr<Tensor> c = input(0), x = input(1), y = input(2);
  if (failed(c) || failed(x) || failed(y))
    return failure();
  if (!c->elementType().isInteger(1) || x->elementType() != y->elementType()) {
    error() << "Where needs a bool condition and two values of one type, "
               "got "
            << c->elementType() << ", " << x->elementType() << ", "
            << y->elementType();
    return failure();
  }
  FailureOr<llvm::SmallVector<int64_t>> s1 =
      broadcastShape(c->shape(), x->shape());
  if (failed(s1))
    return failure();
  FailureOr<llvm::SmallVector<int64_t>> shape = broadcastShape(*s1, y->shape());
  if (failed(shape))
    return failure();
  int64_t rank = shape->size();
  auto type = tensorType(*shape, x->elementType());
  if (foldable({*c, *x, *y}) && numElements(*shape) <= kFoldLimit) {
    auto outStrides = stridesOf(*shape);
    auto indexIn = [&](const Tensor &t, int64_t e) {
      auto strides = stridesOf(t.shape());
      int64_t src = 0;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t td = d - (rank - t.rank());
        if (td >= 0 && t.shape()[td] != 1)
          src += ((e / outStrides[d]) % (*shape)[d]) * strides[td];
      }
      return src;
    };
    std::vector<double> cs = valuesOf(c->constant), xs = valuesOf(x->constant),
                        ys = valuesOf(y->constant);
    std::vector<double> out(numElements(*shape));
    for (int64_t e = 0, n = out.size(); e < n; ++e)
      out[e] =
          cs[indexIn(*c, e)] != 0 ? xs[indexIn(*x, e)] : ys[indexIn(*y, e)];
    return setOutput(0, constantTensor(type, out));
  }
  Value sel = make<tosa::SelectOp>(type, {toRank(valueOf(*c), rank),
                                          toRank(valueOf(*x), rank),
                                          toRank(valueOf(*y), rank)});
  return setOutput(0, valueTensor(sel));
}

LogicalResult Importer::importCast() {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  FailureOr<Type> to = elementTypeOf(intAttr("to", 0), "the target type 'to'");
  if (failed(to))
    return failure();
  auto type = tensorType(x->shape(), *to);
  if (*to == x->elementType())
    return setOutput(0, *x);
  if (foldable({*x})) {
    std::vector<double> v = valuesOf(x->constant);
    if (isa<IntegerType>(*to) && !to->isInteger(1))
      for (double &e : v)
        e = std::trunc(e);
    return setOutput(0, constantTensor(type, v));
  }
  Value v = valueOf(*x);
  if (to->isInteger(1)) {
    // x != 0
    Value zero = splat(x->elementType(), 0.0, x->rank());
    Value eq = make<tosa::EqualOp>(type, {v, zero});
    return setOutput(0, valueTensor(make<tosa::LogicalNotOp>(type, {eq})));
  }
  return setOutput(0, valueTensor(make<tosa::CastOp>(type, {v})));
}

LogicalResult Importer::importConstant() {
  if (const onnx::AttributeProto *a = attr("value")) {
    FailureOr<DenseElementsAttr> t = tensorFromProto(a->t(), "its value");
    if (failed(t))
      return failure();
    return setOutput(0,
                     Tensor{cast<RankedTensorType>(t->getType()), Value(), *t});
  }
  if (const onnx::AttributeProto *a = attr("value_float"))
    return setOutput(
        0, constantTensor(tensorType({}, b.getF32Type()), {double(a->f())}));
  if (const onnx::AttributeProto *a = attr("value_int"))
    return setOutput(
        0, constantTensor(tensorType({}, b.getI64Type()), {double(a->i())}));
  if (const onnx::AttributeProto *a = attr("value_floats")) {
    std::vector<double> v(a->floats().begin(), a->floats().end());
    return setOutput(
        0, constantTensor(tensorType({int64_t(v.size())}, b.getF32Type()), v));
  }
  if (const onnx::AttributeProto *a = attr("value_ints")) {
    std::vector<double> v(a->ints().begin(), a->ints().end());
    return setOutput(
        0, constantTensor(tensorType({int64_t(v.size())}, b.getI64Type()), v));
  }
  error() << "Constant without a supported value attribute (value, "
             "value_float(s), value_int(s) are supported; sparse_value and "
             "strings are not)";
  return failure();
}

LogicalResult Importer::importConstantOfShape() {
  FailureOr<llvm::SmallVector<int64_t>> shape = constInts(0, "the shape");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; })) {
    error() << "negative size in " << shapeStr(*shape);
    return failure();
  }
  Type et = b.getF32Type();
  double v = 0.0;
  if (const onnx::AttributeProto *a = attr("value")) {
    FailureOr<DenseElementsAttr> t = tensorFromProto(a->t(), "its value");
    if (failed(t))
      return failure();
    et = t->getElementType();
    v = valuesOf(*t)[0];
  }
  auto type = tensorType(*shape, et);
  return setOutput(0, Tensor{type, Value(), makeDense(type, {v})});
}

LogicalResult Importer::importShape() {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  int64_t rank = x->rank();
  int64_t start = intAttr("start", 0), end = intAttr("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  std::vector<double> dims(x->shape().begin() + start,
                           x->shape().begin() + end);
  return setOutput(
      0,
      constantTensor(tensorType({int64_t(dims.size())}, b.getI64Type()), dims));
}

LogicalResult Importer::importTrilu() {
  FailureOr<Tensor> x = input(0);
  if (failed(x))
    return failure();
  if (x->rank() < 2) {
    error() << "Trilu needs rank >= 2, got " << shapeStr(x->shape());
    return failure();
  }
  int64_t k = 0;
  if (hasInput(1)) {
    FailureOr<llvm::SmallVector<int64_t>> kv = constInts(1, "k");
    if (failed(kv))
      return failure();
    k = kv->empty() ? 0 : (*kv)[0];
  }
  bool upper = intAttr("upper", 1);
  int64_t rows = x->shape()[x->rank() - 2], cols = x->shape().back();
  auto keep = [&](int64_t r, int64_t c) {
    return upper ? c - r >= k : c - r <= k;
  };
  if (foldable({*x})) {
    std::vector<double> v = valuesOf(x->constant);
    for (int64_t e = 0, n = v.size(); e < n; ++e)
      if (!keep((e / cols) % rows, e % cols))
        v[e] = 0;
    return setOutput(0, constantTensor(x->type, v));
  }
  std::vector<double> mask;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      mask.push_back(keep(r, c));
  Tensor m = constantTensor(tensorType({rows, cols}, b.getI1Type()), mask);
  Value sel =
      make<tosa::SelectOp>(x->type, {toRank(valueOf(m), x->rank()), valueOf(*x),
                                     splat(x->elementType(), 0.0, x->rank())});
  return setOutput(0, valueTensor(sel));
}

LogicalResult Importer::importRange() {
  FailureOr<Tensor> s = input(0), l = input(1), d = input(2);
  if (failed(s) || failed(l) || failed(d))
    return failure();
  if (!s->constant || !l->constant || !d->constant) {
    error() << "Range needs start, limit and delta known when compiling";
    return failure();
  }
  double start = valuesOf(s->constant)[0], limit = valuesOf(l->constant)[0],
         delta = valuesOf(d->constant)[0];
  if (delta == 0) {
    error() << "Range with delta 0";
    return failure();
  }
  int64_t n = std::max<int64_t>(0, int64_t(std::ceil((limit - start) / delta)));
  if (n > kFoldLimit) {
    error() << "Range of " << n << " elements is too large to evaluate";
    return failure();
  }
  std::vector<double> v;
  for (int64_t i = 0; i < n; ++i)
    v.push_back(start + double(i) * delta);
  return setOutput(0, constantTensor(tensorType({n}, s->elementType()), v));
}

//===----------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------===//

LogicalResult Importer::importNode() {
  llvm::StringRef op = node->op_type();
  if (!node->domain().empty() && node->domain() != "ai.onnx") {
    error() << "operator of domain '" << node->domain()
            << "' is not supported (only the default ONNX domain is)";
    return failure();
  }
  if (llvm::is_contained({"Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less",
                          "Greater", "LessOrEqual", "GreaterOrEqual", "And",
                          "Or"},
                         op))
    return importElementwiseBinary(op);
  if (llvm::is_contained({"Min", "Max", "Sum", "Mean"}, op)) {
    if (node->input_size() == 2 && op != "Mean")
      return importElementwiseBinary(op == "Sum" ? "Add" : op);
    return importVariadic(op);
  }
  if (llvm::is_contained({"Exp", "Log", "Tanh", "Erf", "Sigmoid", "Reciprocal",
                          "Abs", "Not", "Sqrt", "Neg"},
                         op))
    return importElementwiseUnary(op);
  if (llvm::is_contained({"Relu", "Elu", "Gelu"}, op))
    return importActivation(op);
  if (op == "MatMul")
    return importMatMul();
  if (op == "Gemm")
    return importGemm();
  if (op == "Softmax" || op == "LogSoftmax")
    return importSoftmax(op == "LogSoftmax");
  if (op == "ReduceSum" || op == "ReduceMean" || op == "ReduceMax")
    return importReduce(op);
  if (op == "LayerNormalization")
    return importLayerNorm();
  if (llvm::is_contained(
          {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"}, op))
    return importReshapeLike();
  if (op == "Transpose")
    return importTranspose();
  if (op == "Concat")
    return importConcat();
  if (op == "Split")
    return importSplit();
  if (op == "Slice")
    return importSlice();
  if (op == "Gather")
    return importGather();
  if (op == "Expand")
    return importExpand();
  if (op == "Tile")
    return importTile();
  if (op == "Where")
    return importWhere();
  if (op == "Cast")
    return importCast();
  if (op == "Constant")
    return importConstant();
  if (op == "ConstantOfShape")
    return importConstantOfShape();
  if (op == "Shape")
    return importShape();
  if (op == "Trilu")
    return importTrilu();
  if (op == "Range")
    return importRange();
  if (op == "Clip")
    return importClip();
  if (op == "Dropout") {
    // Inference: the identity (a training-mode input is not supported).
    if (hasInput(2)) {
      FailureOr<Tensor> training = input(2);
      if (failed(training))
        return failure();
      if (!training->constant || valuesOf(training->constant)[0] != 0) {
        error() << "Dropout in training mode is not supported";
        return failure();
      }
    }
    FailureOr<Tensor> x = input(0);
    if (failed(x))
      return failure();
    if (node->output_size() > 1 && !node->output(1).empty()) {
      error() << "Dropout's mask output is not supported";
      return failure();
    }
    return setOutput(0, *x);
  }
  error() << "operator " << op << " is not supported by the ONNX importer";
  return failure();
}

OwningOpRef<ModuleOp> Importer::run(const onnx::ModelProto &model) {
  ctx->loadDialect<func::FuncDialect, tosa::TosaDialect>();
  for (const onnx::OperatorSetIdProto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset == 0) {
    emitError(loc) << "the model imports no version of the default ONNX "
                      "operator set";
    return nullptr;
  }
  if (opset < 7 || opset > 21) {
    emitError(loc) << "opset " << opset
                   << " is not supported (opsets 7 to 21 are; 13 to 17 are "
                      "tested)";
    return nullptr;
  }
  const onnx::GraphProto &graph = model.graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());

  // Initializers: constants by name.
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &t : graph.initializer()) {
    FailureOr<DenseElementsAttr> attr =
        tensorFromProto(t, "initializer '" + t.name() + "'");
    if (failed(attr))
      return nullptr;
    env[t.name()] =
        Tensor{cast<RankedTensorType>(attr->getType()), Value(), *attr};
    initializers.insert(t.name());
  }

  // Inputs that are not initializers become the function's arguments.
  for (const auto &entry : options.inputShapes)
    if (initializers.contains(entry.getKey()) ||
        llvm::none_of(graph.input(), [&](const onnx::ValueInfoProto &vi) {
          return vi.name() == entry.getKey();
        })) {
      emitError(loc) << "--input-shape names '" << entry.getKey()
                     << "', which is not a graph input";
      return nullptr;
    }
  llvm::SmallVector<const onnx::ValueInfoProto *> inputs;
  llvm::SmallVector<Type> argTypes;
  for (const onnx::ValueInfoProto &vi : graph.input()) {
    if (initializers.contains(vi.name()))
      continue;
    FailureOr<RankedTensorType> type = typeOfValueInfo(vi);
    if (failed(type))
      return nullptr;
    inputs.push_back(&vi);
    argTypes.push_back(*type);
  }
  auto fn = func::FuncOp::create(b, loc, options.functionName,
                                 b.getFunctionType(argTypes, {}));
  Block *body = fn.addEntryBlock();
  for (auto [i, vi] : llvm::enumerate(inputs)) {
    fn.setArgAttr(i, "cascade.name", b.getStringAttr(vi->name()));
    env[vi->name()] = valueTensor(body->getArgument(i));
  }
  b.setInsertionPointToEnd(body);

  nodeCount = graph.node_size();
  for (const onnx::NodeProto &n : graph.node()) {
    node = &n;
    loc = NameLoc::get(b.getStringAttr(nodeName()),
                       FileLineColLoc::get(ctx, fileName, 0, 0));
    if (failed(importNode()))
      return nullptr;
    for (const std::string &out : n.output())
      if (!out.empty() && !env.count(out)) {
        error() << "output '" << out << "' is not produced";
        return nullptr;
      }
    ++nodeIndex;
  }
  node = nullptr;
  loc = FileLineColLoc::get(ctx, fileName, 0, 0);

  llvm::SmallVector<Value> results;
  llvm::SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &vi : graph.output()) {
    auto it = env.find(vi.name());
    if (it == env.end()) {
      emitError(loc) << "graph output '" << vi.name()
                     << "' is not computed by any node";
      return nullptr;
    }
    results.push_back(valueOf(it->second));
    resultTypes.push_back(results.back().getType());
  }
  if (results.empty()) {
    emitError(loc) << "the graph has no outputs";
    return nullptr;
  }
  func::ReturnOp::create(b, loc, results);
  fn.setFunctionType(b.getFunctionType(argTypes, resultTypes));
  for (auto [i, vi] : llvm::enumerate(graph.output()))
    fn.setResultAttr(i, "cascade.name", b.getStringAttr(vi.name()));
  if (!graph.name().empty())
    (*module)->setAttr("cascade.onnx_graph", b.getStringAttr(graph.name()));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp>
cascade::importONNXBuffer(llvm::StringRef buffer, llvm::StringRef bufferName,
                          MLIRContext *context,
                          const ONNXImportOptions &options) {
  Location loc = FileLineColLoc::get(context, bufferName, 0, 0);
  onnx::ModelProto model;
  if (buffer.size() > size_t(std::numeric_limits<int>::max()) ||
      !model.ParseFromArray(buffer.data(), int(buffer.size()))) {
    emitError(loc) << "not a valid ONNX model: the file does not parse as "
                      "an ONNX ModelProto (corrupt or truncated?)";
    return nullptr;
  }
  if (!model.has_graph()) {
    emitError(loc) << "not a valid ONNX model: it has no graph";
    return nullptr;
  }
  Importer importer(context, bufferName, options);
  return importer.run(model);
}

OwningOpRef<ModuleOp>
cascade::importONNXFile(llvm::StringRef path, MLIRContext *context,
                        const ONNXImportOptions &options) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!file) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << "cannot read '" << path << "': " << file.getError().message();
    return nullptr;
  }
  return importONNXBuffer((*file)->getBuffer(), path, context, options);
}
