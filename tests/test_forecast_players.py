"""The forecast page's top players (issue 29 row 7): a traded player's minutes for the team he
is listed on, beside his season total, and the two parts his value blends, so a reader can
check a value against the player's season (a star's value near zero explained by his earlier
seasons)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from src.config import load_params
from src.errors import DataError
from src.features.config import player_value_config
from src.features.player_value import player_values
from src.inference.forecast import top_players
from src.inference.forecast_players import with_team_minutes, with_value_parts
from src.inference.forecast_report import top_players_text

CFG = player_value_config(load_params())
STINTS = pd.DataFrame({"season": [2025, 2025, 2025], "team": ["LAL", "DAL", "DET"],
                       "player_id": ["davisan02", "davisan02", "cunnica01"],
                       "mp": [1440.0, 266.0, 2479.0]})


def test_team_minutes_are_the_stints_on_that_team():
    listed = pd.DataFrame({"season": [2025, 2025], "team": ["DAL", "DET"],
                           "player_id": ["davisan02", "cunnica01"], "mp": [1706.0, 2479.0]})
    out = with_team_minutes(listed, STINTS)
    assert out["team_mp"].tolist() == [266.0, 2479.0] and out["mp"].tolist() == [1706.0, 2479.0]


def test_a_listed_player_without_a_row_on_his_team_is_named():
    listed = pd.DataFrame({"season": [2025], "team": ["BOS"], "player_id": ["davisan02"], "mp": [1706.0]})
    with pytest.raises(DataError, match="davisan02 on BOS in season 2025"):
        with_team_minutes(listed, STINTS)


def _table(**extra) -> pd.DataFrame:
    row = {"team": "DAL", "player_1": "Anthony Davis", "contribution_1": 1.04, "value_1": 2.12,
           "mp_1": 1706.0, "attention_1": 0.2, "minutes_share_1": 0.2}
    return pd.DataFrame([{**row, **extra}])


def test_player_text_shows_team_minutes_and_value_parts():
    text = top_players_text(_table(team_mp_1=266.0, value_season_1=2.5, value_history_1=1.9), 1)
    assert text.loc[0, "player 1"] == ("Anthony Davis (+1.0 pts; value +2.1: season +2.5, earlier +1.9; "
                                       "266 min for DAL (1706 in the season))")
    one_team = top_players_text(_table(team_mp_1=1706.0, value_season_1=2.5, value_history_1=np.nan), 1)
    assert one_team.loc[0, "player 1"] == "Anthony Davis (+1.0 pts; value +2.1: season +2.5; 1706 min)"
    near_zero = top_players_text(_table(value_1=-0.04, value_season_1=0.93, value_history_1=-1.58,
                                        team_mp_1=1706.0), 1)
    assert "value +0.0: season +0.9, earlier -1.6" in near_zero.loc[0, "player 1"]   # never "-0.0"
    older = top_players_text(_table(), 1)                       # a table without the new columns
    assert older.loc[0, "player 1"] == "Anthony Davis (+1.0 pts; value +2.1; 1706 min)"


def test_value_parts_are_the_values_model_a_read(synthetic_tables):
    """On the synthetic league: value_season/value_history recomputed for the listed players
    are those of player_values, whose blend the model read; a moved value is refused."""
    players = synthetic_tables.player_seasons
    season = int(players["season"].max())
    values, _ = player_values(players, [season], CFG)
    final = players[players["final_team"].astype(bool) & (players["season"] == season)]
    listed = final[["season", "team", "player_id", "player", "mp"]].merge(
        values[["season", "player_id", "value"]].rename(columns={"value": "player_value"}),
        on=["season", "player_id"])
    out = with_value_parts(listed, players, CFG)
    blend = values.set_index("player_id").loc[out["player_id"]]
    assert np.allclose(out["value_season"], blend["value_season"])
    assert out["value_history"].notna().any()
    assert with_value_parts(listed, players, None)["value_season"].isna().all()
    with pytest.raises(DataError, match="recomputed"):
        with_value_parts(listed.assign(player_value=listed["player_value"] + 0.1), players, CFG)


def test_top_players_carry_the_new_columns():
    attention = pd.DataFrame({"season": 2025, "team": ["DAL", "DAL"], "player": ["A", "B"],
                              "contribution_above_replacement": [1.0, 0.5], "player_value": [2.0, 1.0],
                              "attention": [0.3, 0.2], "minutes_share": [0.3, 0.2], "mp": [1706.0, 900.0],
                              "team_mp": [266.0, 900.0], "value_season": [2.5, 1.2],
                              "value_history": [1.9, 0.4], "contribution": 0.0, "value": 0.0})
    wide = top_players(attention, 2025, 2)
    assert wide.loc[0, "team_mp_1"] == 266.0 and wide.loc[0, "value_history_2"] == 0.4
