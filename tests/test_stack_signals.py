"""Linear level-1 signals and the robust selection rules of the series stacker: a signal of
season t is a function of season t's regular-season features only; the rules keep the simplest
candidate within noise (one_se) or average them (average); with signals and every rule, the
choice for season t reads no row of season t."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from src.errors import ConfigError, DataError
from src.models.stacker.series import Candidate, _choose, season_weights
from src.training.signals import signal_scores, with_signals
from src.training.train_stacking import run_stacking
from test_series_stacker import CFG, MODEL, SEASONS, _league

SCALE = 11.5


def _features(level1: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Regular-season features of every scored team: srs tracks the xgb score, win% from srs."""
    rng = np.random.default_rng(seed)
    srs = (level1["score_xgb"] - 40) / 3 + rng.normal(0, 0.5, len(level1))
    return pd.DataFrame({"season": level1["season"], "team": level1["team"], "srs": srs,
                         "win_pct": 1 / (1 + np.exp(-srs / 6)), "net_rating_opp_adjusted": srs * 1.1})


def test_signal_of_season_t_uses_only_its_own_regular_season_row():
    level1, _ = _league(range(2000, 2006))
    features = _features(level1)
    before = signal_scores(features, ["srs", "win_pct", "net_rating"], SCALE)
    changed = features.copy()
    changed.loc[changed["season"] != 2003, ["srs", "win_pct", "net_rating_opp_adjusted"]] *= -3
    after = signal_scores(changed, ["srs", "win_pct", "net_rating"], SCALE)
    t = before["season"] == 2003
    pd.testing.assert_frame_equal(before[t], after[t])
    # win% becomes the margin that wins that share of games under the normal game model
    row = signal_scores(pd.DataFrame({"season": [1], "team": ["A"], "win_pct": [0.5 + 0.3413447]}),
                        ["win_pct"], SCALE)
    assert row["score_win_pct"].iloc[0] == pytest.approx(SCALE, rel=1e-4)   # Phi(1) = 0.8413


def test_signals_refuse_missing_rows_and_unknown_names():
    level1, _ = _league(range(2000, 2003))
    features = _features(level1)
    with pytest.raises(DataError, match="season=2002 team=T00"):
        with_signals(level1, features[~((features["season"] == 2002) & (features["team"] == "T00"))],
                     ["srs"], SCALE)
    with pytest.raises(DataError, match="unknown level-1 signal 'pie'"):
        signal_scores(features, ["pie"], SCALE)
    with pytest.raises(ConfigError, match="stacking.signals"):
        dataclasses.replace(CFG, signals=["pie"])
    with pytest.raises(ConfigError, match="stacking.rule"):
        dataclasses.replace(CFG, rule="vote")


def test_season_weights_halve_every_half_life():
    assert season_weights([2000, 2004, 2008], 4.0) == pytest.approx([0.25, 0.5, 1.0])
    assert season_weights([2000, 2004], 0.0) == [1.0, 1.0]


def test_one_se_keeps_the_simplest_candidate_unless_the_better_one_wins_beyond_noise():
    simple, rich = Candidate("season", (0,), 1.0, 0.0), Candidate("season", (0, 1), 0.0, 0.0)
    rng = np.random.default_rng(0)
    base = rng.exponential(0.5, 200)
    noise = rng.normal(0, 0.1, 200)
    noisy_gain = base - 0.002 + noise - noise.mean()              # 0.002 nats, SE ~0.007: within noise
    assert _choose([simple, rich], [base, noisy_gain], "one_se") == [simple]
    assert _choose([simple, rich], [base, noisy_gain], "best") == [rich]
    clear_gain = base - 0.2 + rng.normal(0, 0.01, 200)           # far beyond its standard error
    assert _choose([simple, rich], [base, clear_gain], "one_se") == [rich]
    assert _choose([simple, rich], [base, clear_gain], "average") == [simple, rich]


@pytest.mark.parametrize("rule", ["one_se", "average"])
def test_with_signals_the_choice_for_season_t_reads_no_row_of_t(rule):
    level1, series = _league(range(2000, 2012))
    features = _features(level1)
    cfg = dataclasses.replace(CFG, select_models=False, signals=["srs", "win_pct"], rule=rule,
                              half_lives=[0.0, 4.0])
    clean = run_stacking(with_signals(level1, features, cfg.signals, SCALE), SEASONS, cfg, series, MODEL)
    t = 2009
    bad_features, bad_series = features.copy(), series.copy()
    bad_features.loc[bad_features["season"] >= t, "srs"] *= -1
    bad_series.loc[bad_series["season"] >= t, "home_won"] = ~bad_series.loc[bad_series["season"] >= t, "home_won"]
    dirty = run_stacking(with_signals(level1, bad_features, cfg.signals, SCALE), SEASONS, cfg, bad_series, MODEL)
    for season in range(SEASONS.first_test, t + 1):
        a, b = clean.selections[f"test {season}"], dirty.selections[f"test {season}"]
        assert a.report() == b.report()
        assert max(a.fit_seasons) < season and max(a.validation_seasons) < season
    assert clean.selections[f"test {t + 1}"].report() != dirty.selections[f"test {t + 1}"].report()
    # the signals are stacker inputs, in scores.parquet next to the models' scores
    assert {"score_srs", "score_win_pct"} <= set(clean.scores.columns)


def test_a_linear_signal_extrapolates_for_a_dominant_team():
    """The ensemble of a signal keeps a team far above the rest far above (a tree could not)."""
    level1, series = _league(range(2000, 2012))
    features = _features(level1)
    cfg = dataclasses.replace(CFG, models=["rf"], select_models=False, signals=["srs"], rule="average",
                              penalties=[0.0], scalings=["centred"])
    rows = with_signals(level1, features, cfg.signals, SCALE)
    rows.loc[(rows["season"] == 2011) & (rows["team"] == "T00"), "score_srs"] = 30.0
    run = run_stacking(rows, SEASONS, cfg, series, MODEL)
    last = run.scores[run.scores["season"] == 2011].set_index("team")["score_ensemble"]
    assert "srs" in run.selections["test 2011"].models
    assert last["T00"] - last.drop("T00").max() > 5


def _games(series: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Five games per series, each a coin weighted towards the series' winner (enough to test
    which seasons' games a fit reads)."""
    rng = np.random.default_rng(seed)
    rows = series.loc[series.index.repeat(5), ["season", "home_team", "away_team", "home_won"]].copy()
    rows["home_won"] = np.where(rng.random(len(rows)) < 0.7, rows["home_won"], ~rows["home_won"])
    return rows.reset_index(drop=True)


def test_fit_on_games_reads_no_game_of_season_t_and_keeps_the_scale():
    level1, series = _league(range(2000, 2012))
    games = _games(series[series["season"] >= 2004])
    cfg = dataclasses.replace(CFG, fit_on="games", select_models=False, penalties=[0.0], rule="best")
    clean = run_stacking(level1, SEASONS, cfg, series, MODEL, games)
    t = 2009
    bad = games.copy()
    bad.loc[bad["season"] >= t, "home_won"] = ~bad.loc[bad["season"] >= t, "home_won"]
    dirty = run_stacking(level1, SEASONS, cfg, series, MODEL, bad)
    for season in range(SEASONS.first_test, t + 1):
        assert clean.selections[f"test {season}"].report() == dirty.selections[f"test {season}"].report()
    assert clean.selections[f"test {t + 1}"].report() != dirty.selections[f"test {t + 1}"].report()
    # fitted on games instead of series, the weights differ (the fit did read the games)
    on_series = run_stacking(level1, SEASONS, dataclasses.replace(cfg, fit_on="series"), series, MODEL)
    assert on_series.selections["test 2011"].weights != clean.selections["test 2011"].weights
    assert clean.selections["test 2011"].weights["xgb"] > 1.0
