"""Long ingest fuzz run: mutated sample studies, ingested in isolated workers.

    .venv/bin/python bench/fuzz_ingest.py --cases 10000 --seed 1 --jobs 2

Prints the counts (cases, loaded, rejected, crashed, hung, lost), the crash, hang and loss
signatures grouped with the mutation families behind them, and keeps one reproducer folder
per signature under the output folder it prints (each with a ``case.json`` that says what
was changed and what happened). Every outcome is streamed to ``<out>/outcomes.jsonl`` while
the run goes on. Re-run one reproducer with ``--replay FOLDER``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import fuzzing  # noqa: E402


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:80]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="first case index")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per case")
    parser.add_argument("--memory-gb", type=float, default=3.0)
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for reproducers (default: /tmp/opsworkbench-fuzz-<seed>)",
    )
    parser.add_argument(
        "--replay",
        type=Path,
        default=None,
        help="ingest one saved reproducer folder in this process",
    )
    args = parser.parse_args(argv)

    if args.replay:
        return replay(args.replay)

    out = args.out or Path(f"/tmp/opsworkbench-fuzz-{args.seed}")
    work = out / "work"
    if work.exists():
        shutil.rmtree(work, ignore_errors=True)
    repro = out / "repro"
    if repro.exists():
        shutil.rmtree(repro, ignore_errors=True)
    repro.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    done = [0]
    stream = (out / "outcomes.jsonl").open("w", encoding="utf-8")

    def progress(outcome):
        done[0] += 1
        stream.write(json.dumps(outcome.__dict__, ensure_ascii=False) + "\n")
        stream.flush()
        if done[0] % 500 == 0 or outcome.status == "hung":
            rate = done[0] / max(1e-9, time.monotonic() - started)
            print(
                f"  … {done[0]}/{args.cases} cases, {rate:.1f}/s"
                + (
                    f" — case {outcome.index} hung: {outcome.signature}"
                    if outcome.status == "hung"
                    else ""
                ),
                file=sys.stderr,
                flush=True,
            )

    outcomes = fuzzing.run_cases(
        range(args.start, args.start + args.cases),
        seed=args.seed,
        workroot=work,
        jobs=args.jobs,
        timeout=args.timeout,
        memory_limit=int(args.memory_gb * 2**30),
        on_outcome=progress,
    )
    stream.close()
    elapsed = time.monotonic() - started
    summary = fuzzing.summarise(outcomes)

    # One reproducer per signature; the other kept case folders go.
    kept = set()
    for n, (signature, group) in enumerate(summary["groups"].items(), 1):
        first = group[0]
        dest = repro / f"{n:02d}-{_slug(signature)}"
        src = Path(first.case_dir)
        if src.exists():
            src.rename(dest)
        else:
            dest.mkdir(parents=True, exist_ok=True)
        first.case_dir = str(dest)
        (dest / "case.json").write_text(_case_json(first, signature, len(group)), encoding="utf-8")
        kept.add(dest)
    for signature, group in summary["advisories"].items():
        first = group[0]
        src = Path(first.case_dir)
        dest = repro / f"advisory-{_slug(signature)}"
        if src.exists() and not dest.exists():
            src.rename(dest)
            first.case_dir = str(dest)
            (dest / "case.json").write_text(
                _case_json(first, "advisory: " + signature, len(group)), encoding="utf-8"
            )
    shutil.rmtree(work, ignore_errors=True)

    counts = summary["counts"]
    print(
        f"seed {args.seed}, cases {args.start}..{args.start + args.cases - 1}, {args.jobs} jobs, "
        f"timeout {args.timeout:g} s, {elapsed:.0f} s ({len(outcomes) / max(elapsed, 1e-9):.1f} cases/s)"
    )
    print(
        "cases {cases}  loaded {loaded}  rejected {rejected}  crashed {crashed}  hung {hung}  lost {lost}".format(
            cases=summary["cases"], **counts
        )
    )
    if counts.get("harness"):
        print(f"fuzzer faults (not product findings): {counts['harness']}")
    print(f"reproducers: {repro}")
    for signature, group in summary["groups"].items():
        fams = ", ".join(f"{k} {v}" for k, v in fuzzing.families(group).most_common(4))
        print(f"\n[{len(group):4d}] {signature}")
        print(f"       mutations: {fams}")
        print(f"       reproducer: {group[0].case_dir}  (case {group[0].index}, {group[0].org})")
        if group[0].detail:
            for line in group[0].detail.splitlines()[-3:]:
                print(f"       | {line[:220]}")
    if summary["advisories"]:
        print("\nadvisories (loaded, but a policy question):")
        for signature, group in summary["advisories"].items():
            print(f"[{len(group):4d}] {signature}  e.g. {group[0].case_dir}")
    return 0


def _case_json(outcome, signature: str, count: int) -> str:
    data = json.loads(fuzzing.describe(outcome))
    data["signature"] = signature
    data["cases_with_this_signature"] = count
    data["detail"] = outcome.detail.splitlines()
    data["replay"] = f".venv/bin/python bench/fuzz_ingest.py --replay {outcome.case_dir}"
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def replay(folder: Path) -> int:
    """Ingest a saved case in this process (tracebacks shown in full)."""
    import tempfile

    import opsworkbench as ow

    with tempfile.TemporaryDirectory() as tmp:
        target = folder / "study.yml"
        for result in ow.ingest(target, Path(tmp) / "replay.duckdb"):
            print(result)
            for warning in result.warnings:
                print("   warning:", warning)
    return 0


if __name__ == "__main__":
    sys.exit(main())
