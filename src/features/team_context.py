"""Team context of a season from its regular season only, with strength-of-schedule normalisation.

Inputs are the regular-season columns of data/interim/team_seasons.parquet listed in
`REGULAR_SEASON_INPUTS`; nothing else of that table (playoff outcome, ranks, relevance) is
read, so no playoff result can reach a feature (tests/test_team_features_leakage.py).

Features
* always: win_pct, mov, pace, o_rtg, d_rtg, age and the four factors on both sides.
* `features.sos_srs.enabled`: srs and sos (points per game; Basketball-Reference's SRS =
  MOV + SOS, SOS = average SRS of the opponents played).
* `features.opponent_adjusted.enabled` (needs sos_srs, since it is built from SOS):
  SOS is in points per game; a team's pace (possessions per 48 minutes) turns it into
  points per 100 possessions,

      sos_100 = sos * 100 / pace

  A schedule whose opponents are sos_100 better than average is credited half to the
  opponents' offences and half to their defences (the data have no game-by-game
  schedule, so the split cannot be measured per team):

      o_rtg_opp_adjusted      = o_rtg + sos_100 / 2
      d_rtg_opp_adjusted      = d_rtg - sos_100 / 2
      net_rating_opp_adjusted = o_rtg_opp_adjusted - d_rtg_opp_adjusted = (o_rtg - d_rtg) + sos_100

  i.e. net_rating_opp_adjusted is SRS expressed per 100 possessions.
* `<col>_rel` = value minus that season's league mean, for the level-dependent columns
  (ratings, pace, age, four factors), so eras with different scoring levels compare.
"""
from __future__ import annotations

import logging

import pandas as pd

from src.errors import DataError
from src.features.config import TeamFeatureConfig

log = logging.getLogger(__name__)

KEY = ["season", "team"]
FOUR_FACTORS = ["e_fg_percent", "tov_percent", "orb_percent", "ft_fga",
                "opp_e_fg_percent", "opp_tov_percent", "drb_percent", "opp_ft_fga"]
BASE_FEATURES = ["win_pct", "mov", "pace", "o_rtg", "d_rtg", "age", *FOUR_FACTORS]
SOS_SRS_FEATURES = ["srs", "sos"]
OPP_ADJUSTED_FEATURES = ["o_rtg_opp_adjusted", "d_rtg_opp_adjusted", "net_rating_opp_adjusted"]
# Columns whose level drifts with the era; their `_rel` versions are centred per season.
RELATIVE_TO_LEAGUE = ["pace", "o_rtg", "d_rtg", "age", *FOUR_FACTORS,
                      "o_rtg_opp_adjusted", "d_rtg_opp_adjusted"]
# Every column of team_seasons this module may read: regular-season values only.
REGULAR_SEASON_INPUTS = [*KEY, *BASE_FEATURES, *SOS_SRS_FEATURES]


def build_team_context(team_seasons: pd.DataFrame, cfg: TeamFeatureConfig,
                       source: str = "team_seasons.parquet") -> pd.DataFrame:
    """One row per (season, team): key columns then the enabled feature columns."""
    frame = _regular_season_inputs(team_seasons, source)
    use_sos = cfg.sos_srs.enabled
    use_adjusted = cfg.opponent_adjusted.enabled and use_sos
    if cfg.opponent_adjusted.enabled and not use_sos:
        log.info("opponent-adjusted ratings are off because features.sos_srs is off (built from SOS)")
    if use_adjusted:
        frame = frame.assign(**opponent_adjusted_ratings(frame))
    columns = BASE_FEATURES + (SOS_SRS_FEATURES if use_sos else []) + (
        OPP_ADJUSTED_FEATURES if use_adjusted else [])
    out = frame[KEY + columns].copy()
    rel_cols = [c for c in RELATIVE_TO_LEAGUE if c in columns]
    league_mean = out.groupby("season")[rel_cols].transform("mean")
    for col in rel_cols:
        out[f"{col}_rel"] = out[col] - league_mean[col]
    return out.sort_values(KEY, kind="stable").reset_index(drop=True)


def opponent_adjusted_ratings(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """The module docstring's formula: SOS per game -> per 100 possessions, split half/half."""
    sos_100 = frame["sos"] * 100.0 / frame["pace"]
    o_adj = frame["o_rtg"] + sos_100 / 2.0
    d_adj = frame["d_rtg"] - sos_100 / 2.0
    return {"o_rtg_opp_adjusted": o_adj, "d_rtg_opp_adjusted": d_adj,
            "net_rating_opp_adjusted": o_adj - d_adj}


def _regular_season_inputs(team_seasons: pd.DataFrame, source: str) -> pd.DataFrame:
    missing = [c for c in REGULAR_SEASON_INPUTS if c not in team_seasons.columns]
    if missing:
        raise DataError(f"{source}: missing column(s) {', '.join(missing)}")
    frame = team_seasons[REGULAR_SEASON_INPUTS].copy()
    if frame.duplicated(KEY).any():
        first = frame.loc[frame.duplicated(KEY), KEY].iloc[0]
        raise DataError(f"{source}: duplicate key season={first.season} team={first.team}")
    bad_pace = frame["pace"].isna() | (frame["pace"] <= 0)
    if bad_pace.any():
        row = frame.loc[bad_pace, KEY].iloc[0]
        raise DataError(f"{source}: column pace must be > 0, season={row.season} team={row.team}")
    return frame
