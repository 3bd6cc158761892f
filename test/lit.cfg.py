# -*- Python -*-
# Main lit configuration of the Cascade regression tests. The build directory's
# lit.site.cfg.py (generated from lit.site.cfg.py.in) sets the paths below and
# then loads this file.

import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "Cascade"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "Inputs"]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.cascade_obj_root, "test")

# FileCheck, `| count` and `| not` from config.llvm_tools_dir (a missing one is
# fatal); the Cascade tools and then the LLVM tools first on PATH, so that a
# RUN line may also start with `not`.
llvm_config.use_default_substitutions()
llvm_config.with_environment(
    "PATH", [config.cascade_tools_dir, config.llvm_tools_dir], append_path=True
)
llvm_config.with_system_environment(["HOME", "TMPDIR", "CUDA_VISIBLE_DEVICES"])

# FileCheck variables defined before a CHECK-LABEL do not leak past it.
config.environment["FILECHECK_OPTS"] = "--enable-var-scope"

# %python: the interpreter the build was configured with, not the one running
# lit (use_default_substitutions sets it to the latter).
config.substitutions = [
    (key, value) for key, value in config.substitutions if key != "%python"
]
config.substitutions.append(("%python", '"%s"' % config.python_executable))

# The Cascade tools. A tool that this build does not define yet is left
# unsubstituted rather than failing the configuration.
tools = [
    ToolSubst(name, unresolved="ignore")
    for name in [
        "cascade-opt",
        "cascade-run",
        "cascadec",
        "cascade-bench",
        "cascade-capi-test",
        "cascade-cuda-test",
    ]
]
llvm_config.add_tool_substitutions(tools, [config.cascade_tools_dir])

# Optional features.
# cascade-bench is built when OpenBLAS (libopenblas-dev) is installed.
if os.path.exists(os.path.join(config.cascade_tools_dir, "cascade-bench")):
    config.available_features.add("cascade-bench")
if os.path.exists("/usr/local/cuda/bin/ptxas") or shutil.which("ptxas"):
    config.available_features.add("ptxas")
# A CUDA driver that loads: tests that expect none are unsupported there.
# The stand-in driver (test/CUDA/FakeDriver.cpp) runs the CUDA runtime's
# tests on any machine, loaded through CASCADE_CUDA_DRIVER.
try:
    import ctypes as _ctypes

    _ctypes.CDLL("libcuda.so.1")
    config.available_features.add("cuda-driver")
except OSError:
    pass
config.substitutions.append(
    (
        "%fake_cuda_driver",
        os.path.join(config.cascade_obj_root, "lib", "libcascade-fake-cuda.so"),
    )
)
# A CPU with the AVX512-BF16 dot products (vdpbf16ps on 512-bit vectors):
# tests that force the bf16 dot-product tile bodies run only there.
try:
    with open("/proc/cpuinfo") as _cpuinfo:
        for _line in _cpuinfo:
            if _line.startswith("flags"):
                _flags = set(_line.split(":", 1)[1].split())
                if {"avx512f", "avx512_bf16"} <= _flags:
                    config.available_features.add("avx512bf16")
                break
except OSError:
    pass
# Graphviz's dot renders the graphs of ein-print-graph.
if shutil.which("dot"):
    config.available_features.add("graphviz")


def _python_has(module):
    try:
        return (
            subprocess.run(
                [config.python_executable, "-c", "import " + module],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=60,
            ).returncode
            == 0
        )
    except (OSError, subprocess.SubprocessError):
        return False


if _python_has("numpy"):
    config.available_features.add("numpy")
# PyTorch (CPU is enough): the GPU validation script's self-test.
if _python_has("torch"):
    config.available_features.add("torch")

# The ONNX importer (built when libonnx-dev was found), and the node tests of
# Debian's libonnx-testdata, read with python3-onnx.
if config.cascade_enable_onnx.upper() in ("ON", "TRUE", "1", "YES"):
    config.available_features.add("onnx")
    config.onnx_node_tests = "/usr/include/onnx/backend/test/data/node"
    if os.path.isdir(config.onnx_node_tests) and _python_has("onnx"):
        config.available_features.add("onnx-testdata")
        config.substitutions.append(("%onnx_node_tests", config.onnx_node_tests))

# The source and build trees, for tests that install the build or build the
# examples against it.
config.substitutions.append(("%cascade_src_root", config.cascade_src_root))
config.substitutions.append(("%cascade_obj_root", config.cascade_obj_root))
# The mlir-opt plugin.
config.substitutions.append(
    ("%cascade_plugin", os.path.join(config.cascade_obj_root, "lib", "CascadePlugin.so"))
)
# The Python package, when pybind11 was found at configure time.
import glob as _glob

if _glob.glob(os.path.join(config.cascade_obj_root, "python", "cascade", "_cascade*.so")):
    config.available_features.add("python-bindings")
# LLVM's tools folder (FileCheck, mlir-opt), for scripts that set PATH.
config.substitutions.append(("%llvm_tools_dir", config.llvm_tools_dir))
