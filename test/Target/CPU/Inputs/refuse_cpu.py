"""Compiles MODULE with cascadec requiring an instruction-set extension this
CPU lacks (CASCADE_REQUIRE_CPU_FEATURES), runs DRIVER on the library and
prints how it ended and what it wrote on standard error.

  refuse_cpu.py DRIVER MODULE OUT_DIR DRIVER_ARGS...

The extension is the first of a list, all unknown to some x86-64 CPUs, that
/proc/cpuinfo does not list here (Intel's and AMD's lists differ, so one is
always absent).
"""

import os
import subprocess
import sys

# LLVM's name and /proc/cpuinfo's.
CANDIDATES = [
    ("avx512fp16", "avx512_fp16"),
    ("amx-tile", "amx_tile"),
    ("xop", "xop"),
    ("fma4", "fma4"),
    ("tbm", "tbm"),
    ("sse4a", "sse4a"),
]


def main():
    driver, module, out_dir, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    flags = set()
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    absent = [llvm for llvm, linux in CANDIDATES if linux not in flags]
    if not absent:
        print("no absent extension to require")
        return 1
    os.makedirs(out_dir, exist_ok=True)
    library = os.path.join(out_dir, "refused.so")
    env = dict(os.environ, CASCADE_REQUIRE_CPU_FEATURES=absent[0])
    subprocess.run(["cascadec", module, "-o", library], env=env, check=True)
    run = subprocess.run([driver, library] + args, capture_output=True, text=True)
    if run.returncode < 0:
        print(f"ended by signal {-run.returncode}")
    else:
        print(f"exit code {run.returncode}")
    print(f"required {absent[0]}")
    sys.stdout.write(run.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
