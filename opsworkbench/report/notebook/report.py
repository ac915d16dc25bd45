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
workspace = ""  # empty: $OPSWORKBENCH_WORKSPACE, else workspace/opsworkbench.duckdb
org_id = "harbour_mutual"
wave_id = ""

# %%
import opsworkbench as ow
from opsworkbench.present import charts
from opsworkbench.present import html as pres
from opsworkbench.report import portfolio

charts.use_offline_charts()
ctx = ow.load_context(workspace, org_id, wave_id)
found = ow.analyse(ctx, previous=ow.load_previous(workspace, ctx))
pres.show(pres.title(ctx) + pres.warnings(ctx))

# %% [markdown]
# <a id="summary"></a>
# ## Executive summary

# %%
pres.show(pres.summary(found.summary))

# %% [markdown]
# <a id="headline-orientation"></a>
# ## 1. Orientation: how people describe their work and success
#
# Every answer to the survey's open questions is placed on two axes: **focus** (internal ↔ external)
# and **result** (output ↔ outcome). The customer-outcome index (0–100) is the average
# probability that an answer is about customer outcomes; its interval comes from resampling
# respondents. Non-answers such as "n/a" are counted but not classified.

# %%
pres.show(pres.headline(ctx, found.headline))
charts.index_intervals(found.profile[found.profile["question"] == "both"])

# %%
pres.show(pres.profile_table(found.profile, found.headline, ctx.min_size))

# %% [markdown]
# ### Where each unit sits
#
# Each circle is a unit at the average position of its people's answers, coloured by the
# quadrant its answers fall in most often. A unit is hidden when too few of its people gave an
# answer that could be classified; if the hidden units together are still too few, the next
# smallest is hidden too, so they cannot be worked out from the total.

# %%
charts.quadrant_map(found.units) if found.compare_units else None

# %%
pres.show(pres.unit_table(found.units, ctx.min_size, found.headline))

# %%
pres.show(
    pres.comparison_heading(ctx)
    + pres.work_vs_success(found.comparison, found.headline, ctx.min_size, ctx)
)
charts.quadrant_bars(found.comparison, category="asked", category_title="Question")

# %%
pres.show(pres.work_success_table(found.work_success))

# %% [markdown]
# <a id="say-measure-value-reward"></a>
# ## 2. Say, measure, value, reward
#
# Four profiles side by side: what people say (their answers), what the organisation
# measures, what it reports and reviews, and what it incentivises (weighted by incentive
# weight). The gap between saying and rewarding is where operating models drift.

# %%
charts.lens_chart(found.lenses)

# %%
pres.show(
    pres.lens_table(found.lenses, found.headline, ctx.min_size)
    + pres.metric_stages(found.stages, ctx.metrics)
)
charts.metric_stage_chart(found.stages)

# %%
pres.show(pres.metric_table(ctx.metrics))

# %% [markdown]
# <a id="perverse-incentives"></a>
# ## 3. Perverse incentives
#
# Rewarded output metrics with no rewarded customer-outcome metric in the same unit or
# capability. Paid on volume alone, people learn to do the easy, low-impact work first.

# %%
pres.show(pres.perverse_table(found.perverse, ctx.metrics))

# %% [markdown]
# <a id="okr-health"></a>
# ## 4. OKR health
#
# Each key result scored as output or outcome; objectives without an outcome key result;
# alignment down (to a parent) and across (to another unit's key result); orphans; key
# results not attached to an end-to-end capability.

# %%
charts.quadrant_bars(
    found.key_results.assign(share=1.0), category="owner_unit", category_title="Key results by unit"
)

# %%
pres.show(pres.okr_sections(found.key_results, found.objectives))

# %% [markdown]
# <a id="capabilities"></a>
# ## 5. The capability value chain
#
# Capabilities from left to right in value-chain order, each coloured by the customer-outcome
# index of its people's answers, its metrics and its key results (blank: nothing to score, or
# too few people).

# %%
pres.show(pres.capability_note(found.chain, ctx.capabilities, found.headline, ctx.min_size))
charts.capability_chain_chart(found.chain)

# %% [markdown]
# <a id="hybrid"></a>
# ## 6. One operating model or several?

# %%
pres.show(pres.hybrid_text(found.hybrid, found.headline, ctx.min_size))

# %% [markdown]
# <a id="themes"></a>
# ### Themes: what people talk about
#
# Themes are found automatically; none rests on fewer people than the privacy minimum. Quotes
# come only from large enough themes and units, with the cue words that placed them.

# %%
pres.show(pres.theme_heading(ctx, "work"))
charts.quadrant_map(found.themes["work"].table, label="label", size="size", size_title="Answers")

# %%
pres.show(pres.themes(*found.themes["work"], ctx.min_quote_size))

# %%
pres.show(pres.theme_heading(ctx, "success"))
charts.quadrant_map(found.themes["success"].table, label="label", size="size", size_title="Answers")

# %%
pres.show(pres.themes(*found.themes["success"], ctx.min_quote_size))

# %% [markdown]
# <a id="under-measured-outcomes"></a>
# ## 7. Under-measured outcomes
#
# For each success theme: importance (its share of success answers, largest = 10), coverage
# by today's metrics (0–10: measured, reported, incentivised) and the opportunity score
# importance + max(importance − coverage, 0), which ranks what to measure next.

# %%
charts.opportunity_chart(found.opportunities)

# %%
pres.show(pres.opportunity_table(found.opportunities, ctx))

# %% [markdown]
# <a id="change"></a>
# ## 8. Change since the previous wave

# %%
charts.change_chart(found.change)

# %%
pres.show(pres.change_table(found.change, found.change_waves))

# %% [markdown]
# <a id="next-steps"></a>
# ## 9. Next steps
#
# For each material gap: the language to articulate it, the measures to see it, and the
# operating-model changes to close it.

# %%
pres.show(pres.next_steps(found.next_steps, found.headline, ctx))

# %% [markdown]
# <a id="method"></a>
# ## Appendix: method and codebook

# %%
pres.show(
    pres.method(ctx, corpus_size=len(ow.load_corpus()))
    + pres.model_evaluation(ctx.model_evaluation)
)

# %% [markdown]
# <a id="data-quality"></a>
# ## Appendix: data quality
#
# Every input row is either loaded or quarantined with a reason; the counts reconcile.

# %%
files, reasons = ow.data_quality(ctx.sources, ctx.quarantine)
pres.show(pres.data_quality(files, reasons, ctx))

# %% tags=["portfolio"]
portfolio.record_summary(ctx, found)
