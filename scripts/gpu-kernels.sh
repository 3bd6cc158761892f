#!/usr/bin/env bash
# Writes the GPU validation matrix and compiles it to PTX kernels, on a build
# machine (LLVM 22 and MLIR, Cascade built). Copy OUTDIR to the GPU machine
# and run `python3 scripts/gpu-validate.py OUTDIR` there.
#
#   scripts/gpu-kernels.sh OUTDIR [--chip sm_80] [--only correctness|throughput]
#                                 [--cascadec PATH] [--no-compile]
#
# Writes OUTDIR/matrix.json and OUTDIR/<case>/<case>.mlir for every case
# (scripts/gpu_matrix.py), then runs
#   cascadec OUTDIR/<case>/<case>.mlir --target=nvptx --chip=CHIP -o OUTDIR/<case>
# for each, which writes the kernel's NAME.ptx and NAME.json there.
# --no-compile stops after the MLIR. cascadec is --cascadec, else $CASCADEC,
# else build/bin/cascadec, else the one on PATH. A case that does not compile
# is reported (its messages in OUTDIR/<case>/cascadec.log) and the others go
# on; the exit status is then 1.
set -euo pipefail

usage() {
  sed -n '6,7p' "$0" | sed 's/^# *//' >&2
  exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
out="" chip=sm_80 only="" cascadec=${CASCADEC:-} compile=1
while [ $# -gt 0 ]; do
  case "$1" in
    --chip) chip=${2:?--chip needs a value}; shift 2 ;;
    --chip=*) chip=${1#--chip=}; shift ;;
    --only) only=${2:?--only needs a value}; shift 2 ;;
    --only=*) only=${1#--only=}; shift ;;
    --cascadec) cascadec=${2:?--cascadec needs a path}; shift 2 ;;
    --cascadec=*) cascadec=${1#--cascadec=}; shift ;;
    --no-compile) compile=0; shift ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "gpu-kernels.sh: unknown option $1" >&2; usage ;;
    *)
      [ -z "$out" ] || { echo "gpu-kernels.sh: one OUTDIR only" >&2; usage; }
      out=$1; shift ;;
  esac
done
[ -n "$out" ] || usage
case "$chip" in
  sm_[0-9][0-9]* ) ;;
  *) echo "gpu-kernels.sh: --chip $chip is not a chip name (sm_80, sm_90, ...)" >&2; exit 2 ;;
esac

if [ "$compile" = 1 ] && [ -z "$cascadec" ]; then
  if [ -x "$here/../build/bin/cascadec" ]; then
    cascadec=$here/../build/bin/cascadec
  elif command -v cascadec > /dev/null; then
    cascadec=$(command -v cascadec)
  else
    echo "gpu-kernels.sh: no cascadec: build Cascade (scripts/build.sh), give" \
      "--cascadec PATH, or --no-compile for the MLIR only" >&2
    exit 1
  fi
fi

mkdir -p "$out"
cases=$("${PYTHON:-python3}" "$here/gpu_matrix.py" "$out" ${only:+--only "$only"} --list)
total=0
failed=()
while read -r dir mlir; do
  total=$((total + 1))
  [ "$compile" = 1 ] || continue
  if "$cascadec" "$out/$mlir" --target=nvptx --chip="$chip" -o "$out/$dir" \
      > "$out/$dir/cascadec.log" 2>&1; then
    echo "compiled $dir"
  else
    echo "FAILED   $dir (see $out/$dir/cascadec.log)"
    failed+=("$dir")
  fi
done <<< "$cases"

if [ "$compile" = 0 ]; then
  echo "wrote $total cases to $out (MLIR and matrix.json; not compiled)"
  exit 0
fi
echo "compiled $((total - ${#failed[@]})) of $total cases for $chip into $out"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
