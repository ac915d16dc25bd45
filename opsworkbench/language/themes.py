"""Themes people talk about: NMF over TF-IDF with an automatic, size-aware number of themes,
each named by a phrase its own answers use."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
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
# No themes when more than this share of answers shares no vocabulary with any theme.
MAX_UNASSIGNED = 0.5

# Labels: phrases of 2–6 words from the answers, within a clause. A label never uses the
# question's words, fillers or a clause's linking word, and it neither starts nor ends on a
# stop word, except those that carry meaning there ("no backlog", "keeping the servers up").
LABEL_WORDS = (2, 6)
QUESTION_WORDS = {"work", "job", "role", "success", "successful", "successfully", "look", "like"}
NOT_IN_LABELS = {
    *("mostly", "mainly", "basically", "honestly", "really", "probably", "think", "say", "tbh"),
    *("im", "i'm", "i'd", "it's", "that's", "simple", "depends", "lot", "lots", "bit", "thing"),
    *("also", "just", "dont", "don't", "know", "etc", "eg"),
    # words that start another clause
    *("because", "so", "when", "whenever", "while", "who", "which", "if", "although", "though"),
    *("since", "unless", "whether", "until", "where", "whereas"),
}
_CONTENT = {
    *("keep", "take", "give", "put", "find", "fill", "call", "show", "move", "system", "bill"),
    *("fire", "top", "bottom", "front", "side", "part", "detail", "interest", "amount", "done"),
    *("made", "found", "full", "empty", "back"),
}
_STOP = (
    ENGLISH_STOP_WORDS | FRAMING_WORDS | {"didnt", "doesnt", "isnt", "wasnt", "arent"}
) - _CONTENT
NOT_FIRST = _STOP - {"no", "less", "more", "fewer", "never", "every", "zero", "same", "first"}
NOT_LAST = _STOP - {"up", "down", "out", "off", "well", "time", "day", "week"}
_CLAUSE = re.compile(r"[^\w\s'’-]|(?<!\w)-|-(?!\w)")  # punctuation ends a phrase
_TOKEN = re.compile(r"\w+(?:['’-]\w+)*")


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


def _word(token: str) -> str:
    """A word's lemma-ish normal form: lower case, without a possessive or plural ``s``."""
    w = token.lower().replace("’", "'").removesuffix("'s")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def words(text: str) -> list[str]:
    """The normal forms of a text's words, as labels are matched to answers."""
    return [_word(t) for t in _TOKEN.findall(str(text))]


def label_words(label: str) -> set[str]:
    """A label's content words (normal forms), to find the answers that use it."""
    return set(words(label)) - ENGLISH_STOP_WORDS


def _question_words(questions: Iterable[str]) -> set[str]:
    """The questions' content words and framing words, with their inflections (``issue``:
    ``issues``, ``issued``…), which neither a theme's terms nor its label may use."""
    found = set(QUESTION_WORDS)
    for q in questions:
        found |= {t.lower() for t in _TOKEN.findall(str(q)) if len(t) > 2} - ENGLISH_STOP_WORDS
    forms = set()
    for w in found:
        forms |= {w + end for end in ("", "s", "es", "ed", "d", "ing")}
        forms |= {w[:-1] + "ing"} if w.endswith("e") else set()
    return forms


def _edge(word: str, stop: set[str]) -> bool:
    """Whether a phrase may not start (or end) on this lower-case word: one of the ``stop``
    words, or a contraction such as "we're"."""
    return word in stop or ("'" in word.replace("’", "'") and not word.endswith("s"))


def _phrases(text: str, banned: set[str]) -> dict[tuple[str, ...], tuple[str, str]]:
    """Candidate labels in one answer, ``{normal form: (wording, next word)}``: runs of 2–6
    words within a clause that neither start nor end on a stop word, nor next to a number (a
    phrase cut at a number reads as a fragment), without numbers or ``banned`` words. The next
    word is "" at the clause's end or before "and", "or", "but" or a ``banned`` word."""
    found = {}
    for clause in _CLAUSE.split(str(text)):
        tokens = _TOKEN.findall(clause)
        if tokens and tokens[0].istitle():  # a capital that only starts a sentence
            tokens[0] = tokens[0].lower()
        lower = [t.lower() for t in tokens]
        norms = [_word(t) for t in tokens]
        number = [t.isdigit() for t in tokens] + [False]
        for i in range(len(tokens)):
            if _edge(lower[i], NOT_FIRST) or number[i - 1]:  # number[-1] is False
                continue
            for j in range(i, min(i + LABEL_WORDS[1], len(tokens))):
                if number[j] or lower[j] in banned or norms[j] in banned:
                    break
                if j - i + 1 >= LABEL_WORDS[0] and not (_edge(lower[j], NOT_LAST) or number[j + 1]):
                    after = lower[j + 1] if j + 1 < len(tokens) else ""
                    after = "" if after in banned or after in ("and", "or", "but") else after
                    found.setdefault(tuple(norms[i : j + 1]), (" ".join(tokens[i : j + 1]), after))
    return found


def _within(part: tuple, longer: tuple) -> bool:
    return any(longer[i : i + len(part)] == part for i in range(len(longer) - len(part) + 1))


def _labels(texts, theme_of, themes, components, terms, analyzer, banned) -> dict[int, str]:
    """Each theme's label: the phrase most of its answers use and few other answers do, favouring
    its strongest terms, extended while most of those answers still use the longer phrase, in
    its most frequent wording. Larger themes choose first, so labels differ; a theme with no
    shared phrase is named by its strongest term."""
    seen: dict[tuple, Counter] = defaultdict(Counter)  # phrase -> answers per theme
    wording: dict[tuple, Counter] = defaultdict(Counter)
    after: dict[tuple, Counter] = defaultdict(Counter)
    for text, t in zip(texts, theme_of, strict=True):
        if t >= 0:
            for norm, (surface, next_word) in _phrases(text, banned).items():
                seen[norm][t] += 1
                wording[norm][surface] += 1
                after[norm][next_word] += 1
    # a phrase nearly always followed by the same word it could end on is cut short
    # ("deployments going" … "up")
    shared = {
        norm: c
        for norm, c in seen.items()
        if c.total() >= 2
        and not any(
            w and not _edge(w, NOT_LAST) and n >= 0.75 * c.total()
            for w, n in after[norm].most_common(1)
        )
    }
    size = Counter(theme_of.tolist())
    vocab = {term: i for i, term in enumerate(terms)}
    labels, used = {}, set()
    for t in sorted(themes, key=lambda t: (-size[t], t)):
        weights = components[t] / components[t].max()
        score = {}
        for norm, c in shared.items():
            if c[t] >= 2 and norm not in used:
                surface = wording[norm].most_common(1)[0][0]
                topical = sum(weights[vocab[w]] for w in set(analyzer(surface)) if w in vocab)
                score[norm] = c[t] / size[t] * c[t] / c.total() * (0.25 + topical)
        if score:
            best = min(score, key=lambda n: (-score[n], -len(n), n))
            # the longest phrase around it that at least half of its answers still use
            longer = [n for n in score if shared[n][t] >= shared[best][t] / 2 and _within(best, n)]
            best = max(longer, key=lambda n: (len(n), shared[n][t], score[n], n))
            labels[t] = max(wording[best].items(), key=lambda kv: (kv[1], kv[0]))[0]
        else:
            top = [terms[i] for i in np.argsort(-components[t])]
            labels[t] = next((w for w in top if tuple(words(w)) not in used), f"theme {t + 1}")
            best = tuple(words(labels[t]))
        used.add(best)
    return labels


@functools.cache
def _code_digest() -> bytes:
    """This module's code, hashed once a process (themes depend on it)."""
    return hashlib.sha256(Path(__file__).read_bytes()).digest()


def themes_key(texts: pd.Series, *, min_theme_size: int, exclude: Iterable[str] = ()) -> str:
    """What :func:`find_themes` depends on: the texts in order, the theme minimum, the question
    wording excluded and this code. Themes stored under an equal key are the themes
    :func:`find_themes` would find."""
    digest = hashlib.sha256(_code_digest())
    digest.update(f"{min_theme_size}\x1e".encode())
    for question in exclude:
        digest.update(str(question).encode() + b"\x1d")
    digest.update(b"\x1e")
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
    exclude: Iterable[str] = (),
) -> Themes:
    """Find themes in free-text answers, each labelled by a phrase from its answers.

    The number of themes is chosen by topic coherence among the counts that leave every theme
    with at least ``min_theme_size`` answers, so small samples get few themes or none rather
    than invented ones. Non-answers are removed first (assignment ``-2``). The answers' order
    does not matter: shuffled answers get the same themes, labels and members.

    Parameters
    ----------
    texts : Series
        Answers (any index; the assignment keeps it).
    min_theme_size : int
        Fewest answers a theme may have (use the privacy minimum or more).
    max_themes : int
        Upper bound on the number of themes.
    selection_sample : int
        Answers used to choose the number of themes and the labels on large inputs (the final
        fit uses all).
    exclude : iterable of str
        The question(s) as asked: their words are left out of themes' terms and labels, so no
        label repeats the question.
    """
    # 400 iterations is plenty for labels; on a handful of answers NMF's reconstruction error
    # can round below zero (a harmless NaN in a figure not used here)
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _find_themes(
            pd.Series(texts),
            min_theme_size,
            max_themes,
            selection_sample,
            random_state,
            _question_words(exclude),
        )


def _find_themes(
    texts, min_theme_size, max_themes, selection_sample, random_state, banned
) -> Themes:
    assignment = np.full(len(texts), -2)
    answered = np.flatnonzero(~texts.map(is_non_answer).to_numpy(bool))
    # one canonical order (by content), so the input's order changes nothing
    raw = texts.iloc[answered].astype(str).tolist()
    norm = [normalise(t) for t in raw]
    order = sorted(range(len(raw)), key=lambda i: (norm[i], raw[i]))
    answered, valid = answered[order], [raw[i] for i in order]
    empty = pd.DataFrame(columns=["theme", "key", "label", "terms", "size", "share"])

    def result(note: str, table: pd.DataFrame = empty) -> Themes:
        return Themes(table, pd.Series(assignment, index=texts.index), note)

    if not valid:
        return result("every answer is a non-answer such as “n/a”")
    if len(valid) < 2 * min_theme_size:
        return result(
            f"{len(valid)} answers are too few to find themes "
            f"(at least {2 * min_theme_size} needed)"
        )
    vectorizer = TfidfVectorizer(
        preprocessor=normalise,
        stop_words=sorted(set(STOP_WORDS) | banned),
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.6,
        sublinear_tf=True,
        max_features=5000,
        token_pattern=r"(?u)\b[a-z][\w'-]+\b",
    )
    assignment[answered] = -1
    try:
        X = vectorizer.fit_transform(valid)
    except ValueError:  # no word occurs twice
        return result("answers share no vocabulary")
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
        return result(f"no set of themes with at least {min_theme_size} answers each")
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
        return result(f"no theme is shared by at least {min_theme_size} answers")
    # An answer the model leaves out joins the theme whose strongest terms it uses most.
    H = model.components_
    strongest = np.zeros_like(H)
    for t in np.flatnonzero(alive):
        top = np.argsort(-H[t])[:10]
        strongest[t, top] = H[t, top]
    left = np.flatnonzero(theme_of == -1)
    if len(left):
        overlap = np.asarray(X[left] @ strongest.T)
        theme_of[left] = np.where(overlap.max(axis=1) > 0, overlap.argmax(axis=1), -1)
    unassigned = float((theme_of == -1).mean())
    if unassigned > MAX_UNASSIGNED:
        return result(f"answers are too varied: {unassigned:.0%} share no theme's vocabulary")
    assignment[answered] = theme_of
    themes = np.flatnonzero(alive)
    # labels read at most ``selection_sample`` answers, drawn by content as ``rows`` were
    cap = max(selection_sample // len(themes), 1)
    pool = rng.permutation(len(valid))
    pool = pool[pd.Series(theme_of[pool]).groupby(theme_of[pool]).cumcount().to_numpy() < cap]
    labels = _labels(
        [valid[i] for i in pool],
        theme_of[pool],
        themes,
        H,
        terms,
        vectorizer.build_analyzer(),
        banned | NOT_IN_LABELS,
    )
    table = []
    for t in themes:
        top = [terms[i] for i in np.argsort(-H[t])[:6]]
        size = int((theme_of == t).sum())
        table.append(
            {
                "theme": t,
                "key": "|".join(sorted(top[:5])),
                "label": labels[t],
                "terms": ", ".join(top),
                "size": size,
                "share": size / len(valid),
            }
        )
    table = pd.DataFrame(table).sort_values(["size", "theme"], ascending=[False, True])
    return result("", table.reset_index(drop=True))
