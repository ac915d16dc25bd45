"""Cue-word lexicon: features for the orientation model and the keyword baseline."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from opsworkbench.vocabulary import QUADRANT_BY_SIDE, UNCLASSIFIED

COLUMNS = ["focus", "result", "quadrant", "confidence", "cues"]

NON_ANSWERS = {
    "",
    "n/a",
    "na",
    "n.a.",
    "none",
    "nothing",
    "-",
    "--",
    ".",
    "?",
    "??",
    "x",
    "no comment",
    "don't know",
    "dont know",
    "do not know",
    "not sure",
    "idk",
    "same as above",
    "as above",
    "see above",
    "same",
    "no idea",
    "pass",
    "nil",
    "tbc",
    "prefer not to say",
}


class Words(tuple):
    """A cue group of plain words and phrases, matched whole. Counted by looking up the
    text's words, which is several times faster than a pattern of many alternatives."""

    def __new__(cls, *words: str):
        return super().__new__(cls, words)

    @property
    def pattern(self) -> str:
        return "|".join(re.escape(w) for w in sorted(self, key=len, reverse=True))

    @functools.cached_property
    def lookup(self) -> tuple[frozenset, tuple]:
        """(single words as a set, phrases padded with spaces)."""
        return frozenset(w for w in self if " " not in w), tuple(f" {w} " for w in self if " " in w)

    def count(self, tokens: list[str], padded: str) -> int:
        """Distinct words of the group among ``tokens``, plus each time a phrase occurs in
        ``padded`` (the lower-cased text with its words separated by single spaces)."""
        single, phrases = self.lookup
        return len(single.intersection(tokens)) + sum(padded.count(p) for p in phrases)


# (pattern, weight). Positive weight pushes towards external / outcome, negative towards
# internal / output. Patterns match on lower-cased text with word boundaries.
FOCUS_CUES = [
    (r"customers?'?s?|clients?|patients?|citizens?|cardholders?|policyholders?|claimants?", 1.0),
    (
        r"members? of the public|the public|communit(?:y|ies)|residents?|families|family|people|"
        r"mums?|babies|parents|pupils|students|consumers?|passengers?|tenants?|households?",
        0.8,
    ),
    (
        r"merchants?|small business(?:es)?|café owner|users? (?:of|on) our|their (?:homes?|lives|money|spending)",
        0.8,
    ),
    (r"brokers?|someone|everyone we", 0.4),
    (
        r"queue|backlog|inbox|batch|tickets?|servers?|system|cmdb|licen[cs]es?|rotas?|paperwork|"
        r"records?|post|forms?|files?|sla|kpis?|targets?|budget|costs?|margin|ratio|spend|reserves?",
        -0.7,
    ),
    (
        r"team|department|internal|colleagues|staff|management|the business|company|trust|our numbers|"
        r"productivity|efficien\w*|throughput|utili[sz]ation|compliance|process(?:es|ing)?|finance",
        -0.6,
    ),
    (  # people outside the organisation, named by their part in their own lives
        Words(
            *"""
            homeowners householders landlords leaseholders occupants villagers townsfolk
            neighbours neighbors locals commuters travellers travelers riders drivers motorists
            cyclists pedestrians visitors guests diners shoppers buyers borrowers savers investors
            depositors account-holders subscribers members donors supporters listeners viewers
            readers audience audiences fans players athletes learners apprentices graduates
            school-leavers kids children toddlers teenagers teens youngsters lad lads girls boys
            mums dads carers elderly pensioners retirees veterans survivors refugees migrants
            jobseekers claimants applicants users diabetics smokers mothers newborns babies
            inmates prisoners offenders defendants victims witnesses jurors voters taxpayers
            ratepayers constituents farmers growers fishers fishermen herders producers traders
            vendors suppliers firms startups owners businesses schools families folk folks punters
            callers whoever
            """.split(),  # noqa: SIM905 (a word list reads best as words)
            "account holders",
            "school leavers",
            "young people",
            "older people",
            "asylum seekersjob seekers",
            "service users",
            "small firms",
            "sole traders",
            "anyone who",
            "the townthe village",
            "the neighbourhood",
            "the neighborhood",
            "the street",
            "the estatethe lady",
            "the man",
            "the woman",
            "the guy",
            "the family",
        ),
        0.8,
    ),
    (  # the organisation's own things and routines
        Words(
            *"""
            payslips payslip payroll invoices invoice ledgers ledger journals accruals month-end
            quarter-end year-end reconciliations reconciliation unreconciled audits audit iso
            capas capa sops procedures policies documents document spreadsheets spreadsheet
            database data dashboards dashboard reports report pallets pallet stock inventory
            warehouse depot bays bay tills till samples sample lab engines engine machines machine
            machinery equipment kit pumps pump plant line shifts shift rotas rota headcount
            vacancies agency overtime downtime servers server code builds build releases release
            deployments deployment tests test pipelines pipeline boxes parts orders
            """.split(),  # noqa: SIM905 (a word list reads best as words)
            "month end",
            "quarter end",
            "year end",
            "document control",
        ),
        -0.6,
    ),
]
RESULT_CUES = [
    (
        r"so that|so they|able to|helps? (?:them|people|customers|patients)|help \w+ (?:get|feel|stay|live|manage|avoid|understand)",
        1.0,
    ),
    (
        r"recover\w*|safe(?:ly)?|well(?:being)?|independen\w*|in control|feel\w*|felt|confiden\w*|"
        r"better|healthier|back (?:in|into|to|on)|readmi\w*|complications?|harm|outcomes?",
        1.0,
    ),
    (
        r"(?:do not|don'?t|doesn'?t|not|never) (?:have|need|needing|having) to|no need to|without needing",
        1.6,
    ),
    (  # how measurement phrases a change in people's situation
        r"(?:rate|proportion|percentage|share|prevalence|incidence) of [\w\s-]*?"
        r"(?:who|with|using|that|in work|in paid|living|able)|prevalence|incidence|mortality|morbidity|"
        r"literacy|yields?|adoption|access to|coverage of|income|reoffend\w*|belong\w*|seriously injured",
        0.9,
    ),
    (
        r"avoid\w*|fewer|prevent\w*|without (?:stress|having)|"
        r"sticking with|renew\w*|retention|loyal\w*|trust us|satisf\w*|effort|understood|understand\w*",
        0.8,
    ),
    (
        r"margin|profit\w*|revenue|growth|loss(?:es)? ratio|combined ratio|write-?offs?|fraud losses|"
        r"cost (?:per|of|as)|costs? (?:going )?down|lower (?:run )?costs?|value|fines?|market share|leakage",
        0.7,
    ),
    (
        r"process\w*|clos(?:e|ed|ing)|handl\w*|answer\w*|calls?|tickets?|per (?:day|week|month|hour|shift)|"
        r"a day|a week|number of|count|volumes?|throughput|within (?:sla|\d+)|on time|on schedule|sla",
        -0.9,
    ),
    (  # how measurement counts things delivered
        r"trained|constructed|built|distributed|established|installed|rehabilitated|procured|"
        r"conducted|held|disseminated|deployed|awarded|registered|serviced|advertised|assessed|"
        r"broadcast|# of",
        -0.8,
    ),
    (
        r"key|keyed|index\w*|run (?:the|daily)|update\w*|deploy\w*|releases?|patch\w*|build\w*|"
        r"complet\w*|deliver\w*|produc\w*|issu\w*|scan\w*|visits?|appointments?|reports?|dashboards?|"
        r"uptime|backlog|queue|clear\w*|do the|done|finished|workload|reconcil\w*|chase\w*|book\w*",
        -0.7,
    ),
]


def _compile(cues):
    return [(re.compile(rf"\b(?:{getattr(p, 'pattern', p)})\b"), w) for p, w in cues]


_FOCUS = _compile(FOCUS_CUES)
_TOKEN = re.compile(r"[\w-]+")
_RESULT = _compile(RESULT_CUES)
CUE_GROUPS = [("focus", i, w) for i, (_, w) in enumerate(FOCUS_CUES)] + [
    ("result", i, w) for i, (_, w) in enumerate(RESULT_CUES)
]


class CueCounts(TransformerMixin, BaseEstimator):
    """Counts of each lexicon cue group per text (stateless; a scikit-learn transformer).

    ``everyday`` adds the groups of people and things named in everyday words (the
    :class:`Words` groups); without them the groups are the first engine's.
    """

    def __init__(self, everyday: bool = True):
        self.everyday = everyday

    def _groups(self) -> list[tuple[str, object]]:
        """(feature name, matcher) of each group used."""
        cues = [c for c, _ in FOCUS_CUES + RESULT_CUES]
        return [
            (f"{axis}{k}", cue if isinstance(cue, Words) else pattern)
            for (axis, k, _), cue, (pattern, _) in zip(
                CUE_GROUPS, cues, _FOCUS + _RESULT, strict=True
            )
            if self.everyday or not isinstance(cue, Words)
        ]

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        rows, cols, vals = [], [], []
        groups = [group for _, group in self._groups()]
        for i, text in enumerate(X):
            low = str(text).lower()
            tokens = _TOKEN.findall(low)
            padded = f" {' '.join(tokens)} "
            for j, group in enumerate(groups):
                if isinstance(group, Words):
                    n = group.count(tokens, padded)
                else:
                    n = len(group.findall(low))
                if n:
                    rows.append(i), cols.append(j), vals.append(np.log1p(n))
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(X), len(groups)))

    def get_feature_names_out(self, input_features=None):
        return np.array([name for name, _ in self._groups()], dtype=object)


def is_non_answer(text: object) -> bool:
    """True for blanks and answers that carry no content ("n/a", "-", "same as above")."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return True
    norm = re.sub(r"\s+", " ", str(text)).strip().lower().rstrip(".!")
    return norm in NON_ANSWERS or not re.search(r"[a-z]{2}", norm)


def _axis(text: str, cues) -> tuple[float, float, list[str]]:
    pos = neg = 0.0
    hits = []
    for pattern, weight in cues:
        for m in pattern.finditer(text):
            hits.append(m.group())
            if weight > 0:
                pos += weight
            else:
                neg -= weight
    evidence = pos + neg
    score = (pos - neg) / (evidence + 0.5)
    return score, evidence, hits


def keyword_scores(texts: Iterable[str]) -> pd.DataFrame:
    """Keyword baseline: score each text on both axes from the cue lexicon alone.

    Parameters
    ----------
    texts : iterable of str
        Free texts (answers, metric names, key results).

    Returns
    -------
    DataFrame
        One row per text, in order: ``focus`` and ``result`` in [-1, 1], ``quadrant`` (one of
        ``QUADRANTS`` or ``"unclassified"``), ``confidence`` in [0, 1] and ``cues`` (the
        words that moved the scores, ``;``-separated).
    """
    rows = []
    for text in texts:
        if is_non_answer(text):
            rows.append((np.nan, np.nan, UNCLASSIFIED, 0.0, ""))
            continue
        low = str(text).lower()
        focus, f_ev, f_hits = _axis(low, _FOCUS)
        result, r_ev, r_hits = _axis(low, _RESULT)
        # No mention of anyone outside the organisation reads as internal; no change in
        # anyone's situation reads as output: that is how the method treats silence.
        external, outcome = focus > 0, result > 0
        quadrant = QUADRANT_BY_SIDE[(external, outcome)]
        strength = min(1 - math.exp(-f_ev), 1 - math.exp(-r_ev)) * 0.5 + 0.5 * min(
            abs(focus), abs(result)
        )
        cues = "; ".join(dict.fromkeys(f_hits + r_hits))
        rows.append(
            (round(focus, 4), round(result, 4), quadrant, round(0.25 + 0.75 * strength, 4), cues)
        )
    return pd.DataFrame(rows, columns=COLUMNS)
