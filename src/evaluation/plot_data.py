"""Plot data for `dvc plots show` / `dvc plots diff` (declared in dvc.yaml, top-level `plots:`).

Column sets are fixed (a model that is not enabled gets an empty file or empty column), so
the dvc.yaml declarations hold whichever models ran.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from src.evaluation.calibration import reliability_diagram_data
from src.evaluation.evaluate import CANDIDATE, MODEL_COLUMNS, RANK_BASELINES, EvaluationResult
from src.evaluation.series import series_reliability

PLOTS_DIR = Path("plots/evaluate")
RELIABILITY_MODELS = (CANDIDATE, "baseline_srs_mc")
RELIABILITY_COLUMNS = ["bin_low", "bin_high", "pred_mean", "actual_rate", "count"]
SERIES_RELIABILITY_MODELS = (CANDIDATE, "baseline_srs", "baseline_win_pct")


def reliability_tables(result: EvaluationResult, teams: pd.DataFrame, n_bins: int) -> dict[str, pd.DataFrame]:
    """Pooled reliability bins per model, plus the diagonal (perfect calibration)."""
    out = {}
    for name in RELIABILITY_MODELS:
        if name not in result.odds:
            out[name] = pd.DataFrame(columns=RELIABILITY_COLUMNS)
            continue
        cal = result.odds[name].merge(teams[["season", "team", "champion"]], on=["season", "team"])
        onehot = cal["champion"].fillna(False).astype(bool).astype(float)
        out[name] = pd.DataFrame(reliability_diagram_data(onehot, cal["p_champion"], n_bins),
                                 columns=RELIABILITY_COLUMNS)
    out["diagonal"] = pd.DataFrame({"pred_mean": [0.0, 1.0], "actual_rate": [0.0, 1.0]})
    return out


def season_spearman(result: EvaluationResult) -> pd.DataFrame:
    """Per test season, each ranking's Spearman with the actual post-playoff rank."""
    names = [*MODEL_COLUMNS, *RANK_BASELINES]
    seasons = result.report["test_seasons"]
    return pd.DataFrame({"season": seasons, **{
        n: [result.per_season.get(n, {}).get(s, {}).get("spearman") for s in seasons] for n in names}})


def rank_vs_actual(result: EvaluationResult) -> pd.DataFrame:
    cols = ["season", "team", "pred_rank", "post_playoff_rank"]
    return result.predictions[cols].rename(columns={"post_playoff_rank": "actual_rank"})


def top_title_odds(result: EvaluationResult, n_teams: int) -> pd.DataFrame:
    """The last test season's favourites: primary model's and the SRS Monte Carlo's title odds."""
    last = max(result.report["test_seasons"])
    pred = result.predictions[result.predictions["season"] == last]
    srs = result.odds["baseline_srs_mc"].set_index(["season", "team"])["p_champion"]
    top = pred.nlargest(n_teams, "p_champion")[["season", "team", "p_champion"]].copy()
    top["p_champion_srs_mc"] = [srs.get((s, t), 0.0) for s, t in zip(top["season"], top["team"])]
    return top.reset_index(drop=True)


def plot_tables(result: EvaluationResult, teams: pd.DataFrame, n_bins: int,
                n_top: int) -> dict[Path, pd.DataFrame]:
    tables = {PLOTS_DIR / "reliability" / f"{name}.csv": df
              for name, df in reliability_tables(result, teams, n_bins).items()}
    if result.series is not None:
        preds = result.series.predictions
        for name in SERIES_RELIABILITY_MODELS:
            table = (series_reliability(preds, name, n_bins) if f"p_home_{name}" in preds
                     else pd.DataFrame(columns=RELIABILITY_COLUMNS))
            tables[PLOTS_DIR / "series_reliability" / f"{name}.csv"] = table
        tables[PLOTS_DIR / "series_reliability" / "diagonal.csv"] = pd.DataFrame(
            {"pred_mean": [0.0, 1.0], "actual_rate": [0.0, 1.0]})
    tables[PLOTS_DIR / "season_spearman.csv"] = season_spearman(result)
    tables[PLOTS_DIR / "rank_vs_actual.csv"] = rank_vs_actual(result)
    tables[PLOTS_DIR / "title_odds.csv"] = top_title_odds(result, n_top)
    return tables
