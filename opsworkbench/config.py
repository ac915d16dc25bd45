"""Every default location in one place: the workspace, the bundled samples, reports, notebooks."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# The bundled sample studies of a checkout (a wheel has the generator, `opsworkbench sample`).
SAMPLE_DATA = PACKAGE.parent / "data" / "sample"
WORKSPACE_ENV = "OPSWORKBENCH_WORKSPACE"
DEFAULT_WORKSPACE = Path("workspace") / "opsworkbench.duckdb"
DEFAULT_REPORTS = Path("reports")
NOTEBOOKS = PACKAGE / "report" / "notebook"  # shipped in the package, so any install renders
REPORT_NOTEBOOK = NOTEBOOKS / "report.ipynb"
TEMPLATES = PACKAGE / "report" / "templates"


def workspace_path(path: str | Path | None = None) -> Path:
    """The workspace file: the argument, else ``$OPSWORKBENCH_WORKSPACE``, else the default.

    The default is ``workspace/opsworkbench.duckdb`` under the current folder or, when there is
    none there, under the nearest parent folder that has one (so a notebook opened from a
    sub-folder of a project finds the project's workspace).
    """
    if path or os.environ.get(WORKSPACE_ENV):
        return Path(path or os.environ[WORKSPACE_ENV])
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / DEFAULT_WORKSPACE).exists():
            return folder / DEFAULT_WORKSPACE if folder != here else DEFAULT_WORKSPACE
    return DEFAULT_WORKSPACE
