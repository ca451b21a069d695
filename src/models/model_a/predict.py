"""Model A inference from a checkpoint alone (no params.yaml needed).

A checkpoint holds "model_state", "model_config" (ModelAConfig.to_dict()), "feature_spec"
(FeatureSpec.to_dict(): feature order + training-season means/stds), "optimizer_state",
"epoch" and "history", all plain types, so it loads with torch.load(weights_only=True).

    model, spec = load_model_a("models/model_a.pt")
    batch = build_inputs(spec, player_seasons, [2024])
    scores, attn_w = predict_with_attention(model, batch)
    table = attention_table(model, spec, player_seasons, [2024])   # + value, contribution

Scores are team strengths in points: the sum of the players' contributions
(5 * attention * value, src/models/model_a/deep_set_rank.py) plus one bias.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import torch

from src.errors import DataError
from src.features.player_value import contributions_above_replacement
from src.features.roster import FeatureSpec, RosterBatch, select_rosters, to_batch
from src.models.model_a.config import ModelAConfig, check_same_architecture
from src.models.model_a.deep_set_rank import DeepSetRank, contributions
from src.utils.model_files import KIND_KEY, MODEL_A, check_kind, load_torch_checkpoint


def read_checkpoint(path: str | Path) -> dict:
    return load_torch_checkpoint(path)


def load_model_a(path: str | Path, expected: ModelAConfig | None = None,
                 defaults: ModelAConfig | None = None) -> tuple[DeepSetRank, FeatureSpec]:
    """Rebuild the trained DeepSetRank (eval mode) and its FeatureSpec from `path`.

    `expected`: refuse a checkpoint whose architecture differs, naming the first field
    (stat_dim is compared only when `expected.stat_dim` > 0). An old checkpoint without
    "model_config" is rebuilt from its weight shapes plus `defaults` (`expected` if None).
    """
    ckpt = read_checkpoint(path)
    check_kind(ckpt.get(KIND_KEY), MODEL_A, path, "train_a", allow_missing=True)
    if "feature_spec" not in ckpt:
        raise DataError(f"{path}: checkpoint has no 'feature_spec'; cannot rebuild inputs")
    if "model_config" in ckpt:
        config = ModelAConfig.from_saved(ckpt["model_config"], source=str(path))
    else:
        config = ModelAConfig.from_checkpoint(path, defaults=defaults or expected)
    if expected is not None:
        check_same_architecture(config, expected, source=str(path))
    model = DeepSetRank.from_config(config)
    try:
        model.load_state_dict(ckpt["model_state"])
    except (KeyError, RuntimeError) as exc:
        raise DataError(f"{path}: refused: its weights do not fit its model_config "
                        f"({str(exc).strip().splitlines()[0][:200]})") from None
    model.eval()
    return model, FeatureSpec.from_dict(ckpt["feature_spec"])


def build_inputs(spec: FeatureSpec, player_seasons: pd.DataFrame,
                 seasons: Iterable[int]) -> RosterBatch:
    """Rosters of `seasons`, standardised with the checkpoint's training-season statistics.
    `player_seasons` should hold the seasons before them too (the shrinkage prior)."""
    return to_batch(spec, select_rosters(player_seasons, seasons, spec.roster))


@torch.no_grad()
def predict_with_attention(model: DeepSetRank,
                           batch: RosterBatch) -> tuple[torch.Tensor, torch.Tensor]:
    """(scores [teams], attn_w [teams, max_players]) in eval mode; attn_w is 0 at padding."""
    was_training = model.training
    model.eval()
    try:
        scores, _, attn_w = model(*batch.model_inputs())
    finally:
        model.train(was_training)
    return scores, attn_w


@torch.no_grad()
def predict_parts(model: DeepSetRank,
                  batch: RosterBatch) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(strength [teams], value [teams, slots], attn_w [teams, slots]) in eval mode."""
    was_training = model.training
    model.eval()
    try:
        return model(*batch.model_inputs())
    finally:
        model.train(was_training)


def attention_table(model: DeepSetRank, spec: FeatureSpec, player_seasons: pd.DataFrame,
                    seasons: Iterable[int]) -> pd.DataFrame:
    """One row per rostered player: season, team, player_id, player, slot, attention,
    minutes_share, fallback (the team's weights came from the fallback path), value (points
    per 100 possessions), contribution (points; a team's contributions sum to its strength
    minus the model's bias), on_court_plus_minus_per_100_poss (the roster's, unscaled), and
    mp, player_value, contribution_above_replacement (with_value_above_replacement)."""
    return roster_attention_table(model, spec, select_rosters(player_seasons, seasons, spec.roster))


def roster_attention_table(model: DeepSetRank, spec: FeatureSpec,
                           rosters: pd.DataFrame) -> pd.DataFrame:
    """attention_table of rosters already selected with `spec.roster` (select_rosters)."""
    batch = to_batch(spec, rosters)
    _, value, attn_w = predict_parts(model, batch)
    fallback = model.attn.needs_fallback(batch.minutes, batch.key_padding_mask).numpy()
    contrib = contributions(value, attn_w).numpy()
    rows, slots = np.nonzero(~batch.key_padding_mask.numpy())
    table = pd.DataFrame({
        "season": batch.season[rows].astype(int),
        "team": batch.team[rows].astype(str),
        "player_id": batch.player_id[rows, slots].astype(str),
        "player": batch.player[rows, slots].astype(str),
        "slot": slots.astype(int),
        "attention": attn_w.numpy()[rows, slots].astype(float),
        "minutes_share": batch.minutes.numpy()[rows, slots].astype(float),
        "fallback": fallback[rows].astype(bool),
        "value": value.numpy()[rows, slots].astype(float),
        "contribution": contrib[rows, slots].astype(float),
    })
    on_court = rosters[["season", "team", "player_id", "on_court_plus_minus_per_100_poss"]]
    table = table.merge(on_court, on=["season", "team", "player_id"], how="left",
                        validate="one_to_one")
    return with_value_above_replacement(table, rosters, spec)


def with_value_above_replacement(table: pd.DataFrame, rosters: pd.DataFrame,
                                 spec: FeatureSpec) -> pd.DataFrame:
    """Adds mp (regular-season minutes), player_value (points per 100 from his own evidence,
    src/features/player_value.py) and contribution_above_replacement = 5 x attention x
    (player_value - replacement level), in points; a team's add up to its strength above a
    team of replacement players. NaN without features.player_value in the checkpoint."""
    cfg = spec.roster.player_value
    extra = rosters[["season", "team", "player_id", "mp", "player_value"]]
    out = table.merge(extra, on=["season", "team", "player_id"], how="left", validate="one_to_one")
    out["contribution_above_replacement"] = (
        contributions_above_replacement(out["attention"], out["player_value"],
                                        cfg.replacement_level) if cfg else np.nan)
    return out
