"""Forecast a season whose playoff outcomes are not in the data (2025: field known; 2026: in progress).

Everything is fitted on seasons with known outcomes only (<= seasons.last_test):
* level-1 scores of the forecast season come from the FINAL models (trained on
  first_train..last_test): Model A (models/model_a.pt), XGBoost and the forest of Model B;
* the stacker is fitted on every out-of-sample row of scores.parquet (OOF and walk-forward
  test rows), whose scores were z-scored per season, so the final models' scale does not matter;
  with stacking.objective series it is the series-likelihood stacker, chosen (models, penalty,
  scaling) and fitted on the playoff series of those seasons, and its score is in points;
* otherwise the score -> points map is fitted on the earlier seasons by the same code the
  evaluate stage uses (src/inference/title_odds.py), as is the title-odds temperature when on;
* the odds (src/inference/forecast_odds.py): a season in progress is simulated to its end
  (rest of the regular season, standings, play-in, playoffs: src/league/season_sim.py);
  a finished regular season plays the real field's bracket.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from src.config import SeasonsConfig, params_section, section
from src.errors import ConfigError, DataError
from src.league.bracket import Bracket
from src.inference.config import SimulationConfig
from src.inference.forecast_asof import PlayoffsAsOf, playoffs_as_of, update_setting
from src.inference.forecast_odds import known_field_odds, simulated_season_odds, strength_points
from src.inference.playoff_update import PlayoffUpdateConfig
from src.inference.title_odds import ODDS_COLUMNS
from src.league.series import observed_series
from src.inference.title_odds import game_model
from src.training.level1 import KEY, score_column
from src.training.targets import season_targets
from src.training.train_stacking import (ENSEMBLE, StackingConfig, StackingTrainer, series_stack_predict,
                                         with_target)

log = logging.getLogger(__name__)
TEAMS_FILE = "data/interim/team_seasons.parquet"
SCORES_FILE = "data/processed/scores.parquet"
TEAM_COLUMNS = ["team_name", "conference", "g", "wins", "losses", "win_pct", "srs"]


@params_section("forecast")
class ForecastConfig:
    season: int              # the season to forecast (params forecast.season; --season overrides)
    top_players: int         # players per team named in the report (by Model A attention)
    schedules: int           # remaining-season schedules drawn by the season simulation
    as_of: str | None        # YYYY-MM-DD: playoff games to the end of this day are known; null = all
    playoff_results: str     # a season the game file lacks: its playoff games (docs/asof.md); "" = none

    @property
    def as_of_date(self) -> pd.Timestamp | None:
        return None if self.as_of is None else pd.Timestamp(self.as_of)

    def __post_init__(self) -> None:
        if self.as_of is not None and pd.to_datetime(self.as_of, format="%Y-%m-%d", errors="coerce") is pd.NaT:
            raise ConfigError(f"params.yaml: forecast.as_of must be a date like 2024-05-15 or null, "
                              f"got {self.as_of!r}")
        if self.top_players < 1:
            raise ConfigError(f"params.yaml: forecast.top_players must be >= 1, got {self.top_players}")
        if self.schedules < 1:
            raise ConfigError(f"params.yaml: forecast.schedules must be >= 1, got {self.schedules}")


def forecast_config(params: dict[str, Any]) -> ForecastConfig:
    return section(ForecastConfig, params.get("forecast"), "forecast")


@dataclass(frozen=True)
class SeasonStatus:
    season: int
    in_progress: bool        # made_playoffs unknown: regular season still running
    games_min: int
    games_max: int
    outcome_known: bool      # only with --allow-known (a backtest of the mechanics)
    models_saw_season: bool  # season <= last_test: the final models trained on it


@dataclass
class Forecast:
    status: SeasonStatus
    table: pd.DataFrame      # one row per team: scores, ranks, seed, season odds, top players
    bracket: Bracket | None  # the real field's bracket; None when the season is simulated
    fit: dict[str, Any] = field(default_factory=dict)   # stacker, points map, temperature
    playoffs: PlayoffsAsOf | None = None   # the bracket as it stands (playoff games known)


def season_status(teams: pd.DataFrame, season: int, seasons: SeasonsConfig,
                  allow_known: bool = False) -> SeasonStatus:
    """Refuse a season that is not in the data, or whose outcomes are known (unless allowed)."""
    rows = teams[teams["season"] == season]
    if rows.empty:
        have = sorted(teams["season"].unique().tolist())
        raise DataError(f"{TEAMS_FILE}: season {season} is not in the data "
                        f"(seasons {have[0]}..{have[-1]})")
    known = bool(rows["outcome_known"].astype(bool).any())
    if known and not allow_known:
        raise DataError(f"{TEAMS_FILE}: season {season} has known playoff outcomes (outcome_known): "
                        "its out-of-sample evaluation is the evaluate stage (`dvc repro evaluate`, "
                        "data/processed/predictions.parquet). To replay it: python -m stages.forecast "
                        f"--season {season} --allow-known [--as-of YYYY-MM-DD], or make forecast "
                        f"SEASON={season} AS_OF=YYYY-MM-DD (make passes --allow-known with AS_OF)")
    if season < seasons.first_train:
        raise DataError(f"season {season} is before seasons.first_train={seasons.first_train}: "
                        "no level-1 history to compare it with")
    return SeasonStatus(season=season, in_progress=bool(rows["made_playoffs"].isna().any()),
                        games_min=int(rows["g"].min()), games_max=int(rows["g"].max()),
                        outcome_known=known, models_saw_season=season <= seasons.last_test)


def history_rows(history: pd.DataFrame, teams: pd.DataFrame, season: int,
                 models: list[str], last_test: int) -> pd.DataFrame:
    """Out-of-sample rows of scores.parquet with the stacker's target, seasons <= last_test
    other than the forecast season itself."""
    needed = [*KEY, *(score_column(m) for m in models), ENSEMBLE]
    missing = [c for c in needed if c not in history.columns]
    if missing:
        raise DataError(f"{SCORES_FILE}: missing column(s) {', '.join(missing)} "
                        "(stacking.models changed? run `dvc repro stack`)")
    rows = history[(history["season"] <= last_test) & (history["season"] != season)][needed]
    if rows.empty:
        raise DataError(f"{SCORES_FILE}: no rows of seasons <= {last_test} to fit the stacker on")
    targets = season_targets(teams, sorted(rows["season"].unique().tolist()), TEAMS_FILE)
    return with_target(rows, targets)


def stack_season(history: pd.DataFrame, level1: pd.DataFrame, cfg: StackingConfig) -> tuple[np.ndarray, dict]:
    """The ensemble score of the forecast season: a stacker fitted on every history row."""
    trainer = StackingTrainer(cfg).fit(history)
    summary = {**trainer.summary(), "seasons": [trainer.train_seasons[0], trainer.train_seasons[-1]],
               "rows": len(history)}
    return trainer.predict(level1), summary


def check_level1(level1: pd.DataFrame, teams: pd.DataFrame, season: int, models: list[str]) -> pd.DataFrame:
    """Every team of the season has a finite score from every stacked model."""
    expected = set(teams.loc[teams["season"] == season, "team"])
    rows = level1[level1["season"] == season]
    for model in models:
        col = score_column(model)
        if col not in rows.columns:
            raise DataError(f"season {season}: no {col} scores (stacking.models lists {model!r})")
        scored = set(rows.loc[np.isfinite(rows[col].astype(float)), "team"])
        if scored != expected:
            lacking = sorted(expected - scored) or sorted(scored - expected)
            raise DataError(f"season {season}: column {col} does not score exactly the teams of "
                            f"{TEAMS_FILE}; differing team(s): {', '.join(lacking)}")
    return rows.sort_values("team").reset_index(drop=True)


def series_stack_season(history: pd.DataFrame, level1: pd.DataFrame, teams: pd.DataFrame,
                        series: pd.DataFrame | None, cfg: StackingConfig, sim: SimulationConfig,
                        first_test: int) -> tuple[np.ndarray, dict]:
    """stacking.objective series: the forecast season's ensemble strength in points."""
    played = observed_series(teams, series, sorted(history["season"].unique().tolist()))
    points, selection = series_stack_predict(history, level1, cfg, played, game_model(sim), first_test)
    report = {k: v for k, v in selection.report().items() if k != "validation"}
    return points, {**report, "seasons": report["fit_seasons"], "rows": len(history)}


def top_players(attention: pd.DataFrame, season: int, k: int) -> pd.DataFrame:
    """team, player_1..k, contribution_1..k (points above a replacement-level player),
    attention_1..k, value_1..k (points per 100), minutes_share_1..k, mp_1..k: the k largest
    contributions (Model A's own contribution for a table without player values, by
    attention for a table without either)."""
    if attention.get("contribution_above_replacement", pd.Series(dtype=float)).notna().any():
        attention = attention.drop(columns=["contribution", "value"], errors="ignore").rename(
            columns={"contribution_above_replacement": "contribution", "player_value": "value"})
    by = "contribution" if "contribution" in attention.columns else "attention"
    names = [c for c in ("player", "contribution", "attention", "value", "minutes_share", "mp")
             if c in attention.columns]
    rows = attention[attention["season"] == season].sort_values(
        ["team", by, "minutes_share"], ascending=[True, False, False], kind="mergesort")
    rows = rows.assign(rank=rows.groupby("team").cumcount() + 1)
    rows = rows[rows["rank"] <= k]
    wide = rows.pivot(index="team", columns="rank", values=names)
    wide.columns = [f"{name}_{rank}" for name, rank in wide.columns]
    order = [f"{name}_{r}" for r in range(1, k + 1) for name in names]
    return wide.reindex(columns=order).reset_index()


def build_forecast(teams: pd.DataFrame, series: pd.DataFrame | None, history: pd.DataFrame,
                   level1: pd.DataFrame, attention: pd.DataFrame, status: SeasonStatus,
                   seasons: SeasonsConfig, stacking: StackingConfig, sim: SimulationConfig,
                   cfg: ForecastConfig, games: pd.DataFrame | None = None,
                   update: PlayoffUpdateConfig | None = None, games_source: str = "") -> Forecast:
    """level1: season, team, score_<model> of the forecast season from the final models;
    attention: src/inference/predict_a.attention_table rows of the forecast season; games: playoff
    games (src/league/series.GAME_COLUMNS) of the forecast season and earlier ones, if any."""
    season = status.season
    past = history_rows(history, teams, season, stacking.stacked, seasons.last_test)
    now = check_level1(level1, teams, season, stacking.stacked)
    in_points = stacking.objective == "series"
    replay = replay_scores(history, season) if status.outcome_known and in_points else None
    if replay is not None:
        now[ENSEMBLE] = now["team"].map(replay).to_numpy(float)
        stack_fit = {"replay": True, "rows": int(len(replay)), "seasons": [seasons.first_train, season - 1]}
    elif in_points:
        now[ENSEMBLE], stack_fit = series_stack_season(past, now, teams, series, stacking, sim,
                                                       seasons.first_test)
    else:
        now[ENSEMBLE], stack_fit = stack_season(past, now, stacking)
    srs = teams[[*KEY, "srs"]]
    frame = pd.concat([past[[*KEY, ENSEMBLE]], now[[*KEY, ENSEMBLE]]], ignore_index=True)
    frame = frame.merge(srs, on=KEY, how="left", validate="one_to_one")
    if status.in_progress:
        odds = simulated_season_odds(teams, series, frame, season, sim, cfg.schedules, in_points)
    else:
        odds = known_field_odds(teams, series, frame, season, sim, in_points, real_bracket=replay is not None)
    points = strength_points(frame, season, odds.fit["slope"], in_points)
    table = _ranked(teams[teams["season"] == season], now, points).merge(
        odds.table, on="team", how="left", validate="one_to_one")
    table = table.merge(top_players(attention, season, cfg.top_players), on="team", how="left")
    playoffs = None
    season_games = None if games is None else games[games["season"] == season]
    if odds.bracket is not None and season_games is not None and not season_games.empty and update is not None:
        playoffs = _playoffs(odds.bracket, points, frame, teams, series, games, season_games, cfg,
                             update, sim, games_source, in_points)
        table = _with_playoff_odds(table, playoffs, odds.bracket)
    temperature = (f", title-odds temperature {odds.fit['temperature']:.2f}"
                   if "temperature" in odds.fit else "")
    log.info("forecast %d: stacker on %d rows, points slope %.2f%s, odds from %s", season,
             stack_fit["rows"], odds.fit["slope"], temperature, odds.source)
    return Forecast(status, table.sort_values("rank", kind="mergesort").reset_index(drop=True),
                    odds.bracket, {"stacker": stack_fit, "odds": odds.fit, "bracket_source": odds.source},
                    playoffs)


def replay_scores(history: pd.DataFrame, season: int) -> pd.Series | None:
    """A past season's out-of-sample ensemble strengths (its walk-forward test row in
    scores.parquet, fitted on earlier seasons only), by team; None if it has none."""
    rows = history[(history["season"] == season) & (history["split"] == "test")]
    return None if rows.empty else rows.set_index("team")[ENSEMBLE].astype(float)


def _playoffs(bracket: Bracket, points: pd.Series, frame: pd.DataFrame, teams: pd.DataFrame,
              series: pd.DataFrame | None, games: pd.DataFrame, season_games: pd.DataFrame,
              cfg: ForecastConfig, update: PlayoffUpdateConfig, sim: SimulationConfig, source: str,
              in_points: bool) -> PlayoffsAsOf:
    model = game_model(sim)
    if in_points:
        history = frame[frame["season"] < bracket.season].set_index(KEY)[ENSEMBLE].dropna()
        setting = update_setting(bracket.season, history, teams, series, games, update, model)
    else:
        setting = update.default
    return playoffs_as_of(bracket, points, season_games, source, cfg.as_of_date, setting, model,
                          sim.n_sims, sim.seed)


def _with_playoff_odds(table: pd.DataFrame, playoffs: PlayoffsAsOf, bracket: Bracket) -> pd.DataFrame:
    """Round and title odds of the bracket state replace the pre-playoff ones; strength_asof beside."""
    odds = pd.DataFrame(playoffs.rounds, columns=ODDS_COLUMNS[:-1]).assign(team=list(bracket.teams))
    odds["p_champion"] = odds[ODDS_COLUMNS[-2]]
    out = table.drop(columns=ODDS_COLUMNS).merge(odds, on="team", how="left")
    out[ODDS_COLUMNS] = out[ODDS_COLUMNS].fillna(0.0)
    out["strength_asof"] = out["team"].map(playoffs.strength)
    return out


def _ranked(season_teams: pd.DataFrame, now: pd.DataFrame, points: pd.Series) -> pd.DataFrame:
    table = season_teams[[*KEY, *TEAM_COLUMNS]].merge(now, on=KEY, how="left", validate="one_to_one")
    table["strength_points"] = table["team"].map(points)
    # ties broken by win% then team code, so the order is deterministic
    order = table.sort_values([ENSEMBLE, "win_pct", "team"], ascending=[False, False, True])
    table["rank"] = pd.Series(np.arange(1, len(order) + 1), index=order.index)
    table["conf_rank"] = table.groupby("conference")["rank"].rank(method="first").astype(int)
    return table

