"""Ingest fuzzer: mutated copies of the sample studies, ingested by isolated worker processes.

Each case copies one sample study (``data/sample/<org>``), applies one to three mutations that
imitate what real exports and hand-edited study files look like (broken encodings, truncated
or corrupt workbooks, odd YAML, hostile paths, messy rows), then ingests it into a fresh
workspace inside a long-lived worker process with a memory limit. The parent process enforces
a per-case timeout and replaces a worker that hangs or dies.

Every case ends in one of five states:

``loaded``    ingest returned and every file reconciles (read = loaded + quarantined, read =
              the number of non-blank data records counted independently, workspace tables
              agree with the reported numbers, mutation-specific checks hold);
``rejected``  ingest raised ``OpsWorkbenchError`` whose message names a file of the study;
``crashed``   any other exception, or an ``OpsWorkbenchError`` that names no file;
``hung``      the case ran past the timeout, or the worker died (memory, signal);
``lost``      ingest returned but a reconciliation or a check failed (a silent wrong load).

Cases are deterministic: case ``i`` of seed ``s`` is always the same input. ``run_cases`` is
used by ``tests/test_fuzz.py`` (a few hundred cases) and ``bench/fuzz_ingest.py`` (thousands).
"""

from __future__ import annotations

import contextlib
import copy
import csv
import faulthandler
import io
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import struct
import sys
import time
import traceback
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from multiprocessing.connection import wait as mp_wait
from pathlib import Path
from xml.etree import ElementTree as ET

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
STATUSES = ("loaded", "rejected", "crashed", "hung", "lost")
MEMORY_LIMIT = 3 * 2**30
SHEET = "xl/worksheets/sheet1.xml"

# --------------------------------------------------------------------------------------------
# Documents: an editable model of each input file, serialised to bytes when the case is written
# --------------------------------------------------------------------------------------------


class Blank:
    """A record that holds no data (an empty line, a line of delimiters, an empty sheet row)."""

    def __init__(self, raw: str = ""):
        self.raw = raw


@dataclass
class Num:
    """A numeric XLSX cell (``style`` 1 shows it as a date in the sample workbooks)."""

    text: str
    style: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass
class Formula:
    """An XLSX formula cell saved without a cached value (a reader sees an empty cell)."""

    text: str

    def __str__(self) -> str:
        return ""


@dataclass
class RawCell:
    """Literal cell XML (error cells, booleans, odd types)."""

    xml: str
    shown: str = ""

    def __str__(self) -> str:
        return self.shown


def _blank_record(rec) -> bool:
    if isinstance(rec, Blank):
        return True
    return not any(str(v).strip() for v in rec if v is not None)


class Doc:
    """Base class of an input file: ``raw`` bytes replace the model once a byte mutation ran."""

    kind = ""

    def __init__(self, name: str):
        self.name = name
        self.raw: bytes | None = None  # set by byte-level mutations (model is then stale)
        self.countable = True  # the independent record count is well defined
        self.dirty = False
        self.original: bytes = b""

    def clone(self):
        """A copy whose records and cells can be edited (cell values themselves are shared)."""
        new = copy.copy(self)
        for name in ("header", "prelude"):
            if hasattr(self, name):
                setattr(
                    new,
                    name,
                    [list(r) for r in getattr(self, name)]
                    if name == "prelude"
                    else list(self.header),
                )
        if hasattr(self, "records"):
            new.records = [list(r) if isinstance(r, list) else r for r in self.records]
        if hasattr(self, "extra_rows"):
            new.extra_rows = {k: list(v) for k, v in self.extra_rows.items()}
        if hasattr(self, "members"):
            new.members = dict(self.members)
        if hasattr(self, "obj"):
            new.obj = copy.deepcopy(self.obj)
        return new

    def data(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if not self.dirty:
            return self.original
        return self.serialise()

    def serialise(self) -> bytes:  # pragma: no cover - overridden
        raise NotImplementedError

    def set_raw(self, data: bytes, *, countable: bool = False) -> None:
        self.raw = data
        self.countable = self.countable and countable


class CsvDoc(Doc):
    kind = "csv"

    def __init__(self, name: str, data: bytes, prelude: int = 0):
        super().__init__(name)
        self.original = data
        if data.startswith(b"\xef\xbb\xbf"):
            text, self.encoding = data[3:].decode("utf-8"), "utf-8-sig"
        else:
            try:
                text, self.encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, self.encoding = data.decode("cp1252"), "cp1252"
        self.newline = "\r\n" if "\r\n" in text else "\n"
        first = text.split("\n", 1)[0]
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter))
        self.header: list[str] = rows[0]
        self.prelude: list[list[str]] = rows[1 : 1 + prelude]  # Qualtrics wording + ImportId
        self.records: list = rows[1 + prelude :]
        self.skip = prelude  # records after the header that are not responses
        self.encode_errors = "strict"

    def serialise(self) -> bytes:
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, delimiter=self.delimiter, lineterminator=self.newline)
        for rec in [self.header, *self.prelude, *self.records]:
            if isinstance(rec, Blank):
                buf.write(rec.raw + self.newline)
            else:
                writer.writerow(["" if v is None else str(v) for v in rec])
        text = buf.getvalue()
        if self.encoding == "utf-8-sig":
            return b"\xef\xbb\xbf" + text.encode("utf-8", errors="replace")
        return text.encode(self.encoding, errors="replace")

    def expected_count(self, data: bytes, encoding: str | None = None) -> tuple[int, list]:
        """Non-blank data records of the final bytes, and the parsed records."""
        text = _decode_for_count(data, encoding or self.encoding)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter))
        if not rows:
            return 0, []
        header, body = rows[0], rows[1 + self.skip :]
        data_rows = [r for r in body if any(v.strip() for v in r)]
        return len(data_rows), [header, *data_rows]


def _decode_for_count(data: bytes, encoding: str) -> str:
    if encoding.startswith("utf-16"):
        return data.decode(encoding, errors="replace").lstrip("\ufeff")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _col_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if not ch.isalpha():
            break
        n = n * 26 + (ord(ch.upper()) - 64)
    return n - 1


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class XlsxDoc(Doc):
    kind = "xlsx"
    NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

    def __init__(self, name: str, data: bytes):
        super().__init__(name)
        self.original = data
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.members = {n: zf.read(n) for n in zf.namelist()}
        xml = self.members[SHEET].decode("utf-8")
        start = xml.index("<sheetData>")
        end = xml.index("</sheetData>")
        self.head = xml[:start]
        self.tail = xml[end + len("</sheetData>") :]
        rows = []
        for row in ET.fromstring(xml).iter(self.NS + "row"):
            cells: list = []
            for c in row.iter(self.NS + "c"):
                idx = _col_index(c.get("r", _col_letter(len(cells))))
                while len(cells) < idx:
                    cells.append(None)
                t = c.get("t", "n")
                if t == "inlineStr":
                    node = c.find(self.NS + "is")
                    cells.append("" if node is None else "".join(node.itertext()))
                else:
                    v = c.find(self.NS + "v")
                    cells.append(None if v is None else Num(v.text or "", c.get("s")))
            rows.append(cells)
        self.header = [str(v) if v is not None else "" for v in rows[0]]
        self.prelude: list = []
        self.records: list = rows[1:]
        self.skip = 0
        self.extra_rows: dict[int, list] = {}  # explicit row number -> cells (far-away cells)
        self.sheet_xml: bytes | None = None  # replaces the generated sheet when set
        self.dimension: str | None = None
        self.sheet_name_override: str | None = None

    @staticmethod
    def cell_xml(ref: str, value) -> str:
        if value is None:
            return ""
        if isinstance(value, Num):
            style = f' s="{value.style}"' if value.style else ""
            return f'<c r="{ref}"{style} t="n"><v>{value.text}</v></c>'
        if isinstance(value, Formula):
            return f'<c r="{ref}"><f>{_xml_text(value.text)}</f></c>'
        if isinstance(value, RawCell):
            return value.xml.replace("REF", ref)
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(str(value))}</t></is></c>'

    def sheet(self) -> bytes:
        if self.sheet_xml is not None:
            return self.sheet_xml
        parts = []
        numbered = []
        r = 1
        for rec in [self.header, *self.records]:
            if not isinstance(rec, Blank):
                numbered.append((r, rec))
            elif rec.raw == "cells":  # an empty row that still has empty text cells
                numbered.append((r, [""] * len(self.header)))
            r += 1
        numbered += sorted(self.extra_rows.items())
        width = 1
        for rnum, cells in numbered:
            width = max(width, len(cells))
            body = "".join(self.cell_xml(f"{_col_letter(i)}{rnum}", v) for i, v in enumerate(cells))
            parts.append(f'<row r="{rnum}">{body}</row>')
        last = numbered[-1][0] if numbered else 1
        dim = self.dimension or f"A1:{_col_letter(width - 1)}{last}"
        head = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{dim}"', self.head)
        return (head + "<sheetData>" + "".join(parts) + "</sheetData>" + self.tail).encode("utf-8")

    def serialise(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in self.members.items():
                if name == SHEET:
                    data = self.sheet()
                elif name == "xl/workbook.xml" and self.sheet_name_override:
                    data = data.replace(b'name="Sheet1"', self.sheet_name_override.encode())
                zf.writestr(name, data)
        return buf.getvalue()

    def expected_count(self, data: bytes, encoding: str | None = None) -> tuple[int, list]:
        rows = [self.header] + [
            r for r in [*self.records, *self.extra_rows.values()] if not _blank_record(r)
        ]
        return len(rows) - 1, [[("" if v is None else str(v)) for v in r] for r in rows]


class YamlDoc(Doc):
    kind = "yaml"

    def __init__(self, name: str, data: bytes):
        super().__init__(name)
        self.original = data
        self.obj = yaml.safe_load(data.decode("utf-8"))
        self.text: str | None = None  # a literal YAML text replaces the dumped object
        self.encoding = "utf-8"

    def serialise(self) -> bytes:
        text = self.text
        if text is None:
            text = yaml.safe_dump(self.obj, sort_keys=False, allow_unicode=True)
        if self.encoding == "utf-16":
            return text.encode("utf-16")
        return text.encode(self.encoding, errors="replace")

    def expected_count(self, data: bytes, encoding: str | None = None) -> tuple[int, list]:
        obj = self.obj
        items = obj.get("capabilities") if isinstance(obj, dict) else obj
        return (len(items) if isinstance(items, list) else 0), []


# --------------------------------------------------------------------------------------------
# Base studies (parsed once per process)
# --------------------------------------------------------------------------------------------

_BASES: dict[str, dict] = {}


def orgs() -> list[str]:
    return sorted(p.parent.name for p in SAMPLE.glob("*/study.yml"))


def base(org: str) -> dict:
    if org not in _BASES:
        folder = SAMPLE / org
        study = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
        docs: dict[str, Doc] = {}
        for s in study["surveys"]:
            data = (folder / s["file"]).read_bytes()
            if s["file"].endswith(".xlsx"):
                docs[s["file"]] = XlsxDoc(s["file"], data)
            else:
                docs[s["file"]] = CsvDoc(
                    s["file"], data, 2 if s.get("format") == "qualtrics" else 0
                )
        for kind in ("metrics", "okrs", "capabilities"):
            name = study.get(kind)
            data = (folder / name).read_bytes()
            cls = {".xlsx": XlsxDoc, ".yml": YamlDoc, ".csv": CsvDoc}[Path(name).suffix]
            docs[name] = cls(name, data)
        _BASES[org] = {"study": study, "docs": docs}
    return _BASES[org]


# --------------------------------------------------------------------------------------------
# A case under construction
# --------------------------------------------------------------------------------------------


@dataclass
class Check:
    """A semantic check on the workspace after a successful ingest.

    ``sql`` returns one number compared to ``want`` with ``op``; it is skipped when the final
    bytes of ``file`` no longer contain ``needs`` (a later mutation removed what it tests).
    A warning matching ``excuse`` in the file's result makes a failed check acceptable (the
    user was told).
    """

    name: str
    file: str
    sql: str
    params: list
    op: str = "=="
    want: float = 0
    needs: bytes | None = None
    excuse: str | None = None
    advisory: bool = False  # a policy question, reported apart from the five states
    validate: object = None  # callable(ctx) -> bool: does the final input still test this?


@dataclass
class Ctx:
    rng: random.Random
    index: int
    org: str
    study: dict
    docs: dict
    post: list = field(default_factory=list)  # callables(case_dir) run after writing files
    checks: list = field(default_factory=list)
    mutations: list = field(default_factory=list)
    study_text: str | None = None
    study_encoding: str = "utf-8"
    ingest_folder: bool = False

    # -- lookups -----------------------------------------------------------------------------
    def surveys(self) -> list[dict]:
        s = self.study.get("surveys")
        return [x for x in s if isinstance(x, dict)] if isinstance(s, list) else []

    def survey_for(self, name: str) -> dict | None:
        for s in self.surveys():
            if s.get("file") == name:
                return s
        return None

    def role(self, name: str) -> str:
        if self.survey_for(name) is not None:
            return "survey"
        for kind in ("metrics", "okrs", "capabilities"):
            if self.study.get(kind) == name:
                return kind
        return "other"

    def pick(self, kinds=("csv", "xlsx"), roles=("survey", "metrics", "okrs", "capabilities")):
        names = [
            n
            for n, d in self.docs.items()
            if d.kind in kinds and d.raw is None and self.role(n) in roles
        ]
        return self.docs[self.rng.choice(sorted(names))] if names else None

    def survey_col(self, doc, role: str) -> int | None:
        s = self.survey_for(doc.name)
        if not s:
            return None
        questions, columns = s.get("questions"), s.get("columns")
        if role in ("work", "success"):
            q = questions.get(role) if isinstance(questions, dict) else None
            col = q.get("column") if isinstance(q, dict) else q
        else:
            col = columns.get(role) if isinstance(columns, dict) else None
        if isinstance(col, str) and col in doc.header:
            return doc.header.index(col)
        return None

    def data_records(self, doc) -> list:
        return [r for r in doc.records if not isinstance(r, Blank)]

    def set_cell(self, rec: list, i: int, value) -> None:
        while len(rec) <= i:
            rec.append("")
        rec[i] = value

    def marker(self, tag: str) -> str:
        return f"fuzzmarker{self.index}{tag}"

    def loadable(self, doc) -> list:
        """Records that ingest should load: a unit, a unique id, answered, not a preview."""
        id_col, unit_col = self.survey_col(doc, "respondent_id"), self.survey_col(doc, "unit")
        work = self.survey_col(doc, "work")
        if work is None:
            work = self.survey_col(doc, "success")
        if id_col is None or unit_col is None or work is None:
            return []
        recs = self.data_records(doc)
        ids = Counter(str(r[id_col]).strip() for r in recs if id_col < len(r))
        return [
            r
            for r in recs
            if len(r) > max(id_col, unit_col, work)
            and str(r[id_col]).strip()
            and ids[str(r[id_col]).strip()] == 1
            and str(r[unit_col]).strip()
            and str(r[work]).strip()
            and not any(str(v).strip() == "Survey Preview" for v in r)
        ]

    def mapped(self, doc) -> set:
        s = self.survey_for(doc.name) or {}
        cols = s.get("columns") if isinstance(s.get("columns"), dict) else {}
        qs = s.get("questions") if isinstance(s.get("questions"), dict) else {}
        out = {v for v in cols.values() if isinstance(v, str)}
        for q in qs.values():
            column = q.get("column") if isinstance(q, dict) else q
            if isinstance(column, str):
                out.add(column)
        return out


# --------------------------------------------------------------------------------------------
# Mutations. Each returns a short description, or None when it does not apply to this case.
# --------------------------------------------------------------------------------------------

MUTATIONS: list[tuple[str, float, object]] = []


def mutation(weight: float = 1.0):
    def register(fn):
        MUTATIONS.append((fn.__name__.removeprefix("m_"), weight, fn))
        return fn

    return register


def _table(ctx, roles=("survey", "metrics", "okrs", "capabilities"), kinds=("csv", "xlsx")):
    doc = ctx.pick(kinds, roles)
    if doc is not None:
        doc.dirty = True
    return doc


# ---- rows ------------------------------------------------------------------------------------


@mutation(3)
def m_blank_lines(ctx):
    doc = _table(ctx)
    if doc is None:
        return None
    n = ctx.rng.choice([1, 2, 5])
    delim = getattr(doc, "delimiter", ",")
    for _ in range(n):
        raw = ctx.rng.choice(["", "", delim * (len(doc.header) - 1), "   ", "cells", "\t"])
        doc.records.insert(ctx.rng.randint(0, len(doc.records)), Blank(raw))
    return f"{doc.name}: {n} blank records"


@mutation(2)
def m_line_endings(ctx):
    doc = _table(ctx, kinds=("csv",))
    if doc is None:
        return None
    doc.newline = ctx.rng.choice(["\r\n", "\r", "\n"])
    return f"{doc.name}: line endings {doc.newline!r}"


@mutation(2)
def m_quoted_newline(ctx):
    doc = _table(ctx)
    recs = ctx.data_records(doc) if doc else []
    if not recs:
        return None
    for _ in range(ctx.rng.randint(1, 3)):
        rec = ctx.rng.choice(recs)
        i = ctx.survey_col(doc, ctx.rng.choice(["work", "success"]))
        i = i if i is not None else ctx.rng.randrange(len(doc.header))
        newline = ctx.rng.choice(["\n", "\r\n", "\r"])
        ctx.set_cell(rec, i, f"{rec[i] if i < len(rec) else ''}{newline}second line")
    return f"{doc.name}: newlines inside cells"


@mutation(2)
def m_long_cell(ctx):
    doc = _table(ctx)
    recs = ctx.data_records(doc) if doc else []
    if not recs:
        return None
    size = 128 * 1024
    word = ctx.rng.choice(
        [
            "a" * size,
            ("customer." * (size // 9)),
            "1" * size,
            ("ab1-" * (size // 4)),
            "x@" * (size // 2),
            "www." + "a" * size,
            ("outcome " * (size // 8)),
        ]
    )
    rec = ctx.rng.choice(recs)
    role = ctx.rng.choice(["work", "success", "unit", "respondent_id"])
    i = ctx.survey_col(doc, role)
    i = i if i is not None else ctx.rng.randrange(len(doc.header))
    ctx.set_cell(rec, i, word)
    return f"{doc.name}: 128 KB cell in column {i} ({word[:6]!r}…)"


@mutation(1.5)
def m_formula_text(ctx):
    doc = _table(ctx)
    recs = ctx.data_records(doc) if doc else []
    if not recs:
        return None
    texts = [
        '=HYPERLINK("http://example.com/x","click me")',
        "=1+2",
        "+SUM(A1:A9)",
        "-2+3",
        "@cmd",
        "=cmd|' /C calc'!A0",
        '<script>alert("x")</script>',
    ]
    for rec in ctx.rng.sample(recs, min(len(recs), 3)):
        i = ctx.rng.randrange(len(doc.header))
        if doc.kind == "xlsx" and ctx.rng.random() < 0.3:
            ctx.set_cell(rec, i, Formula(ctx.rng.choice(texts).lstrip("=+-@")))
            doc.countable = False
        else:
            ctx.set_cell(rec, i, ctx.rng.choice(texts))
    return f"{doc.name}: formula-like cells"


@mutation(1.5)
def m_nul_bytes(ctx):
    doc = _table(ctx)
    recs = ctx.data_records(doc) if doc else []
    if not recs:
        return None
    rec = ctx.rng.choice(recs)
    i = ctx.rng.randrange(len(doc.header))
    ctx.set_cell(rec, i, f"{rec[i] if i < len(rec) else ''}\x00tail")
    if doc.kind == "xlsx":
        doc.countable = False  # not valid XML: the workbook must be refused
    return f"{doc.name}: NUL byte in a cell"


@mutation(1.5)
def m_na_answers(ctx):
    doc = _table(ctx, roles=("survey",))
    if doc is None:
        return None
    cols = [
        c for c in (ctx.survey_col(doc, "work"), ctx.survey_col(doc, "success")) if c is not None
    ]
    for rec in ctx.data_records(doc):
        for i in cols:
            ctx.set_cell(rec, i, ctx.rng.choice(["n/a", "N/A", "-", "don't know", "na", "."]))
    return f"{doc.name}: every answer is a non-answer"


@mutation(1)
def m_codes_in_open_question(ctx):
    doc = _table(ctx, roles=("survey",))
    if doc is None:
        return None
    i = ctx.survey_col(doc, ctx.rng.choice(["work", "success"]))
    if i is None:
        return None
    for rec in ctx.data_records(doc):
        value = ctx.rng.choice(["1", "2", "3", "97", "-99"])
        ctx.set_cell(rec, i, Num(value) if doc.kind == "xlsx" and ctx.rng.random() < 0.5 else value)
    return f"{doc.name}: answer codes instead of text in column {doc.header[i]!r}"


@mutation(1.5)
def m_single_respondent(ctx):
    doc = _table(ctx, roles=("survey",))
    if doc is None:
        return None
    recs = ctx.data_records(doc)
    keep = ctx.rng.choice([0, 1]) if recs else 0
    doc.records = recs[:keep]
    return f"{doc.name}: {keep} data records"


@mutation(2)
def m_duplicate_respondent(ctx):
    doc = _table(ctx, roles=("survey",))
    if doc is None:
        return None
    recs = ctx.loadable(doc)
    if not recs:
        return None
    work = ctx.survey_col(doc, "work")
    if work is None:
        work = ctx.survey_col(doc, "success")
    rec = ctx.rng.choice(recs)
    later = list(rec)
    later_empty = ctx.rng.random() < 0.6
    marker = ctx.marker("kept")
    if later_empty:
        for q in ("work", "success"):
            i = ctx.survey_col(doc, q)
            if i is not None:
                later[i] = ""
        for c in ctx.mapped(doc):
            if c in doc.header and c not in {
                (ctx.survey_for(doc.name).get("columns") or {}).get(k)
                for k in ("respondent_id", "unit", "submitted_at", "role", "tenure_band")
            }:
                later[doc.header.index(c)] = ""
        rec[work] = marker  # the earlier, answered submission must be the one loaded
    else:
        later[work] = marker  # a later, answered resubmission replaces the earlier one
    pos = doc.records.index(rec)
    doc.records.insert(ctx.rng.randint(pos + 1, len(doc.records)), later)
    ctx.checks.append(
        Check(
            "duplicate respondent keeps the answered submission",
            doc.name,
            "SELECT count(*) FROM responses WHERE org_id = ? AND text LIKE ?",
            [ctx.org, f"%{marker}%"],
            ">=",
            1,
            needs=marker.encode(),
            # a later mutation may have answered the "empty" resubmission (then it is kept)
            validate=lambda c, d=doc, row=later, empty=later_empty: (
                not empty
                or all(
                    not str(row[d.header.index(col)]).strip()
                    for col in c.mapped(d)
                    if col in d.header
                    and col
                    not in {
                        (c.survey_for(d.name) or {}).get("columns", {}).get(k)
                        for k in ("respondent_id", "unit", "submitted_at", "role", "tenure_band")
                    }
                    and d.header.index(col) < len(row)
                )
            ),
        )
    )
    return f"{doc.name}: respondent submitted twice, later one {'empty' if later_empty else 'answered'}"


@mutation(2)
def m_mixed_timezones(ctx):
    doc = _table(ctx, roles=("survey",))
    if doc is None:
        return None
    i = ctx.survey_col(doc, "submitted_at")
    if i is None:
        return None
    forms = [
        "2026-05-04T10:17:00Z",
        "2026-05-04 10:17:00+01:00",
        "2026-05-04T10:17:00.123-05:00",
        "2026-05-04 10:17",
        "2026-05-04",
        "2026-05-04T10:17:00+0200",
    ]
    used = set()
    for rec in ctx.data_records(doc):
        value = ctx.rng.choice(forms)
        used.add(value)
        ctx.set_cell(rec, i, value)
    ctx.checks.append(
        Check(
            "valid dates (with and without time zone) are all stored",
            doc.name,
            "SELECT count(*) FROM respondents r JOIN waves w USING (org_id, wave_id) "
            "WHERE r.org_id = ? AND w.source_file = ? AND r.submitted_at IS NULL",
            [ctx.org, doc.name],
            "==",
            0,
            needs=b"2026-05-04",
            validate=lambda c, d=doc, col=doc.header[i], used=frozenset(used): (
                d.raw is None
                and d.countable  # header rows read as data (declared layout) have no dates
                and col in d.header
                and all(
                    _blank_record(r)
                    or (d.header.index(col) < len(r) and r[d.header.index(col)] in used)
                    for r in d.records
                )
            ),
        )
    )
    return f"{doc.name}: dates mix time-zone-aware and plain values"


@mutation(1)
def m_odd_dates(ctx):
    doc = _table(ctx, roles=("survey",))
    if doc is None:
        return None
    i = ctx.survey_col(doc, "submitted_at")
    recs = ctx.data_records(doc)
    if i is None or not recs:
        return None
    odd = [
        "99999999",
        "1e308",
        "-1",
        "nan",
        "inf",
        "2026-13-45",
        "0000-00-00",
        "9999-12-31 23:59:59",
        "1677-09-21",
        "2262-04-12",
        "0001-01-01",
        "20000.5",
        "79999.9",
        "31/02/2026",
        "yesterday",
        "ＴＯＤＡＹ",
    ]
    for rec in ctx.rng.sample(recs, min(len(recs), 5)):
        ctx.set_cell(rec, i, ctx.rng.choice(odd))
    return f"{doc.name}: out-of-range and malformed dates"


@mutation(1)
def m_delimiter_in_text(ctx):
    doc = _table(ctx, kinds=("csv",))
    recs = ctx.data_records(doc) if doc else []
    if not recs:
        return None
    chars = ctx.rng.choice([";;;", "|", "\t", ", ", ";"])
    for rec in recs[:20]:
        i = ctx.rng.randrange(len(doc.header))
        ctx.set_cell(rec, i, f"{rec[i] if i < len(rec) else ''}{chars}x{chars}y")
    return f"{doc.name}: {chars!r} inside text of the first rows"


@mutation(1)
def m_change_delimiter(ctx):
    doc = _table(ctx, kinds=("csv",))
    if doc is None:
        return None
    doc.delimiter = ctx.rng.choice([",", ";", "\t", "|"])
    return f"{doc.name}: delimiter {doc.delimiter!r}"


@mutation(1.5)
def m_ragged_rows(ctx):
    doc = _table(ctx)
    recs = ctx.data_records(doc) if doc else []
    if not recs:
        return None
    rec = ctx.rng.choice(recs)
    if ctx.rng.random() < 0.5:
        rec.extend(["extra"] * ctx.rng.randint(1, 3))
        what = "more"
    else:
        del rec[ctx.rng.randint(1, max(1, len(rec) - 1)) :]
        what = "fewer"
    return f"{doc.name}: a record with {what} fields than the header"


@mutation(0.5)
def m_many_rows(ctx):
    doc = _table(ctx, roles=("survey",))
    recs = ctx.data_records(doc) if doc else []
    if not recs:
        return None
    i = ctx.survey_col(doc, "respondent_id")
    out = []
    for k in range(ctx.rng.choice([5, 20] if len(recs) <= 40 else [3])):
        for rec in recs:
            r = list(rec)
            if i is not None and i < len(r):
                r[i] = f"{r[i]}-{k}"
            out.append(r)
    doc.records = out
    return f"{doc.name}: {len(out)} records"


@mutation(1)
def m_unicode_tricks(ctx):
    doc = _table(ctx)
    recs = ctx.data_records(doc) if doc else []
    if not recs:
        return None
    tricks = [
        "\u200b",
        "\u202e",
        "\ufeff",
        "\u00a0",
        "e\u0301",
        "\U0001f600",
        "\u2028",
        "\x85",
        "\x0b",
        "\x1c",
    ]
    for rec in ctx.rng.sample(recs, min(len(recs), 5)):
        i = ctx.rng.randrange(len(doc.header))
        ctx.set_cell(
            rec,
            i,
            f"{ctx.rng.choice(tricks)}{rec[i] if i < len(rec) else ''}{ctx.rng.choice(tricks)}",
        )
    return f"{doc.name}: invisible and control characters in cells"


@mutation(1)
def m_repeated_header(ctx):
    doc = _table(ctx)
    if doc is None or not doc.records:
        return None
    doc.records.insert(ctx.rng.randint(0, len(doc.records)), list(doc.header))
    doc.countable = (
        False  # a pasted header is not a response, but whether it is quarantined is open
    )
    return f"{doc.name}: header repeated inside the data (two exports pasted together)"


# ---- headers ---------------------------------------------------------------------------------


@mutation(3)
def m_header_edit(ctx):
    doc = _table(ctx)
    if doc is None:
        return None
    h = doc.header
    i = ctx.rng.randrange(len(h))
    op = ctx.rng.choice(
        ["delete_cell", "rename", "duplicate", "blank", "trailing_space", "drop_column", "case"]
    )
    old = h[i]
    if op == "delete_cell":
        del h[i]  # the data rows keep their cells: every column after it shifts
    elif op == "rename":
        h[i] = old + "_renamed"
    elif op == "duplicate":
        j = ctx.rng.randrange(len(h))
        if j == i:
            return None
        h[j] = old
        if ctx.role(doc.name) != "survey" or old in ctx.mapped(doc):
            ctx.checks.append(_ambiguous(doc, old, normalise=ctx.role(doc.name) != "survey"))
    elif op == "blank":
        h[i] = ""
    elif op == "trailing_space":
        h[i] = (
            ctx.rng.choice([" ", "  ", "\t", "\u00a0"])
            + old
            + ctx.rng.choice([" ", "  ", "\t", "\u00a0"])
        )
    elif op == "drop_column":
        del h[i]
        for rec in doc.records:
            if not isinstance(rec, Blank) and i < len(rec):
                del rec[i]
    elif op == "case":
        h[i] = old.upper()
    return f"{doc.name}: header {op} {old!r}"


def _ambiguous(doc, column: str, *, normalise: bool) -> Check:
    def names(header) -> list[str]:
        if normalise:
            return [re.sub(r"[\s-]+", "_", str(h).strip().lower()) for h in header]
        return [str(h).strip() for h in header]

    def still_ambiguous(ctx) -> bool:
        """The final file still has two such columns (a later byte change may have broken it)."""
        want = names([column])[0]
        if doc.kind == "csv":
            text = _decode_for_count(doc.data(), doc.encoding)
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=doc.delimiter), [])
        elif doc.raw is None:
            header = doc.header
        else:
            return False
        return names(header).count(want) >= 2

    return Check(
        f"two columns named {column!r}: must be refused or warned about",
        doc.name,
        "SELECT 1",
        [],
        "==",
        0,
        excuse=re.escape(column) if column else "column",
        validate=still_ambiguous,
    )


@mutation(2)
def m_normalising_columns(ctx):
    doc = _table(ctx, roles=("metrics", "okrs", "capabilities"))
    if doc is None:
        return None
    key = doc.header[0]
    variant = ctx.rng.choice(
        [key.replace("_", " ").title(), key.upper(), " " + key, key.replace("_", "-")]
    )
    doc.header.append(variant)
    for rec in doc.records:
        if not isinstance(rec, Blank):
            rec.extend([""] * (len(doc.header) - 1 - len(rec)))
            rec.append(ctx.rng.choice(["", "X9", rec[0]]))
    ctx.checks.append(_ambiguous(doc, key, normalise=True))
    return f"{doc.name}: columns {key!r} and {variant!r} normalise to one name"


# ---- inventories -----------------------------------------------------------------------------


def _inventory_col(doc, name: str) -> int | None:
    norm = [re.sub(r"[\s-]+", "_", h.strip().lower()) for h in doc.header]
    return norm.index(name) if name in norm else None


@mutation(2.5)
def m_out_of_range(ctx):
    doc = ctx.pick(kinds=("csv", "xlsx", "yaml"), roles=("metrics", "okrs", "capabilities"))
    if doc is None:
        return None
    doc.dirty = True
    role = ctx.role(doc.name)
    column = {"metrics": "incentive_weight", "okrs": "progress", "capabilities": "stage_order"}[
        role
    ]
    values = {
        "incentive_weight": [
            "1e30",
            "1e308",
            "1e400",
            "-0.1",
            "inf",
            "nan",
            "150%",
            "50 %",
            "1e-320",
            "0x10",
            "½",
        ],
        "progress": ["-0.5", "-50%", "1e400", "NaN", "1.0000001", "-0", "100%%", "1_0", "١"],
        "stage_order": [
            "1e30",
            "-1e30",
            "inf",
            "-inf",
            "nan",
            "2147483648",
            "9223372036854775808",
            "-1",
            "0",
            "1.5",
            "１",
            "1e3",
            "true",
            "0b1",
            "99999999999999999999999",
        ],
    }[column]
    value = ctx.rng.choice(values)
    if doc.kind == "yaml":
        items = doc.obj.get("capabilities") if isinstance(doc.obj, dict) else doc.obj
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            return None
        item = ctx.rng.choice([x for x in items if isinstance(x, dict)] or [{}])
        yaml_values = [
            1e30,
            float("inf"),
            float("nan"),
            2**31,
            2**63,
            -1,
            True,
            "1e30",
            [1, 2],
            {"a": 1},
            None,
        ]
        item["stage_order"] = ctx.rng.choice(yaml_values)
        return f"{doc.name}: stage_order {item['stage_order']!r}"
    i = _inventory_col(doc, column)
    recs = ctx.data_records(doc)
    if i is None or not recs:
        return None
    for rec in ctx.rng.sample(recs, min(len(recs), ctx.rng.choice([1, 3]))):
        ctx.set_cell(
            rec,
            i,
            Num(value)
            if doc.kind == "xlsx" and re.fullmatch(r"-?[\d.e]+", value) and ctx.rng.random() < 0.5
            else value,
        )
    return f"{doc.name}: {column} {value!r}"


@mutation(0.7)
def m_okr_cycle(ctx):
    doc = _table(ctx, roles=("okrs",))
    recs = ctx.data_records(doc) if doc else []
    i = _inventory_col(doc, "parent_ids") if doc else None
    if i is None or len(recs) < 2:
        return None
    a, b = recs[0], recs[1]
    ctx.set_cell(a, i, str(b[0]))
    ctx.set_cell(b, i, f"{a[0]};{b[0]};;;,|")
    return f"{doc.name}: key results that are each other's parents"


@mutation(0.7)
def m_duplicate_keys(ctx):
    doc = _table(ctx, roles=("metrics", "okrs", "capabilities"))
    recs = ctx.data_records(doc) if doc else []
    if len(recs) < 2:
        return None
    recs[1][0] = ctx.rng.choice([recs[0][0], f" {str(recs[0][0]).lower()} ", f"{recs[0][0]}\u00a0"])
    return f"{doc.name}: repeated key {recs[0][0]!r}"


# ---- bytes and encodings ---------------------------------------------------------------------


@mutation(3)
def m_byte_flip(ctx):
    doc = ctx.pick(kinds=("csv", "xlsx", "yaml"))
    if doc is None:
        return None
    data = bytearray(doc.data())
    if not data:
        return None
    n = ctx.rng.choice([1, 2, 8, 64])
    for _ in range(n):
        pos = ctx.rng.randrange(len(data))
        data[pos] = ctx.rng.choice(
            [0x00, 0xFF, 0x22, 0x2C, 0x3B, 0x0A, 0x0D, 0x80, 0xC3, ctx.rng.randrange(256)]
        )
    doc.set_raw(bytes(data))
    return f"{doc.name}: {n} bytes changed"


@mutation(2)
def m_truncate(ctx):
    doc = ctx.pick(kinds=("csv", "xlsx", "yaml"))
    if doc is None:
        return None
    data = doc.data()
    cut = ctx.rng.choice(
        [0, 1, 3, ctx.rng.randrange(max(1, len(data))), len(data) // 2, len(data) - 1]
    )
    doc.set_raw(data[:cut])
    return f"{doc.name}: truncated to {cut} of {len(data)} bytes"


@mutation(1.5)
def m_stray_cp1252_byte(ctx):
    doc = _table(ctx, kinds=("csv",))
    recs = ctx.data_records(doc) if doc else []
    if not recs or doc.encoding == "cp1252":
        return None
    marker = ctx.marker(" café naïve")
    survey = ctx.role(doc.name) == "survey"
    target = ctx.survey_col(doc, "work") if survey else 2
    target = target if target is not None else 0
    good = ctx.loadable(doc) if survey else recs
    ctx.set_cell((good or recs)[0], target, marker)
    survey = survey and bool(good)
    data = doc.serialise()
    pos = data.rfind(b"\n", 0, max(1, len(data) - 5)) + 1  # start of the last record
    data = data[:pos] + b"It\x92s " + data[pos:]  # a Windows curly apostrophe pasted in
    doc.set_raw(data, countable=True)
    if survey:
        ctx.checks.append(
            Check(
                "UTF-8 text stays intact when one stray cp1252 byte is present",
                doc.name,
                "SELECT count(*) FROM responses WHERE org_id = ? AND text LIKE ?",
                [ctx.org, f"%{marker}%"],
                ">=",
                1,
                needs=marker.encode("utf-8"),
                excuse=r"(?i)encod|cp1252|decod|byte|character",
            )
        )
    return f"{doc.name}: one cp1252 byte in a UTF-8 file"


@mutation(1.5)
def m_reencode_csv(ctx):
    doc = _table(ctx, kinds=("csv",))
    if doc is None:
        return None
    enc = ctx.rng.choice(["utf-16", "utf-16-le", "latin-1", "utf-8", "utf-8-sig", "cp1252"])
    if enc.startswith("utf-16") and ctx.rng.random() < 0.5:
        doc.delimiter = "\t"  # Excel's "Unicode text" export
    text = doc.serialise()
    text = _decode_for_count(text, doc.encoding)
    doc.encoding = enc
    doc.set_raw(text.encode(enc, errors="replace"), countable=True)
    return f"{doc.name}: re-encoded as {enc} (delimiter {doc.delimiter!r})"


@mutation(1)
def m_stray_quote(ctx):
    doc = _table(ctx, kinds=("csv",))
    recs = ctx.data_records(doc) if doc else []
    if not recs:
        return None
    data = doc.serialise()
    lines = data.split(b"\n")
    if len(lines) < 2:
        return None
    k = ctx.rng.randrange(1, len(lines))
    lines[k] = b'"' + lines[k]
    doc.set_raw(b"\n".join(lines))
    return f"{doc.name}: unbalanced quote at line {k + 1}"


@mutation(1)
def m_empty_file(ctx):
    doc = ctx.pick(kinds=("csv", "xlsx", "yaml"))
    if doc is None:
        return None
    data = ctx.rng.choice([b"", b"\xef\xbb\xbf", b"\n\n", b" ", b"\x00" * 16])
    if doc.kind == "csv" and ctx.rng.random() < 0.4:
        doc.records = []
        doc.prelude = []
        doc.dirty = True
        return f"{doc.name}: header only"
    doc.set_raw(data)
    return f"{doc.name}: content {data!r}"


# ---- workbooks -------------------------------------------------------------------------------


def _patch_crc(data: bytes, member: str) -> bytes:
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    off = info.header_offset
    out[off + 14 : off + 18] = struct.pack("<I", (info.CRC ^ 0xDEADBEEF) & 0xFFFFFFFF)
    name = member.encode()
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        n = struct.unpack("<H", data[pos + 28 : pos + 30])[0]
        if data[pos + 46 : pos + 46 + n] == name:
            out[pos + 16 : pos + 20] = struct.pack("<I", (info.CRC ^ 0xDEADBEEF) & 0xFFFFFFFF)
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


@mutation(3)
def m_xlsx_corrupt(ctx):
    doc = ctx.pick(kinds=("xlsx",))
    if doc is None:
        return None
    data = doc.data()
    how = ctx.rng.choice(
        [
            "bad_crc",
            "truncated",
            "not_zip_csv",
            "not_zip_html",
            "ole_encrypted",
            "flip_deflate",
            "random",
            "missing_sheet",
            "bad_xml",
        ]
    )
    if how == "bad_crc":
        data = _patch_crc(data, SHEET)
    elif how == "truncated":
        data = data[: ctx.rng.randrange(len(data))]
    elif how == "not_zip_csv":
        data = b"ID,Start time,Completion time\n1,2,3\n"
    elif how == "not_zip_html":
        data = b"<html><body><table><tr><td>ID</td></tr></table></body></html>"
    elif how == "ole_encrypted":
        # An encrypted (password-protected) workbook is an OLE2 compound file, not a zip.
        data = (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 16
            + b"\x3e\x00\x03\x00\xfe\xff"
            + bytes(ctx.rng.randrange(256) for _ in range(2000))
        )
    elif how == "flip_deflate":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo(SHEET)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        b = bytearray(data)
        for _ in range(4):
            p = start + ctx.rng.randrange(max(1, info.compress_size))
            b[p] ^= 0xFF
        data = bytes(b)
    elif how == "random":
        data = bytes(ctx.rng.randrange(256) for _ in range(4096))
    elif how == "missing_sheet":
        doc.members = {k: v for k, v in doc.members.items() if k != SHEET}
        data = doc.serialise()
    elif how == "bad_xml":
        doc.sheet_xml = doc.sheet()[: ctx.rng.randrange(200, 2000)]
        data = doc.serialise()
    doc.set_raw(data)
    return f"{doc.name}: workbook {how}"


@mutation(1)
def m_xls_renamed(ctx):
    doc = ctx.pick(kinds=("xlsx", "csv"))
    if doc is None:
        return None
    ext = ctx.rng.choice([".xls", ".xlsm", ".XLSX", ".txt", ".tsv", ".ods", ".json", ""])
    content = ctx.rng.choice(["same", "ole"])
    data = doc.data()
    if content == "ole":
        data = (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 504
            + bytes(ctx.rng.randrange(256) for _ in range(1024))
        )
    new = str(Path(doc.name).with_suffix("")) + ext
    _rename_doc(ctx, doc, new)
    doc.set_raw(data, countable=content == "same" and doc.kind == "csv")
    return f"{doc.name}: renamed to {ext or 'no extension'} ({content} content)"


def _rename_doc(ctx, doc, new: str) -> None:
    old = doc.name
    for s in ctx.surveys():
        if s.get("file") == old:
            s["file"] = new
    for kind in ("metrics", "okrs", "capabilities"):
        if ctx.study.get(kind) == old:
            ctx.study[kind] = new
    del ctx.docs[old]
    doc.name = new
    ctx.docs[new] = doc


_BOMB_CACHE: dict = {}


@mutation(0.6)
def m_xlsx_cell_bomb(ctx):
    doc = ctx.pick(kinds=("xlsx",))
    if doc is None:
        return None
    n = ctx.rng.choice([16384, 200_000, 1_000_000])
    with_refs = n == 16384
    key = (ctx.org, doc.name, n)
    if key not in _BOMB_CACHE:
        cells = (
            "".join(
                f'<c r="{_col_letter(i)}2" t="inlineStr"><is><t>x</t></is></c>' for i in range(n)
            )
            if with_refs
            else '<c t="inlineStr"><is><t>x</t></is></c>' * n
        )
        clone = doc.clone()
        clone.sheet_xml = (
            clone.head
            + '<sheetData><row r="1">'
            + "".join(clone.cell_xml(f"{_col_letter(i)}1", v) for i, v in enumerate(clone.header))
            + f'</row><row r="2">{cells}</row></sheetData>'
            + clone.tail
        ).encode()
        _BOMB_CACHE[key] = clone.serialise()
    doc.set_raw(_BOMB_CACHE[key])
    return f"{doc.name}: one row with {n} inline cells ({len(_BOMB_CACHE[key])} bytes on disk)"


@mutation(1.2)
def m_xlsx_far_cell(ctx):
    doc = _table(ctx, kinds=("xlsx",))
    if doc is None:
        return None
    row = ctx.rng.choice([1_048_576, 1_048_576, 200_000, 65_537])
    col = ctx.rng.choice([0, 0, len(doc.header) - 1, 16383])
    cells = [None] * col + [ctx.rng.choice(["x", " ", "stray note"])]
    doc.extra_rows[row] = cells
    return f"{doc.name}: stray cell at {_col_letter(col)}{row}"


@mutation(0.8)
def m_xlsx_bogus_dimension(ctx):
    doc = _table(ctx, kinds=("xlsx",))
    if doc is None:
        return None
    doc.dimension = ctx.rng.choice(["A1:XFD1048576", "A1", "A1:A1", "ZZZ0:A-1", ""])
    return f"{doc.name}: dimension {doc.dimension!r}"


@mutation(1)
def m_xlsx_cell_types(ctx):
    doc = _table(ctx, kinds=("xlsx",))
    recs = ctx.data_records(doc) if doc else []
    if not recs:
        return None
    kinds = [
        RawCell('<c r="REF" t="e"><v>#N/A</v></c>', "#N/A"),
        RawCell('<c r="REF" t="b"><v>1</v></c>', "True"),
        RawCell('<c r="REF" t="s"><v>99999</v></c>', "?"),
        RawCell('<c r="REF" t="str"><v>text</v></c>', "text"),
        Num("1e308", "1"),
        Num("-1", "1"),
        Num("2958466", "1"),
        Num("NaN"),
        RawCell('<c r="REF" t="d"><v>2026-05-04T10:17:00Z</v></c>', "2026"),
    ]
    for rec in ctx.rng.sample(recs, min(3, len(recs))):
        ctx.set_cell(rec, ctx.rng.randrange(len(doc.header)), ctx.rng.choice(kinds))
    doc.countable = False
    return f"{doc.name}: error, boolean, shared-string and odd numeric cells"


@mutation(0.8)
def m_xlsx_sheets(ctx):
    doc = _table(ctx, kinds=("xlsx",))
    if doc is None:
        return None
    how = ctx.rng.choice(["renamed", "title_rows", "empty_header"])
    if how == "renamed":
        doc.sheet_name_override = 'name="Form1"'
    elif how == "title_rows":
        doc.records.insert(0, list(doc.header))
        doc.header = ["Survey results export"] + [""] * (len(doc.header) - 1)
        doc.countable = False
    else:
        doc.header = [""] * len(doc.header)
    return f"{doc.name}: sheet {how}"


# ---- YAML ------------------------------------------------------------------------------------


def _yaml_target(ctx):
    """The study file, or the capabilities YAML when this organisation has one."""
    docs = [
        d
        for d in ctx.docs.values()
        if d.kind == "yaml" and d.raw is None and ctx.role(d.name) == "capabilities"
    ]
    if docs and ctx.rng.random() < 0.45:
        docs[0].dirty = True
        return docs[0]
    return None


def _dump(obj) -> str:
    return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True)


@mutation(1.5)
def m_yaml_encoding(ctx):
    enc = ctx.rng.choice(["utf-16", "latin-1", "cp1252", "utf-16"])
    doc = _yaml_target(ctx)
    if doc is not None:
        items = doc.obj.get("capabilities") if isinstance(doc.obj, dict) else None
        if items and isinstance(items[0], dict):
            items[0]["name"] = "Référence – accès"
        doc.encoding = enc
        return f"{doc.name}: encoded as {enc}"
    ctx.study["name"] = f"{ctx.study.get('name') or 'x'} – Café Zürich"
    ctx.study_encoding = enc
    return f"study.yml: encoded as {enc}"


@mutation(1)
def m_yaml_tabs(ctx):
    doc = _yaml_target(ctx)
    text = _dump(doc.obj) if doc is not None else _dump(ctx.study)
    lines = text.splitlines()
    idx = [i for i, line in enumerate(lines) if line.startswith("  ")]
    for i in ctx.rng.sample(idx, min(len(idx), ctx.rng.choice([1, 3]))):
        lines[i] = "\t" + lines[i][2:]
    text = "\n".join(lines) + "\n"
    if doc is not None:
        doc.text = text
        doc.countable = False
        return f"{doc.name}: tabs in indentation"
    ctx.study_text = text
    return "study.yml: tabs in indentation"


@mutation(1)
def m_yaml_deep_nesting(ctx):
    n = ctx.rng.choice([200, 5000, 100_000])
    style = ctx.rng.choice(["[", "{a: "])
    closing = "]" if style == "[" else "}"
    nested = style * n + "x" + closing * n
    doc = _yaml_target(ctx)
    if doc is not None:
        doc.text = _dump(doc.obj).replace("name: Referral and access", f"name: {nested}", 1)
        if doc.text == _dump(doc.obj):
            doc.text = f"capabilities: {nested}\n"
        doc.countable = False
        return f"{doc.name}: nesting {n} deep"
    key = ctx.rng.choice(["name", "sector", "privacy", "surveys", "metrics"])
    text = _dump(ctx.study)
    text = re.sub(rf"(?m)^{key}:.*(\n  .*)*", f"{key}: {nested}", text, count=1)
    ctx.study_text = text
    return f"study.yml: {key} nested {n} deep"


def _laughs(levels: int) -> str:
    out = ['lol0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        out.append(f"lol{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(out)


@mutation(1)
def m_yaml_billion_laughs(ctx):
    levels = ctx.rng.choice([6, 9, 10])
    doc = _yaml_target(ctx)
    bomb = _laughs(levels)
    top = f"*l{levels - 1}"
    if doc is not None:
        field_ = ctx.rng.choice(["units", "name", "capability_id", "stage_order"])
        body = _dump(doc.obj)
        if f"  {field_}:" not in body:
            return None
        # The anchors sit under a key ingest does not read; one field of the first item uses them.
        body = re.sub(rf"(?m)^(  {field_}:).*$", rf"\1 {top}", body, count=1)
        doc.text = (
            "x-anchors:\n" + "\n".join("  " + line for line in bomb.splitlines()) + "\n" + body
        )
        doc.countable = False
        return f"{doc.name}: {field_} is a {levels}-level anchor bomb"
    where = ctx.rng.choice(["name", "sector", "metrics", "extra", "questions", "columns"])
    text = _dump(ctx.study)
    text = "x-anchors:\n" + "\n".join("  " + line for line in bomb.splitlines()) + "\n" + text
    if where in ("name", "sector", "metrics"):
        text = re.sub(rf"(?m)^{where}:.*$", f"{where}: {top}", text, count=1)
    elif where == "questions":
        text = re.sub(r"(?m)^(\s+work:).*$", rf"\1 {top}", text, count=1)
    elif where == "columns":
        text = re.sub(r"(?m)^(\s+unit:).*$", rf"\1 {top}", text, count=1)
    ctx.study_text = text
    return f"study.yml: {levels}-level anchor bomb in {where}"


@mutation(4)
def m_yaml_wrong_types(ctx):
    try:
        return _yaml_wrong_types(ctx)
    except (TypeError, AttributeError, KeyError, IndexError):
        return None  # an earlier mutation already changed the shape this one edits


def _yaml_wrong_types(ctx):
    doc = _yaml_target(ctx)
    if doc is not None:
        obj = doc.obj
        items = obj.get("capabilities") if isinstance(obj, dict) else obj
        how = ctx.rng.choice(
            [
                "none_item",
                "string_item",
                "int_keys",
                "list_item",
                "dict_top",
                "scalar_top",
                "list_top",
                "units_dict",
                "nested_value",
                "empty_list",
                "null_top",
                "bool_keys",
            ]
        )
        if how == "none_item":
            items.insert(ctx.rng.randrange(len(items) + 1), None)
        elif how == "string_item":
            items.insert(ctx.rng.randrange(len(items) + 1), "CAP9")
        elif how == "int_keys":
            items[0] = {1: "x", 2: None, **items[0]}
        elif how == "bool_keys":
            items[0] = {True: "x", **items[0]}
        elif how == "list_item":
            items.append([1, 2, 3])
        elif how == "dict_top":
            doc.obj = {"capabilities": {"CAP1": items[0]}}
        elif how == "scalar_top":
            doc.obj = "capabilities"
        elif how == "list_top":
            doc.obj = items
        elif how == "units_dict":
            items[0]["units"] = {"Outpatients": 1, "nested": {"a": [1, {"b": None}]}}
        elif how == "nested_value":
            items[0]["name"] = {"en": "Referral", "fr": ["Orientation"]}
        elif how == "empty_list":
            doc.obj = {"capabilities": []}
        elif how == "null_top":
            doc.obj = None
        doc.countable = how in ("list_top", "empty_list", "units_dict", "nested_value")
        return f"{doc.name}: {how}"
    s = ctx.study
    surveys = ctx.surveys()
    sv = ctx.rng.choice(surveys) if surveys else {}
    how = ctx.rng.choice(
        [
            "list_top",
            "scalar_top",
            "int_top_key",
            "survey_none",
            "surveys_mapping",
            "surveys_string",
            "columns_string",
            "columns_none",
            "columns_list",
            "questions_list",
            "questions_int_key",
            "question_none",
            "question_list",
            "question_column_none",
            "file_int",
            "file_none",
            "file_list",
            "wave_list",
            "privacy_int",
            "privacy_string",
            "metrics_mapping",
            "metrics_int",
            "org_int",
            "name_none",
            "unit_int",
            "dayfirst_text",
            "fielded_text",
            "fielded_int",
            "format_unknown",
            "sheet_list",
            "sheet_float",
            "sheet_missing",
            "sheet_negative",
            "column_empty",
            "same_column_twice",
            "unknown_key",
            "questions_empty",
            "question_column_int",
            "surveys_empty",
            "capabilities_list",
        ]
    )
    if how == "list_top":
        ctx.study_text = _dump([s])
    elif how == "scalar_top":
        ctx.study_text = ctx.rng.choice(["just text\n", "42\n", "~\n", "''\n", "- - -\n"])
    elif how == "int_top_key":
        s[1] = "one"
    elif how == "survey_none":
        s["surveys"].append(None)
    elif how == "surveys_mapping":
        s["surveys"] = {"w1": sv}
    elif how == "surveys_string":
        s["surveys"] = "survey.csv"
    elif how == "columns_string":
        sv["columns"] = "team"
    elif how == "columns_none":
        sv["columns"] = None
    elif how == "columns_list":
        sv["columns"] = list((sv.get("columns") or {}).values())
    elif how == "questions_list":
        sv["questions"] = list((sv.get("questions") or {}).values())
    elif how == "questions_int_key":
        sv["questions"] = {1: "q_work", **(sv.get("questions") or {})}
    elif how == "question_none":
        sv["questions"]["work"] = None
    elif how == "question_list":
        sv["questions"]["work"] = ["a", "b"]
    elif how == "question_column_none":
        sv["questions"]["work"] = {"column": None, "wording": 5}
    elif how == "question_column_int":
        sv["questions"]["scale_x"] = 7
    elif how == "file_int":
        sv["file"] = 2026
    elif how == "file_none":
        sv["file"] = None
    elif how == "file_list":
        sv["file"] = [sv.get("file"), sv.get("file")]
    elif how == "wave_list":
        sv["wave_id"] = [1, 2]
    elif how == "privacy_int":
        s["privacy"] = 5
    elif how == "privacy_string":
        s["privacy"] = {"min_group_size": "five"}
    elif how == "metrics_mapping":
        s["metrics"] = {"file": s.get("metrics")}
    elif how == "metrics_int":
        s["metrics"] = 0
    elif how == "org_int":
        s["org_id"] = 1234
    elif how == "name_none":
        s["name"] = None
    elif how == "unit_int":
        sv["columns"]["unit"] = 5
    elif how == "dayfirst_text":
        sv["dayfirst"] = "sometimes"
    elif how == "fielded_text":
        sv["fielded_on"] = ctx.rng.choice(["yesterday", "2026-02-30", "0000-01-01", "99999-01-01"])
    elif how == "fielded_int":
        sv["fielded_on"] = ctx.rng.choice([99999999999, -1, 0, 2026])
    elif how == "format_unknown":
        sv["format"] = ctx.rng.choice(
            ["excel", "Qualtrics", "", None, "surveymonkey", "qualtrics", "msforms"]
        )
    elif how == "sheet_list":
        sv["sheet"] = [0, 1]
    elif how == "sheet_float":
        sv["sheet"] = 1.5
    elif how == "sheet_missing":
        sv["sheet"] = ctx.rng.choice([3, "Responses", "", 0, "Sheet1"])
    elif how == "sheet_negative":
        sv["sheet"] = -1
    elif how == "column_empty":
        sv["columns"]["unit"] = ""
    elif how == "same_column_twice":
        cols = sv.get("columns") or {}
        cols["role"] = cols.get("unit")
    elif how == "unknown_key":
        s["surveys"][0]["colums"] = {}
    elif how == "questions_empty":
        sv["questions"] = {}
    elif how == "surveys_empty":
        s["surveys"] = []
    elif how == "capabilities_list":
        s["capabilities"] = [s.get("capabilities")]
    return f"study.yml: {how}"


@mutation(1.5)
def m_study_numbers(ctx):
    s = ctx.study
    how = ctx.rng.choice(
        [
            "min_group_huge",
            "min_group_float",
            "min_group_inf",
            "min_quote_bool",
            "min_group_big_int",
        ]
    )
    s.setdefault("privacy", {})
    if not isinstance(s["privacy"], dict):
        return None
    if how == "min_group_huge":
        s["privacy"]["min_group_size"] = 1e30
    elif how == "min_group_float":
        s["privacy"]["min_group_size"] = 5.5
    elif how == "min_group_inf":
        s["privacy"]["min_group_size"] = float("inf")
    elif how == "min_quote_bool":
        s["privacy"]["min_quote_group_size"] = True
    elif how == "min_group_big_int":
        s["privacy"]["min_quote_group_size"] = ctx.rng.choice([2**31, 2**40, 2**70])
    return f"study.yml: {how}"


# ---- paths and ids ---------------------------------------------------------------------------


def _file_entry(ctx):
    """(setter, current name, role) of one file entry in study.yml."""
    entries = []
    for sv in ctx.surveys():
        entries.append((lambda v, sv=sv: sv.__setitem__("file", v), sv.get("file"), "survey"))
    for kind in ("metrics", "okrs", "capabilities"):
        if ctx.study.get(kind):
            entries.append((lambda v, k=kind: ctx.study.__setitem__(k, v), ctx.study[kind], kind))
    return ctx.rng.choice(entries) if entries else (None, None, None)


@mutation(3)
def m_hostile_path(ctx):
    setter, current, role = _file_entry(ctx)
    if setter is None:
        return None
    how = ctx.rng.choice(
        [
            "tmp_dir",
            "dev_zero",
            "dev_urandom",
            "parent",
            "fifo",
            "directory",
            "symlink_out",
            "symlink_loop",
            "empty",
            "dot",
            "home",
            "windows",
            "long",
            "nul",
            "url",
            "spaces",
            "abs_inside",
            "dev_null",
            "proc",
            "trailing_slash",
        ]
    )
    other = next((o for o in orgs() if o != ctx.org), ctx.org)
    value = {
        "tmp_dir": "/tmp",
        "dev_zero": "/dev/zero",
        "dev_urandom": "/dev/urandom",
        "dev_null": "/dev/null",
        "proc": "/proc/self/status",
        "parent": f"../{current}",
        "fifo": "pipe.csv",
        "directory": "exports",
        "symlink_out": "linked.csv",
        "symlink_loop": "loop.csv",
        "empty": "",
        "dot": ".",
        "home": "~/survey.csv",
        "windows": "C:\\Users\\me\\survey.csv",
        "long": "a" * 300 + ".csv",
        "nul": "survey\x00.csv",
        "url": "https://example.org/survey.csv",
        "spaces": f" {current} ",
        "abs_inside": None,
        "trailing_slash": f"{current}/",
    }[how]
    if how == "fifo":
        ctx.post.append(lambda d: os.mkfifo(d / "pipe.csv"))
    elif how == "directory":
        ctx.post.append(lambda d: (d / "exports").mkdir())
    elif how == "symlink_out":
        # Another organisation's export, outside the study folder.
        target = (
            SAMPLE
            / other
            / (
                base(other)["study"]["metrics"]
                if role != "survey"
                else base(other)["study"]["surveys"][0]["file"]
            )
        )
        ctx.post.append(lambda d, t=target: os.symlink(t, d / "linked.csv"))
        ctx.checks.append(
            Check(
                "a file outside the study folder is loaded",
                "linked.csv",
                "SELECT 1",
                [],
                "==",
                0,
                advisory=True,
            )
        )
    elif how == "symlink_loop":
        ctx.post.append(lambda d: os.symlink("loop.csv", d / "loop.csv"))
    elif how == "abs_inside":
        ctx.post.append(lambda d, c=current, s=setter: None)
        value = "__ABS__" + str(current)  # resolved to the case folder when written
    if how in ("tmp_dir", "dev_zero", "dev_urandom", "dev_null", "proc", "parent"):
        ctx.checks.append(
            Check(
                f"study names {value!r}, outside its folder, and it is loaded",
                value,
                "SELECT 1",
                [],
                "==",
                0,
                advisory=True,
            )
        )
    setter(value)
    return f"study.yml: {role} file {value!r} ({how})"


@mutation(2)
def m_ids_as_paths(ctx):
    surveys = ctx.surveys()
    if not surveys:
        return None
    sv = ctx.rng.choice(surveys)
    value = ctx.rng.choice(
        [
            "2026/05",
            ".",
            "..",
            "",
            " ",
            "2026-05\n",
            "a" * 500,
            2026,
            None,
            "../../etc",
            "2026\\05",
            "con",
            "w\x00",
            1e3,
            True,
            "2026-05 ",
            "CAFÉ",
            "🙂",
        ]
    )
    sv["wave_id"] = value
    if value in (None, True, "", " ", ".", "..", "../../etc") or (
        isinstance(value, str) and ("/" in value or "\\" in value or "\x00" in value)
    ):
        ctx.checks.append(
            Check(
                f"wave id {value!r} (unusable as a name or path) is accepted",
                sv.get("file") or "",
                "SELECT 1",
                [],
                "==",
                0,
                advisory=True,
                validate=lambda c, sv=sv, value=value: sv.get("wave_id") is value,
            )
        )
    return f"study.yml: wave_id {value!r}"


@mutation(1)
def m_same_file_two_waves(ctx):
    surveys = ctx.surveys()
    if not surveys:
        return None
    sv = copy.deepcopy(ctx.rng.choice(surveys))
    sv["wave_id"] = f"{sv.get('wave_id')}-again"
    ctx.study["surveys"].append(sv)
    return f"study.yml: file {sv.get('file')!r} is also wave {sv['wave_id']!r}"


@mutation(1)
def m_format_mismatch(ctx):
    surveys = ctx.surveys()
    if not surveys:
        return None
    sv = ctx.rng.choice(surveys)
    sv["format"] = ctx.rng.choice(
        ["auto", "generic", "qualtrics", "msforms", "google_forms", "surveymonkey"]
    )
    name = sv.get("file")
    doc = ctx.docs.get(name) if isinstance(name, str) else None
    qualtrics_file = doc is not None and bool(getattr(doc, "prelude", None))
    if doc is not None and (
        sv["format"] == "surveymonkey"
        or (qualtrics_file and sv["format"] not in ("auto", "qualtrics"))
    ):
        doc.countable = False  # the user declared another tool's layout: header rows are data
    return f"study.yml: {sv.get('file')} read as {sv['format']}"


@mutation(1.5)
def m_qualtrics_header_rows(ctx):
    docs = [
        d
        for d in ctx.docs.values()
        if d.kind == "csv" and getattr(d, "prelude", None) and d.raw is None
    ]
    if not docs:
        return None
    doc = ctx.rng.choice(docs)
    doc.dirty = True
    how = ctx.rng.choice(["legacy_no_importid", "no_extra_rows", "importid_first", "wording_blank"])
    if how == "legacy_no_importid":
        doc.prelude = doc.prelude[:1]  # older exports: question wording row only
        doc.skip = 1
    elif how == "no_extra_rows":
        doc.prelude = []
        doc.skip = 0
    elif how == "importid_first":
        doc.prelude = doc.prelude[::-1]
        doc.countable = False
    elif how == "wording_blank":
        doc.prelude[0] = [""] * len(doc.prelude[0])
        doc.countable = False
    return f"{doc.name}: Qualtrics header rows {how}"


@mutation(0.5)
def m_ingest_folder(ctx):
    ctx.ingest_folder = True
    return "ingest the study's folder instead of its study.yml"


# --------------------------------------------------------------------------------------------
# Building and writing a case
# --------------------------------------------------------------------------------------------


@dataclass
class Spec:
    index: int
    seed: int
    org: str
    mutations: list
    target: str  # the path passed to ingest
    expected: dict  # file name -> non-blank data records (where well defined)
    units: dict  # survey file name -> allowed unit values (letters and digits only)
    checks: list
    files: list  # names that a good error message may name


def _fold(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


def _trim(ctx: Ctx, rng: random.Random) -> None:
    """Most cases use a smaller study: one survey wave cut to a few dozen records."""
    surveys = ctx.study["surveys"]
    keep = rng.choice(surveys)
    ctx.study["surveys"] = [keep]
    for s in surveys:
        if s is not keep:
            ctx.docs.pop(s["file"], None)
    doc = ctx.docs[keep["file"]]
    n = rng.choice([3, 8, 15, 25, 40])
    if len(doc.records) > n:
        doc.records = doc.records[:n]
        doc.dirty = True


def build_case(seed: int, index: int, dest: Path, *, full_share: float = 0.05) -> Spec:
    """Write case ``index`` of ``seed`` into the empty folder ``dest``; return what to expect.

    ``full_share`` of the cases keep the whole sample study (every wave, full size); the rest
    keep one wave cut to a few dozen records, and only the inventories a mutation touched.
    """
    rng = random.Random(f"opsworkbench-fuzz:{seed}:{index}")
    org = rng.choice(orgs())
    b = base(org)
    ctx = Ctx(
        rng, index, org, copy.deepcopy(b["study"]), {n: d.clone() for n, d in b["docs"].items()}
    )
    full = rng.random() < full_share
    if not full:
        _trim(ctx, rng)
    names = [m[0] for m in MUTATIONS]
    weights = [m[1] for m in MUTATIONS]
    fns = dict((m[0], m[2]) for m in MUTATIONS)
    want = rng.choice([1, 1, 2, 2, 3])
    tries = 0
    while len(ctx.mutations) < want and tries < 20:
        tries += 1
        name = rng.choices(names, weights)[0]
        desc = fns[name](ctx)
        if desc:
            ctx.mutations.append(f"{name}: {desc}")
    for kind in ("metrics", "okrs", "capabilities"):
        name = ctx.study.get(kind) if isinstance(ctx.study, dict) else None
        doc = ctx.docs.get(name) if isinstance(name, str) else None
        if (
            not full
            and doc is not None
            and doc.raw is None
            and not doc.dirty
            and rng.random() < 0.85
        ):
            del ctx.study[kind]  # keep cases cheap: only the files a mutation touched
            del ctx.docs[name]
    dest.mkdir(parents=True, exist_ok=True)
    for name, doc in ctx.docs.items():
        if not name or "\x00" in name or "/" in name:
            continue
        with contextlib.suppress(OSError):
            (dest / name).write_bytes(doc.data())
    study_text = ctx.study_text if ctx.study_text is not None else _dump(ctx.study)
    study_text = study_text.replace("__ABS__", str(dest) + "/")
    if ctx.study_encoding == "utf-16":
        (dest / "study.yml").write_bytes(study_text.encode("utf-16"))
    else:
        (dest / "study.yml").write_bytes(study_text.encode(ctx.study_encoding, errors="replace"))
    for action in ctx.post:
        with contextlib.suppress(FileExistsError):  # two mutations made the same special file
            action(dest)

    expected, units = {}, {}
    for name, doc in ctx.docs.items():
        if not doc.countable:
            continue
        data = doc.data()
        try:
            count, rows = doc.expected_count(data)
        except Exception:  # noqa: BLE001 - an unparseable file has no well-defined count
            continue
        if doc.kind == "xlsx" and doc.raw is not None:
            continue
        expected[name] = count
        sv = ctx.survey_for(name)
        if sv and rows and isinstance(sv.get("columns"), dict):
            col = sv["columns"].get("unit")
            header = [h.strip() for h in rows[0]]
            if isinstance(col, str) and header.count(col.strip()) == 1:
                i = header.index(col.strip())
                units[name] = sorted({_fold(r[i]) for r in rows[1:] if i < len(r)})
    # The organisation id as the study file now gives it (a mutation may have changed it).
    org_id = str(ctx.study.get("org_id")) if isinstance(ctx.study, dict) else org
    checks = []
    for check in ctx.checks:
        check.params = [org_id if p == org else p for p in check.params]
        doc = ctx.docs.get(check.file)
        if check.needs is not None and (doc is None or check.needs not in doc.data()):
            continue
        if check.validate is not None:
            try:
                still = check.validate(ctx)
            except (TypeError, AttributeError, KeyError, IndexError, ValueError):
                still = False  # the input no longer has the shape the check looks at
            if not still:
                continue
        checks.append(check)
    files = {"study.yml"} | {p.name for p in dest.iterdir()}
    refs = [s.get("file") for s in ctx.surveys()] + [
        ctx.study.get(k) for k in ("metrics", "okrs", "capabilities")
    ]
    for ref in refs:
        if isinstance(ref, str) and ref.strip(". /"):
            files.add(ref)
            files.add(Path(ref.replace("\x00", "")).name)
    target = str(dest) if ctx.ingest_folder else str(dest / "study.yml")
    return Spec(
        index,
        seed,
        org_id,
        ctx.mutations,
        target,
        expected,
        units,
        checks,
        sorted(f for f in files if f),
    )


# --------------------------------------------------------------------------------------------
# Running one case (inside a worker) and judging the outcome
# --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    index: int
    org: str
    mutations: list
    status: str
    signature: str = ""
    detail: str = ""
    case_dir: str = ""
    seconds: float = 0.0
    advisories: list = field(default_factory=list)


def _where(frames) -> str:
    def name(fs) -> str:
        path = fs.filename.replace("\\", "/")
        for marker in ("/site-packages/", "/lib/python3.", "/work/main/"):
            if marker in path:
                path = path.split(marker, 1)[1]
                if marker == "/lib/python3.":
                    path = path.split("/", 1)[1] if "/" in path else path
                break
        return f"{path}:{fs.name}"

    ours = [f for f in frames if "/opsworkbench/" in f.filename.replace("\\", "/")]
    inner = frames[-1] if frames else None
    parts = []
    if ours:
        parts.append(name(ours[-1]))
    if inner is not None and (not ours or inner is not ours[-1]):
        parts.append(name(inner))
    return " ← ".join(parts) or "?"


def crash_signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{type(exc).__name__} at {_where(frames)}"


def _short_tb(exc: BaseException, lines: int = 14) -> str:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    out = text.strip().splitlines()[-lines:]
    return "\n".join(line[:400] for line in out)


def _consistency(con, org: str) -> list[str]:
    """Workspace tables agree with the sources table (after success or failure)."""
    problems = []
    if con is not None:
        sources = con.execute(
            "SELECT kind, key, source_file, rows_read, rows_loaded, rows_quarantined FROM sources WHERE org_id = ?",
            [org],
        ).fetchall()
        quarantined: Counter = Counter()
        for kind, key, source_file, read, loaded, quarantine in sources:
            quarantined[source_file] += quarantine or 0
            if read != (loaded or 0) + (quarantine or 0):
                problems.append(
                    f"sources: {source_file} read {read} != loaded {loaded} + quarantined {quarantine}"
                )
            if kind == "survey":
                n = con.execute(
                    "SELECT count(*) FROM respondents WHERE org_id = ? AND wave_id = ?", [org, key]
                ).fetchone()[0]
            elif kind in ("metrics", "okrs", "capabilities"):
                n = con.execute(f"SELECT count(*) FROM {kind} WHERE org_id = ?", [org]).fetchone()[
                    0
                ]
            else:
                continue
            if n != loaded:
                problems.append(
                    f"workspace: {kind} {key!r} holds {n} rows, sources says loaded {loaded}"
                )
        for source_file, n in quarantined.items():
            held = con.execute(
                "SELECT count(*) FROM quarantine WHERE org_id = ? AND source_file = ?",
                [org, source_file],
            ).fetchone()[0]
            if held != n:
                problems.append(
                    f"workspace: quarantine holds {held} rows of {source_file}, sources says {n}"
                )
    return problems


def _compare(op: str, got, want) -> bool:
    return {"==": got == want, ">=": got >= want, "<=": got <= want}[op]


def execute(spec: Spec, case_dir: Path, workspace: Path) -> Outcome:
    """Ingest one written case and judge it. Runs inside a worker process."""
    import duckdb

    from opsworkbench import ingest
    from opsworkbench.errors import OpsWorkbenchError

    out = Outcome(spec.index, spec.org, spec.mutations, "loaded", case_dir=str(case_dir))
    t0 = time.perf_counter()
    results = None
    wrote = True
    try:
        results = ingest(spec.target, workspace)
    except OpsWorkbenchError as exc:
        # Refused while reading the study file: nothing reached the workspace to check.
        wrote = any(f.name == "ingest_study" for f in traceback.extract_tb(exc.__traceback__))
        message = str(exc)
        if any(name in message for name in spec.files):
            out.status = "rejected"
            out.detail = message[:500]
        else:
            out.status = "crashed"
            out.signature = f"{type(exc).__name__} naming no file at {_where(traceback.extract_tb(exc.__traceback__))}: {_template(message)}"
            out.detail = _short_tb(exc)
    except RecursionError as exc:
        out.status, out.signature, out.detail = "crashed", crash_signature(exc), _short_tb(exc, 6)
    except MemoryError as exc:
        out.status, out.signature, out.detail = "crashed", crash_signature(exc), _short_tb(exc, 8)
    except Exception as exc:  # noqa: BLE001 - every other exception is a finding
        out.status, out.signature, out.detail = "crashed", crash_signature(exc), _short_tb(exc)
    out.seconds = time.perf_counter() - t0
    if out.status == "crashed" or not wrote:
        return out

    problems: list[str] = []
    try:
        con = duckdb.connect(str(workspace), read_only=True)
    except Exception as exc:  # noqa: BLE001
        problems.append(
            f"workspace cannot be opened after ingest: {type(exc).__name__}: {exc}"[:300]
        )
        con = None
    try:
        if con is not None:
            problems += _consistency(con, spec.org)
        if results is not None:
            problems += _verify(spec, results, con, out)
    finally:
        if con is not None:
            con.close()
    if problems:
        out.status = "lost"
        out.signature = _template(problems[0])
        out.detail = "\n".join(problems[:10])
    return out


def _verify(spec: Spec, results, con, out: Outcome) -> list[str]:
    """Reported numbers against independent counts and the mutation-specific checks."""
    problems: list[str] = []
    by_file = defaultdict(list)
    for r in results:
        by_file[r.file].append(r)
        if r.rows_read != r.rows_loaded + r.rows_quarantined:
            problems.append(
                f"{r.file}: read {r.rows_read} != loaded {r.rows_loaded} + quarantined {r.rows_quarantined}"
            )
        if r.file in spec.expected and r.rows_read != spec.expected[r.file]:
            problems.append(
                f"{r.file}: read {r.rows_read} rows, the file has {spec.expected[r.file]} non-blank data records"
            )
    if con is None:
        return problems
    for name, allowed in spec.units.items():
        if name not in by_file:
            continue
        rows = con.execute(
            "SELECT DISTINCT r.unit FROM respondents r JOIN waves w USING (org_id, wave_id) "
            "WHERE r.org_id = ? AND w.source_file = ?",
            [spec.org, name],
        ).fetchall()
        allowed_set = set(allowed) | {"other"}  # rare units are grouped as "Other"
        strange = [
            u
            for (u,) in rows
            if _fold(u) not in allowed_set and not re.search(r"\[(url|email|phone|name)\]", u or "")
        ]  # units may be scrubbed of personal data
        if strange:
            problems.append(
                f"{name}: units {strange[:3]!r} are not values of the unit column (columns shifted?)"
            )
    for check in spec.checks:
        if check.file not in by_file:
            continue
        warned = [w for r in by_file[check.file] for w in (r.warnings or [])]
        if check.advisory:
            out.advisories.append(check.name)
            continue
        if check.sql == "SELECT 1":  # refuse-or-warn checks: being loaded is the failure
            ok = False
        else:
            got = con.execute(check.sql, check.params).fetchone()[0]
            ok = _compare(check.op, got, check.want)
        if not ok and check.excuse and any(re.search(check.excuse, w) for w in warned):
            ok = True
        if not ok:
            problems.append(f"check failed: {check.name}")
    return problems


def _template(message: str) -> str:
    """A message with its case-specific parts (paths, numbers, quoted values) generalised."""
    text = re.sub(r"/[^\s:'\"]*case-\d+[^\s:'\"]*", "<path>", message)
    text = re.sub(r"'[^']{0,200}'", "'…'", text)
    text = re.sub(r"\d+", "N", text)
    return text[:160]


# --------------------------------------------------------------------------------------------
# Worker processes
# --------------------------------------------------------------------------------------------


def _worker_main(conn, seed: int, workroot: str, memory_limit: int, full_share: float) -> None:
    import resource

    os.environ.setdefault("OPSWORKBENCH_SALT", "fuzz")
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    import warnings

    warnings.filterwarnings("ignore", module="openpyxl")
    root = Path(workroot)
    dump = open(root / f"stack-{os.getpid()}.txt", "w+")  # noqa: SIM115 - lives as long as the worker
    faulthandler.register(signal.SIGUSR1, file=dump, all_threads=False)
    from opsworkbench import workspace as ws

    template = root / f"template-{os.getpid()}.duckdb"
    con = ws.connect(template)
    ws.salt(con)
    con.close()
    conn.send(("hello", os.getpid()))
    while True:
        try:
            index = conn.recv()
        except EOFError:
            break
        if index is None:
            break
        case_dir = root / f"case-{index:06d}"
        if case_dir.exists():
            shutil.rmtree(case_dir, ignore_errors=True)
        try:
            spec = build_case(seed, index, case_dir, full_share=full_share)
        except Exception as exc:  # noqa: BLE001 - a fault in the fuzzer itself, reported apart
            conn.send(
                (
                    "done",
                    Outcome(
                        index,
                        "?",
                        [],
                        "harness",
                        crash_signature(exc),
                        _short_tb(exc),
                        str(case_dir),
                    ),
                )
            )
            continue
        conn.send(("ready", index, spec.org, spec.mutations, str(case_dir)))
        workspace = root / f"ws-{os.getpid()}.duckdb"
        for p in (workspace, workspace.with_suffix(".duckdb.wal")):
            if p.exists():
                p.unlink()
        shutil.copyfile(template, workspace)
        dump.seek(0)
        dump.truncate()
        outcome = execute(spec, case_dir, workspace)
        if outcome.status in ("loaded", "rejected") and not outcome.advisories:
            shutil.rmtree(case_dir, ignore_errors=True)
        recycle = outcome.signature.startswith(("MemoryError", "RecursionError"))
        conn.send(("done", outcome))
        if recycle:
            break


@dataclass
class _Slot:
    proc: object
    conn: object
    index: int | None = None
    org: str = ""
    mutations: list = field(default_factory=list)
    case_dir: str = ""
    started: float = 0.0
    ready: bool = False
    done_count: int = 0


def _hang_signature(text: str) -> str:
    """Where a hung worker was, from its faulthandler dump (most recent call first)."""
    frames = re.findall(r'File "([^"]+)", line \d+ in (\S+)', text)
    if not frames:
        return "no stack"

    def short(path, func):
        for marker in ("/site-packages/", "/work/main/"):
            if marker in path:
                path = path.split(marker, 1)[1]
                break
        else:
            path = path.rsplit("/", 2)[-1] if "/" in path else path
        return f"{path}:{func}"

    ours = [f for f in frames if "/opsworkbench/" in f[0]]
    parts = [short(*ours[0])] if ours else []
    if not ours or frames[0] != ours[0]:
        parts.append(short(*frames[0]))
    return " ← ".join(parts)


def run_cases(
    indices,
    *,
    seed: int,
    workroot: Path,
    jobs: int = 2,
    timeout: float = 20.0,
    memory_limit: int = MEMORY_LIMIT,
    on_outcome=None,
    recycle_after: int = 400,
    full_share: float = 0.05,
) -> list[Outcome]:
    """Run the cases ``indices`` of ``seed`` on ``jobs`` workers; returns one outcome per case.

    Case folders of crashed, hung and lost cases (and loads that raise an advisory) stay under
    ``workroot`` as reproducers; the others are removed.
    """
    workroot = Path(workroot)
    workroot.mkdir(parents=True, exist_ok=True)
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(
        [
            "tests.fuzzing",
            "opsworkbench",
            "opsworkbench.intake.load",
            "duckdb",
            "pandas",
            "openpyxl",
            "yaml",
        ]
    )
    pending = list(indices)[::-1]
    outcomes: list[Outcome] = []
    slots: list[_Slot] = []

    def start() -> _Slot:
        parent, child = ctx.Pipe()
        proc = ctx.Process(
            target=_worker_main,
            args=(child, seed, str(workroot), memory_limit, full_share),
            daemon=True,
        )
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def finish(slot: _Slot, outcome: Outcome) -> None:
        outcomes.append(outcome)
        slot.index = None
        slot.ready = False
        slot.done_count += 1
        if on_outcome:
            on_outcome(outcome)

    def kill(slot: _Slot) -> str:
        stack = ""
        if slot.proc.is_alive():
            try:
                os.kill(slot.proc.pid, signal.SIGUSR1)
                time.sleep(0.3)
            except OSError:
                pass
        dump = workroot / f"stack-{slot.proc.pid}.txt"
        if dump.exists():
            stack = dump.read_text(errors="replace")
        slot.proc.kill()
        slot.proc.join(5)
        slot.conn.close()
        for p in workroot.glob(f"*-{slot.proc.pid}.*"):
            p.unlink(missing_ok=True)
        return stack

    try:
        slots = [start() for _ in range(max(1, jobs))]
        while pending or any(s.index is not None for s in slots):
            for i, slot in enumerate(slots):
                if slot.index is None and pending and slot.proc.is_alive():
                    if slot.done_count >= recycle_after:
                        slot.conn.send(None)
                        slot.proc.join(10)
                        kill(slot)
                        slots[i] = slot = start()
                    slot.index = pending.pop()
                    slot.started = time.monotonic()
                    slot.mutations, slot.org, slot.case_dir = (
                        [],
                        "?",
                        str(workroot / f"case-{slot.index:06d}"),
                    )
                    slot.conn.send(slot.index)
            busy = [s for s in slots if s.index is not None]
            now = time.monotonic()
            deadline = min(s.started + (timeout if s.ready else max(60.0, timeout)) for s in busy)
            ready = mp_wait(
                [s.conn for s in busy] + [s.proc.sentinel for s in busy], max(0.0, deadline - now)
            )
            for i, slot in enumerate(slots):
                if slot.index is None:
                    continue
                got_message = False
                while slot.conn in ready or slot.conn.poll():
                    ready = [r for r in ready if r is not slot.conn]
                    try:
                        msg = slot.conn.recv()
                    except (EOFError, OSError):
                        break
                    got_message = True
                    if msg[0] == "ready":
                        _, _, slot.org, slot.mutations, slot.case_dir = msg
                        slot.ready, slot.started = True, time.monotonic()
                    elif msg[0] == "done":
                        finish(slot, msg[1])
                        if msg[1].signature.startswith(("MemoryError", "RecursionError")):
                            slot.proc.join(10)
                            kill(slot)
                            slots[i] = start()
                        break
                if slot.index is None:
                    if not slot.proc.is_alive() or (
                        slot.proc.sentinel in ready and not got_message
                    ):
                        slot.proc.join(5)
                        kill(slot)
                        slots[i] = start()
                    continue
                elapsed = time.monotonic() - slot.started
                limit = timeout if slot.ready else max(60.0, timeout)
                died = slot.proc.sentinel in ready or not slot.proc.is_alive()
                if died or elapsed >= limit:
                    code = slot.proc.exitcode
                    stack = kill(slot)
                    if died and code is not None:
                        sig = f"worker died (exit {code})"
                        if code == -9 or code == -6 or code == -11:
                            sig = f"worker killed by signal {-code}"
                        where = _hang_signature(stack)
                        signature = f"{sig}{' at ' + where if where != 'no stack' else ''}"
                    else:
                        signature = f"timeout at {_hang_signature(stack)}"
                    status = "hung"
                    if not slot.ready:  # the worker never reached ingest: a fault of the fuzzer
                        status = "harness"
                        signature = (
                            f"worker did not build the case ({signature}; "
                            "is the memory limit too low for the imports?)"
                        )
                    outcome = Outcome(
                        slot.index,
                        slot.org,
                        slot.mutations,
                        status,
                        signature,
                        _stack_tail(stack),
                        slot.case_dir,
                        elapsed,
                    )
                    finish(slot, outcome)
                    slots[i] = start()
    finally:
        for slot in slots:
            try:
                if slot.proc.is_alive():
                    slot.conn.send(None)
            except OSError:
                pass
        for slot in slots:
            slot.proc.join(3)
            if slot.proc.is_alive():
                slot.proc.kill()
                slot.proc.join(3)
        for p in (
            list(workroot.glob("template-*.duckdb*"))
            + list(workroot.glob("ws-*.duckdb*"))
            + list(workroot.glob("stack-*.txt"))
        ):
            p.unlink(missing_ok=True)
    outcomes.sort(key=lambda o: o.index)
    return outcomes


def _stack_tail(text: str, lines: int = 12) -> str:
    """The innermost frames of a faulthandler dump, outermost first (like a traceback)."""
    body = [line for line in text.splitlines() if line.strip().startswith("File")]
    return "\n".join(reversed(body[:lines]))


# --------------------------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------------------------


def summarise(outcomes: list[Outcome]) -> dict:
    counts = Counter(o.status for o in outcomes)
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.status in ("crashed", "hung", "lost", "harness"):
            groups[f"{o.status}: {o.signature}"].append(o)
    advisories: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        for a in o.advisories:
            advisories[_template(a)].append(o)
    return {
        "cases": len(outcomes),
        "counts": {s: counts.get(s, 0) for s in (*STATUSES, "harness")},
        "groups": dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))),
        "advisories": dict(sorted(advisories.items(), key=lambda kv: -len(kv[1]))),
    }


def families(outcomes: list[Outcome]) -> Counter:
    """How often each mutation family appears in a group of outcomes."""
    return Counter(m.split(":", 1)[0] for o in outcomes for m in o.mutations)


def describe(outcome: Outcome) -> str:
    return json.dumps(
        {
            "index": outcome.index,
            "org": outcome.org,
            "status": outcome.status,
            "signature": outcome.signature,
            "mutations": outcome.mutations,
            "seconds": round(outcome.seconds, 2),
        },
        indent=2,
        ensure_ascii=False,
    )
