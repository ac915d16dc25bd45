"""Starting a workshop: the session's settings, its addresses, and the Voila server."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from opsworkbench import config
from opsworkbench import workspace as ws
from opsworkbench.errors import OpsWorkbenchError
from opsworkbench.vocabulary import ALL_RESPONDENTS, DEFAULT_WORDING
from opsworkbench.workshop.session import (
    KEY_PARAMETER,
    SESSION_ENV,
    SETTINGS_NAME,
    Session,
    session_folder,
    survey_wave,
)

DEFAULT_PORT = 8866  # Voila's own default


def network_address() -> str:
    """This machine's address on its local network (what participants' phones can reach), or
    127.0.0.1 without a network. Nothing is sent: connecting a UDP socket only picks a route."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def free_port(host: str, start: int = DEFAULT_PORT, tries: int = 50) -> int:
    """The first port from ``start`` nothing listens on."""
    for port in range(start, start + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise OpsWorkbenchError(f"no free port from {start} to {start + tries - 1} on {host}")


def prepare(
    workspace: Path, org_id: str, host: str, port: int, day: dt.date | None = None
) -> Session:
    """The session for ``org_id`` today: its units and wording from the latest survey, its
    privacy minimums from the study. A restart on the same day keeps the presenter's key."""
    day = day or dt.date.today()
    con = ws.connect(workspace, read_only=True)
    try:
        org = ws.organisation(con, org_id)
        if org is None:
            known = ws.organisation_ids(con)
            raise OpsWorkbenchError(
                f"organisation '{org_id}' is not in {workspace}; known: {', '.join(known) or 'none'}"
            )
        wave = survey_wave(ws.wave_ids(con, org_id))
        units, wording = [], dict(DEFAULT_WORDING)
        if wave is not None:
            units = sorted(
                set(ws.table(con, "respondents", org_id, wave)["unit"].dropna()) - {ALL_RESPONDENTS}
            )
            asked = ws.questions(con, org_id, wave)
            if asked is not None:
                for q, text in zip(asked["question"], asked["wording"], strict=True):
                    if q in wording and isinstance(text, str) and text.strip():
                        wording[q] = text.strip()
    finally:
        con.close()
    folder = session_folder(workspace, org_id, day)
    session = Session(
        org_id=org_id,
        name=str(org["name"]),
        day=day.isoformat(),
        workspace=str(workspace.resolve()),
        folder=str(folder),
        units=units,
        wording=wording,
        min_size=int(org["min_group_size"]),
        min_quote_size=int(org["min_quote_group_size"]),
    )
    settings = folder / SETTINGS_NAME
    if settings.exists():
        session = replace(session, presenter_key=Session.load(settings).presenter_key)
    base = f"http://{host}:{port}/"
    return replace(
        session,
        participant_url=base,
        presenter_url=f"{base}?{KEY_PARAMETER}={session.presenter_key}",
    )


def notebook() -> Path:
    """``notebooks/workshop.ipynb`` in a checkout, else the copy the package ships."""
    linked = config.PACKAGE.parent / "notebooks" / "workshop.ipynb"
    return linked if config.CHECKOUT and linked.exists() else config.WORKSHOP_NOTEBOOK


# jupytext's front-end extension fails to load outside JupyterLab and would only add errors to
# the page.
DENIED_EXTENSIONS = '["jupyterlab-jupytext"]'


def voila(session_file: Path, host: str, port: int) -> subprocess.Popen:
    """Voila serving the workshop notebook: code hidden, errors shown without tracebacks."""
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook()),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={host}",
        "--theme=light",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--Voila.port_retries=0",
        "--Voila.log_level=WARN",
        # a room opening the page together can keep a kernel busy past Voila's 4 s default,
        # which would serve the page without its form
        "--VoilaExecutor.iopub_timeout=60",
        f"--VoilaConfiguration.extension_denylist={DENIED_EXTENSIONS}",
    ]
    env = {**os.environ, SESSION_ENV: str(session_file)}
    return subprocess.Popen(command, env=env)
