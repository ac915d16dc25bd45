"""Read the YAML files users write (``study.yml``, YAML inventories) safely and explain failures.

Every problem is an :class:`~opsworkbench.errors.InputError` that names the file and, where
YAML knows it, the line:

- text is decoded like a CSV export (UTF-8 with or without BOM, else Windows-1252), and also
  as UTF-16/UTF-32 when the file starts with a byte-order mark or has the zero-byte pattern
  YAML uses to recognise them;
- files larger than :data:`MAX_YAML_BYTES`, nesting deeper than :data:`MAX_DEPTH` and
  aliases (``*name``) that expand to more than :data:`MAX_VALUES` values are refused, so a
  small file cannot exhaust memory ("billion laughs") or the stack;
- a key written twice in one mapping is refused instead of silently keeping the last;
- only plain YAML data is built (no Python objects), and a date such as ``2026-02-30`` that
  does not exist stays text for the caller's validation to reject with its field name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from opsworkbench.errors import InputError
from opsworkbench.intake.readers import ROW, decode

MAX_YAML_BYTES = 5 * 1024 * 1024  # a study or an inventory is a few kilobytes
MAX_DEPTH = 50  # levels of nesting; a study uses about six
MAX_VALUES = 1_000_000  # values after expanding aliases

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"
NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_SAVE_AS_UTF8 = "save the file as UTF-8 text"


def decode_yaml(data: bytes, source) -> tuple[str, str]:
    """Decode YAML bytes. Returns (text, encoding).

    UTF-32/UTF-16 are recognised by their byte-order mark or, without one, by the zero bytes
    around the first character (as the YAML specification does); anything else is decoded
    like a CSV export (:func:`opsworkbench.intake.readers.decode`).
    """
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], name
            break
    else:
        head = data[:4]
        if len(head) == 4 and head[:3] == b"\x00\x00\x00":
            encoding = "utf-32-be"
        elif len(head) == 4 and head[1:] == b"\x00\x00\x00":
            encoding = "utf-32-le"
        elif len(head) >= 2 and head[0] == 0 and head[1] != 0:
            encoding = "utf-16-be"
        elif len(head) >= 2 and head[0] != 0 and head[1] == 0:
            encoding = "utf-16-le"
    if encoding is None:
        return decode(data)
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise InputError(
            f"looks like {encoding.upper()} text but byte {exc.start} cannot be decoded",
            file=source,
            hint=_SAVE_AS_UTF8,
        ) from None


class _Refused(Exception):
    """A limit was reached while reading; carries the problem and the line (1-based)."""

    def __init__(self, problem: str, line: int | None = None, hint: str | None = None):
        super().__init__(problem)
        self.problem, self.line, self.hint = problem, line, hint


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses deep nesting while composing (before Python recursion does)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(
                    f"nested more than {MAX_DEPTH} levels deep",
                    mark.line + 1,
                    "a study or inventory needs only a few levels; check the brackets and indentation",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # e.g. 2026-13-01: left as text, rejected by the field's validation
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _children(node: Node) -> Iterable[Node]:
    if isinstance(node, SequenceNode):
        return node.value
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return ()


def _check_size(root: Node) -> None:
    """Refuse documents whose aliases expand too far (too many values, too deep, or cyclic)."""
    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (values, height)
    open_nodes: set[int] = set()
    aliased = False

    def measure(node: Node, depth: int) -> tuple[int, int]:
        nonlocal aliased
        key = id(node)
        if key in measured:
            aliased = True
            values, height = measured[key]
        elif key in open_nodes:
            raise _Refused(
                "an alias (*name) refers to the item that contains it",
                node.start_mark.line + 1,
                "write the values out instead of referring back to the enclosing item",
            )
        else:
            open_nodes.add(key)
            values, height = 1, 0
            for child in _children(node):
                child_values, child_height = measure(child, depth + 1)
                values += child_values
                height = max(height, child_height + 1)
                if values > MAX_VALUES:
                    break
            open_nodes.discard(key)
            measured[key] = (values, height)
        if values > MAX_VALUES:
            raise _Refused(
                f"expands to more than {MAX_VALUES:,} values"
                + (" through its aliases (*name)" if aliased else ""),
                node.start_mark.line + 1,
                "write repeated values out instead of nesting aliases"
                if aliased
                else "split the file",
            )
        if depth + height > MAX_DEPTH:
            raise _Refused(
                f"aliases (*name) nest values more than {MAX_DEPTH} levels deep",
                node.start_mark.line + 1,
                "write the values out instead of nesting aliases",
            )
        return values, height

    measure(root, 1)


def _keep_text(root: Node, text_keys: frozenset[str], numbers_as_text: bool) -> None:
    """Refuse a key written twice in one mapping, and mark scalars to be read as the text written: values of ``text_keys``, and numbers and
    dates everywhere when ``numbers_as_text`` (so ``010`` stays ``010`` and ``0.50`` stays
    ``0.50``)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if numbers_as_text and node.tag in NUMBER_TAGS:
                node.tag = STR_TAG
            continue
        if isinstance(node, MappingNode):
            first_line: dict[str, int] = {}
            for key, value in node.value:
                if not isinstance(key, ScalarNode) or key.tag == MERGE_TAG:
                    continue
                if key.value in first_line:
                    raise _Refused(
                        f"'{key.value}' appears twice in the same mapping (first on line "
                        f"{first_line[key.value]}); YAML would silently keep only the last",
                        key.start_mark.line + 1,
                        "remove or rename one of them",
                    )
                first_line[key.value] = key.start_mark.line + 1
                if (
                    key.value in text_keys
                    and isinstance(value, ScalarNode)
                    and value.tag != NULL_TAG
                ):
                    value.tag = STR_TAG
        stack.extend(_children(node))


@dataclass
class YamlDocument:
    """A parsed YAML file: the data and where each part of it was written."""

    data: Any
    root: Node | None
    source: Any
    encoding: str

    def line_of(self, path: Sequence[Any]) -> int | None:
        """The line (1-based) of the value at ``path`` (mapping keys and list indexes), or of
        the deepest enclosing value that exists; ``None`` for an empty document."""
        node = self.root
        if node is None:
            return None
        for step in path:
            found = None
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    if isinstance(key, ScalarNode) and key.value == str(step):
                        found = value
                        break
            elif isinstance(node, SequenceNode) and isinstance(step, int) and step >= 0:
                found = node.value[step] if step < len(node.value) else None
            if found is None:
                break
            node = found
        return node.start_mark.line + 1


def _line_text(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _syntax_error(exc: yaml.YAMLError, text: str, source) -> InputError:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return InputError(
            f"line {line}: contains the control character U+{ord(char):04X}, "
            "which YAML does not allow",
            file=source,
            hint=f"remove it, or {_SAVE_AS_UTF8} if the file was saved in another encoding",
        )
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    at = f"line {line}: " if line else ""
    problem = getattr(exc, "problem", None) or str(exc)
    if ("'\\t'" in problem or "tab character" in problem) and line:
        column = mark.column
        leading = _line_text(text, line)[:column]
        where = "for indentation" if not leading.strip(" \t-") else "here"
        return InputError(
            f"{at}tab characters are not allowed {where} in YAML; use spaces",
            file=source,
            hint="replace the tabs with spaces (most editors can show and convert them)",
        )
    context = getattr(exc, "context", None)
    detail = f"{context}, {problem}" if context else problem
    return InputError(
        f"{at}not valid YAML ({detail})",
        file=source,
        hint="check the indentation, colons and quotes around that line",
    )


def load_yaml(
    data: bytes,
    source,
    *,
    text_keys: Iterable[str] = (),
    numbers_as_text: bool = False,
) -> YamlDocument:
    """Parse one YAML document from ``data`` within the limits above.

    Parameters
    ----------
    data : bytes
        The file's content.
    source
        The file, named in error messages.
    text_keys : iterable of str
        Keys whose scalar values are kept as the text written (``wave_id: 2026-05-01`` stays
        ``"2026-05-01"``, ``wave_id: 2026.10`` stays ``"2026.10"``); ``null`` stays ``None``.
    numbers_as_text : bool
        Keep every number and date as the text written.

    Raises
    ------
    InputError
        Too large, undecodable, not YAML, more than one document, nested too deeply, aliases
        that expand too far, or a key written twice; the message names the file and line.
    """
    if len(data) > MAX_YAML_BYTES:
        raise InputError(
            f"is {len(data) / 2**20:.1f} MB; YAML files are limited to "
            f"{MAX_YAML_BYTES / 2**20:.0f} MB",
            file=source,
            hint="check that this is the right file; large tables belong in CSV or XLSX",
        )
    text, encoding = decode_yaml(data, source)
    loader = None
    try:
        loader = _Loader(text)  # refuses control characters straight away
        root = loader.get_single_node()
        if root is None:
            return YamlDocument(None, None, source, encoding)
        _check_size(root)
        _keep_text(root, frozenset(text_keys), numbers_as_text)
        value = loader.construct_document(root)
    except _Refused as exc:
        at = f"line {exc.line}: " if exc.line else ""
        raise InputError(f"{at}{exc.problem}", file=source, hint=exc.hint) from None
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text, source) from None
    except RecursionError:  # not reached within the limits above; kept as a last guard
        raise InputError(
            "nested too deeply to read", file=source, hint="simplify the structure"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(value, root, source, encoding)


def describe(value: Any) -> str:
    """A short, user-facing name for the kind of a YAML value (for "expected …, got …")."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping (name: value lines)"
    if isinstance(value, list):
        return "a list (- lines)"
    text = str(value)
    if len(text) > 40:
        text = text[:37] + "..."
    if isinstance(value, str):
        return f"the text '{text}'"
    return f"the value {text}"


def records_frame(doc: YamlDocument, key: str) -> pd.DataFrame:
    """The records of a YAML inventory as a frame of text, like a CSV read by
    :func:`opsworkbench.intake.readers.read_table`: one row per item, one column per field, a list of
    values joined with ``;``, and ``_row`` the item's number in the list.

    The records are the list at the top of the file, under ``key``, or under the only key of
    the file. Each item must be a mapping of field names to values or lists of values.
    """
    data, source = doc.data, doc.source
    path: list[Any] = []
    example = f"write '{key}:' and below it one '- field: value' item per record"
    if data is None:
        raise InputError("the file is empty", file=source, hint=example)
    if isinstance(data, dict):
        if key in data:
            path = [key]
        elif len(data) == 1 and isinstance(next(iter(data.values())), list):
            path = [next(iter(data))]
        else:
            keys = ", ".join(f"'{k}'" for k in list(data)[:5])
            raise InputError(
                f"expected a list of records under '{key}', found the keys {keys}",
                file=source,
                hint=example,
            )
        items = data[path[0]]
    else:
        items = data
    if not isinstance(items, list):
        line = doc.line_of(path)
        at = f"line {line}: " if line else ""
        raise InputError(
            f"{at}expected a list of records"
            + (f" under '{path[0]}'" if path else "")
            + f", got {describe(items)}",
            file=source,
            hint=example,
        )
    rows = []
    for number, item in enumerate(items, start=1):
        where = f"item {number} (line {doc.line_of([*path, number - 1])})"
        if not isinstance(item, dict):
            raise InputError(
                f"{where}: expected the record's fields (field: value), got {describe(item)}",
                file=source,
                hint="start each record with '- ' followed by 'field: value' lines",
            )
        row = {}
        for field, value in item.items():
            if field is None or isinstance(field, dict | list):
                raise InputError(
                    f"{where}: a field has no name", file=source, hint="write 'field: value'"
                )
            name = str(field)
            values = value if isinstance(value, list) else [value]
            nested = [v for v in values if isinstance(v, dict | list)]
            if nested:
                raise InputError(
                    f"{where}: expected a value or a list of values, got {describe(nested[0])}"
                    + (" inside the list" if isinstance(value, list) else ""),
                    file=source,
                    column=name,
                    hint="write the value on one line, or several values as a '- value' list",
                )
            row[name] = ";".join(str(v) for v in values if v is not None)
        rows.append(row)
    frame = pd.DataFrame(rows, dtype=object).fillna("")
    frame.insert(0, ROW, range(1, len(frame) + 1))  # item number in the list
    frame.attrs["encoding"] = doc.encoding
    return frame


def read_yaml_list(data: bytes, source, key: str = "capabilities") -> pd.DataFrame:
    """A YAML list of records (top level, under ``key``, or under the file's only key) as a
    frame of text, like :func:`opsworkbench.intake.readers.read_table`: numbers and dates keep the text written.

    Raises InputError (naming the file, item and line) for text that is not YAML, files
    over the YAML size limits, and items that are not records of fields.
    """
    return records_frame(load_yaml(data, source, numbers_as_text=True), key)
