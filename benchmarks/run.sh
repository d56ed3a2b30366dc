#!/usr/bin/env bash
# Builds the JMH suite and runs it, then writes the report.
#
#   benchmarks/run.sh                 full run (about 20 minutes, 6-8 of them building figure 5's
#                                     10M-record ledger): writes benchmarks/RESULTS.md, and
#                                     benchmarks/results/summary.json, JMH's JSON and the
#                                     machine notes to benchmarks/results/
#   benchmarks/run.sh --quick         every benchmark once, briefly (about 3-4 minutes), a smoke
#                                     check: writes benchmarks/target/RESULTS-quick.md and
#                                     benchmarks/target/summary-quick.json only
#   benchmarks/run.sh --rerun REGEX   reruns the benchmarks matching REGEX with the full settings
#                                     (e.g. a figure disturbed by other load on the machine) and
#                                     regenerates RESULTS.md and summary.json with their new
#                                     results replacing the old ones; the rerun's JSON is kept in
#                                     benchmarks/results/ ('--rerun DiskFootprint' redoes figure 8)
#
# Settings (environment):
#   PROOF_SIZES=1000,1000000,10000000 figure 5's ledger sizes (JMH's -p treeSize); --quick uses
#                                     1000,100000. Each size is built once per run; 10M records
#                                     take 6-8 minutes on the 2-core machine, so leave it out
#                                     (PROOF_SIZES=1000,1000000) when the run must be shorter.
#   FOOTPRINT_RECORDS=100000          records in figure 8's ledger (at least 100,000)
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
# The source this run measures, as built just now: summary.json names it for every figure.
# Dirty means tracked changes outside the run's own outputs and the hand-written analysis.
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD -- . ':!benchmarks/RESULTS.md' ':!benchmarks/results' \
  ':!benchmarks/ANALYSIS.md' 2>/dev/null || commit="$commit-dirty"

if [ "$mode" = quick ]; then
  proof_sizes="${PROOF_SIZES:-1000,100000}"
else
  proof_sizes="${PROOF_SIZES:-1000,1000000,10000000}"
fi
footprint_records="${FOOTPRINT_RECORDS:-100000}"
if [ "$footprint_records" -lt 100000 ]; then
  echo "run.sh: FOOTPRINT_RECORDS must be at least 100000" >&2
  exit 2
fi

data="$here/target/bench-data"
rm -rf "$data"
mkdir -p "$data"
trap 'rm -rf "$data"; [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true' EXIT

# Other work on this machine disturbs the figures: sample the load average while we run.
loadlog="$here/target/load-$mode.txt"
: >"$loadlog"
( while true; do cut -d' ' -f1 /proc/loadavg >>"$loadlog"; sleep 5; done ) &
sampler=$!

common=(-rf json -jvmArgsAppend "-Dbench.dataDir=$data" -p "treeSize=$proof_sizes")
case "$mode" in
  full)
    rm -rf "$here/results"
    mkdir -p "$here/results"
    json="$here/results/full.json"
    jmh_args=("${common[@]}" "$@")
    ;;
  quick)
    json="$here/target/results-quick.json"
    # One short iteration each, no warmup; the proof ledgers at most 100k records (above).
    jmh_args=("${common[@]}" -f 1 -wi 0 -i 1 -r 1s "$@")
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
  "DiskFootprint"
  "Proofs"
  "LineageClosure"
  "CheckpointLatency"
  "PurviewSyncThroughput"
  "PostgresAppend"
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
  if [ "$g" = DiskFootprint ]; then
    # Figure 8 is one deterministic build, not a JMH benchmark; it writes its own JSON.
    java "-Dbench.dataDir=$data" -cp "$jar" dev.lineageledger.benchmarks.DiskFootprint \
      "$footprint_records" "$part"
  else
    java -jar "$jar" "${jmh_args[@]}" -rff "$part" "$g"
  fi
  echo "$commit" >"${part%.json}.commit"
  echo "'$g': $(( $(date +%s) - t0 )) s, 1-min load average $l0 at its start, $(cut -d' ' -f1 /proc/loadavg) at its end" >>"$grouplog"
  parts="${parts:+$parts,}$part"
done
elapsed=$(( $(date +%s) - start ))
kill "$sampler" 2>/dev/null || true
sampler=""

# Figure 5's ledgers leave a line each on how long they took to build (ProofLedgers).
proof_builds="$(for d in $(ls -dv "$data"/proofs-*/ 2>/dev/null); do
  if [ -f "$d/complete" ]; then cat "$d/complete"; fi; done | paste -sd';' | sed 's/;/; /g')"

machine="$here/target/machine-$mode.txt"
[ "$mode" = full ] && machine="$here/results/machine.txt"
{
  echo "Run: $started_at, $((elapsed / 60)) min $((elapsed % 60)) s of JMH; source: $commit."
  echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores available to the JVM; $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) memory."
  echo "OS: $(uname -sr); data on $(df -T "$here/target" | awk 'NR==2 {print $2}') ($(df -h "$here/target" | awk 'NR==2 {print $1}'))."
  echo "Libraries: sqlite-jdbc $(sed -n 's:.*<sqlite-jdbc.version>\(.*\)</sqlite-jdbc.version>.*:\1:p' pom.xml), BouncyCastle $(sed -n 's:.*<bouncycastle.version>\(.*\)</bouncycastle.version>.*:\1:p' pom.xml) (low-level Ed25519), Jackson $(sed -n 's:.*<jackson.version>\(.*\)</jackson.version>.*:\1:p' pom.xml)."
  echo "Sizes: $(java -cp "$jar" dev.lineageledger.benchmarks.SizeCheck | tr '\n' ' ')(the ceilings use exactly these)."
  echo "Noise: the machine is shared (other engineers build on its 2 cores). Load average before the run: $load_before; sampled every 5 s during it: $(sort -n "$loadlog" | awk '{a[NR]=$1; s+=$1} END {if (NR) printf "min %.2f, median %.2f, mean %.2f, max %.2f over %d samples", a[1], a[int((NR+1)/2)], s/NR, a[NR], NR}')."
  echo "Load per group (figure and ceiling run back to back): $(paste -sd';' "$grouplog" | sed 's/;/; /g')."
  echo "Proof ledgers (figure 5, built once in this run): ${proof_builds:-none built}."
} >"$machine"

case "$mode" in
  full)
    files="$parts"
    out="$here/RESULTS.md"
    summary="$here/results/summary.json"
    cmd="benchmarks/run.sh${*:+ $*}"
    ;;
  quick)
    files="$parts"
    out="$here/target/RESULTS-quick.md"
    summary="$here/target/summary-quick.json"
    cmd="benchmarks/run.sh --quick${*:+ $*}"
    ;;
  rerun)
    kept="$here/results/rerun-$(basename "$json" .json | sed 's/^results-rerun-//')"
    cp "${json%.json}-1.json" "$kept.json"
    cp "${json%.json}-1.commit" "$kept.commit"
    files="$(ls -v "$here"/results/full-*.json | paste -sd,)"
    for f in "$here"/results/rerun-*.json; do files="$files,$f"; done
    out="$here/RESULTS.md"
    summary="$here/results/summary.json"
    cmd="benchmarks/run.sh, then benchmarks/run.sh --rerun for the results marked rerun"
    # The settings and machine lines describe the full run; append the rerun's noise line.
    echo "Rerun ($started_at, source $commit, '$rerun'): $(grep '^Noise: ' "$machine" | sed 's/^Noise: //')${proof_builds:+ Proof ledgers rebuilt: $proof_builds.}" \
      >>"$here/results/machine.txt"
    machine="$here/results/machine.txt"
    ;;
esac

# RESULTS.md and summary.json come from one parse of the same results.
java -cp "$jar" dev.lineageledger.benchmarks.Report "$files" "$machine" "$here/ANALYSIS.md" \
  "$out" "$summary" "$mode" "$cmd" "$commit"
echo "run.sh: wrote $out and $summary (in ${elapsed}s of benchmarking)" >&2
