"""Input and NumPy reference helpers for the attention variant tests in
test/e2e/variants.

  gen DIR NAME=SHAPE[@AMP] ... [--seed S]
      writes DIR/NAME.npy for each NAME: float32 values uniform in
      [-AMP, AMP] (AMP defaults to 1; SHAPE like 2x4x37x16, or 4 for a
      vector). Plain Python, so that the tests run without NumPy.
  ref DIR OUT [--scale X] [--causal none|top_left|bottom_right]
      [--normalizer softmax|sigmoid|softplus|relu] [--sigmoid-bias X]
      [--softplus-scale X] [--softplus-power X] [--window L R]
      [--dilation D] [--sink-tokens S] [--softcap C] [--alibi] [--lse]
      [--sinks] [--slopes] [--bias] [--gate] [--tol T]
      recomputes the attention variant in float64 from DIR/q.npy, DIR/k.npy,
      DIR/v.npy and the optional operands named by --sinks, --slopes (the
      alibi_slopes operand), --bias and --gate (DIR/sinks.npy, ...), written
      from the formulas of the attn.attention description independently of
      Cascade, and compares it with OUT/result0.npy (and OUT/result1.npy, the
      log-sum-exp, with --lse); prints "numpy resultI max abs error E" for
      each result, then "NUMPY OK" or "NUMPY MISMATCH" (max abs error above
      --tol, default 1e-5). A log-sum-exp of -inf (a row without keys) must
      be -inf exactly.
"""

import argparse
import os
import random
import struct
import sys

np = None  # NumPy, imported by `ref` only


def save_f32(path, shape, values):
    """Writes a little-endian float32 .npy file (format version 1.0)."""
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        "".join("%d, " % d for d in shape) if len(shape) != 1 else "%d," % shape[0]
    )
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(struct.pack("<%df" % len(values), *values))


def alibi_slopes(heads):
    """The ALiBi paper's slopes: 2^(-8 h / n) for the largest power of two
    n <= heads, then every other slope of 2n."""

    def power_of_two(n):
        return [2.0 ** (-8.0 * (h + 1) / n) for h in range(n)]

    n = 1
    while n * 2 <= heads:
        n *= 2
    return np.array(
        (power_of_two(n) + power_of_two(2 * n)[0::2])[:heads], dtype=np.float32
    ).astype(np.float64)


def load(directory, name):
    path = os.path.join(directory, name + ".npy")
    return np.load(path).astype(np.float64) if os.path.exists(path) else None


def attention(a, inputs):
    q, k, v = inputs["q"], inputs["k"], inputs["v"]
    _, hq, n, d = q.shape
    hkv, m = k.shape[1], k.shape[2]
    k = np.repeat(k, hq // hkv, axis=1)
    v = np.repeat(v, hq // hkv, axis=1)
    scale = a.scale if a.scale is not None else 1.0 / np.sqrt(d)
    s = scale * np.einsum("bhnd,bhmd->bhnm", q, k)
    if a.softcap is not None:
        s = a.softcap * np.tanh(s / a.softcap)

    # Aligned query positions i and key positions j.
    offset = m - n if a.causal == "bottom_right" else 0
    i = np.arange(n)[:, None] + offset
    j = np.arange(m)[None, :]
    slopes = alibi_slopes(hq) if a.alibi else inputs.get("slopes")
    if slopes is not None:
        s = s - slopes[None, :, None, None] * np.abs(i - j)[None, None]
    if inputs.get("bias") is not None:
        s = s + inputs["bias"]  # NumPy broadcasts the dimensions of size 1

    keep = np.ones((n, m), dtype=bool)
    if a.causal != "none":
        keep &= j <= i
    window = np.ones((n, m), dtype=bool)
    if a.window is not None:
        left, right = a.window
        if left >= 0:
            window &= i - j <= left
        if right >= 0:
            window &= j - i <= right
    if a.dilation is not None:
        window &= (i - j) % a.dilation == 0
    window |= j < a.sink_tokens
    keep &= window
    keep = np.broadcast_to(keep, s.shape)

    lse = None
    if a.normalizer == "softmax":
        sinks = inputs.get("sinks")
        s = np.where(keep, s, -np.inf)
        row_max = s.max(axis=-1, keepdims=True)
        if sinks is not None:
            row_max = np.maximum(row_max, sinks[None, :, None, None])
        safe_max = np.where(np.isfinite(row_max), row_max, 0.0)
        p = np.exp(s - safe_max)
        denom = p.sum(axis=-1, keepdims=True)
        if sinks is not None:
            denom = denom + np.exp(sinks[None, :, None, None] - safe_max)
        w = np.where(denom > 0, p / np.where(denom > 0, denom, 1.0), 0.0)
        with np.errstate(divide="ignore"):
            lse = (safe_max + np.log(denom))[..., 0]
        lse = np.where(denom[..., 0] > 0, lse, -np.inf)
    elif a.normalizer == "sigmoid":
        bias = a.sigmoid_bias if a.sigmoid_bias is not None else -np.log(m)
        w = np.where(keep, 1.0 / (1.0 + np.exp(-(s + bias))), 0.0)
    elif a.normalizer == "softplus":
        x = a.softplus_scale * s
        sp = np.where(x > 30, x, np.log1p(np.exp(np.minimum(x, 30))))
        p = np.where(keep, sp**a.softplus_power, 0.0)
        total = p.sum(axis=-1, keepdims=True)
        w = np.where(total > 0, p / np.where(total > 0, total, 1.0), 0.0)
    else:  # relu
        w = np.where(keep, np.maximum(s, 0.0) / m, 0.0)

    out = np.einsum("bhnm,bhmd->bhnd", w, v)
    if inputs.get("gate") is not None:
        out = out / (1.0 + np.exp(-inputs["gate"]))
    return out, lse


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("dir")
    g.add_argument("specs", nargs="+")
    g.add_argument("--seed", type=int, default=0)
    r = sub.add_parser("ref")
    r.add_argument("dir")
    r.add_argument("out")
    r.add_argument("--scale", type=float)
    r.add_argument("--causal", default="none",
                   choices=["none", "top_left", "bottom_right"])
    r.add_argument("--normalizer", default="softmax",
                   choices=["softmax", "sigmoid", "softplus", "relu"])
    r.add_argument("--sigmoid-bias", type=float)
    r.add_argument("--softplus-scale", type=float, default=1.0)
    r.add_argument("--softplus-power", type=float, default=1.0)
    r.add_argument("--window", type=int, nargs=2)
    r.add_argument("--dilation", type=int)
    r.add_argument("--sink-tokens", type=int, default=0)
    r.add_argument("--softcap", type=float)
    r.add_argument("--alibi", action="store_true")
    r.add_argument("--lse", action="store_true")
    for name in ("sinks", "slopes", "bias", "gate"):
        r.add_argument("--" + name, action="store_true")
    r.add_argument("--tol", type=float, default=1e-5)
    args = parser.parse_args()

    if args.cmd == "gen":
        os.makedirs(args.dir, exist_ok=True)
        rng = random.Random(args.seed)
        for spec in args.specs:
            name, shape = spec.split("=")
            shape, _, amp = shape.partition("@")
            amp = float(amp) if amp else 1.0
            dims = tuple(int(x) for x in shape.split("x"))
            count = 1
            for d in dims:
                count *= d
            values = [rng.uniform(-amp, amp) for _ in range(count)]
            save_f32(os.path.join(args.dir, name + ".npy"), dims, values)
        return 0

    global np
    import numpy

    np = numpy

    names = ["q", "k", "v"] + [
        name for name in ("sinks", "slopes", "bias", "gate") if getattr(args, name)
    ]
    inputs = {name: load(args.dir, name) for name in names}
    for name in names:
        if inputs[name] is None:
            print(f"numpy: {args.dir}/{name}.npy is missing")
            return 1
    out, lse = attention(args, inputs)
    expected = [out] + ([lse] if args.lse else [])
    ok = True
    for idx, want in enumerate(expected):
        got = np.load(os.path.join(args.out, f"result{idx}.npy"))
        if got.shape != want.shape or got.dtype != np.float32:
            print(f"numpy result{idx}: {got.dtype} {got.shape}, "
                  f"expected float32 {want.shape}")
            ok = False
            continue
        got = got.astype(np.float64)
        # -inf (a log-sum-exp without keys) must match exactly.
        same_inf = np.isinf(want) & (got == want)
        if not np.array_equal(np.isinf(want), same_inf) or \
                not np.isfinite(got[~np.isinf(want)]).all():
            print(f"numpy result{idx}: non-finite values differ")
            ok = False
            continue
        diff = np.abs(got - want)[~np.isinf(want)]
        err = float(diff.max()) if diff.size else 0.0
        print(f"numpy result{idx} max abs error {err:.3e}")
        ok &= err <= args.tol
    print("NUMPY OK" if ok else "NUMPY MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
