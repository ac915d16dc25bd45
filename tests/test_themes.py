from pathlib import Path

import pandas as pd
import pytest

from opsworkbench import find_themes
from opsworkbench.language.themes import themes_key, words

QUEUE = [
    "clear the queue by friday",
    "queue cleared and backlog gone",
    "no backlog in the queue",
    "the queue is empty by friday",
    "backlog under control, queue clear",
    "queue clear before the weekend",
]
PATIENTS = [
    "patients recover and go home",
    "patients going home safely",
    "patients recover well at home",
    "patients home and not readmitted",
    "patients recover without harm",
    "patients feel better going home",
]
COST = [
    "cost per claim down",
    "lower cost per claim",
    "cost down against budget",
    "budget met and cost down",
    "cost per claim below budget",
    "department cost within budget",
]


def test_clear_themes_are_found_and_labelled():
    texts = pd.Series((QUEUE + PATIENTS + COST) * 2)
    themes = find_themes(texts, min_theme_size=5)
    assert 3 <= len(themes.table) <= 4  # "cost per claim" and "budget" may stand apart
    labels = " ".join(themes.table.label)
    assert "queue" in labels and "patients" in labels and "cost" in labels
    group = pd.Series(["queue"] * 6 + ["patients"] * 6 + ["cost"] * 6).tolist() * 2
    pairs = pd.DataFrame({"group": group, "theme": themes.assignment.to_numpy()})
    assert (pairs.groupby("theme")["group"].nunique() == 1).all()  # no theme mixes topics
    assert pairs[pairs.group != "cost"].groupby("group")["theme"].nunique().eq(1).all()
    assert themes.unassigned_share <= 0.15
    assert themes.table["size"].sum() == len(texts)


def test_non_answers_are_filtered_first_and_kept_out():
    texts = pd.Series((QUEUE + PATIENTS + COST) * 2 + ["n/a", "-", "don't know"])
    themes = find_themes(texts, min_theme_size=5)
    assert (themes.assignment.iloc[-3:] == -2).all()


def test_tiny_or_unrelated_samples_get_no_invented_themes():
    assert find_themes(pd.Series(QUEUE[:4]), min_theme_size=5).table.empty
    unrelated = pd.Series([f"word{i} thing{i} stuff{i}" for i in range(30)])
    result = find_themes(unrelated, min_theme_size=5)
    assert result.table.empty and result.note


def test_same_input_same_themes():
    texts = pd.Series((QUEUE + PATIENTS + COST) * 3)
    a, b = find_themes(texts), find_themes(texts)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.assignment.equals(b.assignment)


def test_tiny_vocabulary_does_not_crash():
    texts = pd.Series(["I process orders"] * 20 + ["happy customers"] * 20)
    result = find_themes(texts, min_theme_size=5)
    assert len(result.table) <= 2


# --- Labels, order and coverage on real text -------------------------------------------------

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
WORK = "What is your work?"
SUCCESS = "What does success look like?"


@pytest.fixture(scope="module")
def real_answers() -> pd.Series:
    """About 500 answers to "What is your work?" from one organisation's office and IT staff:
    O*NET task statements of clerical (SOC 43) and computer (SOC 15) occupations."""
    path = BENCHMARKS / "onet_task_statements.csv"
    if not path.exists():
        pytest.skip("the O*NET benchmark is not beside the repository")
    onet = pd.read_csv(path)
    family = onet["source"].str.extract(r"soc=(\d\d)-", expand=False)
    return onet.loc[family.isin(["43", "15"]), "text"].reset_index(drop=True)


@pytest.fixture(scope="module")
def real_themes(real_answers):
    return find_themes(real_answers, min_theme_size=5, exclude=[WORK])


def members(texts: pd.Series, themes, theme: int) -> pd.Series:
    return texts[themes.assignment.to_numpy() == theme]


def assert_phrase_labels(texts: pd.Series, themes, question: str) -> None:
    banned = {"work", "job", "success", "successful", "look", "looks", "like"}
    banned |= set(words(question)) - {"what", "is", "your", "does"}
    for row in themes.table.itertuples():
        label = words(row.label)
        assert "/" not in row.label and 2 <= len(label) <= 6, row.label
        assert not set(label) & banned, row.label
        # the phrase itself is in the theme's own answers (at least two of them)
        used = members(texts, themes, row.theme).map(
            lambda t, label=label: " ".join(label) in " ".join(words(t))
        )
        assert used.sum() >= 2, row.label
    assert themes.table["label"].str.lower().is_unique


def test_labels_are_phrases_from_the_answers():
    texts = pd.Series((QUEUE + PATIENTS + COST) * 2)
    themes = find_themes(texts, min_theme_size=5, exclude=[SUCCESS])
    assert_phrase_labels(texts, themes, SUCCESS)
    assert any("queue" in label for label in themes.table.label)


def test_labels_never_repeat_the_question():
    base = [
        "potholes on the high street",
        "potholes on our road never fixed",
        "the potholes on station road",
        "speeding traffic near the school",
        "speeding traffic outside the school gates",
        "speeding traffic at school time",
        "litter in the park",
        "litter in the park after weekends",
        "litter piling up in the park",
    ]
    texts = pd.Series(
        [f"the issue is {t}" for t in base] + [f"{t}, that is the issue" for t in base]
    )
    question = "Which neighbourhood issue matters most to you?"
    themes = find_themes(texts, min_theme_size=5, exclude=[question])
    assert len(themes.table) >= 2
    assert_phrase_labels(texts, themes, question)
    assert not themes.table["label"].str.contains("issue").any()
    assert not themes.table["terms"].str.contains("issue").any()


def test_real_answers_get_distinct_phrase_labels_and_most_answers_a_theme(
    real_answers, real_themes
):
    table = real_themes.table
    assert len(table) >= 3
    assert (real_themes.assignment >= 0).mean() >= 0.85
    assert_phrase_labels(real_answers, real_themes, WORK)
    tops = [set(terms.split(", ")) for terms in table["terms"]]
    overlap = [len(a & b) / len(a | b) for i, a in enumerate(tops) for b in tops[i + 1 :]]
    assert max(overlap) <= 0.2  # each theme has words of its own


def assert_same_themes(texts: pd.Series, themes, shuffled: pd.Series, again) -> None:
    """Equal themes and labels, and each answer in the theme of the same label."""
    pd.testing.assert_frame_equal(themes.table, again.table)
    label = dict(zip(themes.table["theme"], themes.table["label"], strict=True))
    assert themes.assignment.map(label).equals(again.assignment.reindex(texts.index).map(label))


def test_shuffled_answers_get_the_same_themes(real_answers, real_themes):
    shuffled = real_answers.sample(frac=1, random_state=3)
    again = find_themes(shuffled, min_theme_size=5, exclude=[WORK])
    assert_same_themes(real_answers, real_themes, shuffled, again)
    texts = pd.Series((QUEUE + PATIENTS + COST) * 2)
    shuffled = texts.sample(frac=1, random_state=3).reset_index(drop=True)
    a, b = find_themes(texts), find_themes(shuffled)
    pd.testing.assert_frame_equal(a.table, b.table)
    label = dict(zip(a.table["theme"], a.table["label"], strict=True))
    pairs = set(zip(texts, a.assignment.map(label), strict=True))
    assert pairs == set(zip(shuffled, b.assignment.map(label), strict=True))


def test_stored_themes_stay_keyed_by_the_answers_in_order(real_answers):
    key = themes_key(real_answers, min_theme_size=5, exclude=[WORK])
    assert key == themes_key(real_answers.copy(), min_theme_size=5, exclude=[WORK])
    assert key != themes_key(real_answers[::-1], min_theme_size=5, exclude=[WORK])
    assert key != themes_key(real_answers, min_theme_size=5)


def test_few_answers_get_no_themes(real_answers):
    for texts in (real_answers.head(9), pd.Series(QUEUE + PATIENTS[:3])):
        result = find_themes(texts, min_theme_size=5)
        assert result.table.empty and "too few" in result.note
        assert (result.assignment == -2).all()


def test_same_real_answers_same_labels(real_answers, real_themes):
    again = find_themes(real_answers, min_theme_size=5, exclude=[WORK])
    pd.testing.assert_frame_equal(real_themes.table, again.table)
    assert real_themes.assignment.equals(again.assignment)
