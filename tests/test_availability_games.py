"""Availability inside the game yardstick (src/evaluation/availability_games.py): the lost
contribution moves a game's probability by what the scale says, the scale of season t is chosen on
seasons < t only, and box scores of the game's day and later are never read."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr, ndtri

from src.evaluation.availability_games import (SCALE_GRID, choose_scales, game_losses, shifted_probs,
                                               walk_forward_availability)

ROSTER = pd.DataFrame({"season": 2020, "team": "AAA", "player_id": ["star", "bench", "hurt", "gone"],
                       "player": ["Star", "Bench", "Hurt", "Gone"], "mp": [3000.0, 400.0, 2000.0, 1500.0],
                       "contribution": [4.0, 0.5, 1.5, 1.0]})
PLAYERS = pd.DataFrame({"season": 2020, "team": "AAA", "player_id": ROSTER["player_id"], "final_team": True})


def _games() -> pd.DataFrame:
    return pd.DataFrame({"season": 2020, "game_id": ["g1", "g2", "g3"],
                         "date": pd.to_datetime(["2020-04-18", "2020-04-20", "2020-04-22"]),
                         "home_team": "AAA", "away_team": "BBB", "home_pts": 100, "away_pts": 90, "home_won": True})


def _line(game, player, minutes=30.0, reason=None, comment=""):
    return {"season": 2020, "game_id": game, "team": "AAA", "player_id": player, "reason": reason,
            "comment": comment, "minutes": minutes, "date": None}


def _box() -> pd.DataFrame:
    return pd.DataFrame([
        _line("g1", "star"), _line("g1", "bench", 0.0, "coach", "DNP - Coach's Decision"), _line("g1", "hurt"),
        _line("g1", "gone"),
        _line("g2", "star"), _line("g2", "bench", 5.0),
        _line("g2", "hurt", 0.0, "injury", "DND - Injury/Illness"),          # 'gone' not listed: absent
        _line("g3", "star"), _line("g3", "hurt", 0.0, "injury", "DND - Injury/Illness")])


def test_the_absent_players_contribution_moves_the_game_by_what_the_scale_says():
    games = _games()
    lost = game_losses(games, games, _box(), ROSTER, PLAYERS, [2020])
    # g2 follows g1 where everyone played (the coach's decision is no loss); g3 follows g2: hurt + gone
    assert lost["lost_full_home"].tolist()[1:] == pytest.approx([0.0, 2.5])
    assert np.isnan(lost["lost_full_home"].iloc[0])                        # no previous game
    assert lost["lost_full_away"].isna().all()                             # BBB has no box score: unknown
    p, noise = np.full(3, 0.6), np.full(3, 12.0)
    for scale in (0.0, 0.5, 1.0):
        moved = shifted_probs(p, lost["lost_full_home"], lost["lost_full_away"], noise, scale)
        assert moved[2] == pytest.approx(ndtr(ndtri(0.6) - scale * 2.5 / 12.0))
        assert moved[:2] == pytest.approx([0.6, 0.6])                      # nothing lost / unknown: unchanged


def test_the_scale_of_a_season_reads_no_later_season():
    rng = np.random.default_rng(0)
    seasons = np.repeat(np.arange(2011, 2019), 50)
    losses = {(r, s): rng.uniform(0.5, 0.8, len(seasons)) for r in ("full", "expected") for s in SCALE_GRID}
    before = choose_scales(losses, seasons, [2011, 2015])
    assert before[2011] == ("full", 0.0)                                  # nothing earlier: left out
    corrupted = {c: np.where(seasons >= 2015, 10.0 if c != before[2015] else 0.0, v) for c, v in losses.items()}
    corrupted[before[2015]] = np.where(seasons >= 2015, 99.0, losses[before[2015]])
    assert choose_scales(corrupted, seasons, [2015])[2015] == before[2015]


def test_box_scores_of_the_games_day_and_later_are_never_read():
    games = _games()
    clean = game_losses(games, games, _box(), ROSTER, PLAYERS, [2020])
    box = _box()
    late = box["game_id"].isin(["g2", "g3"])
    box.loc[late, "reason"], box.loc[late, "minutes"] = "injury", 0.0         # everyone out from g2 on
    corrupted = game_losses(games, games, box, ROSTER, PLAYERS, [2020])
    # g2's forecast reads g1's box score only: unchanged; g3 reads g2's, which changed
    assert corrupted.iloc[1].equals(clean.iloc[1])
    assert corrupted["lost_full_home"].iloc[2] != clean["lost_full_home"].iloc[2]


def test_walk_forward_applies_each_seasons_own_choice():
    seasons = np.repeat([2011, 2012, 2013], 4)
    lost = pd.DataFrame({"lost_full_home": 3.0, "lost_full_away": 0.0, "lost_expected_home": 3.0,
                         "lost_expected_away": 0.0}, index=range(12))
    won = np.zeros(12, bool)                                              # the weakened home side lost
    p, choices = walk_forward_availability(np.full(12, 0.6), lost, np.full(12, 12.0), seasons, won, 2014)
    assert choices[2011] == ("full", 0.0) and choices[2012][1] == max(SCALE_GRID)
    assert p[:4] == pytest.approx(0.6) and (p[4:] < 0.6).all()


def test_a_run_of_missed_games_does_not_carry_over_into_the_next_season():
    from src.features.availability_model import cases
    games = pd.concat([_games().assign(season=2019, game_id=["h1", "h2", "h3"],
                                       date=pd.to_datetime(["2019-04-18", "2019-04-20", "2019-04-22"])), _games()])
    last = pd.DataFrame([{**_line(g, p, 0.0 if p == "hurt" else 30.0, "injury" if p == "hurt" else None),
                          "season": 2019} for g in ("h1", "h2", "h3") for p in ("star", "hurt")])
    box = pd.concat([last, _box()], ignore_index=True)
    roster = pd.concat([ROSTER.assign(season=2019), ROSTER], ignore_index=True)
    both = cases(box, games, roster, [2019, 2020])
    alone = cases(box, games, roster, [2020])
    # 2020's cases are the same whether or not 2019 (hurt's three missed games) is read with them
    pd.testing.assert_frame_equal(both[both["season"] == 2020].reset_index(drop=True), alone)
    assert len(both[both["season"] == 2020]) == 2 * 4          # 4 rotation players x games 2-3 of 2020
