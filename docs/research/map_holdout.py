"""Which score -> points map (and whether a temperature) to use, decided WITHOUT test seasons.

Leave-one-season-out over the seasons before `seasons.first_test` (their scores are the
stacking OOF scores): for each held-out season h, fit the srs map and the series map on the
other pre-test seasons, then score season h on
* series_ll: log-likelihood of h's playoff series under the simulator (higher is better),
* title_ll: -log p(champion) from the exact bracket probabilities (lower is better), raw and
  tempered by a T fitted on the other seasons (suffix _T).
A research tool, not a stage. Run: `python docs/research/map_holdout.py` (reads the ingest and
stack outputs).
"""
from __future__ import annotations

import logging
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from src.odds.config import CALIBRATION_TARGETS, SimulationConfig, game_model
from src.league.monte_carlo import exact_bracket_probs
from src.odds.strength_calibration import (fit_temperature, log_odds, series_log_likelihood,
                                                standardise_by_season, temper)
from src.odds.title_odds import SeasonInputs, fit_score_map, series_with_z

log = logging.getLogger(__name__)


def _title_probs(rows: pd.DataFrame, slope: float, inputs: SeasonInputs, season: int,
                 sim: SimulationConfig) -> np.ndarray:
    bracket = inputs.brackets[season]
    points = pd.Series(slope * rows["z"].to_numpy(), index=rows["team"].to_numpy())
    return exact_bracket_probs(points.loc[list(bracket.teams)].to_numpy(), bracket.home_priority,
                               game_model(sim), bracket.first_round_best_of)[:, -1]


def _held_out_scores(train: pd.DataFrame, held: pd.DataFrame, score_col: str, season: int,
                     inputs: SeasonInputs, sim: SimulationConfig, target: str) -> dict[str, float]:
    cfg = replace(sim, calibrate_to=target)
    slope = fit_score_map(train, score_col, inputs, cfg).slope
    out = {f"slope_{target}": slope}
    if season in inputs.series:
        z = series_with_z(held, inputs)
        out[f"series_ll_{target}"] = series_log_likelihood(
            slope, (z["z_winner"] - z["z_loser"]).to_numpy(), z["best_of"].to_numpy(int),
            z["winner_home"].to_numpy(bool), game_model(cfg))
    champion = inputs.brackets[season].teams.index(inputs.champions[season])
    p = _title_probs(held, slope, inputs, season, cfg)
    others = sorted(train["season"].unique())
    temperature = fit_temperature(
        [log_odds(_title_probs(train[train["season"] == s], slope, inputs, s, cfg)) for s in others],
        [inputs.brackets[s].teams.index(inputs.champions[s]) for s in others], cfg.temperature_bounds)
    out.update({f"T_{target}": temperature, f"title_ll_{target}": -np.log(p[champion]),
                f"title_ll_{target}_T": -np.log(temper(p, temperature)[champion])})
    return out


def holdout_table(frame: pd.DataFrame, score_col: str, inputs: SeasonInputs,
                  sim: SimulationConfig) -> pd.DataFrame:
    """One row per held-out season of `frame` (season, team, srs, score_col; pre-test seasons only)."""
    rows = frame.dropna(subset=[score_col]).copy()
    rows["z"] = standardise_by_season(rows[score_col], rows["season"], score_col)
    table = []
    for season in sorted(int(s) for s in rows["season"].unique() if s in inputs.champions):
        train, held = rows[rows["season"] != season], rows[rows["season"] == season]
        result = {"season": season}
        for target in CALIBRATION_TARGETS:
            result.update(_held_out_scores(train, held, score_col, season, inputs, sim, target))
        table.append(result)
    return pd.DataFrame(table)


def main() -> None:
    from src.config import load_params, seasons_config
    from src.evaluation.evaluate import MODEL_COLUMNS
    from src.odds.season_inputs import season_inputs
    from src.odds.config import simulation_config

    logging.basicConfig(level=logging.WARNING)
    params = load_params("params.yaml")
    sim, first_test = simulation_config(params), seasons_config(params).first_test
    teams = pd.read_parquet("data/interim/team_seasons.parquet")
    scores = pd.read_parquet("data/processed/scores.parquet")
    frame = teams.merge(scores[scores["season"] < first_test], on=["season", "team"])
    inputs = season_inputs(teams, pd.read_parquet("data/interim/playoff_series.parquet"),
                           sorted(frame["season"].unique()))
    for name, col in {"srs_itself": "srs", **MODEL_COLUMNS}.items():
        if col in frame.columns:
            table = holdout_table(frame, col, inputs, sim)
            print(f"== {name}: mean over held-out seasons {table['season'].min()}-{table['season'].max()}")
            print(table.drop(columns="season").mean().round(3).to_string())


if __name__ == "__main__":
    main()
