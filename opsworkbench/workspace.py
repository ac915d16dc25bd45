"""The embedded DuckDB workspace: schema, connections and frame loading."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from opsworkbench.config import workspace_path
from opsworkbench.errors import OpsWorkbenchError, WorkspaceBusy
from opsworkbench.vocabulary import CORE_QUESTIONS

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS organisations (
    org_id VARCHAR PRIMARY KEY, name VARCHAR, sector VARCHAR,
    min_group_size INTEGER, min_quote_group_size INTEGER, study_file VARCHAR);
CREATE TABLE IF NOT EXISTS sources (
    org_id VARCHAR, kind VARCHAR, key VARCHAR, source_file VARCHAR, source_sha256 VARCHAR,
    encoding VARCHAR, layout VARCHAR, rows_read INTEGER, rows_loaded INTEGER,
    rows_quarantined INTEGER, ingested_at TIMESTAMP, PRIMARY KEY (org_id, kind, key));
CREATE TABLE IF NOT EXISTS waves (
    org_id VARCHAR, wave_id VARCHAR, fielded_on DATE, source_file VARCHAR,
    source_sha256 VARCHAR, PRIMARY KEY (org_id, wave_id));
CREATE TABLE IF NOT EXISTS respondents (
    org_id VARCHAR, wave_id VARCHAR, respondent_id VARCHAR, unit VARCHAR, role VARCHAR,
    tenure_band VARCHAR, submitted_at TIMESTAMP, source_row INTEGER,
    PRIMARY KEY (org_id, wave_id, respondent_id));
CREATE TABLE IF NOT EXISTS responses (
    org_id VARCHAR, wave_id VARCHAR, respondent_id VARCHAR, question VARCHAR,
    text VARCHAR, value DOUBLE);
CREATE TABLE IF NOT EXISTS metrics (
    org_id VARCHAR, metric_id VARCHAR, name VARCHAR, description VARCHAR, owner_unit VARCHAR,
    measured BOOLEAN, reported BOOLEAN, incentivised BOOLEAN, incentive_weight DOUBLE,
    capability_id VARCHAR, source_row INTEGER, PRIMARY KEY (org_id, metric_id));
CREATE TABLE IF NOT EXISTS okrs (
    org_id VARCHAR, okr_id VARCHAR, parent_ids VARCHAR[], level VARCHAR, owner_unit VARCHAR,
    objective VARCHAR, key_result VARCHAR, progress DOUBLE, capability_id VARCHAR,
    source_row INTEGER, PRIMARY KEY (org_id, okr_id));
CREATE TABLE IF NOT EXISTS capabilities (
    org_id VARCHAR, capability_id VARCHAR, name VARCHAR, stage_order INTEGER, units VARCHAR[],
    source_row INTEGER, PRIMARY KEY (org_id, capability_id));
CREATE TABLE IF NOT EXISTS codebook (
    org_id VARCHAR, version INTEGER, created_at TIMESTAMP, action VARCHAR, target VARCHAR,
    value VARCHAR, note VARCHAR, PRIMARY KEY (org_id, version));
CREATE TABLE IF NOT EXISTS questions (
    org_id VARCHAR, wave_id VARCHAR, question VARCHAR, source_column VARCHAR, wording VARCHAR,
    free_text BOOLEAN, note VARCHAR, PRIMARY KEY (org_id, wave_id, question));
ALTER TABLE sources ADD COLUMN IF NOT EXISTS warnings VARCHAR[];
ALTER TABLE sources ADD COLUMN IF NOT EXISTS settings_sha256 VARCHAR;
CREATE TABLE IF NOT EXISTS quarantine (
    org_id VARCHAR, source_file VARCHAR, row_number INTEGER, reason VARCHAR, raw VARCHAR);
CREATE TABLE IF NOT EXISTS scores (
    org_id VARCHAR, fingerprint VARCHAR, text_key VARCHAR, focus DOUBLE, result DOUBLE,
    quadrant VARCHAR, confidence DOUBLE, cues VARCHAR,
    PRIMARY KEY (org_id, fingerprint, text_key));
CREATE TABLE IF NOT EXISTS themes (
    org_id VARCHAR, wave_id VARCHAR, question VARCHAR, themes_key VARCHAR, found VARCHAR,
    PRIMARY KEY (org_id, wave_id, question, themes_key));
CREATE TABLE IF NOT EXISTS model_evaluations (
    fingerprint VARCHAR PRIMARY KEY, computed_at TIMESTAMP, summary VARCHAR);
ALTER TABLE codebook ADD COLUMN IF NOT EXISTS author VARCHAR;
CREATE TABLE IF NOT EXISTS workshop_sessions (
    org_id VARCHAR, wave_id VARCHAR, log_file VARCHAR, log_sha256 VARCHAR,
    started_at TIMESTAMP, last_record_at TIMESTAMP, folded_at TIMESTAMP, participants INTEGER,
    answer_records INTEGER, decisions INTEGER, PRIMARY KEY (org_id, wave_id));
CREATE TABLE IF NOT EXISTS workshop_events (
    org_id VARCHAR, wave_id VARCHAR, line INTEGER, recorded_at TIMESTAMP, kind VARCHAR, actor VARCHAR,
    detail VARCHAR, PRIMARY KEY (org_id, wave_id, line));
"""

# Columns of each table that ingest fills from frames (in table order).
TABLE_COLUMNS = {
    "respondents": [
        "org_id",
        "wave_id",
        "respondent_id",
        "unit",
        "role",
        "tenure_band",
        "submitted_at",
        "source_row",
    ],
    "responses": ["org_id", "wave_id", "respondent_id", "question", "text", "value"],
    "metrics": [
        "org_id",
        "metric_id",
        "name",
        "description",
        "owner_unit",
        "measured",
        "reported",
        "incentivised",
        "incentive_weight",
        "capability_id",
        "source_row",
    ],
    "okrs": [
        "org_id",
        "okr_id",
        "parent_ids",
        "level",
        "owner_unit",
        "objective",
        "key_result",
        "progress",
        "capability_id",
        "source_row",
    ],
    "capabilities": ["org_id", "capability_id", "name", "stage_order", "units", "source_row"],
    "questions": [
        "org_id",
        "wave_id",
        "question",
        "source_column",
        "wording",
        "free_text",
        "note",
    ],
    "quarantine": ["org_id", "source_file", "row_number", "reason", "raw"],
    "workshop_events": ["org_id", "wave_id", "line", "recorded_at", "kind", "actor", "detail"],
}


# How long to wait for another process to release the workspace, in seconds.
WAIT_READ, WAIT_WRITE = 30.0, 10.0


def _busy(path: Path, exc: duckdb.IOException) -> WorkspaceBusy:
    pid = re.search(r"PID (\d+)", str(exc))
    who = f"another opsworkbench process, PID {pid.group(1)}" if pid else "another process"
    return WorkspaceBusy(
        f"{path}: the workspace is busy ({who}) — wait for it to finish and try again"
    )


def connect(
    path: str | Path | None = None, *, read_only: bool = False, wait: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Open (and, if writable, create) the workspace with its schema in place.

    The workspace has one writer at a time. While another process holds it, this waits up to
    ``wait`` seconds (30 to read, 10 to write by default), then says which process is busy.
    """
    path = workspace_path(path)
    if read_only and not path.exists():
        raise OpsWorkbenchError(f"{path}: workspace not found — run `opsworkbench ingest` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + (
        wait if wait is not None else WAIT_READ if read_only else WAIT_WRITE
    )
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise OpsWorkbenchError(f"{path}: cannot open the workspace ({exc})") from None
            if time.monotonic() >= deadline:
                raise _busy(path, exc) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        except duckdb.Error as exc:
            raise OpsWorkbenchError(
                f"{path}: not a readable workspace ({exc})",
            ) from None
    if not read_only:
        con.execute(SCHEMA)
    return con


def salt(con: duckdb.DuckDBPyConnection) -> str:
    """The workspace's secret pseudonymisation key (created once, kept in the workspace)."""
    row = con.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
    if row:
        return row[0]
    value = os.environ.get("OPSWORKBENCH_SALT") or secrets.token_hex(16)
    con.execute("INSERT INTO meta VALUES ('salt', ?)", [value])
    return value


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Append ``frame`` (with the table's ingest columns) to ``table``; returns rows added."""
    if frame.empty:
        return 0
    cols = TABLE_COLUMNS[table]
    con.register("_incoming", frame[cols])
    try:
        con.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM _incoming"
        )
    finally:
        con.unregister("_incoming")
    return len(frame)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """All-or-nothing block: commit on success, roll back on any error."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


# --- reading an organisation ---


def organisation(con: duckdb.DuckDBPyConnection, org_id: str) -> dict | None:
    """One organisation's row (name, sector, privacy thresholds), or None."""
    found = con.execute("SELECT * FROM organisations WHERE org_id = ?", [org_id]).df()
    return found.iloc[0].to_dict() if len(found) else None


def organisation_ids(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT org_id FROM organisations ORDER BY 1").fetchall()]


def wave_ids(con: duckdb.DuckDBPyConnection, org_id: str) -> list[str]:
    """An organisation's waves, oldest first."""
    sql = "SELECT wave_id FROM waves WHERE org_id = ? ORDER BY fielded_on, wave_id"
    return [r[0] for r in con.execute(sql, [org_id]).fetchall()]


def report_waves(con: duckdb.DuckDBPyConnection, org_id: str | None = None) -> list[tuple]:
    """(org, wave) of every wave, or of one organisation's, in report order."""
    sql, params = "SELECT org_id, wave_id FROM waves", []
    if org_id:
        sql, params = sql + " WHERE org_id = ?", [org_id]
    return con.execute(sql + " ORDER BY org_id, fielded_on, wave_id", params).fetchall()


def wave_sizes(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    """Respondents of every (org, wave)."""
    sql = "SELECT org_id, wave_id, count(*) FROM respondents GROUP BY ALL"
    return {(org, wave): n for org, wave, n in con.execute(sql).fetchall()}


# --- the codebook: one row per analyst decision ---


CODEBOOK_COLUMNS = ["version", "created_at", "action", "target", "value", "note", "author"]


def codebook_entries(
    con: duckdb.DuckDBPyConnection, org_id: str, version: int | None = None
) -> pd.DataFrame:
    """The organisation's codebook entries up to ``version`` (default: all), oldest first."""
    # ``*``: a workspace written before entries named their author, opened read-only, has no
    # such column (it reads as blank)
    sql = "SELECT * EXCLUDE (org_id) FROM codebook WHERE org_id = ?"
    params: list = [org_id]
    if version is not None:
        sql += " AND version <= ?"
        params.append(version)
    found = con.execute(sql + " ORDER BY version", params).df()
    return found.reindex(columns=CODEBOOK_COLUMNS)


def add_codebook_entry(
    con: duckdb.DuckDBPyConnection,
    org_id: str,
    action: str,
    target: str,
    value: str,
    note: str,
    author: str = "",
) -> int:
    """Append one decision (what, why, by whom, now) as the next codebook version; returns
    the version."""
    version = con.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM codebook WHERE org_id = ?", [org_id]
    ).fetchone()[0]
    con.execute(
        "INSERT INTO codebook (org_id, version, created_at, action, target, value, note, author) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [org_id, version, dt.datetime.now(), action, target, value, note, author],
    )
    return int(version)


# --- scores, stored once per distinct text and model ---


def texts_to_score(con: duckdb.DuckDBPyConnection, org_id: str) -> pd.DataFrame:
    """Every text of the organisation that is scored, with where it comes from (``kind``):
    answers to the core questions asked as written text, metrics, key results."""
    return con.execute(
        """
        SELECT DISTINCT 'answer' AS kind, r.text FROM responses r
        LEFT JOIN questions q USING (org_id, wave_id, question)
        WHERE r.org_id = ? AND r.question IN ? AND coalesce(q.free_text, TRUE)
        UNION ALL
        SELECT DISTINCT 'metric', coalesce(name, '') || '. ' || coalesce(description, '')
        FROM metrics WHERE org_id = ?
        UNION ALL
        SELECT DISTINCT 'key_result', key_result FROM okrs WHERE org_id = ?
        """,
        [org_id, CORE_QUESTIONS, org_id, org_id],
    ).df()


def stored_score_keys(con: duckdb.DuckDBPyConnection, org_id: str, fingerprint: str) -> set[str]:
    sql = "SELECT text_key FROM scores WHERE org_id = ? AND fingerprint = ?"
    return {r[0] for r in con.execute(sql, [org_id, fingerprint]).fetchall()}


def store_scores(
    con: duckdb.DuckDBPyConnection, org_id: str, fingerprint: str, scores: pd.DataFrame
) -> int:
    """Add scores (``text_key`` and the score columns) under ``fingerprint``; returns rows."""
    if scores.empty:
        return 0
    frame = scores.assign(org_id=org_id, fingerprint=fingerprint)
    con.register("_scores", frame)
    try:
        con.execute(
            "INSERT OR REPLACE INTO scores SELECT org_id, fingerprint, text_key, focus, result, "
            "quadrant, confidence, cues FROM _scores"
        )
    finally:
        con.unregister("_scores")
    return len(frame)


def drop_scores(
    con: duckdb.DuckDBPyConnection, org_id: str, keep: list[str], keys: set[str] | None = None
) -> int:
    """Remove the organisation's scores of other fingerprints than ``keep`` (and, with ``keys``,
    also those of ``keep`` whose text is gone); returns rows removed."""
    before = con.execute("SELECT count(*) FROM scores WHERE org_id = ?", [org_id]).fetchone()[0]
    con.execute("DELETE FROM scores WHERE org_id = ? AND fingerprint NOT IN ?", [org_id, keep])
    if keys is not None:
        con.register("_keys", pd.DataFrame({"text_key": sorted(keys)}, dtype=str))
        try:
            con.execute(
                "DELETE FROM scores WHERE org_id = ? AND text_key NOT IN (SELECT text_key FROM _keys)",
                [org_id],
            )
        finally:
            con.unregister("_keys")
    after = con.execute("SELECT count(*) FROM scores WHERE org_id = ?", [org_id]).fetchone()[0]
    return int(before - after)


def read_scores(
    con: duckdb.DuckDBPyConnection, org_id: str, fingerprint: str, corrected: str | None = None
) -> pd.DataFrame:
    """The organisation's scores: the model's, with the codebook's corrections (stored under
    ``corrected``) in place of the texts they touch."""
    return con.execute(
        """
        SELECT b.text_key,
               coalesce(c.focus, b.focus) AS focus, coalesce(c.result, b.result) AS result,
               coalesce(c.quadrant, b.quadrant) AS quadrant,
               coalesce(c.confidence, b.confidence) AS confidence,
               coalesce(c.cues, b.cues) AS cues
        FROM scores b LEFT JOIN scores c
          ON c.org_id = b.org_id AND c.text_key = b.text_key AND c.fingerprint = ?
        WHERE b.org_id = ? AND b.fingerprint = ?
        """,
        [corrected or "", org_id, fingerprint],
    ).df()


def questions(con: duckdb.DuckDBPyConnection, org_id: str, wave_id: str) -> pd.DataFrame | None:
    """A wave's mapped questions, or None in a workspace written before they were recorded."""
    try:
        return table(con, "questions", org_id, wave_id)
    except duckdb.CatalogException:
        return None


def stored_themes(con: duckdb.DuckDBPyConnection, org_id: str, wave_id: str) -> dict[str, str]:
    """A wave's stored themes as {themes key: themes as JSON} (none in an older workspace)."""
    try:
        rows = con.execute(
            "SELECT themes_key, found FROM themes WHERE org_id = ? AND wave_id = ?",
            [org_id, wave_id],
        ).fetchall()
    except duckdb.CatalogException:  # a workspace written before themes were stored
        return {}
    return dict(rows)


def store_theme(
    con: duckdb.DuckDBPyConnection, org_id: str, wave_id: str, question: str, key: str, found: str
) -> None:
    con.execute(
        "INSERT OR REPLACE INTO themes VALUES (?, ?, ?, ?, ?)",
        [org_id, wave_id, question, key, found],
    )


def drop_themes(con: duckdb.DuckDBPyConnection, org_id: str, wave_id: str, keep: list[str]) -> None:
    """Remove a wave's stored themes other than ``keep`` (answers changed since)."""
    con.execute(
        "DELETE FROM themes WHERE org_id = ? AND wave_id = ? AND themes_key NOT IN ?",
        [org_id, wave_id, keep or [""]],
    )


def model_evaluation(con: duckdb.DuckDBPyConnection, fingerprint: str) -> dict | None:
    """The stored cross-validation summary of a model, or None."""
    row = con.execute(
        "SELECT summary FROM model_evaluations WHERE fingerprint = ?", [fingerprint]
    ).fetchone()
    return json.loads(row[0]) if row else None


def store_model_evaluation(con: duckdb.DuckDBPyConnection, fingerprint: str, summary: dict) -> None:
    con.execute(
        "INSERT OR REPLACE INTO model_evaluations VALUES (?, ?, ?)",
        [fingerprint, dt.datetime.now(), json.dumps(summary, sort_keys=True)],
    )


def table(
    con: duckdb.DuckDBPyConnection, name: str, org_id: str, wave_id: str | None = None
) -> pd.DataFrame:
    """One organisation's rows of a workspace table as a DataFrame (optionally one wave)."""
    sql = f"SELECT * FROM {name} WHERE org_id = ?"
    params = [org_id]
    if wave_id is not None:
        sql += " AND wave_id = ?"
        params.append(wave_id)
    return con.execute(sql, params).df()


# --- intake: writes made while loading studies ---
# What ``opsworkbench.intake.load`` reads and writes about organisations, sources, waves and
# quarantined rows; the rows themselves go in with ``insert_frame``.

INVENTORY_TABLES = ("metrics", "okrs", "capabilities")


def record_organisation(
    con: duckdb.DuckDBPyConnection,
    org_id: str,
    *,
    name: str,
    sector: str | None,
    min_group_size: int,
    min_quote_group_size: int,
    study_file: str,
) -> None:
    """Add or update an organisation as its study file describes it."""
    con.execute(
        "INSERT OR REPLACE INTO organisations VALUES (?, ?, ?, ?, ?, ?)",
        [org_id, name, sector, min_group_size, min_quote_group_size, study_file],
    )


def delete_organisation_if_empty(con: duckdb.DuckDBPyConnection, org_id: str) -> bool:
    """Remove an organisation none of whose files loaded, so it is not listed as if it had data;
    says whether it was removed."""
    if con.execute("SELECT 1 FROM sources WHERE org_id = ?", [org_id]).fetchone():
        return False
    con.execute("DELETE FROM organisations WHERE org_id = ?", [org_id])
    return True


def loaded_source(con: duckdb.DuckDBPyConnection, org_id: str, kind: str, key: str) -> tuple | None:
    """What the last load of a wave or inventory recorded: (sha256, rows read, rows loaded,
    rows quarantined, warnings, layout, source file, settings sha256), or None."""
    return con.execute(
        "SELECT source_sha256, rows_read, rows_loaded, rows_quarantined, warnings, layout, "
        "source_file, settings_sha256 FROM sources WHERE org_id = ? AND kind = ? AND key = ?",
        [org_id, kind, key],
    ).fetchone()


def previous_source(con: duckdb.DuckDBPyConnection, org_id: str, kind: str, key: str) -> str | None:
    """The file a wave or inventory was loaded from last time, if any."""
    row = con.execute(
        "SELECT source_file FROM sources WHERE org_id = ? AND kind = ? AND key = ?",
        [org_id, kind, key],
    ).fetchone()
    return row[0] if row else None


def quarantine_reasons(con: duckdb.DuckDBPyConnection, org_id: str, source_file: str) -> list[str]:
    """The reason of each row quarantined from a source file."""
    rows = con.execute(
        "SELECT reason FROM quarantine WHERE org_id = ? AND source_file = ?",
        [org_id, source_file],
    ).fetchall()
    return [reason for (reason,) in rows]


def replace_wave(
    con: duckdb.DuckDBPyConnection,
    org_id: str,
    wave_id: str,
    *,
    fielded_on,
    source_file: str,
    sha256: str,
) -> None:
    """Delete a wave's respondents, responses and questions and record it anew."""
    for name in ("respondents", "responses", "questions", "waves"):
        con.execute(f"DELETE FROM {name} WHERE org_id = ? AND wave_id = ?", [org_id, wave_id])
    con.execute(
        "INSERT INTO waves VALUES (?, ?, ?, ?, ?)",
        [org_id, wave_id, fielded_on, source_file, sha256],
    )


def clear_inventory(con: duckdb.DuckDBPyConnection, kind: str, org_id: str) -> None:
    """Delete an organisation's metrics, OKRs or capabilities before they are loaded again."""
    if kind not in INVENTORY_TABLES:
        raise ValueError(f"not an inventory table: {kind!r}")
    con.execute(f"DELETE FROM {kind} WHERE org_id = ?", [org_id])


def clear_quarantine(con: duckdb.DuckDBPyConnection, org_id: str, source_files) -> None:
    """Delete the rows quarantined from these source files."""
    for name in source_files:
        con.execute("DELETE FROM quarantine WHERE org_id = ? AND source_file = ?", [org_id, name])


def record_source(
    con: duckdb.DuckDBPyConnection,
    org_id: str,
    kind: str,
    key: str,
    *,
    source_file: str,
    sha256: str,
    encoding: str,
    layout: str,
    rows_read: int,
    rows_loaded: int,
    rows_quarantined: int,
    warnings: list[str],
    settings_sha256: str,
) -> None:
    """Record (or replace) what loading a wave or inventory from a file gave."""
    con.execute(
        "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            org_id,
            kind,
            key,
            source_file,
            sha256,
            encoding,
            layout,
            rows_read,
            rows_loaded,
            rows_quarantined,
            dt.datetime.now(),
            warnings,
            settings_sha256,
        ],
    )


# --- workshop sessions: the room's answers are a wave; the facilitator's decisions an audit trail


def record_workshop(
    con: duckdb.DuckDBPyConnection,
    org_id: str,
    wave_id: str,
    *,
    log_file: str,
    sha256: str,
    started_at,
    last_record_at,
    participants: int,
    answer_records: int,
    events: pd.DataFrame,
) -> None:
    """Replace what a workshop session's log gave so far: its row and its audit trail."""
    con.execute("DELETE FROM workshop_events WHERE org_id = ? AND wave_id = ?", [org_id, wave_id])
    insert_frame(con, "workshop_events", events.assign(org_id=org_id, wave_id=wave_id))
    decisions = int((events["kind"] != "answer").sum()) if len(events) else 0
    con.execute(
        "INSERT OR REPLACE INTO workshop_sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            org_id,
            wave_id,
            log_file,
            sha256,
            started_at,
            last_record_at,
            dt.datetime.now(),
            participants,
            answer_records,
            decisions,
        ],
    )


def workshop_log_sha(con: duckdb.DuckDBPyConnection, org_id: str, wave_id: str) -> str | None:
    """The hash of the session log last folded in (None before the first fold)."""
    row = con.execute(
        "SELECT log_sha256 FROM workshop_sessions WHERE org_id = ? AND wave_id = ?",
        [org_id, wave_id],
    ).fetchone()
    return row[0] if row else None
