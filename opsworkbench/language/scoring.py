"""Score each distinct text once: keys, the model's fingerprint, and the codebook's corrections.

Scores are stored in the workspace keyed by ``text_key`` (a hash of the normalised text) and a
fingerprint: the model's (its corpus, parameters and code) for plain scores, and the model's
plus the codebook version for the few texts a codebook correction touches. Nothing here reads
or writes the workspace.
"""

from __future__ import annotations

import functools
import hashlib
import re
from importlib import resources

import pandas as pd

from opsworkbench.language.codebook import Codebook, normalise_text
from opsworkbench.language.embedding import model_path as embedding_model_path
from opsworkbench.language.orientation import OrientationModel, default_model
from opsworkbench.vocabulary import CORE_QUESTIONS

SCORE_COLUMNS = ["focus", "result", "quadrant", "confidence", "cues"]
# Modules whose code decides a score: a change to any of them is a new model.
MODEL_CODE = ("embedding.py", "lexicon.py", "orientation.py", "scoring.py", "structure.py")


def text_key(text: object) -> str:
    """The key a text's score is stored under: texts that differ only in case or spacing share it
    (the model reads them the same way)."""
    return hashlib.sha256(normalise_text("" if text is None else text).encode()).hexdigest()[:32]


def text_keys(texts: pd.Series) -> pd.Series:
    """:func:`text_key` of every text, hashing each distinct value once."""
    texts = texts.fillna("").astype(str)
    distinct = pd.unique(texts)
    return texts.map(dict(zip(distinct, map(text_key, distinct), strict=True)))


@functools.lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """What the default model's scores depend on: its corpus, its parameters and its code."""
    digest = hashlib.sha256()
    package = resources.files("opsworkbench")
    digest.update(package.joinpath("data", "corpus.csv").read_bytes())
    digest.update(embedding_model_path().joinpath("model.safetensors").read_bytes())
    for name in MODEL_CODE:
        digest.update(package.joinpath("language", name).read_bytes())
    digest.update(repr(sorted(OrientationModel().get_params().items())).encode())
    import sklearn

    digest.update(sklearn.__version__.encode())
    return "model-" + digest.hexdigest()[:16]


def codebook_fingerprint(codebook: Codebook | None) -> str | None:
    """The fingerprint of the scores a codebook's corrections replace, or None without any."""
    if codebook is None or codebook.training_rows().empty:
        return None
    return f"{model_fingerprint()}+codebook-v{codebook.version}"


def touched(texts: pd.Series, codebook: Codebook | None) -> pd.Series:
    """Which texts a codebook's quadrant corrections apply to: an overridden text itself, or a
    text containing an overridden term (as whole words). Only these are scored again."""
    texts = texts.fillna("").astype(str)
    if codebook is None:
        return pd.Series(False, index=texts.index)
    norm = texts.map(normalise_text)
    hit = norm.isin(set(codebook.text_overrides))
    terms = sorted(codebook.term_overrides, key=len, reverse=True)
    if terms:
        pattern = r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)"
        hit |= norm.str.contains(pattern, regex=True)
    return hit


def score_distinct(
    texts: pd.Series, codebook: Codebook | None = None, model: OrientationModel | None = None
) -> pd.DataFrame:
    """One row per distinct text key: ``text_key`` and :data:`SCORE_COLUMNS`.

    Without corrections the default model scores. With a codebook, pass only the texts it
    :func:`touched`: the model retrained with its corrections scores them and exact-text
    overrides win.
    """
    texts = texts.fillna("").astype(str)
    frame = pd.DataFrame({"text": texts, "text_key": text_keys(texts)})
    # one representative text per key, the same one whatever the order of the input
    frame = frame.sort_values(["text_key", "text"], kind="stable").drop_duplicates("text_key")
    frame = frame.reset_index(drop=True)
    if model is None:
        model = codebook.model() if codebook is not None else default_model()
    scores = model.score_texts(frame["text"])
    if codebook is not None:
        scores = codebook.apply_to_scores(frame["text"], scores)
    return pd.concat([frame[["text_key"]], scores[SCORE_COLUMNS]], axis=1)


def metric_texts(metrics: pd.DataFrame) -> pd.Series:
    """The text a metric is scored on: its name and description together."""
    return (metrics["name"].fillna("") + ". " + metrics["description"].fillna("")).reset_index(
        drop=True
    )


def attach(frame: pd.DataFrame, texts: pd.Series, scores: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the stored scores of ``texts`` (aligned with it) as extra columns.

    ``scores`` has ``text_key`` and :data:`SCORE_COLUMNS`; a text without a score is an error
    (the workspace was not scored with this model).
    """
    keys = text_keys(texts.reset_index(drop=True))
    joined = pd.DataFrame({"text_key": keys}).merge(scores, on="text_key", how="left")
    missing = joined["quadrant"].isna()
    if missing.any():
        raise LookupError(f"{int(missing.sum())} texts have no stored score")
    return pd.concat(
        [frame.reset_index(drop=True), joined[SCORE_COLUMNS].reset_index(drop=True)], axis=1
    )


def score_frame(texts: pd.Series, codebook: Codebook | None = None) -> pd.DataFrame:
    """Scores of texts held in memory (not in a workspace), one row per text, in order: the
    model's, and the codebook's corrections for the texts they touch."""
    texts = texts.fillna("").astype(str).reset_index(drop=True)
    scores = score_distinct(texts)
    if codebook is not None and codebook_fingerprint(codebook):
        hit = touched(texts, codebook)
        if hit.any():
            fixed = score_distinct(texts[hit], codebook).set_index("text_key")
            scores = scores.set_index("text_key")
            scores.loc[fixed.index, SCORE_COLUMNS] = fixed[SCORE_COLUMNS]
            scores = scores.reset_index()
    return attach(pd.DataFrame(index=texts.index), texts, scores)


def score_responses(
    respondents: pd.DataFrame, responses: pd.DataFrame, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Core-question answers joined to their respondent's unit and scored (in memory)."""
    core = responses[responses["question"].isin(CORE_QUESTIONS)].reset_index(drop=True)
    core = core.merge(
        respondents[["wave_id", "respondent_id", "unit"]], on=["wave_id", "respondent_id"]
    )
    return pd.concat([core, score_frame(core["text"], codebook)], axis=1)


def score_metrics(metrics: pd.DataFrame, codebook: Codebook | None = None) -> pd.DataFrame:
    """Metrics scored (in memory) on their name and description together."""
    return pd.concat(
        [metrics.reset_index(drop=True), score_frame(metric_texts(metrics), codebook)], axis=1
    )
