"""Input and output helpers for the data-dependent mask tests in
test/e2e/masks, in plain Python (no NumPy needed).

  ints DIR NAME=DTYPE:SHAPE:VALUES ...
      writes DIR/NAME.npy, an int32, int64 or bool (DTYPE i32, i64, bool)
      array of SHAPE (like 2x70) from VALUES, a comma-separated list where `V*R`
      repeats V R times (row-major order), e.g. `0*12,1*25,2*33`.
  bools DIR NAME=SHAPE ... [--seed S] [--p P]
      writes DIR/NAME.npy, a bool array of SHAPE, each element true with
      probability P (default 0.6).
  blocks DIR NAME=SHAPE:RxC ... [--seed S] [--p P]
      writes DIR/NAME.npy, a bool array of SHAPE whose last two dims are cut
      into R x C blocks (the last ones short), each block all true with
      probability P, else all false: masks whose tiles are empty, full or
      cut, depending on the tile sizes.
  zeros FILE INDEX
      reads a float32 result and prints "ZEROS OK SHAPE" when every value
      is finite, the elements selected by INDEX (a NumPy-style index like
      `0,:,:,:` or `:,:,10:20,:`) are all exactly 0 and some other element
      is not; "ZEROS WRONG ..." otherwise.
"""

import argparse
import ast
import itertools
import os
import random
import struct
import sys

FORMATS = {"i32": ("<i4", "i"), "i64": ("<i8", "q"), "bool": ("|b1", "?")}


def save(path, descr, code, shape, values):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr,
        "".join("%d, " % d for d in shape) if len(shape) != 1 else "%d," % shape[0],
    )
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(struct.pack("<%d%s" % (len(values), code), *values))


def parse_shape(text):
    return [int(d) for d in text.split("x")]


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def load_f32(path):
    with open(path, "rb") as f:
        data = f.read()
    (hlen,) = struct.unpack("<H", data[8:10])
    header = ast.literal_eval(data[10 : 10 + hlen].decode("latin1"))
    assert header["descr"] == "<f4" and not header["fortran_order"], header
    shape = list(header["shape"])
    values = struct.unpack("<%df" % count(shape), data[10 + hlen :])
    return shape, values


def selected(shape, index):
    parts = index.split(",")
    assert len(parts) == len(shape), "index %r for shape %r" % (index, shape)
    ranges = []
    for p, d in zip(parts, shape):
        if ":" in p:
            lo, hi = p.split(":")
            ranges.append(range(int(lo) if lo else 0, int(hi) if hi else d))
        else:
            ranges.append(range(int(p), int(p) + 1))
    strides = [count(shape[i + 1 :]) for i in range(len(shape))]
    for idx in itertools.product(*ranges):
        yield sum(i * s for i, s in zip(idx, strides))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["ints", "bools", "blocks", "zeros"])
    parser.add_argument("target")
    parser.add_argument("specs", nargs="+")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--p", type=float, default=0.6)
    args = parser.parse_args()
    if args.command == "zeros":
        shape, values = load_f32(args.target)
        sel = set(selected(shape, args.specs[0]))
        finite = all(v == v and abs(v) != float("inf") for v in values)
        zero = all(values[i] == 0.0 for i in sel)
        rest = any(values[i] != 0.0 for i in range(len(values)) if i not in sel)
        ok = finite and zero and rest and sel
        print("ZEROS OK" if ok else "ZEROS WRONG", tuple(shape),
              "finite=%s zero=%s rest=%s" % (finite, zero, rest))
        return 0 if ok else 1
    os.makedirs(args.target, exist_ok=True)
    rng = random.Random(args.seed)
    for spec in args.specs:
        name, rest = spec.split("=", 1)
        if args.command == "ints":
            dtype, shape, text = rest.split(":")
            shape = parse_shape(shape)
            values = []
            for item in text.split(","):
                v, _, r = item.partition("*")
                values += [int(v)] * int(r or 1)
            assert len(values) == count(shape), "%s: %d values for %r" % (
                name, len(values), shape)
        elif args.command == "blocks":
            text, block = rest.split(":")
            dtype, shape = "bool", parse_shape(text)
            br, bc = parse_shape(block)
            rows, cols = shape[-2], shape[-1]
            values = []
            for _ in range(count(shape[:-2])):
                grid = [[rng.random() < args.p for _ in range(-(-cols // bc))]
                        for _ in range(-(-rows // br))]
                values += [grid[r // br][c // bc]
                           for r in range(rows) for c in range(cols)]
        else:
            dtype, shape = "bool", parse_shape(rest)
            values = [rng.random() < args.p for _ in range(count(shape))]
        descr, code = FORMATS[dtype]
        save(os.path.join(args.target, name + ".npy"), descr, code, shape, values)
    return 0


if __name__ == "__main__":
    sys.exit(main())
