"""Do measures, rewards and OKRs line up with outcomes? Incentives, OKRs, capabilities, gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from opsworkbench.diagnostics.overview import hidden_units
from opsworkbench.diagnostics.profiles import outcome_probability
from opsworkbench.language.orientation import normalise
from opsworkbench.vocabulary import (
    CUSTOMER_OUTCOME,
    OUTCOME_QUADRANTS,
    OUTPUT_QUADRANTS,
    UNCLASSIFIED,
)

# A theme counts as covered by a metric whose wording is at least this similar.
COVERAGE_SIMILARITY = 0.2


def _flag(frame: pd.DataFrame, col: str) -> pd.Series:
    return frame[col].fillna(False).astype(bool)


def perverse_incentives(metrics: pd.DataFrame) -> pd.DataFrame:
    """Incentivised output metrics with no incentivised customer-outcome metric guarding them.

    A guard is an incentivised ``customer_outcome`` metric owned by the same unit or attached
    to the same capability: it makes gaming the output (doing the easy, low-value work first)
    cost the team something. ``candidates`` lists customer-outcome metrics already measured
    there but not rewarded: the cheapest guard to switch on.
    """
    rewarded = metrics[_flag(metrics, "incentivised")]
    outcome = metrics[metrics["quadrant"] == CUSTOMER_OUTCOME]
    rows = []
    for _, m in rewarded[rewarded["quadrant"].isin(OUTPUT_QUADRANTS)].iterrows():
        near = outcome[
            (outcome["owner_unit"] == m["owner_unit"])
            | (outcome["capability_id"].notna() & (outcome["capability_id"] == m["capability_id"]))
        ]
        guards = near[_flag(near, "incentivised")]
        if len(guards):
            continue
        candidates = near[_flag(near, "measured")]
        rows.append(
            {
                "metric_id": m["metric_id"],
                "name": m["name"],
                "owner_unit": m["owner_unit"],
                "capability_id": m["capability_id"],
                "incentive_weight": m["incentive_weight"],
                "quadrant": m["quadrant"],
                "candidates": "; ".join(
                    f"{c.metric_id} {c['name']}" for _, c in candidates.iterrows()
                ),
            }
        )
    return (
        pd.DataFrame(
            rows,
            columns=[
                "metric_id",
                "name",
                "owner_unit",
                "capability_id",
                "incentive_weight",
                "quadrant",
                "candidates",
            ],
        )
        .sort_values("incentive_weight", ascending=False, kind="stable")
        .reset_index(drop=True)
    )


KR_COLUMNS = [
    "okr_id",
    "objective",
    "key_result",
    "owner_unit",
    "level",
    "quadrant",
    "focus",
    "result",
    "capability_id",
    "parents",
    "missing_parents",
    "aligned_down",
    "aligned_across",
    "orphan",
    "no_capability",
    "question",
]


def okr_health(
    okrs: pd.DataFrame, scored_krs: pd.DataFrame, metrics: pd.DataFrame, capabilities: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Key results scored and checked for alignment; objectives checked for outcome key results.

    Returns (key_results, objectives). Per key result: quadrant, parents found, whether it
    aligns down (has a parent) and across (a parent owned by another unit), whether it is an
    orphan (below company level with no parent), whether it names a capability, and for
    output key results a question that turns it into an outcome, pointing at the outcome
    metric of the same capability where one exists.
    """
    krs = pd.concat([okrs.reset_index(drop=True), scored_krs.reset_index(drop=True)], axis=1)
    owner = dict(zip(krs["okr_id"], krs["owner_unit"], strict=True))
    names = dict(zip(capabilities["capability_id"], capabilities["name"], strict=True))
    outcome_metrics = metrics[metrics["quadrant"] == CUSTOMER_OUTCOME]
    rows = []
    for _, kr in krs.iterrows():
        parents = [p for p in kr["parent_ids"] if p in owner]
        across = sorted({owner[p] for p in parents} - {kr["owner_unit"]})
        question = ""
        if kr["quadrant"] in OUTPUT_QUADRANTS:
            capability = names.get(kr["capability_id"])
            hint = outcome_metrics[outcome_metrics["capability_id"] == kr["capability_id"]]
            where = f" in “{capability}”" if capability else ""
            if len(hint):
                seen = f"you already measure “{hint.iloc[0]['name']}” ({hint.iloc[0]['metric_id']}){where}"
            else:
                seen = f"no customer-outcome metric covers {f'“{capability}”' if capability else 'it'} yet"
            question = (
                f"Which customer result does “{kr['key_result']}” serve, and how would "
                f"{kr['owner_unit']} see it change? ({seen}.)"
            )
        rows.append(
            {
                "okr_id": kr["okr_id"],
                "objective": kr["objective"],
                "key_result": kr["key_result"],
                "owner_unit": kr["owner_unit"],
                "level": kr["level"],
                "quadrant": kr["quadrant"],
                "focus": kr["focus"],
                "result": kr["result"],
                "capability_id": kr["capability_id"],
                "parents": ", ".join(parents),
                "missing_parents": ", ".join(set(kr["parent_ids"]) - set(parents)),
                "aligned_down": bool(parents),
                "aligned_across": ", ".join(across),
                "orphan": kr["level"] != "company" and len(kr["parent_ids"]) == 0,
                "no_capability": pd.isna(kr["capability_id"]) or not kr["capability_id"],
                "question": question,
            }
        )
    table = pd.DataFrame(rows, columns=KR_COLUMNS)
    objectives = (
        table.assign(outcome=table["quadrant"].isin(OUTCOME_QUADRANTS))
        .groupby("objective", sort=False)
        .agg(
            key_results=("okr_id", "count"),
            outcome_krs=("outcome", "sum"),
            owner_unit=("owner_unit", "first"),
        )
        .reset_index()
    )
    objectives["no_outcome_kr"] = objectives["outcome_krs"] == 0
    return table, objectives


def capability_chain(
    capabilities: pd.DataFrame,
    scored: pd.DataFrame,
    respondents: pd.DataFrame,
    metrics: pd.DataFrame,
    key_results: pd.DataFrame,
    min_size: int,
    *,
    hidden: set | None = None,
) -> pd.DataFrame:
    """Each capability, left to right, with the customer-outcome index of three sources.

    people: classified answers of respondents in the capability's shown units (``hidden``
    units, default :func:`opsworkbench.diagnostics.overview.hidden_units`, are left out; blank when
    fewer than ``min_size`` people remain); metrics and key results: those attached to the
    capability.
    """
    if hidden is None:
        hidden = hidden_units(respondents, scored, min_size)
    rows = []
    for _, cap in capabilities.sort_values("stage_order").iterrows():
        units = [u for u in cap["units"] if u not in hidden]
        people = scored[scored["unit"].isin(units) & (scored["quadrant"] != UNCLASSIFIED)]
        sources = {
            "people": people
            if people["respondent_id"].nunique() >= max(min_size, 1)
            else people.iloc[0:0],
            "metrics": metrics[metrics["capability_id"] == cap["capability_id"]],
            "key results": key_results[key_results["capability_id"] == cap["capability_id"]],
        }
        for source, part in sources.items():
            part = part[part["quadrant"] != UNCLASSIFIED]
            rows.append(
                {
                    "capability_id": cap["capability_id"],
                    "capability": cap["name"],
                    "stage_order": int(cap["stage_order"]),
                    "source": source,
                    "n": len(part),
                    "index": round(100 * outcome_probability(part).mean(), 1)
                    if len(part)
                    else np.nan,
                }
            )
    return pd.DataFrame(
        rows, columns=["capability_id", "capability", "stage_order", "source", "n", "index"]
    )


def under_measured(themes: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Success themes ranked by how little measurement and reward covers them.

    importance: the theme's share of success answers, scaled so the largest theme is 10.
    coverage: 0–10, from the best-matching metric's wording (cosine ≥ 0.2 over TF-IDF) and how
    far it goes: measured 4, reported 3, incentivised 3. The opportunity score follows
    outcome-driven innovation: importance + max(importance − coverage, 0).
    """
    columns = ["label", "importance", "coverage", "opportunity", "matched_metrics", "quadrant"]
    if themes.empty:
        return pd.DataFrame(columns=columns)
    metric_text = (metrics["name"].fillna("") + " " + metrics["description"].fillna("")).tolist()
    theme_text = themes["terms"].str.replace(",", " ").tolist()
    vec = TfidfVectorizer(preprocessor=normalise, stop_words="english").fit(
        metric_text + theme_text
    )
    sim = (
        cosine_similarity(vec.transform(theme_text), vec.transform(metric_text))
        if metric_text
        else np.zeros((len(themes), 0))
    )
    stage = (
        (
            4 * _flag(metrics, "measured")
            + 3 * _flag(metrics, "reported")
            + 3 * _flag(metrics, "incentivised")
        ).to_numpy()
        if len(metrics)
        else np.zeros(0)
    )
    importance = 10 * themes["share"] / themes["share"].max()
    rows = []
    for i, (_, theme) in enumerate(themes.iterrows()):
        match = np.flatnonzero(sim[i] >= COVERAGE_SIMILARITY) if sim.shape[1] else np.array([], int)
        coverage = float(stage[match].max()) if len(match) else 0.0
        matched = ", ".join(
            metrics.iloc[j]["metric_id"] for j in match[np.argsort(-sim[i][match])][:3]
        )
        imp = float(importance.iloc[i])
        rows.append(
            {
                "label": theme["label"],
                "importance": round(imp, 1),
                "coverage": coverage,
                "opportunity": round(imp + max(imp - coverage, 0.0), 1),
                "matched_metrics": matched,
                "quadrant": theme.get("quadrant"),
            }
        )
    return (
        pd.DataFrame(rows, columns=columns)
        .sort_values("opportunity", ascending=False, kind="stable")
        .reset_index(drop=True)
    )
