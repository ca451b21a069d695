"""The raw CSVs the ingest stage reads: which columns each must have, which are numbers, and
the range of every number.

Only the columns ingest uses are required; extra columns in a file are ignored. A column
listed in `numeric` must parse as a number in every row (NA/empty is allowed and kept as
NaN, counted in the log, except in `required` columns: core stats that must be present);
anything else is a DataError naming file, column and row.

`ranges` gives each numeric column its [low, high]; `row_rules` relate columns of one row
(games started <= games). src/data/table_schema.py turns both into a pandera schema that
read_csv applies to every row of the file. The bounds are facts of the game (a share is in
[0, 1], a season has at most 82 games) or, where the game sets none, generous bounds around
every value of the real files 1947-2026 (docs/input_checks.md lists the real extremes).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd


@dataclass(frozen=True)
class CsvSpec:
    name: str                          # file name inside data.raw_dir
    text: tuple[str, ...] = ()         # required non-numeric columns
    numeric: tuple[str, ...] = ()      # required numeric columns
    dtype_str: tuple[str, ...] = ()    # read as str to keep leading zeros (ids)
    encoding: str = "utf-8-sig"        # Team_Records.csv starts with a byte-order mark
    # false: the pinned file itself ends without a line break, so a missing one is no sign of a
    # cut; its checksum (download stage) and its own checks (five starters a team-game) are
    ends_with_line_break: bool = True
    required: tuple[str, ...] = ()     # numeric columns that may never be empty (core stats)
    ranges: tuple[tuple[str, float, float], ...] = ()   # (column, low, high), inclusive
    row_rules: tuple["RowRule", ...] = ()

    @property
    def optional(self) -> tuple[str, ...]:
        """Numeric stats that may be empty (kept as NaN, counted in the log)."""
        return tuple(c for c in self.numeric if c not in self.required and c != "season")

    @property
    def columns(self) -> tuple[str, ...]:
        return self.text + self.numeric


@dataclass(frozen=True)
class RowRule:
    """`holds(df)` is a boolean Series: True where the row satisfies `rule` (a row with an
    empty value passes: emptiness is checked elsewhere). A failure is reported at `column`."""
    column: str
    rule: str
    holds: Callable[[pd.DataFrame], pd.Series]


def at_most(column: str, limit: str, factor: float = 1.0) -> RowRule:
    """column <= factor x limit, row by row."""
    text = f"{column} <= {limit}" if factor == 1 else f"{column} <= {factor:g} x {limit}"
    return RowRule(column, text, lambda df: ~(df[column] > factor * df[limit]))


# Facts of the game the raw files are range-checked against. A value outside them is a
# corrupt file, not a new kind of season.
MAX_SEASON_GAMES = 82          # regular-season games per team (every season since 1968)
GAME_MINUTES = 240             # 5 players x 48 regulation minutes
MAX_MINUTES_PER_GAME = 63      # 48 + three overtimes: no player averages more over a season
ABA_SEASON_GAMES = 84          # the ABA (rows of 1968-1976, dropped by ingest) played 84
MAX_PLAYER_GAMES = 100         # a player traded mid-season can play more than 82 (real max 90)
PINNED_SEASONS = (1997, 2026)  # player tables from 1997, teams to 2026 in the pinned files
SEASONS = (1947, 2100)         # named by the year they end; the BAA's first season is 1947
SHARE = (0.0, 1.0)             # a fraction: shooting %, FT/FGA, share of attempts
PERCENT_POINTS = (0.0, 100.0)  # a percentage written 0-100 (position %, rebound %)
# Per 100 possessions a team or player cannot outscore 4 points a possession (an and-one
# three); the real files reach +/-308 (a few minutes played) and ratings of 300.
PER_100_LIMIT = 400.0

def season_games_limit(league: pd.Series) -> pd.Series:
    """Most games a team of that league plays in a season (NBA 82, ABA 84)."""
    return league.eq("NBA").map({True: MAX_SEASON_GAMES, False: ABA_SEASON_GAMES})


FOUR_FACTORS = ("e_fg_percent", "tov_percent", "orb_percent", "ft_fga",
                "opp_e_fg_percent", "opp_tov_percent", "drb_percent", "opp_ft_fga")
TEAM_RATINGS = ("age", "mov", "sos", "srs", "o_rtg", "d_rtg", "n_rtg", "pace")

TEAM_SUMMARIES = CsvSpec(
    "Team Summaries.csv",
    text=("lg", "team", "abbreviation", "playoffs"),
    numeric=("season", "w", "l", *TEAM_RATINGS, *FOUR_FACTORS),
    # every NBA team row has them; a gap would silently weaken the features of that team
    required=(*TEAM_RATINGS, *FOUR_FACTORS),
    # real 1947-2026: age 22.1-32, mov/srs -15.2..12.9, sos -1.7..1.25, ratings 79-123,
    # net -15.2..13.4, pace 82-136, eFG .246-.578, TOV% 10-19, ORB% 18-39, DRB% 62-82, FT/FGA < .42
    ranges=(("season", *SEASONS), ("w", 0, MAX_SEASON_GAMES), ("l", 0, MAX_SEASON_GAMES),
            ("age", 18, 45), ("mov", -30, 30), ("sos", -5, 5), ("srs", -30, 30),
            ("o_rtg", 60, 150), ("d_rtg", 60, 150), ("n_rtg", -40, 40), ("pace", 60, 150),
            ("e_fg_percent", *SHARE), ("opp_e_fg_percent", *SHARE), ("ft_fga", *SHARE),
            ("opp_ft_fga", *SHARE), ("tov_percent", *PERCENT_POINTS),
            ("opp_tov_percent", *PERCENT_POINTS), ("orb_percent", *PERCENT_POINTS),
            ("drb_percent", *PERCENT_POINTS)),
    row_rules=(RowRule("l", f"w + l <= {MAX_SEASON_GAMES} (ABA: {ABA_SEASON_GAMES})",
                       lambda df: ~(df["w"] + df["l"] > season_games_limit(df["lg"]))),),
)
TEAM_ABBREV = CsvSpec(
    "Team Abbrev.csv",
    text=("lg", "team", "abbreviation"),
    numeric=("season",),
    ranges=(("season", *SEASONS),),
)
TEAM_RECORDS = CsvSpec(
    "Team_Records.csv",
    text=("Season", "Lg", "Team", "Playoffs"),
    numeric=("W", "L", "Finish"),
    # a division never had more than 8 teams (real: 1-8)
    ranges=(("W", 0, MAX_SEASON_GAMES), ("L", 0, MAX_SEASON_GAMES), ("Finish", 1, 10)),
    row_rules=(RowRule("L", f"W + L <= {MAX_SEASON_GAMES} (ABA: {ABA_SEASON_GAMES})",
                       lambda df: ~(df["W"] + df["L"] > season_games_limit(df["Lg"]))),),
)
PLAYOFF_GAMES = CsvSpec(
    "play_off_totals_2010_2024.csv",
    text=("SEASON_YEAR", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID", "GAME_DATE", "MATCHUP", "WL"),
    numeric=("PTS",),
    required=("PTS",),
    dtype_str=("GAME_ID",),
    ranges=(("PTS", 50, 200),),     # real 63-154; the lowest playoff score on record is 54
)

# play_off_box_scores_2010_2024.csv: one row per player per playoff game (src/data/box_scores.py
# parses minutes "MM:SS", reads the comment, links the NBA person to Basketball-Reference).
# position is filled for the five starters only; comment and minutes: exactly one is filled.
BOX_SCORE_COUNTS = ("points", "reboundsTotal", "assists", "steals", "blocks", "turnovers",
                    "foulsPersonal")
PLAYOFF_BOX_SCORES = CsvSpec(
    "play_off_box_scores_2010_2024.csv",
    text=("season_year", "game_date", "gameId", "teamTricode", "personId", "personName",
          "position", "comment", "minutes"),
    numeric=(*BOX_SCORE_COUNTS, "plusMinusPoints"),
    required=(*BOX_SCORE_COUNTS, "plusMinusPoints"),
    dtype_str=("gameId", "personId"),
    ends_with_line_break=False,        # the pinned upstream file (2847bec) has none
    # real: points <= 57, rebounds <= 26, fouls <= 6 (a player fouls out at 6), +/- -45..+46
    ranges=(("points", 0, 100), ("reboundsTotal", 0, 50), ("assists", 0, 40), ("steals", 0, 20),
            ("blocks", 0, 20), ("turnovers", 0, 20), ("foulsPersonal", 0, 6),
            ("plusMinusPoints", -80, 80)),
)

_PLAYER_KEY_TEXT = ("lg", "player", "player_id", "team")
POSITION_PERCENT = ("pg_percent", "sg_percent", "sf_percent", "pf_percent", "c_percent")
PLUS_MINUS = ("on_court_plus_minus_per_100_poss", "net_plus_minus_per_100_poss")
PBP_COUNTS = ("bad_pass_turnover", "lost_ball_turnover", "shooting_foul_committed",
              "offensive_foul_committed", "shooting_foul_drawn", "offensive_foul_drawn",
              "and1", "fga_blocked")
PBP_STATS = (*POSITION_PERCENT, *PLUS_MINUS, *PBP_COUNTS[:6], "points_generated_by_assists",
             *PBP_COUNTS[6:])
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
    # real: age 18-44, +/- -303..308, counts up to 391 (points by assists 2,179)
    ranges=(("season", *SEASONS), ("age", 15, 50), ("g", 0, MAX_PLAYER_GAMES),
            ("gs", 0, MAX_PLAYER_GAMES), ("mp", 0, MAX_MINUTES_PER_GAME * MAX_PLAYER_GAMES),
            *((c, *PERCENT_POINTS) for c in POSITION_PERCENT),
            *((c, -PER_100_LIMIT, PER_100_LIMIT) for c in PLUS_MINUS),
            *((c, 0, 1000) for c in PBP_COUNTS), ("points_generated_by_assists", 0, 5000)),
    row_rules=(at_most("gs", "g"), at_most("mp", "g", MAX_MINUTES_PER_GAME)),
)
PLAYER_SHOOTING = CsvSpec(
    "Player Shooting.csv",
    text=_PLAYER_KEY_TEXT,
    numeric=("season", *SHOOTING_STATS),
    # real: every share in [0, 1], distance <= 45.3 ft, dunks <= 306, heaves <= 22
    ranges=(("season", *SEASONS),
            *((c, *SHARE) for c in SHOOTING_STATS if "percent" in c),
            ("avg_dist_fga", 0, 94), ("num_of_dunks", 0, 1000),   # 94 ft: the court's length
            ("num_heaves_attempted", 0, 100), ("num_heaves_made", 0, 100)),
    row_rules=(at_most("num_heaves_made", "num_heaves_attempted"),),
)
PLAYER_INFO = CsvSpec(
    "Player Season Info.csv",
    text=_PLAYER_KEY_TEXT,
    numeric=("season", "experience"),
    ranges=(("season", *SEASONS), ("experience", 1, 30)),   # real 1-23
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
    # real: per-100 counts <= 320 (a few minutes played), eFG <= 1.5 (all threes), o_rtg <= 300
    ranges=(("season", *SEASONS), ("g", 0, MAX_PLAYER_GAMES),
            ("mp", 0, MAX_MINUTES_PER_GAME * MAX_PLAYER_GAMES),
            # counts are >= 0 in every real row, but the synthetic league (make demo, the
            # tests' known truth) draws negative ones for strongly negative-impact stars, and
            # its star-explanation test reads them: symmetric bounds until it is redrawn
            *((c, -PER_100_LIMIT, PER_100_LIMIT) for c in PER_100_STATS if c.endswith("_per_100_poss")),
            ("e_fg_percent", 0, 1.5), ("ft_percent", *SHARE), ("o_rtg", 0, PER_100_LIMIT),
            ("d_rtg", 0, PER_100_LIMIT)),
    row_rules=(at_most("mp", "g", MAX_MINUTES_PER_GAME),),
)
ALL_STARS = CsvSpec(
    "All-Star Selections.csv",
    text=("player_id", "lg"),
    numeric=("season",),
    ranges=(("season", *SEASONS),),
)
