#!/usr/bin/env bash
# Publishes samples/Aot with NativeAOT and runs the native binary against a TempServer it starts; it must print
# "0 failures". NativeAOT links with clang: installed from Debian's packages when missing (clang, zlib1g-dev).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d /tmp/sharpgres-aot-XXXXXX)"
trap 'rm -rf "$out"' EXIT
linker=""
if command -v clang >/dev/null 2>&1; then linker=clang
else
  linker=$(ls /usr/bin/clang-[0-9]* 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$linker" ]; then
    echo "no clang: installing clang and zlib1g-dev for the NativeAOT linker"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq clang zlib1g-dev >/dev/null
    linker=clang
  fi
fi
[ -f /usr/include/zlib.h ] || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq zlib1g-dev >/dev/null; }
start=$(date +%s)
dotnet publish "$repo/samples/Aot/Aot.csproj" -c Release -r linux-x64 -p:CppCompilerAndLinker="$linker" -o "$out" -nologo -v q
echo "published samples/Aot with NativeAOT in $(( $(date +%s) - start )) s: $(du -h "$out/Aot" | cut -f1) native binary"
"$out/Aot" | tee "$out/printed.txt"
grep -qx "0 failures" "$out/printed.txt"
