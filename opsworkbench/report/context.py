"""Everything one organisation's report needs, loaded from the workspace in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from opsworkbench import workspace as ws
from opsworkbench.diagnostics.overview import score_metrics, score_responses
from opsworkbench.errors import OpsWorkbenchError
from opsworkbench.language.codebook import Codebook, load_codebook
from opsworkbench.vocabulary import CORE_QUESTIONS, DEFAULT_WORDING

QUESTION_COLUMNS = ["question", "source_column", "wording", "free_text", "note"]


@dataclass
class ReportContext:
    """One organisation and wave, its tables (only its own rows) and its privacy thresholds."""

    org_id: str
    name: str
    sector: str
    wave_id: str
    waves: list[str]
    min_size: int
    min_quote_size: int
    respondents: pd.DataFrame
    responses: pd.DataFrame
    scored: pd.DataFrame
    metrics: pd.DataFrame
    okrs: pd.DataFrame
    capabilities: pd.DataFrame
    sources: pd.DataFrame
    quarantine: pd.DataFrame
    codebook: Codebook
    questions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=QUESTION_COLUMNS))

    def wording(self, question: str) -> str:
        """The question as it was asked (the study's or the export's wording, else the default)."""
        row = self.questions[self.questions["question"] == question]
        text = row["wording"].iloc[0] if len(row) else None
        if text is None or pd.isna(text) or not str(text).strip():
            return DEFAULT_WORDING.get(question, question)
        return str(text).strip()

    @property
    def core_questions(self) -> list[str]:
        """Core questions this wave asked whose answers are written text (and so are scored)."""
        q = self.questions
        scored = set(q.loc[q["free_text"].fillna(True).astype(bool), "question"])
        return [c for c in CORE_QUESTIONS if c in scored]

    @property
    def unscored(self) -> pd.DataFrame:
        """Mapped core questions not scored because their answers look like codes or numbers."""
        q = self.questions
        return q[q["question"].isin(CORE_QUESTIONS) & ~q["free_text"].fillna(True).astype(bool)]


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
        org = con.execute("SELECT * FROM organisations WHERE org_id = ?", [org_id]).df()
        if org.empty:
            known = [
                r[0] for r in con.execute("SELECT org_id FROM organisations ORDER BY 1").fetchall()
            ]
            raise OpsWorkbenchError(f"organisation '{org_id}' is not in {path}; known: {known}")
        waves = [
            r[0]
            for r in con.execute(
                "SELECT wave_id FROM waves WHERE org_id = ? ORDER BY fielded_on, wave_id", [org_id]
            ).fetchall()
        ]
        if not waves:
            raise OpsWorkbenchError(f"organisation '{org_id}' has no survey waves in {path}")
        wave_id = str(wave_id or waves[-1])
        if wave_id not in waves:
            raise OpsWorkbenchError(f"wave '{wave_id}' not found for '{org_id}'; waves are {waves}")
        respondents = ws.table(con, "respondents", org_id, wave_id)
        responses = ws.table(con, "responses", org_id, wave_id)
        questions = _questions(con, org_id, wave_id, responses)
        not_text = set(questions.loc[~questions["free_text"].astype(bool), "question"])
        metrics = ws.table(con, "metrics", org_id).sort_values("metric_id").reset_index(drop=True)
        row = org.iloc[0]
        codebook = load_codebook(con, org_id)
        return ReportContext(
            org_id=org_id,
            name=str(row["name"]),
            sector=str(row["sector"]),
            wave_id=wave_id,
            waves=waves,
            min_size=int(row["min_group_size"]),
            min_quote_size=int(row["min_quote_group_size"]),
            respondents=respondents,
            responses=responses,
            scored=score_responses(
                respondents, responses[~responses["question"].isin(not_text)], codebook
            ),
            metrics=score_metrics(metrics, codebook),
            okrs=ws.table(con, "okrs", org_id).sort_values("okr_id").reset_index(drop=True),
            capabilities=ws.table(con, "capabilities", org_id)
            .sort_values("stage_order")
            .reset_index(drop=True),
            sources=ws.table(con, "sources", org_id),
            quarantine=ws.table(con, "quarantine", org_id),
            codebook=codebook,
            questions=questions,
        )
    finally:
        con.close()


def _questions(con, org_id: str, wave_id: str, responses: pd.DataFrame) -> pd.DataFrame:
    """The wave's mapped questions; for a workspace written before questions were recorded,
    the questions its answers name (taken as written text, with the default wording)."""
    try:
        found = ws.table(con, "questions", org_id, wave_id)
    except duckdb.CatalogException:
        found = pd.DataFrame(columns=QUESTION_COLUMNS)
    if found.empty:
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
