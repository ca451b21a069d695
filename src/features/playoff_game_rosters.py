"""Who was on the floor in each playoff game: Model A's playoff-game training signal.

`game_minutes` joins the box scores (data/interim/playoff_box_scores.parquet) to the game file
(src/league/series.GAME_COLUMNS): one row per player who played (minutes > 0) per team per
game, with the game's home team and result. Only games whose box score has rows for both teams
are kept; a game without rows is a game whose box score is unknown (2024 after its first days),
never an empty game, so those games leave the season to the series likelihood alone.

`game_tensors` indexes one season's games into that season's RosterBatch: each team's row and,
per roster slot, the player's minutes in that game (0 = did not play, or not on the roster
Model A reads). A player who played but is not in the batch (under `min_minutes`, past
`max_players`) is left out of the game's strength; the share of game minutes the roster covers
is kept (`covered_share`) so that is never silent.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from src.errors import DataError
from src.features.roster import RosterBatch

log = logging.getLogger(__name__)

BOX_SOURCE = "data/interim/playoff_box_scores.parquet"
GAME_ROSTER_COLUMNS = ["season", "game_id", "home_team", "away_team", "home_won", "team",
                       "player_id", "minutes"]


def game_minutes(box: pd.DataFrame, games: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """season -> GAME_ROSTER_COLUMNS of its games with a box score for both teams."""
    played = box[box["minutes"].astype(float) > 0]
    unknown = sorted(set(played["game_id"]) - set(games["game_id"]))
    if unknown:
        raise DataError(f"{BOX_SOURCE}: game_id {unknown[0]} (and {len(unknown) - 1} more) is not "
                        "a game of the game file")
    rows = played.merge(games[["game_id", "home_team", "away_team", "home_won"]], on="game_id",
                        how="inner", validate="many_to_one")
    stray = rows[(rows["team"] != rows["home_team"]) & (rows["team"] != rows["away_team"])]
    if not stray.empty:
        first = stray.iloc[0]
        raise DataError(f"{BOX_SOURCE}: game {first['game_id']}: team {first['team']} is not "
                        f"one of its teams ({first['home_team']}, {first['away_team']})")
    teams_seen = rows.groupby("game_id")["team"].nunique()
    rows = rows[rows["game_id"].isin(teams_seen.index[teams_seen == 2])]
    rows = rows.sort_values(["season", "game_id", "team", "player_id"], kind="mergesort")
    return {int(s): f[GAME_ROSTER_COLUMNS].reset_index(drop=True)
            for s, f in rows.groupby("season", sort=True)}


@dataclass
class GameTensors:
    """One season's playoff games; `home`/`away` index rows of that season's RosterBatch and
    `*_minutes` [G, P] are each slot's minutes in the game (0: did not play)."""
    home: torch.Tensor           # [G] long
    away: torch.Tensor           # [G] long
    home_minutes: torch.Tensor   # [G, P] float32
    away_minutes: torch.Tensor   # [G, P] float32
    home_won: torch.Tensor       # [G] bool
    covered_share: float         # share of the games' minutes played by players of the batch

    def __len__(self) -> int:
        return int(self.home.numel())


def game_tensors(roster: RosterBatch, frame: pd.DataFrame) -> GameTensors | None:
    """Index the games of one season (a `game_minutes` frame) into `roster` (that season's
    batch); None when no game has a roster player with minutes on both sides."""
    season = int(roster.season[0])
    row = {str(t): i for i, t in enumerate(roster.team)}
    missing = sorted(set(frame["team"]) - set(row))
    if missing:
        raise DataError(f"{BOX_SOURCE}: season {season}: playoff team(s) {', '.join(missing)} "
                        "have no roster in player_seasons")
    filled = roster.player_id != ""
    slots_idx = np.nonzero(filled)[1]
    # (team, player) -> slot by one index lookup (a pandas merge cost ~10x more per fit)
    slot_keys = pd.Index(np.char.add(np.char.add(np.repeat(roster.team.astype(str),
                                                           filled.sum(1)), "|"),
                                     roster.player_id[filled].astype(str)))
    found = slot_keys.get_indexer(frame["team"].astype(str) + "|" + frame["player_id"].astype(str))
    on_roster = frame[found >= 0].assign(slot=slots_idx[found[found >= 0]])
    game_ids = np.sort(frame["game_id"].unique())
    game_of = np.searchsorted(game_ids, on_roster["game_id"].to_numpy())
    minutes = {}
    for side, home in (("home", True), ("away", False)):
        mine = (on_roster["team"] == on_roster["home_team"]).to_numpy() == home
        minutes[side] = np.zeros((len(game_ids), roster.player_id.shape[1]), dtype=np.float32)
        np.add.at(minutes[side], (game_of[mine], on_roster["slot"].to_numpy()[mine]),
                  on_roster["minutes"].to_numpy(dtype=np.float32)[mine])
    covered = float(on_roster["minutes"].sum())
    meta = frame.drop_duplicates("game_id").set_index("game_id").loc[game_ids]
    usable = (minutes["home"].sum(1) > 0) & (minutes["away"].sum(1) > 0)
    if not usable.all():
        log.warning("season %d: %d playoff game(s) with no roster player's minutes on one side "
                    "left to the series likelihood", season, int((~usable).sum()))
    if not usable.any():
        return None
    return GameTensors(
        home=torch.tensor([row[t] for t in meta["home_team"][usable]], dtype=torch.long),
        away=torch.tensor([row[t] for t in meta["away_team"][usable]], dtype=torch.long),
        home_minutes=torch.from_numpy(minutes["home"][usable]),
        away_minutes=torch.from_numpy(minutes["away"][usable]),
        home_won=torch.from_numpy(meta["home_won"].to_numpy(dtype=bool)[usable].copy()),
        covered_share=covered / float(frame["minutes"].sum()))
