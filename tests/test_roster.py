"""Roster tensors: selection, padding, hashing, training-season-only standardisation."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from src.errors import DataError
from src.features.player_features import FEATURE_NAMES
from src.features.roster import fit_feature_spec, player_index, select_rosters, to_batch
from src.features.config import RosterConfig


def test_player_index_is_hashlib_stable_across_processes():
    code = "from src.features.roster import player_index; print(player_index('jamesle01', 4096))"
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout.strip()
            for seed in ("1", "2")}
    assert outs == {str(player_index("jamesle01", 4096))}
    assert all(1 <= player_index(f"p{i}", 8) <= 7 for i in range(200))   # 0 is padding


def test_selection_keeps_top_minutes_and_pads(tiny_league):
    players, _ = tiny_league(seasons=(2001,), n_teams=2, n_players=6)
    players.loc[players["player_id"] == "p0x5", "mp"] = 10.0          # under min_minutes
    cfg = RosterConfig(max_players=4, min_minutes=50, shrink_minutes=500, prior_seasons=2, availability_power=0.5)
    rosters = select_rosters(players, [2001], cfg)
    assert rosters.groupby("team").size().tolist() == [4, 4]
    top = players[players["team"] == "T0"].nlargest(4, "mp")["player_id"].tolist()
    assert rosters[rosters["team"] == "T0"].sort_values("slot")["player_id"].tolist() == top
    spec = fit_feature_spec(rosters, [2001], cfg, num_embeddings=32)
    batch = to_batch(spec, rosters)
    assert batch.stats.shape == (2, 4, len(FEATURE_NAMES))
    assert not batch.key_padding_mask.any()
    smaller = to_batch(type(spec)(**{**spec.to_dict(), "max_players": 6}), rosters)
    assert smaller.key_padding_mask[:, 4:].all() and (smaller.player_index[:, 4:] == 0).all()
    assert (smaller.minutes[:, 4:] == 0).all() and (smaller.stats[:, 4:] == 0).all()


def test_standardisation_uses_training_seasons_only(tiny_league):
    players, _ = tiny_league(seasons=(2001, 2002), n_teams=2, n_players=5)
    players.loc[players["season"] == 2002, "age"] += 100.0     # the later season is far older
    cfg = RosterConfig(max_players=5, min_minutes=0, shrink_minutes=500, prior_seasons=2, availability_power=0.5)
    rosters = select_rosters(players, [2001, 2002], cfg)
    spec = fit_feature_spec(rosters, [2001], cfg, num_embeddings=32)
    age = spec.feature_names.index("age")
    train_ages = rosters.loc[rosters["season"] == 2001, "age"]
    assert spec.means[age] == pytest.approx(train_ages.mean())
    assert spec.stds[age] == pytest.approx(train_ages.std(ddof=0))
    batch = to_batch(spec, rosters)
    seasons = batch.season
    assert abs(float(batch.stats[seasons == 2001][..., age].mean())) < 1e-5
    assert float(batch.stats[seasons == 2002][..., age].mean()) > 10   # not re-centred


def test_per_36_and_share_features_by_hand(tiny_league):
    players, _ = tiny_league(seasons=(2001,), n_teams=1, n_players=2)
    players["mp"] = [1800.0, 600.0]
    players["bad_pass_turnover"], players["lost_ball_turnover"] = [30.0, 5.0], [20.0, 5.0]
    cfg = RosterConfig(max_players=2, min_minutes=0, shrink_minutes=0, prior_seasons=2,
                       availability_power=0.5)            # no shrinkage: the raw season rates
    rosters = select_rosters(players, [2001], cfg)
    assert rosters["minutes_share"].tolist() == pytest.approx([0.75, 0.25])
    assert rosters["turnovers_per_36"].tolist() == pytest.approx([1.0, 0.6])


def test_missing_column_is_a_data_error(tiny_league):
    players, _ = tiny_league(seasons=(2001,), n_teams=1)
    with pytest.raises(DataError, match="player_seasons.parquet.*net_plus_minus"):
        select_rosters(players.drop(columns="net_plus_minus_per_100_poss"), [2001],
                       RosterConfig(max_players=5, min_minutes=0, shrink_minutes=500, prior_seasons=2, availability_power=0.5))


def test_batch_slot_masking_for_leave_one_out(tiny_league):
    players, _ = tiny_league(seasons=(2001,), n_teams=2, n_players=3)
    cfg = RosterConfig(max_players=3, min_minutes=0, shrink_minutes=500, prior_seasons=2, availability_power=0.5)
    rosters = select_rosters(players, [2001], cfg)
    batch = to_batch(fit_feature_spec(rosters, [2001], cfg, 32), rosters)
    masked = batch.with_slot_masked(1, 0)
    assert masked.key_padding_mask.sum() == 1 and bool(masked.key_padding_mask[1, 0])
    assert not batch.key_padding_mask.any()                      # the original is untouched
    assert np.array_equal(batch.player_id[1], ["p1x0", "p1x1", "p1x2"])
