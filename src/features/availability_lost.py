"""What a team lacks for its next playoff game, read from the box score of its last one: the
contributions (points above replacement) of its players out of that game (injury, suspension,
away, or a rotation player absent from the box score), in full (`lost_full`) or times P(he misses
the next game) from an availability model (`lost_expected`). Read by the game yardstick's
availability variant (src/evaluation/availability_games.py) and by the forecast, which applies
it when the evaluate stage chose it (src/inference/availability_term.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from src.features.availability import MISSED, game_statuses, known_games, with_rotation

OUT = ("injury", "suspended", "away")


def lost_after_each_game(box, games, roster, model, season: int) -> pd.DataFrame:
    """team, game_id, lost_full, lost_expected: what the team lacks for its NEXT game, read from
    this game's box score (a game without one: NaN, nothing known)."""
    rot = with_rotation(roster[roster["season"] == season])
    grid = game_statuses(box[box["season"] == season], rot, known_games(games, season, None))
    grid = grid.merge(rot[["team", "player_id", "contribution", "rotation"]], on=["team", "player_id"])
    grid = grid.sort_values(["team", "player_id", "date", "game_id"], kind="stable").reset_index(drop=True)
    miss = grid["status"].isin(MISSED)
    block = (~miss).groupby([grid["team"], grid["player_id"]]).cumsum()
    run = miss.astype(int).groupby([grid["team"], grid["player_id"], block]).cumsum()
    out = grid["status"].isin(OUT) | (grid["status"].eq("absent") & grid["rotation"])
    p = np.array([model.p_miss(n, s)[0] if model is not None and o else 0.0
                  for n, s, o in zip(run, grid["status"], out)])
    grid["full"] = np.where(out, grid["contribution"], 0.0)
    grid["expected"] = p * grid["full"]
    lost = grid.groupby(["team", "game_id", "date"], as_index=False)[["full", "expected"]].sum()
    unknown = grid.groupby(["team", "game_id"])["status"].first().eq("unknown")
    lost.loc[unknown.reindex(pd.MultiIndex.from_frame(lost[["team", "game_id"]])).to_numpy(), ["full", "expected"]] = np.nan
    return lost.rename(columns={"full": "lost_full", "expected": "lost_expected"})
