"""The state scale of docs/research/series_state_scale.py (issue 27, not adopted): s = 1 is today's
series odds, a decided series stays decided, s shrinks the score's effect toward the 0-0 odds, and
the walk-forward choice reads only earlier seasons."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from docs.research.series_state_scale import choose_scale, scaled, series_prob
from src.league.monte_carlo import GameModel, game_win_prob
from src.league.state import series_win_prob_from

MODEL = GameModel(home_court=2.5, link="normal", scale=12.0)


@pytest.mark.parametrize("diff,score", [(0.0, (1, 0)), (3.0, (0, 2)), (-5.0, (3, 1)), (8.0, (2, 3))])
def test_scale_one_is_todays_odds_and_smaller_scales_shrink_toward_the_start(diff, score):
    ph, pa = game_win_prob(diff + MODEL.home_court, MODEL), game_win_prob(diff - MODEL.home_court, MODEL)
    today, start = series_win_prob_from(ph, pa, *score, 7), series_win_prob_from(ph, pa, 0, 0, 7)
    assert series_prob(diff, score, 1.0, MODEL) == today
    shrunk = [series_prob(diff, score, s, MODEL) for s in (0.9, 0.7, 0.5)]
    distance = [abs(p - start) for p in shrunk]
    assert distance == sorted(distance, reverse=True) and distance[0] < abs(today - start)
    assert all(min(today, start) <= p <= max(today, start) for p in shrunk)


def test_a_decided_series_stays_decided():
    assert scaled(1.0, 0.6, 0.5) == 1.0 and scaled(0.0, 0.6, 0.5) == 0.0
    assert series_prob(4.0, (4, 2), 0.5, MODEL) == 1.0 and series_prob(4.0, (1, 4), 0.5, MODEL) == 0.0


def test_the_choice_for_a_season_reads_only_earlier_seasons():
    seasons = np.repeat([2011, 2012, 2013], 4)
    losses = {s: pd.DataFrame({"season": seasons, "log_loss": np.full(len(seasons), 0.5 + abs(s - 0.8))})
              for s in (0.5, 0.8, 1.0)}
    chosen = choose_scale(losses, [2011, 2012, 2013])
    assert chosen == {2011: 1.0, 2012: 0.8, 2013: 0.8}
    losses[0.5].loc[losses[0.5]["season"] == 2013, "log_loss"] = -10.0    # season 2013 itself
    assert choose_scale(losses, [2013]) == {2013: 0.8}
    losses[0.5].loc[losses[0.5]["season"] == 2012, "log_loss"] = -10.0    # an earlier season
    assert choose_scale(losses, [2013]) == {2013: 0.5}
