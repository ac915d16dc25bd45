"""The explorer as an analyst uses it: JupyterLab on a fresh workspace folder, headless
Chromium with the network cut, Run All, filters, a hidden selection and a codebook correction."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from opsworkbench.config import EXPLORE_NOTEBOOK, ORG_ENV, WORKSPACE_ENV
from tests.browser import browser_page, jupyter_lab, open_notebook, run_all, screenshot

pytestmark = pytest.mark.slow

# Screenshots stay here after the run, to be looked at (the test's own folder is removed).
SHOTS = (
    Path(os.environ.get("OPSWORKBENCH_SHOTS", "")) if os.environ.get("OPSWORKBENCH_SHOTS") else None
)


def _select(page, label: str, option: str) -> None:
    """Choose ``option`` in the ipywidgets Dropdown whose description is ``label``."""
    box = page.locator(".widget-dropdown", has=page.locator("label", has_text=label)).first
    box.locator("select").select_option(label=option)


def _whole(page, shots: Path, name: str) -> None:
    """The whole explorer (taller than the window) as one picture, in a window tall enough."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": 3200})
    try:
        output = page.locator(".jp-OutputArea-output").last
        output.scroll_into_view_if_needed()
        page.wait_for_timeout(500)  # let the notebook lay out the cells now in view
        output.screenshot(path=shots / f"{name}-whole.png")
    finally:
        page.set_viewport_size(size)


def _text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text()


def test_explorer_in_jupyterlab(sample_workspace, tmp_path):
    project = tmp_path / "project"
    (project / "workspace").mkdir(parents=True)
    workspace = project / "workspace" / "opsworkbench.duckdb"
    shutil.copy(sample_workspace, workspace)  # a fresh folder, and the session's copy stays clean
    shutil.copy(EXPLORE_NOTEBOOK, project / "explore.ipynb")
    env = {WORKSPACE_ENV: str(workspace), ORG_ENV: "harbour_mutual"}
    shots = SHOTS or tmp_path
    shots.mkdir(parents=True, exist_ok=True)

    with jupyter_lab(project, env=env) as lab, browser_page(tmp_path, (1440, 1000)) as tab:
        page = tab.page
        open_notebook(page, lab, "explore.ipynb")
        run_all(page)
        headline = page.locator(".owx-big").first
        headline.wait_for()
        # the unit map and the theme bars are drawn (SVG, offline)
        page.wait_for_function(
            "() => document.querySelectorAll('.vega-embed svg .mark-symbol path').length >= 5"
        )
        page.wait_for_function(
            "() => document.querySelectorAll('.vega-embed svg .mark-rect path').length >= 3"
        )
        screenshot(page, shots, "1-opened")
        _whole(page, shots, "1-opened")
        whole = headline.inner_text()
        bars_before = page.locator(".vega-embed svg").nth(1).inner_html()
        shares_before = _text(page, ".owx table")

        # a unit filter changes the headline, the theme chart and the tables
        _select(page, "Unit", "Home Claims")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.owx p')].some(p => p.innerText.includes('Home Claims, both'))"
        )
        assert headline.inner_text() != whole
        page.wait_for_function(
            "(before) => document.querySelectorAll('.vega-embed svg')[1].innerHTML !== before",
            arg=bars_before,
        )
        assert _text(page, ".owx table") != shares_before
        screenshot(page, shots, "2-unit")

        # clicking a unit on the map selects it (the chart's selection reaches Python)
        page.locator(
            ".vega-embed svg .mark-symbol path[aria-label*='Contact Centre']"
        ).first.click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.owx p')].some(p => p.innerText.includes('Contact Centre, both'))"
        )
        page.locator(".owx h3", has_text="Drill-down: Contact Centre").wait_for()

        # a unit too small to show says it is hidden, and why
        _select(page, "Unit", "Finance")
        _select(page, "Role", "Specialist")
        hidden = page.locator(".owx-hidden").first
        hidden.wait_for()
        assert "Hidden to protect anonymity" in hidden.inner_text()
        assert "fewer than 5 people" in hidden.inner_text()
        assert page.locator(".owx-big").count() == 0
        screenshot(page, shots, "3-hidden")

        # a quadrant override of a term is saved and the view updates
        page.get_by_role("button", name="Clear filters").click()
        _select(page, "Role", "All roles")
        page.locator(".owx-big").first.wait_for()
        index_before = page.locator(".owx-big").first.inner_text()
        page.get_by_role("tab", name="Correct the model").click()
        _select(page, "Correction", "Set the quadrant of a word or phrase")
        page.locator(".widget-textarea textarea").first.fill("claims")
        _select(page, "Set to", "Customer outcome")
        page.locator(".widget-text", has=page.locator("label", has_text="Why")).locator(
            "input"
        ).fill("claims are what customers get back, not our output")
        page.get_by_role("button", name="Apply correction").click()
        page.locator(".owx-ok", has_text="Codebook version 1 saved").wait_for(timeout=120_000)
        page.wait_for_function(
            "(before) => { const b = document.querySelector('.owx-big');"
            " return b && b.innerText !== before; }",
            arg=index_before,
        )
        assert "claims are what customers get back" in _text(page, ".owx table >> nth=-1") or (
            page.get_by_text("claims are what customers get back").count() > 0
        )
        page.locator(".owx-big").first.scroll_into_view_if_needed()
        screenshot(page, shots, "4-corrected")
        page.locator(".widget-tab").last.screenshot(path=shots / "4-corrected-form.png")
        _whole(page, shots, "4-corrected")
        tab.assert_clean()
