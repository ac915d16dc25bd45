"""Orientation profile, say/measure/value/reward, hybrids and change, on hand-made scores."""

import pandas as pd
import pytest

from opsworkbench.diagnostics import profiles as pf

QUAD_POS = {
    "customer_outcome": (0.8, 0.8),
    "factory_floor": (-0.8, -0.8),
    "customer_activity": (0.8, -0.8),
    "business_result": (-0.8, 0.8),
}


def scored_frame(spec):
    """spec: list of (unit, respondent, question, quadrant)."""
    rows = []
    for unit, rid, question, quadrant in spec:
        focus, result = QUAD_POS[quadrant]
        rows.append(
            {
                "unit": unit,
                "respondent_id": rid,
                "question": question,
                "quadrant": quadrant,
                "focus": focus,
                "result": result,
            }
        )
    return pd.DataFrame(rows)


def two_units(n_a=6, n_b=6, n_tiny=2):
    spec = []
    for i in range(n_a):
        spec += [
            ("Care", f"a{i}", "work", "customer_outcome"),
            ("Care", f"a{i}", "success", "customer_outcome"),
        ]
    for i in range(n_b):
        spec += [
            ("Ops", f"b{i}", "work", "factory_floor"),
            ("Ops", f"b{i}", "success", "factory_floor"),
        ]
    for i in range(n_tiny):
        spec += [
            ("Tiny", f"t{i}", "work", "factory_floor"),
            ("Tiny", f"t{i}", "success", "customer_outcome"),
        ]
    scored = scored_frame(spec)
    respondents = scored[["unit", "respondent_id"]].drop_duplicates()
    return scored, respondents


def test_outcome_index_is_mean_probability_with_a_sound_interval():
    scored, _ = two_units(n_tiny=0)
    index, low, high, n = pf.outcome_index(scored)
    # customer-outcome answers score 0.9 × 0.9 = 0.81, factory-floor 0.1 × 0.1 = 0.01
    assert index == pytest.approx(100 * (0.81 + 0.01) / 2, abs=0.1) and n == 12
    assert low < index < high
    assert (
        pf.outcome_index(scored, seed=1)[0] == index
    )  # the point estimate does not depend on the seed


def test_profile_hides_small_and_complementary_units():
    scored, respondents = two_units(n_a=6, n_b=8)
    profile = pf.orientation_profile(scored, respondents, min_size=5)
    assert set(profile["unit"]) == {
        "All units",
        "Ops",
    }  # Tiny hidden, Care hidden as its complement
    ops = profile[(profile.unit == "Ops") & (profile.question == "both")].iloc[0]
    assert ops["factory_floor"] == 1.0 and ops["index"] == pytest.approx(1.0, abs=0.1)


def test_say_measure_value_reward_gap():
    scored, respondents = two_units(n_tiny=0)
    metrics = pd.DataFrame(
        {
            "owner_unit": ["Care", "Care", "Ops"],
            "measured": [True, True, True],
            "reported": [True, False, True],
            "incentivised": [True, False, True],
            "incentive_weight": [0.5, 0.0, 1.0],
            "quadrant": ["factory_floor", "customer_outcome", "factory_floor"],
            "focus": [-0.8, 0.8, -0.8],
            "result": [-0.8, 0.8, -0.8],
        }
    )
    lenses = pf.say_measure_value_reward(scored, respondents, metrics, 5).set_index("unit")
    assert lenses.loc["Care", "say"] == pytest.approx(81.0)
    assert lenses.loc["Care", "measure"] == pytest.approx(41.0)  # mean of 1 and 81
    assert lenses.loc["Care", "reward"] == pytest.approx(1.0)  # only the output metric is paid
    assert lenses.loc["Care", "gap"] == pytest.approx(80.0)


def test_hybrid_versus_unfocused_versus_focused():
    def units(rows):
        return pd.DataFrame(rows, columns=["unit", "focus", "result", "quadrant", "share"])

    hybrid = pf.hybrid_mode(
        units(
            [
                ("Front", 0.7, 0.6, "customer_outcome", 0.8),
                ("Back", -0.7, -0.6, "factory_floor", 0.85),
            ]
        )
    )
    muddled = pf.hybrid_mode(
        units(
            [
                ("A", 0.1, 0.0, "customer_outcome", 0.35),
                ("B", -0.1, 0.1, "factory_floor", 0.4),
                ("C", 0.0, -0.1, "business_result", 0.3),
            ]
        )
    )
    focused = pf.hybrid_mode(
        units([("A", -0.7, -0.6, "factory_floor", 0.8), ("B", -0.6, 0.5, "business_result", 0.7)])
    )
    assert (
        hybrid["mode"] == "deliberate hybrid"
        and muddled["mode"] == "unfocused mix"
        and focused["mode"] == "focused"
    )


def test_wave_change_needs_minimum_in_both_waves():
    before, before_resp = two_units(n_a=6, n_b=6, n_tiny=0)
    # Ops drops to 3 people; Desk (5, the smallest visible unit) is hidden to protect it.
    after_spec = (
        [("Care", f"a{i}", "work", "factory_floor") for i in range(6)]
        + [("Ops", f"b{i}", "work", "factory_floor") for i in range(3)]
        + [("Desk", f"d{i}", "work", "factory_floor") for i in range(5)]
    )
    after = scored_frame(after_spec)
    change = pf.wave_change(
        before, after, before_resp, after[["unit", "respondent_id"]].drop_duplicates(), 5
    )
    assert "Ops" not in set(change["unit"]) and "Desk" not in set(change["unit"])
    care = change.set_index("unit").loc["Care"]
    assert care["change"] == pytest.approx(-80.0) and care["significant"]


def with_non_answers(spec, unit, count):
    """Turn the first ``count`` respondents of ``unit`` into people who answered "n/a"."""
    scored = scored_frame(spec)
    people = scored.loc[scored["unit"] == unit, "respondent_id"].drop_duplicates()[:count]
    mask = scored["respondent_id"].isin(people)
    scored.loc[mask, "quadrant"] = "unclassified"
    scored.loc[mask, ["focus", "result"]] = 0.0
    return scored


def test_units_are_judged_on_the_people_behind_their_scores():
    """A unit of 6 where 4 answered "n/a" would show 2 people's scores: it is hidden."""
    scored, respondents = two_units(n_a=6, n_b=8, n_tiny=0)
    spec = list(scored[["unit", "respondent_id", "question", "quadrant"]].itertuples(index=False))
    spec += [("Desk", f"d{i}", q, "factory_floor") for i in range(9) for q in ("work", "success")]
    scored = with_non_answers(spec, "Care", 4)
    respondents = scored[["unit", "respondent_id"]].drop_duplicates()
    assert respondents.groupby("unit").size()["Care"] == 6
    profile = pf.orientation_profile(scored, respondents, 5)
    lenses = pf.say_measure_value_reward(
        scored,
        respondents,
        scored.iloc[0:0].assign(
            owner_unit=[], measured=[], reported=[], incentivised=[], incentive_weight=[]
        ),
        5,
    )
    assert "Care" not in set(profile["unit"]) and "Care" not in set(lenses["unit"])
    # Care (2 scored) and Ops, the next smallest, hidden; Desk shown
    assert set(profile["unit"]) == {"All units", "Desk"}


def test_say_is_blank_when_too_few_people_gave_a_classified_answer():
    spec = [("Care", f"a{i}", q, "customer_outcome") for i in range(6) for q in ("work", "success")]
    scored = with_non_answers(spec, "Care", 3)
    respondents = scored[["unit", "respondent_id"]].drop_duplicates()
    no_metrics = pd.DataFrame(
        columns=[
            "owner_unit",
            "measured",
            "reported",
            "incentivised",
            "incentive_weight",
            "quadrant",
            "focus",
            "result",
        ]
    )
    lenses = pf.say_measure_value_reward(scored, respondents, no_metrics, 5)
    org = lenses.set_index("unit").loc["All units"]
    assert pd.isna(org["say"]) and org["say_n"] == 3
    assert pf.orientation_profile(scored, respondents, 5).empty


def test_profile_of_a_wave_too_small_to_show_is_empty_with_its_columns():
    scored, respondents = two_units(n_a=2, n_b=0, n_tiny=0)
    profile = pf.orientation_profile(scored, respondents, 5)
    assert profile.empty and list(profile.columns) == pf.PROFILE_COLUMNS
    assert pf.work_success_gap(profile).empty


def test_wave_change_counts_people_with_classified_answers():
    before, before_resp = two_units(n_a=6, n_b=6, n_tiny=0)
    spec = list(before[["unit", "respondent_id", "question", "quadrant"]].itertuples(index=False))
    spec += [("Desk", f"d{i}", "work", "factory_floor") for i in range(7)]
    after = with_non_answers(spec, "Care", 4)
    after_resp = after[["unit", "respondent_id"]].drop_duplicates()
    before_spec = spec[: len(before)] + [
        ("Desk", f"d{i}", "work", "customer_outcome") for i in range(7)
    ]
    before = scored_frame(before_spec)
    change = pf.wave_change(
        before, after, before[["unit", "respondent_id"]].drop_duplicates(), after_resp, 5
    )
    assert "Care" not in set(change["unit"])  # 6 people, but only 2 with a classified answer
    # Ops, the next smallest, is hidden with it so the two cannot be recovered from the total
    assert set(change["unit"]) == {"All units", "Desk"}


# --- bootstrap memory -----------------------------------------------------------------------


class RecordingGenerator:
    """Wraps a numpy Generator and records the size of every array of draws it returns."""

    def __init__(self, rng, sizes):
        self._rng, self._sizes = rng, sizes

    def integers(self, *args, **kwargs):
        out = self._rng.integers(*args, **kwargs)
        self._sizes.append(out.size)
        return out

    def choice(self, *args, **kwargs):
        out = self._rng.choice(*args, **kwargs)
        self._sizes.append(out.size)
        return out

    def __getattr__(self, name):
        return getattr(self._rng, name)


@pytest.fixture
def recorded_draws(monkeypatch):
    import numpy as np

    sizes: list[int] = []
    real = np.random.default_rng
    monkeypatch.setattr(
        pf.np.random, "default_rng", lambda seed=None: RecordingGenerator(real(seed), sizes)
    )
    return sizes


def test_resample_blocks_cover_the_draw_in_bounded_pieces():
    for reps, n, cells in [(1000, 3, 100), (1000, 250, 1000), (7, 2500, 1000), (1, 1, 10)]:
        blocks = list(pf.resample_blocks(reps, n, cells))
        assert all((r1 - r0) * (c1 - c0) <= max(cells, 1) for r0, r1, c0, c1 in blocks)
        assert sum((r1 - r0) * (c1 - c0) for r0, r1, c0, c1 in blocks) == reps * n


def test_bootstrap_memory_does_not_grow_with_answers_times_repetitions(monkeypatch, recorded_draws):
    import numpy as np

    monkeypatch.setattr(pf, "MAX_CELLS", 5_000)
    rng = np.random.default_rng(3)
    for people in (400, 1_200, pf.NORMAL_FROM - 1):
        scored = pd.DataFrame(
            {
                "respondent_id": [f"r{i}" for i in range(people)],
                "quadrant": "customer_outcome",
                "focus": rng.uniform(-1, 1, people),
                "result": rng.uniform(-1, 1, people),
            }
        )
        recorded_draws.clear()
        pf.outcome_index(scored, reps=200)
        assert sum(recorded_draws) == 200 * people  # every resample drawn …
        assert max(recorded_draws) <= 5_000  # … never more than the bound at once


def test_large_groups_get_the_normal_interval_without_resampling(monkeypatch, recorded_draws):
    import numpy as np

    rng = np.random.default_rng(5)
    people = pf.NORMAL_FROM
    scored = pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(people)],
            "quadrant": "customer_outcome",
            "focus": rng.uniform(-1, 1, people),
            "result": rng.uniform(-1, 1, people),
        }
    )
    recorded_draws.clear()
    found = pf.outcome_index(scored)
    assert sum(recorded_draws) == 0  # no resampling from NORMAL_FROM people
    per = pf.outcome_probability(scored).to_numpy()
    boots = pf.bootstrap_means(per, pf.BOOTSTRAP, np.random.default_rng(0))
    low, high = np.percentile(100 * boots, [2.5, 97.5])
    assert abs(found.low - low) < 0.2 and abs(found.high - high) < 0.2  # they agree here


def test_bootstrap_blocks_leave_the_interval_unchanged(monkeypatch):
    """The same seed gives the same index and interval, whatever the block size."""
    scored, _ = two_units(n_a=40, n_b=57, n_tiny=0)
    whole = pf.outcome_index(scored)
    monkeypatch.setattr(pf, "MAX_CELLS", 37)
    assert pf.outcome_index(scored) == whole
    assert pf.outcome_index(scored) == pf.outcome_index(scored)


def test_wave_change_resamples_in_bounded_blocks(monkeypatch, recorded_draws):
    before, before_resp = two_units(n_a=30, n_b=30, n_tiny=0)
    after, after_resp = two_units(n_a=30, n_b=30, n_tiny=0)
    whole = pf.wave_change(before, after, before_resp, after_resp, 5)
    monkeypatch.setattr(pf, "MAX_CELLS", 500)
    recorded_draws.clear()
    blocked = pf.wave_change(before, after, before_resp, after_resp, 5)
    assert max(recorded_draws) <= 500
    pd.testing.assert_frame_equal(whole, blocked)
