"""Audit every rendered sample report: privacy rules, isolation, offline charts in a real browser."""

import base64
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

import opsworkbench as ow
from opsworkbench.diagnostics import overview as dg
from opsworkbench.privacy import EMAIL
from tests.browser import CHROMIUM_ARGS, require_chromium
from tests.test_reports import all_reports  # noqa: F401  (the session fixture)

pytestmark = pytest.mark.slow
DATA_URI = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")
PEOPLE_CHART = ("Respondents", "Customer-outcome index", "Lens")


def _reports(root: Path):
    return sorted(root.glob("*/*/report.html"))


def _facts(workspace, org, wave):
    con = duckdb.connect(str(workspace), read_only=True)
    try:
        sizes = con.execute(
            "SELECT unit, count(*) n FROM respondents WHERE org_id = ? AND wave_id = ? GROUP BY unit",
            [org, wave],
        ).fetchall()
        mins = con.execute(
            "SELECT min_group_size, min_quote_group_size FROM organisations WHERE org_id = ?", [org]
        ).fetchone()
        texts = con.execute(
            "SELECT r.text, p.unit FROM responses r JOIN respondents p USING (org_id, wave_id, respondent_id) "
            "WHERE r.org_id = ? AND r.wave_id = ?",
            [org, wave],
        ).fetchall()
        others = con.execute(
            "SELECT DISTINCT r.text FROM responses r WHERE r.org_id <> ? AND length(r.text) > 60",
            [org],
        ).fetchall()
        other_names = con.execute(
            "SELECT name FROM organisations WHERE org_id <> ?", [org]
        ).fetchall()
    finally:
        con.close()
    return dict(sizes), mins, texts, {t for (t,) in others}, [n for (n,) in other_names]


def _visible_text(html: str) -> str:
    html = DATA_URI.sub("", html)
    html = re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_every_sample_report_respects_privacy_and_isolation(all_reports, sample_workspace):  # noqa: F811
    reports = _reports(all_reports)
    assert len(reports) == 6
    for path in reports:
        org, wave = path.parts[-3], path.parts[-2]
        html = path.read_text()
        sizes, (min_size, min_quote), texts, other_texts, other_names = _facts(
            sample_workspace, org, wave
        )
        small = {u for u, n in sizes.items() if n < min_size}
        assert small, f"{org}/{wave}: the sample should have a unit under the minimum"
        # every unit hidden on the people behind its numbers (classified answers, per question)
        ctx = ow.load_context(sample_workspace, org, wave)
        hidden = dg.hidden_units(ctx.respondents, ctx.scored, ctx.min_size)
        assert small <= hidden
        # tables: a row about a small unit shows no number
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
            cells = [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
            ]
            if cells and cells[0] in hidden:
                assert all(c in ("", "–") or c.startswith("hidden") for c in cells[1:]), (
                    org,
                    cells,
                )
        # charts about people never name a small unit
        for encoded in DATA_URI.findall(html):
            svg = base64.b64decode(encoded).decode("utf-8", "replace")
            if any(marker in svg for marker in PEOPLE_CHART):
                assert not any(f">{u}<" in svg for u in hidden), (org, hidden)
        # quotes come only from units large enough to quote
        by_text = {}
        for text, unit in texts:
            by_text.setdefault(text, set()).add(unit)
        quotes = [q for q in re.findall(r"<q>(.*?)</q>", html, re.S)]
        assert quotes, f"{org}/{wave}: expected quotes"
        for quote in quotes:
            raw = (
                quote.replace("&amp;", "&")
                .replace("&#x27;", "'")
                .replace("&quot;", '"')
                .replace("&lt;", "<")
                .replace("&gt;", ">")
            )
            units = by_text.get(raw, set())
            assert units and any(sizes[u] >= min_quote for u in units), (org, raw)
        visible = _visible_text(html)
        assert not EMAIL.search(visible), org
        assert not re.search(r"\b0\d{3,4} ?\d{6}\b|\+44", visible), org
        for name in other_names:
            assert name not in html, (org, name)
        leaked = [t for t in other_texts if t not in {x for x, _ in texts} and t in visible]
        assert not leaked, (org, leaked[:2])


def test_portfolio_compares_every_organisation(all_reports):  # noqa: F811
    index = (all_reports / "index.html").read_text()
    for org in ("harbour_mutual", "riverside_health", "northstar_cards", "civic_it"):
        assert f"href='{org}/" in index
    assert index.count("<tr>") == 6 + 1 and "deliberate hybrid" in index


def test_report_draws_every_chart_in_a_browser_with_the_network_off(all_reports, tmp_path):  # noqa: F811
    browser = require_chromium()
    report = all_reports / "harbour_mutual" / "2026-04" / "report.html"
    probe = tmp_path / "probe.html"
    # The same page plus a probe that reports how many chart images actually decoded and drew.
    script = (
        "<script>window.addEventListener('load', () => { const imgs = [...document.querySelectorAll("
        "'.jp-OutputArea-output img')]; const drawn = imgs.filter(i => i.complete && i.naturalWidth > 0);"
        " document.title = 'charts ' + drawn.length + '/' + imgs.length; });</script>"
    )
    probe.write_text(report.read_text().replace("</body>", script + "</body>"))
    proc = subprocess.run(
        [
            browser,
            "--headless",
            *CHROMIUM_ARGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    title = re.search(r"<title>charts (\d+)/(\d+)</title>", proc.stdout)
    assert title, proc.stderr[-2000:]
    drawn, total = map(int, title.groups())
    assert total >= 10 and drawn == total
