#!/usr/bin/env python3
"""
Generate src/Sharpgres/Errors/SqlStateErrors.g.cs: one exception class per
PostgreSQL SQLSTATE, following psycopg 3's psycopg.errors module.

Usage:
    python3 tools/generate-errors.py [ERRCODES_TXT] [-o OUTPUT]

ERRCODES_TXT defaults to /usr/share/postgresql/15/errcodes.txt (the file the
PostgreSQL source tree keeps at src/backend/utils/errcodes.txt). OUTPUT
defaults to src/Sharpgres/Errors/SqlStateErrors.g.cs next to this script's
repository root. Only the Python 3 standard library is used.

Rules (the same psycopg 3 applies in its tools/update_errors.py):

* Classes 00 (successful completion) and 01 (warning) are skipped: they are
  never raised. Class 02 (no data) is kept although its lines are marked 'W',
  because psycopg 3 has classes for them (NoData, NoAdditional...).
* Lines without a spec name (aliases such as ERRCODE_ARRAY_ELEMENT_ERROR for
  2202E) are skipped; their code always has a named line too.
* The class name is the spec name in PascalCase (unique_violation ->
  UniqueViolation).
* A few spec names repeat across SQLSTATE classes, and one equals a DB-API
  base class name. They get psycopg's names (see RENAMES). Should a future
  errcodes.txt bring a new clash, the later code gets its SQLSTATE appended
  (e.g. FooBar38009) and a note is printed on stderr, so the output stays
  deterministic; add the case to RENAMES to give it a better name.
* Each class derives directly from the DB-API base psycopg 3 picks for its
  SQLSTATE (BASE_BY_PREFIX: two leading characters, then the first one, then
  DatabaseError), i.e. psycopg.errors._base_exc_map / get_base_exception.
  Sharpgres' Error.BaseClassFor must agree; a unit test checks it.
* Looking a spec name up: where two codes share a spec name, the later code
  (in SQLSTATE order) wins, as in psycopg, whose registry is filled in that
  order and keeps the last class registered under a name.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass

DEFAULT_ERRCODES = "/usr/share/postgresql/15/errcodes.txt"

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "src", "Sharpgres", "Errors", "SqlStateErrors.g.cs")

# SQLSTATE classes that get no exception class.
SKIPPED_CLASSES = {"00", "01"}

# DB-API base per SQLSTATE prefix, as psycopg 3's _base_exc_map. A 2-character
# key is tried first, then a 1-character one, then DatabaseError.
BASE_BY_PREFIX = {
    "08": "OperationalError",  # Connection Exception
    "0A": "NotSupportedError",  # Feature Not Supported
    "20": "ProgrammingError",  # Case Not Found
    "21": "ProgrammingError",  # Cardinality Violation
    "22": "DataError",  # Data Exception
    "23": "IntegrityError",  # Integrity Constraint Violation
    "24": "InternalError",  # Invalid Cursor State
    "25": "InternalError",  # Invalid Transaction State
    "26": "ProgrammingError",  # Invalid SQL Statement Name
    "27": "OperationalError",  # Triggered Data Change Violation
    "28": "OperationalError",  # Invalid Authorization Specification
    "2B": "InternalError",  # Dependent Privilege Descriptors Still Exist
    "2D": "InternalError",  # Invalid Transaction Termination
    "2F": "OperationalError",  # SQL Routine Exception
    "34": "ProgrammingError",  # Invalid Cursor Name
    "38": "OperationalError",  # External Routine Exception
    "39": "OperationalError",  # External Routine Invocation Exception
    "3B": "OperationalError",  # Savepoint Exception
    "3D": "ProgrammingError",  # Invalid Catalog Name
    "3F": "ProgrammingError",  # Invalid Schema Name
    "40": "OperationalError",  # Transaction Rollback
    "42": "ProgrammingError",  # Syntax Error or Access Rule Violation
    "44": "ProgrammingError",  # WITH CHECK OPTION Violation
    "53": "OperationalError",  # Insufficient Resources
    "54": "OperationalError",  # Program Limit Exceeded
    "55": "OperationalError",  # Object Not In Prerequisite State
    "57": "OperationalError",  # Operator Intervention
    "58": "OperationalError",  # System Error (errors external to PostgreSQL)
    "F": "OperationalError",  # Configuration File Error
    "H": "OperationalError",  # Foreign Data Wrapper Error (SQL/MED)
    "P": "ProgrammingError",  # PL/pgSQL Error
    "X": "InternalError",  # Internal Error
}

# Names of Sharpgres' hand-written DB-API classes: no generated class may take one.
RESERVED_NAMES = {
    "Error", "Warning", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError",
    # Hand-written/internal types in Sharpgres and Sharpgres.Errors.
    "Diagnostics", "SqlStateTable", "SqlStateEntry",
}

# Explicit names where the PascalCase spec name is taken (psycopg 3's names).
RENAMES = {
    "38002": "ModifyingSqlDataNotPermittedExt",  # 2F002 has the same spec name
    "38003": "ProhibitedSqlStatementAttemptedExt",  # 2F003
    "38004": "ReadingSqlDataNotPermittedExt",  # 2F004
    "39004": "NullValueNotAllowedExt",  # 22004
    "XX000": "InternalError_",  # internal_error would clash with InternalError
}

SECTION_RE = re.compile(r"^Section: Class (\S\S) - (.+)$")
ENTRY_RE = re.compile(r"^(\S{5})\s+([EWS])\s+ERRCODE_(\S+)(?:\s+(\S+))?$")
SQLSTATE_RE = re.compile(r"^[0-9A-Z]{5}$")


@dataclass
class Entry:
    code: str
    kind: str
    spec: str
    section: str
    clsname: str = ""
    base: str = ""
    note: str = ""


def parse(path: str) -> tuple[dict[str, str], list[Entry]]:
    sections: dict[str, str] = {}
    entries: list[Entry] = []
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = SECTION_RE.match(line)
            if m:
                sections[m.group(1)] = m.group(2)
                continue
            m = ENTRY_RE.match(line)
            if not m:
                raise SystemExit(f"{path}:{lineno}: unexpected line: {line!r}")
            code, kind, _macro, spec = m.groups()
            if not SQLSTATE_RE.match(code):
                raise SystemExit(f"{path}:{lineno}: malformed SQLSTATE {code!r}")
            # Alias lines (no spec name) may sit in another class's section; the
            # class of a code is always its first two characters.
            if code[:2] in SKIPPED_CLASSES or not spec:
                continue
            entries.append(Entry(code, kind, spec, code[:2]))
    for e in entries:
        if e.section not in sections:
            raise SystemExit(f"{path}: no 'Section: Class {e.section}' line for {e.code}")
    return sections, entries


def pascal(spec: str) -> str:
    return "".join(w[:1].upper() + w[1:].lower() for w in spec.split("_") if w)


def base_for(code: str) -> str:
    return BASE_BY_PREFIX.get(code[:2]) or BASE_BY_PREFIX.get(code[:1]) or "DatabaseError"


def assign_names(entries: list[Entry]) -> None:
    entries.sort(key=lambda e: e.code)
    seen_codes: set[str] = set()
    taken: dict[str, str] = {n.upper(): "(hand-written)" for n in RESERVED_NAMES}
    for e in entries:
        if e.code in seen_codes:
            raise SystemExit(f"SQLSTATE {e.code} listed twice with a spec name")
        seen_codes.add(e.code)
        natural = pascal(e.spec)
        name = RENAMES.get(e.code, natural)
        if name.upper() in taken:
            name = natural + e.code
            print(f"note: {e.code} {e.spec}: {natural} is taken by {taken[natural.upper()]}; "
                  f"named {name}", file=sys.stderr)
            if name.upper() in taken:
                raise SystemExit(f"cannot name SQLSTATE {e.code}: {name} taken too")
        if name != natural:
            other = taken.get(natural.upper())
            e.note = (f"Named {name} rather than {natural}, as in psycopg, "
                      + (f"because {natural} is {other}." if other else "to avoid a clash."))
            if other == "(hand-written)":
                e.note = f"Named {name}, as in psycopg, because {natural} is the DB-API base class."
        taken[name.upper()] = f"SQLSTATE {e.code}"
        e.clsname = name
        e.base = base_for(e.code)


def lookup_keys(entries: list[Entry]) -> dict[str, int]:
    """Upper-case lookup key -> index in entries: the code, the spec name and the class name."""
    keys: dict[str, int] = {}
    kinds: dict[str, str] = {}

    def add(key: str, kind: str, index: int) -> None:
        if key in keys and not (kind == kinds[key] == "spec"):
            raise SystemExit(f"lookup key {key} is both a {kinds[key]} and a {kind}")
        keys[key] = index  # a repeated spec name: the later code wins, as in psycopg
        kinds[key] = kind

    for i, e in enumerate(entries):
        add(e.code, "code", i)
        add(e.clsname.upper(), "class", i)
    for i, e in enumerate(entries):
        add(e.spec.upper(), "spec", i)
    return keys


def cs_string(s: str) -> str:
    if not re.match(r"^[0-9A-Za-z_ ./()-]*$", s):
        raise SystemExit(f"unexpected characters in {s!r}")
    return '"' + s + '"'


def xml_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def generate(sections: dict[str, str], entries: list[Entry], command: str) -> str:
    out: list[str] = []
    w = out.append
    w("// <auto-generated>")
    w("//   Generated by tools/generate-errors.py from PostgreSQL's errcodes.txt. Do not edit by hand.")
    w(f"//   Command: {command}")
    w("//   One exception class per SQLSTATE, named and based as in psycopg 3's psycopg.errors.")
    w("// </auto-generated>")
    w("")
    w("#nullable enable")
    w("")
    w("namespace Sharpgres.Errors;")

    current = None
    for e in entries:
        if e.section != current:
            current = e.section
            w("")
            w(f"// Class {e.section} - {sections[e.section]}")
        w("")
        w("/// <summary>")
        w(f"/// Raised when PostgreSQL reports SQLSTATE {e.code} ({xml_text(e.spec)}), in class {e.section} "
          f"({xml_text(sections[e.section])}); psycopg's <c>psycopg.errors.{e.clsname}</c>, a <see cref=\"{e.base}\"/>.")
        w("/// </summary>")
        if e.note:
            w(f"/// <remarks>{xml_text(e.note)}</remarks>")
        w(f"public class {e.clsname} : {e.base}")
        w("{")
        w(f"    /// <summary>The SQLSTATE this class stands for, {e.code}.</summary>")
        w(f"    public const string Code = {cs_string(e.code)};")
        w(f"    /// <summary>PostgreSQL's condition name for SQLSTATE {e.code} (errcodes.txt, PL/pgSQL's EXCEPTION WHEN {xml_text(e.spec)}).</summary>")
        w(f"    public const string Name = {cs_string(e.spec)};")
        w("")
        w("    /// <summary>Creates the exception with the server's message and the ErrorResponse fields it came with.</summary>")
        w("    /// <param name=\"message\">The primary message (the ErrorResponse's M field).</param>")
        w("    /// <param name=\"diagnostics\">All the ErrorResponse's fields, or null when raised by the driver itself.</param>")
        w("    /// <param name=\"inner\">The exception that caused this one, if any.</param>")
        w(f"    public {e.clsname}(string message, Diagnostics? diagnostics = null, Exception? inner = null)")
        w("        : base(message, diagnostics, inner) { }")
        w("")
        w("    /// <summary>The server's SQLSTATE, or this class's <see cref=\"Code\"/> when raised without diagnostics.</summary>")
        w("    public override string? SqlState => Diagnostics?.SqlState ?? Code;")
        w("}")

    keys = lookup_keys(entries)

    w("")
    w("/// <summary>A generated SQLSTATE class: its code, spec name, type and a reflection-free factory.</summary>")
    w("internal sealed class SqlStateEntry(string code, string name, Type type, Func<string, Diagnostics?, Exception?, Error> create)")
    w("{")
    w("    public string Code { get; } = code;")
    w("    public string Name { get; } = name;")
    w("    public Type Type { get; } = type;")
    w("    public Func<string, Diagnostics?, Exception?, Error> Create { get; } = create;")
    w("}")
    w("")
    w("/// <summary>The generated SQLSTATE classes, indexed without reflection.</summary>")
    w("internal static class SqlStateTable")
    w("{")
    w(f"    /// <summary>All {len(entries)} generated classes, in SQLSTATE order.</summary>")
    w("    internal static readonly SqlStateEntry[] Entries =")
    w("    [")
    for e in entries:
        w(f"        new({cs_string(e.code)}, {cs_string(e.spec)}, typeof({e.clsname}), "
          f"static (m, d, i) => new {e.clsname}(m, d, i)),")
    w("    ];")
    w("")
    w("    /// <summary>Index in <see cref=\"Entries\"/> of an exact SQLSTATE, or -1.</summary>")
    w("    internal static int IndexOfCode(string code) => code switch")
    w("    {")
    for i, e in enumerate(entries):
        w(f"        {cs_string(e.code)} => {i},")
    w("        _ => -1,")
    w("    };")
    w("")
    w("    /// <summary>")
    w("    /// Index in <see cref=\"Entries\"/> for an upper-cased SQLSTATE, spec name or class name, or -1.")
    w("    /// A spec name shared by two codes maps to the later code, as in psycopg.")
    w("    /// </summary>")
    w("    internal static int IndexOfUpperKey(string key) => key switch")
    w("    {")
    for key, i in sorted(keys.items(), key=lambda kv: (kv[1], kv[0])):
        w(f"        {cs_string(key)} => {i},")
    w("        _ => -1,")
    w("    };")
    w("}")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("errcodes", nargs="?", default=DEFAULT_ERRCODES,
                        help=f"PostgreSQL's errcodes.txt (default: {DEFAULT_ERRCODES})")
    parser.add_argument("-o", "--output", default=DEFAULT_OUTPUT,
                        help="the C# file to write (default: src/Sharpgres/Errors/SqlStateErrors.g.cs)")
    args = parser.parse_args()

    sections, entries = parse(args.errcodes)
    assign_names(entries)
    command = f"python3 tools/generate-errors.py {args.errcodes}"
    text = generate(sections, entries, command)

    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {len(entries)} classes to {os.path.relpath(args.output)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
