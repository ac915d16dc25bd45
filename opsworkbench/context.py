"""Everything one organisation's report needs, loaded from the workspace in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from opsworkbench import workspace as ws
from opsworkbench.codebook import Codebook, load_codebook
from opsworkbench.diagnostics import score_metrics, score_responses
from opsworkbench.errors import OpsWorkbenchError


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


def load_context(
    workspace: str | Path | None,
    org_id: str,
    wave_id: str = "",
    *,
    sample_data: str | Path | None = None,
) -> ReportContext:
    """Validate report parameters and load one organisation's data.

    Parameters
    ----------
    workspace : path
        The DuckDB workspace. If it does not exist and ``sample_data`` is given, the samples
        are ingested first, so a bare notebook run works on a fresh checkout.
    org_id : str
        Organisation to report on.
    wave_id : str
        Survey wave; empty means the latest.
    """
    path = ws.workspace_path(workspace)
    if not path.exists() and sample_data:
        from opsworkbench.ingest import ingest

        ingest(sample_data, path)
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
            scored=score_responses(respondents, responses, codebook),
            metrics=score_metrics(metrics, codebook),
            okrs=ws.table(con, "okrs", org_id).sort_values("okr_id").reset_index(drop=True),
            capabilities=ws.table(con, "capabilities", org_id)
            .sort_values("stage_order")
            .reset_index(drop=True),
            sources=ws.table(con, "sources", org_id),
            quarantine=ws.table(con, "quarantine", org_id),
            codebook=codebook,
        )
    finally:
        con.close()
