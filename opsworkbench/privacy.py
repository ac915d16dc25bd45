"""Privacy rules: pseudonyms, PII scrubbing, small-group suppression and HTML escaping."""

from __future__ import annotations

import hashlib
import hmac
import html
from collections.abc import Iterable

import pandas as pd

from opsworkbench.pii import EMAIL, scrub_pii  # noqa: F401  (re-exported)


def pseudonymise(raw_id: str, *, salt: str, org_id: str) -> str:
    """A stable pseudonym for a respondent: keyed hash of org and raw identifier."""
    digest = hmac.new(salt.encode(), f"{org_id}\x1f{raw_id}".encode(), hashlib.sha256)
    return "r_" + digest.hexdigest()[:16]


def escape(text: object) -> str:
    """HTML-escape untrusted text (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


def suppressed_groups(sizes: pd.Series, min_size: int, *, also: Iterable = ()) -> set:
    """Groups to hide, including complementary suppression.

    A group smaller than ``min_size`` is hidden. Whatever is hidden can still be worked out as
    one block, by subtracting the visible groups from the total, so the hidden groups together
    must reach ``min_size`` too; when they do not, the next smallest visible group is hidden
    as well.

    Parameters
    ----------
    sizes : Series
        Group size per group label (people behind the numbers shown for the group).
    min_size : int
        Smallest group that may be shown.
    also : iterable
        Groups already hidden for another reason; they count towards the hidden block and are
        part of the result.
    """
    also = set(also)
    sizes = sizes[sizes > 0]
    hidden = set(sizes[sizes < min_size].index) | (also & set(sizes.index))
    block = sizes[sizes.index.isin(hidden)].sum()
    if hidden and block < min_size:
        visible = sizes.drop(list(hidden)).sort_values(kind="stable")
        if len(visible):
            hidden.add(visible.index[0])
    return hidden | also


def mask_small_groups(
    frame: pd.DataFrame, group: str, size: str, min_size: int, *, hidden: set | None = None
) -> pd.DataFrame:
    """Return ``frame`` with a ``suppressed`` column and every other value blanked for hidden groups.

    ``frame`` has one row per group (column ``group``) with its size in column ``size``. The
    groups to hide are worked out from those sizes unless ``hidden`` gives them.
    """
    if hidden is None:
        hidden = suppressed_groups(frame.set_index(group)[size], min_size)
    out = frame.copy()
    out["suppressed"] = out[group].isin(hidden)
    value_cols = [c for c in out.columns if c not in (group, "suppressed")]
    out[value_cols] = out[value_cols].astype(object)
    out.loc[out["suppressed"], value_cols] = None
    return out
