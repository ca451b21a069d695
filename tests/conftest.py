"""Shared fixtures: the real data folder (skipped when absent)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
_DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data" / "nba-bref"


def shared_data_dir() -> Path | None:
    path = Path(os.environ.get("NBA_SHARED_DATA", _DEFAULT_SHARED))
    return path if (path / "Team Summaries.csv").exists() else None


@pytest.fixture(scope="session")
def real_raw_dir() -> Path:
    path = shared_data_dir()
    if path is None:
        pytest.skip(f"real data not found at {_DEFAULT_SHARED} (set NBA_SHARED_DATA to a copy)")
    return path
