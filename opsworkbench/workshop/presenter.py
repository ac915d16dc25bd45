"""The presenter view: six steps a facilitator screen-shares, live with the room's answers.

Large type and high contrast for a shared screen at 1280×720. Every number comes from the
report's analyses of two contexts: the organisation's stored survey, and the room's answers
read from the session log (:class:`opsworkbench.workshop.room.Room`), polled a few times a
second. Charts are drawn to SVG on the kernel (vl-convert), so the page needs no JavaScript of
its own besides the key listener.

Privacy: the room's map and shares appear once ``min_size`` people answered, its themes once
twice that many did; quotes only when the room reaches the quote minimum *and* the facilitator
shows them. The privacy curtain (key C) blanks every quote and unit name, in what is drawn and
in every widget's state. Each decision of the facilitator is appended to the session log, the
workshop's audit trail, so a reloaded presenter view comes back as it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading

import altair as alt
import anywidget
import ipywidgets as w
import pandas as pd
import segno
import vl_convert

from opsworkbench.diagnostics.analysis import Analysis, analyse
from opsworkbench.present import charts
from opsworkbench.present.html import hybrid_text
from opsworkbench.privacy import escape
from opsworkbench.vocabulary import (
    CORE_QUESTIONS,
    OUTCOME_QUADRANTS,
    QUADRANT_LABELS,
    QUADRANTS,
)
from opsworkbench.workshop.room import CATEGORIES, Room, curtain, load_survey
from opsworkbench.workshop.session import LogReader, Session, append

POLL_SECONDS = 0.2
STEPS = [
    "Ask the two questions",
    "Read the language",
    "Measured, valued, rewarded",
    "OKRs and capabilities",
    "Which operating model?",
    "Proposals",
]
COLOURS = dict(zip(QUADRANTS, charts.QUADRANT_COLOURS, strict=True))
STYLE = """<style>
body, .jp-LabShell, .jp-Notebook, .jp-OutputArea-output { background: #ffffff !important; }
:root { --jp-widgets-font-size: 20px; --jp-widgets-inline-height: 44px;
        --jp-ui-font-size1: 20px; --jp-content-font-size1: 20px; }
.ow { font-family: Helvetica, Arial, sans-serif; color: #111; font-size: 22px; line-height: 1.35; }
.ow h1 { font-size: 32px; margin: 0; white-space: nowrap; } .ow h2 { font-size: 26px; margin: 6px 0 8px; }
.ow .ow-muted { color: #3c3c3c; font-size: 19px; }
.ow .ow-step { font-size: 18px; color: #3c3c3c; letter-spacing: .04em; text-transform: uppercase; }
.ow .ow-count { font-size: 46px; font-weight: bold; color: #0b3d91; }
.ow .ow-question { font-size: 40px; font-weight: bold; margin: 14px 0 24px; }
.ow .ow-url { font-size: 26px; font-weight: bold; word-break: break-all; }
.ow .ow-wait { background: #f1f1f1; border-left: 8px solid #555; padding: 14px 18px; }
.ow table { border-collapse: collapse; } .ow td, .ow th { padding: 5px 14px 5px 0; text-align: left; vertical-align: middle; }
.ow .ow-bar { display: inline-block; height: 20px; vertical-align: middle; }
.ow .ow-chip { display: inline-block; width: 16px; height: 16px; border-radius: 3px; margin-right: 8px; vertical-align: middle; }
.ow .ow-quote { margin: 8px 0; padding: 6px 14px; border-left: 6px solid #0b3d91; font-style: italic; }
.ow .ow-finding { margin: 6px 0; } .ow .ow-agreed { color: #17603a; font-weight: bold; }
.ow-curtain-on { background: #111; color: #fff; font: bold 18px Helvetica, Arial, sans-serif;
                 padding: 4px 12px; border-radius: 6px; vertical-align: middle; }
.ow-controls .jupyter-button.mod-active { background: #111; color: #fff; }
.ow-bar-top { border-bottom: 3px solid #111; padding-bottom: 6px; margin-bottom: 10px; }
.ow-controls .jupyter-button { font-size: 20px; height: 48px; }
.ow-controls .widget-text input, .ow-controls textarea, .ow-controls select { font-size: 20px !important; }
</style>"""


class Keys(anywidget.AnyWidget):
    """Sends the facilitator's key presses to the kernel (ignored while typing in a field)."""

    _esm = """
    function render({ model, el }) {
      const handler = (event) => {
        const target = event.target;
        if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
                       target.tagName === "SELECT" || target.isContentEditable)) return;
        if (event.ctrlKey || event.metaKey || event.altKey) return;
        const keys = ["ArrowRight", "ArrowLeft", "PageDown", "PageUp", " ", "c", "C", "q", "Q"];
        if (!keys.includes(event.key)) return;
        event.preventDefault();
        model.send({ key: event.key });
      };
      document.addEventListener("keydown", handler);
      return () => document.removeEventListener("keydown", handler);
    }
    export default { render };
    """


def svg(chart) -> str:
    """An altair chart drawn as SVG text, in the presenter's large type."""
    chart = chart.configure_axis(labelFontSize=17, titleFontSize=18).configure_legend(
        labelFontSize=17, titleFontSize=17, titleLimit=400, columns=2
    )
    return vl_convert.vegalite_to_svg(chart.to_dict())


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=7, dark="#000000", light="#ffffff")


def _warm_up(codebook) -> None:
    codebook.model()
    vl_convert.vegalite_to_svg({"data": {"values": [{"x": 0}]}, "mark": "point"})


def _bar(share: float, colour: str, width: int = 220) -> str:
    share = 0.0 if pd.isna(share) else float(share)
    return f"<span class='ow-bar' style='width:{max(2, round(share * width))}px;background:{colour}'></span>"


def _wait(text: str) -> str:
    return f"<div class='ow-wait'>{escape(text)}</div>"


class Presenter:
    """The presenter view of one session."""

    def __init__(self, session: Session, *, poll: bool = True):
        self.session = session
        survey, base = load_survey(session)
        self.survey = analyse(survey) if survey is not None else None
        self.room = Room(session, survey, base)
        # the model and the SVG converter start now, not when the room's fifth answer arrives
        threading.Thread(target=_warm_up, args=(self.room.codebook(),), daemon=True).start()
        self.reader = LogReader(session.log)
        self.room.add(self.reader.read())
        self._analysis: Analysis | None = None
        self.names = sorted(
            set(session.units)
            | (set(survey.respondents["unit"]) if survey is not None else set())
            | set(base.metrics.get("owner_unit", pd.Series(dtype=object)).dropna())
            | set(base.okrs.get("owner_unit", pd.Series(dtype=object)).dropna())
        )
        self.keys = Keys()
        self.keys.on_msg(self._key)
        self.title = w.HTML()
        self.count = w.HTML()
        small = w.Layout(width="118px")
        self.previous = w.Button(description="◀ Back", tooltip="Previous step (←)", layout=small)
        self.next = w.Button(description="Next ▶", tooltip="Next step (→)", layout=small)
        self.quotes = w.ToggleButton(description="Quotes", layout=small)
        self.curtain_button = w.ToggleButton(
            description="Curtain",
            tooltip="Privacy curtain (C): hides every quote and unit name",
            layout=small,
        )
        self.previous.on_click(lambda _b: self.go(self.room.decisions.step - 1))
        self.next.on_click(lambda _b: self.go(self.room.decisions.step + 1))
        self._drawing = False  # set while the view sets its own widgets (not a decision)
        self.quotes.observe(lambda ch: self._toggle("verbatims", ch["new"]), "value")
        self.curtain_button.observe(lambda ch: self._toggle("curtain", ch["new"]), "value")
        self.body = w.HTML()
        self.controls = self._controls()
        top = w.HBox(
            [
                w.Box([self.title], layout=w.Layout(flex="1 1 auto")),
                w.Box([self.count], layout=w.Layout(margin="0 14px", flex="0 0 auto")),
                self.quotes,
                self.curtain_button,
                self.previous,
                self.next,
            ],
            layout=w.Layout(align_items="center", width="100%"),
        )
        top.add_class("ow-bar-top")
        top.add_class("ow-controls")
        self.widget = w.VBox(
            [w.HTML(STYLE), top, self.body, self.controls, self.keys],
            layout=w.Layout(width="100%", padding="4px 10px"),
        )
        self.draw()
        self._task = None
        if poll:
            with contextlib.suppress(RuntimeError):  # no running loop outside a kernel
                self._task = asyncio.get_running_loop().create_task(self._watch())

    # --- reading the room

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                self.update()
            except Exception as exc:  # noqa: BLE001 — the view must keep running for the room
                self.body.value = _wait(f"Could not read the room's answers: {exc}")

    def update(self) -> bool:
        """Read what the log gained and redraw; says whether anything was new."""
        records = self.reader.read()
        if not records:
            return False
        if self.room.add(records):
            self._analysis = None
        self.draw()
        return True

    @property
    def analysis(self) -> Analysis:
        if self._analysis is None:
            self._analysis = analyse(self.room.context())
        return self._analysis

    # --- the facilitator's decisions: appended to the log, then read back like any record

    def _decide(self, kind: str, **detail) -> None:
        append(self.session.log, {"kind": kind, **detail})
        self.update()

    def _toggle(self, kind: str, on: bool) -> None:
        if not self._drawing and on != getattr(self.room.decisions, kind):
            self._decide(kind, on=on)

    def go(self, step: int) -> None:
        step = max(0, min(len(STEPS) - 1, step))
        if step != self.room.decisions.step:
            self._decide("step", step=step)

    def _key(self, _widget, content, _buffers) -> None:
        key = content.get("key")
        if key in ("ArrowRight", "PageDown", " "):
            self.go(self.room.decisions.step + 1)
        elif key in ("ArrowLeft", "PageUp"):
            self.go(self.room.decisions.step - 1)
        elif key in ("c", "C"):
            self._decide("curtain", on=not self.room.decisions.curtain)
        elif key in ("q", "Q") and self._quotes_allowed():
            self._decide("verbatims", on=not self.room.decisions.verbatims)

    def _quotes_allowed(self) -> bool:
        return self.room.people >= self.session.min_quote_size

    # --- drawing

    def draw(self) -> None:
        self._drawing = True
        try:
            self._draw()
        finally:
            self._drawing = False

    def _draw(self) -> None:
        d = self.room.decisions
        step = d.step
        badge = " <span class='ow-curtain-on'>Curtain on</span>" if d.curtain else ""
        self.title.value = (
            f"<div class='ow'><div class='ow-step'>Step {step + 1} of {len(STEPS)} · "
            f"{escape(self.session.name)}</div><h1>{escape(STEPS[step])}{badge}</h1></div>"
        )
        self.count.value = (
            f"<div class='ow' style='text-align:center'><span class='ow-count'>{self.room.people}"
            "</span><div class='ow-muted'>answered</div></div>"
        )
        self.previous.disabled, self.next.disabled = step == 0, step == len(STEPS) - 1
        self.quotes.disabled = not self._quotes_allowed()
        self.quotes.tooltip = (
            ""
            if self._quotes_allowed()
            else f"Quotes can be shown once {self.session.min_quote_size} people answered"
        )
        self.quotes.value = d.verbatims and self._quotes_allowed()
        self.curtain_button.value = d.curtain
        html = [self._ask, self._language, self._lenses, self._okrs, self._model, self._proposals][
            step
        ]()
        self.body.value = self._shown(f"<div class='ow'>{html}</div>")
        self._show_controls(step)

    def _shown(self, html: str) -> str:
        return curtain(html, self.names) if self.room.decisions.curtain else html

    def _room_ready(self) -> str:
        """Why the room's positions are not shown yet ("" once they are)."""
        need = self.session.min_size - self.room.people
        if need > 0:
            return (
                f"Where the room's answers land appears once {self.session.min_size} people "
                f"have answered ({need} more to go), so no one's answer can be singled out."
            )
        return ""

    def _show_quotes(self) -> bool:
        d = self.room.decisions
        return d.verbatims and not d.curtain and self._quotes_allowed()

    # step 1
    def _ask(self) -> str:
        s = self.session
        questions = "".join(
            f"<div class='ow-question'>{i}. {escape(s.wording[q])}</div>"
            for i, q in enumerate(CORE_QUESTIONS, start=1)
        )
        return (
            "<table style='width:100%'><tr><td style='width:62%;vertical-align:top'>"
            f"{questions}<p class='ow-muted'>Answer in a sentence or two, in your own words. "
            "Answers are anonymous: names, e-mail addresses and phone numbers are removed, and "
            "the screen shows only what the room says together.</p></td>"
            "<td style='vertical-align:top;text-align:center'>"
            f"{qr_svg(s.participant_url)}<div class='ow-muted'>Scan, or open</div>"
            f"<div class='ow-url'>{escape(s.participant_url)}</div></td></tr></table>"
        )

    # step 2
    def _language(self) -> str:
        wait = self._room_ready()
        if wait:
            return _wait(wait)
        a = self.analysis
        answers = a.ctx.scored
        chart = charts.room_map(answers, self._reference())
        left = svg(chart) if chart is not None else ""
        right = "<h2>Where the answers land</h2>" + self._shares()
        right += self._themes()
        return (
            f"<table style='width:100%'><tr><td style='width:50%;vertical-align:top'>{left}</td>"
            f"<td style='vertical-align:top'>{right}</td></tr></table>"
        )

    def _reference(self) -> pd.DataFrame:
        """The organisation's survey on the room's map (its position, not its units')."""
        if self.survey is None or pd.isna(self.survey.headline.get("focus")):
            return pd.DataFrame(columns=["name", "focus", "result"])
        head = self.survey.headline
        return pd.DataFrame(
            {
                "name": [f"Survey ({head['respondents']} people)"],
                "focus": [head["focus"]],
                "result": [head["result"]],
            }
        )

    def _shares(self) -> str:
        rows = [("This room", self.analysis.headline.get("shares") or {})]
        if self.survey is not None and not self.survey.headline.get("suppressed"):
            rows.append(
                (f"Survey, {self.survey.ctx.wave_id}", self.survey.headline.get("shares") or {})
            )
        head = "".join(f"<th>{escape(who)}</th>" for who, _ in rows)
        body = "".join(
            f"<tr><td><span class='ow-chip' style='background:{COLOURS[q]}'></span>"
            f"{escape(QUADRANT_LABELS[q])}</td>"
            + "".join(
                f"<td>{_bar(shares.get(q, 0), COLOURS[q], 110)} {shares.get(q, 0):.0%}</td>"
                for _, shares in rows
            )
            + "</tr>"
            for q in QUADRANTS
        )
        return f"<table><tr><th></th>{head}</tr>{body}</table>"

    def _themes(self) -> str:
        need = 2 * self.session.min_size - self.room.people
        if need > 0:
            return (
                f"<p class='ow-muted'>Themes emerge once {2 * self.session.min_size} people "
                f"have answered ({need} more to go).</p>"
            )
        parts = []
        for q in CORE_QUESTIONS:
            summary = self.analysis.theme(q)
            table = summary.table.head(4)
            if table.empty:
                continue
            items = "".join(
                f"<tr><td><span class='ow-chip' style='background:{COLOURS.get(r.quadrant, '#999')}'>"
                f"</span>{escape(r.label)}</td><td class='ow-muted'>{int(r.size)} answers</td></tr>"
                for r in table.itertuples()
            )
            parts.append(f"<h2>{escape(self.session.wording[q])}</h2><table>{items}</table>")
        if not parts:
            parts.append("<p class='ow-muted'>No theme is shared by enough people yet.</p>")
        return "".join(parts) + self._quotes()

    def _quotes(self) -> str:
        """In the room's own words: for each quadrant, the answer the model is surest of."""
        if not self._show_quotes():
            return ""
        scored = self.analysis.ctx.scored
        scored = scored[scored["quadrant"].isin(QUADRANTS)]
        best = (
            scored.sort_values(["confidence", "text"], ascending=[False, True], kind="stable")
            .drop_duplicates("quadrant")
            .sort_values("quadrant", key=lambda s: s.map(QUADRANTS.index))
        )
        return "<h2>In the room's words</h2>" + "".join(
            f"<div class='ow-quote' style='border-color:{COLOURS[r.quadrant]}'>“{escape(r.text)}”</div>"
            for r in best.itertuples()
        )

    # step 3
    def _lenses(self) -> str:
        rows = []
        if not self._room_ready():
            rows.append(("Said in this room", self._said(self.analysis)))
        if self.survey is not None:
            rows.append(
                (f"Said in the survey ({self.survey.ctx.wave_id})", self._said(self.survey))
            )
        owned = (self.survey or self.analysis).lenses
        whole = owned.iloc[0] if len(owned) else pd.Series(dtype=object)
        for lens, label in (
            ("measure", "Measured"),
            ("value", "Valued (reported)"),
            ("reward", "Rewarded"),
        ):
            rows.append((label, whole.get(lens)))
        table = "".join(
            f"<tr><td style='white-space:nowrap'>{escape(label)}</td>"
            f"<td style='width:230px'>{_bar(0 if v is None or pd.isna(v) else v / 100, '#1b7a4a')}</td>"
            f"<td><b>{'–' if v is None or pd.isna(v) else f'{v:.0f}'}</b></td></tr>"
            for label, v in rows
        )
        intro = (
            "<p class='ow-muted'>Customer-outcome index, 0–100: how much of what is said, "
            "measured, reported and rewarded is about what changes for customers. When the "
            "words run ahead of the measures and rewards, the organisation rewards something "
            "other than what it says it is for.</p>"
        )
        wait = self._room_ready()
        note = f"<p class='ow-muted'>{escape(wait)}</p>" if wait else ""
        return (
            f"<table style='width:100%;table-layout:fixed'><tr><td style='width:50%;vertical-align:top'>"
            f"{intro}<table>{table}</table>{note}</td><td style='vertical-align:top'>"
            f"<h2>Gaps to agree</h2><div style='font-size:19px'>{self._gap_list()}</div></td></tr></table>"
        )

    @staticmethod
    def _said(analysis: Analysis) -> float | None:
        index = analysis.index
        return None if pd.isna(index.value) else float(index.value)

    def gaps(self) -> list[str]:
        """The findings the room is asked to agree: the survey's (else the room's) summary."""
        source = self.survey if self.survey is not None else self.analysis
        return [text for text, _section in source.summary][:5]

    def _gap_list(self) -> str:
        agreed = self.room.decisions.agreed
        items = "".join(
            f"<p class='ow-finding'>{i}. {escape(g)}"
            + (" <span class='ow-agreed'>✔ agreed</span>" if agreed.get(g) else "")
            + "</p>"
            for i, g in enumerate(self.gaps(), start=1)
        )
        return items or "<p class='ow-muted'>No gap found in the data.</p>"

    # step 4
    def _okrs(self) -> str:
        a = self.survey or self.analysis
        krs, objectives = a.key_results, a.objectives
        if krs.empty:
            return _wait("This organisation has no OKRs in the workspace.")
        outcome = krs["quadrant"].isin(OUTCOME_QUADRANTS).mean()
        figures = [
            (f"{len(krs)}", "key results"),
            (f"{outcome:.0%}", "are outcomes"),
            (f"{int(objectives['no_outcome_kr'].sum())}", "objectives with no outcome key result"),
            (f"{int(krs['no_capability'].sum())}", "key results tied to no capability"),
            (f"{int(krs['orphan'].sum())}", "key results that cascade from nothing"),
        ]
        cells = "".join(
            f"<td style='width:20%;vertical-align:top'><div class='ow-count'>{escape(n)}</div>"
            f"<div class='ow-muted'>{escape(t)}</div></td>"
            for n, t in figures
        )
        chain = charts.capability_chain_chart(a.chain, label_limit=300)
        picture = ""
        if chain is not None:
            picture = svg(chain.properties(width=alt.Step(118), height=alt.Step(46)))
        return (
            f"<table style='width:100%;table-layout:fixed'><tr>{cells}</tr></table>"
            "<h2>Customer-outcome index along the value chain, left to right</h2>"
            f"{picture}"
        )

    # step 5
    def _model(self) -> str:
        a = self.survey
        if a is None:
            return _wait("Which operating model each unit has needs the organisation's survey.")
        units = a.units.assign(unit="") if self.room.decisions.curtain else a.units
        chart = charts.quadrant_map(units)
        left = svg(chart.properties(width=480, height=380)) if chart is not None else ""
        room = ""
        if not self._room_ready():
            head = self.analysis.headline
            dominant = head.get("dominant")
            if dominant:
                room = (
                    f"<p class='ow-finding'>This room answers mostly in "
                    f"<b>{escape(QUADRANT_LABELS[dominant])}</b> terms "
                    f"({(head['shares'] or {}).get(dominant, 0):.0%} of answers).</p>"
                )
        return (
            f"<table style='width:100%;table-layout:fixed'><tr><td style='width:58%;vertical-align:top'>"
            f"{left}</td><td style='vertical-align:top;font-size:20px'>"
            f"{hybrid_text(a.hybrid, a.headline, a.ctx.min_size)}{room}</td></tr></table>"
        )

    # step 6
    def _proposals(self) -> str:
        proposals = self.room.decisions.proposals.values()
        columns = ""
        for key, label in CATEGORIES.items():
            mine = [p for p in proposals if p.get("category") == key]
            items = "".join(f"<li>{escape(p.get('text', ''))}</li>" for p in mine)
            columns += (
                f"<td style='width:33%;vertical-align:top'><h2>{escape(label)}</h2>"
                f"<ul>{items or '<li class=ow-muted>none yet</li>'}</ul></td>"
            )
        agreed = [g for g in self.gaps() if self.room.decisions.agreed.get(g)]
        gaps = "".join(f"<li>{escape(g)}</li>" for g in agreed)
        gaps_html = f"<h2>Agreed gaps</h2><ul>{gaps}</ul>" if gaps else ""
        return f"{gaps_html}<table style='width:100%'><tr>{columns}</tr></table>"

    # --- the facilitator's controls under the steps that have them

    def _controls(self) -> w.Widget:
        self.theme_pick = w.Dropdown(description="Theme", layout=w.Layout(width="420px"))
        self.theme_name = w.Text(placeholder="New name", layout=w.Layout(width="300px"))
        self.rename = w.Button(description="Rename")
        self.merge_pick = w.Dropdown(description="Merge with", layout=w.Layout(width="420px"))
        self.merge = w.Button(description="Merge")
        self.rename.on_click(self._rename)
        self.merge.on_click(self._merge)
        self.theme_controls = w.VBox(
            [
                w.HBox([self.theme_pick, self.theme_name, self.rename]),
                w.HBox([self.merge_pick, self.merge]),
            ]
        )
        self.gap_pick = w.Dropdown(description="Gap", layout=w.Layout(width="260px"))
        self.agree = w.Button(description="Agreed", button_style="success")
        self.disagree = w.Button(description="Not agreed")
        self.agree.on_click(lambda _b: self._agree(True))
        self.disagree.on_click(lambda _b: self._agree(False))
        self.gap_controls = w.HBox([self.gap_pick, self.agree, self.disagree])
        self.category = w.Dropdown(
            options=[(v, k) for k, v in CATEGORIES.items()], layout=w.Layout(width="240px")
        )
        self.proposal = w.Text(placeholder="The room's proposal", layout=w.Layout(width="620px"))
        self.add = w.Button(description="Add", button_style="primary")
        self.remove = w.Button(description="Remove the last")
        self.add.on_click(self._add)
        self.remove.on_click(self._remove)
        self.proposal_controls = w.HBox([self.category, self.proposal, self.add, self.remove])
        box = w.VBox([self.theme_controls, self.gap_controls, self.proposal_controls])
        box.add_class("ow-controls")
        return box

    def _show_controls(self, step: int) -> None:
        themes = self._theme_options() if step == 1 else []
        if (
            tuple(themes) != self.theme_pick.options
        ):  # keep a choice being made while answers arrive
            self.theme_pick.options = themes
            self.merge_pick.options = themes
        self.theme_controls.layout.display = "" if themes else "none"
        gaps = self.gaps() if step == 2 else []
        options = tuple((f"Gap {i}", g) for i, g in enumerate(gaps, start=1))
        if options != self.gap_pick.options:
            self.gap_pick.options = options
            self.gap_pick.index = 0 if options else None
        self.gap_controls.layout.display = "" if gaps else "none"
        self.proposal_controls.layout.display = "" if step == 5 else "none"

    def _theme_options(self) -> list[tuple[str, str]]:
        if self.room.people < 2 * self.session.min_size:
            return []
        options = []
        for q in CORE_QUESTIONS:
            for r in self.analysis.theme(q).table.itertuples():
                options.append((f"{r.label} ({q})", r.key))
        return options

    def _rename(self, _b=None) -> None:
        name = self.theme_name.value.strip()
        if self.theme_pick.value and name:
            self._decide("rename", target=self.theme_pick.value, label=name)
            self.theme_name.value = ""

    def _merge(self, _b=None) -> None:
        a, b = self.theme_pick.value, self.merge_pick.value
        if a and b and a != b:
            label = (
                self.theme_name.value.strip()
                or dict((v, k) for k, v in self.theme_pick.options)[a].rsplit(" (", 1)[0]
            )
            self._decide("merge", target=f"{a}||{b}", label=label)
            self.theme_name.value = ""

    def _agree(self, agreed: bool) -> None:
        if self.gap_pick.value:
            self._decide("gap_agreed", gap=self.gap_pick.value, agreed=agreed)

    def _add(self, _b=None) -> None:
        text = self.proposal.value.strip()
        if text:
            self._decide(
                "proposal", id=secrets.token_hex(6), category=self.category.value, text=text
            )
            self.proposal.value = ""

    def _remove(self, _b=None) -> None:
        mine = [
            p
            for p in self.room.decisions.proposals.values()
            if p.get("category") == self.category.value
        ]
        if mine:
            self._decide("proposal_removed", id=mine[-1]["id"])
