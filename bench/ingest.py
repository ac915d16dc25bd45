"""Time reading and ingesting a large survey export against pandas reading the same file.

Run: .venv/bin/python bench/ingest.py [--respondents N] [--repeat R]

The export is the Civic IT sample survey repeated to N respondents (unique ids), written as
CSV and as XLSX. The baselines are ``pandas.read_csv`` and ``pandas.read_excel`` on the same
files in the same process: what a reader with no checks costs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

import opsworkbench as ow
from opsworkbench.intake.readers import read_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "civic_it"


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = pd.read_csv(SAMPLE / "survey_2026-05.csv", dtype=str, keep_default_na=False)
    copies = -(-args.respondents // len(source))
    big = pd.concat([source] * copies, ignore_index=True).head(args.respondents)
    big["employee_ref"] = [f"E{i:07d}" for i in range(len(big))]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        study = (SAMPLE / "study.yml").read_text()
        study = study.replace("survey_2025-11.csv", "big.csv").replace(
            "survey_2026-05.csv", "big2.csv"
        )
        (tmp / "study.yml").write_text(study)
        big.to_csv(tmp / "big.csv", index=False)
        big.assign(employee_ref="X" + big["employee_ref"]).to_csv(tmp / "big2.csv", index=False)
        for name in ("metrics.csv", "okrs.csv", "capabilities.csv"):
            (tmp / name).write_bytes((SAMPLE / name).read_bytes())
        small = big.head(min(len(big), 20_000))
        small.to_excel(tmp / "big.xlsx", index=False)

        rows = [
            (
                f"read CSV, {len(big):,} rows",
                timed(lambda: read_table(tmp / "big.csv"), args.repeat),
                timed(
                    lambda: pd.read_csv(tmp / "big.csv", dtype=str, keep_default_na=False),
                    args.repeat,
                ),
            ),
            (
                f"read XLSX, {len(small):,} rows",
                timed(lambda: read_table(tmp / "big.xlsx"), args.repeat),
                timed(lambda: pd.read_excel(tmp / "big.xlsx", dtype=object), args.repeat),
            ),
        ]

        def ingest_once():
            workspace = tmp / "w.duckdb"
            workspace.unlink(missing_ok=True)
            ow.ingest(tmp / "study.yml", workspace)

        ingest_seconds = timed(ingest_once, args.repeat)
    print(f"{'what':<28}{'opsworkbench':>14}{'pandas':>10}{'ratio':>8}")
    for what, ours, base in rows:
        print(f"{what:<28}{ours:>13.2f}s{base:>9.2f}s{ours / base:>7.1f}x")
    print(
        f"ingest (2 waves of {len(big):,} respondents, 4 inventories): {ingest_seconds:.2f}s "
        f"= {2 * len(big) / ingest_seconds:,.0f} respondents/s"
    )


if __name__ == "__main__":
    main()
