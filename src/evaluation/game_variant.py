"""The product's game forecast: which update variant, per test season (issue 27, item 2).

The game yardstick holds the ensemble's update alone and its variants, each walk-forward in its
own settings: with the players' playoff record (src/evaluation/record_asof.py), with the players
missing from each team's previous game (src/evaluation/availability_games.py), both. The
product's forecast (`p_home_ensemble`, `games*.ensemble.*`) is, per test season t, the candidate
with the lowest mean game log-loss over every game of seasons < t (nested: each earlier game
scored with its own season's walk-forward probability); fewer than `min_history` earlier seasons:
the update alone. Ties go to the earlier candidate of CANDIDATES (a later one must do strictly
better). The list and the rule were written down before any number was computed
(docs/research/game_variant_prereg.md). The update alone stays as `ensemble_plain`; the other
variants keep their keys.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtri

from src.evaluation.games import METRICS, SPLITS, margin_column, p_column
from src.evaluation.series import SERIES_BASELINES, outcome_losses, season_bootstrap

BASE = "ensemble"
PLAIN = "ensemble_plain"
CANDIDATES = (PLAIN, "ensemble_record", "ensemble_avail", "ensemble_record_avail")
TIE = 1e-12


@dataclass
class VariantChoice:
    choices: dict[int, str]        # season -> candidate (test seasons and the next season)
    metrics: dict[str, float]
    report: dict


def choose_variants(losses: dict[str, np.ndarray], seasons: np.ndarray, targets: list[int],
                    min_history: int) -> dict[int, str]:
    """Per target season: the candidate (of `losses`, in CANDIDATES order) with the lowest mean
    game log-loss over the rows of seasons < target; PLAIN with fewer earlier seasons than
    `min_history`. Reads no row of a season >= target."""
    names = [c for c in CANDIDATES if c in losses]
    out = {}
    for target in targets:
        earlier = seasons < target
        if len(set(seasons[earlier].tolist())) < max(min_history, 1):
            out[int(target)] = PLAIN
            continue
        best = PLAIN
        for name in names:
            if float(losses[name][earlier].mean()) < float(losses[best][earlier].mean()) - TIE:
                best = name
        out[int(target)] = best
    return out


def implied_margins(p: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """The expected home margin a game probability implies (normal link: p = Phi(margin / noise))."""
    return np.asarray(noise, float) * ndtri(np.clip(np.asarray(p, float), 1e-12, 1 - 1e-12))


def apply_variant_choice(predictions: pd.DataFrame, metrics: dict[str, float], noise: np.ndarray, boot: dict,
                         next_season: int, min_history: int) -> VariantChoice:
    """Renames the ensemble's columns and keys to PLAIN (`predictions` and `metrics` in place),
    writes the chosen variant's p_home_ensemble / margin_home_ensemble (the plain margin where
    the update alone is chosen, else the margin its probability implies under the season's game
    noise) and returns its metrics (games*.ensemble.*, bootstraps against the baselines and
    against PLAIN) and the choices."""
    _rename_plain(predictions, metrics)
    seasons, won = predictions["season"].to_numpy(int), predictions["home_won"].to_numpy(bool)
    names = [c for c in CANDIDATES if p_column(c) in predictions.columns]
    losses = {n: outcome_losses(predictions[p_column(n)].to_numpy(float), won)["log_loss"].to_numpy() for n in names}
    targets = sorted(set(seasons.tolist()) | {int(next_season)})
    choices = choose_variants(losses, seasons, targets, min_history)
    picked = np.array([choices[int(s)] for s in seasons])
    p = np.array([predictions[p_column(n)].iloc[i] for i, n in enumerate(picked)], float)
    margin = np.where(picked == PLAIN, predictions[margin_column(PLAIN)].to_numpy(float), implied_margins(p, noise))
    predictions[p_column(BASE)], predictions[margin_column(BASE)] = p, margin
    out = _chosen_metrics(predictions, boot)
    report = {"candidates": names, "min_history_seasons": int(min_history),
              "chosen_on": "mean game log-loss of every earlier season's games (each its own walk-forward "
                           "probability); ties to the earlier candidate",
              "choices": {str(s): c for s, c in choices.items()}}
    return VariantChoice(choices, out, report)


def _rename_plain(predictions: pd.DataFrame, metrics: dict[str, float]) -> None:
    names = {p_column(BASE): p_column(PLAIN), margin_column(BASE): margin_column(PLAIN)}
    predictions.columns = [names.get(c, c) for c in predictions.columns]
    for key in [k for k in metrics if _is_game_key(k)]:
        parts = key.split(".")
        renamed = [_plain_name(part) for part in parts]
        if renamed != parts:
            metrics[".".join(renamed)] = metrics.pop(key)


def _is_game_key(key: str) -> bool:
    prefix = key.split(".")[1] if key.startswith("bootstrap.") else key.split(".")[0]
    return prefix in SPLITS


def _plain_name(part: str) -> str:
    """'ensemble' -> PLAIN, 'ensemble_vs_x' -> PLAIN_vs_x, 'x_vs_ensemble' -> x_vs_PLAIN."""
    if part == BASE:
        return PLAIN
    if "_vs_" in part:
        cand, base = part.split("_vs_", 1)
        return f"{PLAIN if cand == BASE else cand}_vs_{PLAIN if base == BASE else base}"
    return part


def _chosen_metrics(predictions: pd.DataFrame, boot: dict) -> dict[str, float]:
    won = predictions["home_won"].to_numpy(bool)
    actual = predictions["margin"].to_numpy(float)
    rows = {}
    for name in (BASE, PLAIN, *SERIES_BASELINES):
        if p_column(name) not in predictions.columns:
            continue
        r = outcome_losses(predictions[p_column(name)].to_numpy(float), won)
        r["margin_mae"] = np.abs(predictions[margin_column(name)].to_numpy(float) - actual)
        rows[name] = r.assign(season=predictions["season"].to_numpy(int))
    out: dict[str, float] = {}
    for prefix, split in SPLITS.items():
        keep = split(predictions)
        if not keep.any():
            continue
        out.update({f"{prefix}.{BASE}.{m}": float(rows[BASE].loc[keep, m].mean()) for m in METRICS})
        out[f"{prefix}.{BASE}.n"] = int(keep.sum())
        for base in [b for b in (*SERIES_BASELINES, PLAIN) if b in rows]:
            for metric in ("log_loss", "brier") if base != PLAIN else ("log_loss",):
                stats = season_bootstrap(rows[BASE][keep], rows[base][keep], metric, **boot)
                out.update({f"bootstrap.{prefix}.{BASE}_vs_{base}.{metric}.{k}": v for k, v in stats.items()})
    return out
