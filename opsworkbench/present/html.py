"""HTML fragments for reports and notebooks; every piece of data is escaped here."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from opsworkbench.diagnostics.recommendations import MATERIAL_GAP, people_reason, plural
from opsworkbench.privacy import escape
from opsworkbench.vocabulary import (
    CORE_QUESTIONS,
    CUSTOMER_OUTCOME,
    CUSTOMER_QUADRANTS,
    FACTORY_FLOOR,
    NOT_ASKED,
    OUTCOME_QUADRANTS,
    QUADRANT_LABELS,
    QUADRANT_MEANING,
)

# Where in the report each part of the analysis is: the anchor a finding's "Evidence →" link
# points to (the <a id="..."> names of the report notebook).
SECTION_ANCHORS = {
    "data_quality": "#data-quality",
    "orientation": "#headline-orientation",
    "lenses": "#say-measure-value-reward",
    "perverse_incentives": "#perverse-incentives",
    "okr_health": "#okr-health",
    "hybrid": "#hybrid",
    "under_measured": "#under-measured-outcomes",
}


def show(fragment: str):
    """Display an HTML fragment in a notebook (the only place that displays)."""
    from IPython.display import HTML, display

    display(HTML(fragment))


def unit_reason(head: dict, units: pd.DataFrame, min_size: int) -> str:
    """Why units are not compared ("" when at least one unit is shown on its own)."""
    why = people_reason(head, min_size, short=True)
    if why:
        return f"Not shown: {why}"
    if head["units"] == 1:
        return _one_unit(head)
    if units.empty or units["suppressed"].all():
        return (
            f"No unit is shown on its own: each has fewer than {min_size} people with a "
            "classified answer, or is hidden so that a smaller unit cannot be worked out from "
            "the total."
        )
    return ""


def note(text: str) -> str:
    """An explanatory note (escaped); empty text gives an empty fragment."""
    return f"<p class='ow-note'>{escape(text)}</p>" if text else ""


def pct(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.0%}"


def table(frame: pd.DataFrame, *, formats: dict | None = None) -> str:
    """An escaped HTML table with house classes; ``formats`` maps column → callable."""
    shown = frame.copy()
    for col, fmt in (formats or {}).items():
        shown[col] = shown[col].map(fmt)
    return shown.to_html(index=False, escape=True, na_rep="–", classes="ow-table", border=0)


def title(ctx) -> str:
    waves = ", ".join(escape(w) for w in ctx.waves)
    return (
        f"<header class='ow-title'><h1>{escape(ctx.name)}</h1>"
        f"<p class='ow-sub'>Operating-model diagnostic · {escape(ctx.sector)} · survey wave "
        f"<b>{escape(ctx.wave_id)}</b> (waves on file: {waves}) · generated {dt.date.today():%d %B %Y}</p></header>"
    )


def _topic(head: dict) -> str:
    asked = head.get("questions", CORE_QUESTIONS)
    if set(asked) == set(CORE_QUESTIONS):
        return "their work and success"
    return "their work" if "work" in asked else "what success looks like"


def _one_unit(head: dict) -> str:
    if head.get("unit_column", True):
        return "Everyone who answered is in one unit, so there are no units to compare."
    return "The survey did not record units, so there are no units to compare."


def warnings(ctx) -> str:
    """A prominent warning for each mapped open question that was not scored, and why."""
    items = [
        f"<li>Answers to “{escape(ctx.wording(r.question))}” (column "
        f"<code>{escape(r.source_column)}</code>) were <b>not scored</b>: {escape(r.note)}. "
        "Check that study.yml maps the column holding the written answers.</li>"
        for r in ctx.unscored.itertuples()
    ]
    if not items:
        return ""
    return (
        "<div class='ow-warning' role='alert'><b>⚠ Check the survey mapping</b>"
        f"<ul>{''.join(items)}</ul></div>"
    )


def headline(ctx, head: dict) -> str:
    """Key numbers and a plain-language reading of the organisation's orientation."""
    cards = [
        ("Respondents", head["respondents"]),
        *[(f"Answers to “{ctx.wording(q)}”", n) for q, n in head["answers"].items()],
        ("Non-answers (not classified)", head["unclassified"]),
    ]
    html = (
        "<div class='ow-cards'>"
        + "".join(
            f"<div class='ow-card'><div class='ow-num'>{escape(v)}</div><div>{escape(k)}</div></div>"
            for k, v in cards
        )
        + "</div>"
    )
    if head["suppressed"]:
        return html + (
            f"<p class='ow-finding'>No results are shown for this wave: "
            f"{escape(people_reason(head, ctx.min_size))}</p>"
        )
    shares = head["shares"]
    dominant = head["dominant"]
    mode = QUADRANT_LABELS[dominant].lower()
    parts = ", ".join(f"{pct(shares[q])} {QUADRANT_LABELS[q].lower()}" for q in shares)
    return html + (
        f"<p class='ow-finding'>People at {escape(ctx.name)} mostly describe {_topic(head)} in "
        f"<b>{escape(mode)}</b> terms — {escape(QUADRANT_MEANING[dominant])}: "
        f"{pct(shares[dominant])} of classified answers (all quadrants: {escape(parts)}).</p>"
        f"<p>Average position: focus {_signed2(head['focus'])} (−1 internal … +1 external), "
        f"result {_signed2(head['result'])} (−1 output … +1 outcome).</p>"
    )


def unit_table(units: pd.DataFrame, min_size: int, head: dict | None = None) -> str:
    """Each unit's position, hidden units marked; a note instead when no unit can be shown."""
    why = unit_reason(head, units, min_size) if head is not None else ""
    if head is not None and (head["suppressed"] or head["units"] == 1):
        return note(why)
    shown = units.assign(
        quadrant=units["quadrant"].map(QUADRANT_LABELS),
        respondents=[
            f"hidden (fewer than {min_size} people with a classified answer, or hidden to "
            "protect a smaller unit)"
            if s
            else n
            for s, n in zip(units["suppressed"], units["respondents"], strict=True)
        ],
    )[["unit", "respondents", "focus", "result", "quadrant"]]
    fmt = {c: _signed2 for c in ("focus", "result")}
    return note(why) + table(
        shown.rename(columns={"quadrant": "most common quadrant"}), formats=fmt
    )


def comparison_heading(ctx) -> str:
    """The heading of the work-versus-success comparison, in the words the survey used."""
    if len(ctx.core_questions) < 2:
        return "<h3>One open question</h3>"
    return (
        f"<h3>“{escape(ctx.wording('work'))}” versus “{escape(ctx.wording('success'))}”</h3>"
        "<p>If people describe success in the same terms as their tasks, the organisation has no "
        "language for what its work achieves.</p>"
    )


def work_vs_success(
    comparison: pd.DataFrame, head: dict | None = None, min_size: int = 0, ctx=None
) -> str:
    """One sentence on how success answers differ from work answers."""
    if ctx is not None and len(ctx.core_questions) < 2:
        asked = " and ".join(f"“{ctx.wording(q)}”" for q in ctx.core_questions)
        return note(
            f"This survey asked one open question, {asked}, so there is no comparison of how "
            "people describe their work and their success."
            if asked
            else "No open question could be scored, so there is nothing to compare."
        )
    if set(comparison["question"].astype(str)) != set(CORE_QUESTIONS):
        why = people_reason(head, min_size, short=True) if head is not None else ""
        return note(
            f"Not shown: {why}"
            if why
            else f"Each question needs classified answers from at least {min_size} people to be "
            "compared; one of them has fewer."
        )
    share = comparison.pivot(index="quadrant", columns="question", values="share").fillna(0.0)
    outcome = share.loc[list(OUTCOME_QUADRANTS)].sum()
    customer = share.loc[list(CUSTOMER_QUADRANTS)].sum()
    return (
        f"<p class='ow-finding'>Outcome language: {pct(outcome['work'])} of “work” answers and "
        f"{pct(outcome['success'])} of “success” answers. Customer language: {pct(customer['work'])} "
        f"of “work” answers and {pct(customer['success'])} of “success” answers.</p>"
    )


def theme_heading(ctx, question: str) -> str:
    """The heading of one question's themes, in the words the survey used ("" if not asked)."""
    if question not in ctx.core_questions and question not in set(ctx.unscored["question"]):
        return ""
    return f"<h4>Themes in the answers to “{escape(ctx.wording(question))}”</h4>"


def metric_stages(stages: pd.DataFrame, metrics: pd.DataFrame) -> str:
    """What share of measured versus incentivised effort points at customer outcomes."""
    if metrics.empty:
        return (
            "<p class='ow-note'>No metric inventory was loaded for this organisation: add "
            "<code>metrics:</code> to its study.yml to compare what is said with what is measured.</p>"
        )
    co = stages[stages["quadrant"] == CUSTOMER_OUTCOME].set_index("stage")["share"]
    ff = stages[stages["quadrant"] == FACTORY_FLOOR].set_index("stage")["share"]
    return (
        f"<p class='ow-finding'>{len(metrics)} metrics in the inventory. Customer-outcome metrics are "
        f"{pct(co.get('measured'))} of what is measured, {pct(co.get('reported'))} of what is reported "
        f"and {pct(co.get('incentivised'))} of incentive weight; factory-floor metrics carry "
        f"{pct(ff.get('incentivised'))} of incentive weight.</p>"
    )


def metric_table(metrics: pd.DataFrame) -> str:
    if metrics.empty:
        return ""
    shown = metrics.assign(quadrant=metrics["quadrant"].map(QUADRANT_LABELS))[
        [
            "metric_id",
            "name",
            "owner_unit",
            "measured",
            "reported",
            "incentivised",
            "incentive_weight",
            "quadrant",
        ]
    ]
    tick = {c: lambda v: "✓" if v else "" for c in ("measured", "reported", "incentivised")}
    return table(
        shown, formats={**tick, "incentive_weight": lambda v: "" if not v or pd.isna(v) else pct(v)}
    )


def themes(found: pd.DataFrame, quotes: pd.DataFrame, note: str, min_quote_size: int) -> str:
    """Theme table and, per theme, representative quotes with the words that placed them."""
    if found.empty and note == NOT_ASKED:
        return ""
    if found.empty:
        return f"<p class='ow-note'>No themes shown: {escape(note)}.</p>"
    shown = found.assign(quadrant=found["quadrant"].map(QUADRANT_LABELS))[
        ["label", "size", "share", "focus", "result", "quadrant", "terms"]
    ]
    signed = {c: _signed2 for c in ("focus", "result")}
    html = table(
        shown.rename(
            columns={"size": "answers", "quadrant": "most common quadrant", "terms": "key terms"}
        ),
        formats={"share": pct, **signed},
    )
    if quotes.empty:
        return html + (
            f"<p class='ow-note'>No quotes: themes with fewer than {min_quote_size} "
            "answers, and answers from units that small, are never quoted.</p>"
        )
    for label, group in quotes.groupby("label", sort=False):
        items = "".join(
            f"<li><q>{escape(q)}</q> <span class='ow-cues'>{escape(c)}</span></li>"
            for q, c in zip(group["quote"], group["cues"], strict=True)
        )
        html += f"<h4>{escape(label)}</h4><ul class='ow-quotes'>{items}</ul>"
    return html


def method(ctx, corpus_size: int) -> str:
    """How texts were scored and which analyst corrections (codebook) were applied."""
    book = ctx.codebook
    html = (
        f"<p>Texts are scored by a calibrated linear model (word n-grams and cue-word groups) "
        f"trained on {corpus_size} labelled statements from many sectors"
        f"{' plus this organisation’s codebook corrections' if not book.training_rows().empty else ''}. "
        f"Focus and result run from −1 to +1; confidence is the calibrated probability of the "
        f"quadrant. Scores are shown for groups of at least {ctx.min_size} people; quotes only for "
        f"groups of at least {ctx.min_quote_size}.</p>"
    )
    if book.entries.empty:
        return html + "<p>Codebook: no analyst corrections yet (version 0).</p>"
    entries = book.entries[["version", "action", "target", "value", "note"]]
    return html + f"<p>Codebook version {book.version}:</p>" + table(entries)


def _signed2(v) -> str:
    """A signed position with a true minus sign, as on the axes (−1 … +1)."""
    return "–" if v is None or pd.isna(v) else f"{v:+.2f}".replace("-", "−")


def _signed(v) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:+.1f}"


def number(v) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:.0f}"


def summary(findings: list[tuple[str, str]]) -> str:
    """The executive summary: numbered plain-language findings, each linked to its evidence
    (findings are (text, section) pairs, the section one of :data:`SECTION_ANCHORS`)."""
    if not findings:
        return note("Nothing in this wave is large enough, or loaded, to report a finding.")
    items = "".join(
        f"<li>{escape(text)} <a href='{escape(SECTION_ANCHORS[section])}'>Evidence →</a></li>"
        for text, section in findings
    )
    return f"<ol class='ow-summary'>{items}</ol>"


def profile_table(profile: pd.DataFrame, head: dict | None = None, min_size: int = 0) -> str:
    """The customer-outcome index per unit with its interval and quadrant shares."""
    if profile.empty:
        # the headline above already says why when the whole wave is too small
        return (
            ""
            if head is not None and head["suppressed"]
            else note("No group is large enough to show.")
        )
    shown = profile[profile["question"] == "both"][
        ["unit", "respondents", "index", "low", "high", *QUADRANT_LABELS]
    ]
    shown = shown.rename(
        columns={
            "respondents": "people with a classified answer",
            "index": "index (0–100)",
            "low": "95% low",
            "high": "95% high",
            **QUADRANT_LABELS,
        }
    )
    return table(
        shown,
        formats={
            **{c: pct for c in QUADRANT_LABELS.values()},
            **{c: number for c in ("index (0–100)", "95% low", "95% high")},
        },
    )


def work_success_table(gaps: pd.DataFrame) -> str:
    if gaps.empty:
        return ""
    shown = gaps.rename(
        columns={"work": "work index", "success": "success index", "gap": "success − work"}
    )
    shown.columns.name = None
    return table(
        shown, formats={"work index": number, "success index": number, "success − work": _signed}
    )


def lens_table(lenses: pd.DataFrame, head: dict | None = None, min_size: int = 0) -> str:
    """Say, measure, value and reward side by side, per unit."""
    why = people_reason(head, min_size, short=True) if head is not None else ""
    html = note(f"What people say is not shown: {why}") if why else ""
    shown = lenses[
        ["unit", "respondents", "say", "measure", "value", "reward", "gap", "measure_n", "reward_n"]
    ]
    shown = shown.rename(
        columns={
            "gap": "say − reward",
            "measure_n": "metrics measured",
            "reward_n": "metrics incentivised",
        }
    )
    return html + table(
        shown,
        formats={c: number for c in ("say", "measure", "value", "reward")}
        | {"say − reward": _signed},
    )


def perverse_table(perverse: pd.DataFrame, metrics: pd.DataFrame | None = None) -> str:
    """Rewarded output metrics with nothing guarding the outcome, or why there are none."""
    if perverse.empty and metrics is not None and metrics.empty:
        return note(
            "No metric inventory was loaded for this organisation, so incentives cannot be checked."
        )
    if (
        perverse.empty
        and metrics is not None
        and not metrics["incentivised"].fillna(False).astype(bool).any()
    ):
        return note(
            "None of the metrics is incentivised, so no incentive can work against outcomes."
        )
    if perverse.empty:
        return "<p class='ow-finding'>Every rewarded output metric has a rewarded customer-outcome metric beside it.</p>"
    shown = perverse.rename(
        columns={"candidates": "outcome metrics measured there but not rewarded"}
    )
    return table(shown.drop(columns=["quadrant"]), formats={"incentive_weight": pct})


def okr_sections(krs: pd.DataFrame, objectives: pd.DataFrame) -> str:
    if krs.empty:
        return (
            "<p class='ow-note'>No OKRs were loaded for this organisation: add <code>okrs:</code> to its "
            "study.yml to check them.</p>"
        )
    outcome_share = krs["quadrant"].isin(OUTCOME_QUADRANTS).mean() if len(krs) else 0
    no_outcome = int(objectives["no_outcome_kr"].sum())
    orphans = int(krs["orphan"].sum())
    across = int((krs["aligned_across"] != "").sum())
    loose = int(krs["no_capability"].sum())
    html = (
        f"<p class='ow-finding'>{plural(len(krs), 'key result')}: {pct(outcome_share)} outcomes. "
        f"{no_outcome} of {plural(len(objectives), 'objective')} "
        f"{'has' if len(objectives) == 1 else 'have'} no outcome key result; "
        f"{orphans} {'is an orphan' if orphans == 1 else 'are orphans'}; {across} "
        f"{'aligns' if across == 1 else 'align'} across units; {loose} "
        f"{'is' if loose == 1 else 'are'} not attached to a capability.</p>"
    )
    html += "<h3>Objectives</h3>" + table(
        objectives.rename(columns={"no_outcome_kr": "no outcome key result"}),
        formats={"no outcome key result": lambda v: "⚠ yes" if v else ""},
    )
    flags = krs.assign(quadrant=krs["quadrant"].map(QUADRANT_LABELS))[
        [
            "okr_id",
            "key_result",
            "owner_unit",
            "quadrant",
            "parents",
            "aligned_across",
            "orphan",
            "no_capability",
        ]
    ]
    html += "<h3>Key results and alignment</h3>" + table(
        flags,
        formats={
            "orphan": lambda v: "orphan" if v else "",
            "no_capability": lambda v: "none" if v else "",
        },
    )
    questions = krs[krs["question"] != ""]
    if len(questions):
        items = "".join(
            f"<li><b>{escape(r.okr_id)}</b> {escape(r.question)}</li>"
            for r in questions.itertuples()
        )
        html += f"<h3>Questions that turn output key results into outcomes</h3><ul>{items}</ul>"
    return html


def hybrid_text(hybrid: dict, head: dict | None = None, min_size: int = 0) -> str:
    """Focused, deliberate hybrid or unfocused mix, and which units are in which mode."""
    if hybrid["mode"] == "not enough units":
        short = people_reason(head, min_size, short=True) if head is not None else ""
        if short:
            return note(f"Not judged: {short}")
        if head is not None and head["units"] == 1:
            why = _one_unit(head)[0].lower() + _one_unit(head)[1:-1]
        else:
            why = (
                f"fewer than two units have at least {min_size} people with a classified answer"
                if min_size
                else "too few units are large enough to judge"
            )
        return note(f"Not judged: {why}.")
    meaning = {
        "deliberate hybrid": "units work in clearly different modes, each focused — a healthy hybrid if the split is intended",
        "unfocused mix": "most units are muddled between modes rather than choosing one",
        "focused": "every unit with a dominant mode is on the same side: all process work "
        "(factory floor, customer activity or business result), or all customer outcome",
        "not enough units": "too few units are large enough to judge",
    }[hybrid["mode"]]
    modes = "".join(
        f"<li>{escape(QUADRANT_LABELS[q])}: {escape(', '.join(u))}</li>"
        for q, u in hybrid.get("modes", {}).items()
    )
    muddled = ", ".join(hybrid.get("muddled_units", [])) or "none"
    return (
        f"<p class='ow-finding'>This organisation is <b>{escape(hybrid['mode'])}</b>: {escape(meaning)}.</p>"
        f"<ul>{modes}</ul><p>Units without a dominant mode: {escape(muddled)}.</p>"
    )


def capability_note(
    chain: pd.DataFrame, capabilities: pd.DataFrame, head: dict, min_size: int
) -> str:
    """Why the capability chain is empty or has no people row."""
    if capabilities.empty:
        return (
            "<p class='ow-note'>No capability map was loaded for this organisation: add "
            "<code>capabilities:</code> to its study.yml to see the value chain.</p>"
        )
    people = chain[chain["source"] == "people"]
    if people["index"].notna().any():
        return ""
    if not head.get("unit_column", True):
        return note(
            "What people say is blank for every capability: the survey did not record units, "
            "so answers cannot be placed on the value chain."
        )
    why = people_reason(head, min_size, short=True) or (
        f"no capability has at least {min_size} people with a classified answer in its shown units."
    )
    return note(f"What people say is blank for every capability: {why}")


def opportunity_table(opportunities: pd.DataFrame, ctx=None) -> str:
    if opportunities.empty and ctx is not None and "success" not in ctx.core_questions:
        return note(
            f"Nothing to rank: success themes come from the answers to “{ctx.wording('success')}”, "
            + (
                "which were not scored (see the warning at the top)."
                if "success" in set(ctx.unscored["question"])
                else "which this survey did not ask."
            )
        )
    if opportunities.empty:
        return note(
            "No success themes were found (see the themes above), so there is nothing to rank."
        )
    shown = opportunities.assign(quadrant=opportunities["quadrant"].map(QUADRANT_LABELS))
    return table(shown.rename(columns={"matched_metrics": "closest metrics"}))


def change_table(change: pd.DataFrame, waves: tuple[str, str] | None) -> str:
    if waves is None:
        return "<p class='ow-note'>Only one survey wave is on file, so there is no change to show yet.</p>"
    if change.empty:
        return note(
            f"Not shown: fewer than the minimum number of people gave a classified answer in "
            f"wave {waves[0]} or in wave {waves[1]}."
        )
    shown = change.assign(significant=change["significant"].map({True: "yes", False: ""}))
    intro = (
        f"<p>From wave {escape(waves[0])} to {escape(waves[1])}, index points (95% interval):</p>"
    )
    return intro + table(shown, formats={"change": _signed, "low": _signed, "high": _signed})


def next_steps(steps: pd.DataFrame, head: dict | None = None, ctx=None) -> str:
    """One card per material gap, or why there is none."""
    if steps.empty:
        unchecked = []
        if head is not None and head["suppressed"]:
            unchecked.append("what people say (too few people)")
        if ctx is not None and ctx.metrics.empty:
            unchecked.append("measures and incentives (no metric inventory was loaded)")
        if ctx is not None and ctx.okrs.empty:
            unchecked.append("OKRs (none were loaded)")
        if unchecked:
            listed = (
                unchecked[0]
                if len(unchecked) == 1
                else ", ".join(unchecked[:-1]) + " or " + unchecked[-1]
            )
            return note(
                f"No gap can be reported with confidence: this report could not check {listed}."
            )
        return "<p class='ow-finding'>No material gap was found between what is said, measured and rewarded.</p>"
    cards = "".join(
        f"<div class='ow-step'><h4>{escape(r.about)}</h4><p><b>Gap.</b> {escape(r.gap)}</p>"
        f"<p><b>Language.</b> {escape(r.language)}</p><p><b>Measures.</b> {escape(r.measures)}</p>"
        f"<p><b>Operating model.</b> {escape(r.changes)}</p><p><a href='{escape(SECTION_ANCHORS[r.section])}'>Evidence →</a></p></div>"
        for r in steps.itertuples()
    )
    return f"<div class='ow-steps'>{cards}</div>"


def model_evaluation(cv: dict | None) -> str:
    """The model's stored cross-validation summary (stored when reports are rendered)."""
    if cv is None:
        return note(
            "The model's cross-validation is stored when reports are rendered "
            "(`opsworkbench report`, or `opsworkbench score`)."
        )
    return (
        f"<p>Model evaluation (stratified {cv['folds']}-fold cross-validation on {cv['n']} labelled statements): "
        f"focus macro-F1 {cv['focus']['macro_f1']:.2f}, result macro-F1 {cv['result']['macro_f1']:.2f}, "
        f"quadrant accuracy {cv['quadrant_accuracy']:.2f}, calibration error {cv['calibration_error']:.2f}. "
        f"A difference of {MATERIAL_GAP:.0f} index points between lenses counts as a material gap.</p>"
    )


FILE_HEADINGS = {
    "source_file": "file",
    "rows_read": "rows read",
    "rows_loaded": "loaded",
    "rows_quarantined": "quarantined",
    "reconciled": "read = loaded + quarantined",
}


def data_quality(files: pd.DataFrame, reasons: pd.DataFrame, ctx=None) -> str:
    """Per-file reconciliation, quarantine reasons, each file's ingest warnings and the
    questions as mapped (which were scored, and why not)."""
    html = table(
        files.rename(columns=FILE_HEADINGS),
        formats={"read = loaded + quarantined": lambda v: "yes" if v else "⚠ no"},
    )
    if reasons.empty:
        html += note("No input row was quarantined.")
    else:
        html += "<h3>Quarantined rows by reason</h3>" + table(reasons.rename(columns=FILE_HEADINGS))
    if ctx is None:
        return html
    html += "<h3>Warnings from reading the files</h3>" + ingest_warnings(ctx.sources)
    if not ctx.questions.empty:
        q = ctx.questions.assign(
            wording=[ctx.wording(x) for x in ctx.questions["question"]],
            scored=[
                "yes"
                if x in ctx.core_questions
                else "⚠ no"
                if x in set(ctx.unscored["question"])
                else "–"
                for x in ctx.questions["question"]
            ],
        )[["question", "source_column", "wording", "scored", "note"]]
        html += "<h3>Questions as asked</h3>" + table(
            q.rename(columns={"source_column": "column", "note": "why not scored"}),
            formats={"why not scored": lambda v: "" if v is None or pd.isna(v) else v},
        )
    return html


def ingest_warnings(sources: pd.DataFrame) -> str:
    """Every warning ingest gave about each input file (escaped), or a line saying none."""
    items = []
    if "warnings" in sources:
        for _, row in sources.sort_values(["kind", "source_file"]).iterrows():
            found = row["warnings"]
            if found is None or (
                not isinstance(found, list | tuple) and not hasattr(found, "__len__")
            ):
                continue
            for warning in list(found):
                items.append(f"<li><b>{escape(row['source_file'])}</b>: {escape(warning)}</li>")
    if not items:
        return note("Every file was read without a warning.")
    return f"<ul class='ow-warnings'>{''.join(items)}</ul>"
