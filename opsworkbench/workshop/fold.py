"""The workshop's one writer: folds the session log into the workspace.

The room's answers become the organisation's wave ``workshop-YYYY-MM-DD`` (one respondent per
participant, pseudonymised like any survey's, with their latest answers), scored and with its
themes stored, so ``opsworkbench report --wave workshop-…`` renders it. Every record of the log
is also kept as the session's audit trail (``workshop_events``: when, what, who — the
facilitator or a participant's pseudonym, never an answer's text), and the facilitator's theme
names and merges become codebook versions. Folding is idempotent: the same log gives the same
workspace, so it runs after every change and again after a restart.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass

import pandas as pd

from opsworkbench import workspace as ws
from opsworkbench.errors import OpsWorkbenchError
from opsworkbench.intake.score import refresh_org
from opsworkbench.language.codebook import check_entry
from opsworkbench.privacy import pseudonymise
from opsworkbench.vocabulary import CORE_QUESTIONS
from opsworkbench.workshop.session import (
    ANSWER,
    FACILITATOR_KINDS,
    Session,
    complete,
    latest_answers,
    parse,
)

UNIT_NOT_GIVEN = "Unit not given"
LAYOUT = "opsworkbench workshop log"
FACILITATOR = "workshop facilitator"
THEME_KINDS = ("rename", "merge")


@dataclass
class Folded:
    """What one fold found in the log."""

    participants: int  # answer pairs in the wave
    answer_records: int  # answers sent (a participant who changed theirs sent more than one)
    replaced: int  # answers replaced by the same participant's later ones
    unreadable: int  # log lines that are not a record
    decisions: int  # the facilitator's records
    changed: bool  # whether the workspace was written


def codebook_note(session: Session, line: int) -> str:
    return f"Agreed in workshop {session.wave_id} (session log line {line})"


def fold(con, session: Session, *, force: bool = False) -> Folded:
    """Bring the workspace up to date with the session's log (a no-op when it has not changed)."""
    try:
        data = complete(session.log.read_bytes())
    except FileNotFoundError:
        data = b""
    sha = hashlib.sha256(data).hexdigest()
    records, unreadable = parse(data)
    foreign = [r for r in records if not _is_record(r)]
    records = [r for r in records if _is_record(r)]
    answers = latest_answers(records)
    sent = [r for r in records if r.get("kind") == ANSWER and r.get("participant")]
    decisions = [r for r in records if r.get("kind") != ANSWER]
    result = Folded(
        len(answers),
        len(sent),
        len(sent) - len(answers),
        len(unreadable) + len(foreign),
        len(decisions),
        False,
    )
    org, wave = session.org_id, session.wave_id
    if not force and ws.workshop_log_sha(con, org, wave) == sha:
        return result
    if ws.organisation(con, org) is None:
        raise OpsWorkbenchError(f"organisation '{org}' is not in the workspace")
    salt = ws.salt(con)
    pseudonym = {
        p: pseudonymise(p, salt=salt, org_id=org) for p in {r["participant"] for r in sent}
    }
    source = str(session.log)
    with ws.transaction(con):
        ws.clear_quarantine(con, org, [source])
        if answers:
            ws.replace_wave(con, org, wave, fielded_on=session.day, source_file=source, sha256=sha)
            for name, frame in _wave_tables(session, answers, pseudonym).items():
                ws.insert_frame(con, name, frame)
        quarantine = _quarantine(answers, sent, unreadable, foreign)
        if answers or len(quarantine):  # before the first answer there is no wave to describe
            ws.insert_frame(con, "quarantine", quarantine.assign(org_id=org, source_file=source))
            ws.record_source(
                con,
                org,
                "survey",
                wave,
                source_file=source,
                sha256=sha,
                encoding="utf-8",
                layout=LAYOUT,
                rows_read=len(sent) + len(unreadable) + len(foreign),
                rows_loaded=len(answers),
                rows_quarantined=len(quarantine),
                warnings=[],
                settings_sha256="",
            )
        times = [r["at"] for r in records if r.get("at")]
        ws.record_workshop(
            con,
            org,
            wave,
            log_file=source,
            sha256=sha,
            started_at=min(times) if times else None,
            last_record_at=max(times) if times else None,
            participants=len(answers),
            answer_records=len(sent),
            events=_events(records, answers, pseudonym),
        )
        _theme_decisions(con, session, decisions)
    if answers:
        from opsworkbench.report.context import store_themes

        refresh_org(con, org)
        store_themes(con, org)
    result.changed = True
    return result


def _is_record(record: dict) -> bool:
    """A line the workshop's pages write: an answer from a participant, with its time, or one
    of the facilitator's decisions. Anything else (a hand-edited line) is quarantined."""
    if record.get("kind") == ANSWER:
        participant, at = record.get("participant"), record.get("at")
        return isinstance(participant, str) and bool(participant) and _time(at) is not None
    return record.get("kind") in FACILITATOR_KINDS and _time(record.get("at")) is not None


def _time(value) -> pd.Timestamp | None:
    try:
        stamp = pd.Timestamp(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return None if stamp is None or pd.isna(stamp) else stamp


def _wave_tables(session: Session, answers: dict, pseudonym: dict) -> dict[str, pd.DataFrame]:
    org, wave = session.org_id, session.wave_id
    people = list(answers.values())
    respondents = pd.DataFrame(
        {
            "org_id": org,
            "wave_id": wave,
            "respondent_id": [pseudonym[r["participant"]] for r in people],
            "unit": [r.get("unit") or UNIT_NOT_GIVEN for r in people],
            "role": None,
            "tenure_band": None,
            "submitted_at": pd.to_datetime([r["at"] for r in people]),
            "source_row": [r["line"] for r in people],
        }
    )
    responses = pd.DataFrame(
        [
            {
                "org_id": org,
                "wave_id": wave,
                "respondent_id": pseudonym[r["participant"]],
                "question": q,
                "text": str(r[q]),
                "value": None,
            }
            for r in people
            for q in CORE_QUESTIONS
            if str(r.get(q) or "").strip()
        ],
        columns=ws.TABLE_COLUMNS["responses"],
    )
    questions = pd.DataFrame(
        {
            "org_id": org,
            "wave_id": wave,
            "question": CORE_QUESTIONS,
            "source_column": "workshop page",
            "wording": [session.wording.get(q) for q in CORE_QUESTIONS],
            "free_text": True,
            "note": None,
        }
    )
    return {"respondents": respondents, "responses": responses, "questions": questions}


def _quarantine(
    answers: dict, sent: list[dict], unreadable: list[int], foreign: list[dict]
) -> pd.DataFrame:
    """Log lines that are not in the wave, each with why: answers replaced by the same
    participant's later ones, lines that cannot be read, and lines the pages do not write."""
    rows = [
        {
            "row_number": r["line"],
            "reason": "replaced: the same participant sent new answers at "
            f"{answers[r['participant']]['at'][11:19]} (log line {answers[r['participant']]['line']})",
            "raw": json.dumps({k: r.get(k) for k in ("unit", *CORE_QUESTIONS)}, ensure_ascii=False),
        }
        for r in sent
        if answers[r["participant"]] is not r
    ]
    rows += [
        {"row_number": n, "reason": "unreadable: this log line is not a whole record", "raw": ""}
        for n in unreadable
    ]
    rows += [
        {
            "row_number": r["line"],
            "reason": "not a workshop record: an answer needs a participant and a time, "
            f"a decision one of {', '.join(FACILITATOR_KINDS)}",
            "raw": "",
        }
        for r in foreign
    ]
    return pd.DataFrame(rows, columns=["row_number", "reason", "raw"]).sort_values("row_number")


def _events(records: list[dict], answers: dict, pseudonym: dict) -> pd.DataFrame:
    """The audit trail: every record's time, kind and actor; an answer's text stays out."""
    rows = []
    for r in records:
        kind = str(r.get("kind"))
        if kind == ANSWER:
            actor = pseudonym.get(r.get("participant"), "")
            detail = {"unit": r.get("unit"), "kept": answers.get(r.get("participant")) is r}
        else:
            actor = FACILITATOR
            detail = {k: v for k, v in r.items() if k not in ("at", "line", "kind")}
        rows.append(
            {
                "line": r["line"],
                "recorded_at": pd.to_datetime(r.get("at"), errors="coerce"),
                "kind": kind,
                "actor": actor,
                "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
            }
        )
    return pd.DataFrame(rows, columns=["line", "recorded_at", "kind", "actor", "detail"])


def _theme_decisions(con, session: Session, decisions: list[dict]) -> None:
    """The facilitator's theme names and merges as codebook versions, each added once."""
    notes = set(ws.codebook_entries(con, session.org_id)["note"])
    for r in decisions:
        if r.get("kind") not in THEME_KINDS or codebook_note(session, r["line"]) in notes:
            continue
        try:
            target, value = check_entry(
                r["kind"], str(r.get("target", "")), str(r.get("label", ""))
            )
        except OpsWorkbenchError:
            continue  # the presenter view only sends valid names; a hand-edited line is skipped
        ws.add_codebook_entry(
            con,
            session.org_id,
            r["kind"],
            target,
            value,
            codebook_note(session, r["line"]),
            FACILITATOR,
        )


def fold_now(session: Session, *, force: bool = False) -> Folded:
    """Open the workspace, fold, close (waiting while another process writes)."""
    con = ws.connect(session.workspace)
    try:
        return fold(con, session, force=force)
    finally:
        con.close()


class Folder(threading.Thread):
    """Folds the log into the workspace whenever it grows, until stopped; then once more."""

    def __init__(self, session: Session, *, interval: float = 1.0, report=print):
        super().__init__(daemon=True, name="workshop-folder")
        self.session, self.interval, self.report = session, interval, report
        self.stopping = threading.Event()
        self.last: Folded | None = None
        self._seen = None

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.fold_if_changed()
        self.fold_if_changed()

    def fold_if_changed(self) -> None:
        try:
            stat = self.session.log.stat()
            seen = (stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            return
        if seen == self._seen:
            return
        try:
            self.last = fold_now(self.session)
            self._seen = seen
        except OpsWorkbenchError as exc:  # busy: the next tick tries again
            self.report(f"workshop: not saved yet ({exc}); trying again")

    def stop(self) -> None:
        self.stopping.set()
        self.join()
