"""The structure of results language: what an indicator counts, and whether it measures a
deliverable or a state people are in.

Word features see "farmers" and "trained" but not how they combine: "# of farmers trained"
counts a delivery (output), "% of farmers who adopted …" a changed state (outcome). Each
feature here is one such combination, found by a pattern on the lower-cased text, so a
linear model can weigh it and an explanation can show the words it matched.
"""

from __future__ import annotations

import re

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

_W = r"[\w'/().,&-]+"  # one word of an indicator, with its glued units and brackets
_SPAN = rf"(?:{_W}\s+){{0,6}}?"  # up to six words in between

COUNT = r"(?:#|no\.?|nr\.?|number|count|total(?: number)?|numbers)\s*(?:of\b)?"
SHARE = r"(?:%|percent(?:age)?|proportion|share|ratio|rate|fraction)\s*(?:of\b)?"
PEOPLE = (
    r"(?:people|persons?|individuals|population|households?|hhs?|families|famil(?:y|ies)|"
    r"women|men|girls|boys|children|child|youths?|adolescents|infants|mothers|plw|"
    r"adults|elderly|refugees|idps|migrants|residents|citizens|voters|communit(?:y|ies)|"
    r"farmers|producers|growers|fishers|smallholders|beneficiaries|participants|"
    r"trainees|graduates|students|pupils|learners|teachers|patients|clients|customers|"
    r"users|members|tenants|survivors|victims|offenders|applicants|claimants|"
    r"workers|employees|staff|officers|officials|entrepreneurs|msmes|smes|firms|"
    r"enterprises|businesses|cooperatives|schools|facilities|villages)"
)
DELIVERY = (
    r"(?:trained|reached|served|supported|assisted|provided|receiving|received|given|"
    r"registered|enrolled in|screened|tested|treated|vaccinated|immuni[sz]ed|counsel+ed|"
    r"referred|visited|contacted|sensiti[sz]ed|mobili[sz]ed|targeted|covered by|benefit+ing|"
    r"benefit+ed|participating|participated|attending|attended|equipped|certified|hired|"
    r"recruited|deployed|organi[sz]ed|conducted|held|carried out|completed|made|produced|"
    r"developed|drafted|prepared|published|submitted|disseminated|distributed|delivered|"
    r"procured|purchased|installed|constructed|built|rehabilitated|renovated|repaired|"
    r"upgraded|established|launched|implemented|signed|approved|issued|awarded|"
    r"disbursed|allocated|processed|handled|closed|resolved|answered|shipped)"
)
STATE = (
    r"(?:who|whose|with|that (?:are|were|have|had|report|use|can)|using|living|able to|"
    r"reporting|report(?:ed)?|adopt(?:ed|ing)?|practi[cs]ing|applying|employed|in (?:paid )?"
    r"(?:work|employment|school)|retained|still|satisfied|aware|knowledgeable|confident|"
    r"improved|increased|better|no longer|free from|without|access(?:ing)? to|achiev\w*|"
    r"meeting|pass(?:ed|ing)?|complet\w* (?:primary|secondary|school|treatment)|"
    r"surviv\w*|recover\w*|cured|stunted|wasted|underweight|food insecure|poor|literate)"
)
THINGS = (
    r"(?:events?|meetings?|sessions?|workshops?|trainings?|campaigns?|activities|"
    r"interventions?|visits?|reports?|plans?|policies|polic(?:y|ies)|guidelines?|manuals?|"
    r"studies|assessments?|audits?|kits?|items?|tons?|tonnes?|km|kms|kilometers?|"
    r"kilometres?|hectares?|ha|units?|structures?|systems?|centres?|centers?|classrooms?|"
    r"boreholes?|latrines?|wells?|roads?|bridges?|materials?|messages?|broadcasts?|"
    r"grants?|loans?|contracts?|projects?|tickets?|cases?|calls?|releases?|features?)"
)
CHANGE = (
    r"(?:mortality|morbidity|prevalence|incidence|coverage|literacy|numeracy|yield|yields|"
    r"income|incomes|earnings|employment|unemployment|poverty|stunting|wasting|"
    r"malnutrition|recidivism|reoffending|retention|churn|attrition|satisfaction|"
    r"trust|confidence|adoption|uptake|utili[sz]ation of|survival|cure rate|"
    r"productivity|resilience|wellbeing|well-being|quality of life|mean score|"
    r"learning outcomes?|attainment|proficiency|transition rate|dropout|repetition)"
)

AMOUNT = (
    r"(?:km|kms|kilomet(?:er|re)s?|miles|tons?|tonnes?|mt|kg|ha|hectares?|acres|m3|litres?|"
    r"liters?|volume|amount|value|quantity|usd|us\$|\$)\s+of"
)

# (name shown in explanations, pattern)
FEATURES = [
    ("counts a deliverable", rf"(?<!\w){COUNT}\s+{_SPAN}{THINGS}\b|^\W*{AMOUNT}\b"),
    ("counts people reached", rf"(?<!\w){COUNT}\s+{_SPAN}{PEOPLE}\s+{_SPAN}{DELIVERY}\b"),
    ("counts people in a state", rf"(?<!\w){COUNT}\s+{_SPAN}{PEOPLE}\s+{_SPAN}{STATE}\b"),
    ("share of people in a state", rf"(?<!\w){SHARE}\s+{_SPAN}{PEOPLE}\s+{_SPAN}{STATE}\b"),
    ("share of people reached", rf"(?<!\w){SHARE}\s+{_SPAN}{PEOPLE}\s+{_SPAN}{DELIVERY}\b"),
    ("share of work done", rf"(?<!\w){SHARE}\s+{_SPAN}{THINGS}\s+{_SPAN}{DELIVERY}\b"),
    ("a count", rf"^\W*(?:[\w.]+[:)]\s*)?{COUNT}\b"),
    ("a share or rate", rf"^\W*(?:[\w.]+[:)]\s*)?{SHARE}\b|\b(?:rate|ratio|index)\b"),
    (
        "something set up",
        r"\(?\byes\s*/\s*no\b\)?|\b(?:in place|established|operational|"
        r"functional|adopted by|approved by|endorsed|enacted|validated)\b",
    ),
    (
        "time taken",
        r"\b(?:average|mean|median|avg\.?)\s+(?:time|days|duration|lead time|"
        r"turnaround)\b|\btime (?:from|to|taken)\b|\bturnaround\b|\blead time\b|\bdays to\b",
    ),
    ("a change in people's lives", rf"\b{CHANGE}\b"),
    ("a delivery verb", rf"\b{DELIVERY}\b"),
    ("a state of people", rf"\b{PEOPLE}\s+{_SPAN}{STATE}\b"),
]
NAMES = [name for name, _ in FEATURES]
_PATTERNS = [re.compile(p) for _, p in FEATURES]
# The first eight features need a counting or share word: texts without one (most answers)
# skip them, which makes reading a text about twice as fast.
_COUNTED = 8
_COUNTING_WORD = re.compile(rf"(?<!\w)(?:{COUNT}|{SHARE})|\bindex\b|^\W*{AMOUNT}\b")


def matches(text: str) -> list[tuple[str, str]]:
    """Each structural feature the text shows, with the words that matched it."""
    low = str(text).lower()
    found = []
    for name, pattern in zip(NAMES, _PATTERNS, strict=True):
        m = pattern.search(low)
        if m:
            found.append((name, m.group().strip()))
    return found


class Structure(TransformerMixin, BaseEstimator):
    """One binary column per structural feature (stateless; a scikit-learn transformer)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        rows, cols = [], []
        for i, text in enumerate(X):
            low = str(text).lower()
            start = 0 if _COUNTING_WORD.search(low) else _COUNTED
            for j in range(start, len(_PATTERNS)):
                if _PATTERNS[j].search(low):
                    rows.append(i)
                    cols.append(j)
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(X), len(_PATTERNS)))

    def get_feature_names_out(self, input_features=None):
        return np.array(NAMES, dtype=object)
