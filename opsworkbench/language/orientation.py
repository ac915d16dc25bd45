"""The orientation engine: place texts on focus (internal↔external) and result (output↔outcome)."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from importlib import resources

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from threadpoolctl import threadpool_limits

from opsworkbench.language.embedding import Embeddings
from opsworkbench.language.lexicon import _FOCUS, _RESULT, COLUMNS, CueCounts, is_non_answer
from opsworkbench.language.structure import Structure, matches
from opsworkbench.vocabulary import AXES, QUADRANT_BY_SIDE, QUADRANTS, UNCLASSIFIED

__all__ = [
    "COLUMNS",
    "OrientationModel",
    "default_model",
    "is_non_answer",
    "load_corpus",
    "quadrant_of",
    "score_texts",
]

# What one analyst correction weighs in training, as a share of the corpus.
CORRECTION_SHARE = 0.01
# Texts per core below which one process reads them faster than starting more.
PARALLEL_BATCH = 10_000
# Texts read at once (features, probabilities, cues): this bounds the memory scoring needs.
PART = 5_000
_CUE_PATTERNS = [p for p, _ in _FOCUS] + [p for p, _ in _RESULT]


def normalise(text: str) -> str:
    """Lower-case, numbers to ``0`` and currency/percent signs to words, so '45 claims' ~ '80 claims'."""
    text = str(text).lower().replace("%", " percent ").replace("#", " number ")
    text = re.sub(r"[£$€]", " money ", text)
    return re.sub(r"\d+(?:[.,]\d+)*", "0", text)


def _readable(cue: str) -> bool:
    """Cues worth showing a reader: not only stop words or number placeholders."""
    return any(t not in ENGLISH_STOP_WORDS and t != "0" for t in cue.split())


def quadrant_of(focus: float, result: float) -> str:
    """The quadrant for a position (0 counts as internal / output: silence is not a customer)."""
    return QUADRANT_BY_SIDE[(focus > 0, result > 0)]


def load_corpus() -> pd.DataFrame:
    """The labelled corpus shipped with the package (text, kind, sector, focus, result, hard_case)."""
    with resources.files("opsworkbench.data").joinpath("corpus.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


class OrientationModel(ClassifierMixin, BaseEstimator):
    """Two calibrated linear classifiers over word n-grams and lexicon cue counts.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regressions.
    ngram_range : tuple
        Word n-gram range of the TF-IDF features.
    lexicon : bool
        Add counts of the cue lexicon's word groups as features (helps on unseen wording).
    everyday : bool
        With ``lexicon``, add its groups of people and things named in everyday words
        ("growers", "the lady", "month end").
    structure : bool
        Add the structure of results language as features: what is counted, and whether
        people's state or a deliverable is measured (see :mod:`~opsworkbench.language.structure`).
    embeddings : float
        Weight of the static sentence embedding among the features (0: none; see
        :mod:`~opsworkbench.language.embedding`). It carries meaning to wording the corpus
        never used; explanations still name words, never embedding dimensions.
    calibrate : bool
        Calibrate probabilities with Platt scaling on out-of-fold predictions.
    random_state : int
        Seed for the cross-validation splits used in calibration.
    """

    def __init__(
        self,
        C=4.0,
        ngram_range=(1, 2),
        lexicon=True,
        everyday=True,
        structure=True,
        embeddings=0.5,
        calibrate=True,
        random_state=0,
    ):
        self.C = C
        self.ngram_range = ngram_range
        self.lexicon = lexicon
        self.everyday = everyday
        self.structure = structure
        self.embeddings = embeddings
        self.calibrate = calibrate
        self.random_state = random_state

    def _features(self) -> FeatureUnion:
        words = TfidfVectorizer(
            preprocessor=normalise,
            ngram_range=self.ngram_range,
            sublinear_tf=True,
            token_pattern=r"(?u)\b\w[\w'-]*\b",
        )
        parts = [("words", words)]
        parts += [("cues", CueCounts(self.everyday))] if self.lexicon else []
        parts += [("structure", Structure())] if self.structure else []
        parts += [("embeddings", Embeddings(self.embeddings))] if self.embeddings else []
        return FeatureUnion(parts)

    def fit(self, X, y, sample_weight=None):
        """Fit on texts ``X`` and labels ``y`` (frame with ``focus`` and ``result`` columns).

        BLAS runs single-threaded here: the solver's vector operations are small, and
        OpenBLAS threads that wait for a busy core made a 1 s fit take 30–40 s on a loaded
        2-core machine (parallel report jobs are exactly that).
        """
        with threadpool_limits(1, user_api="blas"):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        X = [str(t) for t in X]
        y = pd.DataFrame(y).reset_index(drop=True)
        self.features_ = self._features().fit(X)
        F = self.features_.transform(X)
        self.classifiers_ = {}
        for axis, (_, positive) in AXES.items():
            target = (y[axis] == positive).astype(int).to_numpy()
            lr = LogisticRegression(C=self.C, class_weight="balanced", max_iter=5000)
            if self.calibrate:
                folds = StratifiedKFold(5, shuffle=True, random_state=self.random_state)
                clf = CalibratedClassifierCV(lr, method="sigmoid", cv=folds, ensemble=False)
            else:
                clf = lr
            self.classifiers_[axis] = clf.fit(F, target, sample_weight=sample_weight)
        self.classes_ = np.array(QUADRANTS)
        return self

    def _read(self, texts: list[str], explain: bool) -> tuple[pd.DataFrame, list[str]]:
        """Probabilities (and cues, with ``explain``) of many texts, in parts of at most
        ``PART`` texts, so memory stays bounded however many there are, and on every core for
        large batches (the cue and structure patterns are pure Python: one core reads about
        7,000 texts a second)."""
        parts = [texts[i : i + PART] for i in range(0, len(texts), PART)] or [[]]
        jobs = min(len(os.sched_getaffinity(0)), len(texts) // PARALLEL_BATCH)
        if jobs < 2:
            done = [self._read_part(part, explain) for part in parts]
        else:
            done = Parallel(n_jobs=jobs)(delayed(self._read_part)(p, explain) for p in parts)
        probs = pd.concat([p for p, _ in done], ignore_index=True)
        return probs, [cue for _, cues in done for cue in cues]

    def _read_part(self, texts: list[str], explain: bool) -> tuple[pd.DataFrame, list[str]]:
        F = self.features_.transform(texts)
        probs = self._probabilities(F)
        return probs, self._explain(texts, F, probs) if explain else []

    def _linear(self, axis: str) -> LogisticRegression:
        clf = self.classifiers_[axis]
        return clf.calibrated_classifiers_[0].estimator if self.calibrate else clf

    def predict_axes(self, X) -> pd.DataFrame:
        """Probability of ``external`` and of ``outcome`` for each text."""
        return self._read([str(t) for t in X], explain=False)[0]

    def _probabilities(self, F) -> pd.DataFrame:
        return pd.DataFrame(
            {axis: clf.predict_proba(F)[:, 1] for axis, clf in self.classifiers_.items()}
        )

    def predict(self, X) -> np.ndarray:
        p = self.predict_axes(X)
        return np.array(
            [quadrant_of(f - 0.5, r - 0.5) for f, r in zip(p["focus"], p["result"], strict=True)]
        )

    def explain(self, X, top: int = 3) -> list[str]:
        """Per text, the words that pushed each axis towards the side it landed on.

        Contributions are exact for the linear model: feature value × coefficient.
        """
        X = [str(t) for t in X]
        F = self.features_.transform(X)
        return self._explain(X, F, self._probabilities(F), top)

    def _explain(self, X: list[str], F, probs: pd.DataFrame, top: int = 3) -> list[str]:
        F = F.tocsr()
        names = self.features_.get_feature_names_out()
        # an embedding dimension names nothing a reader could check: cues are words
        shown = ~pd.Series(names).str.startswith("embeddings__").to_numpy()
        out = []
        for i, text in enumerate(X):
            row = F.getrow(i)
            indices = row.indices[shown[row.indices]]
            values = row.data[shown[row.indices]]
            parts = []
            for axis, (negative, positive) in AXES.items():
                contrib = values * self._linear(axis).coef_[0][indices]
                side = 1 if probs.at[i, axis] >= 0.5 else -1
                order = np.argsort(-contrib * side)
                words = []
                for k in order:
                    if contrib[k] * side <= 0 or len(words) >= top:
                        break
                    word = self._cue_text(names[indices[k]], text)
                    if _readable(word):
                        words.append(word)
                if words:
                    parts.append(
                        f"{positive if side > 0 else negative}: {', '.join(dict.fromkeys(words))}"
                    )
            out.append("; ".join(parts))
        return out

    @staticmethod
    def _cue_text(feature: str, text: str) -> str:
        kind, _, name = feature.partition("__")
        if kind == "cues":  # show the words the lexicon group matched in this text
            index = int(re.sub(r"\D", "", name)) + (0 if name.startswith("focus") else len(_FOCUS))
            found = _CUE_PATTERNS[index].findall(text.lower())
            return found[0] if found else name
        if kind == "structure":  # show the words that gave the text this structure
            return dict(matches(text)).get(name, name)
        return name

    def score(self, X, y=None):
        """Mean quadrant accuracy (scikit-learn convention) against ``y``'s focus/result labels."""
        y = pd.DataFrame(y).reset_index(drop=True)
        truth = [
            quadrant_of(f == "external", r == "outcome")
            for f, r in zip(y["focus"], y["result"], strict=True)
        ]
        return float(np.mean(self.predict(X) == np.array(truth)))

    def score_texts(self, texts: Iterable[str], *, explain: bool = True) -> pd.DataFrame:
        """Scores for every text; see :func:`score_texts`."""
        texts = list(texts)
        out = pd.DataFrame(
            {
                "focus": np.nan,
                "result": np.nan,
                "quadrant": UNCLASSIFIED,
                "confidence": 0.0,
                "cues": "",
            },
            index=range(len(texts)),
        )
        keep = [i for i, t in enumerate(texts) if not is_non_answer(t)]
        if keep:
            p, cues = self._read([str(texts[i]) for i in keep], explain)
            focus, result = (2 * p["focus"] - 1).round(4), (2 * p["result"] - 1).round(4)
            conf = np.maximum(p["focus"], 1 - p["focus"]) * np.maximum(p["result"], 1 - p["result"])
            out.loc[keep, "focus"] = focus.to_numpy()
            out.loc[keep, "result"] = result.to_numpy()
            out.loc[keep, "quadrant"] = [
                quadrant_of(f, r) for f, r in zip(focus, result, strict=True)
            ]
            out.loc[keep, "confidence"] = conf.round(4).to_numpy()
            if explain:
                out.loc[keep, "cues"] = cues
        return out[COLUMNS]


def train(extra: pd.DataFrame | None = None, **params) -> OrientationModel:
    """Fit a model on the shipped corpus plus optional analyst corrections.

    ``extra`` has columns text, focus, result and optionally weight (default: each correction
    weighs as much as 1 % of the corpus, so an analyst's correction keeps its pull however
    large the corpus grows).
    """
    corpus = load_corpus()[["text", "focus", "result"]].assign(weight=1.0)
    if extra is not None and len(extra):
        extra = extra.assign(weight=extra.get("weight", CORRECTION_SHARE * len(corpus)))
        corpus = pd.concat(
            [corpus, extra[["text", "focus", "result", "weight"]]], ignore_index=True
        )
    return OrientationModel(**params).fit(
        corpus["text"], corpus[["focus", "result"]], sample_weight=corpus["weight"].to_numpy()
    )


@functools.lru_cache(maxsize=1)
def default_model() -> OrientationModel:
    """The model trained on the shipped corpus (trained once per process, in about a second)."""
    return train()


def score_texts(
    texts: Iterable[str], model: OrientationModel | None = None, *, explain: bool = True
) -> pd.DataFrame:
    """Score each text on both axes.

    Parameters
    ----------
    texts : iterable of str
        Free texts (answers, metric names, key results).
    model : OrientationModel, optional
        Defaults to :func:`default_model`.
    explain : bool
        Fill ``cues`` (slower; switch off for bulk scoring that needs no explanation).

    Returns
    -------
    DataFrame
        One row per text, in order: ``focus`` and ``result`` in [-1, 1] (2·p − 1 of the
        calibrated probabilities of external and outcome), ``quadrant`` (one of ``QUADRANTS``
        or ``"unclassified"`` for non-answers), ``confidence`` (calibrated probability of the
        quadrant) and ``cues`` (the words that pushed each axis, e.g. ``"external: patients;
        outcome: recover"``).
    """
    return (model or default_model()).score_texts(texts, explain=explain)
