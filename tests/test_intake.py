"""Bringing your own data: exports that used to load silently wrong, crash or hang."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import openpyxl
import pandas as pd
import pytest

import opsworkbench as ow
from opsworkbench import InputError, OpsWorkbenchError
from opsworkbench import workspace as workspace_module
from opsworkbench.intake.readers import ROW, read_survey, read_table
from tests.helpers import q, write_study


def answers(n: int, start: int = 0, team: str = "Sales") -> list[str]:
    return [
        f"p{i},{team},I answer customer calls {i},customers who do not need to call back"
        for i in range(start, start + n)
    ]


# 1. SurveyMonkey is recognised by its sub-header row, with or without its metadata columns

SM_HEADER = "Respondent ID,Which team are you in?,,What is your work?,What does success look like?"
SM_SUB = ",Response,Other (please specify),Open-Ended Response,Open-Ended Response"


def surveymonkey_rows(n: int = 6) -> list[list[str]]:
    return [
        [str(114000 + i), "Claims", "", f"I settle claims {i}", "customers paid fast"]
        for i in range(n)
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_surveymonkey_without_collector_id_is_detected(tmp_path, suffix):
    rows = [SM_HEADER.split(","), SM_SUB.split(","), *surveymonkey_rows()]
    path = tmp_path / f"sm{suffix}"
    if suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    else:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    frame, layout = read_survey(path)
    assert layout == "surveymonkey"
    assert len(frame) == 6 and frame[ROW].tolist() == list(range(3, 9))
    assert "Which team are you in? - Other (please specify)" in frame.columns
    assert not frame.isin(["Open-Ended Response", "Response"]).any().any()


def test_sub_header_row_is_warned_about_in_any_layout(tmp_path):
    path = tmp_path / "sm.csv"
    rows = [SM_HEADER.split(","), SM_SUB.split(","), *surveymonkey_rows()]
    path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    frame, layout = read_survey(path, layout="generic")
    assert layout == "generic"
    assert any("looks like a second header row" in w for w in frame.attrs["warnings"])


# 4. column names are normalised on both sides and the closest header is suggested


def test_study_column_names_match_headers_with_stray_spaces(tmp_path):
    body = "id,team ,Open  Question,success\n" + "\n".join(answers(6)) + "\n"
    mapping = "columns: {respondent_id: id, unit: 'team'}\nquestions: {work: 'Open Question ', success: success}"
    result = ow.ingest(write_study(tmp_path / "org", body, mapping=mapping), tmp_path / "w.duckdb")
    assert result[0].rows_loaded == 6


def test_unknown_column_suggests_the_closest_header_instead_of_listing_all(tmp_path):
    header = ",".join(["id", "team", "Open Question", "success"] + [f"Q{i}" for i in range(249)])
    body = header + "\n" + "p1,Sales,x,y" + ",z" * 249 + "\n"
    mapping = "columns: {unit: team}\nquestions: {work: Open Qestion, success: success}"
    with pytest.raises(InputError) as err:
        ow.ingest(write_study(tmp_path / "org", body, mapping=mapping), tmp_path / "w.duckdb")
    message = str(err.value)
    assert "did you mean 'Open Question'?" in message and "Q248" not in message


# 5. duplicate column names are named from the raw header, not renamed by pandas


def test_a_mapped_duplicate_column_is_refused_naming_both(tmp_path):
    body = "id,team,work,success,work\n" + "\n".join(a + ",x" for a in answers(5)) + "\n"
    with pytest.raises(
        InputError,
        match=r"work → 'work' names more than one column of the file \(column C and column E\)",
    ):
        ow.ingest(write_study(tmp_path / "org", body), tmp_path / "w.duckdb")


def test_unmapped_duplicate_columns_still_load(tmp_path):
    body = "id,team,work,success,Comments,comments\n" + "\n".join(a + ",x,y" for a in answers(5))
    result = ow.ingest(write_study(tmp_path / "org", body), tmp_path / "w.duckdb")[0]
    assert result.rows_loaded == 5
    frame = read_table(tmp_path / "org" / "survey.csv")
    assert frame.attrs["duplicates"] == {"Comments": ["column E", "column F"]}


# 6. true quarantine reasons and counts that match the survey tool


def test_blank_lines_are_not_rows_and_unanswered_rows_say_which_questions(tmp_path):
    body = "id,team,work,success,rating\n\n" + "\n".join(answers(5)) + "\n,,,,\n\np9,Sales,,,4\n\n"
    result = ow.ingest(write_study(tmp_path / "org", body), tmp_path / "w.duckdb")[0]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 5, 1)
    reason = q(tmp_path / "w.duckdb", "SELECT reason FROM quarantine").reason[0]
    assert reason == "no answer to the mapped questions (work, success)"


# 7. surveys that do not fit the two-question shape


def test_survey_without_unit_column_and_one_question_loads(tmp_path):
    body = "id,What does success look like for you?\n" + "\n".join(
        f"p{i},patients who go home safely {i}" for i in range(7)
    )
    mapping = (
        "columns: {respondent_id: id}\nquestions: {success: 'What does success look like for you?'}"
    )
    ws = tmp_path / "w.duckdb"
    result = ow.ingest(write_study(tmp_path / "org", body, mapping=mapping), ws)[0]
    assert result.rows_loaded == 7
    assert set(q(ws, "SELECT unit FROM respondents").unit) == {"All respondents"}
    assert set(q(ws, "SELECT question FROM responses").question) == {"success"}
    questions = q(ws, "SELECT * FROM questions")
    assert questions.question.tolist() == ["success"] and questions.free_text.all()


def test_question_wording_comes_from_the_study_or_the_export(tmp_path):
    body = "id,team,work,success\n" + "\n".join(answers(6)) + "\n"
    mapping = (
        "columns: {respondent_id: id, unit: team}\n"
        "questions: {work: {column: work, wording: 'In a sentence, what is your job?'}, success: success}"
    )
    ws = tmp_path / "w.duckdb"
    ow.ingest(write_study(tmp_path / "org", body, mapping=mapping), ws)
    wording = q(ws, "SELECT question, wording FROM questions ORDER BY 1").set_index("question")
    assert wording.wording["work"] == "In a sentence, what is your job?"
    assert pd.isna(wording.wording["success"])  # a generic export's header is not a question


# 8. an "open" column that holds codes is flagged and not scored as language


def test_code_column_is_flagged_not_free_text(tmp_path):
    body = "id,team,work,success\n" + "\n".join(
        f"p{i},Sales,Answer {i % 7},customers who do not call back {i}" for i in range(12)
    )
    ws = tmp_path / "w.duckdb"
    result = ow.ingest(write_study(tmp_path / "org", body), ws)[0]
    assert any("does not look like written answers" in w and "codes" in w for w in result.warnings)
    flags = q(ws, "SELECT question, free_text FROM questions ORDER BY 1")
    assert flags.free_text.tolist() == [True, False]  # success, work


# 10. free-text "Other" answers in a unit column do not become units


def test_rare_unit_values_are_grouped_as_other(tmp_path):
    rows = answers(6, team="Sales") + answers(6, 10, team="Ops")
    rows += [f"x{i},Other: {name},I help,happy people" for i, name in enumerate("abcdefg")]
    ws = tmp_path / "w.duckdb"
    result = ow.ingest(
        write_study(tmp_path / "org", "id,team,work,success\n" + "\n".join(rows)), ws
    )
    units = q(ws, "SELECT unit, count(*) n FROM respondents GROUP BY 1 ORDER BY 1")
    assert dict(zip(units.unit, units.n, strict=True)) == {"Ops": 6, "Other": 7, "Sales": 6}
    assert any("grouped as unit 'Other'" in w for w in result[0].warnings)


# 11 and 13. damaged, old, encrypted and oversized workbooks


def workbook_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old-style .xls"),
        (b"PK\x03\x04 truncated", "damaged"),
        (b"not a workbook at all", "damaged"),
    ],
)
def test_unreadable_workbooks_are_clear_errors(tmp_path, data, message):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as err:
        read_table(path)
    assert "survey.xlsx" in str(err.value)


def test_truncated_and_corrupted_workbooks_are_clear_errors(tmp_path):
    data = workbook_bytes([["id", "text"], *[[str(i), "x" * 50] for i in range(200)]])
    for name, broken in {
        "truncated.xlsx": data[: len(data) // 2],
        "flipped.xlsx": data[:2000] + bytes(b ^ 0xFF for b in data[2000:2100]) + data[2100:],
    }.items():
        path = tmp_path / name
        path.write_bytes(broken)
        with pytest.raises(InputError, match="damaged|cannot be opened") as err:
            read_table(path)
        assert name in str(err.value)


def test_workbook_with_a_row_of_too_many_cells_is_refused_before_parsing(tmp_path):
    data = workbook_bytes([["id", "text"], ["1", "x"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    cells = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(20_000))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"</sheetData>", f'<row r="3">{cells}</row></sheetData>'.encode()
                )
            target.writestr(item.filename, content)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(InputError, match="more than 16,384 cells"):
        read_table(path)


def test_blank_header_cells_and_a_stray_far_cell(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", None, None, "text"])
    sheet.append(["1", "", "", "hello"])
    sheet.cell(row=1_048_576, column=4, value="stray")
    path = tmp_path / "odd.xlsx"
    book.save(path)
    frame = read_table(path)
    assert list(frame.columns) == [ROW, "id", "text"]
    assert frame[ROW].tolist() == [2, 1_048_576]


def test_overlong_cell_names_the_limit(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("id,text\n1," + "x" * 300_000 + "\n")
    with pytest.raises(InputError, match="longer than 262,144 characters"):
        read_table(path)


# 14. values out of range are quarantined before anything is written


def test_stage_order_out_of_range_is_quarantined(tmp_path, tiny_csv):
    extra = "capabilities: caps.csv\n"
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "caps.csv").write_text(
        "capability_id,name,stage_order\nC1,Quote,1\nC2,Pay,1e30\nC3,Claim,2.5\n"
    )
    ws = tmp_path / "w.duckdb"
    results = {
        r.kind: r for r in ow.ingest(write_study(tmp_path / "org", tiny_csv, extra=extra), ws)
    }
    assert (results["capabilities"].rows_loaded, results["capabilities"].rows_quarantined) == (1, 2)
    reasons = q(ws, "SELECT reason FROM quarantine ORDER BY row_number").reason
    assert all("whole number from 0 to 1000" in r for r in reasons)


# 16. two processes on one workspace


def test_busy_workspace_names_the_other_process(tmp_path):
    path = tmp_path / "w.duckdb"
    workspace_module.connect(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(path)!r}); print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(OpsWorkbenchError) as err:
            workspace_module.connect(path, read_only=True, wait=0.2)
        assert f"the workspace is busy (another opsworkbench process, PID {holder.pid})" in str(
            err.value
        )
    finally:
        holder.stdin.close()
        holder.wait(10)
    workspace_module.connect(path, read_only=True, wait=5).close()  # free again


# 17 (ingest side). Personal data in inventory free text is scrubbed before it is stored


def test_inventory_free_text_is_scrubbed(tmp_path, tiny_csv):
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "metrics.csv").write_text(
        "metric_id,name,description,measured\n"
        "M1,Calls answered (ask jo.bloggs@example.org),Phone 020 7946 0958 for the data,yes\n"
    )
    (tmp_path / "org" / "okrs.csv").write_text(
        "okr_id,objective,key_result\nO1,Help customers,Call-backs down: ring 020 7946 0958\n"
    )
    extra = "metrics: metrics.csv\nokrs: okrs.csv\n"
    ws = tmp_path / "w.duckdb"
    ow.ingest(write_study(tmp_path / "org", tiny_csv, extra=extra), ws)
    stored = " ".join(
        q(ws, "SELECT name || ' ' || description AS t FROM metrics").t.tolist()
        + q(ws, "SELECT key_result AS t FROM okrs").t.tolist()
    )
    assert "example.org" not in stored and "7946" not in stored
    assert "[email]" in stored and "[phone]" in stored


# 20. silent corruption


def test_one_stray_cp1252_byte_keeps_the_utf8_text(tmp_path):
    body = "id,team,work,success\n" + "\n".join(answers(5)) + "\np9,Café,crème brûlée,ok\n"
    data = body.encode("utf-8").replace(b"ok", b"ok \x96 fine")
    frame = read_table(tmp_path / "s.csv", data=data)
    assert frame["team"].iloc[-1] == "Café" and frame["success"].iloc[-1] == "ok – fine"
    assert frame.attrs["encoding"] == "utf-8+cp1252"
    assert any("lines 7" in w and "Windows-1252" in w for w in frame.attrs["warnings"])


def test_two_columns_that_mean_the_same_are_refused(tmp_path, tiny_csv):
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "metrics.csv").write_text("metric_id,Metric ID,name\nM1,M2,Calls\n")
    with pytest.raises(InputError, match="columns 'metric_id' and 'Metric ID' both mean"):
        ow.ingest(
            write_study(tmp_path / "org", tiny_csv, extra="metrics: metrics.csv\n"),
            tmp_path / "w.duckdb",
        )


def test_a_later_empty_duplicate_does_not_drop_the_valid_answer(tmp_path):
    body = "id,team,work,success\n" + "\n".join(answers(5)) + "\np0,Sales,,\n"
    ws = tmp_path / "w.duckdb"
    result = ow.ingest(write_study(tmp_path / "org", body), ws)[0]
    assert (result.rows_loaded, result.rows_quarantined) == (5, 1)
    reason = q(ws, "SELECT reason FROM quarantine").reason[0]
    assert reason.startswith("no answer to the mapped questions")


def test_mixed_time_zone_dates_all_load(tmp_path):
    rows = answers(6)
    stamps = ["2026-05-11 09:00:00", "2026-05-11T09:00:00+01:00"] * 3
    body = "id,team,work,success,when\n" + "\n".join(
        f"{r},{s}" for r, s in zip(rows, stamps, strict=True)
    )
    mapping = "columns: {respondent_id: id, unit: team, submitted_at: when}\nquestions: {work: work, success: success}"
    ws = tmp_path / "w.duckdb"
    result = ow.ingest(write_study(tmp_path / "org", body, mapping=mapping), ws)[0]
    stored = q(ws, "SELECT submitted_at FROM respondents ORDER BY source_row").submitted_at
    assert stored.notna().all()
    assert stored.tolist()[:2] == [
        pd.Timestamp("2026-05-11 09:00"),
        pd.Timestamp("2026-05-11 08:00"),
    ]
    assert any("time zone" in w for w in result.warnings)


def test_row_with_more_values_than_headers_is_quarantined(tmp_path):
    body = "id,team,work,success\n" + "\n".join(answers(5)) + "\np9,Sales,I sell, and buy,happy\n"
    ws = tmp_path / "w.duckdb"
    result = ow.ingest(write_study(tmp_path / "org", body), ws)[0]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 5, 1)
    assert "more values than the header" in q(ws, "SELECT reason FROM quarantine").reason[0]


def test_one_file_for_two_waves_is_refused(tmp_path, tiny_csv):
    study = write_study(tmp_path / "org", tiny_csv)
    study.write_text(
        study.read_text()
        + "  - wave_id: w2\n    file: survey.csv\n    columns: {unit: team}\n    questions: {work: work}\n"
    )
    with pytest.raises(
        InputError, match="'survey.csv' is named twice, for wave 'w1' and for wave 'w2'"
    ):
        ow.ingest(study, tmp_path / "w.duckdb")


def test_legacy_qualtrics_wording_row_is_not_a_respondent(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        "StartDate,ResponseId,Q1\nStart Date,Response ID,What is your work?\n"
        "2025-01-01,R_1,I sell\n2025-01-02,R_2,I pack\n"
    )
    frame, layout = read_survey(path)
    assert layout == "qualtrics" and frame["Q1"].tolist() == ["I sell", "I pack"]
    assert frame.attrs["wordings"]["Q1"] == "What is your work?"


def test_quarantine_copy_of_a_huge_row_is_valid_shortened_json(tmp_path):
    long = "www." + "a" * 130_000
    body = "id,team,work,success\n" + "\n".join(answers(5)) + f"\np9,,{long},x\n"
    ws = tmp_path / "w.duckdb"
    ow.ingest(write_study(tmp_path / "org", body), ws)
    raw = json.loads(q(ws, "SELECT raw FROM quarantine").raw[0])
    assert raw["id"].startswith("r_")  # pseudonymised, not the raw id
    assert len(raw["work"]) <= 301


def test_a_status_column_of_numbers_means_preview_only_in_qualtrics(tmp_path):
    body = "id,team,Status,work,success\n" + "\n".join(
        f"p{i},Sales,{i % 3},I answer calls {i},customers helped" for i in range(9)
    )
    result = ow.ingest(write_study(tmp_path / "org", body), tmp_path / "w.duckdb")[0]
    assert result.rows_loaded == 9


def test_a_stray_latin_byte_beside_utf8_accents_is_not_mojibake(tmp_path):
    data = "id,text\n1,Café\n2,naïve\n".encode() + b"3,caf\xe9\n"
    frame = read_table(tmp_path / "s.csv", data=data)
    assert frame["text"].tolist() == ["Café", "naïve", "café"]
    assert frame.attrs["encoding"] == "utf-8+cp1252"


def test_workbook_with_an_unsupported_compression_method_is_a_clear_error(tmp_path):
    data = bytearray(workbook_bytes([["id", "text"], ["1", "x"]]))
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = data.find(signature)
        while start != -1:
            data[start + offset : start + offset + 2] = (99).to_bytes(2, "little")
            start = data.find(signature, start + 4)
    path = tmp_path / "aes.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged"):
        read_table(path)


def test_a_qualtrics_export_declared_as_another_format_is_refused(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        "StartDate,ResponseId,Q1\nStart Date,Response ID,What is your work?\n"
        '"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}"\n'
        "2025-01-01,R_1,I sell\n"
    )
    with pytest.raises(InputError, match="this is a Qualtrics export"):
        read_survey(path, layout="surveymonkey")


def test_an_unclosed_quote_is_refused_not_merged(tmp_path):
    rows = answers(12)
    rows[3] = 'p3,Sales,"I answer calls, 5 inch screen,customers'
    body = "id,team,work,success\n" + "\n".join(rows) + '\np99,Sales,"normal, quoted",ok\n'
    with pytest.raises(InputError, match="never closed") as err:
        ow.ingest(write_study(tmp_path / "org", body), tmp_path / "w.duckdb")
    assert "row 5" in str(err.value) and "column 'C'" in str(err.value)


def test_response_as_an_answer_does_not_make_a_surveymonkey_export(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("id,team,channel,work,success\np1,Sales,Response,I answer calls,happy\n")
    frame, layout = read_survey(path)
    assert layout == "generic" and len(frame) == 1


def test_xlsx_values_right_of_the_header_are_data(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["id", "team", "work", "success", "Which tools do you use?"])
    book.active.append(["p1", "Sales", "I sell", "happy", "Excel", "Jira"])
    path = tmp_path / "sm.xlsx"
    book.save(path)
    frame = read_table(path)
    assert "_extra" not in frame.columns and frame.at[0, "Unnamed: F"] == "Jira"


def test_windows_1252_accents_next_to_curly_quotes_stay_windows_1252(tmp_path):
    data = "id,text\n1,Le “CAFÉ” est bon; l’équipe\n".encode("cp1252")
    frame = read_table(tmp_path / "s.csv", data=data)
    assert frame.attrs["encoding"] == "cp1252"
    assert frame.at[0, "text"] == "Le “CAFÉ” est bon; l’équipe"


def test_truncated_utf16_and_header_only_files_do_not_crash(tmp_path):
    data = "id,team,work,success\np1,Sales,calls,happy\n".encode("utf-16") + b"\x00"
    assert read_table(tmp_path / "s.csv", data=data).at[0, "id"] == "p1"
    mapping = "columns: {unit: team}\nquestions: {work: work, success: success}"
    result = ow.ingest(
        write_study(tmp_path / "org", "team,work,success\n", mapping=mapping), tmp_path / "w.duckdb"
    )[0]
    assert (result.rows_read, result.rows_loaded) == (0, 0)


def test_warnings_quote_answers_only_after_scrubbing(tmp_path):
    body = "id,team,work,success,clarity\n" + "\n".join(a + ",Agree" for a in answers(5))
    body += "\np9,Sales,I sell,happy,Disagree - ask priya.raman@example.com or +44 7700 900123\n"
    mapping = "columns: {respondent_id: id, unit: team}\nquestions: {work: work, success: success, scale_clarity: clarity}"
    ws = tmp_path / "w.duckdb"
    result = ow.ingest(write_study(tmp_path / "org", body, mapping=mapping), ws)[0]
    stored = " ".join(str(w) for w in q(ws, "SELECT warnings FROM sources").warnings[0])
    assert "example.com" not in stored and "7700" not in stored
    assert any("[email]" in w for w in result.warnings)


def test_a_wave_moved_to_another_file_leaves_no_stale_quarantine(tmp_path):
    body = "id,team,work,success\n" + "\n".join(answers(5)) + "\np9,Sales,,\n"
    study = write_study(tmp_path / "org", body)
    ws = tmp_path / "w.duckdb"
    ow.ingest(study, ws)
    (tmp_path / "org" / "new.csv").write_text(body)
    study.write_text(study.read_text().replace("file: survey.csv", "file: new.csv"))
    ow.ingest(study, ws)
    counts = q(ws, "SELECT source_file, count(*) n FROM quarantine GROUP BY 1")
    assert counts.source_file.tolist() == ["new.csv"] and counts.n.tolist() == [1]


def test_a_changed_mapping_reloads_an_unchanged_file(tmp_path):
    body = "id,team,work,success,other\n" + "\n".join(a + ",x" for a in answers(6)) + "\n"
    study = write_study(tmp_path / "org", body)
    ws = tmp_path / "w.duckdb"
    assert ow.ingest(study, ws)[0].status == "loaded"
    assert ow.ingest(study, ws)[0].status == "unchanged"
    study.write_text(study.read_text().replace("success: success", "success: other"))
    assert ow.ingest(study, ws)[0].status == "replaced"
    assert set(q(ws, "SELECT text FROM responses WHERE question = 'success'").text) == {"x"}


# Column-wise validation gives what the row-by-row rules give


def test_pseudonyms_are_the_privacy_modules():
    from opsworkbench.intake.validation import _pseudonymiser
    from opsworkbench.privacy import pseudonymise

    pseudonym = _pseudonymiser(salt="s3cret", org_id="acme")
    for raw in ["E0001", "", "row12", "Ünïcode id", "a\x1fb"]:
        assert pseudonym(raw) == pseudonymise(raw, salt="s3cret", org_id="acme")


@pytest.mark.filterwarnings("ignore:Parsing dates in:UserWarning")
@pytest.mark.parametrize("dayfirst", [False, True])
def test_dates_read_column_wise_are_those_read_one_by_one(dayfirst):
    from opsworkbench.intake.readers import parse_timestamp
    from opsworkbench.intake.validation import _timestamps

    values = [
        "2026-05-11 09:14:00",
        "2026-05-11T09:14:00.123456",
        "2026-05-11",
        "2026-02-30 10:00:00",
        "2026-05-11 24:00:00",
        " 2026-05-11 09:14 ",
        "46153.34514",
        "46153",
        "46153.",
        "2026",
        "99999",
        "1e5",
        "2026-05-11T09:14:00+01:00",
        "2026-05-11T09:14:00Z",
        "11/05/2026 09:14",
        "13/05/2026",
        "5/13/2026 9:14:00 AM",
        "2026/05/11 9:14:00 AM GMT+1",
        "9999-12-31 23:59:59",
        "not a date",
        "",
        "   ",
    ]
    parsed, zoned = _timestamps(pd.Series(values * 2, dtype=object), dayfirst)
    expected = []
    for value in values * 2:
        ts = parse_timestamp(value, dayfirst=dayfirst)
        if ts is not None and ts.tzinfo is not None:
            ts = ts.tz_convert("UTC").tz_localize(None)
        expected.append(pd.NaT if ts is None else ts)
    assert parsed.tolist() == expected
    assert zoned == 2 * sum(
        (ts := parse_timestamp(v, dayfirst=dayfirst)) is not None and ts.tzinfo is not None
        for v in values
    )


def test_csv_lines_are_split_where_a_csv_reader_splits_them():
    from opsworkbench.intake.readers import _lines

    text = 'a,b\r\n"x\ry",z\rq\x0bw,\u2028e\n\nlast'
    for chunk in (1, 2, 5, 1 << 20):
        assert list(_lines(text, chunk)) == list(io.StringIO(text, newline=""))
