"""Raw Basketball-Reference CSVs -> the three tidy tables of docs/contracts.md."""
from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from src.artifacts import TEAM_SEASONS
from src.data import schema
from src.data.outcomes import add_outcome_columns
from src.data.players import build_player_seasons
from src.data.team_seasons import (attach_outcomes, known_outcomes, read_team_summaries,
                                   season_teams)
from src.utils.io import atomic_path

log = logging.getLogger(__name__)

TEAM_COLUMNS = [
    "season", "team", "team_name", "conference", "division_finish", "g", "wins", "losses",
    "win_pct", *schema.TEAM_RATINGS, *schema.FOUR_FACTORS, "made_playoffs", "outcome_known",
    "series_won", "champion", "post_playoff_rank", "relevance"]
OUTPUT_NAMES = {"team_seasons": "team_seasons.parquet",
                "player_seasons": "player_seasons.parquet",
                "playoff_series": "playoff_series.parquet"}


@dataclass
class IngestTables:
    team_seasons: pd.DataFrame
    player_seasons: pd.DataFrame
    playoff_series: pd.DataFrame


def build_tables(raw_dir: Path, first_season: int,
                 min_minutes_share: float | None = None) -> IngestTables:
    """Read and validate every raw input; raise DataError on the first problem found.
    `min_minutes_share` (params data.min_team_minutes_share; None: not checked): a team's
    players' minutes must cover this share of its 240 x games."""
    raw_dir = Path(raw_dir)
    teams = read_team_summaries(raw_dir, first_season)
    outcomes, series = known_outcomes(raw_dir, first_season, season_teams(teams), teams)
    teams = add_outcome_columns(attach_outcomes(teams, outcomes))
    teams = teams[TEAM_COLUMNS].sort_values(["season", "team"]).reset_index(drop=True)
    players = build_player_seasons(raw_dir, first_season, teams, min_minutes_share)
    series = series.loc[series["season"] >= first_season].reset_index(drop=True)
    log.info("team_seasons: %d rows, seasons %d..%d; player_seasons: %d rows; "
             "playoff_series: %d series", len(teams), teams["season"].min(),
             teams["season"].max(), len(players), len(series))
    return IngestTables(teams, players, series)


def write_tables(tables: IngestTables, out_dir: Path = TEAM_SEASONS.path.parent) -> list[Path]:
    """Write all three tables atomically: every temp file is written before any is renamed,
    so a failure leaves the previous outputs (or none) and no partial parquet."""
    out_dir = Path(out_dir)
    paths = [out_dir / name for name in OUTPUT_NAMES.values()]
    with ExitStack() as stack:
        temps = [stack.enter_context(atomic_path(path)) for path in paths]
        for attr, tmp in zip(OUTPUT_NAMES, temps):
            getattr(tables, attr).to_parquet(tmp, index=False)
    return paths

