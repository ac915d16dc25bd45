"""Load exports into the workspace: one transaction per file, unchanged files skipped."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from opsworkbench import workspace as ws
from opsworkbench.errors import InputError
from opsworkbench.intake.readers import read_survey, read_table, read_yaml_list
from opsworkbench.intake.study import Study, Survey, find_studies, load_study
from opsworkbench.intake.validation import (
    Prepared,
    prepare_capabilities,
    prepare_metrics,
    prepare_okrs,
    prepare_survey,
)


@dataclass
class FileResult:
    """The reconciliation of one input file."""

    org_id: str
    kind: str
    file: str
    status: str  # loaded | replaced | unchanged
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    reasons: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    layout: str = ""  # the survey tool's export layout, for surveys

    def __str__(self) -> str:
        kind = f"{self.kind}, {self.layout}" if self.kind == "survey" and self.layout else self.kind
        line = (
            f"{self.org_id}/{self.file} [{kind}] {self.status}: read {self.rows_read}, "
            f"loaded {self.rows_loaded}, quarantined {self.rows_quarantined}"
        )
        if self.reasons:
            line += " (" + ", ".join(f"{k}: {v}" for k, v in sorted(self.reasons.items())) + ")"
        return line


INVENTORIES = {
    "metrics": prepare_metrics,
    "okrs": prepare_okrs,
    "capabilities": prepare_capabilities,
}


def _store(
    con,
    *,
    org_id: str,
    kind: str,
    key: str,
    source: str,
    sha: str,
    settings: str,
    prepared: Prepared,
    layout: str,
    encoding: str,
    wave: Survey | None,
) -> None:
    """Replace what this source loaded before with ``prepared``, in one transaction."""
    with ws.transaction(con):
        if wave is not None:
            for name in ("respondents", "responses", "questions", "waves"):
                con.execute(f"DELETE FROM {name} WHERE org_id = ? AND wave_id = ?", [org_id, key])
            con.execute(
                "INSERT INTO waves VALUES (?, ?, ?, ?, ?)",
                [org_id, key, wave.fielded_on, source, sha],
            )
        else:
            con.execute(f"DELETE FROM {kind} WHERE org_id = ?", [org_id])
        previous = con.execute(  # the file this wave or inventory came from last time
            "SELECT source_file FROM sources WHERE org_id = ? AND kind = ? AND key = ?",
            [org_id, kind, key],
        ).fetchone()
        for name in {source, *(previous or ())}:
            con.execute(
                "DELETE FROM quarantine WHERE org_id = ? AND source_file = ?", [org_id, name]
            )
        for name, frame in prepared.tables.items():
            ws.insert_frame(con, name, frame)
        q = pd.DataFrame(prepared.quarantine, columns=["row_number", "reason", "raw"])
        ws.insert_frame(con, "quarantine", q.assign(org_id=org_id, source_file=source))
        loaded = len(next(iter(prepared.tables.values())))
        con.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                org_id,
                kind,
                key,
                source,
                sha,
                encoding,
                layout,
                prepared.rows_read,
                loaded,
                len(prepared.quarantine),
                dt.datetime.now(),
                prepared.warnings,
                settings,
            ],
        )


def _ingest_source(
    con, study: Study, *, kind: str, key: str, name: str, survey: Survey | None = None
) -> FileResult:
    path = study.path(name)
    sheet = survey.sheet if survey is not None else None
    label = name if sheet is None else f"{name} [{sheet}]"  # how quarantine rows name their source
    data = study.open_file(name)  # only regular files inside the study folder, size-capped
    sha = hashlib.sha256(data).hexdigest()
    before = con.execute(
        "SELECT source_sha256, rows_read, rows_loaded, rows_quarantined, warnings, layout, "
        "source_file, settings_sha256 FROM sources "
        "WHERE org_id = ? AND kind = ? AND key = ?",
        [study.org_id, kind, key],
    ).fetchone()
    # what the study says about the file (mapping, format, minimum group size) counts too
    settings = hashlib.sha256(
        f"{survey.model_dump_json() if survey else kind}|{study.privacy.min_group_size}".encode()
    ).hexdigest()
    if before and before[0] == sha and before[6] == label and before[7] == settings:
        reasons = Counter(
            r.split(":")[0]
            for (r,) in con.execute(
                "SELECT reason FROM quarantine WHERE org_id = ? AND source_file = ?",
                [study.org_id, label],
            ).fetchall()
        )
        return FileResult(
            study.org_id,
            kind,
            label,
            "unchanged",
            *before[1:4],
            dict(reasons),
            list(before[4] or []),
            before[5],
        )
    source = str(path)
    if survey is not None:
        frame, layout = read_survey(path, layout=survey.format, sheet=survey.sheet, data=data)
        prepared = prepare_survey(
            frame,
            survey,
            org_id=study.org_id,
            salt=ws.salt(con),
            source=source,
            min_group_size=study.privacy.min_group_size,
        )
    else:
        layout = "table"
        if path.suffix.lower() in (".yml", ".yaml"):
            frame = read_yaml_list(data, source, key=kind)
        else:
            frame = read_table(path, data=data)
        prepared = INVENTORIES[kind](frame, org_id=study.org_id, source=source)
        prepared.warnings[:0] = frame.attrs.get("warnings", [])
    _store(
        con,
        org_id=study.org_id,
        kind=kind,
        key=key,
        source=label,
        sha=sha,
        settings=settings,
        prepared=prepared,
        layout=layout,
        encoding=frame.attrs.get("encoding", ""),
        wave=survey,
    )
    loaded = len(next(iter(prepared.tables.values())))
    reasons = Counter(q["reason"].split(":")[0] for q in prepared.quarantine)
    return FileResult(
        study.org_id,
        kind,
        label,
        "replaced" if before else "loaded",
        prepared.rows_read,
        loaded,
        len(prepared.quarantine),
        dict(reasons),
        prepared.warnings,
        layout,
    )


def ingest_study(study: Study, con) -> list[FileResult]:
    """Ingest every file a study names into an open workspace connection."""
    wave_ids = [s.wave_id for s in study.surveys]
    if len(set(wave_ids)) != len(wave_ids):
        raise InputError(
            f"wave ids must be unique, got {wave_ids}", file=study.folder / "study.yml"
        )
    con.execute(
        "INSERT OR REPLACE INTO organisations VALUES (?, ?, ?, ?, ?, ?)",
        [
            study.org_id,
            study.name,
            study.sector,
            study.privacy.min_group_size,
            study.privacy.min_quote_group_size,
            str(study.folder / "study.yml"),
        ],
    )
    sources = [("survey", s.wave_id, s.file, s) for s in study.surveys] + [
        (kind, kind, getattr(study, kind), None) for kind in INVENTORIES if getattr(study, kind)
    ]
    used: dict[tuple, str] = {}
    for kind, key, name, survey in sources:
        where = (name, survey.sheet if survey else None)
        what = f"wave '{key}'" if survey else kind
        if where in used:  # each file's rows are reconciled once, against one table
            raise InputError(
                f"'{name}' is named twice, for {used[where]} and for {what}",
                file=study.folder / "study.yml",
                hint="give each wave its own export (or its own sheet of a workbook)",
            )
        used[where] = what
    try:
        results = [
            _ingest_source(con, study, kind=kind, key=key, name=name, survey=survey)
            for kind, key, name, survey in sources
        ]
    except Exception:
        # an organisation none of whose files loaded is not listed as if it had data
        if not con.execute("SELECT 1 FROM sources WHERE org_id = ?", [study.org_id]).fetchone():
            con.execute("DELETE FROM organisations WHERE org_id = ?", [study.org_id])
        else:
            _score(con, study.org_id)  # what did load is scored
        raise
    _score(con, study.org_id)  # each new text is scored once, here, and stored
    return results


def _score(con, org_id: str) -> None:
    # imported here: the model (scikit-learn) is needed only once rows have loaded
    from opsworkbench.intake.score import refresh_org

    refresh_org(con, org_id)


def ingest(data: str | Path, workspace: str | Path | None = None) -> list[FileResult]:
    """Ingest one ``study.yml`` or every ``*/study.yml`` under a folder into the workspace.

    Parameters
    ----------
    data : path
        A study file or a folder of study folders (e.g. ``data/sample``).
    workspace : path, optional
        The DuckDB workspace file (created if missing).

    Returns
    -------
    list of FileResult
        One reconciliation per input file: rows read = loaded + quarantined.
    """
    con = ws.connect(workspace)
    try:
        results = []
        for path in find_studies(data):
            results.extend(ingest_study(load_study(path), con))
        return results
    finally:
        con.close()
