#!/usr/bin/env bash
# Proves the packages work for a user: packs Sharpgres and Sharpgres.Testing into a temporary local feed, creates a
# console project OUTSIDE the solution that references them BY PACKAGE (its own packages folder, so nothing cached
# from an earlier run hides a broken package), runs the README's tour (samples/Readme/Tour.cs, with its conninfo
# taken from a TempServer) and checks every line it prints against the README's comments.
# Usage: bash tools/package-consumer-check.sh   (from anywhere; exits non-zero on any failure)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/sharpgres-consumer-XXXXXX)"
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -1)
[ -n "$version" ] || { echo "no <Version> in Directory.Build.props"; exit 1; }

echo "packing Sharpgres $version into $work/feed"
dotnet pack "$repo/src/Sharpgres/Sharpgres.csproj" -c Release -o "$work/feed" -v q -nologo
dotnet pack "$repo/src/Sharpgres.Testing/Sharpgres.Testing.csproj" -c Release -o "$work/feed" -v q -nologo
for p in Sharpgres Sharpgres.Testing; do
  for ext in nupkg snupkg; do
    [ -f "$work/feed/$p.$version.$ext" ] || { echo "missing $p.$version.$ext"; exit 1; }
  done
  # The package carries the assembly, its XML docs, the README and the licence; the symbols package the PDB.
  python3 - "$work/feed/$p.$version" "$p" <<'PY'
import sys, zipfile
base, name = sys.argv[1], sys.argv[2]
have = set(zipfile.ZipFile(base + ".nupkg").namelist())
missing = [f for f in (f"lib/net10.0/{name}.dll", f"lib/net10.0/{name}.xml", "README.md", "LICENSE") if f not in have]
if f"lib/net10.0/{name}.pdb" not in zipfile.ZipFile(base + ".snupkg").namelist(): missing.append(f"{name}.pdb in the .snupkg")
if missing: sys.exit(f"{base}.nupkg lacks: {', '.join(missing)}")
PY
done

# The consumer: no Directory.Build.props of ours above it, so none of the solution's settings leak in.
app="$work/app"
mkdir -p "$app"
cat > "$app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <RestorePackagesPath>$work/packages</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Sharpgres" Version="$version" />
    <PackageReference Include="Sharpgres.Testing" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="sharpgres-local" value="$work/feed" />
  </packageSources>
</configuration>
XML
# The tour verbatim, except that its conninfo comes from a throwaway server the package Sharpgres.Testing starts.
python3 - "$repo/samples/Readme/Tour.cs" "$app/Program.cs" <<'PY'
import sys
src = open(sys.argv[1], encoding="utf-8").read().split("\n")
out = []
for line in src:
    if line.startswith("var conninfo ="):
        out.append("using var server = Sharpgres.Testing.TempServer.Start();")
        out.append("var conninfo = server.ConnectionString();")
    else:
        out.append(line)
assert any(l.startswith("using var server") for l in out), "Tour.cs has no 'var conninfo =' line"
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out))
PY

echo "building the consumer against the packages"
dotnet build "$app/Consumer.csproj" -v q -nologo
[ -f "$work/packages/sharpgres/$version/lib/net10.0/Sharpgres.dll" ] || { echo "Sharpgres did not come from the package feed"; exit 1; }
echo "running the README tour from the packages"
dotnet "$app/bin/Debug/net10.0/Consumer.dll" > "$work/printed.txt"

# Expected lines: the comment ending each Console.WriteLine line of the README's csharp blocks (up to " — ").
python3 - "$repo/README.md" "$work/printed.txt" <<'PY'
import re, sys
readme = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"^```csharp\n(.*?)^```$", readme, re.M | re.S)
expected = [l[l.rindex(" // ") + 4:].split(" — ")[0].strip()
            for b in blocks for l in b.split("\n") if "Console.WriteLine(" in l]
printed = open(sys.argv[2], encoding="utf-8").read().replace("\r\n", "\n").rstrip("\n").split("\n")
if printed != expected:
    print("the tour's output differs from the README:")
    for i in range(max(len(printed), len(expected))):
        e = expected[i] if i < len(expected) else "(nothing)"
        p = printed[i] if i < len(printed) else "(nothing)"
        print(("   " if e == p else "!! ") + f"expected {e!r}, printed {p!r}")
    sys.exit(1)
print(f"package consumer check passed: {len(printed)} lines as the README says")
PY
