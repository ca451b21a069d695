"""The product's game forecast: the update variant chosen per season on earlier seasons' games
(src/evaluation/game_variant.py) and its live terms (src/inference/availability_term.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr

from src.evaluation.game_variant import CANDIDATES, PLAIN, apply_variant_choice, choose_variants
from src.inference.availability_term import AvailabilityTerm, MorningTerms

BOOT = {"n_resamples": 50, "seed": 0, "interval": 0.9}
SEASONS = np.repeat([2011, 2012, 2013, 2014], 10)


def _losses(rng) -> dict[str, np.ndarray]:
    return {name: rng.uniform(0.5, 0.8, len(SEASONS)) for name in CANDIDATES}


def test_choice_for_season_t_reads_no_season_from_t_on():
    rng = np.random.default_rng(1)
    losses = _losses(rng)
    targets = [2011, 2012, 2013, 2014, 2015]
    before = choose_variants(losses, SEASONS, targets, min_history=1)
    for t in (2012, 2013, 2014):
        corrupted = {n: v.copy() for n, v in losses.items()}
        later = SEASONS >= t
        for k, name in enumerate(CANDIDATES):      # every later season now favours another candidate
            corrupted[name][later] = 0.01 if name != before[t] else 5.0
        assert choose_variants(corrupted, SEASONS, [t], 1)[t] == before[t]
        # the check beside it that can fail: the same corruption of the EARLIER seasons moves it
        earlier = {n: v.copy() for n, v in losses.items()}
        for name in CANDIDATES:
            earlier[name][SEASONS < t] = 0.01 if name != before[t] else 5.0
        assert choose_variants(earlier, SEASONS, [t], 1)[t] != before[t]


def test_first_seasons_fall_back_to_plain_and_ties_go_to_the_earlier_candidate():
    losses = {name: np.full(len(SEASONS), 0.6) for name in CANDIDATES}
    losses["ensemble_record_avail"] = np.full(len(SEASONS), 0.5)
    chosen = choose_variants(losses, SEASONS, [2011, 2012, 2013, 2015], min_history=2)
    assert chosen[2011] == PLAIN and chosen[2012] == PLAIN      # 0 and 1 earlier seasons < 2
    assert chosen[2013] == chosen[2015] == "ensemble_record_avail"
    tied = {name: np.full(len(SEASONS), 0.6) for name in CANDIDATES}
    assert set(choose_variants(tied, SEASONS, [2013, 2015], 1).values()) == {PLAIN}


def _predictions() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = len(SEASONS)
    margin = rng.normal(0, 5, n)
    won = rng.uniform(size=n) < ndtr(margin / 10.0)
    out = pd.DataFrame({"season": SEASONS, "round": 1, "game": np.tile(np.arange(1, 6), n // 5),
                        "p_home_ensemble": ndtr(margin / 10.0), "margin_home_ensemble": margin,
                        "p_home_baseline_srs": 0.6, "margin_home_baseline_srs": 2.5,
                        "home_won": won, "margin": np.where(won, 5, -5)})
    # the record variant knows the outcome a little: it wins every comparison
    out["p_home_ensemble_record"] = np.clip(np.where(won, 0.1, -0.1) + out["p_home_ensemble"], 0.01, 0.99)
    return out


def test_apply_renames_the_update_alone_and_writes_the_chosen_variant():
    g = _predictions()
    plain_p, plain_margin = g["p_home_ensemble"].copy(), g["margin_home_ensemble"].copy()
    metrics = {"games.ensemble.log_loss": 0.7, "bootstrap.games.ensemble_vs_baseline_srs.log_loss.diff": 0.1,
               "bootstrap.games.ensemble_record_vs_ensemble.log_loss.diff": -0.01,
               "games_preplayoff.ensemble.log_loss": 0.65, "series_asof.ensemble.log_loss": 0.5}
    noise = np.full(len(g), 10.0)
    result = apply_variant_choice(g, metrics, noise, BOOT, next_season=2015, min_history=1)
    assert result.choices == {2011: PLAIN, 2012: "ensemble_record", 2013: "ensemble_record",
                              2014: "ensemble_record", 2015: "ensemble_record"}
    first = g["season"] == 2011
    np.testing.assert_array_equal(g.loc[first, "p_home_ensemble"], plain_p[first])
    np.testing.assert_array_equal(g.loc[first, "margin_home_ensemble"], plain_margin[first])
    np.testing.assert_allclose(g.loc[~first, "p_home_ensemble"], g.loc[~first, "p_home_ensemble_record"])
    # a chosen variant's margin is the one its probability implies under the season's noise
    np.testing.assert_allclose(ndtr(g.loc[~first, "margin_home_ensemble"] / 10.0), g.loc[~first, "p_home_ensemble"])
    np.testing.assert_array_equal(g["p_home_ensemble_plain"], plain_p)
    # the update alone's keys renamed, keys of other yardsticks untouched
    assert metrics["games.ensemble_plain.log_loss"] == 0.7 and "games.ensemble.log_loss" not in metrics
    assert "bootstrap.games.ensemble_plain_vs_baseline_srs.log_loss.diff" in metrics
    assert "bootstrap.games.ensemble_record_vs_ensemble_plain.log_loss.diff" in metrics
    assert metrics["games_preplayoff.ensemble.log_loss"] == 0.65 and metrics["series_asof.ensemble.log_loss"] == 0.5
    won = g["home_won"].to_numpy(bool)
    p = g["p_home_ensemble"].to_numpy()
    assert result.metrics["games.ensemble.log_loss"] == pytest.approx(-np.mean(np.log(np.where(won, p, 1 - p))))
    assert result.metrics["bootstrap.games.ensemble_vs_ensemble_plain.log_loss.diff"] < 0
    assert "bootstrap.games.ensemble_vs_baseline_srs.brier.diff" in result.metrics


def test_availability_term_by_hand():
    lost = pd.DataFrame({"team": ["BOS", "BOS", "BOS", "MIA"],
                         "date": pd.to_datetime(["2024-04-21", "2024-04-24", "2024-04-27", "2024-04-21"]),
                         "lost": [3.0, np.nan, 2.0, 4.0]})
    term = AvailabilityTerm(lost, 0.5)
    at = term.at(["BOS", "MIA", "NYK"], pd.Timestamp("2024-04-22"))
    assert at.to_dict() == {"BOS": -1.5, "MIA": -2.0, "NYK": 0.0}
    # the last game has no box score: nothing known (not the game before it)
    assert term.at(["BOS"], pd.Timestamp("2024-04-25"))["BOS"] == 0.0
    # a game of the morning itself is not read
    assert term.at(["BOS"], pd.Timestamp("2024-04-27"))["BOS"] == 0.0
    assert term.at(["BOS"], pd.Timestamp("2024-04-28"))["BOS"] == -1.0
    both = MorningTerms((term, AvailabilityTerm(lost, 1.0)))
    assert both.at(["MIA"], pd.Timestamp("2024-04-22"))["MIA"] == -6.0


def test_the_availability_part_of_the_morning_terms():
    class Flat:
        def at(self, teams, morning):
            return pd.Series(1.0, index=list(teams))
    lost = pd.DataFrame({"team": ["BOS"], "date": pd.to_datetime(["2024-04-21"]), "lost": [3.0]})
    terms = MorningTerms((Flat(), AvailabilityTerm(lost, 0.5)))
    morning = pd.Timestamp("2024-04-22")
    assert terms.at(["BOS", "MIA"], morning).to_dict() == {"BOS": -0.5, "MIA": 1.0}
    assert terms.availability_at(["BOS", "MIA"], morning).to_dict() == {"BOS": -1.5, "MIA": 0.0}
