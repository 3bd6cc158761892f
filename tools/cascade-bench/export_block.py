#!/usr/bin/python3
"""Exports a pre-LN GPT block (the gpt_block fixture's module, at a chosen
size) to ONNX for `cascade-bench --model`, and times PyTorch's own CPU
execution of it at 1 and 2 threads for comparison.

Needs Debian's PyTorch and ONNX (apt-get install python3-torch python3-onnx):

    /usr/bin/python3 tools/cascade-bench/export_block.py --embed 256 --heads 4 \\
        --tokens 256 -o gpt.onnx
    build/bin/cascade-bench --model gpt.onnx
"""

import argparse
import importlib.util
import time
from pathlib import Path

import torch

FIXTURES = (
    Path(__file__).resolve().parents[2] / "test" / "Frontend" / "ONNX" / "make_fixtures.py"
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--embed", type=int, default=256)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("-o", "--output", default="gpt.onnx")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES)
    fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixtures)
    fixtures.E, fixtures.H = args.embed, args.heads

    torch.manual_seed(0)
    block = fixtures.GPTBlock(args.tokens).eval()
    x = torch.randn(args.batch, args.tokens, args.embed)
    with torch.no_grad():
        torch.onnx.export(block, (x,), args.output, input_names=["x"],
                          output_names=["y"], opset_version=14,
                          do_constant_folding=True)
        print("wrote %s (B=%d, N=%d, E=%d, %d heads)" %
              (args.output, args.batch, args.tokens, args.embed, args.heads))
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for _ in range(3):
                block(x)
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                block(x)
                best = min(best, time.perf_counter() - start)
            print("PyTorch %s, %d thread(s): %.3f ms (best of %d)" %
                  (torch.__version__, threads, best * 1e3, args.repeat))


if __name__ == "__main__":
    main()
