import datetime as dt

import pandas as pd
import pytest

from opsworkbench import InputError
from opsworkbench.intake.readers import ROW, detect_layout, parse_timestamp, read_survey, read_table


def test_utf8_bom_is_removed_from_first_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffid,text\n1,héllo\n".encode())
    frame = read_table(path)
    assert list(frame.columns) == [ROW, "id", "text"]
    assert frame.at[0, "text"] == "héllo"
    assert frame.attrs["encoding"] == "utf-8-sig"


def test_cp1252_semicolon_and_trailing_empty_columns(tmp_path):
    path = tmp_path / "euro.csv"
    path.write_bytes("id;text;;\n1;café costs 5€;;\n2;naïve;;\n".encode("cp1252"))
    frame = read_table(path)
    assert list(frame.columns) == [ROW, "id", "text"]
    assert frame["text"].tolist() == ["café costs 5€", "naïve"]
    assert frame.attrs["encoding"] == "cp1252"


def test_row_numbers_are_spreadsheet_rows_even_with_multiline_cells(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text('id,text\n1,"two\nlines"\n2,plain\n')
    assert read_table(path)[ROW].tolist() == [2, 3]


def test_qualtrics_header_rows_are_dropped_and_rows_numbered(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        "StartDate,ResponseId,Q1\nStart Date,Response ID,What is your work?\n"
        '"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1_TEXT""}"\n'
        "2025-01-01,R_1,I sell\n"
    )
    frame, layout = read_survey(path)
    assert layout == "qualtrics"
    assert frame["Q1"].tolist() == ["I sell"]
    assert frame[ROW].tolist() == [4]


def test_msforms_xlsx_dates_become_text(tmp_path):
    path = tmp_path / "forms.xlsx"
    pd.DataFrame(
        {
            "ID": [1],
            "Start time": [dt.datetime(2026, 2, 9, 8, 30)],
            "Completion time": [dt.datetime(2026, 2, 9, 8, 41)],
            "Q": ["x"],
        }
    ).to_excel(path, index=False)
    frame, layout = read_survey(path)
    assert layout == "msforms"
    assert frame.at[0, "Completion time"] == "2026-02-09 08:41:00"
    assert frame.at[0, "ID"] == "1"


def test_surveymonkey_second_header_row_is_merged(tmp_path):
    path = tmp_path / "sm.csv"
    path.write_text(
        "Respondent ID,Collector ID,Agree?,\n,,Line of sight,Fair targets\n1,9,Agree,Disagree\n"
    )
    frame, layout = read_survey(path)
    assert layout == "surveymonkey"
    assert {"Agree? - Line of sight", "Agree? - Fair targets"} <= set(frame.columns)


def test_layout_detection_defaults_to_generic():
    assert detect_layout(pd.DataFrame(columns=["a", "b"])) == "generic"
    assert detect_layout(pd.DataFrame(columns=["Timestamp", "b"])) == "google_forms"


@pytest.mark.parametrize(
    "text, dayfirst, expected",
    [
        ("45964.41528", False, dt.datetime(2025, 11, 3, 9, 58, 0)),
        ("2026-05-04 10:17", False, dt.datetime(2026, 5, 4, 10, 17)),
        ("04/05/2026 10:17", True, dt.datetime(2026, 5, 4, 10, 17)),
        ("", False, None),
        ("not a date", False, None),
    ],
)
def test_parse_timestamp(text, dayfirst, expected):
    value = parse_timestamp(text, dayfirst=dayfirst)
    assert (value is None and expected is None) or abs(
        value - pd.Timestamp(expected)
    ) < pd.Timedelta("1s")


def test_unsupported_and_missing_files(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "a.pdf").write_text("x")
    with pytest.raises(InputError, match="unsupported file type"):
        read_table(tmp_path / "a.pdf")


def test_duplicate_headers_are_kept_apart_and_recorded(tmp_path):
    path = tmp_path / "dup.xlsx"
    pd.DataFrame([[1, 2]], columns=["a", "a "]).to_excel(path, index=False)
    frame = read_table(path)
    assert list(frame.columns) == [ROW, "a", "a [column B]"]
    assert frame.attrs["duplicates"] == {"a": ["column A", "column B"]}
