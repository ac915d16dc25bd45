"""The browser harness itself: a widget round trip and an offline altair.JupyterChart selection in
real JupyterLab, headless Chromium, no network."""

from __future__ import annotations

import time

import nbformat
import pytest

from tests.browser import (
    browser_page,
    jupyter_lab,
    open_notebook,
    require_chromium,
    run_all,
    screenshot,
)

WIDGETS = """\
import ipywidgets as w

pick = w.Dropdown(options=["alpha", "beta", "gamma"], value="alpha", description="Pick")
echo = w.HTML("<span class='echo'>chose alpha</span>")
pick.observe(lambda ch: setattr(echo, "value", f"<span class='echo'>chose {ch['new']}</span>"), "value")
w.VBox([pick, echo])
"""

CHART = """\
import time
import altair as alt

t0 = time.perf_counter()
alt.JupyterChart.enable_offline()  # vega-embed bundled by vl-convert instead of esm.sh
offline_s = time.perf_counter() - t0

bars = alt.Data(values=[{"cat": "A", "n": 3}, {"cat": "B", "n": 7}, {"cat": "C", "n": 5}])
sel = alt.selection_point(name="sel", fields=["cat"])
chart = (
    alt.Chart(bars)
    .mark_bar()
    .encode(x="cat:N", y="n:Q", opacity=alt.condition(sel, alt.value(1.0), alt.value(0.4)))
    .add_params(sel)
    .properties(width=240, height=200)
)
jchart = alt.JupyterChart(chart, embed_options={"renderer": "svg", "actions": False})
picked = w.HTML("<span class='picked'>picked: none</span>")
jchart.selections.observe(
    lambda ch: setattr(picked, "value", f"<span class='picked'>picked: {[p['cat'] for p in ch['new'].value]}</span>"),
    "sel",
)
w.VBox([jchart, picked, w.HTML(f"<span class='offline'>enable_offline {offline_s:.2f} s</span>")])
"""


@pytest.mark.slow
def test_widgets_and_jupyter_chart_round_trip_in_jupyterlab(tmp_path):
    require_chromium()  # before the server starts
    root = tmp_path / "root"
    root.mkdir()
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(WIDGETS), nbformat.v4.new_code_cell(CHART)],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    nbformat.write(nb, root / "harness.ipynb")

    with jupyter_lab(root) as lab, browser_page(tmp_path) as tab:
        page = tab.page
        t1 = time.perf_counter()
        open_notebook(page, lab, "harness.ipynb")
        opened_s = time.perf_counter() - t1
        run_all(page)
        select = page.locator(".widget-dropdown select")
        select.wait_for(state="visible")
        bars = page.locator(".vega-embed svg g.mark-rect path")
        bars.first.wait_for(state="visible")
        widgets_s = time.perf_counter() - t1

        # Dropdown -> Python observer -> HTML widget.
        echo = page.locator(".echo")
        assert echo.inner_text() == "chose alpha"
        select.select_option("gamma")
        page.wait_for_function(
            "() => document.querySelector('.echo').textContent === 'chose gamma'"
        )

        # The chart drew as SVG (three bars and axis text), and a click on bar B reaches Python.
        assert bars.count() == 3
        assert "cat" in page.locator(".vega-embed svg").first.text_content()
        bars.nth(1).click()
        page.wait_for_function(
            "() => document.querySelector('.picked').textContent === \"picked: ['B']\""
        )
        page.locator(".offline").scroll_into_view_if_needed()
        shot = screenshot(page, tmp_path, "harness")
        print(
            f"\nserver ready {lab.startup_s:.1f} s, notebook open+idle {opened_s:.1f} s, "
            f"open+run all to widgets and chart visible {widgets_s:.1f} s, "
            f"{page.locator('.offline').inner_text()}, screenshot {shot}"
        )
        tab.assert_clean()
