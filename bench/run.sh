#!/usr/bin/env bash
# Runs the interleaved benchmarks and writes docs/benchmarks.md and docs/benchmarks.svg.
#
#   bench/run.sh                          quiet and loaded runs (7 rounds of 500 ms per driver), memory curve, report
#   ROUNDS=9 MS=800 bench/run.sh          more or longer rounds
#   CONDITIONS=quiet bench/run.sh         one condition only
#   MEMORY_FROM=bench/results/X bench/run.sh    reuse that folder's memory.json instead of measuring it again
#   MEMORY_SIZES=1000,100000 bench/run.sh       other result sizes for the memory curve (default 10^3 ... 10^7)
#   bench/run.sh 'point' 'fetch'          extra arguments filter the workloads (substrings of suite or workload names)
#   TELEMETRY_ROUNDS=501 TELEMETRY_MS=100 bench/run.sh   issue 15's own quiet pass (default 301 rounds of 100 ms)
#
# One TempServer serves the whole run. The quiet run needs an idle machine: the report prints the load averages.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${ROUNDS:-7}"
ms="${MS:-500}"
conditions="${CONDITIONS:-quiet loaded}"

out="bench/results/$(date -u +%Y%m%d-%H%M%S)-interleaved"
mkdir -p "$out"
echo "== building (Release)"
# BUILD_ARGS: extra build properties, e.g. BUILD_ARGS=-p:TreatWarningsAsErrors=false while an analyzer error is open on main.
dotnet build -c Release -v quiet -nologo ${BUILD_ARGS:-} bench/Sharpgres.Benchmarks/Sharpgres.Benchmarks.csproj
dll="bench/Sharpgres.Benchmarks/bin/Release/net10.0/Sharpgres.Benchmarks.dll"

echo "== starting the benchmark server"
conninfo_file="$out/.conninfo"
dotnet "$dll" server --conninfo-file "$conninfo_file" > "$out/server.log" 2>&1 &
server_pid=$!
stop_server() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -f "$conninfo_file"
}
trap stop_server EXIT
for _ in $(seq 1 300); do
  [[ -s "$conninfo_file" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log"; echo "the benchmark server failed to start" >&2; exit 1; }
  sleep 0.5
done
[[ -s "$conninfo_file" ]] || { echo "the benchmark server did not start in time" >&2; exit 1; }
SHARPGRES_BENCH_CONNINFO="$(sed -n 1p "$conninfo_file")"
SHARPGRES_BENCH_SOCKET_DIR="$(sed -n 2p "$conninfo_file")"
SHARPGRES_BENCH_COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes')"
export SHARPGRES_BENCH_CONNINFO SHARPGRES_BENCH_SOCKET_DIR SHARPGRES_BENCH_COMMIT
rm -f "$conninfo_file"

for condition in $conditions; do
  echo "== $condition run ($rounds rounds of $ms ms per driver); uptime: $(uptime)"
  dotnet "$dll" probe "$@" --condition "$condition" --rounds "$rounds" --ms "$ms" --json "$out/$condition.json" | tee "$out/$condition.log"
  if [[ "$condition" == quiet && $# -eq 0 ]]; then
    # Issue 15's 2% and 10% figures need a median resolved to about a percent, which a dozen long rounds on this VM
    # can't give (single rounds move ±30%): the telemetry suite again, alone, in a few hundred short rounds; then its
    # two-builds workloads with the shipped build on both sides, the A/A that shows what the method itself scatters.
    t_rounds="${TELEMETRY_ROUNDS:-301}"
    t_ms="${TELEMETRY_MS:-100}"
    echo "== telemetry: $t_rounds rounds of $t_ms ms; uptime: $(uptime)"
    dotnet "$dll" probe telemetry --condition quiet --rounds "$t_rounds" --ms "$t_ms" --json "$out/telemetry.json" | tee "$out/telemetry.log"
    echo "== telemetry, A/A (the shipped build on both sides); uptime: $(uptime)"
    SHARPGRES_BENCH_SAME_BUILD=1 dotnet "$dll" probe "two builds" --condition quiet --rounds "$t_rounds" --ms "$t_ms" \
      --json "$out/telemetry-aa.json" | tee "$out/telemetry-aa.log"
  fi
done

if [[ -n "${MEMORY_FROM:-}" ]]; then
  cp "$MEMORY_FROM/memory.json" "$out/memory.json"
elif [[ $# -eq 0 ]]; then
  echo "== memory: peak working set against result size, each variant and size in its own process"
  dotnet "$dll" memory ${MEMORY_SIZES:+--sizes "$MEMORY_SIZES"} --out "$out/memory.json"
fi

echo "== report"
dotnet "$dll" report "$out" --out docs/benchmarks.md --svg docs/benchmarks.svg --notes bench/notes.md
echo "results: $out"
