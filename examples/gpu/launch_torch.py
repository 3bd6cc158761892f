#!/usr/bin/env python3
"""Launch a Cascade PTX kernel from PyTorch, with nothing but ctypes.

`cascadec FILE.mlir --target=nvptx --chip=sm_80 -o DIR` writes, per attention
op, DIR/NAME.ptx and a record DIR/NAME.json (include/cascade/Target/PTX.h
describes both). The record says all a launcher needs:

    kernel                       the entry symbol in the PTX
    threads_per_block, grid      the launch configuration ([x, y, z] each)
    dynamic_shared_memory_bytes  shared memory per block, given at launch
    params                       one device pointer per parameter, in this
                                 order: name, kind (input, output, or
                                 scratch for what one kernel passes to the
                                 next), dtype, shape of a dense row-major
                                 tensor
    launch_order, launches       with split-KV a function has two kernels,
                                 launched in this order on the same buffers

This file loads the PTX with the CUDA driver API (libcuda, through ctypes:
cuModuleLoadDataEx, cuModuleGetFunction, cuFuncSetAttribute when the kernel
wants more than 48 KiB of dynamic shared memory, cuLaunchKernel on PyTorch's
current stream), so PyTorch tensors go straight in and out.

As a library:

    from launch_torch import launch, Kernel
    out = launch("DIR/NAME.json", q=q, k=k, v=v)    # {"o": tensor}
    kernel = Kernel("DIR/NAME.json")                # load once (all kernels
                                                    # of NAME's function),
    args = kernel.arguments(q=q, k=k, v=v)          # allocate outputs once,
    kernel.launch(args)                             # launch many times

As a program, `python3 launch_torch.py DIR/NAME.json` runs the kernel on
random inputs and compares its output with
torch.nn.functional.scaled_dot_product_attention computed in fp32 (for the
variants SDPA expresses: softmax, causal, GQA; other variants are compared
with the same formula written out, see --help).
"""

import argparse
import ctypes
import json
import math
import os
import sys

import torch

# The record's dtypes as torch dtypes.
DTYPES = {
    "f16": torch.float16,
    "bf16": torch.bfloat16,
    "f32": torch.float32,
    "i32": torch.int32,
    "i64": torch.int64,
    "i1": torch.bool,
}

# Driver API constants (cuda.h).
_CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8
_CU_JIT_INFO_LOG_BUFFER = 3
_CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4
_CU_JIT_ERROR_LOG_BUFFER = 5
_CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6
_DEFAULT_SHARED_LIMIT = 48 * 1024


class CudaError(RuntimeError):
    """A failed driver call, named with its CUresult."""


class _Driver:
    """libcuda.so.1 through ctypes, loaded on first use."""

    _lib = None

    @classmethod
    def lib(cls):
        if cls._lib is None:
            try:
                lib = ctypes.CDLL("libcuda.so.1")
            except OSError as e:
                raise CudaError(
                    "no CUDA driver: cannot load libcuda.so.1 (%s); Cascade's "
                    "kernels need an NVIDIA GPU and its driver" % e)
            c_int, c_uint, c_void_p = ctypes.c_int, ctypes.c_uint, ctypes.c_void_p
            signatures = {
                "cuInit": [c_uint],
                "cuCtxGetCurrent": [ctypes.POINTER(c_void_p)],
                "cuCtxSetCurrent": [c_void_p],
                "cuDevicePrimaryCtxRetain": [ctypes.POINTER(c_void_p), c_int],
                "cuModuleLoadDataEx": [ctypes.POINTER(c_void_p), ctypes.c_char_p,
                                       c_uint, ctypes.POINTER(c_int),
                                       ctypes.POINTER(c_void_p)],
                "cuModuleUnload": [c_void_p],
                "cuModuleGetFunction": [ctypes.POINTER(c_void_p), c_void_p,
                                        ctypes.c_char_p],
                "cuFuncSetAttribute": [c_void_p, c_int, c_int],
                "cuLaunchKernel": [c_void_p, c_uint, c_uint, c_uint, c_uint,
                                   c_uint, c_uint, c_uint, c_void_p,
                                   ctypes.POINTER(c_void_p),
                                   ctypes.POINTER(c_void_p)],
                "cuGetErrorName": [c_int, ctypes.POINTER(ctypes.c_char_p)],
            }
            for name, argtypes in signatures.items():
                fn = getattr(lib, name)
                fn.argtypes = argtypes
                fn.restype = c_int
            cls._lib = lib
        return cls._lib

    @classmethod
    def check(cls, result, call, detail=""):
        if result == 0:
            return
        name = ctypes.c_char_p()
        cls.lib().cuGetErrorName(result, ctypes.byref(name))
        text = name.value.decode() if name.value else "CUDA error %d" % result
        raise CudaError("%s%s: %s" % (call, " (%s)" % detail if detail else "",
                                      text))


def _ensure_context(device):
    """Makes PyTorch's context (the device's primary context) current on this
    thread, as the driver API calls below need one."""
    torch.cuda.init()
    torch.empty(1, device=device)  # PyTorch creates and binds its context
    lib = _Driver.lib()
    _Driver.check(lib.cuInit(0), "cuInit")
    current = ctypes.c_void_p()
    _Driver.check(lib.cuCtxGetCurrent(ctypes.byref(current)), "cuCtxGetCurrent")
    if not current.value:
        ordinal = torch.device(device).index or 0
        _Driver.check(lib.cuDevicePrimaryCtxRetain(ctypes.byref(current),
                                                   ordinal),
                      "cuDevicePrimaryCtxRetain")
        _Driver.check(lib.cuCtxSetCurrent(current), "cuCtxSetCurrent")


def read_record(record_path):
    """The record as a dict, with the PTX's path resolved beside it."""
    with open(record_path) as f:
        record = json.load(f)
    for field in ("kernel", "ptx", "threads_per_block", "grid",
                  "dynamic_shared_memory_bytes", "params"):
        if field not in record:
            raise ValueError("%s: missing field '%s'" % (record_path, field))
    for field in ("threads_per_block", "grid"):
        value = record[field]
        if (not isinstance(value, list) or len(value) != 3 or
                not all(isinstance(x, int) and x > 0 for x in value)):
            raise ValueError("%s: field '%s' must be a list of 3 positive "
                             "integers" % (record_path, field))
    for p in record["params"]:
        if p.get("dtype") not in DTYPES:
            raise ValueError("%s: parameter '%s' has dtype %r; expected one "
                             "of %s" % (record_path, p.get("name"),
                                        p.get("dtype"), ", ".join(DTYPES)))
    record["ptx_path"] = os.path.join(os.path.dirname(record_path),
                                      record["ptx"])
    return record


def group_records(record_path):
    """The records of the function that `record_path`'s kernel belongs to,
    in launch order: that record alone, or with split-KV ("launches": 2) the
    records beside it of the same function."""
    first = read_record(record_path)
    launches = first.get("launches", 1)
    if launches == 1:
        return [first]
    folder = os.path.dirname(record_path) or "."
    group = {}
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not name.endswith(".json"):
            continue
        try:
            record = read_record(path)
        except (ValueError, KeyError, json.JSONDecodeError):
            continue  # not a kernel record (an index, results)
        if (record.get("function") == first.get("function") and
                record.get("launches", 1) == launches):
            order = record.get("launch_order", 0)
            if order in group:
                raise ValueError("%s and %s both have launch_order %d" % (
                    group[order]["path"], path, order))
            record["path"] = path
            group[order] = record
    if sorted(group) != list(range(launches)):
        raise ValueError("%s is one of %d launches of '%s', but %s holds "
                         "launch orders %s" % (record_path, launches,
                                               first.get("function"), folder,
                                               sorted(group)))
    records = [group[i] for i in range(launches)]
    for r in records[1:]:
        if r["params"] != records[0]["params"]:
            raise ValueError("%s and %s take different parameters" % (
                records[0]["path"], r["path"]))
    return records


class _Loaded:
    """One kernel's module and entry point."""

    def __init__(self, record):
        lib = _Driver.lib()
        self.record = record
        self.name = record["kernel"]
        with open(record["ptx_path"], "rb") as f:
            ptx = f.read() + b"\0"
        # The JIT's logs, so that a PTX the driver rejects says why.
        error_log = ctypes.create_string_buffer(16384)
        info_log = ctypes.create_string_buffer(16384)
        options = (ctypes.c_int * 4)(
            _CU_JIT_ERROR_LOG_BUFFER, _CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
            _CU_JIT_INFO_LOG_BUFFER, _CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES)
        values = (ctypes.c_void_p * 4)(
            ctypes.cast(error_log, ctypes.c_void_p).value, len(error_log) - 1,
            ctypes.cast(info_log, ctypes.c_void_p).value, len(info_log) - 1)
        self.module = ctypes.c_void_p()
        result = lib.cuModuleLoadDataEx(ctypes.byref(self.module), ptx, 4,
                                        options, values)
        if result != 0:
            log = (error_log.value or info_log.value).decode(
                errors="replace").strip()
            try:
                _Driver.check(result, "cuModuleLoadDataEx", self.name)
            except CudaError as e:
                raise CudaError("%s\nJIT log:\n%s" % (e, log or "(empty)"))
        self.function = ctypes.c_void_p()
        _Driver.check(lib.cuModuleGetFunction(ctypes.byref(self.function),
                                              self.module,
                                              self.name.encode()),
                      "cuModuleGetFunction", self.name)
        self.shared = int(record["dynamic_shared_memory_bytes"])
        if self.shared > _DEFAULT_SHARED_LIMIT:
            _Driver.check(lib.cuFuncSetAttribute(
                self.function, _CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                self.shared), "cuFuncSetAttribute",
                "%d bytes of dynamic shared memory" % self.shared)

    def __del__(self):
        module = getattr(self, "module", None)
        if module is not None and module.value and _Driver._lib is not None:
            _Driver._lib.cuModuleUnload(module)


class Kernel:
    """A compiled function loaded onto a device: its kernel, or with
    split-KV its kernels, launched in order on the same arguments."""

    def __init__(self, record_path, device="cuda"):
        self.records = group_records(record_path)
        self.record = self.records[0]
        self.device = torch.device(device)
        self.name = (self.record["kernel"] if len(self.records) == 1 else
                     self.record.get("function", self.record["kernel"]))
        self.params = self.record["params"]
        _ensure_context(self.device)
        self.kernels = [_Loaded(r) for r in self.records]

    def arguments(self, **tensors):
        """The kernels' arguments in parameter order: the given inputs (moved
        to the device and made contiguous; a dtype other than the parameter's
        is converted), new output tensors and new scratch buffers."""
        names = [p["name"] for p in self.params if p["kind"] == "input"]
        unknown = set(tensors) - set(names)
        if unknown:
            raise ValueError("kernel '%s' has no input %s (inputs: %s)" % (
                self.name, ", ".join(sorted(unknown)), ", ".join(names)))
        args = []
        for p in self.params:
            dtype, shape = DTYPES[p["dtype"]], tuple(p["shape"])
            if p["kind"] != "input":  # output or scratch
                args.append(torch.empty(shape, dtype=dtype, device=self.device))
                continue
            if p["name"] not in tensors:
                raise ValueError("kernel '%s': no tensor for input '%s'" % (
                    self.name, p["name"]))
            t = tensors[p["name"]]
            if tuple(t.shape) != shape:
                raise ValueError("input '%s' has shape %s, the kernel takes "
                                 "%s" % (p["name"], tuple(t.shape), shape))
            args.append(t.to(device=self.device, dtype=dtype).contiguous())
        return args

    def launch(self, args, stream=None):
        """Launches the kernels on `args` (from arguments()), in launch
        order, on `stream` (default: PyTorch's current stream); returns at
        once."""
        if stream is None:
            stream = torch.cuda.current_stream(self.device)
        # kernelParams: the address of each argument's value (a device
        # pointer); the driver copies the values during the call.
        pointers = [ctypes.c_void_p(t.data_ptr()) for t in args]
        params = (ctypes.c_void_p * len(pointers))(
            *[ctypes.addressof(p) for p in pointers])
        for k in self.kernels:
            gx, gy, gz = k.record["grid"]
            bx, by, bz = k.record["threads_per_block"]
            _Driver.check(_Driver.lib().cuLaunchKernel(
                k.function, gx, gy, gz, bx, by, bz, k.shared,
                ctypes.c_void_p(stream.cuda_stream), params, None),
                "cuLaunchKernel", k.name)

    def outputs(self, args):
        """The output tensors of `args`, by parameter name."""
        return {p["name"]: t for p, t in zip(self.params, args)
                if p["kind"] == "output"}


def launch(record_path, device="cuda", **tensors):
    """Runs the kernel of `record_path` once on `tensors` (by input name) and
    returns its outputs by name, after the launch has finished."""
    kernel = Kernel(record_path, device)
    args = kernel.arguments(**tensors)
    kernel.launch(args)
    torch.cuda.synchronize(kernel.device)
    return kernel.outputs(args)


def reference(q, k, v, causal=None, window=None, scale=None, softcap=None,
              normalizer="softmax", sigmoid_bias=None, rows=None,
              query_len=None):
    """Attention as attn.attention defines it, in fp32 (whatever the inputs):
    q [B, Hq, N, D], k and v [B, Hkv, M, D]. causal: None, "top_left" or
    "bottom_right"; window: (L, R), -1 unbounded; rows: the query positions
    q holds (default 0..N-1), for checking a subset of rows, of query_len
    queries in all (default N, needed with rows for the bottom-right
    alignment). A row without a
    kept key is zero. Uses scaled_dot_product_attention where it expresses
    the variant (softmax, top-left causal, no window or softcap), the
    formula written out otherwise."""
    q, k, v = q.float(), k.float(), v.float()
    B, Hq, N, D = q.shape
    Hkv, M = k.shape[1], k.shape[2]
    if Hq != Hkv:
        k = k.repeat_interleave(Hq // Hkv, dim=1)
        v = v.repeat_interleave(Hq // Hkv, dim=1)
    if scale is None:
        scale = 1.0 / math.sqrt(D)
    sdpa = getattr(torch.nn.functional, "scaled_dot_product_attention", None)
    if (sdpa is not None and rows is None and normalizer == "softmax" and
            causal in (None, "top_left") and window is None and
            softcap is None):
        try:
            return sdpa(q, k, v, is_causal=causal == "top_left", scale=scale)
        except TypeError:  # PyTorch < 2.1 has no scale argument
            pass
    if rows is None:
        rows = torch.arange(N, device=q.device)
    s = torch.matmul(q, k.transpose(-1, -2)) * scale
    if softcap is not None:
        s = softcap * torch.tanh(s / softcap)
    # The aligned query position i and the key position m.
    offset = M - (query_len or N) if causal == "bottom_right" else 0
    i = (rows.to(q.device) + offset)[:, None]
    m = torch.arange(M, device=q.device)[None, :]
    keep = torch.ones(i.shape[0], M, dtype=torch.bool, device=q.device)
    if causal:
        keep &= m <= i
    if window is not None:
        left, right = window
        if left >= 0:
            keep &= m >= i - left
        if right >= 0:
            keep &= m <= i + right
    if normalizer == "sigmoid":
        bias = -math.log(M) if sigmoid_bias is None else sigmoid_bias
        w = torch.sigmoid(s + bias) * keep
        return torch.matmul(w, v)
    if normalizer != "softmax":
        raise ValueError("no reference for normalizer %r" % normalizer)
    s = s.masked_fill(~keep, float("-inf"))
    top = s.amax(dim=-1, keepdim=True)
    top = torch.where(torch.isinf(top), torch.zeros_like(top), top)
    w = torch.exp(s - top)  # 0 where masked
    total = w.sum(dim=-1, keepdim=True)
    w = w / torch.where(total > 0, total, torch.ones_like(total))
    return torch.matmul(w, v)


def _variant_attrs(variant):
    """Reference options from a record's variant text, where it says them."""
    words = variant.split()
    attrs = {}
    for w in words:
        if w.startswith("causal="):
            attrs["causal"] = w.split("=", 1)[1]
    unknown = [w for w in words if w not in ("softmax",) and
               not w.startswith("causal=")]
    return attrs, unknown


def main(argv):
    parser = argparse.ArgumentParser(
        description="Run a Cascade PTX kernel on random inputs and compare "
                    "it with PyTorch in fp32.")
    parser.add_argument("record", help="the kernel's NAME.json")
    parser.add_argument("--causal", choices=("none", "top_left", "bottom_right"),
                        help="the mask of the reference (default: from the "
                             "record's variant)")
    parser.add_argument("--window", type=int, nargs=2, metavar=("L", "R"))
    parser.add_argument("--scale", type=float)
    parser.add_argument("--softcap", type=float)
    parser.add_argument("--normalizer", choices=("softmax", "sigmoid"),
                        default="softmax")
    parser.add_argument("--tolerance", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    kernel = Kernel(args.record)
    torch.manual_seed(args.seed)
    inputs = {}
    for p in kernel.params:
        if p["kind"] != "input":
            continue
        dtype = DTYPES[p["dtype"]]
        if dtype.is_floating_point:
            t = torch.rand(p["shape"], device="cuda") * 2 - 1
        else:
            t = torch.randint(0, 2, p["shape"], device="cuda")
        inputs[p["name"]] = t.to(dtype)
    run = kernel.arguments(**inputs)
    kernel.launch(run)
    torch.cuda.synchronize()
    outputs = kernel.outputs(run)

    attrs, unknown = _variant_attrs(kernel.record.get("variant", "softmax"))
    if args.causal:
        attrs["causal"] = None if args.causal == "none" else args.causal
    attrs.update({k: getattr(args, k) for k in
                  ("window", "scale", "softcap", "normalizer")
                  if getattr(args, k) is not None})
    names = [p["name"] for p in kernel.params if p["kind"] == "input"]
    if len(names) != 3 or len(outputs) != 1:
        print("kernel %s ran; %d inputs and %d outputs is not plain attention "
              "(q, k, v -> o): no reference comparison" % (
                  kernel.name, len(names), len(outputs)))
        return 0
    if unknown and not any(getattr(args, k) is not None for k in
                           ("causal", "window", "scale", "softcap")):
        print("note: the record's variant says %s, which the reference "
              "options do not cover; give them (--window, --softcap, ...)" %
              " ".join(unknown))
    q, k, v = (inputs[n] for n in names)
    want = reference(q, k, v, **attrs)
    got = next(iter(outputs.values())).float()
    error = (got - want).abs().max().item()
    ok = error <= args.tolerance and torch.isfinite(got).all().item()
    print("kernel %s: output %s, max abs error %.3e against fp32 PyTorch -> %s"
          % (kernel.name, tuple(got.shape), error, "ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
