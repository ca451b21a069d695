"""The as-of series yardstick with availability: each series' as-of forecast (the evaluate stage's
p_home_asof_<model>, every playoff game before its game 1) beside the same forecast with the
players missing from each team's previous playoff game taken off its strength.

Two readings, neither fitted on the series it scores:
* `full`: the whole contribution above replacement (points, explain stage, walk-forward models)
  of each player missing from his team's last game before the series (injury, suspension, away,
  or a rotation player absent from the box score; src/features/availability.py) comes off;
* `expected`: his contribution times P(he misses the next game) from the availability model
  fitted on the box scores of the seasons before (src/features/availability_model.py).
The as-of probability is turned back into the strength margin it implies (the series probability
is a function of the margin alone, src/odds/series_likelihood.py), the lost strength is
subtracted and the probability recomputed. A series whose teams' last games have no box score (2024
after its first 11 games) or that opens a team's playoffs keeps the as-of forecast: the report
says how many series of each season had box scores to read.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from src.evaluation.series import outcome_losses, season_bootstrap
from src.features.availability import availability, missing_from_last_game
from src.features.availability_model import fit_availability
from src.league.monte_carlo import GameModel
from src.league.series import with_starts
from src.league.sites import home_edges
from src.odds.series_likelihood import series_home_win_prob

READINGS = ("full", "expected")
MARGIN_BOUND = 60.0


def implied_margin(p_home: np.ndarray, best_of: np.ndarray, model: GameModel,
                   home_edge: np.ndarray | None = None) -> np.ndarray:
    """The home-minus-away strength margin (points) whose series probability is p_home (bisection;
    `home_edge`: as src/odds/series_likelihood.series_home_win_prob)."""
    p = np.clip(np.asarray(p_home, float), 1e-9, 1 - 1e-9)
    low, high = np.full(p.shape, -MARGIN_BOUND), np.full(p.shape, MARGIN_BOUND)
    for _ in range(60):
        mid = (low + high) / 2
        above = series_home_win_prob(mid, np.zeros_like(mid), best_of, model, home_edge) > p
        high, low = np.where(above, mid, high), np.where(above, low, mid)
    return (low + high) / 2


def lost_strength(box, games, roster, players, seasons_with_box: list[int], series: pd.DataFrame) -> pd.DataFrame:
    """Per series: lost_<reading>_home/away (points), missing_home/away (names), box_known."""
    rows, fitted = [], {}
    for r in series.itertuples():
        season = int(r.season)
        if season not in fitted:
            earlier = [s for s in seasons_with_box if s < season]
            fitted[season] = fit_availability(box, games, players, earlier) if earlier else None
        as_of = pd.Timestamp(r.start) - pd.Timedelta(days=1)
        table = availability(box, games, roster, season, as_of)
        known = set(table.loc[table["status"] != "unknown", "team"]) if not table.empty else set()
        missing = missing_from_last_game(table) if not table.empty else table
        row = {"box_known": r.home_team in known and r.away_team in known}
        for side, team in (("home", r.home_team), ("away", r.away_team)):
            out = missing[missing["team"] == team] if not missing.empty else missing
            p = [fitted[season].p_miss(n, s)[0] if fitted[season] else 0.0
                 for n, s in zip(out.get("missed_in_row", []), out.get("status", []))]
            row[f"lost_full_{side}"] = float(out["contribution"].sum()) if len(out) else 0.0
            row[f"lost_expected_{side}"] = float(np.dot(p, out["contribution"])) if len(out) else 0.0
            row[f"missing_{side}"] = ", ".join(out["player"]) if len(out) else ""
        rows.append(row)
    return pd.DataFrame(rows, index=series.index)


def availability_yardstick(predictions: pd.DataFrame, games: pd.DataFrame, box: pd.DataFrame,
                           contributors: pd.DataFrame, players: pd.DataFrame, names: list[str],
                           model: GameModel, boot: dict) -> tuple[dict, pd.DataFrame]:
    """(metrics, per-series table) for each model name with a p_home_asof_<name> column."""
    series = with_starts(predictions, games)
    series = series[series["start"].notna()].reset_index(drop=True)
    roster = contributors[["season", "team", "player_id", "player", "mp", "contribution"]]
    finals = players[players["final_team"].astype(bool)]
    lost = lost_strength(box, games, roster, finals, sorted(box["season"].unique()), series)
    series = pd.concat([series, lost], axis=1)
    home_won = (series["winner"] == series["home_team"]).to_numpy()
    best_of = series["best_of"].to_numpy(int)
    edges = home_edges(series["season"])
    metrics: dict = {}
    for name in names:
        p_asof = series[f"p_home_asof_{name}"].to_numpy(float)
        margin = implied_margin(p_asof, best_of, model, edges)
        losses = {"asof": outcome_losses(p_asof, home_won)}
        for reading in READINGS:
            shift = series[f"lost_{reading}_home"].to_numpy() - series[f"lost_{reading}_away"].to_numpy()
            p = series_home_win_prob(margin - shift, np.zeros_like(margin), best_of, model, edges)
            series[f"p_home_{reading}_{name}"] = p
            losses[reading] = outcome_losses(p, home_won)
        for split, keep in (("all", np.ones(len(series), bool)), ("rounds2_4", series["round"].to_numpy() > 1)):
            for tag, frame in losses.items():
                metrics[f"{split}.{name}.{tag}.log_loss"] = float(frame.loc[keep, "log_loss"].mean())
            for reading in READINGS:
                cand = losses[reading].assign(season=series["season"].to_numpy())[keep]
                base = losses["asof"].assign(season=series["season"].to_numpy())[keep]
                stats = season_bootstrap(cand, base, "log_loss", **boot)
                metrics.update({f"bootstrap.{split}.{name}.{reading}_vs_asof.{k}": v for k, v in stats.items()})
            metrics[f"{split}.n"] = int(keep.sum())
    by_season = series.groupby("season").agg(series=("box_known", "size"), with_box_scores=("box_known", "sum"))
    metrics["seasons"] = {str(int(s)): {k: int(v) for k, v in row.items()} for s, row in by_season.iterrows()}
    return metrics, series
