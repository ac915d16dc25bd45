"""The analyst's codebook: theme names and merges, quadrant overrides; versioned in the workspace."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import pandas as pd

from opsworkbench.errors import OpsWorkbenchError
from opsworkbench.language.orientation import OrientationModel, default_model, train
from opsworkbench.vocabulary import QUADRANT_AXES, QUADRANTS

ACTIONS = ("rename", "merge", "text", "term")
# A theme found in a new wave is the codebook's theme when their key terms overlap this much.
MATCH_JACCARD = 0.4


def normalise_text(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().lower()


def _terms(key: str) -> set[str]:
    return set(key.split("|"))


def _similar(a: str, b: str) -> float:
    ta, tb = _terms(a), _terms(b)
    return len(ta & tb) / len(ta | tb) if ta | tb else 0.0


@dataclass
class Codebook:
    """The codebook as of one version: entries in the order they were made."""

    org_id: str
    version: int = 0
    entries: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["version", "created_at", "action", "target", "value", "note", "author"]
        )
    )

    @classmethod
    def from_entries(cls, org_id: str, entries: pd.DataFrame) -> Codebook:
        """The codebook made of stored entries (version, created_at, action, target, value, note)."""
        version = int(entries["version"].max()) if len(entries) else 0
        return cls(org_id, version, entries.reset_index(drop=True))

    def _latest(self, action: str) -> dict[str, str]:
        rows = self.entries[self.entries["action"] == action]
        return dict(zip(rows["target"], rows["value"], strict=True))

    @property
    def text_overrides(self) -> dict[str, str]:
        return self._latest("text")

    @property
    def term_overrides(self) -> dict[str, str]:
        return self._latest("term")

    def training_rows(self) -> pd.DataFrame:
        """Corrections as labelled rows for retraining (texts and terms)."""
        rows = [
            {"text": text, "focus": QUADRANT_AXES[q][0], "result": QUADRANT_AXES[q][1]}
            for text, q in {**self.text_overrides, **self.term_overrides}.items()
        ]
        return pd.DataFrame(rows, columns=["text", "focus", "result"])

    def model(self) -> OrientationModel:
        """The default model, or one retrained with this codebook's corrections (cached)."""
        rows = self.training_rows()
        if rows.empty:
            return default_model()
        return _trained(tuple(rows.itertuples(index=False, name=None)))

    def apply_to_scores(self, texts: pd.Series, scores: pd.DataFrame) -> pd.DataFrame:
        """Exact-text overrides win over the model: quadrant set, confidence 1, cue says why."""
        overrides = self.text_overrides
        if not overrides:
            return scores
        scores = scores.copy()
        for i, text in enumerate(texts):
            quadrant = overrides.get(normalise_text(text))
            if quadrant:
                focus, result = QUADRANT_AXES[quadrant]
                scores.loc[scores.index[i], ["quadrant", "confidence", "cues"]] = [
                    quadrant,
                    1.0,
                    f"codebook v{self.version}: set to {quadrant}",
                ]
                for axis, side, positive in (
                    ("focus", focus, "external"),
                    ("result", result, "outcome"),
                ):
                    magnitude = abs(scores.iloc[i][axis]) if pd.notna(scores.iloc[i][axis]) else 1.0
                    scores.loc[scores.index[i], axis] = (
                        magnitude if side == positive else -magnitude
                    )
        return scores

    def apply_to_themes(
        self, table: pd.DataFrame, assignment: pd.Series
    ) -> tuple[pd.DataFrame, pd.Series]:
        """Rename and merge themes. A theme matches a codebook theme when their key terms overlap
        (Jaccard ≥ 0.4), which is how names carry over to the next wave's themes."""
        if table.empty:
            return table, assignment
        table = table.copy()
        table["codebook"] = ""
        renames, merges = self._latest("rename"), self._latest("merge")
        groups: dict[str, list[int]] = {}
        for i, row in table.iterrows():
            for target, label in renames.items():
                if _similar(row["key"], target) >= MATCH_JACCARD:
                    table.at[i, "label"], table.at[i, "codebook"] = label, "renamed"
            for target, label in merges.items():
                if any(_similar(row["key"], k) >= MATCH_JACCARD for k in target.split("||")):
                    groups.setdefault(label, []).append(i)
        assignment = assignment.copy()
        for label, rows in groups.items():
            keep, *rest = sorted(rows, key=lambda r: -table.at[r, "size"])
            for r in rest:
                assignment[assignment == table.at[r, "theme"]] = table.at[keep, "theme"]
                table.at[keep, "size"] += table.at[r, "size"]
                table.at[keep, "share"] += table.at[r, "share"]
            table.at[keep, "label"], table.at[keep, "codebook"] = label, "merged"
            table = table.drop(index=rest)
        return table.sort_values("size", ascending=False, kind="stable").reset_index(
            drop=True
        ), assignment


@functools.lru_cache(maxsize=8)
def _trained(rows: tuple[tuple[str, str, str], ...]) -> OrientationModel:
    return train(pd.DataFrame(rows, columns=["text", "focus", "result"]))


def check_entry(action: str, target: str, value: str) -> tuple[str, str]:
    """One analyst decision made ready to store: ``(target, value)``, normalised, or an error.

    ``rename``: target = theme key (or ``terms`` shown in the report), value = label.
    ``merge``: target = theme keys joined by ``||``, value = label.
    ``text``/``term``: target = the text or term, value = a quadrant.
    """
    if action not in ACTIONS:
        raise OpsWorkbenchError(f"unknown codebook action '{action}'; use one of {ACTIONS}")
    if action in ("text", "term") and value not in QUADRANTS:
        raise OpsWorkbenchError(f"'{value}' is not a quadrant; use one of {QUADRANTS}")
    if action in ("rename", "merge"):
        keys = [k.strip() for k in target.split("||")]
        if action == "merge" and len(keys) < 2:
            raise OpsWorkbenchError("merge needs at least two theme keys separated by '||'")
        target = "||".join(
            "|".join(sorted(t.strip() for t in re.split(r"[|,]", k) if t.strip())) for k in keys
        )
    else:
        target = normalise_text(target)
    if not target or not str(value).strip():
        raise OpsWorkbenchError("codebook entries need a target and a value")
    return target, str(value).strip()
