#!/usr/bin/env python3
"""Validates jixiao's open-data export as a Fiscal Data Package with frictionless (PyPI).

  python3 validate_fdp.py FOLDER/datapackage.json FISCAL_DATA_PACKAGE_SCHEMA.json

1. frictionless validates the package: the descriptor as a tabular data package, and every
   row of every resource against its table schema (types, enums, primary keys).
2. frictionless validates the descriptor against the Fiscal Data Package JSON Schema (the
   copy the `datapackage` wheel ships, read from a file: CI has no network for the remote one).

Prints "N passed, 0 failed" and exits 0 when both hold; prints every error otherwise.
"""
import json
import sys

import frictionless
from frictionless import Package

descriptor_path, schema_path = sys.argv[1], sys.argv[2]
failures = []

report = frictionless.validate(descriptor_path)
if not report.valid:
    for task in report.tasks:
        for e in task.errors:
            failures.append(f"{task.name}: {e.message}")
    for e in report.errors:
        failures.append(f"package: {e.message}")

with open(descriptor_path, encoding="utf-8") as f:
    descriptor = json.load(f)
try:
    # The generic descriptor check of frictionless (Package's own override takes no profile).
    errors = list(super(Package, Package).metadata_validate(descriptor, profile=schema_path))
except frictionless.FrictionlessException as e:
    errors = [e.error]
for e in errors:
    failures.append(f"fiscal-data-package schema: {e.message}")

rows = sum(t.stats.get("rows", 0) or 0 for t in report.tasks)
if failures:
    print("\n".join(failures))
    print(f"0 passed, {len(failures)} failed")
    sys.exit(1)
print(f"frictionless {frictionless.__version__}: {len(report.tasks)} resources, {rows} rows valid")
print("2 passed, 0 failed")
