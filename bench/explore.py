"""Time the analyst's explorer at 50,000 answers: opening it, and every click an analyst makes.

Run: .venv/bin/python bench/explore.py [--answers 50000] [--interactions 300] [--repeat 3]
     [--rebuild] [--skip-sample | --sample-only] [--profile]

The organisation is built as ``bench/ingest_scale.py`` builds its export: every sample
organisation's respondents resampled (seeded) into one study of about ``--answers`` answers
(two per person: 29 units, 16 roles, 4 tenure bands), with Harbour Mutual's metrics and key
results, plus two tiny units (3 and 4 people) that privacy hides. It is ingested (which
scores it) and ``prepare``d (which stores its themes) once, and kept in the temp folder for
later runs (``--rebuild`` makes it again).

Figures, in one process:
- opening: ``Explorer(workspace, org)`` (read the wave, cut it, draw every view), the first
  open and the median of ``--repeat`` more (the first also reads the charts' JavaScript
  bundle);
- interactions (target: 100 ms each at 50,000 answers, met when every kind's 95th percentile
  is under it): a scripted session of ``--interactions`` widget changes, cycling through
  every unit (hidden ones too), a role and tenure band of it, the question, a quadrant, a
  theme from the dropdown, a click on a theme bar and on a unit of the map (set as the
  browser sets them, through the chart's ``_vl_selections``), "Clear filters" and a search. Each is timed as the wall time of the one
  assignment (or click) that fires it, since observers run inside it; they are also split by
  whether they lead to a state of the filters and search not seen before in the session, or
  to one seen before (the explorer caches what a state shares with others);
- baseline: as many assignments to a Dropdown with the same options and an observer that does
  nothing, timed the same way (the cost of ipywidgets itself).
Then, in fresh processes (median of ``--repeat``): opening the sample organisation
``harbour_mutual`` (target: 3 s after the interpreter starts), as ``ow.ingest`` leaves it
(themes not stored: the explorer finds them) and after ``prepare`` stored its themes, warm
(the JavaScript bundle cached under ~/.cache/opsworkbench) and once cold (``XDG_CACHE_HOME``
an empty folder, so the bundle is built again); against ``python -c pass`` started the same
way, with the import of ``opsworkbench.explorer.widgets`` alone for comparison.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import opsworkbench as ow  # noqa: E402
from bench.ingest_scale import build_export  # noqa: E402

ORG = "scale"
TINY_UNITS = {"Pilot Team": 3, "Board Office": 4}  # hidden by privacy (minimum 5)
BUILD = 1  # bump when the organisation built here changes
SEARCHES = ["customers", "claims", "process", "on time", "quality", "budget"]
TARGET_MS = 100.0
TARGET_OPEN_S = 3.0


# --- the organisation ---


def build_workspace(answers: int, rebuild: bool) -> Path:
    """The workspace holding the scaled organisation, built once per size and model."""
    from opsworkbench.language.scoring import model_fingerprint
    from opsworkbench.report.render import prepare

    folder = (
        Path(tempfile.gettempdir())
        / "opsworkbench-bench"
        / (f"explore-{answers}-b{BUILD}-{model_fingerprint()[:12]}")
    )
    workspace, ready = folder / "ws.duckdb", folder / "ready"
    if ready.exists() and not rebuild:
        print(f"reusing {workspace} (--rebuild to make it again)")
        return workspace
    shutil.rmtree(folder, ignore_errors=True)
    study = folder / "study"
    study.mkdir(parents=True)
    start = time.perf_counter()
    build_export(study, answers)
    export = pd.read_csv(study / "export.csv", dtype=str, keep_default_na=False)
    row = 0
    for unit, size in TINY_UNITS.items():
        export.loc[row : row + size - 1, "team"] = unit
        row += size
    export.to_csv(study / "export.csv", index=False)
    harbour = ROOT / "data" / "sample" / "harbour_mutual"
    for name in ("metrics.csv", "okrs.csv", "capabilities.csv"):
        shutil.copy(harbour / name, study / name)
    with (study / "study.yml").open("a", encoding="utf-8") as yml:
        yml.write("metrics: metrics.csv\nokrs: okrs.csv\ncapabilities: capabilities.csv\n")
    ow.ingest(study / "study.yml", workspace)
    prepare(workspace, [ORG])
    ready.touch()
    print(f"built {workspace} in {time.perf_counter() - start:.1f} s")
    return workspace


# --- timing helpers ---


def stats_ms(times: list[float]) -> tuple[float, float, float]:
    """Median, 95th percentile and maximum, in ms, of times in seconds."""
    ms = 1000 * np.asarray(times)
    return float(np.median(ms)), float(np.percentile(ms, 95)), float(ms.max())


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- the scripted session ---


def _other(values: list, current, i: int):
    """The ``i``-th of ``values`` (cycling), skipping the current value: a change always fires."""
    choices = [v for v in values if v != current]
    return choices[i % len(choices)]


def _click(chart, selection: str, field: str, value: str):
    """A click on a mark of a live chart, as the browser reports it: the chart's synced
    ``_vl_selections`` set, which altair turns into ``chart.selections``. The browser draws the
    chart again on every new spec, which empties its selection; that is done here at once
    (untimed), so the click returned (to be timed) is a change, as in the browser."""
    chart._vl_selections = {selection: {"value": {}, "store": []}}
    clicked = {selection: {"value": {"vlPoint": {"or": [{field: value}]}}, "store": []}}
    return lambda: setattr(chart, "_vl_selections", clicked)


def _setter(widget, value):
    return lambda: setattr(widget, "value", value)


def session(explorer, count: int) -> list[tuple[str, int, object]]:
    """``count`` interactions as (kind, round, step): ``step(round)`` gets ready (untimed) and
    returns the one change to time. Each is chosen when it runs, from what is on screen then,
    so that it really changes the state the previous ones left."""
    from opsworkbench.present.charts import THEME_PICK, UNIT_PICK

    ctx = explorer.ctx
    units = [v for _, v in explorer.unit.options if v]  # hidden ones too: they say why
    roles_of = ctx.respondents.groupby("unit")["role"].unique().map(sorted).to_dict()
    tenures = [v for _, v in explorer.tenure_band.options if v]
    questions = [v for _, v in explorer.question.options]
    quadrants = [v for _, v in explorer.quadrant.options]

    def unit(i):
        if i % 2:  # every other round filters with no search on screen
            explorer.search_box.value = explorer.search_out.value = ""
        u = units[i % len(units)]
        return _setter(explorer.unit, u if u != explorer.unit.value else _other(units, u, i))

    def role(i):
        roles = [*roles_of.get(explorer.unit.value, []), ""]  # one of the unit's roles, or all
        return _setter(explorer.role, _other(roles, explorer.role.value, i))

    def tenure(i):
        return _setter(explorer.tenure_band, _other(tenures, explorer.tenure_band.value, i))

    def question(i):
        return _setter(explorer.question, _other(questions, explorer.question.value, i))

    def quadrant(i):
        return _setter(explorer.quadrant, _other(quadrants, explorer.quadrant.value, i))

    def theme(i):
        keys = [v for _, v in explorer.theme.options]
        return _setter(explorer.theme, _other(keys, explorer.theme.value, i))

    def theme_click(i):
        bars = [b["key"] for b in explorer.theme_chart.spec["datasets"]["themes"]]
        keys = [k for k in bars if k != explorer.theme.value] or [  # no bars: hidden
            v for _, v in explorer.theme.options if v and v != explorer.theme.value
        ]
        return _click(explorer.theme_chart, THEME_PICK, "key", keys[i % len(keys)])

    def clear(i):
        return explorer.clear.click

    def search(i):
        explorer.search_box.value = SEARCHES[i % len(SEARCHES)]  # typing fires nothing
        return explorer.search_go.click

    def map_click(i):
        shown = [p["name"] for p in explorer.map.spec["datasets"]["units"]]
        names = [n for n in shown if n != explorer.unit.value] or units
        return _click(explorer.map, UNIT_PICK, "name", names[i % len(names)])

    round_ = [
        ("unit", unit), ("role", role), ("tenure band", tenure), ("question", question),
        ("quadrant", quadrant), ("theme", theme), ("theme click", theme_click),
        ("clear filters", clear), ("search", search), ("map click", map_click),
    ]  # fmt: skip
    steps = [(kind, i, step) for i in range(count) for kind, step in round_]
    return steps[:count]


def run_session(explorer, count: int) -> list[tuple[str, float, bool]]:
    """(kind, wall time in s, whether it led to a state of the filters and search not seen
    before in the session) of each interaction, in order. Every one but a search must redraw."""
    runs = []
    seen = {(explorer.filters(), explorer.search_box.value)}
    for kind, i, step in session(explorer, count):
        change = step(i)
        explorer.refresh_ms = -1.0
        seconds = timed(change)
        if kind != "search" and explorer.refresh_ms < 0:
            raise SystemExit(f"{kind} (round {i}) did not redraw the explorer")
        state = (explorer.filters(), explorer.search_box.value)
        runs.append((kind, seconds, state not in seen))
        seen.add(state)
    return runs


def baseline(options: list, count: int) -> list[float]:
    """Assignments to a Dropdown whose observer does nothing, timed as the session's."""
    import ipywidgets as w

    box = w.Dropdown(options=options)
    box.observe(lambda change: None, "value")
    values = [v for _, v in options]
    times = []
    for i in range(count):
        value = _other(values, box.value, i)
        times.append(timed(lambda v=value: setattr(box, "value", v)))
    return times


# --- opening in a fresh process ---

OPEN = (
    "import time; t = time.perf_counter(); import opsworkbench as ow; "
    "e = ow.explore({ws!r}, 'harbour_mutual'); print(time.perf_counter() - t)"
)
IMPORTS = (
    "import time; t = time.perf_counter(); import opsworkbench.explorer.widgets; "
    "print(time.perf_counter() - t)"
)


def fresh(code: str, env: dict) -> tuple[float, float]:
    """Wall time of a new interpreter running ``code``, and what ``code`` printed (or 0)."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout
    wall = time.perf_counter() - start
    printed = out.strip().splitlines()
    return wall, float(printed[-1]) if printed else 0.0


def sample_open(repeat: int) -> None:
    """Open harbour_mutual in new interpreters: as ``opsworkbench ingest`` leaves it (themes
    not stored: the explorer finds them) and after ``prepare`` (themes stored, as after
    ``opsworkbench score`` or a report); each with the bundle cached, and once built."""
    from opsworkbench.report.render import prepare

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ingested, prepared = Path(tmp) / "ingested.duckdb", Path(tmp) / "prepared.duckdb"
        ow.ingest(ROOT / "data" / "sample", ingested)
        shutil.copy(ingested, prepared)
        prepare(prepared, ["harbour_mutual"])
        fresh(OPEN.format(ws=str(prepared)), env)  # the bundle cached, files in the page cache
        cold_env = {**env, "XDG_CACHE_HOME": str(Path(tmp) / "empty-cache")}
        for name, workspace in (("ingested only", ingested), ("prepared", prepared)):
            code = OPEN.format(ws=str(workspace))
            warm = [fresh(code, env) for _ in range(repeat)]
            rows.append((f"{name}, bundle cached", warm))
            shutil.rmtree(cold_env["XDG_CACHE_HOME"], ignore_errors=True)
            rows.append((f"{name}, bundle built (once)", [fresh(code, cold_env)]))
        rows.append(
            ("imports only (explore.widgets)", [fresh(IMPORTS, env) for _ in range(repeat)])
        )
        bare = [fresh("pass", env)[0] for _ in range(repeat)]
    print()
    print(f"opening harbour_mutual in a fresh process (median of {repeat}; once: one run):")
    print(f"  {'':<38} {'after start':>11} {'wall':>8}  target {TARGET_OPEN_S:.0f} s after start")
    for name, runs in rows:
        inside = statistics.median(t for _, t in runs)
        total = statistics.median(w for w, _ in runs)
        met = "" if name.startswith("imports") else ("met" if inside <= TARGET_OPEN_S else "MISSED")
        print(f"  {name:<38} {inside:>9.2f} s {total:>6.2f} s  {met}")
    print(f"  {'baseline: python -c pass':<38} {'':>11} {statistics.median(bare):>6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=50_000)
    parser.add_argument("--interactions", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="build the organisation again")
    parser.add_argument("--skip-sample", action="store_true", help="skip the fresh-process opens")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile every interaction kind over target"
    )
    parser.add_argument(
        "--sample-only", action="store_true", help="only the fresh-process opens of the sample"
    )
    args = parser.parse_args()
    if args.sample_only:
        sample_open(args.repeat)
        return
    workspace = build_workspace(args.answers, args.rebuild)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    from opsworkbench.explorer.widgets import Explorer

    first = timed(lambda: Explorer(workspace, ORG))
    opens = [timed(lambda: Explorer(workspace, ORG)) for _ in range(args.repeat)]
    explorer = Explorer(workspace, ORG)
    ctx = explorer.ctx
    hidden = sorted(explorer.selections._hidden_among((None, None, None), "unit"))
    print(
        f"organisation '{ORG}': {ctx.respondents['respondent_id'].nunique():,} people, "
        f"{len(ctx.scored):,} answers, {ctx.respondents['unit'].nunique()} units "
        f"({len(hidden)} hidden: {', '.join(hidden)}), {ctx.respondents['role'].nunique()} roles, "
        f"{ctx.respondents['tenure_band'].nunique()} tenure bands, "
        f"{len(explorer.selections.theme_list)} themes"
    )
    print(
        f"open Explorer(workspace, '{ORG}'): first {1000 * first:,.0f} ms (the bundle read), "
        f"then median {1000 * statistics.median(opens):,.0f} ms of {args.repeat} "
        f"(its first draw: {explorer.refresh_ms:.0f} ms)"
    )

    runs = run_session(explorer, args.interactions)
    times: dict[str, list[float]] = {}
    for kind, seconds, _ in runs:
        times.setdefault(kind, []).append(seconds)
    every = [seconds for _, seconds, _ in runs]
    fresh = [seconds for _, seconds, new in runs if new]
    again = [seconds for _, seconds, new in runs if not new]
    base = baseline(explorer.unit.options, len(every))
    print()
    print(f"{'interaction':<16} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}  target")
    rows = [
        *times.items(),
        ("all", every),
        ("  new states", fresh),
        ("  seen states", again),
    ]
    for kind, ts in [*rows, ("baseline no-op", base)]:
        if not ts:
            continue
        med, p95, top = stats_ms(ts)
        met = "met" if p95 <= TARGET_MS else "MISSED"
        met = "" if kind.startswith(("baseline", " ")) else met
        print(f"{kind:<16} {len(ts):>4} {med:>10.2f} {p95:>8.2f} {top:>8.2f}  {met}")
    med, p95, _ = stats_ms(every)
    bmed, bp95, _ = stats_ms(base)
    print(f"ratio all / no-op Dropdown: median {med / bmed:,.0f}x, p95 {p95 / bp95:,.0f}x")
    slow = [k for k, ts in times.items() if stats_ms(ts)[1] > TARGET_MS]
    print(
        f"target {TARGET_MS:.0f} ms per interaction at {len(ctx.scored):,} answers (every kind's "
        f"p95): {'met' if not slow else 'MISSED by ' + ', '.join(slow)}"
    )
    if args.profile:
        profile(explorer, times, args.interactions)
    if not args.skip_sample:
        sample_open(args.repeat)


def profile(explorer, times: dict, count: int) -> None:
    """The session again, in a new explorer, each kind over target under cProfile: where its
    time goes, in opsworkbench's functions (cumulative)."""
    import cProfile
    import io
    import pstats

    from opsworkbench.explorer.widgets import Explorer

    slow = [k for k, ts in times.items() if stats_ms(ts)[1] > TARGET_MS]
    if not slow:
        return
    explorer = Explorer(explorer.workspace, explorer.ctx.org_id)
    profiles = {kind: cProfile.Profile() for kind in slow}
    for kind, i, step in session(explorer, count):
        change = step(i)
        if kind in profiles:
            profiles[kind].runcall(change)
        else:
            change()
    for kind, prof in profiles.items():
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(r"opsworkbench", 14)
        lines = [x for x in out.getvalue().splitlines() if x.strip()]
        print(f"\n{kind}: {len(times[kind])} interactions, cProfile (cumulative):")
        print("\n".join(lines[-15:]))


if __name__ == "__main__":
    main()
