"""Range, completeness and consistency checks of the player files against the team table
and against each other.

A player file cut at a line boundary parses cleanly (its last line is complete), so the
cut is found by what is missing: every team-season with games must have player rows in
each player file, and a team's players must have played (nearly) all its minutes. Ranges:
games in [0, the team's games], starts in [0, games], minutes in [0, 63 x games].
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from src.data import schema
from src.data.readers import check_range, check_unique, csv_line
from src.errors import DataError

log = logging.getLogger(__name__)

KEY = ["season", "player_id", "team"]
# Bytes of a UTF-8 name decoded as one of these and saved again ('DaniloviÄ‡' for 'Danilović')
MOJIBAKE_CODECS = ("cp1252", "latin-1")
REPLACEMENT_CHAR = "\ufffd"


def check_player_ranges(players: pd.DataFrame, teams: pd.DataFrame, path: Path) -> None:
    """g of each player-team-season within the team's games that season (the ranges within
    one file, gs <= g and mp <= 63 x g among them, are the schema's: src/data/schema.py)."""
    team_games = players.merge(teams[["season", "team", "g"]], on=["season", "team"],
                               how="left", suffixes=("", "_team"))["g_team"].to_numpy()
    check_range(players, "g", 0, pd.Series(team_games, index=players.index), path,
                "games must be in [0, the team's games that season]")


def check_every_team_has_players(players: pd.DataFrame, teams: pd.DataFrame, path: Path,
                                 min_minutes_share: float | None) -> None:
    """Each team-season with games has rows here; unless `min_minutes_share` is None, its
    players' minutes cover at least that share of the team's 240 x games (a file cut inside a
    season: params.yaml data.min_team_minutes_share)."""
    check_minutes = min_minutes_share is not None
    played = teams.loc[(teams["g"] > 0) & teams["season"].isin(_seasons(teams)),
                       ["season", "team", "g"]]
    counts = players.groupby(["season", "team"]).agg(rows=("team", "size"))
    if check_minutes:
        counts["mp"] = players.groupby(["season", "team"])["mp"].sum()
    found = played.merge(counts.reset_index(), on=["season", "team"], how="left")
    missing = found.loc[found["rows"].isna()]
    if len(missing):
        _raise(path, missing, "has no player rows", "the file looks truncated")
    if check_minutes:
        share = found["mp"] / (schema.GAME_MINUTES * found["g"])
        short = found.assign(share=share).loc[share < min_minutes_share]
        if len(short):
            r = short.iloc[0]
            _raise(path, short, f"players' minutes cover {r['share']:.0%} of the team's "
                   f"{schema.GAME_MINUTES} x {int(r['g'])} (expected >= "
                   f"{min_minutes_share:.0%}, data.min_team_minutes_share)",
                   "player rows are missing: the file looks truncated")


def _seasons(teams: pd.DataFrame) -> list[int]:
    return sorted(int(s) for s in teams["season"].unique())


def _raise(path: Path, bad: pd.DataFrame, what: str, why: str) -> None:
    r = bad.iloc[0]
    seasons = sorted(int(s) for s in bad["season"].unique())
    listed = ", ".join(map(str, seasons[:8])) + (" ..." if len(seasons) > 8 else "")
    raise DataError(f"{path}: column 'team', season {int(r['season'])}: team {r['team']} "
                    f"{what}; {len(bad)} team-season(s) like this in season(s) {listed}: "
                    f"{why}; restore it from its source")


def check_teams_known(players: pd.DataFrame, teams: pd.DataFrame, path: Path) -> None:
    """Every (season, team) of a player file is a team of that season in Team Summaries."""
    known = pd.MultiIndex.from_frame(teams[["season", "team"]])
    found = pd.MultiIndex.from_frame(players[["season", "team"]]).isin(known)
    if not found.all():
        label = players.index[~found][0]
        r = players.loc[label]
        raise DataError(f"{path}: column 'team', row {csv_line(label)}, season {r['season']}: "
                        f"unknown team abbreviation {r['team']!r} for player {r['player_id']} (not "
                        f"in {schema.TEAM_SUMMARIES.name} for that season; "
                        f"{int((~found).sum())} row(s) like this)")


def check_one_row_per_player(players: pd.DataFrame, path: Path) -> None:
    """A player-season appears once per team: one id per (season, team, name) as well (a row
    copied under a new player_id would count a player twice in his team's roster)."""
    check_unique(players, KEY, path)
    check_unique(players, ["season", "team", "player"], path)


def check_names(players: pd.DataFrame, path: Path) -> None:
    """Refuse names that are a wrong-encoding round trip of a UTF-8 name: encoded back as
    cp1252/latin-1 they decode as different UTF-8 text ('DaniloviÄ‡' -> 'Danilović')."""
    garbled = players["player"].fillna("").map(_mojibake) != ""
    if garbled.any():
        label = garbled.idxmax()
        name = players.at[label, "player"]
        raise DataError(f"{path}: column 'player', row {csv_line(label)}, season "
                        f"{players.at[label, 'season']}: name {name!r} looks like UTF-8 text read "
                        f"with the wrong encoding (it reads {_mojibake(name)!r} as UTF-8; "
                        f"{int(garbled.sum())} name(s) like this): save the file as UTF-8 again "
                        "from its source")


def _mojibake(name: str) -> str:
    """The UTF-8 name `name` was garbled from, or '' when it is not a round trip. A
    replacement character (U+FFFD: a byte the wrong codec could not map) is garbled too."""
    if name.isascii():
        return ""
    if REPLACEMENT_CHAR in name:
        return name.replace(REPLACEMENT_CHAR, "?")
    for codec in MOJIBAKE_CODECS:
        try:
            fixed = name.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != name:
            return fixed
    return ""


def check_same_player_rows(files: dict[str, pd.DataFrame], teams: pd.DataFrame,
                           raw_dir: Path) -> None:
    """Every player-team-season of the first file (play-by-play: the rows player_seasons
    keeps) has a row in each other player file, and no other file has a row it lacks: a
    DataError naming both files, the row and the player. One exception: in a season in
    progress (no team flagged for the playoffs yet) a file may lag behind the play-by-play
    file (Per 100 Poss.csv of 2026: 100 rows); its missing rows are a WARNING naming file,
    count and season, and their columns stay empty."""
    in_progress = set(teams.loc[teams["made_playoffs"].isna(), "season"].astype(int))
    (base, base_df), *others = files.items()
    for other, other_df in others:
        _refuse_absent(other_df, _absent(other_df, base_df), Path(raw_dir) / other, base)
        lagging = _absent(base_df, other_df)
        _refuse_absent(base_df, lagging & ~base_df["season"].isin(in_progress).to_numpy(),
                       Path(raw_dir) / base, other)
        if lagging.any():
            seasons = sorted(int(s) for s in base_df.loc[lagging, "season"].unique())
            log.warning("%s: %d player-team-season(s) of season(s) %s (in progress) have no "
                        "row in %s yet: their %s columns stay empty", base, int(lagging.sum()),
                        ", ".join(map(str, seasons)), other, other)


def _absent(df: pd.DataFrame, other: pd.DataFrame):
    """Rows of `df` whose (season, player_id, team) is not in `other`."""
    return ~pd.MultiIndex.from_frame(df[KEY]).isin(pd.MultiIndex.from_frame(other[KEY]))


def _refuse_absent(df: pd.DataFrame, absent, path: Path, other: str) -> None:
    if absent.any():
        label = df.index[absent][0]
        r = df.loc[label]
        raise DataError(f"{path}: column 'player_id', row {csv_line(label)}, season "
                        f"{r['season']}: player {r['player_id']} ({r['player']}), team "
                        f"{r['team']} has no row in "
                        f"{other} ({int(absent.sum())} player-team-season(s) like this): the "
                        "files disagree on who played where; restore them from their source")
