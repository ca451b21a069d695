"""Leakage guard: no team feature is computed from playoff data or award voting."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from src.features.config import OpponentAdjustedConfig, SosSrsConfig, TeamFeatureConfig
from src.features.roster_summary import PLAYER_INPUTS
from src.features.team_context import REGULAR_SEASON_INPUTS
from src.features.team_features import build_team_features
from league_b import make_player_seasons, make_team_seasons

# Outcome columns of team_seasons (docs/contracts.md), the voting columns of
# Player Award Shares.csv, and name fragments of playoff / award data.
OUTCOME_COLUMNS = {"made_playoffs", "outcome_known", "series_won", "champion",
                   "post_playoff_rank", "relevance", "playoffs", "division_finish"}
AWARD_COLUMNS = {"award", "share", "pts_won", "pts_max", "first", "winner"}
DENIED_FRAGMENTS = ("playoff", "series", "champion", "relevance", "outcome", "award",
                    "vote", "mvp", "finals", "round")
FULL = TeamFeatureConfig(SosSrsConfig(True), OpponentAdjustedConfig(True))


def _denied(column: str) -> bool:
    return column in OUTCOME_COLUMNS | AWARD_COLUMNS or any(f in column.lower() for f in DENIED_FRAGMENTS)


def test_inputs_and_feature_columns_pass_the_deny_list():
    teams = make_team_seasons(seasons=[2001, 2002], n_teams=4)
    features = build_team_features(teams, make_player_seasons(teams), FULL)
    for column in [*REGULAR_SEASON_INPUTS, *PLAYER_INPUTS, *features.columns]:
        assert not _denied(column), f"{column} looks like playoff or award data"
    assert _denied("post_playoff_rank") and _denied("award_share")   # the guard itself bites


def test_features_need_no_outcome_column():
    teams = make_team_seasons(seasons=[2001, 2002], n_teams=4)
    players = make_player_seasons(teams)
    stripped = teams.drop(columns=[c for c in teams.columns if _denied(c)])
    pd.testing.assert_frame_equal(build_team_features(teams, players, FULL),
                                  build_team_features(stripped, players, FULL))


def test_changing_playoff_results_leaves_features_unchanged():
    teams = make_team_seasons(seasons=[2001, 2002], n_teams=6)
    players = make_player_seasons(teams)
    before = build_team_features(teams, players, FULL)
    flipped = teams.copy()
    season = flipped["season"] == 2002
    for col in ["post_playoff_rank", "relevance", "series_won", "champion", "made_playoffs"]:
        flipped.loc[season, col] = flipped.loc[season, col].to_numpy()[::-1]   # reverse the bracket
    assert not flipped["post_playoff_rank"].equals(teams["post_playoff_rank"])
    pd.testing.assert_frame_equal(before, build_team_features(flipped, players, FULL))


def test_sos_features_stage_reads_no_playoff_or_award_file():
    stage = yaml.safe_load((Path(__file__).parents[1] / "dvc.yaml").read_text())["stages"]["sos_features"]
    deps = [str(d) for d in stage["deps"]]
    assert "data/interim/team_seasons.parquet" in deps
    assert not [d for d in deps if "playoff" in d or "award" in d.lower()], deps
