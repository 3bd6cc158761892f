#!/usr/bin/env bash
# Sets up, builds, then compiles examples/attention.mlir and runs it on random
# inputs: prints the error against the reference implementation and the time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
./build/bin/cascade-run examples/attention.mlir --check --repeat 3
