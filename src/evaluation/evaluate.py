"""Walk-forward evaluation of every model and baseline by the same code.

For each test season t: ranking metrics of each score (models, rank by SRS, rank by win%),
title odds of each model (fitted on seasons < t only, src/odds/title_odds.py) and of
the baselines (SRS Monte Carlo, uniform 1/16), calibration metrics over the 16 playoff
teams. Pooled: ranking metrics are means over seasons; Brier and ECE pool team-seasons;
log-loss is the mean over seasons of -log p(champion).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.artifacts import SCORES, TEAM_SEASONS
from src.config import SeasonsConfig
from src.errors import DataError
from src.evaluation.bootstrap import paired_bootstrap
from src.evaluation.calibration import (championship_brier, championship_brier_season_sum,
                                        championship_ece, championship_log_loss)
from src.evaluation.config import EvaluationConfig
from src.evaluation.metrics import pool_seasons, season_ranking_metrics
from src.evaluation.series import BootstrapSettings, SeriesEvaluation, SeriesYardstickInputs, evaluate_series
from src.evaluation.games import GameEvaluation, evaluate_games
from src.evaluation.series_asof import asof_column, evaluate_asof
from src.evaluation.record_asof import NAME as RECORD, RecordInputs, evaluate_record, record_terms
from src.evaluation.games import p_column
from src.evaluation.availability_games import AvailabilityInputs, evaluate_availability
from src.evaluation.title_daily import evaluate_title_daily
from src.evaluation.title_damping import TitleDamping
from src.evaluation.game_variant import apply_variant_choice
from src.league.series import with_starts
from src.odds.playoff_update import PlayoffUpdateConfig
from src.odds.config import SimulationConfig, game_model
from src.league.monte_carlo import N_TEAMS
from src.odds.season_inputs import season_inputs
from src.models.registry import BASELINE_SRS, BASELINE_WIN_PCT, BASELINES, ENSEMBLE_NAME, LEVEL1_MODELS
from src.models.registry import score_column
from src.odds.title_odds import ODDS_COLUMNS, SeasonInputs, fixed_points_odds, walk_forward_odds

log = logging.getLogger(__name__)

MODEL_COLUMNS = {**{m.name: m.score_column for m in LEVEL1_MODELS.values()},
                 ENSEMBLE_NAME: score_column(ENSEMBLE_NAME)}
RANK_BASELINES = BASELINES
ODDS_BASELINES = ("baseline_srs_mc", "baseline_uniform")
CANDIDATE = ENSEMBLE_NAME
# title odds judged every playoff day (src/evaluation/title_daily.py): ~12 s for these two; every
# model would cost ~40 s of the cold `dvc repro` budget
TITLE_DAILY_MODELS = (CANDIDATE, BASELINE_SRS)
# Which comparisons the bootstrap makes: baseline -> (metric, lower is better)
BOOTSTRAP_PLAN = {BASELINE_SRS: [("ndcg_at_4", False)], BASELINE_WIN_PCT: [("ndcg_at_4", False)],
                  "baseline_srs_mc": [("log_loss", True), ("brier", True)],
                  "baseline_uniform": [("log_loss", True), ("brier", True)]}
TRUTH_COLUMNS = ["made_playoffs", "series_won", "champion", "post_playoff_rank", "relevance"]
_TEAMS_FILE = TEAM_SEASONS.path
_SCORES_FILE = SCORES.path


@dataclass
class EvaluationResult:
    metrics: dict[str, float]                 # flat keys for metrics/eval.json
    report: dict                              # per-season detail and fits
    predictions: pd.DataFrame                 # contract: data/processed/predictions.parquet
    odds: dict[str, pd.DataFrame]             # title odds per model/baseline (test seasons)
    per_season: dict[str, dict[int, dict[str, float]]]
    primary: str                              # model behind pred_rank and p_* in predictions
    series: SeriesEvaluation | None = None    # the series yardstick (src/evaluation/series.py)
    games: GameEvaluation | None = None       # the as-of game yardstick (src/evaluation/games.py)


def model_columns(scores: pd.DataFrame | None) -> dict[str, str]:
    if scores is None:
        return {}
    return {name: col for name, col in MODEL_COLUMNS.items() if col in scores.columns}


def check_scores(scores: pd.DataFrame, test_seasons: list[int]) -> None:
    """Test-season rows exist and were scored by models that never saw the season."""
    test_rows = scores[scores["season"].isin(test_seasons)]
    if (test_rows["split"] != "test").any():
        bad = test_rows[test_rows["split"] != "test"].iloc[0]
        raise DataError(f"{_SCORES_FILE}: season {bad['season']}, team {bad['team']}: split "
                        f"'{bad['split']}' in a test season (expected 'test')")
    # a test row's models saw only earlier seasons; an OOF row's only seasons < first test season
    limit = np.where(scores["split"] == "test", scores["season"], min(test_seasons))
    leaked = scores[scores["max_train_season"].to_numpy() >= limit]
    if not leaked.empty:
        bad = leaked.iloc[0]
        raise DataError(f"{_SCORES_FILE}: season {bad['season']}, team {bad['team']}, split {bad['split']}: "
                        f"column max_train_season={bad['max_train_season']} is not before "
                        f"{'the season' if bad['split'] == 'test' else 'the first test season'}")
    missing = sorted(set(test_seasons) - set(test_rows["season"]))
    if missing:
        raise DataError(f"{_SCORES_FILE}: no rows for test season(s) {missing}")


def evaluate(teams: pd.DataFrame, series: pd.DataFrame | None, scores: pd.DataFrame | None,
             seasons: SeasonsConfig, sim: SimulationConfig, cfg: EvaluationConfig,
             games: pd.DataFrame | None = None, points_models: frozenset[str] = frozenset(),
             update: PlayoffUpdateConfig | None = None, record: RecordInputs | None = None,
             availability: AvailabilityInputs | None = None) -> EvaluationResult:
    """`games`: per playoff game (src/data/playoff_games.py) for the per-game yardstick;
    `points_models`: models whose score is already in points (the series-fitted ensemble): their
    title odds and series probabilities use the score as it is, with no points map; `update`: the
    playoff-game update of the as-of yardstick (src/evaluation/series_asof.py; None = left out);
    `record`: the players' playoff record of the `ensemble_record` variant (None = left out)."""
    test = seasons.test_seasons
    _check_truth(teams, test)
    models = model_columns(scores)
    if scores is None or not models:
        log.warning("no model scores: evaluating the baselines only")
        frame = teams.copy()
    else:
        check_scores(scores, test)
        frame = teams.merge(scores[["season", "team", *models.values()]], on=["season", "team"], how="left")
    inputs = season_inputs(teams, series, sorted(frame["season"].unique()))
    odds, fits = {}, {}
    log.info("title odds (%s) for %s, baseline_srs_mc, baseline_uniform", sim.championship_odds_method,
             ", ".join(models))
    for name, col in models.items():
        if name in points_models:
            odds[name], fits[name] = fixed_points_odds(frame, col, test, inputs, sim), []
        else:
            odds[name], fits[name] = walk_forward_odds(frame, col, test, inputs, sim)
    odds["baseline_srs_mc"] = fixed_points_odds(frame, "srs", test, inputs, sim)
    odds["baseline_uniform"] = _uniform_odds(inputs, test)
    ranked = {**models, **RANK_BASELINES}
    per_season = _per_season_metrics(frame, ranked, odds, test, cfg)
    metrics = _pooled_metrics(per_season, odds, teams, cfg)
    metrics.update(_bootstrap(per_season, cfg))
    log.info("series yardstick over %d test seasons", len(test))
    series_eval = evaluate_series(SeriesYardstickInputs(
        frame, inputs.table, games, models, frozenset(points_models), test, inputs, sim,
        BootstrapSettings(cfg.n_bootstrap, cfg.bootstrap_seed, cfg.interval)))
    game_eval, daily_report = None, {}
    if update is not None and games is not None and not games.empty:
        played = games[games["season"].isin(test)]
        log.info("game yardstick: %d playoff games forecast as of their morning", len(played))
        game_eval = evaluate_games(played, series_eval.points, update, game_model(sim), series_eval.bootstrap,
                                   with_starts(series_eval.usable, played))
        metrics.update(game_eval.metrics)
    if update is not None:
        log.info("as-of yardstick: series forecast with the playoff games before their game 1")
        series_eval.add_asof(evaluate_asof(series_eval.usable, series_eval.points, games, inputs, update,
                                           game_model(sim), series_eval.bootstrap,
                                           None if game_eval is None else game_eval.chosen))
    record_report = {}
    if update is not None and record is not None and CANDIDATE in series_eval.points:
        record_report = _add_record(series_eval, game_eval, record, seasons.next_season, game_model(sim), games)
    avail_report = {}
    if game_eval is not None and availability is not None and CANDIDATE in game_eval.chosen:
        avail_metrics, avail_report = _add_availability(game_eval, availability, series_eval.bootstrap,
                                                        seasons.next_season, game_model(sim))
        metrics.update(avail_metrics)
    if game_eval is not None:
        # title odds every day; the record's are the ensemble's with its term added each morning
        variants = ({RECORD: (CANDIDATE, record_terms(record, {int(s): c for s, c in record_report["chosen"].items()},
                                                      played))} if record_report else {})
        damping = TitleDamping(RECORD if variants else CANDIDATE, tuple(cfg.title_damping_grid), seasons.next_season,
                               series_eval.bootstrap)
        daily, daily_report, _ = evaluate_title_daily(
            series_eval.points, played, inputs, game_eval.chosen, game_model(sim),
            [n for n in TITLE_DAILY_MODELS if n in series_eval.points], variants, damping)
        metrics.update(daily)
    metrics.update(series_eval.metrics)
    variant_report = {}
    if game_eval is not None and CANDIDATE in game_eval.chosen and model_link(sim) == "normal":
        variant_report = _choose_variant(game_eval, metrics, series_eval.bootstrap, seasons.next_season,
                                         game_model(sim), cfg.game_variant_min_history)
    primary = CANDIDATE if CANDIDATE in models else next(iter(models), BASELINE_SRS)
    predictions = build_predictions(frame, inputs, ranked, odds, test, primary)
    report = {"test_seasons": test, "primary": primary, "odds_method": sim.championship_odds_method,
              "calibrate_to": sim.calibrate_to, "series_seasons": sorted(inputs.series),
              "series_per_season": {str(k): len(v) for k, v in sorted(inputs.series.items())},
              "per_season": {n: {str(s): v for s, v in d.items()} for n, d in per_season.items()},
              "fits": fits, "bracket_source": {str(s): inputs.brackets[s].source for s in test},
              "series": series_eval.report,
              "games": {} if game_eval is None else game_eval.report, "title_daily": daily_report,
              "playoff_record": record_report, "availability": avail_report, "game_variant": variant_report}
    return EvaluationResult(metrics, report, predictions, odds, per_season, primary, series_eval, game_eval)


def _add_record(series_eval: SeriesEvaluation, game_eval: GameEvaluation | None, record: RecordInputs,
                next_season: int, model, games: pd.DataFrame | None) -> dict:
    """The ensemble with its players' playoff record (src/evaluation/record_asof.py): its columns
    beside the ensemble's, its metrics, and the report (choices, seasons with box scores)."""
    from src.league.series import with_starts
    log.info("playoff record: the ensemble with its players' earlier playoff plus-minus")
    series = with_starts(series_eval.usable, games)
    p_asof = series_eval.predictions[asof_column(CANDIDATE)].to_numpy(float)
    g = None if game_eval is None else game_eval.predictions
    result = evaluate_record(series, p_asof, record, model, series_eval.bootstrap, next_season, g,
                             None if g is None else g[f"margin_home_{CANDIDATE}"].to_numpy(float),
                             None if g is None else g[p_column(CANDIDATE)].to_numpy(float),
                             None if game_eval is None else game_eval.chosen.get(CANDIDATE))
    series_eval.predictions[asof_column(RECORD)] = result.series_p
    series_eval.metrics.update(result.metrics)
    if g is not None and result.games_p is not None:
        g[p_column(RECORD)] = result.games_p
    return {**result.report, "chosen": {str(s): c for s, c in result.choices.items()}}


def _add_availability(game_eval: GameEvaluation, inputs: AvailabilityInputs, boot: dict, next_season: int,
                      model) -> tuple[dict, dict]:
    """The ensemble (and with its record) with the players missing from each team's previous
    playoff game taken off its strength (src/evaluation/availability_games.py)."""
    if model.link != "normal":
        log.warning("availability variant left out: it reads the game noise of the normal link, link is %s", model.link)
        return {}, {"left_out": f"game model link {model.link}"}
    log.info("availability: game forecasts without the players missing from each team's previous game")
    g, chosen = game_eval.predictions, game_eval.chosen[CANDIDATE]
    noise = np.array([chosen[int(s)].game_model(model).scale for s in g["season"]])
    bases = [b for b in (CANDIDATE, RECORD) if p_column(b) in g.columns]
    started = time.perf_counter()
    metrics, report = evaluate_availability(g, bases, noise, inputs, boot, next_season)
    log.info("availability took %.1f s", time.perf_counter() - started)
    return metrics, report


def model_link(sim: SimulationConfig) -> str:
    return game_model(sim).link


def _choose_variant(game_eval: GameEvaluation, metrics: dict, boot: dict, next_season: int, model,
                    min_history: int) -> dict:
    """The product's game forecast: the update variant chosen per season on earlier seasons'
    games (src/evaluation/game_variant.py); `metrics` gets the chosen `games*.ensemble.*` keys and
    the update alone's as `ensemble_plain`."""
    g, chosen = game_eval.predictions, game_eval.chosen[CANDIDATE]
    noise = np.array([chosen[int(s)].game_model(model).scale for s in g["season"]])
    result = apply_variant_choice(g, metrics, noise, boot, next_season, min_history)
    metrics.update(result.metrics)
    log.info("game variant per season: %s", ", ".join(f"{s} {c}" for s, c in result.choices.items()))
    return result.report


def _check_truth(teams: pd.DataFrame, test: list[int]) -> None:
    rows = teams[teams["season"].isin(test)]
    unknown = sorted(set(test) - set(rows.loc[rows["outcome_known"].astype(bool), "season"]))
    if unknown:
        raise DataError(f"{_TEAMS_FILE}: column outcome_known is false or rows are missing for "
                        f"test season(s) {unknown}")


def _uniform_odds(inputs: SeasonInputs, test: list[int]) -> pd.DataFrame:
    rows = [{"season": s, "team": t} for s in test for t in inputs.brackets[s].teams]
    out = pd.DataFrame(rows)
    for col in ODDS_COLUMNS:
        out[col] = np.nan
    out["p_champion"] = 1.0 / N_TEAMS
    return out


def _calibration_frame(odds: pd.DataFrame, teams: pd.DataFrame) -> pd.DataFrame:
    truth = teams[["season", "team", "champion"]]
    merged = odds.merge(truth, on=["season", "team"], how="left", validate="one_to_one")
    merged["onehot"] = merged["champion"].fillna(False).astype(bool).astype(float)
    return merged


def _per_season_metrics(frame, ranked, odds, test, cfg) -> dict[str, dict[int, dict[str, float]]]:
    out: dict[str, dict[int, dict[str, float]]] = {name: {} for name in [*ranked, *ODDS_BASELINES]}
    for s in test:
        season = frame[frame["season"] == s]
        for name, col in ranked.items():
            if season[col].isna().any():
                team = season.loc[season[col].isna(), "team"].iloc[0]
                raise DataError(f"{_SCORES_FILE}: column {col} is missing for season {s}, team {team}")
            out[name][s] = season_ranking_metrics(season, col, cfg.ndcg_k)
    teams = frame[["season", "team", "champion"]]
    for name, table in odds.items():
        cal = _calibration_frame(table, teams)
        for s, g in cal.groupby("season"):
            out[name].setdefault(int(s), {}).update({
                "brier": championship_brier(g["onehot"], g["p_champion"]),
                "log_loss": championship_log_loss(g["onehot"], g["p_champion"])})
    return out


def _pooled_metrics(per_season, odds, teams, cfg) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for name, seasons in per_season.items():
        pooled = pool_seasons(seasons)
        if name in odds:
            cal = _calibration_frame(odds[name], teams)
            y, p = cal["onehot"], cal["p_champion"]
            pooled.update({"brier": championship_brier(y, p),
                           "brier_season_sum": championship_brier_season_sum(y, p, cal["season"]),
                           "log_loss": championship_log_loss(y, p),
                           "ece": championship_ece(y, p, cfg.ece_bins)})
        metrics.update({f"{name}.{k}": v for k, v in pooled.items()})
    return metrics


def _bootstrap(per_season, cfg: EvaluationConfig) -> dict[str, float]:
    if CANDIDATE not in per_season:
        log.warning("no %s scores: paired bootstrap skipped", CANDIDATE)
        return {}
    out = {}
    for baseline, plan in BOOTSTRAP_PLAN.items():
        seasons = sorted(per_season[baseline])
        for metric, lower_is_better in plan:
            cand = [per_season[CANDIDATE][s][metric] for s in seasons]
            base = [per_season[baseline][s][metric] for s in seasons]
            result = paired_bootstrap(cand, base, cfg.n_bootstrap, cfg.bootstrap_seed, cfg.interval,
                                      lower_is_better)
            out.update({f"bootstrap.{CANDIDATE}_vs_{baseline}.{metric}.{k}": v for k, v in result.items()})
    return out


def build_predictions(frame, inputs, ranked, odds, test, primary) -> pd.DataFrame:
    """One row per team of each test season; ranks and odds from the primary model."""
    rows = frame[frame["season"].isin(test)].copy()
    seeds = pd.concat([inputs.brackets[s].frame()[["season", "team", "seed"]] for s in test])
    rows = rows.merge(seeds, on=["season", "team"], how="left")
    rows["seed"] = rows["seed"].astype("Int64")
    score = ranked[primary]
    rows["pred_rank"] = rows.groupby("season")[score].rank(ascending=False, method="min").astype(int)
    rows["pred_conf_rank"] = rows.groupby(["season", "conference"])[score].rank(
        ascending=False, method="min").astype(int)
    odds_name = primary if primary in odds else "baseline_srs_mc"
    rows = rows.merge(odds[odds_name][["season", "team", *ODDS_COLUMNS]], on=["season", "team"], how="left")
    missed = rows["seed"].isna()
    rows.loc[missed, ODDS_COLUMNS] = 0.0      # a team outside the playoffs wins no series
    score_cols = [c for c in MODEL_COLUMNS.values() if c in rows.columns]
    keep = ["season", "team", "conference", "seed", *score_cols, "pred_rank", "pred_conf_rank",
            *ODDS_COLUMNS, *TRUTH_COLUMNS]
    return rows[keep].sort_values(["season", "pred_rank", "team"]).reset_index(drop=True)
