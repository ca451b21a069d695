"""Playoff minutes concentration (issue 30 item 3): how a team's minutes shift to its
regular-season regulars in the playoffs, learnt from the box scores of a fit's training seasons.

Within each team-season with box scores, log(playoff minutes share) is regressed on log(the
roster's expected minutes share) (both centred per team); the slope `gamma` (about 1.3-1.4 on
2011-2023: a team's top five by regular-season share play 57% of its regular-season minutes and
63% of its playoff minutes) is the power the fit's minutes shares are raised to
(FeatureSpec.minutes_power, applied in src/features/roster.to_batch and renormalised per team),
so Model A's attention, which is biased by log(minutes share), starts from the playoff rotation.
A fit reads only its training seasons' games, so the gamma behind a score of season t comes
from seasons < t; with no games in the window gamma is 1 (no change).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

NO_CONCENTRATION = 1.0


def fit_concentration(rosters: pd.DataFrame, games: dict[int, pd.DataFrame]) -> float:
    """gamma from `games` (season -> src/features/playoff_game_rosters.game_minutes frame) and
    the `rosters` (select_rosters rows: season, team, player_id, minutes_share) of those seasons."""
    if not games:
        return NO_CONCENTRATION
    played = pd.concat(games.values(), ignore_index=True)
    playoff = played.groupby(["season", "team", "player_id"], as_index=False)["minutes"].sum()
    both = rosters[["season", "team", "player_id", "minutes_share"]].merge(
        playoff, on=["season", "team", "player_id"], how="inner", validate="one_to_one")
    both = both[(both["minutes"] > 0) & (both["minutes_share"] > 0)]
    if both.empty:
        return NO_CONCENTRATION
    team = [both["season"], both["team"]]
    share = both["minutes"] / both.groupby(team)["minutes"].transform("sum")
    x, y = np.log(both["minutes_share"]), np.log(share)
    x, y = x - x.groupby(team).transform("mean"), y - y.groupby(team).transform("mean")
    denominator = float((x * x).sum())
    return float((x * y).sum() / denominator) if denominator > 0 else NO_CONCENTRATION


def concentrate(minutes: np.ndarray, power: float) -> np.ndarray:
    """[teams, slots] minutes shares raised to `power`, renormalised per team (0 stays 0)."""
    if power == NO_CONCENTRATION:
        return minutes
    positive = minutes > 0
    raised = np.where(positive, np.power(np.where(positive, minutes, 1.0), power), 0.0)
    total = raised.sum(axis=1, keepdims=True)
    return np.where(total > 0, raised / np.where(total > 0, total, 1.0), minutes).astype(minutes.dtype)
