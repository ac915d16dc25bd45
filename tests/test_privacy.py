import pandas as pd
import pytest

from opsworkbench.privacy import (
    escape,
    mask_small_groups,
    pseudonymise,
    scrub_pii,
    suppressed_groups,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mail me at jo.smith+survey@example.co.uk please", "mail me at [email] please"),
        ("call 07700 900461 or +44 (0)20 7946 0018", "call [phone] or [phone]"),
        ("see https://intranet.example.org/a?b=1).", "see [url])."),
        ("99.95% uptime and 1,500 quotes in 2025-10", "99.95% uptime and 1,500 quotes in 2025-10"),
        ("close 45 claims a day, within 20 seconds", "close 45 claims a day, within 20 seconds"),
    ],
)
def test_scrub_pii(text, expected):
    assert scrub_pii(text) == expected


def test_scrub_known_names_but_not_placeholders():
    assert scrub_pii("Ask Priya Shah about it", ["Priya Shah"]) == "Ask [name] about it"
    assert scrub_pii("anonymous feedback", ["anonymous"]) == "anonymous feedback"


def test_pseudonyms_are_stable_keyed_and_opaque():
    a = pseudonymise("E10234", salt="s1", org_id="org")
    assert a == pseudonymise("E10234", salt="s1", org_id="org")
    assert a != pseudonymise("E10234", salt="s2", org_id="org")
    assert a != pseudonymise("E10234", salt="s1", org_id="other")
    assert "E10234" not in a and a.startswith("r_")


def test_escape():
    assert (
        escape('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    )


def test_small_group_is_hidden_with_complementary_suppression():
    sizes = pd.Series({"A": 40, "B": 12, "C": 3, "D": 25})
    # C alone could be recovered as total - A - B - D, so the next smallest (B) hides too.
    assert suppressed_groups(sizes, 5) == {"C", "B"}
    assert suppressed_groups(pd.Series({"A": 3, "B": 4, "C": 30}), 5) == {"A", "B"}
    assert suppressed_groups(pd.Series({"A": 30, "B": 6}), 5) == set()


def test_mask_blanks_every_value_of_hidden_groups():
    frame = pd.DataFrame({"unit": ["A", "B", "C"], "n": [20, 9, 2], "focus": [0.1, 0.2, 0.9]})
    out = mask_small_groups(frame, "unit", "n", 5)
    hidden = out[out["suppressed"]]
    assert set(hidden["unit"]) == {"B", "C"}
    assert hidden[["n", "focus"]].isna().all().all()
    assert out.loc[out["unit"] == "A", "focus"].item() == 0.1


def test_hidden_groups_together_reach_the_minimum():
    # Two hidden units of 2 could be recovered together (4 people) from the total, so the
    # next smallest visible unit is hidden with them.
    assert suppressed_groups(pd.Series({"A": 2, "B": 2, "C": 30, "D": 40}), 5) == {"A", "B", "C"}
    # Hidden units that together reach the minimum need no more cover.
    assert suppressed_groups(pd.Series({"A": 3, "B": 2, "C": 30}), 5) == {"A", "B"}
    # A group hidden for another reason counts towards the hidden block.
    assert suppressed_groups(pd.Series({"A": 2, "B": 8, "C": 30}), 5, also={"B"}) == {"A", "B"}
    assert suppressed_groups(pd.Series({"A": 2}), 5) == {"A"}


def test_hidden_units_cannot_be_recovered_by_difference_from_shown_numbers():
    """Recover the hidden block from the profile's own numbers: total minus visible units."""
    from opsworkbench.diagnostics import profiles
    from tests.test_profiles import scored_frame

    spec = []
    quadrants = ["customer_outcome", "factory_floor", "customer_activity", "business_result"]
    for unit, people in {"A": 2, "B": 2, "C": 9, "D": 12}.items():
        for i in range(people):
            q = quadrants[(i * 3 + len(unit)) % 4] if unit in "CD" else quadrants[i % 2]
            spec += [(unit, f"{unit}{i}", "work", q), (unit, f"{unit}{i}", "success", q)]
    scored = scored_frame(spec)
    respondents = scored[["unit", "respondent_id"]].drop_duplicates()
    profile = profiles.orientation_profile(scored, respondents, 5)
    both = profile[profile["question"] == "both"].set_index("unit")
    total, visible = both.loc["All units"], both.drop(index="All units")
    hidden_n = total["respondents"] - visible["respondents"].sum()
    recovered = (
        total["index"] * total["respondents"] - (visible["index"] * visible["respondents"]).sum()
    ) / hidden_n
    hidden = scored[~scored["unit"].isin(visible.index)]
    true = profiles.outcome_index(hidden, reps=1)[0]
    # the subtraction works on real numbers (up to rounding) ...
    assert recovered == pytest.approx(true, abs=1.0)
    # ... so what it recovers must rest on at least the minimum number of people
    assert hidden_n >= 5 and set(visible.index) == {"D"}
