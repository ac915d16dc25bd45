"""The portfolio page: every organisation side by side, built from each report's summary."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from opsworkbench.present.html import number, pct
from opsworkbench.privacy import escape
from opsworkbench.vocabulary import ALL_UNITS, OUTCOME_QUADRANTS, QUADRANT_LABELS

SUMMARY_MIME = "application/vnd.opsworkbench.summary+json"


def portfolio_row(ctx, found) -> dict:
    """The numbers the portfolio page compares across organisations (no free text, no small groups)."""
    org = found.lenses[found.lenses["unit"] == ALL_UNITS].iloc[0]
    krs = found.key_results
    return {
        "org_id": ctx.org_id,
        "name": ctx.name,
        "sector": ctx.sector,
        "wave_id": ctx.wave_id,
        "respondents": found.headline["respondents"],
        "index": found.index.value,
        "low": found.index.low,
        "high": found.index.high,
        "dominant": found.headline.get("dominant"),
        "say": org["say"],
        "measure": org["measure"],
        "reward": org["reward"],
        "perverse": len(found.perverse),
        "outcome_krs": float(krs["quadrant"].isin(OUTCOME_QUADRANTS).mean()) if len(krs) else None,
        "mode": found.hybrid["mode"],
    }


def record_summary(ctx, found) -> None:
    """Emit the portfolio numbers as a notebook output the renderer picks up (not shown)."""
    from IPython.display import display

    row = {
        k: (None if isinstance(v, float) and pd.isna(v) else v)
        for k, v in portfolio_row(ctx, found).items()
    }
    display({SUMMARY_MIME: row}, raw=True)


def portfolio_page(rows: list[dict]) -> str:
    """A self-contained HTML page comparing every organisation, linking to each report."""
    frame = pd.DataFrame(rows).sort_values(["name", "wave_id"])
    body = []
    for _, r in frame.iterrows():
        link = f"{escape(r['org_id'])}/{escape(r['wave_id'])}/report.html"
        body.append(
            "<tr>"
            + "".join(
                f"<td>{c}</td>"
                for c in [
                    f"<a href='{link}'>{escape(r['name'])}</a>",
                    escape(r["sector"]),
                    escape(r["wave_id"]),
                    escape(r["respondents"]),
                    f"{number(r['index'])} ({number(r['low'])}–{number(r['high'])})",
                    escape(QUADRANT_LABELS.get(r["dominant"], "–")),
                    number(r["say"]),
                    number(r["measure"]),
                    number(r["reward"]),
                    escape(r["perverse"]),
                    pct(r["outcome_krs"]),
                    escape(r["mode"]),
                ]
            )
            + "</tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in [
            "Organisation",
            "Sector",
            "Wave",
            "Respondents",
            "Customer-outcome index (95%)",
            "Most common quadrant",
            "Say",
            "Measure",
            "Reward",
            "Perverse incentives",
            "Outcome key results",
            "Operating mode",
        ]
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>opsworkbench portfolio</title>"
        "<style>body{font-family:Helvetica,Arial,sans-serif;margin:32px;color:#1d2327}"
        "table{border-collapse:collapse}th,td{border-bottom:1px solid #d9dee2;padding:6px 10px;text-align:left}"
        "th{background:#f2f4f5}</style></head><body><h1>Portfolio</h1>"
        "<p>Every organisation side by side. Indices run 0–100 (100: every answer, measure or reward is about "
        "customer outcomes); say, measure and reward are the organisation-wide lenses.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></body></html>"
    )


def write_portfolio(
    out_dir: str | Path = Path("reports"), org_ids: set[str] | None = None
) -> Path | None:
    """Write ``<out_dir>/index.html`` from every rendered report's ``summary.json``.

    ``org_ids`` limits the page to the organisations of one workspace, so reports rendered
    into the same folder from another client's workspace are never listed beside them.
    """
    out_dir = Path(out_dir)
    rows = [json.loads(p.read_text()) for p in sorted(out_dir.glob("*/*/summary.json"))]
    if org_ids is not None:
        rows = [r for r in rows if r.get("org_id") in org_ids]
    if not rows:
        return None
    path = out_dir / "index.html"
    staging = path.with_name(".index.html.partial")
    staging.write_text(portfolio_page(rows), encoding="utf-8")
    staging.replace(path)
    return path
