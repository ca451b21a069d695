"""params.yaml, read into typed dataclasses.

params.yaml is the only source of defaults: a section class here has no field
defaults, so a key missing from the file is an error, as is an unknown key.
Every section class is a strict pydantic dataclass (`params_section`): no bool from
a string, no int from a float or a string, ranges declared on the fields; each error
names the key path (e.g. `model_b.xgb.subsample`). src/params.py composes them all.
"""
from __future__ import annotations

import datetime

import dataclasses
import functools
import math
import os
from pathlib import Path
from typing import Annotated, Any, Callable, TypeVar

import yaml
from pydantic import (ConfigDict, Field, NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt,
                      ValidationError)
from pydantic.dataclasses import dataclass as pydantic_dataclass

from src.errors import ConfigError

PARAMS_FILE = Path("params.yaml")
T = TypeVar("T")
# allow_inf_nan=False: `.nan` / `.inf` in params.yaml are refused like any out-of-range value
STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)
Fraction = Annotated[float, Field(gt=0.0, le=1.0)]           # a subsample share: > 0
Probability = Annotated[float, Field(ge=0.0, lt=1.0)]        # dropout-like: 1 would drop all
Season = Annotated[int, Field(ge=1947, le=2100)]             # named by the year it ends


def params_section(key: str) -> Callable[[type[T]], type[T]]:
    """Decorator: a frozen, strict pydantic dataclass for params.yaml section `key`.

    Unknown keys, wrong types and out-of-range values raise ConfigError naming
    `key.<field>` and the value found; a ConfigError from `__post_init__` passes as is.
    """
    def wrap(cls: type[T]) -> type[T]:
        built = pydantic_dataclass(cls, frozen=True, config=STRICT)
        validating_init = built.__init__

        @functools.wraps(validating_init)
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            try:
                validating_init(self, *args, **kwargs)
            except ValidationError as exc:
                raise config_error(exc, key) from None

        built.__init__ = __init__
        built.params_key = key
        return built
    return wrap


def config_error(exc: ValidationError, key: str) -> ConfigError:
    """One readable ConfigError for pydantic's errors: key path, rule, value found."""
    messages = []
    for err in exc.errors():
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, ConfigError):
            return cause
        path = ".".join([key, *(str(part) for part in err["loc"])])
        messages.append(f"{path}: {_rule(err)}")
    return ConfigError("params.yaml: " + "; ".join(messages))


def _rule(err: dict[str, Any]) -> str:
    kind, value = err["type"], err.get("input")
    if kind == "unexpected_keyword_argument":
        return "unknown key"
    if kind in {"missing", "missing_argument"}:
        return "missing key"
    hint = ""
    if isinstance(value, str) and kind in _WANTED:
        hint = _string_hint(value, kind)
    elif isinstance(value, float) and kind == "int_type":
        hint = " (a whole number is required)"
    elif isinstance(value, datetime.date):
        hint = f" (YAML reads an unquoted date as a date: write it quoted, '{value}')"
    return f"{err['msg'].replace('Value error, ', '')}, got {value!r}{hint}"


_WANTED = {"bool_type": "true or false", "int_type": "a whole number", "float_type": "a number"}


def _string_hint(value: str, kind: str) -> str:
    """A quoted number or bool ("0.25") gets the quotes hint; anything else (abc) what is wanted."""
    try:
        unquoted = yaml.safe_load(value)
    except yaml.YAMLError:
        unquoted = None
    fits = isinstance(unquoted, bool) if kind == "bool_type" else (
        isinstance(unquoted, (int, float)) and not isinstance(unquoted, bool))
    if fits:
        return " (a quoted string: write the value without quotes)"
    return f" ({_WANTED[kind]} is required)"


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; a params file must not."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise ConfigError(f"line {key_node.start_mark.line + 1}: key '{key}' appears twice "
                                  "in the same section")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_params(path: str | Path = PARAMS_FILE) -> dict[str, Any]:
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: params file not found (run from the repository root)")
    try:
        with path.open() as fh:
            params = yaml.load(fh, Loader=_UniqueKeyLoader) or {}
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ConfigError(f"{path}: {where}not valid YAML ({getattr(exc, 'problem', exc)})") from None
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
    check_finite(values, name)
    return cls(**values)


@params_section("features.player_value")
class PlayerValueConfig:
    """`features.player_value`: a player's value in points per 100 possessions
    (src/features/player_value.py; here, below src/models, so RosterConfig can carry it)."""
    ridge_alpha: NonNegativeFloat      # ridge penalty of the team-season fit (standardised columns)
    box_ridge_alpha: NonNegativeFloat  # ridge penalty of the box -> on-off fit (standardised columns)
    on_court_share: float              # share of the team's on-court margin split among its players
    team_adjust_share: float           # share of the team's margin the evidence leaves unexplained,
                                       # split among its players by minutes
    history_seasons: int               # earlier seasons read into the prior
    history_weight: NonNegativeFloat   # one earlier minute is worth this many of this season's
    newcomer_minutes: NonNegativeFloat # pseudo-minutes at the replacement level in every value
    replacement_level: float           # points per 100 against the league average
    min_fit_seasons: PositiveInt       # earlier seasons a fit needs

    def __post_init__(self) -> None:
        for key in ("on_court_share", "team_adjust_share"):
            if not 0.0 <= getattr(self, key) <= 1.0:
                raise ConfigError(f"params.yaml: features.player_value.{key} must be in "
                                  f"[0, 1], got {getattr(self, key)}")
        if self.history_seasons < 0:
            raise ConfigError("params.yaml: features.player_value.history_seasons must be >= 0, "
                              f"got {self.history_seasons}")


def check_finite(value: Any, key: str) -> None:
    """No NaN or infinity anywhere under `key`, free-form mappings and lists included (a
    typed float field refuses them too: STRICT allow_inf_nan=False)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"params.yaml: {key}: must be a finite number, got {value!r}")
    if isinstance(value, dict):
        for sub_key, sub_value in value.items():
            check_finite(sub_value, f"{key}.{sub_key}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            check_finite(item, key)


@params_section("data")
class DataConfig:
    raw_dir: str
    first_season: Season
    download_retries: NonNegativeInt
    download_timeout_s: PositiveFloat        # one network read may stall this long
    download_deadline_s: PositiveFloat       # a whole file must arrive within this time
    accept_changed_checksums: bool           # true: keep a raw file whose sha256 differs from
                                             # its pin (a newer upstream file), logged; false: error
    min_team_minutes_share: Annotated[float, Field(ge=0.0, le=1.0)]  # a team's player minutes /
                                             # (240 x its games) at least this: else rows are missing
    min_linked_minutes_share: Annotated[float, Field(ge=0.0, le=1.0)]  # playoff box-score minutes
                                             # linked to a Basketball-Reference player at least this

    def resolved_raw_dir(self) -> Path:
        """The folder every stage reads: `data.raw_dir`, relative to the repo root or absolute.

        Deliberately not overridable from the environment: DVC tracks this exact path, so
        reading anything else would make dvc.lock lie about the inputs. NBA_RAW_DIR is only
        where the download stage copies missing or changed files from (`local_source`).
        """
        return Path(self.raw_dir).expanduser()

    @staticmethod
    def local_source() -> Path | None:
        """`NBA_RAW_DIR`: a local copy of the raw files the download stage copies from
        instead of the network (e.g. ../shared/data/nba-bref)."""
        value = os.environ.get("NBA_RAW_DIR")
        return Path(value).expanduser() if value else None


@params_section("seasons")
class SeasonsConfig:
    first_train: Season
    first_test: Season
    last_test: Season
    n_oof_folds: Annotated[int, Field(ge=2)]
    n_val_seasons: PositiveInt               # 0 would silently turn early stopping off

    def __post_init__(self) -> None:
        if not self.first_train < self.first_test <= self.last_test:
            raise ConfigError(
                "params.yaml: seasons must satisfy first_train < first_test <= last_test, got "
                f"{self.first_train}, {self.first_test}, {self.last_test}")
        if self.n_oof_folds < 2:
            raise ConfigError(f"params.yaml: seasons.n_oof_folds must be >= 2, got {self.n_oof_folds}")

    @property
    def known_seasons(self) -> list[int]:
        """first_train..last_test: every season with outcomes the models may train on (the one
        place this range is written)."""
        return list(range(self.first_train, self.last_test + 1))

    @property
    def next_season(self) -> int:
        """last_test + 1: the first season whose outcomes no split holds (the final fits' season)."""
        return self.last_test + 1

    @property
    def known_and_next_seasons(self) -> list[int]:
        """known_seasons and next_season: every season a final model scores (explain's player
        values)."""
        return [*self.known_seasons, self.next_season]

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
