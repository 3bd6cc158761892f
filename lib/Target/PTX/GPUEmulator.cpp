//===- GPUEmulator.cpp - Running the gpu stage's kernels on the CPU -------===//
//
// Part of Cascade. See include/cascade/Target/GPUEmulator.h.
//
//===----------------------------------------------------------------------===//

#include "cascade/Target/GPUEmulator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <map>
#include <optional>

using namespace mlir;

namespace {

/// A view of memory: a buffer, an offset and strides (in elements).
struct View {
  std::vector<double> *data = nullptr;
  int64_t offset = 0;
  SmallVector<int64_t> shape, strides;
  Type elem;
};

/// An SSA value for every thread of the CTA: `width` elements per thread
/// (vectors flattened), or a view (the same for every thread).
struct Val {
  std::vector<double> d;
  int64_t width = 1;
  std::optional<View> view;
  double at(int64_t lane, int64_t i = 0) const { return d[lane * width + i]; }
};

using Mask = std::vector<char>;

int64_t widthOf(Type t) {
  if (auto v = dyn_cast<VectorType>(t))
    return v.getNumElements();
  if (auto s = dyn_cast<LLVM::LLVMStructType>(t))
    return s.getBody().size();
  return 1;
}

Type elementOf(Type t) {
  if (auto v = dyn_cast<VectorType>(t))
    return v.getElementType();
  return t;
}

/// `v` rounded to what type `t` holds.
double roundTo(Type t, double v) {
  if (t.isF64() || t.isIndex() || std::isnan(v))
    return v;
  if (t.isF32())
    return (double)(float)v;
  if (t.isF16() || t.isBF16()) {
    llvm::APFloat f(v);
    bool lost;
    f.convert(t.isF16() ? llvm::APFloat::IEEEhalf() : llvm::APFloat::BFloat(),
              llvm::APFloat::rmNearestTiesToEven, &lost);
    f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    return f.convertToDouble();
  }
  if (auto i = dyn_cast<IntegerType>(t)) {
    if (i.getWidth() == 1)
      return v != 0 ? 1 : 0;
    if (i.getWidth() < 64) {
      int64_t x = (int64_t)v;
      int64_t m = int64_t(1) << i.getWidth();
      x = ((x % m) + m) % m;
      if (x >= m / 2)
        x -= m;
      return (double)x;
    }
  }
  return v;
}

/// The 16 bits of a bf16 value.
uint32_t bf16Bits(double v) {
  float f = (float)v;
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits >> 16;
}
double bf16Value(uint32_t bits) {
  uint32_t b = bits << 16;
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

class CTA {
public:
  CTA(int64_t threads, std::array<int64_t, 3> blockId,
      ArrayRef<std::vector<double> *> params)
      : lanes(threads), blockId(blockId), params(params) {}

  llvm::Error run(gpu::GPUFuncOp fn) {
    Block &entry = fn.getBody().front();
    for (auto [i, arg] : llvm::enumerate(entry.getArguments())) {
      auto t = cast<MemRefType>(arg.getType());
      View v;
      v.data = params[i];
      v.shape.assign(t.getShape().begin(), t.getShape().end());
      v.strides = rowMajor(v.shape);
      v.elem = t.getElementType();
      Val val;
      val.view = v;
      env[arg] = val;
    }
    Mask all(lanes, 1);
    SmallVector<Val> yields;
    if (failed(runBlock(entry, all, yields)))
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s",
                                     error.c_str());
    return llvm::Error::success();
  }

private:
  static SmallVector<int64_t> rowMajor(ArrayRef<int64_t> shape) {
    SmallVector<int64_t> s(shape.size(), 1);
    for (int64_t i = (int64_t)shape.size() - 2; i >= 0; --i)
      s[i] = s[i + 1] * shape[i + 1];
    return s;
  }

  LogicalResult fail(Operation *op, const Twine &why) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << "emulating '" << op->getName() << "' at " << op->getLoc() << ": "
       << why;
    error = s;
    return failure();
  }

  Val &get(Value v) { return env[v]; }
  Val make(Type t) {
    Val v;
    v.width = widthOf(t);
    v.d.assign(lanes * v.width, 0.0);
    return v;
  }

  /// The element offset of `indices` in view `v`, per thread.
  std::vector<int64_t> offsets(const View &v, ValueRange indices) {
    std::vector<int64_t> out(lanes, v.offset);
    for (auto [k, ix] : llvm::enumerate(indices)) {
      const Val &x = get(ix);
      for (int64_t l = 0; l < lanes; ++l)
        out[l] += (int64_t)x.at(l) * v.strides[k];
    }
    return out;
  }

  bool inBounds(const View &v, int64_t off, int64_t n = 1) {
    return off >= 0 && off + n <= (int64_t)v.data->size();
  }

  LogicalResult runBlock(Block &block, const Mask &mask,
                         SmallVectorImpl<Val> &yields) {
    for (Operation &op : block) {
      if (isa<scf::YieldOp>(op)) {
        for (Value v : op.getOperands())
          yields.push_back(get(v));
        return success();
      }
      if (isa<gpu::ReturnOp>(op))
        return success();
      if (failed(runOp(&op, mask)))
        return failure();
    }
    return success();
  }

  LogicalResult runOp(Operation *op, const Mask &mask);
  LogicalResult runElementwise(Operation *op, const Mask &mask);

  int64_t lanes;
  std::array<int64_t, 3> blockId;
  ArrayRef<std::vector<double> *> params;
  llvm::DenseMap<Value, Val> env;
  std::map<int64_t, std::vector<double>> shared;
  std::string error;
};

LogicalResult CTA::runElementwise(Operation *op, const Mask &mask) {
  Type rt = op->getResult(0).getType();
  Type et = elementOf(rt);
  Val out = make(rt);
  auto operand = [&](unsigned i) -> const Val & {
    return get(op->getOperand(i));
  };
  int64_t w = out.width;
  auto each = [&](auto f) {
    for (int64_t l = 0; l < lanes; ++l)
      for (int64_t i = 0; i < w; ++i)
        out.d[l * w + i] = roundTo(et, f(l, i));
  };
  auto x = [&](unsigned k, int64_t l, int64_t i) {
    const Val &v = operand(k);
    return v.d[l * v.width + (v.width == 1 ? 0 : i)];
  };
  StringRef name = op->getName().getStringRef();
  auto bin = [&](auto f) {
    each([&](int64_t l, int64_t i) { return f(x(0, l, i), x(1, l, i)); });
  };
  auto un = [&](auto f) {
    each([&](int64_t l, int64_t i) { return f(x(0, l, i)); });
  };
  if (name == "arith.addf" || name == "arith.addi")
    bin([](double a, double b) { return a + b; });
  else if (name == "arith.subf" || name == "arith.subi")
    bin([](double a, double b) { return a - b; });
  else if (name == "arith.mulf" || name == "arith.muli")
    bin([](double a, double b) { return a * b; });
  else if (name == "arith.divf")
    bin([](double a, double b) { return a / b; });
  else if (name == "arith.divui" || name == "arith.divsi" ||
           name == "arith.floordivsi")
    bin([](double a, double b) { return b == 0 ? 0.0 : std::floor(a / b); });
  else if (name == "arith.ceildivsi" || name == "arith.ceildivui")
    bin([](double a, double b) { return b == 0 ? 0.0 : std::ceil(a / b); });
  else if (name == "arith.remui" || name == "arith.remsi")
    bin([](double a, double b) {
      return b == 0 ? 0.0 : a - b * std::trunc(a / b);
    });
  else if (name == "arith.maximumf")
    bin([](double a, double b) {
      return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
    });
  else if (name == "arith.minimumf")
    bin([](double a, double b) {
      return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
    });
  else if (name == "arith.maxnumf" || name == "arith.maxsi" ||
           name == "arith.maxui")
    bin([](double a, double b) { return std::fmax(a, b); });
  else if (name == "arith.minnumf" || name == "arith.minsi" ||
           name == "arith.minui")
    bin([](double a, double b) { return std::fmin(a, b); });
  else if (name == "arith.andi")
    bin([](double a, double b) { return double((int64_t)a & (int64_t)b); });
  else if (name == "arith.ori")
    bin([](double a, double b) { return double((int64_t)a | (int64_t)b); });
  else if (name == "arith.xori")
    bin([](double a, double b) { return double((int64_t)a ^ (int64_t)b); });
  else if (name == "arith.negf")
    un([](double a) { return -a; });
  else if (name == "arith.extf" || name == "arith.truncf" ||
           name == "arith.index_cast" || name == "arith.index_castui" ||
           name == "arith.extsi" || name == "arith.extui" ||
           name == "arith.trunci" || name == "arith.sitofp" ||
           name == "arith.uitofp")
    un([](double a) { return a; });
  else if (name == "arith.fptosi" || name == "arith.fptoui")
    un([](double a) { return std::trunc(a); });
  else if (name == "math.exp")
    un([](double a) { return std::exp(a); });
  else if (name == "math.exp2")
    un([](double a) { return std::exp2(a); });
  else if (name == "math.log")
    un([](double a) { return std::log(a); });
  else if (name == "math.log1p")
    un([](double a) { return std::log1p(a); });
  else if (name == "math.log2")
    un([](double a) { return std::log2(a); });
  else if (name == "math.tanh")
    un([](double a) { return std::tanh(a); });
  else if (name == "math.absf" || name == "math.absi")
    un([](double a) { return std::fabs(a); });
  else if (name == "math.sqrt")
    un([](double a) { return std::sqrt(a); });
  else if (name == "math.rsqrt")
    un([](double a) { return 1.0 / std::sqrt(a); });
  else if (name == "math.erf")
    un([](double a) { return std::erf(a); });
  else if (name == "math.floor")
    un([](double a) { return std::floor(a); });
  else if (name == "math.ceil")
    un([](double a) { return std::ceil(a); });
  else if (name == "math.fma")
    each([&](int64_t l, int64_t i) {
      return x(0, l, i) * x(1, l, i) + x(2, l, i);
    });
  else if (name == "arith.select")
    each([&](int64_t l, int64_t i) {
      return x(0, l, i) != 0 ? x(1, l, i) : x(2, l, i);
    });
  else if (auto c = dyn_cast<arith::CmpIOp>(op)) {
    using P = arith::CmpIPredicate;
    P p = c.getPredicate();
    bin([p](double a, double b) {
      switch (p) {
      case P::eq:
        return double(a == b);
      case P::ne:
        return double(a != b);
      case P::slt:
      case P::ult:
        return double(a < b);
      case P::sle:
      case P::ule:
        return double(a <= b);
      case P::sgt:
      case P::ugt:
        return double(a > b);
      case P::sge:
      case P::uge:
        return double(a >= b);
      }
      return 0.0;
    });
  } else if (auto c = dyn_cast<arith::CmpFOp>(op)) {
    using P = arith::CmpFPredicate;
    P p = c.getPredicate();
    bin([p](double a, double b) {
      bool un = std::isnan(a) || std::isnan(b);
      switch (p) {
      case P::OEQ:
        return double(!un && a == b);
      case P::ONE:
        return double(!un && a != b);
      case P::OLT:
        return double(!un && a < b);
      case P::OLE:
        return double(!un && a <= b);
      case P::OGT:
        return double(!un && a > b);
      case P::OGE:
        return double(!un && a >= b);
      case P::UEQ:
        return double(un || a == b);
      case P::UNE:
        return double(un || a != b);
      case P::ULT:
        return double(un || a < b);
      case P::ULE:
        return double(un || a <= b);
      case P::UGT:
        return double(un || a > b);
      case P::UGE:
        return double(un || a >= b);
      case P::ORD:
        return double(!un);
      case P::UNO:
        return double(un);
      case P::AlwaysTrue:
        return 1.0;
      case P::AlwaysFalse:
        return 0.0;
      }
      return 0.0;
    });
  } else {
    return fail(op, "operation not supported by the emulator");
  }
  (void)mask;
  env[op->getResult(0)] = std::move(out);
  return success();
}

LogicalResult CTA::runOp(Operation *op, const Mask &mask) {
  auto uniform = [&](Value v) -> std::optional<int64_t> {
    const Val &x = get(v);
    std::optional<int64_t> u;
    for (int64_t l = 0; l < lanes; ++l)
      if (mask[l]) {
        if (u && *u != (int64_t)x.at(l))
          return std::nullopt;
        u = (int64_t)x.at(l);
      }
    return u ? u : std::optional<int64_t>(0);
  };
  if (auto c = dyn_cast<arith::ConstantOp>(op)) {
    Val out = make(c.getType());
    Attribute a = c.getValue();
    SmallVector<double> vals;
    auto scalar = [](Attribute e) -> double {
      if (auto f = dyn_cast<FloatAttr>(e))
        return f.getValueAsDouble();
      if (auto i = dyn_cast<IntegerAttr>(e))
        return i.getType().isInteger(1) ? (double)i.getValue().getBoolValue()
                                        : (double)i.getValue().getSExtValue();
      return 0.0;
    };
    if (auto d = dyn_cast<DenseElementsAttr>(a))
      for (Attribute e : d.getValues<Attribute>())
        vals.push_back(scalar(e));
    else
      vals.push_back(scalar(a));
    for (int64_t l = 0; l < lanes; ++l)
      for (int64_t i = 0; i < out.width; ++i)
        out.d[l * out.width + i] = vals[vals.size() == 1 ? 0 : i];
    env[c] = std::move(out);
    return success();
  }
  if (auto t = dyn_cast<gpu::ThreadIdOp>(op)) {
    Val out = make(t.getType());
    for (int64_t l = 0; l < lanes; ++l)
      out.d[l] = t.getDimension() == gpu::Dimension::x ? l : 0;
    env[t] = std::move(out);
    return success();
  }
  if (auto t = dyn_cast<gpu::BlockIdOp>(op)) {
    Val out = make(t.getType());
    int64_t id = blockId[(int)t.getDimension()];
    for (int64_t l = 0; l < lanes; ++l)
      out.d[l] = id;
    env[t] = std::move(out);
    return success();
  }
  // Collective operations need every thread that takes part: a barrier the
  // whole CTA, the warp-level ones whole warps (a divergent warp would hang
  // or read undefined registers on the GPU).
  bool wholeCTA = llvm::all_of(mask, [](char m) { return m != 0; });
  if (isa<gpu::BarrierOp>(op) && !wholeCTA)
    return fail(op, "a barrier under divergent control flow");
  if (isa<nvgpu::LdMatrixOp, nvgpu::MmaSyncOp, NVVM::MmaOp, gpu::ShuffleOp>(
          op)) {
    for (int64_t w = 0; w < lanes; w += 32)
      for (int64_t l = w + 1; l < std::min(lanes, w + 32); ++l)
        if (mask[l] != mask[w])
          return fail(op, "a warp-level operation under divergent control "
                          "flow");
  }
  if (isa<gpu::BarrierOp, nvgpu::DeviceAsyncWaitOp>(op))
    return success(); // lockstep; copies complete at once
  if (auto g = dyn_cast<nvgpu::DeviceAsyncCreateGroupOp>(op)) {
    env[g] = make(g.getType());
    return success();
  }
  if (auto s = dyn_cast<gpu::DynamicSharedMemoryOp>(op)) {
    env[s] = Val();
    return success();
  }
  if (auto v = dyn_cast<memref::ViewOp>(op)) {
    std::optional<int64_t> shift = uniform(v.getByteShift());
    auto t = v.getType();
    std::vector<double> &buf = shared[*shift];
    // Shared memory starts undefined: NaN, so that a kernel that reads
    // what it did not write gets NaN results.
    if (buf.empty())
      buf.assign(t.getNumElements(), NAN);
    View view;
    view.data = &buf;
    view.shape.assign(t.getShape().begin(), t.getShape().end());
    view.strides = rowMajor(view.shape);
    view.elem = t.getElementType();
    Val out;
    out.view = view;
    env[v] = out;
    return success();
  }
  if (auto c = dyn_cast<memref::CollapseShapeOp>(op)) {
    View view = *get(c.getSrc()).view;
    auto t = c.getResultType();
    view.shape.assign(t.getShape().begin(), t.getShape().end());
    view.strides = rowMajor(view.shape);
    Val out;
    out.view = view;
    env[c] = out;
    return success();
  }
  if (auto ld = dyn_cast<memref::LoadOp>(op)) {
    const View &v = *get(ld.getMemRef()).view;
    std::vector<int64_t> off = offsets(v, ld.getIndices());
    Val out = make(ld.getType());
    for (int64_t l = 0; l < lanes; ++l) {
      if (!mask[l])
        continue;
      if (!inBounds(v, off[l]))
        return fail(op, "load out of bounds");
      out.d[l] = (*v.data)[off[l]];
    }
    env[ld] = std::move(out);
    return success();
  }
  if (auto st = dyn_cast<memref::StoreOp>(op)) {
    const View &v = *get(st.getMemRef()).view;
    std::vector<int64_t> off = offsets(v, st.getIndices());
    const Val &x = get(st.getValue());
    for (int64_t l = 0; l < lanes; ++l) {
      if (!mask[l])
        continue;
      if (!inBounds(v, off[l]))
        return fail(op, "store out of bounds");
      (*v.data)[off[l]] = roundTo(v.elem, x.at(l));
    }
    return success();
  }
  if (auto cp = dyn_cast<nvgpu::DeviceAsyncCopyOp>(op)) {
    const View &dst = *get(cp.getDst()).view;
    const View &src = *get(cp.getSrc()).view;
    std::vector<int64_t> d = offsets(dst, cp.getDstIndices());
    std::vector<int64_t> s = offsets(src, cp.getSrcIndices());
    int64_t n = cp.getDstElements().getZExtValue();
    for (int64_t l = 0; l < lanes; ++l) {
      if (!mask[l])
        continue;
      int64_t m =
          cp.getSrcElements() ? (int64_t)get(cp.getSrcElements()).at(l) : n;
      if (!inBounds(dst, d[l], n) || (m > 0 && !inBounds(src, s[l], m)))
        return fail(op, "copy out of bounds");
      for (int64_t i = 0; i < n; ++i)
        (*dst.data)[d[l] + i] = i < m ? (*src.data)[s[l] + i] : 0.0;
    }
    env[cp] = make(cp.getAsyncToken().getType());
    return success();
  }
  if (auto sh = dyn_cast<gpu::ShuffleOp>(op)) {
    if (sh.getMode() != gpu::ShuffleMode::XOR)
      return fail(op, "only xor shuffles are emulated");
    const Val &x = get(sh.getValue());
    const Val &off = get(sh.getOffset());
    Val out = make(sh.getShuffleResult().getType());
    Val valid = make(sh.getValid().getType());
    for (int64_t l = 0; l < lanes; ++l) {
      int64_t from = (l & ~31) | ((l & 31) ^ ((int64_t)off.at(l) & 31));
      out.d[l] = x.at(from);
      valid.d[l] = 1;
    }
    env[sh.getShuffleResult()] = std::move(out);
    env[sh.getValid()] = std::move(valid);
    return success();
  }
  if (auto lm = dyn_cast<nvgpu::LdMatrixOp>(op)) {
    const View &v = *get(lm.getSrcMemref()).view;
    std::vector<int64_t> off = offsets(v, lm.getIndices());
    int64_t tiles = lm.getNumTiles();
    bool trans = lm.getTranspose();
    Val out = make(lm.getRes().getType()); // vector<tiles x 2>
    for (int64_t w = 0; w < lanes; w += 32)
      for (int64_t l = 0; l < 32; ++l)
        for (int64_t j = 0; j < tiles; ++j)
          for (int64_t k = 0; k < 2; ++k) {
            int64_t g = l / 4, t2 = 2 * (l % 4) + k;
            // Non-transposed: row g of matrix j, column 2t + k; transposed:
            // row 2t + k, column g.
            int64_t row = trans ? t2 : g, col = trans ? g : t2;
            int64_t addr = off[w + 8 * j + row] + col;
            if (!inBounds(v, addr))
              return fail(op, "ldmatrix out of bounds");
            out.d[(w + l) * out.width + j * 2 + k] = (*v.data)[addr];
          }
    env[lm] = std::move(out);
    return success();
  }
  // mma.sync m16n8k16: A 16x16 (4 pairs per lane), B 16x8 (2 pairs), C and
  // D 16x8 (2 pairs of f32), in the PTX ISA's fragment layout.
  auto mma = [&](auto aAt, auto bAt, auto cAt, Val &out) {
    for (int64_t w = 0; w < lanes; w += 32) {
      double A[16][16], B[16][8], C[16][8];
      for (int64_t l = 0; l < 32; ++l) {
        int64_t g = l / 4, t = l % 4;
        for (int64_t k = 0; k < 2; ++k) {
          A[g][2 * t + k] = aAt(w + l, 0, k);
          A[g + 8][2 * t + k] = aAt(w + l, 1, k);
          A[g][2 * t + 8 + k] = aAt(w + l, 2, k);
          A[g + 8][2 * t + 8 + k] = aAt(w + l, 3, k);
          B[2 * t + k][g] = bAt(w + l, 0, k);
          B[2 * t + 8 + k][g] = bAt(w + l, 1, k);
          C[g][2 * t + k] = cAt(w + l, 0, k);
          C[g + 8][2 * t + k] = cAt(w + l, 1, k);
        }
      }
      for (int64_t l = 0; l < 32; ++l) {
        int64_t g = l / 4, t = l % 4;
        for (int64_t r = 0; r < 2; ++r)
          for (int64_t k = 0; k < 2; ++k) {
            int64_t row = g + 8 * r, col = 2 * t + k;
            double acc = C[row][col];
            for (int64_t i = 0; i < 16; ++i)
              acc += A[row][i] * B[i][col];
            out.d[(w + l) * out.width + r * 2 + k] = (double)(float)acc;
          }
      }
    }
  };
  if (auto m = dyn_cast<nvgpu::MmaSyncOp>(op)) {
    const Val &a = get(m.getMatrixA()), &b = get(m.getMatrixB()),
              &c = get(m.getMatrixC());
    Val out = make(m.getType());
    mma([&](int64_t l, int64_t r, int64_t k) { return a.at(l, r * 2 + k); },
        [&](int64_t l, int64_t r, int64_t k) { return b.at(l, r * 2 + k); },
        [&](int64_t l, int64_t r, int64_t k) { return c.at(l, r * 2 + k); },
        out);
    env[m] = std::move(out);
    return success();
  }
  if (auto m = dyn_cast<NVVM::MmaOp>(op)) {
    // bf16: the pairs packed in i32 registers, the low half first.
    auto a = m.getOperandA(), b = m.getOperandB(), c = m.getOperandC();
    auto half = [&](Value reg, int64_t l, int64_t k) {
      uint32_t bits = (uint32_t)(int64_t)get(reg).at(l);
      return bf16Value(k == 0 ? (bits & 0xffff) : (bits >> 16));
    };
    Val out = make(m.getType());
    mma([&](int64_t l, int64_t r, int64_t k) { return half(a[r], l, k); },
        [&](int64_t l, int64_t r, int64_t k) { return half(b[r], l, k); },
        [&](int64_t l, int64_t r, int64_t k) {
          return get(c[r * 2 + k]).at(l);
        },
        out);
    env[m.getRes()] = std::move(out);
    return success();
  }
  if (auto ev = dyn_cast<LLVM::ExtractValueOp>(op)) {
    const Val &s = get(ev.getContainer());
    Val out = make(ev.getType());
    int64_t i = ev.getPosition()[0];
    for (int64_t l = 0; l < lanes; ++l)
      out.d[l] = s.at(l, i);
    env[ev] = std::move(out);
    return success();
  }
  if (auto bc = dyn_cast<vector::BitCastOp>(op)) {
    auto from = bc.getSourceVectorType(), to = bc.getResultVectorType();
    if (!from.getElementType().isBF16() || from.getNumElements() != 2 ||
        !to.getElementType().isInteger(32) || to.getNumElements() != 1)
      return fail(op, "only bf16 pairs to i32 are emulated");
    const Val &x = get(bc.getSource());
    Val out = make(to);
    for (int64_t l = 0; l < lanes; ++l)
      out.d[l] = (double)(bf16Bits(x.at(l, 0)) | (bf16Bits(x.at(l, 1)) << 16));
    env[bc] = std::move(out);
    return success();
  }
  // Vector element moves at static positions.
  auto flatPosition = [](VectorType t, ArrayRef<int64_t> pos, int64_t &size) {
    int64_t off = 0;
    SmallVector<int64_t> strides(t.getRank(), 1);
    for (int64_t i = t.getRank() - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * t.getDimSize(i + 1);
    for (auto [i, p] : llvm::enumerate(pos))
      off += p * strides[i];
    size = pos.size() < (size_t)t.getRank() ? strides[pos.size() - 1] : 1;
    if (pos.empty())
      size = t.getNumElements();
    return off;
  };
  if (auto ex = dyn_cast<vector::ExtractOp>(op)) {
    if (!ex.getDynamicPosition().empty())
      return fail(op, "dynamic positions are not emulated");
    int64_t size;
    int64_t off =
        flatPosition(ex.getSourceVectorType(), ex.getStaticPosition(), size);
    const Val &x = get(ex.getSource());
    Val out = make(ex.getType());
    for (int64_t l = 0; l < lanes; ++l)
      for (int64_t i = 0; i < out.width; ++i)
        out.d[l * out.width + i] = x.at(l, off + i);
    env[ex] = std::move(out);
    return success();
  }
  if (auto in = dyn_cast<vector::InsertOp>(op)) {
    if (!in.getDynamicPosition().empty())
      return fail(op, "dynamic positions are not emulated");
    int64_t size;
    int64_t off =
        flatPosition(in.getDestVectorType(), in.getStaticPosition(), size);
    Val out = get(in.getDest());
    const Val &x = get(in.getValueToStore());
    for (int64_t l = 0; l < lanes; ++l)
      for (int64_t i = 0; i < x.width; ++i)
        out.d[l * out.width + off + i] = x.at(l, i);
    env[in] = std::move(out);
    return success();
  }
  if (auto sl = dyn_cast<vector::ExtractStridedSliceOp>(op)) {
    auto src = sl.getSourceVectorType();
    auto res = sl.getType();
    SmallVector<int64_t> offs, sizes;
    for (Attribute a : sl.getOffsets())
      offs.push_back(cast<IntegerAttr>(a).getInt());
    const Val &x = get(sl.getSource());
    Val out = make(res);
    int64_t inner = src.getRank() > 1 ? src.getDimSize(1) : 1;
    for (int64_t l = 0; l < lanes; ++l)
      for (int64_t i = 0; i < out.width; ++i) {
        int64_t r = res.getRank() > 1 ? i / res.getDimSize(1) : i;
        int64_t c = res.getRank() > 1 ? i % res.getDimSize(1) : 0;
        int64_t from =
            (r + offs[0]) * inner +
            (res.getRank() > 1 ? c + (offs.size() > 1 ? offs[1] : 0) : 0);
        out.d[l * out.width + i] = x.at(l, from);
      }
    env[sl] = std::move(out);
    return success();
  }
  if (auto fe = dyn_cast<vector::FromElementsOp>(op)) {
    Val out = make(fe.getType());
    for (int64_t l = 0; l < lanes; ++l)
      for (auto [i, e] : llvm::enumerate(fe.getElements()))
        out.d[l * out.width + i] = get(e).at(l);
    env[fe] = std::move(out);
    return success();
  }
  if (auto br = dyn_cast<vector::BroadcastOp>(op)) {
    const Val &x = get(br.getSource());
    if (x.width != 1)
      return fail(op, "only scalar broadcasts are emulated");
    Val out = make(br.getType());
    for (int64_t l = 0; l < lanes; ++l)
      for (int64_t i = 0; i < out.width; ++i)
        out.d[l * out.width + i] = x.at(l);
    env[br] = std::move(out);
    return success();
  }
  if (auto f = dyn_cast<scf::ForOp>(op)) {
    std::optional<int64_t> lb = uniform(f.getLowerBound()),
                           ub = uniform(f.getUpperBound()),
                           step = uniform(f.getStep());
    if (!lb || !ub || !step || *step <= 0)
      return fail(op, "loop bounds differ between threads");
    SmallVector<Val> carried;
    for (Value v : f.getInitArgs())
      carried.push_back(get(v));
    for (int64_t i = *lb; i < *ub; i += *step) {
      Val iv = make(f.getInductionVar().getType());
      for (int64_t l = 0; l < lanes; ++l)
        iv.d[l] = i;
      env[f.getInductionVar()] = iv;
      for (auto [arg, v] : llvm::zip(f.getRegionIterArgs(), carried))
        env[arg] = v;
      SmallVector<Val> next;
      if (failed(runBlock(*f.getBody(), mask, next)))
        return failure();
      carried = next;
    }
    for (auto [r, v] : llvm::zip(f.getResults(), carried))
      env[r] = v;
    return success();
  }
  if (auto iff = dyn_cast<scf::IfOp>(op)) {
    Val c = get(iff.getCondition()); // copied: the branches add values
    Mask thenMask(lanes), elseMask(lanes);
    bool anyThen = false, anyElse = false;
    for (int64_t l = 0; l < lanes; ++l) {
      thenMask[l] = mask[l] && c.at(l) != 0;
      elseMask[l] = mask[l] && c.at(l) == 0;
      anyThen |= thenMask[l];
      anyElse |= elseMask[l];
    }
    SmallVector<Val> thenVals, elseVals;
    if (anyThen &&
        failed(runBlock(iff.getThenRegion().front(), thenMask, thenVals)))
      return failure();
    if (anyElse && !iff.getElseRegion().empty() &&
        failed(runBlock(iff.getElseRegion().front(), elseMask, elseVals)))
      return failure();
    for (auto [i, r] : llvm::enumerate(iff.getResults())) {
      Val out = make(r.getType());
      for (int64_t l = 0; l < lanes; ++l) {
        const SmallVector<Val> &from = c.at(l) != 0 ? thenVals : elseVals;
        if (from.empty())
          continue;
        for (int64_t k = 0; k < out.width; ++k)
          out.d[l * out.width + k] = from[i].at(l, k);
      }
      env[r] = std::move(out);
    }
    return success();
  }
  if (op->getNumResults() == 1 && op->getNumRegions() == 0)
    return runElementwise(op, mask);
  return fail(op, "operation not supported by the emulator");
}

} // namespace

llvm::Error cascade::emulateFunction(ModuleOp module, llvm::StringRef function,
                                     EmulatorBuffers &buffers) {
  // The kernels of the function, in launch order.
  SmallVector<std::pair<int64_t, gpu::GPUFuncOp>> kernels;
  module.walk([&](gpu::GPUFuncOp fn) {
    auto info = fn->getAttrOfType<DictionaryAttr>("cascade.kernel");
    if (!info || info.getAs<StringAttr>("function").getValue() != function)
      return;
    auto order = info.getAs<IntegerAttr>("launch_order");
    kernels.push_back({order ? order.getInt() : 0, fn});
  });
  if (kernels.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no kernel of function '%s'",
                                   function.str().c_str());
  llvm::sort(kernels, [](auto &a, auto &b) { return a.first < b.first; });
  for (auto &[order, fn] : kernels) {
    auto info = fn->getAttrOfType<DictionaryAttr>("cascade.kernel");
    SmallVector<std::vector<double> *> params;
    for (Attribute a : info.getAs<ArrayAttr>("params")) {
      auto p = cast<DictionaryAttr>(a);
      StringRef name = p.getAs<StringAttr>("name").getValue();
      auto type =
          cast<RankedTensorType>(cast<TypeAttr>(p.get("type")).getValue());
      std::vector<double> &buf = buffers[name];
      if (p.getAs<StringAttr>("kind").getValue() == "input") {
        if ((int64_t)buf.size() != type.getNumElements())
          return llvm::createStringError(
              llvm::inconvertibleErrorCode(),
              "input '%s' has %zu elements, the kernel reads %lld",
              name.str().c_str(), buf.size(), (long long)type.getNumElements());
      } else if ((int64_t)buf.size() != type.getNumElements()) {
        // Outputs and scratch start undefined: NaN shows what is not
        // written.
        buf.assign(type.getNumElements(), NAN);
      }
      params.push_back(&buf);
    }
    auto grid = info.getAs<DenseI64ArrayAttr>("grid").asArrayRef();
    auto block = info.getAs<DenseI64ArrayAttr>("block").asArrayRef();
    for (int64_t z = 0; z < grid[2]; ++z)
      for (int64_t y = 0; y < grid[1]; ++y)
        for (int64_t x = 0; x < grid[0]; ++x) {
          CTA cta(block[0], {x, y, z}, params);
          if (llvm::Error err = cta.run(fn))
            return err;
        }
  }
  return llvm::Error::success();
}
