"""What the research scripts on the playoff update share: the pipeline's series yardstick of the
stacked scores (data/processed/scores.parquet) and the test seasons' playoff games in day order."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from src import artifacts  # noqa: E402
from src.config import data_config, seasons_config  # noqa: E402
from src.data.playoff_games import playoff_games  # noqa: E402
from src.evaluation.config import EvaluationConfig, evaluation_config  # noqa: E402
from src.evaluation.evaluate import model_columns  # noqa: E402
from src.evaluation.series import (BootstrapSettings, SeriesEvaluation,  # noqa: E402
                                   SeriesYardstickInputs, evaluate_series)
from src.models.registry import ENSEMBLE_NAME  # noqa: E402
from src.odds.config import SimulationConfig, simulation_config  # noqa: E402
from src.odds.season_inputs import season_inputs  # noqa: E402
from src.odds.title_odds import SeasonInputs  # noqa: E402
from src.utils.io import read_input  # noqa: E402


@dataclass
class YardstickData:
    series: SeriesEvaluation         # the series yardstick (points per model, usable series)
    played: pd.DataFrame             # the test seasons' playoff games, by season, date, game_id
    table: SeasonInputs
    sim: SimulationConfig
    cfg: EvaluationConfig


def yardstick_data(params: dict) -> YardstickData:
    teams = read_input(artifacts.TEAM_SEASONS.path, "ingest")
    data, cfg = data_config(params), evaluation_config(params)
    games = playoff_games(data.resolved_raw_dir(), teams, data.first_season)
    series = read_input(artifacts.PLAYOFF_SERIES.path, "ingest")
    seasons, sim = seasons_config(params), simulation_config(params)
    scores = pd.read_parquet(artifacts.SCORES.path)
    models = model_columns(scores)
    frame = teams.merge(scores[["season", "team", *models.values()]], on=["season", "team"], how="left")
    table = season_inputs(teams, series, sorted(frame["season"].unique()))
    se = evaluate_series(SeriesYardstickInputs(
        frame, table.table, games, models, frozenset({ENSEMBLE_NAME}), seasons.test_seasons, table, sim,
        BootstrapSettings(cfg.n_bootstrap, cfg.bootstrap_seed, cfg.interval)))
    played = games[games["season"].isin(seasons.test_seasons)]
    played = played.sort_values(["season", "date", "game_id"], kind="stable").reset_index(drop=True)
    return YardstickData(se, played, table, sim, cfg)
