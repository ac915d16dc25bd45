"""A seeded run of the ingest fuzzer: mutated sample studies must load, or be refused clearly.

Every case copies a sample study, applies one to three realistic or hostile mutations (see
``tests/fuzzing.py``) and ingests it in a worker process with a timeout and a memory limit.
No case may crash (an exception other than an ``OpsWorkbenchError`` naming the file), hang,
or load silently wrong (counts that do not reconcile, rows that are not the file's records,
columns shifted, answers or dates dropped). The long run is ``bench/fuzz_ingest.py``.
"""

from __future__ import annotations

import pytest

from tests import fuzzing

SEED = 20260522
CASES = 200


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    work = tmp_path_factory.mktemp("fuzz")
    return fuzzing.run_cases(
        range(CASES), seed=SEED, workroot=work, jobs=2, timeout=10.0, full_share=0.0
    )


def _report(outcomes, status: str) -> str:
    groups = fuzzing.summarise(outcomes)["groups"]
    lines = []
    for signature, group in groups.items():
        if signature.startswith(status + ":"):
            first = group[0]
            lines.append(f"[{len(group)}] {signature}\n    {first.case_dir}\n    {first.mutations}")
            lines += [f"    | {line}" for line in first.detail.splitlines()[-4:]]
    return "\n".join(lines)


def test_every_case_ran(outcomes):
    assert len(outcomes) == CASES
    assert not [o for o in outcomes if o.status == "harness"], _report(outcomes, "harness")
    counts = fuzzing.summarise(outcomes)["counts"]
    # both paths are exercised: some cases load, some are refused
    assert counts["loaded"] > CASES // 5 and counts["rejected"] > CASES // 10


@pytest.mark.parametrize("status", ["crashed", "hung", "lost"])
def test_no_case_crashes_hangs_or_loses_rows(outcomes, status):
    bad = [o for o in outcomes if o.status == status]
    assert not bad, f"{len(bad)} of {CASES} cases {status}:\n" + _report(outcomes, status)


def test_cases_are_deterministic(tmp_path):
    first = fuzzing.build_case(SEED, 7, tmp_path / "a")
    second = fuzzing.build_case(SEED, 7, tmp_path / "b")
    assert first.mutations == second.mutations and first.expected == second.expected
    for path in (tmp_path / "a").iterdir():
        if path.is_file() and not path.is_symlink() and path.name != "study.yml":
            assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()
