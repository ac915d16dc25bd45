import re
from pathlib import Path

import pandas as pd

from opsworkbench.diagnostics import recommendations as rc
from opsworkbench.diagnostics.profiles import OutcomeIndex
from opsworkbench.present.html import SECTION_ANCHORS
from opsworkbench.vocabulary import SECTIONS


def test_next_steps_name_what_they_are_about():
    lenses = pd.DataFrame(
        {
            "unit": ["All units", "Desk", "Infra"],
            "say": [40, 60, 10],
            "reward": [20, 5, 12],
            "measure": [30, 30, 10],
        }
    ).assign(gap=lambda f: f["say"] - f["reward"])
    metrics = pd.DataFrame(
        {
            "metric_id": ["M1", "M2"],
            "name": ["Tickets closed", "Users back at work"],
            "owner_unit": ["Desk", "Desk"],
            "incentivised": [True, False],
            "incentive_weight": [0.4, 0.0],
            "quadrant": ["factory_floor", "customer_outcome"],
        }
    )
    perverse = pd.DataFrame(
        {
            "metric_id": ["M1"],
            "name": ["Tickets closed"],
            "owner_unit": ["Desk"],
            "incentive_weight": [0.4],
            "candidates": ["M2 Users back at work"],
        }
    )
    krs = pd.DataFrame(
        {"objective": ["Fast desk"], "question": ["Which customer result does “Close 300” serve?"]}
    )
    objectives = pd.DataFrame(
        {
            "objective": ["Fast desk"],
            "key_results": [1],
            "owner_unit": ["Desk"],
            "no_outcome_kr": [True],
        }
    )
    opportunities = pd.DataFrame(
        {
            "label": ["users back"],
            "importance": [10.0],
            "coverage": [0.0],
            "opportunity": [20.0],
            "matched_metrics": [""],
            "quadrant": ["customer_outcome"],
        }
    )
    steps = rc.next_steps(
        lenses, perverse, krs, objectives, opportunities, {"mode": "focused"}, metrics
    )
    assert steps["about"].tolist() == [
        "Unit: Desk",
        "Metric: M1 Tickets closed (Desk)",
        "Objective: Fast desk (Desk)",
        "Theme: users back",
    ]  # Infra's gap (2 points) is not material
    desk = steps.iloc[0]
    assert (
        "M2 “Users back at work”" in desk["measures"] and "M1 “Tickets closed”" in desk["changes"]
    )
    assert steps.iloc[1]["measures"] == "Pair it with M2 Users back at work."
    assert steps["section"].isin(SECTIONS).all()
    assert not steps[["gap", "language", "measures", "changes"]].eq("").any().any()


def test_executive_summary_has_three_to_five_findings_with_evidence():
    headline = {"suppressed": False, "dominant": "factory_floor", "shares": {"factory_floor": 0.6}}
    lenses = pd.DataFrame(
        {"unit": ["All units"], "say": [30.0], "measure": [20.0], "reward": [10.0]}
    )
    krs = pd.DataFrame({"quadrant": ["factory_floor", "customer_outcome"], "orphan": [True, False]})
    objectives = pd.DataFrame({"no_outcome_kr": [True, False]})
    perverse = pd.DataFrame(
        {"name": ["Tickets closed"], "owner_unit": ["Desk"], "incentive_weight": [0.4]}
    )
    findings = rc.executive_summary(
        "Acme",
        headline,
        OutcomeIndex(20.0, 15.0, 25.0, 40),
        lenses,
        perverse,
        krs,
        objectives,
        {"mode": "focused", "modes": {"factory_floor": ["Desk"]}},
    )
    assert 3 <= len(findings) <= 5
    assert all(section in SECTIONS for _, section in findings)
    assert "Acme" in findings[0][0] and "20 out of 100" in findings[0][0]


def test_every_section_a_finding_can_name_has_an_anchor_in_the_report():
    assert set(SECTION_ANCHORS) == set(SECTIONS)
    report = Path(rc.__file__).parents[1] / "report" / "notebook" / "report.py"
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', report.read_text(encoding="utf-8")))
    assert {a.removeprefix("#") for a in SECTION_ANCHORS.values()} <= anchors


def test_a_theme_label_is_quoted_only_where_it_reads_as_a_phrase():
    assert rc.reads_as_phrase("patients home safely")
    assert rc.reads_as_phrase("clearing the claims queue by Friday")
    assert not rc.reads_as_phrase("cost / budget")
    assert not rc.reads_as_phrase("backlog")
    assert not rc.reads_as_phrase("in the")
    opportunities = pd.DataFrame(
        {
            "label": ["patients home safely", "cost / budget"],
            "importance": [10.0, 9.0],
            "coverage": [0.0, 0.0],
            "opportunity": [20.0, 18.0],
            "matched_metrics": ["", ""],
            "quadrant": ["customer_outcome", "customer_outcome"],
        }
    )
    lenses = pd.DataFrame(columns=["unit", "say", "reward", "measure", "gap"])
    metrics = pd.DataFrame(
        columns=["metric_id", "name", "owner_unit", "incentivised", "incentive_weight", "quadrant"]
    )
    perverse = pd.DataFrame(columns=["metric_id", "name", "owner_unit", "candidates"])
    krs = pd.DataFrame(columns=["objective", "question"])
    objectives = pd.DataFrame(columns=["objective", "key_results", "owner_unit", "no_outcome_kr"])
    steps = rc.next_steps(
        lenses, perverse, krs, objectives, opportunities, {"mode": "focused"}, metrics
    )
    phrase, terms = steps.iloc[0], steps.iloc[1]
    assert (
        "“patients home safely”" in phrase["gap"] and "“patients home safely”" in phrase["language"]
    )
    assert "“" not in terms["gap"] + terms["language"] and "/" not in terms["language"]
