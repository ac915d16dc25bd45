"""Analyses over workspace tables: pure functions from DataFrames to DataFrames."""

from __future__ import annotations

import re
from typing import NamedTuple

import pandas as pd

from opsworkbench.language.codebook import Codebook
from opsworkbench.language.orientation import normalise
from opsworkbench.language.themes import Themes, find_themes, label_words, themes_key, words
from opsworkbench.privacy import mask_small_groups, suppressed_groups
from opsworkbench.vocabulary import CORE_QUESTIONS, QUADRANTS, STAGES, UNCLASSIFIED


class ThemeSummary(NamedTuple):
    """One question's themes, their representative quotes, and a note on why there are none."""

    table: pd.DataFrame
    quotes: pd.DataFrame
    why: str


def theme_summary(
    scored: pd.DataFrame,
    question: str,
    *,
    min_size: int,
    min_quote_size: int,
    codebook: Codebook | None = None,
    quotes_per_theme: int = 3,
    stored: dict[str, str] | None = None,
    wording: str | None = None,
) -> ThemeSummary:
    """Themes in one question's answers with their mean position and representative quotes.

    Themes need at least ``min_size`` answers. Quotes are shown only for themes of at least
    ``min_quote_size`` answers and only from units with at least ``min_quote_size``
    respondents, so no quote can be traced to a small group. ``wording`` is the question as
    asked (its words are kept out of the themes' labels).
    """
    answers = scored[scored["question"] == question].reset_index(drop=True)
    found = question_themes(
        answers, min_size=min_size, codebook=codebook, stored=stored, wording=wording
    )
    table, assignment = found.table, found.assignment
    no_quotes = pd.DataFrame(columns=["theme", "label", "quote", "cues"])
    if table.empty:
        return ThemeSummary(
            table.assign(focus=None, result=None, quadrant=None), no_quotes, found.note
        )
    answers = answers.assign(theme=assignment.to_numpy())
    stats = (
        answers[answers["quadrant"] != UNCLASSIFIED]
        .groupby("theme")
        .agg(
            focus=("focus", "mean"),
            result=("result", "mean"),
            quadrant=("quadrant", lambda q: q.value_counts().idxmax()),
            _people=("respondent_id", "nunique"),
        )
    )
    # a theme's position rests on its classified answers only: shown for enough people
    stats = stats[stats["_people"] >= min_size].drop(columns="_people")
    table = table.merge(stats, left_on="theme", right_index=True, how="left")
    unit_sizes = scored.groupby("unit")["respondent_id"].nunique()
    quotable_units = set(unit_sizes[unit_sizes >= min_quote_size].index)
    quotes = []
    # quotable answers: from a large enough unit, of a readable length
    candidates = answers[
        answers["unit"].isin(quotable_units) & answers["text"].str.len().between(20, 220)
    ]
    candidates = candidates.assign(
        _norm=candidates["text"].map(normalise), _words=candidates["text"].map(words)
    )
    for _, theme in table.iterrows():
        if theme["size"] < min_quote_size:
            continue
        pool = candidates[candidates["theme"] == theme["theme"]]
        core = [t.strip() for t in theme["terms"].split(",")[:3]]
        pattern = "|".join(re.escape(c) for c in core)
        label = label_words(theme["label"])
        # Answers in the label's words first, then any using the theme's strongest terms;
        # among them confident, typical-length answers (ties broken by text for determinism).
        pool = pool.assign(
            _label=pool["_words"].map(label.intersection).map(len),
            _len=(pool["text"].str.len() - pool["text"].str.len().median()).abs(),
        )
        pool = pool[(pool["_label"] > 0) | pool["_norm"].str.contains(pattern)]
        pool = pool.sort_values(
            ["_label", "confidence", "_len", "text"],
            ascending=[False, False, True, True],
            kind="stable",
        )
        for _, row in pool.drop_duplicates("_norm").head(quotes_per_theme).iterrows():
            quotes.append(
                {
                    "theme": theme["theme"],
                    "label": theme["label"],
                    "quote": row["text"],
                    "cues": row["cues"],
                }
            )
    return ThemeSummary(table, pd.DataFrame(quotes, columns=no_quotes.columns), found.note)


def question_themes(
    answers: pd.DataFrame,
    *,
    min_size: int,
    codebook: Codebook | None = None,
    stored: dict[str, str] | None = None,
    wording: str | None = None,
) -> Themes:
    """The themes of one question's ``answers`` (read from ``stored`` when they were found
    before for exactly these answers), with the codebook's renames and merges applied.
    ``wording`` is the question as asked: no theme's label repeats its words."""
    exclude = [wording] if wording else []
    key = themes_key(answers["text"], min_theme_size=min_size, exclude=exclude) if stored else None
    if key in (stored or {}):
        found = Themes.from_json(stored[key], answers.index)
    else:
        found = find_themes(answers["text"], min_theme_size=min_size, exclude=exclude)
    if codebook is None:
        return found
    table, assignment = codebook.apply_to_themes(found.table, found.assignment)
    return Themes(table, assignment, found.note)


def quadrant_shares(scored: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Share of classified texts in each quadrant per group, with ``n`` texts per group."""
    classified = scored[scored["quadrant"] != UNCLASSIFIED]
    counts = classified.groupby(by)["quadrant"].value_counts().unstack(fill_value=0)
    counts = counts.reindex(columns=QUADRANTS, fill_value=0)
    n = counts.sum(axis=1)
    shares = counts.div(n.where(n > 0), axis=0)
    shares.insert(0, "n", n)
    return shares.reset_index()


def scored_people(
    scored: pd.DataFrame, question: str | None = None, *, by: str = "unit"
) -> pd.Series:
    """People per unit (or per ``by`` group) with at least one classified answer (to
    ``question``, or to any).

    These are the people behind a unit's scores, so the privacy minimum applies to them.
    """
    part = scored if question is None else scored[scored["question"] == question]
    part = part[part["quadrant"] != UNCLASSIFIED]
    return part.groupby(by)["respondent_id"].nunique()


def hidden_units(
    respondents: pd.DataFrame, scored: pd.DataFrame, min_size: int, *, also=(), by: str = "unit"
) -> set:
    """Units whose numbers the report hides, the same set in every section.

    A unit is hidden when fewer than ``min_size`` people stand behind any number shown for it:
    its respondents, the people with a classified answer, and the people with a classified
    answer to each question. Complementary suppression applies to each of those counts, so
    the hidden units together can never be worked out from the organisation's total.
    ``also`` names units hidden for another reason (e.g. missing from the other wave).
    ``by`` names the grouping column (both frames need it): roles or tenure bands are hidden
    the same way.
    """
    bases = [respondents.groupby(by)["respondent_id"].nunique(), scored_people(scored, by=by)]
    if "question" in scored:
        bases += [scored_people(scored, q, by=by) for q in sorted(scored["question"].unique())]
    # every unit too small on any count first, so cover is added only where still needed
    hidden = set(also)
    for sizes in bases:
        hidden |= set(sizes[(sizes > 0) & (sizes < min_size)].index)
    while True:
        grown = set(hidden)
        for sizes in bases:
            grown = suppressed_groups(sizes, min_size, also=grown)
        if grown == hidden:
            return hidden
        hidden = grown


def headline(
    respondents: pd.DataFrame,
    scored: pd.DataFrame,
    min_size: int,
    questions: list[str] | None = None,
) -> dict:
    """Organisation-level orientation: counts, quadrant shares, mean position, dominant mode.

    Scores are shown only when at least ``min_size`` people gave a classified answer
    (``scored``); otherwise ``suppressed`` is true and only the counts are given.
    ``questions`` are the core questions the wave asked and scored (default: those answered).
    """
    if questions is None:
        questions = [q for q in CORE_QUESTIONS if (scored["question"] == q).any()]
    classified = scored[scored["quadrant"] != UNCLASSIFIED]
    n = int(respondents["respondent_id"].nunique())
    out = {
        "respondents": n,
        "scored": int(classified["respondent_id"].nunique()),
        "units": int(respondents["unit"].nunique()),
    }
    out["suppressed"] = out["scored"] < min_size
    out["questions"] = list(questions)
    out["answers"] = {q: int((scored["question"] == q).sum()) for q in questions}
    out["unclassified"] = int((scored["quadrant"] == UNCLASSIFIED).sum())
    if out["suppressed"]:
        return out
    shares = classified["quadrant"].value_counts(normalize=True).reindex(QUADRANTS, fill_value=0.0)
    out["shares"] = shares.round(4).to_dict()
    out["focus"] = round(float(classified["focus"].mean()), 3)
    out["result"] = round(float(classified["result"].mean()), 3)
    out["dominant"] = str(shares.idxmax())
    return out


def unit_positions(
    respondents: pd.DataFrame,
    scored: pd.DataFrame,
    min_size: int,
    *,
    hidden: set | None = None,
) -> pd.DataFrame:
    """Mean position of each unit on both axes; small units suppressed.

    ``hidden`` defaults to :func:`hidden_units` (complementary suppression on every count
    behind a unit's numbers). ``scored`` is the number of people with a classified answer.
    """
    if hidden is None:
        hidden = hidden_units(respondents, scored, min_size)
    sizes = respondents.groupby("unit")["respondent_id"].nunique().rename("respondents")
    classified = scored[scored["quadrant"] != UNCLASSIFIED]
    people = classified.groupby("unit")["respondent_id"].nunique().rename("scored")
    means = classified.groupby("unit")[["focus", "result"]].mean()
    dominant = classified.groupby("unit")["quadrant"].agg(lambda q: q.value_counts().idxmax())
    share = classified.groupby("unit")["quadrant"].agg(
        lambda q: q.value_counts(normalize=True).max()
    )
    frame = pd.concat(
        [sizes, people, means, dominant.rename("quadrant"), share.rename("share")], axis=1
    ).reindex(sizes.index)
    frame = frame.rename_axis("unit").reset_index()
    frame["scored"] = frame["scored"].fillna(0).astype(int)
    frame = mask_small_groups(frame, "unit", "respondents", min_size, hidden=hidden)
    return frame.sort_values("unit", kind="stable").reset_index(drop=True)


def question_comparison(scored: pd.DataFrame, min_size: int = 0) -> pd.DataFrame:
    """Quadrant shares of "work" versus "success" answers (tidy: question, quadrant, share).

    A question is left out when fewer than ``min_size`` people gave it a classified answer.
    """
    shares = quadrant_shares(scored, ["question"])
    shares = shares[shares["question"].isin(CORE_QUESTIONS) & (shares["n"] >= max(min_size, 1))]
    tidy = shares.melt(
        id_vars=["question", "n"], value_vars=QUADRANTS, var_name="quadrant", value_name="share"
    )
    tidy["question"] = pd.Categorical(tidy["question"], CORE_QUESTIONS)
    return tidy.sort_values(["question", "quadrant"]).reset_index(drop=True)


def stage_weights(metrics: pd.DataFrame, stage: str) -> tuple[pd.DataFrame, pd.Series]:
    """The metrics at one stage and their weights: incentive weight for ``incentivised``
    (equal weights if none is given), 1 otherwise."""
    part = metrics[metrics[stage].fillna(False).astype(bool)]
    weight = pd.Series(1.0, index=part.index)
    if stage == "incentivised" and part["incentive_weight"].fillna(0.0).sum() > 0:
        weight = part["incentive_weight"].fillna(0.0)
    return part, weight


def metric_stages(scored_metrics: pd.DataFrame) -> pd.DataFrame:
    """Metrics per quadrant at each stage: measured → reported → incentivised.

    The incentivised stage is weighted by ``incentive_weight`` (equal weights where it is
    missing), because what is paid on matters more than how many metrics are listed.
    """
    rows = []
    for stage in STAGES:
        part, weight = stage_weights(scored_metrics, stage)
        total = float(weight.sum())
        for quadrant in QUADRANTS:
            mask = part["quadrant"] == quadrant
            rows.append(
                {
                    "stage": stage,
                    "quadrant": quadrant,
                    "metrics": int(mask.sum()),
                    "share": float(weight[mask].sum()) / total if total else 0.0,
                }
            )
    return pd.DataFrame(rows)


def data_quality(
    sources: pd.DataFrame, quarantine: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-file reconciliation (read = loaded + quarantined) and quarantine reasons."""
    files = (
        sources[
            [
                "kind",
                "source_file",
                "layout",
                "encoding",
                "rows_read",
                "rows_loaded",
                "rows_quarantined",
            ]
        ]
        .sort_values(["kind", "source_file"])
        .reset_index(drop=True)
    )
    files["reconciled"] = files["rows_read"] == files["rows_loaded"] + files["rows_quarantined"]
    reasons = (
        quarantine.assign(reason=quarantine["reason"].str.split(":").str[0])
        .groupby(["source_file", "reason"])
        .size()
        .rename("rows")
        .reset_index()
    )
    return files, reasons
