"""Must-show: in a synthetic league where one player per team decides its strength
(generate_league(star_mode=True)), attention and RFX-Fuse rank that player first.

Why the other two are checked more weakly (findings, not slack; see the asserts):
- Leave-one-out (first in 10/16 teams here, mean rank well below chance): every
  teammate's on-court plus-minus also carries the star's effect (synthetic_players: on =
  team net + impact/2), and Model A leans on it (zeroing that one feature for all players
  moves the scores by ~half their spread), so masking the star leaves much of his effect
  in the teammates' encodings; his |drop| is only ~15% above the largest teammate's.
  Masking itself is sound: attention softmax renormalises over the remaining slots
  (minutes need no renormalising), and no team falls under minutes_sum_min (no fallback).
- RFX-Fuse (first in 10/16, top-2 in 15/16): the forest is almost all on-court
  plus-minus (global importance ~50x the next feature), which the star shares with his
  teammates, so the unweighted local importance of the star's row is first in only 1/16
  teams; the minutes-share weight puts him first. Fitting without on-court plus-minus or
  an error-based (labelled) local importance did not single him out either (non-star
  rows are noise to a team-SRS target, which the forest memorises).
Caveat: in this league the star always plays the most minutes, so minutes share alone
ranks him first in 16/16 teams; this test cannot tell importance from playing time.
"""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from src.config import load_params
from src.data.ingest import build_tables
from src.data.synthetic import TRUTH_PLAYERS, generate_league
from src.explain import rfx_fuse
from src.explain.attention import contributors
from src.features.config import player_value_config
from src.explain.config import RfxFuseConfig
from src.features.roster import select_rosters
from src.models.model_a.config import model_a_configs
from src.features.config import RosterConfig
from src.league.monte_carlo import GameModel
from src.models.model_a.fit import FitTask, SeriesData, configure_torch, fit_model_a
from src.models.model_a.series_targets import series_by_season
from tests.conftest import GAME_MODEL_ARGS

# the playoff game file starts in 2011: the league must reach it for the ingest
FIRST, TEST_SEASON = 2008, 2012
TRAIN = range(FIRST, TEST_SEASON)
ROSTER = RosterConfig(max_players=10, min_minutes=50, shrink_minutes=500, prior_seasons=2, availability_power=0.5,
                      player_value=player_value_config(load_params()))
RFX = RfxFuseConfig(enabled=True, n_trees=50, k_similar=2, n_explanations=2, node_size=3,
                    min_train_minutes=0, max_train_rows=3000, n_threads=2, seed=3)


def _league(raw, star_minutes_rank: int):
    generate_league(raw, seed=1, first_season=FIRST, last_season=TEST_SEASON, n_teams=16,
                    star_mode=True, star_minutes_rank=star_minutes_rank)
    tables = build_tables(raw, FIRST)
    truth = pd.read_csv(raw / TRUTH_PLAYERS)
    stars = truth.loc[truth["star"].astype(bool), ["season", "player_id"]].assign(star=True)
    rosters = select_rosters(tables.player_seasons, range(FIRST, TEST_SEASON + 1), ROSTER)
    series = SeriesData(series_by_season(tables.team_seasons, tables.playoff_series, TRAIN),
                        GameModel(**GAME_MODEL_ARGS))
    return tables.player_seasons, tables.team_seasons, rosters, stars, series


@pytest.fixture(scope="module")
def star_league(tmp_path_factory):
    return _league(tmp_path_factory.mktemp("star_league"), star_minutes_rank=0)


@pytest.fixture(scope="module")
def hidden_star_league(tmp_path_factory):
    """The star plays the third-most minutes of his team: minutes cannot find him."""
    return _league(tmp_path_factory.mktemp("hidden_star_league"), star_minutes_rank=2)


def _fit(rosters, teams, series, **overrides):
    model_cfg, train_cfg = model_a_configs(load_params()["model_a"])
    train_cfg = dataclasses.replace(train_cfg, epochs=15, patience=15, refit_on_all=False,
                                    **overrides)
    configure_torch(train_cfg)
    return fit_model_a(FitTask.of(rosters, teams, TRAIN, model_cfg, train_cfg, ROSTER, 0, series))


def _star_ranks(frame: pd.DataFrame, stars: pd.DataFrame, column: str) -> pd.Series:
    marked = frame.merge(stars, on=["season", "player_id"], how="left")
    return marked.loc[marked["star"].fillna(False).astype(bool), column]


@pytest.mark.slow
def test_attention_and_rfx_rank_the_star_first(star_league):
    players, teams, rosters, stars, series = star_league
    fit = _fit(rosters, teams, series)
    contrib = contributors(fit.trainer.model, fit.spec, players, [TEST_SEASON])
    attention = _star_ranks(contrib, stars, "attention_rank")
    loo = _star_ranks(contrib, stars, "loo_rank")
    importance, _ = rfx_fuse.explain_season(rosters, teams, TEST_SEASON, TRAIN,
                                            fit.spec.feature_names, RFX)
    rfx = _star_ranks(importance, stars, "rfx_rank")
    n_teams = contrib["team"].nunique()
    assert len(attention) == len(rfx) == n_teams          # one star per team
    assert (attention == 1).mean() >= 0.8
    assert (rfx == 1).mean() >= 0.5 and (rfx <= 2).mean() >= 0.8
    chance_rank = (contrib.groupby("team").size().mean() + 1) / 2
    assert (loo == 1).mean() >= 0.5 and loo.mean() < chance_rank


def _magnitude_ranks(contrib: pd.DataFrame) -> pd.Series:
    """Within-team rank of |contribution|: a decisive star moves his team's strength the most,
    up or down (a star's impact is drawn around 0, so half of them drag their team down)."""
    size = contrib.assign(size=contrib["model_contribution"].abs())
    return size.groupby(["season", "team"])["size"].rank(ascending=False, method="first")


@pytest.mark.slow
def test_contributions_find_a_star_who_is_not_the_minutes_leader(hidden_star_league):
    """The decisive player is third in minutes: contributions (by size) must still rank him
    first in >= 90% of teams. Values are learned from the series alone here (no value prior:
    the real-data prior, on-court +/-, carries the team's level in every teammate's value).
    Found (seed 1, params.yaml otherwise: minutes bias 1, L2-SP 0.1): contributions 16/16 teams,
    attention alone 0/16; round 1 (bias 4, L2-SP 1) 15/16 and 0/16 (with prior_l2 0 attention
    moved him up in 6/16, contributions 14/16); minutes 0/16 by design; leave-one-out 12/16."""
    players, teams, rosters, stars, series = hidden_star_league
    fit = _fit(rosters, teams, series, value_prior={}, learning_rate=0.003)
    contrib = contributors(fit.trainer.model, fit.spec, players, [TEST_SEASON])
    contrib["size_rank"] = _magnitude_ranks(contrib)
    minutes_rank = contrib.groupby(["season", "team"])["minutes_share"].rank(
        ascending=False, method="first")
    contrib["minutes_rank"] = minutes_rank
    by_contribution = _star_ranks(contrib, stars, "size_rank")
    by_attention = _star_ranks(contrib, stars, "attention_rank")
    by_minutes = _star_ranks(contrib, stars, "minutes_rank")
    assert len(by_contribution) == contrib["team"].nunique()
    assert (by_minutes == 1).mean() == 0.0                 # minutes cannot find him, by design
    assert (by_contribution == 1).mean() >= 0.9
    assert (by_attention == 1).mean() < (by_contribution == 1).mean()
    # exact by construction: a team's contributions add up to its strength minus the bias
    bias = float(fit.trainer.model.bias.detach())
    sums = contrib.groupby("team")["model_contribution"].sum() + bias
    assert sums.to_numpy() == pytest.approx(contrib.groupby("team")["team_score"].first().to_numpy(),
                                            abs=1e-4)
