"""Playoff results that add up: the checks of `validate_playoff_games`.

The table is the one `clean_games` returns (one row per team per game; its index keeps the
CSV row positions, so each error names the file's row):
    season, game_id, team, date, pts, home, won, round (1-4), series, game
A season may be in progress: an unfinished series passes, as long as no side has more
than the wins that decide it and nothing was played after that.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from src.data.conferences import conference_of
from src.data.readers import csv_line
from src.errors import DataError

SERIES_TO_WIN = 4           # wins that decide a series (every round since 2003)
FINALS_ROUND = 4


def validate_playoff_games(games: pd.DataFrame, path: Path | str,
                           team_seasons: pd.DataFrame | None = None) -> None:
    """Refuse playoff results that do not add up; every DataError names `path` and a row.

    * each game: two teams, one winner with more points, one home team;
    * each series: two teams, no side past SERIES_TO_WIN wins, no game after it was decided;
    * a team in round r+1 won its round-r series, a team plays one series a round, and the
      two teams of a conference round come from that conference (the Finals: one of each);
    * with `team_seasons` (season, team, win_pct): the home team of a series' first game
      has the better regular-season record, or the same (home court follows the seeds).
    """
    path = Path(path)
    _check_each_game(games, path)
    series = _series_table(games, path)
    _check_rounds(games, series, path)
    if team_seasons is not None:
        check_home_court(games, team_seasons, path)


def _fail(path: Path, label, column: str, what: str) -> DataError:
    return DataError(f"{path}: column '{column}', row {csv_line(label)}: {what}")


def _check_each_game(games: pd.DataFrame, path: Path) -> None:
    by_game = games.groupby("game_id", sort=False)
    shape = by_game.agg(rows=("team", "size"), teams=("team", "nunique"), wins=("won", "sum"),
                        homes=("home", "sum"))
    for column, test, what in (
            ("team", (shape["rows"] == 2) & (shape["teams"] == 2), "needs two rows, one per team"),
            ("WL", shape["wins"] == 1, "needs one winner (W) and one loser (L)"),
            ("MATCHUP", shape["homes"] == 1, "needs one home team ('vs.') and one away ('@')")):
        if not test.all():
            game = test.index[~test][0]
            raise _fail(path, games.index[games["game_id"] == game][0], column,
                        f"game {game} {what}")
    pts = games.pivot_table(index="game_id", columns="won", values="pts", aggfunc="first")
    bad = pts.index[~(pts[True] > pts[False])]
    if len(bad):
        game = bad[0]
        label = games.index[(games["game_id"] == game) & games["won"]][0]
        raise _fail(path, label, "PTS", f"game {game}: the winner scored {pts.at[game, True]:g} "
                                        f"points, the loser {pts.at[game, False]:g}")


def _series_table(games: pd.DataFrame, path: Path) -> pd.DataFrame:
    """One row per series and team: wins, first and last game number, first CSV row."""
    keys = ["season", "round", "series"]
    per_team = games.assign(_label=games.index).groupby([*keys, "team"], sort=True).agg(
        wins=("won", "sum"), label=("_label", "min")).reset_index()
    teams = per_team.groupby(keys)["team"].transform("size")
    if (teams != 2).any():
        r = per_team.loc[teams != 2].iloc[0]
        found = per_team.loc[(per_team[keys] == r[keys]).all(axis=1), "team"]
        raise _fail(path, r["label"], "TEAM_ABBREVIATION",
                    f"season {r['season']}, round {r['round']}, series {r['series']}: needs two "
                    f"teams, found {', '.join(found)}")
    over = per_team["wins"] > SERIES_TO_WIN
    if over.any():
        r = per_team.loc[over].iloc[0]
        raise _fail(path, r["label"], "WL", f"season {r['season']}, round {r['round']}: "
                    f"{r['team']} won {r['wins']} games of one series (a series ends at "
                    f"{SERIES_TO_WIN})")
    _check_nothing_after_decided(games, path)
    return per_team


def _check_nothing_after_decided(games: pd.DataFrame, path: Path) -> None:
    """No game of a series is numbered after the game that gave a side its deciding win."""
    ordered = games.sort_values(["season", "round", "series", "game"], kind="stable")
    wins_so_far = ordered.groupby(["season", "round", "series", "team"])["won"].cumsum()
    decided = (wins_so_far >= SERIES_TO_WIN) & ordered["won"]
    last = ordered.loc[decided].groupby(["season", "round", "series"])["game"].min()
    after = ordered.join(last.rename("decided_at"), on=["season", "round", "series"])
    late = after["game"] > after["decided_at"]
    if late.any():
        label = late.idxmax()
        r = after.loc[label]
        raise _fail(path, label, "GAME_ID", f"season {r['season']}, round {r['round']}: game "
                    f"{r['game']} of a series decided in game {int(r['decided_at'])}")


def _check_rounds(games: pd.DataFrame, series: pd.DataFrame, path: Path) -> None:
    """Teams of round r+1 won round r; one series per team and round; conferences agree."""
    twice = series.duplicated(["season", "round", "team"], keep=False)
    if twice.any():
        r = series.loc[twice].iloc[0]
        raise _fail(path, r["label"], "GAME_ID", f"season {r['season']}, round {r['round']}: "
                    f"{r['team']} plays two series in one round")
    won = series.loc[series["wins"] == SERIES_TO_WIN]
    winners = set(zip(won["season"], won["round"], won["team"]))
    for r in series.loc[series["round"] > 1].itertuples():
        if (r.season, r.round - 1, r.team) not in winners:
            raise _fail(path, r.label, "TEAM_ABBREVIATION",
                        f"season {r.season}: {r.team} plays round {r.round} but did not win a "
                        f"round-{r.round - 1} series ({SERIES_TO_WIN} wins)")
    for key, pair in series.groupby(["season", "round", "series"]):
        season, rnd, _ = key
        confs = {conference_of(t, int(season)) for t in pair["team"]}
        if None in confs:
            continue                  # a team the realignment table lacks: checked on ingest
        if (len(confs) == 1) != (rnd < FINALS_ROUND):
            raise _fail(path, pair["label"].min(), "TEAM_ABBREVIATION",
                        f"season {season}, round {rnd}: {' vs '.join(pair['team'])} "
                        + ("meet in the Finals from one conference" if rnd == FINALS_ROUND
                           else "are of different conferences before the Finals"))


def check_home_court(games: pd.DataFrame, team_seasons: pd.DataFrame, path: Path | str) -> None:
    """Home court in a series' first game goes to the better regular-season record (the
    higher seed; equal records pass: the tie-break is not in the data)."""
    path = Path(path)
    first = games.loc[games.groupby(["season", "round", "series"])["game"].transform("min")
                      == games["game"]]
    pct = team_seasons.set_index(["season", "team"])["win_pct"]
    first = first.assign(win_pct=pct.reindex(pd.MultiIndex.from_frame(first[["season", "team"]]))
                         .to_numpy())
    home = first.loc[first["home"]].set_index("game_id")
    away = first.loc[~first["home"]].set_index("game_id")
    both = home.index.intersection(away.index)
    worse = both[(home.loc[both, "win_pct"] < away.loc[both, "win_pct"]).to_numpy()]
    if len(worse):
        game = worse[0]
        h, a = home.loc[game], away.loc[game]
        label = games.index[(games["game_id"] == game) & games["home"]][0]
        raise _fail(path, label, "MATCHUP",
                    f"season {h['season']}, round {h['round']}: {h['team']} (win% "
                    f"{h['win_pct']:.3f}) has home court in game {h['game']} against "
                    f"{a['team']} ({a['win_pct']:.3f}): the better record has home court")
