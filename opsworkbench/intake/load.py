"""Load exports into the workspace: one transaction per file, unchanged files skipped."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from opsworkbench import workspace as ws
from opsworkbench.errors import InputError
from opsworkbench.intake.readers import read_survey, read_table
from opsworkbench.intake.study import Study, Survey, find_studies, load_study
from opsworkbench.intake.validation import (
    Prepared,
    prepare_capabilities,
    prepare_metrics,
    prepare_okrs,
    prepare_survey,
)
from opsworkbench.intake.yamlio import read_yaml_list


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
            ws.replace_wave(
                con, org_id, key, fielded_on=wave.fielded_on, source_file=source, sha256=sha
            )
        else:
            ws.clear_inventory(con, kind, org_id)
        previous = ws.previous_source(con, org_id, kind, key)  # the file it came from last time
        ws.clear_quarantine(con, org_id, {source} | ({previous} if previous else set()))
        for name, frame in prepared.tables.items():
            ws.insert_frame(con, name, frame)
        q = pd.DataFrame(prepared.quarantine, columns=["row_number", "reason", "raw"])
        ws.insert_frame(con, "quarantine", q.assign(org_id=org_id, source_file=source))
        ws.record_source(
            con,
            org_id,
            kind,
            key,
            source_file=source,
            sha256=sha,
            encoding=encoding,
            layout=layout,
            rows_read=prepared.rows_read,
            rows_loaded=len(next(iter(prepared.tables.values()))),
            rows_quarantined=len(prepared.quarantine),
            warnings=prepared.warnings,
            settings_sha256=settings,
        )


def _ingest_source(
    con, study: Study, *, kind: str, key: str, name: str, survey: Survey | None = None
) -> FileResult:
    path = study.path(name)
    sheet = survey.sheet if survey is not None else None
    label = name if sheet is None else f"{name} [{sheet}]"  # how quarantine rows name their source
    data = study.open_file(name)  # only regular files inside the study folder, size-capped
    sha = hashlib.sha256(data).hexdigest()
    before = ws.loaded_source(con, study.org_id, kind, key)
    # what the study says about the file (mapping, format, minimum group size) counts too
    settings = hashlib.sha256(
        f"{survey.model_dump_json() if survey else kind}|{study.privacy.min_group_size}".encode()
    ).hexdigest()
    if before and before[0] == sha and before[6] == label and before[7] == settings:
        reasons = Counter(r.split(":")[0] for r in ws.quarantine_reasons(con, study.org_id, label))
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
        del data  # the file's bytes are not needed once read
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
        del data
        prepared = INVENTORIES[kind](frame, org_id=study.org_id, source=source)
        prepared.warnings[:0] = frame.attrs.get("warnings", [])
    encoding = frame.attrs.get("encoding", "")
    del frame  # the rows as read; what is stored is in ``prepared``
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
        encoding=encoding,
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
    ws.record_organisation(
        con,
        study.org_id,
        name=study.name,
        sector=study.sector,
        min_group_size=study.privacy.min_group_size,
        min_quote_group_size=study.privacy.min_quote_group_size,
        study_file=str(study.folder / "study.yml"),
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
        if not ws.delete_organisation_if_empty(con, study.org_id):
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
