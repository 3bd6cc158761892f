"""Writes float32 vectors for the linear attention tests in test/e2e/linear,
in plain Python (no NumPy needed).

  linear_inputs.py DIR NAME=V0,V1,... ...
      writes DIR/NAME.npy, a float32 vector of the given values.
"""

import os
import struct
import sys


def main():
    directory = sys.argv[1]
    os.makedirs(directory, exist_ok=True)
    for spec in sys.argv[2:]:
        name, text = spec.split("=", 1)
        values = [float(x) for x in text.split(",")]
        header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }" % len(
            values)
        header += " " * (63 - (10 + len(header)) % 64) + "\n"
        with open(os.path.join(directory, name + ".npy"), "wb") as f:
            f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
            f.write(header.encode("latin1"))
            f.write(struct.pack("<%df" % len(values), *values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
