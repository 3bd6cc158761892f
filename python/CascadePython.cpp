//===- CascadePython.cpp - Python bindings of Cascade ---------------------===//
//
// Part of Cascade.
//
//===----------------------------------------------------------------------===//
//
// The `cascade._cascade` extension module: compiles MLIR source with the
// CPU pipeline, JIT-compiles it for the host and calls its functions on
// NumPy arrays. The Python package (cascade/__init__.py) wraps it.
//
// Every public function must take and return statically shaped tensors; a
// call checks each array's dtype and shape against the signature, makes it
// C-contiguous, and allocates the results. Compile errors are collected from
// the diagnostics and raised as cascade.CompileError.
//
//===----------------------------------------------------------------------===//

#include "cascade/Frontend/ONNX.h"
#include "cascade/Pipelines/Pipelines.h"
#include "cascade/Registration.h"
#include "cascade/Support/Diagnostics.h"
#include "cascade/Target/CPU.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

/// Raised for every compile-time problem (parse errors, verifier errors,
/// pipeline refusals); a Python RuntimeError subclass, set at import.
/// (A handle: the module attribute owns the reference; a global py::object
/// would be released after the interpreter is gone.)
py::handle compileErrorType;

[[noreturn]] void throwCompileError(const std::string &message) {
  PyErr_SetString(compileErrorType.ptr(), message.c_str());
  throw py::error_already_set();
}

/// One tensor argument or result of a function.
struct TensorSlot {
  std::vector<int64_t> shape;
  py::dtype dtype;
  std::string typeName; ///< as MLIR prints it, for messages
};

/// A public function and its tensor signature.
struct Signature {
  std::string name;
  std::vector<TensorSlot> args, results;
};

/// The NumPy dtype of an MLIR element type, or none.
std::optional<py::dtype> numpyDtype(mlir::Type type) {
  if (type.isF32())
    return py::dtype("float32");
  if (type.isF64())
    return py::dtype("float64");
  if (type.isF16())
    return py::dtype("float16");
  if (type.isInteger(1))
    return py::dtype("bool");
  if (type.isSignlessInteger(8))
    return py::dtype("int8");
  if (type.isSignlessInteger(32))
    return py::dtype("int32");
  if (type.isSignlessInteger(64))
    return py::dtype("int64");
  return std::nullopt;
}

/// The NumPy name of `dtype` ("float32").
std::string dtypeName(const py::dtype &dtype) {
  return py::str(static_cast<const py::handle &>(dtype)).cast<std::string>();
}

std::string typeString(mlir::Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

/// MLIR's ranked memref descriptor of `array`, which must be C-contiguous:
/// {allocated, aligned, offset, sizes[rank], strides[rank]} as int64 words.
std::vector<int64_t> describe(py::array &array) {
  int64_t rank = array.ndim();
  std::vector<int64_t> words(3 + 2 * rank, 0);
  // Inputs are only read (cascade-read-only-inputs), so read-only arrays
  // are passed as they are.
  auto pointer = reinterpret_cast<int64_t>(const_cast<void *>(array.data()));
  words[0] = pointer;
  words[1] = pointer;
  int64_t stride = 1;
  for (int64_t i = rank - 1; i >= 0; --i) {
    words[3 + i] = array.shape(i);
    words[3 + rank + i] = stride;
    stride *= array.shape(i);
  }
  return words;
}

/// A compiled module: the parsed source (for `ir`), the JIT-compiled code
/// and the signatures of its public functions.
class CompiledModule {
public:
  CompiledModule(const std::string &source, const std::string &name,
                 const std::string &options)
      : options(options) {
    mlir::DialectRegistry registry;
    cascade::registerCascadeDialects(registry);
    cascade::registerCascadeDependentDialects(registry);
    cascade::registerONNXImportDialects(registry);
    context = std::make_unique<mlir::MLIRContext>(registry);
    context->printOpOnDiagnostic(false);
    context->loadAllAvailableDialects();

    cascade::ErrorCollector errors(context.get());
    if (llvm::StringRef(name).ends_with(".onnx")) {
      // An ONNX model, read from the file `name`.
      original = cascade::importONNXFile(name, context.get());
      if (!original)
        throwCompileError(errors.take("cannot import '" + name + "'"));
    } else {
      auto buffer = llvm::MemoryBuffer::getMemBufferCopy(source, name);
      llvm::SourceMgr sourceMgr;
      sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
      original =
          mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, context.get());
      if (!original)
        throwCompileError(errors.take("cannot parse '" + name + "'"));
    }
    readSignatures();

    mlir::OwningOpRef<mlir::ModuleOp> lowered = original->clone();
    runPipeline(*lowered, cascade::Stage::LLVM, errors);
    auto jit = cascade::createHostJIT(*lowered);
    if (!jit) {
      std::string diagnostics = errors.take("");
      throwCompileError(
          "JIT compilation failed: " + llvm::toString(jit.takeError()) +
          (diagnostics.empty() ? "" : "\n" + diagnostics));
    }
    engine = std::move(*jit);
  }

  /// The IR after `stage` of the pipeline (attn, ein, ein-1pass, loops,
  /// llvm), printed.
  std::string ir(const std::string &stage) {
    std::optional<cascade::Stage> parsedStage = cascade::parseStage(stage);
    if (!parsedStage)
      throw py::value_error("unknown stage '" + stage +
                            "'; the stages are attn, ein, ein-1pass, loops "
                            "and llvm");
    cascade::ErrorCollector errors(context.get());
    mlir::OwningOpRef<mlir::ModuleOp> copy = original->clone();
    runPipeline(*copy, *parsedStage, errors);
    std::string text;
    llvm::raw_string_ostream os(text);
    copy->print(os);
    return text;
  }

  std::vector<std::string> functions() const {
    std::vector<std::string> names;
    for (const Signature &signature : signatures)
      names.push_back(signature.name);
    return names;
  }

  /// Calls `name` on `inputs`; returns one array, or a tuple for several
  /// results.
  py::object call(const std::string &name, py::args inputs) {
    const Signature *signature = nullptr;
    for (const Signature &s : signatures)
      if (s.name == name)
        signature = &s;
    if (!signature)
      throw py::key_error("no public function '" + name + "' in the module");
    if (inputs.size() != signature->args.size())
      throw py::type_error("'" + name + "' takes " +
                           std::to_string(signature->args.size()) +
                           " arrays, got " + std::to_string(inputs.size()));

    std::vector<py::array> arrays;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const TensorSlot &slot = signature->args[i];
      py::array array = py::array::ensure(inputs[i]);
      if (!array)
        throw py::type_error("argument " + std::to_string(i) + " of '" + name +
                             "' is not an array");
      if (!array.dtype().equal(slot.dtype))
        throw py::type_error("argument " + std::to_string(i) + " of '" + name +
                             "' has dtype " + dtypeName(array.dtype()) + "; " +
                             slot.typeName + " needs " + dtypeName(slot.dtype));
      std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
      if (shape != slot.shape) {
        std::string got = "(";
        for (size_t d = 0; d < shape.size(); ++d)
          got += (d ? ", " : "") + std::to_string(shape[d]);
        got += shape.size() == 1 ? ",)" : ")";
        throw py::value_error("argument " + std::to_string(i) + " of '" + name +
                              "' has shape " + got + "; " + slot.typeName +
                              " needs its shape");
      }
      py::array contiguous = py::array::ensure(array, py::array::c_style);
      if (!contiguous)
        throw py::error_already_set();
      arrays.push_back(contiguous);
    }
    std::vector<py::array> results;
    for (const TensorSlot &slot : signature->results)
      results.push_back(py::array(slot.dtype, slot.shape));

    std::vector<std::vector<int64_t>> descriptors;
    for (py::array &array : arrays)
      descriptors.push_back(describe(array));
    for (py::array &array : results)
      descriptors.push_back(describe(array));
    std::vector<void *> pointers, packed;
    for (std::vector<int64_t> &descriptor : descriptors)
      pointers.push_back(descriptor.data());
    for (void *&pointer : pointers)
      packed.push_back(&pointer);
    {
      py::gil_scoped_release release;
      if (llvm::Error err =
              engine->invokePacked("_mlir_ciface_" + name, packed)) {
        py::gil_scoped_acquire acquire;
        throw std::runtime_error("cannot run '" + name +
                                 "': " + llvm::toString(std::move(err)));
      }
    }
    if (results.empty())
      return py::none();
    if (results.size() == 1)
      return results[0];
    py::tuple tuple(results.size());
    for (size_t i = 0; i < results.size(); ++i)
      tuple[i] = results[i];
    return tuple;
  }

private:
  /// Runs the CPU pipeline with the module's options on `module`, up to
  /// `stage`; raises ValueError for bad options, CompileError on failure.
  void runPipeline(mlir::ModuleOp module, cascade::Stage stage,
                   cascade::ErrorCollector &errors) {
    mlir::PassManager pm(context.get());
    if (llvm::Error err = cascade::buildCascadeCPUPipeline(pm, options, stage))
      throw py::value_error(llvm::toString(std::move(err)));
    if (mlir::failed(pm.run(module)))
      throwCompileError(errors.take("the cascade-cpu pipeline failed"));
  }

  /// Reads the tensor signatures of the public functions; refuses other
  /// argument and result types.
  void readSignatures() {
    for (auto func : original->getOps<mlir::func::FuncOp>()) {
      if (func.isPrivate() || func.isExternal())
        continue;
      Signature signature;
      signature.name = func.getSymName().str();
      auto readSlot = [&](mlir::Type type, const std::string &what) {
        auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(type);
        if (!tensor || !tensor.hasStaticShape())
          throwCompileError("'" + signature.name + "': " + what + " is " +
                            typeString(type) +
                            "; Python calls need statically shaped tensors");
        std::optional<py::dtype> dtype = numpyDtype(tensor.getElementType());
        if (!dtype)
          throwCompileError("'" + signature.name + "': " + what +
                            " has element type " +
                            typeString(tensor.getElementType()) +
                            ", which has no NumPy dtype");
        return TensorSlot{std::vector<int64_t>(tensor.getShape().begin(),
                                               tensor.getShape().end()),
                          *dtype, typeString(type)};
      };
      mlir::FunctionType type = func.getFunctionType();
      for (auto [i, input] : llvm::enumerate(type.getInputs()))
        signature.args.push_back(
            readSlot(input, "argument " + std::to_string(i)));
      for (auto [i, result] : llvm::enumerate(type.getResults()))
        signature.results.push_back(
            readSlot(result, "result " + std::to_string(i)));
      signatures.push_back(std::move(signature));
    }
  }

  std::string options;
  std::unique_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> original;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::vector<Signature> signatures;
};

} // namespace

PYBIND11_MODULE(_cascade, m) {
  m.doc() = "Cascade's compiler and JIT, for the cascade package";
  m.def("onnx_available", &cascade::isONNXImportAvailable,
        "whether this build reads ONNX models");

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  cascade::registerCascadePasses();
  // Compiled code calls the OpenMP runtime; make its symbols visible to the
  // JIT, which resolves them in the process.
  std::string error;
  if (llvm::sys::DynamicLibrary::LoadLibraryPermanently(CASCADE_LIBOMP, &error))
    throw std::runtime_error("cannot load the OpenMP runtime '" +
                             std::string(CASCADE_LIBOMP) + "': " + error);

  compileErrorType = PyErr_NewExceptionWithDoc(
      "cascade.CompileError",
      "Cascade could not compile the source; the message carries its "
      "diagnostics.",
      PyExc_RuntimeError, nullptr);
  if (!compileErrorType)
    throw py::error_already_set();
  m.attr("CompileError") = py::reinterpret_steal<py::object>(compileErrorType);

  py::class_<CompiledModule>(m, "CompiledModule")
      .def(py::init<const std::string &, const std::string &,
                    const std::string &>(),
           py::arg("source"), py::arg("name"), py::arg("options"))
      .def("ir", &CompiledModule::ir, py::arg("stage"))
      .def("functions", &CompiledModule::functions)
      .def("call", &CompiledModule::call, py::arg("name"));
}
