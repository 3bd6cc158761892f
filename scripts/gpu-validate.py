#!/usr/bin/env python3
"""Check and time Cascade's GPU kernels against PyTorch, on the GPU machine.

    python3 scripts/gpu-validate.py KERNELDIR [--json OUT] [--only KIND]
                                    [--cases NAME ...] [--repeat R]

KERNELDIR is what scripts/gpu-kernels.sh wrote on a build machine: an index
KERNELDIR/matrix.json (scripts/gpu_matrix.py) and, per case, a folder with
the kernel's NAME.ptx and NAME.json. For every case:

  correctness  random inputs in the case's dtype; the kernel's output
               against an fp32 reference computed by PyTorch from the same
               inputs (scaled_dot_product_attention for softmax with or
               without a top-left causal mask, GQA through
               repeat_interleave; the masks, softcap and sigmoid written out
               for the others). Passes when the max abs error is at most
               --tolerance (2e-3) and every row that sees no key is zero.
  throughput   the kernel, PyTorch's SDPA with the flash backend and
               FlexAttention (flex_attention under torch.compile, with a
               causal block mask where causal) timed with CUDA events in
               the same run: warm-up, then the median of --repeat launches.
               TFLOP/s count 4 * B * Hq * D per query-key pair the mask
               keeps (the same count for all three); decode (N = 1) reports
               GB/s against the HBM bandwidth of a large device-to-device
               copy. Each sample is 10 launches back to back. The error is
               measured on sampled query rows.

It prints markdown tables (GPU, shapes, variant, TFLOP/s, ratios, errors)
and exits 1 when a correctness case fails or has no kernel. FlexAttention or
the SDPA backend selection missing from this PyTorch leaves its column "n/a"
with a note, not an error.

    python3 scripts/gpu-validate.py --self-test

checks, on the CPU, the reference against a plain float64 implementation for
every variant of the matrix, and the table formatting.
"""

import argparse
import glob
import json
import math
import os
import random
import statistics
import sys
import zlib

try:
    import torch
except ImportError:
    sys.exit("gpu-validate: this needs PyTorch (with CUDA on the GPU machine); "
             "%s cannot import torch" % sys.executable)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples", "gpu"))
sys.path.insert(0, HERE)

from launch_torch import DTYPES, Kernel, group_records, reference  # noqa: E402

# ---------------------------------------------------------------------------
# What each case computes
# ---------------------------------------------------------------------------


def reference_options(case):
    """Keyword arguments of launch_torch.reference for a matrix case."""
    a = case["attrs"]
    return {
        "causal": a["causal"],
        "window": tuple(a["window"]) if a["window"] else None,
        "scale": a["scale"],
        "softcap": a["softcap"],
        "normalizer": a["normalizer"],
        "sigmoid_bias": a.get("sigmoid_bias"),
    }


def kept_keys(case):
    """Keys each query row keeps, as a list over the N rows."""
    a, N, M = case["attrs"], case["N"], case["M"]
    offset = M - N if a["causal"] == "bottom_right" else 0
    counts = []
    for n in range(N):
        i = n + offset
        lo, hi = 0, M - 1
        if a["causal"]:
            hi = min(hi, i)
        if a["window"]:
            left, right = a["window"]
            if left >= 0:
                lo = max(lo, i - left)
            if right >= 0:
                hi = min(hi, i + right)
        counts.append(max(0, hi - lo + 1))
    return counts


def flops(case):
    """4 * B * Hq * D per kept query-key pair (QK^T and PV, 2 each)."""
    return 4.0 * case["B"] * case["Hq"] * case["D"] * sum(kept_keys(case))


def bytes_moved(case):
    """Bytes a kernel must read and write at least: Q, K, V and O once."""
    size = torch.tensor([], dtype=DTYPES[case["dtype"]]).element_size()
    return size * (2 * case["B"] * case["Hkv"] * case["M"] * case["D"] +
                   2 * case["B"] * case["Hq"] * case["N"] * case["D"])


def inputs_for(case, device, seed):
    gen = torch.Generator(device="cpu").manual_seed(seed)
    dtype = DTYPES[case["dtype"]]
    B, Hq, Hkv, N, M, D = (case[x] for x in ("B", "Hq", "Hkv", "N", "M", "D"))
    shapes = {"q": (B, Hq, N, D), "k": (B, Hkv, M, D), "v": (B, Hkv, M, D)}
    return {name: (torch.rand(shape, generator=gen) * 2 - 1).to(
        device=device, dtype=dtype) for name, shape in shapes.items()}


def bind_inputs(kernel, tensors):
    """The kernel's inputs by parameter name: q, k, v by name when the record
    uses those names, else in order."""
    names = [p["name"] for p in kernel.params if p["kind"] == "input"]
    if set(names) == {"q", "k", "v"}:
        return dict(tensors)
    if len(names) != 3:
        raise RuntimeError("kernel %s takes %d inputs, not q, k, v" % (
            kernel.name, len(names)))
    return dict(zip(names, (tensors["q"], tensors["k"], tensors["v"])))


def find_record(kerneldir, case):
    """The case's record (with split-KV, the first of its kernels; Kernel
    loads the others beside it); None when there is none, the list of
    records when they are not one function's."""
    records = sorted(glob.glob(os.path.join(kerneldir, case["dir"], "*.json")))
    if len(records) <= 1:
        return records[0] if records else None
    try:
        group = group_records(records[0])
    except ValueError:
        return records
    if len(group) != len(records):
        return records
    return group[0]["path"]


# ---------------------------------------------------------------------------
# Timing and the baselines
# ---------------------------------------------------------------------------


def time_ms(fn, repeat, warmup=3, inner=10):
    """Milliseconds per call of `fn`: the median over `repeat` samples, each
    `inner` calls back to back between two CUDA events, so that the host's
    launch overhead overlaps the GPU's work as it does in a model."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(inner):
            fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / inner)
    return statistics.median(times)


def hbm_bandwidth_gbs(repeat):
    """Bytes read plus written per second by a 1 GiB device-to-device copy."""
    n = 1 << 30
    src = torch.empty(n, dtype=torch.uint8, device="cuda").fill_(1)
    dst = torch.empty_like(src)
    ms = time_ms(lambda: dst.copy_(src), repeat, inner=1)
    del src, dst
    return 2.0 * n / (ms * 1e-3) * 1e-9


def sdpa_flash(notes):
    """A function (q, k, v, causal) running SDPA's flash backend, or None."""
    F = torch.nn.functional
    if not hasattr(F, "scaled_dot_product_attention"):
        notes.append("SDPA: this PyTorch (%s) has no "
                     "scaled_dot_product_attention" % torch.__version__)
        return None
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel

        def context():
            return sdpa_kernel(SDPBackend.FLASH_ATTENTION)
    except ImportError:
        def context():
            return torch.backends.cuda.sdp_kernel(
                enable_flash=True, enable_math=False, enable_mem_efficient=False)
        notes.append("SDPA: torch.nn.attention.sdpa_kernel is missing; used "
                     "torch.backends.cuda.sdp_kernel(enable_flash=True)")

    def run(q, k, v, causal):
        with context():
            if k.shape[1] != q.shape[1]:
                try:
                    return F.scaled_dot_product_attention(
                        q, k, v, is_causal=causal, enable_gqa=True)
                except TypeError:
                    group = q.shape[1] // k.shape[1]
                    k = k.repeat_interleave(group, dim=1)
                    v = v.repeat_interleave(group, dim=1)
            return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    return run


def flex(notes):
    """A function (q, k, v, case) running compiled FlexAttention, or None."""
    try:
        from torch.nn.attention.flex_attention import (create_block_mask,
                                                       flex_attention)
    except ImportError:
        notes.append("FlexAttention: not in this PyTorch (%s; it needs 2.5 "
                     "or newer): its column is n/a" % torch.__version__)
        return None
    compiled = torch.compile(flex_attention, dynamic=False)
    masks = {}

    def block_mask(case):
        a = case["attrs"]
        if not a["causal"] and not a["window"]:
            return None
        key = (case["N"], case["M"], a["causal"], tuple(a["window"] or ()))
        if key not in masks:
            offset = case["M"] - case["N"] if a["causal"] == "bottom_right" else 0
            left, right = a["window"] or (-1, -1)

            def mask_mod(b, h, q_idx, kv_idx):
                i = q_idx + offset
                keep = kv_idx <= i if a["causal"] else kv_idx >= 0
                if left >= 0:
                    keep = keep & (kv_idx >= i - left)
                if right >= 0:
                    keep = keep & (kv_idx <= i + right)
                return keep
            masks[key] = create_block_mask(mask_mod, None, None, case["N"],
                                           case["M"], device="cuda")
        return masks[key]

    def run(q, k, v, case):
        return compiled(q, k, v, block_mask=block_mask(case),
                        scale=case["attrs"]["scale"],
                        enable_gqa=k.shape[1] != q.shape[1])
    return run


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------


def check_correctness(case, record, tolerance):
    kernel = Kernel(record)
    tensors = inputs_for(case, "cuda", seed=zlib.crc32(case["name"].encode()))
    args = kernel.arguments(**bind_inputs(kernel, tensors))
    kernel.launch(args)
    torch.cuda.synchronize()
    got = next(iter(kernel.outputs(args).values())).float()
    want = reference(tensors["q"], tensors["k"], tensors["v"],
                     **reference_options(case))
    finite = bool(torch.isfinite(got).all().item())
    error = (got - want).abs().max().item() if finite else float("inf")
    empty_rows = [n for n, c in enumerate(kept_keys(case)) if c == 0]
    rows_zero = True
    if empty_rows:
        rows_zero = bool((got[:, :, empty_rows] == 0).all().item())
    return {
        "max_abs_error": error,
        "finite": finite,
        "empty_rows": len(empty_rows),
        "empty_rows_zero": rows_zero,
        "passed": finite and error <= tolerance and rows_zero,
    }


def check_throughput(case, record, repeat, sdpa, flex_run, bandwidth):
    kernel = Kernel(record)
    tensors = inputs_for(case, "cuda", seed=1)
    args = kernel.arguments(**bind_inputs(kernel, tensors))
    result = {"cascade_ms": time_ms(lambda: kernel.launch(args), repeat)}
    torch.cuda.synchronize()
    # The error on sampled query rows (a full fp32 reference would not fit).
    N = case["N"]
    rows = sorted({0, N - 1, N // 2} |
                  set(random.Random(0).sample(range(N), min(N, 61))))
    index = torch.tensor(rows, device="cuda")
    want = reference(tensors["q"][:, :, index], tensors["k"], tensors["v"],
                     rows=index, query_len=N, **reference_options(case))
    got = next(iter(kernel.outputs(args).values()))[:, :, index].float()
    result["max_abs_error"] = (got - want).abs().max().item()
    q, k, v = tensors["q"], tensors["k"], tensors["v"]
    causal = case["attrs"]["causal"]
    plain_mask = causal in (None, "top_left") and not case["attrs"]["window"]
    for name, fn in (("sdpa", sdpa and plain_mask and (
            lambda: sdpa(q, k, v, causal == "top_left"))),
            ("flex", flex_run and (lambda: flex_run(q, k, v, case)))):
        if not fn:
            result[name + "_ms"] = None
            continue
        try:
            result[name + "_ms"] = time_ms(fn, repeat)
        except Exception as e:  # a backend refusing the shape: not fatal
            result[name + "_ms"] = None
            result[name + "_error"] = "%s: %s" % (type(e).__name__,
                                                  str(e).splitlines()[0])
    f, b = flops(case), bytes_moved(case)
    for name in ("cascade", "sdpa", "flex"):
        ms = result.get(name + "_ms")
        result[name + "_tflops"] = f / (ms * 1e-3) * 1e-12 if ms else None
        result[name + "_gbs"] = b / (ms * 1e-3) * 1e-9 if ms else None
    if case["N"] == 1 and bandwidth:
        result["cascade_over_hbm"] = result["cascade_gbs"] / bandwidth
    return result


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def _num(x, fmt="%.1f"):
    return fmt % x if x is not None else "n/a"


def _ratio(a, b):
    return "%.2f" % (a / b) if a and b else "n/a"


def shape_text(case):
    return "%d,%d,%d,%d,%d,%d" % tuple(case[x] for x in
                                       ("B", "Hq", "Hkv", "N", "M", "D"))


def correctness_table(rows, tolerance):
    out = ["| case | dtype | B,Hq,Hkv,N,M,D | variant | max abs error | "
           "empty rows zero | result |",
           "| --- | --- | --- | --- | --- | --- | --- |"]
    for case, r in rows:
        if "missing" in r:
            out.append("| %s | %s | %s | %s | - | - | NO KERNEL (%s) |" % (
                case["name"], case["dtype"], shape_text(case), case["variant"],
                r["missing"]))
            continue
        if "failure" in r:
            out.append("| %s | %s | %s | %s | - | - | ERROR: %s |" % (
                case["name"], case["dtype"], shape_text(case), case["variant"],
                r["failure"]))
            continue
        empty = ("yes (%d rows)" % r["empty_rows"] if r["empty_rows_zero"]
                 else "NO") if r["empty_rows"] else "-"
        out.append("| %s | %s | %s | %s | %.2e | %s | %s |" % (
            case["name"], case["dtype"], shape_text(case), case["variant"],
            r["max_abs_error"], empty,
            "pass" if r["passed"] else "FAIL (tolerance %g)" % tolerance))
    return "\n".join(out)


def throughput_table(rows, bandwidth):
    out = ["| case | B,Hq,Hkv,N,M,D | variant | Cascade TFLOP/s | "
           "SDPA flash TFLOP/s | Flex TFLOP/s | Cascade/SDPA | Cascade/Flex | "
           "max error |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    decode = []
    for case, r in rows:
        if "missing" in r or "failure" in r:
            out.append("| %s | %s | %s | %s | | | | | |" % (
                case["name"], shape_text(case), case["variant"],
                "NO KERNEL" if "missing" in r else "ERROR: " + r["failure"]))
            continue
        if case["N"] == 1:
            decode.append((case, r))
            continue
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %.2e |" % (
            case["name"], shape_text(case), case["variant"],
            _num(r["cascade_tflops"]), _num(r["sdpa_tflops"]),
            _num(r["flex_tflops"]),
            _ratio(r["cascade_tflops"], r["sdpa_tflops"]),
            _ratio(r["cascade_tflops"], r["flex_tflops"]), r["max_abs_error"]))
    if decode:
        out += ["", "Decode (memory-bound): GB/s of Q, K, V and O; HBM "
                "bandwidth of a 1 GiB device-to-device copy: %s GB/s." %
                _num(bandwidth, "%.0f"), "",
                "| case | B,Hq,Hkv,N,M,D | Cascade GB/s | of HBM | SDPA GB/s | "
                "Flex GB/s | Cascade/SDPA | max error |",
                "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for case, r in decode:
            out.append("| %s | %s | %s | %s | %s | %s | %s | %.2e |" % (
                case["name"], shape_text(case), _num(r["cascade_gbs"], "%.0f"),
                _num(r.get("cascade_over_hbm"), "%.2f"),
                _num(r["sdpa_gbs"], "%.0f"), _num(r["flex_gbs"], "%.0f"),
                _ratio(r["cascade_gbs"], r["sdpa_gbs"]), r["max_abs_error"]))
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Self-test (CPU)
# ---------------------------------------------------------------------------


def naive_reference(q, k, v, causal=None, window=None, scale=None,
                    softcap=None, normalizer="softmax", sigmoid_bias=None):
    """attn.attention's definition, one query at a time, in float64 Python:
    written apart from launch_torch.reference to check it."""
    B, Hq, N, D = q.shape
    Hkv, M = k.shape[1], k.shape[2]
    q, k, v = q.double().tolist(), k.double().tolist(), v.double().tolist()
    scale = 1.0 / math.sqrt(D) if scale is None else scale
    offset = M - N if causal == "bottom_right" else 0
    out = [[[[0.0] * D for _ in range(N)] for _ in range(Hq)] for _ in range(B)]
    for b in range(B):
        for h in range(Hq):
            hk = h // (Hq // Hkv)
            for n in range(N):
                i = n + offset
                kept = []
                for m in range(M):
                    if causal and m > i:
                        continue
                    if window and window[0] >= 0 and m < i - window[0]:
                        continue
                    if window and window[1] >= 0 and m > i + window[1]:
                        continue
                    s = scale * sum(x * y for x, y in zip(q[b][h][n],
                                                          k[b][hk][m]))
                    if softcap is not None:
                        s = softcap * math.tanh(s / softcap)
                    kept.append((m, s))
                if normalizer == "sigmoid":
                    bias = -math.log(M) if sigmoid_bias is None else sigmoid_bias
                    weights = [(m, 1 / (1 + math.exp(-(s + bias))))
                               for m, s in kept]
                elif kept:
                    top = max(s for _, s in kept)
                    total = sum(math.exp(s - top) for _, s in kept)
                    weights = [(m, math.exp(s - top) / total) for m, s in kept]
                else:
                    weights = []
                for m, w in weights:
                    for d in range(D):
                        out[b][h][n][d] += w * v[b][hk][m][d]
    return torch.tensor(out, dtype=torch.float64)


def self_test():
    import gpu_matrix

    cases = gpu_matrix.cases()
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), "case names repeat"
    assert {c["kind"] for c in cases} == {"correctness", "throughput"}
    checked = 0
    for case in cases:
        if case["kind"] != "correctness":
            continue
        # The case's variant on a tiny problem with its head layout.
        small = dict(case, B=1, Hq=case["group"] * 2, Hkv=2, D=8,
                     N=1 if case["N"] == 1 else (9 if case["N"] > case["M"]
                                                 else 6),
                     M=7)
        small["attrs"] = dict(case["attrs"], scale=(
            case["attrs"]["scale"] if case["attrs"]["scale_attr"]
            else 1 / math.sqrt(8)))
        if small["attrs"]["window"]:
            small["attrs"]["window"] = [2, 0]
        t = inputs_for(small, "cpu", seed=checked)
        opts = reference_options(small)
        got = reference(t["q"], t["k"], t["v"], **opts).double()
        want = naive_reference(t["q"].float(), t["k"].float(), t["v"].float(),
                               **opts)
        error = (got - want).abs().max().item()
        assert error < 1e-5, (case["name"], error)
        empty = [n for n, c in enumerate(kept_keys(small)) if c == 0]
        assert all(got[:, :, n].abs().max().item() == 0 for n in empty)
        if case["name"].startswith("masked_rows"):
            assert empty, "the masked-rows case has no empty row"
        # Sampled rows agree with the full reference.
        rows = torch.tensor([0, small["N"] - 1])
        part = reference(t["q"][:, :, rows], t["k"], t["v"], rows=rows,
                         query_len=small["N"], **opts)
        diff = (part.double() - got[:, :, rows]).abs().max().item()
        assert diff < 1e-6, (case["name"], diff)
        checked += 1
    # Flop counts: causal N = M keeps N (N + 1) / 2 pairs.
    causal = next(c for c in cases if c["kind"] == "throughput" and
                  c["attrs"]["causal"])
    assert sum(kept_keys(causal)) == causal["N"] * (causal["N"] + 1) // 2
    # The tables, with every kind of row.
    c0, t0 = cases[0], next(c for c in cases if c["kind"] == "throughput")
    d0 = next(c for c in cases if c["kind"] == "throughput" and c["N"] == 1)
    table = correctness_table([
        (c0, {"max_abs_error": 1e-3, "finite": True, "empty_rows": 0,
              "empty_rows_zero": True, "passed": True}),
        (c0, {"missing": "no kernel record"})], 2e-3)
    assert "| pass |" in table and "NO KERNEL" in table
    fake = {"cascade_tflops": 300.0, "sdpa_tflops": 400.0, "flex_tflops": None,
            "cascade_gbs": 2000.0, "sdpa_gbs": 1000.0, "flex_gbs": None,
            "cascade_over_hbm": 0.7, "max_abs_error": 1e-4}
    table = throughput_table([(t0, fake), (d0, fake)], 3000.0)
    assert "| 0.75 | n/a |" in table and "3000 GB/s" in table
    # launch_torch's record reader: a valid record, then a bad grid.
    import tempfile

    from launch_torch import read_record
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "k.json")
        record = {"kernel": "k", "ptx": "k.ptx", "threads_per_block": [128, 1, 1],
                  "grid": [2, 8, 2], "dynamic_shared_memory_bytes": 0,
                  "params": [{"name": "o", "kind": "output", "dtype": "f16",
                              "shape": [4]}]}
        with open(path, "w") as f:
            json.dump(record, f)
        assert read_record(path)["ptx_path"] == os.path.join(tmp, "k.ptx")
        # Two kernels of one function, found from either record.
        for order in (0, 1):
            part = dict(record, kernel="k_%d" % order, function="f",
                        launch_order=order, launches=2)
            with open(os.path.join(tmp, "k_%d.json" % order), "w") as f:
                json.dump(part, f)
        case = {"dir": "."}
        os.remove(path)
        first = find_record(tmp, case)
        assert os.path.basename(first) == "k_0.json", first
        kernels = [r["kernel"] for r in
                   group_records(os.path.join(tmp, "k_1.json"))]
        assert kernels == ["k_0", "k_1"], kernels
        os.remove(os.path.join(tmp, "k_0.json"))
        try:
            group_records(os.path.join(tmp, "k_1.json"))
            raise AssertionError("a group without its first kernel loaded")
        except ValueError as e:
            assert "launch orders [1]" in str(e), e
        record["grid"] = [2, 8]
        with open(path, "w") as f:
            json.dump(record, f)
        try:
            read_record(path)
            raise AssertionError("a grid of 2 numbers was accepted")
        except ValueError as e:
            assert "field 'grid' must be a list of 3 positive integers" in str(e)
    print("self-test ok: %d correctness variants checked against float64, "
          "%d cases in the matrix" % (checked, len(cases)))
    return 0


# ---------------------------------------------------------------------------


def main(argv):
    parser = argparse.ArgumentParser(
        description="Check and time Cascade's GPU kernels against PyTorch.")
    parser.add_argument("kerneldir", nargs="?")
    parser.add_argument("--json", help="write every result to this file")
    parser.add_argument("--only", choices=("correctness", "throughput"))
    parser.add_argument("--cases", nargs="+", metavar="NAME")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--tolerance", type=float, default=2e-3)
    parser.add_argument("--self-test", action="store_true",
                        help="check the references and tables on the CPU")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    if not args.kerneldir:
        parser.error("give KERNELDIR (or --self-test)")
    index = os.path.join(args.kerneldir, "matrix.json")
    if not os.path.exists(index):
        sys.exit("gpu-validate: no %s; write the kernels with "
                 "scripts/gpu-kernels.sh %s" % (index, args.kerneldir))
    if not torch.cuda.is_available():
        sys.exit("gpu-validate: PyTorch sees no CUDA GPU (torch %s)" %
                 torch.__version__)
    with open(index) as f:
        cases = json.load(f)["cases"]
    if args.only:
        cases = [c for c in cases if c["kind"] == args.only]
    if args.cases:
        unknown = set(args.cases) - {c["name"] for c in cases}
        if unknown:
            sys.exit("gpu-validate: no case %s in %s" % (
                ", ".join(sorted(unknown)), index))
        cases = [c for c in cases if c["name"] in args.cases]

    props = torch.cuda.get_device_properties(0)
    gpu = "%s (sm_%d%d, %d SMs)" % (props.name, props.major, props.minor,
                                    props.multi_processor_count)
    print("# Cascade on %s, PyTorch %s\n" % (gpu, torch.__version__))
    notes = []
    throughput_cases = [c for c in cases if c["kind"] == "throughput"]
    sdpa = sdpa_flash(notes) if throughput_cases else None
    flex_run = flex(notes) if throughput_cases else None
    bandwidth = None
    if any(c["N"] == 1 for c in throughput_cases):
        bandwidth = hbm_bandwidth_gbs(args.repeat)

    results = {"correctness": [], "throughput": []}
    for case in cases:
        record = find_record(args.kerneldir, case)
        if not isinstance(record, str):
            r = {"missing": "no kernel record" if record is None else
                 "%d kernel records" % len(record), "passed": False}
        else:
            try:
                if case["kind"] == "correctness":
                    r = check_correctness(case, record, args.tolerance)
                else:
                    r = check_throughput(case, record, args.repeat, sdpa,
                                         flex_run, bandwidth)
            except Exception as e:  # one broken kernel should not stop the rest
                r = {"failure": "%s: %s" % (type(e).__name__,
                                            str(e).splitlines()[0] if str(e)
                                            else ""), "passed": False}
        results[case["kind"]].append((case, r))
        print("%-40s %s" % (case["name"], "done" if "missing" not in r and
                            "failure" not in r else
                            r.get("missing") or r.get("failure")),
              file=sys.stderr)

    if results["correctness"]:
        print("## Correctness (tolerance %g, fp32 PyTorch reference)\n" %
              args.tolerance)
        print(correctness_table(results["correctness"], args.tolerance) + "\n")
    if results["throughput"]:
        print("## Throughput (median of %d, CUDA events)\n" % args.repeat)
        print(throughput_table(results["throughput"], bandwidth) + "\n")
    for note in notes:
        print("- " + note)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"gpu": gpu, "torch": torch.__version__,
                       "hbm_bandwidth_gbs": bandwidth, "notes": notes,
                       "results": [dict(case=c, **r) for kind in results
                                   for c, r in results[kind]]}, f, indent=2)
    failed = [c["name"] for c, r in results["correctness"] if not r["passed"]]
    failed += [c["name"] for c, r in results["throughput"]
               if "missing" in r or "failure" in r]
    if failed:
        print("\nFAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
