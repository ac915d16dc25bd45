"""HTML fragments for reports and notebooks; every piece of data is escaped here."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from opsworkbench.charts import QUADRANT_LABELS
from opsworkbench.privacy import escape

QUADRANT_MEANING = {
    "factory_floor": "internal outputs (tasks, volumes, speed)",
    "customer_activity": "activity with customers (contacts, calls, visits)",
    "customer_outcome": "what changes for customers",
    "business_result": "results for the organisation (cost, margin, growth)",
}


def show(fragment: str):
    """Display an HTML fragment in a notebook (the only place that displays)."""
    from IPython.display import HTML, display

    display(HTML(fragment))


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


def headline(ctx, head: dict) -> str:
    """Key numbers and a plain-language reading of the organisation's orientation."""
    cards = [
        ("Respondents", head["respondents"]),
        ("“What is your work?” answers", head["answers"]["work"]),
        ("“What does success look like?” answers", head["answers"]["success"]),
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
            f"<p class='ow-note'>Fewer than {ctx.min_size} people answered, so no "
            "scores are shown for this wave.</p>"
        )
    shares = head["shares"]
    dominant = head["dominant"]
    mode = QUADRANT_LABELS[dominant].lower()
    parts = ", ".join(f"{pct(shares[q])} {QUADRANT_LABELS[q].lower()}" for q in shares)
    return html + (
        f"<p class='ow-finding'>People at {escape(ctx.name)} mostly describe their work and success in "
        f"<b>{escape(mode)}</b> terms — {escape(QUADRANT_MEANING[dominant])}: "
        f"{pct(shares[dominant])} of classified answers (all quadrants: {escape(parts)}).</p>"
        f"<p>Average position: focus {head['focus']:+.2f} (−1 internal … +1 external), "
        f"result {head['result']:+.2f} (−1 output … +1 outcome).</p>"
    )


def unit_table(units: pd.DataFrame, min_size: int) -> str:
    shown = units.assign(
        quadrant=units["quadrant"].map(QUADRANT_LABELS),
        respondents=[
            f"hidden (fewer than {min_size} or needed to protect one)" if s else n
            for s, n in zip(units["suppressed"], units["respondents"], strict=True)
        ],
    )[["unit", "respondents", "focus", "result", "quadrant"]]
    fmt = {
        c: lambda v: "–" if v is None or pd.isna(v) else f"{v:+.2f}" for c in ("focus", "result")
    }
    return table(shown.rename(columns={"quadrant": "most common quadrant"}), formats=fmt)


def work_vs_success(comparison: pd.DataFrame) -> str:
    """One sentence on how success answers differ from work answers."""
    share = comparison.pivot(index="quadrant", columns="question", values="share").fillna(0.0)
    outcome = share.loc[["customer_outcome", "business_result"]].sum()
    customer = share.loc[["customer_outcome", "customer_activity"]].sum()
    return (
        f"<p class='ow-finding'>Outcome language: {pct(outcome['work'])} of “work” answers and "
        f"{pct(outcome['success'])} of “success” answers. Customer language: {pct(customer['work'])} "
        f"of “work” answers and {pct(customer['success'])} of “success” answers.</p>"
    )


def metric_stages(stages: pd.DataFrame, metrics: pd.DataFrame) -> str:
    """What share of measured versus incentivised effort points at customer outcomes."""
    if metrics.empty:
        return (
            "<p class='ow-note'>No metric inventory was loaded for this organisation: add "
            "<code>metrics:</code> to its study.yml to compare what is said with what is measured.</p>"
        )
    co = stages[stages["quadrant"] == "customer_outcome"].set_index("stage")["share"]
    ff = stages[stages["quadrant"] == "factory_floor"].set_index("stage")["share"]
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
    if found.empty:
        return f"<p class='ow-note'>No themes shown: {escape(note)}.</p>"
    shown = found.assign(quadrant=found["quadrant"].map(QUADRANT_LABELS))[
        ["label", "size", "share", "focus", "result", "quadrant", "terms"]
    ]
    signed = {
        c: lambda v: "–" if v is None or pd.isna(v) else f"{v:+.2f}" for c in ("focus", "result")
    }
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
