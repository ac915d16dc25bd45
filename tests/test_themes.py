import pandas as pd

from opsworkbench import find_themes

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
