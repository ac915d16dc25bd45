"""Every section of the report copes with every organisation shape and says why it shows nothing.

Tiny studies of each shape are ingested for real. Every analysis and every report cell runs for
every shape in-process (cheap); a few shapes are rendered with papermill end to end.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

import opsworkbench as ow
from opsworkbench.config import NOTEBOOKS
from tests.helpers import write_study

WORK = [
    "I process claims and clear the queue",
    "I help customers get back on the road after an accident",
    "I answer customer calls all day",
    "I reconcile the ledger and close the month",
    "I make sure patients get home safely",
    "I fix laptops for colleagues",
]
SUCCESS = [
    "customers do not have to call back",
    "no backlog at the end of the week",
    "families feel supported when they need it",
    "operating margin up three points",
    "every ticket closed within the SLA",
    "customers are back on their feet quickly",
]
NON_ANSWERS = ["n/a", "-", "don't know", "N/A", "na", "?"]

METRICS = """\
metric_id,name,description,owner_unit,measured,reported,incentivised,incentive_weight,capability_id
M1,Claims closed per handler,Claims closed per handler per week,Claims,1,1,1,0.6,CAP1
M2,Customers back on the road,Share of customers driving again within a week,Claims,1,0,0,,CAP1
M3,Calls answered,Calls answered per day,Care,1,1,1,0.4,CAP2
"""
OKRS = """\
okr_id,parent_ids,level,owner_unit,objective,key_result,progress,capability_id
O1-KR1,,company,Claims,Customers recover fast,Customers back on the road within a week,0.5,CAP1
O2-KR1,O1-KR1,unit,Care,Answer quickly,Answer 90% of calls within a minute,0.7,CAP2
O3-KR1,,unit,Care,Lonely key result,Close 400 tickets,0.1,
"""
CAPABILITIES = """\
capability_id,name,stage_order,units
CAP1,Handle claims,1,Claims;Ops
CAP2,Look after customers,2,Care;Sales
"""
INVENTORIES = "metrics: metrics.csv\nokrs: okrs.csv\ncapabilities: capabilities.csv\n"


def _rows(units: dict[str, int], *, unclassified: dict[str, int] | None = None) -> list[str]:
    """Survey rows: ``units`` maps unit → people; ``unclassified`` → how many answer "n/a"."""
    rows, i = [], 0
    for unit, people in units.items():
        for k in range(people):
            if k < (unclassified or {}).get(unit, 0):
                work = success = NON_ANSWERS[i % len(NON_ANSWERS)]
            else:
                work, success = WORK[i % len(WORK)], SUCCESS[(i * 5 + 1) % len(SUCCESS)]
            rows.append(f'p{i},{unit},"{work}","{success}"')
            i += 1
    return rows


def _columns(rows: list[str], keep: list[int]) -> list[str]:
    """The same rows with only some columns (0 id, 1 unit, 2 work, 3 success)."""
    import csv

    return [
        ",".join(f'"{v}"' if i > 1 else v for i, v in enumerate([cells[k] for k in keep]))
        for cells in csv.reader(rows)
    ]


def _coded_success(rows: list[str]) -> list[str]:
    """The success column replaced by numeric codes, as when the wrong column is mapped."""
    return [r.rsplit(",", 1)[0] + f",{i % 4 + 1}" for i, r in enumerate(rows)]


DEFAULT_HEADER = "id,team,work,success"
DEFAULT_MAPPING = (
    "columns: {respondent_id: id, unit: team}\nquestions: {work: work, success: success}"
)
WORK_ONLY_NO_UNIT = """\
columns: {respondent_id: id}
questions:
  work: {column: work, wording: "In one sentence, what is your job?"}
"""
SUCCESS_ONLY = "columns: {respondent_id: id, unit: team}\nquestions: {success: success}"

# name → (survey rows, with metrics/OKRs/capabilities?[, header, study mapping])
SHAPES = {
    "tiny_wave": (_rows({"Claims": 2}), True),
    "single_answer": (['p0,Claims,"I process claims and clear the queue",'], False),
    "no_inventories": (_rows({"Claims": 7, "Care": 7}), False),
    "one_unit": (_rows({"Claims": 12}), True),
    # every unit has fewer than 5 people with a classified answer (only one is small in
    # headcount, so ingest keeps the units apart)
    "every_unit_hidden": (
        _rows({"Claims": 4, "Care": 6, "Ops": 6}, unclassified={"Care": 3, "Ops": 2}),
        True,
    ),
    "all_unclassified": (
        _rows({"Claims": 6, "Care": 6}, unclassified={"Claims": 6, "Care": 6}),
        True,
    ),
    "mostly_unclassified_unit": (
        _rows({"Claims": 9, "Care": 6, "Ops": 9}, unclassified={"Care": 4}),
        True,
    ),
    # surveys that do not fit the two-question shape
    "work_only_no_unit": (_columns(_rows({"x": 12}), [0, 2]), True, "id,work", WORK_ONLY_NO_UNIT),
    "success_only": (
        _columns(_rows({"Claims": 8, "Care": 8}), [0, 1, 3]),
        True,
        "id,team,success",
        SUCCESS_ONLY,
    ),
    "codes_for_success": (_coded_success(_rows({"Claims": 7, "Care": 7})), False),
}


def build_shape(root: Path, shape: str) -> tuple[Path, str]:
    """Write and ingest the study of one shape; returns (workspace, org_id)."""
    rows, inventories, header, mapping = (*SHAPES[shape], DEFAULT_HEADER, DEFAULT_MAPPING)[:4]
    org_id = shape.replace("_", "-")
    folder = root / shape
    folder.mkdir(parents=True, exist_ok=True)
    if inventories:
        (folder / "metrics.csv").write_text(METRICS)
        (folder / "okrs.csv").write_text(OKRS)
        (folder / "capabilities.csv").write_text(CAPABILITIES)
    body = "\n".join([header, *rows]) + "\n"
    study = write_study(
        folder, body, org_id=org_id, extra=INVENTORIES if inventories else "", mapping=mapping
    )
    workspace = root / f"{shape}.duckdb"
    ow.ingest(study, workspace)
    return workspace, org_id


NOTEBOOK = NOTEBOOKS / "report.py"


def run_report_cells(workspace: Path, org_id: str, wave_id: str = "") -> str:
    """Run every cell of the report notebook in-process, as papermill would, and return the HTML
    it shows. Each cell's last expression (a chart) is built and validated like a displayed one."""
    import ast

    import altair as alt
    import jupytext

    from opsworkbench.present import html as presentation

    shown: list[str] = []
    namespace: dict = {}
    cells = [c for c in jupytext.read(NOTEBOOK).cells if c.cell_type == "code"]
    original, evaluate = presentation.show, ow.cross_validate
    presentation.show = shown.append
    # the model's evaluation does not depend on the organisation: a fixed one keeps this fast
    ow.cross_validate = lambda: {
        "folds": 5,
        "n": 870,
        "focus": {"macro_f1": 0.9},
        "result": {"macro_f1": 0.9},
        "quadrant_accuracy": 0.8,
        "calibration_error": 0.05,
    }
    try:
        for cell in cells:
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(workspace=str(workspace), org_id=org_id, wave_id=wave_id)
                continue
            if "portfolio" in cell.metadata.get("tags", []):
                continue
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, "<report cell>", "exec"), namespace)
            if last is not None:
                value = eval(
                    compile(ast.Expression(last.value), "<report cell>", "eval"), namespace
                )
                if isinstance(value, alt.TopLevelMixin):
                    value.to_dict()
            shown.append("")
    finally:
        presentation.show, ow.cross_validate = original, evaluate
    from opsworkbench.report import portfolio

    portfolio.portfolio_row(namespace["ctx"], namespace["found"])
    return "\n".join(shown)


def visible_text(html: str) -> str:
    """The words a reader sees (inline markup dropped, blocks separated by a space)."""
    html = re.sub(r"</?(?:b|i|q|a|code|span)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


# What each shape's report must say (besides rendering at all).
SAYS_WHY = {
    "tiny_wave": [
        "No results are shown for this wave: 2 respondents; at least 5 are needed to show results.",
        "What people say is not shown: 2 respondents; at least 5 are needed.",
        "2 answers are too few to find themes",
        "What people say is blank for every capability: 2 respondents",
    ],
    "single_answer": [
        "1 respondent; at least 5 are needed to show results.",
        "No metric inventory was loaded",
        "No OKRs were loaded",
        "No capability map was loaded",
        "could not check what people say (too few people)",
    ],
    "no_inventories": [
        "No metric inventory was loaded for this organisation, so incentives cannot be checked.",
        "No OKRs were loaded",
        "No capability map was loaded",
    ],
    "one_unit": ["Everyone who answered is in one unit, so there are no units to compare."],
    "every_unit_hidden": [
        "No unit is shown on its own: each has fewer than 5 people with a classified answer",
        "Not judged: fewer than two units have at least 5 people with a classified answer.",
    ],
    "all_unclassified": [
        "12 respondents, but every answer was a non-answer such as “n/a”",
        "Not shown: none of the 12 respondents gave an answer that could be classified",
        "No themes shown: every answer is a non-answer such as “n/a”.",
    ],
    "mostly_unclassified_unit": ["hidden (fewer than 5 people with a classified answer"],
    "work_only_no_unit": [
        "12 Answers to “In one sentence, what is your job?”",
        "This survey asked one open question, “In one sentence, what is your job?”, so there is "
        "no comparison",
        "The survey did not record units, so there are no units to compare.",
        "Themes in the answers to “In one sentence, what is your job?”",
        "which this survey did not ask.",
    ],
    "success_only": [
        "16 Answers to “What does success look like?”",
        "This survey asked one open question, “What does success look like?”",
    ],
    "codes_for_success": [
        "⚠ Check the survey mapping",
        "Answers to “What does success look like?” (column success) were not scored: it holds "
        "numbers ('1', '2', '3'…).",
        "Answers to “What does success look like?” were not scored: the column mapped to it holds "
        "codes or numbers",
        "This survey asked one open question, “What is your work?”",
        "Warnings from reading the files",
        "survey.csv: column 'success' (question 'success') does not look like written answers",
    ],
}
# Shapes with one core question show no work-versus-success numbers at all.
ONE_QUESTION = {"work_only_no_unit", "success_only", "codes_for_success"}


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    root = tmp_path_factory.mktemp("shapes")
    return {name: build_shape(root, name) for name in SHAPES}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_section_renders_for_every_shape_and_says_why(shapes, shape):
    workspace, org_id = shapes[shape]
    text = visible_text(run_report_cells(workspace, org_id))
    for sentence in SAYS_WHY[shape]:
        assert sentence in text, (shape, sentence)
    if shape in ONE_QUESTION:
        assert "success − work" not in text and not re.search(r"\+0\.0(?!\d)", text)
        assert "“What is your work?” versus" not in text
    words = set(re.findall(r"[\w–-]+", text))
    assert not words & {"nan", "NaN", "None", "null"}, (shape, words & {"nan", "None", "null"})


def test_unit_of_mostly_non_answers_shows_no_number_anywhere(shapes):
    """Care has 6 respondents but only 2 classified answers: no section shows its scores."""
    workspace, org_id = shapes["mostly_unclassified_unit"]
    ctx = ow.load_context(workspace, org_id)
    found = ow.analyse(ctx, workspace)
    assert ctx.respondents.groupby("unit").size()["Care"] == 6
    units = found.units.set_index("unit")
    assert units.loc["Care", "suppressed"] and pd.isna(units.loc["Care", "focus"])
    assert "Care" not in set(found.profile["unit"]) and "Care" not in set(found.lenses["unit"])
    people = found.chain[found.chain["source"] == "people"].set_index("capability")["index"]
    assert pd.isna(people["Look after customers"])  # Care (and Sales, absent) only
    # the hidden block (Care and the next smallest unit) rests on at least 5 people
    shown = found.profile[(found.profile["question"] == "both")].set_index("unit")["respondents"]
    assert shown["All units"] - shown.drop("All units").sum() >= ctx.min_size


@pytest.fixture(scope="module")
def rendered(shapes, tmp_path_factory):
    """Real papermill renders of the smallest shapes (each costs a kernel start)."""
    out = tmp_path_factory.mktemp("shape-reports")
    return {
        shape: ow.render_report(
            shapes[shape][1], "w1", workspace=shapes[shape][0], out_dir=out
        ).read_text()
        for shape in ("tiny_wave", "every_unit_hidden", "codes_for_success")
    }


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["tiny_wave", "every_unit_hidden", "codes_for_success"])
def test_rendered_report_says_why_nothing_is_shown(rendered, shape):
    text = visible_text(re.sub(r"<style.*?</style>", "", rendered[shape], flags=re.S))
    for sentence in SAYS_WHY[shape]:
        assert sentence in text, (shape, sentence)
    assert "Traceback" not in text and "Error" not in text
    assert "Appendix: data quality" in text and "No input row was quarantined." in text


def test_context_reads_the_questions_as_asked_and_scores_only_written_answers(shapes):
    workspace, org_id = shapes["codes_for_success"]
    ctx = ow.load_context(workspace, org_id)
    questions = ctx.questions.set_index("question")
    assert list(questions.index) == ["work", "success"]
    assert questions.loc["work", "free_text"] and not questions.loc["success", "free_text"]
    assert "numbers" in questions.loc["success", "note"]
    assert set(ctx.responses["question"]) == {"work", "success"}  # stored …
    assert set(ctx.scored["question"]) == {"work"}  # … but only written answers are scored
    assert ctx.core_questions == ["work"] and list(ctx.unscored["question"]) == ["success"]
    assert ctx.wording("success") == "What does success look like?"  # the default

    workspace, org_id = shapes["work_only_no_unit"]
    ctx = ow.load_context(workspace, org_id)
    assert ctx.wording("work") == "In one sentence, what is your job?"
    assert set(ctx.respondents["unit"]) == {"All respondents"}
    found = ow.analyse(ctx, workspace)
    assert found.comparison.empty and found.work_success.empty
    assert set(found.profile["question"]) == {"work", "both"}
    assert set(found.profile["unit"]) == {"All units"} and set(found.lenses["unit"]) == {
        "All units"
    }
    assert not found.compare_units
