#!/usr/bin/env bash
# Start-up time of the CLI, measured as a user sees it: wall-clock time of whole processes.
#
#   benchmarks/startup.sh [RUNS]     (default 10 runs of each)
#
# Prints the median (and min/max) of RUNS runs of each of, interleaved in the same run so that
# machine load affects all alike:
#   java -version                    the JVM's own floor on this machine
#   ledger --help                    picocli and every command's options
#   ledger log                       a tiny ledger: SQLite, Jackson, BouncyCastle on top
# each through ./ledger with the application class-data-sharing archive (the default) and
# without it (LEDGER_CDS=0). Targets (issue 10, idle 2-core machine): --help <= 0.3 s,
# log <= 0.5 s. The figures are only as good as the machine is idle: the load average is printed.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
runs="${1:-10}"

java_bin="java"
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java_bin="$JAVA_HOME/bin/java"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
export LEDGER_ACTOR=bench@startup
unset LEDGER_PATH

# Build the CLI and its archive first (not measured), then a tiny ledger to read.
"$root/ledger" --version >/dev/null
"$root/ledger" init --ledger tiny.ledger >/dev/null
printf '%s\n' '{"kind":"dataset","body":{"name":"d","version":"1","uri":"s3://d/1","digest":"sha256:4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a"}}' \
  | "$root/ledger" record --jsonl - --ledger tiny.ledger >/dev/null

names=("java -version" "ledger --help (CDS)" "ledger --help (no CDS)" "ledger log (CDS)" "ledger log (no CDS)")
cmds=(
  "$java_bin -version"
  "$root/ledger --help"
  "env LEDGER_CDS=0 $root/ledger --help"
  "$root/ledger log --ledger tiny.ledger"
  "env LEDGER_CDS=0 $root/ledger log --ledger tiny.ledger"
)
declare -A samples
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < runs; r++)); do
  for i in "${!cmds[@]}"; do
    t0=$(date +%s%N)
    ${cmds[$i]} >/dev/null 2>&1
    t1=$(date +%s%N)
    samples[$i]+="$(( (t1 - t0) / 1000000 )) "
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

printf 'Start-up, %d runs each, interleaved; %s; %s\n' "$runs" "$("$java_bin" -version 2>&1 | head -1)" \
  "$(nproc) cores"
printf 'load average before: %s, after: %s\n\n' "$load_before" "$load_after"
printf '%-26s %10s %8s %8s\n' "command" "median ms" "min" "max"
for i in "${!cmds[@]}"; do
  read -r -a xs <<<"${samples[$i]}"
  sorted=($(printf '%s\n' "${xs[@]}" | sort -n))
  n=${#sorted[@]}
  if (( n % 2 )); then
    median=${sorted[$((n / 2))]}
  else
    median=$(( (sorted[n / 2 - 1] + sorted[n / 2]) / 2 ))
  fi
  printf '%-26s %10d %8d %8d\n' "${names[$i]}" "$median" "${sorted[0]}" "${sorted[$((n - 1))]}"
done
