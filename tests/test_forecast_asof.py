"""A forecast as of a date in the playoffs (synthetic league): a user's minimal results file is
validated, decided series give 0/1 odds, a series in progress enters from its score, games after
the as-of date are not read, and the page shows the bracket and the title-odds path."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from src.errors import DataError
from src.inference.forecast import build_forecast, season_status
from src.inference.forecast_asof import read_playoff_results
from src.inference.forecast_page import render_page
from src.odds.playoff_update import PlayoffUpdateConfig
from src.utils.browser import find_browser, visit
from test_forecast import CFG, SEASON, SEASONS, SIM, forecast_inputs, strip_outcomes

UPDATE = PlayoffUpdateConfig(prior_sd_grid=[0.0, 2.0], margin_cap_grid=[20.0], default_prior_sd=2.5,
                             default_margin_cap=20.0, validation_seasons=2)


@pytest.fixture(scope="module")
def field(synthetic_tables):
    teams = strip_outcomes(synthetic_tables.team_seasons, SEASON, in_progress=False)
    return teams, synthetic_tables.playoff_series


def _forecast(teams, series, games, cfg=CFG):
    status = season_status(teams, SEASON, SEASONS)
    inputs = forecast_inputs(teams, series, update=UPDATE, games=games, source="results.csv")
    return build_forecast(inputs, status, SEASONS, SIM, cfg)


def _csv(tmp_path, rows) -> pd.DataFrame:
    path = tmp_path / "results.csv"
    pd.DataFrame(rows, columns=["date", "home", "away", "home_pts", "away_pts"]).to_csv(path, index=False)
    return path


def _series_games(home, away, wins_home, wins_away, start="2016-04-16"):
    day, rows = pd.Timestamp(start), []
    for k in range(wins_home + wins_away):
        won = k < wins_home
        rows.append([f"{day + pd.Timedelta(days=k):%Y-%m-%d}", home, away, 100 + 8 * won, 100 + 8 * (not won)])
    return rows


def test_minimal_results_file_errors_name_file_row_and_column(field, tmp_path):
    teams, _ = field
    t = teams.loc[teams["season"] == SEASON, "team"].tolist()
    bad_team = _csv(tmp_path, [["2016-04-16", t[0], "XXX", 100, 90]])
    with pytest.raises(DataError, match=r"results.csv: line 2, column 'away': 'XXX'"):
        read_playoff_results(bad_team, SEASON, teams, 1997)
    bad_date = _csv(tmp_path, [["16/04/2016", t[0], t[1], 100, 90]])
    with pytest.raises(DataError, match=r"line 2, column 'date'"):
        read_playoff_results(bad_date, SEASON, teams, 1997)
    bad_pts = _csv(tmp_path, [["2016-04-16", t[0], t[1], 100, "ninety"]])
    with pytest.raises(DataError, match=r"line 2, column 'away_pts'"):
        read_playoff_results(bad_pts, SEASON, teams, 1997)


def test_decided_and_in_progress_series_from_a_results_file(field, tmp_path):
    teams, series = field
    before = _forecast(teams, series, None)
    b = before.bracket
    rows = _series_games(b.teams[0], b.teams[1], 4, 0) + _series_games(b.teams[2], b.teams[3], 1, 3)
    games = read_playoff_results(_csv(tmp_path, rows), SEASON, teams, 1997)
    fc = _forecast(teams, series, games)
    odds = fc.table.set_index("team")
    assert odds.loc[b.teams[0], "p_round1"] == 1.0 and odds.loc[b.teams[1], "p_round1"] == 0.0
    # slot 2 trails 1-3 with home court: it must win games 5, 6 and 7
    p_trailing = odds.loc[b.teams[2], "p_round1"]
    assert 0.0 < p_trailing < 0.3
    assert np.isclose(fc.table["p_champion"].sum(), 1.0)
    assert "strength_asof" in fc.table and fc.playoffs.setting == UPDATE.default
    page = render_page(fc, 3, None)
    assert "The bracket as of 2016-04-19" in page and f"{b.teams[0]} 4-0 {b.teams[1]} ({b.teams[0]} won)" in page
    assert "Title odds through the playoffs" in page and "<polyline" in page
    if find_browser() is not None:          # what a reader sees: rendered offline, no script error
        path = tmp_path / "page.html"
        path.write_text(page)
        shot = visit(path, tmp_path / "page.png", (1280, 2400))
        assert not shot.external_requests and not shot.script_errors
        assert f"{b.teams[2]} 1-3 {b.teams[3]} (game 5 at {b.teams[2]})" in shot.dom


def test_games_after_the_as_of_date_are_not_read(field, tmp_path):
    teams, series = field
    b = _forecast(teams, series, None).bracket
    early = _series_games(b.teams[0], b.teams[1], 2, 0)
    games_early = read_playoff_results(_csv(tmp_path, early), SEASON, teams, 1997)
    late = early + _series_games(b.teams[0], b.teams[1], 0, 2, start="2016-04-20")
    games_late = read_playoff_results(_csv(tmp_path, late), SEASON, teams, 1997)
    cfg = replace(CFG, as_of="2016-04-17")
    a = _forecast(teams, series, games_early, cfg)
    c = _forecast(teams, series, games_late, cfg)
    pd.testing.assert_series_equal(a.table["p_champion"], c.table["p_champion"])
    assert a.playoffs.as_of == pd.Timestamp("2016-04-17") and len(c.playoffs.games) == 2


def test_a_game_the_bracket_does_not_allow_is_refused(field, tmp_path):
    teams, series = field
    b = _forecast(teams, series, None).bracket
    # slot 0 meets slot 2 only in round 2, after both won their round-1 series
    games = read_playoff_results(_csv(tmp_path, _series_games(b.teams[0], b.teams[2], 1, 0)), SEASON, teams, 1997)
    with pytest.raises(DataError, match=r"results.csv: line 2: .* is not a series"):
        _forecast(teams, series, games)


def test_the_saved_playoff_record_moves_the_as_of_strength_by_its_term_and_reads_no_later_day(field, tmp_path):
    from src.odds.fits import OddsFits
    from src.odds.playoff_record import roster_shares
    teams, series = field
    b = _forecast(teams, series, None).bracket
    games = read_playoff_results(_csv(tmp_path, _series_games(b.teams[0], b.teams[1], 2, 2)), SEASON, teams, 1997)
    star, rival = b.teams[0], b.teams[1]
    box = pd.DataFrame({"season": SEASON, "game_id": games["game_id"], "date": games["date"], "team": star,
                        "player_id": "p_star", "minutes": 40.0, "plus_minus": [12.0, 8.0, -900.0, -900.0],
                        "played": True})
    players = pd.DataFrame({"season": SEASON, "player_id": ["p_star", "p_two", "p_rival"],
                            "team": [star, star, rival], "final_team": True, "mp": [3000.0, 1000.0, 2500.0],
                            "g": [80, 40, 80]})
    cfg = replace(CFG, as_of="2016-04-17")                   # two games known, the -900s not yet played

    def run(box_scores, choice):
        inputs = forecast_inputs(teams, series, update=UPDATE, games=games, source="results.csv")
        fits = inputs.odds_fits
        patch = (lambda f: {**f, "playoff_record": choice}) if choice else (lambda f: f)
        inputs.odds_fits = OddsFits(fits.in_points, {s: patch(f) for s, f in fits.seasons.items()}, patch(fits.final))
        inputs.box, inputs.shares = box_scores, roster_shares(players, 50.0, 15)
        return build_forecast(inputs, season_status(teams, SEASON, SEASONS), SEASONS, SIM, cfg)

    without = run(box, None).playoffs.strength
    with_record = run(box, {"shrink_minutes": 250.0, "weight": 0.5})
    moved = with_record.playoffs.strength - without
    share = 37.5 / (37.5 + 25.0)                              # minutes per game over the roster's sum
    assert moved[star] == pytest.approx(0.5 * share * 48 * 20.0 / (80.0 + 250.0))
    assert (moved.drop(star) == 0.0).all()
    # the box scores of the days after the as-of date corrupted: the forecast does not move
    later = box.assign(plus_minus=np.where(box["date"] >= pd.Timestamp("2016-04-18"), 5e3, box["plus_minus"]))
    again = run(later, {"shrink_minutes": 250.0, "weight": 0.5})
    pd.testing.assert_series_equal(again.playoffs.strength, with_record.playoffs.strength)
    pd.testing.assert_series_equal(again.table["p_champion"], with_record.table["p_champion"])


def test_the_saved_game_variant_and_title_damping_are_applied(field, tmp_path):
    """A saved variant without the record leaves the record out; the saved title damping moves the
    round and title odds (strengths pre + k x update) but not the game strengths or spreads."""
    from src.odds.fits import OddsFits
    from src.odds.playoff_record import roster_shares
    teams, series = field
    b = _forecast(teams, series, None).bracket
    games = read_playoff_results(_csv(tmp_path, _series_games(b.teams[0], b.teams[1], 3, 0)), SEASON, teams, 1997)
    star = b.teams[0]
    box = pd.DataFrame({"season": SEASON, "game_id": games["game_id"], "date": games["date"], "team": star,
                        "player_id": "p_star", "minutes": 40.0, "plus_minus": 12.0, "played": True})
    players = pd.DataFrame({"season": SEASON, "player_id": ["p_star"], "team": [star], "final_team": True,
                            "mp": [3000.0], "g": [80]})
    record = {"shrink_minutes": 250.0, "weight": 0.5}

    def run(extra):
        inputs = forecast_inputs(teams, series, update=UPDATE, games=games, source="results.csv")
        fits = inputs.odds_fits
        patch = lambda f: {**f, "playoff_record": record, **extra}      # noqa: E731
        inputs.odds_fits = OddsFits(fits.in_points, {s: patch(f) for s, f in fits.seasons.items()}, patch(fits.final))
        inputs.box, inputs.shares = box, roster_shares(players, 50.0, 15)
        return build_forecast(inputs, season_status(teams, SEASON, SEASONS), SEASONS, SIM, CFG)

    with_record = run({}).playoffs
    plain = run({"game_variant": {"variant": "ensemble_plain"}}).playoffs
    chosen_record = run({"game_variant": {"variant": "ensemble_record"}}).playoffs
    pd.testing.assert_series_equal(chosen_record.strength, with_record.strength)
    assert plain.strength[star] < with_record.strength[star]          # the record's +12s left out
    damped = run({"game_variant": {"variant": "ensemble_plain"}, "title_damping": 0.5}).playoffs
    pd.testing.assert_series_equal(damped.strength, plain.strength)   # the games keep the whole update
    moved = plain.strength - plain.pre
    assert moved.abs().max() > 0.1
    pd.testing.assert_series_equal(damped.title_strength, plain.pre + 0.5 * moved, check_names=False)
    assert not np.allclose(damped.rounds, plain.rounds)
    last = damped.path["date"].max()
    assert not np.allclose(damped.path.loc[damped.path["date"] == last, "p_champion"],
                           plain.path.loc[plain.path["date"] == last, "p_champion"])
    # the page says what the round and title odds play (and says nothing when they play all of it)
    from src.inference.forecast_playoffs import bracket_html
    assert "count 50% of each team" in bracket_html(damped, b)
    assert "of each team" not in bracket_html(plain, b)
