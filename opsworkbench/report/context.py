"""Everything one organisation's report needs, read from the workspace in one place.

It only reads: texts were scored when they were ingested (see :mod:`opsworkbench.intake.score`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from opsworkbench import workspace as ws
from opsworkbench.diagnostics.frames import ReportContext
from opsworkbench.errors import OpsWorkbenchError
from opsworkbench.intake.score import load_codebook
from opsworkbench.language.scoring import (
    attach,
    codebook_fingerprint,
    metric_texts,
    model_fingerprint,
)
from opsworkbench.language.themes import find_themes, themes_key
from opsworkbench.vocabulary import CORE_QUESTIONS

QUESTION_COLUMNS = ReportContext.QUESTION_COLUMNS


def load_context(
    workspace: str | Path | None,
    org_id: str,
    wave_id: str = "",
) -> ReportContext:
    """Validate report parameters and load one organisation's data.

    Parameters
    ----------
    workspace : path
        The DuckDB workspace (see :func:`opsworkbench.config.workspace_path`).
    org_id : str
        Organisation to report on.
    wave_id : str
        Survey wave; empty means the latest.
    """
    path = ws.workspace_path(workspace)
    con = ws.connect(path, read_only=True)
    try:
        return read_context(con, org_id, wave_id, where=path)
    finally:
        con.close()


def read_context(con, org_id: str, wave_id: str = "", *, where: object = "the workspace"):
    """:func:`load_context` from an open workspace connection."""
    org = ws.organisation(con, org_id)
    if org is None:
        known = ws.organisation_ids(con)
        raise OpsWorkbenchError(f"organisation '{org_id}' is not in {where}; known: {known}")
    waves = ws.wave_ids(con, org_id)
    if not waves:
        raise OpsWorkbenchError(f"organisation '{org_id}' has no survey waves in {where}")
    wave_id = str(wave_id or waves[-1])
    if wave_id not in waves:
        raise OpsWorkbenchError(f"wave '{wave_id}' not found for '{org_id}'; waves are {waves}")
    respondents = ws.table(con, "respondents", org_id, wave_id)
    responses = ws.table(con, "responses", org_id, wave_id)
    questions = _questions(con, org_id, wave_id, responses)
    not_text = set(questions.loc[~questions["free_text"].astype(bool), "question"])
    metrics = ws.table(con, "metrics", org_id).sort_values("metric_id").reset_index(drop=True)
    okrs = ws.table(con, "okrs", org_id).sort_values("okr_id").reset_index(drop=True)
    codebook = load_codebook(con, org_id)
    fingerprint = model_fingerprint()
    scores = ws.read_scores(con, org_id, fingerprint, codebook_fingerprint(codebook))
    core = responses[
        responses["question"].isin(CORE_QUESTIONS) & ~responses["question"].isin(not_text)
    ].reset_index(drop=True)
    core = core.merge(
        respondents[["wave_id", "respondent_id", "unit"]], on=["wave_id", "respondent_id"]
    )
    try:
        scored = attach(core, core["text"], scores)
        scored_metrics = attach(metrics, metric_texts(metrics), scores)
        key_results = attach(okrs, okrs["key_result"], scores)
    except LookupError as exc:
        raise OpsWorkbenchError(
            f"{where}: {exc} for '{org_id}' with this version of the model — run "
            f"`opsworkbench score --workspace {where}` (reports do it before rendering)"
        ) from None
    respondents, responses, scored, scored_metrics, key_results = map(
        _plain, (respondents, responses, scored, scored_metrics, key_results)
    )
    return ReportContext(
        org_id=org_id,
        name=str(org["name"]),
        sector=str(org["sector"]),
        wave_id=wave_id,
        waves=waves,
        min_size=int(org["min_group_size"]),
        min_quote_size=int(org["min_quote_group_size"]),
        respondents=respondents,
        responses=responses,
        scored=scored,
        metrics=scored_metrics,
        okrs=key_results,
        capabilities=ws.table(con, "capabilities", org_id)
        .sort_values("stage_order")
        .reset_index(drop=True),
        sources=ws.table(con, "sources", org_id),
        quarantine=ws.table(con, "quarantine", org_id),
        codebook=codebook,
        questions=questions,
        model_evaluation=ws.model_evaluation(con, fingerprint),
        stored_themes=ws.stored_themes(con, org_id, wave_id),
    )


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects: analyses select and group these frames many times, and
    pandas' string arrays check a fill value on each of those takes (about 15 % of an analysis)."""
    text = [c for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)]
    return frame.astype(dict.fromkeys(text, object)) if text else frame


def load_previous(workspace: str | Path | None, ctx: ReportContext) -> ReportContext | None:
    """The organisation's wave before ``ctx``'s, or None when ``ctx`` is its first."""
    position = ctx.waves.index(ctx.wave_id)
    if position == 0:
        return None
    return load_context(workspace, ctx.org_id, ctx.waves[position - 1])


def _questions(con, org_id: str, wave_id: str, responses: pd.DataFrame) -> pd.DataFrame:
    """The wave's mapped questions; for a workspace written before questions were recorded,
    the questions its answers name (taken as written text, with the default wording)."""
    found = ws.questions(con, org_id, wave_id)
    if found is None or found.empty:
        names = sorted(set(responses["question"]), key=lambda q: (q not in CORE_QUESTIONS, q))
        found = pd.DataFrame(
            {
                "question": names,
                "source_column": None,
                "wording": None,
                "free_text": [not q.startswith("scale_") for q in names],
                "note": None,
            },
            columns=QUESTION_COLUMNS,
        )
    found = found.assign(free_text=found["free_text"].fillna(True).astype(bool))
    order = {q: i for i, q in enumerate(CORE_QUESTIONS)}
    return (
        found[QUESTION_COLUMNS]
        .sort_values(
            "question", key=lambda s: s.map(lambda q: order.get(q, len(order))), kind="stable"
        )
        .reset_index(drop=True)
    )


def store_themes(con, org_id: str) -> int:
    """Find and store the themes of each wave's core questions that are not stored yet (themes
    depend only on the answers, so the report and the explorer read them instead of finding
    them again). Returns how many were found now."""
    found = 0
    for wave_id in ws.wave_ids(con, org_id):
        ctx = read_context(con, org_id, wave_id)
        keep = []
        for question in ctx.core_questions:
            texts = ctx.scored.loc[ctx.scored["question"] == question, "text"]
            exclude = [ctx.wording(question)]
            key = themes_key(texts, min_theme_size=ctx.min_size, exclude=exclude)
            keep.append(key)
            if key not in ctx.stored_themes:
                themes = find_themes(
                    texts.reset_index(drop=True), min_theme_size=ctx.min_size, exclude=exclude
                )
                ws.store_theme(con, org_id, wave_id, question, key, themes.to_json())
                found += 1
        ws.drop_themes(con, org_id, wave_id, keep)
    return found
