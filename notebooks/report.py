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
workspace = "../workspace/opsworkbench.duckdb"
org_id = "harbour_mutual"
wave_id = ""
sample_data = "../data/sample"

# %%
import opsworkbench as ow
from opsworkbench import charts, diagnostics, presentation as pres

ctx = ow.load_context(workspace, org_id, wave_id, sample_data=sample_data)
ow.use_offline_charts()
pres.show(pres.title(ctx))

# %% [markdown]
# ## Headline orientation
#
# Every answer to the two open questions is placed on two axes: **focus** (internal ↔ external)
# and **result** (output ↔ outcome). Non-answers such as "n/a" are counted but not classified.

# %%
head = diagnostics.headline(ctx.respondents, ctx.scored, ctx.min_size)
pres.show(pres.headline(ctx, head))

# %% [markdown]
# ## Where each unit sits
#
# Each circle is a unit at the average position of its people's answers; its colour is the
# quadrant its answers fall in most often. Units too small to protect anonymity are hidden.

# %%
units = diagnostics.unit_positions(ctx.respondents, ctx.scored, ctx.min_size)
charts.quadrant_map(units)

# %%
pres.show(pres.unit_table(units, ctx.min_size))

# %% [markdown]
# ## "What is your work?" versus "What does success look like?"
#
# If people describe success in the same terms as their tasks, the organisation has no
# language for what its work achieves.

# %%
comparison = diagnostics.question_comparison(ctx.scored)
pres.show(pres.work_vs_success(comparison))
charts.quadrant_bars(comparison, category="question", category_title="Question")

# %% [markdown]
# ## What is measured, reported and incentivised
#
# The metric inventory scored the same way, stage by stage. Incentives are weighted by how
# much of the bonus or target each metric carries.

# %%
stages = diagnostics.metric_stages(ctx.metrics)
pres.show(pres.metric_stages(stages, ctx.metrics))
charts.metric_stage_chart(stages)

# %%
pres.show(pres.metric_table(ctx.metrics))

# %% [markdown]
# ## Themes: what people say their work is
#
# Themes are found automatically (no theme is carried by fewer people than the privacy
# minimum). Each sits at the average position of its answers; quotes come only from large
# enough themes and units, with the cue words that placed them.

# %%
work_themes, work_quotes, work_note = diagnostics.theme_summary(
    ctx.scored, "work", min_size=ctx.min_size, min_quote_size=ctx.min_quote_size, codebook=ctx.codebook
)
charts.quadrant_map(work_themes, label="label", size="size", size_title="Answers")

# %%
pres.show(pres.themes(work_themes, work_quotes, work_note, ctx.min_quote_size))

# %% [markdown]
# ## Themes: what people say success looks like

# %%
success_themes, success_quotes, success_note = diagnostics.theme_summary(
    ctx.scored, "success", min_size=ctx.min_size, min_quote_size=ctx.min_quote_size, codebook=ctx.codebook
)
charts.quadrant_map(success_themes, label="label", size="size", size_title="Answers")

# %%
pres.show(pres.themes(success_themes, success_quotes, success_note, ctx.min_quote_size))

# %% [markdown]
# ## Appendix: method and codebook

# %%
pres.show(pres.method(ctx, corpus_size=len(ow.load_corpus())))

# %% [markdown]
# ## Appendix: data quality
#
# Every input row is either loaded or quarantined with a reason; the counts reconcile.

# %%
files, reasons = diagnostics.data_quality(ctx.sources, ctx.quarantine)
pres.show(pres.table(files) + pres.table(reasons))
