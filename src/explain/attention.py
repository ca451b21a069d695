"""Model A's contributors per team-season: contributions above replacement, attention, leave-one-out.

A player's contribution is his share of the team's strength above a replacement-level team, in
points: c_i = 5 * a_i * (v_i - R), a_i = Model A's attention (expected share of playoff
minutes, sums to 1 over the roster), v_i = his value in points per 100 possessions from his
own evidence (src/features/player_value.py, the `player_value` roster feature Model A reads),
R = features.player_value.replacement_level. A team's contributions add up exactly to
5 * sum(a_i * v_i) - 5 * R: its roster's strength above a team of replacement players.
Model A's own account (5 * a_i * its value head, summing to its strength minus one bias) is
kept beside it as model_value / model_contribution. Heuristics to judge them against: minutes
share, minutes share x on-court +/- per 100, and minutes share x (net on-off +/- + 10). Leave-one-player-out is a gradient-free check: the
team's score is recomputed with the player masked (as if absent), and his importance is
the size of the change. It is ranked by |drop| (influence either way: a star of a weak
team moves the score as much as a star of a strong one); the signed drop is kept.

Contributors of test season t come from t's walk-forward checkpoint (a model that never
saw season t); `checkpoint_for_season` refuses any other.
"""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from src.errors import PipelineError
from src.explain.compare import within_team_rank
from src.features.roster import FeatureSpec, RosterBatch, select_rosters, to_batch
from src.models.model_a.predict import (load_model_a, predict_with_attention,
                                     roster_attention_table)
from src.models.model_a.config import ModelAConfig
from src.models.model_a.deep_set_rank import DeepSetRank

log = logging.getLogger(__name__)


def checkpoint_for_season(walk_forward_dir: str | Path, season: int, *,
                          expected: ModelAConfig) -> tuple[DeepSetRank, FeatureSpec]:
    """t's walk-forward Model A; an error if its training seasons reach t or its architecture
    differs from `expected` (params.yaml model_a)."""
    path = Path(walk_forward_dir) / f"{season}.pt"
    model, spec = load_model_a(path, expected=expected)
    if spec.train_seasons and max(spec.train_seasons) >= season:
        raise PipelineError(f"{path}: trained on seasons up to {max(spec.train_seasons)}, "
                            f"so it cannot explain season {season} out of sample")
    return model, spec


@torch.no_grad()
def leave_one_out_drops(model: DeepSetRank, batch: RosterBatch) -> np.ndarray:
    """[teams, slots] score(full roster) - score(roster without that slot); NaN at padding.
    One forward pass per slot, all teams at once. A team's only player is not masked
    (an empty roster has no score): his drop is 0, logged."""
    base, _ = predict_with_attention(model, batch)
    pad = batch.key_padding_mask
    drops = np.full(pad.shape, np.nan)
    n_present = (~pad).sum(dim=1)
    alone = ((n_present == 1).unsqueeze(1) & ~pad).numpy()
    if alone.any():
        log.info("leave-one-out: %d team-season(s) with a single player: drop set to 0",
                 int(alone.sum()))
    for slot in range(pad.shape[1]):
        present = ~pad[:, slot]
        maskable = present & (n_present > 1)
        if not bool(maskable.any()):
            continue
        mask = pad.clone()
        mask[:, slot] |= maskable
        scores, _ = predict_with_attention(model, dataclasses.replace(batch, key_padding_mask=mask))
        drops[maskable.numpy(), slot] = (base - scores).numpy()[maskable.numpy()]
    drops[alone] = 0.0
    return drops


HEURISTIC_OFFSET = 10.0   # minutes x (net on-off + 10): the one-line heuristic of issue 17


def contributors(model: DeepSetRank, spec: FeatureSpec, player_seasons: pd.DataFrame | None,
                 seasons: list[int], rosters: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per rostered player: attention (with fallback flag), minutes share, value and
    contribution above replacement (points), Model A's own model_value / model_contribution,
    the heuristics, team score, leave-one-out drop, and the within-team ranks (1 = most
    important). `player_seasons` should hold every season before `seasons` too (the player
    value is fitted on them, its prior reads them); or `rosters`: select_rosters under
    spec.roster, of more seasons if need be (a roster of season t reads seasons < t only)."""
    value_cfg = spec.roster.player_value
    if value_cfg is None:
        raise PipelineError("Model A checkpoint has no features.player_value in its feature "
                            "spec: re-run `dvc repro train_a`")
    if rosters is None:             # once: the value fit is most of it
        rosters = select_rosters(player_seasons, seasons, spec.roster)
    rosters = rosters[rosters["season"].isin(seasons)].reset_index(drop=True)
    table = roster_attention_table(model, spec, rosters).rename(
        columns={"value": "model_value", "contribution": "model_contribution",
                 "player_value": "value", "contribution_above_replacement": "contribution"})
    missing = table["value"].isna()
    if missing.any():
        row = table.loc[missing].iloc[0]
        raise PipelineError(f"season {row['season']}: no player value for {row['player_id']} "
                            f"({row['team']}): the value needs an earlier season to fit on")
    table["replacement_level"] = value_cfg.replacement_level
    on_off = rosters[["season", "team", "player_id", "net_plus_minus_per_100_poss"]]
    table = table.merge(on_off, on=["season", "team", "player_id"], how="left",
                        validate="one_to_one")
    batch = to_batch(spec, rosters)
    scores, _ = predict_with_attention(model, batch)
    drops = leave_one_out_drops(model, batch)
    rows, slots = np.nonzero(~batch.key_padding_mask.numpy())
    loo = pd.DataFrame({"season": batch.season[rows].astype(int),
                        "team": batch.team[rows].astype(str), "slot": slots.astype(int),
                        "team_score": scores.numpy()[rows].astype(float),
                        "loo_drop": drops[rows, slots]})
    out = table.merge(loo, on=["season", "team", "slot"], how="left", validate="one_to_one")
    out["loo_importance"] = out["loo_drop"].abs()
    out["minutes_x_on_court"] = out["minutes_share"] * out.pop(
        "on_court_plus_minus_per_100_poss").fillna(0.0)
    out["minutes_x_net_on_off"] = out["minutes_share"] * (
        out.pop("net_plus_minus_per_100_poss").fillna(0.0) + HEURISTIC_OFFSET)
    out["attention_rank"] = within_team_rank(out, "attention")
    out["loo_rank"] = within_team_rank(out, "loo_importance")
    out["contribution_rank"] = within_team_rank(out, "contribution")
    n_fallback = out.drop_duplicates(["season", "team"])["fallback"].sum()
    if n_fallback:
        log.info("contributors: %d team-season(s) used fallback (collapsed) attention",
                 int(n_fallback))
    return out
