"""opsworkbench: diagnose an organisation's operating model from what it says, measures and rewards."""

import importlib

# Imported eagerly: the function shares its name with its module, and the module would
# otherwise replace it as an attribute of the package once imported.
from opsworkbench.ingest import ingest as ingest

# Names are imported on first use (PEP 562) so the command line starts without loading the
# charting and notebook stack it may not need.
_EXPORTS = {
    "QUADRANTS": "opsworkbench.orientation",
    "score_texts": "opsworkbench.orientation",
    "load_corpus": "opsworkbench.orientation",
    "OrientationModel": "opsworkbench.orientation",
    "find_themes": "opsworkbench.themes",
    "analyse": "opsworkbench.analysis",
    "Analysis": "opsworkbench.analysis",
    "data_quality": "opsworkbench.diagnostics",
    "classify_file": "opsworkbench.classify",
    "cross_validate": "opsworkbench.evaluation",
    "evaluate_file": "opsworkbench.evaluation",
    "InputError": "opsworkbench.errors",
    "OpsWorkbenchError": "opsworkbench.errors",
    "ReportContext": "opsworkbench.context",
    "load_context": "opsworkbench.context",
    "render_all": "opsworkbench.reports",
    "render_report": "opsworkbench.reports",
    "use_offline_charts": "opsworkbench.charts",
}
__all__ = sorted([*_EXPORTS, "ingest"])


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'opsworkbench' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return __all__
