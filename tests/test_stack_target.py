"""stacking.target (order | relevance | playoff_order): values, rows fitted, effect, no leakage."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from src.config import SeasonsConfig
from src.errors import ConfigError
from src.models.registry import LEVEL1_SOURCES
from src.training.level1 import combine_level1
from docs.research.stack_holdout import loso_scores, paired_wins, ranking_by_season
from src.models.stacker.config import STACK_TARGETS, StackingConfig, stacking_config
from src.models.stacker.fitted import ENSEMBLE
from src.models.stacker.ridge import RidgeStacker
from src.training.targets import season_targets, stacking_target
from src.training.train_stacking import run_stacking, with_target
from league_b import ORDER_STACKER, fake_model_a_scores, make_team_seasons

ALPHAS = [0.01, 0.1, 1.0]
SEASONS = SeasonsConfig(first_train=2000, first_test=2006, last_test=2009, n_oof_folds=3, n_val_seasons=2)


def _cfg(target: str, models=("xgb", "rf")) -> StackingConfig:
    return StackingConfig(models=list(models), alphas=ALPHAS, target=target, **ORDER_STACKER)


def test_targets_by_hand():
    # season 1: ranks 1..4, relevance 2,1,0,0 (two playoff teams); season 2: ranks 1..3, relevance 1,1,0
    frame = pd.DataFrame({"season": [1, 1, 1, 1, 2, 2, 2], "post_playoff_rank": [2, 1, 4, 3, 3, 1, 2],
                          "relevance": [1, 2, 0, 0, 0, 1, 1], "strength": np.linspace(0, 1, 7)})
    np.testing.assert_allclose(stacking_target(frame, "order"), frame["strength"])
    # season 1 relevance mean 0.75, std sqrt(0.6875); season 2 mean 2/3, std sqrt(2/9)
    expected = [(1 - .75) / np.sqrt(.6875), (2 - .75) / np.sqrt(.6875), -.75 / np.sqrt(.6875),
                -.75 / np.sqrt(.6875), -(2 / 3) / np.sqrt(2 / 9), (1 / 3) / np.sqrt(2 / 9), (1 / 3) / np.sqrt(2 / 9)]
    np.testing.assert_allclose(stacking_target(frame, "relevance"), expected)
    # playoff teams only: champion 1, runner-up 0; non-playoff rows NaN (not fitted)
    np.testing.assert_allclose(stacking_target(frame, "playoff_order"), [0, 1, np.nan, np.nan, np.nan, 1, 0])
    with pytest.raises(ConfigError, match="stacking.target"):
        stacking_target(frame, "wins")


def test_config_requires_a_known_target():
    with pytest.raises(ConfigError, match="stacking.target"):
        _cfg("wins")
    with pytest.raises(ConfigError, match="'stacking': target"):
        stacking_config({"stacking": {"models": ["xgb"], "alphas": ALPHAS, **ORDER_STACKER}})
    assert stacking_config({"stacking": {"models": ["xgb"], "alphas": ALPHAS, "target": "relevance", **ORDER_STACKER}}).target == "relevance"


@pytest.fixture(scope="module")
def tiers():
    """24 teams, 16 in the playoffs. `xgb` orders the playoff teams exactly but not the others;
    `rf` orders the non-playoff teams exactly but shuffles the playoff teams; both separate
    playoff from non-playoff teams."""
    teams = make_team_seasons(seasons=range(2000, 2008), n_teams=24)
    rows = with_target(teams[["season", "team"]], season_targets(teams, list(range(2000, 2008))))
    rng = np.random.default_rng(5)
    top, bottom = -rows["post_playoff_rank"].astype(float), -rows["post_playoff_rank"].astype(float)
    for _, g in rows.groupby("season"):
        playoff = g.index[g["relevance"] >= 1]
        others = g.index[g["relevance"] == 0]
        top.loc[others] = rng.permutation(top.loc[others].to_numpy())
        bottom.loc[playoff] = rng.permutation(bottom.loc[playoff].to_numpy())
    return rows.assign(score_xgb=top + rng.normal(0, .1, len(rows)), score_rf=bottom + rng.normal(0, .1, len(rows)))


def test_each_target_changes_the_blend_and_rows_used(tiers):
    fits = {t: RidgeStacker(_cfg(t)).fit(tiers, stacking_target(tiers, t)) for t in STACK_TARGETS}
    rf_per_xgb = {t: f.summary()["coef_rf"] / f.summary()["coef_xgb"] for t, f in fits.items()}
    # order rewards rf for the non-playoff teams; the playoff-focused targets do not
    # (playoff_order ignores them: rf is pure noise among the fitted rows)
    assert rf_per_xgb["order"] > 0.05
    assert rf_per_xgb["relevance"] < 0 and abs(rf_per_xgb["playoff_order"]) < 0.02
    assert fits["order"].n_fit_rows == fits["relevance"].n_fit_rows == len(tiers) == 8 * 24
    assert fits["playoff_order"].n_fit_rows == 8 * 16
    # every team is still scored
    assert np.isfinite(fits["playoff_order"].predict(tiers)).all()


@pytest.mark.parametrize("target", STACK_TARGETS)
def test_no_season_at_or_after_t(target):
    teams = make_team_seasons(seasons=range(2000, 2010), n_teams=12)
    a = fake_model_a_scores(teams, SEASONS)
    b = a.drop(columns="score_model_a").assign(score_xgb=a["score_model_a"] * 2, score_rf=-a["score_model_a"] ** 2)
    frames = {LEVEL1_SOURCES["model_a"][0]: a, LEVEL1_SOURCES["xgb"][0]: b}
    cfg = _cfg(target, ["model_a", "xgb", "rf"])

    def stacked(outcomes: pd.DataFrame):
        level1 = combine_level1(frames, cfg.models, SEASONS.first_test)
        return run_stacking(with_target(level1, season_targets(outcomes, list(range(2000, 2010)))), SEASONS, cfg)

    run = stacked(teams)
    assert all(max(seen) < int(name.split()[1]) for name, seen in run.fits.items() if name.startswith("test"))
    # reversing the last test season's outcome changes nothing: no stacker saw it
    flipped = teams.copy()
    last = flipped["season"] == SEASONS.last_test
    flipped.loc[last, "post_playoff_rank"] = 13 - flipped.loc[last, "post_playoff_rank"]
    flipped.loc[last, "relevance"] = flipped.loc[last, "relevance"].to_numpy()[::-1]
    pd.testing.assert_frame_equal(run.scores, stacked(flipped).scores)


def test_loso_scores_never_fit_the_held_out_season(tiers):
    scores, fits = loso_scores(tiers, _cfg("relevance"))
    assert len(scores) == len(tiers) and list(fits["season"]) == list(range(2000, 2008))
    changed = tiers.copy()
    held = changed["season"] == 2003
    changed.loc[held, "relevance"] = changed.loc[held, "relevance"].to_numpy()[::-1]
    again, _ = loso_scores(changed, _cfg("relevance"))
    same = scores["season"] == 2003
    np.testing.assert_allclose(again.loc[same, ENSEMBLE], scores.loc[same, ENSEMBLE])
    assert not np.allclose(again.loc[~same, ENSEMBLE], scores.loc[~same, ENSEMBLE])


def test_ranking_by_season_and_paired_wins(tiers):
    truth = make_team_seasons(seasons=range(2000, 2008), n_teams=24)
    frame = tiers.drop(columns=["post_playoff_rank", "relevance"]).merge(
        truth[["season", "team", "conference", "made_playoffs", "post_playoff_rank", "relevance"]])
    top, bottom = ranking_by_season(frame, "score_xgb", [4]), ranking_by_season(frame, "score_rf", [4])
    assert (top["ndcg_at_4"] > 0.99).all() and (top["ndcg_at_4"] > bottom["ndcg_at_4"]).mean() > 0.5
    wins = paired_wins({"rf": bottom, "xgb": top}, "rf", "ndcg_at_4", lower_is_better=False)
    assert wins["rf"] == "0/8" and int(wins["xgb"].split("/")[0]) >= 4
