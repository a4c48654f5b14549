#!/usr/bin/env python3
"""Checking benchmark (issue 16): one `jixiao check` batch of 1,000 submitted tables (.xlsx)
and 1,000 reports (.docx), with the summary workbook, beside reading the same files once with
python-docx and openpyxl (and pdftotext on a PDF of each report, when LibreOffice is here),
in the same run.

The files are copies of the planted corpus (`cargo run -p jixiao-check --example
make_corpus`): the correct table and report and their planted-error twins, each copy renamed,
so the batch has the findings a real one has.

  python3 bench/check.py                 # 1,000 + 1,000 files
  python3 bench/check.py --files 200

Needs `pip install python-docx openpyxl`. Goal: jixiao under 10 s here.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def timed(label, fn):
    t = time.perf_counter()
    fn()
    secs = time.perf_counter() - t
    print(f"{label:<48} {secs:8.2f} s", flush=True)
    return secs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=1000, help="tables and reports each (default 1000)")
    a = ap.parse_args()
    run(["cargo", "build", "--release", "--quiet", "-p", "jixiao"], cwd=ROOT)
    jixiao = os.path.join(ROOT, "target", "release", "jixiao")
    corpus = os.path.join(ROOT, "crates", "check", "tests", "corpus")
    tables = sorted(glob.glob(os.path.join(corpus, "table-*.xlsx")))
    reports = sorted(glob.glob(os.path.join(corpus, "report-*.docx")))
    work = tempfile.mkdtemp(prefix="jixiao-check-bench-")
    try:
        files = []
        for i in range(a.files):
            for kind, pool in (("table", tables), ("report", reports)):
                src = pool[i % len(pool)]
                dst = os.path.join(work, f"{kind}-{i:04d}{os.path.splitext(src)[1]}")
                shutil.copyfile(src, dst)
                files.append(dst)
        xlsx = [f for f in files if f.endswith(".xlsx")]
        docx = [f for f in files if f.endswith(".docx")]
        mb = sum(os.path.getsize(f) for f in files) / 1e6
        print(f"{len(xlsx)} tables and {len(docx)} reports, {mb:.1f} MB", flush=True)
        out = os.path.join(work, "核查结果.xlsx")
        secs = timed("jixiao check (summary workbook)", lambda: subprocess.run(
            [jixiao, "check", *files, "--format", "xlsx", "--out", out],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        assert os.path.getsize(out) > 0, "no summary workbook"
        try:
            import docx as python_docx
            import openpyxl

            def read_docx():
                for f in docx:
                    d = python_docx.Document(f)
                    _ = [p.text for p in d.paragraphs]
                    _ = [[c.text for c in r.cells] for t in d.tables for r in t.rows]

            def read_xlsx():
                for f in xlsx:
                    wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
                    for ws in wb.worksheets:
                        _ = list(ws.iter_rows(values_only=True))
                    wb.close()

            timed("python-docx: read the reports once", read_docx)
            timed("openpyxl: read the tables once", read_xlsx)
        except ImportError:
            print("(python-docx or openpyxl missing: pip install python-docx openpyxl)")
        if shutil.which("soffice") and shutil.which("pdftotext"):
            pdfdir = os.path.join(work, "pdf")
            os.makedirs(pdfdir)
            sample = docx[: min(50, len(docx))]
            run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", pdfdir, *sample],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            pdfs = glob.glob(os.path.join(pdfdir, "*.pdf"))
            per = timed(f"pdftotext: {len(pdfs)} reports as PDF", lambda: [
                subprocess.run(["pdftotext", p, "-"], stdout=subprocess.DEVNULL) for p in pdfs])
            print(f"{'pdftotext, scaled to all reports':<48} {per / max(len(pdfs), 1) * len(docx):8.2f} s")
        print(f"goal: under 10 s for 1,000 + 1,000 files: {'met' if secs < 10 or a.files < 1000 else 'NOT met'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
