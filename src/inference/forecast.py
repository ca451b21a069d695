"""Forecast a season whose playoff outcomes are not in the data (2025: field known; 2026: in progress).

Nothing is fitted here: every fit was made on seasons with known outcomes (<= seasons.last_test)
by the stage that chose it, and is loaded:
* level-1 scores of the forecast season come from the FINAL models (trained on
  first_train..last_test): Model A (models/model_a.pt), XGBoost and the forest of Model B;
* the stacker (models/stacker.json, stage stack) was chosen and fitted on every out-of-sample
  row of scores.parquet (OOF and walk-forward test rows), whose scores were scaled per season,
  so the final models' scale does not matter; with stacking.objective series its score is in
  points;
* otherwise the score -> points map (and the title-odds temperature when on), and the
  playoff-update setting, come from models/odds_fits.json (stage evaluate, src/odds/fits.py);
* the odds (src/inference/forecast_odds.py): a season in progress is simulated to its end
  (rest of the regular season, standings, play-in, playoffs: src/league/season_sim.py);
  a finished regular season plays the real field's bracket.
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from src import artifacts
from src.config import SeasonsConfig, params_section, section
from src.errors import ConfigError, DataError
from src.league.bracket import Bracket, build_bracket
from src.league.real_bracket import (SOURCE_FILE, bracket_from_games, differences, make_bracket,
                                     play_in_pending)
from src.odds.config import SimulationConfig
from src.inference.forecast_asof import PlayoffsAsOf, playoffs_as_of
from src.inference.forecast_odds import (SeasonOdds, known_field_odds, simulated_season_odds,
                                         strength_points)
from src.models.registry import score_column
from src.models.stacker.fitted import ENSEMBLE, FittedStacker
from src.odds.config import game_model
from src.odds.fits import OddsFits
from src.odds.playoff_record import RecordTerm
from src.inference.availability_term import AvailabilityTerm, MorningTerms
from src.inference.forecast_roster import forecast_roster
from src.odds.title_odds import ODDS_COLUMNS

log = logging.getLogger(__name__)
TEAMS_FILE = str(artifacts.TEAM_SEASONS.path)
SCORES_FILE = str(artifacts.SCORES.path)
KEY = ["season", "team"]
FIRST_PLAYOFFS, LAST_YEAR = 1947, 2262      # the first playoffs; pandas' last representable year
USER_FILES = "data/results"      # results and bracket files the forecast stage reads (a dvc.yaml dep)
TEAM_COLUMNS = ["team_name", "conference", "g", "wins", "losses", "win_pct", "srs"]


@params_section("forecast")
class ForecastConfig:
    season: int              # the season to forecast (params forecast.season; --season overrides)
    top_players: int         # players per team named in the report (by Model A attention)
    schedules: int           # remaining-season schedules drawn by the season simulation
    as_of: str | None        # YYYY-MM-DD: playoff games to the end of this day are known; null = all
    playoff_results: str     # a season the game file lacks: its playoff games (docs/asof.md); "" = none
    unavailable: list[str]   # "TEAM: Player Name" entries out for the days ahead: the page gives the odds
                             # with and without each (src/inference/forecast_roster.py); [] = none
    bracket: str = ""        # a season whose playoffs have not started: its bracket file; "" = none

    @property
    def as_of_date(self) -> pd.Timestamp | None:
        return None if self.as_of is None else pd.Timestamp(self.as_of)

    def __post_init__(self) -> None:
        if self.as_of is not None:
            checked_as_of(self.as_of, "params.yaml: forecast.as_of")
        for key in ("playoff_results", "bracket"):
            value = getattr(self, key)
            if value and not Path(value).as_posix().startswith(f"{USER_FILES}/"):
                raise ConfigError(f"params.yaml: forecast.{key} must name a file under {USER_FILES}/ "
                                  f"(the forecast stage depends on that folder, so `dvc repro` sees a "
                                  f"game appended), got {value!r}; outside the pipeline use "
                                  f"`python -m stages.forecast --{key.replace('playoff_', '')} PATH`")
        if self.top_players < 1:
            raise ConfigError(f"params.yaml: forecast.top_players must be >= 1, got {self.top_players}")
        if self.schedules < 1:
            raise ConfigError(f"params.yaml: forecast.schedules must be >= 1, got {self.schedules}")


def checked_as_of(value: object, origin: str) -> str:
    """`value` as YYYY-MM-DD, or a ConfigError naming `origin` (the params key or --as-of)."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        raise ConfigError(f"{origin} must be a quoted date string: YAML read the unquoted {value} as "
                          f"a date; write it quoted, as_of: '{value}'")
    try:
        day = datetime.datetime.strptime(value, "%Y-%m-%d") if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise ConfigError(f"{origin} must be a date like 2024-05-15" +
                          (" or null" if origin.startswith("params") else "") + f", got {value!r}")
    if not FIRST_PLAYOFFS <= day.year <= LAST_YEAR:
        raise ConfigError(f"{origin} {value}: no NBA playoffs are played then (an as-of date lies in "
                          f"a season's playoffs, {FIRST_PLAYOFFS}-{LAST_YEAR})")
    return value


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
    roster: Any = None       # src/inference/forecast_roster.RosterWhatIf: who is missing, odds without him


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
                        f"{artifacts.PREDICTIONS.path}). To replay it: python -m stages.forecast "
                        f"--season {season} --allow-known [--as-of YYYY-MM-DD], or make forecast "
                        f"SEASON={season} AS_OF=YYYY-MM-DD (make passes --allow-known with AS_OF)")
    if season < seasons.first_train:
        raise DataError(f"season {season} is before seasons.first_train={seasons.first_train}: "
                        "no level-1 history to compare it with")
    return SeasonStatus(season=season, in_progress=bool(rows["made_playoffs"].isna().any()),
                        games_min=int(rows["g"].min()), games_max=int(rows["g"].max()),
                        outcome_known=known, models_saw_season=season <= seasons.last_test)


def history_rows(history: pd.DataFrame, season: int, last_test: int) -> pd.DataFrame:
    """Out-of-sample ensemble rows of scores.parquet, seasons <= last_test other than the
    forecast season itself: what the season's strengths are set beside."""
    if ENSEMBLE not in history.columns:
        raise DataError(f"{SCORES_FILE}: missing column {ENSEMBLE} (run `dvc repro stack`)")
    rows = history[(history["season"] <= last_test) & (history["season"] != season)][[*KEY, ENSEMBLE]]
    if rows.empty:
        raise DataError(f"{SCORES_FILE}: no rows of seasons <= {last_test} beside season {season}")
    return rows


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


def top_players(attention: pd.DataFrame, season: int, k: int) -> pd.DataFrame:
    """team, player_1..k, contribution_1..k (points above a replacement-level player),
    attention_1..k, value_1..k (points per 100), minutes_share_1..k, mp_1..k (season total),
    team_mp_1..k (for this team), value_season_1..k, value_history_1..k (the parts of value,
    src/inference/forecast_players.py) where the table has them: the k largest
    contributions (Model A's own contribution for a table without player values, by
    attention for a table without either)."""
    if attention.get("contribution_above_replacement", pd.Series(dtype=float)).notna().any():
        attention = attention.drop(columns=["contribution", "value"], errors="ignore").rename(
            columns={"contribution_above_replacement": "contribution", "player_value": "value"})
    by = "contribution" if "contribution" in attention.columns else "attention"
    names = [c for c in ("player", "contribution", "attention", "value", "minutes_share", "mp",
                         "team_mp", "value_season", "value_history") if c in attention.columns]
    rows = attention[attention["season"] == season].sort_values(
        ["team", by, "minutes_share"], ascending=[True, False, False], kind="mergesort")
    rows = rows.assign(rank=rows.groupby("team").cumcount() + 1)
    rows = rows[rows["rank"] <= k]
    wide = rows.pivot(index="team", columns="rank", values=names)
    wide.columns = [f"{name}_{rank}" for name, rank in wide.columns]
    order = [f"{name}_{r}" for r in range(1, k + 1) for name in names]
    return wide.reindex(columns=order).reset_index()


@dataclass
class ForecastInputs:
    """Everything a forecast reads: the data, the forecast season's level-1 scores and the
    saved fits (nothing is fitted from them)."""
    teams: pd.DataFrame                  # team_seasons.parquet
    series: pd.DataFrame | None          # playoff_series.parquet
    history: pd.DataFrame                # scores.parquet: out-of-sample rows of past seasons
    level1: pd.DataFrame                 # season, team, score_<name> of the forecast season
    attention: pd.DataFrame              # src/models/model_a/predict.attention_table rows of the season
    stacker: FittedStacker               # models/stacker.json (stage stack)
    odds_fits: OddsFits                  # models/odds_fits.json (stage evaluate)
    games: pd.DataFrame | None = None    # playoff games (src/data/playoff_games.GAME_COLUMNS), if any
    games_source: str = ""
    given_bracket: dict[str, list[str]] | None = None   # each conference's seed order from a bracket
                                                        # file (src/league/real_bracket.py)
    box: pd.DataFrame | None = None      # playoff_box_scores.parquet: the players' playoff record
    shares: pd.DataFrame | None = None   # src/odds/playoff_record.roster_shares of player_seasons
    players: pd.DataFrame | None = None  # player_seasons.parquet: availability's model (reading `expected`)


def build_forecast(inputs: ForecastInputs, status: SeasonStatus, seasons: SeasonsConfig,
                   sim: SimulationConfig, cfg: ForecastConfig) -> Forecast:
    """The forecast of status.season from `inputs`: the saved stacker and odds fits applied to
    its level-1 scores (a past season replayed: its walk-forward ensemble strengths)."""
    season, stacker, teams, series = status.season, inputs.stacker, inputs.teams, inputs.series
    past = history_rows(inputs.history, season, seasons.last_test)
    now = check_level1(inputs.level1, teams, season, stacker.columns)
    in_points = stacker.objective == "series"
    replay = replay_scores(inputs.history, season) if status.outcome_known else None
    if replay is not None:
        now[ENSEMBLE] = now["team"].map(replay).to_numpy(float)
        stack_fit = {"replay": True, "rows": int(len(replay)), "seasons": [seasons.first_train, season - 1]}
    else:
        now[ENSEMBLE], stack_fit = stacker.predict(now), stacker.report
    fit = inputs.odds_fits.for_season(season)
    srs = teams[[*KEY, "srs"]]
    frame = pd.concat([past[[*KEY, ENSEMBLE]], now[[*KEY, ENSEMBLE]]], ignore_index=True)
    frame = frame.merge(srs, on=KEY, how="left", validate="one_to_one")
    season_games = None if inputs.games is None else inputs.games[inputs.games["season"] == season]
    odds, notes = _season_odds(teams, series, frame, status, sim, cfg, fit, in_points, replay is not None,
                               season_games, inputs.given_bracket, inputs.games_source)
    points = strength_points(frame, season, odds.fit["slope"], in_points)
    table = _ranked(teams[teams["season"] == season], now, points).merge(
        odds.table, on="team", how="left", validate="one_to_one")
    table = table.merge(top_players(inputs.attention, season, cfg.top_players), on="team", how="left")
    playoffs = None
    if odds.bracket is not None and season_games is not None and not season_games.empty and "playoff_update" in fit:
        setting = OddsFits.setting(fit)
        playoffs = playoffs_as_of(odds.bracket, points, season_games, inputs.games_source, cfg.as_of_date,
                                  setting, game_model(sim), sim.n_sims, sim.seed, _morning_term(inputs, fit, season),
                                  float(fit.get("title_damping", 1.0)))
        table = _with_playoff_odds(table, playoffs, odds.bracket)
    temperature = (f", title-odds temperature {odds.fit['temperature']:.2f}"
                   if "temperature" in odds.fit else "")
    log.info("forecast %d: stacker on %d rows, points slope %.2f%s, odds from %s", season,
             stack_fit["rows"], odds.fit["slope"], temperature, odds.source)
    return Forecast(status, table.sort_values("rank", kind="mergesort").reset_index(drop=True),
                    odds.bracket, {"stacker": stack_fit, "odds": odds.fit, "bracket_source": odds.source,
                                   "bracket_notes": notes}, playoffs)


def _morning_term(inputs: ForecastInputs, fit: dict, season: int) -> MorningTerms | None:
    """What the forecast adds to the updated strengths each morning: the product's game variant the
    evaluate stage chose for the season (fit `game_variant`, src/evaluation/game_variant.py): the
    players' playoff record and/or the players missing from each team's last game. A fits file
    without that choice applies the record where it saved one (its earlier behaviour)."""
    variant = fit.get("game_variant", {}).get("variant")
    terms: list = []
    if variant is None or "record" in variant:
        record = _record_term(inputs, fit, season)
        terms += [] if record is None else [record]
    if variant is not None and variant.endswith("_avail") and inputs.box is not None and inputs.games is not None:
        roster = forecast_roster(inputs.attention, season)
        terms.append(AvailabilityTerm.of(season, inputs.box, inputs.games, roster, inputs.players,
                                         fit["game_variant"]["availability"]))
    if variant is not None:
        log.info("forecast %d: game variant %s (chosen on earlier seasons' games)", season, variant)
    return MorningTerms(tuple(terms)) if terms else None


def _record_term(inputs: ForecastInputs, fit: dict, season: int) -> RecordTerm | None:
    """The players' playoff record term the evaluate stage chose for the season (None without a
    saved choice or box scores)."""
    if "playoff_record" not in fit or inputs.box is None or inputs.shares is None or inputs.games is None:
        return None
    return RecordTerm.of(season, inputs.box, inputs.games, inputs.shares, fit["playoff_record"])


def _season_odds(teams: pd.DataFrame, series: pd.DataFrame | None, frame: pd.DataFrame,
                 status: SeasonStatus, sim: SimulationConfig, cfg: ForecastConfig, fit: dict,
                 in_points: bool, replay: bool, season_games: pd.DataFrame | None, given: dict[str, list[str]] | None,
                 source: str) -> tuple[SeasonOdds, list[str]]:
    """The season's odds and bracket notes: a bracket file before the play-in keeps its seeds and
    simulates the play-in; a season in progress without a real bracket is simulated to its end;
    otherwise the real field's bracket (a results or bracket file's where given) is played."""
    season = status.season
    if play_in_pending(given):
        if season_games is not None and not season_games.empty:
            raise DataError(f"season {season}: the bracket file lists seeds 9-10 (the play-in still to "
                            f"be played) but {source} has playoff games; give seeds 1-8 after the play-in")
        return simulated_season_odds(teams, frame, season, sim, cfg.schedules, fit, in_points,
                                     given=given), []
    real, notes = real_bracket(teams, series, season, season_games, given, source)
    if status.in_progress and real is None:
        return simulated_season_odds(teams, frame, season, sim, cfg.schedules, fit, in_points), notes
    return known_field_odds(teams, series, frame, season, sim, fit, in_points, real_bracket=replay,
                            given=real), notes


def real_bracket(teams: pd.DataFrame, series: pd.DataFrame | None, season: int,
                 season_games: pd.DataFrame | None, given: dict[str, list[str]] | None,
                 source: str) -> tuple[Bracket | None, list[str]]:
    """The season's real bracket from a bracket file or its playoff games, with notes on where it
    differs from the product's seeding; None where the series table has the season (its real
    bracket is already the one built) or nothing is given."""
    has_games = season_games is not None and not season_games.empty
    in_table = series is not None and (series["season"] == season).any()
    if in_table or (given is None and not has_games):
        return None, []
    season_teams = teams[teams["season"] == season]
    product = build_bracket(teams, series, season)
    if given is not None:
        real = make_bracket(season, given, season_teams, SOURCE_FILE)
    else:
        real = bracket_from_games(product, season_teams, season_games, source)
    notes = differences(product, real)
    for note in notes:
        log.info("season %d: %s", season, note)
    return real, notes


def replay_scores(history: pd.DataFrame, season: int) -> pd.Series | None:
    """A past season's out-of-sample ensemble strengths (its walk-forward test row in
    scores.parquet, fitted on earlier seasons only), by team; None if it has none."""
    rows = history[(history["season"] == season) & (history["split"] == "test")]
    return None if rows.empty else rows.set_index("team")[ENSEMBLE].astype(float)


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

