"""Orientation profiles: the customer-outcome index, say/measure/value/reward, hybrids, change."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from opsworkbench.diagnostics.overview import hidden_units, stage_weights
from opsworkbench.vocabulary import (
    ALL_UNITS,
    CORE_QUESTIONS,
    CUSTOMER_OUTCOME,
    LENS_STAGES,
    LENSES,
    QUADRANTS,
    UNCLASSIFIED,
)

BOOTSTRAP = 1000
# From this many people a mean's 95 % interval is the normal one (mean ± 1.96 standard errors):
# the bootstrap's interval agrees with it to a tenth of a point there, and costs reps × n draws.
NORMAL_FROM = 2000
# Most resampled values held in memory at once (8 MB of indices), however many answers.
MAX_CELLS = 1 << 20


def outcome_probability(frame: pd.DataFrame) -> pd.Series:
    """Per text, the model's probability that it is customer-outcome: p(external) × p(outcome)."""
    focus = frame["focus"].to_numpy(dtype=float)
    result = frame["result"].to_numpy(dtype=float)
    return pd.Series(((focus + 1) / 2) * ((result + 1) / 2), index=frame.index)


def resample_blocks(reps: int, n: int, max_cells: int | None = None):
    """Blocks of a ``reps`` × ``n`` bootstrap draw, in draw order, none above ``max_cells``.

    Yields (first rep, end rep, first value, end value). Whole repetitions are grouped while
    they fit; a repetition larger than ``max_cells`` is split into pieces.
    """
    max_cells = max_cells or MAX_CELLS
    if n <= max_cells:
        step = max(1, max_cells // max(n, 1))
        for start in range(0, reps, step):
            yield start, min(start + step, reps), 0, n
    else:
        for rep in range(reps):
            for start in range(0, n, max_cells):
                yield rep, rep + 1, start, min(start + max_cells, n)


def bootstrap_means(values, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``reps`` resamples (with replacement) of ``values``, drawn block by block.

    The draws are the same as one ``rng.choice(values, (reps, len(values)))`` call, so the
    result does not depend on the block size, but memory stays bounded by :data:`MAX_CELLS`.
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    sums = np.zeros(reps)
    for r0, r1, c0, c1 in resample_blocks(reps, n):
        sums[r0:r1] += values[rng.integers(0, n, size=(r1 - r0, c1 - c0))].sum(axis=1)
    return sums / n


class OutcomeIndex(NamedTuple):
    """A customer-outcome index (0–100), its 95 % interval and how many people it rests on."""

    value: float
    low: float
    high: float
    people: int


def outcome_index(
    scored: pd.DataFrame, *, by_respondent: bool = True, seed: int = 0, reps: int = BOOTSTRAP
) -> OutcomeIndex:
    """Customer-outcome index (0–100) with a 95 % bootstrap interval.

    The index is the mean probability that an answer is about customer outcomes, so 100 means
    every answer is external and outcome-focused and 0 means none is. Respondents (not answers)
    are resampled, because one person's two answers are not independent.

    ``people`` counts respondents (or texts).
    """
    classified = scored[scored["quadrant"] != UNCLASSIFIED]
    if classified.empty:
        return OutcomeIndex(np.nan, np.nan, np.nan, 0)
    p = outcome_probability(classified)
    groups = (
        classified["respondent_id"]
        if by_respondent and "respondent_id" in classified
        else classified.index
    )
    per = p.groupby(groups.to_numpy()).mean().to_numpy()
    if len(per) >= NORMAL_FROM or reps <= 1:
        half = 1.959964 * per.std(ddof=1) / np.sqrt(len(per)) if len(per) > 1 else 0.0
        low, high = per.mean() - half, per.mean() + half
    else:
        low, high = np.percentile(
            bootstrap_means(per, reps, np.random.default_rng(seed)), [2.5, 97.5]
        )
    return OutcomeIndex(
        float(round(100 * per.mean(), 1)),
        float(round(100 * low, 1)),
        float(round(100 * high, 1)),
        len(per),
    )


PROFILE_COLUMNS = ["unit", "question", "respondents", "index", "low", "high", *QUADRANTS]


def orientation_profile(
    scored: pd.DataFrame,
    respondents: pd.DataFrame,
    min_size: int,
    *,
    hidden: set | None = None,
) -> pd.DataFrame:
    """Per unit (and the whole organisation) and question: quadrant shares and the index.

    A row is shown only when at least ``min_size`` people gave a classified answer behind it;
    ``hidden`` units (default :func:`opsworkbench.diagnostics.overview.hidden_units`) are left out
    entirely, and so is the unit row of an organisation with one unit. ``respondents`` in the
    result counts those people.
    """
    if hidden is None:
        hidden = hidden_units(respondents, scored, min_size)
    rows = []
    questions = [q for q in CORE_QUESTIONS if (scored["question"] == q).any()]
    # only classified answers count (outcome_index leaves the others out too)
    scored = scored[scored["quadrant"] != UNCLASSIFIED]
    groups = [(ALL_UNITS, scored)]
    if respondents["unit"].nunique() > 1:  # one unit is the organisation: no second row
        groups += [(u, g) for u, g in scored.groupby("unit") if u not in hidden]
    for unit, group in groups:
        for question in [*questions, "both"]:
            classified = group if question == "both" else group[group["question"] == question]
            if classified["respondent_id"].nunique() < max(min_size, 1):
                continue
            index, low, high, n = outcome_index(classified)
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
    return pd.DataFrame(rows, columns=PROFILE_COLUMNS)


def work_success_gap(profile: pd.DataFrame) -> pd.DataFrame:
    """Per unit: success index minus work index (positive: success is told in outcome terms).

    Empty when the profile does not hold both questions for any unit.
    """
    wide = profile[profile["question"] != "both"].pivot(
        index="unit", columns="question", values="index"
    )
    wide = wide.reindex(columns=CORE_QUESTIONS).dropna()
    wide.columns.name = None
    return wide.assign(gap=wide["success"] - wide["work"]).rename_axis("unit").reset_index()


def _metric_lens(metrics: pd.DataFrame, lens: str) -> pd.DataFrame:
    part, weight = stage_weights(metrics, LENS_STAGES[lens])
    return part.assign(_w=weight, _p=outcome_probability(part))


def say_measure_value_reward(
    scored: pd.DataFrame,
    respondents: pd.DataFrame,
    metrics: pd.DataFrame,
    min_size: int,
    *,
    hidden: set | None = None,
) -> pd.DataFrame:
    """Four profiles side by side, per unit and for the organisation.

    For each lens: the customer-outcome index (0–100) and the share of each quadrant. "say" is
    the people's answers (units under the minimum hidden, with their complement); the other
    lenses are the metrics the unit owns that are measured, reported, or incentivised (weighted
    by incentive weight). ``gap`` is say minus reward: positive when people talk more about
    customer outcomes than the organisation pays for. "say" is blank when fewer than
    ``min_size`` people gave a classified answer (``say_n``).
    """
    sizes = respondents.groupby("unit")["respondent_id"].nunique()
    if hidden is None:
        hidden = hidden_units(respondents, scored, min_size)
    rows = []
    units = [ALL_UNITS]
    if len(sizes) > 1:  # one unit is the organisation: no second row
        units += sorted(set(sizes.index) - hidden)
    for unit in units:
        said = scored if unit == ALL_UNITS else scored[scored["unit"] == unit]
        owned = metrics if unit == ALL_UNITS else metrics[metrics["owner_unit"] == unit]
        rows.append({"unit": unit, **lens_values(said, owned, min_size)})
    frame = pd.DataFrame(rows)
    frame["gap"] = frame["say"] - frame["reward"]
    return frame


def lens_values(said: pd.DataFrame, owned: pd.DataFrame, min_size: int) -> dict:
    """One group's say / measure / value / reward: what its people ``said`` (scored answers)
    and the metrics it ``owned``, each as a customer-outcome index with how many stand behind it."""
    row = {"respondents": int(said["respondent_id"].nunique())}
    # the same respondent-level index as the headline, so the numbers agree across sections
    row["say"], _, _, row["say_n"] = outcome_index(said, reps=1)
    if row["say_n"] < min_size:
        row["say"] = np.nan
    for lens in LENSES[1:]:
        part = _metric_lens(owned, lens)
        row[lens] = (
            round(100 * np.average(part["_p"], weights=part["_w"]), 1) if len(part) else np.nan
        )
        row[f"{lens}_n"] = len(part)
    return row


def hybrid_mode(units: pd.DataFrame, *, focused_share: float = 0.5) -> dict:
    """Is the organisation focused, a deliberate hybrid, or an unfocused mix?

    ``units`` is :func:`opsworkbench.diagnostics.overview.unit_positions` (with ``share``: the share of a
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
    families = set(np.where(focused["quadrant"] == CUSTOMER_OUTCOME, "customer", "processing"))
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


CHANGE_COLUMNS = [
    "unit",
    "before",
    "after",
    "change",
    "low",
    "high",
    "n_before",
    "n_after",
    "significant",
]


def wave_change(
    before: pd.DataFrame,
    after: pd.DataFrame,
    before_respondents: pd.DataFrame,
    after_respondents: pd.DataFrame,
    min_size: int,
    seed: int = 0,
) -> pd.DataFrame:
    """Change in the customer-outcome index per unit between two waves, with a 95 % interval.

    A unit is shown only if enough people stand behind its numbers in both waves: each wave's
    :func:`opsworkbench.diagnostics.overview.hidden_units`, where units missing from the other wave
    count as hidden, so nothing left out can be worked out from the organisation's change.
    """
    in_before, in_after = set(before_respondents["unit"]), set(after_respondents["unit"])
    hidden = hidden_units(before_respondents, before, min_size, also=in_before - in_after)
    hidden |= hidden_units(after_respondents, after, min_size, also=in_after - in_before)
    rng = np.random.default_rng(seed)
    rows = []
    units = [ALL_UNITS] + sorted((in_before & in_after) - hidden)
    for unit in units:
        parts = []
        for frame in (before, after):
            part = frame if unit == ALL_UNITS else frame[frame["unit"] == unit]
            part = part[part["quadrant"] != UNCLASSIFIED]
            parts.append(
                outcome_probability(part)
                .groupby(part["respondent_id"].to_numpy())
                .mean()
                .to_numpy()
            )
        if min(len(p) for p in parts) < max(min_size, 1):
            continue
        if min(len(p) for p in parts) >= NORMAL_FROM:
            diff = parts[1].mean() - parts[0].mean()
            half = 1.959964 * np.sqrt(sum(p.var(ddof=1) / len(p) for p in parts))
            low, high = diff - half, diff + half
        else:
            diffs = bootstrap_means(parts[1], BOOTSTRAP, rng) - bootstrap_means(
                parts[0], BOOTSTRAP, rng
            )
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
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)
