"""Players' earlier playoff record as evidence on a team's strength (issue 30 item 3).

For a team of season t as of the morning of day D, each player's playoff plus-minus in the box
scores of every game before D (seasons before t and t's games of earlier days: every playoff game
of an earlier season was played before season t's), per 48 minutes and shrunk toward 0 by
`shrink_minutes` of pseudo-evidence:

    record_i = 48 x sum(plus_minus) / (playoff minutes + shrink_minutes)

The team's record is the sum over its roster weighted by each player's regular-season minutes
share (`roster_shares`: minutes per game over the team's roster, the roster as features.roster keeps
it), and a forecast's home-minus-away margin moves by `weight x (record_home - record_away)`.
(weight, shrink_minutes) are chosen per season on earlier seasons (src/evaluation/record_asof.py).

A day D after a playoff game without box-score rows (2024 after its first 11 games, a live season
whose box scores lag its results) keeps the record as of the morning of that game: the box scores
that exist are still known, and dropping the term would move every team's odds on a day without a
game (`record_dates`; `record_known` says which rows have a complete record, for the coverage
report). `RecordTerm` is the term a forecast adds to its as-of strengths.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import NonNegativeFloat, PositiveFloat

from src.config import params_section, section
from src.errors import ConfigError

MINUTES_PER_GAME = 48.0
SHARE_COLUMNS = ["season", "team", "player_id", "share"]


@params_section("playoff_record")
class PlayoffRecordConfig:
    weight_grid: list[NonNegativeFloat]          # points of margin per point of team record; 0 = left out
    shrink_minutes_grid: list[PositiveFloat]     # pseudo-minutes of plus-minus 0 added to each player

    def __post_init__(self) -> None:
        if 0.0 not in self.weight_grid:
            raise ConfigError("params.yaml: playoff_record.weight_grid must hold 0.0 (the record left out: "
                              f"the first season's choice and a candidate every season), got {self.weight_grid}")
        if not self.shrink_minutes_grid:
            raise ConfigError("params.yaml: playoff_record.shrink_minutes_grid must not be empty")

    def candidates(self) -> list[tuple[float, float]]:
        """(shrink_minutes, weight) pairs, in the order a tie is broken: smaller weight, then shrink."""
        return sorted(((float(s), float(w)) for s in self.shrink_minutes_grid for w in self.weight_grid),
                      key=lambda c: (c[1], c[0]))


def playoff_record_config(params: dict[str, Any]) -> PlayoffRecordConfig:
    return section(PlayoffRecordConfig, params.get("playoff_record"), "playoff_record")


def roster_shares(players: pd.DataFrame, min_minutes: float, max_players: int) -> pd.DataFrame:
    """SHARE_COLUMNS: per (season, final team) the players with >= min_minutes regular-season
    minutes (stints summed; the top max_players by minutes per game), share = minutes per game
    over the team's sum (src/features/roster.py's minutes share with availability_power 0)."""
    totals = players.groupby(["season", "player_id"], sort=True)[["mp", "g"]].sum()
    final = players.loc[players["final_team"].astype(bool)].drop_duplicates(["season", "player_id"])
    frame = totals.join(final.set_index(["season", "player_id"])["team"], how="inner").reset_index()
    frame = frame[(frame["mp"] >= min_minutes) & (frame["g"] > 0)]
    frame = frame.assign(mpg=frame["mp"] / frame["g"]).sort_values(
        ["season", "team", "mpg", "player_id"], ascending=[True, True, False, True], kind="mergesort")
    frame = frame[frame.groupby(["season", "team"]).cumcount() < max_players]
    frame["share"] = frame["mpg"] / frame.groupby(["season", "team"])["mpg"].transform("sum")
    return frame[SHARE_COLUMNS].reset_index(drop=True)


def cumulative_record(box: pd.DataFrame) -> pd.DataFrame:
    """player_id, through (a date), minutes, plus_minus: each player's playoff totals through the
    end of each day he played (linked rows of players who played)."""
    played = box.loc[box["played"].astype(bool) & box["player_id"].notna(),
                     ["player_id", "date", "minutes", "plus_minus"]]
    daily = played.groupby(["player_id", "date"], sort=True)[["minutes", "plus_minus"]].sum()
    out = daily.groupby(level="player_id").cumsum().reset_index().rename(columns={"date": "through"})
    out["through"] = out["through"].astype("datetime64[ns]")
    return out.sort_values("through", kind="mergesort").reset_index(drop=True)


def team_records(queries: pd.DataFrame, shares: pd.DataFrame, cumulative: pd.DataFrame,
                 shrinks: list[float]) -> np.ndarray:
    """[len(queries), len(shrinks)] team records of queries (season, team, date): the box scores
    of days before `date` only (a player without one has record 0; a team without shares 0)."""
    asked = queries[["season", "team", "date"]].reset_index(drop=True)
    rows = asked.assign(row=np.arange(len(asked)), date=asked["date"].astype("datetime64[ns]"))
    rows = rows.merge(shares, on=["season", "team"], how="inner").sort_values("date", kind="mergesort")
    seen = pd.merge_asof(rows, cumulative, left_on="date", right_on="through", by="player_id",
                         allow_exact_matches=False, direction="backward")
    minutes = seen["minutes"].fillna(0.0).to_numpy(float)
    pm = seen["plus_minus"].fillna(0.0).to_numpy(float)
    share = seen["share"].to_numpy(float)
    out = np.zeros((len(asked), len(shrinks)))
    for k, shrink in enumerate(shrinks):
        np.add.at(out[:, k], seen["row"].to_numpy(int), share * MINUTES_PER_GAME * pm / (minutes + shrink))
    return out


def first_day_without_box_scores(games: pd.DataFrame, box: pd.DataFrame) -> pd.Timestamp | None:
    """The date of the first playoff game of `games` without box-score rows (None: none)."""
    missing = games.loc[~games["game_id"].isin(set(box["game_id"])), "date"]
    return None if missing.empty else pd.Timestamp(missing.min())


def record_dates(dates: pd.Series, known_until: pd.Timestamp | None) -> pd.Series:
    """The mornings a record is read as of: `dates`, held at `known_until` after it (the box
    scores before that day are complete; later ones are not all there)."""
    when = pd.to_datetime(pd.Series(dates)).astype("datetime64[ns]")
    return when if known_until is None else when.clip(upper=pd.Timestamp(known_until))


def record_known(seasons: np.ndarray, dates: pd.Series, games: pd.DataFrame, box: pd.DataFrame) -> np.ndarray:
    """True where every playoff game of `games` before the date has box-score rows (the seasons
    argument is kept for the callers' rows; any season's gap ends the record from that day on)."""
    missing = games.loc[~games["game_id"].isin(set(box["game_id"])), "date"]
    when = pd.to_datetime(pd.Series(dates)).to_numpy("datetime64[ns]")
    if missing.empty:
        return np.ones(len(when), bool)
    return when <= np.datetime64(pd.Timestamp(missing.min()), "ns")


@dataclass(frozen=True)
class RecordTerm:
    """weight x record of each team of a season as of a morning (the forecast's term; held at
    `known_until` after a game without box scores; 0 where the weight is 0)."""
    season: int
    shares: pd.DataFrame        # roster_shares rows
    cumulative: pd.DataFrame    # cumulative_record(box)
    known_until: pd.Timestamp | None   # the date of the first game without box scores (None: none)
    shrink_minutes: float
    weight: float

    @classmethod
    def of(cls, season: int, box: pd.DataFrame, games: pd.DataFrame, shares: pd.DataFrame,
           choice: dict) -> "RecordTerm":
        return cls(season, shares[shares["season"] == season], cumulative_record(box),
                   first_day_without_box_scores(games, box),
                   float(choice["shrink_minutes"]), float(choice["weight"]))

    def at(self, teams: list[str], morning: pd.Timestamp) -> pd.Series:
        """team -> points added to its strength as of the morning of `morning`."""
        out = pd.Series(0.0, index=list(teams))
        if self.weight == 0.0:
            return out
        held = record_dates(pd.Series([pd.Timestamp(morning)] * len(teams)), self.known_until)
        queries = pd.DataFrame({"season": self.season, "team": list(teams), "date": held.to_numpy()})
        rec = team_records(queries, self.shares, self.cumulative, [self.shrink_minutes])[:, 0]
        return out + self.weight * rec
