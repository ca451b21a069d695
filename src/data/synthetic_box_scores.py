"""The synthetic league's playoff box scores, in the layout of play_off_box_scores_2010_2024.csv.

For every team of every playoff game of the game file: the nine players (of its last stint) with the most
regular-season minutes play (the first five start), the rest are listed "DNP - Coach's
Decision"; with probability INJURY_RATE the team's top player misses the game ("DND -
Injury/Illness") and the tenth man plays. Drawn from its own random stream, so the other files
keep their bytes."""
from __future__ import annotations

import numpy as np
import pandas as pd

from src.data.playoffs import NBA_TO_BREF

BOX_STREAM = 200
INJURY_RATE = 0.05
ROTATION, STARTERS = 9, 5
STARTER_MINUTES, BENCH_MINUTES = "38:00", "12:30"      # 5 x 38 + 4 x 12.5 = 240
POSITIONS = ("G", "G", "F", "F", "C")
COUNTS = ("fieldGoalsMade", "fieldGoalsAttempted", "fieldGoalsPercentage", "threePointersMade",
          "threePointersAttempted", "threePointersPercentage", "freeThrowsMade", "freeThrowsAttempted",
          "freeThrowsPercentage", "reboundsOffensive", "reboundsDefensive", "reboundsTotal", "assists",
          "steals", "blocks", "turnovers", "foulsPersonal", "points", "plusMinusPoints")
COLUMNS = ["season_year", "game_date", "gameId", "teamId", "teamCity", "teamName", "teamTricode",
           "teamSlug", "personId", "personName", "position", "comment", "jerseyNum", "minutes", *COUNTS]


def box_scores(games: pd.DataFrame, players: pd.DataFrame, seed: int) -> pd.DataFrame:
    """games: the synthetic play_off_totals table; players: Player Play By Play rows."""
    rng = np.random.default_rng([seed, BOX_STREAM])
    players = players[~players["team"].str.fullmatch(r"\d?TM|TOT")]
    # a player traded mid-season plays the playoffs for his last team (stints are in order)
    players = players.drop_duplicates(["season", "player_id"], keep="last")
    person_ids = {pid: 1000 + i for i, pid in enumerate(sorted(players["player_id"].unique()))}
    # (player_id, player) by minutes, most first: plain tuples, read for each of ~1,000 games
    # (a frame's itertuples per game took most of the league's generation time)
    ordered = players.sort_values(["season", "team", "mp", "player_id"],
                                  ascending=[True, True, False, True], kind="mergesort")
    rosters = {key: list(zip(g["player_id"], g["player"]))
               for key, g in ordered.groupby(["season", "team"], sort=False)}
    rows = []
    for game in games.sort_values(["GAME_ID", "TEAM_ABBREVIATION"]).itertuples(index=False):
        season = int(game.SEASON_YEAR[:4]) + 1
        roster = rosters.get((season, game.TEAM_ABBREVIATION))
        if roster is None:
            roster = rosters[(season, NBA_TO_BREF[game.TEAM_ABBREVIATION])]
        injured = bool(rng.random() < INJURY_RATE)
        rows += _team_rows(game, roster, person_ids, injured)
    return pd.DataFrame(rows, columns=COLUMNS)


def _team_rows(game, roster: list[tuple[str, str]], person_ids: dict, injured: bool) -> list[dict]:
    rows, n_played = [], 0
    for i, (player_id, name) in enumerate(roster):
        row = {"season_year": game.SEASON_YEAR, "game_date": game.GAME_DATE[:10],
               "gameId": str(int(game.GAME_ID)), "teamId": game.TEAM_ID, "teamCity": "",
               "teamName": game.TEAM_NAME, "teamTricode": game.TEAM_ABBREVIATION, "teamSlug": "",
               "personId": person_ids[player_id], "personName": name, "position": "",
               "comment": "", "jerseyNum": "", "minutes": "", **{c: 0 for c in COUNTS}}
        if injured and i == 0:
            row["comment"] = "DND - Injury/Illness"
        elif n_played < ROTATION:
            starter = n_played < STARTERS
            row["position"] = POSITIONS[n_played] if starter else ""
            row["minutes"] = STARTER_MINUTES if starter else BENCH_MINUTES
            n_played += 1
        else:
            row["comment"] = "DNP - Coach's Decision"
        rows.append(row)
    return rows
