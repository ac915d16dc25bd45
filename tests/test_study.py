import os

import pytest

import opsworkbench as ow
from opsworkbench import InputError
from opsworkbench.intake import study as study_module
from opsworkbench.intake.study import find_studies, load_study
from tests.helpers import SAMPLE, write_study


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


def ingest_error(path, tmp_path) -> str:
    with pytest.raises(InputError) as err:
        ow.ingest(path, tmp_path / "ws.duckdb")
    return str(err.value)


@pytest.mark.parametrize("name", ["/tmp/x.csv", "/dev/zero", "/dev/urandom", "../other/x.csv"])
def test_files_outside_the_study_folder_are_refused_at_load(tmp_path, tiny_csv, name):
    path = write_study(tmp_path, tiny_csv)
    path.write_text(path.read_text().replace("file: survey.csv", f"file: {name}"))
    with pytest.raises(InputError) as err:
        load_study(path)
    message = str(err.value)
    assert "study.yml" in message and "surveys.0.file" in message and name in message
    assert "regular files inside its own folder" in message


def test_inventory_outside_the_study_folder_is_refused(tmp_path, tiny_csv):
    path = write_study(tmp_path, tiny_csv, extra="metrics: ../metrics.csv\n")
    with pytest.raises(InputError, match=r"metrics .*'\.\./metrics\.csv' goes up out"):
        load_study(path)


def test_symlink_leading_outside_is_refused(tmp_path, tiny_csv):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(tiny_csv)
    folder = tmp_path / "study"
    path = write_study(folder, tiny_csv, name="linked.csv")
    (folder / "linked.csv").unlink()
    (folder / "linked.csv").symlink_to(outside)
    message = ingest_error(path, tmp_path)
    assert "linked.csv" in message and "leads outside the study folder" in message
    assert "regular files inside its own folder" in message


def test_symlink_inside_the_folder_is_followed(tmp_path, tiny_csv):
    (tmp_path / "exports").mkdir()
    path = write_study(tmp_path, tiny_csv, name="exports/real.csv")
    path.write_text(path.read_text().replace("exports/real.csv", "current.csv"))
    (tmp_path / "current.csv").symlink_to(tmp_path / "exports" / "real.csv")
    assert load_study(path).open_file("current.csv") == tiny_csv.encode()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_named_pipes_devices_and_folders_are_refused_without_blocking(tmp_path, tiny_csv):
    study = load_study(write_study(tmp_path, tiny_csv))
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    (tmp_path / "exports").mkdir()
    with pytest.raises(InputError, match="pipe.csv: is a named pipe, not a regular file"):
        study.open_file("pipe.csv")
    with pytest.raises(InputError, match=r"zero.csv: leads outside .*\(to /dev/zero\)"):
        study.open_file("zero.csv")
    with pytest.raises(InputError, match="exports: is a folder, not a regular file"):
        study.open_file("exports")


def test_input_size_is_capped(tmp_path, tiny_csv, monkeypatch):
    monkeypatch.setattr(study_module, "MAX_INPUT_BYTES", 100)
    message = ingest_error(write_study(tmp_path, tiny_csv), tmp_path)
    assert "survey.csv: is larger than the 0 MB limit for input files" in message


def test_missing_file_names_it_and_the_study(tmp_path, tiny_csv):
    path = write_study(tmp_path, tiny_csv)
    (tmp_path / "survey.csv").unlink()
    message = ingest_error(path, tmp_path)
    assert "survey.csv: file not found" in message and "study.yml" in message


@pytest.mark.parametrize(
    ("written", "wave_id"),
    [
        ("2026-05", "2026-05"),
        ("2026-05-01", "2026-05-01"),
        ("202605", "202605"),
        ("2026.10", "2026.10"),
        ("2026_05", "2026_05"),
        ("'2026 Q2'", None),
    ],
)
def test_unquoted_dates_and_numbers_keep_their_text_as_wave_ids(
    tmp_path, tiny_csv, written, wave_id
):
    path = write_study(tmp_path, tiny_csv)
    path.write_text(path.read_text().replace("wave_id: w1", f"wave_id: {written}"))
    if wave_id is None:
        with pytest.raises(InputError, match="cannot be used as a wave id"):
            load_study(path)
    else:
        assert load_study(path).surveys[0].wave_id == wave_id


@pytest.mark.parametrize(
    "wave_id", ["2026/05", ".", "..", ".hidden", "w1.", "a\\b", "x" * 65, "nul"]
)
def test_unsafe_wave_ids_are_refused_saying_what_is_allowed(tmp_path, tiny_csv, wave_id):
    path = write_study(tmp_path, tiny_csv)
    path.write_text(path.read_text().replace("wave_id: w1", f"wave_id: '{wave_id}'"))
    with pytest.raises(InputError) as err:
        load_study(path)
    message = str(err.value)
    assert "study.yml" in message and "surveys.0.wave_id (line 5)" in message
    assert "letters, digits, '-', '_' or '.'" in message


@pytest.mark.parametrize("org_id", ["Acme/../x", ".", "x" * 65, "Upper"])
def test_unsafe_org_ids_are_refused_saying_what_is_allowed(tmp_path, tiny_csv, org_id):
    path = write_study(tmp_path, tiny_csv, org_id=f"'{org_id}'")
    with pytest.raises(InputError, match=r"org_id \(line 1\): .* lowercase letters, digits"):
        load_study(path)


def test_wave_ids_differing_only_in_case_are_refused(tmp_path, tiny_csv):
    path = write_study(tmp_path, tiny_csv)
    text = path.read_text()
    survey = text[text.index("  - wave_id") :]
    path.write_text(text + survey.replace("wave_id: w1", "wave_id: W1"))
    with pytest.raises(InputError, match="'w1' and 'W1' would share a report folder"):
        load_study(path)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "privacy: {min_group_size: 100000000000000000000}\n",
            r"privacy.min_group_size \(line 9\): must be at most 1000, got the value 1",
        ),
        ("privacy: {min_group_size: 1}\n", r"privacy.min_group_size .*must be at least 2"),
        ("privacy: {min_group_size: many}\n", r"min_group_size .*whole number, got the text"),
        ("privacy: {min_quote_group_size: 3}\n", r"privacy \(line 9\): min_quote_group_size"),
    ],
)
def test_privacy_values_out_of_range(tmp_path, tiny_csv, extra, expected):
    with pytest.raises(InputError, match=expected) as err:
        load_study(write_study(tmp_path, tiny_csv, extra=extra))
    assert "study.yml" in str(err.value)


@pytest.mark.parametrize("fielded_on", ["2026-13-01", "2026-02-30", "last May", "2026-05-01 10:30"])
def test_invalid_fielded_on_names_field_line_and_format(tmp_path, tiny_csv, fielded_on):
    path = write_study(tmp_path, tiny_csv)
    path.write_text(path.read_text().replace("file:", f"fielded_on: {fielded_on}\n    file:"))
    with pytest.raises(InputError) as err:
        load_study(path)
    message = str(err.value)
    assert "study.yml" in message and "surveys.0.fielded_on (line 6)" in message
    assert f"'{fielded_on}' is not a date: write it as YYYY-MM-DD" in message


def test_check_ids_for_ids_that_do_not_come_from_a_study():
    study_module.check_ids("tiny_org", "2026-05")
    with pytest.raises(InputError, match="'2026/05' cannot be used as a wave id"):
        study_module.check_ids("tiny_org", "2026/05")
    with pytest.raises(InputError, match="'..' cannot be used as an org_id"):
        study_module.check_ids("..", "w1")
