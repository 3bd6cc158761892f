"""Cascade, an attention compiler, from Python.

    import numpy as np, cascade

    module = cascade.compile("attention.mlir", tile_m=64)   # a path or MLIR text
    out = module(q, k, v)                 # NumPy arrays in, NumPy arrays out
    print(module.ir("ein-1pass"))         # the IR after a stage of the pipeline

    out = cascade.attention(q, k, v, causal="bottom_right", window=(128, 0))

`compile` runs the `cascade-cpu` pipeline and JIT-compiles the result for
this machine's CPU. Every public function of the module must take and return
statically shaped tensors; calls check each array's dtype and shape. Problems
in the source raise `cascade.CompileError` with its diagnostics.
"""

import collections
import math
import operator
import os
import struct

from ._cascade import CompileError
from ._cascade import CompiledModule as _CompiledModule

__all__ = ["CompileError", "Module", "STAGES", "attention", "compile"]

#: The stages of the CPU pipeline, in order, for `Module.ir`.
STAGES = ("attn", "ein", "ein-1pass", "loops", "llvm")

# Keyword options of `compile` and the `cascade-cpu` options they set.
_OPTIONS = {
    "tile_m": "tile-m",
    "tile_n": "tile-n",
    "split": "split",
    "threads": "threads",
    "sparsify": "sparsify",
    "pack_gqa": "pack-gqa",
    "vector_width": "vector-width",
    "raise_attention": "raise",
}


def _option_string(options):
    words = []
    for key, value in sorted(options.items()):
        if key not in _OPTIONS:
            raise TypeError(
                "unknown compile option %r; the options are %s"
                % (key, ", ".join(sorted(_OPTIONS)))
            )
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif not isinstance(value, int):
            raise TypeError("compile option %r must be an int, got %r" % (key, value))
        words.append("%s=%s" % (_OPTIONS[key], value))
    return " ".join(words)


class Module:
    """A compiled module: call its functions on NumPy arrays."""

    def __init__(self, compiled):
        self._compiled = compiled
        self.functions = tuple(compiled.functions())

    def ir(self, stage="attn"):
        """The module's IR after `stage` (one of `cascade.STAGES`), as text."""
        return self._compiled.ir(stage)

    def __call__(self, *arrays):
        """Calls the module's only public function."""
        if len(self.functions) != 1:
            raise TypeError(
                "the module has %d public functions (%s); use "
                "module.call(name, *arrays) or module.<name>(*arrays)"
                % (len(self.functions), ", ".join(self.functions))
            )
        return self._compiled.call(self.functions[0], *arrays)

    def call(self, name, *arrays):
        """Calls the public function `name`: one array, a tuple of arrays
        for several results, None for none."""
        return self._compiled.call(name, *arrays)

    def __getattr__(self, name):
        if name.startswith("_") or name not in self.functions:
            raise AttributeError("no public function %r in the module" % name)
        return lambda *arrays: self._compiled.call(name, *arrays)


def compile(source_or_path, target="cpu", **options):
    """Compiles MLIR (a path to a .mlir file, or the text itself) or an ONNX
    model (a path to a .onnx file; the graph becomes the function `main`,
    taking the graph's inputs in order and returning its outputs).

    Options (all optional): tile_m, tile_n, split, threads, sparsify,
    pack_gqa, vector_width, raise_attention (`raise`: attention in a model
    graph raised to attn ops), as the `cascade-cpu` pipeline's options of the same names
    (`cascadec --help` explains them).
    """
    if target != "cpu":
        raise ValueError(
            "target %r is not available; this build of Cascade compiles for "
            "'cpu' only" % (target,)
        )
    text = str(source_or_path)
    name = "<string>"
    if "\n" not in text and text.endswith(".onnx"):
        if not os.path.exists(text):
            raise FileNotFoundError(text)
        return Module(_CompiledModule("", text, _option_string(options)))
    if "\n" not in text and (text.endswith(".mlir") or os.path.exists(text)):
        with open(text, encoding="utf-8") as f:
            name, text = text, f.read()
    return Module(_CompiledModule(text, name, _option_string(options)))


# Compiled attention kernels, most recently used last; each holds a JIT.
_cache = collections.OrderedDict()
_CACHE_SIZE = 32


def _f32(x):
    """An f32 attribute value: decimal with an exponent, or the bit pattern
    for infinities and NaN (MLIR's float literals need one of the two)."""
    x = float(x)
    if math.isfinite(x):
        return "%.9e : f32" % x
    return "0x%08X : f32" % struct.unpack("<I", struct.pack("<f", x))[0]


def _int(x, name):
    """An integer (Python's or NumPy's), never a bool or a float."""
    if isinstance(x, bool):
        raise TypeError("%s must be an integer, got %r" % (name, x))
    try:
        return operator.index(x)
    except TypeError:
        raise TypeError("%s must be an integer, got %r" % (name, x)) from None


def _type(shape, dtype):
    element = {"float32": "f32", "float16": "f16"}.get(str(dtype))
    if element is None:
        raise TypeError(
            "attention takes float32 or float16 arrays, got %s" % (dtype,)
        )
    return "tensor<%sx%s>" % ("x".join(str(d) for d in shape), element)


def attention(
    q,
    k,
    v,
    *,
    causal=None,
    window=None,
    scale=None,
    softcap=None,
    normalizer=None,
    sink_tokens=None,
    **options
):
    """Attention of q [B, Hq, N, D], k [B, Hkv, M, D], v [B, Hkv, M, Dv].

    causal: None, True or "top_left", or "bottom_right"; window: W (W keys
    to the left) or (left, right), -1 for unbounded; scale: the scores'
    factor (default 1/sqrt(D)); softcap: c for c * tanh(s / c); normalizer:
    "softmax" (default), "sigmoid", "softplus" or "relu"; sink_tokens: keys
    kept whatever the window. Other keyword options go to `compile`. The
    compiled kernel is cached per shapes, dtype and options.
    """
    import numpy as np

    q, k, v = (np.asarray(x) for x in (q, k, v))
    if not (q.dtype == k.dtype == v.dtype):
        raise TypeError(
            "q, k and v must have one dtype, got %s, %s, %s" % (q.dtype, k.dtype, v.dtype)
        )
    for name, x in (("q", q), ("k", k), ("v", v)):
        if x.ndim != 4:
            raise ValueError("%s must be 4-d [B, H, N, D], got shape %s" % (name, x.shape))
    attrs = []
    if causal is True:
        causal = "top_left"
    if causal:
        if causal not in ("top_left", "bottom_right"):
            raise ValueError("causal must be True, 'top_left' or 'bottom_right', got %r" % (causal,))
        attrs.append("causal = #attn.causal<%s>" % causal)
    if window is not None:
        if hasattr(window, "__index__"):
            left, right = window, 0
        else:
            try:
                left, right = window
            except (TypeError, ValueError):
                raise TypeError("window must be W or (left, right), got %r" % (window,))
        attrs.append(
            "window = array<i64: %d, %d>"
            % (_int(left, "window's left"), _int(right, "window's right"))
        )
    if scale is not None:
        attrs.append("scale = " + _f32(scale))
    if softcap is not None:
        attrs.append("softcap = " + _f32(softcap))
    if normalizer is not None:
        if normalizer not in ("softmax", "sigmoid", "softplus", "relu"):
            raise ValueError(
                "normalizer must be softmax, sigmoid, softplus or relu, got %r"
                % (normalizer,)
            )
        attrs.append("normalizer = #attn.normalizer<%s>" % normalizer)
    if sink_tokens is not None:
        attrs.append("sink_tokens = %d : i64" % _int(sink_tokens, "sink_tokens"))
    out_shape = q.shape[:3] + v.shape[3:]
    tq, tk, tv, to = (
        _type(s, q.dtype) for s in (q.shape, k.shape, v.shape, out_shape)
    )
    source = (
        "func.func @attention(%%q: %s, %%k: %s, %%v: %s) -> %s {\n"
        "  %%o = attn.attention %%q, %%k, %%v {%s} : %s, %s, %s -> %s\n"
        "  return %%o : %s\n"
        "}\n" % (tq, tk, tv, to, ", ".join(attrs), tq, tk, tv, to, to)
    )
    key = (source, _option_string(options))
    module = _cache.get(key)
    if module is None:
        module = compile(source, **options)
        _cache[key] = module
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(key)
    return module(q, k, v)
