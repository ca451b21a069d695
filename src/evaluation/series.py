"""The series yardstick: P(home-court team wins) for every playoff series of the test seasons.

For each model and the win% baseline, season t's strengths in points come from its score
through the points map fitted on seasons < t only (src/odds/title_odds.fit_score_map), or
are used as they are for a score already in points (the series-fitted ensemble; SRS, as in the
SRS Monte Carlo title baseline). P(home wins the series) is the simulator's own game model (link,
scale, home court; best-of-5 first round before 2003) via src/odds/series_likelihood.py.
Series whose home court the data cannot pin down (series_table.home_known False) are left
out (logged). Metrics per season and pooled over series: log-loss, Brier, accuracy; the same
per game where the game file gives the home team of every game (games_preplayoff.*: the
pre-playoff strengths; the as-of game yardstick is src/evaluation/games.py). A paired bootstrap resamples
seasons (each keeps its series together): pooled difference of every model minus each baseline.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from src.errors import DataError
from src.evaluation.calibration import reliability_diagram_data
from src.league.series import COLUMNS as TABLE_COLUMNS
from src.models.registry import BASELINE_SRS, BASELINES
from src.odds.config import SimulationConfig, game_model
from src.league.monte_carlo import game_win_prob
from src.league.sites import home_edges
from src.odds.strength_calibration import standardise_by_season
from src.odds.title_odds import SeasonInputs, fit_score_map
from src.odds.series_likelihood import PROB_FLOOR, series_home_win_prob

if TYPE_CHECKING:
    from src.evaluation.series_asof import AsOfEvaluation

log = logging.getLogger(__name__)

PREDICTION_KEY = ["season", "round", "conference", "home_team", "away_team", "winner", "games"]
SERIES_BASELINES = BASELINES
# SRS is already a margin in points: used as it is, the same strengths as the SRS Monte Carlo
# title baseline (and the stronger SRS baseline: a fitted slope on its season z-score loses the
# season-to-season spread). win% goes through the models' points map ("win% with a fitted scale").
BASELINES_IN_POINTS = frozenset({BASELINE_SRS})
METRICS = ("log_loss", "brier", "accuracy")


def prob_column(name: str) -> str:
    return f"p_home_{name}"


def walk_forward_points(frame: pd.DataFrame, score_col: str, seasons: list[int], inputs: SeasonInputs,
                        sim: SimulationConfig, in_points: bool = False) -> tuple[pd.Series, list[dict]]:
    """Strength in points of every team of `seasons`, indexed by (season, team); map fitted on < t."""
    rows = frame.dropna(subset=[score_col]).copy()
    if in_points:
        test = rows[rows["season"].isin(seasons)]
        return test.set_index(["season", "team"])[score_col].astype(float), []
    rows["z"] = standardise_by_season(rows[score_col], rows["season"], score_col)
    parts, fits = [], []
    for t in seasons:
        pmap = fit_score_map(rows[rows["season"] < t], score_col, inputs, sim)
        now = rows[rows["season"] == t]
        parts.append(pd.Series(pmap.points(now["z"].to_numpy()),
                               index=pd.MultiIndex.from_arrays([now["season"], now["team"]])))
        fits.append({"season": t, "slope": pmap.slope, "n_map_rows": pmap.n_rows})
    return pd.concat(parts), fits


def home_away_points(table: pd.DataFrame, points: pd.Series, home: str = "home_team",
                     away: str = "away_team") -> tuple[np.ndarray, np.ndarray]:
    index = points.index
    h = pd.MultiIndex.from_arrays([table["season"], table[home]])
    a = pd.MultiIndex.from_arrays([table["season"], table[away]])
    missing = [k for k in [*h, *a] if k not in index]
    if missing:
        raise DataError(f"season {missing[0][0]}: no strength for playoff team {missing[0][1]}")
    return points.loc[h].to_numpy(float), points.loc[a].to_numpy(float)


def series_probabilities(table: pd.DataFrame, points: dict[str, pd.Series],
                         sim: SimulationConfig) -> pd.DataFrame:
    """data/processed/series_predictions.parquet: PREDICTION_KEY + p_home_<name> per model."""
    out = table[PREDICTION_KEY].copy()
    model = game_model(sim)
    for name, strength in points.items():
        h, a = home_away_points(table, strength)
        out[prob_column(name)] = series_home_win_prob(h, a, table["best_of"].to_numpy(int), model,
                                                      home_edges(table["season"]))
    return out.reset_index(drop=True)


def game_probabilities(games: pd.DataFrame, points: dict[str, pd.Series],
                       sim: SimulationConfig) -> pd.DataFrame:
    """Per playoff game (season, home_team, away_team, home_won): P(home team wins the game)."""
    out = games.copy()
    model = game_model(sim)
    for name, strength in points.items():
        h, a = home_away_points(games, strength)
        out[prob_column(name)] = game_win_prob(h - a + model.home_court * home_edges(games["season"]), model)
    return out


def outcome_losses(p_home: np.ndarray, home_won: np.ndarray) -> pd.DataFrame:
    """Per-row log-loss, Brier and accuracy (a coin-flip 0.5 counts half)."""
    p = np.asarray(p_home, float)
    y = np.asarray(home_won, bool).astype(float)
    p_obs = np.where(y == 1, p, 1 - p)
    return pd.DataFrame({"log_loss": -np.log(np.clip(p_obs, PROB_FLOOR, None)), "brier": (p - y) ** 2,
                         "accuracy": np.where(p == 0.5, 0.5, (p > 0.5) == (y == 1)).astype(float)})


@dataclass
class Yardstick:
    per_row: dict[str, pd.DataFrame]            # name -> season + METRICS per series (or game)

    def pooled(self, name: str, seasons: list[int]) -> dict[str, float]:
        rows = self.per_row[name]
        rows = rows[rows["season"].isin(seasons)]
        return {**{m: float(rows[m].mean()) for m in METRICS}, "n": int(len(rows))}

    def per_season(self, name: str) -> dict[int, dict[str, float]]:
        return {int(s): {m: float(g[m].mean()) for m in METRICS} | {"n": int(len(g))}
                for s, g in self.per_row[name].groupby("season")}


def yardstick(predictions: pd.DataFrame, home_won: np.ndarray, names: list[str]) -> Yardstick:
    per_row = {}
    for name in names:
        losses = outcome_losses(predictions[prob_column(name)].to_numpy(), home_won)
        losses.insert(0, "season", predictions["season"].to_numpy())
        per_row[name] = losses
    return Yardstick(per_row)


def season_bootstrap(candidate: pd.DataFrame, baseline: pd.DataFrame, metric: str, n_resamples: int,
                     seed: int, interval: float, lower_is_better: bool = True) -> dict[str, float]:
    """Pooled mean difference (per row) with seasons resampled whole; candidate/baseline rows align."""
    diff = (candidate[metric].to_numpy() - baseline[metric].to_numpy())
    by_season = pd.DataFrame({"season": candidate["season"].to_numpy(), "d": diff}).groupby("season")["d"]
    sums, counts = by_season.sum().to_numpy(), by_season.size().to_numpy()
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(sums), size=(n_resamples, len(sums)))
    resampled = sums[pick].sum(axis=1) / counts[pick].sum(axis=1)
    tail = (1 - interval) / 2
    wins = resampled < 0 if lower_is_better else resampled > 0
    return {"diff": float(diff.mean()), "low": float(np.quantile(resampled, tail)),
            "high": float(np.quantile(resampled, 1 - tail)), "win_share": float(wins.mean())}


def yardstick_metrics(stick: Yardstick, prefix: str, seasons: list[int], candidates: list[str],
                      n_resamples: int, seed: int, interval: float) -> dict[str, float]:
    """Flat keys `<prefix>.<name>.<metric>` and `bootstrap.<prefix>.<cand>_vs_<base>.<metric>.<stat>`."""
    out: dict[str, float] = {}
    for name in stick.per_row:
        out.update({f"{prefix}.{name}.{k}": v for k, v in stick.pooled(name, seasons).items()})
    for cand in candidates:
        for base in SERIES_BASELINES:
            if cand == base or cand not in stick.per_row or base not in stick.per_row:
                continue
            c, b = (stick.per_row[n] for n in (cand, base))
            keep = c["season"].isin(seasons).to_numpy()
            for metric in ("log_loss", "brier"):
                stats = season_bootstrap(c[keep], b[keep], metric, n_resamples, seed, interval)
                out.update({f"bootstrap.{prefix}.{cand}_vs_{base}.{metric}.{k}": v for k, v in stats.items()})
    return out


def usable_series(table: pd.DataFrame, seasons: list[int]) -> pd.DataFrame:
    """The test seasons' series whose home court is known (others logged and left out)."""
    rows = table[table["season"].isin(seasons)]
    unknown = rows[~rows["home_known"].astype(bool)]
    for _, r in unknown.iterrows():
        log.warning("season %d, round %d: %s v %s have equal records and the tie-breaker for home "
                    "court is not in the data; series left out of the yardstick",
                    r["season"], r["round"], r["home_team"], r["away_team"])
    return rows[rows["home_known"].astype(bool)][TABLE_COLUMNS].reset_index(drop=True)


@dataclass
class SeriesEvaluation:
    predictions: pd.DataFrame                   # data/processed/series_predictions.parquet
    metrics: dict[str, float]                   # flat keys series.*, series_recent.*, games_preplayoff.*, bootstrap.*
    report: dict                                # per-season metrics, map fits, left-out series
    usable: pd.DataFrame                        # the series scored, in prediction order
    points: dict[str, pd.Series]                # name -> pre-playoff strength (season, team)
    bootstrap: dict                             # n_resamples, seed, interval

    def add_asof(self, asof: "AsOfEvaluation") -> None:
        """The as-of columns, metrics and report beside the pre-playoff ones."""
        for column, values in asof.columns.items():
            self.predictions[column] = values
        self.metrics.update(asof.metrics)
        self.report["asof"] = asof.report


@dataclass(frozen=True)
class BootstrapSettings:
    """The paired season bootstrap of every yardstick (params evaluation: n_bootstrap,
    bootstrap_seed, interval)."""
    n_resamples: int
    seed: int
    interval: float

    def as_dict(self) -> dict:
        return {"n_resamples": self.n_resamples, "seed": self.seed, "interval": self.interval}


@dataclass(frozen=True)
class SeriesYardstickInputs:
    """What the series yardstick reads: one object instead of eleven arguments."""
    frame: pd.DataFrame              # season, team, srs, win_pct and each model's score column
    table: pd.DataFrame              # the playoff series (src/league/series.COLUMNS), every season
    games: pd.DataFrame | None       # every playoff game (src/data/playoff_games.GAME_COLUMNS), or None
    models: dict[str, str]           # model name -> score column
    points_models: frozenset[str]    # models whose score is already in points (no map)
    test: list[int]                  # the test seasons
    inputs: SeasonInputs             # brackets, champions, who beat whom (the points map's data)
    sim: SimulationConfig
    bootstrap: BootstrapSettings


def evaluate_series(task: SeriesYardstickInputs) -> SeriesEvaluation:
    """The series yardstick over the test seasons for `task.models` (name -> score column) and
    the SRS / win% baselines; `task.points_models` are scores already in points (no map)."""
    frame, table, games, models, test = task.frame, task.table, task.games, task.models, task.test
    inputs, sim = task.inputs, task.sim
    names = {**models, **SERIES_BASELINES}
    points, fits = {}, {}
    for name, col in names.items():
        in_points = name in task.points_models or name in BASELINES_IN_POINTS
        points[name], fits[name] = walk_forward_points(frame, col, test, inputs, sim, in_points)
    usable = usable_series(table, test)
    predictions = series_probabilities(usable, points, sim)
    stick = yardstick(predictions, usable["home_won"].to_numpy(), list(names))
    recent = sorted(int(s) for s in usable.loc[usable["games"].notna(), "season"].unique())
    boot = task.bootstrap.as_dict()
    metrics = yardstick_metrics(stick, "series", test, list(models), **boot)
    report = {"seasons": test, "recent_seasons": recent,
              "n_left_out": int(table["season"].isin(test).sum() - len(usable)),
              "per_season": {n: {str(s): v for s, v in stick.per_season(n).items()} for n in names},
              "map_fits": fits}
    if recent:
        metrics.update(yardstick_metrics(stick, "series_recent", recent, list(models), **boot))
        metrics.update({"window.series_recent.first_season": recent[0],
                        "window.series_recent.last_season": recent[-1]})
    if games is not None and not games.empty:
        played = games[games["season"].isin(test)].reset_index(drop=True)
        game_stick = yardstick(game_probabilities(played, points, sim), played["home_won"].to_numpy(),
                               list(names))
        # the pre-playoff forecast of every game; the as-of one (games.*) is src/evaluation/games.py
        metrics.update(yardstick_metrics(game_stick, "games_preplayoff", sorted(played["season"].unique().tolist()),
                                         list(models), **boot))
        report["games_per_season"] = {n: {str(s): v for s, v in game_stick.per_season(n).items()}
                                      for n in names}
    metrics.update({"window.series.first_season": test[0], "window.series.last_season": test[-1]})
    predictions.insert(PREDICTION_KEY.index("games") + 1, "best_of", usable["best_of"].to_numpy())
    return SeriesEvaluation(predictions, metrics, report, usable, points, boot)


def series_reliability(predictions: pd.DataFrame, name: str, n_bins: int) -> pd.DataFrame:
    """Pooled reliability bins of P(home team wins the series) against the observed rate."""
    home_won = (predictions["winner"] == predictions["home_team"]).to_numpy(float)
    return pd.DataFrame(reliability_diagram_data(home_won,
                                                 predictions[prob_column(name)], n_bins),
                        columns=["bin_low", "bin_high", "pred_mean", "actual_rate", "count"])
