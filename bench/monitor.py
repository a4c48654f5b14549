#!/usr/bin/env python3
"""Monitoring benchmark: `jixiao monitor` beside anchors.py duckdb and polars, same run.

Each engine computes the refresh of ../shared/bench/MONITOR.md on the same files, as its own
process; the script checks that jixiao's two output files are byte-identical to each
anchor's and prints wall time (median of --runs) and peak resident memory.

  python3 bench/monitor.py                          # province scale, as of 2021-09-30
  python3 bench/monitor.py --scale district --runs 5
  python3 bench/monitor.py --store                  # also the store-backed refresh

With --store it also times the monthly cycle over an embedded SQLite store: import the year up
to the as-of date's month end, import the next month's payments alone (the incremental
import), then refresh every project's warning from the store as of that month's end (median of
--runs); the goal is within 1 s at province scale. With --yitihua the month's payments come as
the 预算管理一体化系统's export (its element names, an IS_DELETED column, a file not named as a
jixiao table) and are imported a second time, which skips every voucher by 支付凭证号; the goal
(issue 19) is the month's import and the refresh within 10 s at province scale (about 1.7
million payments a month).

Needs `pip install duckdb polars`. Goal (issue 4): jixiao at most 0.25x DuckDB's wall time
and at most half its peak memory.
"""
import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "bench")


def measure(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return secs, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="province", choices=["tiny", "district", "city", "province"])
    ap.add_argument("--data", help="folder of gen.py output (generated if missing)")
    ap.add_argument("--as-of", default="2021-09-30")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jixiao", default=os.path.join(ROOT, "target", "release", "jixiao"))
    ap.add_argument("--engines", default="duckdb,polars")
    ap.add_argument("--store", action="store_true", help="also time the incremental import and the store refresh")
    ap.add_argument("--yitihua", action="store_true",
                    help="with --store: the month's payments as the 预算管理一体化系统 exports them "
                         "(PAY_CERT_NO, PRO_CODE, XPAY_DATE, XPAY_AMT, IS_DELETED), recognised with no mapping "
                         "file, and imported twice (the second counts nothing again)")
    a = ap.parse_args()

    data = a.data or os.path.join(tempfile.gettempdir(), f"jixiao-bench-{a.scale}")
    if not os.path.exists(os.path.join(data, "payments.csv")):
        subprocess.run([sys.executable, os.path.join(SHARED, "gen.py"), "--scale", a.scale, "--out", data], check=True)
    if not os.path.exists(a.jixiao):
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="jixiao-monitor-")
    engines = {e: [sys.executable, os.path.join(SHARED, "anchors.py"), e, data] for e in a.engines.split(",")}
    engines["jixiao"] = [a.jixiao, "monitor", data, "--as-of", a.as_of, "--out"]
    results = {}
    try:
        for run in range(a.runs):
            for name, cmd in engines.items():
                out = os.path.join(work, name)
                shutil.rmtree(out, ignore_errors=True)
                full = cmd + [out] + (["--as-of", a.as_of] if name != "jixiao" else [])
                results.setdefault(name, []).append(measure(full))
        same = {}
        for name in engines:
            if name == "jixiao":
                continue
            same[name] = all(filecmp.cmp(os.path.join(work, name, f), os.path.join(work, "jixiao", f), shallow=False)
                             for f in ("projects_out.csv", "departments_out.csv"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"scale {a.scale}, as of {a.as_of}; {a.runs} run(s), median wall time, largest peak memory")
    base = statistics.median(r[0] for r in results["duckdb"]) if "duckdb" in results else None
    base_mem = max(r[1] for r in results["duckdb"]) if "duckdb" in results else None
    print(f"{'engine':10} {'seconds':>8} {'peak MB':>8} {'time × DuckDB':>14} {'memory × DuckDB':>16}")
    for name, runs in results.items():
        secs = statistics.median(r[0] for r in runs)
        mem = max(r[1] for r in runs)
        print(f"{name:10} {secs:8.2f} {mem:8.0f} {secs / base if base else 0:14.2f} {mem / base_mem if base_mem else 0:16.2f}")
    for name, ok in same.items():
        print(f"jixiao output {'identical to' if ok else 'DIFFERS from'} {name}")
    if not all(same.values()):
        sys.exit(1)
    if a.store:
        store_cycle(a, data)


def month_end(year, month):
    import calendar
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def store_cycle(a, data):
    """The monthly cycle over a SQLite store: base import, next month's import, refresh."""
    year, month = int(a.as_of[:4]), int(a.as_of[5:7])
    if month == 12:
        sys.exit("--store needs an as-of date before December (the next month is imported)")
    base_end, next_end = month_end(year, month), month_end(year, month + 1)
    work = tempfile.mkdtemp(prefix="jixiao-store-")
    try:
        base, incr = os.path.join(work, "base"), os.path.join(work, "next")
        os.makedirs(base)
        os.makedirs(incr)
        for f in ("units.csv", "projects.csv"):
            shutil.copy(os.path.join(data, f), base)
        month_file = os.path.join(incr, "pay_voucher_bill.csv" if a.yitihua else "payments.csv")
        with open(os.path.join(data, "payments.csv"), encoding="utf-8") as src, \
                open(os.path.join(base, "payments.csv"), "w", encoding="utf-8") as b, \
                open(month_file, "w", encoding="utf-8") as n:
            header = src.readline()
            b.write(header)
            n.write("PAY_CERT_NO,PRO_CODE,XPAY_DATE,XPAY_AMT,IS_DELETED\n" if a.yitihua else header)
            for line in src:
                day = line.split(",", 3)[2]
                if day <= base_end:
                    b.write(line)
                elif day <= next_end:
                    n.write(line[:-1] + ",2\n" if a.yitihua else line)
        db = os.path.join(work, "jixiao.db")
        url = ["--database-url", db]
        t_base, m_base = measure([a.jixiao, "import", base] + url)
        with open(month_file, encoding="utf-8") as f:
            month_rows = sum(1 for _ in f) - 1
        t_next, m_next = measure([a.jixiao, "import", incr] + url)
        t_again = measure([a.jixiao, "import", incr] + url)[0] if a.yitihua else None
        # The refresh: every project's warning judged from the store, counted by department
        # (red, yellow, over, no budget) and the departments ranked; then the same with every
        # project's line written out as CSV.
        out = os.path.join(work, "departments.csv")
        refresh = [measure([a.jixiao, "monitor", "--as-of", next_end, "--level", "department", "--out", out] + url)
                   for _ in range(a.runs)]
        out = os.path.join(work, "warnings.csv")
        listing = [measure([a.jixiao, "monitor", "--as-of", next_end, "--level", "project", "--out", out] + url)
                   for _ in range(a.runs)]
        with open(out, encoding="utf-8") as f:
            rows = sum(1 for _ in f) - 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"store cycle (SQLite), {a.scale}:")
    print(f"  import to {base_end:10}      {t_base:8.2f} s  {m_base:6.0f} MB")
    print(f"  import {next_end[:7]} alone     {t_next:8.2f} s  {m_next:6.0f} MB"
          f"  ({month_rows:,} payments{', as the 一体化 export' if a.yitihua else ''})")
    if t_again is not None:
        print(f"  the same month again     {t_again:8.2f} s  (every voucher skipped by 支付凭证号)")
    secs = statistics.median(r[0] for r in refresh)
    print(f"  refresh as of {next_end}  {secs:8.2f} s  {max(r[1] for r in refresh):6.0f} MB"
          f"  (every project's warning, by department; goal within 1 s)")
    secs = statistics.median(r[0] for r in listing)
    print(f"  listing as of {next_end}  {secs:8.2f} s  {max(r[1] for r in listing):6.0f} MB"
          f"  ({rows:,} project lines written as CSV)")
    if a.yitihua:
        cycle = t_next + statistics.median(r[0] for r in refresh)
        print(f"  monthly cycle (import + refresh) {cycle:.2f} s — goal (issue 19) within 10 s:"
              f" {'met' if cycle < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
