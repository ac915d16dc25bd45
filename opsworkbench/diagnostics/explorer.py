"""What the analyst's explorer shows for one selection, and what it must hide.

Every number, theme and quote the explorer draws comes from :meth:`Selections.view`, so the
privacy rules hold in every state of every widget:

- a selection (unit × role × tenure band) is shown only when at least the minimum number of
  people stand behind each of its numbers, and only when no other group can be worked out from
  it by subtraction: for each filter, the selection's siblings (the other roles of the same
  unit, say) are suppressed together as the report suppresses units, and the selection's
  parents must be shown too; and, as a hidden cover could be learnt from another filter's
  sums, more is hidden until no small group can be worked out in several steps either;
- quotes need the larger quote minimum, for the selection and for the answers they are drawn
  from, and come only from units that large;
- a theme, a quadrant or a search is counted only when enough people stand behind it.

Pure: the frames of one organisation and wave in, plain frames out; no I/O.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from opsworkbench.diagnostics.frames import ReportContext
from opsworkbench.diagnostics.overview import hidden_units, question_themes, unit_positions
from opsworkbench.diagnostics.profiles import OutcomeIndex, lens_values, outcome_index
from opsworkbench.language.orientation import normalise
from opsworkbench.vocabulary import QUADRANT_LABELS, QUADRANTS, UNCLASSIFIED

DIMENSIONS = ("unit", "role", "tenure_band")
DIMENSION_NAMES = {"unit": "unit", "role": "role", "tenure_band": "tenure band"}
BOTH = "both"
QUOTES_SHOWN = 4
QUOTE_LENGTH = (20, 240)
# The columns of a view's themes, and of its unit map (as ``unit_positions`` gives them)
THEME_COLUMNS = ["key", "question", "label", "answers", "people", "share", "focus", "result", "quadrant", "terms", "cluster"]  # fmt: skip
UNIT_COLUMNS = ["unit", "respondents", "scored", "focus", "result", "quadrant", "share", "suppressed"]  # fmt: skip


@dataclass(frozen=True)
class Filters:
    """One state of the explorer's filters (None: no filter)."""

    question: str = BOTH
    unit: str | None = None
    role: str | None = None
    tenure_band: str | None = None
    quadrant: str | None = None
    theme: str | None = None  # a theme's key, "question:number"

    @property
    def people(self) -> tuple:
        """The filters that pick people: (unit, role, tenure band)."""
        return (self.unit, self.role, self.tenure_band)


@dataclass(frozen=True)
class Visibility:
    shown: bool
    why: str = ""


def describe(people: tuple) -> str:
    """A selection of people in words: "Finance · Specialist", or "the whole organisation"."""
    parts = [str(v) for v in people if v is not None]
    return " · ".join(parts) if parts else "the whole organisation"


@dataclass
class View:
    """Everything the explorer shows for one state of its filters (blank where hidden)."""

    filters: Filters
    visibility: Visibility
    people: int | None
    index: OutcomeIndex | None
    shares: pd.DataFrame
    units: pd.DataFrame
    lenses: pd.DataFrame
    themes: pd.DataFrame
    hidden_themes: int
    quotes: pd.DataFrame
    quotes_why: str
    metrics: pd.DataFrame
    key_results: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        """What is on screen as tables, for export (hidden numbers stay blank)."""
        f = self.filters
        selection = pd.DataFrame(
            {
                "filter": ["question", "unit", "role", "tenure band", "quadrant", "theme"],
                "value": [f.question, f.unit, f.role, f.tenure_band, f.quadrant, f.theme],
            }
        )
        index = self.index
        headline = pd.DataFrame(
            [
                {
                    "shown": self.visibility.shown,
                    "why hidden": self.visibility.why,
                    "people": self.people,
                    "customer-outcome index": None if index is None else index.value,
                    "interval low": None if index is None else index.low,
                    "interval high": None if index is None else index.high,
                }
            ]
        )
        return {
            "selection": selection,
            "headline": headline,
            "quadrant shares": self.shares,
            "units": self.units,
            "say measure value reward": self.lenses,
            "themes": self.themes,
            "quotes": self.quotes,
            "metrics": self.metrics,
            "key results": self.key_results,
        }


@dataclass
class SearchResult:
    phrase: str
    people: int | None  # None: too few to show
    split: pd.DataFrame  # quadrant, answers, share
    quotes: pd.DataFrame
    why: str


class Selections:
    """One organisation's wave, ready to be cut by the explorer's filters.

    Themes are found once per question for the whole wave (as the report finds them), so a
    theme keeps its name whatever the filters; a selection shows how many of its people talk
    about each theme.
    """

    def __init__(self, ctx: ReportContext):
        self.ctx = ctx
        people = ctx.respondents[["respondent_id", *DIMENSIONS]]
        answers = ctx.scored.drop(columns=["unit"]).merge(people, on="respondent_id", how="inner")
        answers["theme"] = None
        tables = []
        for question in ctx.core_questions:
            rows = np.flatnonzero((answers["question"] == question).to_numpy())
            found = question_themes(
                answers.iloc[rows].reset_index(drop=True),
                min_size=ctx.min_size,
                codebook=ctx.codebook,
                stored=ctx.stored_themes,
                wording=ctx.wording(question),
            )
            number = found.assignment.to_numpy()
            keys = np.where(number >= 0, [f"{question}:{n}" for n in number], None)
            answers.loc[answers.index[rows], "theme"] = keys
            if not found.table.empty:
                tables.append(
                    found.table.assign(
                        key=[f"{question}:{n}" for n in found.table["theme"]],
                        question=question,
                        cluster=found.table["key"],
                    )[["key", "question", "label", "terms", "cluster"]]
                )
        self.answers = answers
        self.theme_list = (
            pd.concat(tables, ignore_index=True)
            if tables
            else pd.DataFrame(columns=["key", "question", "label", "terms", "cluster"])
        )
        unit_sizes = ctx.respondents.groupby("unit")["respondent_id"].nunique()
        self.quotable_units = set(unit_sizes[unit_sizes >= ctx.min_quote_size].index)
        self._cache: dict = {}

    # --- choices for the filters ---

    def choices(self, dimension: str) -> list[str]:
        """Every value of a people filter in this wave (hidden ones too: they say why)."""
        return sorted(self.ctx.respondents[dimension].dropna().astype(str).unique())

    @cached_property
    def _normalised(self) -> pd.Series:
        """Every answer's text as a search reads it, by the answers' index (once, at the
        first search)."""
        return self.answers["text"].map(normalise)

    @cached_property
    def questions(self) -> list[str]:
        core = self.ctx.core_questions
        return [BOTH, *core] if len(core) > 1 else list(core)

    # --- who is in a selection, and may it be shown ---

    def _group(self, people: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The respondents and answers of a selection of people (cached)."""
        key = ("group", people)
        if key not in self._cache:
            resp, answers = self.ctx.respondents, self.answers
            for dim, value in zip(DIMENSIONS, people, strict=True):
                if value is not None:
                    resp = resp[resp[dim].to_numpy() == value]
                    answers = answers[answers[dim].to_numpy() == value]
            self._cache[key] = (resp, answers)
        return self._cache[key]

    def _hidden_among(self, parent: tuple, dim: str) -> set:
        """Values of ``dim`` hidden within ``parent`` (with complementary suppression)."""
        key = ("hidden", parent, dim)
        if key not in self._cache:
            resp, answers = self._group(parent)
            self._cache[key] = hidden_units(resp, answers, self.ctx.min_size, by=dim)
        return self._cache[key]

    def visibility(self, people: tuple) -> Visibility:
        """May the numbers of this selection of people be shown, and if not, why not."""
        found = self._rules(people)
        if found.shown and people in self._worked_out():
            return Visibility(
                False,
                f"{describe(people)}: with the other selections shown, a group of fewer than "
                f"{self.ctx.min_size} people could be worked out from this one by subtraction "
                "over several filters.",
            )
        return found

    def _rules(self, people: tuple) -> Visibility:
        """Visibility by the selection's own size, its parents and its siblings."""
        key = ("visible", people)
        if key in self._cache:
            return self._cache[key]
        min_size = self.ctx.min_size
        resp, answers = self._group(people)
        classified = answers[answers["quadrant"].to_numpy() != UNCLASSIFIED]
        counts = [resp["respondent_id"].nunique(), classified["respondent_id"].nunique()]
        counts += [
            classified.loc[classified["question"] == q, "respondent_id"].nunique()
            for q in self.ctx.core_questions
        ]
        found = Visibility(True)
        if min(counts) < min_size:
            found = Visibility(
                False,
                f"{describe(people)}: fewer than {min_size} people stand behind these numbers "
                f"(the study's minimum group size is {min_size}).",
            )
        else:
            for i, dim in enumerate(DIMENSIONS):
                if people[i] is None:
                    continue
                parent = people[:i] + (None,) + people[i + 1 :]
                above = self._rules(parent)
                if not above.shown:
                    found = Visibility(
                        False, f"{describe(people)} is part of a hidden group. {above.why}"
                    )
                    break
                if people[i] in self._hidden_among(parent, dim):
                    name = DIMENSION_NAMES[dim]
                    found = Visibility(
                        False,
                        f"{describe(people)}: another {name} of {describe(parent)} has fewer than "
                        f"{min_size} people, and showing this one would let that group be worked "
                        "out by subtraction.",
                    )
                    break
        self._cache[key] = found
        return found

    def _worked_out(self) -> set:
        """Selections hidden on top of :meth:`_rules`, so that no group of fewer than the
        minimum can be worked out in several steps.

        Every selection is the sum of its parts along each filter (a unit is the sum of its
        roles; people without a role are a part that is never shown). A hidden selection is
        learnt once it is the only unknown term of such a sum. The rules look at one sum at a
        time, so a hidden cover can be learnt from another sum (a unit's role from the role's
        other units) and then give the small group away. While a group of fewer than the
        minimum can be learnt, one more selection is hidden: in the sum a learnt term was
        learnt from, else in the sum that gives the group away, a shown part (preferring one
        whose other sums already hide something, then the smallest), else the sum's total.
        """
        if "worked out" in self._cache:
            return self._cache["worked out"]
        min_size, questions = self.ctx.min_size, self.ctx.core_questions
        missing = object()  # the part of the people without a value for a filter
        flags = self.ctx.respondents.drop_duplicates("respondent_id").set_index("respondent_id")
        flags = flags[list(DIMENSIONS)].astype(object)
        flags = flags.where(flags.notna(), missing)
        classified = self.answers[self.answers["quadrant"].to_numpy() != UNCLASSIFIED]
        bases = ["respondents", "classified", *questions]
        flags["respondents"] = 1
        flags["classified"] = flags.index.isin(classified["respondent_id"])
        for q in questions:
            said = classified.loc[classified["question"] == q, "respondent_id"]
            flags[q] = flags.index.isin(said)
        finest = flags.groupby(list(DIMENSIONS), sort=False)[bases].sum().astype(int)
        values = [list(pd.unique(flags[dim])) for dim in DIMENSIONS]
        cells = list(itertools.product(*([None, *v] for v in values)))
        zero = np.zeros(len(bases), dtype=int)
        size = dict.fromkeys(cells, zero)
        for key, row in zip(finest.index, finest.to_numpy(), strict=True):
            for kept in itertools.product((True, False), repeat=len(DIMENSIONS)):
                cell = tuple(v if k else None for v, k in zip(key, kept, strict=True))
                size[cell] = size[cell] + row
        sums = [
            (cell, tuple(cell[:i] + (v,) + cell[i + 1 :] for v in values[i]))
            for cell in cells
            for i in range(len(DIMENSIONS))
            if cell[i] is None
        ]
        part_of: dict[tuple, list] = {c: [] for c in cells}
        for found in sums:
            for part in found[1]:
                part_of[part].append(found)
        nonempty = {c for c in cells if size[c][0] > 0}
        hidden = {c for c in nonempty if missing in c or not self._rules(c).shown}
        added: set = set()

        def order(cell, within):
            covered = sum(
                any(p in hidden and p != cell for p in other[1])
                for other in part_of[cell]
                if other is not within
            )
            return (-covered, int(size[cell][0]), [str(v) for v in cell])

        while True:
            known, learnt_from = set(cells) - hidden, {}
            learnt = True
            while learnt:
                learnt = False
                for found in sums:
                    unknown = [c for c in (found[0], *found[1]) if c not in known]
                    if len(unknown) == 1:
                        known.add(unknown[0])
                        learnt_from[unknown[0]] = found
                        learnt = True
            given_away = [
                (c, learnt_from[c])
                for c in learnt_from
                if c in nonempty and (size[c] < min_size).any()
            ]
            for found in sums:
                if found[0] in known:
                    block = sum((size[c] for c in found[1] if c not in known), zero)
                    if ((block > 0) & (block < min_size)).any():
                        given_away.append((None, found))
            if not given_away:
                break
            term, within = given_away[0]
            while True:
                terms = [c for c in (within[0], *within[1]) if c != term and c in known]
                terms = [c for c in terms if c in nonempty]
                was_learnt = [c for c in terms if c in learnt_from]
                if not was_learnt:
                    break
                # a term learnt from another sum: hide something there instead
                term = min(was_learnt, key=lambda c: order(c, within))
                within = learnt_from[term]
            parts = [c for c in within[1] if c in terms and c not in hidden]
            cell = min(parts, key=lambda c: order(c, within)) if parts else within[0]
            hidden.add(cell)
            added.add(cell)
        self._cache["worked out"] = added
        return added

    # --- one state of the filters ---

    def _answers(self, filters: Filters, answers: pd.DataFrame) -> pd.DataFrame:
        """Answers to the filtered question, of the filtered quadrant and theme."""
        if filters.question != BOTH:
            answers = answers[answers["question"].to_numpy() == filters.question]
        if filters.quadrant is not None:
            answers = answers[answers["quadrant"].to_numpy() == filters.quadrant]
        if filters.theme is not None:
            answers = answers[answers["theme"].to_numpy() == filters.theme]
        return answers

    def view(self, filters: Filters) -> View:
        """What the explorer shows for ``filters``: numbers only where the rules allow (kept,
        so going back to a state of the filters costs nothing)."""
        key = ("view", filters)
        if key not in self._cache:
            self._cache[key] = self._view(filters)
        return self._cache[key]

    def _view(self, filters: Filters) -> View:
        min_size = self.ctx.min_size
        visible = self.visibility(filters.people)
        metrics, key_results = self._owned(filters.unit)
        units = self._units(filters)
        empty = pd.DataFrame()
        if not visible.shown:
            return View(
                filters, visible, None, None, empty, units, empty, _no_themes(), 0,
                _no_quotes(), "Quotes are hidden with the numbers.", metrics, key_results,
            )  # fmt: skip
        resp, answers = self._group(filters.people)
        index, shares, lenses = self._headline(filters.people, filters.question, metrics)
        themes, hidden_themes = self._themes(filters, answers)
        quotes, why = self.quotes(filters)
        notes = []
        if filters.quadrant is not None or filters.theme is not None:
            narrowed = self._answers(filters, answers)
            if narrowed["respondent_id"].nunique() < min_size:
                notes.append(
                    f"Fewer than {min_size} people in this selection gave answers of this "
                    "quadrant or theme."
                )
        return View(
            filters, visible, index.people, index, shares, units, lenses, themes,
            hidden_themes, quotes, why, metrics, key_results, notes,
        )  # fmt: skip

    def _headline(
        self, people: tuple, question: str, metrics: pd.DataFrame
    ) -> tuple[OutcomeIndex, pd.DataFrame, pd.DataFrame]:
        """The index, quadrant shares and lenses of a shown selection's answers to ``question``
        (cached: the quadrant and theme filters do not change them; ``metrics`` are those
        the selection's unit owns)."""
        key = ("headline", people, question)
        if key not in self._cache:
            _, answers = self._group(people)
            asked = answers if question == BOTH else answers[answers["question"] == question]
            index = outcome_index(asked)
            classified = asked[asked["quadrant"] != UNCLASSIFIED]
            shares = (
                classified["quadrant"]
                .value_counts(normalize=True)
                .reindex(QUADRANTS, fill_value=0.0)
                .rename_axis("quadrant")
                .reset_index(name="share")
            )
            shares["label"] = shares["quadrant"].map(QUADRANT_LABELS)
            lens = lens_values(asked, metrics, self.ctx.min_size)
            lenses = pd.DataFrame(
                {
                    "lens": ["say", "measure", "value", "reward"],
                    "index": [lens["say"], lens["measure"], lens["value"], lens["reward"]],
                    "based on": [
                        f"{lens['say_n']} people",
                        *(f"{lens[f'{x}_n']} metrics" for x in ("measure", "value", "reward")),
                    ],
                }
            )
            self._cache[key] = (index, shares, lenses)
        index, shares, lenses = self._cache[key]
        return index, shares.copy(), lenses.copy()

    def _units(self, filters: Filters) -> pd.DataFrame:
        """The quadrant map: every unit of the selection without its unit filter."""
        key = ("units", filters.question, filters.role, filters.tenure_band)
        if key not in self._cache:
            self._cache[key] = self._unit_map(filters)
        frame = self._cache[key]
        return frame.assign(selected=frame["unit"] == filters.unit)

    def _unit_map(self, filters: Filters) -> pd.DataFrame:
        """The quadrant map of the question, role and tenure band filtered (the same map
        whatever the unit filter; cached by :meth:`_units`)."""
        parent = (None, filters.role, filters.tenure_band)
        resp, answers = self._group(parent)
        if not self.visibility(parent).shown or resp["unit"].nunique() < 2:
            return pd.DataFrame(columns=UNIT_COLUMNS)
        asked = (
            answers
            if filters.question == BOTH
            else answers[answers["question"] == filters.question]
        )
        # a unit is on the map only where its own selection is shown: the unit's other
        # filters may hide it too (its role may be the cover of a smaller role of the unit)
        hidden = {
            unit
            for unit in resp["unit"].dropna().unique()
            if not self.visibility((unit, *parent[1:])).shown
        }
        return unit_positions(resp, asked, self.ctx.min_size, hidden=hidden)

    def _owned(self, unit: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The metrics and key results the unit owns (the organisation's, without a unit)."""
        metrics, okrs = self.ctx.metrics, self.ctx.okrs
        if unit is not None:
            metrics = metrics[metrics["owner_unit"] == unit]
            okrs = okrs[okrs["owner_unit"] == unit]
        return metrics, okrs

    def _themes(self, filters: Filters, answers: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        """Themes of the selection's answers; a theme with fewer than the minimum is hidden
        (cached: the theme filter does not change them)."""
        key = ("themes", filters.people, filters.question, filters.quadrant)
        if key not in self._cache:
            self._cache[key] = self._find_themes(filters, answers)
        table, hidden = self._cache[key]
        return table.copy(), hidden

    def _find_themes(self, filters: Filters, answers: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        part = self._answers(replace(filters, theme=None), answers)
        part = part[part["theme"].notna()]
        if part.empty:
            return _no_themes(), 0
        grouped = part.groupby("theme")
        stats = pd.DataFrame(
            {"answers": grouped.size(), "people": grouped["respondent_id"].nunique()}
        )
        placed = part[part["quadrant"] != UNCLASSIFIED].groupby("theme")
        stats["focus"] = placed["focus"].mean()
        stats["result"] = placed["result"].mean()
        stats["quadrant"] = placed["quadrant"].agg(lambda q: q.value_counts().idxmax())
        stats["share"] = stats["answers"] / len(part)
        shown = stats[stats["people"] >= self.ctx.min_size]
        table = self.theme_list.merge(shown, left_on="key", right_index=True)
        table = table.sort_values(["answers", "key"], ascending=[False, True], kind="stable")
        return table[THEME_COLUMNS].reset_index(drop=True), int(len(stats) - len(shown))

    def quotes(self, filters: Filters, *, limit: int = QUOTES_SHOWN) -> tuple[pd.DataFrame, str]:
        """Representative answers of the selection, or why none may be quoted."""
        q = self.ctx.min_quote_size
        if not self.visibility(filters.people).shown:
            return _no_quotes(), "Quotes are hidden with the numbers."
        resp, answers = self._group(filters.people)
        if resp["respondent_id"].nunique() < q:
            return (
                _no_quotes(),
                f"No quotes: fewer than {q} people in this selection (the quote minimum).",
            )
        pool = self._answers(filters, answers)
        if pool["respondent_id"].nunique() < q:
            return (
                _no_quotes(),
                f"No quotes: fewer than {q} people gave such answers (the quote minimum).",
            )
        return self._pick(pool, limit), ""

    def _pick(self, pool: pd.DataFrame, limit: int) -> pd.DataFrame:
        length = pool["text"].str.len()
        keep = (
            pool["unit"].isin(self.quotable_units)
            & length.between(*QUOTE_LENGTH)
            & (pool["quadrant"] != UNCLASSIFIED)
        )
        pool = pool.loc[keep, ["question", "theme", "quadrant", "text", "cues", "confidence"]]
        length = length[keep]
        pool = pool.assign(_len=(length - length.median()).abs())
        pool = _most_confident(pool, limit)
        pool = pool.sort_values(
            ["confidence", "_len", "text"], ascending=[False, True, True], kind="stable"
        ).drop_duplicates("text")
        labels = dict(zip(self.theme_list["key"], self.theme_list["label"], strict=True))
        picked = pool.head(limit)
        return pd.DataFrame(
            {
                "question": picked["question"],
                "theme": picked["theme"].map(labels),
                "quadrant": picked["quadrant"],
                "quote": picked["text"],
                "cues": picked["cues"],
            }
        ).reset_index(drop=True)

    def search(self, filters: Filters, phrase: str) -> SearchResult:
        """Answers of the selection that use ``phrase`` (whole words), split by quadrant."""
        phrase = " ".join(str(phrase).split())
        key = ("search", filters, phrase)
        if key not in self._cache:
            self._cache[key] = self._search(filters, phrase)
        return self._cache[key]

    def _search(self, filters: Filters, phrase: str) -> SearchResult:
        split = pd.DataFrame(columns=["quadrant", "label", "answers", "share"])
        if not phrase:
            return SearchResult(phrase, None, split, _no_quotes(), "")
        visible = self.visibility(filters.people)
        if not visible.shown:
            return SearchResult(phrase, None, split, _no_quotes(), visible.why)
        _, answers = self._group(filters.people)
        pool = self._answers(filters, answers)
        said = normalise(phrase).split()
        words = r"\b" + r"\s+".join(re.escape(w) for w in said) + r"\b"
        texts = self._normalised.loc[pool.index]
        near = texts.str.contains(said[0] if said else "", regex=False)  # the quick test first:
        hits = pool[near]  # every text the pattern matches holds its first word
        hits = hits[texts[near].str.contains(words, regex=True)]
        people = hits["respondent_id"].nunique()
        if people < self.ctx.min_size:
            why = f"Fewer than {self.ctx.min_size} people in this selection used “{phrase}”."
            return SearchResult(phrase, None, split, _no_quotes(), why)
        counts = hits["quadrant"].value_counts().reindex([*QUADRANTS, UNCLASSIFIED], fill_value=0)
        split = counts.rename_axis("quadrant").reset_index(name="answers")
        split["label"] = split["quadrant"].map({**QUADRANT_LABELS, UNCLASSIFIED: "Unclassified"})
        split["share"] = split["answers"] / split["answers"].sum()
        why = ""
        quotes = _no_quotes()
        if people >= self.ctx.min_quote_size:
            quotes = self._pick(hits, QUOTES_SHOWN)
        else:
            why = f"No quotes: fewer than {self.ctx.min_quote_size} people used it (the quote minimum)."
        return SearchResult(
            phrase, people, split[["quadrant", "label", "answers", "share"]], quotes, why
        )


def _most_confident(pool: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The rows of ``pool`` that can be among its first ``limit`` distinct texts when sorted by
    confidence, highest first (missing last), whatever the later sort keys: every row at least
    as confident as the k-th most confident one, for the smallest k (from 4 × limit, times 4)
    whose rows hold ``limit`` distinct texts. Each of those texts then has a row before every
    row left out, so sorting and dropping repeats of what is kept picks the same rows."""
    if len(pool) <= 4 * limit:
        return pool
    confidence = pool["confidence"].to_numpy(dtype=float)
    confidence = np.where(np.isnan(confidence), -np.inf, confidence)
    texts = pool["text"].to_numpy()
    k = 4 * limit
    while k < len(pool):
        top = confidence >= np.partition(confidence, len(pool) - k)[len(pool) - k]
        if pd.unique(texts[top]).size >= limit:
            return pool[top]
        k *= 4
    return pool


def _no_themes() -> pd.DataFrame:
    return pd.DataFrame(columns=THEME_COLUMNS)


def _no_quotes() -> pd.DataFrame:
    return pd.DataFrame(columns=["question", "theme", "quadrant", "quote", "cues"])


def cue_words(cues: str) -> list[str]:
    """The words that placed a text, from its cue string ("internal: claims, process; …")."""
    words = []
    for part in str(cues or "").split(";"):
        _, _, listed = part.partition(":")
        words += [w.strip() for w in listed.split(",") if w.strip()]
    return sorted(set(words), key=lambda w: (-len(w), w))
