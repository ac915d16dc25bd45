"""The explorer's widgets: filters, linked views, drill-down, search, corrections and export.

Every view is drawn from :meth:`opsworkbench.diagnostics.explorer.Selections.view`, which
decides what may be shown; this module only lays it out (escaping every text) and talks to the
workspace: it reads one organisation at a time, and writes only codebook corrections.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
import time
from pathlib import Path

import ipywidgets as w
import pandas as pd

from opsworkbench import workspace as ws
from opsworkbench.config import ORG_ENV
from opsworkbench.diagnostics.explorer import (
    BOTH,
    DIMENSION_NAMES,
    Filters,
    SearchResult,
    Selections,
    View,
    cue_words,
)
from opsworkbench.errors import OpsWorkbenchError
from opsworkbench.intake.score import add_entry, refresh_org
from opsworkbench.present import charts
from opsworkbench.present.html import pct
from opsworkbench.privacy import escape
from opsworkbench.report.context import read_context
from opsworkbench.vocabulary import QUADRANT_LABELS, QUADRANT_MEANING, QUADRANTS

ALL = ""  # a filter's "no filter" choice
ALL_LABELS = {
    "unit": "All units",
    "role": "All roles",
    "tenure_band": "All tenure bands",
    "quadrant": "All quadrants",
    "theme": "All themes",
}
COLOURS = dict(zip(QUADRANTS, charts.QUADRANT_COLOURS, strict=True))
ACTIONS = [
    ("Rename a theme", "rename"),
    ("Merge themes", "merge"),
    ("Set the quadrant of an answer (exact text)", "text"),
    ("Set the quadrant of a word or phrase", "term"),
]
STYLE = """<style>
.owx { font-family: Helvetica, Arial, sans-serif; font-size: 15px; color: #222; line-height: 1.45; }
.owx h2 { font-size: 22px; margin: 4px 0; } .owx h3 { font-size: 17px; margin: 10px 0 4px; }
.owx .owx-muted { color: #666; } .owx .owx-big { font-size: 34px; font-weight: bold; }
.owx .owx-hidden { background: #fff4e0; border-left: 5px solid #c77700; padding: 8px 12px; }
.owx .owx-error { color: #a40000; } .owx .owx-ok { color: #17603a; }
.owx table { border-collapse: collapse; } .owx td, .owx th { padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
.owx .owx-bar { display: inline-block; height: 14px; vertical-align: middle; }
.owx mark { background: #ffe08a; padding: 0 2px; }
.owx blockquote { margin: 6px 0; padding: 4px 10px; border-left: 4px solid #ccc; }
</style>"""


def _box(html: str) -> str:
    return f"<div class='owx'>{html}</div>"


def _hidden(text: str) -> str:
    return f"<div class='owx-hidden'><b>Hidden to protect anonymity.</b> {escape(text)}</div>"


def highlight(text: str, cues: str) -> str:
    """The text, escaped, with the cue words that placed it marked."""
    safe = escape(text)
    words = [escape(c) for c in cue_words(cues)]
    if not words:
        return safe
    pattern = re.compile(r"\b(" + "|".join(re.escape(x) for x in words) + r")\b", re.IGNORECASE)
    return pattern.sub(r"<mark>\1</mark>", safe)


def _number(value, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.{digits}f}"


class Explorer:
    """One organisation's answers, metrics and key results, cut by filters, with every view
    linked. ``explorer.ui`` is the widget (a notebook shows the explorer itself)."""

    def __init__(
        self,
        workspace: str | Path | None = None,
        org_id: str | None = None,
        wave_id: str | None = None,
        *,
        author: str | None = None,
        exports: str | Path = "exports",
    ):
        self.workspace = ws.workspace_path(workspace)
        self.exports = Path(exports)
        self.refresh_ms = 0.0
        self._quiet = False
        con = ws.connect(self.workspace, read_only=True)
        try:
            orgs = ws.organisation_ids(con)
        finally:
            con.close()
        if not orgs:
            raise OpsWorkbenchError(
                f"{self.workspace}: no organisations yet — run `opsworkbench ingest` first"
            )
        if org_id and org_id not in orgs:
            raise OpsWorkbenchError(
                f"organisation '{org_id}' is not in {self.workspace}; known: {orgs}"
            )
        self._build(orgs, author or getpass.getuser())
        self.load(org_id or orgs[0], wave_id or "")

    # --- layout ---

    def _build(self, orgs: list[str], author: str) -> None:
        wide = w.Layout(width="auto")
        label = {"description_width": "90px"}
        self.org = w.Dropdown(
            options=orgs, description="Organisation", style=label, layout=w.Layout(width="360px")
        )
        self.wave = w.Dropdown(description="Wave", style=label, layout=w.Layout(width="240px"))
        self.question = w.ToggleButtons(
            description="Question", style={**label, "button_width": "auto"}
        )
        self.unit, self.role, self.tenure_band, self.quadrant, self.theme = (
            w.Dropdown(description=name, style=label, layout=w.Layout(width="360px"))
            for name in ("Unit", "Role", "Tenure", "Quadrant", "Theme")
        )
        self.quadrant.options = [(ALL_LABELS["quadrant"], ALL)] + [
            (QUADRANT_LABELS[q], q) for q in QUADRANTS
        ]
        self.clear = w.Button(description="Clear filters", icon="times")
        self.title = w.HTML()
        self.headline = w.HTML()
        self.map = charts.live_chart(charts.live_unit_map())
        self._map_spec = self.map.spec
        self.map_note = w.HTML()
        self.shares = w.HTML()
        self.lenses = w.HTML()
        self.theme_chart = charts.live_chart(charts.live_theme_bars())
        self._theme_spec = self.theme_chart.spec
        self.theme_note = w.HTML()
        self.drill = w.HTML()
        self.search_box = w.Text(
            continuous_update=False,
            placeholder="a word or phrase, e.g. customers",
            description="Search",
        )
        self.search_go = w.Button(description="Search", icon="search")
        self.search_out = w.HTML()
        self.action = w.Dropdown(
            options=ACTIONS, description="Correction", layout=w.Layout(width="480px")
        )
        self.fix_themes = w.SelectMultiple(
            description="Theme(s)", rows=6, layout=w.Layout(width="480px")
        )
        self.fix_text = w.Textarea(
            description="Text",
            placeholder="the answer's exact text, or a word or phrase",
            layout=w.Layout(width="480px"),
        )
        self.fix_quadrant = w.Dropdown(
            options=[(QUADRANT_LABELS[q], q) for q in QUADRANTS], description="Set to"
        )
        self.fix_name = w.Text(description="New name", layout=w.Layout(width="480px"))
        self.fix_reason = w.Text(
            description="Why",
            placeholder="the reason is kept with the correction",
            layout=w.Layout(width="480px"),
        )
        self.fix_author = w.Text(value=author, description="Who")
        self.fix_apply = w.Button(
            description="Apply correction", button_style="primary", icon="check"
        )
        self.fix_status = w.HTML()
        self.history = w.HTML()
        self.export_csv = w.Button(description="Export CSV", icon="download")
        self.export_xlsx = w.Button(description="Export XLSX", icon="download")
        self.export_status = w.HTML()

        filters = w.VBox(
            [
                w.HBox([self.org, self.wave]),
                self.question,
                w.HBox([self.unit, self.role, self.tenure_band]),
                w.HBox([self.quadrant, self.theme, self.clear]),
            ]
        )
        views = w.HBox(
            [
                w.VBox(
                    [
                        w.HTML(
                            _box(
                                "<h3>Where units stand</h3><span class='owx-muted'>Click a unit to select it.</span>"
                            )
                        ),
                        self.map,
                        self.map_note,
                    ]
                ),
                w.VBox([self.shares, self.lenses], layout=w.Layout(margin="0 0 0 24px")),
            ]
        )
        themes = w.HBox(
            [
                w.VBox(
                    [
                        w.HTML(
                            _box(
                                "<h3>Themes</h3><span class='owx-muted'>Click a theme to read its quotes.</span>"
                            )
                        ),
                        self.theme_chart,
                        self.theme_note,
                    ]
                ),
                w.VBox([self.drill], layout=w.Layout(margin="0 0 0 24px", width="560px")),
            ]
        )
        search = w.VBox([w.HBox([self.search_box, self.search_go]), self.search_out])
        fix = w.VBox(
            [
                self.action, self.fix_themes, self.fix_text, self.fix_quadrant, self.fix_name,
                self.fix_reason, self.fix_author, self.fix_apply, self.fix_status, self.history,
            ]
        )  # fmt: skip
        export = w.VBox([w.HBox([self.export_csv, self.export_xlsx]), self.export_status])
        tools = w.Tab(children=[search, fix, export], layout=wide)
        for i, name in enumerate(["Search answers", "Correct the model", "Export"]):
            tools.set_title(i, name)
        self.ui = w.VBox(
            [w.HTML(STYLE), self.title, filters, self.headline, views, themes, tools],
            layout=w.Layout(padding="4px 8px"),
        )

        self.org.observe(lambda _: self._on_org(), "value")
        self.wave.observe(lambda _: self._on_wave(), "value")
        for control in (
            self.question,
            self.unit,
            self.role,
            self.tenure_band,
            self.quadrant,
            self.theme,
        ):
            control.observe(self._on_filter, "value")
        self.clear.on_click(lambda _: self.clear_filters())
        self.map.selections.observe(self._on_map_click, charts.UNIT_PICK)
        self.theme_chart.selections.observe(self._on_theme_click, charts.THEME_PICK)
        self.search_go.on_click(lambda _: self.search())
        self.search_box.observe(lambda _: self.search(), "value")  # on Enter or leaving the box
        self.action.observe(lambda _: self._show_fields(), "value")
        self.fix_apply.on_click(lambda _: self.apply_correction())
        self.export_csv.on_click(lambda _: self.export("csv"))
        self.export_xlsx.on_click(lambda _: self.export("xlsx"))
        self._show_fields()

    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)

    # --- loading an organisation and wave ---

    def load(self, org_id: str, wave_id: str = "", *, keep_filters: bool = False) -> None:
        """Read one organisation's wave (nothing of any other organisation stays on screen)."""
        before = self.filters() if keep_filters else Filters()
        con = ws.connect(self.workspace, read_only=True)
        try:
            ctx = read_context(con, org_id, wave_id, where=self.workspace)
        finally:
            con.close()
        self.ctx, self.selections = ctx, Selections(ctx)
        self._quiet = True
        try:
            self.org.value = org_id
            self.wave.options = list(reversed(ctx.waves))
            self.wave.value = ctx.wave_id
            self.question.options = [
                ("Both questions" if q == BOTH else f"{q.title()}: “{ctx.wording(q)}”", q)
                for q in self.selections.questions
            ]
            self.question.value = (
                before.question
                if before.question in self.selections.questions
                else self.selections.questions[0]
            )
            for dim in DIMENSION_NAMES:
                control = getattr(self, dim)
                choices = self.selections.choices(dim)
                control.options = [(ALL_LABELS[dim], ALL)] + [(c, c) for c in choices]
                kept = getattr(before, dim)
                control.value = kept if kept in choices else ALL
            self.quadrant.value = before.quadrant or ALL
            if not keep_filters:
                for box in (self.search_box, self.fix_text, self.fix_name, self.fix_reason):
                    box.value = ""
                self.search_out.value = self.fix_status.value = self.export_status.value = ""
            self._theme_options(before.theme)
        finally:
            self._quiet = False
        self.title.value = _box(
            f"<h2>{escape(ctx.name)} · wave {escape(ctx.wave_id)}</h2>"
            f"<span class='owx-muted'>{len(ctx.respondents)} respondents · numbers need at least "
            f"{ctx.min_size} people, quotes at least {ctx.min_quote_size} · codebook version "
            f"{ctx.codebook.version}</span>"
        )
        self._history()
        self.refresh()

    def _on_org(self) -> None:
        if not self._quiet:
            self.load(self.org.value)

    def _on_wave(self) -> None:
        if not self._quiet and self.wave.value:
            self.load(self.org.value, self.wave.value, keep_filters=True)

    def _theme_options(self, keep: str | None = None) -> None:
        listed = self.selections.theme_list
        question = self.question.value
        if question != BOTH:
            listed = listed[listed["question"] == question]
        both = self.question.value == BOTH
        options = [
            (f"{label} ({q})" if both else label, key)
            for key, label, q in zip(
                listed["key"], listed["label"], listed["question"], strict=True
            )
        ]
        self.theme.options = [(ALL_LABELS["theme"], ALL), *options]
        self.theme.value = keep if keep in set(listed["key"]) else ALL
        self.fix_themes.options = options

    # --- filters ---

    def filters(self) -> Filters:
        """The filters as they are set now."""
        return Filters(
            question=self.question.value or BOTH,
            unit=self.unit.value or None,
            role=self.role.value or None,
            tenure_band=self.tenure_band.value or None,
            quadrant=self.quadrant.value or None,
            theme=self.theme.value or None,
        )

    def _on_filter(self, change) -> None:
        if self._quiet:
            return
        if change["owner"] is self.question:
            self._quiet = True
            try:
                self._theme_options(self.theme.value)
            finally:
                self._quiet = False
        self.refresh()

    def clear_filters(self) -> None:
        self._quiet = True
        try:
            for control in (self.unit, self.role, self.tenure_band, self.quadrant, self.theme):
                control.value = ALL
        finally:
            self._quiet = False
        self.refresh()

    def _on_map_click(self, change) -> None:
        # a new drawing of the map starts with an empty selection: only a click sets the unit
        picked = change["new"].value
        if picked and picked[0].get("name") in {value for _, value in self.unit.options}:
            self.unit.value = picked[0]["name"]

    def _on_theme_click(self, change) -> None:
        picked = change["new"].value
        if picked and picked[0].get("key"):
            self.theme.value = picked[0]["key"]

    # --- drawing ---

    def refresh(self) -> View:
        """Draw every view for the filters as they are set now."""
        start = time.perf_counter()
        view = self.selections.view(self.filters())
        self.view = view
        ctx = self.ctx
        self.headline.value = _box(_headline(ctx, view))
        units = view.units
        shown = units[~units["suppressed"].astype(bool)]
        frame = pd.DataFrame(
            {
                "name": shown["unit"],
                "n": shown["respondents"],
                "focus": shown["focus"],
                "result": shown["result"],
                "quadrant_label": shown["quadrant"].map(QUADRANT_LABELS),
                "selected": shown["selected"],
            }
        )
        self.map.spec = charts.live_spec(self._map_spec, "units", frame.dropna(subset=["focus"]))
        self.map_note.value = _box(_map_note(units, ctx.min_size))
        self.shares.value = _box(_shares(view))
        self.lenses.value = _box(_lenses(view))
        themes = view.themes
        bars = themes.assign(
            quadrant_label=themes["quadrant"].map(QUADRANT_LABELS),
            selected=themes["key"] == view.filters.theme,
            label=[
                f"{lab} ({q})" if view.filters.question == BOTH else lab
                for lab, q in zip(themes["label"], themes["question"], strict=True)
            ],
        )[["key", "label", "answers", "people", "quadrant_label", "selected"]]
        self.theme_chart.spec = charts.live_spec(self._theme_spec, "themes", bars)
        self.theme_note.value = _box(_theme_note(view, ctx.min_size))
        self.drill.value = _box(_drill(ctx, view, self.selections))
        if self.search_box.value.strip():
            self.search()
        self.refresh_ms = 1000 * (time.perf_counter() - start)
        return view

    def search(self) -> SearchResult:
        found = self.selections.search(self.filters(), self.search_box.value)
        self.search_out.value = _box(_search(found))
        return found

    # --- corrections ---

    def _show_fields(self) -> None:
        action = self.action.value
        visible = {
            self.fix_themes: action in ("rename", "merge"),
            self.fix_name: action in ("rename", "merge"),
            self.fix_text: action in ("text", "term"),
            self.fix_quadrant: action in ("text", "term"),
        }
        for control, show in visible.items():
            control.layout.display = None if show else "none"
        self.fix_text.description = "Answer" if action == "text" else "Word(s)"

    def apply_correction(self) -> str:
        """Record the correction in the form as a new codebook version, score again the texts
        it touches, and redraw every view. Returns the status shown."""
        action, reason = self.action.value, self.fix_reason.value.strip()
        clusters = dict(
            zip(
                self.selections.theme_list["key"],
                self.selections.theme_list["cluster"],
                strict=True,
            )
        )
        picked = [clusters[k] for k in self.fix_themes.value if k in clusters]
        problem = ""
        if not reason:
            problem = "Say why: the reason is kept with the correction."
        elif action == "rename" and len(picked) != 1:
            problem = "Pick one theme to rename."
        elif action == "merge" and len(picked) < 2:
            problem = "Pick two or more themes to merge."
        elif action in ("rename", "merge") and not self.fix_name.value.strip():
            problem = "Give the theme a name."
        elif action in ("text", "term") and not self.fix_text.value.strip():
            problem = "Give the text (or the word or phrase) to correct."
        if problem:
            self.fix_status.value = _box(f"<span class='owx-error'>{escape(problem)}</span>")
            return problem
        if action in ("rename", "merge"):
            target, value = "||".join(picked), self.fix_name.value.strip()
        else:
            target, value = self.fix_text.value.strip(), self.fix_quadrant.value
        try:
            con = ws.connect(self.workspace)
            try:
                version = add_entry(
                    con, self.ctx.org_id, action, target, value, reason,
                    author=self.fix_author.value.strip(), rescore=False,
                )  # fmt: skip
                done = refresh_org(con, self.ctx.org_id)
            finally:
                con.close()
        except OpsWorkbenchError as exc:
            self.fix_status.value = _box(f"<span class='owx-error'>{escape(str(exc))}</span>")
            return str(exc)
        self.load(self.ctx.org_id, self.ctx.wave_id, keep_filters=True)
        touched = (
            f"{done.corrected} texts scored again"
            if action in ("text", "term")
            else "themes renamed in every view"
        )
        status = f"Codebook version {version} saved: {touched}."
        self.fix_status.value = _box(f"<span class='owx-ok'>{escape(status)}</span>")
        for box in (self.fix_text, self.fix_name, self.fix_reason):
            box.value = ""
        return status

    def _history(self) -> None:
        entries = self.ctx.codebook.entries
        if entries.empty:
            self.history.value = _box(
                "<p class='owx-muted'>No corrections yet: this is the model as trained.</p>"
            )
            return
        shown = entries.assign(
            when=pd.to_datetime(entries["created_at"]).dt.strftime("%Y-%m-%d %H:%M"),
            action=entries["action"].map(dict((a, n) for n, a in ACTIONS)),
            target=entries["target"].str.replace("||", " + ", regex=False),
            value=entries["value"].map(lambda v: QUADRANT_LABELS.get(v, v)),
        )[["version", "when", "author", "action", "target", "value", "note"]]
        self.history.value = _box(
            "<h3>Codebook history</h3>"
            + shown.rename(columns={"note": "why", "author": "who"}).to_html(
                index=False, escape=True, border=0, na_rep=""
            )
        )

    # --- export ---

    def export(self, kind: str) -> Path:
        """Save what is on screen (numbers, and quotes where allowed) as XLSX or CSV files."""
        tables = self.view.tables()
        phrase = self.search_box.value.strip()
        if phrase:
            found = self.selections.search(self.filters(), phrase)
            tables["search"] = found.split.assign(phrase=phrase)
            tables["search quotes"] = found.quotes
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        stem = self.exports / f"{self.ctx.org_id}_{self.ctx.wave_id}_{stamp}"
        self.exports.mkdir(parents=True, exist_ok=True)
        if kind == "xlsx":
            path = stem.with_suffix(".xlsx")
            with pd.ExcelWriter(path) as book:
                for name, frame in tables.items():
                    frame.to_excel(book, sheet_name=name[:31], index=False)
        else:
            path = stem
            path.mkdir(exist_ok=True)
            for name, frame in tables.items():
                frame.to_csv(path / f"{name.replace(' ', '_')}.csv", index=False)
        self.export_status.value = _box(f"Saved <code>{escape(path)}</code>")
        return path


def explore(workspace: str | Path | None = None, org_id: str | None = None, **options) -> Explorer:
    """The explorer on ``org_id`` (default ``$OPSWORKBENCH_ORG``, else the first organisation)
    of the workspace (default ``$OPSWORKBENCH_WORKSPACE``, else ``workspace/opsworkbench.duckdb``)."""
    return Explorer(workspace or None, org_id or os.environ.get(ORG_ENV) or None, **options)


# --- HTML fragments (every value escaped) ---


def _headline(ctx, view: View) -> str:
    if not view.visibility.shown:
        return _hidden(view.visibility.why)
    index = view.index
    where = escape(_selection_words(view.filters))
    if index is None or pd.isna(index.value):
        return f"<p>{where}: no classified answers to score.</p>"
    notes = "".join(f"<p class='owx-muted'>{escape(n)}</p>" for n in view.notes)
    return (
        f"<p><span class='owx-big'>{index.value:.1f}</span> customer-outcome index "
        f"(95 % interval {index.low:.1f}–{index.high:.1f}) · {index.people} people · {where}</p>"
        "<p class='owx-muted'>0 = every answer about internal outputs, 100 = every answer about "
        "what changes for customers.</p>" + notes
    )


def _selection_words(f: Filters) -> str:
    parts = [v for v in (f.unit, f.role, f.tenure_band) if v]
    who = " · ".join(parts) if parts else "whole organisation"
    what = {"both": "both questions", "work": "work answers", "success": "success answers"}.get(
        f.question, f.question
    )
    if f.quadrant:
        what += f"; themes and quotes of {QUADRANT_LABELS[f.quadrant].lower()} answers"
    return f"{who}, {what}"


def _map_note(units: pd.DataFrame, min_size: int) -> str:
    if units.empty:
        return "<p class='owx-muted'>No unit map: one unit, or the selection is hidden.</p>"
    hidden = units.loc[units["suppressed"], "unit"].tolist()
    if not hidden:
        return ""
    return (
        f"<p class='owx-muted'>Not on the map, to protect anonymity: {escape(', '.join(hidden))}: "
        f"each has fewer than {min_size} people, or would let such a unit be worked out by "
        "subtraction.</p>"
    )


def _shares(view: View) -> str:
    if view.shares.empty:
        return ""
    rows = "".join(
        f"<tr><td>{escape(label)}</td><td><span class='owx-bar' style='width:{share * 260:.0f}px;"
        f"background:{COLOURS[q]}'></span> {pct(share)}</td></tr>"
        for q, label, share in zip(
            view.shares["quadrant"], view.shares["label"], view.shares["share"], strict=True
        )
    )
    return f"<h3>Quadrant shares</h3><table>{rows}</table>"


def _lenses(view: View) -> str:
    if view.lenses.empty:
        return ""
    rows = ""
    for lens, value, basis in view.lenses.itertuples(index=False):
        bar = (
            ""
            if pd.isna(value)
            else f"<span class='owx-bar' style='width:{value * 2.6:.0f}px;background:#1b7a4a'></span> "
        )
        rows += f"<tr><td><b>{escape(lens.title())}</b></td><td>{bar}{_number(value)}</td><td class='owx-muted'>{escape(basis)}</td></tr>"
    return (
        "<h3>Say · measure · value · reward</h3>"
        "<p class='owx-muted'>Customer-outcome index of what people say, and of the metrics "
        "measured, reported and incentivised (by incentive weight).</p>"
        f"<table>{rows}</table>"
    )


def _theme_note(view: View, min_size: int) -> str:
    if not view.visibility.shown:
        return ""
    if view.themes.empty:
        return "<p class='owx-muted'>No theme has enough people in this selection.</p>"
    if view.hidden_themes:
        return f"<p class='owx-muted'>{view.hidden_themes} smaller theme(s) not shown: fewer than {min_size} people.</p>"
    return ""


def _quotes(quotes: pd.DataFrame) -> str:
    return "".join(
        f"<blockquote>{highlight(q, c)}<br><span class='owx-muted'>{escape(QUADRANT_LABELS.get(quad, quad))}"
        f"{' · ' + escape(t) if isinstance(t, str) else ''}</span></blockquote>"
        for q, c, quad, t in zip(
            quotes["quote"], quotes["cues"], quotes["quadrant"], quotes["theme"], strict=True
        )
    )


def _drill(ctx, view: View, selections: Selections) -> str:
    f = view.filters
    focus = f.unit or "the organisation"
    html = f"<h3>Drill-down: {escape(focus)}</h3>"
    if f.theme:
        labels = dict(
            zip(selections.theme_list["key"], selections.theme_list["label"], strict=True)
        )
        html += f"<p>Theme: <b>{escape(labels.get(f.theme, f.theme))}</b></p>"
    if f.quadrant:
        html += f"<p>Answers about {escape(QUADRANT_MEANING[f.quadrant])} ({escape(QUADRANT_LABELS[f.quadrant])}).</p>"
    if view.quotes.empty:
        html += f"<p class='owx-muted'>{escape(view.quotes_why or 'No quotable answers.')}</p>"
    else:
        html += (
            "<p class='owx-muted'>Representative answers; marked words placed them.</p>"
            + _quotes(view.quotes)
        )
    metrics, krs = view.metrics, view.key_results
    if f.unit is None:  # the whole organisation: how its metrics lean; a unit lists its own
        if len(metrics) or len(krs):
            html += (
                "<h3>Metrics and key results</h3>"
                f"<p>{_lean(metrics, 'metrics')}<br>{_lean(krs, 'key results')}</p>"
                "<p class='owx-muted'>Pick a unit to list the ones it owns.</p>"
            )
        return html
    if len(metrics):
        flags = metrics.apply(
            lambda m: (
                ", ".join(s for s in ("measured", "reported", "incentivised") if bool(m[s]))
                or "listed"
            ),
            axis=1,
        )
        rows = "".join(
            f"<tr><td>{escape(n)}</td><td class='owx-muted'>{escape(fl)}</td>"
            f"<td>{escape(QUADRANT_LABELS.get(q, q))}</td></tr>"
            for n, fl, q in zip(metrics["name"], flags, metrics["quadrant"], strict=True)
        )
        html += f"<h3>Metrics owned by {escape(focus)} ({len(metrics)})</h3><table>{rows}</table>"
    if len(krs):
        rows = "".join(
            f"<tr><td>{escape(k)}</td><td>{escape(QUADRANT_LABELS.get(q, q))}</td>"
            f"<td class='owx-muted'>{pct(p)} done</td></tr>"
            for k, q, p in zip(krs["key_result"], krs["quadrant"], krs["progress"], strict=True)
        )
        html += f"<h3>Key results owned by {escape(focus)} ({len(krs)})</h3><table>{rows}</table>"
    if not len(metrics) and not len(krs):
        html += f"<p class='owx-muted'>{escape(focus)} owns no metric or key result.</p>"
    return html


def _lean(frame: pd.DataFrame, what: str) -> str:
    """ "27 metrics: 12 factory floor, 3 customer outcome, …" (most common first)."""
    counts = frame["quadrant"].map(QUADRANT_LABELS).value_counts()
    parts = ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
    return f"{len(frame)} {escape(what)}" + (f": {escape(parts)}" if parts else "")


def _search(found: SearchResult) -> str:
    if not found.phrase:
        return ""
    if found.people is None:
        return _hidden(found.why) if found.why else ""
    rows = "".join(
        f"<tr><td>{escape(label)}</td><td><span class='owx-bar' style='width:{share * 260:.0f}px;"
        f"background:{COLOURS.get(q, '#999')}'></span> {pct(share)}</td><td class='owx-muted'>{n} answers</td></tr>"
        for q, label, n, share in found.split.itertuples(index=False)
        if n
    )
    html = f"<h3>“{escape(found.phrase)}”: {found.people} people</h3><table>{rows}</table>"
    if found.quotes.empty:
        return html + f"<p class='owx-muted'>{escape(found.why)}</p>"
    return html + _quotes(found.quotes)
