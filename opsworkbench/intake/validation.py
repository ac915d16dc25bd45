"""Validate export rows into workspace rows: pure functions, every row loaded or quarantined."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from opsworkbench.errors import InputError
from opsworkbench.intake.readers import EXCEL_EPOCH, ROW, normalise_header, parse_timestamp
from opsworkbench.intake.study import Survey
from opsworkbench.pii import scrub_pii_many
from opsworkbench.privacy import scrub_pii
from opsworkbench.vocabulary import ALL_RESPONDENTS

LIKERT = {
    "strongly disagree": 1,
    "disagree": 2,
    "neither agree nor disagree": 3,
    "neutral": 3,
    "agree": 4,
    "strongly agree": 5,
}
TRUE = {"y", "yes", "true", "1", "x", "✓", "✔", "t"}
FALSE = {"n", "no", "false", "0", "", "f", "-"}
# Columns that hold a respondent's own name in some exports; scrubbed from their answers.
NAME_COLUMNS = ("Name", "First Name", "Last Name", "RecipientFirstName", "RecipientLastName")


@dataclass
class Prepared:
    """What a file turns into: rows per workspace table, quarantined rows and warnings."""

    tables: dict[str, pd.DataFrame]
    quarantine: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0


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
MAX_STAGE = 1000  # stage_order: value-chain position, left to right
CODE_LIKE = re.compile(r"^[^\W\d_]{0,12}[ _.#:-]?\d{1,6}[a-z]?$", re.IGNORECASE)


def _norm(text: str) -> str:
    """Single spaces, none around (``str.split`` and ``\\s`` know the same white space)."""
    return " ".join(str(text).split())


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


def resolve_columns(frame: pd.DataFrame, wanted: dict[str, str], source: str) -> dict[str, str]:
    """Match the column names a study gives to the file's headers, normalised the same way.

    Spaces, invisible marks and letter case do not matter. A name that matches nothing gets
    the closest header as a suggestion ("did you mean …?").
    """
    duplicated = {
        normalise_header(k).casefold(): v for k, v in frame.attrs.get("duplicates", {}).items()
    }
    headers = [c for c in frame.columns if c not in (ROW, "_extra")]
    exact = {normalise_header(c): c for c in headers}
    folded = {normalise_header(c).casefold(): c for c in headers}
    found, problems = {}, []
    for role, name in wanted.items():
        key = normalise_header(name)
        match = exact.get(key) or folded.get(key.casefold())
        if key.casefold() in duplicated:
            problems.append(
                f"{role} → '{name}' names more than one column of the file ("
                + " and ".join(duplicated[key.casefold()])
                + "): rename them in the export so that each name is unique"
            )
            continue
        if match is not None:
            found[role] = match
            continue
        close = difflib.get_close_matches(key.casefold(), list(folded), n=1, cutoff=0.6)
        problem = f"{role} → '{name}' is not a column of the file"
        if close:
            problem += f" (did you mean '{folded[close[0]]}'?)"
        problems.append(problem)
    if problems:
        raise InputError(
            "; ".join(problems),
            file=source,
            hint=f"fix the column names in study.yml; the file has {len(headers)} columns",
        )
    return found


def free_text_problem(values: pd.Series) -> str | None:
    """Why a column of answers looks like codes, numbers or categories, or None if it is text.

    Each distinct answer is looked at once; shares and the median count every answer.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    uniques = pd.Series(uniques, dtype=object)
    given = uniques.str.strip().ne("").to_numpy(dtype=bool)
    counts = np.bincount(codes, minlength=len(uniques))[given]
    uniques = uniques[given]
    total = int(counts.sum())
    if total < 5:
        return None

    def share(flags: pd.Series) -> float:
        return float(counts[flags.to_numpy(dtype=bool)].sum()) / total

    numeric = pd.to_numeric(uniques.str.replace(",", ".", regex=False), errors="coerce")
    examples = ", ".join(repr(scrub_pii(v)) for v in uniques.head(3))
    if share(numeric.notna()) >= 0.9:
        return f"it holds numbers ({examples}…)"
    if share(uniques.str.match(CODE_LIKE).astype(bool)) >= 0.9:
        return f"it holds codes ({examples}…)"
    distinct = len(uniques)
    words = np.median(np.repeat(uniques.str.split().str.len().to_numpy(dtype=float), counts))
    if total >= 20 and distinct <= max(12, total // 20) and words <= 3:
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


def _each_distinct(values: pd.Series, fn: Callable) -> pd.Series:
    """``values.map(fn)`` with ``fn`` called once per distinct value (answers repeat)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    mapped[:] = [fn(value) for value in uniques]
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def _normalised(values: pd.Series) -> pd.Series:
    return _each_distinct(values, _norm)


def _pseudonymiser(*, salt: str, org_id: str) -> Callable[[str], str]:
    """:func:`opsworkbench.privacy.pseudonymise` for one salt and organisation, keyed once."""
    keyed = hmac.new(salt.encode(), f"{org_id}\x1f".encode(), hashlib.sha256)

    def pseudonym(raw_id: str) -> str:
        digest = keyed.copy()
        digest.update(f"{raw_id}".encode())
        return "r_" + digest.hexdigest()[:16]

    return pseudonym


# Dates read column-wise; every other form is read one distinct value at a time.
_ISO_DATE = re.compile(
    r"[12][0-9]{3}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)?"
)
_SERIAL_DAY = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,12})?")


def _timestamps(values: pd.Series, dayfirst: bool) -> tuple[pd.Series, int]:
    """Parsed dates as plain (UTC where a time zone was given) timestamps, and how many had one.

    The same as :func:`~opsworkbench.intake.readers.parse_timestamp` on each value: ISO dates
    and Excel day numbers are read for the whole column at once, other forms once per distinct
    value.
    """
    stripped = _each_distinct(values, str.strip)
    out = np.full(len(values), np.datetime64("NaT", "us"))
    iso = stripped.str.fullmatch(_ISO_DATE).to_numpy(dtype=bool)
    if iso.any():
        parsed = pd.to_datetime(stripped[iso], format="ISO8601", errors="coerce")
        out[iso] = parsed.to_numpy().astype("datetime64[us]")
    serial = ~iso & stripped.str.fullmatch(_SERIAL_DAY).to_numpy(dtype=bool)
    if serial.any():
        days = np.array([float(v) for v in stripped[serial]], dtype=float)
        excel = (days > 20000) & (days < 80000)  # 1954..2119 as Excel day numbers
        stamps = pd.DatetimeIndex(
            [EXCEL_EPOCH + dt.timedelta(days=day) for day in days[excel].tolist()]
        ).round("s")
        where = np.flatnonzero(serial)[excel]
        out[where] = stamps.to_numpy().astype("datetime64[us]")
    rest = ~iso & ~serial & stripped.ne("").to_numpy(dtype=bool)
    zoned = 0
    if rest.any():
        codes, uniques = pd.factorize(stripped[rest])
        plain = np.full(len(uniques), np.datetime64("NaT", "us"))
        has_zone = np.zeros(len(uniques), dtype=bool)
        for i, value in enumerate(uniques):
            ts = parse_timestamp(value, dayfirst=dayfirst)
            if ts is None or pd.isna(ts):
                continue
            if ts.tzinfo is not None:
                has_zone[i] = True
                ts = ts.tz_convert("UTC").tz_localize(None)
            plain[i] = ts.as_unit("us").to_datetime64()
        out[rest] = plain[codes]
        zoned = int(has_zone[codes].sum())
    return pd.Series(out, index=values.index), zoned


@dataclass
class _Quarantine:
    """Rows set aside while validating a survey, in the order the rules set them aside."""

    frame: pd.DataFrame
    columns: list[str]
    keep_as_is: list[str]
    ids: tuple[str, np.ndarray] | None  # the identifier column and its normalised values
    pseudonym: Callable[[str], str]
    records: list[dict] = field(default_factory=list)

    def add(self, positions: np.ndarray, reasons) -> None:
        """Quarantine the rows at ``positions`` with one reason or a reason per row."""
        if not len(positions):
            return
        raw: dict[str, list[str]] = {}
        for column in self.columns:
            if self.ids is not None and column == self.ids[0]:
                values = [self.pseudonym(v) for v in self.ids[1][positions].tolist()]
            else:
                values = [str(v) for v in self.frame[column].to_numpy()[positions]]
                if column not in self.keep_as_is:
                    values = scrub_pii_many(values)
            raw[column] = [v if len(v) <= RAW_CHARS else v[:RAW_CHARS] + "…" for v in values]
        rows = self.frame[ROW].to_numpy()[positions].tolist()
        if isinstance(reasons, str):
            reasons = [reasons] * len(positions)
        for i, (row, reason) in enumerate(zip(rows, reasons, strict=True)):
            self.records.append(
                {
                    "row_number": int(row),
                    "reason": reason,
                    "raw": json.dumps({c: raw[c][i] for c in raw}, ensure_ascii=False),
                }
            )


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
    records with a reason and the spreadsheet row number. Validation is column-wise: each rule
    is a mask over the rows, and work on text (normalising, scrubbing personal data, reading
    scale answers) is done once per distinct value.
    """
    wanted = {k: v for k, v in survey.columns.model_dump().items() if v}
    cols = resolve_columns(frame, wanted, source)
    question_cols = resolve_columns(frame, survey.question_columns, source)
    id_col = cols.get("respondent_id")
    mapped = list(dict.fromkeys([*cols.values(), *question_cols.values()]))
    out = Prepared(tables={}, rows_read=len(frame), warnings=list(frame.attrs.get("warnings", [])))
    pseudonym = _pseudonymiser(salt=salt, org_id=org_id)
    texts = {q: _normalised(frame[c]) for q, c in question_cols.items()}
    open_questions = [q for q in question_cols if not q.startswith("scale_")]
    asked = ", ".join(open_questions)
    answered = pd.concat([texts[q] for q in open_questions], axis=1).ne("").any(axis=1)
    unit = (
        _each_distinct(frame[cols["unit"]], lambda v: scrub_pii(_norm(v)))
        if "unit" in cols
        else pd.Series(ALL_RESPONDENTS, index=frame.index)
    )
    keep = np.ones(len(frame), dtype=bool)
    raw_id = _normalised(frame[id_col]) if id_col else None
    quarantine = _Quarantine(
        frame,
        mapped,
        keep_as_is=[c for c in (cols.get("submitted_at"), id_col) if c],  # dates, pseudonyms
        ids=(id_col, raw_id.to_numpy()) if id_col else None,
        pseudonym=pseudonym,
    )

    def drop(mask, reason) -> None:
        mask = np.asarray(mask, dtype=bool)
        positions = np.flatnonzero(mask & keep)
        quarantine.add(positions, reason(positions) if callable(reason) else reason)
        keep[mask] = False

    if "_extra" in frame.columns:
        drop(
            frame["_extra"].ne(""),
            "more values than the header has columns: an unquoted delimiter inside an answer? — "
            "re-export the file with quoted text",
        )
    if "Status" in frame.columns:
        status = _each_distinct(frame["Status"], lambda v: _norm(v).lower())
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
    elif len(frame):  # without an identifier, a repeated identical submission is the duplicate
        ident = frame[mapped[0]].astype(str).astype(object)
        for column in mapped[1:]:
            ident = ident + "\x1f" + frame[column].astype(str).astype(object)
    else:
        ident = pd.Series("", index=frame.index, dtype=object)
    kept_ids = ident[keep]
    last_row = frame[ROW][keep].groupby(kept_ids.to_numpy()).max()
    dup = np.zeros(len(frame), dtype=bool)
    dup[keep] = kept_ids.duplicated(keep="last").to_numpy()
    drop(
        dup,
        lambda positions: [
            f"duplicate submission: the same respondent submitted again in row {row}, which is kept"
            for row in last_row.reindex(ident.to_numpy()[positions]).tolist()
        ],
    )
    out.quarantine = quarantine.records
    del dup, kept_ids

    kept_rows = frame[ROW][keep]
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
        distinct_units = pd.Series(pd.unique(unit.to_numpy()), dtype=object)
        if len(unit) and pd.to_numeric(distinct_units, errors="coerce").notna().all():
            out.warnings.append(
                f"column '{cols['unit']}' holds numbers ("
                + ", ".join(repr(v) for v in sorted(unit.unique())[:3])
                + "…), not unit names: export the survey with choice text (Qualtrics: "
                "'Use choice text') so the report can name the units"
            )
    pseudonyms = _each_distinct(ident[keep], pseudonym)
    submitted = pd.Series(pd.NaT, index=kept_rows.index, dtype="datetime64[ns]")
    if "submitted_at" in cols:
        column = cols["submitted_at"]
        dates = frame[column][keep]
        submitted, zoned = _timestamps(dates, survey.dayfirst)
        bad = submitted.isna() & dates.str.strip().ne("")
        if bad.any():
            rows = ", ".join(str(r) for r in kept_rows[bad].head(5))
            out.warnings.append(
                f"{int(bad.sum())} unreadable dates in column '{column}' "
                f"(rows {rows}…) stored empty"
            )
        if 0 < zoned < len(dates):
            out.warnings.append(
                f"{zoned} dates in column '{column}' carry a time zone and the others do not; "
                "the zoned ones are stored in UTC"
            )
        del dates
    respondents = pd.DataFrame(
        {
            "org_id": org_id,
            "wave_id": survey.wave_id,
            "respondent_id": pseudonyms,
            "unit": unit,
            "role": (
                _each_distinct(frame[cols["role"]][keep], lambda v: scrub_pii(_norm(v)))
                if "role" in cols
                else None
            ),
            "tenure_band": (
                _normalised(frame[cols["tenure_band"]][keep]) if "tenure_band" in cols else None
            ),
            "submitted_at": submitted,
            "source_row": kept_rows.astype(int),
        }
    )
    del submitted, unit
    names = [c for c in NAME_COLUMNS if c in frame.columns]
    wordings = frame.attrs.get("wordings", {})
    responses, questions = [], []
    own_names = None  # each respondent's own name, from the export's name columns
    if names:
        parts = [_each_distinct(frame[c][keep], _name_parts).tolist() for c in names]
        own_names = [[p for found in row for p in found] for row in zip(*parts, strict=True)]
        del parts
    kept_rows = kept_rows.to_numpy()
    ids = pseudonyms.to_numpy()
    for question, column in question_cols.items():
        answers = texts.pop(question)[keep]
        problem = None if question.startswith("scale_") else free_text_problem(answers)
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
        filled = answers.ne("").to_numpy()
        given = answers[filled]
        own = (
            None if own_names is None else [o for o, f in zip(own_names, filled, strict=True) if f]
        )
        scrubbed = scrub_pii_many(given.tolist(), own)
        values = None
        if question.startswith("scale_"):
            values = _each_distinct(given, _scale_value)
            unreadable = np.array([v is None for v in values], dtype=bool)
            for row, text in zip(
                kept_rows[filled][unreadable],
                np.asarray(scrubbed, dtype=object)[unreadable],
                strict=True,
            ):
                out.warnings.append(
                    f"row {row}, column '{column}': '{text}' is not a "
                    "1–5 or agree/disagree answer; stored as text only"
                )
            values = values.to_numpy()
        responses.append(
            pd.DataFrame(
                {
                    "respondent_id": ids[filled],
                    "question": question,
                    "text": np.asarray(scrubbed, dtype=object),
                    "value": values,
                }
            )
        )
        del answers, given, scrubbed
    out.tables["respondents"] = respondents
    responses = (
        pd.concat(responses, ignore_index=True)
        if responses
        else pd.DataFrame(columns=["respondent_id", "question", "text", "value"])
    )
    responses["value"] = responses["value"].astype(object).infer_objects()
    out.tables["responses"] = responses.assign(org_id=org_id, wave_id=survey.wave_id)
    out.tables["questions"] = pd.DataFrame(
        questions, columns=["question", "source_column", "wording", "free_text", "note"]
    ).assign(org_id=org_id, wave_id=survey.wave_id)
    return out


def _vocabulary_name(column: str) -> str:
    return re.sub(r"[\s-]+", "_", normalise_header(column).lower())


def _columns_by_vocabulary(frame: pd.DataFrame, required: list[str], source: str) -> pd.DataFrame:
    """Match columns case- and space-insensitively to our vocabulary (``Metric ID`` → ``metric_id``)."""
    for name, places in frame.attrs.get("duplicates", {}).items():
        raise InputError(
            f"columns with the same name '{name}': " + " and ".join(places),
            file=source,
            hint="rename the columns so that each name is unique",
        )
    names = {c: c if c in (ROW, "_extra") else _vocabulary_name(c) for c in frame.columns}
    seen: dict[str, str] = {}
    for column, name in names.items():
        if name in seen:
            raise InputError(
                f"columns '{seen[name]}' and '{column}' both mean '{name}'",
                file=source,
                hint="delete or rename one of them",
            )
        seen[name] = column
    renamed = frame.rename(columns=names)
    missing = [c for c in required if c not in renamed.columns]
    if missing:
        raise InputError(
            f"required columns {missing} are missing",
            file=source,
            hint=f"add them; the file has {[c for c in frame.columns if c != ROW]}",
        )
    return renamed


def _flag(text: str) -> bool | None:
    text = _norm(text).lower()
    return True if text in TRUE else False if text in FALSE else None


def _fraction(text: str) -> float | None:
    """'30%', '0.3' → 0.3; '' → nan; anything else → None (invalid)."""
    text = _norm(text).replace(",", ".")
    if not text:
        return float("nan")
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        return None
    return value if 0 <= value <= 1 else None


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,|]", text) if p.strip()]


def _prepare_rows(
    frame, *, table: str, key: str, required: list[str], source: str, org_id: str, parse
) -> Prepared:
    """Shared row loop for the inventory tables: required fields, unique keys, per-row parse."""
    frame = _columns_by_vocabulary(frame, required, source)
    out = Prepared(tables={}, rows_read=len(frame))
    seen: dict[str, int] = {}
    rows = []
    columns = [c for c in frame.columns if c != ROW]
    for _, row in frame.iterrows():
        empty = [c for c in required if not _norm(row[c])]
        if empty:
            out.quarantine.append(
                _quarantine(row, f"missing value: column '{empty[0]}' is empty", columns)
            )
            continue
        ident = _norm(row[key])
        if ident in seen:
            out.quarantine.append(
                _quarantine(
                    row, f"duplicate {key}: '{ident}' already used in row {seen[ident]}", columns
                )
            )
            continue
        try:
            parsed = parse(row)
        except ValueError as exc:
            out.quarantine.append(_quarantine(row, f"invalid value: {exc}", columns))
            continue
        seen[ident] = int(row[ROW])
        rows.append({"org_id": org_id, key: ident, "source_row": int(row[ROW]), **parsed})
    out.tables[table] = pd.DataFrame(rows)
    return out


def _opt(row: pd.Series, col: str) -> str:
    return _norm(row[col]) if col in row.index else ""


def _free(row: pd.Series, col: str) -> str:
    """A free-text field that reports show: scrubbed of personal data."""
    return scrub_pii(_opt(row, col))


def prepare_metrics(frame: pd.DataFrame, *, org_id: str, source: str) -> Prepared:
    """Validate a metric inventory (one row per metric)."""

    def parse(row):
        flags = {}
        for col in ("measured", "reported", "incentivised"):
            value = _flag(_opt(row, col))
            if value is None:
                raise ValueError(
                    f"column '{col}' has '{_opt(row, col)}' — use yes/no, y/n, "
                    "true/false, 1/0 or x/blank"
                )
            flags[col] = value
        weight = _fraction(_opt(row, "incentive_weight"))
        if weight is None:
            raise ValueError(
                f"column 'incentive_weight' has '{_opt(row, 'incentive_weight')}' — "
                "use a share between 0 and 1, or a percentage"
            )
        return {
            "name": _free(row, "name"),
            "description": _free(row, "description"),
            "owner_unit": _free(row, "owner_unit"),
            **flags,
            "incentive_weight": 0.0 if pd.isna(weight) and not flags["incentivised"] else weight,
            "capability_id": _opt(row, "capability_id") or None,
        }

    out = _prepare_rows(
        frame,
        table="metrics",
        key="metric_id",
        required=["metric_id", "name"],
        source=source,
        org_id=org_id,
        parse=parse,
    )
    return out


def prepare_okrs(frame: pd.DataFrame, *, org_id: str, source: str) -> Prepared:
    """Validate OKRs (one row per key result, parents as ``;``-separated ids)."""

    def parse(row):
        progress = _fraction(_opt(row, "progress"))
        if progress is None:
            raise ValueError(
                f"column 'progress' has '{_opt(row, 'progress')}' — use 0–1 or a percentage"
            )
        return {
            "parent_ids": _split(_opt(row, "parent_ids")),
            "level": _opt(row, "level") or "unit",
            "owner_unit": _free(row, "owner_unit"),
            "objective": _free(row, "objective"),
            "key_result": _free(row, "key_result"),
            "progress": progress,
            "capability_id": _opt(row, "capability_id") or None,
        }

    out = _prepare_rows(
        frame,
        table="okrs",
        key="okr_id",
        required=["okr_id", "key_result"],
        source=source,
        org_id=org_id,
        parse=parse,
    )
    okrs = out.tables["okrs"]
    known = set(okrs.get("okr_id", []))
    for _, kr in okrs.iterrows():
        for parent in kr["parent_ids"]:
            if parent not in known:
                out.warnings.append(
                    f"row {kr['source_row']}: parent '{parent}' of {kr['okr_id']} "
                    "is not in the file; the link is kept but cannot be followed"
                )
    return out


def prepare_capabilities(frame: pd.DataFrame, *, org_id: str, source: str) -> Prepared:
    """Validate a capability map (value-chain stages in order, with the units in each)."""

    def parse(row):
        try:
            order = float(_opt(row, "stage_order"))
        except ValueError:
            order = float("nan")
        if not (order.is_integer() and 0 <= order <= MAX_STAGE):
            raise ValueError(
                f"column 'stage_order' has '{_opt(row, 'stage_order')}' — use a whole number "
                f"from 0 to {MAX_STAGE}"
            )
        order = int(order)
        return {
            "name": _free(row, "name"),
            "stage_order": order,
            "units": [scrub_pii(u) for u in _split(_opt(row, "units"))],
        }

    out = _prepare_rows(
        frame,
        table="capabilities",
        key="capability_id",
        required=["capability_id", "name", "stage_order"],
        source=source,
        org_id=org_id,
        parse=parse,
    )
    return out
