#!/usr/bin/env bash
# Runs the benchmark suite and writes docs/benchmarks.md and docs/benchmarks.svg.
#
#   bench/run.sh               quick configuration, run twice (a few minutes per run)
#   bench/run.sh full          full configuration (more warm-up and iterations), run twice (under 30 minutes)
#   RUNS=1 bench/run.sh quick --filter '*Point*'     extra arguments go to BenchmarkDotNet
#
# One TempServer serves the whole run: the C# suite (both drivers, in one process) and the Python scripts.
# Python rows are added when python3 with psycopg (3) or psycopg2 is present, and skipped otherwise.
set -euo pipefail

mode="${1:-quick}"
case "$mode" in
  quick|full) shift || true ;;
  *) mode=quick ;;
esac
runs="${RUNS:-2}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

out="bench/results/$(date -u +%Y%m%d-%H%M%S)-$mode"
mkdir -p "$out"
echo "== building (Release)"
dotnet build -c Release -v quiet -nologo bench/Sharpgres.Benchmarks/Sharpgres.Benchmarks.csproj
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
SHARPGRES_BENCH_CONNINFO="$(cat "$conninfo_file")"
export SHARPGRES_BENCH_CONNINFO
rm -f "$conninfo_file"

python=""
for candidate in "${PYTHON:-}" python3 /usr/bin/python3; do
  [[ -n "$candidate" ]] || continue
  if command -v "$candidate" > /dev/null && "$candidate" -c 'import importlib.util as u, sys; sys.exit(0 if (u.find_spec("psycopg") or u.find_spec("psycopg2")) else 1)' 2> /dev/null; then
    python="$candidate"; break
  fi
done
[[ -n "$python" ]] || echo "== python3 with psycopg / psycopg2 not found: Python rows skipped (apt-get install python3-psycopg python3-psycopg2)"

for run in $(seq 1 "$runs"); do
  echo "== run $run of $runs ($mode)"
  dotnet "$dll" run "--$mode" --artifacts "$out/run$run" "$@"
  echo "== memory run $run: 10 million streamed rows per driver, each in its own process"
  dotnet "$dll" memory --out "$out/run$run/memory.json"
  if [[ -n "$python" ]]; then
    echo "== python run $run"
    py_args=("$out/run$run/python.json")
    [[ "$mode" == quick ]] && py_args+=(--quick)
    "$python" bench/python/bench.py "${py_args[@]}" || echo "python benchmarks failed: skipped"
  fi
done

echo "== report"
# REPORT_ALSO: earlier result folders of the same code to pool with this one (more runs, steadier medians).
dotnet "$dll" report "$out" ${REPORT_ALSO:-} --out docs/benchmarks.md --svg docs/benchmarks.svg --notes bench/notes.md
echo "results: $out"
