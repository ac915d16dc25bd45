"""Helpers the tests share: paths, a workspace query and tiny studies in temporary folders."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def q(path, sql, *params):
    """Run a read-only query on a workspace file and return a DataFrame."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def write_study(
    folder: Path,
    survey_csv: str,
    *,
    extra: str = "",
    encoding="utf-8",
    name="survey.csv",
    org_id="tiny_org",
    mapping: str | None = None,
) -> Path:
    """A one-wave study with a generic CSV; ``survey_csv`` is the file body."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(
        survey_csv.encode(encoding) if isinstance(survey_csv, str) else survey_csv
    )
    mapping = mapping or textwrap.dedent("""\
        columns: {respondent_id: id, unit: team}
        questions: {work: work, success: success}""")
    study = (
        textwrap.dedent(f"""\
        org_id: {org_id}
        name: Tiny Org
        sector: retail
        surveys:
          - wave_id: w1
            file: {name}
        """)
        + textwrap.indent(mapping, "    ")
        + "\n"
        + extra
    )
    path = folder / "study.yml"
    path.write_text(study, encoding="utf-8")
    return path
