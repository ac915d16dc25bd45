"""opsworkbench: diagnose an organisation's operating model from what it says, measures and rewards."""

import importlib

# Imported eagerly: the function shares its name with its module, and the module would
# otherwise replace it as an attribute of the package once imported.
from opsworkbench.intake.load import ingest as ingest

# Names are imported on first use (PEP 562) so the command line starts without loading the
# charting and notebook stack it may not need.
_EXPORTS = {
    "QUADRANTS": "opsworkbench.language.orientation",
    "score_texts": "opsworkbench.language.orientation",
    "load_corpus": "opsworkbench.language.orientation",
    "OrientationModel": "opsworkbench.language.orientation",
    "find_themes": "opsworkbench.language.themes",
    "analyse": "opsworkbench.diagnostics.analysis",
    "Analysis": "opsworkbench.diagnostics.analysis",
    "data_quality": "opsworkbench.diagnostics.overview",
    "classify_file": "opsworkbench.tools.classify",
    "cross_validate": "opsworkbench.tools.evaluation",
    "evaluate_file": "opsworkbench.tools.evaluation",
    "InputError": "opsworkbench.errors",
    "OpsWorkbenchError": "opsworkbench.errors",
    "ReportContext": "opsworkbench.report.context",
    "load_context": "opsworkbench.report.context",
    "load_previous": "opsworkbench.report.context",
    "render_all": "opsworkbench.report.render",
    "render_report": "opsworkbench.report.render",
    "use_offline_charts": "opsworkbench.present.charts",
}
__all__ = sorted([*_EXPORTS, "ingest"])


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'opsworkbench' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return __all__
