"""The row-wise survey validation this package used before, kept for bench/ingest_scale.py only.

A copy of ``prepare_survey`` and its helpers as they were before validation became
column-wise: a Python call per cell for normalising, scrubbing, pseudonymising and date
parsing, and a ``frame.loc`` copy per quarantined row; and of the CSV reader's record and
frame building as they were, cell by cell. ``install()`` puts it in place of the
current one for the bench's baseline run. Not used by the package or the tests.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd

from opsworkbench.errors import InputError
from opsworkbench.intake import load, readers
from opsworkbench.intake.readers import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    ROW,
    _check_swallowed_rows,
    column_letter,
    normalise_header,
    parse_timestamp,
    sniff_delimiter,
)
from opsworkbench.intake.study import Survey
from opsworkbench.intake.validation import Prepared, resolve_columns
from opsworkbench.privacy import pseudonymise, scrub_pii

LIKERT = {
    "strongly disagree": 1,
    "disagree": 2,
    "neither agree nor disagree": 3,
    "neutral": 3,
    "agree": 4,
    "strongly agree": 5,
}
# Columns that hold a respondent's own name in some exports; scrubbed from their answers.
NAME_COLUMNS = ("Name", "First Name", "Last Name", "RecipientFirstName", "RecipientLastName")


ALL_RESPONDENTS = "All respondents"  # the one unit of a survey with no unit column
OTHER_UNIT = "Other"
# Qualtrics' Status column: rows that are not employees' answers (text and numeric exports).
QUALTRICS_STATUS = {
    "survey preview": "survey preview: a test response from the survey designer, not an employee",
    "1": "survey preview: a test response from the survey designer, not an employee",
    "survey test": "survey test: a generated test response, not an employee",
    "2": "survey test: a generated test response, not an employee",
    "spam": "flagged as spam by the survey tool",
    "8": "flagged as spam by the survey tool",
    "preview spam": "flagged as spam by the survey tool",
    "9": "flagged as spam by the survey tool",
}
RAW_CHARS = 300  # of each value kept in a quarantine record
CODE_LIKE = re.compile(r"^[^\W\d_]{0,12}[ _.#:-]?\d{1,6}[a-z]?$", re.IGNORECASE)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def _quarantine(row: pd.Series, reason: str, columns: list[str], keep_as_is=()) -> dict:
    """A quarantine record: the row number, the reason and a redacted, shortened copy.

    Free text is scrubbed before it is shortened, so a cut never leaves part of an address;
    dates and pseudonyms (``keep_as_is``) are not free text and are kept as they are.
    """
    raw = {}
    for column in columns:
        if column not in row.index:
            continue
        value = str(row[column])
        if column not in keep_as_is:
            value = scrub_pii(value)
        raw[column] = value if len(value) <= RAW_CHARS else value[:RAW_CHARS] + "…"
    return {
        "row_number": int(row[ROW]),
        "reason": reason,
        "raw": json.dumps(raw, ensure_ascii=False),
    }


def free_text_problem(values: pd.Series) -> str | None:
    """Why a column of answers looks like codes, numbers or categories, or None if it is text."""
    answers = values[values.str.strip().ne("")]
    if len(answers) < 5:
        return None
    numeric = pd.to_numeric(answers.str.replace(",", ".", regex=False), errors="coerce")
    examples = ", ".join(repr(scrub_pii(v)) for v in answers.drop_duplicates().head(3))
    if numeric.notna().mean() >= 0.9:
        return f"it holds numbers ({examples}…)"
    if answers.str.match(CODE_LIKE).mean() >= 0.9:
        return f"it holds codes ({examples}…)"
    distinct = answers.nunique()
    words = answers.str.split().str.len().median()
    if len(answers) >= 20 and distinct <= max(12, len(answers) // 20) and words <= 3:
        return f"it holds {distinct} repeated categories ({examples}…)"
    return None


def _name_parts(name: str) -> list[str]:
    """A respondent's own name and each part of it ("Priya Raman" → also "Priya", "Raman")."""
    name = _norm(name)
    if not name or name.casefold() in ("anonymous", "n/a", "-"):
        return []
    parts = [p for p in re.split(r"[\s,]+", name) if len(p) >= 2 and not p.endswith(".")]
    return [name, *parts] if len(parts) > 1 else [name]


def _scale_value(text: str) -> float | None:
    text = _norm(text).lower()
    if not text:
        return None
    if text in LIKERT:
        return float(LIKERT[text])
    try:
        return float(text)
    except ValueError:
        return None


def _timestamps(values: pd.Series, dayfirst: bool) -> tuple[pd.Series, int]:
    """Parsed dates as plain (UTC where a time zone was given) timestamps, and how many had one."""
    parsed = values.map(lambda v: parse_timestamp(v, dayfirst=dayfirst))
    zoned = 0

    def plain(ts):
        nonlocal zoned
        if ts is None or pd.isna(ts):
            return pd.NaT
        if ts.tzinfo is not None:
            zoned += 1
            return ts.tz_convert("UTC").tz_localize(None)
        return ts

    return pd.to_datetime(parsed.map(plain), errors="coerce"), zoned


def prepare_survey(
    frame: pd.DataFrame,
    survey: Survey,
    *,
    org_id: str,
    salt: str,
    source: str,
    min_group_size: int = 5,
) -> Prepared:
    """Turn a survey export (already stripped of tool header rows) into workspace rows.

    Pure: no file or database access. Rows that cannot be loaded are returned as quarantine
    records with a reason and the spreadsheet row number.
    """
    wanted = {k: v for k, v in survey.columns.model_dump().items() if v}
    cols = resolve_columns(frame, wanted, source)
    question_cols = resolve_columns(frame, survey.question_columns, source)
    id_col = cols.get("respondent_id")
    mapped = list(dict.fromkeys([*cols.values(), *question_cols.values()]))
    out = Prepared(tables={}, rows_read=len(frame), warnings=list(frame.attrs.get("warnings", [])))
    texts = {q: frame[c].map(_norm) for q, c in question_cols.items()}
    open_questions = [q for q in question_cols if not q.startswith("scale_")]
    asked = ", ".join(open_questions)
    answered = pd.concat([texts[q] for q in open_questions], axis=1).ne("").any(axis=1)
    unit = (
        frame[cols["unit"]].map(_norm).map(scrub_pii)
        if "unit" in cols
        else pd.Series(ALL_RESPONDENTS, index=frame.index)
    )
    keep = pd.Series(True, index=frame.index)
    raw_id = frame[id_col].map(_norm) if id_col else None
    as_is = [c for c in (cols.get("submitted_at"), id_col) if c]  # dates and pseudonyms

    def drop(mask: pd.Series, reason) -> None:
        for i in frame.index[mask & keep]:
            text = reason(i) if callable(reason) else reason
            row = frame.loc[i].copy()
            if id_col:
                row[id_col] = pseudonymise(raw_id[i], salt=salt, org_id=org_id)
            out.quarantine.append(_quarantine(row, text, mapped, keep_as_is=as_is))
        keep[mask] = False

    if "_extra" in frame.columns:
        drop(
            frame["_extra"].ne(""),
            "more values than the header has columns: an unquoted delimiter inside an answer? — "
            "re-export the file with quoted text",
        )
    if "Status" in frame.columns:
        status = frame["Status"].map(_norm).str.lower()
        qualtrics = frame.attrs.get("layout") == "qualtrics"
        for code, reason in QUALTRICS_STATUS.items():
            if qualtrics or not code.isdigit():  # numeric codes mean this only in Qualtrics
                drop(status.eq(code), reason)
    drop(~answered, f"no answer to the mapped questions ({asked})")
    if "unit" in cols:
        drop(
            unit.eq(""),
            f"no unit: column '{cols['unit']}' is empty — fill it in so the answer can be grouped",
        )

    if id_col:
        ident = raw_id.where(raw_id.ne(""), "row" + frame[ROW].astype(str))
    else:  # without an identifier, a repeated identical submission is the duplicate
        ident = (
            frame[mapped].astype(str).agg("\x1f".join, axis=1)
            if len(frame)
            else pd.Series("", index=frame.index, dtype=object)
        )
    kept_ids = ident[keep]
    last_row = frame.loc[kept_ids.index, ROW].groupby(kept_ids).max()
    dup = pd.Series(False, index=frame.index)
    dup[kept_ids.index] = kept_ids.duplicated(keep="last")
    drop(
        dup,
        lambda i: (
            f"duplicate submission: the same respondent submitted again in row "
            f"{last_row[ident[i]]}, which is kept"
        ),
    )

    kept = frame[keep]
    unit = unit[keep]
    if "unit" in cols:
        sizes = unit.value_counts()
        rare = sizes[sizes < min_group_size]
        # free-text "Other" answers in a choice column: many tiny values, or "Other: …" ones
        if len(rare) < 5:
            rare = rare[rare.index.str.casefold().str.startswith("other")]
        if len(rare) >= 2:
            unit = unit.where(~unit.isin(rare.index), OTHER_UNIT)
            out.warnings.append(
                f"{len(rare)} values of column '{cols['unit']}' have fewer than "
                f"{min_group_size} respondents each ({int(rare.sum())} respondents, e.g. "
                + ", ".join(repr(v) for v in rare.index[:3])
                + f"); they are grouped as unit '{OTHER_UNIT}'"
            )
        if len(unit) and pd.to_numeric(unit, errors="coerce").notna().all():
            out.warnings.append(
                f"column '{cols['unit']}' holds numbers ("
                + ", ".join(repr(v) for v in sorted(unit.unique())[:3])
                + "…), not unit names: export the survey with choice text (Qualtrics: "
                "'Use choice text') so the report can name the units"
            )
    pseudonyms = ident[keep].map(lambda r: pseudonymise(r, salt=salt, org_id=org_id))
    submitted = pd.Series(pd.NaT, index=kept.index, dtype="datetime64[ns]")
    if "submitted_at" in cols:
        column = cols["submitted_at"]
        submitted, zoned = _timestamps(kept[column], survey.dayfirst)
        bad = submitted.isna() & kept[column].str.strip().ne("")
        if bad.any():
            rows = ", ".join(str(r) for r in kept.loc[bad, ROW].head(5))
            out.warnings.append(
                f"{int(bad.sum())} unreadable dates in column '{column}' "
                f"(rows {rows}…) stored empty"
            )
        if 0 < zoned < len(kept):
            out.warnings.append(
                f"{zoned} dates in column '{column}' carry a time zone and the others do not; "
                "the zoned ones are stored in UTC"
            )
    respondents = pd.DataFrame(
        {
            "org_id": org_id,
            "wave_id": survey.wave_id,
            "respondent_id": pseudonyms,
            "unit": unit,
            "role": kept[cols["role"]].map(_norm).map(scrub_pii) if "role" in cols else None,
            "tenure_band": kept[cols["tenure_band"]].map(_norm) if "tenure_band" in cols else None,
            "submitted_at": submitted,
            "source_row": kept[ROW].astype(int),
        }
    )
    names = [c for c in NAME_COLUMNS if c in kept.columns]
    wordings = frame.attrs.get("wordings", {})
    responses, questions = [], []
    own_names = [  # each respondent's own name, from the export's name columns
        [p for value in values for p in _name_parts(value)]
        for values in (kept[names].itertuples(index=False) if names else [()] * len(kept))
    ]
    for question, column in question_cols.items():
        problem = (
            None if question.startswith("scale_") else free_text_problem(texts[question][keep])
        )
        if problem:
            out.warnings.append(
                f"column '{column}' (question '{question}') does not look like written answers: "
                f"{problem}; its answers are stored but not scored — map the column that holds "
                "the written answers"
            )
        spec = survey.questions[question]
        questions.append(
            {
                "question": question,
                "source_column": column,
                "wording": spec.wording or wordings.get(column) or None,
                "free_text": not question.startswith("scale_") and problem is None,
                "note": problem,
            }
        )
        scale = question.startswith("scale_")
        for text, pseudonym, row, own in zip(
            texts[question][keep], pseudonyms, kept[ROW], own_names, strict=True
        ):
            if not text:
                continue
            value = _scale_value(text) if scale else None
            if scale and value is None:
                out.warnings.append(
                    f"row {row}, column '{column}': '{scrub_pii(text, own)}' is not a "
                    "1–5 or agree/disagree answer; stored as text only"
                )
            responses.append((pseudonym, question, scrub_pii(text, own), value))
    out.tables["respondents"] = respondents
    out.tables["responses"] = pd.DataFrame(
        responses, columns=["respondent_id", "question", "text", "value"]
    ).assign(org_id=org_id, wave_id=survey.wave_id)
    out.tables["questions"] = pd.DataFrame(
        questions, columns=["question", "source_column", "wording", "free_text", "note"]
    ).assign(org_id=org_id, wave_id=survey.wave_id)
    return out


# ------------------------------------------------------------ reading, row by row ---


def _csv_records(text: str, path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (spreadsheet row, cells) records of a CSV text, blank lines left out."""
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    delimiter = reader.dialect.delimiter
    header, records, row = None, [], 0
    try:
        for cells in reader:
            row += 1
            if header is None:
                if any(c.strip() for c in cells):
                    header = cells
                continue
            if not any(c.strip() for c in cells):
                continue
            _check_swallowed_rows(cells, len(header), delimiter, path, row)
            records.append((row, cells))
            if len(records) > MAX_ROWS:
                raise InputError(
                    f"more than {MAX_ROWS:,} rows",
                    file=path,
                    hint="split the export into several files (one per wave or per unit)",
                )
    except csv.Error as exc:
        limit = "field larger than field limit" in str(exc)
        raise InputError(
            f"a cell is longer than {MAX_CELL_CHARS:,} characters"
            if limit
            else f"cannot be read as CSV ({exc})",
            file=path,
            row=reader.line_num,
            hint="check for an unclosed quote or a damaged file; re-export it as CSV UTF-8",
        ) from None
    return header or [], records


def _frame(header, records, path, encoding, warnings) -> pd.DataFrame:
    if encoding == "xlsx":  # cells right of the header are data in unnamed columns, not extras
        widest = max((len(cells) for _, cells in records), default=0)
        header = [*header, *[""] * (widest - len(header))]
    names = [normalise_header(h) for h in header]
    width = len(names)
    if width > MAX_COLUMNS:
        raise InputError(f"more than {MAX_COLUMNS:,} columns", file=path)
    # unnamed columns: keep them (named by letter) only when they hold values
    filled = [False] * width
    extra = []
    for _, cells in records:
        for i, cell in enumerate(cells[:width]):
            if not filled[i] and cell.strip():
                filled[i] = True
        tail = [c for c in cells[width:] if c.strip()]
        extra.append(" | ".join(tail))
    keep = [i for i in range(width) if names[i] or filled[i]]
    labels = {i: names[i] or f"Unnamed: {column_letter(i)}" for i in keep}
    seen: dict[str, int] = {}
    duplicates: dict[str, list[str]] = {}
    for i in keep:
        if not names[i]:
            continue
        first = seen.setdefault(names[i].casefold(), i)
        if first != i:  # kept under a name that says where it is; mapping it is refused
            labels[i] = f"{names[i]} [column {column_letter(i)}]"
            duplicates.setdefault(labels[first], [f"column {column_letter(first)}"]).append(
                f"column {column_letter(i)}"
            )
    columns = {
        labels[i]: [cells[i] if i < len(cells) else "" for _, cells in records] for i in keep
    }
    frame = pd.DataFrame(columns, dtype=object)
    if frame.empty and not keep:
        frame = pd.DataFrame(index=range(len(records)))
    frame.insert(0, ROW, [row for row, _ in records])
    if any(extra):
        frame["_extra"] = extra
    frame.attrs["encoding"] = encoding
    frame.attrs["warnings"] = warnings
    frame.attrs["duplicates"] = duplicates
    return frame


def install() -> None:
    """Make ``opsworkbench.ingest`` read and validate surveys with these row-wise copies."""
    readers._csv_records = _csv_records
    readers._frame = _frame
    load.prepare_survey = prepare_survey
