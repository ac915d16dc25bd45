import numpy as np
import pytest

from opsworkbench import QUADRANTS, score_texts
from opsworkbench.orientation import COLUMNS, is_non_answer


def test_contract_one_row_per_text_in_range():
    texts = [
        "I process claims",
        "Patients get home safely",
        "n/a",
        "",
        "Operating margin up 3 points",
    ]
    scores = score_texts(texts)
    assert list(scores.columns) == COLUMNS and len(scores) == len(texts)
    classified = scores[scores.quadrant != "unclassified"]
    assert classified[["focus", "result"]].abs().le(1).all().all()
    assert scores.confidence.between(0, 1).all()
    assert set(scores.quadrant) <= {*QUADRANTS, "unclassified"}


@pytest.mark.parametrize(
    "text", ["n/a", "N/A", "-", "don't know", "Same as above.", "?", "", None, np.nan, "..."]
)
def test_non_answers_are_unclassified(text):
    assert is_non_answer(text)
    row = score_texts([text]).iloc[0]
    assert row.quadrant == "unclassified" and np.isnan(row.focus) and row.confidence == 0


@pytest.mark.parametrize(
    "text, quadrant",
    [
        ("clear my queue before 5pm", "factory_floor"),
        ("customers don't have to call back", "customer_outcome"),
        ("handle 80 customer calls a day", "customer_activity"),
        ("operating margin up 3 points", "business_result"),
    ],
)
def test_design_examples(text, quadrant):
    assert score_texts([text]).quadrant[0] == quadrant


def test_cues_explain_the_score_and_scoring_is_deterministic():
    texts = ["Help patients recover and get home safely"] * 2
    a, b = score_texts(texts), score_texts(texts)
    assert a.equals(b)
    assert "patients" in a.cues[0] and "safely" in a.cues[0]
