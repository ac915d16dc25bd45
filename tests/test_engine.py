"""Engine 2: the structure of results language, the corpus it learns from, and how it is
measured against the previous engine."""

import pandas as pd
import pytest
from click.testing import CliRunner

from opsworkbench.cli import cli
from opsworkbench.language import orientation
from opsworkbench.language.orientation import default_model, load_corpus, score_texts
from opsworkbench.language.scoring import MODEL_CODE
from opsworkbench.language.structure import matches
from opsworkbench.tools.evaluation import compare_file, heldout
from opsworkbench.vocabulary import OUTCOME_QUADRANTS

# The misreads an analyst would never make: a count of things done is an output, a share of
# people in a state is an outcome, whatever the subject.
TEXTBOOK = [
    ("# of social events organized by the community", "output"),
    ("# of advocacy interventions made", "output"),
    ("% of people registered on an individual basis", "outcome"),
    ("Number of farmers who adopted at least two climate-smart practices", "outcome"),
    ("No. of farmers trained in post-harvest handling (M/F)", "output"),
    ("Proportion of households with access to safely managed drinking water", "outcome"),
    ("Grievance redress mechanism established (yes/no)", "output"),
    ("Average time from application to first payment (days)", "output"),
    ("Km of feeder roads rehabilitated", "output"),
    ("Under-five mortality rate (per 1,000 live births)", "outcome"),
]


@pytest.mark.parametrize("text, result", TEXTBOOK)
def test_textbook_indicators_read_by_their_structure(text, result):
    quadrant = score_texts([text]).quadrant[0]
    assert (quadrant in OUTCOME_QUADRANTS) == (result == "outcome"), quadrant


def test_structure_names_what_is_counted_and_shows_the_words():
    found = dict(matches("# of social events organized by the community"))
    assert found["counts a deliverable"] == "# of social events"
    assert "share of people in a state" in dict(matches("% of women who report feeling safe"))
    assert "counts people reached" in dict(matches("Number of HHs receiving cash (M/F)"))
    assert not matches("I process claims")
    cues = score_texts(["# of advocacy interventions made"]).cues[0]
    assert "output:" in cues and "# of advocacy interventions" in cues


def test_scores_are_the_same_read_at_once_in_parts_or_on_several_cores(monkeypatch):
    texts = load_corpus().text.sample(60, random_state=2).tolist() + ["n/a", ""]
    serial = default_model().score_texts(texts)
    monkeypatch.setattr(orientation, "PART", 7)  # nine parts, read one after another
    pd.testing.assert_frame_equal(default_model().score_texts(texts), serial)
    monkeypatch.setattr(orientation, "PARALLEL_BATCH", 10)  # and on two processes
    pd.testing.assert_frame_equal(default_model().score_texts(texts), serial)


def test_corpus_size_licence_origin_and_no_evaluation_text():
    corpus = load_corpus()
    assert len(corpus) >= 2500 and (corpus.kind == "metric").sum() >= 1500
    assert set(corpus.origin) == {"engine-1", "engine-2"}
    assert set(corpus.focus) == {"internal", "external"}
    assert set(corpus.result) == {"output", "outcome"}
    norm = corpus.text.str.lower().str.replace(r"\W+", " ", regex=True).str.strip()
    assert not norm.duplicated().any()
    for spec in heldout().values():
        held = pd.read_csv(spec["path"]).text.str.lower()
        held = held.str.replace(r"\W+", " ", regex=True).str.strip()
        assert not set(held) & set(norm), spec["path"].name


def test_structure_code_is_part_of_the_model_fingerprint():
    assert "structure.py" in MODEL_CODE


def test_compare_file_measures_both_engines_and_groups(tmp_path):
    path = tmp_path / "labelled.csv"
    pd.DataFrame(
        {
            "text": [t for t, _ in TEXTBOOK],
            "result": [r for _, r in TEXTBOOK],
            "focus": ["external"] * len(TEXTBOOK),
            "donor": ["a", "b"] * (len(TEXTBOOK) // 2),
        }
    ).to_csv(path, index=False)
    reports = compare_file(path, "text", result_column="result", focus_column="focus", by="donor")
    assert list(reports) == ["engine 1", "engine 2"]
    assert reports["engine 2"]["result"]["n"] == len(TEXTBOOK)
    assert set(reports["engine 2"]["groups"]) == {"a", "b"}
    assert reports["engine 2"]["result"]["accuracy"] == 1.0


def test_evaluate_prints_the_previous_engine_beside_this_one():
    result = CliRunner().invoke(cli, ["evaluate", "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "engine 1 → engine 2" in result.output
    assert "answers.csv, n=400" in result.output and "indicators.csv, n=300" in result.output
    assert "factory floor vs customer outcome" in result.output


def test_cues_are_words_never_embedding_dimensions():
    texts = ["the lady on ward 3 got home safely", "month end journals posted and reconciled"]
    scores = score_texts(texts)
    assert scores.quadrant.tolist() == ["customer_outcome", "factory_floor"]
    assert scores.cues.str.len().gt(0).all()
    assert not scores.cues.str.contains(r"dim\d|embeddings").any()
    assert "the lady" in scores.cues[0] and "month end" in scores.cues[1]


def test_embeddings_are_the_same_for_the_same_text_and_part_of_the_fingerprint():
    from opsworkbench.language.embedding import Embeddings

    first = Embeddings().transform(["patients home safely", "clear the queue"]).toarray()
    again = Embeddings().transform(["clear the queue", "patients home safely"]).toarray()
    assert (first == again[::-1]).all() and first.shape == (2, 128)
    assert "embedding.py" in MODEL_CODE
