"""Series-likelihood points map: series walked through the bracket, the likelihood by hand,
recovery of a known scale, walk-forward use of earlier seasons only, and both map paths."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binom, norm

from src.league.bracket import Bracket
from src.odds.config import SimulationConfig
from src.league.monte_carlo import N_TEAMS, SLOT_SEEDS, GameModel, series_matrix
from src.league.series import as_winner_loser, from_bracket, from_game_file, season_series_results
from src.odds.strength_calibration import (fit_points_map, fit_series_map, series_log_likelihood,
                                                standardise_by_season)
from src.odds.title_odds import SeasonInputs, series_with_z, walk_forward_odds

MODEL = GameModel(home_court=2.5, link="normal", scale=11.5)
SIM = SimulationConfig(championship_odds_method="monte_carlo", n_sims=500, seed=1, home_court=2.5,
                       link="normal", scale=11.5, calibrate_to="series", temperature=False,
                       temperature_bounds=[0.05, 20.0])
TEAMS = tuple(f"T{i:02d}" for i in range(N_TEAMS))


def _bracket(season: int, priority: np.ndarray, best_of: int = 7) -> Bracket:
    return Bracket(season=season, teams=TEAMS, conference=("E",) * 8 + ("W",) * 8,
                   seed=SLOT_SEEDS * 2, home_priority=np.asarray(priority, float),
                   first_round_best_of=best_of, source="seeding_rules")


def _walked(bracket: Bracket, won: pd.Series) -> pd.DataFrame:
    """The one walk's rows of a season as Model A reads them (home court by the bracket's rule)."""
    teams = pd.DataFrame({"season": bracket.season, "team": list(bracket.teams),
                          "series_won": won.loc[list(bracket.teams)].to_numpy(),
                          "win_pct": 0.5 + np.argsort(np.argsort(bracket.home_priority)) / 100})
    return as_winner_loser(from_bracket(bracket, teams), home_court="rule")


def _play(bracket: Bracket, points: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """series_won per team, drawn from the simulator's exact series probabilities."""
    p = [series_matrix(points, bracket.home_priority, MODEL, n) for n in (bracket.first_round_best_of, 7)]
    won, alive = np.zeros(N_TEAMS, int), list(range(N_TEAMS))
    for r in range(4):
        nxt = []
        for a, b in zip(alive[0::2], alive[1::2]):
            w = a if rng.random() < p[min(r, 1)][a, b] else b
            won[w] += 1
            nxt.append(w)
        alive = nxt
    return pd.Series(won, index=list(TEAMS))


def test_series_walked_through_the_bracket_by_hand():
    # slot 0 wins everything; slot 2 beats slot 3 then loses to slot 0; West: slot 8 runner-up
    won = np.zeros(N_TEAMS, int)
    won[[0, 2, 4, 6, 8, 10, 12, 14]] = 1
    won[[0, 4, 8, 12]] = 2
    won[[0, 8]] = 3
    won[0] = 4
    priority = np.arange(N_TEAMS, 0, -1.0)             # slot 0 best record ... slot 15 worst
    out = _walked(_bracket(2002, priority, best_of=5), pd.Series(won, index=list(TEAMS)))
    assert len(out) == 15 and out["round"].value_counts().to_dict() == {1: 8, 2: 4, 3: 2, 4: 1}
    row = out[(out["round"] == 2) & (out["winner"] == "T00")].iloc[0]
    assert row["loser"] == "T02" and row["best_of"] == 7 and row["winner_home"]
    assert (out.loc[out["round"] == 1, "best_of"] == 5).all()
    final = out[out["round"] == 4].iloc[0]
    assert (final["winner"], final["loser"]) == ("T00", "T08")
    # both teams of a first-round pair advance: that pair and the later series of its
    # sub-bracket are left out (the one rule, as in the series table), the rest is kept
    won[1] = 1
    out = _walked(_bracket(2002, priority), pd.Series(won, index=list(TEAMS)))
    assert len(out) == 15 - 4 and not out.isin(["T01"]).any().any()
    assert set(out.loc[out["round"] == 3, "winner"]) == {"T08"}


def test_model_a_and_the_table_read_one_walk_of_a_season():
    # the same rows, in the same order, whichever consumer asks (Model A: home by the rule)
    teams = pd.DataFrame({"season": 2002, "team": list(TEAMS), "outcome_known": True,
                          "series_won": [4, 0, 1, 0, 2, 0, 1, 0, 3, 0, 1, 0, 2, 0, 1, 0],
                          "win_pct": np.linspace(0.8, 0.4, N_TEAMS)})
    bracket = _bracket(2002, np.arange(N_TEAMS, 0, -1.0))
    table = from_bracket(bracket, teams)
    model_a = season_series_results(bracket, teams, None)
    pd.testing.assert_frame_equal(model_a, as_winner_loser(table, home_court="rule"))
    assert table["pairing_known"].all() and (table["rule_home_won"] == table["home_won"]).all()


def test_game_file_rows_give_model_a_home_court_by_the_bracket():
    rows = pd.DataFrame({"season": [2011, 2011], "round": [1, 2], "conference": "E",
                         "winner": ["T01", "T00"], "loser": ["T00", "T02"], "wins": 4, "losses": 2,
                         "home_team": ["T01", "T00"]})
    table = from_game_file(_bracket(2011, np.arange(N_TEAMS, 0, -1.0)), rows)
    out = as_winner_loser(table, home_court="rule")
    assert out["winner_home"].tolist() == [False, True] and out["best_of"].tolist() == [7, 7]
    # the real home team (game 1) of the first series was T01: the yardstick's view says so
    assert as_winner_loser(table)["winner_home"].tolist() == [True, True]


def test_series_log_likelihood_by_hand():
    # best-of-1, no home court: P(winner) = Phi(slope * z_diff / scale)
    flat = GameModel(home_court=0.0, link="normal", scale=2.0)
    ll = series_log_likelihood(2.0, np.array([1.0, -1.0]), np.array([1, 1]), np.array([True, False]), flat)
    assert ll == pytest.approx(np.log(norm.cdf(1.0)) + np.log(norm.cdf(-1.0)))
    # slope 0, best-of-7, home court 2 of scale 2: the home team wins each game with Phi(1)
    home = GameModel(home_court=2.0, link="normal", scale=2.0)
    g_home, g_away = norm.cdf(1.0), norm.cdf(-1.0)
    # winner away: P = 1 - P(home wins) and home wins iff it takes 4 of 7 (4 home, 3 away games)
    p_home = sum(binom.pmf(k, 4, g_home) * binom.sf(3 - k, 3, g_away) for k in range(5))
    ll = series_log_likelihood(0.0, np.array([0.7]), np.array([7]), np.array([False]), home)
    assert ll == pytest.approx(np.log(1 - p_home))


def test_series_mle_recovers_a_known_scale():
    rng = np.random.default_rng(0)
    true_slope, rows = 5.0, []
    for season in range(400):
        z = rng.normal(0, 1, N_TEAMS)
        bracket = _bracket(season, z + rng.normal(0, 0.3, N_TEAMS), best_of=5 if season % 2 else 7)
        series = _walked(bracket, _play(bracket, true_slope * z, rng))
        zs = dict(zip(TEAMS, z))
        rows.append(series.assign(z_winner=series["winner"].map(zs), z_loser=series["loser"].map(zs)))
    pmap = fit_series_map(pd.concat(rows, ignore_index=True), MODEL, [0.05, 20.0])
    # 6,000 series: the standard error of the slope is ~0.25 points
    assert pmap.slope == pytest.approx(true_slope, rel=0.12) and pmap.target == "series"
    assert pmap.n_rows == 400 * 15


def _league(n_seasons: int, seed: int = 1) -> tuple[pd.DataFrame, SeasonInputs]:
    rng = np.random.default_rng(seed)
    frames, inputs = [], SeasonInputs(brackets={})
    for season in range(1, n_seasons + 1):
        z = rng.normal(0, 1, N_TEAMS)
        bracket = _bracket(season, z)
        won = _play(bracket, 5.0 * z, rng)
        inputs.brackets[season] = bracket
        inputs.champions[season] = TEAMS[int(np.argmax(won.to_numpy()))]
        inputs.series[season] = _walked(bracket, won)
        frames.append(pd.DataFrame({"season": season, "team": TEAMS, "score": 0.3 * z,
                                    "srs": 4.0 * z + rng.normal(0, 2.0, N_TEAMS)}))
    return pd.concat(frames, ignore_index=True), inputs


def test_walk_forward_series_map_uses_only_earlier_seasons():
    frame, inputs = _league(8)
    _, fits = walk_forward_odds(frame, "score", [5, 8], inputs, SIM)
    assert [f["n_map_rows"] for f in fits] == [4 * 15, 7 * 15]
    # reverse every result of seasons >= 5: the fit for season 5 must not move, season 8's must
    flipped = SeasonInputs(inputs.brackets, inputs.champions, dict(inputs.series))
    for s in range(5, 9):
        res = inputs.series[s]
        flipped.series[s] = res.assign(winner=res["loser"], loser=res["winner"], winner_home=~res["winner_home"])
    _, fits_flipped = walk_forward_odds(frame, "score", [5, 8], flipped, SIM)
    assert fits_flipped[0]["slope"] == fits[0]["slope"]
    assert fits_flipped[1]["slope"] < fits[1]["slope"]


def test_both_map_paths_reach_the_odds():
    frame, inputs = _league(6)
    srs_odds, srs_fits = walk_forward_odds(frame, "score", [6], inputs, replace(SIM, calibrate_to="srs"))
    ser_odds, ser_fits = walk_forward_odds(frame, "score", [6], inputs, SIM)
    earlier = frame[frame["season"] < 6]
    assert srs_fits[0]["slope"] == pytest.approx(fit_points_map(earlier, "score").slope)
    z = earlier.assign(z=standardise_by_season(earlier["score"], earlier["season"], "score"))
    expected = fit_series_map(series_with_z(z, inputs), MODEL, SIM.temperature_bounds).slope
    assert ser_fits[0]["slope"] == pytest.approx(expected)
    assert ser_fits[0]["slope"] != pytest.approx(srs_fits[0]["slope"], rel=1e-3)
    # a bigger slope spreads the title odds: the favourite's p_champion follows the map
    fav = srs_odds["p_champion"].idxmax()
    bigger = ser_fits[0]["slope"] > srs_fits[0]["slope"]
    assert (ser_odds.loc[fav, "p_champion"] > srs_odds.loc[fav, "p_champion"]) == bigger


def test_holdout_table_scores_each_pre_test_season_with_both_maps():
    from docs.research.map_holdout import holdout_table
    frame, inputs = _league(6)
    # SRS on a fifth of the true points scale: the srs map is badly shrunk, the series map is not
    frame["srs"] = frame["score"] / 0.3
    table = holdout_table(frame, "score", inputs, SIM)
    assert table["season"].tolist() == [1, 2, 3, 4, 5, 6]
    assert {"series_ll_srs", "series_ll_series", "title_ll_srs_T", "T_series"} <= set(table.columns)
    assert (table["slope_srs"] < 1.5).all()          # ~ season SD of the raw z, a little under 1
    assert (table["slope_series"] > 2.0).all()
    assert table["series_ll_series"].sum() > table["series_ll_srs"].sum()
    assert (table["title_ll_series"] > 0).all()
