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

# %% tags=["parameters"]
# The workshop, served by `opsworkbench workshop --org ID` with Voila (which shows no code):
# the presenter's address opens the presenter view, every other address the participants' page.
session_file = ""  # empty: $OPSWORKBENCH_WORKSHOP, set by `opsworkbench workshop`

# %%
from opsworkbench.workshop.page import show

show(session_file)
