#!/usr/bin/env bash
# Regenerates the public API files (PublicAPI.Shipped.txt / PublicAPI.Unshipped.txt) of every packed project under
# src/ from the PublicApiAnalyzers' own diagnostics, so a change to the public API is one command:
#   bash tools/update-public-api.sh            new public members go to PublicAPI.Unshipped.txt, removed ones are
#                                              deleted from either file
#   bash tools/update-public-api.sh --ship     then moves everything in Unshipped into Shipped (at a release)
# Review the diff of the .txt files: it is the public API change.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
ship=false; [ "${1:-}" = "--ship" ] && ship=true

projects=$(ls src/*/*.csproj)
for proj in $projects; do
  dir=$(dirname "$proj")
  for f in PublicAPI.Shipped.txt PublicAPI.Unshipped.txt; do
    [ -f "$dir/$f" ] || printf '#nullable enable\n' > "$dir/$f"
  done
done

log=$(mktemp)
# Only the packed projects: a solution filter of src/*/*.csproj (the analyzer reports when the compiler runs,
# hence --no-incremental below).
filter="$repo/obj-public-api.slnf"
trap 'rm -f "$log" "$filter"' EXIT
python3 - "$filter" $projects <<'PY'
import json, sys
json.dump({"solution": {"path": "Sharpgres.sln", "projects": [p.replace("/", "\\") for p in sys.argv[2:]]}}, open(sys.argv[1], "w"))
PY
for round in 1 2 3; do
  # RS0016: a public symbol missing from the files; RS0017: a listed symbol that no longer exists.
  # --no-incremental: the analyzers only report on files they compile.
  dotnet build "$filter" --no-incremental -nologo -v q -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= \
    > "$log" 2>&1 || true
  status=0
  python3 - "$log" "$repo" <<'PY' || status=$?
import os, re, sys, collections
log, repo = sys.argv[1], sys.argv[2]
add, remove = collections.defaultdict(set), collections.defaultdict(set)
pat = re.compile(r"(RS0016|RS0017): Symbol '(.+?)' is (?:not part of the declared (?:public )?API|part of the declared API, but is either not public or could not be found).*\[(.+?\.csproj)\]")
for line in open(log, encoding="utf-8", errors="replace"):
    m = pat.search(line)
    if not m: continue
    code, symbol, proj = m.groups()
    d = os.path.dirname(proj)
    (add if code == "RS0016" else remove)[d].add(symbol)
changed = 0
for d in set(add) | set(remove):
    for name in ("PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt"):
        path = os.path.join(d, name)
        lines = open(path, encoding="utf-8").read().splitlines()
        kept = [l for l in lines if l not in remove[d]]
        if name == "PublicAPI.Unshipped.txt":
            kept += sorted(s for s in add[d] if s not in kept)
        body = [l for l in kept if l and not l.startswith("#")]
        text = "#nullable enable\n" + "".join(l + "\n" for l in sorted(set(body), key=str.lower))
        if text != open(path, encoding="utf-8").read():
            open(path, "w", encoding="utf-8", newline="\n").write(text); changed += 1
print(f"public API files: {sum(map(len, add.values()))} added, {sum(map(len, remove.values()))} removed, {changed} files changed")
sys.exit(0 if changed == 0 else 3)
PY
  [ "$status" -eq 0 ] && break
done

if $ship; then
  for proj in $projects; do
    dir=$(dirname "$proj")
    python3 - "$dir" <<'PY'
import sys, os
d = sys.argv[1]
read = lambda n: [l for l in open(os.path.join(d, n), encoding="utf-8").read().splitlines() if l and not l.startswith("#")]
shipped = sorted(set(read("PublicAPI.Shipped.txt") + read("PublicAPI.Unshipped.txt")), key=str.lower)
open(os.path.join(d, "PublicAPI.Shipped.txt"), "w", encoding="utf-8", newline="\n").write("#nullable enable\n" + "".join(l + "\n" for l in shipped))
open(os.path.join(d, "PublicAPI.Unshipped.txt"), "w", encoding="utf-8", newline="\n").write("#nullable enable\n")
PY
  done
  echo "shipped: PublicAPI.Unshipped.txt moved into PublicAPI.Shipped.txt"
fi
dotnet build "$filter" -nologo -v q > "$log" 2>&1 || { grep -E "error" "$log" | sort -u | head -20; echo "the build still fails"; exit 1; }
echo "build clean with the public API files"
