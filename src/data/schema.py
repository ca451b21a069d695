"""The raw CSVs the ingest stage reads: which columns each must have, and which are numbers.

Only the columns ingest uses are required; extra columns in a file are ignored. A column
listed in `numeric` must parse as a number in every row (NA/empty is allowed and kept as
NaN, counted in the log, except in `required` columns: core stats that must be present);
anything else is a DataError naming file, column and row.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CsvSpec:
    name: str                          # file name inside data.raw_dir
    text: tuple[str, ...] = ()         # required non-numeric columns
    numeric: tuple[str, ...] = ()      # required numeric columns
    dtype_str: tuple[str, ...] = ()    # read as str to keep leading zeros (ids)
    encoding: str = "utf-8-sig"        # Team_Records.csv starts with a byte-order mark
    required: tuple[str, ...] = ()     # numeric columns that may never be empty (core stats)

    @property
    def optional(self) -> tuple[str, ...]:
        """Numeric stats that may be empty (kept as NaN, counted in the log)."""
        return tuple(c for c in self.numeric if c not in self.required and c != "season")

    @property
    def columns(self) -> tuple[str, ...]:
        return self.text + self.numeric


FOUR_FACTORS = ("e_fg_percent", "tov_percent", "orb_percent", "ft_fga",
                "opp_e_fg_percent", "opp_tov_percent", "drb_percent", "opp_ft_fga")
TEAM_RATINGS = ("age", "mov", "sos", "srs", "o_rtg", "d_rtg", "n_rtg", "pace")

TEAM_SUMMARIES = CsvSpec(
    "Team Summaries.csv",
    text=("lg", "team", "abbreviation", "playoffs"),
    numeric=("season", "w", "l", *TEAM_RATINGS, *FOUR_FACTORS),
    # every NBA team row has them; a gap would silently weaken the features of that team
    required=(*TEAM_RATINGS, *FOUR_FACTORS),
)
TEAM_ABBREV = CsvSpec(
    "Team Abbrev.csv",
    text=("lg", "team", "abbreviation"),
    numeric=("season",),
)
TEAM_RECORDS = CsvSpec(
    "Team_Records.csv",
    text=("Season", "Lg", "Team", "Playoffs"),
    numeric=("W", "L", "Finish"),
)
PLAYOFF_GAMES = CsvSpec(
    "play_off_totals_2010_2024.csv",
    text=("SEASON_YEAR", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID", "GAME_DATE", "MATCHUP", "WL"),
    numeric=("PTS",),
    required=("PTS",),
    dtype_str=("GAME_ID",),
)

_PLAYER_KEY_TEXT = ("lg", "player", "player_id", "team")
PBP_STATS = ("pg_percent", "sg_percent", "sf_percent", "pf_percent", "c_percent",
             "on_court_plus_minus_per_100_poss", "net_plus_minus_per_100_poss",
             "bad_pass_turnover", "lost_ball_turnover", "shooting_foul_committed",
             "offensive_foul_committed", "shooting_foul_drawn", "offensive_foul_drawn",
             "points_generated_by_assists", "and1", "fga_blocked")
SHOOTING_STATS = ("fg_percent", "avg_dist_fga", "percent_fga_from_x2p_range",
                  "percent_fga_from_x0_3_range", "percent_fga_from_x3_10_range",
                  "percent_fga_from_x10_16_range", "percent_fga_from_x16_3p_range",
                  "percent_fga_from_x3p_range", "fg_percent_from_x2p_range",
                  "fg_percent_from_x0_3_range", "fg_percent_from_x3_10_range",
                  "fg_percent_from_x10_16_range", "fg_percent_from_x16_3p_range",
                  "fg_percent_from_x3p_range", "percent_assisted_x2p_fg",
                  "percent_assisted_x3p_fg", "percent_dunks_of_fga", "num_of_dunks",
                  "percent_corner_3s_of_3pa", "corner_3_point_percent",
                  "num_heaves_attempted", "num_heaves_made")

PLAYER_PBP = CsvSpec(
    "Player Play By Play.csv",
    text=(*_PLAYER_KEY_TEXT, "pos"),
    numeric=("season", "age", "g", "gs", "mp", *PBP_STATS),
    # minutes weight a player in his team's roster; the real file has no gaps here
    required=("age", "g", "gs", "mp"),
)
PLAYER_SHOOTING = CsvSpec(
    "Player Shooting.csv",
    text=_PLAYER_KEY_TEXT,
    numeric=("season", *SHOOTING_STATS),
)
PLAYER_INFO = CsvSpec(
    "Player Season Info.csv",
    text=_PLAYER_KEY_TEXT,
    numeric=("season", "experience"),
)
# Per 100 Poss.csv: box-score production per 100 possessions and individual ratings. Its
# fg_percent is left out: Player Shooting.csv already gives it under the same name.
PER_100_STATS = ("fg_per_100_poss", "fga_per_100_poss", "x3p_per_100_poss", "x3pa_per_100_poss",
                 "x2p_per_100_poss", "x2pa_per_100_poss", "ft_per_100_poss", "fta_per_100_poss",
                 "orb_per_100_poss", "drb_per_100_poss", "trb_per_100_poss", "ast_per_100_poss",
                 "stl_per_100_poss", "blk_per_100_poss", "tov_per_100_poss", "pf_per_100_poss",
                 "pts_per_100_poss", "e_fg_percent", "ft_percent", "o_rtg", "d_rtg")
PLAYER_PER_100 = CsvSpec(
    "Per 100 Poss.csv",
    text=_PLAYER_KEY_TEXT,
    numeric=("season", "g", "mp", *PER_100_STATS),
    required=("g", "mp"),
)
ALL_STARS = CsvSpec(
    "All-Star Selections.csv",
    text=("player_id", "lg"),
    numeric=("season",),
)

# Facts of the game the raw files are range-checked against (src/data/player_checks.py,
# src/data/team_seasons.py). A value outside them is a corrupt file, not a new kind of season.
MAX_SEASON_GAMES = 82          # regular-season games per team (every season since 1968)
GAME_MINUTES = 240             # 5 players x 48 regulation minutes
MAX_MINUTES_PER_GAME = 63      # 48 + three overtimes: no player averages more over a season
