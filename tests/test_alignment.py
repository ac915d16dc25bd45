"""Perverse incentives, OKR health, the capability chain and under-measured outcomes."""

import numpy as np
import pandas as pd
import pytest

from opsworkbench.diagnostics import alignment as al


def metrics_frame():
    return pd.DataFrame(
        {
            "metric_id": ["M1", "M2", "M3", "M4"],
            "name": [
                "Tickets closed per analyst",
                "Customers able to work after a fix",
                "Calls answered",
                "Patching done",
            ],
            "description": ["", "", "", ""],
            "owner_unit": ["Desk", "Desk", "Phones", "Infra"],
            "measured": [True, True, True, True],
            "reported": [True, False, True, True],
            "incentivised": [True, False, True, True],
            "incentive_weight": [0.4, 0.0, 0.3, 0.2],
            "capability_id": ["C1", "C1", "C2", "C3"],
            "quadrant": ["factory_floor", "customer_outcome", "customer_activity", "factory_floor"],
            "focus": [-0.8, 0.8, 0.8, -0.8],
            "result": [-0.8, 0.8, -0.8, -0.8],
        }
    )


def test_unguarded_rewarded_outputs_are_flagged_with_the_cheapest_guard():
    perverse = al.perverse_incentives(metrics_frame())
    assert perverse["metric_id"].tolist() == ["M1", "M3", "M4"]  # ordered by incentive weight
    assert (
        perverse.set_index("metric_id").loc["M1", "candidates"]
        == "M2 Customers able to work after a fix"
    )
    guarded = metrics_frame().assign(incentivised=[True, True, True, True])
    assert "M1" not in set(al.perverse_incentives(guarded)["metric_id"])


def test_okr_health_alignment_orphans_and_questions():
    okrs = pd.DataFrame(
        {
            "okr_id": ["O1-KR1", "O2-KR1", "O2-KR2", "O3-KR1"],
            "parent_ids": [
                np.array([]),
                np.array(["O1-KR1"]),
                np.array(["O1-KR1", "O9-KR9"]),
                np.array([]),
            ],
            "level": ["company", "unit", "unit", "unit"],
            "owner_unit": ["Board", "Desk", "Desk", "Infra"],
            "objective": ["Customers stay", "Desk speed", "Desk speed", "Patch"],
            "key_result": [
                "Customers able to work after a fix",
                "Close 300 tickets",
                "Answer calls in 20s",
                "Patch servers",
            ],
            "capability_id": ["C1", "C1", None, "C3"],
        }
    )
    scored = pd.DataFrame(
        {
            "quadrant": ["customer_outcome", "factory_floor", "customer_activity", "factory_floor"],
            "focus": [0.8, -0.8, 0.8, -0.8],
            "result": [0.8, -0.8, -0.8, -0.8],
        }
    )
    caps = pd.DataFrame({"capability_id": ["C1", "C3"], "name": ["Fix things", "Run"]})
    krs, objectives = al.okr_health(okrs, scored, metrics_frame(), caps)
    k = krs.set_index("okr_id")
    assert k.loc["O2-KR1", "aligned_across"] == "Board" and k.loc["O2-KR1", "aligned_down"]
    assert k.loc["O2-KR2", "missing_parents"] == "O9-KR9"
    assert k.loc["O3-KR1", "orphan"] and not k.loc["O1-KR1", "orphan"]
    assert k.loc["O2-KR2", "no_capability"]
    assert (
        "Close 300 tickets" in k.loc["O2-KR1", "question"] and "M2" in k.loc["O2-KR1", "question"]
    )
    assert k.loc["O1-KR1", "question"] == ""
    o = objectives.set_index("objective")
    assert o.loc["Desk speed", "no_outcome_kr"] and not o.loc["Customers stay", "no_outcome_kr"]


def test_capability_chain_orders_stages_and_hides_small_groups():
    caps = pd.DataFrame(
        {
            "capability_id": ["C3", "C1"],
            "name": ["Run", "Fix"],
            "stage_order": [2, 1],
            "units": [["Infra"], ["Desk"]],
        }
    )
    # Sales (5) is the smallest visible unit, so it is the one hidden to protect Infra (2).
    scored = pd.DataFrame(
        {
            "unit": ["Desk"] * 6 + ["Infra"] * 2 + ["Sales"] * 5,
            "respondent_id": list("abcdefghijklm"),
            "quadrant": ["customer_outcome"] * 6 + ["factory_floor"] * 7,
            "focus": [0.8] * 6 + [-0.8] * 7,
            "result": [0.8] * 6 + [-0.8] * 7,
        }
    )
    respondents = scored[["unit", "respondent_id"]]
    krs = pd.DataFrame(
        {"capability_id": ["C1"], "quadrant": ["factory_floor"], "focus": [-0.8], "result": [-0.8]}
    )
    chain = al.capability_chain(caps, scored, respondents, metrics_frame(), krs, min_size=5)
    assert chain["capability"].drop_duplicates().tolist() == ["Fix", "Run"]
    people = chain[chain.source == "people"].set_index("capability")["index"]
    assert people["Fix"] == pytest.approx(81.0) and np.isnan(people["Run"])  # Infra has 2 people


def test_opportunity_score_follows_outcome_driven_innovation():
    themes = pd.DataFrame(
        {
            "label": ["able to work", "tickets"],
            "terms": ["able, work, customers", "tickets, closed"],
            "share": [0.5, 0.25],
            "quadrant": ["customer_outcome", "factory_floor"],
        }
    )
    metrics = metrics_frame().assign(
        name=["Tickets closed", "Customers able to work after a fix", "Calls", "Patching"]
    )
    ranked = al.under_measured(themes, metrics).set_index("label")
    assert ranked.loc["able to work", "importance"] == 10.0
    assert ranked.loc["able to work", "coverage"] == 4.0  # measured only
    assert ranked.loc["able to work", "opportunity"] == 16.0  # 10 + (10 - 4)
    assert ranked.loc["tickets", "opportunity"] == 5.0  # 5 + max(5 - 10, 0)


def test_analyses_cope_with_an_organisation_without_inventories():
    empty_okrs = pd.DataFrame(
        columns=[
            "okr_id",
            "parent_ids",
            "level",
            "owner_unit",
            "objective",
            "key_result",
            "capability_id",
        ]
    )
    empty_scores = pd.DataFrame(columns=["focus", "result", "quadrant", "confidence", "cues"])
    krs, objectives = al.okr_health(
        empty_okrs, empty_scores, metrics_frame(), pd.DataFrame(columns=["capability_id", "name"])
    )
    assert krs.empty and objectives.empty and "question" in krs.columns
    no_metrics = metrics_frame().iloc[0:0]
    assert al.perverse_incentives(no_metrics).empty
    themes = pd.DataFrame(
        {"label": ["a"], "terms": ["alpha, beta"], "share": [1.0], "quadrant": ["customer_outcome"]}
    )
    assert al.under_measured(themes, no_metrics)["coverage"].tolist() == [0.0]
