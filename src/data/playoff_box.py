"""The playoff box scores with every NBA person linked to his Basketball-Reference player:
data/interim/playoff_box_scores.parquet (stage box_scores) and its link report."""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from src.data import schema
from src.data.box_scores import BOX_COLUMNS, read_box_scores
from src.data.player_link import check_link, link_persons
from src.data.team_seasons import season_teams

log = logging.getLogger(__name__)

LINKED_COLUMNS = [*BOX_COLUMNS[:6], "player_id", "player", "link_rule", *BOX_COLUMNS[6:]]


def linked_box_scores(raw_dir: Path, games: pd.DataFrame, teams: pd.DataFrame, players: pd.DataFrame,
                      min_linked_share: float) -> tuple[pd.DataFrame, dict]:
    """(box-score rows with player_id/player/link_rule, link report); games: the game file's
    games (src/data/playoff_games.playoff_games). Raises DataError on a bad row, a game not in the
    game file, an unlinked starter or too few linked minutes."""
    box = read_box_scores(raw_dir, games, season_teams(teams))
    persons = box.drop_duplicates(["season", "team", "person_id"])[["season", "team", "person_id", "person"]]
    link = link_persons(persons, players)
    box = box.merge(link.drop(columns="person"), on=["season", "team", "person_id"], how="left",
                    validate="many_to_one")
    source = str(Path(raw_dir) / schema.PLAYOFF_BOX_SCORES.name)
    report = check_link(box, min_linked_share, source)
    report["seasons_with_box_scores"] = _season_coverage(box, games)
    log.info("box scores: %d rows, %d games; %.2f%% of playoff minutes linked, %d person(s) unlinked "
             "(listed in the link report)", len(box), box["game_id"].nunique(),
             100 * report["linked_minutes_share"], report["unlinked_persons"])
    return box[LINKED_COLUMNS].reset_index(drop=True), report


def _season_coverage(box: pd.DataFrame, games: pd.DataFrame) -> dict[str, dict]:
    """Per season of the game file: its games, those with box scores, and the last date covered
    (a season's later games have no box score: unknown, not empty)."""
    have = box.groupby("season")["game_id"].nunique()
    last = box.groupby("season")["date"].max()
    out = {}
    for season, n in games.groupby("season")["game_id"].nunique().items():
        out[str(int(season))] = {"games": int(n), "with_box_score": int(have.get(season, 0)),
                                 "last_date": None if season not in last else str(last[season].date())}
    return out
