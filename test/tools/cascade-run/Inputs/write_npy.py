"""Writes a .npy file without NumPy, optionally damaged, for the cascade-run
error tests.

  write_npy.py PATH DTYPE SHAPE [--magic HEX] [--drop N] [--nan-at I]

DTYPE is f4, f8 or i4 (little-endian); SHAPE is like 1x2x3x4, or "scalar".
The data is 0.5 everywhere (1 for i4), with a NaN at flat index I if given.
--magic replaces the first bytes of the file with the given hex bytes;
--drop N removes the last N bytes of the data.
"""

import argparse
import math
import struct

FORMATS = {"f4": ("<f4", "<f", 0.5), "f8": ("<f8", "<d", 0.5), "i4": ("<i4", "<i", 1)}

parser = argparse.ArgumentParser()
parser.add_argument("path")
parser.add_argument("dtype", choices=sorted(FORMATS))
parser.add_argument("shape")
parser.add_argument("--magic")
parser.add_argument("--drop", type=int, default=0)
parser.add_argument("--nan-at", type=int)
args = parser.parse_args()

descr, fmt, value = FORMATS[args.dtype]
shape = () if args.shape == "scalar" else tuple(int(d) for d in args.shape.split("x"))
shape_text = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape_text)
# Pad so that the data starts at a multiple of 64, as NumPy does.
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"

values = [value] * math.prod(shape)
if args.nan_at is not None:
    values[args.nan_at] = float("nan")
data = b"".join(struct.pack(fmt, x) for x in values)
if args.drop:
    data = data[: len(data) - args.drop]

blob = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data
if args.magic:
    magic = bytes.fromhex(args.magic)
    blob = magic + blob[len(magic):]
with open(args.path, "wb") as f:
    f.write(blob)
