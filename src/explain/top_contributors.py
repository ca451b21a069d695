"""The contributors table an analyst can check: for every playoff team of every test season,
its top players by contribution above replacement, with minutes, value and contribution."""
from __future__ import annotations

import pandas as pd

from src.artifacts import TEAM_SEASONS
from src.errors import DataError

TEAM_SOURCE = TEAM_SEASONS.path
COLUMNS = ["season", "team", "contribution_rank", "player", "player_id", "mp", "attention",
           "value", "contribution", "team_above_replacement"]
REPLACEMENT_SENTENCE = (
    "Contribution = points a player adds to his team's strength over a replacement-level "
    "player in the same court time: 5 x attention x (value - replacement level), value in "
    "points per 100 possessions from his own box production, shooting, on-off and earlier "
    "seasons; a team's contributions add up exactly to its strength above a team of "
    "replacement-level players.")


def top_contributors(contributors: pd.DataFrame, teams: pd.DataFrame, n_players: int
                     ) -> pd.DataFrame:
    """COLUMNS, one row per listed player, playoff teams of the seasons in `contributors`."""
    playoff = teams.loc[teams["made_playoffs"] == True, ["season", "team"]]  # noqa: E712
    rows = contributors.merge(playoff, on=["season", "team"], how="inner")
    if rows.empty:
        raise DataError(f"{TEAM_SOURCE}: no playoff team of the explained seasons")
    rows = rows.assign(team_above_replacement=rows.groupby(["season", "team"])["contribution"]
                       .transform("sum"))
    top = rows[rows["contribution_rank"] <= n_players]
    return top.sort_values(["season", "team", "contribution_rank"])[COLUMNS].reset_index(drop=True)


def top_contributors_markdown(table: pd.DataFrame) -> str:
    lines = ["# Top contributors of every playoff team (walk-forward test seasons)", "",
             REPLACEMENT_SENTENCE + " Minutes: regular season; attention: Model A's expected "
             "share of playoff minutes.", ""]
    for (season, team), group in table.groupby(["season", "team"], sort=True):
        total = group["team_above_replacement"].iloc[0]
        listed = "; ".join(f"{p['player']} ({p['mp']:.0f} min, value {p['value']:+.1f}, "
                           f"{p['contribution']:+.1f} pts)" for _, p in group.iterrows())
        lines.append(f"- **{season} {team}** ({total:+.1f} pts above replacement): {listed}")
    return "\n".join(lines) + "\n"
