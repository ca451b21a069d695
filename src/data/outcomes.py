"""Ground truth per team-season: series_won, champion, post_playoff_rank, relevance.

post_playoff_rank (MISSION.md): champion 1, finals loser 2, conference-finals losers 3-4,
semifinal losers 5-8, first-round losers 9-16, then the non-playoff teams. Inside a tier
teams are ordered by regular-season win%, then SRS, then team code (alphabetical), so the
rank is a deterministic permutation 1..N even when win% ties.
"""
from __future__ import annotations

import pandas as pd

from src.errors import DataError

CHAMPION_SERIES = 4
PLAYOFF_TEAMS = 16
# Teams per number of series won in a complete 16-team bracket.
BRACKET_SHAPE = {0: 8, 1: 4, 2: 2, 3: 1, 4: 1}
# Tier order: more series won first; non-playoff teams (tier -1) last.
_MISSED = -1
TIE_BREAK = ["win_pct", "srs", "team"]
TIE_BREAK_ASCENDING = [False, False, True]


def check_bracket(outcomes: pd.DataFrame, source: str) -> None:
    """Every season of `outcomes` (season, team, made_playoffs, series_won) is a full bracket."""
    for season, g in outcomes.groupby("season"):
        shape = g.loc[g["made_playoffs"], "series_won"].value_counts().to_dict()
        if shape != BRACKET_SHAPE:
            raise DataError(f"{source}: season {season}: playoff results do not form a "
                            f"16-team bracket (teams per series won: {dict(sorted(shape.items()))})")


def add_outcome_columns(teams: pd.DataFrame) -> pd.DataFrame:
    """Add champion, post_playoff_rank and relevance from made_playoffs/series_won/outcome_known.

    Seasons with outcome_known False get nulls in series_won, champion, rank and relevance.
    """
    df = teams.copy()
    known = df["outcome_known"].astype(bool)
    series_won = df["series_won"].astype("Int64").where(known)
    df["series_won"] = series_won
    df["champion"] = (series_won == CHAMPION_SERIES).astype("boolean").where(known)
    # relevance: 0 missed playoffs, 1 lost first round, ... 5 champion.
    made = df["made_playoffs"].astype("boolean")
    df["relevance"] = (series_won + made.astype("Int64")).where(known).astype("Int64")
    df["post_playoff_rank"] = _post_playoff_rank(df, known)
    return df


def _post_playoff_rank(df: pd.DataFrame, known: pd.Series) -> pd.Series:
    rank = pd.Series(pd.NA, index=df.index, dtype="Int64")
    sub = df.loc[known].copy()
    sub["_tier"] = sub["series_won"].astype("int64").where(sub["made_playoffs"].astype(bool),
                                                           _MISSED)
    ordered = sub.sort_values(["season", "_tier", *TIE_BREAK],
                              ascending=[True, False, *TIE_BREAK_ASCENDING], kind="mergesort")
    rank.loc[ordered.index] = ordered.groupby("season").cumcount().to_numpy() + 1
    return rank
