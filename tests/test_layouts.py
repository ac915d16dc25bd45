"""Survey-tool exports as people download them (tests/fixtures/exports), ingested end to end.

Each folder under tests/fixtures/exports holds one export and its study.yml (``format: auto``).
``CASES`` records what must come out of each: the layout detected, the number of responses the
survey tool itself shows (what "rows read" must equal), how many load, why the rest are
quarantined, and how many respondents each unit gets. README.md next to the fixtures says what
each file reproduces and how the response counts were decided.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

import opsworkbench as ow
from opsworkbench.intake.readers import read_survey
from opsworkbench.intake.study import load_study

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"

# Answer labels SurveyMonkey writes in its second header row; never an employee's answer.
SUB_HEADER_LABELS = {"Response", "Open-Ended Response", "Other (please specify)"}
# Columns in which the tools put the respondent's own name or e-mail address.
PERSON_COLUMNS = {
    "RecipientFirstName",
    "RecipientLastName",
    "RecipientEmail",
    "Email",
    "Name",
    "Email Address",
    "First Name",
    "Last Name",
}
NOT_A_PERSON = {"", "anonymous"}
# Quarantine reasons by kind; the wording of a reason may change, its kind may not.
REASON_KINDS = {
    "survey preview": r"preview",
    "empty submission": r"empty submission|no answer",
    "no unit": r"^no unit",
    "duplicate submission": r"duplicate",
}


def _reason_kinds(reasons: dict[str, int]) -> dict[str, int]:
    kinds: Counter = Counter()
    for reason, count in reasons.items():
        found = [k for k, pattern in REASON_KINDS.items() if re.search(pattern, reason, re.I)]
        kinds[found[0] if len(found) == 1 else reason] += count
    return dict(kinds)


@dataclass(frozen=True)
class Case:
    folder: str
    layout: str
    header_rows: int  # rows above the first response: 3 Qualtrics, 2 SurveyMonkey, else 1
    responses: int  # what the survey tool shows as the number of responses
    loaded: int
    reasons: dict[str, int]
    units: dict[str, int]
    first_last_submitted: tuple[str, str] | None = None  # wall-clock time shown in the export
    utc_offset_hours: int = 0  # offset the export states for those times (e.g. "GMT+1")
    tags: tuple[str, ...] = field(default=())


CASES = [
    Case(
        "qualtrics_csv",
        "qualtrics",
        3,
        responses=18,  # Data & Analysis lists the preview and the two recorded incomplete ones
        loaded=16,
        reasons={"survey preview": 1, "empty submission": 1},
        units={"Claims": 5, "Customer Service": 4, "Underwriting": 4, "Finance": 3},
        first_last_submitted=("2026-05-11 09:09:02", "2026-05-13 15:53:33"),
    ),
    Case(
        "qualtrics_numeric_csv",
        "qualtrics",
        3,
        responses=12,
        loaded=11,
        reasons={"survey preview": 1},  # Status "1" is a survey preview in a numeric export
        units={"1": 4, "2": 3, "3": 2, "4": 2},
        first_last_submitted=("2026-05-11 09:09:02", "2026-05-12 10:18:30"),
    ),
    Case(
        "msforms_xlsx",
        "msforms",
        1,
        responses=14,
        loaded=13,
        reasons={"duplicate submission": 1},
        units={
            "Emergency Department": 4,
            "Pharmacy": 3,
            "Ward 7 (Orthopaedics)": 3,
            "Outpatients": 3,
        },
        first_last_submitted=("2026-05-11 07:46:55", "2026-05-13 13:30:18"),
    ),
    Case(
        "msforms_anonymous_xlsx",
        "msforms",
        1,
        responses=12,
        loaded=10,
        reasons={"empty submission": 1, "no unit": 1},
        units={"Housing": 3, "Waste & Recycling": 3, "Planning": 2, "Revenues & Benefits": 2},
        first_last_submitted=("2026-05-18 08:16:05", "2026-05-20 15:12:03"),
    ),
    Case(
        "google_forms_csv",
        "google_forms",
        1,
        responses=15,
        loaded=15,
        reasons={},
        units={"Platform": 4, "Product": 4, "Customer Success": 4, "Sales": 3},
        first_last_submitted=("2026-05-11 09:14:03", "2026-05-13 10:15:27"),
        utc_offset_hours=1,
    ),
    Case(
        "google_forms_xlsx",
        "google_forms",
        1,
        responses=12,
        loaded=11,
        reasons={"no unit": 1},
        units={"Lettings": 3, "Repairs": 3, "Income": 3, "Neighbourhoods": 2},
        first_last_submitted=("2026-05-05 09:02:44", "2026-05-07 16:07:33"),
    ),
    Case(
        "surveymonkey_csv",
        "surveymonkey",
        2,
        responses=14,
        loaded=13,
        reasons={"empty submission": 1},
        units={"Customer Operations": 4, "Networks": 3, "Billing": 3, "Smart Metering": 3},
        first_last_submitted=("2026-05-11 09:09:51", "2026-05-13 12:47:58"),
        tags=("scales",),
    ),
    Case(
        "surveymonkey_xlsx",
        "surveymonkey",
        2,
        responses=12,
        loaded=11,
        reasons={"empty submission": 1},
        units={"Retail Banking": 3, "Mortgages": 3, "Operations": 2, "Risk & Compliance": 3},
        first_last_submitted=("2026-05-11 08:37:40", "2026-05-13 11:11:35"),
        tags=("scales",),
    ),
    Case(
        "surveymonkey_respondent_id_csv",
        "surveymonkey",
        2,
        responses=11,
        loaded=10,
        reasons={"empty submission": 1},
        units={"Student Services": 3, "Estates": 2, "Library": 2, "IT Services": 3},
    ),
    Case(
        "surveymonkey_respondent_id_xlsx",
        "surveymonkey",
        2,
        responses=12,
        loaded=11,
        reasons={"empty submission": 1},
        units={"Retail Banking": 3, "Mortgages": 3, "Operations": 2, "Risk & Compliance": 3},
    ),
    Case(
        "surveymonkey_no_metadata_csv",
        "surveymonkey",
        2,
        responses=10,
        loaded=10,
        reasons={},
        units={"Northgate Depot": 3, "Riverside Depot": 2, "Head Office": 3, "Engineering": 2},
    ),
    Case(
        "surveymonkey_no_metadata_xlsx",
        "surveymonkey",
        2,
        responses=12,
        loaded=11,
        reasons={"empty submission": 1},
        units={"Retail Banking": 3, "Mortgages": 3, "Operations": 2, "Risk & Compliance": 3},
    ),
    Case(
        "generic_semicolon_cp1252_csv",
        "generic",
        1,
        responses=14,  # the two lines of bare semicolons Excel wrote after the data are not rows
        loaded=13,
        reasons={"no unit": 1},
        units={"Planning": 3, "Warehouse": 4, "Customs": 3, "Finance": 3},
        first_last_submitted=("2026-05-11 09:14:00", "2026-05-13 15:55:00"),
    ),
    Case(
        "generic_no_unit_csv",
        "generic",
        1,
        responses=10,
        loaded=9,
        reasons={"empty submission": 1},
        units={"All respondents": 9},
    ),
]
IDS = [c.folder for c in CASES]


def _study(case: Case):
    return load_study(EXPORTS / case.folder / "study.yml")


def _export(case: Case) -> tuple[Path, object]:
    survey = _study(case).surveys[0]
    return EXPORTS / case.folder / survey.file, survey


def _raw_rows(case: Case) -> list[list[str]]:
    """The export's cells as the tool wrote them, read without the product's readers."""
    path, survey = _export(case)
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        ws = wb[survey.sheet] if isinstance(survey.sheet, str) else wb.worksheets[0]
        rows = [
            ["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)
        ]
        wb.close()
        return rows
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _people(case: Case) -> set[str]:
    """Names, name parts and e-mail addresses the export holds about its respondents."""
    rows = _raw_rows(case)
    header = rows[0]
    found: set[str] = set()
    for i, name in enumerate(header):
        if name.strip() not in PERSON_COLUMNS:
            continue
        for row in rows[case.header_rows :]:
            value = row[i].strip() if i < len(row) else ""
            if value.lower() in NOT_A_PERSON:
                continue
            found.add(value)
            if "@" not in value:
                found.update(part for part in re.split(r"[\s,]+", value) if len(part) >= 3)
    return found


@pytest.fixture(scope="session")
def ingested(tmp_path_factory):
    """Ingest each export into its own workspace (once), keeping an error to re-raise per test."""
    done: dict[str, dict] = {}

    def get(case: Case) -> dict:
        if case.folder not in done:
            workspace = tmp_path_factory.mktemp(case.folder) / "workspace.duckdb"
            try:
                (result,) = ow.ingest(EXPORTS / case.folder / "study.yml", workspace)
                con = duckdb.connect(str(workspace), read_only=True)
                try:
                    respondents = con.execute("SELECT * FROM respondents").df()
                    responses = con.execute("SELECT * FROM responses").df()
                finally:
                    con.close()
                done[case.folder] = {
                    "result": result,
                    "respondents": respondents,
                    "responses": responses,
                }
            except Exception as exc:  # noqa: BLE001 - re-raised in every test of this export
                done[case.folder] = {"error": exc}
        entry = done[case.folder]
        if "error" in entry:
            raise entry["error"]
        return entry

    return get


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_layout_is_detected(case):
    path, survey = _export(case)
    _, layout = read_survey(path, layout="auto", sheet=survey.sheet)
    assert layout == case.layout


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rows_read_is_the_tools_response_count(case, ingested):
    assert ingested(case)["result"].rows_read == case.responses


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rows_read_reconcile_with_loaded_and_quarantined(case, ingested):
    result = ingested(case)["result"]
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    assert result.rows_quarantined == sum(result.reasons.values())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rows_loaded_and_quarantine_reasons(case, ingested):
    result = ingested(case)["result"]
    assert (result.rows_loaded, _reason_kinds(result.reasons)) == (case.loaded, case.reasons)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_header_or_label_row_is_loaded_as_a_respondent(case, ingested):
    entry = ingested(case)
    labels = {cell.strip() for row in _raw_rows(case)[: case.header_rows] for cell in row}
    labels = (labels | SUB_HEADER_LABELS) - {""}
    stored = set(entry["responses"]["text"]) | set(entry["respondents"]["unit"].dropna())
    assert not stored & labels
    assert not [t for t in stored if str(t).startswith('{"ImportId"')]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_respondent_names_and_emails_are_not_in_stored_answers(case, ingested):
    texts = " \n ".join(ingested(case)["responses"]["text"])
    leaked = sorted(
        p for p in _people(case) if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", texts, re.IGNORECASE)
    )
    assert leaked == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_unit_of_each_respondent(case, ingested):
    assert dict(Counter(ingested(case)["respondents"]["unit"])) == case.units


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.first_last_submitted], ids=lambda c: c.folder
)
def test_submission_times_are_the_times_the_export_shows(case, ingested):
    entry = ingested(case)
    assert not [w for w in entry["result"].warnings if "unreadable dates" in w]
    submitted = pd.to_datetime(entry["respondents"]["submitted_at"])
    assert submitted.notna().all()
    first, last = (pd.Timestamp(t) for t in case.first_last_submitted)
    # Times that state their offset may be stored as shown or converted to UTC; nothing else.
    shift = pd.Timedelta(hours=case.utc_offset_hours)
    assert (submitted.min(), submitted.max()) in {(first, last), (first - shift, last - shift)}


@pytest.mark.parametrize("case", [c for c in CASES if "scales" in c.tags], ids=lambda c: c.folder)
def test_surveymonkey_matrix_rows_load_as_scale_answers(case, ingested):
    responses = ingested(case)["responses"]
    scales = responses[responses["question"].str.startswith("scale_")]
    assert set(scales["question"]) == {"scale_line_of_sight", "scale_targets_fair"}
    assert scales["value"].between(1, 5).all()
    assert len(scales) == 2 * case.loaded


def test_qualtrics_multi_line_answer_is_one_answer(ingested):
    responses = ingested(CASES[0])["responses"]
    success = responses[responses["question"] == "success"]["text"]
    hits = [t for t in success if "ring us twice" in t]
    assert len(hits) == 1 and "burnt out by Friday" in hits[0]


def test_qualtrics_numeric_unit_codes_are_flagged(ingested):
    """Units that are only recode numbers ("1", "2") read badly in a report: say so."""
    warnings = ingested(CASES[1])["result"].warnings
    flagged = [w for w in warnings if "Q1" in w and re.search(r"code|numeric|choice text", w, re.I)]
    assert flagged, warnings
