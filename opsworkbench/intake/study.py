"""The per-study YAML that maps an organisation's export columns to our vocabulary."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from opsworkbench.errors import InputError
from opsworkbench.intake.readers import LAYOUTS
from opsworkbench.intake.yamlio import MAX_YAML_BYTES, YamlDocument, describe, load_yaml
from opsworkbench.vocabulary import CORE_QUESTIONS

FORMATS = ("auto", *LAYOUTS)  # the survey tools readers.py knows

MAX_INPUT_BYTES = 200 * 1024 * 1024  # the largest export or inventory a study may name
MAX_ID_LENGTH = 64
MAX_GROUP_SIZE = 1000  # a privacy minimum above this would hide every group of a real study

# org_id and wave_id become folder names under reports/, so they must be safe on every system.
_WAVE_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?")
_ORG_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_RESERVED_NAMES = {"con", "prn", "aux", "nul"} | {
    f"{p}{i}" for p in ("com", "lpt") for i in range(10)
}
WAVE_ID_RULE = (
    f"use 1-{MAX_ID_LENGTH} letters, digits, '-', '_' or '.', starting with a letter or digit "
    "and not ending with '.' (for example 2026-05 or w1)"
)
ORG_ID_RULE = (
    f"use 1-{MAX_ID_LENGTH} lowercase letters, digits, '-' or '_', starting with a letter or "
    "digit (for example harbour_mutual)"
)
FILE_RULE = (
    "a study may only use regular files inside its own folder: name them relative to study.yml "
    "(for example exports/survey.csv), without '..', and copy files from elsewhere into the folder"
)

# Keys whose values are read as the text written, so `wave_id: 2026-05-01` or `wave_id: 2026.10`
# keep their spelling instead of becoming a date or the number 2026.1.
TEXT_KEYS = frozenset(
    {
        "org_id",
        "wave_id",
        "name",
        "sector",
        "file",
        "metrics",
        "okrs",
        "capabilities",
        "column",
        "wording",
        "unit",
        "respondent_id",
        "submitted_at",
        "role",
        "tenure_band",
    }
)


def _as_text(value: Any) -> Any:
    """Dates and numbers given where text is expected, as the text they stand for."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return value


def _check_id(value: str, pattern: re.Pattern, rule: str, what: str) -> str:
    if (
        len(value) > MAX_ID_LENGTH
        or not pattern.fullmatch(value)
        or value.split(".")[0].lower() in _RESERVED_NAMES
    ):
        raise ValueError(f"'{value}' cannot be used as {what}: {rule}")
    return value


def check_ids(org_id: str, wave_id: str) -> None:
    """Raise :class:`InputError` unless ``org_id`` and ``wave_id`` are names
    :func:`load_study` accepts, so they are safe as folders under ``reports/``.

    For code that receives ids from elsewhere than a study (a command line, an older
    workspace) before it builds paths from them.
    """
    for value, pattern, rule, what in (
        (org_id, _ORG_ID, ORG_ID_RULE, "an org_id"),
        (wave_id, _WAVE_ID, WAVE_ID_RULE, "a wave id"),
    ):
        try:
            _check_id(str(value), pattern, rule, what)
        except ValueError as exc:
            raise InputError(str(exc)) from None


def _file_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a file inside the study folder, or ``None`` if it can."""
    if not name.strip():
        return "is empty"
    if "\x00" in name:
        return "contains a NUL character"
    for flavour in (PurePosixPath(name), PureWindowsPath(name)):
        if flavour.anchor:
            return "is an absolute path"
        if ".." in flavour.parts:
            return "goes up out of the study folder with '..'"
    return None


def _file_name(value: str | None) -> str | None:
    if value is not None:
        problem = _file_name_problem(value)
        if problem:
            raise ValueError(f"'{value}' {problem}: {FILE_RULE}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Privacy(_Strict):
    min_group_size: int = Field(
        5, ge=2, le=MAX_GROUP_SIZE, description="Smallest group whose scores are shown."
    )
    min_quote_group_size: int = Field(
        10, ge=2, le=MAX_GROUP_SIZE, description="Smallest group whose quotes are shown."
    )

    @model_validator(mode="after")
    def _quotes_need_at_least_the_score_minimum(self) -> Privacy:
        if self.min_quote_group_size < self.min_group_size:
            raise ValueError(
                f"min_quote_group_size ({self.min_quote_group_size}) must be at least "
                f"min_group_size ({self.min_group_size}): quotes identify people more easily "
                "than scores"
            )
        return self


class SurveyColumns(_Strict):
    unit: str | None = None  # without one, every respondent is in one unit, "All respondents"
    respondent_id: str | None = None
    submitted_at: str | None = None
    role: str | None = None
    tenure_band: str | None = None


class Question(_Strict):
    """One mapped question: the export's column and, optionally, the wording as it was asked."""

    column: str
    wording: str | None = None


class Survey(_Strict):
    wave_id: str
    file: str
    fielded_on: dt.date | None = None
    format: Literal[FORMATS] = "auto"
    sheet: str | int | None = None
    dayfirst: bool = False
    columns: SurveyColumns
    questions: dict[str, Question]

    @field_validator("wave_id", mode="before")
    @classmethod
    def _wave_as_text(cls, value):
        return _as_text(value)

    @field_validator("wave_id")
    @classmethod
    def _wave_is_a_safe_name(cls, value: str) -> str:
        return _check_id(value, _WAVE_ID, WAVE_ID_RULE, "a wave id")

    @field_validator("file")
    @classmethod
    def _file_inside_folder(cls, value: str) -> str:
        return _file_name(value)

    @field_validator("questions", mode="before")
    @classmethod
    def _question_columns(cls, value):
        if isinstance(value, dict):
            return {
                k: {"column": str(v)} if isinstance(v, str | int | float) else v
                for k, v in value.items()
            }
        return value

    @field_validator("questions")
    @classmethod
    def _core_questions(cls, value: dict[str, Question]) -> dict[str, Question]:
        if not set(CORE_QUESTIONS) & set(value):
            raise ValueError(
                "map at least one of the core questions 'work' (What is your work?) and "
                "'success' (What does success look like?) to a column of the export"
            )
        return value

    @property
    def question_columns(self) -> dict[str, str]:
        """Question key → the export column that holds its answers."""
        return {q: spec.column for q, spec in self.questions.items()}


class Study(_Strict):
    org_id: str
    name: str
    sector: str = ""
    privacy: Privacy = Privacy()
    surveys: list[Survey] = Field(min_length=1)
    metrics: str | None = None
    okrs: str | None = None
    capabilities: str | None = None
    folder: Path = Field(default=Path("."), exclude=True)

    @field_validator("org_id", mode="before")
    @classmethod
    def _org_as_text(cls, value):
        return _as_text(value)

    @field_validator("org_id")
    @classmethod
    def _org_is_a_safe_name(cls, value: str) -> str:
        return _check_id(value, _ORG_ID, ORG_ID_RULE, "an org_id")

    @field_validator("metrics", "okrs", "capabilities")
    @classmethod
    def _files_inside_folder(cls, value: str | None) -> str | None:
        return _file_name(value)

    @field_validator("surveys")
    @classmethod
    def _distinct_waves(cls, value: list[Survey]) -> list[Survey]:
        seen: dict[str, str] = {}
        for survey in value:
            other = seen.get(survey.wave_id.lower())
            if other == survey.wave_id:
                raise ValueError(f"wave id '{other}' is used by more than one survey")
            if other is not None:
                raise ValueError(
                    f"wave ids must differ in more than upper/lower case: '{other}' and "
                    f"'{survey.wave_id}' would share a report folder"
                )
            seen[survey.wave_id.lower()] = survey.wave_id
        return value

    def path(self, name: str) -> Path:
        """The file named ``name`` in the study, as shown to users (relative to the folder)."""
        return self.folder / name

    def open_file(self, name: str) -> bytes:
        """The content of the file the study names ``name`` (see :func:`read_input`)."""
        return read_input(self.folder, name)


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _read_regular_file(path: Path, shown: Path, *, limit: int, what: str, hint: str) -> bytes:
    """Read ``path`` (already resolved) if it is a regular file of at most ``limit`` bytes.

    Never blocks on a named pipe and never reads a device: the type is checked before the
    file is opened and again on the open file.
    """

    def refuse(problem: str, advice: str = hint) -> InputError:
        return InputError(problem, file=shown, hint=advice)

    def check(info: os.stat_result) -> None:
        if not stat.S_ISREG(info.st_mode):
            raise refuse(f"is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise too_big()

    def too_big() -> InputError:
        return refuse(
            f"is larger than the {limit / 2**20:.0f} MB limit for {what}",
            "check that this is the right file, and split a very large export into waves or "
            "remove columns the study does not use",
        )

    try:
        check(path.stat())
        flags = (
            os.O_RDONLY
            | getattr(os, "O_NONBLOCK", 0)
            | getattr(os, "O_NOFOLLOW", 0)
            | getattr(os, "O_BINARY", 0)
        )
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise refuse("file not found") from None
    except OSError as exc:
        raise refuse(f"cannot be opened ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as fh:
        check(os.fstat(fh.fileno()))
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise too_big()
    return data


def read_input(folder: str | Path, name: str, *, limit: int | None = None) -> bytes:
    """The content of the file a study in ``folder`` names ``name``.

    A study may only use regular files inside its own folder, after following symbolic
    links: absolute paths, ``..``, links that lead elsewhere, folders, devices and named
    pipes are refused, and so is a file larger than ``limit`` bytes (default
    :data:`MAX_INPUT_BYTES`).

    Raises
    ------
    InputError
        Naming the file and saying what is allowed.
    """
    folder = Path(folder)
    shown = folder / name
    study_file = folder / "study.yml"
    problem = _file_name_problem(name)
    if problem:
        raise InputError(f"the file name '{name}' {problem}", file=study_file, hint=FILE_RULE)
    try:
        root = folder.resolve(strict=True)
        target = shown.resolve(strict=True)
    except FileNotFoundError:
        hint = f"check '{name}' in {study_file}"
        if shown.parent.is_dir():
            near = [p.name for p in shown.parent.iterdir() if p.is_file()]
            close = difflib.get_close_matches(shown.name, near, n=1, cutoff=0.6)
            if close:
                hint += f" (did you mean '{close[0]}'?)"
        raise InputError("file not found", file=shown, hint=hint) from None
    except (OSError, RuntimeError) as exc:  # e.g. a loop of symbolic links
        raise InputError(f"cannot be opened ({exc})", file=shown, hint=FILE_RULE) from None
    if not target.is_relative_to(root):
        raise InputError(
            f"leads outside the study folder (to {target})", file=shown, hint=FILE_RULE
        )
    limit = MAX_INPUT_BYTES if limit is None else limit
    return _read_regular_file(target, shown, limit=limit, what="input files", hint=FILE_RULE)


_GOT = {
    "missing": "is required",
    "extra_forbidden": "is not a known field here (check its spelling and indentation)",
    "invalid_key": "field names must be text",
}


def _message(err: dict) -> str:
    kind, msg, value, ctx = err["type"], err["msg"], err.get("input"), err.get("ctx") or {}
    got = f", got {describe(value)}"
    if kind in _GOT:
        return _GOT[kind] + (f", got {describe(value)}" if kind == "invalid_key" else "")
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind.startswith("date"):
        return f"{describe(value)} is not a date: write it as YYYY-MM-DD (for example 2026-05-11)"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}{got}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}{got}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item{got}"
    if kind.startswith("int"):
        return f"must be a whole number{got}"
    if kind.startswith("bool"):
        return f"must be true or false{got}"
    if kind.startswith("string") or kind == "str_type":
        return f"must be text{got}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping (name: value lines){got}"
    if kind == "list_type":
        return f"must be a list (- lines){got}"
    return f"{msg[:1].lower()}{msg[1:]}{got}"


def _validation_problems(exc: ValidationError, doc: YamlDocument) -> str:
    problems = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if p != "[key]"]
        field = ".".join(str(p) for p in loc) or "study"
        line = doc.line_of(loc)
        where = f"{field} (line {line})" if line else field
        problems.append(f"{where}: {_message(err)}")
    return "; ".join(problems)


def load_study(path: str | Path) -> Study:
    """Read and validate a ``study.yml``.

    Raises
    ------
    InputError
        If the file is missing, is not YAML, or does not match the expected fields; the
        message names the field, its line and what is wrong with it.
    """
    path = Path(path)
    data = _read_regular_file(
        path.resolve(), path, limit=MAX_YAML_BYTES, what="a study file", hint="check the path"
    )
    doc = load_yaml(data, path, text_keys=TEXT_KEYS)
    if doc.data is None:
        raise InputError(
            "the study file is empty",
            file=path,
            hint="it needs org_id, name and surveys (see data/sample for examples)",
        )
    if not isinstance(doc.data, dict):
        raise InputError(
            f"expected the study's fields (org_id: ..., name: ..., surveys: ...), "
            f"got {describe(doc.data)}",
            file=path,
            hint="write one 'field: value' per line at the top level",
        )
    try:
        study = Study.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(
            _validation_problems(exc, doc), file=path, hint="fix the study YAML"
        ) from None
    study.folder = path.parent
    return study


def find_studies(root: str | Path) -> list[Path]:
    """Every ``study.yml`` below ``root`` (or ``root`` itself if it is one), sorted."""
    root = Path(root)
    if root.is_file():
        return [root]
    found = sorted(root.glob("*/study.yml")) + sorted(root.glob("study.yml"))
    if not found:
        raise InputError("no study.yml found", file=root, hint="point to a folder of studies")
    return found
