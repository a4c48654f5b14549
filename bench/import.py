#!/usr/bin/env python3
"""Import benchmark: jixiao into SQLite and into PostgreSQL, beside DuckDB, in the same run.

Each engine runs as its own process on the same files (units, projects, targets and
payments CSVs written by ../shared/bench/gen.py); the script reports wall time, payment rows
per second, peak resident memory (the process's ru_maxrss) and the ratio to DuckDB's time.

  python3 bench/import.py                      # province scale (20 million payments)
  python3 bench/import.py --scale district --runs 3

DuckDB (pip install duckdb) loads the same four CSVs into tables of a database file with
typed columns (payment amounts as DECIMAL(18,2)). jixiao validates every cell (codes,
dates, money to the fen, references, duplicate payment ids) and writes into a fresh store:
a new SQLite file, and a new schema on the PostgreSQL server (--pg).
Goals (issue 19): SQLite within 2.5x DuckDB's time, PostgreSQL within 3x, peak memory < 1 GB.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen.py")
PAYMENTS = {"tiny": 3_000, "district": 500_000, "city": 5_000_000, "province": 20_000_000}

DUCKDB = r"""
import duckdb, os, sys
data, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
def load(name, cols):
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv(?, header=true, columns={cols})",
                [os.path.join(data, name + ".csv")])
load("units", {"unit_code": "VARCHAR", "unit_name": "VARCHAR", "department_code": "VARCHAR",
               "parent_code": "VARCHAR", "region_code": "VARCHAR"})
load("projects", {"project_code": "VARCHAR", "unit_code": "VARCHAR", "project_name": "VARCHAR",
                  "kind": "VARCHAR", "fund_source": "VARCHAR",
                  "initial_budget": "DECIMAL(18,2)", "adjusted_budget": "DECIMAL(18,2)"})
load("targets", {"project_code": "VARCHAR", "indicator_code": "VARCHAR", "level1": "VARCHAR",
                 "level2": "VARCHAR", "name": "VARCHAR", "direction": "VARCHAR",
                 "target": "DECIMAL(18,4)", "actual": "DECIMAL(18,4)", "weight": "DECIMAL(18,4)"})
load("payments", {"payment_id": "VARCHAR", "project_code": "VARCHAR", "pay_date": "DATE",
                  "amount": "DECIMAL(18,2)"})
con.close()
"""


def measure(cmd, env=None):
    """Runs cmd; returns (seconds, peak RSS in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"failed ({code}): {' '.join(cmd)}\n{err}")
    return secs, usage.ru_maxrss / 1024


def psql(url, sql):
    subprocess.run(["psql", url, "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", choices=PAYMENTS, default="province")
    ap.add_argument("--data", help="folder of gen.py output (generated if missing)")
    ap.add_argument("--runs", type=int, default=1, help="runs per engine; the median is shown")
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/test")
    ap.add_argument("--jixiao", default=os.path.join(ROOT, "target", "release", "jixiao"))
    ap.add_argument("--skip", action="append", default=[], choices=["duckdb", "sqlite", "postgres"])
    ap.add_argument("--monthly", action="store_true",
                    help="also the monthly cycle of issue 19: a month's payments as the 一体化 export, "
                         "imported (twice) into a store holding the year so far, and the refresh "
                         "(bench/monitor.py --store --yitihua)")
    a = ap.parse_args()

    data = a.data or os.path.join(tempfile.gettempdir(), f"jixiao-bench-{a.scale}")
    if not os.path.exists(os.path.join(data, "payments.csv")):
        print(f"generating {a.scale} data into {data} …", file=sys.stderr)
        subprocess.run([sys.executable, GEN, "--scale", a.scale, "--out", data], check=True)
    if not os.path.exists(a.jixiao):
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    size = sum(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data) if f.endswith(".csv"))
    work = tempfile.mkdtemp(prefix="jixiao-bench-")
    results = {}
    try:
        for run in range(a.runs):
            if "duckdb" not in a.skip:
                db = os.path.join(work, f"duck{run}.duckdb")
                results.setdefault("DuckDB (4 CSVs → tables)", []).append(
                    measure([sys.executable, "-c", DUCKDB, data, db]))
                os.remove(db)
            if "sqlite" not in a.skip:
                db = os.path.join(work, f"jixiao{run}.db")
                results.setdefault("jixiao → SQLite", []).append(
                    measure([a.jixiao, "--database-url", db, "import", data, "--year", "2021"]))
                os.remove(db)
            if "postgres" not in a.skip:
                schema = f"bench_{os.getpid()}_{run}"
                psql(a.pg, f"CREATE SCHEMA {schema}")
                url = f"{a.pg}?options=-csearch_path%3D{schema}"
                try:
                    results.setdefault("jixiao → PostgreSQL", []).append(
                        measure([a.jixiao, "--database-url", url, "import", data, "--year", "2021"]))
                finally:
                    psql(a.pg, f"DROP SCHEMA {schema} CASCADE")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    n = PAYMENTS[a.scale]
    print(f"scale {a.scale}: {n:,} payments, {size / 1e6:,.0f} MB of CSV; {a.runs} run(s), median shown")
    base = None
    print(f"{'engine':28} {'seconds':>9} {'payments/s':>12} {'peak MB':>9} {'× DuckDB':>9}")
    for name, runs in results.items():
        secs = statistics.median(r[0] for r in runs)
        mem = max(r[1] for r in runs)
        if name.startswith("DuckDB"):
            base = secs
        ratio = f"{secs / base:.2f}" if base else "-"
        print(f"{name:28} {secs:9.2f} {n / secs:12,.0f} {mem:9,.0f} {ratio:>9}")


    if a.monthly:
        subprocess.run([sys.executable, os.path.join(HERE, "monitor.py"), "--scale", a.scale, "--data", data,
                        "--store", "--yitihua", "--runs", "1", "--engines", "duckdb", "--jixiao", a.jixiao],
                       check=True)


if __name__ == "__main__":
    main()
