"""Themes people talk about: NMF over TF-IDF with an automatic, size-aware number of themes."""

from __future__ import annotations

import functools
import hashlib
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from opsworkbench.language.orientation import is_non_answer, normalise

# Words that frame an answer rather than say what it is about.
FRAMING_WORDS = {
    "work",
    "job",
    "role",
    "success",
    "successful",
    "look",
    "looks",
    "like",
    "mostly",
    "mainly",
    "basically",
    "honestly",
    "really",
    "probably",
    "think",
    "say",
    "just",
    "make",
    "making",
    "sure",
    "day",
    "good",
    "week",
    "things",
    "thing",
    "lot",
    "lots",
    "bit",
    "im",
    "i'm",
    "it's",
    "that's",
    "tbh",
    "also",
    "able",
    "get",
    "getting",
    "right",
    "time",
    "0",
    "depends",
    "way",
    "responsible",
    "simple",
    "see",
    "doing",
    "do",
    "dont",
    "don't",
    "know",
    "busy",
    "help",
}
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | FRAMING_WORDS)
COHERENCE_TOLERANCE = 0.02
MAX_UNASSIGNED = 0.15


@dataclass
class Themes:
    """Themes found in a set of answers.

    ``table`` has one row per theme (theme, key, label, terms, size, share); ``assignment``
    gives each input text's theme number (``-1``: unassigned or a non-answer); ``note``
    explains an empty result.
    """

    table: pd.DataFrame
    assignment: pd.Series
    note: str = ""

    def to_json(self) -> str:
        """The themes as JSON, to store them (see :meth:`from_json`)."""
        return json.dumps(
            {
                "table": self.table.to_dict(orient="records"),
                "columns": list(self.table.columns),
                "assignment": self.assignment.tolist(),
                "note": self.note,
            }
        )

    @classmethod
    def from_json(cls, text: str, index: pd.Index) -> Themes:
        """Stored themes for texts with this ``index`` (in the order they were found in)."""
        found = json.loads(text)
        table = pd.DataFrame(found["table"], columns=found["columns"])
        return cls(table, pd.Series(found["assignment"], index=index, dtype=int), found["note"])

    @property
    def unassigned_share(self) -> float:
        answered = self.assignment[self.assignment != -2]
        return float((answered == -1).mean()) if len(answered) else 0.0


def _coherence(binary, top: np.ndarray) -> float:
    """Mean NPMI of each theme's top terms over document co-occurrence (-1 … 1, higher is better)."""
    n = binary.shape[0]
    p = np.asarray(binary.sum(axis=0)).ravel() / n
    scores = []
    for terms in top:
        sub = binary[:, terms]
        joint = (sub.T @ sub).toarray() / n
        for i in range(1, len(terms)):
            for j in range(i):
                pij = joint[i, j]
                scores.append(
                    -1.0 if pij == 0 else np.log(pij / (p[terms[i]] * p[terms[j]])) / -np.log(pij)
                )
    return float(np.mean(scores))


def _support(X, theme_of: np.ndarray, components: np.ndarray, t: int) -> int:
    """How many of a theme's answers use one of its two strongest terms."""
    members = theme_of == t
    top = np.argsort(-components[t])[:2]
    return int((X[members][:, top].sum(axis=1) > 0).sum()) if members.any() else 0


def _label(terms: list[str]) -> str:
    """A readable label: the strongest phrase, plus the next word it does not already contain."""
    phrases = [t for t in terms[:3] if " " in t]
    first = phrases[0] if phrases else terms[0]
    extra = next((t for t in terms if not set(t.split()) & set(first.split())), None)
    return f"{first} / {extra}" if extra else first


@functools.cache
def _code_digest() -> bytes:
    """This module's code, hashed once a process (themes depend on it)."""
    return hashlib.sha256(Path(__file__).read_bytes()).digest()


def themes_key(texts: pd.Series, *, min_theme_size: int) -> str:
    """What :func:`find_themes` depends on: the texts in order, the theme minimum and this code.
    Themes stored under an equal key are the themes :func:`find_themes` would find."""
    digest = hashlib.sha256(_code_digest())
    digest.update(f"{min_theme_size}\x1e".encode())
    for text in pd.Series(texts).astype(str):
        digest.update(text.encode() + b"\x1f")
    return digest.hexdigest()[:32]


def find_themes(
    texts: pd.Series,
    *,
    min_theme_size: int = 5,
    max_themes: int = 12,
    selection_sample: int = 4000,
    random_state: int = 0,
) -> Themes:
    """Find themes in free-text answers.

    The number of themes is chosen by topic coherence among the counts that leave every theme
    with at least ``min_theme_size`` answers, so small samples get few themes or none rather
    than invented ones. Non-answers are removed first (assignment ``-2``).

    Parameters
    ----------
    texts : Series
        Answers (any index; the assignment keeps it).
    min_theme_size : int
        Fewest answers a theme may have (use the privacy minimum or more).
    max_themes : int
        Upper bound on the number of themes.
    selection_sample : int
        Answers used to choose the number of themes on large inputs (the final fit uses all).
    """
    # 400 iterations is plenty for labels; on a handful of answers NMF's reconstruction error
    # can round below zero (a harmless NaN in a figure not used here)
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _find_themes(
            pd.Series(texts), min_theme_size, max_themes, selection_sample, random_state
        )


def _find_themes(texts, min_theme_size, max_themes, selection_sample, random_state) -> Themes:
    assignment = pd.Series(-2, index=texts.index, dtype=int)
    valid = texts[~texts.map(is_non_answer)].astype(str)
    empty = pd.DataFrame(columns=["theme", "key", "label", "terms", "size", "share"])
    if valid.empty:
        return Themes(empty, assignment, "every answer is a non-answer such as “n/a”")
    if len(valid) < 2 * min_theme_size:
        return Themes(
            empty,
            assignment,
            f"{len(valid)} answers are too few to find themes "
            f"(at least {2 * min_theme_size} needed)",
        )
    vectorizer = TfidfVectorizer(
        preprocessor=normalise,
        stop_words=STOP_WORDS,
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.6,
        sublinear_tf=True,
        max_features=5000,
        token_pattern=r"(?u)\b[a-z][\w'-]+\b",
    )
    try:
        X = vectorizer.fit_transform(valid)
    except ValueError:  # no word occurs twice
        return Themes(empty, assignment.where(assignment == -2, -1), "answers share no vocabulary")
    terms = vectorizer.get_feature_names_out()
    rng = np.random.default_rng(random_state)
    rows = np.sort(rng.choice(X.shape[0], min(selection_sample, X.shape[0]), replace=False))
    Xs = X[rows]
    binary = (Xs > 0).astype(float)
    scored = []
    for k in range(2, min(max_themes, len(valid) // min_theme_size, *Xs.shape) + 1):
        nmf = NMF(k, init="nndsvda", random_state=random_state, max_iter=400).fit(Xs)
        H = nmf.components_
        theme_of = np.asarray(nmf.transform(Xs).argmax(axis=1)).ravel()
        sizes = np.bincount(theme_of, minlength=k)
        scaled_min = min_theme_size * len(rows) / X.shape[0]
        if sizes.min() < max(scaled_min, 2):
            continue
        scored.append((k, _coherence(binary, np.argsort(-H, axis=1)[:, :6])))
    # Coherence is noisy from one k to the next (and two broad themes always look coherent):
    # smooth it over neighbouring k, then take the richest set within reach of the best.
    best = None
    if scored:
        values = np.array([c for _, c in scored])
        smooth = np.array([values[max(i - 1, 0) : i + 2].mean() for i in range(len(values))])
        reachable = [
            k
            for (k, _), c in zip(scored, smooth, strict=True)
            if c >= smooth.max() - COHERENCE_TOLERANCE
        ]
        best = (float(smooth.max()), max(reachable))
    if best is None:
        return Themes(
            empty,
            assignment.where(assignment == -2, -1),
            f"no set of themes with at least {min_theme_size} answers each",
        )
    model = NMF(best[1], init="nndsvda", random_state=random_state, max_iter=400).fit(X)
    W = model.transform(X)
    # A theme stands only if enough people use its own words; otherwise its answers go to
    # their next-best theme, so no theme is carried by a handful of loosely similar answers.
    alive = np.ones(best[1], bool)
    while True:
        masked = np.where(alive, W, 0)
        theme_of = np.where(masked.max(axis=1) > 0, masked.argmax(axis=1), -1)
        weak = [
            t
            for t in np.flatnonzero(alive)
            if _support(X, theme_of, model.components_, t) < min_theme_size
        ]
        if not weak:
            break
        alive[min(weak, key=lambda t: _support(X, theme_of, model.components_, t))] = False
    if not alive.any():
        return Themes(
            empty,
            assignment.where(assignment == -2, -1),
            f"no theme is shared by at least {min_theme_size} answers",
        )
    unassigned = float((theme_of == -1).mean())
    if unassigned > MAX_UNASSIGNED:
        return Themes(
            empty,
            assignment.where(assignment == -2, -1),
            f"answers are too varied: {unassigned:.0%} share no theme's vocabulary",
        )
    assignment.loc[valid.index] = theme_of
    table = []
    for t in np.flatnonzero(alive):
        top = [terms[i] for i in np.argsort(-model.components_[t])[:6]]
        size = int((theme_of == t).sum())
        table.append(
            {
                "theme": t,
                "key": "|".join(sorted(top[:5])),
                "label": _label(top),
                "terms": ", ".join(top),
                "size": size,
                "share": size / len(valid),
            }
        )
    return Themes(
        pd.DataFrame(table)
        .sort_values("size", ascending=False, kind="stable")
        .reset_index(drop=True),
        assignment,
    )
