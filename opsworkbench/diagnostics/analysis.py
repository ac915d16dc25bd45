"""The organisation report's analyses, each computed on first use from an organisation's frames.

``Analysis(ctx)`` computes nothing up front: asking for ``found.profile`` runs the profile (and
the hidden units it needs) and nothing else, so a caller can ask for one section of one
selection (``Analysis(ctx.select(role="Agent")).profile``). :func:`analyse` is the report's
entry point. No I/O: the previous wave, when there is one, is passed in.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from opsworkbench.diagnostics import alignment, profiles, recommendations
from opsworkbench.diagnostics import overview as diagnostics
from opsworkbench.diagnostics.frames import ReportContext
from opsworkbench.diagnostics.overview import ThemeSummary
from opsworkbench.diagnostics.profiles import OutcomeIndex
from opsworkbench.language.scoring import SCORE_COLUMNS
from opsworkbench.vocabulary import ALL_RESPONDENTS, CORE_QUESTIONS, NOT_ASKED

_NO_COMPARISON = pd.DataFrame(columns=["question", "n", "quadrant", "share"])


class Analysis:
    """All findings for one organisation and wave; each is computed when first asked for."""

    def __init__(self, ctx: ReportContext, previous: ReportContext | None = None):
        self.ctx = ctx
        self.previous = previous

    def compute(self) -> Analysis:
        """Compute every section now (the report uses them all)."""
        for name in SECTIONS:
            getattr(self, name)
        return self

    @cached_property
    def hidden(self) -> set:
        """Units too small to show; one set for every section, so none gives another's away."""
        ctx = self.ctx
        return diagnostics.hidden_units(ctx.respondents, ctx.scored, ctx.min_size)

    @cached_property
    def headline(self) -> dict:
        ctx = self.ctx
        head = diagnostics.headline(ctx.respondents, ctx.scored, ctx.min_size, ctx.core_questions)
        head["unit_column"] = set(ctx.respondents["unit"]) != {ALL_RESPONDENTS}
        return head

    @cached_property
    def index(self) -> OutcomeIndex:
        """The organisation's customer-outcome index (blank when too few people stand behind it)."""
        found = profiles.outcome_index(self.ctx.scored)
        if found.people < self.ctx.min_size:
            nan = float("nan")
            return OutcomeIndex(nan, nan, nan, found.people)
        return found

    @cached_property
    def units(self) -> pd.DataFrame:
        ctx = self.ctx
        return diagnostics.unit_positions(
            ctx.respondents, ctx.scored, ctx.min_size, hidden=self.hidden
        )

    @cached_property
    def compare_units(self) -> bool:
        """More than one unit, so units can be set side by side."""
        return self.ctx.respondents["unit"].nunique() > 1

    @cached_property
    def profile(self) -> pd.DataFrame:
        ctx = self.ctx
        return profiles.orientation_profile(
            ctx.scored, ctx.respondents, ctx.min_size, hidden=self.hidden
        )

    @cached_property
    def work_success(self) -> pd.DataFrame:
        return profiles.work_success_gap(self.profile)

    @cached_property
    def comparison(self) -> pd.DataFrame:
        ctx = self.ctx
        found = (
            diagnostics.question_comparison(ctx.scored, ctx.min_size)
            if len(ctx.core_questions) > 1
            else _NO_COMPARISON
        )
        return found.assign(asked=found["question"].astype(str).map(ctx.wording))

    @cached_property
    def lenses(self) -> pd.DataFrame:
        ctx = self.ctx
        return profiles.say_measure_value_reward(
            ctx.scored, ctx.respondents, ctx.metrics, ctx.min_size, hidden=self.hidden
        )

    @cached_property
    def stages(self) -> pd.DataFrame:
        return diagnostics.metric_stages(self.ctx.metrics)

    @cached_property
    def perverse(self) -> pd.DataFrame:
        return alignment.perverse_incentives(self.ctx.metrics)

    @cached_property
    def _okr_health(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        ctx = self.ctx
        okrs = ctx.okrs.drop(columns=SCORE_COLUMNS, errors="ignore")
        return alignment.okr_health(okrs, ctx.okrs[SCORE_COLUMNS], ctx.metrics, ctx.capabilities)

    @cached_property
    def key_results(self) -> pd.DataFrame:
        return self._okr_health[0]

    @cached_property
    def objectives(self) -> pd.DataFrame:
        return self._okr_health[1]

    @cached_property
    def chain(self) -> pd.DataFrame:
        ctx = self.ctx
        return alignment.capability_chain(
            ctx.capabilities,
            ctx.scored,
            ctx.respondents,
            ctx.metrics,
            self.key_results,
            ctx.min_size,
            hidden=self.hidden,
        )

    @cached_property
    def hybrid(self) -> dict:
        return profiles.hybrid_mode(self.units)

    @cached_property
    def themes(self) -> dict[str, ThemeSummary]:
        """Each core question's themes and quotes (or why it has none)."""
        return {q: self.theme(q) for q in CORE_QUESTIONS}

    def theme(self, question: str) -> ThemeSummary:
        """One core question's themes, quotes and note."""
        ctx = self.ctx
        if question in ctx.core_questions:
            return diagnostics.theme_summary(
                ctx.scored,
                question,
                min_size=ctx.min_size,
                min_quote_size=ctx.min_quote_size,
                codebook=ctx.codebook,
                stored=ctx.stored_themes,
                wording=ctx.wording(question),
            )
        return _no_themes(ctx, question)

    @cached_property
    def opportunities(self) -> pd.DataFrame:
        return alignment.under_measured(self.themes["success"].table, self.ctx.metrics)

    @cached_property
    def _change(self) -> tuple[pd.DataFrame, tuple[str, str] | None]:
        before, ctx = self.previous, self.ctx
        if before is None:
            return pd.DataFrame(), None
        change = profiles.wave_change(
            before.scored, ctx.scored, before.respondents, ctx.respondents, ctx.min_size
        )
        return change, (before.wave_id, ctx.wave_id)

    @cached_property
    def change(self) -> pd.DataFrame:
        """Change in each unit's index since the previous wave (empty without one)."""
        return self._change[0]

    @cached_property
    def change_waves(self) -> tuple[str, str] | None:
        return self._change[1]

    @cached_property
    def next_steps(self) -> pd.DataFrame:
        return recommendations.next_steps(
            self.lenses,
            self.perverse,
            self.key_results,
            self.objectives,
            self.opportunities,
            self.hybrid,
            self.ctx.metrics,
        )

    @cached_property
    def summary(self) -> list:
        ctx = self.ctx
        return recommendations.executive_summary(
            ctx.name,
            self.headline,
            self.index,
            self.lenses,
            self.perverse,
            self.key_results,
            self.objectives,
            self.hybrid,
            ctx.min_size,
            unscored=[ctx.wording(q) for q in ctx.unscored["question"]],
        )


# Every section (what :meth:`Analysis.compute` fills in).
SECTIONS = tuple(
    name
    for name, value in vars(Analysis).items()
    if isinstance(value, cached_property) and not name.startswith("_")
)


def _no_themes(ctx: ReportContext, question: str) -> ThemeSummary:
    """The theme summary of a core question that was not asked, or not scored, and why."""
    empty = pd.DataFrame(
        columns=["theme", "key", "label", "terms", "size", "share", "focus", "result", "quadrant"]
    )
    quotes = pd.DataFrame(columns=["theme", "label", "quote", "cues"])
    if question in set(ctx.unscored["question"]):
        why = "its answers look like codes or numbers, not written text, so they were not scored"
    else:
        why = NOT_ASKED
    return ThemeSummary(empty, quotes, why)


def analyse(ctx: ReportContext, previous: ReportContext | None = None) -> Analysis:
    """Every analysis of the report for ``ctx``, with ``previous`` (the wave before, if any) for
    the change section. Sections are computed as they are read."""
    return Analysis(ctx, previous)
