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
