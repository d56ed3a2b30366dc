#!/usr/bin/env bash
# Builds the JMH suite and runs it, then writes the report.
#
#   benchmarks/run.sh                 full run (about 12-15 minutes): writes benchmarks/RESULTS.md,
#                                     and JMH's JSON and the machine notes to benchmarks/results/
#   benchmarks/run.sh --quick         every benchmark once, briefly (under ~3 minutes), a smoke
#                                     check: writes benchmarks/target/RESULTS-quick.md only
#   benchmarks/run.sh --rerun REGEX   reruns the benchmarks matching REGEX with the full settings
#                                     (e.g. a figure disturbed by other load on the machine) and
#                                     regenerates RESULTS.md with their new results replacing the
#                                     old ones; the rerun's JSON is kept in benchmarks/results/
#
# Extra arguments after these are passed to JMH (e.g. a benchmark regex, or -prof jfr).
# Never run by 'mvn verify': the build only compiles and packages the suite.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"
cd "$root"

mode=full
rerun=""
case "${1:-}" in
  --quick) mode=quick; shift ;;
  --rerun) mode=rerun; rerun="${2:?--rerun needs a benchmark regex}"; shift 2 ;;
esac

echo "run.sh: building the benchmark jar..." >&2
mvn -B -q -DskipTests -pl benchmarks -am package
jar="$here/target/benchmarks.jar"

data="$here/target/bench-data"
rm -rf "$data"
mkdir -p "$data"
trap 'rm -rf "$data"; [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true' EXIT

# Other work on this machine disturbs the figures: sample the load average while we run.
loadlog="$here/target/load-$mode.txt"
: >"$loadlog"
( while true; do cut -d' ' -f1 /proc/loadavg >>"$loadlog"; sleep 5; done ) &
sampler=$!

common=(-rf json -jvmArgsAppend "-Dbench.dataDir=$data")
case "$mode" in
  full)
    rm -rf "$here/results"
    mkdir -p "$here/results"
    json="$here/results/full.json"
    jmh_args=("${common[@]}" "$@")
    ;;
  quick)
    json="$here/target/results-quick.json"
    # One short iteration each, no warmup; the proof ledger at 100k instead of 1M records.
    jmh_args=("${common[@]}" -f 1 -wi 0 -i 1 -r 1s -p treeSize=1000,100000 "$@")
    ;;
  rerun)
    json="$here/target/results-rerun-$(date -u +%Y%m%dT%H%M%SZ).json"
    jmh_args=("${common[@]}" "$@")
    ;;
esac

# Each figure runs right beside its ceiling, so both legs of a ratio see the same load; the load
# average at the start and end of each group goes into the report.
groups=(
  "CeilingEd25519.sign|AppendPerRecordSigned"
  "CeilingSqlite.batchedInsert|AppendBatches"
  "CeilingSqlite.oneRowPerTransaction|AppendDurable"
  "CeilingEd25519.verify|CeilingSha256|VerifyLedger"
  "Proofs"
  "LineageClosure"
  "CheckpointLatency"
  "PurviewSyncThroughput"
)
[ "$mode" = rerun ] && groups=("$rerun")
grouplog="$here/target/groups-$mode.txt"
: >"$grouplog"
start=$(date +%s)
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
parts=""
i=0
for g in "${groups[@]}"; do
  i=$((i + 1))
  part="${json%.json}-$i.json"
  l0="$(cut -d' ' -f1 /proc/loadavg)"
  t0=$(date +%s)
  java -jar "$jar" "${jmh_args[@]}" -rff "$part" "$g"
  echo "'$g': $(( $(date +%s) - t0 )) s, 1-min load average $l0 at its start, $(cut -d' ' -f1 /proc/loadavg) at its end" >>"$grouplog"
  parts="${parts:+$parts,}$part"
done
elapsed=$(( $(date +%s) - start ))
kill "$sampler" 2>/dev/null || true
sampler=""

machine="$here/target/machine-$mode.txt"
[ "$mode" = full ] && machine="$here/results/machine.txt"
{
  echo "Run: $started_at, $((elapsed / 60)) min $((elapsed % 60)) s of JMH; source: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- . ':!benchmarks/RESULTS.md' ':!benchmarks/results' ':!benchmarks/ANALYSIS.md' 2>/dev/null || echo ' (with uncommitted changes)')."
  echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores available to the JVM; $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) memory."
  echo "OS: $(uname -sr); data on $(df -T "$here/target" | awk 'NR==2 {print $2}') ($(df -h "$here/target" | awk 'NR==2 {print $1}'))."
  echo "Libraries: sqlite-jdbc $(sed -n 's:.*<sqlite-jdbc.version>\(.*\)</sqlite-jdbc.version>.*:\1:p' pom.xml), BouncyCastle $(sed -n 's:.*<bouncycastle.version>\(.*\)</bouncycastle.version>.*:\1:p' pom.xml) (low-level Ed25519), Jackson $(sed -n 's:.*<jackson.version>\(.*\)</jackson.version>.*:\1:p' pom.xml)."
  echo "Sizes: $(java -cp "$jar" dev.lineageledger.benchmarks.SizeCheck | tr '\n' ' ')(the ceilings use exactly these)."
  echo "Noise: the machine is shared (other engineers build on its 2 cores). Load average before the run: $load_before; sampled every 5 s during it: $(sort -n "$loadlog" | awk '{a[NR]=$1; s+=$1} END {if (NR) printf "min %.2f, median %.2f, mean %.2f, max %.2f over %d samples", a[1], a[int((NR+1)/2)], s/NR, a[NR], NR}')."
  echo "Load per group (figure and ceiling run back to back): $(paste -sd';' "$grouplog" | sed 's/;/; /g')."
} >"$machine"

case "$mode" in
  full)
    files="$parts"
    out="$here/RESULTS.md"
    cmd="benchmarks/run.sh${*:+ $*}"
    ;;
  quick)
    files="$parts"
    out="$here/target/RESULTS-quick.md"
    cmd="benchmarks/run.sh --quick${*:+ $*}"
    ;;
  rerun)
    cp "${json%.json}-1.json" "$here/results/rerun-$(basename "$json" .json | sed 's/^results-rerun-//').json"
    files="$(ls -v "$here"/results/full-*.json | paste -sd,)"
    for f in "$here"/results/rerun-*.json; do files="$files,$f"; done
    out="$here/RESULTS.md"
    cmd="benchmarks/run.sh, then benchmarks/run.sh --rerun for the results marked rerun"
    # The settings and machine lines describe the full run; append the rerun's noise line.
    echo "Rerun ($started_at, source $(git rev-parse --short HEAD), '$rerun'): $(grep '^Noise: ' "$machine" | sed 's/^Noise: //')" \
      >>"$here/results/machine.txt"
    machine="$here/results/machine.txt"
    ;;
esac

java -cp "$jar" dev.lineageledger.benchmarks.Report "$files" "$machine" "$here/ANALYSIS.md" \
  "$out" "$mode" "$cmd"
echo "run.sh: wrote $out (in ${elapsed}s of benchmarking)" >&2
