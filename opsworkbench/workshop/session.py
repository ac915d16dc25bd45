"""A workshop session on disk: its settings (``session.json``) and its append-only log.

Every page of a workshop runs in its own kernel process, and the workspace has one writer at a
time. So pages never write the workspace: each participant's answers and each facilitator's
decision is one JSON line appended to the session's log, under an exclusive file lock and
flushed to disk before the page says "received". One process (``opsworkbench workshop``) folds
the log into the workspace (:mod:`opsworkbench.workshop.fold`); the presenter view reads the
log itself. A server restart loses nothing: the log is the record, and folding it again gives
the same workspace.

Standard library only: a participant's page imports this and nothing heavy.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from opsworkbench.vocabulary import DEFAULT_WORDING

SESSION_ENV = "OPSWORKBENCH_WORKSHOP"  # the session.json a workshop's pages read
WAVE_PREFIX = "workshop-"
KEY_PARAMETER = "presenter"  # the presenter view's address carries the session's key
LOG_NAME, SETTINGS_NAME = "log.jsonl", "session.json"
# Record kinds: a participant's answers, and the facilitator's decisions (the audit trail).
ANSWER = "answer"
FACILITATOR_KINDS = (
    "step",
    "verbatims",
    "curtain",
    "rename",
    "merge",
    "gap_agreed",
    "proposal",
    "proposal_removed",
)


def wave_id(day: dt.date) -> str:
    """The wave a workshop's answers become: ``workshop-YYYY-MM-DD``."""
    return f"{WAVE_PREFIX}{day.isoformat()}"


def survey_wave(waves: list[str]) -> str | None:
    """The organisation's latest survey wave that is not a workshop (None without one)."""
    surveys = [w for w in waves if not w.startswith(WAVE_PREFIX)]
    return surveys[-1] if surveys else None


def session_folder(workspace: Path, org_id: str, day: dt.date) -> Path:
    """Where a workshop's settings and log live: beside the workspace, one folder per
    organisation and day (a restart on the same day carries on the same session)."""
    return workspace.resolve().parent / "workshops" / f"{org_id}-{wave_id(day)}"


@dataclass(frozen=True)
class Session:
    """What every page of one workshop needs to know, written once by ``opsworkbench workshop``."""

    org_id: str
    name: str
    day: str  # ISO date
    workspace: str
    folder: str
    units: list[str] = field(default_factory=list)
    wording: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_WORDING))
    min_size: int = 5
    min_quote_size: int = 10
    presenter_key: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    participant_url: str = ""
    presenter_url: str = ""

    @property
    def wave_id(self) -> str:
        return wave_id(dt.date.fromisoformat(self.day))

    @property
    def session_id(self) -> str:
        return f"{self.org_id}/{self.wave_id}"

    @property
    def log(self) -> Path:
        return Path(self.folder) / LOG_NAME

    def save(self) -> Path:
        path = Path(self.folder) / SETTINGS_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        # it holds the presenter's key: readable by its owner only, like the log
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(self), indent=2, ensure_ascii=False))
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path | None = None) -> Session:
        """The session a page belongs to (default: ``$OPSWORKBENCH_WORKSHOP``)."""
        path = path or os.environ.get(SESSION_ENV)
        if not path:
            raise LookupError(
                f"no workshop session: start one with `opsworkbench workshop --org ID` "
                f"(it sets ${SESSION_ENV})"
            )
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


def now() -> str:
    """The time a record is made (local time, to the millisecond), as the audit trail shows it."""
    return dt.datetime.now().isoformat(timespec="milliseconds")


def append(log: Path, record: dict) -> dict:
    """Add one record to the log and flush it to disk; returns it with its time (``at``).

    Many kernels append at once: an exclusive lock keeps each line whole, and a line left
    half-written by a crash is closed first so the next record stays readable.
    """
    record = {"at": now(), **record}
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    log.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = "\n" + line
        data = line.encode("utf-8")
        while data:
            data = data[os.write(fd, data) :]
        os.fsync(fd)
    finally:
        os.close(fd)  # releases the lock
    return record


def parse(data: bytes, first_line: int = 1) -> tuple[list[dict], list[int]]:
    """The records in complete lines of ``data`` (each with its line number, ``line``), and
    the numbers of lines that are not a JSON record."""
    records, unreadable = [], []
    for number, raw in enumerate(data.split(b"\n")[:-1], start=first_line):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except ValueError:
            record = None
        if isinstance(record, dict):
            records.append({**record, "line": number})
        else:
            unreadable.append(number)
    return records, unreadable


def complete(data: bytes) -> bytes:
    """``data`` up to its last whole line (a line still being written waits)."""
    return data[: data.rfind(b"\n") + 1]


@dataclass
class LogReader:
    """Reads a log as it grows: each :meth:`read` returns the records added since the last."""

    path: Path
    offset: int = 0
    lines: int = 0
    unreadable: list[int] = field(default_factory=list)

    def read(self) -> list[dict]:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                data = complete(handle.read())
        except FileNotFoundError:
            return []
        self.offset += len(data)
        records, unreadable = parse(data, self.lines + 1)
        self.lines += data.count(b"\n")
        self.unreadable += unreadable
        return records


def read_log(path: Path) -> list[dict]:
    """Every record of a log, each with its line number (``line``)."""
    return LogReader(Path(path)).read()


def latest_answers(records: list[dict]) -> dict[str, dict]:
    """Each participant's answers: the last they sent (changing one's answers replaces them)."""
    answers: dict[str, dict] = {}
    for record in records:
        if record.get("kind") == ANSWER and record.get("participant"):
            answers.pop(record["participant"], None)  # the latest goes last, in order of arrival
            answers[record["participant"]] = record
    return answers
