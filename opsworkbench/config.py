"""Every default location in one place: the workspace, the bundled samples, reports, notebooks."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# A source checkout bundles the sample studies in data/sample; an installed package has only
# their generator (`opsworkbench sample`) and writes them to a `sample` folder of the user's.
CHECKOUT = (PACKAGE.parent / "pyproject.toml").is_file()
SAMPLE_DATA = PACKAGE.parent / "data" / "sample"
SAMPLE_FOLDER = "sample"
WORKSPACE_ENV = "OPSWORKBENCH_WORKSPACE"
DEFAULT_WORKSPACE = Path("workspace") / "opsworkbench.duckdb"
DEFAULT_REPORTS = Path("reports")
NOTEBOOKS = PACKAGE / "report" / "notebook"  # shipped in the package, so any install renders
REPORT_NOTEBOOK = NOTEBOOKS / "report.ipynb"
TEMPLATES = PACKAGE / "report" / "templates"
EXPLORE_NOTEBOOK = PACKAGE / "explorer" / "notebook" / "explore.ipynb"
WORKSHOP_NOTEBOOK = PACKAGE / "workshop" / "notebook" / "workshop.ipynb"
ORG_ENV = "OPSWORKBENCH_ORG"  # the organisation the explorer opens on


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


def bundled_samples() -> Path | None:
    """The checkout's ``data/sample`` studies, or None (an install, or a checkout without them)."""
    return SAMPLE_DATA if CHECKOUT and any(SAMPLE_DATA.glob("*/study.yml")) else None


def sample_out() -> Path:
    """Where ``opsworkbench sample`` writes by default: a checkout's ``data/sample``, else ``./sample``."""
    return SAMPLE_DATA if CHECKOUT else Path(SAMPLE_FOLDER)
