"""Contributors: leave-one-out against one-at-a-time re-scoring, ranks, the stage's guards."""
from __future__ import annotations

import dataclasses
import logging
import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from src.config import load_params, seasons_config
from src.errors import PipelineError
from src.explain import pipeline
from src.explain.attention import contributors, leave_one_out_drops
from src.features.config import player_value_config
from src.explain.config import explain_config
from src.features.roster import fit_feature_spec, select_rosters, to_batch
from src.models.model_a.predict import predict_with_attention
from src.models.model_a.config import model_a_configs
from src.features.config import RosterConfig
from src.models.model_a.deep_set_rank import DeepSetRank

ROSTER = RosterConfig(max_players=8, min_minutes=0, shrink_minutes=500, prior_seasons=2, availability_power=0.5,
                      player_value=player_value_config(load_params()))

@pytest.fixture
def model_and_data(tiny_league):
    players, teams = tiny_league(seasons=(2001, 2002), n_teams=4, n_players=6)
    rosters = select_rosters(players, [2001, 2002], ROSTER)
    model_cfg, _ = model_a_configs(load_params()["model_a"])
    # 2001 is the league's first season: no earlier season to fit its player values on
    spec = fit_feature_spec(rosters, [2001, 2002], ROSTER, model_cfg.num_embeddings)
    torch.manual_seed(0)
    model = DeepSetRank.from_config(model_cfg.with_stat_dim(len(spec.feature_names))).eval()
    with torch.no_grad():                  # the value head starts at zero: give it values
        model.value_linear.weight.normal_()
    return model, spec, players, rosters

def test_leave_one_out_matches_masking_one_player_at_a_time(model_and_data):
    model, spec, _, rosters = model_and_data
    batch = to_batch(spec, rosters[rosters["season"] == 2002])
    drops = leave_one_out_drops(model, batch)
    base, _ = predict_with_attention(model, batch)
    for row, slot in [(0, 0), (1, 3), (3, 5)]:
        masked, _ = predict_with_attention(model, batch.with_slot_masked(row, slot))
        assert drops[row, slot] == pytest.approx(float(base[row] - masked[row]), abs=1e-6)
    assert np.isnan(drops[:, 6:]).all()          # padding slots (6 players, 8 slots)

def test_contributors_from_the_rosters_of_every_season_are_those_of_the_season_alone(
        tiny_league, model_and_data):
    """The explain stage selects each roster setting's rosters once over every season and
    slices them per season: a roster of season t reads seasons < t only, so a later season
    in the selection changes nothing."""
    model, spec, _, _ = model_and_data
    players, _ = tiny_league(seasons=(2001, 2002, 2003), n_teams=4, n_players=6)
    alone = contributors(model, spec, players[players["season"] <= 2002], [2002])
    every = select_rosters(players, [2001, 2002, 2003], ROSTER)
    pd.testing.assert_frame_equal(contributors(model, spec, None, [2002], rosters=every), alone)


def test_contributors_rank_within_each_team(model_and_data):
    model, spec, players, _ = model_and_data
    table = contributors(model, spec, players, [2002])
    assert len(table) == 4 * 6
    for _, team in table.groupby("team"):
        assert sorted(team["attention_rank"]) == list(range(1, 7))
        top = team.loc[team["attention_rank"] == 1, "attention"].iloc[0]
        assert top == team["attention"].max()
        assert team.loc[team["loo_rank"] == 1, "loo_importance"].iloc[0] == \
            pytest.approx(team["loo_drop"].abs().max())
    assert table.groupby("team")["attention"].sum().to_numpy() == pytest.approx(np.ones(4), abs=1e-5)
    # Model A's own contributions (points) add up to its strength minus its one bias
    sums = table.groupby("team")["model_contribution"].sum() + float(model.bias.detach())
    assert sums.to_numpy() == pytest.approx(table.groupby("team")["team_score"].first().to_numpy(),
                                            abs=1e-4)
    assert np.allclose(table["model_contribution"], 5 * table["attention"] * table["model_value"],
                       atol=1e-5)
    # contributions above replacement add up to the roster's strength above a replacement team
    above = 5 * (table["attention"] * table["value"]).groupby(table["team"]).sum() \
        - 5 * table["replacement_level"].iloc[0]
    assert table.groupby("team")["contribution"].sum().to_numpy() == pytest.approx(
        above.to_numpy(), abs=1e-5)
    for _, team in table.groupby("team"):
        assert team.loc[team["contribution_rank"] == 1, "contribution"].iloc[0] == \
            team["contribution"].max()
    assert np.isfinite(table["minutes_x_on_court"]).all()

def test_stage_fails_with_install_hint_when_rfxfuse_missing(monkeypatch, model_and_data):
    _, _, players, _ = model_and_data
    monkeypatch.setitem(__import__("sys").modules, "RFXFuse", None)
    params = load_params()
    with pytest.raises(PipelineError, match=r"pip install -e \.\[explain\]"):
        pipeline.explain_walk_forward(players, players, seasons_config(params),
                                      explain_config(params), "no/such/dir",
                                      expected_arch=model_a_configs(params["model_a"])[0],
                                      torch_threads=1)

def test_missing_walk_forward_checkpoint_is_a_clear_error(model_and_data):
    _, _, players, _ = model_and_data
    params = load_params()
    cfg = explain_config(params)
    cfg = dataclasses.replace(cfg, rfx_fuse=dataclasses.replace(cfg.rfx_fuse, enabled=False))
    with pytest.raises(PipelineError, match="no/such/dir/2006.pt"):
        pipeline.explain_walk_forward(players, players, seasons_config(params), cfg,
                                      "no/such/dir", expected_arch=model_a_configs(params["model_a"])[0],
                                      torch_threads=1)


def test_a_worker_replaced_for_rfx_fuse_memory_is_said_plainly_other_warnings_pass(caplog):
    restart = warnings.WarningMessage(UserWarning(pipeline.LOKY_RESTART + ". This can be ..."),
                                      UserWarning, "loky.py", 1)
    other = warnings.WarningMessage(UserWarning("something else"), UserWarning, "x.py", 2)
    with caplog.at_level(logging.INFO, logger="src.explain.pipeline"), \
            pytest.warns(UserWarning, match="something else") as passed:
        pipeline._report_worker_restarts([restart, other])
    assert len(passed) == 1
    assert "1 worker process(es) replaced" in caplog.text
