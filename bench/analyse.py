"""Time analysing one organisation in a warm process, with scores and themes stored.

    .venv/bin/python bench/analyse.py [--repeat 5]

Figures (median of --repeat runs, in one process, after one warm-up):
- every section for a 500-respondent organisation (target: 300 ms), against the way a report
  analysed before scores were stored: scoring every text and finding themes again;
- one filtered section (the unit profile of one unit's answers to one question) at 50,000
  answers (target: 100 ms), against every section of the unfiltered organisation at that size.
Organisations of these sizes are made by resampling a sample organisation's people.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

import opsworkbench as ow
from opsworkbench.diagnostics.analysis import Analysis
from opsworkbench.language.scoring import SCORE_COLUMNS, score_frame
from opsworkbench.language.themes import find_themes, themes_key
from opsworkbench.report.render import prepare

ROOT = Path(__file__).resolve().parents[1]


def resampled(ctx, people: int):
    """``ctx`` with ``people`` respondents drawn (with their answers) from its own, seeded."""
    picked = ctx.respondents.sample(people, replace=True, random_state=0).reset_index(drop=True)
    picked = picked.assign(original=picked["respondent_id"])
    picked["respondent_id"] = [f"r{i}" for i in range(people)]
    answers = picked[["original", "respondent_id"]].merge(
        ctx.scored.rename(columns={"respondent_id": "original"}), on="original"
    )
    return dataclasses.replace(
        ctx,
        respondents=picked.drop(columns="original"),
        scored=answers.drop(columns="original"),
        responses=answers[["org_id", "wave_id", "respondent_id", "question", "text"]],
    )


def median_ms(fn, repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def rescored(ctx):
    """The context as it was analysed before: every text scored again, themes found again."""
    scored = ctx.scored.drop(columns=SCORE_COLUMNS)
    scored = pd.concat([scored, score_frame(scored["text"], ctx.codebook)], axis=1)
    return dataclasses.replace(ctx, scored=scored, stored_themes={})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--org", default="harbour_mutual")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws.duckdb"
        ow.ingest(ROOT / "data" / "sample", workspace)
        prepare(workspace, [args.org])
        ctx = ow.load_context(workspace, args.org)
        previous = ow.load_previous(workspace, ctx)

    small = resampled(ctx, 500)
    # themes of the resampled answers, stored as `prepare` stores a wave's
    keys = {}
    for question in small.core_questions:
        texts = small.scored.loc[small.scored["question"] == question, "text"]
        exclude = [small.wording(question)]
        found = find_themes(
            texts.reset_index(drop=True), min_theme_size=small.min_size, exclude=exclude
        )
        keys[themes_key(texts, min_theme_size=small.min_size, exclude=exclude)] = found.to_json()
    small = dataclasses.replace(small, stored_themes=keys)
    stored = median_ms(lambda: Analysis(small, previous).compute(), args.repeat)
    before = median_ms(lambda: Analysis(rescored(small), previous).compute(), args.repeat)
    print(f"analyse one organisation, 500 respondents ({len(small.scored)} answers), warm:")
    print(f"  every section, scores and themes stored:   {stored:8.1f} ms  (target 300 ms)")
    print(f"  baseline: score every text, find themes:   {before:8.1f} ms")
    print(f"  ratio baseline / stored: {before / stored:.1f}x")

    big = resampled(ctx, 25_000)
    unit = big.respondents["unit"].value_counts().index[0]
    one = big.select(unit=unit, question="success")
    section = median_ms(lambda: Analysis(one).profile, args.repeat)
    whole = median_ms(lambda: Analysis(big, previous).compute(), max(1, args.repeat // 2))
    print(f"one filtered section at {len(big.scored):,} answers ({len(big.respondents):,} people):")
    print(
        f"  unit profile, unit '{unit}', success answers only: {section:8.1f} ms  (target 100 ms)"
    )
    print(f"  baseline: every section, unfiltered:     {whole:8.1f} ms")
    print(f"  ratio baseline / section: {whole / section:.1f}x")


if __name__ == "__main__":
    main()
