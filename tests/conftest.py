"""Shared fixtures: tiny studies written to temporary folders, and the sample workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

import opsworkbench as ow
from tests.helpers import SAMPLE


@pytest.fixture
def tiny_csv() -> str:
    rows = ["id,team,work,success"]
    for i in range(12):
        rows.append(
            f"p{i},Sales,I answer customer calls,customers who do not need to call back {i}"
        )
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ws") / "sample.duckdb"
    ow.ingest(SAMPLE, path)
    return path
