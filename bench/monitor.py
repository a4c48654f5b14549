#!/usr/bin/env python3
"""Monitoring benchmark: `jixiao monitor` beside anchors.py duckdb and polars, same run.

Each engine computes the refresh of ../shared/bench/MONITOR.md on the same files, as its own
process; the script checks that jixiao's two output files are byte-identical to each
anchor's and prints wall time (median of --runs) and peak resident memory.

  python3 bench/monitor.py                          # province scale, as of 2021-09-30
  python3 bench/monitor.py --scale district --runs 5

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


if __name__ == "__main__":
    main()
