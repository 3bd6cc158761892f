#!/usr/bin/env python3
"""The GPU validation matrix: attention kernels to compile on a build machine
and to check and time on a GPU machine.

    python3 scripts/gpu_matrix.py OUTDIR [--only correctness|throughput]
                                         [--list]

writes, for every case, OUTDIR/<case>/<case>.mlir (one public function, one
attn.attention op; arguments named q, k, v and the result o through
`cascade.name`, so that the kernel's parameters carry those names) and the
index OUTDIR/matrix.json. scripts/gpu-kernels.sh then compiles each file into
its folder (`cascadec --target=nvptx -o OUTDIR/<case>`), and
scripts/gpu-validate.py reads the index to build each case's reference.

Each entry of matrix.json holds:
  name, kind ("correctness" or "throughput"), dtype ("f16" or "bf16"),
  B, Hq, Hkv, N, M, D, group (Hq / Hkv), variant (a description),
  attrs: causal (null, "top_left" or "bottom_right"), window (null or
    [L, R], -1 for an unbounded side), scale (the factor applied to q.k,
    1/sqrt(D) unless the op sets it), softcap (null or c),
    normalizer ("softmax" or "sigmoid"), sigmoid_bias (null: -log(M)),
  dir (the case's folder, relative to OUTDIR) and mlir (its MLIR file,
  relative to OUTDIR).

Plain Python, no third-party module, so that it runs on any build machine.
"""

import argparse
import json
import math
import os
import sys

# Odd sizes for correctness: neither N nor M a multiple of any tile.
_ODD = dict(B=2, N=1000, M=1100)


def _case(name, kind, dtype, B, Hq, Hkv, N, M, D, causal=None, window=None,
          scale=None, softcap=None, normalizer="softmax"):
    attrs = {
        "causal": causal,
        "window": list(window) if window else None,
        "scale": scale if scale is not None else 1.0 / math.sqrt(D),
        "scale_attr": scale is not None,
        "softcap": softcap,
        "normalizer": normalizer,
        "sigmoid_bias": None,
    }
    words = [normalizer]
    if causal:
        words.append("causal=" + causal)
    if window:
        words.append("window=[%d, %d]" % tuple(window))
    if softcap is not None:
        words.append("softcap=%g" % softcap)
    if scale is not None:
        words.append("scale=%g" % scale)
    if Hq != Hkv:
        words.append("GQA %d/%d" % (Hq, Hkv))
    if N == 1:
        words.append("decode")
    return {
        "name": name,
        "kind": kind,
        "dtype": dtype,
        "B": B,
        "Hq": Hq,
        "Hkv": Hkv,
        "N": N,
        "M": M,
        "D": D,
        "group": Hq // Hkv,
        "variant": " ".join(words),
        "attrs": attrs,
        "dir": name,
        "mlir": "%s/%s.mlir" % (name, name),
    }


def cases():
    """Every case of the matrix, correctness first."""
    c = []
    for d in (64, 128):
        c.append(_case("plain_f16_d%d" % d, "correctness", "f16", Hq=8, Hkv=8,
                       D=d, **_ODD))
    c.append(_case("plain_bf16_d64", "correctness", "bf16", Hq=8, Hkv=8, D=64,
                   **_ODD))
    c.append(_case("scale_f16_d64", "correctness", "f16", Hq=8, Hkv=8, D=64,
                   scale=0.0625, **_ODD))
    for d in (64, 128):
        c.append(_case("causal_f16_d%d" % d, "correctness", "f16", Hq=8,
                       Hkv=8, D=d, causal="top_left", **_ODD))
    c.append(_case("causal_bottom_right_f16_d64", "correctness", "f16", Hq=8,
                   Hkv=8, D=64, causal="bottom_right", **_ODD))
    # More queries than keys, bottom-right: the first N - M rows see no key
    # and must be zero.
    c.append(_case("masked_rows_f16_d64", "correctness", "f16", B=2, Hq=8,
                   Hkv=2, N=1100, M=1000, D=64, causal="bottom_right"))
    for d in (64, 128):
        c.append(_case("gqa_f16_d%d" % d, "correctness", "f16", Hq=8, Hkv=2,
                       D=d, **_ODD))
    c.append(_case("gqa_causal_f16_d128", "correctness", "f16", Hq=8, Hkv=2,
                   D=128, causal="top_left", **_ODD))
    c.append(_case("window_f16_d64", "correctness", "f16", Hq=8, Hkv=2, D=64,
                   causal="top_left", window=(128, 0), **_ODD))
    c.append(_case("sigmoid_f16_d64", "correctness", "f16", Hq=8, Hkv=8, D=64,
                   normalizer="sigmoid", **_ODD))
    c.append(_case("softcap_f16_d64", "correctness", "f16", Hq=8, Hkv=8, D=64,
                   softcap=30.0, **_ODD))
    c.append(_case("softcap_causal_f16_d128", "correctness", "f16", Hq=8,
                   Hkv=8, D=128, causal="top_left", softcap=30.0, **_ODD))
    c.append(_case("decode_f16_d128", "correctness", "f16", B=1, Hq=32, Hkv=8,
                   N=1, M=4096, D=128))
    c.append(_case("decode_odd_f16_d64", "correctness", "f16", B=2, Hq=32,
                   Hkv=8, N=1, M=1100, D=64))
    for B, H, N, D in ((2, 16, 4096, 128), (4, 16, 2048, 64),
                       (1, 16, 16384, 128)):
        for causal in (None, "top_left"):
            name = "tput_%s_b%d_h%d_n%d_d%d" % (
                "causal" if causal else "plain", B, H, N, D)
            c.append(_case(name, "throughput", "f16", B=B, Hq=H, Hkv=H, N=N,
                           M=N, D=D, causal=causal))
    c.append(_case("tput_decode_b1_h32_kv8_m32768_d128", "throughput", "f16",
                   B=1, Hq=32, Hkv=8, N=1, M=32768, D=128))
    return c


def mlir(case):
    """The case's module: one function, one attn.attention op."""
    t = case["dtype"]
    q = "tensor<%dx%dx%dx%dx%s>" % (case["B"], case["Hq"], case["N"],
                                    case["D"], t)
    kv = "tensor<%dx%dx%dx%dx%s>" % (case["B"], case["Hkv"], case["M"],
                                     case["D"], t)
    a = case["attrs"]
    attrs = []
    if a["causal"]:
        attrs.append("causal = #attn.causal<%s>" % a["causal"])
    if a["window"]:
        attrs.append("window = array<i64: %d, %d>" % tuple(a["window"]))
    if a["normalizer"] != "softmax":
        attrs.append("normalizer = #attn.normalizer<%s>" % a["normalizer"])
    if a["softcap"] is not None:
        attrs.append("softcap = %r : f32" % float(a["softcap"]))
    if a["scale_attr"]:
        attrs.append("scale = %r : f32" % float(a["scale"]))
    attr_text = (" {" + ", ".join(attrs) + "}") if attrs else ""
    return (
        "// %s (%s): %s, B=%d Hq=%d Hkv=%d N=%d M=%d D=%d, %s.\n"
        "// Generated by scripts/gpu_matrix.py.\n"
        "func.func @%s(%%q: %s {cascade.name = \"q\"},\n"
        "    %%k: %s {cascade.name = \"k\"},\n"
        "    %%v: %s {cascade.name = \"v\"})\n"
        "    -> (%s {cascade.name = \"o\"}) {\n"
        "  %%o = attn.attention %%q, %%k, %%v%s\n"
        "      : %s, %s, %s -> %s\n"
        "  return %%o : %s\n"
        "}\n" % (case["name"], case["kind"], case["variant"], case["B"],
                 case["Hq"], case["Hkv"], case["N"], case["M"], case["D"], t,
                 case["name"], q, kv, kv, q, attr_text, q, kv, kv, q, q))


def write(outdir, only=None):
    """Writes every case's MLIR and OUTDIR/matrix.json; returns the cases."""
    selected = [c for c in cases() if only is None or c["kind"] == only]
    for c in selected:
        folder = os.path.join(outdir, c["dir"])
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(outdir, c["mlir"]), "w") as f:
            f.write(mlir(c))
    with open(os.path.join(outdir, "matrix.json"), "w") as f:
        json.dump({"version": 1, "cases": selected}, f, indent=2)
        f.write("\n")
    return selected


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir")
    parser.add_argument("--only", choices=("correctness", "throughput"))
    parser.add_argument("--list", action="store_true",
                        help="print '<dir> <mlir>' per case (for the shell)")
    args = parser.parse_args(argv)
    selected = write(args.outdir, args.only)
    if args.list:
        for c in selected:
            print(c["dir"], c["mlir"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
