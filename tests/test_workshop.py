"""Workshop mode: the session log many kernels append to, the participants' page, the fold of
the log into the workshop wave, the presenter key and the ``workshop`` command.

Everything runs for real: separate OS processes append to one log, the participant's page is
the real widget tree (its callbacks called as a click calls them), and the fold writes a copy
of the sample workspace.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import opsworkbench
from opsworkbench.language.codebook import check_entry
from opsworkbench.workshop import fold as F
from opsworkbench.workshop import page, server
from opsworkbench.workshop import session as S
from opsworkbench.workshop.participant import MAX_CHARACTERS, Participant
from tests.helpers import q

ORG, OTHER = "civic_it", "harbour_mutual"
DAY = dt.date(2026, 11, 22)
WAVE = "workshop-2026-11-22"
# where the opsworkbench under test lives, so a child process (started elsewhere: Python puts
# its working folder first on its path) imports the same code
CODE_ROOT = str(Path(opsworkbench.__file__).resolve().parents[1])
WORK = [
    "I fix laptops for staff",
    "I build the payroll system",
    "I answer the service desk phone",
    "I patch the servers every month",
]
SUCCESS = [
    "Fewer tickets are reopened",
    "Staff get paid on time without errors",
    "Citizens reach council services online",
    "No outage during office hours",
]


# --- fixtures and helpers ---


@pytest.fixture
def workspace(tmp_path, sample_workspace) -> Path:
    """A copy of the sample workspace this test may write."""
    folder = tmp_path / "ws"
    folder.mkdir()
    for path in sample_workspace.parent.glob(sample_workspace.name + "*"):  # the .wal too
        shutil.copy(path, folder / path.name.replace(sample_workspace.stem, "opsworkbench"))
    return folder / "opsworkbench.duckdb"


def make_session(workspace: Path, org_id: str = ORG) -> S.Session:
    session = server.prepare(workspace, org_id, "127.0.0.1", 8866, day=DAY)
    session.save()
    return session


@pytest.fixture
def session(workspace) -> S.Session:
    return make_session(workspace)


def answer(session: S.Session, participant: str, i: int = 0, unit: str | None = None) -> dict:
    """One participant's answers appended to the log, as the participant's page does."""
    return S.append(
        session.log,
        {
            "kind": S.ANSWER,
            "participant": participant,
            "submission": f"s-{participant}-{i}",
            "unit": unit,
            "work": WORK[i % len(WORK)],
            "success": SUCCESS[i % len(SUCCESS)],
        },
    )


def room(session: S.Session, people: int = 20) -> list[str]:
    """``people`` participants answering, each from their own device."""
    devices = [f"device-{n:02d}-{os.urandom(4).hex()}" for n in range(people)]
    for n, device in enumerate(devices):
        answer(session, device, n, unit=session.units[n % len(session.units)])
    return devices


def snapshot(path: Path, org_id: str, tables=None, *, drop=()) -> dict[str, pd.DataFrame]:
    """Every row of ``org_id`` in every table with an ``org_id`` column (or in ``tables``),
    sorted; ``drop`` leaves out columns that record when something was written."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = tables or [
            t
            for (t,) in con.execute(
                "SELECT DISTINCT table_name FROM information_schema.columns "
                "WHERE column_name = 'org_id' ORDER BY 1"
            ).fetchall()
        ]
        found = {}
        for name in names:
            frame = con.execute(
                f"SELECT * FROM {name} WHERE org_id = ? ORDER BY ALL", [org_id]
            ).df()
            found[name] = frame.drop(columns=[c for c in drop if c in frame]).reset_index(drop=True)
        return found
    finally:
        con.close()


def assert_same(before: dict, after: dict) -> None:
    assert before.keys() == after.keys()
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


WAVE_TABLES = ["respondents", "responses", "questions", "waves", "quarantine", "sources"]
WAVE_TABLES += ["workshop_sessions", "workshop_events", "codebook", "themes"]
WRITTEN_AT = ("ingested_at", "folded_at", "created_at")


def source_row(path: Path, org_id: str = ORG) -> dict:
    found = q(path, "SELECT * FROM sources WHERE org_id = ? AND key = ?", org_id, WAVE)
    assert len(found) == 1
    return found.iloc[0].to_dict()


def page_for(session: S.Session, device: str) -> Participant:
    """A participant's page opened on ``device`` (the browser reports its stored id)."""
    participant = Participant(session)
    participant.device.participant = device
    return participant


def fill(participant: Participant, work: str, success: str) -> None:
    participant.answers["work"].value = work
    participant.answers["success"].value = success


# --- the log: many processes append at once ---

APPENDER = r"""
import sys, time
from pathlib import Path
from opsworkbench.workshop.session import append

log, go, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.0002)
append(log, {"kind": "answer", "participant": f"device-{n:02d}", "unit": None,
             "work": f"<{n}>" + "é" * 60000 + f"</{n}>", "success": f"success {n}"})
"""


def test_thirty_processes_appending_at_once_leave_thirty_whole_records(tmp_path):
    log, go = tmp_path / "session" / S.LOG_NAME, tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": CODE_ROOT}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, str(log), str(go), str(n)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for n in range(30)
    ]
    try:
        for child in children:  # every process is ready before any appends
            assert child.stdout.readline().strip() == "ready"
        reader, seen = S.LogReader(log), []
        go.touch()
        while any(child.poll() is None for child in children):
            seen += reader.read()  # reading while they write
        assert all(child.wait(timeout=30) == 0 for child in children)
        seen += reader.read()
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.stdout.close()

    def whole(record: dict) -> bool:
        n = int(record["participant"].removeprefix("device-"))
        return record["work"] == f"<{n}>" + "é" * 60000 + f"</{n}>"

    assert reader.unreadable == []
    assert len(seen) == 30 and all(whole(r) for r in seen)
    assert sorted(r["participant"] for r in seen) == [f"device-{n:02d}" for n in range(30)]
    assert [r["line"] for r in seen] == list(range(1, 31))
    data = log.read_bytes()
    assert data.endswith(b"\n") and data.count(b"\n") == 30
    records, unreadable = S.parse(data)
    assert unreadable == [] and len(records) == 30 and all(whole(r) for r in records)
    assert len(S.latest_answers(records)) == 30


def test_the_reader_waits_for_a_line_still_being_written(tmp_path):
    log = tmp_path / S.LOG_NAME
    reader = S.LogReader(log)
    assert reader.read() == []  # no log yet
    first = S.append(log, {"kind": S.ANSWER, "participant": "a", "work": "w", "success": "s"})
    line = json.dumps({"at": S.now(), "kind": S.ANSWER, "participant": "b", "work": "x"})
    with open(log, "ab") as handle:
        handle.write(line[:25].encode())
    got = reader.read()
    assert [r["participant"] for r in got] == ["a"] and got[0]["at"] == first["at"]
    for _ in range(2):
        assert reader.read() == [] and reader.unreadable == []
    with open(log, "ab") as handle:
        handle.write(line[25:].encode() + b"\n")
    got = reader.read()
    assert [(r["participant"], r["line"]) for r in got] == [("b", 2)]
    assert reader.unreadable == []


def test_a_half_written_line_is_closed_by_the_next_append_and_quarantined(session, workspace):
    answer(session, "device-a", 0)
    with open(session.log, "ab") as handle:  # a kernel died while writing
        handle.write(b'{"at": "2026-11-22T10:00:00.000", "kind": "answer", "participant": "dev')
    reader = S.LogReader(session.log)
    assert [r["participant"] for r in reader.read()] == ["device-a"]
    answer(session, "device-b", 1)
    got = reader.read()
    assert [(r["participant"], r["line"]) for r in got] == [("device-b", 3)]
    assert reader.unreadable == [2]
    assert [r["participant"] for r in S.read_log(session.log)] == ["device-a", "device-b"]

    folded = F.fold_now(session)
    assert (folded.participants, folded.answer_records, folded.unreadable) == (2, 2, 1)
    assert q(workspace, "SELECT count(*) n FROM respondents WHERE wave_id = ?", WAVE).n[0] == 2
    quarantined = q(
        workspace,
        "SELECT row_number, reason FROM quarantine WHERE org_id = ? AND source_file = ?",
        ORG,
        str(session.log),
    )
    assert quarantined["row_number"].tolist() == [2]
    assert quarantined["reason"][0].startswith("unreadable")
    source = source_row(workspace)
    assert (source["rows_read"], source["rows_loaded"], source["rows_quarantined"]) == (3, 2, 1)


# --- the participant's page ---


@pytest.mark.parametrize(
    "work, success",
    [
        ("I fix laptops for staff", "Fewer tickets are reopened"),
        # what the page stores differs from what was typed (spaces, a phone number)
        ("  I fix laptops for staff  ", "Fewer tickets; or ring me on 07700 900123"),
    ],
    ids=["as-typed", "cleaned-by-the-page"],
)
def test_a_double_click_on_send_sends_once(session, work, success):
    participant = page_for(session, "device-1")
    fill(participant, work, success)
    assert not participant.send.disabled
    participant._send()
    participant._send()  # the second click of a double click
    assert len(S.read_log(session.log)) == 1
    assert "Received" in participant.status.value


def test_a_reloaded_page_shows_the_answers_are_in_and_sends_nothing(session):
    first = page_for(session, "device-1")
    fill(first, WORK[0], SUCCESS[0])
    first._send()
    size = session.log.stat().st_size
    again = page_for(session, "device-1")  # the same browser opens the page again
    assert "Your answers are in" in again.status.value
    assert again.form.layout.display == "none" and again.done.layout.display == ""
    assert again.answers["work"].value == WORK[0]
    other = page_for(session, "device-2")  # someone else's device is asked afresh
    assert "answers are in" not in other.status.value and other.form.layout.display != "none"
    assert session.log.stat().st_size == size
    assert len(S.read_log(session.log)) == 1


def test_a_new_device_gets_an_id_of_its_own_when_it_sends(session):
    first, second = Participant(session), Participant(session)
    for participant in (first, second):
        fill(participant, WORK[0], SUCCESS[0])
        participant._send()
    ids = [r["participant"] for r in S.read_log(session.log)]
    assert len(set(ids)) == 2 and all(len(i) >= 16 for i in ids)
    assert ids == [first.device.participant, second.device.participant]


def test_personal_data_is_scrubbed_before_it_reaches_the_log(session):
    participant = page_for(session, "device-1")
    participant.unit.value = session.units[0]
    fill(
        participant,
        "I run payroll, mail me at jane.doe@example.com or ring +44 7700 900456",
        "Urgent cases: call John Smith on 07700 900123",
    )
    participant._send()
    raw = session.log.read_bytes()
    for personal in (b"jane.doe", b"example.com", b"7700", b"900456", b"900123", b"John", b"Smith"):
        assert personal not in raw
    record = S.read_log(session.log)[0]
    assert "[email]" in record["work"] and "[phone]" in record["work"]
    assert record["success"] == "Urgent cases: call [name] on [phone]"
    assert record["unit"] == session.units[0]
    assert os.stat(session.log).st_mode & 0o077 == 0  # the log is the page owner's only


def test_a_long_answer_is_cut(session):
    participant = page_for(session, "device-1")
    fill(participant, "I plan rotas. " * 200, SUCCESS[0])
    assert len(participant.answers["work"].value) > MAX_CHARACTERS
    participant._send()
    record = S.read_log(session.log)[0]
    assert 0 < len(record["work"]) <= MAX_CHARACTERS
    assert record["success"] == SUCCESS[0]
    assert "cut" in participant.status.value


def test_cutting_a_long_answer_leaves_no_part_of_an_email_address(session):
    # the address starts just before the 1,000th character: cut first, then scrubbed, its
    # first half ("john.smith@") is no longer an address and would stay in the log
    tail = " or write to john.smith@example.com"
    work = "x" * (MAX_CHARACTERS - len(" or write to john.smith@")) + tail
    participant = page_for(session, "device-1")
    fill(participant, work, SUCCESS[0])
    participant._send()
    raw = session.log.read_bytes()
    assert b"john.smith" not in raw and b"example" not in raw
    assert len(S.read_log(session.log)[0]["work"]) <= MAX_CHARACTERS


def test_changed_answers_replace_the_earlier_ones(session, workspace):
    participant = page_for(session, "device-1")
    fill(participant, WORK[0], SUCCESS[0])
    participant._send()
    participant._change()
    assert participant.form.layout.display == "" and not participant.send.disabled
    fill(participant, WORK[1], SUCCESS[1])
    participant._send()
    records = S.read_log(session.log)
    assert len(records) == 2 and records[0]["participant"] == records[1]["participant"]

    folded = F.fold_now(session)
    assert (folded.participants, folded.answer_records, folded.replaced) == (1, 2, 1)
    people = q(workspace, "SELECT * FROM respondents WHERE org_id = ? AND wave_id = ?", ORG, WAVE)
    assert len(people) == 1 and people["source_row"][0] == 2
    texts = q(
        workspace,
        "SELECT question, text FROM responses WHERE org_id = ? AND wave_id = ? ORDER BY 1",
        ORG,
        WAVE,
    )
    assert dict(zip(texts.question, texts.text, strict=True)) == {
        "success": SUCCESS[1],
        "work": WORK[1],
    }
    quarantined = q(
        workspace,
        "SELECT * FROM quarantine WHERE org_id = ? AND source_file = ?",
        ORG,
        str(session.log),
    )
    assert quarantined["row_number"].tolist() == [1]
    reason = quarantined["reason"][0]
    assert reason.startswith("replaced") and "log line 2" in reason
    assert records[1]["at"][11:19] in reason
    assert json.loads(quarantined["raw"][0])["work"] == WORK[0]
    source = source_row(workspace)
    assert source["rows_read"] == source["rows_loaded"] + source["rows_quarantined"] == 2


# --- the fold: the room's answers become the workshop wave ---


def test_twenty_participants_become_the_workshop_wave(session, workspace):
    devices = room(session, 20)
    folded = F.fold_now(session)
    assert folded == F.Folded(20, 20, 0, 0, 0, True)
    people = q(workspace, "SELECT * FROM respondents WHERE org_id = ? AND wave_id = ?", ORG, WAVE)
    assert len(people) == 20 and people["respondent_id"].is_unique
    assert set(people["unit"]) <= set(session.units)
    assert people["submitted_at"].notna().all()
    for pseudonym in people["respondent_id"]:
        assert pseudonym.startswith("r_") and all(d not in pseudonym for d in devices)
    counts = q(
        workspace,
        "SELECT question, count(*) n FROM responses WHERE org_id = ? AND wave_id = ? GROUP BY 1",
        ORG,
        WAVE,
    )
    assert dict(zip(counts.question, counts.n, strict=True)) == {"work": 20, "success": 20}
    wave = q(workspace, "SELECT * FROM waves WHERE org_id = ? AND wave_id = ?", ORG, WAVE)
    assert len(wave) == 1 and wave["fielded_on"][0].date() == DAY
    asked = q(workspace, "SELECT * FROM questions WHERE org_id = ? AND wave_id = ?", ORG, WAVE)
    assert sorted(asked["question"]) == ["success", "work"]
    assert sorted(q(workspace, "SELECT question FROM themes WHERE wave_id = ?", WAVE).question) == [
        "success",
        "work",
    ]
    source = source_row(workspace)
    assert (source["rows_read"], source["rows_loaded"], source["rows_quarantined"]) == (20, 20, 0)
    everything = "\n".join(
        q(workspace, f"SELECT * FROM {t}").astype(str).to_csv() for t in WAVE_TABLES
    )
    assert all(d not in everything for d in devices)  # no raw device id anywhere


def test_folding_again_and_after_a_restart_changes_nothing(session, workspace):
    room(session, 20)
    S.append(session.log, {"kind": "step", "step": 2})
    assert F.fold_now(session).changed
    written = snapshot(workspace, ORG, WAVE_TABLES)
    again = F.fold_now(session)
    assert not again.changed and (again.participants, again.decisions) == (20, 1)
    assert_same(written, snapshot(workspace, ORG, WAVE_TABLES))

    # the command starts again: the settings on disk, the same workspace
    settings = Path(session.folder) / S.SETTINGS_NAME
    restarted = S.Session.load(settings)
    assert restarted == session
    assert not F.fold_now(restarted).changed
    assert_same(written, snapshot(workspace, ORG, WAVE_TABLES))
    prepared = server.prepare(workspace, ORG, "127.0.0.1", 8870, day=DAY)
    assert prepared.presenter_key == session.presenter_key and prepared.log == session.log
    assert prepared.units == session.units  # still the survey's units, not the workshop's
    assert F.fold_now(restarted, force=True).changed  # writing it all again gives the same
    assert_same(
        snapshot(workspace, ORG, WAVE_TABLES, drop=WRITTEN_AT),
        {k: v.drop(columns=[c for c in WRITTEN_AT if c in v]) for k, v in written.items()},
    )


def test_the_audit_trail_has_every_record_and_no_answer_text(session, workspace):
    devices = room(session, 6)
    S.append(session.log, {"kind": "step", "step": 2})
    answer(session, devices[0], 3)  # changes their answers
    S.append(session.log, {"kind": "curtain", "open": True})
    F.fold_now(session)
    records = S.read_log(session.log)
    events = q(
        workspace,
        "SELECT * FROM workshop_events WHERE org_id = ? AND wave_id = ? ORDER BY line",
        ORG,
        WAVE,
    )
    assert events["line"].tolist() == [r["line"] for r in records] == list(range(1, 10))
    assert events["kind"].tolist() == [r["kind"] for r in records]
    assert events["recorded_at"].tolist() == [pd.Timestamp(r["at"]) for r in records]
    pseudonyms = set(
        q(workspace, "SELECT respondent_id FROM respondents WHERE wave_id = ?", WAVE)[
            "respondent_id"
        ]
    )
    answers = events[events["kind"] == S.ANSWER]
    assert set(answers["actor"]) == pseudonyms
    assert set(events.loc[events["kind"] != S.ANSWER, "actor"]) == {F.FACILITATOR}
    kept = [json.loads(d)["kept"] for d in answers["detail"]]
    assert kept == [False, True, True, True, True, True, True]
    trail = events.astype(str).to_csv() + q(workspace, "SELECT * FROM workshop_sessions").to_csv()
    for text in WORK + SUCCESS:
        assert text not in trail
    assert all(d not in trail for d in devices)
    row = q(workspace, "SELECT * FROM workshop_sessions WHERE org_id = ?", ORG).iloc[0]
    assert (row["participants"], row["answer_records"], row["decisions"]) == (6, 7, 2)
    assert row["started_at"] == pd.Timestamp(records[0]["at"])
    assert row["last_record_at"] == pd.Timestamp(records[-1]["at"])


def test_a_facilitators_theme_names_become_one_codebook_entry_each(session, workspace):
    devices = room(session, 20)
    F.fold_now(session)
    found = q(workspace, "SELECT found FROM themes WHERE wave_id = ? AND question = 'work'", WAVE)
    keys = [t["key"] for t in json.loads(found["found"][0])["table"]]
    assert len(keys) >= 2
    S.append(session.log, {"kind": "rename", "target": keys[0], "label": "New name"})
    S.append(session.log, {"kind": "merge", "target": "||".join(keys[:2]), "label": "Merged"})
    S.append(session.log, {"kind": "rename", "target": "", "label": "hand-edited, no key"})
    F.fold_now(session)
    answer(session, devices[0], 2)  # the log grows: the next fold reads it all again
    F.fold_now(session)
    F.fold_now(session, force=True)
    entries = q(workspace, "SELECT * FROM codebook WHERE org_id = ? ORDER BY version", ORG)
    mine = entries[entries["author"] == F.FACILITATOR]
    assert mine["action"].tolist() == ["rename", "merge"]
    assert mine["target"].tolist() == [
        check_entry("rename", keys[0], "x")[0],
        check_entry("merge", "||".join(keys[:2]), "x")[0],
    ]
    assert mine["value"].tolist() == ["New name", "Merged"]
    assert all(WAVE in note for note in mine["note"])
    assert q(workspace, "SELECT count(*) n FROM codebook WHERE org_id = ?", OTHER).n[0] == 0


def test_a_fold_for_one_organisation_writes_nothing_for_another(workspace):
    other_before = snapshot(workspace, OTHER)
    mine = make_session(workspace, ORG)
    room(mine, 12)
    S.append(mine.log, {"kind": "rename", "target": "fix|laptops", "label": "Laptops"})
    F.fold_now(mine)
    assert_same(other_before, snapshot(workspace, OTHER))

    # the other organisation's workshop the same day has a log of its own
    theirs = make_session(workspace, OTHER)
    assert theirs.log != mine.log and theirs.presenter_key != mine.presenter_key
    assert S.read_log(theirs.log) == []
    mine_before = snapshot(workspace, ORG)
    room(theirs, 6)
    F.fold_now(theirs)
    assert_same(mine_before, snapshot(workspace, ORG))
    assert q(workspace, "SELECT count(*) n FROM respondents WHERE wave_id = ?", WAVE).n[0] == 18


@pytest.mark.parametrize(
    "line",
    [
        {"at": "2026-11-22T10:00:00.000", "kind": "answer", "work": "secret w", "success": "x"},
        {"kind": "answer", "participant": "device-zz", "work": "secret w", "success": "x"},
        {"at": "2026-11-22T10:00:00.000", "participant": "device-zz", "work": "secret w"},
    ],
    ids=["answer-without-participant", "answer-without-time", "record-without-kind"],
)
def test_a_line_that_is_not_a_workshop_record_is_quarantined(session, workspace, line):
    """A line the pages never write (edited by hand, or from another version): the fold
    carries on, the line is quarantined with a reason, and none of it reaches the audit trail."""
    answer(session, "device-a", 0)
    with open(session.log, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")
    answer(session, "device-b", 1)
    folded = F.fold_now(session)
    assert folded.participants == 2
    source = source_row(workspace)
    assert (source["rows_read"], source["rows_loaded"], source["rows_quarantined"]) == (3, 2, 1)
    quarantined = q(
        workspace,
        "SELECT row_number, reason FROM quarantine WHERE source_file = ?",
        str(session.log),
    )
    assert quarantined["row_number"].tolist() == [2] and quarantined["reason"][0]
    trail = q(workspace, "SELECT * FROM workshop_events").astype(str).to_csv()
    assert "secret" not in trail and "device-zz" not in trail


def test_the_folder_folds_as_the_log_grows_and_once_more_when_stopped(session, workspace):
    told = []
    folder = F.Folder(session, interval=0.05, report=told.append)
    folder.start()
    try:
        answer(session, "device-a", 0)
        deadline = time.monotonic() + 30
        while (folder.last is None or folder.last.participants < 1) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert folder.last is not None and folder.last.participants == 1
        answer(session, "device-b", 1)
    finally:
        folder.stop()
    assert not folder.is_alive() and told == []
    assert folder.last.participants == 2  # the last answers are in, however soon it stopped
    assert q(workspace, "SELECT count(*) n FROM respondents WHERE wave_id = ?", WAVE).n[0] == 2


def test_a_log_with_no_answers_makes_no_wave(session, workspace):
    assert F.fold_now(session).participants == 0  # no log yet
    S.append(session.log, {"kind": "step", "step": 1})
    folded = F.fold_now(session)
    assert folded.changed and folded.decisions == 1 and folded.participants == 0
    assert q(workspace, "SELECT count(*) n FROM waves WHERE wave_id = ?", WAVE).n[0] == 0
    assert q(workspace, "SELECT count(*) n FROM workshop_events").n[0] == 1


@pytest.mark.slow
def test_the_workshop_wave_renders_as_a_report(session, workspace, tmp_path):
    from opsworkbench.report.render import render_report

    devices = room(session, 20)
    F.fold_now(session)
    html = render_report(ORG, WAVE, workspace=workspace, out_dir=tmp_path / "reports")
    assert html == (tmp_path / "reports" / ORG / WAVE / "report.html").resolve()
    text = html.read_text(encoding="utf-8")
    assert session.name in text and WAVE in text
    assert all(d not in text for d in devices)
    assert "Harbour Mutual" not in text


# --- which page an address opens, and the command ---


def test_only_the_presenter_key_opens_the_presenter_view(session, monkeypatch):
    key = session.presenter_key
    assert page.is_presenter(session, f"presenter={key}")
    assert page.is_presenter(session, f"unit=x&presenter={key}")
    for query in (
        "",
        "presenter=",
        f"presenter={key[:-1]}",
        f"presenter={key}x",
        f"presenter={key.upper() if key.upper() != key else key.lower()}",
        f"other={key}",
        "presenter=wrong",
        f"presenter={S.Session(ORG, 'x', '2026-11-22', 'w', 'f').presenter_key}",
    ):
        assert not page.is_presenter(session, query), query
    monkeypatch.setenv("QUERY_STRING", f"presenter={key}")
    assert page.is_presenter(session)
    monkeypatch.setenv("QUERY_STRING", "presenter=nope")
    assert not page.is_presenter(session)
    monkeypatch.delenv("QUERY_STRING")
    assert not page.is_presenter(session)


def test_a_key_with_letters_beyond_ascii_is_a_wrong_key_not_an_error(session):
    assert page.is_presenter(session, "presenter=%C3%A9t%C3%A9") is False


def test_prepare_takes_units_wording_and_minimums_from_the_survey(workspace):
    prepared = server.prepare(workspace, ORG, "10.0.0.7", 8899, day=DAY)
    assert prepared.wave_id == WAVE and prepared.session_id == f"{ORG}/{WAVE}"
    survey = "2026-05"  # civic_it's latest survey
    units = q(workspace, "SELECT DISTINCT unit FROM respondents WHERE wave_id = ?", survey)
    assert prepared.units and set(prepared.units) <= set(units["unit"])
    organisation = q(workspace, "SELECT * FROM organisations WHERE org_id = ?", ORG).iloc[0]
    assert prepared.name == organisation["name"]
    assert prepared.min_size == organisation["min_group_size"]
    assert prepared.min_quote_size == organisation["min_quote_group_size"]
    assert set(prepared.wording) == {"work", "success"} and all(prepared.wording.values())
    assert prepared.participant_url == "http://10.0.0.7:8899/"
    assert prepared.presenter_url == f"http://10.0.0.7:8899/?presenter={prepared.presenter_key}"
    assert Path(prepared.folder).parent == workspace.parent / "workshops"
    assert S.survey_wave(["2025-11", survey, WAVE]) == survey
    assert S.survey_wave([WAVE]) is None


def test_free_port_skips_a_port_in_use():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        found = server.free_port("127.0.0.1", start=taken, tries=5)
        assert taken < found < taken + 5


def test_the_command_for_an_unknown_organisation_exits_2_and_starts_nothing(workspace):
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "opsworkbench", "workshop", "--org", "unknown"]
        + ["--workspace", str(workspace), "--no-browser", "--host", "127.0.0.1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": CODE_ROOT},
        cwd=workspace.parent,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr, proc.stderr
    assert "unknown" in proc.stderr
    for org_id in ("civic_it", "harbour_mutual", "northstar_cards", "riverside_health"):
        assert re.search(rf"\b{org_id}\b", proc.stderr)
    assert "Presenter view" not in proc.stdout and "Ctrl-C" not in proc.stdout
    assert not (workspace.parent / "workshops").exists()
    assert time.monotonic() - started < 120


# --- the presenter view: what each state may show, in every widget's state ---


def presenter_state(presenter) -> str:
    """Every widget's synced state under the presenter view, as one JSON text."""
    import ipywidgets as w

    seen, todo, states = set(), [presenter.widget], []
    while todo:
        widget = todo.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        state = widget.get_state()
        states.append(json.dumps(state, default=str, ensure_ascii=False))
        todo += [c for c in getattr(widget, "children", ()) if isinstance(c, w.Widget)]
    return "\n".join(states)


def walk(presenter) -> list[str]:
    """The presenter's state at each of the six steps."""
    out = []
    for step in range(6):
        presenter.go(step)
        out.append(presenter_state(presenter))
    return out


def answered_texts(session) -> set[str]:
    return {
        r[q]
        for r in S.read_log(session.log)
        if r.get("kind") == S.ANSWER
        for q in ("work", "success")
    }


@pytest.mark.slow
def test_the_presenter_shows_the_room_only_as_the_privacy_rules_allow(session):
    from opsworkbench.privacy import escape
    from opsworkbench.workshop.presenter import Presenter

    presenter = Presenter(session, poll=False)
    room(session, people=session.min_size - 1)
    presenter.update()
    states = walk(presenter)
    assert presenter.room.people == session.min_size - 1
    assert "<svg" not in states[1]  # no map below the minimum group size
    assert "appears once" in states[1]
    assert not presenter._quotes_allowed()

    room(session, people=session.min_quote_size + 2)  # now well above both minimums
    presenter.update()
    presenter.quotes.value = True  # the facilitator shows quotes
    presenter.go(1)
    shown = presenter_state(presenter)
    assert "<svg" in shown and "class='ow-quote'" in shown
    quoted = re.findall(r"class='ow-quote'[^>]*>“(.*?)”<", shown)
    assert quoted, "quotes are on and the room is above the quote minimum"
    texts = {escape(t) for t in answered_texts(session)}
    assert all(any(q.rstrip("…") in t for t in texts) for q in quoted), quoted

    presenter._key(None, {"key": "c"}, None)  # the privacy curtain
    assert presenter.room.decisions.curtain
    names = [n for n in presenter.names if len(n) > 3]
    assert session.units[0] in names
    for step, state in enumerate(walk(presenter)):
        assert "class='ow-quote'" not in state, f"a quote under the curtain at step {step + 1}"
        leaked = [n for n in names if escape(n) in state or n in state]
        assert not leaked, f"unit names under the curtain at step {step + 1}: {leaked}"
        assert "Curtain on" in state

    presenter._key(None, {"key": "c"}, None)
    presenter.go(4)
    assert escape(session.units[0]) in presenter_state(presenter)  # the curtain lifts again
    kinds = [r["kind"] for r in S.read_log(session.log) if r["kind"] != S.ANSWER]
    assert kinds.count("curtain") == 2 and "verbatims" in kinds and "step" in kinds


def test_the_presenter_escapes_what_participants_write(session):
    from opsworkbench.workshop.presenter import Presenter

    evil = "<script>alert(1)</script> I process <b onmouseover=x>claims</b> every day"
    for n in range(12):
        S.append(
            session.log,
            {"kind": S.ANSWER, "participant": f"d{n}", "unit": None, "work": evil, "success": evil},
        )
    presenter = Presenter(session, poll=False)
    presenter.quotes.value = True
    state = "\n".join(walk(presenter))
    assert "<script>alert" not in state and "<b onmouseover" not in state


def test_a_reloaded_presenter_comes_back_as_it_was(session):
    from opsworkbench.workshop.presenter import Presenter

    first = Presenter(session, poll=False)
    first.go(3)
    first._key(None, {"key": "c"}, None)
    first.category.value = "measures"
    first.proposal.value = "Report repeat contacts next to calls handled"
    first._add()
    again = Presenter(session, poll=False)
    assert again.room.decisions.step == 3 and again.room.decisions.curtain
    assert [p["text"] for p in again.room.decisions.proposals.values()] == [
        "Report repeat contacts next to calls handled"
    ]
