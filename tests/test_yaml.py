"""study.yml and YAML inventories: encodings, tabs, limits and shapes give clear errors."""

import textwrap
import time

import pytest

import opsworkbench as ow
from opsworkbench import InputError
from opsworkbench import workspace as ws
from opsworkbench.intake.study import load_study
from opsworkbench.intake.yamlio import read_yaml_list
from tests.helpers import write_study

CAPABILITIES = textwrap.dedent("""\
    capabilities:
      - capability_id: CAP1
        name: Référence et accès
        stage_order: 1
        units: [Outpatients, Health Records]
      - capability_id: CAP2
        name: Treatment
        stage_order: 2
        units: [Surgery]
    """)

# Seven levels of ten aliases each: ten million values once expanded, from 300 bytes.
BOMB = (
    "l0: &l0 ["
    + ", ".join(["lol"] * 10)
    + "]\n"
    + "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 7))
)


def study_text(tmp_path, tiny_csv) -> str:
    return write_study(tmp_path, tiny_csv).read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"])
def test_study_in_other_encodings(tmp_path, tiny_csv, encoding):
    path = tmp_path / "study.yml"
    text = study_text(tmp_path, tiny_csv).replace("name: Tiny Org", "name: Café Zürich")
    path.write_bytes(text.encode(encoding))
    study = load_study(path)
    assert study.name == "Café Zürich" and study.surveys[0].wave_id == "w1"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1252"])
def test_inventory_in_other_encodings(encoding):
    frame = read_yaml_list(CAPABILITIES.encode(encoding), "capabilities.yml")
    assert frame["name"].tolist() == ["Référence et accès", "Treatment"]
    assert frame["units"].tolist() == ["Outpatients;Health Records", "Surgery"]


def test_utf16_inventory_is_ingested(tmp_path, tiny_csv):
    write_study(tmp_path, tiny_csv, extra="capabilities: capabilities.yml\n")
    (tmp_path / "capabilities.yml").write_bytes(CAPABILITIES.encode("utf-16"))
    results = ow.ingest(tmp_path / "study.yml", tmp_path / "ws.duckdb")
    caps = next(r for r in results if r.kind == "capabilities")
    assert caps.rows_loaded == 2
    con = ws.connect(tmp_path / "ws.duckdb", read_only=True)
    try:
        names = {n for (n,) in con.execute("SELECT name FROM capabilities").fetchall()}
    finally:
        con.close()
    assert "Référence et accès" in names


def test_tab_indentation_names_the_line(tmp_path, tiny_csv):
    path = tmp_path / "study.yml"
    lines = study_text(tmp_path, tiny_csv).splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("file:"))
    lines[number - 1] = "\t" + lines[number - 1].lstrip()
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as err:
        load_study(path)
    message = str(err.value)
    assert "study.yml" in message and f"line {number}" in message
    assert "tab characters are not allowed for indentation in YAML; use spaces" in message


def test_tab_in_an_inventory_names_the_line():
    data = CAPABILITIES.replace("    name: Treatment", "\tname: Treatment").encode()
    with pytest.raises(InputError, match=r"capabilities.yml: line 7: tab characters"):
        read_yaml_list(data, "capabilities.yml")


def test_deep_nesting_is_refused(tmp_path):
    path = tmp_path / "study.yml"
    path.write_text("org_id: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(InputError, match=r"study.yml: line 1: nested more than \d+ levels"):
        load_study(path)
    with pytest.raises(InputError, match="nested more than"):
        read_yaml_list(("- " * 3000 + "x\n").encode(), "okrs.yml")


def test_alias_bomb_is_refused_quickly(tmp_path):
    path = tmp_path / "study.yml"
    path.write_text(BOMB)
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"study.yml: line \d+: expands to more than .* aliases"):
        load_study(path)
    with pytest.raises(InputError, match="aliases"):
        read_yaml_list((BOMB + "capabilities:\n  - name: *l6\n").encode(), "capabilities.yml")
    assert time.perf_counter() - start < 5


def test_self_referring_alias_is_refused():
    with pytest.raises(InputError, match="line 2: an alias"):
        read_yaml_list(b"capabilities:\n  - &item {name: x, units: [*item]}\n", "c.yml")


def test_moderate_aliases_still_work():
    data = textwrap.dedent("""\
        shared: &units [Surgery, Maternity]
        capabilities:
          - {capability_id: CAP1, units: *units}
          - {capability_id: CAP2, units: *units}
        """).encode()
    frame = read_yaml_list(data, "capabilities.yml")
    assert frame["units"].tolist() == ["Surgery;Maternity"] * 2


def test_size_limit(monkeypatch):
    from opsworkbench.intake import yamlio

    monkeypatch.setattr(yamlio, "MAX_YAML_BYTES", 100)
    with pytest.raises(InputError, match=r"capabilities.yml: is .* MB; YAML files are limited"):
        read_yaml_list(b"capabilities:\n" + b"  - {name: x}\n" * 20, "capabilities.yml")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("capabilities:\n  - name: a\n  -\n", r"item 2 \(line 3\): expected the record's fields"),
        ("capabilities:\n  - just text\n", r"item 1 \(line 2\): .* got the text 'just text'"),
        ("capabilities: CAP1\n", r"line 1: expected a list of records under 'capabilities'"),
        ("capabilities:\n  - {name: {en: a}}\n", r"column 'name': item 1 .* got a mapping"),
        ("capabilities:\n  - {units: [[a]]}\n", r"got a list .* inside the list"),
        ("name: a\nunits: b\n", r"under 'capabilities', found the keys 'name', 'units'"),
        ("42\n", r"line 1: expected a list of records, got the text '42'"),
        ("", "the file is empty"),
        ("capabilities:\n  - {name: a, name: b}\n", r"line 2: 'name' appears twice"),
        ("- !!python/object/apply:os.system [echo]\n", "line 1: not valid YAML"),
        ("- {name: a\x00}\n", "line 1: contains the control character U.0000"),
    ],
)
def test_inventory_shapes_are_explained(body, expected):
    with pytest.raises(InputError, match=expected) as err:
        read_yaml_list(body.encode(), "capabilities.yml")
    assert "capabilities.yml" in str(err.value)


def test_inventory_keeps_the_text_written():
    data = textwrap.dedent("""\
        okrs:
          - {okr_id: 010, progress: 0.50, 2026: yes, due: 2026-13-01, owner_unit: ~, tags: [a, ~]}
        """).encode()
    row = read_yaml_list(data, "okrs.yml", key="okrs").iloc[0]
    assert row["okr_id"] == "010" and row["progress"] == "0.50" and row["2026"] == "True"
    assert row["due"] == "2026-13-01" and row["owner_unit"] == "" and row["tags"] == "a"


def test_a_list_under_the_files_only_key_or_at_the_top():
    for body in ("metrics:\n  - {metric_id: M1}\n", "- {metric_id: M1}\n"):
        assert read_yaml_list(body.encode(), "metrics.yml")["metric_id"].tolist() == ["M1"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("- org_id: a\n", r"expected the study's fields .* got a list"),
        ("just text\n", r"expected the study's fields .* got the text 'just text'"),
        ("", "the study file is empty"),
        ("1: one\n", r"1 \(line 1\): field names must be text"),
    ],
)
def test_study_shapes_are_explained(tmp_path, body, expected):
    path = tmp_path / "study.yml"
    path.write_text(body)
    with pytest.raises(InputError, match=expected):
        load_study(path)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("columns:", "columns: team\n    x:", r"surveys.0.columns \(line 7\): must be a mapping"),
        (
            "  - wave_id",
            "  - null\n  - wave_id",
            r"surveys.0 \(line 5\): must be a mapping .*nothing",
        ),
        ("sector: retail", "sector: retail\nprivacy: 5", r"privacy \(line 4\): must be a mapping"),
    ],
)
def test_wrong_types_in_a_study_name_field_and_line(tmp_path, tiny_csv, old, new, expected):
    path = tmp_path / "study.yml"
    path.write_text(study_text(tmp_path, tiny_csv).replace(old, new, 1))
    with pytest.raises(InputError, match=expected):
        load_study(path)
