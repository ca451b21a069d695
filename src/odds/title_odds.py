"""Walk-forward title odds for one score column: `championship_odds_method` picks the path.

Score -> points: a slope fitted on seasons < t, against SRS or by maximum likelihood of the
earlier seasons' playoff series (`calibrate_to`, src/odds/strength_calibration.py).
* monte_carlo: score -> points -> bracket simulation ->
  P(win >= r series); with `temperature: true` the title column is tempered by a T fitted on
  seasons < t (rounds 1-3 and p_round4 stay the raw simulation; p_champion is the tempered one).
* softmax: p_champion = softmax(points / tau) over the 16 playoff teams, tau fitted on
  seasons < t; no bracket, so p_round1..3 are NaN and p_round4 = p_champion.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm import tqdm

from src.errors import DataError
from src.utils.logging import progress_disabled
from src.league.bracket import Bracket
from src.odds.config import SimulationConfig, game_model
from src.league.monte_carlo import N_ROUNDS, simulate_bracket
from src.league.sites import at_site
from src.odds.strength_calibration import (PointsMap, fit_points_map, fit_series_map,
                                                fit_temperature, log_odds, softmax_odds,
                                                standardise_by_season, temper)

log = logging.getLogger(__name__)

ROUND_COLUMNS = [f"p_round{r}" for r in range(1, N_ROUNDS + 1)]
ODDS_COLUMNS = [*ROUND_COLUMNS, "p_champion"]


@dataclass
class SeasonInputs:
    """What title odds need from the data, per season: bracket and (when known) champion and
    series results (src/league/series.py columns; only for calibrate_to: series)."""
    brackets: dict[int, Bracket]
    champions: dict[int, str] = field(default_factory=dict)
    series: dict[int, pd.DataFrame] = field(default_factory=dict)
    table: pd.DataFrame | None = None     # src/evaluation/series_table.py COLUMNS, all seasons


def simulate_points(bracket: Bracket, points: pd.Series, cfg: SimulationConfig) -> np.ndarray:
    """(16, 4) round probabilities for `bracket` with strengths `points` (indexed by team)."""
    missing = [t for t in bracket.teams if t not in points.index or pd.isna(points.get(t))]
    if missing:
        raise DataError(f"season {bracket.season}: no strength for playoff team(s) {', '.join(missing)}")
    strength = points.loc[list(bracket.teams)].to_numpy(dtype=float)
    return simulate_bracket(strength, bracket.home_priority, at_site(game_model(cfg), bracket.season),
                            cfg.n_sims, cfg.seed, bracket.first_round_best_of)


def odds_frame(bracket: Bracket, rounds: np.ndarray, p_champion: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame(rounds, columns=ROUND_COLUMNS)
    out.insert(0, "team", list(bracket.teams))
    out.insert(0, "season", bracket.season)
    out["p_champion"] = p_champion
    return out


def fixed_points_odds(frame: pd.DataFrame, points_col: str, seasons: list[int],
                      inputs: SeasonInputs, cfg: SimulationConfig) -> pd.DataFrame:
    """Monte Carlo odds with a column already on the points scale (SRS baseline): no fit at all."""
    parts = []
    for t in seasons:
        points = frame[frame["season"] == t].set_index("team")[points_col]
        rounds = simulate_points(inputs.brackets[t], points, cfg)
        parts.append(odds_frame(inputs.brackets[t], rounds, rounds[:, -1]))
    return pd.concat(parts, ignore_index=True)


def walk_forward_odds(frame: pd.DataFrame, score_col: str, seasons: list[int],
                      inputs: SeasonInputs, cfg: SimulationConfig) -> tuple[pd.DataFrame, list[dict]]:
    """Title odds of `score_col` for each test season, every fit on seasons < t only.

    `frame`: season, team, srs, score_col for the test seasons and every earlier season
    with out-of-sample scores. Returns the odds and, per season, what was fitted.
    """
    rows = scored_rows(frame, score_col)
    parts, fits = [], []
    for t in tqdm(seasons, desc=f"title odds {score_col}", leave=False, disable=progress_disabled()):
        fit = fit_season_odds(rows, score_col, t, inputs, cfg)
        fits.append(fit)
        parts.append(season_odds(rows, fit, inputs.brackets[t], cfg))
    return pd.concat(parts, ignore_index=True), fits


def scored_rows(frame: pd.DataFrame, score_col: str) -> pd.DataFrame:
    """The rows with a score, and z: the score standardised within each season."""
    rows = frame.dropna(subset=[score_col]).copy()
    rows["z"] = standardise_by_season(rows[score_col], rows["season"], score_col)
    return rows


def fit_season_odds(rows: pd.DataFrame, score_col: str, season: int, inputs: SeasonInputs,
                    cfg: SimulationConfig) -> dict:
    """What the title odds of `season` need, fitted on the rows (scored_rows) of earlier seasons
    only: the score -> points slope and, with softmax, tau, or with `temperature`, T."""
    earlier = rows[rows["season"] < season]
    pmap = fit_score_map(earlier, score_col, inputs, cfg)
    earlier_seasons = sorted(s for s in earlier["season"].unique()
                             if s in inputs.brackets and s in inputs.champions)
    fit = {"season": season, "slope": pmap.slope, "n_map_rows": pmap.n_rows}
    if cfg.championship_odds_method == "softmax" or cfg.temperature:
        points = _points_by_season(earlier, pmap)
        if cfg.championship_odds_method == "softmax":
            weights = [points[s].loc[list(inputs.brackets[s].teams)].to_numpy() for s in earlier_seasons]
            fit["tau"] = fit_temperature(weights, _champion_slots(inputs, earlier_seasons), cfg.temperature_bounds)
        else:
            weights = [log_odds(simulate_points(inputs.brackets[s], points[s], cfg)[:, -1])
                       for s in earlier_seasons]
            fit["temperature"] = fit_temperature(weights, _champion_slots(inputs, earlier_seasons),
                                                 cfg.temperature_bounds)
    fit["n_fit_seasons"] = len(earlier_seasons)
    return fit


def season_odds(rows: pd.DataFrame, fit: dict, bracket: Bracket, cfg: SimulationConfig) -> pd.DataFrame:
    """Round and title odds of bracket.season with a fit of fit_season_odds (fitted here or
    read back from the evaluate stage's models/odds_fits.json)."""
    now = rows[rows["season"] == bracket.season]
    points = pd.Series(PointsMap(fit["slope"], 0, 0).points(now["z"].to_numpy()), index=now["team"].to_numpy())
    if cfg.championship_odds_method == "softmax":
        p = softmax_odds(points.loc[list(bracket.teams)].to_numpy(), fit["tau"])
        rounds = np.full((len(p), N_ROUNDS), np.nan)
        rounds[:, -1] = p
    else:
        rounds = simulate_points(bracket, points, cfg)
        p = temper(rounds[:, -1], fit["temperature"]) if cfg.temperature else rounds[:, -1]
    return odds_frame(bracket, rounds, p)


def fit_score_map(earlier: pd.DataFrame, score_col: str, inputs: SeasonInputs,
                  cfg: SimulationConfig) -> PointsMap:
    """The score -> points map of `cfg.calibrate_to`, fitted on `earlier` (season, team, srs,
    score_col, z): the caller passes only seasons before the one the map is applied to."""
    if cfg.calibrate_to == "srs":
        return fit_points_map(earlier, score_col)
    return fit_series_map(series_with_z(earlier, inputs), game_model(cfg), cfg.temperature_bounds)


def series_with_z(earlier: pd.DataFrame, inputs: SeasonInputs) -> pd.DataFrame:
    """Series of the seasons in `earlier` that have results, with each side's z-score."""
    seasons = sorted(int(s) for s in earlier["season"].unique() if int(s) in inputs.series)
    if not seasons:
        return pd.DataFrame(columns=["season", "z_winner", "z_loser", "best_of", "winner_home"])
    series = pd.concat([inputs.series[s] for s in seasons], ignore_index=True)
    # a lookup by (season, team), not a merge per side: the same values (NaN where the team has
    # no score), ~20x faster over the ~340 calls of a walk-forward evaluation
    key = pd.MultiIndex.from_arrays([earlier["season"].to_numpy(), earlier["team"].to_numpy()])
    if key.has_duplicates:
        season, team = key[key.duplicated()][0]
        raise DataError(f"season {season}, team {team}: more than one score row (series_with_z needs one per team)")
    z = pd.Series(earlier["z"].to_numpy(), index=key)
    for side in ("winner", "loser"):
        at = pd.MultiIndex.from_arrays([series["season"].to_numpy(), series[side].to_numpy()])
        series[f"z_{side}"] = z.reindex(at).to_numpy()
    return series


def _points_by_season(rows: pd.DataFrame, pmap) -> dict[int, pd.Series]:
    return {int(s): pd.Series(pmap.points(g["z"].to_numpy()), index=g["team"].to_numpy())
            for s, g in rows.groupby("season")}


def _champion_slots(inputs: SeasonInputs, seasons: list[int]) -> list[int]:
    slots = []
    for s in seasons:
        teams = inputs.brackets[s].teams
        champion = inputs.champions[s]
        if champion not in teams:
            raise DataError(f"season {s}: champion {champion} is not one of the bracket's 16 teams")
        slots.append(teams.index(champion))
    return slots
