"""Validate export rows into workspace rows: pure functions, every row loaded or quarantined."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pandas as pd

from opsworkbench.errors import InputError
from opsworkbench.privacy import pseudonymise, scrub_pii
from opsworkbench.readers import ROW, parse_timestamp
from opsworkbench.study import Survey

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
NAME_COLUMNS = ("Name", "RecipientFirstName", "RecipientLastName")


@dataclass
class Prepared:
    """What a file turns into: rows per workspace table, quarantined rows and warnings."""

    tables: dict[str, pd.DataFrame]
    quarantine: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def _redact(values: dict) -> str:
    return json.dumps({k: scrub_pii(str(v)) for k, v in values.items()}, ensure_ascii=False)[:2000]


def _quarantine(row: pd.Series, reason: str, columns: list[str]) -> dict:
    return {
        "row_number": int(row[ROW]),
        "reason": reason,
        "raw": _redact({c: row[c] for c in columns if c in row.index}),
    }


def _require_columns(frame: pd.DataFrame, wanted: dict[str, str], source: str) -> None:
    missing = {role: col for role, col in wanted.items() if col not in frame.columns}
    if missing:
        listed = ", ".join(f"{role} → '{col}'" for role, col in missing.items())
        available = ", ".join(f"'{c}'" for c in frame.columns if c != ROW)
        raise InputError(
            f"columns named in study.yml are not in the file: {listed}",
            file=source,
            hint=f"fix the mapping in study.yml; the file's columns are {available}",
        )


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


def prepare_survey(
    frame: pd.DataFrame, survey: Survey, *, org_id: str, salt: str, source: str
) -> Prepared:
    """Turn a survey export (already stripped of tool header rows) into workspace rows.

    Pure: no file or database access. Rows that cannot be loaded are returned as quarantine
    records with a reason and the spreadsheet row number.
    """
    cols = {k: v for k, v in survey.columns.model_dump().items() if v}
    _require_columns(frame, {**cols, **survey.question_columns}, source)
    mapped = list(dict.fromkeys([*cols.values(), *survey.question_columns.values()]))
    out = Prepared(tables={}, rows_read=len(frame))
    questions = survey.question_columns
    texts = {q: frame[c].map(_norm) for q, c in questions.items()}
    answered = pd.concat(texts.values(), axis=1).ne("").any(axis=1)
    unit = frame[cols["unit"]].map(_norm)
    keep = pd.Series(True, index=frame.index)

    def drop(mask: pd.Series, reason) -> None:
        for i in frame.index[mask & keep]:
            text = reason(i) if callable(reason) else reason
            out.quarantine.append(_quarantine(frame.loc[i], text, mapped))
        keep[mask] = False

    if "Status" in frame.columns:
        drop(
            frame["Status"].str.strip().eq("Survey Preview"),
            "survey preview: a test response from the survey designer, not an employee",
        )
    drop(~answered, "empty submission: no answer to any question")
    drop(
        unit.eq(""),
        f"no unit: column '{cols['unit']}' is empty — fill it in so the answer can be grouped",
    )

    if "respondent_id" in cols:
        raw_id = frame[cols["respondent_id"]].map(_norm)
        raw_id = raw_id.where(raw_id.ne(""), "row" + frame[ROW].astype(str))
    else:  # without an identifier, a repeated identical submission is the duplicate
        raw_id = frame[mapped].astype(str).agg("\x1f".join, axis=1)
    kept_ids = raw_id[keep]
    last_row = frame.loc[kept_ids.index, ROW].groupby(kept_ids).max()
    dup = keep & raw_id.duplicated(keep="last")
    drop(
        dup,
        lambda i: (
            f"duplicate submission: the same respondent submitted again in row "
            f"{last_row[raw_id[i]]}, which is kept"
        ),
    )

    kept = frame[keep]
    pseudonyms = raw_id[keep].map(lambda r: pseudonymise(r, salt=salt, org_id=org_id))
    submitted = pd.Series(pd.NaT, index=kept.index, dtype="datetime64[ns]")
    if "submitted_at" in cols:
        parsed = kept[cols["submitted_at"]].map(
            lambda v: parse_timestamp(v, dayfirst=survey.dayfirst)
        )
        bad = parsed.isna() & kept[cols["submitted_at"]].str.strip().ne("")
        if bad.any():
            rows = ", ".join(str(r) for r in kept.loc[bad, ROW].head(5))
            out.warnings.append(
                f"{int(bad.sum())} unreadable dates in column '{cols['submitted_at']}' "
                f"(rows {rows}…) stored empty"
            )
        submitted = pd.to_datetime(parsed, errors="coerce")
    respondents = pd.DataFrame(
        {
            "org_id": org_id,
            "wave_id": survey.wave_id,
            "respondent_id": pseudonyms,
            "unit": unit[keep],
            "role": kept[cols["role"]].map(_norm) if "role" in cols else None,
            "tenure_band": kept[cols["tenure_band"]].map(_norm) if "tenure_band" in cols else None,
            "submitted_at": submitted,
            "source_row": kept[ROW].astype(int),
        }
    )
    names = [c for c in NAME_COLUMNS if c in kept.columns]
    responses = []
    for question, column in questions.items():
        for i in kept.index:
            text = texts[question][i]
            if not text:
                continue
            own_names = [kept.at[i, c] for c in names]
            value = _scale_value(text) if question.startswith("scale_") else None
            if question.startswith("scale_") and value is None:
                out.warnings.append(
                    f"row {kept.at[i, ROW]}, column '{column}': '{text}' is not a "
                    "1–5 or agree/disagree answer; stored as text only"
                )
            responses.append((pseudonyms[i], question, scrub_pii(text, own_names), value))
    out.tables["respondents"] = respondents
    out.tables["responses"] = pd.DataFrame(
        responses, columns=["respondent_id", "question", "text", "value"]
    ).assign(org_id=org_id, wave_id=survey.wave_id)
    return out


def _columns_by_vocabulary(frame: pd.DataFrame, required: list[str], source: str) -> pd.DataFrame:
    """Match columns case- and space-insensitively to our vocabulary (``Metric ID`` → ``metric_id``)."""
    renamed = frame.rename(
        columns=lambda c: c if c == ROW else re.sub(r"[\s-]+", "_", c.strip().lower())
    )
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
            "name": _opt(row, "name"),
            "description": _opt(row, "description"),
            "owner_unit": _opt(row, "owner_unit"),
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
            "owner_unit": _opt(row, "owner_unit"),
            "objective": _opt(row, "objective"),
            "key_result": _opt(row, "key_result"),
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
            order = int(float(_opt(row, "stage_order")))
        except ValueError:
            raise ValueError(
                f"column 'stage_order' has '{_opt(row, 'stage_order')}' — use a whole number"
            ) from None
        return {
            "name": _opt(row, "name"),
            "stage_order": order,
            "units": _split(_opt(row, "units")),
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
