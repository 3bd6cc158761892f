"""Checks the kernels cascadec --target=nvptx wrote against their source.

  check_kernels.py SOURCE.mlir DIR [--ptxas PTXAS]

For every function of SOURCE (one attention op each), DIR must hold
NAME.ptx and NAME.json (or NAME_0 ... NAME_{n-1}, launched in that order:
split-KV's parts and merge), and:
- the record's params are the function's arguments then its results, with
  their shapes and element types, kinds input/output, then the scratch
  buffers between the kernels of a function;
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
        # One kernel NAME, or kernels NAME_0 .. NAME_{n-1} launched in order
        # (split-KV: the parts, then the merge).
        kernels = [name] if os.path.exists(os.path.join(directory, name + ".json")) else []
        i = 0
        while os.path.exists(os.path.join(directory, f"{name}_{i}.json")):
            kernels.append(f"{name}_{i}")
            i += 1
        if not kernels:
            fail(f"{name}: no {name}.json (or {name}_0.json)")
        for order, kernel in enumerate(kernels):
            check(directory, kernel, order, len(kernels), args, results, ptxas)


def check(directory, name, order, count, args, results, ptxas):
    rec_path = os.path.join(directory, name + ".json")
    ptx_path = os.path.join(directory, name + ".ptx")
    if not os.path.exists(ptx_path):
        fail(f"{name}: {name}.ptx missing")
    rec = json.load(open(rec_path))
    ptx = open(ptx_path).read()
    if rec["kernel"] != name or rec["ptx"] != name + ".ptx":
        fail(f"{name}: record names kernel {rec['kernel']} / {rec['ptx']}")
    if rec.get("launch_order") != order or rec.get("launches") != count:
        fail(f"{name}: launch {rec.get('launch_order')} of {rec.get('launches')}, expected {order} of {count}")
    want = [("input", s, t) for s, t in args] + [("output", s, t) for s, t in results]
    got = [(p["kind"], p["shape"], p["dtype"]) for p in rec["params"]]
    scratch = [g for g in got[len(want):] if g[0] == "scratch"]
    if got[:len(want)] != want or len(scratch) != len(got) - len(want):
        fail(f"{name}: params {got} != signature {want} (+ scratch)")
    if (count > 1) != bool(scratch):
        fail(f"{name}: {len(scratch)} scratch buffers for {count} launches")
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
    if not 0 <= smem <= limit or (rec["path"] != "simt" and smem == 0):
        fail(f"{name}: dynamic shared memory {smem} outside [0, {limit}]")
    grid = rec["grid"]
    if len(grid) != 3 or min(grid) <= 0 or grid[1] > 65535 or grid[2] > 65535:
        fail(f"{name}: grid {grid}")
    if rec["tiles"] and count == 1:
        # One CTA per query tile and parallel point: the CTAs times the
        # rows of a tile cover the query rows of every head (packed or not).
        rows = 1
        for d in args[0][0][:-1]:
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
