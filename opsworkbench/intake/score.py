"""The last step of intake: score every new text once, and store the score.

Run after each ingest and codebook change, and before reports render (so a changed model is
noticed and everything is scored again). Readers (reports, the explorer) only read what this
stored.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

import pandas as pd

from opsworkbench import workspace as ws
from opsworkbench.language.codebook import Codebook, check_entry
from opsworkbench.language.scoring import (
    codebook_fingerprint,
    model_fingerprint,
    score_distinct,
    text_keys,
    touched,
)


@dataclass
class ScoreRefresh:
    """What one refresh did for one organisation."""

    org_id: str
    texts: int  # distinct texts the organisation has
    scored: int  # scored now by the model (new texts, or all of them after a model change)
    corrected: int  # scored now with the codebook's corrections
    removed: int  # stored scores dropped (texts gone, an old model or codebook version)


def load_codebook(con, org_id: str, version: int | None = None):
    """The organisation's codebook as of ``version`` (default: the latest)."""
    return Codebook.from_entries(org_id, ws.codebook_entries(con, org_id, version))


def refresh_org(con, org_id: str) -> ScoreRefresh:
    """Bring one organisation's stored scores up to date, scoring only what is missing."""
    texts = ws.texts_to_score(con, org_id)["text"]
    keys = text_keys(texts)
    model = model_fingerprint()
    missing = ~keys.isin(ws.stored_score_keys(con, org_id, model))
    fresh = score_distinct(texts[missing.to_numpy()]) if missing.any() else pd.DataFrame()
    codebook = load_codebook(con, org_id)
    corrected_fp = codebook_fingerprint(codebook)
    corrections = pd.DataFrame()
    if corrected_fp is not None:
        hit = touched(texts, codebook).to_numpy()
        have = ws.stored_score_keys(con, org_id, corrected_fp)
        todo = hit & ~keys.isin(have).to_numpy()
        if todo.any():
            corrections = score_distinct(texts[todo], codebook)
    with ws.transaction(con):
        ws.store_scores(con, org_id, model, fresh)
        ws.store_scores(con, org_id, corrected_fp or "", corrections)
        removed = ws.drop_scores(
            con, org_id, [model, *([corrected_fp] if corrected_fp else [])], set(keys)
        )
    return ScoreRefresh(org_id, int(keys.nunique()), len(fresh), len(corrections), removed)


def refresh(con, org_ids: list[str] | None = None) -> list[ScoreRefresh]:
    """Score what is not yet stored for each organisation (default: all of them)."""
    return [refresh_org(con, org) for org in (org_ids or ws.organisation_ids(con))]


def add_entry(
    con,
    org_id: str,
    action: str,
    target: str,
    value: str,
    note: str = "",
    *,
    author: str | None = None,
    rescore: bool = True,
) -> int:
    """Record one analyst decision as a new codebook version and score again the texts it
    touches (see :func:`opsworkbench.language.codebook.check_entry`); returns the version.

    ``author`` is who made it (default: the operating-system user)."""
    target, value = check_entry(action, target, value)
    author = author if author is not None else getpass.getuser()
    version = ws.add_codebook_entry(con, org_id, action, target, value, note, author)
    if rescore:
        refresh_org(con, org_id)
    return version
