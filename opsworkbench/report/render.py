"""Render organisation reports with papermill + nbconvert, atomically and in parallel."""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill as pm
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from tqdm import tqdm
from traitlets import default

from opsworkbench import workspace as ws
from opsworkbench.config import DEFAULT_REPORTS, REPORT_NOTEBOOK, TEMPLATES
from opsworkbench.intake.study import check_ids
from opsworkbench.report.portfolio import SUMMARY_MIME, write_portfolio


class DropStderr(Preprocessor):
    """Leave warnings and other stderr text of the kernel out of the page readers see."""

    def preprocess_cell(self, cell, resources, index):
        if "outputs" in cell:
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
            ]
        return cell, resources


class ThisPythonKernel(AsyncKernelManager):
    """Run the report kernel on the Python that runs opsworkbench (``sys.executable``).

    Jupyter would otherwise start whichever ``python3`` kernel is registered first on
    ``$JUPYTER_PATH``, in ``~/.local/share/jupyter`` or system-wide, which may be another
    environment with another opsworkbench (or none). With no kernel folders to search, the
    ``python3`` kernel is ipykernel's own, launched as ``sys.executable -m ipykernel_launcher``.
    """

    @default("kernel_spec_manager")
    def _only_this_python(self) -> KernelSpecManager:
        return KernelSpecManager(data_dir=self.data_dir, kernel_dirs=[])


def export_html(notebook: nbformat.NotebookNode, title: str = "") -> str:
    """An executed notebook as a code-free HTML page with the house template."""
    exporter = HTMLExporter(
        template_name="opsworkbench",
        preprocessors=[
            TagRemovePreprocessor(remove_cell_tags={"portfolio"}, enabled=True),
            DropStderr(),
        ],
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    resources = {"metadata": {"name": title}} if title else None
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


@functools.cache
def _warm_exporter() -> threading.Thread:
    """Compile the page templates (about half a second, once a process) in the background
    while the first report's kernel runs, instead of after it."""
    page = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("-")])
    thread = threading.Thread(target=export_html, args=(page,), daemon=True)
    thread.start()
    return thread


@dataclass
class RenderResult:
    org_id: str
    wave_id: str
    ok: bool
    seconds: float
    path: Path | None = None
    error: str = ""


def _swap_into_place(staging: Path, target: Path) -> None:
    """Replace ``target`` with ``staging`` so readers never see a half-written report."""
    old = target.with_name(f".old-{target.name}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def render_report(
    org_id: str,
    wave_id: str,
    *,
    workspace: str | Path | None = None,
    out_dir: str | Path = DEFAULT_REPORTS,
    notebook: Path = REPORT_NOTEBOOK,
    refresh: bool = True,
) -> Path:
    """Execute the report notebook for one organisation and wave.

    Writes ``<out_dir>/<org_id>/<wave_id>/report.html`` and the executed ``report.ipynb``.
    Both are written to a staging folder and swapped in only when everything succeeded; a
    failed run leaves the previous report untouched and its executed notebook in
    ``<out_dir>/<org_id>/failed-<wave_id>.ipynb``.

    With ``refresh`` (the default), texts not yet scored by this model are scored and stored
    first, with the model's evaluation; :func:`render_all` does that once for all its reports.

    Returns
    -------
    Path
        The HTML report.
    """
    check_ids(org_id, wave_id)  # ids become folder names: refuse any that escape out_dir
    workspace = ws.workspace_path(workspace).resolve()
    _warm_exporter()
    if refresh:
        prepare(workspace, [org_id])
    org_dir = Path(out_dir).resolve() / org_id
    org_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{wave_id}-", dir=org_dir))
    failed = org_dir / f"failed-{wave_id}.ipynb"
    try:
        executed = staging / "report.ipynb"
        try:
            notebook = pm.execute_notebook(
                str(notebook),
                str(executed),
                kernel_name="python3",
                kernel_manager_class=ThisPythonKernel,
                progress_bar=False,
                cwd=str(notebook.parent),
                report_mode=True,
                # written once at the end (or on failure), not twice per cell: a report has 30
                request_save_on_cell_execute=False,
                # the kernel's own log (e.g. its transport warning) is not for report readers
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                parameters={
                    "workspace": str(workspace),
                    "org_id": org_id,
                    "wave_id": wave_id,
                },
            )
        except Exception:
            if executed.exists():
                shutil.copy(executed, failed)
            raise
        summary = _recorded_summary(notebook)
        title = f"{summary['name']} — {wave_id}" if summary else f"{org_id} — {wave_id}"
        (staging / "report.html").write_text(export_html(notebook, title), encoding="utf-8")
        if summary is not None:
            (staging / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        target = org_dir / wave_id
        _swap_into_place(staging, target)
        failed.unlink(missing_ok=True)
        return target / "report.html"
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _recorded_summary(notebook) -> dict | None:
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if SUMMARY_MIME in output.get("data", {}):
                return output["data"][SUMMARY_MIME]
    return None


THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "RAYON_NUM_THREADS",
    "TOKIO_WORKER_THREADS",
)


def _ready() -> None:
    """Nothing: submitted first, so a worker process starts and imports this module early."""


def _render_one(args: tuple) -> RenderResult:
    org_id, wave_id, workspace, out_dir, threads = args
    if threads:
        # Each kernel's numeric thread pool gets its share of the cores; otherwise parallel
        # kernels oversubscribe them and two jobs run barely faster than one (measured 1.14x).
        for name in THREAD_VARIABLES:
            os.environ[name] = str(threads)
    start = time.perf_counter()
    try:
        path = render_report(org_id, wave_id, workspace=workspace, out_dir=out_dir, refresh=False)
        return RenderResult(org_id, wave_id, True, time.perf_counter() - start, path)
    except Exception as exc:  # one failing organisation must not stop the others
        message = str(exc).strip().splitlines()
        return RenderResult(
            org_id,
            wave_id,
            False,
            time.perf_counter() - start,
            error=message[-1] if message else type(exc).__name__,
        )


@functools.lru_cache(maxsize=2)
def _cross_validation(fingerprint: str) -> dict:
    """The model's cross-validation summary (once per model and process: about 10 s)."""
    from opsworkbench.tools.evaluation import cross_validate, summary

    return summary(cross_validate())


def prepare(workspace: str | Path | None, org_ids: list[str] | None = None) -> list:
    """Store what reports read and do not compute: scores of texts not yet scored by this model,
    the model's evaluation, and each wave's themes. Only what is missing is computed; this is
    the one writer, run before reports (the readers) start. Returns each organisation's
    :class:`~opsworkbench.intake.score.ScoreRefresh`."""
    # imported here: the processes that render reports need none of the model's libraries
    from opsworkbench.intake.score import refresh as refresh_scores
    from opsworkbench.language.scoring import model_fingerprint
    from opsworkbench.report.context import store_themes

    con = ws.connect(workspace)
    try:
        done = refresh_scores(con, org_ids or None)
        for org_id in org_ids or ws.organisation_ids(con):
            store_themes(con, org_id)
        fingerprint = model_fingerprint()
        if ws.model_evaluation(con, fingerprint) is None:
            ws.store_model_evaluation(con, fingerprint, _cross_validation(fingerprint))
        return done
    finally:
        con.close()


def organisations(workspace: str | Path | None = None) -> set[str]:
    """The organisation ids a workspace holds."""
    con = ws.connect(workspace, read_only=True)
    try:
        return set(ws.organisation_ids(con))
    finally:
        con.close()


def report_targets(
    workspace: str | Path | None = None, org_id: str | None = None, wave_id: str | None = None
) -> list[tuple[str, str]]:
    """(org, wave) pairs to render: every wave of every organisation unless narrowed."""
    con = ws.connect(workspace, read_only=True)
    try:
        pairs = ws.report_waves(con, org_id)
    finally:
        con.close()
    return [p for p in pairs if not wave_id or p[1] == wave_id]


def render_all(
    targets: list[tuple[str, str]],
    *,
    workspace=None,
    out_dir=DEFAULT_REPORTS,
    jobs: int = 1,
    progress: bool = True,
) -> list[RenderResult]:
    """Render many reports, ``jobs`` at a time, with a progress bar; never stops on a failure."""
    workspace = str(ws.workspace_path(workspace).resolve())
    pool = None
    if jobs > 1:  # the workers start (and import) while the scores and themes are prepared
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
        for _ in range(jobs):
            pool.submit(_ready)
    try:
        # one writer stores what is new before the readers start (a changed model: everything)
        prepare(workspace, sorted({org for org, _ in targets}))
        threads = max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else 0
        # largest first, so the last report to start is a short one and no worker idles long
        con = ws.connect(workspace, read_only=True)
        try:
            sizes = ws.wave_sizes(con)
        finally:
            con.close()
        ordered = sorted(targets, key=lambda t: -sizes.get(tuple(t), 0))
        tasks = [(org, wave, workspace, str(out_dir), threads) for org, wave in ordered]
        results = []
        bar = tqdm(total=len(tasks), desc="reports", unit="report", disable=not progress)
        if pool is None:
            for task in tasks:
                results.append(_render_one(task))
                bar.update()
        else:
            for future in as_completed([pool.submit(_render_one, t) for t in tasks]):
                results.append(future.result())
                bar.update()
    finally:
        if pool is not None:
            pool.shutdown()
    bar.close()
    write_portfolio(out_dir, organisations(workspace))
    return sorted(results, key=lambda r: (r.org_id, r.wave_id))
