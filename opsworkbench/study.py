"""The per-study YAML that maps an organisation's export columns to our vocabulary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from opsworkbench.errors import InputError

FORMATS = ("auto", "generic", "qualtrics", "msforms", "google_forms", "surveymonkey")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Privacy(_Strict):
    min_group_size: int = Field(5, ge=2, description="Smallest group whose scores are shown.")
    min_quote_group_size: int = Field(
        10, ge=2, description="Smallest group whose quotes are shown."
    )


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


CORE_QUESTIONS = ("work", "success")


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
        return str(value)

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
    org_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    sector: str = ""
    privacy: Privacy = Privacy()
    surveys: list[Survey] = Field(min_length=1)
    metrics: str | None = None
    okrs: str | None = None
    capabilities: str | None = None
    folder: Path = Field(default=Path("."), exclude=True)

    def path(self, name: str) -> Path:
        """Resolve a file named in the study relative to the study's folder."""
        return self.folder / name


def load_study(path: str | Path) -> Study:
    """Read and validate a ``study.yml``.

    Raises
    ------
    InputError
        If the file is missing, is not YAML, or does not match the expected fields; the
        message names the field and what is wrong with it.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError("study file not found", file=path, hint="check the path") from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML ({exc})", file=path) from None
    if not isinstance(raw, dict):
        raise InputError("expected a mapping of study fields", file=path)
    try:
        study = Study.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise InputError(problems, file=path, hint="fix the study YAML") from None
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
