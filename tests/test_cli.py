import subprocess
import sys

import pytest
from click.testing import CliRunner

from opsworkbench.cli import cli
from opsworkbench.report.render import RenderResult
from tests.helpers import q, write_study


def test_ingest_prints_reconciliation_per_file(tmp_path, tiny_csv):
    study = write_study(tmp_path / "org", tiny_csv + "p1,Sales,dup,dup\n")
    result = CliRunner().invoke(
        cli, ["ingest", str(study), "--workspace", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code == 0, result.output
    assert (
        "tiny_org/survey.csv [survey, generic] loaded: read 13, loaded 12, quarantined 1"
        in result.output
    )
    assert "duplicate submission: 1" in result.output


def test_bad_input_exits_2_with_one_clear_line(tmp_path):
    study = write_study(tmp_path / "org", "id,team,work\na,b,c\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "opsworkbench",
            "ingest",
            str(study),
            "--workspace",
            str(tmp_path / "w.duckdb"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert (
        proc.stderr.startswith("error: ")
        and "survey.csv" in proc.stderr
        and "Traceback" not in proc.stderr
    )


def test_report_needs_org_or_all(tmp_path):
    result = CliRunner().invoke(cli, ["report"])
    assert result.exit_code == 2 and "--org ID or --all" in result.output


def test_report_all_continues_past_a_failure_and_exits_nonzero(tmp_path, tiny_csv, monkeypatch):
    ws = tmp_path / "w.duckdb"
    CliRunner().invoke(
        cli,
        [
            "ingest",
            str(write_study(tmp_path / "a", tiny_csv, org_id="org_a")),
            "--workspace",
            str(ws),
        ],
    )
    CliRunner().invoke(
        cli,
        [
            "ingest",
            str(write_study(tmp_path / "b", tiny_csv, org_id="org_b")),
            "--workspace",
            str(ws),
        ],
    )
    seen = []

    def fake(task):
        seen.append(task[0])
        ok = task[0] != "org_a"
        return RenderResult(
            task[0], task[1], ok, 0.1, tmp_path / "r.html" if ok else None, "" if ok else "boom"
        )

    monkeypatch.setattr("opsworkbench.report.render._render_one", fake)
    result = CliRunner().invoke(cli, ["report", "--all", "--jobs", "1", "--workspace", str(ws)])
    assert seen == ["org_a", "org_b"]
    assert result.exit_code == 1
    assert "1 of 2 reports rendered" in result.output and "FAILED boom" in result.output


@pytest.mark.slow
def test_report_all_in_parallel_renders_for_real(tmp_path, tiny_csv):
    ws = tmp_path / "w.duckdb"
    for org in ("org_a", "org_b"):
        CliRunner().invoke(
            cli,
            [
                "ingest",
                str(write_study(tmp_path / org, tiny_csv, org_id=org)),
                "--workspace",
                str(ws),
            ],
        )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "opsworkbench",
            "report",
            "--all",
            "--jobs",
            "2",
            "--workspace",
            str(ws),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "out" / "org_a" / "w1" / "report.html").exists()
    assert (tmp_path / "out" / "org_b" / "w1" / "report.html").exists()


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "opsworkbench", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


@pytest.fixture(scope="module")
def tiny_workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    rows = "\n".join(f"p{i},Sales,I answer calls,customers helped {i}" for i in range(8))
    study = write_study(folder / "org", "id,team,work,success\n" + rows + "\n")
    ws = folder / "w.duckdb"
    assert run_cli("ingest", study, "--workspace", ws).returncode == 0
    return folder, ws


@pytest.mark.parametrize(
    "args, code, says",
    [
        (["ingest", "{folder}/nowhere"], 2, "does not exist"),
        (["ingest", "{folder}/org/study.yml", "--workspace", "/dev/null/w.duckdb"], 1, "error: "),
        (["report", "--org", "nobody", "--workspace", "{ws}"], 2, "nothing to render"),
        (
            [
                "report",
                "--org",
                "tiny_org",
                "--workspace",
                "{ws}",
                "--out",
                "/dev/null/reports",
            ],
            1,
            "FAILED",
        ),
        (["report", "--all", "--workspace", "{folder}/missing.duckdb"], 2, "workspace not found"),
        (["sample", "--out", "/dev/null/sample"], 1, "error: "),
        (["demo", "--workspace", "/dev/null/w.duckdb"], 1, "error: "),
        (
            [
                "evaluate",
                "{folder}/org/survey.csv",
                "--text-column",
                "nope",
                "--result-column",
                "x",
            ],
            2,
            "nope",
        ),
        (
            [
                "classify",
                "{folder}/org/survey.csv",
                "--text-column",
                "nope",
                "-o",
                "{folder}/o.csv",
            ],
            2,
            "nope",
        ),
        (
            ["codebook", "show", "--org", "tiny_org", "--workspace", "{folder}/missing.duckdb"],
            2,
            "workspace not found",
        ),
        (
            [
                "codebook",
                "rename",
                "--org",
                "nobody",
                "--theme",
                "a",
                "--label",
                "b",
                "--workspace",
                "{ws}",
            ],
            2,
            "not in the workspace",
        ),
        (
            [
                "codebook",
                "merge",
                "--org",
                "nobody",
                "--theme",
                "a",
                "--theme",
                "b",
                "--label",
                "c",
                "--workspace",
                "{ws}",
            ],
            2,
            "not in the workspace",
        ),
        (
            [
                "codebook",
                "override",
                "--org",
                "tiny_org",
                "--quadrant",
                "factory_floor",
                "--workspace",
                "{ws}",
            ],
            2,
            "--text or --term",
        ),
    ],
)
def test_every_command_exits_nonzero_on_failure(tiny_workspace, args, code, says):
    folder, ws = tiny_workspace
    proc = run_cli(*(a.format(folder=folder, ws=ws) for a in args), cwd=folder)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert says in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_successful_commands_exit_zero(tiny_workspace):
    folder, ws = tiny_workspace
    assert run_cli("codebook", "show", "--org", "tiny_org", "--workspace", ws).returncode == 0
    out = folder / "scored.csv"
    proc = run_cli("classify", folder / "org" / "survey.csv", "--text-column", "work", "-o", out)
    assert proc.returncode == 0 and out.exists()


def test_ingest_loads_the_good_studies_and_names_the_bad_ones(tmp_path, tiny_csv):
    bad = write_study(tmp_path / "bad", "id,team,work\na,b,c\n", org_id="bad_org")
    good = write_study(tmp_path / "good", tiny_csv, org_id="good_org")
    proc = run_cli("ingest", bad, good, "--workspace", tmp_path / "w.duckdb")
    assert proc.returncode == 2
    assert "good_org/survey.csv [survey, generic] loaded: read 12" in proc.stdout
    assert "1 of 2 studies not loaded" in proc.stderr and str(bad) in proc.stderr
    orgs = q(tmp_path / "w.duckdb", "SELECT org_id FROM organisations").org_id.tolist()
    assert orgs == ["good_org"]


SAMPLE_ORGS = ["civic_it", "harbour_mutual", "northstar_cards", "riverside_health"]


def test_an_install_asks_ingest_for_paths_and_writes_samples_to_the_current_folder(
    tmp_path, monkeypatch
):
    monkeypatch.setattr("opsworkbench.config.CHECKOUT", False)  # no data/sample to fall back on
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["ingest", "--workspace", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2 and "`opsworkbench sample` writes them" in result.output
    assert not (tmp_path / "w.duckdb").exists()
    result = CliRunner().invoke(cli, ["sample"])
    assert result.exit_code == 0, result.output
    assert sorted(p.parent.name for p in tmp_path.glob("sample/*/study.yml")) == SAMPLE_ORGS


def test_demo_in_an_install_writes_the_samples_beside_the_workspace_once(tmp_path, monkeypatch):
    monkeypatch.setattr("opsworkbench.config.CHECKOUT", False)
    monkeypatch.chdir(tmp_path)
    rendered = []
    monkeypatch.setattr("opsworkbench.cli._report", lambda targets, **_: rendered.append(targets))
    ws = tmp_path / "ws" / "w.duckdb"
    samples = ws.parent / "sample"
    first = CliRunner().invoke(cli, ["demo", "--workspace", str(ws)])
    assert first.exit_code == 0, first.output
    assert f"this install bundles no samples: wrote the sample studies to {samples}" in first.output
    assert sorted(p.parent.name for p in samples.glob("*/study.yml")) == SAMPLE_ORGS
    assert sorted({org for org, _ in rendered[0]}) == SAMPLE_ORGS
    written = {p: p.stat().st_mtime_ns for p in samples.rglob("*") if p.is_file()}
    again = CliRunner().invoke(cli, ["demo", "--workspace", str(ws)])
    assert again.exit_code == 0, again.output
    assert f"using the sample studies in {samples}" in again.output
    assert written == {p: p.stat().st_mtime_ns for p in samples.rglob("*") if p.is_file()}
