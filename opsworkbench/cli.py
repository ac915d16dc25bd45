"""The ``opsworkbench`` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from opsworkbench import config
from opsworkbench.errors import OpsWorkbenchError, WorkspaceBusy
from opsworkbench.vocabulary import QUADRANTS

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
    """Load study folders (or study.yml files) into the workspace [default: a checkout's data/sample]."""
    from opsworkbench.intake.load import ingest as run
    from opsworkbench.intake.study import find_studies

    if not paths:
        samples = config.bundled_samples()
        if samples is None:
            raise click.UsageError(
                "name the study folders or study.yml files to load (this install bundles no "
                "samples: `opsworkbench sample` writes them, `opsworkbench demo` loads and "
                "renders them)"
            )
        paths = (samples,)
    studies = [study for path in paths for study in find_studies(path)]
    failed = []
    for study in studies:  # one study's bad input does not stop the others
        try:
            results = run(study, workspace)
        except WorkspaceBusy:
            raise  # the next study would wait for the same process
        except OpsWorkbenchError as exc:
            click.echo(f"error: {exc}", err=True)
            failed.append(study)
            continue
        for result in results:
            click.echo(str(result))
            for warning in result.warnings:
                click.echo(f"    warning: {warning}")
    if failed:
        click.echo(
            f"\n{len(failed)} of {len(studies)} studies not loaded (see the errors above): "
            + ", ".join(str(p) for p in failed),
            err=True,
        )
        raise click.exceptions.Exit(2)


@cli.command()
@click.option("--org", "org_id", help="Only this organisation [default: every one].")
@WORKSPACE_OPTION
def score(org_id: str | None, workspace: Path | None) -> None:
    """Score texts not yet scored by this model, and store the model's evaluation.

    Ingest and codebook changes score what they add; reports run this before rendering. Run it
    by hand after upgrading opsworkbench, so notebooks read fresh scores.
    """
    from opsworkbench.report.render import organisations, prepare

    if org_id and org_id not in organisations(workspace):
        raise OpsWorkbenchError(f"organisation '{org_id}' is not in the workspace")
    for done in prepare(workspace, [org_id] if org_id else None):
        click.echo(
            f"{done.org_id}: {done.texts} distinct texts; scored {done.scored} now, "
            f"{done.corrected} with codebook corrections; {done.removed} old scores removed"
        )


def _report(targets, *, workspace, out, jobs) -> None:
    from opsworkbench.report.render import render_all

    if not targets:
        raise OpsWorkbenchError(
            "nothing to render: no matching organisation or wave in the workspace"
        )
    results = render_all(targets, workspace=workspace, out_dir=out, jobs=jobs)
    failed = [r for r in results if not r.ok]
    click.echo(
        f"\n{len(results) - len(failed)} of {len(results)} reports rendered (portfolio: {out / 'index.html'}):"
    )
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
    from opsworkbench.report.render import report_targets

    if bool(org_id) == all_orgs:
        raise click.UsageError("give either --org ID or --all")
    targets = report_targets(workspace, org_id, wave_id)
    if org_id and not targets:
        from opsworkbench.report.render import organisations

        known = sorted(organisations(workspace))
        problem = (
            f"organisation '{org_id}' has no wave '{wave_id}'"
            if org_id in known
            else f"organisation '{org_id}' is not in the workspace"
        )
        raise OpsWorkbenchError(
            f"nothing to render: {problem} (it holds: {', '.join(known) or 'nothing'})"
        )
    if org_id and not wave_id:
        targets = targets[-1:]
    _report(targets, workspace=workspace, out=out, jobs=jobs)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the studies [default: data/sample in a source checkout, else ./sample]",
)
def sample(out: Path | None) -> None:
    """Regenerate the seeded sample organisations."""
    from opsworkbench.sample.generator import write_sample

    for path in write_sample(out or config.sample_out()):
        click.echo(f"wrote {path.parent}")


@cli.command()
@click.option("--jobs", "-j", default=2, show_default=True, type=click.IntRange(1))
@WORKSPACE_OPTION
def demo(jobs: int, workspace: Path | None) -> None:
    """Ingest the sample organisations and render every sample report.

    A source checkout has them in data/sample; an install writes them once into a `sample`
    folder beside the workspace (workspace/sample by default) and reuses them after that.
    """
    from opsworkbench.report.render import report_targets

    samples = config.bundled_samples()
    if samples is None:
        samples = config.workspace_path(workspace).parent / config.SAMPLE_FOLDER
        if any(samples.glob("*/study.yml")):
            click.echo(f"using the sample studies in {samples}")
        else:
            from opsworkbench.sample.generator import write_sample

            write_sample(samples)
            click.echo(f"this install bundles no samples: wrote the sample studies to {samples}")
    ctx = click.get_current_context()
    ctx.invoke(ingest, paths=(samples,), workspace=workspace)
    _report(report_targets(workspace), workspace=workspace, out=Path("reports"), jobs=jobs)


def _print_axis(name: str, report: dict) -> None:
    click.echo(
        f"  {name:<7} macro-F1 {report['macro_f1']:.3f}   accuracy {report['accuracy']:.3f}   n={report['n']}"
    )


def _print_comparison(reports: dict, indent: str = "  ") -> None:
    """One line per measure: each engine's number, oldest first ("0.679 → 0.812")."""

    def line(label: str, values: list) -> None:
        if any(v is not None for v in values):
            shown = " → ".join("–" if v is None else f"{v:.3f}" for v in values)
            click.echo(f"{indent}{label:<44} {shown}")

    runs = list(reports.values())
    for axis in ("focus", "result"):
        if axis in runs[0]:
            n = runs[0][axis]["n"]
            line(f"{axis} macro-F1 (n={n})", [r[axis]["macro_f1"] for r in runs])
            line(f"{axis} accuracy", [r[axis]["accuracy"] for r in runs])
    if "quadrant_accuracy" in runs[0]:
        line("quadrant accuracy", [r["quadrant_accuracy"] for r in runs])
        line(
            f"factory floor vs customer outcome (n={runs[0]['pure']['n']})",
            [r["pure"]["accuracy"] for r in runs],
        )


@cli.command()
@click.argument(
    "path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--text-column", help="Column with the texts (for PATH).")
@click.option("--focus-column", help="Column with internal/external labels.")
@click.option("--result-column", help="Column with output/outcome labels.")
@click.option("--by", "by", help="Also break the numbers down by this column (for PATH).")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(2))
def evaluate(path, text_column, focus_column, result_column, by, folds) -> None:
    """Measure the engine against the previous one, on the labelled sets shipped for evaluation
    and by cross-validation on its corpus, or on a labelled CSV/XLSX (PATH)."""
    from opsworkbench.tools.evaluation import compare_file, cross_validate, engines, heldout

    names = " → ".join(engines())
    if path is not None:
        if not text_column:
            raise click.UsageError("--text-column is required with PATH")
        reports = compare_file(
            path, text_column, focus_column=focus_column, result_column=result_column, by=by
        )
        click.echo(f"{path} ({names}):")
        _print_comparison(reports)
        for group in next(iter(reports.values())).get("groups", {}):
            click.echo(f"  {by} = {group}:")
            _print_comparison({k: r["groups"][group] for k, r in reports.items()}, "    ")
        return
    click.echo(f"Text in neither engine's corpus ({names}):")
    for spec in heldout().values():
        reports = compare_file(
            spec["path"],
            spec["text_column"],
            focus_column=spec["focus_column"],
            result_column=spec["result_column"],
        )
        click.echo(f"\n {spec['about']} ({spec['path'].name}, n={reports['engine 1']['n']}):")
        _print_comparison(reports)
    report = cross_validate(n_splits=folds)
    click.echo(
        f"\nStratified {folds}-fold cross-validation of engine 2 on its corpus (n={report['n']}):"
    )
    _print_axis("focus", report["focus"])
    _print_axis("result", report["result"])
    click.echo(
        f"  quadrant accuracy {report['quadrant_accuracy']:.3f}   hard cases "
        f"{report['hard_case_accuracy']:.3f}   calibration error {report['calibration_error']:.3f}"
    )
    click.echo(
        "  accuracy by kind: "
        + ", ".join(f"{k} {v:.3f}" for k, v in report["accuracy_by_kind"].items())
    )
    click.echo("\nConfusion matrix (rows: truth, columns: predicted):")
    click.echo(report["confusion"].to_string())


@cli.command()
@click.argument("input_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--text-column", required=True, help="Column with the texts to score.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output .csv or .xlsx (every input row and column, plus the scores).",
)
@click.option("--chunk-size", default=50_000, show_default=True, type=click.IntRange(1))
@click.option("--no-cues", is_flag=True, help="Skip explanations (faster for very large files).")
def classify(input_path, text_column, output, chunk_size, no_cues) -> None:
    """Add focus, result, quadrant, confidence and cues to any CSV/XLSX."""
    from tqdm import tqdm

    from opsworkbench.tools.classify import classify_file

    with tqdm(unit="rows", desc="classify") as bar:
        n = classify_file(
            input_path,
            output,
            text_column,
            chunk_size=chunk_size,
            explain=not no_cues,
            progress=bar.update,
        )
    click.echo(f"{n} rows written to {output}")


@cli.command()
@click.option("--org", "org_id", help="Organisation to open on [default: the first one].")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="JupyterLab's port [default: 8888 or the next free one].",
)
@click.option("--no-browser", is_flag=True, help="Print the address instead of opening a browser.")
@WORKSPACE_OPTION
def explore(org_id, port, no_browser, workspace) -> None:
    """Open the analyst's explorer (notebooks/explore.ipynb) in JupyterLab."""
    import os
    import subprocess

    from opsworkbench import workspace as ws

    path = config.workspace_path(workspace).resolve()
    con = ws.connect(path, read_only=True)
    try:
        known = ws.organisation_ids(con)
    finally:
        con.close()
    if not known:
        raise OpsWorkbenchError(f"{path}: no organisations yet — run `opsworkbench ingest` first")
    if org_id and org_id not in known:
        raise OpsWorkbenchError(
            f"organisation '{org_id}' is not in {path}; known: {', '.join(known)}"
        )
    from opsworkbench.report.context import store_themes

    con = ws.connect(path)  # themes are found once and stored, so the explorer only reads them
    try:
        found = sum(store_themes(con, org) for org in known)
    finally:
        con.close()
    if found:
        click.echo(f"Found and stored the themes of {found} question(s) of a wave.")
    notebook = config.PACKAGE.parent / "notebooks" / "explore.ipynb"
    if not (config.CHECKOUT and notebook.exists()):
        notebook = config.EXPLORE_NOTEBOOK
    env = {**os.environ, config.WORKSPACE_ENV: str(path), config.ORG_ENV: org_id or known[0]}
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={notebook.parent}"]
    command += [*(["--port", str(port)] if port else []), *(["--no-browser"] if no_browser else [])]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers: JupyterLab refuses root unasked
        command.append("--allow-root")
    click.echo(
        f"Opening {notebook.name} on {org_id or known[0]} ({path}); run all cells, Ctrl-C stops."
    )
    sys.exit(subprocess.call([*command, str(notebook)], env=env))


@cli.command()
@click.option("--org", "org_id", required=True, help="Organisation the workshop is about.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Port to serve on [default: 8866 or the next free one].",
)
@click.option(
    "--host",
    help="Address to serve on, as participants' devices reach it [default: this machine's "
    "address on the local network; 127.0.0.1 keeps the workshop on this machine].",
)
@click.option(
    "--no-browser", is_flag=True, help="Print the addresses without opening the presenter view."
)
@WORKSPACE_OPTION
def workshop(org_id, port, host, no_browser, workspace) -> None:
    """Run a live workshop: a presenter view to screen-share, and a page where participants
    answer the two questions (Voila on notebooks/workshop.ipynb)."""
    import time
    import webbrowser

    from opsworkbench.workshop import fold, server

    path = config.workspace_path(workspace).resolve()
    host = host or server.network_address()
    port = port or server.free_port(host)
    session = server.prepare(path, org_id, host, port)
    before = fold.fold_now(session)  # a restart carries on: what was sent before is kept
    from opsworkbench import workspace as ws
    from opsworkbench.report.context import store_themes

    con = ws.connect(path)  # the survey's themes are found once, so the presenter only reads
    try:
        store_themes(con, org_id)
    finally:
        con.close()
    settings = session.save()
    click.echo(f"Workshop for {session.name} ({org_id}), saved as wave {session.wave_id}.")
    if before.participants:
        click.echo(f"Carrying on: {before.participants} participant(s) already answered.")
    click.echo(f"  Presenter view (keep this address to yourself): {session.presenter_url}")
    click.echo(f"  Participants' page (shown on the presenter view): {session.participant_url}")
    click.echo("Ctrl-C ends the workshop.")
    folder = fold.Folder(session, report=lambda text: click.echo(text, err=True))
    folder.start()
    process = server.voila(settings, host, port)
    try:
        if not no_browser:
            time.sleep(2)
            webbrowser.open(session.presenter_url)
        code = process.wait()
    except KeyboardInterrupt:
        process.terminate()
        code = process.wait()
    finally:
        folder.stop()
    done = fold.fold_now(session)
    click.echo(
        f"Saved {done.participants} participant(s)' answers as wave {session.wave_id} "
        f"({done.decisions} facilitator decision(s) in the audit trail). Report: "
        f"opsworkbench report --org {org_id} --wave {session.wave_id}"
    )
    sys.exit(code if code not in (None, -15) else 0)


@cli.group()
def codebook() -> None:
    """Show or edit an organisation's codebook (each change is a new version)."""


def _codebook_add(org_id, action, target, value, note, by, workspace) -> None:
    from opsworkbench import workspace as ws
    from opsworkbench.intake.score import add_entry

    con = ws.connect(workspace)
    try:
        if ws.organisation(con, org_id) is None:
            raise OpsWorkbenchError(f"organisation '{org_id}' is not in the workspace")
        version = add_entry(con, org_id, action, target, value, note, author=by)
    finally:
        con.close()
    click.echo(f"{org_id}: codebook version {version} ({action} {target!r} → {value!r})")


ORG = click.option("--org", "org_id", required=True, help="Organisation id.")
NOTE = click.option("--note", default="", help="Why (shown in the report's method appendix).")
BY = click.option("--by", default=None, help="Who decided [default: your user name].")


@codebook.command("show")
@ORG
@WORKSPACE_OPTION
def codebook_show(org_id, workspace) -> None:
    """List every codebook entry."""
    from opsworkbench import workspace as ws
    from opsworkbench.intake.score import load_codebook

    con = ws.connect(workspace, read_only=True)
    try:
        book = load_codebook(con, org_id)
    finally:
        con.close()
    click.echo(f"{org_id}: codebook version {book.version}")
    if not book.entries.empty:
        click.echo(
            book.entries[
                ["version", "created_at", "author", "action", "target", "value", "note"]
            ].to_string(index=False)
        )


@codebook.command("rename")
@ORG
@click.option("--theme", required=True, help="The theme's key terms, as listed in the report.")
@click.option("--label", required=True)
@NOTE
@BY
@WORKSPACE_OPTION
def codebook_rename(org_id, theme, label, note, by, workspace) -> None:
    """Give a theme a name (carried to later waves whose theme has similar key terms)."""
    _codebook_add(org_id, "rename", theme, label, note, by, workspace)


@codebook.command("merge")
@ORG
@click.option(
    "--theme", "themes", multiple=True, required=True, help="Key terms of a theme (twice or more)."
)
@click.option("--label", required=True)
@NOTE
@BY
@WORKSPACE_OPTION
def codebook_merge(org_id, themes, label, note, by, workspace) -> None:
    """Merge two or more themes under one name."""
    _codebook_add(org_id, "merge", "||".join(themes), label, note, by, workspace)


@codebook.command("override")
@ORG
@click.option("--text", help="An exact answer, metric or key result text.")
@click.option("--term", help="A word or phrase.")
@click.option(
    "--quadrant",
    required=True,
    type=click.Choice(QUADRANTS),
)
@NOTE
@BY
@WORKSPACE_OPTION
def codebook_override(org_id, text, term, quadrant, note, by, workspace) -> None:
    """Set the quadrant of a text (exact) or a term (retrains the model for this organisation)."""
    if bool(text) == bool(term):
        raise click.UsageError("give either --text or --term")
    _codebook_add(org_id, "text" if text else "term", text or term, quadrant, note, by, workspace)


def main() -> None:
    """Entry point: user errors print one clear line and exit 2, not a traceback."""
    try:
        # without standalone mode, click returns a command's exit code instead of exiting
        code = cli.main(standalone_mode=False)
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
    except OSError as exc:  # a folder that cannot be written, a full disk
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
