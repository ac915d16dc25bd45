"""Seeded generator for the bundled sample organisations (``opsworkbench sample``)."""

from __future__ import annotations

import csv
import datetime as dt
import random
import string
import zlib
from pathlib import Path

import pandas as pd
import yaml

from opsworkbench.sample.content import (
    ASIDES,
    LIKERT,
    NON_ANSWERS,
    ORGS,
    PHRASES,
    SCALE_ITEMS,
    SUCCESS_FRAMES,
    TENURE_BANDS,
    WORK_FRAMES,
)

QUADRANT_KEYS = ["ff", "ca", "co", "br"]
WORK_Q = "What is your work?"
SUCCESS_Q = "What does success look like?"
UNIT_Q = "Which team are you in?"
ROLE_Q = "What is your role?"
TENURE_Q = "How long have you worked here?"
# How the second wave differs: weight moved from factory-floor towards outcome language.
WAVE_SHIFT = {"civic_it": 0.12, "harbour_mutual": 0.04}


def _rng(*parts: str) -> random.Random:
    return random.Random(zlib.crc32("|".join(parts).encode()))


def _typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    kind = rng.random()
    if kind < 0.4:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind < 0.7:
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _pick_quadrant(weights: list[float], rng: random.Random) -> str:
    return rng.choices(QUADRANT_KEYS, weights=weights)[0]


def _compose(bank: dict, frames: list[str], weights: list[float], rng: random.Random) -> str:
    quadrant = _pick_quadrant(weights, rng)
    # Mostly stay in one quadrant; sometimes mix in a second one, as real answers do.
    picks = []
    for k in range(3):
        q = quadrant if k == 0 or rng.random() < 0.7 else _pick_quadrant(weights, rng)
        choices = [p for p in bank[q] if p not in picks] or bank[q]
        picks.append(rng.choice(choices))
    frame = rng.choice(frames)
    text = frame.format(
        p=picks[0],
        p2=picks[1],
        p3=picks[2],
        s=picks[0],
        s2=picks[1],
        P=picks[0][0].upper() + picks[0][1:],
        P2=picks[1][0].upper() + picks[1][1:],
        P3=picks[2][0].upper() + picks[2][1:],
        S=picks[0][0].upper() + picks[0][1:],
    )
    roll = rng.random()
    if roll < 0.12:
        text += rng.choice(ASIDES)
    if rng.random() < 0.15:
        text = _typo(text, rng)
    if rng.random() < 0.12:
        text = text.lower()
    if rng.random() < 0.05:
        text = text + "  "
    return text


def _weights(unit_weights: list[float], shift: float) -> list[float]:
    ff, ca, co, br = unit_weights
    moved = min(ff, shift * 2)
    return [ff - moved, ca, co + moved / 2, br + moved / 2]


def generate_responses(org_key: str, wave_index: int) -> list[dict]:
    """Return one dict per submission for an organisation's wave (before export layout)."""
    org = ORGS[org_key]
    wave_id, fielded_on = org["waves"][wave_index]
    rng = _rng(org_key, wave_id)
    bank = PHRASES[org["sector"]]
    shift = WAVE_SHIFT.get(org_key, 0.0) * wave_index
    start = dt.datetime.fromisoformat(fielded_on).replace(hour=8)
    rows = []
    for unit, size, work_w, success_w in org["units"]:
        n = max(3, int(size * (0.92 + 0.16 * rng.random()))) if wave_index else size
        for _ in range(n):
            submitted = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 12))
            work = _compose(bank["work"], WORK_FRAMES, _weights(work_w, shift), rng)
            success = _compose(bank["success"], SUCCESS_FRAMES, _weights(success_w, shift), rng)
            roll = rng.random()
            if roll < 0.03:
                work = rng.choice(NON_ANSWERS)
            elif roll < 0.05:
                success = rng.choice(NON_ANSWERS + ["same as above"])
            elif roll < 0.07:
                success = ""
            row = {
                "respondent": "".join(rng.choices(string.ascii_letters + string.digits, k=15)),
                "started": submitted - dt.timedelta(seconds=rng.randrange(90, 1500)),
                "submitted": submitted,
                "unit": unit,
                "role": rng.choice(org["roles"]),
                "tenure": rng.choice(TENURE_BANDS),
                "work": work,
                "success": success,
            }
            for item in SCALE_ITEMS:
                row[item] = "" if rng.random() < 0.04 else rng.choice(LIKERT)
            rows.append(row)
    rows.sort(key=lambda r: r["submitted"])
    # Realistic mess: contact details in free text, a URL, an empty submission, a duplicate.
    rows[7]["success"] += " - happy to talk more, email me at j.morgan@example.org"
    rows[19]["work"] = rows[19]["work"].rstrip(".") + ". Call me on 07700 900461 if you need detail"
    rows[31]["work"] += " (process is on https://intranet.example.org/wiki/process-map)"
    rows[43].update(work="", success="", line_of_sight="", targets_fair="")
    rows.insert(60, dict(rows[59]))
    return rows


def _likert_number(label: str) -> str:
    return str(LIKERT.index(label) + 1) if label else ""


def _write_qualtrics(rows: list[dict], path: Path) -> dict:
    meta = [
        ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/London"}'),
        ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/London"}'),
        ("Status", "Response Type", '{"ImportId":"status"}'),
        ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
        ("Progress", "Progress", '{"ImportId":"progress"}'),
        ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
        ("Finished", "Finished", '{"ImportId":"finished"}'),
        ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/London"}'),
        ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
        ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
        ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
        ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
        ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
        ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
        ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
        ("Q1", UNIT_Q, '{"ImportId":"QID1"}'),
        ("Q2", ROLE_Q, '{"ImportId":"QID2"}'),
        ("Q3", TENURE_Q, '{"ImportId":"QID3"}'),
        ("Q4", WORK_Q, '{"ImportId":"QID4_TEXT"}'),
        ("Q5", SUCCESS_Q, '{"ImportId":"QID5_TEXT"}'),
    ]
    for k, (_item, wording) in enumerate(SCALE_ITEMS.items(), start=1):
        meta.append((f"Q6_{k}", f"How far do you agree? - {wording}", f'{{"ImportId":"QID6_{k}"}}'))
    fmt = "%Y-%m-%d %H:%M:%S"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for i in range(3):
            w.writerow([m[i] for m in meta])
        preview = dict(rows[0], respondent="preview00000000", unit="Motor Claims")
        for n, r in enumerate([preview, *rows]):
            w.writerow(
                [
                    r["started"].strftime(fmt),
                    r["submitted"].strftime(fmt),
                    "Survey Preview" if n == 0 else "IP Address",
                    "",
                    "100",
                    str(int((r["submitted"] - r["started"]).total_seconds())),
                    "True",
                    r["submitted"].strftime(fmt),
                    "R_" + r["respondent"],
                    "",
                    "",
                    "",
                    "",
                    "anonymous",
                    "EN",
                    r["unit"],
                    r["role"],
                    r["tenure"],
                    r["work"],
                    r["success"],
                    *[r[item] for item in SCALE_ITEMS],
                ]
            )
    scale = {f"scale_{item}": f"Q6_{k}" for k, item in enumerate(SCALE_ITEMS, start=1)}
    return {
        "format": "qualtrics",
        "columns": {
            "respondent_id": "ResponseId",
            "submitted_at": "EndDate",
            "unit": "Q1",
            "role": "Q2",
            "tenure_band": "Q3",
        },
        "questions": {"work": "Q4", "success": "Q5", **scale},
    }


def _write_msforms(rows: list[dict], path: Path) -> dict:
    records = []
    for i, r in enumerate(rows, start=1):
        rec = {
            "ID": i,
            "Start time": r["started"],
            "Completion time": r["submitted"],
            "Email": "anonymous",
            "Name": "",
            "Last modified time": "",
            UNIT_Q: r["unit"],
            ROLE_Q: r["role"],
            TENURE_Q: r["tenure"],
            WORK_Q: r["work"],
            SUCCESS_Q: r["success"],
        }
        for item, wording in SCALE_ITEMS.items():
            rec[wording] = r[item]
        records.append(rec)
    frame = pd.DataFrame(records)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        frame.to_excel(xl, sheet_name="Sheet1", index=False)
    return {
        "format": "msforms",
        "columns": {
            "respondent_id": "ID",
            "submitted_at": "Completion time",
            "unit": UNIT_Q,
            "role": ROLE_Q,
            "tenure_band": TENURE_Q,
        },
        "questions": {
            "work": WORK_Q,
            "success": SUCCESS_Q,
            **{f"scale_{k}": v for k, v in SCALE_ITEMS.items()},
        },
    }


def _write_generic(rows: list[dict], path: Path, layout: str) -> dict:
    header = [
        "employee_ref",
        "submitted",
        "team",
        "role",
        "tenure",
        "q_work",
        "q_success",
        "q_line_of_sight",
        "q_targets_fair",
    ]
    excel_epoch = dt.datetime(1899, 12, 30)
    semicolon = layout == "generic_semicolon_cp1252"
    out = []
    for r in rows:
        if semicolon:
            submitted = r["submitted"].strftime("%d/%m/%Y %H:%M")
        else:  # Excel serial date, as when a sheet is saved to CSV without formatting
            submitted = f"{(r['submitted'] - excel_epoch).total_seconds() / 86400:.5f}"
        ref = "E" + str(10000 + zlib.crc32(r["respondent"].encode()) % 90000)
        out.append(
            [
                ref,
                submitted,
                r["unit"],
                r["role"],
                r["tenure"],
                r["work"],
                r["success"],
                _likert_number(r["line_of_sight"]),
                _likert_number(r["targets_fair"]),
            ]
        )
    if semicolon:
        # Exported by a spreadsheet in a European locale: cp1252, ';' and trailing empty columns.
        with path.open("w", newline="", encoding="cp1252") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow([*header, "", ""])
            for row in out:
                w.writerow([*row, "", ""])
    else:
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(out)
    return {
        "format": "generic",
        **({"dayfirst": True} if semicolon else {}),
        "columns": {
            "respondent_id": "employee_ref",
            "submitted_at": "submitted",
            "unit": "team",
            "role": "role",
            "tenure_band": "tenure",
        },
        "questions": {
            "work": "q_work",
            "success": "q_success",
            "scale_line_of_sight": "q_line_of_sight",
            "scale_targets_fair": "q_targets_fair",
        },
    }


def _flag(value: int, style: str) -> str:
    return {"yn": ("N", "Y"), "yesno": ("no", "yes"), "x": ("", "x"), "01": ("0", "1")}[style][
        value
    ]


def _tables(org_key: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    org = ORGS[org_key]
    style = {"harbour_mutual": "yn", "riverside_health": "yesno", "northstar_cards": "x"}.get(
        org_key, "01"
    )
    metrics = pd.DataFrame(
        [
            {
                "metric_id": f"M{i:02d}",
                "name": name,
                "description": desc,
                "owner_unit": unit,
                "measured": _flag(m, style),
                "reported": _flag(r, style),
                "incentivised": _flag(inc, style),
                "incentive_weight": weight if inc else "",
                "capability_id": cap or "",
            }
            for i, (name, desc, unit, m, r, inc, weight, cap) in enumerate(org["metrics"], start=1)
        ]
    )
    krs = []
    for o, (objective, key_results) in enumerate(org["okrs"], start=1):
        for kr in key_results:
            krs.append((o, objective, kr))
    ids = []
    for o, _, _ in krs:
        ids.append(f"O{o}-KR{sum(1 for x in ids if x.startswith(f'O{o}-')) + 1}")
    rng = _rng(org_key, "okrs")
    okrs = pd.DataFrame(
        [
            {
                "okr_id": ids[i],
                "parent_ids": ";".join(ids[p] for p in (kr[4] if len(kr) > 4 else [])),
                "level": kr[2],
                "owner_unit": kr[1],
                "objective": objective,
                "key_result": kr[0],
                "progress": round(rng.uniform(0.1, 0.95), 2),
                "capability_id": kr[3] or "",
            }
            for i, (_, objective, kr) in enumerate(krs)
        ]
    )
    capabilities = pd.DataFrame(
        [
            {"capability_id": cid, "name": name, "stage_order": k, "units": ";".join(units)}
            for k, (cid, name, units) in enumerate(org["capabilities"], start=1)
        ]
    )
    return metrics, okrs, capabilities


def write_sample(root: Path) -> list[Path]:
    """(Re)write every sample organisation under ``root``; returns the study files written."""
    studies = []
    for org_key, org in ORGS.items():
        folder = root / org_key
        folder.mkdir(parents=True, exist_ok=True)
        surveys = []
        for w, (wave_id, fielded_on) in enumerate(org["waves"]):
            rows = generate_responses(org_key, w)
            layout = org["layout"]
            if layout == "qualtrics":
                name = f"survey_{wave_id}_qualtrics.csv"
                mapping = _write_qualtrics(rows, folder / name)
            elif layout == "msforms":
                name = f"survey_{wave_id}_msforms.xlsx"
                mapping = _write_msforms(rows, folder / name)
            else:
                name = f"survey_{wave_id}.csv"
                mapping = _write_generic(rows, folder / name, layout)
            surveys.append({"wave_id": wave_id, "fielded_on": fielded_on, "file": name, **mapping})
        metrics, okrs, capabilities = _tables(org_key)
        if org_key == "riverside_health":
            files = {
                "metrics": "metrics.xlsx",
                "okrs": "okrs.xlsx",
                "capabilities": "capabilities.yml",
            }
            metrics.to_excel(folder / files["metrics"], index=False)
            okrs.to_excel(folder / files["okrs"], index=False)
            caps = capabilities.assign(units=capabilities["units"].str.split(";")).to_dict(
                "records"
            )
            (folder / files["capabilities"]).write_text(
                yaml.safe_dump({"capabilities": caps}, sort_keys=False), encoding="utf-8"
            )
        else:
            files = {
                "metrics": "metrics.csv",
                "okrs": "okrs.csv",
                "capabilities": "capabilities.csv",
            }
            metrics.to_csv(folder / files["metrics"], index=False)
            okrs.to_csv(folder / files["okrs"], index=False)
            capabilities.to_csv(folder / files["capabilities"], index=False)
        study = {
            "org_id": org_key,
            "name": org["name"],
            "sector": org["sector"],
            "privacy": {"min_group_size": 5, "min_quote_group_size": 10},
            "surveys": surveys,
            **files,
        }
        path = folder / "study.yml"
        header = f"# {org['name']}: written by `opsworkbench sample` (seeded); edit the generator, not this file.\n"
        path.write_text(
            header + yaml.safe_dump(study, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        studies.append(path)
    return studies
