"""Notes about the data that every stage building the playoff series would repeat (tied seeds set
by who met whom, series the data cannot pin down): computed once by stage ingest over every
completed season and said there as one line per kind; the stages after it keep them at DEBUG."""
from __future__ import annotations

import logging

import pandas as pd

from src.league.series import observed_series
from src.utils.logging import collected, summarise_notes

log = logging.getLogger(__name__)


def log_bracket_notes(teams: pd.DataFrame, series: pd.DataFrame) -> None:
    """Build every completed season's series once and summarise what the league rules noted."""
    seasons = sorted(int(s) for s in teams["season"].unique())
    with collected("src.league") as records:
        observed_series(teams, series, seasons)
    summarise_notes(records, log)
