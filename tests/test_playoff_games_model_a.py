"""Model A's playoff-game signal (issue 30 item 4) and playoff minutes concentration (item 3):
the game rosters from a hand-made box score, the game loss against a hand-worked value, the
concentration's slope on a hand-made case, and no leak (box scores of the scored season and
later corrupted: the fit for that season unchanged)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import torch

from src.errors import DataError
from src.features.playoff_game_rosters import game_minutes, game_tensors
from src.features.roster import FeatureSpec, RosterBatch, to_batch
from src.features.playoff_concentration import concentrate, fit_concentration
from src.league.monte_carlo import GameModel
from src.models.model_a.deep_set_rank import DeepSetRank
from src.models.model_a.game_loss import games_nll, torch_game_nll
from src.models.model_a.fit import FitTask, SeriesData, fit_model_a
from src.models.model_a.series_targets import series_by_season
from src.features.roster import select_rosters
from src.features.config import RosterConfig
from src.data.playoff_games import playoff_games
from src.data.playoff_box import linked_box_scores

MODEL = GameModel(home_court=3.0, link="normal", scale=12.0)


def _games() -> pd.DataFrame:
    return pd.DataFrame({"season": 2020, "game_id": ["g1", "g2", "g3"],
                         "home_team": ["AAA", "BBB", "AAA"], "away_team": ["BBB", "AAA", "BBB"],
                         "home_won": [True, False, True]})


def _box() -> pd.DataFrame:
    rows = [("g1", "AAA", "a1", 40.0), ("g1", "AAA", "a2", 8.0), ("g1", "AAA", "a3", 0.0),
            ("g1", "BBB", "b1", 30.0), ("g1", "BBB", "b2", 18.0),
            ("g2", "AAA", "a1", 20.0), ("g2", "AAA", "a3", 28.0),
            ("g2", "BBB", "b1", 36.0), ("g2", "BBB", "stranger", 12.0),   # not on the roster
            ("g3", "AAA", "a1", 48.0)]                                      # one side only: unknown
    frame = pd.DataFrame(rows, columns=["game_id", "team", "player_id", "minutes"])
    return frame.assign(season=2020)


def _roster() -> RosterBatch:
    ids = np.array([["a1", "a2", "a3"], ["b1", "b2", ""]])
    pad = torch.tensor([[False, False, False], [False, False, True]])
    return RosterBatch(season=np.array([2020, 2020]), team=np.array(["AAA", "BBB"]),
                       player_id=ids, player=ids, stats=torch.randn(2, 3, 4),
                       player_index=torch.tensor([[1, 2, 3], [4, 5, 0]]),
                       minutes=torch.tensor([[0.5, 0.3, 0.2], [0.6, 0.4, 0.0]]),
                       key_padding_mask=pad)


def test_game_rosters_from_a_hand_made_box_score():
    frames = game_minutes(_box(), _games())
    assert list(frames) == [2020]
    frame = frames[2020]
    assert set(frame["game_id"]) == {"g1", "g2"}          # g3 has one team's rows: left out
    assert (frame["minutes"] > 0).all()                   # a3 did not play g1
    tensors = game_tensors(_roster(), frame)
    assert len(tensors) == 2
    # g1: AAA (row 0) at home; g2: BBB (row 1) at home
    assert tensors.home.tolist() == [0, 1] and tensors.away.tolist() == [1, 0]
    assert tensors.home_won.tolist() == [True, False]
    np.testing.assert_allclose(tensors.home_minutes.numpy(), [[40, 8, 0], [36, 0, 0]])
    np.testing.assert_allclose(tensors.away_minutes.numpy(), [[30, 18, 0], [20, 0, 28]])
    # the stranger's 12 minutes are not on the roster Model A reads
    assert tensors.covered_share == pytest.approx((192 - 12) / 192)


def test_a_box_score_game_the_game_file_lacks_is_an_error():
    box = pd.concat([_box(), pd.DataFrame([{"season": 2020, "game_id": "g9", "team": "AAA",
                                             "player_id": "a1", "minutes": 10.0}])])
    with pytest.raises(DataError, match="g9"):
        game_minutes(box, _games())
    stray = _box().replace({"team": {"BBB": "CCC"}})
    with pytest.raises(DataError, match="CCC"):
        game_minutes(stray, _games())


def test_game_loss_equals_the_hand_worked_value():
    # margin 5 - 2 + 3 (home court) = 6 points, scale 12: P(home) = Phi(0.5) = 0.691462
    home, away = torch.tensor([5.0, 5.0]), torch.tensor([2.0, 2.0])
    nll = torch_game_nll(home, away, torch.tensor([True, False]), MODEL)
    assert nll[0].item() == pytest.approx(-math.log(0.6914625), abs=1e-6)
    assert nll[1].item() == pytest.approx(-math.log(1 - 0.6914625), abs=1e-6)


def test_game_strength_reads_only_the_players_who_played(model_a_configs_small):
    arch, _ = model_a_configs_small()
    torch.manual_seed(0)
    model = DeepSetRank(arch.with_stat_dim(4))
    with torch.no_grad():
        model.value_linear.weight.normal_()
    model.eval()
    roster = _roster()
    tensors = game_tensors(roster, game_minutes(_box(), _games())[2020])
    before = games_nll(model, roster, tensors, MODEL)
    changed = roster.stats.clone()
    changed[0, 2] += 5.0                                   # a3: did not play g1, played g2
    after = games_nll(model, RosterBatch(**{**roster.__dict__, "stats": changed}), tensors, MODEL)
    assert after[0].item() == pytest.approx(before[0].item())
    assert after[1].item() != pytest.approx(before[1].item())


# ---- the synthetic league: no leak ------------------------------------------------------
ROSTER = RosterConfig(max_players=10, min_minutes=50, shrink_minutes=500, prior_seasons=2,
                      availability_power=0.5)
TRAIN = tuple(range(2008, 2014))      # box scores from 2011 in the synthetic league
SCORED = TRAIN[-1] + 1


@pytest.fixture(scope="module")
def synthetic_games(synthetic_tables, synthetic_raw_dir):
    teams, players = synthetic_tables.team_seasons, synthetic_tables.player_seasons
    games = playoff_games(synthetic_raw_dir, teams, 1997)
    box, _ = linked_box_scores(synthetic_raw_dir, games, teams, players, 0.99)
    return box, games


def test_fit_does_not_read_box_scores_of_the_scored_season_or_later(
        synthetic_tables, synthetic_games, model_a_configs_small):
    teams, players = synthetic_tables.team_seasons, synthetic_tables.player_seasons
    box, games = synthetic_games
    assert {2011, 2012, 2013, SCORED} <= set(box["season"])
    rosters = select_rosters(players, range(2006, 2017), ROSTER)
    arch, train = model_a_configs_small(epochs=2, listmle_weight=0.0, playoff_games_weight=1.0,
                                        playoff_concentration=True,
                                        warm_start=True, warm_start_l2=1.0,
                                        value_prior={"player_value": 5.0})
    series = series_by_season(teams, synthetic_tables.playoff_series, range(2006, 2017))
    later = box["season"] >= SCORED
    corrupt = box.copy()
    corrupt.loc[later, "minutes"] = corrupt.loc[later, "minutes"].to_numpy()[::-1]
    flipped = games.assign(home_won=np.where(games["season"] >= SCORED, ~games["home_won"],
                                             games["home_won"]))

    def fit(b, g):
        data = SeriesData(series, MODEL, game_minutes(b, g))
        task = FitTask.of(rosters, teams, TRAIN, arch, train, ROSTER, 1, data)
        return task, fit_model_a(task)

    clean_task, clean = fit(box, games)
    dirty_task, dirty = fit(corrupt, flipped)
    assert set(clean_task.series.games) == {2011, 2012, 2013}
    assert clean_task.data_digest == dirty_task.data_digest
    assert clean.checkpoint_bytes() == dirty.checkpoint_bytes()
    assert clean.spec.minutes_power != 1.0 and clean.spec == dirty.spec   # concentration fitted
    # the games did reach the fit: without them its weights differ
    no_games = fit_model_a(FitTask.of(rosters, teams, TRAIN, arch, train, ROSTER, 1,
                                      SeriesData(clean_task.series.by_season, MODEL)))
    assert no_games.checkpoint_bytes() != clean.checkpoint_bytes()


def test_a_series_only_fit_carries_no_games_in_its_inputs_or_key(tiny_league, game_model,
                                                                  model_a_configs_small):
    from tests.conftest import tiny_series
    players, teams = tiny_league()
    arch, train = model_a_configs_small()
    played = {2002: pd.DataFrame({"game_id": ["x"]})}
    data = SeriesData(tiny_series(teams), game_model, played)
    off = FitTask.of(players, teams, (2001, 2002, 2003), arch, train, ROSTER, 1, data)
    assert off.series.games == {} and "playoff_games" not in off.data_digest
    _, on_cfg = model_a_configs_small(playoff_games_weight=0.5)
    on = FitTask.of(players, teams, (2001, 2002, 2003), arch, on_cfg, ROSTER, 1, data)
    assert set(on.series.games) == {2002} and "playoff_games" in on.data_digest


def test_concentration_is_the_slope_of_playoff_on_regular_season_shares():
    shares = {"a1": 0.5, "a2": 0.3, "a3": 0.2, "b1": 0.6, "b2": 0.4}
    rosters = pd.DataFrame({"season": 2020, "team": [p[0].upper() * 3 for p in shares],
                            "player_id": list(shares), "minutes_share": list(shares.values())})
    # playoff minutes proportional to share ** 1.5 (any per-team scale)
    games = {2020: pd.DataFrame({"season": 2020, "game_id": "g1",
                                 "team": [p[0].upper() * 3 for p in shares],
                                 "player_id": list(shares),
                                 "minutes": [(7.0 if p[0] == "a" else 3.0) * v ** 1.5
                                             for p, v in shares.items()]})}
    assert fit_concentration(rosters, games) == pytest.approx(1.5)
    assert fit_concentration(rosters, {}) == 1.0


def test_to_batch_raises_the_minutes_shares_to_the_specs_power():
    rosters = pd.DataFrame({"season": 2020, "team": "AAA", "player_id": ["a1", "a2"],
                            "player": ["A1", "A2"], "slot": [0, 1], "minutes_share": [0.6, 0.4],
                            "x": [1.0, 2.0]})
    spec = FeatureSpec(["x"], [0.0], [1.0], 3, 0.0, 16, [2019], 0.0, 0, 0.0)
    assert spec.minutes_power == 1.0          # a checkpoint written before the field reads as 1
    plain = to_batch(spec, rosters).minutes[0, :2].numpy()
    import dataclasses
    raised = to_batch(dataclasses.replace(spec, minutes_power=2.0), rosters).minutes[0, :2].numpy()
    np.testing.assert_allclose(plain, [0.6, 0.4], rtol=1e-6)
    np.testing.assert_allclose(raised, [0.36 / 0.52, 0.16 / 0.52], rtol=1e-6)
    np.testing.assert_allclose(concentrate(np.array([[0.0, 0.0]], np.float32), 2.0), [[0.0, 0.0]])
