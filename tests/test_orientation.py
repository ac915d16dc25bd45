import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from opsworkbench import QUADRANTS, OrientationModel, load_corpus, score_texts
from opsworkbench.language.orientation import COLUMNS, is_non_answer, train


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


def test_estimator_follows_scikit_learn_conventions():
    model = OrientationModel(C=2.0, random_state=3)
    assert model.get_params()["C"] == 2.0 and not hasattr(model, "classifiers_")
    corpus = load_corpus().head(200)
    fitted = clone(model).fit(corpus.text, corpus[["focus", "result"]])
    assert isinstance(fitted, OrientationModel) and hasattr(fitted, "classifiers_")
    assert set(fitted.predict(["I process claims"])) <= set(QUADRANTS)
    assert 0 <= fitted.score(corpus.text, corpus[["focus", "result"]]) <= 1


def test_training_is_deterministic():
    texts = load_corpus().text.sample(50, random_state=1)
    a, b = train().score_texts(texts), train().score_texts(texts)
    pd.testing.assert_frame_equal(a, b)


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
        ("Patients going home safely and not coming back in", "customer_outcome"),
        ("Number of invoices processed per week", "factory_floor"),
    ],
)
def test_design_examples_and_unseen_wording(text, quadrant):
    assert score_texts([text]).quadrant[0] == quadrant


def test_cues_name_the_words_behind_each_axis():
    cues = score_texts(["Help patients recover and get home safely"]).cues[0]
    assert cues.startswith("external:") and "patients" in cues.split(";")[0]
    assert "outcome:" in cues and "recover" in cues.split("outcome:")[1]
    assert "the" not in cues.replace("there", "").split()


def test_confidence_is_lower_for_mixed_answers():
    clear, mixed = score_texts(
        ["I process claims and clear the queue", "I answer calls so customers are safe"]
    ).confidence
    assert clear > mixed
