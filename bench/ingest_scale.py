"""Ingest at scale: answers per second and peak memory, against the row-wise baseline.

Run: .venv/bin/python bench/ingest_scale.py [--answers 100000 1000000] [--distinct-answers]
     [--baseline-limit SECONDS] [--no-baseline] [--profile]

The export is built by resampling the sample surveys' respondents (data/sample/*: every
organisation's rows, mapped through its study.yml) into one generic CSV of N answers, where
an answer is a filled text cell of a core question (work, success); a respondent usually
gives two. A few respondents submit twice and some rows have no answer, as in real exports,
so the quarantine path is timed too. Resampled answers repeat; ``--distinct-answers`` makes
each one unique, so that no scrubbing of personal data can be reused.

The export is built, and each ingest runs, in a child process of its own (so that no
process's memory counts towards another's peak; this one imports no data libraries); an
ingest's peak memory is the child's real peak RSS (``os.wait4`` rusage, ``ru_maxrss``),
Python and the libraries included. The baseline is the row-wise CSV reading and survey
validation this package used before (``bench/_rowwise_baseline.py``), run on the same files
in the same run; the rest of ingest is today's for both. A baseline that would take over
five minutes (``--baseline-limit``) is not run at that size; its rate is then the one
measured at the largest size it was run at.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "data" / "sample"
COLUMNS = ["respondent_id", "submitted_at", "unit", "role", "tenure_band"]
QUESTIONS = ["work", "success", "scale_line_of_sight", "scale_targets_fair"]
HEADER = {
    "respondent_id": "employee_ref",
    "submitted_at": "submitted",
    "unit": "team",
    "role": "role",
    "tenure_band": "tenure",
    "work": "q_work",
    "success": "q_success",
    "scale_line_of_sight": "q_line_of_sight",
    "scale_targets_fair": "q_targets_fair",
}
STUDY = """org_id: scale
name: Scale Test Services
sector: it
privacy:
  min_group_size: 5
  min_quote_group_size: 10
surveys:
- wave_id: 2026-05
  fielded_on: '2026-05-11'
  file: export.csv
  format: generic
  columns:
    respondent_id: employee_ref
    submitted_at: submitted
    unit: team
    role: role
    tenure_band: tenure
  questions:
    work: q_work
    success: q_success
    scale_line_of_sight: q_line_of_sight
    scale_targets_fair: q_targets_fair
"""
BASELINE_LIMIT = 300.0  # seconds: a longer baseline run is estimated, not run


def sample_pool():
    """Every sample respondent, in the generic columns (dates as the tools wrote them)."""
    import pandas as pd

    from opsworkbench.intake.readers import parse_timestamp, read_survey
    from opsworkbench.intake.study import load_study

    frames = []
    for path in sorted(SAMPLE.glob("*/study.yml")):
        study = load_study(path)
        for survey in study.surveys:
            frame, _ = read_survey(
                study.path(survey.file), layout=survey.format, sheet=survey.sheet
            )
            if "Status" in frame.columns:  # previews and spam are the tool's, not answers
                frame = frame[frame["Status"].str.lower().isin(["ip address", "0", ""])]
            mapping = {**survey.columns.model_dump(), **survey.question_columns}
            part = pd.DataFrame(
                {role: frame[mapping[role]] for role in COLUMNS + QUESTIONS if mapping.get(role)}
            )
            if survey.dayfirst:  # the scale study reads dates month first: write them as ISO
                part["submitted_at"] = [
                    ""
                    if (ts := parse_timestamp(v, dayfirst=True)) is None
                    else ts.isoformat(sep=" ")
                    for v in part["submitted_at"]
                ]
            frames.append(part)
    return pd.concat(frames, ignore_index=True).fillna("")


def _letters(number: int) -> str:
    word = ""
    while True:
        number, rest = divmod(number, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[rest] + word
        if not number:
            return word


def build_export(
    folder: Path, answers: int, seed: int = 7, distinct: bool = False
) -> tuple[int, int]:
    """Write study.yml and export.csv with about ``answers`` answers; returns (rows, answers).

    ``distinct``: every answer made unique (a word of letters appended), so that no answer
    repeats, as in an export of long free-text answers.
    """
    import numpy as np
    import pandas as pd

    pool = sample_pool()
    per_row = (pool[["work", "success"]].apply(lambda c: c.str.strip().ne("")).sum(axis=1)).mean()
    rows = int(round(answers / per_row))
    rng = np.random.default_rng(seed)
    big = pool.iloc[rng.integers(0, len(pool), rows)].reset_index(drop=True)
    ids = pd.Series([f"E{i:08d}" for i in range(rows)])
    again = rng.random(rows) < 0.01  # resubmissions: an earlier respondent's id again
    ids[again] = ids[rng.integers(0, rows, rows)[again]].to_numpy()
    big["respondent_id"] = ids.where(big["respondent_id"].str.strip().ne(""), "")
    if distinct:
        for number, question in enumerate(("work", "success")):
            given = big[question].str.strip().ne("")
            words = [_letters(2 * i + number) for i in range(rows)]
            big[question] = big[question].where(
                ~given, big[question] + " (" + pd.Series(words) + ")"
            )
    big = big[[*COLUMNS, *QUESTIONS]].rename(columns=HEADER)
    big.to_csv(folder / "export.csv", index=False)
    (folder / "study.yml").write_text(STUDY)
    filled = big[["q_work", "q_success"]].apply(lambda c: c.str.strip().ne("")).to_numpy().sum()
    return rows, int(filled)


def child(mode: str, folder: str, profile: str | None) -> None:
    """Run one ingest (``new`` or ``baseline``) and print its figures as JSON."""
    import resource

    import opsworkbench as ow

    if mode == "baseline":
        from bench import _rowwise_baseline

        _rowwise_baseline.install()
    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workspace = Path(folder) / f"{mode}.duckdb"
    workspace.unlink(missing_ok=True)
    start = time.perf_counter()
    if profile:
        import cProfile

        cProfile.runctx(
            "ow.ingest(Path(folder) / 'study.yml', workspace)", globals(), locals(), profile
        )
        results = ow.ingest(Path(folder) / "study.yml", workspace)
    else:
        results = ow.ingest(Path(folder) / "study.yml", workspace)
    seconds = time.perf_counter() - start
    (result,) = results
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows_read": result.rows_read,
                "rows_loaded": result.rows_loaded,
                "rows_quarantined": result.rows_quarantined,
                "reasons": result.reasons,
                "imported_kb": imported,
            }
        )
    )


def _env() -> dict:
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path}


def build_in_child(folder: Path, answers: int, distinct: bool) -> tuple[int, int]:
    command = [sys.executable, __file__, "--child", "build", str(folder), "--answers", str(answers)]
    command += ["--distinct-answers"] if distinct else []
    out = subprocess.run(command, env=_env(), check=True, capture_output=True, text=True).stdout
    rows, filled = json.loads(out.strip().splitlines()[-1])
    return rows, filled


def run_child(mode: str, folder: Path, profile: str | None = None) -> dict:
    """One ingest in a child process: its JSON figures plus its peak RSS in MB."""
    command = [sys.executable, __file__, "--child", mode, str(folder)]
    if profile:
        command += ["--profile-out", profile]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=_env(), text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{mode} ingest failed (exit {proc.returncode})")
    figures = json.loads(out.strip().splitlines()[-1])
    figures["peak_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    figures["imported_mb"] = figures.pop("imported_kb") / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--distinct-answers",
        action="store_true",
        help="make every answer unique (no repeats for the scrubber to reuse)",
    )
    parser.add_argument(
        "--baseline-limit",
        type=float,
        default=BASELINE_LIMIT,
        help="seconds: a baseline estimated to take longer is not run (default 300)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile each new ingest")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    parser.add_argument("folder", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "build":
        print(
            json.dumps(
                build_export(Path(args.folder), args.answers[0], distinct=args.distinct_answers)
            )
        )
        return
    if args.child:
        child(args.child, args.folder, args.profile_out)
        return
    print(
        f"{'answers':>10} {'rows':>9} {'what':<9} {'seconds':>8} {'answers/s':>10} {'peak MB':>8}"
    )
    baseline_rate = None  # answers/s and peak MB of the largest baseline run
    table = []
    for answers in args.answers:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            rows, filled = build_in_child(folder, answers, args.distinct_answers)
            runs = {}
            profile = str(ROOT / f"ingest_{answers}.prof") if args.profile else None
            runs["new"] = run_child("new", folder, profile)
            estimate = filled / baseline_rate[0] if baseline_rate else 0.0
            if not args.no_baseline and estimate <= args.baseline_limit:
                runs["baseline"] = run_child("baseline", folder)
                base = runs["baseline"]
                baseline_rate = (filled / base["seconds"], base["peak_mb"], answers)
            for what, run in runs.items():
                print(
                    f"{filled:>10,} {rows:>9,} {what:<9} {run['seconds']:>8.1f} "
                    f"{filled / run['seconds']:>10,.0f} {run['peak_mb']:>8.0f}"
                    f"   (loaded {run['rows_loaded']:,}, quarantined {run['rows_quarantined']:,}"
                    f" {run['reasons']}; {run['imported_mb']:.0f} MB after imports)"
                )
            if "baseline" in runs:
                same = all(
                    runs["new"][k] == runs["baseline"][k]
                    for k in ("rows_read", "rows_loaded", "rows_quarantined", "reasons")
                )
                if not same:
                    print("  !! new and baseline ingests disagree on rows or reasons")
            elif not args.no_baseline and baseline_rate:
                print(
                    f"  baseline not run at {filled:,} answers: it would take about "
                    f"{estimate:,.0f} s (over {args.baseline_limit:.0f} s); compared with the "
                    f"baseline measured at {baseline_rate[2]:,} answers"
                )
            table.append((filled, runs["new"], runs.get("baseline")))
    if args.no_baseline or baseline_rate is None:
        return
    print()
    print(f"{'answers':>10} {'figure':<10} {'baseline':>10} {'new':>10} {'ratio':>8}  target")
    for filled, new, base in table:
        rate = filled / new["seconds"]
        base_rate = filled / base["seconds"] if base else baseline_rate[0]
        base_peak = base["peak_mb"] if base else None
        note = "" if base else f"  (baseline at {baseline_rate[2]:,} answers)"
        print(
            f"{filled:>10,} {'answers/s':<10} {base_rate:>10,.0f} {rate:>10,.0f} "
            f"{rate / base_rate:>7.1f}x  >= 50,000/s {'met' if rate >= 50_000 else 'MISSED'}{note}"
        )
        if base_peak is not None:
            print(
                f"{'':>10} {'peak MB':<10} {base_peak:>10,.0f} {new['peak_mb']:>10,.0f} "
                f"{new['peak_mb'] / base_peak:>7.2f}x  <= 1,024 MB "
                f"{'met' if new['peak_mb'] <= 1024 else 'MISSED'}"
            )
        else:
            print(
                f"{'':>10} {'peak MB':<10} {'not run':>10} {new['peak_mb']:>10,.0f} {'':>8}  "
                f"<= 1,024 MB {'met' if new['peak_mb'] <= 1024 else 'MISSED'}"
            )


if __name__ == "__main__":
    main()
