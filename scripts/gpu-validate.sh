#!/usr/bin/env bash
# Checks and times Cascade's GPU kernels on this machine's NVIDIA GPU, in one
# command:
#
#   scripts/gpu-validate.sh [KERNELDIR] [--rebuild] [gpu-validate.py options]
#
# KERNELDIR (default build/gpu-kernels) holding a matrix.json is used as it
# is: kernels compiled on a build machine by scripts/gpu-kernels.sh and
# copied here. Otherwise (or with --rebuild) the kernels are compiled into it
# first, for this GPU's chip, which needs cascadec (build/bin/cascadec,
# $CASCADEC or on PATH). Then scripts/gpu-validate.py prints the tables and
# writes KERNELDIR/results.json. Needs python3 with PyTorch (CUDA).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}

dir="" rebuild=0 pass=()
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=1 ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) pass+=("$arg") ;;
    *) if [ -z "$dir" ] && [ ${#pass[@]} -eq 0 ]; then dir=$arg; else pass+=("$arg"); fi ;;
  esac
done
dir=${dir:-$here/../build/gpu-kernels}

if [ "$rebuild" = 1 ] || [ ! -f "$dir/matrix.json" ]; then
  # This GPU's chip, from PyTorch (GPU_CHIP overrides).
  chip=${GPU_CHIP:-$("$python" -c 'import torch; print("sm_%d%d" % torch.cuda.get_device_capability())' 2> /dev/null || true)}
  if [ -z "$chip" ]; then
    echo "gpu-validate.sh: cannot tell the GPU's chip (PyTorch sees no CUDA" \
      "GPU?); set GPU_CHIP=sm_80 or similar" >&2
    exit 1
  fi
  bash "$here/gpu-kernels.sh" "$dir" --chip "$chip" || {
    status=$?
    if [ ! -f "$dir/matrix.json" ] || [ "$status" != 1 ]; then exit "$status"; fi
    echo "gpu-validate.sh: some kernels did not compile; validating the rest" >&2
  }
fi
exec "$python" "$here/gpu-validate.py" "$dir" --json "$dir/results.json" ${pass[@]+"${pass[@]}"}
