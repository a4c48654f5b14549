#!/usr/bin/env python3
"""Target-review benchmark (issue 18): `jixiao targets review` over every project of a
district (10,000 declarations, from `../shared/bench/gen.py --scale district`: its projects
with their targets.csv indicators, last year's actual taken from its `actual` column), beside
Python's tomllib reading the same files once, in the same run.

  python3 bench/targets.py                  # district: 10,000 declarations
  python3 bench/targets.py --scale tiny

Goal (issue 18): the review of a district's 10,000 projects in under 1 s here; and a 申报表
workbook of 1,000 of them (`jixiao targets workbook`) imported into a fresh store in under 3 s
(`jixiao targets import`, all or nothing), beside Python reading the same workbook's sheets once
(zipfile and ElementTree: the standard library, as openpyxl is not installed here). The data are
synthetic (gen.py's), so the findings are what its random targets give, not a measure of
precision; that is the planted corpus's (crates/formats/tests/declarations.rs).
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen.py")


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def value(direction, target, name):
    unit = "%" if name.endswith("率") or name.endswith("度") else "项"
    if direction == "ge":
        return f"≥{target}{unit}"
    if direction == "le":
        return f"≤{target}{unit}"
    return "达到预期"


def write_declarations(data, out):
    targets = defaultdict(list)
    with open(os.path.join(data, "targets.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            targets[r["project_code"]].append(r)
    files = []
    with open(os.path.join(data, "projects.csv"), encoding="utf-8") as f:
        for p in csv.DictReader(f):
            lines = [
                'format = "jixiao-declaration/1"',
                'unit = "元"',
                "year = 2022",
                # gen.py repeats a project's name across units (人员经费 …); a department's year
                # declares a name once, so the project's code makes each one its own.
                f"project = {q(p['project_name'] + '（' + p['project_code'] + '）')}",
                f"unit_name = {q(p['unit_code'])}",
                'kind = "延续"',
                f"funds = {q(p['adjusted_budget'])}",
                f"annual_goal = {q(p['project_name'] + '按期完成，资金使用规范')}",
            ]
            for t in targets.get(p["project_code"], []):
                lines += [
                    "",
                    "[[indicators]]",
                    f"level1 = {q(t['level1'])}",
                    f"level2 = {q(t['level2'])}",
                    f"name = {q(t['name'])}",
                    f"value = {q(value(t['direction'], t['target'], t['name']))}",
                    f"weight = {q(t['weight'])}",
                ]
                if t["direction"] != "qual":
                    lines.append(f"last_actual = {q(t['actual'])}")
            path = os.path.join(out, f"{p['project_code']}.toml")
            with open(path, "w", encoding="utf-8") as g:
                g.write("\n".join(lines) + "\n")
            files.append(path)
    return files


def timed(label, fn):
    t = time.perf_counter()
    result = fn()
    secs = time.perf_counter() - t
    print(f"{label:<52} {secs:8.2f} s", flush=True)
    return secs, result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="district", choices=["tiny", "district"])
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "jixiao"], cwd=ROOT, check=True)
    jixiao = os.path.join(ROOT, "target", "release", "jixiao")
    with tempfile.TemporaryDirectory(prefix="jixiao-targets-bench-") as work:
        data = os.path.join(work, "data")
        subprocess.run([sys.executable, GEN, "--scale", a.scale, "--out", data], check=True, stdout=subprocess.DEVNULL)
        decl = os.path.join(work, "declarations")
        os.makedirs(decl)
        files = write_declarations(data, decl)
        print(f"{len(files)} declarations, {sum(os.path.getsize(f) for f in files) / 1e6:.1f} MB")

        def review():
            r = subprocess.run([jixiao, "targets", "review", "--format", "json", *files], capture_output=True)
            if r.returncode not in (0, 2):
                sys.exit(r.stderr.decode())
            return r.stdout

        def read_only():
            for f in files:
                with open(f, "rb") as g:
                    tomllib.load(g)

        secs, out = timed("jixiao targets review (read, review, JSON out)", review)
        timed("python tomllib: read the same files once", read_only)
        import json

        reviews = json.loads(out)
        grades = defaultdict(int)
        for r in reviews:
            grades[r["grade"]] += 1
        print("grades:", dict(sorted(grades.items())))
        print(f"goal: under 1 s for 10,000 — {'met' if secs < 1 or len(files) < 10000 else 'NOT met'} ({secs:.2f} s)")

        # The 申报表 workbook of 1,000 projects, imported into a fresh store.
        some = files[:1000]
        book = os.path.join(work, "申报表.xlsx")
        subprocess.run([jixiao, "targets", "workbook", *some, "-o", book], check=True, stdout=subprocess.DEVNULL)
        db = os.path.join(work, "import.db")

        def import_book():
            r = subprocess.run([jixiao, "--database-url", db, "targets", "import", book, "--department", "bench"],
                               capture_output=True)
            if r.returncode != 0:
                sys.exit(r.stderr.decode())
            return r.stdout.decode()

        def read_xml():
            import xml.etree.ElementTree as ET
            import zipfile
            with zipfile.ZipFile(book) as z:
                for n in z.namelist():
                    if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml":
                        ET.fromstring(z.read(n))

        isecs, said = timed(f"jixiao targets import ({len(some)} projects, .xlsx)", import_book)
        timed("python zipfile + ElementTree: read the same sheets", read_xml)
        print(said.strip())
        print(f"goal: under 3 s for 1,000 — {'met' if isecs < 3 or len(some) < 1000 else 'NOT met'} ({isecs:.2f} s)")


if __name__ == "__main__":
    main()
