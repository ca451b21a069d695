"""Plot data for `dvc plots show` / `dvc plots diff` (declared in dvc.yaml, top-level `plots:`).

Long form: one row per point with a `model` column, so each plot's colours and legend name
the models (templates in .dvc/plots/). A model that is not enabled simply has no rows.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from src.artifacts import EVALUATE_PLOTS
from src.evaluation.calibration import reliability_diagram_data
from src.evaluation.evaluate import CANDIDATE, MODEL_COLUMNS, RANK_BASELINES, EvaluationResult
from src.models.registry import BASELINES
from src.evaluation.games import p_column
from src.evaluation.series import prob_column, series_reliability

PLOTS_DIR = EVALUATE_PLOTS.path
RELIABILITY_FILE = PLOTS_DIR / "reliability.csv"
RELIABILITY_MODELS = (CANDIDATE, "baseline_srs_mc")
RELIABILITY_COLUMNS = ["model", "bin_low", "bin_high", "pred_mean", "actual_rate", "count"]
PERFECT = "perfect calibration"     # the diagonal, drawn as a reference series
SRS_MC = "baseline_srs_mc"
SERIES_RELIABILITY_FILE = PLOTS_DIR / "series_reliability.csv"
SERIES_RELIABILITY_MODELS = (CANDIDATE, *BASELINES)
GAME_RELIABILITY_FILE = PLOTS_DIR / "game_reliability.csv"


def reliability_table(result: EvaluationResult, teams: pd.DataFrame, n_bins: int) -> pd.DataFrame:
    """Pooled reliability bins per model, then the diagonal (perfect calibration)."""
    parts = []
    for name in RELIABILITY_MODELS:
        if name not in result.odds:
            continue
        cal = result.odds[name].merge(teams[["season", "team", "champion"]], on=["season", "team"])
        onehot = cal["champion"].fillna(False).astype(bool).astype(float)
        bins = pd.DataFrame(reliability_diagram_data(onehot, cal["p_champion"], n_bins),
                            columns=RELIABILITY_COLUMNS[1:])
        parts.append(bins.assign(model=name))
    parts.append(pd.DataFrame({"model": PERFECT, "pred_mean": [0.0, 1.0], "actual_rate": [0.0, 1.0]}))
    return pd.concat(parts, ignore_index=True).reindex(columns=RELIABILITY_COLUMNS)


def series_reliability_table(predictions: pd.DataFrame, n_bins: int) -> pd.DataFrame:
    """P(home-court team wins the series) against the observed rate, pooled test seasons, per
    model that has series predictions, then the diagonal."""
    parts = [series_reliability(predictions, name, n_bins).assign(model=name)
             for name in SERIES_RELIABILITY_MODELS if prob_column(name) in predictions]
    parts.append(pd.DataFrame({"model": PERFECT, "pred_mean": [0.0, 1.0], "actual_rate": [0.0, 1.0]}))
    return pd.concat(parts, ignore_index=True).reindex(columns=RELIABILITY_COLUMNS)


def game_reliability_table(predictions: pd.DataFrame, n_bins: int) -> pd.DataFrame:
    """P(home team wins the game) as of its morning against the observed rate, pooled playoff
    games of the test window, per model of SERIES_RELIABILITY_MODELS, then the diagonal."""
    won = predictions["home_won"].to_numpy(float)
    parts = [pd.DataFrame(reliability_diagram_data(won, predictions[p_column(name)], n_bins),
                          columns=RELIABILITY_COLUMNS[1:]).assign(model=name)
             for name in SERIES_RELIABILITY_MODELS if p_column(name) in predictions]
    parts.append(pd.DataFrame({"model": PERFECT, "pred_mean": [0.0, 1.0], "actual_rate": [0.0, 1.0]}))
    return pd.concat(parts, ignore_index=True).reindex(columns=RELIABILITY_COLUMNS)


def season_spearman(result: EvaluationResult) -> pd.DataFrame:
    """season, model, spearman: each ranking's Spearman with the actual post-playoff rank."""
    rows = [{"season": int(s), "model": name, "spearman": result.per_season[name][s]["spearman"]}
            for name in [*MODEL_COLUMNS, *RANK_BASELINES] if name in result.per_season
            for s in result.report["test_seasons"] if "spearman" in result.per_season[name].get(s, {})]
    return pd.DataFrame(rows, columns=["season", "model", "spearman"])


def rank_vs_actual(result: EvaluationResult) -> pd.DataFrame:
    cols = ["season", "team", "pred_rank", "post_playoff_rank"]
    out = result.predictions[cols].rename(columns={"post_playoff_rank": "actual_rank"})
    return out.assign(model=result.primary)


def top_title_odds(result: EvaluationResult, n_teams: int) -> pd.DataFrame:
    """season, team, favourite (1 = the primary model's favourite), model, p_champion: the last
    test season's favourites by the primary model, with the SRS Monte Carlo's odds for the
    same teams."""
    last = max(result.report["test_seasons"])
    pred = result.predictions[result.predictions["season"] == last]
    top = pred.nlargest(n_teams, "p_champion")[["season", "team", "p_champion"]]
    top.insert(2, "favourite", range(1, len(top) + 1))
    srs = result.odds[SRS_MC].set_index(["season", "team"])["p_champion"]
    baseline = top.assign(p_champion=[float(srs.get((s, t), 0.0)) for s, t in zip(top["season"], top["team"])])
    out = pd.concat([top.assign(model=result.primary), baseline.assign(model=SRS_MC)], ignore_index=True)
    return out[["season", "team", "favourite", "model", "p_champion"]]


def plot_tables(result: EvaluationResult, teams: pd.DataFrame, n_bins: int,
                n_top: int) -> dict[Path, pd.DataFrame]:
    tables = {RELIABILITY_FILE: reliability_table(result, teams, n_bins)}
    if result.series is not None:
        tables[SERIES_RELIABILITY_FILE] = series_reliability_table(result.series.predictions, n_bins)
    if result.games is not None:
        tables[GAME_RELIABILITY_FILE] = game_reliability_table(result.games.predictions, n_bins)
    tables[PLOTS_DIR / "season_spearman.csv"] = season_spearman(result)
    tables[PLOTS_DIR / "rank_vs_actual.csv"] = rank_vs_actual(result)
    tables[PLOTS_DIR / "title_odds.csv"] = top_title_odds(result, n_top)
    return tables
