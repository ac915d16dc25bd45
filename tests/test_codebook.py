import pytest

from opsworkbench import OpsWorkbenchError, load_context
from opsworkbench import workspace as ws
from opsworkbench.diagnostics.overview import theme_summary
from opsworkbench.intake.score import add_entry, load_codebook


@pytest.fixture
def workspace(sample_workspace, tmp_path):
    path = tmp_path / "cb.duckdb"
    path.write_bytes(sample_workspace.read_bytes())
    return path


def test_entries_are_versioned_and_round_trip(workspace):
    con = ws.connect(workspace)
    assert load_codebook(con, "harbour_mutual").version == 0
    v1 = add_entry(
        con, "harbour_mutual", "rename", "queue, friday, clear", "Clearing the queue", "workshop 1"
    )
    v2 = add_entry(con, "harbour_mutual", "text", "  Raise payments. ", "customer_activity")
    assert (v1, v2) == (1, 2)
    book = load_codebook(con, "harbour_mutual")
    assert book.version == 2 and book.text_overrides == {"raise payments.": "customer_activity"}
    assert load_codebook(con, "harbour_mutual", version=1).text_overrides == {}
    assert load_codebook(con, "civic_it").version == 0  # per organisation
    with pytest.raises(OpsWorkbenchError, match="not a quadrant"):
        add_entry(con, "harbour_mutual", "term", "members", "customers")
    con.close()


def test_overrides_apply_and_retrain(workspace):
    con = ws.connect(workspace)
    add_entry(con, "harbour_mutual", "text", "Raise payments.", "customer_outcome")
    add_entry(con, "harbour_mutual", "term", "indemnity checks", "customer_outcome")
    book = load_codebook(con, "harbour_mutual")
    con.close()
    assert book.model() is book.model()  # cached: retrained once per set of corrections
    ctx = load_context(workspace, "harbour_mutual")
    overridden = ctx.scored[ctx.scored.text.str.lower() == "raise payments."]
    assert not overridden.empty and (overridden.quadrant == "customer_outcome").all()
    assert (overridden.confidence == 1.0).all() and overridden.cues.str.contains(
        "codebook v2"
    ).all()
    assert ctx.codebook.version == 2


def test_rename_and_merge_carry_over_to_the_next_wave(workspace):
    first = load_context(workspace, "harbour_mutual", "2025-10")
    themes, _, _ = theme_summary(first.scored, "success", min_size=5, min_quote_size=10)
    big, second, third = themes.key.iloc[0], themes.key.iloc[1], themes.key.iloc[2]
    con = ws.connect(workspace)
    add_entry(con, "harbour_mutual", "rename", big, "Named by the analyst")
    add_entry(con, "harbour_mutual", "merge", f"{second}||{third}", "Merged theme")
    con.close()
    again = load_context(workspace, "harbour_mutual", "2025-10")
    same, _, _ = theme_summary(
        again.scored, "success", min_size=5, min_quote_size=10, codebook=again.codebook
    )
    merged = same[same.label == "Merged theme"]
    assert len(merged) == 1 and merged.codebook.item() == "merged"
    assert merged["size"].item() == themes[themes.key.isin([second, third])]["size"].sum()
    assert len(same) == len(themes) - 1
    later = load_context(
        workspace, "harbour_mutual", "2026-04"
    )  # the next wave: new themes, same names
    renamed, _, _ = theme_summary(
        later.scored, "success", min_size=5, min_quote_size=10, codebook=later.codebook
    )
    assert "Named by the analyst" in set(renamed.label)
