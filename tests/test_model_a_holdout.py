"""Model A's pre-test selection (src/training/model_a_holdout.py, docs/research/model_a_holdout.py):
out-of-fold strengths of the seasons before first_test only, a table ranked by their series
log-loss, and the overrides of its best row."""
from __future__ import annotations

import dataclasses

import pytest

from src.config import SeasonsConfig
from src.features.roster import select_rosters
from src.training.model_a_holdout import (best_overrides, candidate_table, label, merged,
                                          oof_strengths)
from src.training.report_a import series_log_loss
from tests.conftest import roster_cfg

SEASONS = SeasonsConfig(first_train=2001, first_test=2005, last_test=2005, n_oof_folds=2,
                        n_val_seasons=1)
ROSTER = roster_cfg(max_players=8, min_minutes=0)
GRID = {"lr": [{"learning_rate": 1e-9}, {"learning_rate": 0.05}],
        "l2": [{"prior_l2": 0.0, "attention_prior_l2": 0.0}]}


@pytest.fixture
def league(tiny_league, model_a_configs_small, series_data):
    players, teams = tiny_league(seasons=(2001, 2002, 2003, 2004, 2005))
    rosters = select_rosters(players, range(2001, 2006), ROSTER)
    arch, train = model_a_configs_small(epochs=3, listmle_weight=0.0)
    model_a = {**arch.to_dict(), **dataclasses.asdict(train)}
    return rosters, teams, model_a, series_data(teams)


def test_oof_strengths_cover_the_pre_test_seasons_and_never_read_a_test_season(league):
    rosters, teams, model_a, series = league
    scores = oof_strengths(rosters, teams, SEASONS, model_a, ROSTER, series)
    assert sorted(scores["season"].unique()) == SEASONS.oof_seasons
    assert not scores.duplicated(["season", "team"]).any()
    pre = rosters[rosters["season"] < SEASONS.first_test]
    again = oof_strengths(pre, teams[teams["season"] < SEASONS.first_test], SEASONS, model_a,
                          ROSTER, series)
    assert again.equals(scores)     # the test season's rows change nothing


def test_the_table_ranks_candidates_by_pre_test_series_log_loss(league):
    rosters, teams, model_a, series = league
    table = candidate_table(rosters, teams, SEASONS, model_a, ROSTER, series, GRID)
    assert len(table) == 2 and table["series_logloss"].is_monotonic_increasing
    best = best_overrides(GRID, table)
    scores = oof_strengths(rosters, teams, SEASONS, {**model_a, **best}, ROSTER, series)
    expected = series_log_loss(scores, "score_model_a", series.by_season, SEASONS.oof_seasons,
                               series.game_model)
    assert table["series_logloss"].iloc[0] == pytest.approx(expected)
    assert table["lr"].iloc[0] == label({"learning_rate": best["learning_rate"]})


def test_merged_overrides_and_labels():
    assert merged({"b": {"x": 1}, "a": {"y": 2}}) == {"y": 2, "x": 1}
    assert label({"value_prior": {"on_court": 0.8, "net": 0.2}}) == "value_prior={0.8 on_court + 0.2 net}"
