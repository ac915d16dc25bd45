"""Findings and next steps, each naming the unit, metric, key result or theme it is about."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # the index's type only: profiles loads scikit-learn
    from opsworkbench.diagnostics.profiles import OutcomeIndex
from opsworkbench.vocabulary import ALL_UNITS, CUSTOMER_OUTCOME, OUTCOME_QUADRANTS, QUADRANT_LABELS

# A say/reward difference of this many index points is material.
MATERIAL_GAP = 15.0
# Words that alone do not make a phrase.
FUNCTION_WORDS = frozenset(
    {
        *("a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by"),
        *("for", "with", "from", "as", "into", "over", "under", "is", "are", "was", "were"),
        *("be", "been", "it", "its", "this", "that", "these", "those", "i", "we", "you"),
        *("they", "my", "our", "your", "their", "me", "us", "them", "not", "no", "so"),
    }
)


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 respondent", "2 respondents"."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def reads_as_phrase(label: str) -> bool:
    """Whether a theme's label reads as a phrase worth quoting ("patients home safely"), not
    a word or a list of terms ("cost / budget")."""
    found = re.findall(r"[^\W\d_][\w'’-]*", str(label).lower())
    return "/" not in str(label) and len(found) >= 2 and bool(set(found) - FUNCTION_WORDS)


def people_reason(head: dict, min_size: int, *, short: bool = False) -> str:
    """Why no organisation-wide score is shown, in one sentence ("" when scores are shown).

    ``short`` gives the brief form used under each section once the headline has said it.
    """
    n, scored = head["respondents"], head.get("scored", head["respondents"])
    if not head.get("questions", True):
        return "none of the open questions could be scored" + (
            " (see the warning at the top)."
            if short
            else ", because the mapped columns hold codes or numbers rather than written answers "
            "(see the warning at the top of this report)."
        )
    if n < min_size:
        return f"{plural(n, 'respondent')}; at least {min_size} are needed" + (
            "." if short else " to show results."
        )
    if scored >= min_size:
        return ""
    if short:
        some = "none" if scored == 0 else f"only {scored}"
        return (
            f"{some} of the {n} respondents gave an answer that could be classified; at least "
            f"{min_size} are needed."
        )
    if scored == 0:
        return (
            f"{plural(n, 'respondent')}, but every answer was a non-answer such as “n/a”; at "
            f"least {min_size} people with an answer that can be classified are needed to show "
            "results."
        )
    return (
        f"{plural(n, 'respondent')}, but only {scored} gave an answer that could be classified "
        f"(the rest wrote non-answers such as “n/a”); at least {min_size} are needed to show "
        "results."
    )


def _fmt(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.0f}"


def _metric(row) -> str:
    return f"{row['metric_id']} “{row['name']}”"


def next_steps(
    lenses: pd.DataFrame,
    perverse: pd.DataFrame,
    krs: pd.DataFrame,
    objectives: pd.DataFrame,
    opportunities: pd.DataFrame,
    hybrid: dict,
    metrics: pd.DataFrame,
) -> pd.DataFrame:
    """One row per material gap: what it is about, the language, the measures and the changes.

    Columns: about, gap, language, measures, changes, section (the part of the analysis that
    is its evidence, one of :data:`opsworkbench.vocabulary.SECTIONS`).
    """
    rows = []
    unmeasured = metrics[
        (metrics["quadrant"] == CUSTOMER_OUTCOME)
        & ~metrics["incentivised"].fillna(False).astype(bool)
    ]
    for _, u in lenses[lenses["unit"] != ALL_UNITS].iterrows():
        if pd.isna(u["gap"]) or abs(u["gap"]) < MATERIAL_GAP:
            continue
        unit = u["unit"]
        own = unmeasured[unmeasured["owner_unit"] == unit]
        paid = metrics[
            (metrics["owner_unit"] == unit) & metrics["incentivised"].fillna(False).astype(bool)
        ]
        top_paid = paid.sort_values("incentive_weight", ascending=False).head(1)
        if u["gap"] > 0:
            rows.append(
                {
                    "about": f"Unit: {unit}",
                    "gap": (
                        f"People in {unit} talk about customer outcomes (index {_fmt(u['say'])}) more than "
                        f"its incentives reward them (index {_fmt(u['reward'])})."
                    ),
                    "language": (
                        f"Write down, in {unit}'s own words, the customer result its work is for, and use "
                        "that sentence in team reviews instead of volume targets."
                    ),
                    "measures": (
                        f"Start rewarding {', '.join(_metric(m) for _, m in own.head(2).iterrows())}, "
                        "already measured."
                        if len(own)
                        else f"Define a customer-outcome metric for {unit}: none of its metrics measures one yet."
                    ),
                    "changes": (
                        "People: move part of the incentive weight from "
                        + (_metric(top_paid.iloc[0]) if len(top_paid) else "output targets")
                        + " to the outcome measure. Processes: review outcomes, not throughput, in the weekly meeting."
                    ),
                    "section": "lenses",
                }
            )
        else:
            rows.append(
                {
                    "about": f"Unit: {unit}",
                    "gap": (
                        f"{unit} is rewarded on customer outcomes (index {_fmt(u['reward'])}) far more than its people describe them "
                        f"(index {_fmt(u['say'])})."
                    ),
                    "language": f"Explain to {unit} which of its rewarded measures are outcomes and who they are for.",
                    "measures": "Show each team its outcome measure next to the work that moves it.",
                    "changes": f"Strategy and people: make the line of sight explicit in {unit}'s objectives and induction.",
                    "section": "lenses",
                }
            )
    for _, m in perverse.head(3).iterrows():
        rows.append(
            {
                "about": f"Metric: {m['metric_id']} {m['name']} ({m['owner_unit']})",
                "gap": (
                    f"“{m['name']}” is rewarded"
                    + (
                        f" ({m['incentive_weight']:.0%} of the incentive)"
                        if pd.notna(m["incentive_weight"])
                        else ""
                    )
                    + " with no customer-outcome "
                    "measure beside it, so the quickest way to move it is the easy, low-impact work."
                ),
                "language": f"Say what “{m['name']}” is for: which customer result should more of it produce?",
                "measures": (
                    f"Pair it with {m['candidates'].split(';')[0]}."
                    if m["candidates"]
                    else f"Add a customer-outcome measure for {m['owner_unit']} to pair with it."
                ),
                "changes": (
                    f"People: pay {m['metric_id']} only when the paired outcome holds. "
                    "Technology: report both on the same dashboard."
                ),
                "section": "perverse_incentives",
            }
        )
    for _, o in objectives[objectives["no_outcome_kr"]].head(3).iterrows():
        example = krs[(krs["objective"] == o["objective"]) & (krs["question"] != "")].head(1)
        rows.append(
            {
                "about": f"Objective: {o['objective']} ({o['owner_unit']})",
                "gap": f"None of the {o['key_results']} key results of “{o['objective']}” is an outcome."
                if o["key_results"] != 1
                else f"The only key result of “{o['objective']}” is not an outcome.",
                "language": f"Restate “{o['objective']}” as the change a customer or the business will see.",
                "measures": example.iloc[0]["question"]
                if len(example)
                else "Add one outcome key result.",
                "changes": f"Processes: keep the output key results as the plan, and score {o['owner_unit']} on the outcome one.",
                "section": "okr_health",
            }
        )
    outcome_themes = opportunities[opportunities["quadrant"].isin(OUTCOME_QUADRANTS)]
    for _, t in outcome_themes[outcome_themes["opportunity"] >= 8].head(2).iterrows():
        # a label is quoted only where it reads as a phrase, not as a list of terms
        phrase = reads_as_phrase(t["label"])
        named = f"“{t['label']}”" if phrase else "this theme"
        rows.append(
            {
                "about": f"Theme: {t['label']}",
                "gap": (
                    f"People describe {named} as success (importance {t['importance']:.0f}/10) "
                    f"but measurement covers it {t['coverage']:.0f}/10."
                ),
                "language": f"Adopt the theme's words, {named}, in how success is described."
                if phrase
                else "Describe success in the words people use for this theme (see its quotes).",
                "measures": "Define a metric for it and report it"
                + (f" (closest today: {t['matched_metrics']})" if t["matched_metrics"] else "")
                + ".",
                "changes": "Technology: capture the data; people: add it to the scorecard once it is reliable.",
                "section": "under_measured",
            }
        )
    if hybrid.get("mode") == "unfocused mix":
        rows.append(
            {
                "about": "Organisation: operating mode",
                "gap": f"Units are muddled between modes: {', '.join(hybrid['muddled_units'])}.",
                "language": "Decide, unit by unit, whether it exists to explore customer outcomes or to run an efficient process.",
                "measures": "Give each unit the measures of its chosen mode only.",
                "changes": "Structure: separate exploratory and processing work where one unit does both.",
                "section": "hybrid",
            }
        )
    return pd.DataFrame(
        rows, columns=["about", "gap", "language", "measures", "changes", "section"]
    )


def executive_summary(
    name: str,
    headline: dict,
    index: OutcomeIndex,
    lenses: pd.DataFrame,
    perverse: pd.DataFrame,
    krs: pd.DataFrame,
    objectives: pd.DataFrame,
    hybrid: dict,
    min_size: int | None = None,
    unscored: list[str] = (),
) -> list[tuple[str, str]]:
    """Three to five plain-language findings, each as (text, section of its evidence).

    When too few people stand behind the organisation's scores, the first finding says so
    (``min_size`` is the privacy minimum). ``unscored`` names (as asked) open questions whose
    answers were not scored because they look like codes; they come first.
    """
    findings = []
    for question in unscored:
        findings.append(
            (
                f"Answers to “{question}” were not scored: the column mapped to it holds codes "
                "or numbers rather than written answers. Check the survey mapping.",
                "data_quality",
            )
        )
    if headline.get("suppressed") and min_size is not None:
        findings.append(
            (
                "What people say is not shown for this wave: " + people_reason(headline, min_size),
                "orientation",
            )
        )
    if not headline.get("suppressed"):
        dominant = QUADRANT_LABELS[headline["dominant"]].lower()
        findings.append(
            (
                f"{name} talks mostly in {dominant} terms ({headline['shares'][headline['dominant']]:.0%} of "
                f"answers). Its customer-outcome index is {index.value:.0f} out of 100 (95% interval "
                f"{index.low:.0f}–{index.high:.0f}).",
                "orientation",
            )
        )
    org = lenses[lenses["unit"] == ALL_UNITS].iloc[0]
    if pd.notna(org["reward"]) and pd.notna(org["say"]):
        direction = "more" if org["say"] > org["reward"] else "less"
        findings.append(
            (
                f"People talk about customer outcomes {direction} than the organisation rewards them: index "
                f"{org['say']:.0f} in what people say, {org['measure']:.0f} in what is measured and "
                f"{org['reward']:.0f} in what is incentivised.",
                "lenses",
            )
        )
    if len(perverse):
        top = perverse.iloc[0]
        weight = (
            f", {top['incentive_weight']:.0%} of the incentive"
            if pd.notna(top["incentive_weight"])
            else ""
        )
        what = f"“{top['name']}” ({top['owner_unit']}{weight})"
        findings.append(
            (
                f"{what} is rewarded with no customer-outcome measure guarding it."
                if len(perverse) == 1
                else f"{len(perverse)} rewarded output metrics have no customer-outcome measure "
                f"guarding them; the largest is {what}.",
                "perverse_incentives",
            )
        )
    if len(krs):
        share = krs["quadrant"].isin(OUTCOME_QUADRANTS).mean()
        none = int(objectives["no_outcome_kr"].sum())
        orphans = int(krs["orphan"].sum())
        findings.append(
            (
                f"{share:.0%} of {plural(len(krs), 'key result')} "
                f"{'is an outcome' if len(krs) == 1 else 'are outcomes'}; "
                f"{plural(none, 'objective')} {'has' if none == 1 else 'have'} none and "
                f"{plural(orphans, 'key result')} {'is an orphan' if orphans == 1 else 'are orphans'}.",
                "okr_health",
            )
        )
    if hybrid.get("mode") in ("deliberate hybrid", "unfocused mix", "focused"):
        modes = "; ".join(
            f"{QUADRANT_LABELS[q].lower()}: {', '.join(u)}" for q, u in hybrid["modes"].items()
        )
        article = "" if hybrid["mode"] == "focused" else "a "
        findings.append((f"The organisation is {article}{hybrid['mode']} ({modes}).", "hybrid"))
    return findings[:5]
