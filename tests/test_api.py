"""The public API: every advertised name resolves, and importing stays cheap."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import opsworkbench as ow

ROOT = Path(__file__).resolve().parents[1]  # run there, so this checkout is imported
HEAVY = ("pandas", "numpy", "scipy", "sklearn", "altair", "duckdb", "papermill", "nbconvert")


def test_every_public_name_resolves():
    assert ow.__all__ == sorted(ow.__all__) and dir(ow) == ow.__all__
    for name in ow.__all__:
        assert getattr(ow, name) is not None, name
    assert ow.QUADRANTS[0] in ow.QUADRANT_LABELS
    assert issubclass(ow.WorkspaceBusy, ow.OpsWorkbenchError)
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        ow.nothing_here  # noqa: B018


def _loaded(code: str) -> list[str]:
    """The heavy libraries a fresh interpreter has loaded after running ``code``."""
    probe = (
        f"{code}\nimport sys, json\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_importing_the_package_and_asking_the_command_for_help_load_nothing_heavy():
    assert _loaded("import opsworkbench, opsworkbench.vocabulary, opsworkbench.cli") == []
    help_ = (
        "import runpy, sys\nsys.argv = ['opsworkbench', '--help']\n"
        "try:\n    runpy.run_module('opsworkbench', run_name='__main__')\n"
        "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
    )
    assert _loaded(help_) == []


def test_diagnostics_and_html_fragments_do_not_load_charts_or_notebooks():
    loaded = _loaded(
        "import opsworkbench.diagnostics.analysis, opsworkbench.present.html, "
        "opsworkbench.report.portfolio"
    )
    assert not {"altair", "papermill", "nbconvert"} & set(loaded)
    assert _loaded("import opsworkbench.present.html, opsworkbench.report.portfolio") == [
        "pandas",
        "numpy",
    ]


def test_public_names_stay_what_they_are_whatever_was_imported_first():
    """A subpackage imported first must not shadow a public name (``ow.explore`` is a
    function, whether or not ``opsworkbench.explorer`` was imported before it)."""
    probe = (
        "import inspect, opsworkbench as ow, opsworkbench.explorer.widgets\n"
        "ow.Explorer\n"
        "print([n for n in ow.__all__ if inspect.ismodule(getattr(ow, n))])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
