"""params.yaml, read into typed dataclasses.

params.yaml is the only source of defaults: a section class here has no field
defaults, so a key missing from the file is an error, as is an unknown key.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, TypeVar

import yaml

from src.errors import ConfigError

PARAMS_FILE = Path("params.yaml")
T = TypeVar("T")


def load_params(path: str | Path = PARAMS_FILE) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: params file not found (run from the repository root)")
    with path.open() as fh:
        params = yaml.safe_load(fh) or {}
    if not isinstance(params, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return params


def section(cls: type[T], values: dict[str, Any] | None, name: str) -> T:
    """Build dataclass `cls` from `values`, naming `name` in every error."""
    if not isinstance(values, dict):
        raise ConfigError(f"params.yaml: section '{name}' is missing or not a mapping")
    fields = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(values) - fields)
    if unknown:
        raise ConfigError(f"params.yaml: unknown key(s) in '{name}': {', '.join(unknown)}")
    required = {f.name for f in dataclasses.fields(cls)
                if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    missing = sorted(required - set(values))
    if missing:
        raise ConfigError(f"params.yaml: missing key(s) in '{name}': {', '.join(missing)}")
    return cls(**values)


@dataclasses.dataclass(frozen=True)
class DataConfig:
    raw_dir: str
    first_season: int
    download_retries: int
    download_timeout_s: float

    def resolved_raw_dir(self) -> Path:
        """The folder every stage reads: `data.raw_dir`, relative to the repo root or absolute.

        Deliberately not overridable from the environment: DVC tracks this exact path, so
        reading anything else would make dvc.lock lie about the inputs.
        """
        return Path(self.raw_dir).expanduser()

    @staticmethod
    def local_source() -> Path | None:
        """`NBA_RAW_DIR`: a local copy of the raw files the download stage copies from
        instead of the network (e.g. ../shared/data/nba-bref)."""
        value = os.environ.get("NBA_RAW_DIR")
        return Path(value).expanduser() if value else None


@dataclasses.dataclass(frozen=True)
class SeasonsConfig:
    first_train: int
    first_test: int
    last_test: int
    n_oof_folds: int
    n_val_seasons: int

    def __post_init__(self) -> None:
        if not self.first_train < self.first_test <= self.last_test:
            raise ConfigError(
                "params.yaml: seasons must satisfy first_train < first_test <= last_test, got "
                f"{self.first_train}, {self.first_test}, {self.last_test}")
        if self.n_oof_folds < 2:
            raise ConfigError(f"params.yaml: seasons.n_oof_folds must be >= 2, got {self.n_oof_folds}")

    @property
    def test_seasons(self) -> list[int]:
        return list(range(self.first_test, self.last_test + 1))

    @property
    def oof_seasons(self) -> list[int]:
        """Seasons before the first test season: the out-of-fold window used to fit the stack."""
        return list(range(self.first_train, self.first_test))


def data_config(params: dict[str, Any]) -> DataConfig:
    return section(DataConfig, params.get("data"), "data")


def seasons_config(params: dict[str, Any]) -> SeasonsConfig:
    return section(SeasonsConfig, params.get("seasons"), "seasons")
