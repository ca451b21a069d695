"""Players' earlier playoff record (src/odds/playoff_record.py) and the `ensemble_record` variant
of the evaluate stage (src/evaluation/record_asof.py): a hand-worked record, the days it reads,
the seasons without box scores, and the walk-forward choice of (shrink, weight)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from src.errors import ConfigError
from src.evaluation.record_asof import RecordInputs, evaluate_record
from src.league.monte_carlo import GameModel
from src.odds.playoff_record import (PlayoffRecordConfig, RecordTerm, cumulative_record, record_dates, record_known,
                                     roster_shares, team_records)
from src.odds.playoff_update import UpdateSetting

MODEL = GameModel(home_court=2.5, link="normal", scale=12.0)
CFG = PlayoffRecordConfig(weight_grid=[0.0, 0.5, 1.0, 2.0], shrink_minutes_grid=[50.0, 500.0])
BOOT = {"n_resamples": 50, "seed": 0, "interval": 0.9}


def _box_line(season, date, player, minutes, pm, game="g", played=True):
    return {"season": season, "game_id": f"{game}{date}", "date": pd.Timestamp(date), "team": "AAA",
            "player_id": player, "minutes": minutes, "plus_minus": pm, "played": played}


def test_a_hand_worked_record_reads_only_the_days_before():
    box = pd.DataFrame([_box_line(2019, "2019-05-01", "star", 40.0, 10.0),
                        _box_line(2020, "2020-04-18", "star", 40.0, 20.0),
                        _box_line(2020, "2020-04-18", "role", 20.0, -4.0),
                        _box_line(2020, "2020-04-18", "idle", 0.0, 0.0, played=False),
                        _box_line(2020, "2020-05-02", "star", 40.0, -500.0),     # the day asked: unseen
                        _box_line(2020, "2020-05-03", "star", 40.0, -500.0)])
    players = pd.DataFrame({"season": 2020, "player_id": ["star", "role", "idle", "cut", "other"],
                            "team": ["AAA", "AAA", "AAA", "AAA", "BBB"], "final_team": True,
                            "mp": [3000.0, 1000.0, 500.0, 40.0, 2000.0], "g": [75, 50, 25, 4, 80]})
    shares = roster_shares(players, min_minutes=50.0, max_players=15).set_index("player_id")["share"]
    assert "cut" not in shares.index                                  # under 50 minutes
    assert shares["star"] == pytest.approx(40.0 / 80.0) and shares["role"] == pytest.approx(20.0 / 80.0)
    queries = pd.DataFrame({"season": 2020, "team": ["AAA", "BBB"], "date": pd.to_datetime(["2020-05-02"] * 2)})
    rec = team_records(queries, roster_shares(players, 50.0, 15), cumulative_record(box), [100.0, 1000.0])
    star = 48.0 * 30.0 / (80.0 + 100.0)                # 2019 and 2020-04-18: +30 in 80 minutes
    role = 48.0 * -4.0 / (20.0 + 100.0)
    assert rec[0, 0] == pytest.approx(0.5 * star + 0.25 * role)
    assert rec[0, 1] == pytest.approx(0.5 * 48 * 30 / 1080 + 0.25 * 48 * -4 / 1020)
    assert rec[1].tolist() == [0.0, 0.0]                              # no playoff minutes: record 0


def test_a_season_day_after_a_game_without_box_score_has_no_record():
    games = pd.DataFrame({"season": [2024, 2024, 2024, 2023], "game_id": ["a", "b", "c", "z"],
                          "date": pd.to_datetime(["2024-04-20", "2024-04-22", "2024-04-24", "2023-04-20"])})
    box = pd.DataFrame({"game_id": ["a", "z"]})
    known = record_known(np.array([2024, 2024, 2024, 2023]),
                         pd.Series(pd.to_datetime(["2024-04-21", "2024-04-22", "2024-04-23", "2023-06-01"])),
                         games, box)
    assert known.tolist() == [True, True, False, True]      # game b (04-22) unknown: later days have none


def test_after_a_game_without_box_score_the_record_is_held_as_of_that_morning():
    """The record of a later morning is the record of the morning of the first game without a box
    score (what was known stays known; the term does not fall to 0 on a day without a game)."""
    games = pd.DataFrame({"season": [2020] * 3, "game_id": ["a", "b", "c"],
                          "date": pd.to_datetime(["2020-04-18", "2020-04-20", "2020-04-22"])})
    box = pd.DataFrame({"game_id": "a", "player_id": "p1", "team": "AAA", "date": pd.Timestamp("2020-04-18"),
                        "played": True, "minutes": 40.0, "plus_minus": 12.0}, index=[0])
    shares = pd.DataFrame({"season": 2020, "team": "AAA", "player_id": "p1", "share": 1.0}, index=[0])
    term = RecordTerm.of(2020, box, games, shares, {"shrink_minutes": 20.0, "weight": 0.5})
    assert term.known_until == pd.Timestamp("2020-04-20")
    expected = 0.5 * 48.0 * 12.0 / (40.0 + 20.0)
    for morning in ("2020-04-19", "2020-04-20", "2020-04-25"):
        assert term.at(["AAA"], pd.Timestamp(morning))["AAA"] == pytest.approx(expected)
    assert term.at(["AAA"], pd.Timestamp("2020-04-18"))["AAA"] == 0.0      # before game a: nothing yet
    held = record_dates(pd.Series(pd.to_datetime(["2020-04-19", "2020-04-21"])), term.known_until)
    assert held.tolist() == [pd.Timestamp("2020-04-19"), pd.Timestamp("2020-04-20")]


def test_the_weight_grid_must_allow_leaving_the_record_out():
    with pytest.raises(ConfigError, match="playoff_record.weight_grid"):
        PlayoffRecordConfig(weight_grid=[0.5, 1.0], shrink_minutes_grid=[100.0])


SEASONS = list(range(2014, 2021))
TEAMS = [f"T{k}" for k in range(8)]


def _league(seed: int = 1):
    """Seasons of 4 first-round and 2 second-round series; each team's lasting talent shows in its players'
    playoff plus-minus and decides its series; the as-of forecast knows nothing (p = 0.5)."""
    rng = np.random.default_rng(seed)
    series, box, games, players = [], [], [], []
    lasting = rng.normal(0.0, 4.0, len(TEAMS))             # a team's talent lasts from season to season
    for season in SEASONS:
        talent = dict(zip(TEAMS, lasting + rng.normal(0.0, 1.0, len(TEAMS))))
        players += [{"season": season, "player_id": f"{t}{j}", "team": t, "final_team": True,
                     "mp": 2000.0 - 300 * j, "g": 80} for t in TEAMS for j in range(5)]
        pairs = [(1, f"{season}-04-20", TEAMS[2 * i], TEAMS[2 * i + 1]) for i in range(4)]
        pairs += [(2, f"{season}-05-06", "T0", "T2"), (2, f"{season}-05-06", "T4", "T6")]
        for rnd, start, home, away in pairs:
            edge = talent[home] - talent[away]
            series.append({"season": season, "round": rnd, "start": pd.Timestamp(start), "home_team": home,
                           "away_team": away, "best_of": 7, "home_won": bool(rng.random() < 1 / (1 + np.exp(-edge / 3)))})
            for g in range(4):
                date = pd.Timestamp(start) + pd.Timedelta(days=2 * g)
                gid = f"{season}{home}{away}{g}"
                games.append({"season": season, "game_id": gid, "date": date})
                margin = edge + rng.normal(0.0, 10.0)
                for team, sign in ((home, 1.0), (away, -1.0)):
                    box += [{"season": season, "game_id": gid, "date": date, "team": team, "player_id": f"{team}{j}",
                             "minutes": 36.0, "plus_minus": sign * margin * 0.75, "played": True} for j in range(5)]
    return pd.DataFrame(series), pd.DataFrame(box), pd.DataFrame(games), pd.DataFrame(players)


def _run(series, box, games, players, with_games=False):
    inputs = RecordInputs(box, roster_shares(players, 50.0, 15), games, CFG)
    extra = {}
    if with_games:
        played = games.merge(series[["season", "round"]].drop_duplicates("season"), on="season").assign(
            home_team="T0", away_team="T1", game=1, home_won=True)
        extra = dict(games=played, game_margin=np.zeros(len(played)), game_p=np.full(len(played), 0.5),
                     chosen={s: UpdateSetting(prior_sd=0.0, margin_cap=20.0) for s in SEASONS})
    return evaluate_record(series, np.full(len(series), 0.5), inputs, MODEL, BOOT, SEASONS[-1] + 1, **extra)


def test_the_choice_for_a_season_reads_no_later_season():
    series, box, games, players = _league()
    base = _run(series, box, games, players, with_games=True)
    assert base.choices[SEASONS[0]]["weight"] == 0.0                  # nothing earlier to choose on
    assert base.choices[2018]["weight"] > 0.0                          # the record is evidence here
    assert base.metrics["series_asof.ensemble_record.log_loss"] < 0.6931
    assert "games.ensemble_record.log_loss" in base.metrics
    # corrupt every box score and every outcome of seasons >= 2018
    late = box["season"] >= 2018
    bad_box = box.assign(plus_minus=np.where(late, -box["plus_minus"] * 50 + 7.0, box["plus_minus"]))
    bad_series = series.assign(home_won=np.where(series["season"] >= 2018, ~series["home_won"], series["home_won"]))
    bad = _run(bad_series, bad_box, games, players, with_games=True)
    before = series["season"].to_numpy() < 2018
    assert {s: c for s, c in bad.choices.items() if s <= 2018} == {s: c for s, c in base.choices.items() if s <= 2018}
    np.testing.assert_array_equal(bad.series_p[before], base.series_p[before])
    g_before = games.sort_values("date")["season"].to_numpy() < 2018
    np.testing.assert_array_equal(bad.games_p[g_before], base.games_p[g_before])
    # the check can fail: the same corruption moves the numbers of season 2018 on
    assert not np.allclose(bad.series_p[~before], base.series_p[~before])
    # and a season's own earlier games are read: corrupt 2017's first round, its second round moves
    first_2017 = (box["season"] == 2017) & (box["date"] < pd.Timestamp("2017-05-06"))
    moved = _run(series, box.assign(plus_minus=np.where(first_2017, 99.0, box["plus_minus"])), games, players)
    second_2017 = ((series["season"] == 2017) & (series["round"] == 2)).to_numpy()
    assert not np.allclose(moved.series_p[second_2017], base.series_p[second_2017])
