"""Run every analysis of the organisation report once, in order, from a report context."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from opsworkbench.diagnostics import alignment, profiles, recommendations
from opsworkbench.diagnostics import overview as diagnostics
from opsworkbench.language.orientation import score_texts
from opsworkbench.report.context import ReportContext, load_context
from opsworkbench.vocabulary import ALL_RESPONDENTS, CORE_QUESTIONS, NOT_ASKED


@dataclass
class Analysis:
    """All findings for one organisation and wave (each a DataFrame or small dict)."""

    headline: dict
    index: tuple
    units: pd.DataFrame
    profile: pd.DataFrame
    work_success: pd.DataFrame
    comparison: pd.DataFrame
    lenses: pd.DataFrame
    stages: pd.DataFrame
    perverse: pd.DataFrame
    key_results: pd.DataFrame
    objectives: pd.DataFrame
    chain: pd.DataFrame
    hybrid: dict
    themes: dict
    opportunities: pd.DataFrame
    change: pd.DataFrame
    change_waves: tuple[str, str] | None
    next_steps: pd.DataFrame
    summary: list
    compare_units: bool = True  # more than one unit, so units can be set side by side


_NO_COMPARISON = pd.DataFrame(columns=["question", "n", "quadrant", "share"])


def _no_themes(ctx: ReportContext, question: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The theme summary of a core question that was not asked, or not scored, and why."""
    empty = pd.DataFrame(
        columns=["theme", "key", "label", "terms", "size", "share", "focus", "result", "quadrant"]
    )
    quotes = pd.DataFrame(columns=["theme", "label", "quote", "cues"])
    if question in set(ctx.unscored["question"]):
        why = "its answers look like codes or numbers, not written text, so they were not scored"
    else:
        why = NOT_ASKED
    return empty, quotes, why


def analyse(ctx: ReportContext, workspace: str | Path | None = None) -> Analysis:
    """Every analysis of the report. ``workspace`` is needed only to compare with the previous wave."""
    scored, respondents, metrics, n = ctx.scored, ctx.respondents, ctx.metrics, ctx.min_size
    # one set of hidden units for every section, so no section gives away another's blanks
    hidden = diagnostics.hidden_units(respondents, scored, n)
    units = diagnostics.unit_positions(respondents, scored, n, hidden=hidden)
    profile = profiles.orientation_profile(scored, respondents, n, hidden=hidden)
    lenses = profiles.say_measure_value_reward(scored, respondents, metrics, n, hidden=hidden)
    krs, objectives = alignment.okr_health(
        ctx.okrs,
        score_texts(ctx.okrs["key_result"], ctx.codebook.model()),
        metrics,
        ctx.capabilities,
    )
    asked = ctx.core_questions
    themes = {
        q: diagnostics.theme_summary(
            scored, q, min_size=n, min_quote_size=ctx.min_quote_size, codebook=ctx.codebook
        )
        if q in asked
        else _no_themes(ctx, q)
        for q in CORE_QUESTIONS
    }
    opportunities = alignment.under_measured(themes["success"][0], metrics)
    perverse = alignment.perverse_incentives(metrics)
    hybrid = profiles.hybrid_mode(units)
    change, change_waves = pd.DataFrame(), None
    position = ctx.waves.index(ctx.wave_id)
    if position > 0 and workspace is not None:
        before = load_context(workspace, ctx.org_id, ctx.waves[position - 1])
        change_waves = (before.wave_id, ctx.wave_id)
        change = profiles.wave_change(before.scored, scored, before.respondents, respondents, n)
    headline = diagnostics.headline(respondents, scored, n, asked)
    headline["unit_column"] = set(respondents["unit"]) != {ALL_RESPONDENTS}
    index = profiles.outcome_index(scored)
    comparison = diagnostics.question_comparison(scored, n) if len(asked) > 1 else _NO_COMPARISON
    if index[3] < n:  # too few people behind it to show
        index = (float("nan"), float("nan"), float("nan"), index[3])
    return Analysis(
        headline=headline,
        index=index,
        units=units,
        profile=profile,
        work_success=profiles.work_success_gap(profile),
        comparison=comparison.assign(asked=comparison["question"].astype(str).map(ctx.wording)),
        lenses=lenses,
        stages=diagnostics.metric_stages(metrics),
        perverse=perverse,
        key_results=krs,
        objectives=objectives,
        chain=alignment.capability_chain(
            ctx.capabilities, scored, respondents, metrics, krs, n, hidden=hidden
        ),
        hybrid=hybrid,
        themes=themes,
        opportunities=opportunities,
        change=change,
        change_waves=change_waves,
        next_steps=recommendations.next_steps(
            lenses, perverse, krs, objectives, opportunities, hybrid, metrics
        ),
        compare_units=respondents["unit"].nunique() > 1,
        summary=recommendations.executive_summary(
            ctx.name,
            headline,
            index,
            lenses,
            perverse,
            krs,
            objectives,
            hybrid,
            n,
            unscored=[ctx.wording(q) for q in ctx.unscored["question"]],
        ),
    )
