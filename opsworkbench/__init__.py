"""opsworkbench: diagnose an organisation's operating model from what it says, measures and rewards.

The flow, one call a step::

    ingest(study)                  survey exports and inventories → the workspace
    ctx = load_context(ws, org)    one organisation's wave, with its stored scores
    found = analyse(ctx, load_previous(ws, ctx))
                                   its report's findings, each computed on first use
    render_report / render_all     the HTML reports and the portfolio page
    explore(ws, org)               the analyst's explorer (ipywidgets, in a notebook)

and the engine on its own: ``score_texts``, ``find_themes``, ``classify_file`` (any CSV/XLSX),
``cross_validate`` and ``evaluate_file`` (how well it scores).
"""

import importlib

# Names load on first use (PEP 562), so `import opsworkbench` and the command line start
# without pandas, the model or the charting and notebook stack.
_EXPORTS = {
    # intake
    "ingest": "opsworkbench.intake.load",
    # language
    "score_texts": "opsworkbench.language.orientation",
    "load_corpus": "opsworkbench.language.orientation",
    "OrientationModel": "opsworkbench.language.orientation",
    "find_themes": "opsworkbench.language.themes",
    # diagnostics
    "load_context": "opsworkbench.report.context",
    "load_previous": "opsworkbench.report.context",
    "ReportContext": "opsworkbench.report.context",
    "analyse": "opsworkbench.diagnostics.analysis",
    "Analysis": "opsworkbench.diagnostics.analysis",
    "data_quality": "opsworkbench.diagnostics.overview",
    # reports
    "render_report": "opsworkbench.report.render",
    "render_all": "opsworkbench.report.render",
    "use_offline_charts": "opsworkbench.present.charts",
    # the analyst's explorer
    "explore": "opsworkbench.explorer.widgets",
    "Explorer": "opsworkbench.explorer.widgets",
    # tools
    "classify_file": "opsworkbench.tools.classify",
    "cross_validate": "opsworkbench.tools.evaluation",
    "evaluate_file": "opsworkbench.tools.evaluation",
    # vocabulary, errors, paths
    "QUADRANTS": "opsworkbench.vocabulary",
    "QUADRANT_LABELS": "opsworkbench.vocabulary",
    "OpsWorkbenchError": "opsworkbench.errors",
    "InputError": "opsworkbench.errors",
    "WorkspaceBusy": "opsworkbench.errors",
    "workspace_path": "opsworkbench.config",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'opsworkbench' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
