"""The real bracket (issue 27 item 4; src/league/real_bracket.py): the first-round pairings a
season's playoff games show ARE its bracket, where they differ from the product's own seeding
(2025's West: record with SRS tie-breaks pairs OKC v GSW, the real series was OKC v MEM) they are
accepted and the difference is said; a bracket file fixes a season whose playoffs have not
started, the play-in included; errors name the file's own line."""
import pytest

from src.data.results_file import read_results
from src.errors import DataError
from src.inference.forecast import build_forecast, real_bracket, season_status
from src.inference.forecast_page import render_page
from src.inference.forecast_report import render_markdown
from src.league.bracket import build_bracket
from src.data.bracket_file import read_bracket_rows
from src.league.real_bracket import bracket_orders, first_round, seed_orders
from src.league.state import bracket_state
from league_2025 import GAMES_2025, REAL_EAST, REAL_WEST, SEASON, teams_2025, write
from test_forecast import CFG, SEASONS, SIM, forecast_inputs, strip_outcomes
from test_forecast import SEASON as SYN_SEASON
from test_forecast_asof import UPDATE


def read_bracket_file(path, season, teams):
    """What the forecast stage does with a bracket file: data/ reads it, league/ checks it."""
    return bracket_orders(read_bracket_rows(path), path, season, teams)


BRACKET_2025 = "conference,seed,team\n" + "".join(
    f"{c},{s},{t}\n" for c, pairs in (("E", REAL_EAST), ("W", REAL_WEST))
    for s, t in [*((k + 1, p[0]) for k, p in enumerate(pairs)), *((8 - k, p[1]) for k, p in enumerate(pairs))])


def _pairs(bracket, conf):
    return {frozenset(p) for p in first_round(seed_orders(bracket)[conf])}


def _games(tmp_path, text=GAMES_2025, teams=None):
    return read_results(write(tmp_path / "results.csv", text), SEASON, teams if teams is not None else teams_2025())


def test_2025_west_real_pairings_replace_the_record_seeding(tmp_path):
    teams = teams_2025()
    product = build_bracket(teams, None, SEASON)
    # the product's own West: issue 27's "OKC v GSW, DEN v LAL, LAC v MIN, HOU v MEM"
    assert _pairs(product, "W") == {frozenset(p) for p in [("OKC", "GSW"), ("DEN", "LAL"), ("LAC", "MIN"), ("HOU", "MEM")]}
    games = _games(tmp_path)
    with pytest.raises(DataError, match=r"results.csv: line 2: LAL v MIN is not a series"):
        bracket_state(product, games, "results.csv")           # what today's forecast did with it
    real, notes = real_bracket(teams, None, SEASON, games, None, "results.csv")
    assert _pairs(real, "W") == {frozenset(p) for p in REAL_WEST}
    assert _pairs(real, "E") == {frozenset(p) for p in REAL_EAST}
    assert seed_orders(real)["W"] == ["OKC", "HOU", "LAL", "DEN", "LAC", "MIN", "GSW", "MEM"]
    assert real.source == "results_file"
    assert len(notes) == 1 and notes[0].startswith("West: the real first round is OKC v MEM, HOU v GSW, "
                                                   "LAL v MIN, DEN v LAC; the product's seeding")
    states = bracket_state(real, games, "results.csv")
    won = {real.teams[s.winner_slot] for s in states if s.round == 1}
    assert won == {"OKC", "GSW", "MIN", "DEN", "CLE", "BOS", "NYK", "IND"}
    # round 2 as the games have it: OKC v DEN and GSW v MIN, each 0-1 for the home-court team
    r2 = {frozenset((real.teams[s.slot_a], real.teams[s.slot_b])): (s.wins_home, s.wins_away)
          for s in states if s.round == 2}
    assert r2[frozenset(("OKC", "DEN"))] == (0, 1) and r2[frozenset(("MIN", "GSW"))] == (0, 1)


def test_the_first_game_of_each_series_is_enough(tmp_path):
    first_eight = "\n".join(GAMES_2025.splitlines()[:9]) + "\n"   # header + 8 games: one per series
    real, _ = real_bracket(teams_2025(), None, SEASON, _games(tmp_path, first_eight), None, "results.csv")
    assert seed_orders(real)["W"] == ["OKC", "HOU", "LAL", "DEN", "LAC", "MIN", "GSW", "MEM"]


def test_play_in_winners_come_from_the_games_or_the_bracket_file(tmp_path):
    """A season still in progress in the data (made_playoffs unknown): by record the East's 8th
    team is ATL; MIA won the play-in. Once its games or the bracket are known the play-in is not
    simulated any more: MIA is in, ATL out."""
    teams = teams_2025(in_progress=True)
    product = build_bracket(teams, None, SEASON)
    assert "ATL" in product.teams and "MIA" not in product.teams
    from_games, notes = real_bracket(teams, None, SEASON, _games(tmp_path, teams=teams), None, "results.csv")
    given = read_bracket_file(write(tmp_path / "bracket.csv", BRACKET_2025), SEASON, teams)
    from_file, file_notes = real_bracket(teams, None, SEASON, None, given, "bracket.csv")
    for real in (from_games, from_file):
        assert "MIA" in real.teams and "ATL" not in real.teams
        assert _pairs(real, "E") == {frozenset(p) for p in REAL_EAST}
        assert _pairs(real, "W") == {frozenset(p) for p in REAL_WEST}
    assert from_file.source == "bracket_file" and seed_orders(from_file) == seed_orders(from_games)
    assert any(n.startswith("East: the real first round is CLE v MIA") for n in notes) and file_notes == notes


@pytest.mark.parametrize("extra, message", [
    # MEM and HOU open their playoffs against each other, so OKC v MEM is not OKC's first series
    ("2025-04-18,HOU,MEM,110,100", r"line 6: OKC v MEM is OKC's first playoff game, but MEM began its "
                                   r"playoffs against HOU \(line 49\)"),
    ("2025-04-18,OKC,CLE,110,100", r"line 49: .* opens both teams' playoffs but they are in different conferences"),
])
def test_impossible_first_rounds_are_refused_with_their_line(tmp_path, extra, message):
    games = _games(tmp_path, GAMES_2025 + extra + "\n")
    with pytest.raises(DataError, match=r"results.csv: " + message):
        real_bracket(teams_2025(), None, SEASON, games, None, "results.csv")


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("W,8,MEM", "W,11,MEM"), r"line 14, column 'seed': '11' is not a seed 1-10 \(1-8 after "
                                                  r"the play-in, 1-10 before it\)"),
    (lambda t: t.replace("W,8,MEM", "W,9,MEM"), r"conference W: seed\(s\) 8, 10 missing"),
    (lambda t: t.replace("W,8,MEM", "W,8,XXX"), r"line \d+, column 'team': 'XXX' is not a team of season 2025"),
    (lambda t: t.replace("W,8,MEM", "W,8,ATL"), r"line \d+: ATL plays in the E, not the W"),
    (lambda t: t.replace("W,8,MEM", "W,7,MEM"), r"line \d+: W seed 7 is already given on line \d+"),
    (lambda t: t.replace("W,8,MEM\n", ""), r"conference W: seed\(s\) 8 missing"),
    (lambda t: t.replace("conference,", "conf,"), r"line 1: missing column\(s\) conference; a bracket "
                                                  r"file's columns are conference, seed, team"),
    (lambda t: "", r"the bracket file is empty"),
])
def test_bracket_file_errors_name_its_line(tmp_path, edit, message):
    with pytest.raises(DataError, match=message):
        read_bracket_file(write(tmp_path / "bracket.csv", edit(BRACKET_2025)), SEASON, teams_2025())


@pytest.fixture(scope="module")
def synthetic_in_progress(synthetic_tables):
    return strip_outcomes(synthetic_tables.team_seasons, SYN_SEASON, in_progress=True), _unplayed(synthetic_tables)


def _unplayed(tables):
    """The series table as it stands for a season not played yet (2025, 2026): without it."""
    return tables.playoff_series[tables.playoff_series["season"] != SYN_SEASON]


def _forecast(teams, series, games=None, given=None, source="results.csv"):
    status = season_status(teams, SYN_SEASON, SEASONS)
    return build_forecast(forecast_inputs(teams, series, update=UPDATE, games=games, source=source, given=given),
                          status, SEASONS, SIM, CFG)


def test_a_bracket_file_ends_the_season_simulation(synthetic_in_progress, tmp_path):
    """Synthetic season in progress: the bracket file puts each conference's 9th team by record in
    place of its 8th; the forecast plays that bracket (no simulated standings or play-in)."""
    teams, series = synthetic_in_progress
    rows = teams[teams["season"] == SYN_SEASON]
    lines = ["conference,seed,team"]
    outsiders = []
    for conf, group in rows.groupby("conference"):
        order = group.sort_values(["win_pct", "srs"], ascending=False)["team"].tolist()
        seeds = order[:7] + [order[8]]
        outsiders.append((order[7], order[8]))
        lines += [f"{conf},{s + 1},{t}" for s, t in enumerate(seeds)]
    given = read_bracket_file(write(tmp_path / "bracket.csv", "\n".join(lines) + "\n"), SYN_SEASON, rows)
    fc = _forecast(teams, series, given=given, source="bracket.csv")
    table = fc.table.set_index("team")
    assert fc.fit["bracket_source"] == "bracket_file" and fc.bracket is not None
    for dropped, added in outsiders:
        assert table.loc[added, "p_playoffs"] == 1.0 and table.loc[dropped, "p_playoffs"] == 0.0
        assert table.loc[dropped, "p_champion"] == 0.0
    assert table["p_champion"].sum() == pytest.approx(1.0)
    assert len(fc.fit["bracket_notes"]) == 2
    md = render_markdown(fc, CFG.top_players)
    assert "The real bracket differs from the product's own seeding:" in md


def test_results_that_differ_from_the_seeding_are_accepted(synthetic_tables, tmp_path):
    """Known field (synthetic 2016): the games pair seed 1 with seed 7 and seed 2 with seed 8;
    the forecast takes that bracket, says so, and plays the series from their scores."""
    teams = strip_outcomes(synthetic_tables.team_seasons, SYN_SEASON, in_progress=False)
    series = _unplayed(synthetic_tables)
    order = seed_orders(build_bracket(teams, series, SYN_SEASON))["E"]
    pairs = [(order[0], order[6]), (order[1], order[7]), (order[2], order[5]), (order[3], order[4])]
    text = "date,home,away,home_pts,away_pts\n" + "".join(
        f"2016-04-{16 + k},{h},{a},{100 + 5 * (k % 2)},{100 + 5 * (1 - k % 2)}\n"
        for h, a in pairs for k in range(2))
    text = "\n".join(sorted(text.splitlines()[1:], key=lambda r: r[:10])) + "\n"
    games = read_results(write(tmp_path / "results.csv", "date,home,away,home_pts,away_pts\n" + text),
                         SYN_SEASON, teams)
    fc = _forecast(teams, series, games)
    assert _pairs(fc.bracket, "E") == {frozenset(p) for p in pairs}
    assert fc.fit["bracket_source"] == "results_file"
    assert [n[:4] for n in fc.fit["bracket_notes"]] == ["East"]
    assert fc.table["p_champion"].sum() == pytest.approx(1.0)
    assert {s.wins_home + s.wins_away for s in fc.playoffs.states if s.round == 1 and s.started} == {2}
    page = render_page(fc, CFG.top_players, None)
    assert f"East: the real first round is {pairs[0][0]} v {pairs[0][1]}" in page


def test_before_the_play_in_only_the_play_in_is_simulated(tmp_path):
    """Bracket file of 2025 before the play-in: East seeds 1-10 (ORL, ATL, CHI, MIA to play it),
    West seeds 1-8 (its play-in done). The East's seeds 1-6 are in, its play-in four share the two
    last places, nobody else gets in; the West plays no play-in."""
    import numpy as np
    from src.league.monte_carlo import GameModel
    from src.league.season_sim import league_from, simulate_season
    teams = teams_2025(in_progress=True)
    east = ["CLE", "BOS", "NYK", "IND", "MIL", "DET", "ORL", "ATL", "CHI", "MIA"]
    text = "conference,seed,team\n" + "".join(f"E,{k + 1},{t}\n" for k, t in enumerate(east)) + \
        "".join(line + "\n" for line in BRACKET_2025.splitlines()[1:] if line.startswith("W"))
    given = read_bracket_file(write(tmp_path / "bracket.csv", text), SEASON, teams)
    assert len(given["E"]) == 10 and len(given["W"]) == 8
    points = teams.set_index("team")["srs"]
    table = simulate_season(league_from(teams, points, SEASON), GameModel(2.5, "normal", 11.5), 4000, 1, 1, 7,
                            given).set_index("team")
    assert (table.loc[east[:6], "p_playoffs"] == 1).all()
    playin = table.loc[east[6:], "p_playoffs"]
    assert playin.sum() == pytest.approx(2.0) and (playin > 0).all() and (playin < 1).all()
    assert table.loc[["TOR", "BRK", "PHI"], "p_playoffs"].sum() == 0
    west = [t for pair in REAL_WEST for t in pair]
    assert (table.loc[west, "p_playoffs"] == 1).all() and table.loc[["SAC", "DAL"], "p_playoffs"].sum() == 0
    assert table["p_playoffs"].sum() == pytest.approx(16) and np.isclose(table["p_champion"].sum(), 1.0)
    # MIA (10th) must win two play-in games, ORL (7th) one of two: ORL is likelier to get in
    assert table.loc["ORL", "p_playoffs"] > table.loc["MIA", "p_playoffs"]
