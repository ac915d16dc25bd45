"""Read raw exports (CSV/XLSX in the layouts survey tools produce) into frames of text."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from opsworkbench.errors import InputError

ROW = "_row"  # the row number a user sees when opening the file in a spreadsheet
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
GMT_OFFSET = re.compile(r"\s*\b(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$")


# Limits that keep a damaged or hostile file from hanging the workbench or exhausting memory.
# Excel's own limits are 1,048,576 rows, 16,384 columns and 32,767 characters per cell.
MAX_ROWS = 2_000_000
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 262_144
MAX_UNPACKED_BYTES = 2_000_000_000  # an XLSX's XML once unzipped
SHARED_CELLS = 1 << 16  # distinct cell values kept to share while reading a CSV
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected workbooks


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    bad = err.object[err.start : err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("opsworkbench-cp1252", _cp1252_fallback)


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes. Returns (text, encoding).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such. A file that is not
    UTF-8 is read as Windows-1252 (what Excel writes in Western Europe). A UTF-8 file with a
    few stray Windows-1252 bytes keeps its UTF-8 text and reads only those bytes as
    Windows-1252; its encoding is reported as ``utf-8+cp1252`` so the caller can warn.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        return data.decode("utf-8"), encoding
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few stray bytes, or a Windows-1252 file whose accents now and then
    # happen to form a valid UTF-8 sequence? Count both: valid multi-byte characters against
    # bytes that are not UTF-8.
    valid = data.decode("utf-8", errors="ignore")
    multibyte = sum(ord(ch) > 0x7F for ch in valid)
    stray = len(data) - len(valid.encode("utf-8"))
    if multibyte > stray:
        return data.decode("utf-8", errors="opsworkbench-cp1252"), "utf-8+cp1252"
    return data.decode("cp1252", errors="replace"), "cp1252"


def stray_byte_lines(data: bytes, limit: int = 5) -> list[int]:
    """Line numbers (1-based) of the first lines that are not valid UTF-8."""
    lines = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            lines.append(number)
            if len(lines) == limit:
                break
    return lines


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV sample (comma, semicolon, tab or pipe; comma if unsure)."""
    head = "\n".join(text[:200_000].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _text(value) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | pd.Timestamp):
        return pd.Timestamp(value).isoformat(sep=" ")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def normalise_header(name: object) -> str:
    """A header as users read it: Unicode NFC, no BOM or zero-width marks, single spaces."""
    text = unicodedata.normalize("NFC", str(name))
    text = re.sub(r"[\ufeff\u200b\u200c\u200d\u2060]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def column_letter(position: int) -> str:
    """Spreadsheet letter of a 0-based column position (0 → A, 27 → AB)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")
# Line breaks to str.splitlines that are not line breaks to a CSV file
_OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def _lines(text: str, chunk: int = 1 << 20) -> Iterator[str]:
    """The lines of ``text`` as ``io.StringIO(text, newline="")`` gives them (ends kept),
    without its copy of the whole text at four bytes a character.

    The text is split a chunk at a time, each ending at a line feed so that no ``\r\n``
    is cut in two.
    """
    start = 0
    while start < len(text):
        end = text.find("\n", start + chunk)
        end = len(text) if end < 0 else end + 1
        piece = text[start:end]
        if any(char in piece for char in _OTHER_BREAKS):
            yield from (match.group() for match in _LINE.finditer(piece))
        else:
            yield from piece.splitlines(keepends=True)
        start = end


@contextmanager
def _no_cycle_collection():
    """Pause the cycle collector while reading: rows make many lists but no cycles, and a
    collector run walks every row read so far."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _csv_records(text: str, path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (spreadsheet row, cells) records of a CSV text, blank lines left out."""
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(_lines(text), delimiter=sniff_delimiter(text))
    delimiter = reader.dialect.delimiter
    header, records, row, line = None, [], 0, 0
    shared: dict[str, str] = {}  # one string object per value that repeats (units, scales)
    try:
        for cells in reader:
            row += 1
            if header is None:
                if any(c.strip() for c in cells):
                    header = cells
                line = reader.line_num
                continue
            if not any(c.strip() for c in cells):
                line = reader.line_num
                continue
            if reader.line_num - line > 1:  # only a record over several lines holds a line break
                _check_swallowed_rows(cells, len(header), delimiter, path, row)
            line = reader.line_num
            if len(shared) > SHARED_CELLS:
                shared.clear()
            records.append((row, [shared.setdefault(c, c) for c in cells]))
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


def _check_swallowed_rows(cells, width: int, delimiter: str, path: Path, row: int) -> None:
    """Refuse a cell that swallowed later rows: an opening quote that is never closed."""
    for position, cell in enumerate(cells):
        if "\n" not in cell:
            continue
        lines = cell.split("\n")[1:]
        rows_inside = sum(line.count(delimiter) >= max(1, width - 2) for line in lines)
        if rows_inside:
            raise InputError(
                f"a quote opened in this cell is never closed, so {rows_inside} later rows were "
                "read as part of one answer",
                file=path,
                row=row,
                column=column_letter(position),
                hint="close the quote (or remove it) in a spreadsheet, or export the file again",
            )


def _check_workbook(data: bytes, path: Path) -> None:
    """Refuse what is not a readable XLSX before parsing: old or encrypted files, damage, bombs."""
    if data.startswith(_OLE):
        raise InputError(
            "this is an old-style .xls workbook or a password-protected workbook",
            file=path,
            hint="open it in Excel, remove any password and save it as .xlsx or CSV UTF-8",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise InputError(
            f"the workbook is damaged or not an Excel file ({exc})",
            file=path,
            hint="download or export it again, or save it as CSV UTF-8",
        ) from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError(
            f"the workbook unpacks to {unpacked / 1e9:.1f} GB, over the limit of "
            f"{MAX_UNPACKED_BYTES / 1e9:.0f} GB",
            file=path,
            hint="export only the survey's responses, or save it as CSV",
        )
    row_tag = re.compile(rb"<(?:\w+:)?row[\s>]")
    cell_tag = re.compile(rb"<(?:\w+:)?c[\s>/]")
    try:
        for member in members:
            if not member.filename.startswith("xl/worksheets/"):
                continue
            with archive.open(member) as sheet:
                carry, rows, widest = b"", 0, 0
                while chunk := sheet.read(1 << 22):
                    pieces = row_tag.split(carry + chunk)
                    carry = pieces.pop()  # the row still being read
                    rows += len(pieces)
                    widest = max([widest, *(len(cell_tag.findall(p)) for p in pieces)])
                    if len(carry) > 1 << 24:  # a single row of over 16 MB of cells
                        widest = max(widest, len(cell_tag.findall(carry)))
                        carry = carry[-64:]
                    if widest > MAX_COLUMNS or rows > MAX_ROWS + 1:
                        break
                widest = max(widest, len(cell_tag.findall(carry)))
            if widest > MAX_COLUMNS:
                raise InputError(
                    f"a row of sheet '{member.filename}' has more than {MAX_COLUMNS:,} cells, "
                    "more than Excel allows",
                    file=path,
                    hint="the workbook is damaged or was not written by a spreadsheet; export it again",
                )
            if rows > MAX_ROWS + 1:
                raise InputError(
                    f"more than {MAX_ROWS:,} rows",
                    file=path,
                    hint="split the export into several files (one per wave or per unit)",
                )
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise InputError(
            f"the workbook is damaged or truncated ({exc})",
            file=path,
            hint="download or export it again, or save it as CSV UTF-8",
        ) from None


def _xlsx_records(data: bytes, path: Path, sheet) -> tuple[list[str], list[tuple[int, list[str]]]]:
    _check_workbook(data, path)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged parts
        raise InputError(
            f"the workbook cannot be opened ({type(exc).__name__}: {exc})",
            file=path,
            hint="open it in Excel and save it again as .xlsx or CSV UTF-8",
        ) from None
    try:
        if sheet is None or sheet == 0:
            worksheet = book.worksheets[0]
        elif isinstance(sheet, int):
            if sheet >= len(book.worksheets):
                raise InputError(
                    f"has no sheet number {sheet}", file=path, hint=f"sheets: {book.sheetnames}"
                )
            worksheet = book.worksheets[sheet]
        elif sheet in book.sheetnames:
            worksheet = book[sheet]
        else:
            raise InputError(
                f"has no sheet '{sheet}'", file=path, hint=f"its sheets are {book.sheetnames}"
            )
        worksheet.reset_dimensions()  # the stored size may be wrong; read what is there
        header, records = None, []
        for row, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = [_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            long = next((i for i, c in enumerate(cells) if len(c) > MAX_CELL_CHARS), None)
            if long is not None:
                raise InputError(
                    f"a cell is longer than {MAX_CELL_CHARS:,} characters",
                    file=path,
                    row=row,
                    column=column_letter(long),
                )
            if header is None:
                header = cells
            else:
                records.append((row, cells))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            f"the workbook is damaged ({type(exc).__name__}: {exc})",
            file=path,
            hint="open it in Excel and save it again as .xlsx or CSV UTF-8",
        ) from None
    finally:
        book.close()
    return header or [], records


def read_table(
    path: str | Path, *, sheet: str | int | None = None, data: bytes | None = None
) -> pd.DataFrame:
    """Read a CSV or XLSX file into a frame of strings plus the column ``_row``.

    Every value is text ("" for empty cells) so nothing is lost or reinterpreted before
    validation. ``_row`` is the row number as a spreadsheet shows it (header is row 1).
    Blank lines are not rows: they are left out and not counted. A row with more values than
    the header has columns keeps its extra values in the column ``_extra`` (validation
    quarantines it). ``frame.attrs`` holds ``encoding`` and ``warnings``.
    """
    path = Path(path)
    if data is None:
        if not path.is_file():
            raise InputError("file not found", file=path, hint="check the file name in study.yml")
        data = path.read_bytes()
    with _no_cycle_collection():
        return _read_table(path, sheet, data)


def _read_table(path: Path, sheet: str | int | None, data: bytes) -> pd.DataFrame:
    suffix = path.suffix.lower()
    warnings: list[str] = []
    if suffix in (".xlsx", ".xlsm", ".xls"):
        header, records = _xlsx_records(data, path, sheet)
        encoding = "xlsx"
    elif suffix in (".csv", ".txt", ".tsv"):
        if data.startswith((b"PK\x03\x04", _OLE)):
            raise InputError(
                "this is an Excel workbook with a CSV name",
                file=path,
                hint="rename it to .xlsx, or save it from Excel as CSV UTF-8",
            )
        text, encoding = decode(data)
        if encoding == "utf-8+cp1252":
            lines = stray_byte_lines(data)
            warnings.append(
                f"the file is UTF-8 but lines {', '.join(map(str, lines))} hold bytes that are "
                "not; they were read as Windows-1252 (check those answers' accents)"
            )
        if "\x00" in text:
            text = text.replace("\x00", "")
            warnings.append("NUL characters were removed (the file may be damaged)")
        header, records = _csv_records(text, path)
        del text
    else:
        raise InputError(
            f"unsupported file type '{suffix}'", file=path, hint="export the data as CSV or XLSX"
        )
    return _frame(header, records, path, encoding, warnings)


def _shared(cells: tuple[str, ...]) -> np.ndarray:
    """A column's cells with one string object per distinct value (units, scales repeat)."""
    codes, uniques = pd.factorize(np.array(cells, dtype=object), use_na_sentinel=False)
    return np.asarray(uniques, dtype=object)[codes]


def _frame(header, records, path, encoding, warnings) -> pd.DataFrame:
    """The frame of ``records``, which it empties as it goes to hold one copy at a time."""
    if encoding == "xlsx":  # cells right of the header are data in unnamed columns, not extras
        widest = max((len(cells) for _, cells in records), default=0)
        header = [*header, *[""] * (widest - len(header))]
    names = [normalise_header(h) for h in header]
    width = len(names)
    if width > MAX_COLUMNS:
        raise InputError(f"more than {MAX_COLUMNS:,} columns", file=path)
    # cells of every row, one tuple per column (short rows padded with empty cells)
    padded = (
        cells if len(cells) >= width else [*cells, *[""] * (width - len(cells))]
        for _, cells in records
    )
    cells_by_column = list(zip(*padded, strict=False))[:width] if records else [()] * width
    # unnamed columns: keep them (named by letter) only when they hold values
    keep = [i for i in range(width) if names[i] or any(c.strip() for c in cells_by_column[i])]
    extra = [
        " | ".join([c for c in cells[width:] if c.strip()]) if len(cells) > width else ""
        for _, cells in records
    ]
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
    rows = [row for row, _ in records]
    records.clear()
    columns = {labels[i]: _shared(cells_by_column[i]) for i in keep}
    del cells_by_column
    frame = pd.DataFrame(columns, dtype=object)
    del columns
    if frame.empty and not keep:
        frame = pd.DataFrame(index=range(len(rows)))
    frame.insert(0, ROW, rows)
    if any(extra):
        frame["_extra"] = extra
    frame.attrs["encoding"] = encoding
    frame.attrs["warnings"] = warnings
    frame.attrs["duplicates"] = duplicates
    return frame


# Second-header-row labels SurveyMonkey writes under each question (English exports).
SUBHEADER_LABELS = {"response", "responses", "open-ended response", "other (please specify)"}


def _first_row(frame: pd.DataFrame) -> list[str]:
    return [] if frame.empty else [str(v).strip() for v in frame.iloc[0].drop(ROW)]


def _import_id_row(frame: pd.DataFrame) -> int | None:
    """Position (0 or 1) of Qualtrics' ``{"ImportId": …}`` header row, if there is one."""
    for position in range(min(2, len(frame))):
        if any(str(v).startswith('{"ImportId"') for v in frame.iloc[position].drop(ROW)):
            return position
    return None


def _looks_like_subheader(frame: pd.DataFrame) -> bool:
    first = [v.casefold() for v in _first_row(frame)]
    return any(v in SUBHEADER_LABELS for v in first)


def _is_qualtrics(frame: pd.DataFrame) -> bool:
    cols = set(frame.columns)
    return (
        {"ResponseId", "StartDate"} <= cols
        or "ResponseID" in cols
        or "_recordId" in cols
        or _import_id_row(frame) is not None
    )


def _is_surveymonkey(frame: pd.DataFrame) -> bool:
    """SurveyMonkey's signature is its sub-header row, whatever metadata columns were kept."""
    if frame.empty:
        return False
    ids = [c for c in ("Respondent ID", "Collector ID") if c in frame.columns]
    if any(str(frame.at[0, c]).strip() for c in ids):
        return False
    if ids:
        return True
    # Without its metadata columns: most of row 2 is labels such as "Open-Ended Response"
    filled = [v.casefold() for v in _first_row(frame) if v]
    labels = sum(v in SUBHEADER_LABELS for v in filled)
    return labels >= 2 and labels >= len(filled) / 2


def _qualtrics(frame: pd.DataFrame) -> pd.DataFrame:
    """Qualtrics exports carry extra header rows: question wording and ImportId JSON.

    Legacy exports have only the wording row (``Response ID`` under ``ResponseId``).
    """
    position = _import_id_row(frame)
    if position is not None:
        wording_row = 0 if position == 1 else None  # the row above the ImportIds
    else:
        first = dict(zip(frame.columns, ["", *_first_row(frame)], strict=False))
        if first.get("ResponseId") != "Response ID" and first.get("StartDate") != "Start Date":
            return frame
        position = wording_row = 0
    wordings = {}
    if wording_row is not None:  # each question as it was asked
        wordings = {c: str(frame.at[wording_row, c]).strip() for c in frame.columns if c != ROW}
    out = frame.iloc[position + 1 :].reset_index(drop=True).copy()
    out.attrs = {**frame.attrs, "wordings": wordings}
    return out


def _surveymonkey(frame: pd.DataFrame) -> pd.DataFrame:
    """SurveyMonkey puts sub-question labels in a second header row; merge them into names."""
    if not _is_surveymonkey(frame):
        return frame
    sub = frame.iloc[0]
    names, last = [], ""
    for col in frame.columns:
        if col in (ROW, "_extra"):
            names.append(col)
            continue
        base = last if col.startswith("Unnamed:") else col
        last = base
        label = str(sub[col]).strip()
        generic = label.casefold() in ("", "response", "open-ended response")
        names.append(base if generic else f"{base} - {label}")
    out = frame.iloc[1:].reset_index(drop=True)
    out.columns = names
    out.attrs = {**frame.attrs, "wordings": {n: n for n in names if n not in (ROW, "_extra")}}
    return out


def _headers_are_questions(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.attrs = {**frame.attrs, "wordings": {c: c for c in frame.columns if c != ROW}}
    return out


def _passthrough(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


@dataclass(frozen=True)
class Layout:
    """A survey tool's export layout: how to recognise it and how to strip its extra rows."""

    name: str
    detect: Callable[[pd.DataFrame], bool]
    strip: Callable[[pd.DataFrame], pd.DataFrame]


# Checked in this order by ``format: auto``; ``generic`` matches everything.
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("qualtrics", _is_qualtrics, _qualtrics),
        Layout(
            "msforms",
            lambda f: {"ID", "Start time", "Completion time"} <= set(f.columns),
            _headers_are_questions,
        ),
        Layout(
            "google_forms",
            lambda f: bool(
                {"Timestamp", "Marca temporal", "Horodateur", "Zeitstempel"} & set(f.columns)
            ),
            _headers_are_questions,
        ),
        Layout("surveymonkey", _is_surveymonkey, _surveymonkey),
        Layout("generic", lambda f: True, _passthrough),
    )
}


def detect_layout(frame: pd.DataFrame) -> str:
    """Guess the survey tool from the header and the rows under it (``format: auto``)."""
    return next(name for name, layout in LAYOUTS.items() if layout.detect(frame))


def read_survey(path: str | Path, *, layout: str = "auto", sheet=None, data: bytes | None = None):
    """Read a survey export and strip its tool-specific header rows. Returns (frame, layout).

    ``frame.attrs["warnings"]`` says when the first row under the header looks like a second
    header row that the chosen layout does not remove.
    """
    frame = read_table(path, sheet=sheet, data=data)
    if layout == "auto":
        layout = detect_layout(frame)
    elif layout != "qualtrics" and _import_id_row(frame) is not None:
        raise InputError(
            f"study.yml says format: {layout}, but this is a Qualtrics export (a header row "
            "holds ImportIds)",
            file=path,
            hint="set format: qualtrics (or auto) for this survey",
        )
    stripped = LAYOUTS[layout].strip(frame)
    stripped.attrs["layout"] = layout
    if _looks_like_subheader(stripped) or _import_id_row(stripped) is not None:
        labels = [v for v in _first_row(stripped) if v][:3]
        stripped.attrs.setdefault("warnings", []).append(
            f"row {stripped.at[0, ROW]} looks like a second header row "
            f"({', '.join(repr(v) for v in labels)}), not a response; it is read as one — "
            "set the survey's format in study.yml (surveymonkey, qualtrics) or delete the row"
        )
    return stripped, layout


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
    # "GMT+1" as Google Forms writes it means UTC+1 (in POSIX zone names the sign is reversed)
    value = GMT_OFFSET.sub(lambda m: f"{m[1]}{int(m[2]):02d}:{m[3] or '00'}", value)
    try:
        year_first = bool(re.match(r"\d{4}[-/.]", value))
        return pd.Timestamp(pd.to_datetime(value, dayfirst=dayfirst and not year_first))
    except (ValueError, OverflowError, TypeError):
        return None
