"""The room as the presenter view sees it: answers and decisions read from the session log,
turned into the same frames a report analyses (no I/O here, except reading the stored survey).

The room's answers are a :class:`ReportContext` like any wave's, built in memory, so every
number on the presenter view comes from the report's own analyses and privacy rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd

from opsworkbench import workspace as ws
from opsworkbench.diagnostics.frames import ReportContext
from opsworkbench.intake.score import load_codebook
from opsworkbench.language.codebook import Codebook, check_entry
from opsworkbench.language.scoring import score_frame, score_metrics, score_responses
from opsworkbench.privacy import escape
from opsworkbench.report.context import read_context
from opsworkbench.vocabulary import CORE_QUESTIONS
from opsworkbench.workshop.fold import FACILITATOR, THEME_KINDS, UNIT_NOT_GIVEN
from opsworkbench.workshop.session import ANSWER, Session, latest_answers, survey_wave

CATEGORIES = {
    "language": "Language",
    "measures": "Measures",
    "operating_model": "Operating model",
}
CURTAIN_MARK = "▮▮▮"


@dataclass
class Decisions:
    """The facilitator's decisions so far, in the order they were made."""

    step: int = 0
    verbatims: bool = False
    curtain: bool = False
    themes: list[dict] = field(default_factory=list)  # rename / merge records
    agreed: dict[str, bool] = field(default_factory=dict)  # gap → agreed
    proposals: dict[str, dict] = field(default_factory=dict)  # id → proposal record

    def apply(self, record: dict) -> None:
        kind = record.get("kind")
        if kind == "step":
            self.step = int(record.get("step", 0))
        elif kind in ("verbatims", "curtain"):
            setattr(self, kind, bool(record.get("on")))
        elif kind in THEME_KINDS:
            self.themes.append(record)
        elif kind == "gap_agreed":
            self.agreed[str(record.get("gap"))] = bool(record.get("agreed"))
        elif kind == "proposal":
            self.proposals[str(record.get("id"))] = record
        elif kind == "proposal_removed":
            self.proposals.pop(str(record.get("id")), None)


class Room:
    """Answers and decisions read so far, and the room's frames (rebuilt when answers change)."""

    def __init__(self, session: Session, survey: ReportContext | None, base: ReportContext):
        self.session, self.survey, self.base = session, survey, base
        self.records: list[dict] = []
        self.decisions = Decisions()
        self.answers: dict[str, dict] = {}
        self._context: ReportContext | None = None

    def add(self, records: list[dict]) -> bool:
        """Take in new log records; says whether the room's frames changed (answers, or theme
        names and merges)."""
        self.records += records
        answered = False
        for record in records:
            if record.get("kind") == ANSWER:
                answered = True
            else:
                self.decisions.apply(record)
        if answered:
            self.answers = latest_answers(self.records)
        changed = answered or any(r.get("kind") in THEME_KINDS for r in records)
        if changed:
            self._context = None
        return changed

    @property
    def people(self) -> int:
        return len(self.answers)

    def codebook(self) -> Codebook:
        """The organisation's codebook with the room's theme names and merges after it."""
        book = self.base.codebook
        rows = []
        for r in self.decisions.themes:
            try:
                target, label = check_entry(r["kind"], str(r.get("target")), str(r.get("label")))
            except Exception:  # noqa: BLE001 — a hand-edited line is skipped, as the fold does
                continue
            rows.append(
                {
                    "version": book.version + len(rows) + 1,
                    "created_at": pd.Timestamp(r["at"]),
                    "action": r["kind"],
                    "target": target,
                    "value": label,
                    "note": "workshop",
                    "author": FACILITATOR,
                }
            )
        if not rows:
            return book
        entries = pd.concat([book.entries, pd.DataFrame(rows)], ignore_index=True)
        return Codebook.from_entries(book.org_id, entries)

    def context(self) -> ReportContext:
        """The room's answers as a wave of the organisation, scored in memory."""
        if self._context is None:
            self._context = room_context(self.session, self.base, self.answers, self.codebook())
        return self._context


def room_context(
    session: Session, base: ReportContext, answers: dict[str, dict], codebook: Codebook
) -> ReportContext:
    people = list(answers.values())
    ids = [f"p{i:03d}" for i in range(len(people))]  # on screen only; the fold pseudonymises
    respondents = pd.DataFrame(
        {
            "org_id": session.org_id,
            "wave_id": session.wave_id,
            "respondent_id": ids,
            "unit": [r.get("unit") or UNIT_NOT_GIVEN for r in people],
            "role": None,
            "tenure_band": None,
        },
        columns=["org_id", "wave_id", "respondent_id", "unit", "role", "tenure_band"],
    )
    responses = pd.DataFrame(
        [
            {"wave_id": session.wave_id, "respondent_id": i, "question": q, "text": str(r[q])}
            for i, r in zip(ids, people, strict=True)
            for q in CORE_QUESTIONS
            if str(r.get(q) or "").strip()
        ],
        columns=["wave_id", "respondent_id", "question", "text"],
    )
    scored = score_responses(respondents, responses, codebook)
    questions = pd.DataFrame(
        {
            "question": CORE_QUESTIONS,
            "source_column": "workshop page",
            "wording": [session.wording.get(q) for q in CORE_QUESTIONS],
            "free_text": True,
            "note": None,
        }
    )
    return replace(
        base,
        wave_id=session.wave_id,
        waves=[*base.waves, session.wave_id],
        respondents=respondents,
        responses=responses,
        scored=scored,
        questions=questions,
        codebook=codebook,
        stored_themes={},
    )


def load_survey(session: Session) -> tuple[ReportContext | None, ReportContext]:
    """The organisation's latest stored survey (None without one) and the frames the room
    shares with it: metrics, OKRs, capabilities, codebook, privacy minimums."""
    con = ws.connect(session.workspace, read_only=True)
    try:
        wave = survey_wave(ws.wave_ids(con, session.org_id))
        if wave is not None:
            survey = read_context(con, session.org_id, wave)
            return survey, survey
        return None, _inventory_only(con, session)
    finally:
        con.close()


def _inventory_only(con, session: Session) -> ReportContext:
    """An organisation with no survey yet: its inventories, scored in memory."""
    org = session.org_id
    codebook = load_codebook(con, org)
    okrs = ws.table(con, "okrs", org).reset_index(drop=True)
    empty = pd.DataFrame(columns=["wave_id", "respondent_id", "unit", "role", "tenure_band"])
    return ReportContext(
        org_id=org,
        name=session.name,
        sector="",
        wave_id="",
        waves=[],
        min_size=session.min_size,
        min_quote_size=session.min_quote_size,
        respondents=empty,
        responses=pd.DataFrame(columns=["wave_id", "respondent_id", "question", "text"]),
        scored=pd.DataFrame(),
        metrics=score_metrics(ws.table(con, "metrics", org), codebook),
        okrs=pd.concat([okrs, score_frame(okrs["key_result"], codebook)], axis=1),
        capabilities=ws.table(con, "capabilities", org).sort_values("stage_order"),
        sources=pd.DataFrame(),
        quarantine=pd.DataFrame(),
        codebook=codebook,
    )


def curtain(html: str, names: list[str]) -> str:
    """``html`` with every unit name blanked out (the privacy curtain). Names are matched as
    escaped text, whole words, longest first."""
    names = sorted({escape(n) for n in names if n and n.strip()}, key=len, reverse=True)
    if not names:
        return html
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
    return pattern.sub(CURTAIN_MARK, html)
