# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # opsworkbench explorer
# Run all cells (Run ▸ Run All Cells). Filter by question, unit, role, tenure band, quadrant
# or theme; click a unit on the map or a theme's bar to drill down. Numbers for groups below
# the study's minimum size, and quotes below the quote minimum, are never shown.

# %% tags=["parameters"]
workspace = ""  # empty: $OPSWORKBENCH_WORKSPACE, else workspace/opsworkbench.duckdb
org_id = ""  # empty: $OPSWORKBENCH_ORG, else the workspace's first organisation

# %%
import opsworkbench as ow

explorer = ow.explore(workspace, org_id)
explorer
