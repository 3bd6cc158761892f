"""NumPy helpers for the cascade-run end-to-end tests.

  gen OUT.npy SHAPE [--amp A] [--seed S] [--dtype f32|f64]
      writes uniform random values in [-A, A] (SHAPE like 2x4x7x16)
  large-logits DIR QSHAPE KSHAPE DV --q0 A --k0 LO HI --noise E --quantum U
      writes DIR/q.npy, DIR/k.npy, DIR/v.npy whose scores are large but
      exactly representable in f32: q[..., n, 0] = +A on even and -A on odd
      rows, k[..., m, 0] rises linearly from LO to HI over the keys, the other
      q and k components are uniform in [-E, E]; every q and k value is a
      multiple of U (a power of two), so that with a power-of-two A and scale
      the products and sums of the scores are exact. Even rows then have
      their largest scores in the last key tile, odd rows in the first one.
  ref Q K V OUT [--scale X] [--causal none|top_left|bottom_right] [--tol T]
          [--bf16]
      recomputes softmax attention in float64 with NumPy (an implementation
      independent of Cascade's reference) and compares it with OUT; prints
      "numpy max abs error E" and "NUMPY OK" or "NUMPY MISMATCH". With
      --bf16, Q, K and V are first rounded to bfloat16 (to nearest even), as
      cascade-run rounds f32 inputs of bf16 arguments
  same A.npy B.npy
      prints "SAME" if the arrays are bitwise equal, "DIFFERENT" otherwise
"""

import argparse
import sys

import numpy as np


def round_to_bf16(x):
    """x (finite float32 values) rounded to the nearest bfloat16, ties to even,
    returned as float32."""
    bits = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return bits.astype(np.uint32).view(np.float32)


def attention(q, k, v, scale=None, causal="none"):
    q, k, v = (x.astype(np.float64) for x in (q, k, v))
    _, hq, n, d = q.shape
    hkv, m = k.shape[1], k.shape[2]
    group = hq // hkv
    # Query head h reads key/value head h // group.
    k = np.repeat(k, group, axis=1)
    v = np.repeat(v, group, axis=1)
    if scale is None:
        scale = 1.0 / np.sqrt(d)
    s = scale * np.einsum("bhnd,bhmd->bhnm", q, k)
    rows = np.arange(n)[:, None]
    cols = np.arange(m)[None, :]
    if causal == "top_left":
        keep = cols <= rows
    elif causal == "bottom_right":
        keep = cols <= rows + m - n
    else:
        keep = np.ones((n, m), dtype=bool)
    s = np.where(keep, s, -np.inf)
    row_max = s.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    p = np.exp(s - row_max)
    denom = p.sum(axis=-1, keepdims=True)
    out = np.einsum("bhnm,bhmd->bhnd", p, v)
    # A row without any key gives zeros.
    return np.where(denom > 0, out / np.where(denom > 0, denom, 1.0), 0.0)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen")
    g.add_argument("out")
    g.add_argument("shape")
    g.add_argument("--amp", type=float, default=1.0)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--dtype", default="f32", choices=["f32", "f64"])
    ll = sub.add_parser("large-logits")
    ll.add_argument("dir")
    ll.add_argument("qshape")
    ll.add_argument("kshape")
    ll.add_argument("dv", type=int)
    ll.add_argument("--q0", type=float, required=True)
    ll.add_argument("--k0", type=float, nargs=2, required=True)
    ll.add_argument("--noise", type=float, required=True)
    ll.add_argument("--quantum", type=float, required=True)
    ll.add_argument("--seed", type=int, default=0)
    r = sub.add_parser("ref")
    r.add_argument("q")
    r.add_argument("k")
    r.add_argument("v")
    r.add_argument("out")
    r.add_argument("--scale", type=float, default=None)
    r.add_argument("--causal", default="none",
                   choices=["none", "top_left", "bottom_right"])
    r.add_argument("--tol", type=float, default=1e-5)
    r.add_argument("--bf16", action="store_true")
    s = sub.add_parser("same")
    s.add_argument("a")
    s.add_argument("b")
    args = parser.parse_args()

    if args.cmd == "gen":
        shape = tuple(int(x) for x in args.shape.split("x"))
        rng = np.random.default_rng(args.seed)
        x = rng.uniform(-args.amp, args.amp, size=shape)
        np.save(args.out, x.astype(np.float32 if args.dtype == "f32" else np.float64))
        return 0

    if args.cmd == "large-logits":
        qshape = tuple(int(x) for x in args.qshape.split("x"))
        kshape = tuple(int(x) for x in args.kshape.split("x"))
        rng = np.random.default_rng(args.seed)
        u = args.quantum

        def noise(shape):
            return np.round(rng.uniform(-args.noise, args.noise, size=shape) / u) * u

        q = noise(qshape)
        q[:, :, 0::2, 0] = args.q0
        q[:, :, 1::2, 0] = -args.q0
        k = noise(kshape)
        lo, hi = args.k0
        m = kshape[2]
        k[:, :, :, 0] = np.round(np.linspace(lo, hi, m) / u) * u
        v = rng.uniform(-1, 1, size=kshape[:3] + (args.dv,))
        for name, x in (("q", q), ("k", k), ("v", v)):
            x32 = x.astype(np.float32)
            assert name == "v" or np.array_equal(x32.astype(np.float64), x)
            np.save(f"{args.dir}/{name}.npy", x32)
        return 0

    if args.cmd == "ref":
        q, k, v, out = (np.load(p) for p in (args.q, args.k, args.v, args.out))
        if args.bf16:
            q, k, v = (round_to_bf16(x) for x in (q, k, v))
        want = attention(q, k, v, args.scale, args.causal)
        if out.shape != want.shape or out.dtype != np.float32:
            print(f"NUMPY MISMATCH: result {out.dtype} {out.shape}, "
                  f"expected float32 {want.shape}")
            return 1
        if not np.all(np.isfinite(out)):
            print("NUMPY MISMATCH: non-finite values in the result")
            return 1
        err = float(np.max(np.abs(out.astype(np.float64) - want)))
        print(f"numpy max abs error {err:.3e}")
        print("NUMPY OK" if err <= args.tol else "NUMPY MISMATCH")
        return 0 if err <= args.tol else 1

    if args.cmd == "same":
        a, b = np.load(args.a), np.load(args.b)
        same = a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
        print("SAME" if same else "DIFFERENT")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
