#!/usr/bin/env python3
"""Calls the `main` function of a library that cascadec compiled from an
ONNX model, through its C ABI, from Python's ctypes, and compares its
results with expected .npy files.

    run_library.py LIB.so --inputs A.npy B.npy ... --expect Y.npy ...

Inputs are passed in the graph's input order, each as a ranked memref
descriptor {allocated, aligned, offset, sizes[R], strides[R]}, followed by
one caller-allocated descriptor per output (docs/CABI.md). Prints the max
abs error per output and `OK` when all are within --tolerance.
"""

import argparse
import ctypes
import sys

import numpy as np


def descriptor(array):
    rank = array.ndim
    fields = [
        ("allocated", ctypes.c_void_p),
        ("aligned", ctypes.c_void_p),
        ("offset", ctypes.c_int64),
        ("sizes", ctypes.c_int64 * rank),
        ("strides", ctypes.c_int64 * rank),
    ]
    Desc = type("MemRef%dD" % rank, (ctypes.Structure,), {"_fields_": fields})
    d = Desc()
    d.allocated = d.aligned = array.ctypes.data
    d.offset = 0
    for i in range(rank):
        d.sizes[i] = array.shape[i]
        d.strides[i] = array.strides[i] // array.itemsize
    return d


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("library")
    parser.add_argument("--inputs", nargs="+", required=True)
    parser.add_argument("--expect", nargs="+", required=True)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    lib = ctypes.CDLL(args.library)
    inputs = [np.ascontiguousarray(np.load(p)) for p in args.inputs]
    expected = [np.load(p) for p in args.expect]
    outputs = [np.zeros_like(e) for e in expected]
    descriptors = [descriptor(a) for a in inputs + outputs]
    lib._mlir_ciface_main(*[ctypes.byref(d) for d in descriptors])
    ok = True
    for path, got, want in zip(args.expect, outputs, expected):
        err = float(np.max(np.abs(got.astype(np.float64) - want)))
        print("%s: max abs error %.3e" % (path, err))
        ok &= err <= args.tolerance
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
