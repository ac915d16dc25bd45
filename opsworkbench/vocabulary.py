"""The product's vocabulary: quadrants, axes, lenses, stages, core questions and shared labels.

The one place these names are spelled: every other module imports them from here. Standard
library only, so any module (and the command line) can import it for nothing.
"""

from __future__ import annotations

# --- Quadrants: where a text sits on focus (internal ↔ external) × result (output ↔ outcome)
FACTORY_FLOOR = "factory_floor"
CUSTOMER_ACTIVITY = "customer_activity"
CUSTOMER_OUTCOME = "customer_outcome"
BUSINESS_RESULT = "business_result"
QUADRANTS = [FACTORY_FLOOR, CUSTOMER_ACTIVITY, CUSTOMER_OUTCOME, BUSINESS_RESULT]
UNCLASSIFIED = "unclassified"  # a non-answer such as "n/a": counted, never placed

# Each axis as (negative, positive) pole.
AXES = {"focus": ("internal", "external"), "result": ("output", "outcome")}
# The quadrant of a position, keyed by (external?, outcome?).
QUADRANT_BY_SIDE = {
    (False, False): FACTORY_FLOOR,
    (True, False): CUSTOMER_ACTIVITY,
    (True, True): CUSTOMER_OUTCOME,
    (False, True): BUSINESS_RESULT,
}
# Each quadrant's pole on each axis: (focus, result).
QUADRANT_AXES = {
    FACTORY_FLOOR: ("internal", "output"),
    CUSTOMER_ACTIVITY: ("external", "output"),
    CUSTOMER_OUTCOME: ("external", "outcome"),
    BUSINESS_RESULT: ("internal", "outcome"),
}
OUTPUT_QUADRANTS = (FACTORY_FLOOR, CUSTOMER_ACTIVITY)
OUTCOME_QUADRANTS = (CUSTOMER_OUTCOME, BUSINESS_RESULT)
CUSTOMER_QUADRANTS = (CUSTOMER_ACTIVITY, CUSTOMER_OUTCOME)  # the external ones

QUADRANT_LABELS = {
    FACTORY_FLOOR: "Factory floor",
    CUSTOMER_ACTIVITY: "Customer activity",
    CUSTOMER_OUTCOME: "Customer outcome",
    BUSINESS_RESULT: "Business result",
}
# What each quadrant means, as the report explains it to a reader.
QUADRANT_MEANING = {
    FACTORY_FLOOR: "internal outputs (tasks, volumes, speed)",
    CUSTOMER_ACTIVITY: "activity with customers (contacts, calls, visits)",
    CUSTOMER_OUTCOME: "what changes for customers",
    BUSINESS_RESULT: "results for the organisation (cost, margin, growth)",
}

# --- The survey's core questions
CORE_QUESTIONS = ["work", "success"]
# How the core questions read when a study does not give their wording.
DEFAULT_WORDING = {"work": "What is your work?", "success": "What does success look like?"}
# The theme note of a core question the survey did not ask.
NOT_ASKED = "this survey did not ask it"

# --- Metrics: the stages a metric can reach, and the four lenses on an organisation
STAGES = ["measured", "reported", "incentivised"]
STAGE_LABELS = {"measured": "Measured", "reported": "Reported", "incentivised": "Incentivised"}
LENSES = ["say", "measure", "value", "reward"]
LENS_STAGES = {"measure": "measured", "value": "reported", "reward": "incentivised"}
LENS_TITLES = {
    "say": "What people say",
    "measure": "What is measured",
    "value": "What is reported",
    "reward": "What is incentivised",
}

# --- Groups of people
ALL_RESPONDENTS = "All respondents"  # the one unit of a survey with no unit column
ALL_UNITS = "All units"  # the organisation-wide row of a per-unit table

# --- The parts of the analysis a finding or next step points to as its evidence
# (the report maps each to the anchor of its section).
SECTIONS = (
    "data_quality",
    "orientation",
    "lenses",
    "perverse_incentives",
    "okr_health",
    "hybrid",
    "under_measured",
)
