"""The ``opsworkbench`` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from opsworkbench.errors import OpsWorkbenchError

SAMPLE = Path("data") / "sample"
WORKSPACE_OPTION = click.option(
    "--workspace",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB workspace file [default: $OPSWORKBENCH_WORKSPACE or workspace/opsworkbench.duckdb]",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="opsworkbench")
def cli() -> None:
    """Diagnose an organisation's operating model from what its people say, measure and reward."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@WORKSPACE_OPTION
def ingest(paths: tuple[Path, ...], workspace: Path | None) -> None:
    """Load study folders (or study.yml files) into the workspace [default: data/sample]."""
    from opsworkbench.ingest import ingest as run

    for path in paths or (SAMPLE,):
        for result in run(path, workspace):
            click.echo(str(result))
            for warning in result.warnings:
                click.echo(f"    warning: {warning}")


def _report(targets, *, workspace, out, jobs) -> None:
    from opsworkbench.reports import render_all

    if not targets:
        raise OpsWorkbenchError(
            "nothing to render: no matching organisation or wave in the workspace"
        )
    results = render_all(targets, workspace=workspace, out_dir=out, jobs=jobs)
    failed = [r for r in results if not r.ok]
    click.echo(f"\n{len(results) - len(failed)} of {len(results)} reports rendered:")
    for r in results:
        status = f"ok    {r.path}" if r.ok else f"FAILED {r.error}"
        click.echo(f"  {r.org_id}/{r.wave_id}  {r.seconds:5.1f}s  {status}")
    if failed:
        raise click.exceptions.Exit(1)


@cli.command()
@click.option("--org", "org_id", help="Organisation id (see study.yml: org_id).")
@click.option(
    "--wave", "wave_id", help="Survey wave [default: every wave; with --org, the latest]."
)
@click.option("--all", "all_orgs", is_flag=True, help="Every organisation in the workspace.")
@click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Reports rendered in parallel.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
)
@WORKSPACE_OPTION
def report(org_id, wave_id, all_orgs, jobs, out, workspace) -> None:
    """Render reports/<org>/<wave>/report.html for one organisation or --all."""
    from opsworkbench.reports import report_targets

    if bool(org_id) == all_orgs:
        raise click.UsageError("give either --org ID or --all")
    targets = report_targets(workspace, org_id, wave_id)
    if org_id and not wave_id:
        targets = targets[-1:]
    _report(targets, workspace=workspace, out=out, jobs=jobs)


@cli.command()
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=SAMPLE, show_default=True
)
def sample(out: Path) -> None:
    """Regenerate the seeded sample organisations."""
    from opsworkbench.sample import write_sample

    for path in write_sample(out):
        click.echo(f"wrote {path.parent}")


@cli.command()
@click.option("--jobs", "-j", default=2, show_default=True, type=click.IntRange(1))
@WORKSPACE_OPTION
def demo(jobs: int, workspace: Path | None) -> None:
    """Ingest the bundled samples and render every sample report."""
    from opsworkbench.reports import report_targets

    ctx = click.get_current_context()
    ctx.invoke(ingest, paths=(SAMPLE,), workspace=workspace)
    _report(report_targets(workspace), workspace=workspace, out=Path("reports"), jobs=jobs)


def main() -> None:
    """Entry point: user errors print one clear line and exit 2, not a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.exit(130)
    except OpsWorkbenchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
