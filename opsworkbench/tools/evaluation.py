"""Measure the orientation engine: cross-validation on the corpus and any labelled file."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold

from opsworkbench.errors import InputError
from opsworkbench.intake.readers import read_table
from opsworkbench.language.orientation import OrientationModel, load_corpus, quadrant_of
from opsworkbench.vocabulary import AXES, CUSTOMER_OUTCOME, FACTORY_FLOOR, QUADRANTS

# The pure cases: the two quadrants a reader must never confuse.
PURE = (FACTORY_FLOOR, CUSTOMER_OUTCOME)
PREVIOUS_ORIGIN = "engine-1"
# The previous engine's features: words and its cue groups only.
PREVIOUS_DESIGN = {"everyday": False, "structure": False, "embeddings": 0}
# Labelled sets shipped for evaluation (opsworkbench/data/heldout; see its README).
HELDOUT = {
    "answers": {
        "file": "answers.csv",
        "text_column": "text",
        "focus_column": "focus",
        "result_column": "result",
        "about": "survey answers written for evaluation",
    },
    "indicators": {
        "file": "indicators.csv",
        "text_column": "text",
        "focus_column": "focus",
        "result_column": "result",
        "about": "indicators and KPIs written for evaluation",
    },
}

# Spellings accepted in labelled files, per axis, mapped to our vocabulary.
LABELS = {
    "focus": {
        "internal": "internal",
        "int": "internal",
        "-1": "internal",
        "external": "external",
        "ext": "external",
        "1": "external",
        "+1": "external",
    },
    "result": {
        "output": "output",
        "outputs": "output",
        "-1": "output",
        "outcome": "outcome",
        "outcomes": "outcome",
        "1": "outcome",
        "+1": "outcome",
    },
}


def quadrants(focus, result) -> list[str]:
    """The quadrant of each pair of labels (``external``/``internal``, ``outcome``/``output``)."""
    return [
        quadrant_of(1 if f == "external" else -1, 1 if r == "outcome" else -1)
        for f, r in zip(focus, result, strict=True)
    ]


def axis_report(truth: pd.Series, predicted: pd.Series) -> dict:
    """Macro-F1 and accuracy for one axis."""
    return {
        "macro_f1": round(float(f1_score(truth, predicted, average="macro")), 4),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "n": int(len(truth)),
    }


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 10
) -> float:
    """Mean gap between stated confidence and observed accuracy, weighted over confidence bins."""
    edges = np.linspace(0, 1, bins + 1)
    ids = np.clip(np.digitize(confidence, edges) - 1, 0, bins - 1)
    gap = sum(
        abs(confidence[ids == b].mean() - correct[ids == b].mean()) * (ids == b).mean()
        for b in range(bins)
        if (ids == b).any()
    )
    return round(float(gap), 4)


def cross_validate(
    model: OrientationModel | None = None,
    corpus: pd.DataFrame | None = None,
    n_splits: int = 5,
    random_state: int = 0,
) -> dict:
    """Stratified k-fold cross-validation on the labelled corpus (stratified by quadrant).

    Returns per-axis macro-F1 and accuracy, quadrant accuracy, the quadrant confusion matrix
    (rows: truth, columns: predicted), accuracy on the hard cases and by kind of text, and the
    expected calibration error of the quadrant confidence.
    """
    model = model or OrientationModel()
    corpus = (corpus if corpus is not None else load_corpus()).reset_index(drop=True)
    truth_q = np.array(quadrants(corpus["focus"], corpus["result"]))
    predicted = pd.DataFrame(
        index=corpus.index, columns=["focus", "result", "confidence"], dtype=object
    )
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    for train_idx, test_idx in folds.split(corpus, truth_q):
        fitted = clone(model).fit(
            corpus.loc[train_idx, "text"], corpus.loc[train_idx, ["focus", "result"]]
        )
        p = fitted.predict_axes(corpus.loc[test_idx, "text"])
        predicted.loc[test_idx, "focus"] = np.where(p["focus"] >= 0.5, "external", "internal")
        predicted.loc[test_idx, "result"] = np.where(p["result"] >= 0.5, "outcome", "output")
        conf = np.maximum(p["focus"], 1 - p["focus"]) * np.maximum(p["result"], 1 - p["result"])
        predicted.loc[test_idx, "confidence"] = conf.to_numpy()
    pred_q = np.array(quadrants(predicted["focus"], predicted["result"]))
    correct = pred_q == truth_q
    hard = corpus.get("hard_case", pd.Series("", index=corpus.index)).eq("yes").to_numpy()
    by_kind = {
        kind: round(float(correct[(corpus["kind"] == kind).to_numpy()].mean()), 4)
        for kind in sorted(corpus["kind"].unique())
    }
    return {
        "n": int(len(corpus)),
        "folds": n_splits,
        "focus": axis_report(corpus["focus"], predicted["focus"]),
        "result": axis_report(corpus["result"], predicted["result"]),
        "quadrant_accuracy": round(float(correct.mean()), 4),
        "hard_case_accuracy": round(float(correct[hard].mean()), 4) if hard.any() else None,
        "accuracy_by_kind": by_kind,
        "calibration_error": expected_calibration_error(
            predicted["confidence"].astype(float).to_numpy(), correct
        ),
        "confusion": pd.DataFrame(
            confusion_matrix(truth_q, pred_q, labels=QUADRANTS), index=QUADRANTS, columns=QUADRANTS
        ),
    }


def summary(report: dict) -> dict:
    """A cross-validation report as plain JSON values (the confusion matrix as nested dicts),
    the form the workspace stores and reports read."""
    out = dict(report)
    confusion = out.get("confusion")
    if isinstance(confusion, pd.DataFrame):
        out["confusion"] = {
            r: {c: int(v) for c, v in row.items()} for r, row in confusion.iterrows()
        }
    return out


def _parse_labels(values: pd.Series, axis: str, column: str, source) -> pd.Series:
    norm = values.astype(str).str.strip().str.lower()
    mapped = norm.map(LABELS[axis])
    bad = mapped.isna() & norm.ne("")
    if bad.any():
        examples = sorted(norm[bad].unique())[:5]
        raise InputError(
            f"labels {examples} are not {axis} labels",
            file=source,
            column=column,
            hint=f"use {sorted(set(LABELS[axis].values()))} (or -1/1)",
        )
    return mapped


def _read_labelled(path, text_column, focus_column, result_column, by=None) -> pd.DataFrame:
    if not (focus_column or result_column):
        raise InputError(
            "name at least one label column (--focus-column or --result-column)", file=path
        )
    frame = read_table(path)
    for col in (text_column, focus_column, result_column, by):
        if col and col not in frame.columns:
            raise InputError(
                "column not found",
                file=path,
                column=col,
                hint=f"columns are {[c for c in frame.columns if not c.startswith('_')]}",
            )
    for axis, column in (("focus", focus_column), ("result", result_column)):
        if column:
            frame[f"_{axis}"] = _parse_labels(frame[column], axis, column, path)
    return frame


def evaluate_frame(frame: pd.DataFrame, text_column: str, model: OrientationModel) -> dict:
    """Per-axis scores on a frame with parsed labels in ``_focus`` / ``_result``; with both
    axes, quadrant accuracy too, and accuracy on the pure cases (factory floor or customer
    outcome: the two a reader must never confuse)."""
    p = model.predict_axes(frame[text_column])
    report = {"n": int(len(frame))}
    predicted = {}
    for axis, (negative, positive) in AXES.items():
        if f"_{axis}" not in frame:
            continue
        truth = frame[f"_{axis}"]
        predicted[axis] = pd.Series(np.where(p[axis] >= 0.5, positive, negative), index=frame.index)
        labelled = truth.notna()
        report[axis] = axis_report(truth[labelled], predicted[axis][labelled])
        report[axis]["confusion"] = pd.crosstab(
            truth[labelled].rename("truth"), predicted[axis][labelled].rename("predicted")
        )
    if len(predicted) == 2:
        both = frame["_focus"].notna() & frame["_result"].notna()
        index = frame.index[both]
        truth_q = pd.Series(quadrants(frame.loc[both, "_focus"], frame.loc[both, "_result"]), index)
        pred_q = pd.Series(quadrants(predicted["focus"][both], predicted["result"][both]), index)
        pure = truth_q.isin(PURE)
        report["quadrant_accuracy"] = round(float((truth_q == pred_q).mean()), 4)
        report["pure"] = {
            "accuracy": round(float((truth_q[pure] == pred_q[pure]).mean()), 4)
            if pure.any()
            else None,
            "n": int(pure.sum()),
        }
    return report


def evaluate_file(
    path: str | Path,
    text_column: str,
    *,
    focus_column: str | None = None,
    result_column: str | None = None,
    model: OrientationModel | None = None,
) -> dict:
    """Evaluate the engine on any labelled CSV/XLSX; rows without a label on an axis are skipped for it."""
    from opsworkbench.language.orientation import default_model

    frame = _read_labelled(path, text_column, focus_column, result_column)
    return {"file": str(path)} | evaluate_frame(frame, text_column, model or default_model())


def compare_file(
    path: str | Path,
    text_column: str,
    *,
    focus_column: str | None = None,
    result_column: str | None = None,
    by: str | None = None,
) -> dict:
    """This engine against the previous one on a labelled file, read once: ``{engine: report}``,
    each report with a ``groups`` entry per value of the ``by`` column when given."""
    frame = _read_labelled(path, text_column, focus_column, result_column, by)
    out = {}
    for name, model in engines().items():
        report = evaluate_frame(frame, text_column, model)
        if by:
            report["groups"] = {
                str(value): evaluate_frame(group, text_column, model)
                for value, group in frame.groupby(by, sort=True)
            }
        out[name] = report
    return out


def previous_model(corpus: pd.DataFrame | None = None) -> OrientationModel:
    """The previous engine, for comparison: its design (words and its cue groups; no everyday
    words, structure or embeddings) trained on its statements (``origin`` engine-1) of
    ``corpus`` (default: the shipped corpus)."""
    corpus = load_corpus() if corpus is None else corpus
    corpus = corpus[corpus["origin"] == PREVIOUS_ORIGIN]
    return OrientationModel(**PREVIOUS_DESIGN).fit(corpus["text"], corpus[["focus", "result"]])


@functools.cache
def engines() -> dict[str, OrientationModel]:
    """The previous engine and this one, by name, trained once per process."""
    from opsworkbench.language.orientation import default_model

    return {"engine 1": previous_model(), "engine 2": default_model()}


def heldout() -> dict[str, dict]:
    """The labelled sets shipped for evaluation, never trained on: name → file and columns."""
    folder = resources.files("opsworkbench.data").joinpath("heldout")
    return {
        name: {"path": Path(str(folder.joinpath(spec["file"])))} | spec
        for name, spec in HELDOUT.items()
    }
