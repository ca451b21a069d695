"""Every playoff game of the game file (play_off_totals_2010_2024.csv, or a file in its format)
as one row per game: its real home team and whether it won. Read here, in data/, so the league
package takes frames and reads no file."""
from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from src.data import schema
from src.data.playoffs import clean_games
from src.data.readers import read_csv
from src.data.team_seasons import season_teams

log = logging.getLogger(__name__)

GAME_COLUMNS = ["season", "game_id", "date", "round", "series", "game", "home_team", "away_team",
                "home_pts", "away_pts", "home_won"]


def playoff_games(raw_dir: Path, teams: pd.DataFrame, first_season: int) -> pd.DataFrame:
    """One row per playoff game of the game file: its real home team and whether it won."""
    return games_from_file(Path(raw_dir) / schema.PLAYOFF_GAMES.name, teams, first_season)


def games_from_file(path: Path, teams: pd.DataFrame, first_season: int) -> pd.DataFrame:
    """GAME_COLUMNS from a file in the game file's format (play_off_totals_2010_2024.csv)."""
    path = Path(path)
    games = clean_games(read_csv(path.parent, replace(schema.PLAYOFF_GAMES, name=path.name)),
                        season_teams(teams), path, first_season)
    home = games[games["home"]].set_index("game_id")
    away = games[~games["home"]].set_index("game_id")
    both = home.index.intersection(away.index)
    if len(both) != len(home) or len(both) != len(away):
        log.warning("%s: %d game(s) without exactly one home and one away row are left out of the "
                    "per-game yardstick", path, len(home.index.symmetric_difference(away.index)))
    home, away = home.loc[both], away.loc[both]
    out = pd.DataFrame({"season": home["season"].astype(int).to_numpy(), "game_id": np.asarray(both),
                        "date": home["date"].to_numpy(), "round": home["round"].to_numpy(),
                        "series": home["series"].to_numpy(), "game": home["game"].to_numpy(),
                        "home_team": home["team"].to_numpy(), "away_team": away["team"].to_numpy(),
                        "home_pts": home["pts"].to_numpy(), "away_pts": away["pts"].to_numpy(),
                        "home_won": home["won"].astype(bool).to_numpy()})
    return out[GAME_COLUMNS].sort_values(["season", "game_id"], kind="stable").reset_index(drop=True)
