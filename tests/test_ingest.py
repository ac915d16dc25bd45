import pandas as pd
import pytest

import opsworkbench as ow
from opsworkbench import InputError
from tests.helpers import SAMPLE, q, write_study


def test_sample_ingest_reconciles_every_file(sample_workspace):
    sources = q(sample_workspace, "SELECT * FROM sources")
    assert len(sources) == 4 * 3 + 6  # inventories + six survey waves
    assert (sources.rows_read == sources.rows_loaded + sources.rows_quarantined).all()
    quarantined = q(
        sample_workspace, "SELECT org_id, source_file, count(*) n FROM quarantine GROUP BY ALL"
    )
    assert quarantined.n.sum() == sources.rows_quarantined.sum()


def test_sample_mess_is_quarantined_with_reasons(sample_workspace):
    reasons = q(
        sample_workspace, "SELECT reason FROM quarantine WHERE org_id = 'harbour_mutual'"
    ).reason
    kinds = {r.split(":")[0] for r in reasons}
    assert kinds == {
        "survey preview",
        "no answer to the mapped questions (work, success)",
        "duplicate submission",
    }
    assert any("row 6" in r for r in reasons if r.startswith("duplicate"))  # says which row is kept


def test_pii_scrubbed_and_ids_pseudonymised(sample_workspace):
    texts = " ".join(q(sample_workspace, "SELECT text FROM responses WHERE text IS NOT NULL").text)
    assert "@example.org" not in texts and "07700" not in texts and "https://" not in texts
    assert "[email]" in texts and "[phone]" in texts and "[url]" in texts
    ids = q(sample_workspace, "SELECT respondent_id FROM respondents").respondent_id
    assert ids.str.match(r"^r_[0-9a-f]{16}$").all()
    raw = q(sample_workspace, "SELECT raw FROM quarantine").raw
    assert not raw.str.contains("@example.org").any()


def test_reingest_is_a_noop_and_new_wave_appends(tmp_path, tiny_csv):
    study = write_study(tmp_path / "org", tiny_csv)
    ws = tmp_path / "ws.duckdb"
    first = ow.ingest(study, ws)
    assert [r.status for r in first] == ["loaded"]
    again = ow.ingest(study, ws)
    assert [r.status for r in again] == ["unchanged"] and again[0].rows_loaded == 12
    assert q(ws, "SELECT count(*) n FROM respondents").n[0] == 12
    # a second wave is added to the study: the first stays, the second appends
    (tmp_path / "org" / "w2.csv").write_text(tiny_csv.replace("p1,", "p99,"))
    text = (
        study.read_text()
        + "  - wave_id: w2\n    file: w2.csv\n    columns: {respondent_id: id, unit: team}\n    questions: {work: work, success: success}\n"
    )
    study.write_text(text)
    statuses = [r.status for r in ow.ingest(study, ws)]
    assert statuses == ["unchanged", "loaded"]
    assert q(
        ws, "SELECT wave_id, count(*) n FROM respondents GROUP BY 1 ORDER BY 1"
    ).n.tolist() == [12, 12]


def test_changed_file_replaces_its_wave(tmp_path, tiny_csv):
    study = write_study(tmp_path / "org", tiny_csv)
    ws = tmp_path / "ws.duckdb"
    ow.ingest(study, ws)
    (tmp_path / "org" / "survey.csv").write_text("\n".join(tiny_csv.splitlines()[:6]) + "\n")
    result = ow.ingest(study, ws)[0]
    assert result.status == "replaced" and result.rows_loaded == 5
    assert q(ws, "SELECT count(*) n FROM respondents").n[0] == 5


@pytest.mark.parametrize(
    "body, reason, row",
    [
        (
            "id,team,work,success\na,Sales,,\n",
            "no answer to the mapped questions (work, success)",
            2,
        ),
        ("id,team,work,success\na,,I sell,happy customers\n", "no unit", 2),
        (
            "id,team,work,success\na,Sales,I sell,x\na,Sales,I sell more,y\n",
            "duplicate submission",
            2,
        ),
    ],
)
def test_bad_rows_are_quarantined_with_row_and_reason(tmp_path, body, reason, row):
    ws = tmp_path / "ws.duckdb"
    result = ow.ingest(write_study(tmp_path / "org", body), ws)[0]
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    qrows = q(ws, "SELECT * FROM quarantine")
    assert qrows.reason.str.startswith(reason).any()
    assert row in qrows.row_number.tolist()


def test_identical_rows_without_ids_are_duplicates(tmp_path):
    body = "team,work,success\nSales,I sell,happy\nSales,I sell,happy\nOps,I pack,fast\n"
    mapping = "columns: {unit: team}\nquestions: {work: work, success: success}"
    result = ow.ingest(
        write_study(tmp_path / "org", body, mapping=mapping), tmp_path / "ws.duckdb"
    )[0]
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)


def test_missing_mapped_column_names_it_and_lists_the_file_columns(tmp_path):
    study = write_study(tmp_path / "org", "id,team,work,succes\na,Sales,x,y\n")
    with pytest.raises(InputError) as err:
        ow.ingest(study, tmp_path / "ws.duckdb")
    message = str(err.value)
    assert "survey.csv" in message and "success → 'success'" in message and "'succes'" in message


@pytest.mark.parametrize("encoding, sep", [("utf-8-sig", ","), ("cp1252", ";")])
def test_encodings_and_delimiters(tmp_path, encoding, sep):
    body = (
        sep.join(["id", "team", "work", "success"])
        + "\n"
        + sep.join(["a", "Café", "I serve crème brûlée", "happy guests"])
        + "\n"
    )
    ws = tmp_path / "ws.duckdb"
    ow.ingest(write_study(tmp_path / "org", body, encoding=encoding), ws)
    assert q(ws, "SELECT unit FROM respondents").unit[0] == "Café"
    assert "crème brûlée" in q(ws, "SELECT text FROM responses").text.tolist()[0]


def test_excel_serial_dates_and_scale_labels(tmp_path):
    body = "id,team,when,work,success,los\na,Sales,45964.5,I sell,happy,Agree\nb,Sales,,I sell,happy,5\nc,Sales,junk,x,y,maybe\n"
    mapping = (
        "columns: {respondent_id: id, unit: team, submitted_at: when}\n"
        "questions: {work: work, success: success, scale_los: los}"
    )
    ws = tmp_path / "ws.duckdb"
    result = ow.ingest(write_study(tmp_path / "org", body, mapping=mapping), ws)[0]
    stamps = q(ws, "SELECT submitted_at FROM respondents ORDER BY source_row").submitted_at
    assert stamps[0] == pd.Timestamp("2025-11-03 12:00:00") and pd.isna(stamps[1])
    values = q(ws, "SELECT value FROM responses WHERE question = 'scale_los' ORDER BY value").value
    assert values.tolist()[:2] == [4.0, 5.0]
    assert any("unreadable dates" in w for w in result.warnings)
    assert any("'maybe'" in w for w in result.warnings)


def write_inventory(folder, name, body):
    (folder / name).write_text(body)
    study = folder / "study.yml"
    study.write_text(study.read_text() + f"{name.split('.')[0]}: {name}\n")


def test_metric_inventory_validation(tmp_path, tiny_csv):
    write_study(tmp_path / "org", tiny_csv)
    write_inventory(
        tmp_path / "org",
        "metrics.csv",
        (
            "Metric ID,Name,Measured,Reported,Incentivised,Incentive weight\n"
            "M1,Calls per hour,Y,Y,Y,30%\n"
            "M2,Customer effort,yes,no,no,\n"
            "M2,Duplicate id,yes,no,no,\n"
            "M3,Bad flag,maybe,no,no,\n"
            "M4,Bad weight,y,y,y,140%\n"
            ",No id,y,y,y,\n"
        ),
    )
    ws = tmp_path / "ws.duckdb"
    result = [r for r in ow.ingest(tmp_path / "org" / "study.yml", ws) if r.kind == "metrics"][0]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 2, 4)
    metrics = q(ws, "SELECT * FROM metrics ORDER BY metric_id")
    assert metrics.incentive_weight.tolist() == [0.3, 0.0]
    reasons = q(ws, "SELECT row_number, reason FROM quarantine ORDER BY row_number")
    assert reasons.row_number.tolist() == [4, 5, 6, 7]
    assert "already used in row 3" in reasons.reason[0]
    assert "'measured' has 'maybe'" in reasons.reason[1]
    assert "incentive_weight" in reasons.reason[2]
    assert "metric_id" in reasons.reason[3]


def test_okrs_and_capabilities(tmp_path, tiny_csv):
    write_study(tmp_path / "org", tiny_csv)
    write_inventory(
        tmp_path / "org",
        "okrs.csv",
        (
            "okr_id,parent_ids,objective,key_result,progress\n"
            "O1-KR1,,Grow,Customers stay longer,40%\n"
            "O2-KR1,O1-KR1;O9-KR9,Sell,Close 40 deals,0.2\n"
        ),
    )
    write_inventory(
        tmp_path / "org",
        "capabilities.csv",
        "capability_id,name,stage_order,units\nC1,Sell,1,Sales;Ops\nC2,Serve,two,Ops\n",
    )
    ws = tmp_path / "ws.duckdb"
    results = {r.kind: r for r in ow.ingest(tmp_path / "org" / "study.yml", ws)}
    okrs = q(ws, "SELECT * FROM okrs ORDER BY okr_id")
    assert list(okrs.parent_ids[1]) == ["O1-KR1", "O9-KR9"]
    assert any("O9-KR9" in w for w in results["okrs"].warnings)
    assert results["capabilities"].rows_quarantined == 1
    assert list(q(ws, "SELECT units FROM capabilities").units[0]) == ["Sales", "Ops"]


def test_failed_file_leaves_workspace_untouched(tmp_path, tiny_csv, monkeypatch):
    study = write_study(tmp_path / "org", tiny_csv)
    ws = tmp_path / "ws.duckdb"
    ow.ingest(study, ws)
    (tmp_path / "org" / "survey.csv").write_text(tiny_csv + "p100,Ops,new,answer\n")
    import opsworkbench.workspace as workspace

    calls = {"n": 0}
    real = workspace.insert_frame

    def failing(con, table, frame):
        calls["n"] += 1
        if table == "responses":
            raise RuntimeError("disk full")
        return real(con, table, frame)

    monkeypatch.setattr(workspace, "insert_frame", failing)
    with pytest.raises(RuntimeError):
        ow.ingest(study, ws)
    assert calls["n"] >= 2
    assert q(ws, "SELECT count(*) n FROM respondents").n[0] == 12  # the old wave, intact
    assert q(ws, "SELECT rows_loaded FROM sources").rows_loaded[0] == 12


def test_sample_folder_has_every_export_layout():
    layouts = {p.suffix for p in SAMPLE.rglob("survey_*")}
    assert layouts == {".csv", ".xlsx"}
    assert any("qualtrics" in p.name for p in SAMPLE.rglob("*.csv"))
    assert any("msforms" in p.name for p in SAMPLE.rglob("*.xlsx"))
