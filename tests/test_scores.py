"""Scores are computed once per distinct text and model, stored, and only read afterwards."""

from __future__ import annotations

import pandas as pd
import pytest

import opsworkbench as ow
from opsworkbench import workspace as ws
from opsworkbench.diagnostics.analysis import SECTIONS, Analysis
from opsworkbench.intake import score
from opsworkbench.language import scoring, themes
from opsworkbench.language.codebook import Codebook
from opsworkbench.language.orientation import OrientationModel
from opsworkbench.report import context, render
from opsworkbench.report.render import prepare
from tests.helpers import q


@pytest.fixture
def workspace(sample_workspace, tmp_path):
    path = tmp_path / "scores.duckdb"
    path.write_bytes(sample_workspace.read_bytes())
    return path


def _never(*args, **kwargs):
    raise AssertionError("called although its result is stored")


def test_ingest_stores_one_score_per_distinct_text(workspace):
    stored = q(workspace, "SELECT org_id, fingerprint, count(*) AS n FROM scores GROUP BY ALL")
    assert set(stored["fingerprint"]) == {scoring.model_fingerprint()}
    con = ws.connect(workspace)
    try:
        for org_id in ws.organisation_ids(con):
            texts = ws.texts_to_score(con, org_id)["text"]
            n = stored.loc[stored["org_id"] == org_id, "n"].item()
            assert n == scoring.text_keys(texts).nunique()
            again = score.refresh_org(con, org_id)
            assert (again.scored, again.corrected, again.removed) == (0, 0, 0)
    finally:
        con.close()


def test_reports_read_stored_scores_and_themes_without_scoring(workspace, monkeypatch):
    prepare(workspace, ["harbour_mutual"])
    monkeypatch.setattr(OrientationModel, "score_texts", _never)
    monkeypatch.setattr(OrientationModel, "fit", _never)
    monkeypatch.setattr(themes, "_find_themes", _never)
    ctx = ow.load_context(workspace, "harbour_mutual")
    found = ow.analyse(ctx, ow.load_previous(workspace, ctx)).compute()
    assert found.themes["success"].table.shape[0] > 0 and found.index.people > 0
    assert ctx.model_evaluation["n"] > 0 and 0 < ctx.model_evaluation["quadrant_accuracy"] <= 1


def test_stored_scores_equal_scoring_afresh(workspace):
    ctx = ow.load_context(workspace, "civic_it")
    fresh = OrientationModel.score_texts(scoring.default_model(), ctx.scored["text"])
    same = dict(check_dtype=False, check_exact=True)  # the context holds text as objects
    pd.testing.assert_frame_equal(
        ctx.scored[scoring.SCORE_COLUMNS], fresh[scoring.SCORE_COLUMNS], **same
    )
    metrics = scoring.score_metrics(ctx.metrics.drop(columns=scoring.SCORE_COLUMNS))
    pd.testing.assert_frame_equal(
        ctx.metrics[scoring.SCORE_COLUMNS], metrics[scoring.SCORE_COLUMNS], **same
    )


def test_a_model_change_rescores_everything_and_drops_old_scores(workspace, monkeypatch):
    before = q(workspace, "SELECT count(*) AS n FROM scores WHERE org_id = 'civic_it'").n.item()
    monkeypatch.setattr(scoring, "model_fingerprint", lambda: "model-changed")
    monkeypatch.setattr(score, "model_fingerprint", lambda: "model-changed")
    monkeypatch.setattr(context, "model_fingerprint", lambda: "model-changed")
    with pytest.raises(ow.OpsWorkbenchError, match="opsworkbench score"):
        ow.load_context(workspace, "civic_it")
    con = ws.connect(workspace)
    try:
        done = score.refresh_org(con, "civic_it")
    finally:
        con.close()
    assert done.scored == before and done.removed == before
    assert set(q(workspace, "SELECT DISTINCT fingerprint FROM scores").fingerprint) >= {
        "model-changed"
    }
    assert len(ow.load_context(workspace, "civic_it").scored) > 0


def test_a_codebook_correction_rescores_only_the_texts_it_touches(workspace):
    ctx = ow.load_context(workspace, "harbour_mutual")
    text = ctx.scored["text"].iloc[0]
    con = ws.connect(workspace)
    try:
        score.add_entry(con, "harbour_mutual", "text", text, "customer_outcome", "checked")
    finally:
        con.close()
    corrected = q(workspace, "SELECT count(*) AS n FROM scores WHERE fingerprint LIKE '%codebook%'")
    assert corrected.n.item() == 1
    after = ow.load_context(workspace, "harbour_mutual")
    same = after.scored["text"].map(scoring.text_key) == scoring.text_key(text)
    assert (after.scored.loc[same, "quadrant"] == "customer_outcome").all()
    untouched = after.scored.loc[~same, scoring.SCORE_COLUMNS].reset_index(drop=True)
    assert untouched.equals(ctx.scored.loc[~same, scoring.SCORE_COLUMNS].reset_index(drop=True))


def test_a_term_correction_touches_texts_with_the_term_as_a_word():
    entries = pd.DataFrame(
        {
            "version": [1],
            "created_at": [None],
            "action": ["term"],
            "target": ["claims"],
            "value": ["customer_outcome"],
            "note": [""],
        }
    )
    codebook = Codebook.from_entries("acme", entries)
    texts = pd.Series(["I process CLAIMS daily", "reclaims are rare", "claims.", "answering calls"])
    assert scoring.touched(texts, codebook).tolist() == [True, False, True, False]


def test_the_model_evaluation_is_computed_once_per_model(workspace, monkeypatch):
    calls = []
    monkeypatch.setattr(render, "_cross_validation", lambda fp: calls.append(fp) or {"n": 1})
    con = ws.connect(workspace)
    try:
        con.execute("DELETE FROM model_evaluations")
    finally:
        con.close()
    prepare(workspace)
    prepare(workspace)
    assert calls == [scoring.model_fingerprint()]


def test_one_section_is_computed_without_the_others(workspace):
    ctx = ow.load_context(workspace, "harbour_mutual")
    found = Analysis(ctx)
    role = ctx.respondents["role"].dropna().iloc[0]
    part = Analysis(ctx.select(role=role)).profile
    assert set(found.__dict__) == {"ctx", "previous"}
    assert found.profile is not None and set(found.__dict__) == {
        "ctx",
        "previous",
        "hidden",
        "profile",
    }
    assert part["respondents"].max() <= found.profile["respondents"].max()
    index = found.index
    assert index.low <= index.value <= index.high and index.people > 0
    assert set(SECTIONS) <= set(dir(found))


def test_select_narrows_people_and_answers(workspace):
    ctx = ow.load_context(workspace, "harbour_mutual")
    unit = ctx.respondents["unit"].iloc[0]
    part = ctx.select(unit=unit, question="success")
    assert set(part.respondents["unit"]) == {unit}
    assert set(part.scored["question"]) == {"success"} and set(part.scored["unit"]) == {unit}
    assert part.metrics is ctx.metrics and part.min_size == ctx.min_size
