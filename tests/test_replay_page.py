"""The page of a forecast as of a playoff date (issue 27 item 5), on the synthetic league: the header
says what is known, the bracket comes before the teams table, a Games section gives the next game
of each live series, the odds chart stops at the as-of date, and P(play-in) follows the field."""
from dataclasses import replace

import numpy as np
import pandas as pd

from src.inference.forecast_asof import read_playoff_results
from src.inference.forecast_games import last_games, next_games
from src.inference.forecast_odds import playin_from_field
from src.inference.forecast_page import render_page
from src.inference.forecast_report import status_lines
from src.league.monte_carlo import game_win_prob
from test_forecast import CFG, SEASON
from test_forecast_asof import _csv, _forecast, _series_games, field  # noqa: F401  (fixture)


def test_header_bracket_games_and_chart_as_of_a_date(field, tmp_path):  # noqa: F811
    teams, series = field
    b = _forecast(teams, series, None).bracket
    rows = (_series_games(b.teams[0], b.teams[1], 2, 1) + _series_games(b.teams[2], b.teams[3], 4, 0)
            + _series_games(b.teams[0], b.teams[1], 1, 0, start="2016-04-25"))
    games = read_playoff_results(_csv(tmp_path, rows), SEASON, teams, 1997)
    fc = _forecast(teams, series, games, replace(CFG, as_of="2016-04-19"))
    assert status_lines(fc)[0].startswith("**As of 2016-04-19: regular season and 7 playoff games**")
    page = render_page(fc, 3, None)
    assert "playoff results are not in the data" not in page
    assert page.index("The bracket as of 2016-04-19") < page.index('id="teams"')
    # the next game of the live series: game 4 at the lower seed's home, its P from the strengths
    upcoming = next_games(fc.playoffs, fc.bracket)
    live = upcoming[upcoming["series"] == f"{b.teams[0]} 2-1 {b.teams[1]}"].iloc[0]
    assert (live["game"], live["home_team"], live["away_team"]) == (4, b.teams[1], b.teams[0])
    game = fc.playoffs.setting.game_model(fc.playoffs.model)
    s = fc.playoffs.strength
    margin = s[b.teams[1]] - s[b.teams[0]] + game.home_court
    assert live["spread"] == np.float64(margin) and np.isclose(live["p_home"], game_win_prob(np.array([margin]), game)[0])
    assert "<h2>Games</h2>" in page and f"{b.teams[1]} {-margin:+.1f}" in page
    # the chart stops at the as-of date; the later day is only in the separate, labelled part
    assert "Afterwards: what happened (not part of the forecast)" in page
    first_chart = page[page.index("Title odds through the playoffs"):page.index("Afterwards")]
    assert "Apr 25" not in first_chart


def test_last_games_use_only_earlier_days(field, tmp_path):  # noqa: F811
    teams, series = field
    b = _forecast(teams, series, None).bracket
    rows = _series_games(b.teams[0], b.teams[1], 3, 0)
    games = read_playoff_results(_csv(tmp_path, rows), SEASON, teams, 1997)
    fc = _forecast(teams, series, games)
    first = last_games(fc.playoffs).iloc[0]
    # game 1: nothing known that morning, so the pre-playoff strengths
    pre = fc.playoffs.pre
    game = fc.playoffs.setting.game_model(fc.playoffs.model)
    assert np.isclose(first["spread"], pre[b.teams[0]] - pre[b.teams[1]] + game.home_court)


def test_playin_follows_the_field_not_the_record_order():
    # equal records 47-35: the field seeded ORL 5th and PHI 7th (rules the data lacks)
    table = pd.DataFrame({"team": ["ORL", "PHI", "MIA", "CHI", "ATL", "BRK"],
                          "seed": pd.array([5, 7, 8, pd.NA, pd.NA, pd.NA], dtype="Int64")})
    season_teams = pd.DataFrame({"season": 2024, "team": table["team"], "conference": "E",
                                 "win_pct": [0.573, 0.573, 0.561, 0.476, 0.439, 0.390],
                                 "srs": [1.0, 2.8, 2.4, -1.1, -1.7, -3.9]})
    out = dict(zip(table["team"], playin_from_field(table, season_teams)))
    assert out == {"ORL": 0.0, "PHI": 1.0, "MIA": 1.0, "CHI": 1.0, "ATL": 1.0, "BRK": 0.0}
