#!/usr/bin/env python3
"""Runs ONNX's operator node tests (Debian's libonnx-testdata) through
cascade-run.

Each node test is a one-node model with inputs and expected outputs as
TensorProto files. For every test whose operator the importer supports, the
inputs and outputs are converted to .npy (with python3-onnx) and the model is
run by `cascade-run --input-dir --expect-dir`. Each test ends in one of:

  pass     the outputs match (max abs error <= --tolerance);
  refused  the importer or compiler refused the model with a diagnostic and
           exit code 1 (for example an input that the operator needs as a
           constant, such as Reshape's shape, given as a graph input);
  FAIL     a wrong result, a crash, or any other exit.

Prints one line per test and a summary; exits non-zero when any test FAILs or
when a test of --must-pass does not pass.

usage: run_node_tests.py CASCADE_RUN NODE_TEST_DIR WORK_DIR [--must-pass F]
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

# The operators the importer supports (lib/Frontend/ONNX/ImportONNX.cpp).
SUPPORTED = {
    "Abs", "Add", "And", "Cast", "Clip", "Concat", "Constant",
    "ConstantOfShape", "Div", "Dropout", "Elu", "Equal", "Erf", "Exp",
    "Expand", "Flatten", "Gather", "Gelu", "Gemm", "Greater",
    "GreaterOrEqual", "Identity", "LayerNormalization", "Less",
    "LessOrEqual", "Log", "LogSoftmax", "MatMul", "Max", "Mean", "Min", "Mul",
    "Neg", "Not", "Or", "Pow", "Range", "Reciprocal", "ReduceMax",
    "ReduceMean", "ReduceSum", "Relu", "Reshape", "Shape", "Sigmoid", "Slice",
    "Softmax", "Split", "Sqrt", "Squeeze", "Sub", "Sum", "Tanh", "Tile",
    "Transpose", "Trilu", "Unsqueeze", "Where",
}

# Element types cascade-run reads and writes as .npy.
DTYPES = {np.float32, np.float64, np.int64, np.int32, np.int8, np.bool_}


def file_name(name):
    return name.replace("/", "_") + ".npy"


def prepare(test_dir, work):
    """Writes the test's inputs and outputs as .npy; returns a reason to skip
    it, or None."""
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    ops = {n.op_type for n in model.graph.node}
    if not ops <= SUPPORTED:
        return "operator " + ", ".join(sorted(ops - SUPPORTED))
    if any(n.domain not in ("", "ai.onnx") for n in model.graph.node):
        return "domain"
    data = os.path.join(test_dir, "test_data_set_0")
    if not os.path.isdir(data):
        return "no test data"
    inputs = [i.name for i in model.graph.input]
    outputs = [o.name for o in model.graph.output]
    os.makedirs(os.path.join(work, "in"), exist_ok=True)
    os.makedirs(os.path.join(work, "out"), exist_ok=True)
    for kind, names in (("input", inputs), ("output", outputs)):
        for i, name in enumerate(names):
            path = os.path.join(data, "%s_%d.pb" % (kind, i))
            if not os.path.exists(path):
                return "missing " + path
            tensor = onnx.TensorProto()
            with open(path, "rb") as f:
                tensor.ParseFromString(f.read())
            array = numpy_helper.to_array(tensor)
            if array.dtype.type not in DTYPES or array.size == 0:
                return "element type %s or empty tensor" % array.dtype
            folder = "in" if kind == "input" else "out"
            np.save(os.path.join(work, folder, file_name(name)), array)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cascade_run")
    parser.add_argument("node_tests")
    parser.add_argument("work")
    parser.add_argument("--must-pass", help="file listing tests that must pass")
    parser.add_argument("--tolerance", default="1e-4")
    args = parser.parse_args()

    must_pass = set()
    if args.must_pass:
        with open(args.must_pass) as f:
            must_pass = {
                line.split("#")[0].strip()
                for line in f
                if line.split("#")[0].strip()
            }

    counts = {"pass": 0, "refused": 0, "FAIL": 0}
    failures = []
    for name in sorted(os.listdir(args.node_tests)):
        test_dir = os.path.join(args.node_tests, name)
        if not os.path.isfile(os.path.join(test_dir, "model.onnx")):
            continue
        work = os.path.join(args.work, name)
        try:
            skip = prepare(test_dir, work)
        except Exception as e:  # a test data file numpy_helper cannot read
            skip = "unreadable test data (%s)" % e
        if skip:
            if name in must_pass:
                failures.append("%s: must pass but is skipped (%s)" % (name, skip))
            continue
        cmd = [
            args.cascade_run, os.path.join(test_dir, "model.onnx"),
            "--input-dir", os.path.join(work, "in"),
            "--expect-dir", os.path.join(work, "out"),
            "--tolerance", args.tolerance,
        ]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            code, text = run.returncode, run.stdout + run.stderr
        except subprocess.TimeoutExpired:
            code, text = -1, "timed out"
        errors = [l for l in text.splitlines() if "error" in l]
        if code == 0:
            result = "pass"
        elif code == 1 and errors and "FAILED" not in text and \
                "differ from" not in text and "non-finite" not in text:
            result = "refused"
        else:
            result = "FAIL"
        counts[result] += 1
        detail = "" if result == "pass" else ": " + (errors[0] if errors else text.strip()[-300:])
        print("%-7s %s%s" % (result, name, detail))
        if result == "FAIL":
            failures.append("%s: %s" % (name, detail))
        elif name in must_pass and result != "pass":
            failures.append("%s: must pass but was %s%s" % (name, result, detail))
    print("node tests: %d pass, %d refused, %d FAIL" %
          (counts["pass"], counts["refused"], counts["FAIL"]))
    for f in failures:
        print("error: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
