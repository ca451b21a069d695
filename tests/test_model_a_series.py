"""Model A's series-likelihood plumbing: results -> tensors, the loss it trains on, and the
nested choice of select_grid candidates on validation seasons."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import torch

from src.config import load_params
from src.errors import ConfigError
from src.features.roster import fit_feature_spec, select_rosters, to_batch
from src.models.model_a.config import grid_choices, model_a_configs, with_choice
from src.features.config import RosterConfig
from src.models.model_a.fit import FitTask, fit_model_a
from src.odds.series_likelihood import series_nll
from src.models.model_a.series_targets import series_tensors
from src.models.model_a.trainer import ModelATrainer, make_lists
from tests.conftest import tiny_series

ROSTER = RosterConfig(max_players=8, min_minutes=0, shrink_minutes=500, prior_seasons=2,
                      availability_power=0.5)


def test_series_tensors_put_the_home_court_team_first(tiny_league):
    players, teams = tiny_league(seasons=(2001,), n_teams=4)
    batch = to_batch(fit_feature_spec(select_rosters(players, [2001], ROSTER), [2001], ROSTER, 64),
                     select_rosters(players, [2001], ROSTER))
    results = pd.DataFrame({"season": 2001, "round": 1, "winner": ["T2", "T0"],
                            "loser": ["T1", "T3"], "best_of": [7, 5], "winner_home": [True, False]})
    t = series_tensors(batch, results)
    row = {team: i for i, team in enumerate(batch.team)}
    assert t.home.tolist() == [row["T2"], row["T3"]] and t.away.tolist() == [row["T1"], row["T0"]]
    assert t.home_won.tolist() == [True, False] and t.best_of.tolist() == [7, 5]


def test_the_season_loss_is_the_mean_series_log_loss(tiny_league, model_a_configs_small,
                                                     game_model):
    players, teams = tiny_league(seasons=(2001, 2002))
    rosters = select_rosters(players, (2001, 2002), ROSTER)
    spec = fit_feature_spec(rosters, (2001, 2002), ROSTER, 64)
    lists = make_lists(to_batch(spec, rosters), teams, False, tiny_series(teams))
    arch, train = model_a_configs_small(listmle_weight=0.0)
    trainer = ModelATrainer(arch.with_stat_dim(len(spec.feature_names)), train, spec, game_model)
    with torch.no_grad():
        trainer.model.value_linear.weight.normal_()
    trainer.model.eval()
    item = lists[0]
    strength = trainer.model(*item.roster.model_inputs())[0].detach()
    s = item.series
    expected = series_nll(strength[s.home].numpy(), strength[s.away].numpy(), s.best_of.numpy(),
                          s.home_won.numpy(), game_model).mean()
    assert float(trainer.season_loss(strength, item)) == pytest.approx(expected, rel=1e-5)


def test_grid_choices_and_their_keys():
    assert grid_choices({}) == [{}]
    assert grid_choices({"prior_l2": [1.0, 10.0], "dropout": [0.1]}) == [
        {"dropout": 0.1, "prior_l2": 1.0}, {"dropout": 0.1, "prior_l2": 10.0}]
    values = dict(load_params()["model_a"], select_grid={"no_such_key": [1]})
    with pytest.raises(ConfigError, match="select_grid.*no_such_key"):
        model_a_configs(values)
    arch, train = model_a_configs(load_params()["model_a"])
    a, t = with_choice(arch, train, {"dropout": 0.1, "prior_l2": 7.0})
    assert (a.dropout, t.prior_l2) == (0.1, 7.0)


def test_nested_choice_is_made_on_validation_seasons(tiny_league, model_a_configs_small,
                                                     series_data):
    players, teams = tiny_league(seasons=(2001, 2002, 2003))
    rosters = select_rosters(players, (2001, 2002, 2003), ROSTER)
    arch, train = model_a_configs_small(epochs=3, select_grid={"learning_rate": [1e-9, 0.05]})
    fit = fit_model_a(FitTask.of(rosters, teams, (2001, 2002, 2003), arch, train, ROSTER, 1,
                                 series_data(teams)))
    assert fit.val_seasons == [2003] and fit.choice in grid_choices(train.select_grid)
    losses = {}
    for choice in grid_choices(train.select_grid):
        alone = dataclasses.replace(train, **choice, select_grid={})    # that candidate only
        one = fit_model_a(FitTask.of(rosters, teams, (2001, 2002, 2003), arch, alone, ROSTER, 1,
                                 series_data(teams)))
        losses[choice["learning_rate"]] = one.val_loss
    assert fit.val_loss == pytest.approx(min(losses.values()))
    assert np.isfinite(fit.val_loss)
