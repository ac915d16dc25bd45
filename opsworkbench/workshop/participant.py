"""The participants' page: pick a unit (optional), answer the two questions, see them received.

Each participant's page is its own kernel, so this stays light (no pandas, no model): answers
are scrubbed of personal data here, before anything is written, then appended to the session's
log (:func:`opsworkbench.workshop.session.append`). The presenter view scores them.

A device keeps one participant id in the browser's local storage, so a reloaded page shows
"your answers are in" instead of asking again, and sending again replaces, never adds.
"""

from __future__ import annotations

import secrets

import anywidget
import ipywidgets as w
import traitlets

from opsworkbench.pii import scrub_pii
from opsworkbench.privacy import escape
from opsworkbench.vocabulary import CORE_QUESTIONS
from opsworkbench.workshop.session import ANSWER, Session, append, latest_answers, read_log

NO_UNIT = "Prefer not to say"
MAX_CHARACTERS = 1000  # longer answers are cut here (and the participant is told)

STYLE = """<style>
body, .jp-LabShell, .jp-Notebook { background: #ffffff !important; }
.owp { font-family: Helvetica, Arial, sans-serif; color: #111; font-size: 18px; line-height: 1.4;
       max-width: 640px; }
.owp h1 { font-size: 26px; margin: 4px 0 2px; } .owp .owp-muted { color: #444; font-size: 16px; }
.owp-form .widget-label, .owp-form label { font-size: 18px !important; color: #111; }
.owp-form textarea { font: 18px Helvetica, Arial, sans-serif !important; min-height: 110px; }
.owp-form select { font-size: 18px !important; height: 40px; }
.owp-form .jupyter-button { font-size: 20px; height: 52px; }
.owp-ok { background: #e6f4ea; border-left: 6px solid #17603a; padding: 10px 14px; }
.owp-error { background: #fde8e8; border-left: 6px solid #a40000; padding: 10px 14px; }
</style>"""


class Device(anywidget.AnyWidget):
    """The participant's id, kept in this browser's local storage across reloads."""

    _esm = """
    const KEY = "opsworkbench-participant";
    function render({ model, el }) {
      let id = null;
      try { id = window.localStorage.getItem(KEY); } catch (e) {}
      if (id) { model.set("participant", id); model.save_changes(); }
      else if (model.get("participant")) { keep(model.get("participant")); }
      model.on("change:participant", () => keep(model.get("participant")));
    }
    function keep(id) { try { window.localStorage.setItem(KEY, id); } catch (e) {} }
    export default { render };
    """
    participant = traitlets.Unicode("").tag(sync=True)


class Participant:
    """One participant's page for a session."""

    def __init__(self, session: Session):
        self.session = session
        self.device = Device()
        self.unit = w.Dropdown(
            options=[NO_UNIT, *session.units],
            value=NO_UNIT,
            layout=w.Layout(width="96%"),
        )
        self.answers = {
            q: w.Textarea(
                placeholder="In your own words…",
                layout=w.Layout(width="96%", height="120px"),
                continuous_update=True,
            )
            for q in CORE_QUESTIONS
        }
        self.send = w.Button(
            description="Send my answers",
            button_style="primary",
            disabled=True,
            layout=w.Layout(width="96%"),
        )
        self.change = w.Button(description="Change my answers", layout=w.Layout(width="96%"))
        self.status = w.HTML()
        form = [w.HTML(STYLE), w.HTML(self._heading())]
        form += [w.HTML("<div class='owp'><b>My unit</b> (optional)</div>"), self.unit]
        for q in CORE_QUESTIONS:
            form += [w.HTML(f"<div class='owp'><h1>{escape(session.wording[q])}</h1></div>")]
            form += [self.answers[q]]
        self.form = w.VBox([*form, self.send], layout=w.Layout(max_width="640px"))
        self.form.add_class("owp-form")
        self.done = w.VBox([self.change], layout=w.Layout(display="none", max_width="640px"))
        self.done.add_class("owp-form")
        self.widget = w.VBox([self.form, self.status, self.done, self.device])
        for box in self.answers.values():
            box.observe(self._ready, "value")
        self.send.on_click(self._send)
        self.change.on_click(self._change)
        self.device.observe(self._returning, "participant")
        self.sent: dict | None = None

    def _heading(self) -> str:
        return (
            f"<div class='owp'><div class='owp-muted'>Workshop · {escape(self.session.name)}"
            "</div><div class='owp-muted'>Your answers are anonymous: names, e-mail addresses "
            "and phone numbers are removed, and no one sees who wrote what.</div></div>"
        )

    def _ready(self, _change=None) -> None:
        self.send.disabled = not all(box.value.strip() for box in self.answers.values())

    def _returning(self, change) -> None:
        """A page opened again on the same device shows the answers already sent."""
        if self.sent is None and change["new"]:
            mine = latest_answers(read_log(self.session.log)).get(change["new"])
            if mine is not None:
                self._received(mine, again=True)

    def _send(self, _button=None) -> None:
        if self.send.disabled:
            return
        self.send.disabled = True  # a second click while this runs sends nothing
        if not self.device.participant:
            self.device.participant = secrets.token_hex(16)
        cut = [q for q, box in self.answers.items() if len(box.value) > MAX_CHARACTERS]
        record = {
            "kind": ANSWER,
            "participant": self.device.participant,
            "submission": secrets.token_hex(8),
            "unit": None if self.unit.value == NO_UNIT else self.unit.value,
            # scrubbed before cutting, so an address cut in half is still found
            **{q: scrub_pii(box.value.strip())[:MAX_CHARACTERS] for q, box in self.answers.items()},
        }
        try:
            record = append(self.session.log, record)
        except OSError as exc:
            self.status.value = (
                f"<div class='owp owp-error'>Not sent: {escape(exc.strerror or exc)}. "
                "Please tell the facilitator, then try again.</div>"
            )
            self._ready()
            return
        self._received(record, cut=cut)

    def _received(self, record: dict, *, again: bool = False, cut: list[str] = ()) -> None:
        self.sent = record
        for q in CORE_QUESTIONS:
            self.answers[q].value = record.get(q) or ""
        self.unit.value = record.get("unit") if record.get("unit") in self.unit.options else NO_UNIT
        when = str(record["at"])[11:19]
        note = " (each answer was cut to its first 1,000 characters)" if cut else ""
        lead = "Your answers are in" if again else "Received — thank you"
        self.status.value = (
            f"<div class='owp owp-ok'><b>{lead}</b> (sent at {escape(when)}){note}. They appear "
            "on the shared screen together with everyone else's.</div>"
        )
        self.form.layout.display = "none"
        self.done.layout.display = ""
        self.send.disabled = True  # the cleaned text set above must not re-enable a second send

    def _change(self, _button=None) -> None:
        """Show the form again, filled in; sending replaces the earlier answers."""
        self.form.layout.display = ""
        self.done.layout.display = "none"
        self.status.value = (
            "<div class='owp owp-muted'>Sending again replaces your earlier answers.</div>"
        )
        self._ready()
