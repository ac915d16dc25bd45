"""Real-browser tests of notebooks in JupyterLab: a private JupyterLab server, headless Chromium
(Playwright, Debian's binary, the network cut) and a few helpers to open and run notebooks.

    require_chromium()  # skip (or, under CI, fail) before starting anything
    with jupyter_lab(tmp_path / "root") as lab, browser_page(tmp_path) as tab:
        open_notebook(tab.page, lab, "demo.ipynb")
        run_all(tab.page)
        ...
        tab.assert_clean()  # no unexpected console errors, page errors or off-host requests

Everything is local: the server gets its own config/data/runtime/IPython folders (the venv's
lab extensions and kernelspec are still found through sys.prefix), JupyterLab's news, update
check and extension-manager lookups are off, and Chromium may only reach 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

# --- Chromium ------------------------------------------------------------------------------------


def chromium_path() -> str | None:
    """Debian's Chromium (the same lookup as the report's browser test), or None."""
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def _skip_or_fail(why: str) -> None:
    """Skip locally; under CI a missing browser dependency is an error, not a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{why}: run `make browser` (Debian: apt-get install chromium)")
    pytest.skip(f"{why} (make browser)")


def require_chromium() -> str:
    """The Chromium binary; skips the test when there is none (fails when $CI is set)."""
    path = chromium_path()
    if path is None:
        _skip_or_fail("Chromium is needed for the browser tests")
    return path


# --- JupyterLab server ---------------------------------------------------------------------------

# User settings written into the private config dir ({JUPYTER_CONFIG_DIR}/lab/user-settings).
_LAB_SETTINGS = {
    # No "Would you like to get notified about official Jupyter news?" toast (fetchNews "none"
    # asks), no news fetch and no update check (both would ask the server to reach the internet).
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    # Render every cell: with the default windowing, cells far below the viewport may not be in
    # the DOM yet, and a test could not find their widgets.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}

_LAB_ARGS = [
    "--no-browser",
    "--ServerApp.ip=127.0.0.1",
    "--ServerApp.port_retries=20",
    # The frontend's news/update requests go to these handlers; make them answer without network.
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    # The default ("pypi") extension manager asks pypi.org about installed extensions.
    "--LabApp.extension_manager=readonly",
    # window.jupyterapp: lets the helpers run JupyterLab commands and read kernel state directly.
    "--LabApp.expose_app_in_browser=True",
    "--ServerApp.terminals_enabled=False",
    "--allow-root",  # CI containers often run as root; harmless otherwise
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


# urllib without any *_proxy from the environment: the server is on 127.0.0.1.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Lab:
    """A running JupyterLab server."""

    url: str  # http://127.0.0.1:PORT/
    token: str
    root_dir: Path
    log: Path  # the server's stdout+stderr
    process: subprocess.Popen = field(repr=False)
    startup_s: float = 0.0  # from launching the server to its first answer

    def lab_url(self, path: str = "") -> str:
        """The URL that opens `path` (relative to root_dir) in JupyterLab."""
        return f"{self.url}lab/tree/{quote(str(path))}?token={self.token}"

    def api(self, endpoint: str, method: str = "GET", timeout: float = 5) -> object:
        """JSON from the server's REST API, e.g. lab.api("api/kernels")."""
        req = urllib.request.Request(
            self.url + endpoint, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with _http.open(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log, lines)


def _private_jupyter_dirs(home: Path) -> dict[str, Path]:
    """Config, data, runtime and IPython folders under ``home``, as environment variables, so a
    server started by a test reads none of the user's Jupyter settings."""
    dirs = {k: home / k.lower() for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR")}
    dirs |= {"JUPYTER_RUNTIME_DIR": home / "runtime", "IPYTHONDIR": home / "ipython"}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    return dirs


@contextlib.contextmanager
def jupyter_lab(
    root_dir: str | Path, env: dict[str, str] | None = None, timeout: float = 60
) -> Iterator[Lab]:
    """Start `jupyter lab` on a free 127.0.0.1 port, wait until it answers, stop it (and its
    kernels) on exit. Any exception leaving the block gets the server log's tail as a note."""
    root_dir = Path(root_dir).resolve()
    # Outside root_dir (it would show in the file browser); removed unless something failed.
    home = Path(tempfile.mkdtemp(prefix="jupyter-lab-"))
    dirs = _private_jupyter_dirs(home)
    # Page config overrides (what `jupyter labextension disable` writes to): no build check, the
    # one request that makes the server compare every extension with the built app (CPU on a
    # 2-core CI machine) and that could pop up a "Build recommended" dialog.
    labconfig = dirs["JUPYTER_CONFIG_DIR"] / "labconfig"
    labconfig.mkdir()
    (labconfig / "page_config.json").write_text(
        json.dumps({"buildCheck": False, "buildAvailable": False})
    )
    for name, values in _LAB_SETTINGS.items():
        target = (
            dirs["JUPYTER_CONFIG_DIR"] / "lab" / "user-settings" / f"{name}.jupyterlab-settings"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    full_env = {**os.environ, **(env or {}), **{k: str(v) for k, v in dirs.items()}}
    # The user's own config/extension paths stay out; sys.prefix/{etc,share}/jupyter (the venv's
    # server extensions, lab extensions such as jupyterlab_widgets and anywidget, and the kernelspec)
    # are on Jupyter's default paths as long as the server runs on this interpreter.
    for var in ("JUPYTER_CONFIG_PATH", "JUPYTER_PATH", "JUPYTER_TOKEN", "JUPYTER_PORT"):
        full_env.pop(var, None)
    full_env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silences a debugpy warning per kernel

    token = secrets.token_hex(16)
    log = home / "server.log"
    # `-m jupyterlab`, not `-m jupyter lab`: no search of $PATH for a `jupyter-lab` script, so
    # surely this interpreter (and the pid whose info file _wait_ready reads).
    cmd = [sys.executable, "-m", "jupyterlab", *_LAB_ARGS]
    cmd += [f"--ServerApp.root_dir={root_dir}", f"--ServerApp.port={_free_port()}"]
    cmd += [f"--IdentityProvider.token={token}"]
    with open(log, "wb") as out:
        # Own process group, so that on exit nothing the server started is left behind.
        proc = subprocess.Popen(
            cmd, cwd=root_dir, env=full_env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    keep = True  # the log stays for a look after a failure
    try:
        yield _wait_ready(proc, token, root_dir, log, dirs["JUPYTER_RUNTIME_DIR"], timeout)
        keep = False
    except pytest.skip.Exception:
        keep = False
        raise
    except BaseException as exc:
        exc.add_note(f"--- JupyterLab server log ({log}), last lines ---\n{_tail(log)}")
        raise
    finally:
        _stop(proc)
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


def _wait_ready(proc, token, root_dir, log, runtime_dir, timeout) -> Lab:
    """Wait for the server's info file (it holds the port actually bound) and /api/status."""
    start = time.monotonic()
    deadline = start + timeout
    lab = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early with code {proc.returncode}")
        if lab is None:
            info = runtime_dir / f"jpserver-{proc.pid}.json"
            with contextlib.suppress(OSError, ValueError):
                port = json.loads(info.read_text())["port"]
                lab = Lab(f"http://127.0.0.1:{port}/", token, root_dir, log, proc)
        if lab is not None:
            with contextlib.suppress(OSError, ValueError):
                lab.api("api/status", timeout=2)
                lab.startup_s = time.monotonic() - start
                return lab
        time.sleep(0.1)
    raise TimeoutError(f"JupyterLab did not answer within {timeout:.0f} s")


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM makes the server shut its kernels down; anything left is then killed. Kernels run
    in their own sessions (jupyter_client starts them so), hence the explicit list of them."""
    import psutil  # an ipykernel dependency

    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        kids = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    _, alive = psutil.wait_procs(kids, timeout=5)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()


# --- Workshop server (opsworkbench workshop) -----------------------------------------------------

_PRESENTER_LINE = re.compile(r"Presenter view.*?(https?://\S+)")
_PARTICIPANT_LINE = re.compile(r"Participants' page.*?(https?://\S+)")
_WAVE_LINE = re.compile(r"saved as wave (\S+?)\.?$", re.MULTILINE)


@dataclass
class Workshop:
    """A running ``opsworkbench workshop`` (its Voila server and its folding thread)."""

    presenter_url: str  # http://127.0.0.1:PORT/?presenter=KEY
    participant_url: str  # http://127.0.0.1:PORT/
    org_id: str
    wave_id: str  # workshop-YYYY-MM-DD, as the command printed it
    workspace: Path
    output_file: Path  # the command's stdout+stderr (Voila's and the kernels' logs too)
    process: subprocess.Popen = field(repr=False)
    startup_s: float = 0.0  # from launching the command to the server's first answer
    exit_code: int | None = None  # set by stop()
    final_output: str | None = None  # the whole output, kept by stop()

    @property
    def folder(self) -> Path:
        """The session's folder beside the workspace (session.json, log.jsonl)."""
        return self.workspace.parent / "workshops" / f"{self.org_id}-{self.wave_id}"

    @property
    def log(self) -> Path:
        return self.folder / "log.jsonl"

    def session(self) -> dict:
        return json.loads((self.folder / "session.json").read_text(encoding="utf-8"))

    def output(self) -> str:
        if self.final_output is not None:
            return self.final_output
        return self.output_file.read_text(encoding="utf-8", errors="replace")

    def output_tail(self, lines: int = 60) -> str:
        return _tail(self.output_file, lines)

    def stop(self, timeout: float = 90) -> int:
        """Ctrl-C, as in the terminal the command runs in (SIGINT to its process group: the
        command and Voila), then wait for the final fold; kill everything after ``timeout``.
        Returns the exit code; safe to call again."""
        if self.exit_code is None:
            self.exit_code = _interrupt(self.process, timeout)
            self.final_output = self.output()
        return self.exit_code


@contextlib.contextmanager
def workshop_server(
    workspace: str | Path,
    org_id: str,
    env: dict[str, str] | None = None,
    timeout: float = 90,
    stop_timeout: float = 90,
) -> Iterator[Workshop]:
    """Start ``opsworkbench workshop --org ORG --workspace W --host 127.0.0.1 --port <free>
    --no-browser`` (this checkout's code, this interpreter), wait until its server answers, and
    yield the addresses it printed. On exit: Ctrl-C (SIGINT) and a wait for the command to fold
    and finish (killed after ``stop_timeout``). Any exception leaving the block gets the
    command's output as a note; the output file stays in the temporary folder for a look."""
    workspace = Path(workspace).resolve()
    home = Path(tempfile.mkdtemp(prefix="opsworkbench-workshop-"))
    dirs = _private_jupyter_dirs(home)
    root = Path(__file__).resolve().parents[1]
    full_env = {**os.environ, **(env or {}), **{k: str(v) for k, v in dirs.items()}}
    for var in ("JUPYTER_CONFIG_PATH", "JUPYTER_PATH", "JUPYTER_TOKEN", "JUPYTER_PORT"):
        full_env.pop(var, None)
    # This checkout's package, in the command, in Voila and in every page's kernel.
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(root), full_env.get("PYTHONPATH", "")) if p
    )
    full_env["PYTHONUNBUFFERED"] = "1"  # the addresses are printed before Voila starts
    full_env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    port = _free_port()
    cmd = [sys.executable, "-m", "opsworkbench", "workshop", "--org", org_id]
    cmd += ["--workspace", str(workspace), "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--no-browser"]
    output = home / "workshop.log"
    with open(output, "wb") as out:
        # Own process group: Ctrl-C reaches the command and Voila, as from a terminal.
        proc = subprocess.Popen(
            cmd, cwd=home, env=full_env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    server = None
    keep = True  # the output stays for a look after a failure
    try:
        server = _wait_workshop(proc, output, org_id, workspace, timeout)
        yield server
        keep = False
    except pytest.skip.Exception:
        keep = False
        raise
    except BaseException as exc:
        if server is not None:
            server.stop(stop_timeout)
        else:
            _interrupt(proc, stop_timeout)
        exc.add_note(
            f"--- opsworkbench workshop output ({output}), last lines ---\n{_tail(output)}"
        )
        raise
    finally:
        if server is not None:
            server.stop(stop_timeout)
        elif proc.poll() is None:
            _interrupt(proc, stop_timeout)
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


def _wait_workshop(proc, output: Path, org_id: str, workspace: Path, timeout: float) -> Workshop:
    """Wait for the two addresses in the command's output, then for an HTTP answer (any status:
    the page itself is not asked for, since each page load starts a kernel)."""
    start = time.monotonic()
    deadline = start + timeout
    server = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"opsworkbench workshop exited early with code {proc.returncode}")
        if server is None:
            text = output.read_text(encoding="utf-8", errors="replace")
            presenter, participant = _PRESENTER_LINE.search(text), _PARTICIPANT_LINE.search(text)
            wave = _WAVE_LINE.search(text)
            if presenter and participant and wave:
                server = Workshop(
                    presenter.group(1), participant.group(1), org_id, wave.group(1), workspace,
                    output, proc,
                )  # fmt: skip
        if server is not None:
            try:
                _http.open(server.participant_url + "voila/static/", timeout=2).close()
                answered = True
            except urllib.error.HTTPError:
                answered = True  # a 404 is an answer: the server is listening
            except OSError:
                answered = False
            if answered:
                server.startup_s = time.monotonic() - start
                return server
        time.sleep(0.1)
    raise TimeoutError(f"opsworkbench workshop did not answer within {timeout:.0f} s")


def _interrupt(proc: subprocess.Popen, timeout: float) -> int:
    """SIGINT to the process group, wait; then SIGKILL to it and to anything it started (Voila
    starts each kernel in its own session)."""
    import psutil  # an ipykernel dependency

    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        kids = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGINT)
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        code = proc.wait(timeout=10)
    _, alive = psutil.wait_procs(kids, timeout=5)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()
    return code


# --- Browser -------------------------------------------------------------------------------------

# Chromium may only talk to this machine. The proxy that does not exist (port 9, "discard") takes
# every http(s)/ws request that is not to loopback (loopback always bypasses proxies; note that
# `<-loopback>` would do the opposite and send 127.0.0.1 to the dead proxy too); the resolver
# rules make every name but localhost unresolvable for anything that does not use the proxy.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1;localhost",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

# Every URL that is not on loopback (and not data:/blob:, which never touch the network). Playwright
# matches a regex route in its driver, so local requests do not make a round trip through Python.
_OFF_HOST = re.compile(
    r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?[/?#]|data:|blob:)"
)

# Console errors that are harmless, as (pattern, why) pairs; any other console error fails
# BrowserTab.assert_clean(). Deliberately empty: JupyterLab 4.6 configured as above logs no
# console error at all offline, with a trivial notebook or with ipywidgets and an offline
# altair.JupyterChart (checked with Chromium's network cut). Its news and update checks go to the
# server (/lab/api/news, /lab/api/update), which answers empty with news_url=None and
# NeverCheckForUpdate; even with the defaults it only shows the news-consent toast and logs
# nothing. Translations, settings, themes and extensions are all served locally. Add an entry
# only for an error seen to be harmless, with the reason.
KNOWN_BENIGN_CONSOLE_ERRORS: list[tuple[re.Pattern[str], str]] = []


@dataclass
class BrowserTab:
    """One Chromium page plus what it logged: console errors, uncaught page errors, and requests
    to other hosts (aborted)."""

    page: object  # playwright.sync_api.Page
    name: str = "page"
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def unexpected_console_errors(self) -> list[str]:
        return [
            e for e in self.console_errors
            if not any(p.search(e) for p, _ in KNOWN_BENIGN_CONSOLE_ERRORS)
        ]  # fmt: skip

    def assert_clean(self) -> None:
        """No console errors beyond the known-benign ones, no page errors, no off-host requests."""
        problems = {
            "console errors": self.unexpected_console_errors(),
            "page errors": self.page_errors,
            "blocked requests": self.blocked,
        }
        assert not any(problems.values()), json.dumps(problems, indent=1)


@dataclass
class Chromium:
    """One headless Chromium (network cut) in which tests open tabs, each in its own browser
    context (its own cookies and local storage: another device, as far as a server can tell)."""

    browser: object  # playwright.sync_api.Browser
    tabs: list[BrowserTab] = field(default_factory=list)

    def new_tab(self, viewport: tuple[int, int] = (1400, 900), name: str = "") -> BrowserTab:
        """A page in a new context; requests to other hosts are aborted and recorded, and the
        page's console errors and uncaught errors are recorded."""
        context = self.browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            service_workers="block",  # so every request goes through the routes below
        )
        context.set_default_timeout(60_000)  # generous: CI machines may have 2 slow cores
        page = context.new_page()
        tab = BrowserTab(page, name=name or f"tab{len(self.tabs) + 1}")

        def abort(route):
            tab.blocked.append(route.request.url)
            route.abort("blockedbyclient")

        def refuse_ws(ws):
            tab.blocked.append(ws.url)
            ws.close()

        context.route(_OFF_HOST, abort)
        context.route_web_socket(_OFF_HOST, refuse_ws)
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and tab.console_errors.append(
                    m.text + (f" [{m.location['url']}]" if m.location.get("url") else "")
                )
            ),
        )
        page.on("pageerror", lambda e: tab.page_errors.append(f"{e.name}: {e.message}"))
        self.tabs.append(tab)
        return tab

    def assert_clean(self) -> None:
        """BrowserTab.assert_clean() of every tab, each problem listed once with its tabs."""
        problems: dict[str, list[str]] = {}
        for tab in self.tabs:
            for kind, items in (
                ("console error", tab.unexpected_console_errors()),
                ("page error", tab.page_errors),
                ("blocked request", tab.blocked),
            ):
                for item in dict.fromkeys(items):
                    problems.setdefault(f"{kind}: {item}", []).append(tab.name)
        every = len(self.tabs)
        assert not problems, json.dumps(
            {k: "every tab" if len(v) == every > 1 else v for k, v in problems.items()}, indent=1
        )


@contextlib.contextmanager
def chromium(tmp_path: Path) -> Iterator[Chromium]:
    """Headless Chromium with the network cut, for tabs opened with Chromium.new_tab(). On an
    exception every tab is saved as tmp_path/failure-<name>.png and what each logged is added
    to the error."""
    executable = require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("Playwright (Python) is needed for the browser tests")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        chrome = Chromium(browser)
        try:
            yield chrome
        except pytest.skip.Exception:
            raise
        except BaseException as exc:
            for tab in chrome.tabs:
                name = "failure" if tab.name == _ONLY_TAB else f"failure-{tab.name}"
                shot = Path(tmp_path) / f"{name}.png"
                with contextlib.suppress(Exception):
                    tab.page.screenshot(path=shot, timeout=10_000)
                if len(chrome.tabs) == 1:
                    exc.add_note(
                        f"--- browser: screenshot {shot}\nconsole errors: {tab.console_errors}\n"
                        f"page errors: {tab.page_errors}\nblocked requests: {tab.blocked}"
                    )
            if len(chrome.tabs) > 1:
                logged = [
                    t.name for t in chrome.tabs if t.console_errors or t.page_errors or t.blocked
                ]
                exc.add_note(
                    f"--- browser: screenshots of all {len(chrome.tabs)} tabs in {tmp_path}; "
                    f"tabs that logged errors or blocked requests: {', '.join(logged) or 'none'} "
                    "(Chromium.assert_clean() lists them)"
                )
            raise
        finally:
            browser.close()


_ONLY_TAB = "page"  # browser_page's one tab: its failure screenshot is tmp_path/failure.png


@contextlib.contextmanager
def browser_page(tmp_path: Path, viewport: tuple[int, int] = (1400, 900)) -> Iterator[BrowserTab]:
    """Headless Chromium on one page with the network cut. On an exception the page is saved as
    tmp_path/failure.png and what the page logged is added to the error."""
    with chromium(tmp_path) as chrome:
        yield chrome.new_tab(viewport, name=_ONLY_TAB)


# --- Notebook helpers ----------------------------------------------------------------------------

# JavaScript run in the page: the NotebookPanel open on `path` (window.jupyterapp is there
# because of --LabApp.expose_app_in_browser).
_PANEL_JS = """
(path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;
  return Array.from(app.shell.widgets('main')).find(
    w => w.context && w.context.path === path && w.content && w.content.widgets) || null;
}
"""

# True when the notebook's kernel is connected and idle and no cell is queued or running ([*]).
# A dialog (no kernelspec, "Kernel died", ...) returns its text, so waits fail at once and say why.
_IDLE_JS = f"""
(path) => {{
  const dialog = document.querySelector('.jp-Dialog');
  if (dialog) return 'JupyterLab shows a dialog: ' + dialog.innerText;
  const panel = ({_PANEL_JS})(path);
  if (!panel || !panel.context.isReady || !panel.sessionContext.isReady) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle' || kernel.connectionStatus !== 'connected') return false;
  return !Array.from(panel.node.querySelectorAll('.jp-InputArea-prompt'))
    .some(p => p.textContent.includes('*'));
}}
"""


def _current_path(page) -> str:
    path = page.evaluate(
        "() => { const w = window.jupyterapp.shell.currentWidget; return w && w.context"
        " ? w.context.path : null; }"
    )
    assert path, "no notebook is the current widget in JupyterLab"
    return path


def open_notebook(page, lab: Lab, path: str, timeout: float = 120, collapse_left: bool = True):
    """Open `path` (relative to lab.root_dir) and wait until its panel is visible and its kernel
    started and idle. The left sidebar is collapsed so screenshots show the notebook."""
    page.goto(lab.lab_url(path), wait_until="domcontentloaded", timeout=timeout * 1000)
    page.wait_for_function(
        f"(path) => {{ const p = ({_PANEL_JS})(path); return !!p && p.isVisible; }}",
        arg=str(path),
        timeout=timeout * 1000,
    )
    if collapse_left:
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    wait_idle(page, str(path), timeout)


def wait_idle(page, path: str | None = None, timeout: float = 120) -> None:
    """Wait until the notebook's kernel is idle and no cell shows [*] (default: current one)."""
    done = page.wait_for_function(_IDLE_JS, arg=path or _current_path(page), timeout=timeout * 1000)
    assert done.json_value() is True, done.json_value()


def run_all(page, timeout: float = 180, check: bool = True) -> None:
    """Run every cell of the current notebook with JupyterLab's own "Run All Cells" command and
    wait until the last one has finished. With check, a cell that raised fails the test with
    its error. (The command's promise resolves once all cells have replied; a flag set from it
    is polled, since page.evaluate itself would wait without a time limit.)"""
    path = _current_path(page)
    page.evaluate(
        """() => {
          window.__runAll = {done: false};
          window.jupyterapp.commands.execute('notebook:run-all-cells').then(
            ok => { window.__runAll = {done: true, ok}; },
            err => { window.__runAll = {done: true, ok: false, error: String(err)}; });
        }"""
    )
    page.wait_for_function("() => window.__runAll.done", timeout=timeout * 1000)
    wait_idle(page, path, timeout)
    if check:
        errors = page.evaluate(
            f"""(path) => ({_PANEL_JS})(path).content.widgets
              .flatMap(c => c.model.type === 'code' ? c.model.sharedModel.outputs : [])
              .filter(o => o.output_type === 'error')
              .map(o => o.ename + ': ' + o.evalue)""",
            path,
        )
        status = page.evaluate("() => window.__runAll")
        assert not errors and status.get("ok", True), f"Run All failed: {status} {errors}"


def screenshot(page, tmp_path: Path, name: str) -> Path:
    """Save the page as tmp_path/<name>.png and return the path."""
    path = Path(tmp_path) / f"{name}.png"
    page.screenshot(path=path)
    return path


# --- Workshop pages ------------------------------------------------------------------------------
# The presenter view and the participants' page of `opsworkbench workshop` (Voila): waiting for
# them, filling them in, and timing what reaches the presenter's screen. Times measured in the
# pages are epoch ms (Date.now()): every page runs on this machine's clock.

PRESENTER_SIZE = (1280, 720)  # a shared screen
PHONE_SIZE = (390, 844)  # a participant's phone
SEND = "Send my answers"

# Records when the presenter's count (the first .ow-count) first reads each value, in
# window.__owCounts = {"1": epoch ms, ...}. A MutationObserver runs right after the DOM changes,
# so this is the moment the screen can show it.
_WATCH_COUNT_JS = """
() => {
  window.__owCounts = window.__owCounts || {};
  const look = () => {
    const el = document.querySelector('.ow-count');
    const n = el && el.textContent.trim();
    if (n && !(n in window.__owCounts)) window.__owCounts[n] = Date.now();
  };
  look();
  new MutationObserver(look).observe(document.body,
    {subtree: true, childList: true, characterData: true});
}
"""

# The presenter's body: everything below its top bar. The title and the count are drawn first,
# the body once its step's analysis is done.
_BODY_JS = """
() => {
  const top = document.querySelector('.ow-bar-top');
  let html = '';
  for (let e = top && top.nextElementSibling; e; e = e.nextElementSibling) html += e.innerHTML;
  return html;
}
"""

# Text a person sees: the page's rendered text and every SVG text element with a size (charts
# are drawn as inline SVG).
_VISIBLE_TEXT_JS = """
() => {
  const svg = [...document.querySelectorAll('svg text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(t).visibility !== 'hidden';
  }).map(t => t.textContent);
  return document.body.innerText + '\\n' + svg.join('\\n');
}
"""

_SEND_READY_JS = f"""
() => [...document.querySelectorAll('button')]
  .some(b => b.textContent.includes({SEND!r}) && !b.disabled)
"""

# Click Send at an agreed moment (epoch ms); the page records when it clicked.
_SEND_AT_JS = f"""
(at) => {{
  const button = [...document.querySelectorAll('button')]
    .find(b => b.textContent.includes({SEND!r}));
  if (!button || button.disabled) return false;
  setTimeout(() => {{ window.__owClickedAt = Date.now(); button.click(); }},
             Math.max(0, at - Date.now()));
  return true;
}}
"""


def open_presenter(chrome: Chromium, url: str, timeout: float = 120) -> tuple[BrowserTab, float]:
    """The presenter view at 1280×720, once its count and its first step are drawn; returns
    the tab and the seconds it took. Its count's changes are recorded from then on."""
    tab = chrome.new_tab(PRESENTER_SIZE, name="presenter")
    start = time.monotonic()
    tab.page.goto(url, wait_until="commit", timeout=timeout * 1000)
    tab.page.locator(".ow-count").first.wait_for(timeout=timeout * 1000)
    settle(tab.page)
    seconds = time.monotonic() - start
    tab.page.evaluate(_WATCH_COUNT_JS)
    return tab, seconds


def presenter_count(page) -> int:
    return int(page.locator(".ow-count").first.inner_text().strip())


def count_times(page) -> dict[int, int]:
    """When the presenter's count first read each value (epoch ms), since open_presenter."""
    return {int(k): v for k, v in page.evaluate("() => window.__owCounts || {}").items()}


def wait_count(page, count: int, timeout: float = 60) -> int:
    """Wait until the presenter's count has read ``count``; returns when (epoch ms)."""
    page.wait_for_function(
        f"() => window.__owCounts && window.__owCounts['{count}']", timeout=timeout * 1000
    )
    return count_times(page)[count]


def presenter_body(page) -> str:
    return page.evaluate(_BODY_JS)


def settle(page, before: str | None = None, quiet_ms: int = 600, timeout: float = 60) -> None:
    """Wait until the presenter's body differs from ``before`` (when given), then until it has
    not changed for ``quiet_ms``."""
    deadline = time.monotonic() + timeout
    body = presenter_body(page)
    while before is not None and body == before:
        assert time.monotonic() < deadline, "the presenter's body was not redrawn"
        page.wait_for_timeout(20)
        body = presenter_body(page)
    quiet_since = time.monotonic()
    while (time.monotonic() - quiet_since) * 1000 < quiet_ms:
        assert time.monotonic() < deadline, "the presenter's body kept changing"
        page.wait_for_timeout(50)
        now = presenter_body(page)
        if now != body:
            body, quiet_since = now, time.monotonic()


def go_step(page, key: str, number: int, steps: int = 6) -> float:
    """Press ``key`` (ArrowRight/ArrowLeft), wait until step ``number`` (1-based) is drawn and
    settled; returns the seconds from the key press to the new step's body on screen."""
    before = presenter_body(page)
    start = time.monotonic()
    page.keyboard.press(key)
    page.wait_for_function(
        f"(before) => ({_BODY_JS})() !== before && [...document.querySelectorAll('.ow-step')]"
        f".some(e => /step {number} of {steps}\\b/i.test(e.textContent))",
        arg=before,
    )
    drawn = time.monotonic() - start
    settle(page)
    return drawn


def visible_count(page, selector: str) -> int:
    return sum(1 for el in page.locator(selector).all() if el.is_visible())


def names_shown(page, names: list[str]) -> list[str]:
    """Which of ``names`` a person can read on the page (whole words, case as given)."""
    text = page.evaluate(_VISIBLE_TEXT_JS)
    return [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]


def open_participants(
    chrome: Chromium, url: str, count: int, at_once: int, timeout: float = 600
) -> tuple[list[BrowserTab], list[float]]:
    """Open ``count`` participant pages at phone size, each in its own browser context (another
    device), ``at_once`` loading at a time. Returns the tabs and each page's load time in s, from
    asking for it to its form ready to fill in. Playwright's sync API waits on one page at a
    time, so pages are asked for with wait_until="commit" and then polled."""
    tabs = [chrome.new_tab(PHONE_SIZE, name=f"participant{i + 1:02d}") for i in range(count)]
    started: dict[int, float] = {}
    loaded: dict[int, float] = {}
    waiting = list(range(count))
    deadline = time.monotonic() + timeout
    while len(loaded) < count:
        assert time.monotonic() < deadline, f"only {len(loaded)} of {count} pages loaded"
        while waiting and len(started) - len(loaded) < at_once:
            i = waiting.pop(0)
            started[i] = time.monotonic()
            tabs[i].page.goto(url, wait_until="commit", timeout=120_000)
        for i in [i for i in started if i not in loaded]:
            page = tabs[i].page
            if page.get_by_role("button", name=SEND).is_visible():
                loaded[i] = time.monotonic() - started[i]
        time.sleep(0.05)
    return tabs, [loaded[i] for i in range(count)]


def fill_answers(page, work: str, success: str, unit: str | None = None) -> None:
    """Fill in the participant's form (the unit only when given)."""
    if unit:
        page.locator("select").first.select_option(label=unit)
    boxes = page.locator("textarea")
    boxes.nth(0).fill(work)
    boxes.nth(1).fill(success)


def wait_send_ready(page, timeout: float = 30) -> None:
    """Wait until Send is enabled (the kernel has seen both answers)."""
    page.wait_for_function(_SEND_READY_JS, timeout=timeout * 1000)


def send_together(tabs: list[BrowserTab], delay: float = 1.5, timeout: float = 60) -> list[int]:
    """Every page clicks Send at the same moment, ``delay`` s from now on the machine's clock
    (the sync API would otherwise click one page after another); waits until each shows
    "Received" and returns when each clicked (epoch ms)."""
    at = int(time.time() * 1000 + delay * 1000)
    scheduled = [tab.page.evaluate(_SEND_AT_JS, at) for tab in tabs]
    assert all(scheduled), "a Send button was missing or disabled"
    for tab in tabs:
        tab.page.get_by_text("Received — thank you").wait_for(timeout=timeout * 1000)
    return [tab.page.evaluate("() => window.__owClickedAt") for tab in tabs]


def participant_id(page) -> str | None:
    """The participant id the page keeps in the browser's local storage."""
    return page.evaluate("() => window.localStorage.getItem('opsworkbench-participant')")
