"""The roster in the playoffs on the forecast: who is missing from each team's last game, who
the user says will be out (params forecast.unavailable), and the title and series odds with and
without each of them (src/inference/what_if.py).

`forecast.unavailable` lists entries "TEAM: Player Name" (Basketball-Reference team code, the
name as the player files write it; accents, periods and suffixes need not match exactly). A name
that is not on the team's roster of the forecast season is an error naming it and listing the
roster. The players missing from the last game are read from the box scores of games on or
before the as-of date only (src/features/availability.py); their chance of missing the next game
comes from the availability model fitted on earlier seasons (src/features/availability_model.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from src.data.player_link import name_key
from src.errors import ConfigError
from src.features.availability import availability, missing_from_last_game
from src.features.availability_model import AvailabilityModel, fit_availability
from src.league.bracket import Bracket
from src.league.monte_carlo import GameModel
from src.league.state import SeriesState
from src.inference.what_if import live_series, what_if

ROSTER_COLUMNS = ["season", "team", "player_id", "player", "mp", "contribution"]


@dataclass
class RosterWhatIf:
    as_of: pd.Timestamp | None
    availability: pd.DataFrame        # src/features/availability.AVAILABILITY_COLUMNS (+ p_miss_next)
    odds: pd.DataFrame                # src/inference/what_if.WHATIF_COLUMNS
    model: AvailabilityModel | None   # fitted on the seasons before the forecast season
    box_last_date: pd.Timestamp | None   # the season's last game with a box score (None: none)


def forecast_roster(attention: pd.DataFrame, season: int) -> pd.DataFrame:
    """ROSTER_COLUMNS of the forecast season from the forecast's attention table; the contribution
    above replacement where the table has player values, else Model A's own contribution."""
    rows = attention[attention["season"] == season]
    above = rows.get("contribution_above_replacement")
    contribution = above if above is not None and above.notna().any() else rows["contribution"]
    return rows.assign(contribution=contribution.astype(float))[ROSTER_COLUMNS].reset_index(drop=True)


def parse_unavailable(entries: list[str], roster: pd.DataFrame, season: int) -> pd.DataFrame:
    """team, player_id, player, contribution of each "TEAM: Player Name" entry; ConfigError for a
    malformed entry or a name not on the team's roster of `season`."""
    rows = []
    for entry in entries:
        team, sep, name = (part.strip() for part in str(entry).partition(":"))
        if not sep or not team or not name:
            raise ConfigError(f"params.yaml: forecast.unavailable: {entry!r} is not 'TEAM: Player Name' "
                              "(e.g. 'PHI: Joel Embiid')")
        squad = roster[roster["team"] == team]
        if squad.empty:
            raise ConfigError(f"params.yaml: forecast.unavailable: {entry!r}: {team!r} is not a team of "
                              f"season {season} (Basketball-Reference codes: "
                              f"{', '.join(sorted(roster['team'].unique()))})")
        hit = squad[squad["player"].map(name_key) == name_key(name)]
        if hit.empty:
            raise ConfigError(f"params.yaml: forecast.unavailable: {name!r} is not on {team}'s {season} "
                              f"roster ({', '.join(squad['player'])})")
        rows.append(hit.iloc[0])
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS).drop_duplicates(["team", "player_id"])


def roster_what_if(box: pd.DataFrame, games: pd.DataFrame, players: pd.DataFrame, roster: pd.DataFrame,
                   season: int, as_of: pd.Timestamp | None, unavailable: list[str], bracket: Bracket,
                   strength: pd.Series, states: list[SeriesState], model: GameModel) -> RosterWhatIf:
    """Availability as of `as_of`, and odds with and without every player stated unavailable or
    missing from his team's last game (teams still alive only); players: player_seasons rows."""
    stated = parse_unavailable(unavailable, roster, season)
    table = availability(box, games, roster, season, as_of)
    fitted = fit_availability(box, games, players[players["final_team"].astype(bool)],
                              sorted(s for s in box["season"].unique() if s < season))
    if fitted is not None and not table.empty:
        table["p_miss_next"] = [fitted.p_miss(n, s)[0] if s != "unknown" else float("nan")
                                for n, s in zip(table["missed_in_row"], table["status"])]
    alive = {bracket.teams[i] for i in range(len(bracket.teams)) if live_series(states, i) is not None}
    missing = missing_from_last_game(table) if not table.empty else table.assign(rotation=False)
    keep = ["team", "player_id", "player", "contribution", "why"]
    named = pd.concat([stated.assign(why="stated unavailable (forecast.unavailable)")[keep],
                       missing.assign(why=[_why(r) for r in missing.itertuples()])[keep]], ignore_index=True)
    named = named[named["team"].isin(alive)].drop_duplicates(["team", "player_id"], keep="first")
    odds = what_if(strength, bracket, model, states, named)
    last = box.loc[box["season"] == season, "date"]
    return RosterWhatIf(as_of, table, odds, fitted, None if last.empty else pd.Timestamp(last.max()))


def _why(row) -> str:
    status = {"absent": "not in the box score", "injury": "injury/illness", "suspended": "suspended",
              "away": "not with the team"}[row.status]
    games = "game" if row.missed_in_row == 1 else "games"
    return f"missed the last {row.missed_in_row} {games} ({status}; last game {row.last_game_date:%Y-%m-%d})"
