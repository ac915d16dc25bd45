"""The built package, installed into a fresh virtual environment, renders a report on its own.

What only an install shows: package data left out of the wheel (templates, the report notebook,
the corpus and name lists), code that reads files from the source checkout, and a report kernel
started from another Python than the one opsworkbench is installed in.

The wheel is built from the sdist (``uv build``), so a file missing from the sdist fails too.
With uv's cache warm (CI installs the same dependencies into .venv first) the install takes
seconds; with a cold cache it downloads every dependency, about 600 MB unpacked.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ORG = "civic_it"  # the smallest sample organisation
# Never copied into the build: environments, local workspaces and reports, build output.
LOCAL = shutil.ignore_patterns(
    ".git",
    ".venv",
    "workspace",
    "reports",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".ipynb_checkpoints",
)
# Signs that the package registry cannot be reached (then the test is skipped, not failed).
OFFLINE = re.compile(
    r"failed to fetch|could not connect|connection (refused|reset|error)|dns error|"
    r"name or service not known|temporary failure in name resolution|network is unreachable|"
    r"no matching distribution|offline",
    re.I,
)


def _uv() -> list[str] | None:
    if shutil.which("uv"):
        return [shutil.which("uv")]
    probe = subprocess.run([sys.executable, "-m", "uv", "--version"], capture_output=True)
    return [sys.executable, "-m", "uv"] if probe.returncode == 0 else None


def _run(cmd, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)


def _install_or_skip(proc: subprocess.CompletedProcess, what: str) -> None:
    if proc.returncode == 0:
        return
    output = proc.stdout + proc.stderr
    if OFFLINE.search(output):
        pytest.skip(f"{what}: the package registry cannot be reached ({output.strip()[-300:]})")
    raise AssertionError(f"{what} failed:\n{output}")


def _copy_source(dest: Path) -> Path:
    """The checkout's files as they would be committed: tracked and new, never ignored ones."""
    listed = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT)
    if listed.returncode != 0:  # not a git checkout (e.g. an unpacked sdist)
        shutil.copytree(ROOT, dest, ignore=LOCAL)
        return dest
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def _decoy_kernel(folder: Path) -> Path:
    """A registered ``python3`` kernel from elsewhere that records its use and fails."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True)
    used = folder / "decoy-kernel-used"
    launcher = folder / "other-python"
    launcher.write_text(f'#!/bin/sh\necho "$@" > "{used}"\nexit 3\n')
    launcher.chmod(0o755)
    kernel = {"argv": [str(launcher), "-f", "{connection_file}"], "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel | {"display_name": "Other Python"}))
    return used


def test_installed_wheel_renders_a_report_outside_the_checkout(tmp_path):
    assert ROOT not in tmp_path.parents, "the install must live outside the checkout"
    uv = _uv()
    if uv is None and _run([sys.executable, "-m", "pip", "--version"]).returncode != 0:
        pytest.skip("neither uv nor pip is available to build and install the wheel")
    timings = {}

    start = time.perf_counter()
    source = _copy_source(tmp_path / "source")  # the build writes build/ and *.egg-info there
    dist = tmp_path / "dist"
    if uv:
        build = _run([*uv, "build", "--out-dir", dist, source])
    else:
        build = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, source])
    _install_or_skip(build, "building the wheel")
    (wheel,) = dist.glob("opsworkbench-*.whl")
    timings["build"] = time.perf_counter() - start

    start = time.perf_counter()
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    if uv:
        _install_or_skip(_run([*uv, "venv", "--python", sys.executable, venv]), "uv venv")
        install = _run([*uv, "pip", "install", "--python", python, wheel])
    else:
        _install_or_skip(_run([sys.executable, "-m", "venv", venv]), "venv")
        install = _run([python, "-m", "pip", "install", wheel])
    _install_or_skip(install, "installing the wheel")
    timings["install"] = time.perf_counter() - start

    # A user's shell: nothing of the checkout on the path, not inside any environment, and a
    # registered python3 kernel of another Python that the report must not run on.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "OPSWORKBENCH_WORKSPACE"}
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the first command compiles for the later ones
    decoy_used = _decoy_kernel(tmp_path / "jupyter")
    env["JUPYTER_PATH"] = str(tmp_path / "jupyter")
    cwd = tmp_path / "user"
    cwd.mkdir()
    start = time.perf_counter()
    installed = _run(
        [
            python,
            "-c",
            "import opsworkbench; from opsworkbench.report.render import ThisPythonKernel as K;"
            "print(opsworkbench.__file__); print(K(kernel_name='python3').kernel_spec.argv[0])",
        ],
        cwd=cwd,
        env=env,
    )
    assert installed.returncode == 0, installed.stderr
    package_file, kernel_python = installed.stdout.split()
    assert venv in Path(package_file).parents and ROOT not in Path(package_file).parents
    assert Path(kernel_python) == python, "the report kernel must run the install's Python"
    timings["first import"] = time.perf_counter() - start

    opsworkbench = venv / "bin" / "opsworkbench"
    start = time.perf_counter()
    for args in (["sample", "--out", "s"], ["ingest", "s", "--workspace", "w.duckdb"]):
        proc = _run([opsworkbench, *args], cwd=cwd, env=env)
        assert proc.returncode == 0, f"opsworkbench {' '.join(args)}:\n{proc.stdout}{proc.stderr}"
    timings["sample + ingest"] = time.perf_counter() - start

    start = time.perf_counter()
    proc = _run(
        [opsworkbench, "report", "--org", ORG, "--workspace", "w.duckdb", "--out", "r"],
        cwd=cwd,
        env=env,
    )
    timings["report"] = time.perf_counter() - start
    assert not decoy_used.exists(), "the report ran on a registered kernel of another Python"
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (page,) = (cwd / "r" / ORG).glob("*/report.html")
    text = page.read_text(encoding="utf-8")
    name = yaml.safe_load((cwd / "s" / ORG / "study.yml").read_text(encoding="utf-8"))["name"]
    assert html.escape(name) in text
    assert re.search(r"<h2[^>]*>\s*Executive summary", text)
    assert (cwd / "r" / "index.html").exists()
    print("wheel test: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
