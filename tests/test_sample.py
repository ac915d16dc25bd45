"""The bundled samples are what the generator writes, and have the promised shape."""

import pandas as pd
import pytest

from opsworkbench.intake.readers import read_survey, read_table
from opsworkbench.intake.study import find_studies, load_study
from opsworkbench.sample.generator import write_sample
from tests.helpers import SAMPLE

STUDIES = [load_study(p) for p in find_studies(SAMPLE)]


def test_generator_is_seeded_and_matches_committed_files(tmp_path):
    write_sample(tmp_path)
    for committed in sorted(SAMPLE.rglob("*.*")):
        fresh = tmp_path / committed.relative_to(SAMPLE)
        if committed.suffix == ".xlsx":  # zip timestamps differ; compare the cells
            pd.testing.assert_frame_equal(read_table(committed), read_table(fresh))
        else:
            assert committed.read_bytes() == fresh.read_bytes(), committed


@pytest.mark.parametrize("study", STUDIES, ids=lambda s: s.org_id)
def test_survey_shape_and_realism(study):
    for survey in study.surveys:
        frame, _ = read_survey(study.path(survey.file), layout=survey.format)
        people = frame.drop_duplicates(subset=[survey.columns.respondent_id])
        units = people[survey.columns.unit].value_counts()
        assert 120 <= len(frame) <= 600 and 5 <= len(units) <= 9
        assert (units < study.privacy.min_group_size).sum() == 1
        texts = pd.concat(
            [frame[survey.question_columns["work"]], frame[survey.question_columns["success"]]]
        )
        texts = texts[texts.str.strip() != ""]
        assert texts.nunique() / len(texts) >= 0.7
        assert texts.str.contains("@").any() and texts.str.contains(r"\d{5} \d{6}").any()
        assert texts.str.lower().isin(["n/a", "-", "don't know", "same as above", "na"]).any()


@pytest.mark.parametrize("study", STUDIES, ids=lambda s: s.org_id)
def test_inventories_shape(study):
    metrics = read_table(study.path(study.metrics))
    okrs = read_table(study.path(study.okrs))
    assert 25 <= len(metrics) <= 60 and 20 <= len(okrs) <= 60
    assert (okrs["parent_ids"] == "").any() and okrs["parent_ids"].str.contains(";").any()


def test_at_least_one_study_has_two_waves():
    assert max(len(s.surveys) for s in STUDIES) >= 2
