"""Real papermill renders: the sample report and a hostile little study."""

import json
import re

import duckdb
import pytest

import opsworkbench as ow
from opsworkbench.report.render import render_all, report_targets
from tests.helpers import write_study

pytestmark = pytest.mark.slow

SECTIONS = [
    "Executive summary",
    "1. Orientation",
    "Where each unit sits",
    "versus",
    "2. Say, measure, value, reward",
    "3. Perverse incentives",
    "4. OKR health",
    "5. The capability value chain",
    "6. One operating model",
    "7. Under-measured outcomes",
    "8. Change since the previous wave",
    "9. Next steps",
    "Appendix: method and codebook",
    "Appendix: data quality",
]


@pytest.fixture(scope="session")
def all_reports(sample_workspace, tmp_path_factory):
    """Every sample report, rendered once with two jobs (as `opsworkbench report --all -j 2`)."""
    out = tmp_path_factory.mktemp("reports")
    results = render_all(
        report_targets(sample_workspace),
        workspace=sample_workspace,
        out_dir=out,
        jobs=2,
        progress=False,
    )
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return out


@pytest.fixture(scope="module")
def sample_report(all_reports):
    return all_reports / "harbour_mutual" / "2026-04" / "report.html"


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """A study whose free text and unit names try to inject HTML, with a unit of three."""
    root = tmp_path_factory.mktemp("hostile")
    rows = ["id,team,work,success"]
    for i in range(30):
        team = "<b>Ops</b>" if i < 15 else "Sales & Service"
        rows.append(
            f'p{i},{team},"<script>alert({i})</script> I process orders","<img src=x onerror=alert(1)> happy customers"'
        )
    for i in range(3):
        rows.append(f"s{i},Tiny Team,I audit the books,clean audit SECRET{i}")
    study = write_study(root / "org", "\n".join(rows) + "\n", org_id="hostile_org")
    ws = root / "ws.duckdb"
    ow.ingest(study, ws)
    return ow.render_report("hostile_org", "w1", workspace=ws, out_dir=root / "reports")


def test_report_has_sections_charts_and_no_code(sample_report):
    html = sample_report.read_text()
    for section in SECTIONS:
        assert section in html
    assert html.count("data:image/svg+xml") >= 10  # every chart, drawn as inline SVG
    assert (
        html.index("Executive summary")
        < html.index("1. Orientation")
        < html.index("Appendix: method")
    )
    assert "application/vnd.opsworkbench.summary" not in html
    assert "import opsworkbench" not in html and "hl-ipython3" not in html


def test_report_loads_nothing_from_the_network(sample_report):
    html = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", "data:", sample_report.read_text())
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", html)
    assert "cdn" not in html.lower() and "require.js" not in html


def test_report_folder_holds_html_and_executed_notebook(sample_report):
    folder = sample_report.parent
    assert sorted(p.name for p in folder.iterdir()) == [
        "report.html",
        "report.ipynb",
        "summary.json",
    ]
    assert folder.name == "2026-04" and folder.parent.name == "harbour_mutual"
    nb = json.loads((folder / "report.ipynb").read_text())
    assert nb["metadata"]["papermill"]["parameters"]["org_id"] == "harbour_mutual"
    assert not list(folder.parent.glob(".staging-*"))


def test_small_unit_never_shown_and_protected_by_complement(sample_report):
    html = sample_report.read_text()
    assert "Fraud Analytics" in html  # listed, but hidden
    row = re.search(r"<td>Fraud Analytics</td>\s*<td>([^<]*)</td>", html)
    assert row and row.group(1).startswith("hidden")


def test_free_text_and_unit_names_are_escaped(hostile_report):
    html = hostile_report.read_text()
    assert "<script>alert" not in html and "<b>Ops</b>" not in html
    assert "&lt;b&gt;Ops&lt;/b&gt;" in html
    assert "onerror=alert" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "SECRET" not in html


def test_failed_render_keeps_previous_report_and_says_why(hostile_report, monkeypatch):
    before = hostile_report.read_text()
    ws = hostile_report.parents[3] / "ws.duckdb"
    results = render_all(
        [("hostile_org", "missing-wave")],
        workspace=ws,
        out_dir=hostile_report.parents[2],
        progress=False,
    )
    assert not results[0].ok and "missing-wave" in results[0].error
    assert hostile_report.read_text() == before
    assert (hostile_report.parents[1] / "failed-missing-wave.ipynb").exists()


def test_report_targets_lists_every_wave(sample_workspace):
    targets = report_targets(sample_workspace)
    assert ("harbour_mutual", "2025-10") in targets and ("harbour_mutual", "2026-04") in targets
    assert len(targets) == 6
    con = duckdb.connect(str(sample_workspace), read_only=True)
    assert con.execute("SELECT count(*) FROM waves").fetchone()[0] == 6
    con.close()


def test_report_title_names_the_organisation(sample_report):
    assert "<title>Harbour Mutual Insurance — 2026-04</title>" in sample_report.read_text()


def test_kernel_warnings_never_reach_the_page():
    import nbformat

    from opsworkbench.report.render import export_html

    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output(
            "stream", name="stderr", text="/venv/sklearn/_nmf.py: RuntimeWarning"
        ),
        nbformat.v4.new_output("stream", name="stdout", text="shown to readers"),
    ]
    page = export_html(nbformat.v4.new_notebook(cells=[cell]), "Acme — w1")
    assert "RuntimeWarning" not in page and "shown to readers" in page


def test_portfolio_lists_only_the_rendering_workspace(all_reports, sample_workspace, tmp_path):
    from opsworkbench.report.portfolio import write_portfolio
    from opsworkbench.report.render import organisations

    stray = all_reports / "other_client" / "w1"
    stray.mkdir(parents=True)
    summary = json.loads((all_reports / "civic_it" / "2026-05" / "summary.json").read_text())
    (stray / "summary.json").write_text(json.dumps({**summary, "org_id": "other_client"}))
    try:
        page = write_portfolio(all_reports, organisations(sample_workspace)).read_text()
        assert "other_client" not in page and "civic_it" in page
    finally:
        import shutil

        shutil.rmtree(all_reports / "other_client")
        write_portfolio(all_reports)
