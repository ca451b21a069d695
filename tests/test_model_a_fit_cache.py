"""The Model A fit cache (src/training/model_a_fits.py): a fit is read back only when its
inputs are those of the stored fit, and what is read back is the same bytes as a new fit."""
from __future__ import annotations

import dataclasses

import pandas as pd

from src.features.roster import select_rosters
from src.models.model_a.fit import FitTask
from src.training.model_a_fits import ModelAFitCache, fit_many, zero_epoch_twins
from tests.conftest import roster_cfg

SEASONS = tuple(range(2001, 2006))
ROSTER = roster_cfg(8, 0)


def _task(tiny_league, series_data, arch, train, players=None, series=None):
    league_players, teams = tiny_league(seasons=SEASONS, n_teams=4, n_players=6, seed=2)
    rosters = select_rosters(league_players if players is None else players, SEASONS, ROSTER)
    return FitTask.of(rosters, teams, SEASONS[:-1], arch, train, ROSTER, 1,
                      series or series_data(teams))


def _fit(task, cache):
    fit, = fit_many([task], cache, n_jobs=1, desc="test")
    return fit


def _same(a, b):
    assert a.checkpoint_bytes() == b.checkpoint_bytes()
    assert a.history == b.history and a.best_epoch == b.best_epoch


def test_identical_inputs_are_read_back_any_other_input_is_refitted(
        tiny_league, model_a_configs_small, series_data, tmp_path):
    arch, train = model_a_configs_small(epochs=3)
    cache = ModelAFitCache(tmp_path)
    task = _task(tiny_league, series_data, arch, train)
    first = _fit(task, cache)
    assert (cache.hits, cache.misses) == (0, 1)
    again = _fit(_task(tiny_league, series_data, arch, train), cache)   # rebuilt, same inputs
    assert (cache.hits, cache.misses) == (1, 1)
    _same(first, again)
    assert again.trainer._optimizer is None    # read back to score: no optimiser was built
    # one config value
    _fit(_task(tiny_league, series_data, arch, dataclasses.replace(train, learning_rate=0.02)),
         cache)
    assert (cache.hits, cache.misses) == (1, 2)
    # one number in one player row of a training season
    players, _ = tiny_league(seasons=SEASONS, n_teams=4, n_players=6, seed=2)
    changed = players.copy()
    column = changed.select_dtypes("float").columns[0]
    changed.loc[changed.index[0], column] += 1.0
    _fit(_task(tiny_league, series_data, arch, train, players=changed), cache)
    assert (cache.hits, cache.misses) == (1, 3)
    # a row of the season the fit does not train on is not an input of the fit
    later = players.copy()
    later.loc[later["season"] == SEASONS[-1], column] += 1.0
    _fit(_task(tiny_league, series_data, arch, train, players=later), cache)
    assert (cache.hits, cache.misses) == (2, 3)
    # one series result of a training season (the series are hashed once per SeriesData,
    # each task reads its seasons' digests)
    _, teams = tiny_league(seasons=SEASONS, n_teams=4, n_players=6, seed=2)
    series = series_data(teams)
    flipped = series.by_season[SEASONS[0]].copy()
    flipped.loc[0, "winner_home"] = False
    series = dataclasses.replace(series, by_season={**series.by_season, SEASONS[0]: flipped})
    _fit(_task(tiny_league, series_data, arch, train, series=series), cache)
    assert (cache.hits, cache.misses) == (2, 4)


def test_monitor_thresholds_reuse_a_fit_only_where_they_would_not_have_acted(
        tiny_league, model_a_configs_small, series_data, tmp_path):
    arch, train = model_a_configs_small(epochs=3, attention_entropy_min=0.0)
    cache = ModelAFitCache(tmp_path)
    stored = _fit(_task(tiny_league, series_data, arch, train), cache)
    assert stored.monitor_flagged == 0
    lowest = stored.monitor_lowest["entropy"]
    below = dataclasses.replace(train, attention_entropy_min=lowest * 0.99)
    reused = _fit(_task(tiny_league, series_data, arch, below), cache)
    assert (cache.hits, cache.misses) == (1, 1)
    _same(reused, _fit(_task(tiny_league, series_data, arch, below), None))   # a cold fit
    above = dataclasses.replace(train, attention_entropy_min=lowest * 1.01)
    acted = _fit(_task(tiny_league, series_data, arch, above), cache)
    assert (cache.hits, cache.misses) == (1, 2) and acted.monitor_flagged > 0
    _same(acted, _fit(_task(tiny_league, series_data, arch, above), None))
    assert _fit(_task(tiny_league, series_data, arch, above), cache).restarts == acted.restarts
    assert (cache.hits, cache.misses) == (2, 2)          # stored under its exact thresholds


def test_a_half_written_entry_is_fitted_again(tiny_league, model_a_configs_small, series_data,
                                              tmp_path):
    arch, train = model_a_configs_small(epochs=2)
    cache = ModelAFitCache(tmp_path)
    first = _fit(_task(tiny_league, series_data, arch, train), cache)
    for meta in tmp_path.rglob("*.json"):
        meta.write_text("{")                      # a killed writer
    again = _fit(_task(tiny_league, series_data, arch, train), cache)
    assert (cache.hits, cache.misses) == (0, 2)
    _same(first, again)
    pd.testing.assert_frame_equal(pd.DataFrame(first.history), pd.DataFrame(again.history))


def test_a_zero_epoch_fit_read_off_a_trained_fit_is_that_fit(
        tiny_league, model_a_configs_small, series_data, tmp_path):
    """The nested choice's `epochs: [60, 0]`: the 0-epoch fit is read off the warm starts of
    the trained fit of the same inputs (src/models/model_a/warm_start_twin.py), byte for byte."""
    arch, train = model_a_configs_small(epochs=4, warm_start=True, warm_start_l2=1.0,
                                        refit_on_all=True, prior_l2=0.1)
    zero = dataclasses.replace(train, epochs=0)
    tasks = [_task(tiny_league, series_data, arch, train),
             _task(tiny_league, series_data, arch, zero)]
    assert zero_epoch_twins(tasks, [0, 1]) == {0: 1}
    assert zero_epoch_twins(tasks, [1]) == {}          # the trained fit came from the cache
    cache = ModelAFitCache(tmp_path)
    trained, read_off = fit_many(tasks, cache, n_jobs=1, desc="twins")
    assert (cache.hits, cache.misses) == (0, 2) and trained.epochs_run > read_off.epochs_run
    fitted = _fit(_task(tiny_league, series_data, arch, zero), None)      # on its own
    _same(read_off, fitted)
    assert (read_off.val_loss, read_off.val_spearman, read_off.monitor_lowest,
            read_off.monitor_flagged) == (fitted.val_loss, fitted.val_spearman,
                                          fitted.monitor_lowest, fitted.monitor_flagged)
    _same(_fit(tasks[1], cache), fitted)                # stored under its own key
    assert cache.hits == 1


def test_digests_hashed_once_for_many_tasks_are_those_of_each_task(
        tiny_league, model_a_configs_small, series_data):
    # src/training/model_a_selection.row_digests hashes the rosters and teams once per table;
    # a task's key must read exactly what hashing its own rows gives, and a changed row must
    # change the digest of its season only
    from src.utils.digest import season_digests
    arch, train = model_a_configs_small(epochs=3)
    players, teams = tiny_league(seasons=SEASONS, n_teams=4, n_players=6, seed=2)
    rosters = select_rosters(players, SEASONS, ROSTER)
    series = series_data(teams)
    for cut in (SEASONS[:2], SEASONS[:-1], SEASONS):
        alone = FitTask.of(rosters, teams, cut, arch, train, ROSTER, 1, series)
        shared = FitTask.of(rosters, teams, cut, arch, train, ROSTER, 1, series,
                            (season_digests(rosters), season_digests(teams)))
        assert shared.data_digest == alone.data_digest
        assert list(alone.data_digest["rosters"]) == [str(s) for s in cut]
    changed = rosters.copy()
    row = changed.index[changed["season"] == 2003][0]
    column = changed.select_dtypes("float").columns[0]
    changed.loc[row, column] = changed.loc[row, column] + 1.0
    before, after = season_digests(rosters), season_digests(changed)
    assert {s for s in before if before[s] != after[s]} == {2003}
