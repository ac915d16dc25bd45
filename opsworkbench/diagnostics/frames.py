"""An organisation's frames for one wave: what every analysis takes (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import ClassVar

import pandas as pd

from opsworkbench.language.codebook import Codebook
from opsworkbench.vocabulary import CORE_QUESTIONS, DEFAULT_WORDING


@dataclass
class ReportContext:
    """One organisation and wave, its tables (only its own rows) and its privacy thresholds.

    Every analysis is a function of these frames; :meth:`select` narrows them to part of the
    organisation (a unit, a role, a question) for analyses of that part alone.
    """

    QUESTION_COLUMNS: ClassVar[list[str]] = [
        "question",
        "source_column",
        "wording",
        "free_text",
        "note",
    ]

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
    questions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=ReportContext.QUESTION_COLUMNS)
    )
    # the model's cross-validation summary, stored once per model (None until it is computed)
    model_evaluation: dict | None = None
    # themes found when the wave was prepared, as {themes key: JSON} (see ``theme_summary``)
    stored_themes: dict[str, str] = field(default_factory=dict)

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

    def select(
        self,
        *,
        unit: str | None = None,
        role: str | None = None,
        tenure_band: str | None = None,
        question: str | None = None,
    ) -> ReportContext:
        """The same organisation and wave narrowed to the respondents (and answers) that match.

        Metrics, key results and capabilities belong to the organisation and are kept whole.
        The privacy thresholds stay as they are, so small selections are hidden as usual.
        """
        people = self.respondents
        for column, value in (("unit", unit), ("role", role), ("tenure_band", tenure_band)):
            if value is not None:
                people = people[people[column] == value]
        keep = set(people["respondent_id"])
        scored = self.scored[self.scored["respondent_id"].isin(keep)]
        responses = self.responses[self.responses["respondent_id"].isin(keep)]
        questions = self.questions
        if question is not None:
            scored = scored[scored["question"] == question]
            responses = responses[responses["question"] == question]
            questions = questions[questions["question"] == question]
        return replace(
            self,
            respondents=people.reset_index(drop=True),
            responses=responses.reset_index(drop=True),
            scored=scored.reset_index(drop=True),
            questions=questions.reset_index(drop=True),
        )
