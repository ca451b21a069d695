"""Model A's training reports: per-epoch history (JSON + dvclive) and the stage summary."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from src.league.monte_carlo import GameModel
from src.models.model_a.callbacks import STAT_KEYS
from src.models.names import MODEL_A_NAME, score_column
from src.odds.series_likelihood import series_nll

SCORE_COLUMN = score_column(MODEL_A_NAME)
HISTORY_KEYS = ("phase", "epoch", "train_loss", "val_loss", *STAT_KEYS, "restarts")


def history_rows(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The per-epoch series train_history.json holds, with a global `step` across restarts."""
    return [{"step": step, **{k: row.get(k) for k in HISTORY_KEYS}}
            for step, row in enumerate(history)]


def log_dvclive(rows: list[dict[str, Any]], directory: str | Path) -> None:
    """Same series through dvclive (no dvc.yaml or experiment of its own: dvc.yaml declares
    the plots)."""
    from dvclive import Live

    with Live(str(directory), dvcyaml=False, save_dvc_exp=False, report=None) as live:
        for row in rows:
            for key, value in row.items():
                if key not in ("step", "epoch", "phase") and value is not None:
                    live.log_metric(key, float(value))
            live.next_step()


def walk_forward_quality(oof: pd.DataFrame, team_seasons: pd.DataFrame) -> dict[str, float]:
    """Mean over walk-forward test seasons of Spearman(score, -post_playoff_rank), next to the
    same for ranking by SRS (a sanity baseline, not the evaluation stage's report)."""
    test = oof[oof["split"] == "test"].merge(
        team_seasons[["season", "team", "post_playoff_rank", "srs"]], on=["season", "team"])
    model, srs = [], []
    for _, season in test.groupby("season"):
        truth = -season["post_playoff_rank"].astype(float)
        model.append(spearmanr(season[SCORE_COLUMN], truth).statistic)
        srs.append(spearmanr(season["srs"], truth).statistic)
    return {"test_spearman_mean": float(np.mean(model)) if model else None,
            "test_spearman_srs_mean": float(np.mean(srs)) if srs else None,
            "n_test_seasons": len(model)}


def season_series_nll(frame: pd.DataFrame, column: str, results: pd.DataFrame,
                      model: GameModel) -> np.ndarray:
    """-log P(observed winner) of each series in `results`, strengths = `column` of `frame`
    (the rows of that one season) taken as points."""
    points = frame.set_index("team")[column]
    winner = points.reindex(results["winner"]).to_numpy()
    loser = points.reindex(results["loser"]).to_numpy()
    home_won = results["winner_home"].to_numpy(bool)
    return series_nll(np.where(home_won, winner, loser), np.where(home_won, loser, winner),
                      results["best_of"].to_numpy(int), home_won, model)


def series_log_loss(frame: pd.DataFrame, column: str, series: dict[int, pd.DataFrame],
                    seasons: list[int], model: GameModel) -> float | None:
    """Mean -log P(observed winner) over every series of `seasons`, strengths = `column` taken
    as points (Model A's strength is in points: no map is fitted)."""
    losses = [season_series_nll(frame[frame["season"] == s], column, series[s], model)
              for s in seasons if s in series]
    return float(np.mean(np.concatenate(losses))) if losses else None


def walk_forward_series_quality(oof: pd.DataFrame, team_seasons: pd.DataFrame,
                                series: dict[int, pd.DataFrame], real_pairings: set[int],
                                model: GameModel) -> dict[str, float | None]:
    """Series log-loss of the walk-forward strengths beside SRS (both as points), over all
    test seasons with series and over those with real pairings (playoff_series.parquet)."""
    test = oof[oof["split"] == "test"].merge(team_seasons[["season", "team", "srs"]],
                                             on=["season", "team"])
    seasons = sorted(int(s) for s in test["season"].unique())
    real = [s for s in seasons if s in real_pairings]
    out: dict[str, float | None] = {}
    for suffix, chosen in (("", seasons), ("_real_pairings", real)):
        out[f"test_series_logloss{suffix}"] = series_log_loss(test, SCORE_COLUMN, series,
                                                              chosen, model)
        out[f"test_series_logloss_srs{suffix}"] = series_log_loss(test, "srs", series, chosen,
                                                                  model)
    out["real_pairings_first_season"] = real[0] if real else None
    out["real_pairings_last_season"] = real[-1] if real else None
    return out


def summary_metrics(split_summaries: list[dict], final: dict, quality: dict,
                    stage_seconds: float) -> dict[str, Any]:
    def mean_of(kind: str, key: str) -> float | None:
        values = [s[key] for s in split_summaries
                  if s["split"].startswith(kind) and s[key] is not None]
        return float(np.mean(values)) if values else None

    return {
        "oof_val_series_logloss_mean": mean_of("oof", "val_series_logloss"),
        "oof_val_spearman_mean": mean_of("oof", "val_spearman"),
        "walk_forward_val_series_logloss_mean": mean_of("test", "val_series_logloss"),
        "walk_forward_val_spearman_mean": mean_of("test", "val_spearman"),
        **quality,
        "final_choice": (final.get("nested") or {}).get("chosen"),
        "final_best_epoch": final["best_epoch"],
        "final_epochs_run": final["epochs_run"],
        "final_val_series_logloss": final["val_series_logloss"],
        "final_val_spearman": final["val_spearman"],
        "restarts_total": int(sum(s["restarts"] for s in split_summaries) + final["restarts"]),
        "final_fit_seconds": final["fit_seconds"],
        "split_fit_seconds_total": round(sum(s["fit_seconds"] for s in split_summaries), 2),
        "stage_seconds": round(stage_seconds, 2),
    }
