"""The one exception family users see, with messages that say where and what to do."""

from __future__ import annotations


class OpsWorkbenchError(Exception):
    """Base class for every error opsworkbench raises on purpose."""


class InputError(OpsWorkbenchError):
    """An input file cannot be used as it is.

    The message names the file and, where known, the row and column, and says what to do.
    """

    def __init__(self, problem: str, *, file=None, row=None, column=None, hint: str | None = None):
        self.problem, self.file, self.row, self.column, self.hint = problem, file, row, column, hint
        where = ", ".join(
            part
            for part in (
                f"{file}" if file is not None else "",
                f"row {row}" if row is not None else "",
                f"column '{column}'" if column is not None else "",
            )
            if part
        )
        message = f"{where}: {problem}" if where else problem
        if hint:
            message += f" — {hint}"
        super().__init__(message)


class WorkspaceBusy(OpsWorkbenchError):
    """Another process holds the workspace; waiting longer or trying later will do."""
