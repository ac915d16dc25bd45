"""Orientation profiles: the customer-outcome index, say/measure/value/reward, hybrids, change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from opsworkbench.diagnostics import stage_weights
from opsworkbench.orientation import QUADRANTS, UNCLASSIFIED
from opsworkbench.privacy import suppressed_groups

BOOTSTRAP = 1000
LENSES = ["say", "measure", "value", "reward"]
LENS_STAGES = {"measure": "measured", "value": "reported", "reward": "incentivised"}
LENS_TITLES = {
    "say": "What people say",
    "measure": "What is measured",
    "value": "What is reported",
    "reward": "What is incentivised",
}


def outcome_probability(frame: pd.DataFrame) -> pd.Series:
    """Per text, the model's probability that it is customer-outcome: p(external) × p(outcome)."""
    return ((frame["focus"] + 1) / 2) * ((frame["result"] + 1) / 2)


def outcome_index(
    scored: pd.DataFrame, *, by_respondent: bool = True, seed: int = 0, reps: int = BOOTSTRAP
) -> tuple[float, float, float, int]:
    """Customer-outcome index (0–100) with a 95 % bootstrap interval.

    The index is the mean probability that an answer is about customer outcomes, so 100 means
    every answer is external and outcome-focused and 0 means none is. Respondents (not answers)
    are resampled, because one person's two answers are not independent.

    Returns (index, low, high, n) where n counts respondents (or texts).
    """
    classified = scored[scored["quadrant"] != UNCLASSIFIED]
    if classified.empty:
        return (np.nan, np.nan, np.nan, 0)
    p = outcome_probability(classified)
    groups = (
        classified["respondent_id"]
        if by_respondent and "respondent_id" in classified
        else classified.index
    )
    per = p.groupby(groups.to_numpy()).mean().to_numpy()
    rng = np.random.default_rng(seed)
    boots = rng.choice(per, size=(reps, len(per)), replace=True).mean(axis=1)
    low, high = np.percentile(boots, [2.5, 97.5])
    return (round(100 * per.mean(), 1), round(100 * low, 1), round(100 * high, 1), len(per))


def orientation_profile(
    scored: pd.DataFrame, respondents: pd.DataFrame, min_size: int
) -> pd.DataFrame:
    """Per unit (and the whole organisation) and question: quadrant shares and the index.

    Units below ``min_size`` respondents, and their complement, are left out entirely.
    """
    sizes = respondents.groupby("unit")["respondent_id"].nunique()
    hidden = suppressed_groups(sizes, min_size)
    rows = []
    groups = [("All units", scored)] + [
        (u, g) for u, g in scored.groupby("unit") if u not in hidden
    ]
    for unit, group in groups:
        for question in ["work", "success", "both"]:
            part = group if question == "both" else group[group["question"] == question]
            classified = part[part["quadrant"] != UNCLASSIFIED]
            if part["respondent_id"].nunique() < min_size:
                continue
            index, low, high, n = outcome_index(part)
            shares = (
                classified["quadrant"]
                .value_counts(normalize=True)
                .reindex(QUADRANTS, fill_value=0.0)
            )
            rows.append(
                {
                    "unit": unit,
                    "question": question,
                    "respondents": n,
                    "index": index,
                    "low": low,
                    "high": high,
                    **shares.to_dict(),
                }
            )
    return pd.DataFrame(rows)


def work_success_gap(profile: pd.DataFrame) -> pd.DataFrame:
    """Per unit: success index minus work index (positive: success is told in outcome terms)."""
    wide = profile[profile["question"] != "both"].pivot(
        index="unit", columns="question", values="index"
    )
    wide = wide.dropna()
    return wide.assign(gap=wide["success"] - wide["work"]).reset_index()


def _metric_lens(metrics: pd.DataFrame, lens: str) -> pd.DataFrame:
    part, weight = stage_weights(metrics, LENS_STAGES[lens])
    return part.assign(_w=weight, _p=outcome_probability(part))


def say_measure_value_reward(
    scored: pd.DataFrame, respondents: pd.DataFrame, metrics: pd.DataFrame, min_size: int
) -> pd.DataFrame:
    """Four profiles side by side, per unit and for the organisation.

    For each lens: the customer-outcome index (0–100) and the share of each quadrant. "say" is
    the people's answers (units under the minimum hidden, with their complement); the other
    lenses are the metrics the unit owns that are measured, reported, or incentivised (weighted
    by incentive weight). ``gap`` is say minus reward: positive when people talk more about
    customer outcomes than the organisation pays for.
    """
    sizes = respondents.groupby("unit")["respondent_id"].nunique()
    hidden = suppressed_groups(sizes, min_size)
    rows = []
    units = ["All units"] + sorted(set(sizes.index) - hidden)
    for unit in units:
        said = scored if unit == "All units" else scored[scored["unit"] == unit]
        owned = metrics if unit == "All units" else metrics[metrics["owner_unit"] == unit]
        row = {"unit": unit, "respondents": int(said["respondent_id"].nunique())}
        # the same respondent-level index as the headline, so the numbers agree across sections
        row["say"], _, _, row["say_n"] = outcome_index(said, reps=1)
        for lens in LENSES[1:]:
            part = _metric_lens(owned, lens)
            row[lens] = (
                round(100 * np.average(part["_p"], weights=part["_w"]), 1) if len(part) else np.nan
            )
            row[f"{lens}_n"] = len(part)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["gap"] = frame["say"] - frame["reward"]
    return frame


def hybrid_mode(units: pd.DataFrame, *, focused_share: float = 0.5) -> dict:
    """Is the organisation focused, a deliberate hybrid, or an unfocused mix?

    ``units`` is :func:`opsworkbench.diagnostics.unit_positions` (with ``share``: the share of a
    unit's answers in its most common quadrant). A unit is *focused* when at least
    ``focused_share`` of its answers fall in one quadrant. Its *mode* is customer-outcome when
    that quadrant is ``customer_outcome``, and processing otherwise.

    - deliberate hybrid: most units are focused, some in each mode (an exploratory customer
      front end beside an efficient processing back end);
    - unfocused mix: most units are not focused;
    - focused: most units are focused, all in one mode.
    """
    shown = units.dropna(subset=["focus", "result"])
    if len(shown) < 2:
        return {"mode": "not enough units", "focused_units": [], "muddled_units": [], "modes": {}}
    focused = shown[shown["share"] >= focused_share]
    muddled = shown[shown["share"] < focused_share]
    modes = focused.groupby("quadrant")["unit"].apply(list).to_dict()
    families = set(np.where(focused["quadrant"] == "customer_outcome", "customer", "processing"))
    if len(focused) < len(shown) / 2:
        mode = "unfocused mix"
    elif len(families) > 1:
        mode = "deliberate hybrid"
    else:
        mode = "focused"
    return {
        "mode": mode,
        "focused_units": focused["unit"].tolist(),
        "muddled_units": muddled["unit"].tolist(),
        "modes": modes,
    }


def wave_change(
    before: pd.DataFrame,
    after: pd.DataFrame,
    before_respondents: pd.DataFrame,
    after_respondents: pd.DataFrame,
    min_size: int,
    seed: int = 0,
) -> pd.DataFrame:
    """Change in the customer-outcome index per unit between two waves, with a 95 % interval.

    A unit is shown only if it reaches ``min_size`` in both waves (with complementary
    suppression applied in each wave).
    """
    hidden = set()
    for resp in (before_respondents, after_respondents):
        hidden |= suppressed_groups(resp.groupby("unit")["respondent_id"].nunique(), min_size)
    rng = np.random.default_rng(seed)
    rows = []
    units = ["All units"] + sorted((set(before["unit"]) & set(after["unit"])) - hidden)
    for unit in units:
        parts = []
        for frame in (before, after):
            part = frame if unit == "All units" else frame[frame["unit"] == unit]
            part = part[part["quadrant"] != UNCLASSIFIED]
            parts.append(
                outcome_probability(part)
                .groupby(part["respondent_id"].to_numpy())
                .mean()
                .to_numpy()
            )
        if min(len(p) for p in parts) < min_size:
            continue
        diffs = rng.choice(parts[1], (BOOTSTRAP, len(parts[1]))).mean(axis=1) - rng.choice(
            parts[0], (BOOTSTRAP, len(parts[0]))
        ).mean(axis=1)
        low, high = np.percentile(diffs, [2.5, 97.5])
        rows.append(
            {
                "unit": unit,
                "before": round(100 * parts[0].mean(), 1),
                "after": round(100 * parts[1].mean(), 1),
                "change": round(100 * (parts[1].mean() - parts[0].mean()), 1),
                "low": round(100 * low, 1),
                "high": round(100 * high, 1),
                "n_before": len(parts[0]),
                "n_after": len(parts[1]),
                "significant": bool(low > 0 or high < 0),
            }
        )
    return pd.DataFrame(rows)
