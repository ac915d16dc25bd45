import pytest

from opsworkbench import InputError
from opsworkbench.study import find_studies, load_study
from tests.conftest import SAMPLE, write_study


def test_every_sample_study_is_valid():
    studies = [load_study(p) for p in find_studies(SAMPLE)]
    assert {s.org_id for s in studies} == {
        "harbour_mutual",
        "riverside_health",
        "northstar_cards",
        "civic_it",
    }
    assert all({"work", "success"} <= set(s.surveys[0].questions) for s in studies)


def test_missing_core_questions_names_field_and_file(tmp_path, tiny_csv):
    path = write_study(tmp_path, tiny_csv, mapping="columns: {unit: team}\nquestions: {q: work}")
    with pytest.raises(InputError) as err:
        load_study(path)
    assert "study.yml" in str(err.value) and "surveys.0.questions" in str(err.value)
    assert "success" in str(err.value) and "work" in str(err.value)


def test_one_question_no_unit_and_wording_are_accepted(tmp_path, tiny_csv):
    mapping = "columns: {}\nquestions: {success: {column: success, wording: 'What is success?'}}"
    survey = load_study(write_study(tmp_path, tiny_csv, mapping=mapping)).surveys[0]
    assert survey.columns.unit is None
    assert survey.question_columns == {"success": "success"}
    assert survey.questions["success"].wording == "What is success?"


def test_unknown_field_is_rejected(tmp_path, tiny_csv):
    path = write_study(tmp_path, tiny_csv, extra="colour: blue\n")
    with pytest.raises(InputError, match="colour"):
        load_study(path)


def test_not_yaml(tmp_path):
    path = tmp_path / "study.yml"
    path.write_text("org_id: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        load_study(path)
