"""Altair chart builders: tidy frame in, chart out (never displayed or saved here).

A builder returns ``None`` when there is nothing to draw, so a notebook cell shows nothing
and the report's text (from :mod:`opsworkbench.present.html`) says why.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import zlib
from pathlib import Path

# jsonschema, which altair loads to validate charts, imports rfc3987_syntax when it is
# installed (Jupyter installs it) only to check "iri" formats, and that import compiles a
# grammar for 1–2 s. Vega-Lite's schema has no such format, so a chart is validated the same
# without it; unless something loaded it already, it is skipped.
sys.modules.setdefault("rfc3987_syntax", None)

import altair as alt  # noqa: E402
import pandas as pd  # noqa: E402

from opsworkbench.vocabulary import FACTORY_FLOOR, QUADRANT_LABELS, QUADRANTS, STAGE_LABELS  # noqa: E402

QUADRANT_COLOURS = ["#8c6d31", "#6b9bc3", "#1b7a4a", "#b5545c"]  # in the order of QUADRANTS


@alt.theme.register("opsworkbench", enable=True)
def _theme() -> alt.theme.ThemeConfig:
    """House style: large legible type for screen-sharing and print."""
    return {
        "config": {
            "font": "Helvetica, Arial, sans-serif",
            "axis": {"labelFontSize": 13, "titleFontSize": 14, "grid": False},
            "legend": {"labelFontSize": 13, "titleFontSize": 13, "orient": "bottom"},
            "header": {"labelFontSize": 13, "titleFontSize": 14},
            "title": {"fontSize": 16, "anchor": "start"},
            "view": {"stroke": None},
        }
    }


def use_offline_charts() -> None:
    """Render charts as inline SVG (via vl-convert) so reports need no network or CDN.

    vl-convert starts its JavaScript engine on first use (about half a second); that start is
    made now, in the background, while the caller loads and analyses its data.
    """
    alt.renderers.enable("svg")
    _start_converter()


@functools.cache
def _start_converter() -> None:
    threading.Thread(target=_convert_once, daemon=True).start()


def _convert_once() -> None:
    import vl_convert

    vl_convert.vegalite_to_svg({"data": {"values": [{"x": 0}]}, "mark": "point"})


def message_chart(text: str) -> alt.Chart:
    """A chart-sized note, for sections whose data is empty."""
    data = pd.DataFrame({"t": [text]})
    return (
        alt.Chart(data)
        .mark_text(fontSize=14, color="#777")
        .encode(text="t:N")
        .properties(width=560, height=40)
    )


def _quadrant_colour(title: str = "Quadrant", columns: int | None = None) -> alt.Color:
    return alt.Color(
        "quadrant_label:N",
        title=title,
        scale=alt.Scale(domain=[QUADRANT_LABELS[q] for q in QUADRANTS], range=QUADRANT_COLOURS),
        legend=alt.Legend(columns=columns) if columns else alt.Undefined,
    )


def _label(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(quadrant_label=frame["quadrant"].map(QUADRANT_LABELS))


MAP_SIZE = (560, 460)  # the quadrant map's plot, in pixels
# where each quadrant's name sits on the map, in the order of QUADRANTS
CORNER_X, CORNER_Y = [-0.95, 0.95, 0.95, -0.95], [-0.95, -0.95, 0.95, 0.95]


def _label_heights(data: pd.DataFrame, px_per_char: float = 7.0, line_px: float = 16.0):
    """``label_y`` for each point: just above it, or the nearest free height up or down, so
    that labels of points close together do not cover one another (largest points first)."""
    x_unit, y_unit = MAP_SIZE[0] / 2, MAP_SIZE[1] / 2  # pixels per unit of focus / result
    # (left, right, centre y) in pixels, starting with the quadrants' names in the corners
    margin, placed = 0.05 * x_unit, []
    for quadrant, x, y in zip(QUADRANTS, CORNER_X, CORNER_Y, strict=True):
        width = len(QUADRANT_LABELS[quadrant]) * px_per_char
        left = margin if x < 0 else MAP_SIZE[0] - margin - width
        placed.append((left, left + width, (y + 1) * y_unit))
    heights = {}
    for i, row in data.sort_values(["n", "name"], ascending=[False, True]).iterrows():
        width = len(str(row["name"])) * px_per_char
        x = (row["focus"] + 1) * x_unit
        left, right = (x - 8, x - 8 + width) if row["focus"] < 0 else (x + 8 - width, x + 8)
        y = (row["result"] + 1) * y_unit
        for step in (1, -1, 2, -2, 3, -3, 4, -4, 5, -5):
            centre = y + step * line_px
            if 0 <= centre <= MAP_SIZE[1] and not any(
                left < r and lo < right and abs(centre - c) < line_px for lo, r, c in placed
            ):
                break
        else:
            centre = y + line_px
        placed.append((left, right, centre))
        heights[i] = centre / y_unit - 1
    return data.assign(label_y=pd.Series(heights))


def quadrant_map(
    frame: pd.DataFrame,
    *,
    label: str = "unit",
    size: str = "respondents",
    size_title: str = "Respondents",
) -> alt.LayerChart | None:
    """Groups (units, themes) placed on the two axes (focus → x, result → y), sized by ``size``.

    ``frame`` has columns ``label``, focus, result, quadrant and ``size``; rows with a blank
    position (suppressed groups) are left out.
    """
    if frame.empty or frame[["focus", "result"]].isna().all().all():
        return None
    data = _label_heights(
        _label(frame.dropna(subset=["focus", "result"]).rename(columns={size: "n", label: "name"}))
    )
    scale = alt.Scale(domain=[-1, 1])
    base = alt.Chart(data).encode(
        x=alt.X("focus:Q", scale=scale, title="Focus: internal ← → external"),
        y=alt.Y("result:Q", scale=scale, title="Result: output ← → outcome"),
    )
    points = base.mark_circle(opacity=0.85, stroke="white").encode(
        size=alt.Size("n:Q", title=size_title, scale=alt.Scale(range=[80, 1400])),
        color=_quadrant_colour("Most common quadrant"),
        tooltip=[
            "name:N",
            "n:Q",
            alt.Tooltip("focus:Q", format=".2f"),
            alt.Tooltip("result:Q", format=".2f"),
        ],
    )
    # labels run towards the middle, so a long phrase never crosses the axis or the edge, and
    # sit where they do not cover one another (see _label_heights)
    labels = [
        alt.Chart(data)
        .transform_filter(test)
        .mark_text(dx=dx, fontSize=13, align=align, baseline="middle")
        .encode(x=alt.X("focus:Q", scale=scale), y=alt.Y("label_y:Q", scale=scale), text="name:N")
        for test, align, dx in (
            (alt.datum.focus < 0, "left", -8),
            (alt.datum.focus >= 0, "right", 8),
        )
    ]
    return alt.layer(_cross(), _corners(scale), points, *labels).properties(
        width=MAP_SIZE[0], height=MAP_SIZE[1]
    )


def _cross() -> alt.LayerChart:
    """The two axes' zero lines, which divide the map into its four quadrants."""
    rules = alt.Chart(pd.DataFrame({"v": [0]}))
    return rules.mark_rule(color="#999").encode(x="v:Q") + rules.mark_rule(color="#999").encode(
        y="v:Q"
    )


def _corners(scale: alt.Scale, size: int = 12) -> alt.LayerChart:
    """Each quadrant's name in its corner of the map."""
    corners = pd.DataFrame(
        {
            "x": CORNER_X,
            "y": CORNER_Y,
            "text": [QUADRANT_LABELS[q] for q in QUADRANTS],
            "align": ["left", "right", "right", "left"],
        }
    )
    return alt.layer(
        *[
            alt.Chart(corners[corners["align"] == side])
            .mark_text(fontSize=size, color="#555", fontStyle="italic", align=side)
            .encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text="text:N")
            for side in ("left", "right")
        ]
    )


def quadrant_bars(
    shares: pd.DataFrame, *, category: str, category_title: str, sort=None
) -> alt.Chart | None:
    """Stacked horizontal bars of quadrant shares per category (tidy: category, quadrant, share)."""
    if shares.empty:
        return None
    data = _label(shares)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=category_title, sort=sort),
            x=alt.X("share:Q", stack="normalize", title="Share", axis=alt.Axis(format="%")),
            color=_quadrant_colour(),
            order=alt.Order("quadrant_order:Q"),
            tooltip=[f"{category}:N", "quadrant_label:N", alt.Tooltip("share:Q", format=".0%")],
        )
        .transform_calculate(quadrant_order=f"indexof({QUADRANTS!r}, datum.quadrant)")
        .properties(width=560, height=alt.Step(34))
    )


def metric_stage_chart(stages: pd.DataFrame) -> alt.Chart | None:
    """Quadrant mix of metrics as they go from measured to reported to incentivised."""
    if not stages["metrics"].sum():
        return None
    data = stages.assign(stage_label=stages["stage"].map(STAGE_LABELS))
    return quadrant_bars(
        data,
        category="stage_label",
        category_title=None,
        sort=[STAGE_LABELS[s] for s in STAGE_LABELS],
    )


LENS_COLOURS = {"say": "#1b7a4a", "measure": "#6b9bc3", "value": "#8c6d31", "reward": "#b5545c"}


def index_intervals(
    frame: pd.DataFrame, *, category: str = "unit", title: str = "Customer-outcome index"
) -> alt.LayerChart | None:
    """Points with 95 % intervals on the 0–100 customer-outcome index, one row per category."""
    if frame.empty:
        return None
    x = alt.X("index:Q", scale=alt.Scale(domain=[0, 100]), title=title)
    base = alt.Chart(frame).encode(y=alt.Y(f"{category}:N", title=None, sort=None))
    bars = base.mark_rule(strokeWidth=3, color="#9aa5ab").encode(
        x=alt.X("low:Q", scale=alt.Scale(domain=[0, 100])), x2="high:Q"
    )
    points = base.mark_circle(size=120, color="#1b7a4a", opacity=1).encode(
        x=x, tooltip=[category, "index", "low", "high"]
    )
    return (bars + points).properties(width=520, height=alt.Step(30))


def lens_chart(lenses: pd.DataFrame) -> alt.Chart | None:
    """Say / measure / value / reward: the customer-outcome index of each lens, per unit."""
    tidy = lenses.melt(
        id_vars=["unit"], value_vars=list(LENS_COLOURS), var_name="lens", value_name="index"
    ).dropna()
    if tidy.empty:
        return None
    return (
        alt.Chart(tidy)
        .mark_circle(size=160, opacity=0.9)
        .encode(
            x=alt.X(
                "index:Q", scale=alt.Scale(domain=[0, 100]), title="Customer-outcome index (0–100)"
            ),
            y=alt.Y("unit:N", title=None, sort=lenses["unit"].tolist()),
            color=alt.Color(
                "lens:N",
                title="Lens",
                scale=alt.Scale(domain=list(LENS_COLOURS), range=list(LENS_COLOURS.values())),
            ),
            tooltip=["unit", "lens", "index"],
        )
        .properties(width=520, height=alt.Step(32))
    )


def capability_chain_chart(chain: pd.DataFrame, label_limit: int = 160) -> alt.LayerChart | None:
    """Capabilities left to right in value-chain order; each cell coloured by its index."""
    if chain.empty:
        return None
    order = chain.sort_values("stage_order")["capability"].drop_duplicates().tolist()
    base = alt.Chart(chain).encode(
        x=alt.X(
            "capability:N",
            sort=order,
            title="Value chain →",
            axis=alt.Axis(labelAngle=-30, labelLimit=label_limit),
        ),
        y=alt.Y("source:N", sort=["people", "metrics", "key results"], title=None),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(
            "index:Q",
            title="Customer-outcome index",
            scale=alt.Scale(domain=[0, 50, 100], range=["#8c6d31", "#f2efe6", "#1b7a4a"]),
        ),
        tooltip=["capability", "source", "index", "n"],
    )
    text = (
        base.mark_text(fontSize=13)
        .encode(text=alt.Text("index:Q", format=".0f"))
        .transform_filter("isValid(datum.index)")
    )
    return (cells + text).properties(width=alt.Step(90), height=alt.Step(44))


def change_chart(change: pd.DataFrame) -> alt.LayerChart | None:
    """Change in the customer-outcome index between waves, with 95 % intervals."""
    if change.empty:
        return None
    base = alt.Chart(change).encode(y=alt.Y("unit:N", title=None, sort=None))
    zero = alt.Chart(pd.DataFrame({"v": [0]})).mark_rule(color="#999").encode(x="v:Q")
    bars = base.mark_rule(strokeWidth=3, color="#9aa5ab").encode(
        x=alt.X("low:Q", title="Change in index (points)"), x2="high:Q"
    )
    points = base.mark_circle(size=120, opacity=1).encode(
        x="change:Q",
        color=alt.condition("datum.significant", alt.value("#1b7a4a"), alt.value("#9aa5ab")),
        tooltip=["unit", "before", "after", "change", "low", "high"],
    )
    return (zero + bars + points).properties(width=520, height=alt.Step(30))


def opportunity_chart(opportunities: pd.DataFrame) -> alt.Chart | None:
    """Success themes ranked by opportunity (importance + unmet importance)."""
    if opportunities.empty:
        return None
    data = _label(opportunities.fillna({"quadrant": FACTORY_FLOOR}))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "opportunity:Q", title="Opportunity score (0–20)", scale=alt.Scale(domain=[0, 20])
            ),
            y=alt.Y("label:N", sort="-x", title=None),
            color=_quadrant_colour("Theme quadrant"),
            tooltip=["label", "importance", "coverage", "opportunity", "matched_metrics"],
        )
        .properties(width=520, height=alt.Step(28))
    )


def room_map(answers: pd.DataFrame, reference: pd.DataFrame) -> alt.LayerChart | None:
    """A workshop room's answers on the two axes, one mark per answer (shape: which question),
    with ``reference`` positions (name, focus, result) ringed and named."""
    placed = answers[answers["quadrant"].isin(QUADRANTS)]
    if placed.empty:
        return None
    # answers worded alike land on the same spot: a small fixed offset per answer shows each
    spread = placed["respondent_id"].map(lambda r: (zlib.crc32(str(r).encode()) % 1000) / 1000)
    data = _label(placed).assign(
        asked=placed["question"].map({"work": "My work", "success": "Success"}),
        focus=(placed["focus"] + (spread - 0.5) * 0.12).clip(-1.04, 1.04),
        result=(placed["result"] + (((spread * 7) % 1) - 0.5) * 0.12).clip(-1.04, 1.04),
    )
    scale = alt.Scale(domain=[-1, 1])
    x = alt.X("focus:Q", scale=scale, title="internal ← Focus → external")
    y = alt.Y("result:Q", scale=scale, title="output ← Result → outcome")
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=260, opacity=0.8, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            color=_quadrant_colour("Quadrant", columns=2),
            shape=alt.Shape(
                "asked:N", title="Answer to", scale=alt.Scale(range=["circle", "diamond"])
            ),
        )
    )
    layers = [_cross(), _corners(scale, 16), points]
    if not reference.empty:
        ring = alt.Chart(reference).encode(x=x, y=y)
        layers += [
            ring.mark_point(size=1600, strokeWidth=4, color="#111", filled=False),
            ring.mark_text(dy=-34, fontSize=17, fontWeight="bold").encode(text="name:N"),
        ]
    return alt.layer(*layers).properties(width=470, height=420)


# --- live charts: the explorer's clickable charts (altair's JupyterChart, offline) ---

UNIT_PICK, THEME_PICK = "unit_pick", "theme_pick"
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


def live_unit_map() -> alt.LayerChart:
    """The quadrant map of units as a template: data ``units`` (name, n, focus, result,
    quadrant_label, selected) comes later; clicking a unit selects its name."""
    scale = alt.Scale(domain=[-1, 1])
    base = alt.Chart(alt.Data(name="units")).encode(
        x=alt.X("focus:Q", scale=scale, title="Focus: internal ← → external"),
        y=alt.Y("result:Q", scale=scale, title="Result: output ← → outcome"),
    )
    pick = alt.selection_point(name=UNIT_PICK, fields=["name"], on="click", clear=False)
    points = (
        base.mark_circle(opacity=0.85, cursor="pointer")
        .encode(
            size=alt.Size("n:Q", title="People", scale=alt.Scale(range=[80, 1400]), legend=None),
            color=_quadrant_colour("Most common quadrant"),
            stroke=alt.condition("datum.selected", alt.value("#111"), alt.value("white")),
            strokeWidth=alt.condition("datum.selected", alt.value(3), alt.value(1)),
            tooltip=[
                alt.Tooltip("name:N", title="Unit"),
                alt.Tooltip("n:Q", title="People"),
                alt.Tooltip("focus:Q", format=".2f"),
                alt.Tooltip("result:Q", format=".2f"),
            ],
        )
        .add_params(pick)
    )
    labels = base.mark_text(dy=-18, fontSize=13).encode(text="name:N")
    return (_cross() + _corners(scale) + points + labels).properties(width=520, height=420)


def live_theme_bars() -> alt.Chart:
    """Themes as bars (data ``themes``: key, label, answers, quadrant_label, selected);
    clicking a bar selects its key."""
    pick = alt.selection_point(name=THEME_PICK, fields=["key"], on="click", clear=False)
    return (
        alt.Chart(alt.Data(name="themes"))
        .mark_bar(cursor="pointer")
        .encode(
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)),
            x=alt.X("answers:Q", title="Answers in this selection"),
            color=_quadrant_colour("Most common quadrant", columns=2),
            opacity=alt.condition("datum.selected", alt.value(1.0), alt.value(0.75)),
            stroke=alt.condition("datum.selected", alt.value("#111"), alt.value(None)),
            strokeWidth=alt.value(2),
            tooltip=[
                alt.Tooltip("label:N", title="Theme"),
                alt.Tooltip("answers:Q", title="Answers"),
                alt.Tooltip("people:Q", title="People"),
                alt.Tooltip("quadrant_label:N", title="Lean"),
            ],
        )
        .add_params(pick)
        .properties(width=420, height=alt.Step(26))
    )


@functools.cache
def live_chart_class() -> type:
    """altair's JupyterChart with its JavaScript bundled for offline use.

    The bundle (vega-embed with vega and vega-lite, about 1 MB) takes vl-convert 1.5 s to
    build, so it is kept in the user's cache folder, one file per altair and vl-convert
    version, and read from there on later starts.
    """
    import vl_convert

    chart_class = type("LiveChart", (alt.JupyterChart,), {})
    cache = _cache_folder() / f"jupyterchart-{alt.__version__}-{vl_convert.__version__}.js"
    try:
        chart_class._esm = cache.read_text(encoding="utf-8")
    except OSError:
        chart_class.enable_offline()
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(chart_class._esm, encoding="utf-8")
    return chart_class


def _cache_folder() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "opsworkbench"


def live_chart(template: alt.TopLevelMixin) -> alt.JupyterChart:
    """A clickable chart widget drawing ``template``; :func:`live_spec` gives it data."""
    return live_chart_class()(template, embed_options=EMBED_OPTIONS)


def live_spec(template: dict, name: str, frame: pd.DataFrame) -> dict:
    """The template's Vega-Lite spec with the named dataset filled in (no re-validation, so
    a refresh costs well under a millisecond)."""
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return {**template, "datasets": {**template.get("datasets", {}), name: records}}
