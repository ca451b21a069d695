"""The player value (src/features/player_value.py) and contributions above replacement.

On the synthetic league (src/data/synthetic.py, each player's true impact known) the fitted
values recover the impacts and the teams' margins; contributions add up exactly to the team's
strength above a replacement-level team; the team adjustment closes its share of each team's
unexplained margin; a team of below-average players still ranks its best
player first; the value of season t reads nothing of later seasons (and takes no playoff
table at all), and its weights nothing of season t.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from src.config import load_params
from src.data.synthetic import TRUTH_PLAYERS
from src.explain.compare import within_team_rank
from src.features.config import player_value_config
from src.features.player_value import (ON_COURT, centred, contributions_above_replacement,
                                       fit_weights, player_values, season_values,
                                       team_adjustment)

SEASONS = range(2008, 2017)
CFG = player_value_config(load_params())


@pytest.fixture(scope="module")
def valued(synthetic_tables, synthetic_raw_dir):
    players = synthetic_tables.player_seasons
    values, fits = player_values(players, SEASONS, CFG)
    truth = pd.read_csv(synthetic_raw_dir / TRUTH_PLAYERS).drop_duplicates(["season", "player_id"])
    final = players.loc[players["final_team"].astype(bool), ["season", "team", "player_id", "mp"]]
    minutes = players.groupby(["season", "player_id"], as_index=False)["mp"].sum()
    table = (values.merge(truth[["season", "player_id", "true_impact"]], on=["season", "player_id"])
             .merge(final[["season", "team", "player_id"]], on=["season", "player_id"])
             .merge(minutes, on=["season", "player_id"]))
    return players, table, fits


def test_fitted_values_recover_the_known_impacts(valued):
    _, table, fits = valued
    assert [f.season for f in fits] == list(SEASONS)
    regulars = table[table["mp"] >= 1000]
    rho = spearmanr(regulars["value"], regulars["true_impact"]).statistic
    assert rho >= 0.8, rho
    # a player with the same impact but a short season is pulled toward the replacement level
    short = table[table["mp"] < 300]
    assert (short["value"] - CFG.replacement_level).abs().mean() < \
        (short["value_season"] - CFG.replacement_level).abs().mean()


def test_minutes_weighted_values_reproduce_each_teams_margin(valued):
    players, table, _ = valued
    rows = players[players["season"].isin(SEASONS) & (players["mp"] > 0)]
    share = rows["mp"] / rows.groupby(["season", "team"])["mp"].transform("sum")
    net = (rows[ON_COURT] * share).groupby([rows["season"], rows["team"]]).sum()
    season_values = table.set_index(["season", "player_id"])["value_season"]
    v = season_values.reindex(pd.MultiIndex.from_frame(rows[["season", "player_id"]])).to_numpy()
    strength = pd.Series(5 * share.to_numpy() * v).groupby(
        [rows["season"].to_numpy(), rows["team"].to_numpy()]).sum()
    assert np.corrcoef(strength.to_numpy(), net.reindex(strength.index).to_numpy())[0, 1] >= 0.9


def test_contributions_add_up_to_the_strength_above_a_replacement_team(valued):
    _, table, _ = valued
    season = table[table["season"] == SEASONS[-1]].copy()
    season["weight"] = season["mp"] / season.groupby("team")["mp"].transform("sum")
    season["contribution"] = contributions_above_replacement(
        season["weight"], season["value"], CFG.replacement_level)
    total = season.groupby("team")["contribution"].sum()
    strength = 5 * (season["weight"] * season["value"]).groupby(season["team"]).sum()
    assert total.to_numpy() == pytest.approx((strength - 5 * CFG.replacement_level).to_numpy(),
                                             abs=1e-9)


def test_a_team_of_below_average_players_ranks_its_best_player_first():
    team = pd.DataFrame({"season": 2020, "team": "BAD", "player_id": list("abcde"),
                         "minutes_share": [0.3, 0.25, 0.2, 0.15, 0.1],
                         "value": [-1.0, -1.2, -1.4, -1.6, -1.9]})     # all below average (0)
    team["contribution"] = contributions_above_replacement(team["minutes_share"], team["value"], -2.0)
    ranks = within_team_rank(team, "contribution")
    assert ranks.iloc[0] == 1 and (team["contribution"] > 0).all()
    # measured from the average player (0) instead, his many minutes would rank him near last
    from_zero = team.assign(contribution=5 * team["minutes_share"] * team["value"])
    assert within_team_rank(from_zero, "contribution").iloc[0] >= 4


def test_value_of_season_t_reads_no_later_season_and_its_weights_not_season_t(valued):
    players, table, _ = valued
    t = 2012
    corrupted = players.copy()
    later = corrupted["season"] > t
    rng = np.random.default_rng(0)
    for col in ("pts_per_100_poss", ON_COURT, "net_plus_minus_per_100_poss", "mp"):
        corrupted.loc[later, col] = rng.permutation(corrupted.loc[later, col].to_numpy())
    again, fits = player_values(corrupted, [t], CFG)
    before = table[table["season"] == t].sort_values("player_id")["value"].to_numpy()
    assert again.sort_values("player_id")["value"].to_numpy() == pytest.approx(before, abs=1e-12)
    # the weights of t are fitted on seasons < t: season t's team margins do not move them
    flipped = players.copy()
    now = flipped["season"] == t
    flipped.loc[now, ON_COURT] = -flipped.loc[now, ON_COURT]
    _, fits_flipped = player_values(flipped, [t], CFG)
    assert fits_flipped[0].weights == pytest.approx(fits[0].weights)
    assert (fits[0].first, fits[0].last) == (int(players["season"].min()), t - 1)


def test_the_team_adjustment_closes_its_share_of_each_teams_unexplained_margin(valued):
    players, _, _ = valued
    t = SEASONS[-1]
    stints = players[players["mp"] > 0].reset_index(drop=True)
    x = centred(stints)
    fit = fit_weights(stints, x, t, CFG)
    now = (stints["season"] == t).to_numpy()
    st, xs = stints[now], x[now]
    share = st["mp"] / st.groupby("team")["mp"].transform("sum")
    net = (xs[ON_COURT] * share).groupby(st["team"]).sum()

    def team_strength(cfg):
        adj = team_adjustment(st, xs, fit, cfg)
        adj = adj.reindex(pd.MultiIndex.from_frame(st[["season", "player_id"]])).to_numpy()
        v = season_values(xs, fit, cfg).to_numpy() + cfg.team_adjust_share * adj
        return 5 * (share * v).groupby(st["team"]).sum()

    traded = st["player_id"].duplicated(keep=False).groupby(st["team"]).any()
    clean = ~traded.reindex(net.index)          # a traded player's adjustment mixes his teams
    full = dataclasses.replace(CFG, team_adjust_share=1.0)
    none = dataclasses.replace(CFG, team_adjust_share=0.0)
    assert team_strength(full)[clean].to_numpy() == pytest.approx(net[clean].to_numpy(), abs=1e-9)
    gap_none = (team_strength(none) - net).abs()
    gap_half = (team_strength(dataclasses.replace(CFG, team_adjust_share=0.5)) - net).abs()
    assert gap_half[clean].to_numpy() == pytest.approx(0.5 * gap_none[clean].to_numpy(), abs=1e-9)
    assert gap_none[clean].max() > 0.1       # the evidence alone leaves part of the margin
