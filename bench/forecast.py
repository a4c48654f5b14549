#!/usr/bin/env python3
"""Back-test of jixiao's year-end execution forecast on generated data.

Generates two years with ../shared/bench/gen.py (2021 as the year to forecast, 2020 with
another seed as the prior year whose seasonal pattern the forecast uses; 2020's payment ids
are given another prefix, as two years of a real treasury never share ids), imports both
into a fresh SQLite store, and prints `jixiao forecast --backtest --year 2021`: the mean
absolute error, in percentage points, of the year-end rate forecast at each month's end —
first with no prior year (the even pattern, inferred), then with 2020's pattern.

  python3 bench/forecast.py --scale district
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen.py")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="district", choices=["tiny", "district", "city", "province"])
    ap.add_argument("--jixiao", default=os.path.join(ROOT, "target", "release", "jixiao"))
    a = ap.parse_args()
    if not os.path.exists(a.jixiao):
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="jixiao-forecast-")
    try:
        y21, y20 = os.path.join(work, "2021"), os.path.join(work, "2020")
        subprocess.run([sys.executable, GEN, "--scale", a.scale, "--year", "2021", "--out", y21], check=True)
        subprocess.run([sys.executable, GEN, "--scale", a.scale, "--year", "2020", "--seed", "11", "--out", y20], check=True)
        pay = os.path.join(y20, "payments.csv")
        with open(pay) as f, open(pay + ".new", "w") as g:
            g.write(f.readline())
            for line in f:
                g.write("Q" + line[1:])
        os.replace(pay + ".new", pay)
        db = os.path.join(work, "store.db")
        run = lambda *args: subprocess.run([a.jixiao, "--database-url", db, *args], check=True,
                                           stdout=subprocess.DEVNULL if args[0] == "import" else None)
        run("import", y21, "--year", "2021")
        run("forecast", "--backtest", "--year", "2021")
        print()
        run("import", y20, "--year", "2020")
        run("forecast", "--backtest", "--year", "2021")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
