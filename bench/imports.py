"""Import cost of what a report kernel and the command line load, in fresh processes.

    .venv/bin/python bench/imports.py [--repeat 5]

Prints the median wall time of each import in a new interpreter against its baseline (the
libraries alone, or a bare interpreter), and the opsworkbench modules that cost the most by
``python -X importtime`` (self time, so a module that only imports a heavy library for a
constant shows up).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

KERNEL = (
    "import opsworkbench as ow\n"
    "from opsworkbench.present import charts, html\n"
    "from opsworkbench.report import portfolio\n"
    "ow.load_context, ow.analyse"
)
CASES = [
    ("report kernel imports", KERNEL, "import pandas, altair, sklearn, duckdb"),
    ("`import opsworkbench`", "import opsworkbench", "pass"),
    ("command line (cli module)", "import opsworkbench.cli", "pass"),
    ("diagnostics (analysis)", "import opsworkbench.diagnostics.analysis", "import pandas"),
]


def wall(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heaviest(code: str, top: int = 8) -> list[tuple[int, str]]:
    """(self µs, module) of the package's own modules, heaviest first."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    err = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stderr
    rows = []
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip().startswith("opsworkbench"):
            rows.append((int(parts[1]), parts[2].strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for name, code, baseline in CASES:
        t, b = wall(code, args.repeat), wall(baseline, args.repeat)
        print(f"{name:28} {t:6.2f} s   baseline `{baseline}` {b:6.2f} s   ratio {t / b:5.2f}x")
    print(
        "\nheaviest opsworkbench modules in the report kernel (cumulative µs, incl. their imports):"
    )
    for micros, module in heaviest(KERNEL):
        print(f"  {micros:>9,} µs  {module}")


if __name__ == "__main__":
    main()
