"""The analyst's explorer: what it may show for every filter state, and its widgets.

Every privacy check here counts the people behind a selection itself, from the context's
frames (``ctx.respondents``, ``ctx.scored``), never from the explorer's own counts.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import ipywidgets
import nbformat
import pandas as pd
import pytest

import opsworkbench as ow
from opsworkbench import workspace as ws
from opsworkbench.diagnostics.explorer import BOTH, Filters, Selections
from opsworkbench.diagnostics.overview import question_themes
from opsworkbench.diagnostics.profiles import outcome_index
from opsworkbench.privacy import escape
from opsworkbench.vocabulary import QUADRANTS, UNCLASSIFIED
from tests.helpers import ROOT, SAMPLE

DIMS = ("unit", "role", "tenure_band")
ORGS = sorted(p.parent.name for p in SAMPLE.glob("*/study.yml"))
BLANK_UNIT = ["respondents", "scored", "focus", "result", "quadrant", "share"]
MISSING = "(no value)"


# --- what a selection holds, counted here ---


class Truth:
    """One organisation's wave as the privacy rules see it, counted independently.

    ``counts(people)`` gives, for a selection of people (unit, role, tenure band; None is no
    filter), every count a shown number rests on: its respondents, its people with a
    classified answer, and its people with a classified answer to each core question.
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self.min_size, self.min_quote = ctx.min_size, ctx.min_quote_size
        people = ctx.respondents[["respondent_id", *DIMS]].copy()
        assert people["respondent_id"].is_unique
        answers = ctx.scored[["respondent_id", "question", "text", "quadrant"]].merge(
            people, on="respondent_id", how="inner"
        )
        answers["theme"] = None
        for question in ctx.core_questions:
            rows = answers.index[answers["question"] == question]
            found = question_themes(
                answers.loc[rows].reset_index(drop=True),
                min_size=ctx.min_size,
                codebook=ctx.codebook,
                stored=ctx.stored_themes,
                wording=ctx.wording(question),
            )
            answers.loc[rows, "theme"] = [
                f"{question}:{n}" if n >= 0 else None for n in found.assignment
            ]
        self.answers = answers
        classified = answers[answers["quadrant"] != UNCLASSIFIED]
        flags = people.set_index("respondent_id")
        # people without a value for a filter are never a selection of their own, but they
        # are in their parent's numbers: they count here as a part that is never shown
        flags[list(DIMS)] = (
            flags[list(DIMS)].astype(object).where(flags[list(DIMS)].notna(), MISSING)
        )
        self.bases = ["respondents", "classified", *ctx.core_questions]
        flags["respondents"] = 1
        flags["classified"] = flags.index.isin(classified["respondent_id"]).astype(int)
        for question in ctx.core_questions:
            said = classified.loc[classified["question"] == question, "respondent_id"]
            flags[question] = flags.index.isin(said).astype(int)
        self.flags = flags
        self.values = {d: sorted(people[d].dropna().unique()) for d in DIMS}
        self.parts = {
            d: self.values[d] + [MISSING] * bool((flags[d] == MISSING).any()) for d in DIMS
        }
        self.unit_sizes = people.groupby("unit")["respondent_id"].nunique()
        self._counts: dict = {}
        self._answers: dict = {}

    def cells(self):
        """Every selection of people the filters can make (None: no filter)."""
        return itertools.product(*([None, *self.values[d]] for d in DIMS))

    def counts(self, people: tuple) -> dict[str, int]:
        if people not in self._counts:
            part = self.flags
            for dim, value in zip(DIMS, people, strict=True):
                if value is not None:
                    part = part[part[dim] == value]
            self._counts[people] = {b: int(part[b].sum()) for b in self.bases}
        return self._counts[people]

    def small(self, people: tuple) -> bool:
        return min(self.counts(people).values()) < self.min_size

    def selected(self, f: Filters, *, theme: bool = True) -> pd.DataFrame:
        """The answers of the selection's people to its question, quadrant and theme."""
        if f.people not in self._answers:
            part = self.answers
            for dim, value in zip(DIMS, f.people, strict=True):
                if value is not None:
                    part = part[part[dim] == value]
            self._answers[f.people] = part
        part = self._answers[f.people]
        if f.question != BOTH:
            part = part[part["question"] == f.question]
        if f.quadrant is not None:
            part = part[part["quadrant"] == f.quadrant]
        if theme and f.theme is not None:
            part = part[part["theme"] == f.theme]
        return part


def view_problems(truth: Truth, f: Filters, view, map_cells: set) -> list[str]:
    """What is wrong with one view, by the privacy rules (empty when nothing is)."""
    ms, mq = truth.min_size, truth.min_quote
    where = f"{f}:"
    problems = []
    counts = truth.counts(f.people)
    shown = view.visibility.shown
    if shown:
        if min(counts.values()) < ms:
            problems.append(f"{where} shown with counts {counts}")
        asked = truth.selected(Filters(f.question, *f.people))
        scored = asked.loc[asked["quadrant"] != UNCLASSIFIED, "respondent_id"].nunique()
        if view.people is None or view.people < ms or view.people != scored:
            problems.append(f"{where} shows {view.people} people; {scored} gave such answers")
        part = truth.selected(f, theme=False)
        part = part[part["theme"].notna()]
        people = part.groupby("theme")["respondent_id"].nunique()
        for key, n in zip(view.themes["key"], view.themes["people"], strict=True):
            if n < ms or people.get(key, 0) != n:
                problems.append(f"{where} theme {key} shown for {n} people ({people.get(key)})")
        expected = set(people[people >= ms].index)
        if set(view.themes["key"]) != expected:
            problems.append(f"{where} themes {set(view.themes['key'])}, expected {expected}")
        if len(view.quotes):
            pool = truth.selected(f)
            if counts["respondents"] < mq or pool["respondent_id"].nunique() < mq:
                problems.append(f"{where} quotes from {pool['respondent_id'].nunique()} people")
            for text in view.quotes["quote"]:
                units = pool.loc[pool["text"] == text, "unit"]
                if units.empty or truth.unit_sizes[units].max() < mq:
                    problems.append(f"{where} quote {text!r} not from a unit of {mq}")
    else:
        if not view.visibility.why:
            problems.append(f"{where} hidden without a reason")
        if min(counts.values()) < ms and "fewer than" not in view.visibility.why:
            problems.append(f"{where} small but the reason is {view.visibility.why!r}")
        if view.index is not None or view.people is not None:
            problems.append(f"{where} hidden but shows {view.index} / {view.people}")
        for name in ("themes", "quotes", "shares", "lenses"):
            if len(getattr(view, name)):
                problems.append(f"{where} hidden but shows {name}")
    problems += map_problems(truth, f, view.units, map_cells)
    return problems


def map_problems(truth: Truth, f: Filters, units: pd.DataFrame, map_cells: set) -> list[str]:
    """The unit map: a number only for units of enough people, the hidden ones blank and
    together 0 or enough people. The cells it shows are noted in ``map_cells``."""
    if units.empty:
        return []
    ms = truth.min_size
    where = f"{f}: map:"
    problems = []
    parent = (None, f.role, f.tenure_band)
    if truth.small(parent):
        problems.append(f"{where} drawn for a parent of {truth.counts(parent)}")
    hidden = dict.fromkeys(truth.bases, 0)
    for row in units.to_dict("records"):
        cell = (row["unit"], f.role, f.tenure_band)
        counts = truth.counts(cell)
        if row["suppressed"]:
            if any(row[c] is not None and not pd.isna(row[c]) for c in BLANK_UNIT):
                problems.append(f"{where} hidden unit {row['unit']} not blank: {row}")
            for b in hidden:
                hidden[b] += counts[b]
        else:
            map_cells.add(cell)
            if min(counts.values()) < ms or row["respondents"] != counts["respondents"]:
                problems.append(f"{where} unit {row['unit']} shown for {counts}")
    if any(0 < n < ms for n in hidden.values()):
        problems.append(f"{where} hidden units together: {hidden}")
    return problems


def subtraction_problems(truth: Truth, shown: dict[tuple, bool]) -> list[str]:
    """No hidden group is a shown selection's parent minus its shown siblings.

    For every shown selection S and each of its filters d: if S without d (its parent P) is
    shown, the siblings of S along d within P that are not shown must be none, or together
    at least the minimum number of people (on respondents, and on every other count behind
    a number)."""
    problems = []
    for people, is_shown in shown.items():
        if not is_shown:
            continue
        for i, dim in enumerate(DIMS):
            if people[i] is None:
                continue
            parent = people[:i] + (None,) + people[i + 1 :]
            if not shown[parent]:
                continue
            # people without a value for the filter are a sibling that is never shown
            siblings = [people[:i] + (v,) + people[i + 1 :] for v in truth.parts[dim]]
            siblings = [s for s in siblings if s != people and truth.counts(s)["respondents"]]
            hidden = [s for s in siblings if not shown.get(s)]
            for base in truth.bases:
                total = sum(truth.counts(s)[base] for s in hidden)
                if 0 < total < truth.min_size:
                    problems.append(f"{people} shown: {hidden} are {total} ({base}) together")
    return problems


def chained_subtraction_problems(truth: Truth, shown: dict[tuple, bool]) -> list[str]:
    """No small group can be worked out even in several steps.

    Each selection is the sum of its children along any filter (a unit is the sum of its
    roles). A hidden selection is known when it is the one unknown term of such a sum whose
    other terms are known; repeat until nothing more is learnt. No small selection may be
    known, and in every sum whose total is known the unknown terms together must be none or
    at least the minimum."""
    cells = list(itertools.product(*([None, *truth.parts[d]] for d in DIMS)))
    empty = {c for c in cells if truth.counts(c)["respondents"] == 0}
    known = {c for c in cells if shown.get(c) or c in empty}
    sums = []
    for cell in cells:
        for i, dim in enumerate(DIMS):
            if cell[i] is None:
                parts = [cell[:i] + (v,) + cell[i + 1 :] for v in truth.parts[dim]]
                sums.append((cell, parts))
    learnt = True
    while learnt:
        learnt = False
        for total, parts in sums:
            unknown = [c for c in (total, *parts) if c not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                learnt = True
    problems = [
        f"{c} ({truth.counts(c)}) can be worked out"
        for c in known - empty
        if not shown.get(c) and truth.small(c)
    ]
    for total, parts in sums:
        if total not in known:
            continue
        unknown = [c for c in parts if c not in known]
        for base in truth.bases:
            n = sum(truth.counts(c)[base] for c in unknown)
            if 0 < n < truth.min_size:
                problems.append(f"{unknown} ({n} people, {base}) = {total} minus known parts")
    return problems


@pytest.fixture(scope="module")
def explored(sample_workspace):
    """(context, Selections, Truth) of one sample organisation's latest wave, made once."""
    made = {}

    def get(org):
        if org not in made:
            ctx = ow.load_context(sample_workspace, org)
            made[org] = (ctx, Selections(ctx), Truth(ctx))
        return made[org]

    return get


def test_samples_are_every_organisation_of_the_workspace(sample_workspace):
    con = ws.connect(sample_workspace, read_only=True)
    try:
        assert ws.organisation_ids(con) == ORGS
    finally:
        con.close()


def check_every_selection(sel: Selections, truth: Truth) -> dict[tuple, bool]:
    """Every question × unit × role × tenure band (each also unfiltered): each view obeys the
    rules, the map draws only selections that are shown, and nothing can be subtracted.
    Returns whether each selection of people is shown."""
    for dim in DIMS:
        assert sel.choices(dim) == [str(v) for v in truth.values[dim]]
    problems, shown, map_cells = [], {}, set()
    for people in truth.cells():
        for question in sel.questions:
            f = Filters(question, *people)
            view = sel.view(f)
            problems += view_problems(truth, f, view, map_cells)
            if shown.setdefault(people, view.visibility.shown) != view.visibility.shown:
                problems.append(f"{f}: shown for one question, hidden for another")
            if view.visibility != sel.visibility(people):
                problems.append(f"{f}: the view and visibility() disagree")
    shown_cells = {c for c, s in shown.items() if s}
    problems += [f"the map shows {c}, whose selection is hidden" for c in map_cells - shown_cells]
    problems += subtraction_problems(truth, shown)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:25])
    return shown


@pytest.mark.slow
@pytest.mark.parametrize("org", ORGS)
def test_every_filter_combination_keeps_small_groups_hidden(org, explored):
    ctx, sel, truth = explored(org)
    shown = check_every_selection(sel, truth)
    # not vacuous: the samples have small groups to hide, and selections of two filters shown
    assert not all(shown.values()) and shown[(None, None, None)]
    assert any(s for c, s in shown.items() if sum(v is not None for v in c) == 2)


def shown_by_visibility(sel: Selections, truth: Truth) -> dict[tuple, bool]:
    return {people: sel.visibility(people).shown for people in truth.cells()}


@pytest.mark.parametrize("org", ORGS)
def test_no_small_group_can_be_worked_out_in_several_steps(org, explored):
    ctx, sel, truth = explored(org)
    problems = chained_subtraction_problems(truth, shown_by_visibility(sel, truth))
    assert not problems, "\n".join(problems[:25])


@pytest.mark.parametrize("org", ORGS)
def test_quadrant_and_theme_filters_keep_small_groups_hidden(org, explored):
    ctx, sel, truth = explored(org)
    rng = random.Random(org)
    cells = [c for c in truth.cells() if truth.counts(c)["respondents"]]
    singles = [c for c in cells if sum(v is not None for v in c) <= 1]
    picked = [(None, None, None), *rng.sample(singles, 4), *rng.sample(cells, 5)]
    states = []
    for question in sel.questions:
        keys = sel.theme_list["key"]
        keys = list(keys if question == BOTH else keys[sel.theme_list["question"] == question])
        for quadrant, theme in itertools.product([None, *QUADRANTS], [None, *keys]):
            if quadrant or theme:
                states.append((question, quadrant, theme))
    problems, views = [], 0
    for people in picked:
        for question, quadrant, theme in rng.sample(states, 10):
            f = Filters(question, *people, quadrant=quadrant, theme=theme)
            problems += view_problems(truth, f, sel.view(f), set())
            views += 1
    assert views == 100 and not problems, "\n".join(problems[:25])


# --- a hand-made organisation: unit A has roles of 3, 8 and 9 people ---

WORK = [
    "I answer customer calls about their claims and explain what happens next",
    "I process supplier invoices and chase missing purchase orders",
    "I fix faults so customers can use the online service again",
    "I run the weekly reporting pack for the management team",
    "I help families plan their move so nothing goes wrong on the day",
    "I clear the queue of applications before the end of each day",
]
SUCCESS = [
    "customers who do not need to call us back",
    "hitting my targets and closing files on time",
    "customers telling us their problem was solved first time",
    "the budget is on plan and costs are down",
    "fewer complaints from the people we serve",
    "every case closed within five days",
]


def write_org(folder: Path, groups: dict[tuple[str, str], int], org_id: str, **texts) -> Path:
    """A one-wave study of ``groups`` ((unit, role): people) with written answers."""
    folder.mkdir(parents=True, exist_ok=True)
    work, success = texts.get("work", WORK), texts.get("success", SUCCESS)
    with (folder / "survey.csv").open("w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        rows.writerow(["id", "team", "role", "work", "success"])
        n = 0
        for (unit, role), size in groups.items():
            for _ in range(size):
                rows.writerow([f"p{n}", unit, role, work[n % len(work)], success[n % len(success)]])
                n += 1
    study = folder / "study.yml"
    study.write_text(
        f"org_id: {org_id}\nname: {org_id.title()}\nsector: retail\nsurveys:\n"
        "  - wave_id: w1\n    file: survey.csv\n"
        "    columns: {respondent_id: id, unit: team, role: role}\n"
        "    questions: {work: work, success: success}\n",
        encoding="utf-8",
    )
    return study


HAND_MADE = {
    **{("A", "R1"): 3, ("A", "R2"): 8, ("A", "R3"): 9},
    **{("B", "R1"): 6, ("B", "R2"): 12, ("B", "R3"): 10},
    **{("C", "R1"): 7, ("C", "R2"): 11, ("C", "R3"): 12},
}


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand")
    path = folder / "ws.duckdb"
    ow.ingest(write_org(folder / "study", HAND_MADE, "hand_made"), path)
    return ow.load_context(path, "hand_made")


def test_hand_made_small_role_and_its_cover_are_hidden(hand_made):
    sel, truth = Selections(hand_made), Truth(hand_made)
    assert truth.counts(("A", "R1", None))["respondents"] == 3
    small, cover, rest = (sel.visibility(("A", r, None)) for r in ("R1", "R2", "R3"))
    assert not small.shown and "fewer than 5" in small.why
    assert not cover.shown and "subtraction" in cover.why
    assert rest.shown and sel.visibility(("A", None, None)).shown
    view = sel.view(Filters(unit="A", role="R2"))
    assert view.index is None and view.people is None and view.quotes.empty
    # the map of role R2 must not give unit A's R2 people away either
    units = sel.view(Filters(role="R2")).units.set_index("unit")
    assert units.loc["A", "suppressed"] and pd.isna(units.loc["A", "focus"])
    shown = check_every_selection(sel, truth)
    # A · R2 could be learnt from role R2 (its other units shown), then A · R1 from unit A
    assert not chained_subtraction_problems(truth, shown)


# --- search ---


def people_using(truth: Truth, word: str) -> int:
    hits = truth.answers["text"].str.lower().str.contains(rf"\b{re.escape(word)}\b")
    return truth.answers.loc[hits, "respondent_id"].nunique()


@pytest.fixture(scope="module")
def words(explored):
    """harbour_mutual's words, by how many people use them (counted here)."""
    ctx, sel, truth = explored("harbour_mutual")
    found = truth.answers.assign(word=truth.answers["text"].str.lower().str.findall(r"[a-z]{4,}"))
    found = found.explode("word").dropna(subset=["word"])
    return found.groupby("word")["respondent_id"].nunique().sort_values(kind="stable")


def test_search_hides_a_phrase_few_people_used(explored, words):
    ctx, sel, truth = explored("harbour_mutual")
    rare = words[(words > 0) & (words < ctx.min_size)].index[0]
    found = sel.search(Filters(), rare)
    assert found.people is None and found.quotes.empty and found.split.empty
    assert f"Fewer than {ctx.min_size} people" in found.why and rare in found.why
    # counted within the selection: a word many use, but few of one unit
    unit = "Motor Claims"
    mine = truth.answers[truth.answers["unit"] == unit]
    few = [
        w
        for w in words[words >= ctx.min_size].index
        if 0
        < mine.loc[mine["text"].str.lower().str.contains(rf"\b{w}\b"), "respondent_id"].nunique()
        < ctx.min_size
    ][0]
    assert sel.search(Filters(), few).people == people_using(truth, few)
    found = sel.search(Filters(unit=unit), few)
    assert found.people is None and found.split.empty and "Fewer than" in found.why
    # a whole-organisation phrase is hidden in a hidden selection, with the selection's reason
    hidden = sel.search(Filters(unit="Finance", role="Specialist"), words.index[-1])
    assert hidden.people is None and "fewer than" in hidden.why


def test_search_splits_a_frequent_phrase_and_quotes_only_from_enough_people(explored, words):
    ctx, sel, truth = explored("harbour_mutual")
    frequent = words.index[-1]
    found = sel.search(Filters(), frequent)
    answers = truth.answers[
        truth.answers["text"].str.lower().str.contains(rf"\b{re.escape(frequent)}\b")
    ]
    assert found.people == answers["respondent_id"].nunique() >= ctx.min_quote_size
    assert found.split["answers"].sum() == len(answers)
    assert found.split.set_index("quadrant")["answers"].to_dict() == {
        q: int((answers["quadrant"] == q).sum()) for q in [*QUADRANTS, UNCLASSIFIED]
    }
    assert abs(found.split["share"].sum() - 1) < 1e-9
    assert len(found.quotes) and all(frequent in q.lower() for q in found.quotes["quote"])
    # used by enough people to count, too few to quote
    middle = words[(words >= ctx.min_size) & (words < ctx.min_quote_size)].index[0]
    found = sel.search(Filters(), middle)
    assert found.people == people_using(truth, middle)
    assert found.quotes.empty and f"fewer than {ctx.min_quote_size} people" in found.why


# --- the widgets ---


def widgets_in(widget):
    """Every widget of the explorer's tree: boxes' children, and each one's layout and style."""
    yield widget
    for name in ("layout", "style"):
        part = getattr(widget, name, None)
        if isinstance(part, ipywidgets.Widget):
            yield part
    for child in getattr(widget, "children", ()) or ():
        yield from widgets_in(child)


def html_of(explorer) -> list[str]:
    return [w.value for w in widgets_in(explorer.ui) if isinstance(w, ipywidgets.HTML)]


def chart_data(explorer) -> dict[str, list[dict]]:
    return {
        name: records
        for chart in (explorer.map, explorer.theme_chart)
        for name, records in chart.spec.get("datasets", {}).items()
    }


CODE = "_esm"  # a chart widget's JavaScript bundle: code, the same for every organisation


def state_of(explorer) -> str:
    """The synced state of every widget, as the browser would receive it (JSON)."""
    states = []
    for w in widgets_in(explorer.ui):
        state = w.get_state()
        state.pop(CODE, None)
        states.append(state)
    return json.dumps(states, default=str, ensure_ascii=False)


@pytest.fixture(scope="module")
def harbour(sample_workspace, tmp_path_factory):
    """The explorer on harbour_mutual (reading the shared sample workspace; tests that write
    use a copy)."""
    exports = tmp_path_factory.mktemp("exports")
    return ow.Explorer(sample_workspace, "harbour_mutual", author="tester", exports=exports)


@pytest.fixture
def explorer(harbour):
    """The harbour_mutual explorer with its filters and search cleared."""
    if harbour.ctx.org_id != "harbour_mutual":
        harbour.org.value = "harbour_mutual"
    harbour.search_box.value = ""
    harbour.question.value = BOTH
    harbour.clear_filters()
    return harbour


HOSTILE_UNITS = ["R&D <i>Ops</i>", "Sales & <i>Service</i>"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A workspace whose answers carry markup, with units named in markup."""
    folder = tmp_path_factory.mktemp("hostile")
    groups = {(unit, role): 6 for unit in HOSTILE_UNITS for role in ("Agent", "Lead <b>")}
    work = [f"<script>alert(1)</script> {t}" for t in WORK[:3]]
    work += [f"<b onmouseover=x>{t}</b>" for t in WORK[3:]]
    success = [f"<b onmouseover=x>{t}</b> <script>alert(1)</script>" for t in SUCCESS]
    path = folder / "ws.duckdb"
    ow.ingest(write_org(folder / "study", groups, "hostile", work=work, success=success), path)
    return path


def test_widgets_escape_every_text(hostile, tmp_path):
    explorer = ow.Explorer(hostile, "hostile", exports=tmp_path)
    assert "<script>" in " ".join(explorer.ctx.scored["text"])  # stored as written
    seen, data = [], []

    def look():
        seen.extend(html_of(explorer))
        data.append(chart_data(explorer))

    explorer.search_box.value = "alert"
    for question in [q for _, q in explorer.question.options]:
        explorer.question.value = question
        for unit in [u for _, u in explorer.unit.options]:
            explorer.unit.value = unit
            for role in [r for _, r in explorer.role.options]:
                explorer.role.value = role
                look()
        explorer.clear_filters()
        for theme in [t for _, t in explorer.theme.options]:  # the drill-down of each theme
            explorer.theme.value = theme
            for quadrant in [q for _, q in explorer.quadrant.options]:
                explorer.quadrant.value = quadrant
                look()
    for phrase in ("script", "onmouseover", "customers", "<script>alert(1)</script>"):
        explorer.search_box.value = phrase
        explorer.search()
        look()
    explorer.action.value = "text"
    explorer.fix_text.value = "<script>alert(1)</script>"
    explorer.apply_correction()  # refused: no reason given; the status is escaped too
    look()
    html = "\n".join(seen)
    assert not re.search(r"<\s*script", html, re.IGNORECASE)
    assert not re.search(r"<b\s+onmouseover", html, re.IGNORECASE)
    assert "<i>" not in html
    # and the hostile texts were on screen, escaped: quotes, search results, unit names
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=x&gt;" in html
    assert "R&amp;D &lt;i&gt;Ops&lt;/i&gt;" in html and "Lead &lt;b&gt;" in html
    # charts carry data as JSON (vega draws it as SVG text): the names are there as data
    names = {r.get("name") for d in data for r in d.get("units", [])}
    assert set(HOSTILE_UNITS) <= names


def test_switching_organisation_leaves_nothing_of_the_first(explorer, sample_workspace):
    ctx, other = explorer.ctx, "civic_it"
    assert ctx.org_id == "harbour_mutual"
    explorer.unit.value, explorer.role.value = "Motor Claims", "Handler"
    texts = sorted(set(ctx.scored["text"]), key=len)
    explorer.search_box.value = "claims"
    explorer.search()
    explorer.fix_text.value = texts[-1]
    explorer.fix_name.value = explorer.selections.theme_list["label"].iloc[0]
    explorer.fix_reason.value = "a reason naming Motor Claims"
    explorer.apply_correction()  # refused (no theme picked for the default action): a status
    code = explorer.map.get_state()[CODE]
    assert "Motor Claims" in state_of(explorer)  # the check below can see what it looks for

    explorer.org.value = other
    assert explorer.ctx.org_id == other and explorer.map.get_state()[CODE] == code
    theirs = explorer.ctx
    their_words = json.dumps(
        [
            theirs.name,
            *theirs.respondents[list(DIMS)].astype(str).stack(),
            *theirs.scored["text"],
            *explorer.selections.theme_list["label"],
            *theirs.metrics["name"],
            *theirs.okrs["key_result"],
        ],
        ensure_ascii=False,
    ).lower()
    ours = [
        ctx.name,
        *ctx.respondents["unit"].unique(),
        *Selections(ctx).theme_list["label"],
        *texts,
        *ctx.metrics["name"],
        *ctx.okrs["key_result"],
    ]
    only_ours = [t for t in set(ours) if len(t) > 3 and t.lower() not in their_words]
    assert len(only_ours) > 100
    state = state_of(explorer).lower()
    found = [
        t
        for t in only_ours
        for form in (t, escape(t))
        if json.dumps(form.lower(), ensure_ascii=False)[1:-1] in state
    ]
    assert not found, found[:10]
    assert explorer.search_box.value == "" and explorer.fix_text.value == ""


def test_a_hidden_selection_leaves_no_number_in_any_widget(explorer):
    ctx = explorer.ctx
    people = ctx.respondents[
        (ctx.respondents["unit"] == "Finance") & (ctx.respondents["role"] == "Specialist")
    ]["respondent_id"]
    assert len(people) == 3
    explorer.search_box.value = "claims"
    explorer.unit.value, explorer.role.value = "Finance", "Specialist"
    for question in [q for _, q in explorer.question.options]:
        explorer.question.value = question
        mine = ctx.scored[ctx.scored["respondent_id"].isin(people)]
        if question != BOTH:
            mine = mine[mine["question"] == question]
        index = outcome_index(mine)
        assert "Hidden to protect anonymity" in explorer.headline.value
        assert "Hidden to protect anonymity" in explorer.search_out.value
        state = state_of(explorer)
        assert f"{index.low:.1f}–{index.high:.1f}" not in state
        for widget in (explorer.headline, explorer.shares, explorer.lenses, explorer.theme_note):
            assert f"{index.value:.1f}" not in widget.value
            assert not re.search(r"\b3 people", widget.value)
        assert "<blockquote>" not in explorer.drill.value + explorer.search_out.value
        assert chart_data(explorer)["themes"] == []
        assert "Finance" not in {r["name"] for r in chart_data(explorer)["units"]}
        assert explorer.view.index is None and explorer.view.people is None


def copy_workspace(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for part in source.parent.glob(source.name + "*"):  # the file and any write-ahead log
        shutil.copy(part, folder / part.name)
    return folder / source.name


def codebook_of(path: Path, org: str) -> pd.DataFrame:
    con = ws.connect(path, read_only=True)
    try:
        return ws.codebook_entries(con, org)
    finally:
        con.close()


@pytest.mark.slow
def test_a_codebook_correction_through_the_widget(sample_workspace, tmp_path):
    path = copy_workspace(sample_workspace, tmp_path / "ws")
    org = "harbour_mutual"
    explorer = ow.Explorer(path, org, exports=tmp_path / "exports")
    before = ow.load_context(path, org).scored
    entries = codebook_of(path, org)
    # a frequent word, set to a quadrant its answers are seldom in
    words = before["text"].str.lower().str.findall(r"[a-z]{5,}").explode().dropna()
    word = words.value_counts().index[3]
    has = before["text"].str.lower().str.contains(rf"\b{word}\b")
    assert 20 < has.sum() < len(before) / 2
    target = before.loc[has, "quadrant"].value_counts().reindex(QUADRANTS).fillna(0).idxmin()
    headline, shares = explorer.headline.value, explorer.shares.value

    explorer.action.value = "term"
    explorer.fix_text.value, explorer.fix_quadrant.value = word, target
    explorer.fix_reason.value, explorer.fix_author.value = "", "Ana Lyst"
    assert "Say why" in explorer.apply_correction()  # no reason: refused, nothing written
    assert "owx-error" in explorer.fix_status.value
    assert len(codebook_of(path, org)) == len(entries)

    explorer.fix_reason.value = f"'{word}' is about {target} here"
    status = explorer.apply_correction()
    now = codebook_of(path, org)
    assert len(now) == len(entries) + 1
    entry = now.iloc[-1]
    version = int(entry["version"])
    assert (entry["action"], entry["target"], entry["value"]) == ("term", word, target)
    assert entry["author"] == "Ana Lyst" and entry["note"] == f"'{word}' is about {target} here"
    assert abs(pd.Timestamp.now() - pd.Timestamp(entry["created_at"])) < pd.Timedelta("10min")
    assert f"Codebook version {version} saved" in status and status in explorer.fix_status.value
    assert explorer.ctx.codebook.version == version
    # only the answers using the word are scored again, and some move
    after = ow.load_context(path, org).scored
    keys = ["respondent_id", "question"]
    both = before.merge(after, on=keys, suffixes=("", "_after"), validate="one_to_one")
    assert len(both) == len(before) == len(after)
    changed = pd.Series(False, index=both.index)
    for column in ("quadrant", "focus", "result", "confidence"):
        a, b = both[column], both[f"{column}_after"]
        changed |= ~((a == b) | (a.isna() & b.isna()))
    uses = both["text"].str.lower().str.contains(rf"\b{word}\b")
    assert changed.any() and not (changed & ~uses).any()
    assert (both.loc[uses, "quadrant_after"] == target).sum() > (
        both.loc[uses, "quadrant"] == target
    ).sum()
    assert explorer.headline.value != headline and explorer.shares.value != shares

    # rename a theme shown on the chart: the new name is in the dropdown and the chart's data
    shown = explorer.view.themes
    key = shown["key"].iloc[0]
    explorer.action.value = "rename"
    explorer.fix_themes.value = (key,)
    explorer.fix_name.value = "Paperwork we chase"
    explorer.fix_reason.value = "clearer for the board"
    assert "saved" in explorer.apply_correction()
    assert codebook_of(path, org).iloc[-1]["action"] == "rename"
    assert any(label.startswith("Paperwork we chase") for label, k in explorer.theme.options)
    bars = chart_data(explorer)["themes"]
    assert any(b["label"].startswith("Paperwork we chase") for b in bars)
    assert "Paperwork we chase" in explorer.history.value


def test_export_what_is_on_screen(explorer):
    explorer.unit.value = "Motor Claims"
    view = explorer.view
    assert view.visibility.shown
    book = pd.read_excel(explorer.export("xlsx"), sheet_name=None)
    assert set(book) == {
        "selection",
        "headline",
        "quadrant shares",
        "units",
        "say measure value reward",
        "themes",
        "quotes",
        "metrics",
        "key results",
    }
    headline = book["headline"].iloc[0]
    assert headline["customer-outcome index"] == view.index.value
    assert headline["people"] == view.people and bool(headline["shown"])
    assert len(book["quotes"]) == len(view.quotes) > 0
    folder = explorer.export("csv")
    headline = pd.read_csv(folder / "headline.csv").iloc[0]
    assert headline["customer-outcome index"] == view.index.value
    assert {p.name for p in folder.iterdir()} >= {"headline.csv", "quotes.csv", "themes.csv"}
    assert str(folder.name) in explorer.export_status.value

    explorer.unit.value, explorer.role.value = "Finance", "Specialist"
    book = pd.read_excel(explorer.export("xlsx"), sheet_name=None)
    headline = book["headline"].iloc[0]
    assert not bool(headline["shown"]) and "fewer than" in headline["why hidden"]
    assert pd.isna(headline["customer-outcome index"]) and pd.isna(headline["people"])
    assert book["quotes"].empty and book["themes"].empty and book["quadrant shares"].empty
    folder = explorer.export("csv")
    assert pd.isna(pd.read_csv(folder / "headline.csv").iloc[0]["customer-outcome index"])
    assert pd.read_csv(folder / "quotes.csv").empty


# --- the notebook and the command ---


@pytest.mark.slow
def test_explorer_notebook_runs_headless(sample_workspace, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    from opsworkbench.report.render import ThisPythonKernel

    monkeypatch.setenv("OPSWORKBENCH_WORKSPACE", str(sample_workspace))
    monkeypatch.setenv("OPSWORKBENCH_ORG", "harbour_mutual")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    notebook = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    NotebookClient(
        notebook,
        kernel_name="python3",
        kernel_manager_class=ThisPythonKernel,
        timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    last = [c for c in notebook.cells if c.cell_type == "code"][-1].outputs[-1]
    assert "application/vnd.jupyter.widget-view+json" in last["data"]
    state = json.dumps(notebook.metadata["widgets"])
    assert "Harbour Mutual Insurance" in state  # the organisation the environment named


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "opsworkbench", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def test_explore_command_refuses_an_unknown_organisation(sample_workspace):
    proc = run_cli("explore", "--org", "nowhere_ltd", "--workspace", str(sample_workspace))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert "'nowhere_ltd'" in proc.stderr and str(sample_workspace) in proc.stderr
    assert "harbour_mutual" in proc.stderr  # says which organisations there are
    assert "Opening" not in proc.stdout


def test_explore_command_refuses_a_missing_workspace(tmp_path):
    missing = tmp_path / "nothing.duckdb"
    proc = run_cli("explore", "--org", "harbour_mutual", "--workspace", str(missing))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert str(missing) in proc.stderr and "not found" in proc.stderr
    assert not missing.exists() and "Opening" not in proc.stdout
