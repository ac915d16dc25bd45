"""Classify any CSV/XLSX column in chunks: every input row and column kept, scores appended."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from opsworkbench.errors import InputError
from opsworkbench.intake.readers import decode, sniff_delimiter
from opsworkbench.language.orientation import COLUMNS, OrientationModel, default_model

SNIFF_BYTES = 1 << 20
XLSX_MAX_ROWS = 1_048_576  # Excel's sheet limit, header included
# Text starting with one of these is a formula to a spreadsheet (or becomes one when edited).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_chunks(path: Path, chunk_size: int) -> Iterator[pd.DataFrame]:
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    # Cut at a character boundary: a split multi-byte character is not evidence of cp1252.
    text, encoding = decode(head[: head.rfind(b"\n") + 1] or head)
    sep = sniff_delimiter(text)
    yield from pd.read_csv(
        path,
        sep=sep,
        dtype=str,
        keep_default_na=False,
        chunksize=chunk_size,
        encoding=encoding,
        encoding_errors="replace",
    )


def _xlsx_chunks(path: Path, chunk_size: int) -> Iterator[pd.DataFrame]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [
            str(h) if h is not None else f"column_{i + 1}" for i, h in enumerate(next(rows, []))
        ]
        while batch := list(itertools.islice(rows, chunk_size)):
            yield pd.DataFrame(
                [list(r[: len(header)]) + [None] * (len(header) - len(r)) for r in batch],
                columns=header,
                dtype=object,
            )
    finally:
        book.close()


def read_chunks(path: str | Path, chunk_size: int = 50_000) -> Iterator[pd.DataFrame]:
    """Yield the rows of a CSV or XLSX file as DataFrames of at most ``chunk_size`` rows."""
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", file=path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv_chunks(path, chunk_size)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_chunks(path, chunk_size)
    raise InputError(f"unsupported file type '{suffix}'", file=path, hint="use CSV or XLSX")


@functools.cache
def _openpyxl() -> SimpleNamespace:
    """The parts of openpyxl used to write cells (imported on first use: it is slow to load)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.utils.exceptions import IllegalCharacterError

    return SimpleNamespace(
        WriteOnlyCell=WriteOnlyCell,
        ERROR_CODES=ERROR_CODES,
        ILLEGAL_CHARACTERS_RE=ILLEGAL_CHARACTERS_RE,
        IllegalCharacterError=IllegalCharacterError,
    )


def _xlsx_cells(sheet, values) -> list:
    """A row for a write-only sheet in which every piece of text is stored as text.

    openpyxl would store text starting with ``=`` as a formula and ``#N/A``-like text as an
    error value; such text, and text starting with ``+``, ``-``, ``@``, tab or carriage
    return, is written as a text cell with Excel's quote prefix, so it is shown as written and
    stays text when someone edits the cell.
    """
    xl = _openpyxl()
    row = []
    for value in values:
        if isinstance(value, float) and pd.isna(value):
            value = None
        elif isinstance(value, str) and (
            value.startswith(FORMULA_STARTS) or value in xl.ERROR_CODES
        ):
            cell = xl.WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            value = cell
        row.append(value)
    return row


def _append_xlsx_row(sheet, values, *, columns, row_number: int, source) -> None:
    xl = _openpyxl()
    try:
        sheet.append(_xlsx_cells(sheet, values))
    except xl.IllegalCharacterError:
        column = next(
            (
                c
                for c, v in zip(columns, values, strict=False)
                if isinstance(v, str) and xl.ILLEGAL_CHARACTERS_RE.search(v)
            ),
            None,
        )
        raise InputError(
            "contains a control character that XLSX files cannot hold",
            file=source,
            row=row_number,
            column=column,
            hint="write the output as .csv, which keeps every character, or remove the character",
        ) from None


def classify_file(
    input_path: str | Path,
    output_path: str | Path,
    text_column: str,
    *,
    chunk_size: int = 50_000,
    model: OrientationModel | None = None,
    explain: bool = True,
    progress=None,
) -> int:
    """Score ``text_column`` of every row and write the input plus ``focus, result, quadrant,
    confidence, cues`` to ``output_path`` (CSV or XLSX). Memory is bounded by ``chunk_size``.

    Answers are untrusted text, and text such as ``=HYPERLINK(...)`` is a live formula to a
    spreadsheet:

    - **XLSX** output stores every piece of text as a text cell, never as a formula; text
      starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return also gets Excel's quote
      prefix so it stays text when a cell is edited. The values read back are the text
      written (XLSX, like any XML, stores a carriage return as a line break).
    - **CSV** output is written exactly as the input, without OWASP's advice to prefix such
      text with an apostrophe: that would change the data for everyone who reads the CSV
      back (pandas, R, this tool's ``evaluate``), and a minus sign or ``@`` starts many
      genuine answers. To look at the results in a spreadsheet, ask for ``.xlsx`` output, or
      import the CSV with every column as text rather than opening it directly.

    Returns the number of rows written.
    """
    model = model or default_model()
    output_path = Path(output_path)
    out_suffix = output_path.suffix.lower()
    if out_suffix not in (".csv", ".xlsx"):
        raise InputError(
            f"unsupported output type '{out_suffix}'", file=output_path, hint="use .csv or .xlsx"
        )
    tmp = output_path.with_name(f".{output_path.name}.partial")
    book = sheet = None
    written = 0
    try:
        for chunk in read_chunks(input_path, chunk_size):
            if text_column not in chunk.columns:
                raise InputError(
                    "text column not found",
                    file=input_path,
                    column=text_column,
                    hint=f"columns are {list(chunk.columns)}",
                )
            clash = [c for c in COLUMNS if c in chunk.columns]
            if clash:
                raise InputError(
                    f"the file already has columns {clash}",
                    file=input_path,
                    hint="rename them so the scores do not overwrite your data",
                )
            scores = model.score_texts(chunk[text_column].fillna("").astype(str), explain=explain)
            result = pd.concat([chunk.reset_index(drop=True), scores], axis=1)
            if out_suffix == ".csv":
                result.to_csv(tmp, mode="a" if written else "w", header=not written, index=False)
            else:
                if written + len(result) >= XLSX_MAX_ROWS:
                    raise InputError(
                        f"more than {XLSX_MAX_ROWS - 1:,} rows do not fit in an XLSX sheet",
                        file=output_path,
                        hint="write the output as .csv",
                    )
                if book is None:
                    from openpyxl import Workbook

                    book = Workbook(write_only=True)
                    sheet = book.create_sheet("classified")
                    header = [str(c) for c in result.columns]
                    _append_xlsx_row(sheet, header, columns=header, row_number=1, source=input_path)
                for number, row in enumerate(result.itertuples(index=False), start=written + 2):
                    _append_xlsx_row(
                        sheet, row, columns=result.columns, row_number=number, source=input_path
                    )
            written += len(result)
            if progress is not None:
                progress(len(result))
        if not written:
            raise InputError("no data rows to classify", file=input_path)
        if book is not None:
            book.save(tmp)
        tmp.replace(output_path)
        return written
    finally:
        tmp.unlink(missing_ok=True)
