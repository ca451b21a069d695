"""The forecast's availability term: each team's strength as of a morning lowered by scale x the
contributions of its players out of its last playoff game before that morning
(src/features/availability_lost.py), the (reading, scale) the evaluate stage chose for the season
on earlier seasons' games (models/odds_fits.json, `game_variant`), as the game yardstick's
`<base>_avail` variants apply it (src/evaluation/availability_games.shifted_probs: a shift of the
margin by scale x (lost_away - lost_home)). A last game without a box score, or none yet: 0.

`MorningTerms` adds several such terms (the players' playoff record, src/odds/playoff_record.py,
and this one) into the one term the forecast adds after the update.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.features.availability_lost import lost_after_each_game
from src.features.availability_model import fit_availability

READINGS = ("full", "expected")


@dataclass(frozen=True)
class AvailabilityTerm:
    lost: pd.DataFrame          # team, date, lost: points the team lacks after that game (NaN: unknown)
    scale: float

    @classmethod
    def of(cls, season: int, box: pd.DataFrame, games: pd.DataFrame, roster: pd.DataFrame,
           players: pd.DataFrame | None, choice: dict) -> "AvailabilityTerm":
        """roster: season, team, player_id, player, mp, contribution (points above replacement);
        players: player_seasons rows (the availability model's, only for reading `expected`)."""
        reading, scale = str(choice["reading"]), float(choice["scale"])
        if reading not in READINGS:
            raise ValueError(f"models/odds_fits.json: game_variant.availability.reading {reading!r} is not one "
                             f"of {READINGS}")
        model = None
        if reading == "expected" and players is not None:
            model = fit_availability(box, games, players[players["final_team"].astype(bool)],
                                     sorted(s for s in box["season"].unique() if s < season))
        if reading == "expected" and model is None:
            raise ValueError(f"season {season}: availability reading 'expected' needs the availability model "
                             "(player seasons and earlier box scores)")
        season_games = games[games["season"] == season]
        lost = lost_after_each_game(box, season_games, roster, model, season) if not season_games.empty else None
        table = (pd.DataFrame(columns=["team", "date", "lost"]) if lost is None else
                 lost.rename(columns={f"lost_{reading}": "lost"})[["team", "date", "lost"]])
        return cls(table.sort_values(["team", "date"], kind="stable").reset_index(drop=True), scale)

    def at(self, teams: list[str], morning: pd.Timestamp) -> pd.Series:
        """team -> points added to its strength as of `morning` (-scale x what its last game before
        that morning left it without)."""
        out = pd.Series(0.0, index=list(teams))
        if self.scale == 0.0 or self.lost.empty:
            return out
        before = self.lost[pd.to_datetime(self.lost["date"]) < pd.Timestamp(morning)]
        # sorted by date: the team's last game, NaN (no box score) kept as unknown, not skipped
        last = before.groupby("team").tail(1).set_index("team")["lost"]
        values = last.reindex(out.index).to_numpy(float)
        return out - self.scale * np.nan_to_num(values)


@dataclass(frozen=True)
class MorningTerms:
    """The sum of several morning terms (each with `at(teams, morning) -> pd.Series`)."""
    terms: tuple

    def at(self, teams: list[str], morning: pd.Timestamp) -> pd.Series:
        out = pd.Series(0.0, index=list(teams))
        for term in self.terms:
            out = out + term.at(teams, morning).to_numpy(float)
        return out

    def availability_at(self, teams: list[str], morning: pd.Timestamp) -> pd.Series:
        """The availability terms' part of `at` (the roster what-if adds its players back to play
        "with" and takes them off in full for "without", src/inference/what_if.py)."""
        out = pd.Series(0.0, index=list(teams))
        for term in self.terms:
            if isinstance(term, AvailabilityTerm):
                out = out + term.at(teams, morning).to_numpy(float)
        return out
