"""Which page a workshop address opens: the presenter view (with the session's key) or the
participants' page (everyone else)."""

from __future__ import annotations

import os
import secrets
from urllib.parse import parse_qs

from opsworkbench.workshop.session import KEY_PARAMETER, Session


def is_presenter(session: Session, query: str | None = None) -> bool:
    """Whether the page's address carries the session's presenter key."""
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    given = parse_qs(query).get(KEY_PARAMETER, [""])[0]
    return bool(given) and secrets.compare_digest(given.encode(), session.presenter_key.encode())


def show(session_file: str = ""):
    """The page for this address, ready to display."""
    session = Session.load(session_file or None)
    if is_presenter(session):
        from opsworkbench.workshop.presenter import Presenter

        return Presenter(session).widget
    from opsworkbench.workshop.participant import Participant

    return Participant(session).widget
