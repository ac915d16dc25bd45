"""Time one report render against the papermill floor, and `report --all` with 1 and 2 jobs.

Run: .venv/bin/python bench/render.py [--repeat N]

The floor is papermill executing a notebook that only imports what the report imports (pandas,
altair, scikit-learn, duckdb and opsworkbench), in the same kernel set-up as a report. Reports
are timed after `prepare` stored scores, themes and the model's evaluation, as `report` does.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

import opsworkbench as ow
from opsworkbench.report.render import ThisPythonKernel, prepare, report_targets

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def scaled_study(folder: Path, answers: int) -> Path:
    """harbour_mutual with its latest wave resampled (seeded) to ``answers`` answers (two per
    person), as a Qualtrics export of that size; the earlier wave and inventories as they are."""
    import shutil

    import pandas as pd

    source = ROOT / "data" / "sample" / "harbour_mutual"
    shutil.copytree(source, folder)
    export = folder / "survey_2026-04_qualtrics.csv"
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    head = "".join(lines[:3])  # header, wording and import-id rows
    rows = pd.read_csv(export, skiprows=[1, 2], dtype=str, keep_default_na=False)
    people = rows[rows["Status"] == "IP Address"]
    grown = people.sample(answers // 2, replace=True, random_state=0).reset_index(drop=True)
    grown["ResponseId"] = [f"R_scale{i:08d}" for i in range(len(grown))]
    export.write_text(head + grown.to_csv(index=False, header=False), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--org", default="harbour_mutual")
    parser.add_argument(
        "--skip-all", action="store_true", help="skip timing `report --all` with 1 and 2 jobs"
    )
    parser.add_argument(
        "--answers",
        type=int,
        default=100_000,
        help="also time one report of harbour_mutual grown to this many answers (0: skip)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        workspace = tmp / "ws.duckdb"
        start = time.perf_counter()
        ow.ingest(ROOT / "data" / "sample", workspace)
        ingest_s = time.perf_counter() - start
        empty = tmp / "empty.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell(
                "import pandas, altair, sklearn, duckdb\n"
                "import opsworkbench\n"
                "from opsworkbench.diagnostics import analysis\n"
                "from opsworkbench.present import charts, html\n"
                "from opsworkbench.report import context, portfolio"
            )
        ]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, empty)
        prepare(workspace)
        baseline = timed(
            lambda: pm.execute_notebook(
                str(empty),
                str(tmp / "out.ipynb"),
                kernel_name="python3",
                kernel_manager_class=ThisPythonKernel,
                progress_bar=False,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            ),
            args.repeat,
        )
        wave = ow.load_context(workspace, args.org).wave_id
        report = timed(
            lambda: ow.render_report(
                args.org, wave, workspace=workspace, out_dir=tmp / "reports", refresh=False
            ),
            args.repeat,
        )
        scale = None
        if args.answers:
            big = tmp / "big.duckdb"
            ow.ingest(scaled_study(tmp / "scaled" / "harbour_mutual", args.answers), big)
            prepare(big)
            scale = timed(
                lambda: ow.render_report(
                    "harbour_mutual", "2026-04", workspace=big, out_dir=tmp / "big", refresh=False
                ),
                1,
            )[0]
        every = {}
        if not args.skip_all:
            targets = report_targets(workspace)
            for jobs in (1, 2):
                start = time.perf_counter()
                results = ow.render_all(
                    targets,
                    workspace=workspace,
                    out_dir=tmp / f"all{jobs}",
                    jobs=jobs,
                    progress=False,
                )
                every[jobs] = (
                    time.perf_counter() - start,
                    sum(r.ok for r in results),
                    len(results),
                )
    b, r = statistics.median(baseline), statistics.median(report)
    print(f"ingest of all samples (4 organisations, 6 waves): {ingest_s:.2f} s")
    print(
        f"papermill floor (imports only):      median {b:.2f} s  runs {[round(t, 2) for t in baseline]}"
    )
    print(
        f"report render {args.org}/{wave}:      median {r:.2f} s  runs {[round(t, 2) for t in report]}"
    )
    print(
        f"ratio report / floor: {r / b:.2f}x (target 1.5x; report work beyond the floor: {r - b:.2f} s)"
    )
    if scale is not None:
        print(
            f"report of {args.answers:,} answers: {scale:.2f} s, {scale / r:.2f}x the sample "
            f"report (target 2x)"
        )
    for jobs, (seconds, ok, total) in every.items():
        print(
            f"report --all --jobs {jobs}: {seconds:.1f} s for {ok}/{total} reports ({seconds / total:.1f} s each)"
        )
    if len(every) == 2:
        print(f"speed-up with 2 jobs: {every[1][0] / every[2][0]:.2f}x (target 1.8x)")


if __name__ == "__main__":
    main()
