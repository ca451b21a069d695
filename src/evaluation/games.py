"""The game yardstick: every playoff game of the test window forecast as of the morning of its day
(src/odds/game_asof.py: pre-playoff strengths of season t, fitted on seasons < t, updated by
the season's playoff games of earlier days; the update's setting chosen per model and season by the
game log-loss of earlier seasons, its reaction to earlier series by their as-of log-loss), judged
per game. The series as-of yardstick
(src/evaluation/series_asof.py) and title odds judged every day (src/evaluation/title_daily.py)
use the same choice.

Metrics (flat keys): games[_round1|_rounds2_4|_game1|_games2_7].<name>.{log_loss, brier,
accuracy, margin_mae, n} and a paired season bootstrap of every model against the SRS and win%
baselines on log-loss and Brier (games_preplayoff.*, the same games without the update and with
the simulator's game model, come from src/evaluation/series.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.evaluation.series import SERIES_BASELINES, outcome_losses, season_bootstrap
from src.odds.game_asof import walk_forward_games
from src.odds.playoff_update import PlayoffUpdateConfig, UpdateSetting
from src.league.monte_carlo import GameModel
from src.utils.parallel import fan_out, local_jobs

SPLITS = {"games": lambda g: np.ones(len(g), bool),
          "games_round1": lambda g: g["round"].to_numpy() == 1,
          "games_rounds2_4": lambda g: g["round"].to_numpy() >= 2,
          "games_game1": lambda g: g["game"].to_numpy() == 1,
          "games_games2_7": lambda g: g["game"].to_numpy() >= 2}
METRICS = ("log_loss", "brier", "accuracy", "margin_mae")
KEY_COLUMNS = ["season", "date", "game_id", "round", "game", "home_team", "away_team"]


def p_column(name: str) -> str:
    return f"p_home_{name}"


def margin_column(name: str) -> str:
    return f"margin_home_{name}"


@dataclass
class GameEvaluation:
    predictions: pd.DataFrame                # data/processed/game_predictions.parquet
    metrics: dict[str, float]
    chosen: dict[str, dict[int, UpdateSetting]]   # model -> season -> setting
    report: dict


def evaluate_games(games: pd.DataFrame, points: dict[str, pd.Series], cfg: PlayoffUpdateConfig,
                   model: GameModel, boot: dict, series: pd.DataFrame | None = None) -> GameEvaluation:
    """`games`: the test window's playoff games (src/league/series.py GAME_COLUMNS); `points`:
    name -> pre-playoff strength (season, team) of every model and baseline; `series`: the
    yardstick's series with their start (src/league/series.with_starts), whose as-of log-loss
    chooses the update's reaction to earlier series (src/odds/game_asof.choose_setting)."""
    games = games.sort_values(["season", "date", "game_id"], kind="stable").reset_index(drop=True)
    out = games[KEY_COLUMNS].copy()
    chosen, choices, losses = {}, {}, {}
    truth = games["home_won"].to_numpy(bool)
    actual = (games["home_pts"] - games["away_pts"]).to_numpy(float)
    # one task per model (pure functions of their arguments: the same bytes on any backend)
    walks = fan_out(walk_forward_games, [(games, pre, cfg, model, series) for pre in points.values()],
                    n_jobs=local_jobs(), desc="game yardstick", labels=list(points))
    for (name, pre), walk in zip(points.items(), walks):
        out[p_column(name)], out[margin_column(name)] = walk.p_home, walk.margin
        chosen[name], choices[name] = walk.chosen, walk.choices
        losses[name] = _losses(walk.p_home, walk.margin, truth, actual, games)
    out["home_won"], out["margin"] = truth, actual.astype(int)
    metrics = game_metrics(losses, games, boot)
    seasons = sorted(set(games["season"].astype(int)))
    if seasons:
        metrics.update({"window.games.first_season": seasons[0], "window.games.last_season": seasons[-1]})
    return GameEvaluation(out, metrics, chosen, {"settings": choices, "seasons": seasons})


def _losses(p: np.ndarray, margin: np.ndarray, won: np.ndarray, actual: np.ndarray,
            games: pd.DataFrame) -> pd.DataFrame:
    rows = outcome_losses(p, won)
    rows["margin_mae"] = np.abs(margin - actual)
    rows.insert(0, "season", games["season"].to_numpy(int))
    return rows


def game_metrics(losses: dict[str, pd.DataFrame], games: pd.DataFrame, boot: dict) -> dict[str, float]:
    """Pooled metrics per split and model; bootstrap of each model against the SRS and win%
    baselines (log-loss, Brier), seasons resampled whole."""
    out: dict[str, float] = {}
    for prefix, split in SPLITS.items():
        keep = split(games)
        if not keep.any():
            continue                   # e.g. a window without a later round: no key, never a NaN
        for name, rows in losses.items():
            out.update({f"{prefix}.{name}.{m}": float(rows.loc[keep, m].mean()) for m in METRICS})
            out[f"{prefix}.{name}.n"] = int(keep.sum())
        for cand in (n for n in losses if n not in SERIES_BASELINES):
            for base in (b for b in SERIES_BASELINES if b in losses):
                for metric in ("log_loss", "brier"):
                    stats = season_bootstrap(losses[cand][keep], losses[base][keep], metric, **boot)
                    out.update({f"bootstrap.{prefix}.{cand}_vs_{base}.{metric}.{k}": v
                                for k, v in stats.items()})
    return out
