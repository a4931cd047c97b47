#!/usr/bin/env bash
# Publishes samples/Aot with NativeAOT and runs the native binary against a TempServer it starts. Passes when the
# publish reports no trim/AOT warning (IL2xxx/IL3xxx: the library claims IsTrimmable/IsAotCompatible) and the tour
# prints "0 failures". NativeAOT links with clang: installed from Debian's packages when missing (clang, zlib1g-dev).
# Measured on the 2-core dev box: see docs/packaging.md ("NativeAOT").
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d /tmp/sharpgres-aot-XXXXXX)"
trap 'rm -rf "$out"' EXIT
linker=""
if command -v clang >/dev/null 2>&1; then linker=clang
else
  linker=$(ls /usr/bin/clang-[0-9]* 2>/dev/null | grep -E '/clang-[0-9]+$' | sort -V | tail -1 || true)
  if [ -z "$linker" ]; then
    echo "no clang: installing clang and zlib1g-dev for the NativeAOT linker"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq clang zlib1g-dev >/dev/null
    linker=clang
  fi
fi
[ -f /usr/include/zlib.h ] || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq zlib1g-dev >/dev/null; }
start=$(date +%s)
dotnet publish "$repo/samples/Aot/Aot.csproj" -c Release -r linux-x64 -m:1 -nologo -v q \
  -p:CppCompilerAndLinker="$linker" -o "$out/app" 2>&1 | tee "$out/publish.log"
published=$(( $(date +%s) - start ))
if grep -Eq 'warning IL[0-9]{4}' "$out/publish.log"; then
  echo "the NativeAOT publish reported trim/AOT warnings:"; grep -E 'warning IL[0-9]{4}' "$out/publish.log" | sort -u; exit 1
fi
echo "published samples/Aot with NativeAOT in ${published} s, no trim/AOT warnings: $(du -h "$out/app/Aot" | cut -f1) native binary"
"$out/app/Aot" | tee "$out/printed.txt"
grep -qx "0 failures" "$out/printed.txt"
echo "NativeAOT check passed in $(( $(date +%s) - start )) s"
