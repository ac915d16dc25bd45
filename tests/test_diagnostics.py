import pandas as pd
import pytest

from opsworkbench.diagnostics import overview as dg
from opsworkbench.language.scoring import score_metrics, score_responses
from opsworkbench.language.themes import label_words, words


@pytest.fixture
def fixture():
    respondents = pd.DataFrame(
        {
            "wave_id": "w1",
            "respondent_id": [f"r{i}" for i in range(14)],
            "unit": ["Claims"] * 8 + ["Care"] * 4 + ["Tiny"] * 2,
        }
    )
    work = ["I process claims"] * 8 + ["I help patients recover"] * 4 + ["I audit", "n/a"]
    success = ["no backlog"] * 8 + ["patients feel better"] * 4 + ["clean audit", "-"]
    responses = pd.DataFrame(
        {
            "wave_id": "w1",
            "respondent_id": [f"r{i}" for i in range(14)] * 2,
            "question": ["work"] * 14 + ["success"] * 14,
            "text": work + success,
        }
    )
    return respondents, score_responses(respondents, responses)


def test_headline_counts_and_dominant(fixture):
    respondents, scored = fixture
    head = dg.headline(respondents, scored, 5)
    assert head["respondents"] == 14 and head["answers"] == {"work": 14, "success": 14}
    assert head["unclassified"] == 2 and head["dominant"] == "factory_floor"
    assert head["shares"]["customer_outcome"] == pytest.approx(8 / 26, abs=1e-3)


def test_headline_suppressed_for_tiny_organisation(fixture):
    respondents, scored = fixture
    assert dg.headline(respondents, scored, 20)["suppressed"] is True
    assert "shares" not in dg.headline(respondents, scored, 20)


def test_unit_positions_hide_small_and_complementary_units(fixture):
    respondents, scored = fixture
    units = dg.unit_positions(respondents, scored, 5).set_index("unit")
    assert units.loc["Tiny", "suppressed"] and units.loc["Care", "suppressed"]  # Care hides Tiny
    assert units.loc[["Tiny", "Care"], ["focus", "result", "respondents"]].isna().all().all()
    assert (
        units.loc["Claims", "quadrant"] == "factory_floor"
        and units.loc["Claims", "respondents"] == 8
    )


def test_question_comparison_is_tidy_and_sums_to_one(fixture):
    _, scored = fixture
    comp = dg.question_comparison(scored)
    assert set(comp.columns) == {"question", "n", "quadrant", "share"}
    assert comp.groupby("question", observed=True)["share"].sum().round(6).eq(1).all()


def test_metric_stages_weight_incentives():
    metrics = pd.DataFrame(
        {
            "name": ["Claims closed per day", "Customers back in their homes sooner"],
            "description": ["", ""],
            "measured": [True, True],
            "reported": [True, False],
            "incentivised": [True, True],
            "incentive_weight": [0.9, 0.1],
        }
    )
    stages = dg.metric_stages(score_metrics(metrics)).set_index(["stage", "quadrant"])
    assert stages.loc[("measured", "customer_outcome"), "share"] == 0.5
    assert stages.loc[("reported", "customer_outcome"), "share"] == 0.0
    assert stages.loc[("incentivised", "factory_floor"), "share"] == pytest.approx(0.9)


def test_data_quality_reconciles():
    sources = pd.DataFrame(
        {
            "kind": ["survey"],
            "source_file": ["s.csv"],
            "layout": ["generic"],
            "encoding": ["utf-8"],
            "rows_read": [10],
            "rows_loaded": [8],
            "rows_quarantined": [2],
        }
    )
    quarantine = pd.DataFrame(
        {"source_file": ["s.csv"] * 2, "reason": ["empty submission: x", "empty submission: y"]}
    )
    files, reasons = dg.data_quality(sources, quarantine)
    assert files.reconciled.all() and reasons.rows.tolist() == [2]


def test_headline_needs_enough_people_with_a_classified_answer():
    respondents = pd.DataFrame(
        {"wave_id": "w1", "respondent_id": [f"r{i}" for i in range(6)], "unit": "Claims"}
    )
    texts = ["n/a", "-", "don't know", "n/a", "I process claims", "customers get paid fast"]
    responses = pd.DataFrame(
        {
            "wave_id": "w1",
            "respondent_id": respondents["respondent_id"],
            "question": "work",
            "text": texts,
        }
    )
    head = dg.headline(respondents, score_responses(respondents, responses), 5)
    assert head["respondents"] == 6 and head["scored"] == 2
    assert head["suppressed"] and "shares" not in head


def test_unit_with_mostly_non_answers_is_hidden_with_its_complement(fixture):
    respondents, scored = fixture
    # Care has 4 people; give it 5 more who only answered "n/a": 9 respondents, 4 scored
    extra = [f"x{i}" for i in range(5)]
    respondents = pd.concat(
        [respondents, pd.DataFrame({"wave_id": "w1", "respondent_id": extra, "unit": "Care"})]
    )
    responses = pd.DataFrame(
        {
            "wave_id": "w1",
            "respondent_id": extra * 2,
            "question": ["work"] * 5 + ["success"] * 5,
            "text": ["n/a"] * 10,
        }
    )
    scored = pd.concat([scored, score_responses(respondents, responses)], ignore_index=True)
    units = dg.unit_positions(respondents, scored, 5).set_index("unit")
    assert units.loc["Care", "suppressed"] and pd.isna(units.loc["Care", "focus"])
    # Care and Tiny together (6 people) need no further cover, so Claims is shown
    assert dg.hidden_units(respondents, scored, 5) == {"Tiny", "Care"}
    assert units.loc["Claims", "respondents"] == 8


def test_theme_position_needs_enough_people_with_a_classified_answer():
    texts = ["we clear the claims backlog every friday"] * 6 + [
        "customers never have to call us back"
    ] * 6
    scored = pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(12)],
            "unit": "Claims",
            "question": "success",
            "text": [f"{t} {i}" for i, t in enumerate(texts)],
            # only 2 of the backlog theme's answers were classified
            "quadrant": ["unclassified"] * 4 + ["factory_floor"] * 2 + ["customer_outcome"] * 6,
            "focus": [0.0] * 4 + [-0.8] * 2 + [0.8] * 6,
            "result": [0.0] * 4 + [-0.8] * 2 + [0.8] * 6,
            "confidence": 0.9,
            "cues": "",
        }
    )
    themes, _, _ = dg.theme_summary(scored, "success", min_size=5, min_quote_size=10)
    assert len(themes) == 2
    by_size = themes.set_index("label")
    backlog = [label for label in by_size.index if "backlog" in label or "clear" in label][0]
    assert pd.isna(by_size.loc[backlog, "focus"]) and pd.isna(by_size.loc[backlog, "quadrant"])
    other = [label for label in by_size.index if label != backlog][0]
    assert by_size.loc[other, "focus"] == pytest.approx(0.8)


def test_question_comparison_leaves_out_questions_with_too_few_people(fixture):
    _, scored = fixture
    assert dg.question_comparison(scored, 100).empty
    assert set(dg.question_comparison(scored, 5)["question"].astype(str)) == {"work", "success"}


def test_theme_quotes_use_the_label_words_and_only_quotable_units():
    home = [
        "patients going home safely",
        "Patients going home safely and not coming back",
        "more patients going home safely",
        "patients home safely after surgery",
        "patients going home safely, families happy",
        "patients recover and go home",
        "patients going home safely every week",
        "our patients going home safely",
    ]
    queue = [
        "clearing the claims queue by Friday",
        "claims queue clear by Friday",
        "clearing the claims queue before the weekend",
        "the claims queue cleared by Friday",
        "clearing the claims queue by Friday, no backlog",
        "claims queue under control",
        "clearing the claims queue every week",
        "an empty claims queue by Friday",
    ]
    texts = home + queue
    scored = pd.DataFrame(
        {
            "respondent_id": [f"r{i}" for i in range(len(texts))],
            # one person of each theme sits in a unit too small to quote
            "unit": ["Tiny" if i % 8 == 0 else "Ward" for i in range(len(texts))],
            "question": "success",
            "text": texts,
            "quadrant": "customer_outcome",
            "focus": 0.8,
            "result": 0.8,
            "confidence": 0.9,
            "cues": "",
        }
    )
    themes, quotes, _ = dg.theme_summary(scored, "success", min_size=5, min_quote_size=3)
    assert len(themes) == 2
    tiny = set(scored.loc[scored["unit"] == "Tiny", "text"])
    for label, picked in quotes.groupby("label"):
        assert 2 <= len(picked) <= 3 and picked["quote"].is_unique
        assert not set(picked["quote"]) & tiny
        assert all(label_words(label) & set(words(q)) for q in picked["quote"])
