"""Model A's params: `ModelAConfig` (the architecture DNA saved in every checkpoint),
`ModelATrainingConfig` (optimiser, early stopping, attention monitoring) and the selection grid
across fits, each from the params mapping its caller read (this module never opens params.yaml).
The `features.roster` block (`RosterConfig`) lives in src/features/config.py.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field, NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt

from src.config import Probability, params_section, section
from src.errors import ConfigError, DataError
# re-exported: Model A's callers read the roster params from here too
from src.features.config import RosterConfig
from src.utils.model_files import load_torch_checkpoint

if TYPE_CHECKING:      # every stage reads params through this module: torch costs ~1 s to import
    import torch

FALLBACK_STRATEGIES = ("minutes", "uniform")
COLLAPSE_ACTIONS = ("log", "stop", "stop_and_restart")
_ENCODER_WEIGHT = re.compile(r"^encoder\.(\d+)\.weight$")
# params.yaml and checkpoints hold a list of widths; the config keeps a tuple (hashable)
Widths = Annotated[tuple[PositiveInt, ...], BeforeValidator(lambda v: tuple(v) if isinstance(v, list) else v)]


def _check(ok: bool, field: str, value: Any, rule: str) -> None:
    if not ok:
        raise ConfigError(f"model_a.{field}: {rule}, got {value!r}")


@params_section("model_a")
class ModelAConfig:
    """Every field that shapes a DeepSetRank / SetAttention. `stat_dim` 0 = set from the data."""
    stat_dim: NonNegativeInt
    num_embeddings: Annotated[int, Field(ge=2)]          # index 0 is padding
    embedding_dim: NonNegativeInt
    encoder_hidden: Widths
    attention_heads: PositiveInt
    dropout: Probability
    minutes_bias_weight: NonNegativeFloat
    minutes_sum_min: Probability
    fallback_strategy: str
    attention_temperature: PositiveFloat
    attention_input_dropout: Probability
    attention_use_pre_norm: bool
    attention_use_residual: bool
    value_hidden: int                 # width of the value head's hidden layer

    def __post_init__(self) -> None:
        object.__setattr__(self, "encoder_hidden", tuple(int(h) for h in self.encoder_hidden))
        _check(self.value_hidden > 0, "value_hidden", self.value_hidden, "must be > 0")
        _check(self.stat_dim >= 0, "stat_dim", self.stat_dim, "must be >= 0 (0 = from the data)")
        _check(self.num_embeddings >= 2, "num_embeddings", self.num_embeddings,
               "must be >= 2 (index 0 is padding)")
        _check(self.embedding_dim >= 0, "embedding_dim", self.embedding_dim, "must be >= 0")
        _check(len(self.encoder_hidden) > 0 and min(self.encoder_hidden) > 0, "encoder_hidden",
               list(self.encoder_hidden), "must be a non-empty list of positive widths")
        _check(self.attention_heads > 0, "attention_heads", self.attention_heads, "must be > 0")
        _check(self.width % self.attention_heads == 0, "attention_heads", self.attention_heads,
               f"must divide the attention width encoder_hidden[-1]={self.width}")
        _check(0.0 <= self.dropout < 1.0, "dropout", self.dropout, "must be in [0, 1)")
        _check(0.0 <= self.attention_input_dropout < 1.0, "attention_input_dropout",
               self.attention_input_dropout, "must be in [0, 1)")
        _check(self.attention_temperature > 0, "attention_temperature",
               self.attention_temperature, "must be > 0")
        _check(self.minutes_bias_weight >= 0, "minutes_bias_weight", self.minutes_bias_weight,
               "must be >= 0")
        _check(0.0 <= self.minutes_sum_min < 1.0, "minutes_sum_min", self.minutes_sum_min,
               "must be in [0, 1)")
        _check(self.fallback_strategy in FALLBACK_STRATEGIES, "fallback_strategy",
               self.fallback_strategy, f"must be one of {FALLBACK_STRATEGIES}")

    @property
    def width(self) -> int:
        """Width of a player's encoding Z, of the attention and of the pooled team vector."""
        return self.encoder_hidden[-1]

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_params(cls, values: dict[str, Any]) -> "ModelAConfig":
        """From a mapping holding exactly the architecture keys (see `model_a_configs`)."""
        return section(cls, values, "model_a")

    def to_dict(self) -> dict[str, Any]:
        """Plain types only, so a checkpoint loads with `torch.load(weights_only=True)`."""
        out = dataclasses.asdict(self)
        out["encoder_hidden"] = list(self.encoder_hidden)
        return out

    @classmethod
    def from_saved(cls, values: Any, source: str) -> "ModelAConfig":
        """A checkpoint's `model_config`; a bad one is a DataError naming the file."""
        if not isinstance(values, dict):
            raise DataError(f"{source}: refused: model_config is not a mapping")
        try:
            return cls(**values)
        except (ConfigError, TypeError) as exc:
            raise DataError(f"{source}: refused: its model_config is not valid ({exc})") from None

    def with_stat_dim(self, stat_dim: int) -> "ModelAConfig":
        return dataclasses.replace(self, stat_dim=int(stat_dim))

    @classmethod
    def from_checkpoint(cls, path: str | Path,
                        defaults: "ModelAConfig | None" = None) -> "ModelAConfig":
        """The checkpoint's `model_config`; for an old checkpoint without one, the shapes in
        `model_state` plus `defaults` (the caller's params `model_a`: never a params.yaml found
        in the working directory) for the rest."""
        ckpt = load_torch_checkpoint(path)
        if "model_config" in ckpt:
            return cls.from_saved(ckpt["model_config"], source=str(path))
        if "model_state" not in ckpt:
            raise ConfigError(f"{path}: checkpoint has neither 'model_config' nor 'model_state'")
        if defaults is None:
            raise ConfigError(f"{path}: an old checkpoint without 'model_config': its shapes need the "
                              "rest of the architecture (params.yaml model_a) to be passed as defaults")
        return infer_from_state(ckpt["model_state"], defaults, source=str(path))


def check_same_architecture(found: ModelAConfig, expected: ModelAConfig, source: str) -> None:
    """Refuse a checkpoint built with another architecture, naming the first differing field
    (stat_dim is skipped when `expected` leaves it to the data, i.e. 0)."""
    mine, theirs = found.to_dict(), expected.to_dict()
    for field in ModelAConfig.field_names():
        if field == "stat_dim" and theirs[field] == 0:
            continue
        if mine[field] != theirs[field]:
            raise ConfigError(f"{source}: model_config.{field} = {mine[field]!r} but params.yaml "
                              f"model_a.{field} = {theirs[field]!r}; retrain (dvc repro train_a)")


def infer_from_state(state: dict[str, torch.Tensor], base: ModelAConfig,
                     source: str = "checkpoint") -> ModelAConfig:
    """Shapes decide embedding size, stat_dim and encoder widths; `base` decides the rest."""
    if "embed.weight" not in state:
        raise ConfigError(f"{source}: model_state has no 'embed.weight'; not a DeepSetRank")
    num_embeddings, embedding_dim = state["embed.weight"].shape
    layers = sorted((int(m.group(1)), tensor) for key, tensor in state.items()
                    if (m := _ENCODER_WEIGHT.match(key)))
    if not layers:
        raise ConfigError(f"{source}: model_state has no encoder layers")
    hidden = [int(w.shape[0]) for _, w in layers]
    stat_dim = int(layers[0][1].shape[1]) - int(embedding_dim)
    return dataclasses.replace(base, stat_dim=stat_dim, num_embeddings=int(num_embeddings),
                               embedding_dim=int(embedding_dim), encoder_hidden=tuple(hidden))


@params_section("model_a")
class ModelATrainingConfig:
    """How Model A is trained and watched (the non-architecture keys of `model_a`)."""
    seed: NonNegativeInt
    num_threads: PositiveInt
    epochs: NonNegativeInt            # 0 = the warm start alone (needs warm_start)
    learning_rate: PositiveFloat
    weight_decay: NonNegativeFloat
    grad_clip: PositiveFloat
    patience: PositiveInt
    min_delta: NonNegativeFloat
    listmle_per_conference: bool
    listmle_weight: float             # auxiliary ListMLE term beside the series likelihood (0 = off)
    listmle_temperature: float        # start of the learned T (points) that term divides by
    restore_best_weights: bool        # early stopping puts the best epoch's weights back
    value_prior: dict                 # roster feature -> weight: the value head starts at
                                      # sum_f weight_f * f / 5 ({} = zeros)
    prior_l2: float                   # penalty on the squared distance of the value head's
                                      # weights from their starting values (L2-SP; 0 = off)
    attention_prior_l2: float         # the same for the encoder and attention weights
    warm_start: bool                  # fit the value head's linear weights on the series before
                                      # the epochs (src/models/model_a/warm_start.py)
    warm_start_l2: NonNegativeFloat   # ridge penalty of that fit on the weights' move off the
                                      # scaled value prior (nats per (points/100 poss)^2)
    select_grid: dict                 # model_a key -> candidate values, chosen per split by the
                                      # series log-loss of its validation seasons ({} = none)
    refit_on_all: bool
    attention_debug: bool
    attention_entropy_min: NonNegativeFloat
    attention_variance_min: NonNegativeFloat
    attention_collapse_patience: PositiveInt
    attention_collapse_action: str
    attention_max_restarts: NonNegativeInt
    # issue 30 item 4 (hook): weight of the playoff-game log-loss (players who played, their
    # minutes in the game: src/models/model_a/game_loss.py) beside the series log-loss; 0 = series only
    playoff_games_weight: NonNegativeFloat = 0.0
    # issue 30 item 3 (hook): raise the minutes shares to the playoff minutes concentration of
    # the fit's training seasons' box scores (src/features/playoff_concentration.py)
    playoff_concentration: bool = False

    def __post_init__(self) -> None:
        _check(self.num_threads > 0, "num_threads", self.num_threads, "must be > 0")
        _check(self.epochs > 0 or self.warm_start, "epochs", self.epochs,
               "must be > 0 unless warm_start is true (0 epochs = the warm start alone)")
        _check(self.learning_rate > 0, "learning_rate", self.learning_rate, "must be > 0")
        _check(self.weight_decay >= 0, "weight_decay", self.weight_decay, "must be >= 0")
        _check(self.grad_clip > 0, "grad_clip", self.grad_clip, "must be > 0")
        _check(self.patience > 0, "patience", self.patience, "must be > 0")
        _check(self.min_delta >= 0, "min_delta", self.min_delta, "must be >= 0")
        _check(self.listmle_weight >= 0, "listmle_weight", self.listmle_weight, "must be >= 0")
        _check(self.prior_l2 >= 0, "prior_l2", self.prior_l2, "must be >= 0")
        _check(isinstance(self.value_prior, dict) and all(
            isinstance(w, (int, float)) for w in self.value_prior.values()), "value_prior",
            self.value_prior, "must map roster features to numeric weights")
        _check(self.attention_prior_l2 >= 0, "attention_prior_l2", self.attention_prior_l2,
               "must be >= 0")
        _check(self.listmle_temperature > 0, "listmle_temperature", self.listmle_temperature,
               "must be > 0")
        _check(isinstance(self.select_grid, dict) and all(
            isinstance(v, list) and v for v in self.select_grid.values()), "select_grid",
            self.select_grid, "must map model_a keys to non-empty lists of candidate values")
        _check(self.attention_collapse_patience > 0, "attention_collapse_patience",
               self.attention_collapse_patience, "must be > 0")
        _check(self.attention_collapse_action in COLLAPSE_ACTIONS, "attention_collapse_action",
               self.attention_collapse_action, f"must be one of {COLLAPSE_ACTIONS}")
        _check(self.attention_max_restarts >= 0, "attention_max_restarts",
               self.attention_max_restarts, "must be >= 0")


def model_a_configs(values: dict[str, Any] | None) -> tuple[ModelAConfig, ModelATrainingConfig]:
    """Split params.yaml `model_a` into architecture and training configs; unknown keys fail."""
    if not isinstance(values, dict):
        raise ConfigError("params.yaml: section 'model_a' is missing or not a mapping")
    arch_keys = set(ModelAConfig.field_names())
    train_keys = {f.name for f in dataclasses.fields(ModelATrainingConfig)}
    unknown = sorted(set(values) - arch_keys - train_keys)
    if unknown:
        raise ConfigError(f"params.yaml: unknown key(s) in 'model_a': {', '.join(unknown)}")
    grid = values.get("select_grid") or {}
    bad = sorted(k for k in grid if k not in arch_keys | train_keys or k == "select_grid") \
        if isinstance(grid, dict) else []
    if bad:
        raise ConfigError(f"params.yaml: model_a.select_grid names unknown key(s): {', '.join(bad)}")
    arch = ModelAConfig.from_params({k: v for k, v in values.items() if k in arch_keys})
    train = section(ModelATrainingConfig,
                    {k: v for k, v in values.items() if k in train_keys}, "model_a")
    return arch, train


def with_choice(arch: ModelAConfig, train: "ModelATrainingConfig",
                choice: dict[str, Any]) -> tuple[ModelAConfig, "ModelATrainingConfig"]:
    """The two configs with the `choice` (model_a key -> value) of a select_grid candidate."""
    arch_keys = set(ModelAConfig.field_names())
    return (dataclasses.replace(arch, **{k: v for k, v in choice.items() if k in arch_keys}),
            dataclasses.replace(train, **{k: v for k, v in choice.items() if k not in arch_keys}))


def grid_choices(grid: dict[str, list]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, in a fixed order ([{}] for an empty grid)."""
    choices: list[dict[str, Any]] = [{}]
    for key in sorted(grid):
        choices = [{**c, key: v} for c in choices for v in grid[key]]
    return choices


@params_section("model_a_selection")
class ModelASelectionConfig:
    grid: dict                        # features.roster or model_a key -> candidate values ({} = off)
    validation_seasons: PositiveInt   # seasons before t whose series choose the candidate for t
    min_fit_seasons: PositiveInt      # a validation season's fit needs this many earlier seasons
    n_jobs: PositiveInt               # processes fitting candidates side by side (same results)

    def __post_init__(self) -> None:
        known = {f.name for f in dataclasses.fields(RosterConfig)} | set(
            ModelAConfig.field_names()) | {f.name for f in dataclasses.fields(ModelATrainingConfig)}
        bad = sorted(k for k in self.grid if k not in known or k == "select_grid")
        if bad:
            raise ConfigError(f"params.yaml: model_a_selection.grid: unknown key(s) "
                              f"{', '.join(map(str, bad))} (features.roster or model_a keys)")
        empty = sorted(k for k, v in self.grid.items() if not isinstance(v, list) or not v)
        if empty:
            raise ConfigError(f"params.yaml: model_a_selection.grid.{empty[0]}: must be a "
                              "non-empty list of candidate values")


def model_a_selection_config(params: dict[str, Any]) -> ModelASelectionConfig:
    return section(ModelASelectionConfig, params.get("model_a_selection"), "model_a_selection")
