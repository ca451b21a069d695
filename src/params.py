"""The root of params.yaml: one `Params` composing every section's typed dataclass.

`parse_params` reads every section (each rejects unknown keys, wrong types and
out-of-range values, naming the key path) and refuses an unknown top-level key. The
`validate_params` stage runs it before any other stage (every stage depends on its output),
so a bad value stops `dvc repro` / `dvc exp run` before DVC removes any stage's outputs.
A stage run by hand reads its own sections, which are just as strict.

A new params.yaml section: add its typed dataclass and one line to SECTIONS below.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from src.config import (PARAMS_FILE, DataConfig, SeasonsConfig, data_config, load_params,
                        seasons_config)
from src.errors import ConfigError
from src.evaluation.config import EvaluationConfig, evaluation_config
from src.explain.config import ExplainConfig, explain_config
from src.features.config import TeamFeatureConfig, team_feature_config
from src.features.player_features import FEATURE_NAMES
from src.odds.config import SimulationConfig, simulation_config
from src.inference.forecast import ForecastConfig, forecast_config
from src.odds.playoff_update import PlayoffUpdateConfig, playoff_update_config
from src.odds.playoff_record import PlayoffRecordConfig, playoff_record_config
from src.data import schema
from src.models.model_a.config import (ModelAConfig, ModelASelectionConfig, ModelATrainingConfig,
                                       model_a_configs, model_a_selection_config, with_choice)
from src.features.config import RosterConfig, roster_config
from src.report.config import ReportConfig, report_config
from src.utils.resource_bounds import check_resources
from src.models.model_b.config import ModelBConfig, model_b_config
from src.models.stacker.config import StackingConfig, stacking_config


@dataclass(frozen=True)
class Params:
    data: DataConfig
    seasons: SeasonsConfig
    features: TeamFeatureConfig
    roster: RosterConfig                    # features.roster
    model_a: ModelAConfig                   # model_a: architecture keys
    model_a_training: ModelATrainingConfig  # model_a: training keys
    model_a_selection: ModelASelectionConfig
    model_b: ModelBConfig
    stacking: StackingConfig
    simulation: SimulationConfig
    playoff_update: PlayoffUpdateConfig
    playoff_record: PlayoffRecordConfig
    evaluation: EvaluationConfig
    explain: ExplainConfig
    report: ReportConfig
    forecast: ForecastConfig


def _model_a(params: dict[str, Any]) -> dict[str, Any]:
    arch, train = model_a_configs(params.get("model_a"))
    return {"model_a": arch, "model_a_training": train}


# top-level key of params.yaml -> reader of that section into Params fields
SECTIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "data": lambda p: {"data": data_config(p)},
    "seasons": lambda p: {"seasons": seasons_config(p)},
    "features": lambda p: {"features": team_feature_config(p), "roster": roster_config(p)},
    "model_a": _model_a,
    "model_a_selection": lambda p: {"model_a_selection": model_a_selection_config(p)},
    "model_b": lambda p: {"model_b": model_b_config(p)},
    "stacking": lambda p: {"stacking": stacking_config(p)},
    "simulation": lambda p: {"simulation": simulation_config(p)},
    "playoff_update": lambda p: {"playoff_update": playoff_update_config(p)},
    "playoff_record": lambda p: {"playoff_record": playoff_record_config(p)},
    "evaluation": lambda p: {"evaluation": evaluation_config(p)},
    "explain": lambda p: {"explain": explain_config(p)},
    "report": lambda p: {"report": report_config(p)},
    "forecast": lambda p: {"forecast": forecast_config(p)},
}


def parse_params(params: dict[str, Any]) -> Params:
    """Every section typed and checked; the first problem raises ConfigError naming its key."""
    unknown = sorted(set(params) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"params.yaml: unknown top-level key(s): {', '.join(map(str, unknown))} "
                          f"(known: {', '.join(SECTIONS)}; a new section is added in src/params.py)")
    fields: dict[str, Any] = {}
    for read in SECTIONS.values():
        fields.update(read(params))
    _check_across_sections(fields["seasons"], fields["data"], fields["model_a_training"])
    _check_grids(fields)
    check_resources(fields)
    _check_seasons_in_data(fields["data"], fields["seasons"], fields["forecast"])
    return Params(**fields)


def _check_grids(fields: dict[str, Any]) -> None:
    """Each candidate of model_a_selection.grid and model_a.select_grid is checked as the
    key it sets (`epochs: [-5, 60]` fails like `model_a.epochs: -5`), here rather than in
    train_a after DVC removed its outputs."""
    arch, train, roster = fields["model_a"], fields["model_a_training"], fields["roster"]
    roster_keys = {f.name for f in dataclasses.fields(RosterConfig)}
    grids = (("model_a_selection.grid", fields["model_a_selection"].grid),
             ("model_a.select_grid", train.select_grid))
    for where, grid in grids:
        for key, candidates in grid.items():
            for value in candidates:
                try:
                    if key in roster_keys:
                        dataclasses.replace(roster, **{key: value})
                    else:
                        with_choice(arch, train, {key: value})
                except ConfigError as exc:
                    raise ConfigError(f"params.yaml: {where}.{key}: candidate {value!r} is not a "
                                      f"valid value of the key it sets ({exc})") from None


def data_seasons(data: DataConfig) -> tuple[int, int]:
    """(first season of the player tables, last season of the team table) the data can
    serve: the pinned files' (schema.PINNED_SEASONS), widened by the files in data.raw_dir
    when they are there (a newer upstream file, a synthetic league)."""
    first, last = schema.PINNED_SEASONS
    raw_dir = data.resolved_raw_dir()
    try:
        first = min(first, int(pd.read_csv(raw_dir / schema.PLAYER_PBP.name,
                                           usecols=["season"])["season"].min()))
        last = max(last, int(pd.read_csv(raw_dir / schema.TEAM_SUMMARIES.name, usecols=["season"],
                                         encoding=schema.TEAM_SUMMARIES.encoding)["season"].max()))
    except (OSError, ValueError, KeyError):
        pass                      # not downloaded yet, or unreadable: ingest says why
    return first, last


def _check_seasons_in_data(data: DataConfig, seasons: SeasonsConfig,
                           forecast: ForecastConfig) -> None:
    first, last = data_seasons(data)
    for key, value, low, high in (
            ("data.first_season", data.first_season, first, last),
            ("seasons.last_test", seasons.last_test, first, last),
            ("forecast.season", forecast.season, seasons.first_test, last)):
        if not low <= value <= high:
            raise ConfigError(f"params.yaml: {key} = {value} is outside the seasons the data "
                              f"can serve ({low}..{high}: player tables from {first}, teams to "
                              f"{last} in {data.raw_dir} or the pinned files)")


def _check_across_sections(seasons: SeasonsConfig, data: DataConfig,
                           model_a_training: ModelATrainingConfig) -> None:
    if seasons.first_train < data.first_season:
        raise ConfigError(f"params.yaml: seasons.first_train = {seasons.first_train} is before "
                          f"data.first_season = {data.first_season} (no player tables there)")
    unknown = sorted(set(model_a_training.value_prior) - set(FEATURE_NAMES))
    if unknown:
        raise ConfigError(f"params.yaml: model_a.value_prior: {', '.join(unknown)} not a roster "
                          f"feature (src/features/player_features.py FEATURE_NAMES)")
    if seasons.n_val_seasons >= seasons.first_test - seasons.first_train:
        raise ConfigError(f"params.yaml: seasons.n_val_seasons = {seasons.n_val_seasons} leaves no "
                          f"training season before the first test season {seasons.first_test}")


def read_params(path: str | Path = PARAMS_FILE) -> Params:
    return parse_params(load_params(path))
