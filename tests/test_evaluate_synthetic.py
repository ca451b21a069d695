"""Evaluate on a synthetic league (src/data/synthetic.py) whose true strengths are known.

* The simulator fed the TRUE strengths is calibrated: its observed log-loss and Brier are
  within sampling error of their expectation under the model, and its ECE is inside the
  range the model itself produces when champions are drawn from its own odds.
* The metrics detect a deliberately mis-scaled model (strengths x 3: over-confident).
* The evaluate pipeline runs end to end, and `championship_odds_method` really picks the path.
"""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from src.config import SeasonsConfig
from src.data.ingest import build_tables
from src.data.synthetic import generate_league
from src.evaluation.calibration import championship_brier, championship_ece, championship_log_loss
from src.evaluation.config import EvaluationConfig
from src.evaluation.evaluate import evaluate
from src.odds.config import SimulationConfig
from src.league.monte_carlo import SLOT_SEEDS, GameModel, simulate_bracket
from src.data.playoff_games import playoff_games

FIRST, LAST = 1997, 2024
# The generator's game model: normal margins, 2.5 points home court, SD 11.5 points.
TRUE_GAME = GameModel(home_court=2.5, link="normal", scale=11.5)
SIM = SimulationConfig(championship_odds_method="monte_carlo", n_sims=4000, seed=1, home_court=2.5,
                       link="normal", scale=11.5, calibrate_to="srs", temperature=True,
                       temperature_bounds=[0.05, 20.0])
EVAL = EvaluationConfig(ndcg_k=[4, 8], n_bootstrap=200, bootstrap_seed=0, ece_bins=10, interval=0.9,
                        plot_top_teams=4)
SEASONS = SeasonsConfig(first_train=1998, first_test=2006, last_test=LAST, n_oof_folds=2, n_val_seasons=1)


@pytest.fixture(scope="module")
def league(tmp_path_factory):
    raw = generate_league(tmp_path_factory.mktemp("league"), seed=0, first_season=FIRST, last_season=LAST)
    tables = build_tables(raw, FIRST)
    return pd.read_csv(raw / "truth_teams.csv"), tables.team_seasons, tables.playoff_series, raw


def _true_odds(truth: pd.DataFrame, strength_factor: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per season (title odds, champion one-hot) of the simulator fed (scaled) true strengths."""
    out = []
    for _, season in truth[truth["seed"] > 0].groupby("season"):
        slots = pd.concat([season[season["conference"] == c].set_index("seed").loc[list(SLOT_SEEDS)]
                           for c in ("E", "W")])
        strength = slots["true_strength"].to_numpy() * strength_factor
        # home court to the stronger team (the generator gives it to the better record)
        p = simulate_bracket(strength, slots["true_strength"].to_numpy(), TRUE_GAME, 20_000, seed=2)[:, 3]
        out.append((p, slots["champion"].to_numpy(dtype=float)))
    return out


def _z_scores(odds) -> tuple[float, float]:
    """(observed - expected) / SE for the season-mean log-loss and Brier sum, under the model."""
    obs_ll, exp_ll, var_ll, obs_b, exp_b, var_b = [], [], [], [], [], []
    for p, y in odds:
        logp = -np.log(np.clip(p, 1e-12, None))
        obs_ll.append(logp[y == 1][0])
        exp_ll.append(np.sum(p * logp))
        var_ll.append(np.sum(p * logp ** 2) - exp_ll[-1] ** 2)
        obs_b.append(np.sum((p - y) ** 2))
        exp_b.append(1 - np.sum(p ** 2))                     # E[sum (p - y)^2], one champion drawn from p
        var_b.append(4 * (np.sum(p ** 3) - np.sum(p ** 2) ** 2))
    n = len(odds)
    z_ll = (np.mean(obs_ll) - np.mean(exp_ll)) / (np.sqrt(np.sum(var_ll)) / n)
    z_b = (np.mean(obs_b) - np.mean(exp_b)) / (np.sqrt(np.sum(var_b)) / n)
    return float(z_ll), float(z_b)


def _ece_under_model(odds, n_draws=300, seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p_all = np.concatenate([p for p, _ in odds])
    draws = []
    for _ in range(n_draws):
        y = np.concatenate([np.eye(len(p))[rng.choice(len(p), p=p / p.sum())] for p, _ in odds])
        draws.append(championship_ece(y, p_all))
    return np.array(draws)


def test_true_strengths_are_calibrated_and_mis_scaling_is_detected(league):
    truth, _, _, _ = league
    true_odds, over = _true_odds(truth, 1.0), _true_odds(truth, 3.0)
    z_ll, z_b = _z_scores(true_odds)
    assert abs(z_ll) < 3 and abs(z_b) < 3
    p, y = np.concatenate([o[0] for o in true_odds]), np.concatenate([o[1] for o in true_odds])
    assert championship_ece(y, p) <= np.quantile(_ece_under_model(true_odds), 0.99)

    z_ll_over, _ = _z_scores(over)
    p3 = np.concatenate([o[0] for o in over])
    assert z_ll_over > 3                                              # far worse than it claims
    assert championship_log_loss(y, p3) > championship_log_loss(y, p)
    assert championship_brier(y, p3) > championship_brier(y, p)
    assert championship_ece(y, p3) > championship_ece(y, p)


def _scores(teams: pd.DataFrame, truth: pd.DataFrame, noise: float) -> pd.DataFrame:
    """A stand-in scores.parquet: true strength plus noise, on an arbitrary scale."""
    rng = np.random.default_rng(4)
    df = teams[["season", "team"]].merge(truth[["season", "team", "true_strength"]], on=["season", "team"])
    df = df[df["season"] >= SEASONS.first_train].copy()
    df["score_ensemble"] = 0.1 * (df["true_strength"] + rng.normal(0, noise, len(df)))
    df["score_xgb"] = 0.1 * (df["true_strength"] + rng.normal(0, 2 * noise, len(df)))
    test = df["season"] >= SEASONS.first_test
    df["split"] = np.where(test, "test", "oof")
    df["fold"] = np.where(test, -1, df["season"] % 2)
    df["max_train_season"] = np.where(test, df["season"] - 1, SEASONS.first_test - 1)
    return df.drop(columns="true_strength")


def test_evaluate_end_to_end_and_both_odds_methods(league):
    truth, teams, series, _ = league
    scores = _scores(teams, truth, noise=1.0)
    mc = evaluate(teams, series, scores, SEASONS, SIM, EVAL)
    soft = evaluate(teams, series, scores, SEASONS, replace(SIM, championship_odds_method="softmax"), EVAL)
    m = mc.metrics
    for name in ("ensemble", "xgb"):
        assert {f"{name}.{k}" for k in ("spearman", "ndcg_at_4", "brier", "log_loss", "ece")} <= set(m)
    assert {"baseline_srs.spearman", "baseline_win_pct.ndcg_at_4", "baseline_srs_mc.log_loss",
            "baseline_uniform.brier"} <= set(m)
    assert m["baseline_uniform.log_loss"] == pytest.approx(np.log(16))
    assert m["ensemble.log_loss"] < m["baseline_uniform.log_loss"]
    assert m["ensemble.spearman"] > m["xgb.spearman"]                 # less noise ranks better
    boot = "bootstrap.ensemble_vs_baseline_srs_mc.log_loss"
    assert m[f"{boot}.low"] <= m[f"{boot}.diff"] <= m[f"{boot}.high"]

    pred = mc.predictions
    playoff = pred[pred["seed"].notna()]
    assert len(playoff) == 16 * len(SEASONS.test_seasons)
    assert playoff.groupby("season")["p_champion"].sum().to_numpy() == pytest.approx(1.0)
    assert playoff.groupby("season")["p_round1"].sum().to_numpy() == pytest.approx(8.0)
    assert (pred.loc[pred["seed"].isna(), "p_champion"] == 0).all()
    # the chosen method reaches the predictions: softmax has no bracket rounds, other odds
    soft_playoff = soft.predictions[soft.predictions["seed"].notna()]
    assert soft_playoff["p_round1"].isna().all() and playoff["p_round1"].notna().all()
    assert not np.allclose(soft_playoff["p_champion"], playoff["p_champion"])
    assert all("tau" in f for f in soft.report["fits"]["ensemble"])
    assert all("temperature" in f and f["season"] > 0 for f in mc.report["fits"]["ensemble"])


def test_leaky_scores_are_rejected(league):
    truth, teams, series, _ = league
    scores = _scores(teams, truth, noise=1.0)
    scores.loc[scores["season"] == 2010, "max_train_season"] = 2010
    with pytest.raises(Exception, match="season 2010, team .*max_train_season=2010 is not before the season"):
        evaluate(teams, series, scores, SEASONS, SIM, EVAL)


def test_evaluate_with_the_series_likelihood_map(league):
    truth, teams, series, _ = league
    result = evaluate(teams, series, _scores(teams, truth, noise=1.0), SEASONS,
                      replace(SIM, calibrate_to="series", temperature=False), EVAL)
    assert result.report["calibrate_to"] == "series"
    assert min(result.report["series_seasons"]) < SEASONS.first_test
    fits = result.report["fits"]["ensemble"]
    # each fit sees the series of every earlier season with scores and results, and no more
    counts = {int(s): n for s, n in result.report["series_per_season"].items()}
    assert [f["n_map_rows"] for f in fits] == [
        sum(n for s, n in counts.items() if SEASONS.first_train <= s < f["season"]) for f in fits]
    assert all(0.05 < f["slope"] < 20.0 for f in fits)
    playoff = result.predictions[result.predictions["seed"].notna()]
    assert playoff.groupby("season")["p_champion"].sum().to_numpy() == pytest.approx(1.0)


def test_series_yardstick_ranks_the_true_strengths_first(league):
    truth, teams, series, raw = league
    scores = _scores(teams, truth, noise=1.0)
    # the "ensemble" is the true strength in points: used as it is, no map
    true_points = scores[["season", "team"]].merge(truth[["season", "team", "true_strength"]])
    scores["score_ensemble"] = true_points["true_strength"].to_numpy()
    games = playoff_games(raw, teams, FIRST)
    result = evaluate(teams, series, scores, SEASONS, replace(SIM, calibrate_to="series", temperature=False),
                      EVAL, games, frozenset({"ensemble"}))
    m, preds = result.metrics, result.series.predictions
    assert list(preds.columns[:8]) == ["season", "round", "conference", "home_team", "away_team", "winner",
                                       "games", "best_of"]
    assert {"p_home_ensemble", "p_home_xgb", "p_home_baseline_srs", "p_home_baseline_win_pct"} <= set(preds)
    assert preds["season"].between(SEASONS.first_test, LAST).all() and preds["p_home_ensemble"].between(0, 1).all()
    # the truth beats a noisier score on series and on games, and the pooled keys are all there
    assert m["series.ensemble.log_loss"] < m["series.xgb.log_loss"]
    assert m["games_preplayoff.ensemble.log_loss"] < m["games_preplayoff.xgb.log_loss"]
    assert m["series.ensemble.n"] == len(preds)
    boot = "bootstrap.series.ensemble_vs_baseline_win_pct.log_loss"
    assert m[f"{boot}.low"] <= m[f"{boot}.diff"] <= m[f"{boot}.high"]
    # the truth's series probabilities are calibrated within sampling error
    home_won = (preds["winner"] == preds["home_team"]).to_numpy(float)
    gap = home_won.mean() - preds["p_home_ensemble"].mean()
    assert abs(gap) < 3 * np.sqrt(0.25 / len(preds))


def test_asof_yardstick_learns_from_the_playoff_games(league):
    """Synthetic playoff games are played with the true strengths: a noisy score learns from
    them in the later rounds, round 1 stays the pre-playoff forecast, every key is written."""
    from src.odds.playoff_update import PlayoffUpdateConfig
    truth, teams, series, raw = league
    games = playoff_games(raw, teams, FIRST)
    update = PlayoffUpdateConfig(prior_sd_grid=[0.0, 2.0, 4.0], margin_cap_grid=[20.0, 100.0],
                                 default_prior_sd=2.5, default_margin_cap=20.0, validation_seasons=4)
    result = evaluate(teams, series, _scores(teams, truth, noise=1.5), SEASONS,
                      replace(SIM, calibrate_to="series", temperature=False), EVAL, games,
                      update=update)
    m, preds = result.metrics, result.series.predictions
    assert {"p_home_asof_xgb", "p_home_asof_baseline_srs", "p_home_xgb"} <= set(preds)
    round1 = preds["round"] == 1
    assert np.allclose(preds.loc[round1, "p_home_asof_xgb"], preds.loc[round1, "p_home_xgb"])
    assert m["series_asof_rounds2_4.xgb.log_loss"] < m["series_asof_rounds2_4.xgb_preplayoff.log_loss"]
    assert m["series_asof.xgb.n"] == m["series_asof_round1.xgb.n"] + m["series_asof_rounds2_4.xgb.n"]
    assert {f"title_asof.xgb.round{r}.log_loss" for r in range(1, 5)} <= set(m)
    boot = "bootstrap.series_asof.xgb_vs_xgb_preplayoff.log_loss"
    assert m[f"{boot}.low"] <= m[f"{boot}.diff"] <= m[f"{boot}.high"]
    # every playoff game forecast as of its morning; the update learns within the playoffs
    game_preds = result.games.predictions
    assert len(game_preds) == games["season"].isin(result.report["test_seasons"]).sum()
    assert {"p_home_xgb", "margin_home_xgb", "p_home_baseline_srs"} <= set(game_preds)
    assert m["games_games2_7.xgb.log_loss"] < m["games_preplayoff.xgb.log_loss"] + 0.02
    assert {"title_daily.baseline_srs.log_loss", "title_daily.baseline_srs.max_change"} <= set(m)
    # the series as-of forecast uses the setting the game yardstick chose
    assert result.report["series"]["asof"]["settings"]["xgb"] == [
        {k: v for k, v in c.items() if k != "validation_seasons"} for c in result.report["games"]["settings"]["xgb"]]


def test_evaluate_series_reads_one_inputs_object(league):
    """SeriesYardstickInputs carries what the series yardstick reads: a points model's score is
    used as it is (P(home) is the series likelihood of the two scores), and the bootstrap
    settings travel with it (another seed moves the interval, never the pooled loss)."""
    from src.evaluation.series import BootstrapSettings, SeriesYardstickInputs, evaluate_series
    from src.odds.config import game_model
    from src.odds.season_inputs import season_inputs
    from src.league.sites import home_edges
    from src.odds.series_likelihood import series_home_win_prob
    truth, teams, series, _ = league
    frame = teams.merge(truth[["season", "team", "true_strength"]], on=["season", "team"])
    sim = replace(SIM, calibrate_to="series", temperature=False)
    inputs = season_inputs(teams, series, sorted(frame["season"].unique()))
    test = SEASONS.test_seasons
    task = SeriesYardstickInputs(frame, inputs.table, None, {"truth": "true_strength"}, frozenset({"truth"}),
                                 test, inputs, sim, BootstrapSettings(100, 0, 0.9))
    out = evaluate_series(task)
    preds, points = out.predictions, frame.set_index(["season", "team"])["true_strength"]
    home = points.loc[list(zip(preds["season"], preds["home_team"]))].to_numpy()
    away = points.loc[list(zip(preds["season"], preds["away_team"]))].to_numpy()
    expected = series_home_win_prob(home, away, preds["best_of"].to_numpy(int), game_model(sim),
                                    home_edges(preds["season"]))       # 2020: the bubble's neutral court
    assert preds["p_home_truth"].to_numpy() == pytest.approx(expected)
    assert preds["season"].isin(test).all() and out.bootstrap == {"n_resamples": 100, "seed": 0, "interval": 0.9}
    other = evaluate_series(replace(task, bootstrap=BootstrapSettings(100, 1, 0.9)))
    key = "bootstrap.series.truth_vs_baseline_win_pct.log_loss"
    assert other.metrics["series.truth.log_loss"] == out.metrics["series.truth.log_loss"]
    assert other.metrics[f"{key}.low"] != out.metrics[f"{key}.low"]
