"""The nested walk-forward choice of Model A's settings (model_a_selection): every choice
behind a score of season t reads seasons < t only."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from src.config import SeasonsConfig
from src.errors import ConfigError
from src.models.model_a.config import ModelASelectionConfig
from src.models.model_a.fit import SeriesData
from src.training.model_a_selection import CandidateRun, candidates, choose, run_nested
from tests.conftest import roster_cfg, tiny_series

SEASONS = tuple(range(2001, 2008))
CFG = ModelASelectionConfig(grid={"availability_power": [0.0, 1.0], "learning_rate": [0.01]},
                            validation_seasons=2, min_fit_seasons=2, n_jobs=1)


def _run(label, losses):
    cand = type("C", (), {"label": label})()
    return CandidateRun(cand, {}, {s: np.array([v]) for s, v in losses.items()}, {}, {})


def test_choose_reads_only_the_window_before_t():
    a = _run("a", {2003: 0.5, 2004: 0.5, 2005: 0.1})
    b = _run("b", {2003: 0.4, 2004: 0.4, 2005: 9.0})
    best, info = choose([a, b], before=2005, n_seasons=2)
    assert best is b and info["validation_seasons"] == [2003, 2004]
    assert info["validation_series_logloss"] == {"a": 0.5, "b": 0.4}
    assert choose([a, b], before=2006, n_seasons=2)[0] is a     # 2005 now counts


def test_bad_grid_keys_are_refused():
    with pytest.raises(ConfigError, match="model_a_selection.grid: unknown key.*no_such"):
        ModelASelectionConfig(grid={"no_such": [1]}, validation_seasons=2, min_fit_seasons=2,
                              n_jobs=1)
    with pytest.raises(ConfigError, match="grid.dropout: must be a non-empty list"):
        ModelASelectionConfig(grid={"dropout": []}, validation_seasons=2, min_fit_seasons=2,
                              n_jobs=1)


def test_candidates_split_roster_and_model_keys(model_a_configs_small):
    arch, train = model_a_configs_small()
    cands = candidates(CFG.grid, arch, train, roster_cfg(8, 0))
    assert [c.roster_cfg.availability_power for c in cands] == [0.0, 1.0]
    assert all(c.train_cfg.learning_rate == 0.01 for c in cands)
    assert cands[0].label == "availability_power=0.0, learning_rate=0.01"


def _nested(tiny_league, model_a_configs_small, game_model, flip_from=None, cfg=CFG):
    players, teams = tiny_league(seasons=SEASONS, n_teams=6, seed=1)
    series = tiny_series(teams)
    if flip_from is not None:       # later seasons' outcomes turned around
        for s in [s for s in series if s >= flip_from]:
            series[s] = series[s].rename(columns={"winner": "loser", "loser": "winner"})
    seasons = SeasonsConfig(first_train=2001, first_test=2005, last_test=2007, n_oof_folds=2,
                            n_val_seasons=1)
    arch, train = model_a_configs_small(epochs=2, listmle_weight=0.0)
    cands = candidates(CFG.grid, arch, train, roster_cfg(8, 0))
    return run_nested(players, teams, seasons, cands, cfg, SeriesData(series, game_model))


def test_nested_scores_of_t_do_not_move_when_later_seasons_change(
        tiny_league, model_a_configs_small, game_model):
    oof, summaries, _, final_info, _ = _nested(tiny_league, model_a_configs_small, game_model)
    assert sorted(oof.loc[oof["split"] == "test", "season"].unique()) == [2005, 2006, 2007]
    test = oof[oof["split"] == "test"]
    assert (test["max_train_season"] < test["season"]).all()
    by_name = {s["split"]: s["nested"] for s in summaries}
    assert by_name["test 2006"]["validation_seasons"] == [2004, 2005]
    assert final_info["validation_seasons"] == [2006, 2007]
    flipped, flipped_summaries, _, _, _ = _nested(tiny_league, model_a_configs_small, game_model,
                                               flip_from=2006)
    keep = oof["season"] <= 2005
    pd.testing.assert_frame_equal(oof[keep].reset_index(drop=True),
                                  flipped[flipped["season"] <= 2005].reset_index(drop=True))
    flipped_by_name = {s["split"]: s["nested"] for s in flipped_summaries}
    assert flipped_by_name["test 2006"] == by_name["test 2006"]
    # the check can fail: what 2006 feeds (the choice for 2007) did move
    assert flipped_by_name["test 2007"]["validation_series_logloss"] != \
        by_name["test 2007"]["validation_series_logloss"]


# Worker processes give the same results as one process (oof, summaries, choices, the final
# checkpoint's bytes): tests/test_parallel.py::test_here_local_processes_and_a_dask_cluster_give_the_same_bytes
# runs run_nested here, in 2 local worker processes and on a Dask cluster (one check, not two:
# each fresh pool of workers imports torch)
