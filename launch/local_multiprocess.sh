#!/usr/bin/env bash
# Runs one attn_seq command as N jax.distributed processes on this machine
# (coordinator on 127.0.0.1; CPU devices talk through gloo).
#
# When to use it: to check a multi-process run before taking it to a cluster,
# or to split a sweep over processes on one big host. The repeats are split
# over every process's devices; process 0 prints and writes the workdir, the
# others write nothing. tests/distributed_test.py runs exactly this.
#
#   launch/local_multiprocess.sh [-n PROCESSES] [-p PORT] -- \
#       --config=configs/compare.py --workdir=runs/mp
#
# Each process gets DEVICES_PER_PROCESS CPU devices (default 1, so N
# processes use N cores) unless XLA_FLAGS already sets a device count.
# Exit status: 0 when every process succeeded; else the first failure's,
# and the other processes are stopped.
set -euo pipefail

processes=2
port=12355
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n) processes="$2"; shift 2 ;;
    -p) port="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "error: unknown option $1 (flags for attn_seq go after --)" >&2
       exit 2 ;;
  esac
done
if ! [[ "$processes" =~ ^[1-9][0-9]*$ ]]; then
  echo "error: -n must be a positive integer (got $processes)" >&2; exit 2
fi
if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
  echo "error: -p must be a port number (got $port)" >&2; exit 2
fi

if [[ "${XLA_FLAGS:-}" != *xla_force_host_platform_device_count* ]]; then
  export XLA_FLAGS="${XLA_FLAGS:-} --xla_force_host_platform_device_count=${DEVICES_PER_PROCESS:-1}"
fi

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for ((i = 0; i < processes; i++)); do
  "${PYTHON:-python}" -m attn_seq.main --distributed \
      --coordinator_address="127.0.0.1:$port" --num_processes="$processes" \
      --process_id="$i" "$@" &
  pids+=("$!")
done
# The first process to fail stops the others (they would wait for it).
for ((i = 0; i < processes; i++)); do
  status=0
  wait -n || status=$?
  if (( status != 0 )); then
    echo "error: a process exited with status $status; stopping the others" >&2
    exit "$status"
  fi
done
trap - EXIT
