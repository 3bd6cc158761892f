"""Checks the numbers of the nvptx kernels without a GPU.

  emulate_check.py SOURCE.mlir WORKDIR [--split-kv N] [--tol T]

For every function of SOURCE: random inputs (seeded; f16 for f16
arguments, bf16-representable f32 for bf16 ones, sorted small integers for
document ids, lengths in range for key lengths, ~70% true for masks); the
kernels run in the GPU emulator (cascade-gpu-emulate), the function on the
CPU (cascade-run, which --check validates against the reference elsewhere;
bf16 functions as their f32 version). Prints one line per function with the
max abs difference; exits 1 when it exceeds the tolerance (2e-3 for f16 and
f32, 2e-2 for bf16) or a result is NaN.
"""

import os
import re
import subprocess
import sys

import numpy as np


def functions(text):
    starts = [m.start() for m in re.finditer(r"^func\.func @", text, re.M)]
    for i, s in enumerate(starts):
        body = text[s:starts[i + 1] if i + 1 < len(starts) else len(text)]
        name = re.match(r"func\.func @(\w+)", body).group(1)
        yield name, body


def bf16(a):
    bits = a.astype(np.float32).view(np.uint32)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.view(np.float32)


def inputs(body, rng, key_len):
    sig = re.match(r"func\.func @\w+\((.*?)\)\s*->", body, re.S).group(1)
    out = []
    for t in re.findall(r"tensor<([^>]*)>", sig):
        *dims, ty = t.split("x")
        dims = [int(d) for d in dims]
        if ty == "f16":
            out.append(rng.uniform(-1, 1, dims).astype(np.float16))
        elif ty == "f32":
            out.append(rng.uniform(-1, 1, dims).astype(np.float32))
        elif ty == "bf16":
            out.append(bf16(rng.uniform(-1, 1, dims)))
        elif ty == "i1":
            out.append(rng.uniform(0, 1, dims) < 0.7)
        elif len(dims) == 1:  # key lengths, one per batch
            out.append(rng.integers(1, key_len + 1, dims).astype(
                np.int32 if ty == "i32" else np.int64))
        else:  # document ids: sorted, a few documents
            out.append(np.sort(rng.integers(0, 3, dims), axis=-1).astype(
                np.int32 if ty == "i32" else np.int64))
    return out


def main():
    source, work = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    split = args[args.index("--split-kv") + 1] if "--split-kv" in args else None
    tol_arg = float(args[args.index("--tol") + 1]) if "--tol" in args else None
    text = open(source).read()
    failed = False
    for name, body in functions(text):
        d = os.path.join(work, name)
        os.makedirs(os.path.join(d, "in"), exist_ok=True)
        key_len = max(int(m) for m in re.findall(r"x(\d+)x\d+x(?:f16|bf16|f32)>", body))
        rng = np.random.default_rng(len(name))
        arrays = inputs(body, rng, key_len)
        files = []
        for i, a in enumerate(arrays):
            f = os.path.join(d, "in", f"arg{i}.npy")
            np.save(f, a)
            files.append(f)
        src = os.path.join(d, "f.mlir")
        open(src, "w").write(body)
        emu = ["cascade-gpu-emulate", src, "--input-dir", os.path.join(d, "in"),
               "--output-dir", os.path.join(d, "gpu")]
        if split:
            emu += ["--split-kv", split]
        subprocess.run(emu, check=True)
        is_bf16 = "bf16" in body
        cpu_src = src
        if is_bf16:
            cpu_src = os.path.join(d, "f32.mlir")
            open(cpu_src, "w").write(body.replace("bf16", "f32"))
        run = ["cascade-run", cpu_src, "--output-dir", os.path.join(d, "cpu")]
        for f in files:
            run += ["--input", f]
        subprocess.run(run, check=True, stdout=subprocess.DEVNULL)
        tol = tol_arg or (2e-2 if is_bf16 else 2e-3)
        for r in sorted(os.listdir(os.path.join(d, "cpu"))):
            g = np.load(os.path.join(d, "gpu", r)).astype(np.float64)
            c = np.load(os.path.join(d, "cpu", r)).astype(np.float64)
            nan = int(np.isnan(g).sum())
            err = float(np.max(np.abs(g - c))) if not nan else float("nan")
            ok = nan == 0 and err <= tol
            failed |= not ok
            print(f"{name} {r[:-4]}: max abs difference {err:.3e} vs the CPU"
                  f" (tolerance {tol:g}) -> {'ok' if ok else 'FAILED'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
