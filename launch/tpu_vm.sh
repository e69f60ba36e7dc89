#!/usr/bin/env bash
# Cloud TPU VM: create a TPU slice, install this checkout on every worker, run
# one attn_seq command on all workers at once (one jax.distributed process per
# worker, found by JAX's Cloud TPU detection), copy the results back, delete.
#
# When to use it: sweeps of many thousands of seeds or large grids, on a TPU
# pod slice (v4-32 = 4 workers). Needs the gcloud CLI, logged in, a project
# with TPU quota.
#
#   launch/tpu_vm.sh create  NAME            # the slice (ACCELERATOR, VERSION)
#   launch/tpu_vm.sh setup   NAME            # this checkout + jax[tpu] on all
#   launch/tpu_vm.sh run     NAME -- --config=configs/attention.py \
#                                    --workdir=runs/tpu --config.num_repeats=10000
#   launch/tpu_vm.sh fetch   NAME runs/tpu   # worker 0's workdir -> ./runs/tpu
#   launch/tpu_vm.sh delete  NAME
#
# --dry-run (first argument) prints the gcloud commands instead of running
# them. Environment: ZONE (default us-central2-b), ACCELERATOR (v4-32),
# VERSION (tpu-ubuntu2204-base), PROJECT (default: gcloud's).
set -euo pipefail

usage() { sed -n '2,22p' "$0"; }
dry_run=0
if [[ "${1:-}" == --dry-run ]]; then dry_run=1; shift; fi
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then usage; exit 0; fi
if [[ $# -lt 2 ]]; then
  echo "error: need a command and a TPU name (launch/tpu_vm.sh --help)" >&2
  exit 2
fi
command="$1" name="$2"; shift 2
zone="${ZONE:-us-central2-b}"
common=(--zone="$zone")
if [[ -n "${PROJECT:-}" ]]; then common+=(--project="$PROJECT"); fi
tpu=(gcloud compute tpus tpu-vm)

# Shell words as a reader would type them: plain when safe, else '...'.
quote() {
  local out=() word
  for word in "$@"; do
    if [[ "$word" =~ ^[A-Za-z0-9_./=:,+@%-]+$ ]]; then out+=("$word")
    else out+=("'${word//\'/\'\\\'\'}'"); fi
  done
  echo "${out[*]}"
}

run() {
  if (( dry_run )); then
    quote "$@"
  else
    "$@"
  fi
}

ssh_all() { run "${tpu[@]}" ssh "$name" "${common[@]}" --worker=all --command="$1"; }

if (( ! dry_run )) && ! command -v gcloud > /dev/null; then
  echo "error: gcloud not found (install the Google Cloud CLI, or use --dry-run)" >&2
  exit 2
fi

case "$command" in
  create)
    run "${tpu[@]}" create "$name" "${common[@]}" \
        --accelerator-type="${ACCELERATOR:-v4-32}" \
        --version="${VERSION:-tpu-ubuntu2204-base}"
    ;;
  setup)
    archive="${TMPDIR:-/tmp}/attn_seq-$name.tar.gz"
    run git archive --format=tar.gz -o "$archive" HEAD
    run "${tpu[@]}" scp "$archive" "$name:attn_seq.tar.gz" "${common[@]}" --worker=all
    ssh_all "mkdir -p attn_seq && tar -xzf attn_seq.tar.gz -C attn_seq && pip install -U 'jax[tpu]' && pip install -e ./attn_seq"
    ;;
  run)
    if [[ "${1:-}" == -- ]]; then shift; fi
    if [[ $# -eq 0 ]]; then
      echo "error: run needs attn_seq flags after --, e.g. -- --config=configs/compare.py" >&2
      exit 2
    fi
    ssh_all "cd attn_seq && python -m attn_seq.main --distributed $(quote "$@")"
    ;;
  fetch)
    workdir="${1:?fetch needs the workdir, e.g. runs/tpu}"
    run mkdir -p "$(dirname "$workdir")"
    run "${tpu[@]}" scp --recurse "$name:attn_seq/$workdir" "$(dirname "$workdir")" \
        "${common[@]}" --worker=0
    ;;
  delete)
    run "${tpu[@]}" delete "$name" "${common[@]}" --quiet
    ;;
  *)
    echo "error: unknown command '$command' (create, setup, run, fetch, delete)" >&2
    exit 2
    ;;
esac
