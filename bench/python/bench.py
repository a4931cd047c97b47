#!/usr/bin/env python3
"""point / fetch / insert (/ copy) with psycopg 3 and psycopg2, for the context rows of docs/benchmarks.md.

The server is the one the C# suite uses: its libpq conninfo comes from SHARPGRES_BENCH_CONNINFO (bench/run.sh sets
it). Each workload runs a few times and the median time per unit is written as JSON for the report:
    {"results": [{"workload": "point (sync)", "driver": "psycopg 3", "unit": "ops", "ns_per_unit": 51234.5}, ...]}
A driver that is not installed is skipped. Usage: bench.py OUT.json [--quick]
"""
import json
import os
import statistics
import sys
import time

FETCH_SQL = ("SELECT g, 'name ' || g, g * 1.5::float8, '2020-01-01'::timestamptz + g * interval '1 second' "
             "FROM generate_series(1, 1000000) g")
FETCH_ROWS = 1_000_000
INSERT_ROWS = 100_000
CITIES = ["Lisbon", "Porto", "Braga", "Coimbra", "Faro", "Évora", "Aveiro", "Viseu"]
PROFESSIONS = ["engineer", "teacher", "nurse", "baker", "pilot", "writer", "farmer"]
PEOPLE = [(f"person {i}", CITIES[i % len(CITIES)], PROFESSIONS[i % len(PROFESSIONS)]) for i in range(INSERT_ROWS)]


def measure(fn, units, repeats):
    """Median nanoseconds per unit over `repeats` runs, after one warm-up run."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - start) / units)
    return statistics.median(times)


def point(cur, placeholder, n):
    sql = f"SELECT {placeholder}::int4 + 1"

    def run():
        for i in range(n):
            cur.execute(sql, (i,))
            cur.fetchone()
    return run


def fetch(cur):
    def run():
        cur.execute(FETCH_SQL)
        for row in cur.fetchall():
            for v in row:
                pass
    return run


def bench_psycopg3(conninfo, quick):
    import psycopg
    results = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        cur = conn.cursor()
        cur.execute("CREATE UNLOGGED TABLE IF NOT EXISTS insert_psycopg (name text, city text, profession text)")
        n = 500 if quick else 2000
        results.append(("point (sync)", "ops", measure(point(cur, "%s", n), n, 3)))
        per_row = measure(fetch(cur), FETCH_ROWS, 1 if quick else 3)
        results += [("fetch_1M typed", "rows", per_row), ("fetch_1M boxed", "rows", per_row)]

        def insert():
            cur.execute("TRUNCATE insert_psycopg")
            cur.executemany("INSERT INTO insert_psycopg (name, city, profession) VALUES (%s, %s, %s)", PEOPLE)
        results.append(("insert_100k", "rows", measure(insert, INSERT_ROWS, 1 if quick else 3)))

        if hasattr(cur, "copy"):
            def copy_out():
                with cur.copy("COPY (" + FETCH_SQL + ") TO STDOUT") as copy:
                    for _ in copy:
                        pass
            results.append(("copy_out_1M", "rows", measure(copy_out, FETCH_ROWS, 1 if quick else 3)))
    driver = f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__})"
    return [dict(workload=w, driver=driver, unit=u, ns_per_unit=ns) for w, u, ns in results]


def bench_psycopg2(conninfo, quick):
    import psycopg2
    import psycopg2.extras
    results = []
    conn = psycopg2.connect(conninfo)
    conn.autocommit = True
    try:
        cur = conn.cursor()
        cur.execute("CREATE UNLOGGED TABLE IF NOT EXISTS insert_psycopg2 (name text, city text, profession text)")
        n = 500 if quick else 2000
        results.append(("point (sync)", "ops", measure(point(cur, "%s", n), n, 3)))
        per_row = measure(fetch(cur), FETCH_ROWS, 1 if quick else 3)
        results += [("fetch_1M typed", "rows", per_row), ("fetch_1M boxed", "rows", per_row)]

        def insert():
            cur.execute("TRUNCATE insert_psycopg2")
            psycopg2.extras.execute_batch(cur, "INSERT INTO insert_psycopg2 (name, city, profession) VALUES (%s, %s, %s)",
                                          PEOPLE, page_size=1000)
        results.append(("insert_100k", "rows", measure(insert, INSERT_ROWS, 1 if quick else 3)))
    finally:
        conn.close()
    version = psycopg2.__version__.split(" ")[0]
    return [dict(workload=w, driver=f"psycopg2 {version}", unit=u, ns_per_unit=ns) for w, u, ns in results]


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out, quick = sys.argv[1], "--quick" in sys.argv
    conninfo = os.environ.get("SHARPGRES_BENCH_CONNINFO")
    if not conninfo:
        print("SHARPGRES_BENCH_CONNINFO is not set", file=sys.stderr)
        return 2
    conninfo += " sslmode=disable"
    results = []
    for name, bench in (("psycopg", bench_psycopg3), ("psycopg2", bench_psycopg2)):
        try:
            results += bench(conninfo, quick)
        except ImportError:
            print(f"{name} is not installed: skipped", file=sys.stderr)
    with open(out, "w") as f:
        json.dump({"python": sys.version.split()[0], "results": results}, f, indent=1)
    for r in results:
        print(f"{r['driver']:>16} {r['workload']:<16} {1e9 / r['ns_per_unit']:>12,.0f} {r['unit']}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
