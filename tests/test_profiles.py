"""Orientation profile, say/measure/value/reward, hybrids and change, on hand-made scores."""

import pandas as pd
import pytest

from opsworkbench import profiles as pf

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
