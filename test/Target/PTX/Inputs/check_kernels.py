"""Checks the kernels cascadec --target=nvptx wrote against their source.

  check_kernels.py SOURCE.mlir DIR [--ptxas PTXAS]

For every function of SOURCE (one attention op each), DIR must hold
NAME.ptx and NAME.json, and:
- the record's params are the function's arguments then its results, with
  their shapes and element types, kinds input/output;
- the PTX has one `.visible .entry NAME(` with one 64-bit pointer
  parameter per param, `.target` the record's chip and `.version` its
  ptx_version;
- threads_per_block, grid and dynamic shared memory are positive and within
  the chip's limits; grid[0] covers the query rows with the record's tiles;
- with --ptxas, ptxas assembles the PTX for the chip.
Prints one line per kernel; exits 1 on the first mismatch.
"""

import json
import os
import re
import subprocess
import sys

DTYPES = {"f16": "f16", "bf16": "bf16", "f32": "f32", "i1": "i1", "i32": "i32",
          "i64": "i64"}


def tensor(text):
    m = re.fullmatch(r"tensor<((?:\d+x)*)(\w+)>", text.strip())
    if not m:
        raise ValueError("not a static tensor type: " + text)
    shape = [int(d) for d in m.group(1).split("x") if d]
    return shape, m.group(2)


def functions(source):
    text = open(source).read()
    out = {}
    for m in re.finditer(
            r"func\.func @(\w+)\((.*?)\)\s*->\s*\(?(.*?)\)?\s*\{", text, re.S):
        args = [tensor(t) for t in re.findall(r":\s*(tensor<[^>]*>)", m.group(2))]
        results = [tensor(t) for t in re.findall(r"tensor<[^>]*>", m.group(3))]
        out[m.group(1)] = (args, results)
    return out


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def main():
    source, directory = sys.argv[1], sys.argv[2]
    ptxas = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--ptxas" else None
    fns = functions(source)
    if not fns:
        fail("no function in " + source)
    for name, (args, results) in sorted(fns.items()):
        rec_path = os.path.join(directory, name + ".json")
        ptx_path = os.path.join(directory, name + ".ptx")
        if not os.path.exists(rec_path) or not os.path.exists(ptx_path):
            fail(f"{name}: {name}.json or {name}.ptx missing")
        rec = json.load(open(rec_path))
        ptx = open(ptx_path).read()
        if rec["kernel"] != name or rec["ptx"] != name + ".ptx":
            fail(f"{name}: record names kernel {rec['kernel']} / {rec['ptx']}")
        want = [("input", s, t) for s, t in args] + [("output", s, t) for s, t in results]
        got = [(p["kind"], p["shape"], p["dtype"]) for p in rec["params"]]
        if got != want:
            fail(f"{name}: params {got} != signature {want}")
        entry = re.search(r"\.visible \.entry " + re.escape(name) + r"\((.*?)\)", ptx, re.S)
        if not entry:
            fail(f"{name}: no .entry {name} in the PTX")
        params = re.findall(r"\.param \.u64 \.ptr[^,\n]*", entry.group(1))
        if len(params) != len(rec["params"]) or entry.group(1).count(".param") != len(params):
            fail(f"{name}: PTX entry has {entry.group(1).count('.param')} params, record {len(rec['params'])}")
        target = re.search(r"^\.target (\S+)", ptx, re.M).group(1)
        version = re.search(r"^\.version (\S+)", ptx, re.M).group(1)
        if target != rec["chip"] or version != rec["ptx_version"]:
            fail(f"{name}: PTX .target {target} .version {version}, record {rec['chip']} {rec['ptx_version']}")
        threads = rec["threads_per_block"]
        if len(threads) != 3 or threads[0] % 32 or not 0 < threads[0] * threads[1] * threads[2] <= 1024:
            fail(f"{name}: threads_per_block {threads}")
        smem = rec["dynamic_shared_memory_bytes"]
        limit = 227 * 1024 if rec["chip"] >= "sm_90" else 163 * 1024
        if not 0 < smem <= limit:
            fail(f"{name}: dynamic shared memory {smem} outside (0, {limit}]")
        grid = rec["grid"]
        if len(grid) != 3 or min(grid) <= 0 or grid[1] > 65535 or grid[2] > 65535:
            fail(f"{name}: grid {grid}")
        # One CTA per query tile and parallel point: the CTAs times the rows
        # of a tile cover the query rows of every head (packed or not).
        q_shape = args[0][0]
        rows = 1
        for d in q_shape[:-1]:
            rows *= d
        tile_n = rec["tiles"][0]
        if not rows <= grid[0] * grid[1] * tile_n < rows + grid[1] * tile_n:
            fail(f"{name}: grid {grid} with {tile_n}-row tiles does not cover {rows} query rows")
        line = f"{name}: ok, {len(params)} params, grid {grid}, block {threads[0]}, smem {smem}, {rec['path']}"
        if ptxas:
            r = subprocess.run([ptxas, "-arch=" + rec["chip"], "-v", ptx_path, "-o", os.devnull],
                               capture_output=True, text=True)
            if r.returncode:
                fail(f"{name}: ptxas: {r.stderr.strip()}")
            regs = re.search(r"Used (\d+) registers", r.stderr)
            spill = re.search(r"(\d+) bytes spill stores", r.stderr)
            line += f", ptxas: {regs.group(1)} registers, {spill.group(1)} bytes spilled"
        print(line)


if __name__ == "__main__":
    main()
