"""The stacker fitted on the playoff likelihood: it recovers the points scale of an informative
score, ignores a useless one, and its nested choice for season t reads no row of season t."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from src.config import SeasonsConfig
from src.league.monte_carlo import GameModel
from src.odds.series_likelihood import series_home_win_prob
from src.models.stacker.config import StackingConfig
from src.models.stacker.series import SeasonSeries, SeriesStacker, fit_weights
from src.splits import oof_splits
from src.training.train_stacking import run_stacking

MODEL = GameModel(home_court=2.5, link="normal", scale=11.5)
SEASONS = SeasonsConfig(first_train=2000, first_test=2006, last_test=2011, n_oof_folds=3, n_val_seasons=2)
N_TEAMS, N_SERIES, SPREAD = 16, 15, 5.0
# season -> its OOF fold, as the level-1 models label their rows (src/splits.py)
OOF_FOLD = {s: split.fold for split in oof_splits(SEASONS) for s in split.predict_seasons}
CFG = StackingConfig(models=["xgb", "rf"], alphas=[1.0], target="order", objective="series",
                     penalties=[0.0, 10.0], selection_seasons=3, min_fit_seasons=2, select_models=True,
                     scalings=["season", "centred"])


def _league(seasons, seed=0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Level-1 rows (xgb = strength + noise on its own scale, rf = noise) and series drawn from
    the simulator's own probabilities given the true strengths (SD `SPREAD` points)."""
    rng = np.random.default_rng(seed)
    level1, series = [], []
    for season in seasons:
        teams = [f"T{i:02d}" for i in range(N_TEAMS)]
        strength = rng.normal(0, SPREAD, N_TEAMS)
        oof = season < SEASONS.first_test
        level1.append(pd.DataFrame({
            "season": season, "team": teams, "split": "oof" if oof else "test",
            "fold": OOF_FOLD[season] if oof else -1,
            "max_train_season": SEASONS.first_test - 1 if oof else season - 1,
            "score_xgb": 40 + 3 * (strength + rng.normal(0, 1.0, N_TEAMS)),
            "score_rf": rng.normal(0, 1, N_TEAMS)}))
        home, away = rng.integers(0, N_TEAMS, N_SERIES), rng.integers(0, N_TEAMS - 1, N_SERIES)
        away = np.where(away >= home, away + 1, away)
        p = series_home_win_prob(strength[home], strength[away], np.full(N_SERIES, 7), MODEL)
        series.append(pd.DataFrame({"season": season, "home_team": np.array(teams)[home],
                                    "away_team": np.array(teams)[away], "best_of": 7,
                                    "home_won": rng.random(N_SERIES) < p}))
    return pd.concat(level1, ignore_index=True), pd.concat(series, ignore_index=True)


def test_fit_recovers_the_points_scale():
    rng = np.random.default_rng(3)
    n = 3000
    diff = rng.normal(0, 1.4, (n, 2))                   # home z minus away z, two columns
    true_w = np.array([6.0, 0.0])
    p = series_home_win_prob(diff @ true_w, np.zeros(n), np.full(n, 7), MODEL)
    data = SeasonSeries(diff, np.full(n, 7), rng.random(n) < p)
    w = fit_weights(data, 0.0, MODEL)
    assert w[0] == pytest.approx(6.0, rel=0.15) and abs(w[1]) < 0.8
    assert abs(fit_weights(data, 1e4, MODEL)[0]) < 0.5   # a huge penalty shrinks to 0


def test_stacker_scores_in_points_and_prefers_the_informative_model():
    level1, series = _league(range(2000, 2012))
    run = run_stacking(level1, SEASONS, CFG, series, MODEL)
    last = run.selections["test 2011"]
    assert "xgb" in last.models and last.weights["xgb"] > 2.0
    assert abs(last.weights.get("rf", 0.0)) < last.weights["xgb"] / 2
    test = run.scores[run.scores["split"] == "test"]
    assert (test["max_train_season"] < test["season"]).all()
    # the ensemble is a strength in points: its within-season spread is near the true one
    spread = test.groupby("season")["score_ensemble"].std(ddof=0).mean()
    assert 2.0 < spread < 9.0


def test_nested_choice_for_season_t_reads_no_row_of_t():
    level1, series = _league(range(2000, 2012))
    t = 2009
    clean = run_stacking(level1, SEASONS, CFG, series, MODEL)
    # corrupt every outcome and score of season t and later: the choice and fit for t must not move
    bad_level1, bad_series = level1.copy(), series.copy()
    later = bad_level1["season"] >= t
    bad_level1.loc[later, ["score_xgb", "score_rf"]] = bad_level1.loc[later, ["score_rf", "score_xgb"]].to_numpy()
    bad_series.loc[bad_series["season"] >= t, "home_won"] = ~bad_series.loc[bad_series["season"] >= t, "home_won"]
    dirty = run_stacking(bad_level1, SEASONS, CFG, bad_series, MODEL)
    for season in range(SEASONS.first_test, t + 1):
        a, b = clean.selections[f"test {season}"], dirty.selections[f"test {season}"]
        assert (a.models, a.penalty, a.weights, a.validation) == (b.models, b.penalty, b.weights, b.validation)
        assert max(a.fit_seasons) < season and max(a.validation_seasons) < season
    assert clean.selections[f"test {t + 1}"].weights != dirty.selections[f"test {t + 1}"].weights


def test_selection_picks_by_validation_log_loss_with_ties_to_fewer_models():
    stacker = SeriesStacker(["a", "b"], [0.0], selection_seasons=2, min_fit_seasons=2, select_models=True,
                            model=MODEL)
    rng = np.random.default_rng(1)
    designs = {}
    for season in range(5):
        diff = rng.normal(0, 1.4, (200, 2))
        p = series_home_win_prob(5 * diff[:, 0], np.zeros(200), np.full(200, 7), MODEL)
        designs[season] = SeasonSeries(diff, np.full(200, 7), rng.random(200) < p)
    chosen = stacker.select({"season": designs})
    assert chosen.validation_seasons == [3, 4] and chosen.fit_seasons == [0, 1, 2, 3, 4]
    best = min(chosen.validation, key=lambda row: row["log_loss"])
    assert chosen.models == best["models"] and "a" in chosen.models
