"""Every playoff series of a season: one row format (COLUMNS), built by one bracket walk, with
one best-of rule (Bracket.best_of). The series yardstick's truth, and the training data of
everything fitted on playoff series (Model A's loss, Model B's playoff model, the points map,
the stacker).

COLUMNS, one row per series (sorted by season, round, home team in `series_table`):
  season, round (1-4), conference ("E"/"W", None for the Finals);
  home_team, away_team: the real home-court team (home team of game 1) where the game file has
      the season, else the team with home court under the bracket's rule (better record, SRS on
      ties); home_won: whether home_team won;
  winner, loser; games (Int64, NA before the game file); best_of (Bracket.best_of);
  home_known: False where the two records are equal and the real tie-breaker is not in the data;
  rule_home_won: whether the team with home court under the simulator's rule (bracket
      home_priority) won: the likelihood of a series is then exactly what the simulator would give;
  pairing_known: False for a pair that depends on how teams tied in record were seeded (below).

Where the rows come from:
* Seasons in data/interim/playoff_series.parquet (the game file, 2011..2024): pairing, winner,
  games and the real home team straight from the file. A series whose home team the file lacks is
  dropped and logged.
* Earlier seasons: the fixed bracket (src/league/bracket.py, seeding rules plus who met whom)
  walked once (src/league/walk.py) with each team's `series_won` (Team_Records rounds): in round
  r the two teams of a sub-bracket still alive meet and the one with series_won >= r advances.

The unclear season, one rule: a pair where both or neither advanced cannot be pinned down; it and
every later series of its sub-bracket are dropped and logged, never guessed; the season's other
series are kept (every consumer). No real season 1997..2024 has such a pair (measured: each
bracket walk decides all 15 series). A pair that depends on how teams tied in record were seeded,
when several seedings agree with series_won (2008 West: HOU and PHO, both 55-27, both out in round
1, so SAS met one of them and the data cannot say which), is kept with pairing_known False: the
tables (`series_table`: yardstick, stacker, Model B, points map) leave it out, Model A's loss
(`season_series_results`) keeps it with the bracket's SRS tie-break, as each did before the two
walks became one (so the pipeline's outputs keep their bytes): 22 series of 1997..2010.
Home court in the winner/loser view (`as_winner_loser`): the points map reads the real home team
(home_won), Model A the simulator's rule (rule_home_won); on the real data they differ in one
series each of 2016, 2017, 2018 and 2021.
"""
from __future__ import annotations

import itertools
import logging

import numpy as np
import pandas as pd

from src.artifacts import PLAYOFF_SERIES, TEAM_SEASONS
from src.errors import DataError
from src.league.bracket import (CONFERENCES, Bracket, _tie_groups, build_bracket,
                                   consistent_with_series_won, slot_order)
from src.league.monte_carlo import N_ROUNDS, N_TEAMS
from src.league.walk import by_series_won, walk
from src.utils.logging import said_at_ingest

# data facts every stage that builds the series would repeat: stage ingest says them once
# (src/league/data_notes.py); here they are DEBUG
INGEST_WARNS = said_at_ingest(logging.WARNING)

log = logging.getLogger(__name__)

COLUMNS = ["season", "round", "conference", "home_team", "away_team", "winner", "games",
           "best_of", "home_won", "home_known", "loser", "rule_home_won", "pairing_known"]
# who beat whom, the input of a series likelihood (points map, Model A's loss): a view of COLUMNS
WINNER_LOSER_COLUMNS = ["season", "round", "winner", "loser", "best_of", "winner_home"]
FINALS_ROUND = N_ROUNDS
_SERIES_FILE = PLAYOFF_SERIES.path
_TEAMS_FILE = TEAM_SEASONS.path


def from_game_file(bracket: Bracket, rows: pd.DataFrame) -> pd.DataFrame:
    """COLUMNS from the season's playoff_series rows (the real home team)."""
    missing_home = rows["home_team"].isna()
    if missing_home.any():
        for _, r in rows[missing_home].iterrows():
            log.debug("%s: season %d, round %d, %s-%s: no home team; series left out",
                      _SERIES_FILE, r["season"], r["round"], r["winner"], r["loser"], extra=INGEST_WARNS)
        rows = rows[~missing_home]
    _check_game_file_teams(bracket, rows)
    priority = dict(zip(bracket.teams, bracket.home_priority))
    out = pd.DataFrame({
        "season": rows["season"].astype(int), "round": rows["round"].astype(int),
        "conference": rows["conference"], "home_team": rows["home_team"],
        "away_team": np.where(rows["home_team"] == rows["winner"], rows["loser"], rows["winner"]),
        "winner": rows["winner"], "games": (rows["wins"] + rows["losses"]).astype("Int64"),
        "best_of": np.array([bracket.best_of(r) for r in rows["round"]], dtype=np.int64),
        "home_won": (rows["home_team"] == rows["winner"]).to_numpy(), "home_known": True,
        "loser": rows["loser"],
        "rule_home_won": [bool(priority[w] > priority[lo]) for w, lo in zip(rows["winner"], rows["loser"])],
        "pairing_known": True})
    return out[COLUMNS].reset_index(drop=True)


def _check_game_file_teams(bracket: Bracket, rows: pd.DataFrame) -> None:
    bad = rows[(rows["home_team"] != rows["winner"]) & (rows["home_team"] != rows["loser"])]
    if not bad.empty:
        r = bad.iloc[0]
        raise DataError(f"{_SERIES_FILE}: season {r['season']}, round {r['round']}: home_team "
                        f"{r['home_team']} is neither {r['winner']} nor {r['loser']}")
    unknown = sorted((set(rows["winner"]) | set(rows["loser"])) - set(bracket.teams))
    if unknown:
        raise DataError(f"{_SERIES_FILE}: season {bracket.season}: team(s) {', '.join(unknown)} "
                        "play a series but are not in the season's bracket")


def from_bracket(bracket: Bracket, season_teams: pd.DataFrame) -> pd.DataFrame:
    """COLUMNS walked through the fixed bracket with series_won (the one walk; module doc)."""
    won, win_pct = _bracket_columns(bracket, season_teams)
    pinned = _pinned_pairs(bracket, season_teams)
    rows = []
    for p in walk(range(N_TEAMS), by_series_won(lambda i: won[i])):
        a, b = bracket.teams[p.a], bracket.teams[p.b]
        if p.winner is None:
            log.debug("season %d, round %d: %s and %s both or neither advanced by %s; the "
                      "series and the later ones of its sub-bracket are left out",
                      bracket.season, p.round, a, b, _TEAMS_FILE, extra=INGEST_WARNS)
            continue
        known = p.round == N_ROUNDS or frozenset((a, b)) in pinned
        if not known:
            log.debug("season %d, round %d: %s v %s depends on how teams tied in record were "
                      "seeded, which the data cannot tell; series left out of the series table",
                      bracket.season, p.round, a, b, extra=INGEST_WARNS)
        rows.append(_bracket_row(bracket, p.round, p.a, p.b, won, win_pct) | {"pairing_known": known})
    return pd.DataFrame(rows, columns=COLUMNS).astype({"games": "Int64"})


def _bracket_columns(bracket: Bracket, season_teams: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """series_won and win% of the bracket's teams in slot order (missing series_won: error)."""
    teams = season_teams.set_index("team")
    missing = [t for t in bracket.teams if t not in teams.index or pd.isna(teams.at[t, "series_won"])]
    if missing:
        raise DataError(f"{_TEAMS_FILE}: season {bracket.season}: column series_won is missing for "
                        f"playoff team(s) {', '.join(missing)}")
    return (teams.loc[list(bracket.teams), "series_won"].to_numpy(int),
            teams.loc[list(bracket.teams), "win_pct"].to_numpy(float))


def _walk_pairs(slots: list[str], won: pd.Series) -> set[frozenset]:
    """Pairs that meet when `slots` (one conference, slot order) is walked with series_won."""
    return {frozenset((p.a, p.b)) for p in walk(slots, by_series_won(lambda t: won[t]))}


def _pinned_pairs(bracket: Bracket, season_teams: pd.DataFrame) -> set[frozenset]:
    """Conference pairings present under every seeding of tied teams consistent with series_won."""
    won = season_teams.set_index("team")["series_won"]
    pinned: set[frozenset] = set()
    for conf in CONFERENCES:
        slots = [t for t, c in zip(bracket.teams, bracket.conference) if c == conf]
        seeds = [t for _, t in sorted((s, t) for t, s, c in zip(bracket.teams, bracket.seed,
                                                                bracket.conference) if c == conf)]
        conf_teams = season_teams[season_teams["team"].isin(seeds)]
        groups = _tie_groups(seeds, conf_teams, bracket.season)
        common = _walk_pairs(slots, won)
        for choice in itertools.product(*(itertools.permutations([seeds[i] for i in g]) for g in groups)):
            order = list(seeds)
            for positions, teams in zip(groups, choice):
                for i, team in zip(positions, teams):
                    order[i] = team
            if consistent_with_series_won(slot_order(order), won):
                common &= _walk_pairs(slot_order(order), won)
        pinned |= common
    return pinned


def _bracket_row(bracket: Bracket, r: int, a: int, b: int, won: np.ndarray, win_pct: np.ndarray) -> dict:
    home, away = (a, b) if bracket.home_priority[a] > bracket.home_priority[b] else (b, a)
    winner = a if won[a] >= r else b
    loser = b if winner == a else a
    return {"season": bracket.season, "round": r,
            "conference": None if r == FINALS_ROUND else bracket.conference[a],
            "home_team": bracket.teams[home], "away_team": bracket.teams[away],
            "winner": bracket.teams[winner], "games": pd.NA, "best_of": bracket.best_of(r),
            "home_won": winner == home, "home_known": bool(win_pct[a] != win_pct[b]),
            "loser": bracket.teams[loser],
            "rule_home_won": bool(bracket.home_priority[winner] > bracket.home_priority[loser])}


def season_results(bracket: Bracket, teams: pd.DataFrame, series: pd.DataFrame | None) -> pd.DataFrame:
    """COLUMNS for bracket.season, every row the data gives (pairing_known False included): the
    game file where it has the season, else the bracket walk."""
    rows = None if series is None else series[series["season"] == bracket.season]
    if rows is not None and not rows.empty:
        return from_game_file(bracket, rows)
    return from_bracket(bracket, teams[teams["season"] == bracket.season])


def season_series(bracket: Bracket, teams: pd.DataFrame, series: pd.DataFrame | None) -> pd.DataFrame:
    """The series table's rows of bracket.season: those whose pairing is known."""
    rows = season_results(bracket, teams, series)
    return rows[rows["pairing_known"].astype(bool)].reset_index(drop=True)


def series_table(brackets: dict[int, Bracket], teams: pd.DataFrame,
                 series: pd.DataFrame | None) -> pd.DataFrame:
    """COLUMNS (pairing known) for every season of `brackets`, sorted by season, round, home team."""
    parts = [season_series(brackets[s], teams, series) for s in sorted(brackets)]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["season", "round", "home_team"], kind="stable").reset_index(drop=True)


def observed_series(teams: pd.DataFrame, series: pd.DataFrame | None, seasons: list[int]) -> pd.DataFrame:
    """COLUMNS for those of `seasons` whose champion is known (brackets built here)."""
    known = teams[teams["outcome_known"].astype(bool) & teams["champion"].fillna(False).astype(bool)]
    done = sorted(int(s) for s in set(known["season"]) & set(seasons))
    return series_table({s: build_bracket(teams, series, s) for s in done}, teams, series)


def as_winner_loser(table: pd.DataFrame, home_court: str = "real") -> pd.DataFrame:
    """WINNER_LOSER_COLUMNS of the same series; winner_home by the real home team
    (home_court="real": home_won) or by the simulator's rule ("rule": rule_home_won)."""
    column = {"real": "home_won", "rule": "rule_home_won"}[home_court]
    return pd.DataFrame({"season": table["season"].astype(int), "round": table["round"].astype(int),
                         "winner": table["winner"], "loser": table["loser"],
                         "best_of": table["best_of"].astype(int),
                         "winner_home": table[column].astype(bool)})


def season_series_results(bracket: Bracket, teams: pd.DataFrame, series: pd.DataFrame | None) -> pd.DataFrame:
    """Model A's series of bracket.season: WINNER_LOSER_COLUMNS with home court by the simulator's
    rule, every row of `season_results` (pairing_known False kept: module doc)."""
    return as_winner_loser(season_results(bracket, teams, series), home_court="rule").reset_index(drop=True)


def series_starts(games: pd.DataFrame) -> pd.DataFrame:
    """`games`: src/data/playoff_games.GAME_COLUMNS (read there). season, pair (frozenset of the two teams), start (date of the series' game 1)."""
    pair = [frozenset(p) for p in zip(games["home_team"], games["away_team"])]
    starts = games.assign(pair=pair).groupby(["season", "pair"], sort=False)["date"].min()
    return starts.rename("start").reset_index()


def with_starts(table: pd.DataFrame, games: pd.DataFrame | None) -> pd.DataFrame:
    """The series table with the date of each series' game 1 (NaT where the data has no games)."""
    out = table.assign(pair=[frozenset(p) for p in zip(table["home_team"], table["away_team"])])
    if games is None or games.empty:
        return out.assign(start=pd.NaT).drop(columns="pair")
    out = out.merge(series_starts(games), on=["season", "pair"], how="left", validate="many_to_one")
    return out.drop(columns="pair")
