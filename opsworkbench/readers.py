"""Read raw exports (CSV/XLSX in the layouts survey tools produce) into frames of text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from opsworkbench.errors import InputError

ROW = "_row"  # the row number a user sees when opening the file in a spreadsheet
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes: UTF-8 (with or without BOM), else Windows-1252. Returns (text, encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV sample (comma, semicolon, tab or pipe; comma if unsure)."""
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _cells_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    def text(value) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime | pd.Timestamp):
            return pd.Timestamp(value).isoformat(sep=" ")
        return str(value)

    return frame.apply(lambda col: col.map(text)).astype(object)


def _drop_empty_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop unnamed columns with no values (trailing delimiters, stray Excel columns)."""
    keep = []
    for col in frame.columns:
        unnamed = not str(col).strip() or str(col).startswith("Unnamed:")
        if unnamed and not frame[col].astype(str).str.strip().any():
            continue
        keep.append(col)
    return frame[keep]


def read_table(
    path: str | Path, *, sheet: str | int | None = None, data: bytes | None = None
) -> pd.DataFrame:
    """Read a CSV or XLSX file into a frame of strings plus the column ``_row``.

    Every value is text ("" for empty cells) so nothing is lost or reinterpreted before
    validation. ``_row`` is the row number as a spreadsheet shows it (header is row 1).
    """
    path = Path(path)
    if data is None and not path.exists():
        raise InputError("file not found", file=path, hint="check the file name in study.yml")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            source = io.BytesIO(data) if data is not None else path
            frame = pd.read_excel(source, sheet_name=sheet or 0, dtype=object, header=0)
            frame, encoding = _cells_as_text(frame), "xlsx"
        elif suffix in (".csv", ".txt", ".tsv"):
            text, encoding = decode(data if data is not None else path.read_bytes())
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sniff_delimiter(text),
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=True,
            )
        else:
            raise InputError(
                f"unsupported file type '{suffix}'",
                file=path,
                hint="export the data as CSV or XLSX",
            )
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(
            f"cannot be read as a table ({exc})",
            file=path,
            hint="open it in a spreadsheet and save it again as CSV UTF-8",
        ) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = _drop_empty_columns(frame)
    duplicated = frame.columns[frame.columns.duplicated()].tolist()
    if duplicated:
        raise InputError(
            f"duplicate column names {duplicated}",
            file=path,
            hint="rename the columns so each is unique",
        )
    frame.insert(0, ROW, range(2, len(frame) + 2))
    frame = frame.reset_index(drop=True)
    frame.attrs["encoding"] = encoding
    return frame


def _qualtrics(frame: pd.DataFrame) -> pd.DataFrame:
    """Qualtrics exports carry two extra header rows: question wording and ImportId JSON."""
    if len(frame) >= 2 and str(frame.iloc[1, 1]).startswith('{"ImportId"'):
        return frame.iloc[2:].reset_index(drop=True).copy()
    return frame


def _surveymonkey(frame: pd.DataFrame) -> pd.DataFrame:
    """SurveyMonkey puts sub-question labels in a second header row; merge them into names."""
    if frame.empty:
        return frame
    sub = frame.iloc[0]
    names, last = [], ""
    for col in frame.columns:
        if col == ROW:
            names.append(col)
            continue
        base = last if col.startswith("Unnamed:") else col
        last = base
        label = str(sub[col]).strip()
        generic = label in ("", "Response", "Open-Ended Response")
        names.append(base if generic else f"{base} - {label}")
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = names
    return frame


def _passthrough(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


LAYOUTS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "generic": _passthrough,
    "google_forms": _passthrough,
    "msforms": _passthrough,
    "qualtrics": _qualtrics,
    "surveymonkey": _surveymonkey,
}


def detect_layout(frame: pd.DataFrame) -> str:
    """Guess the survey tool from the header (used when a study says ``format: auto``)."""
    cols = set(frame.columns)
    if {"ResponseId", "StartDate"} <= cols or "ResponseID" in cols:
        return "qualtrics"
    if {"ID", "Start time", "Completion time"} <= cols:
        return "msforms"
    if {"Respondent ID", "Collector ID"} <= cols:
        return "surveymonkey"
    if "Timestamp" in cols:
        return "google_forms"
    return "generic"


def read_survey(path: str | Path, *, layout: str = "auto", sheet=None, data: bytes | None = None):
    """Read a survey export and strip its tool-specific header rows. Returns (frame, layout)."""
    frame = read_table(path, sheet=sheet, data=data)
    if layout == "auto":
        layout = detect_layout(frame)
    return LAYOUTS[layout](frame), layout


def parse_timestamp(value: str, *, dayfirst: bool = False) -> pd.Timestamp | None:
    """Parse an export's date: ISO, local formats or an Excel serial day number."""
    value = value.strip()
    if not value:
        return None
    try:
        serial = float(value)
    except ValueError:
        serial = None
    if serial is not None:
        if 20000 < serial < 80000:  # 1954..2119 as Excel day numbers
            return pd.Timestamp(EXCEL_EPOCH + dt.timedelta(days=serial)).round("s")
        return None
    try:
        return pd.Timestamp(pd.to_datetime(value, dayfirst=dayfirst))
    except (ValueError, OverflowError):
        return None


def read_yaml_list(data: bytes, source, key: str = "capabilities") -> pd.DataFrame:
    """A YAML list of records (top level, or under ``key``) as a frame of text, like :func:`read_table`."""
    raw = yaml.safe_load(data.decode("utf-8-sig"))
    items = raw.get(key) if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise InputError(f"expected a list under '{key}'", file=source)
    frame = pd.DataFrame(
        [
            {
                k: ";".join(map(str, v)) if isinstance(v, list) else "" if v is None else str(v)
                for k, v in item.items()
            }
            for item in items
        ]
    ).fillna("")
    frame.insert(0, ROW, range(1, len(frame) + 1))  # item number in the list
    return frame
