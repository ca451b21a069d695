"""Availability as of a date (hand-made and synthetic box scores), the availability model, the
no-leak guarantee and the what-if odds (odds without a player move by his contribution)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from src.errors import ConfigError
from src.features.availability import availability, missing_from_last_game
from src.features.availability_model import fit_availability
from src.inference.forecast_roster import parse_unavailable, roster_what_if
from src.inference.what_if import what_if
from src.league.bracket import build_bracket
from src.league.monte_carlo import GameModel, exact_bracket_probs, game_win_prob
from src.data.playoff_games import playoff_games
from src.league.state import bracket_state, series_win_prob_from, state_matrices
from src.data.playoff_box import linked_box_scores

MODEL = GameModel(home_court=2.5, link="normal", scale=12.0)


def _games(dates) -> pd.DataFrame:
    return pd.DataFrame({"season": 2020, "game_id": [f"g{i}" for i in range(1, len(dates) + 1)],
                         "date": pd.to_datetime(dates), "home_team": "AAA", "away_team": "BBB",
                         "home_pts": 100, "away_pts": 90, "home_won": True})


def _line(game, player, minutes=30.0, reason=None, comment=""):
    return {"season": 2020, "game_id": game, "team": "AAA", "player_id": player, "reason": reason,
            "comment": comment, "minutes": minutes, "date": None}


ROSTER = pd.DataFrame({"season": 2020, "team": "AAA", "player_id": ["star", "bench", "hurt", "gone"],
                       "player": ["Star", "Bench", "Hurt", "Gone"], "mp": [3000.0, 400.0, 2000.0, 1500.0],
                       "contribution": [4.0, 0.5, 1.5, 1.0]})


def _hand_box() -> pd.DataFrame:
    rows = [_line("g1", "star"), _line("g1", "bench", 0.0, "coach", "DNP - Coach's Decision"),
            _line("g1", "hurt"), _line("g1", "gone"),
            _line("g2", "star"), _line("g2", "bench", 5.0),
            _line("g2", "hurt", 0.0, "injury", "DND - Injury/Illness"),       # 'gone' not listed: absent
            _line("g3", "star"), _line("g3", "hurt", 0.0, "injury", "DND - Injury/Illness")]
    return pd.DataFrame(rows)


def test_availability_from_a_hand_made_box_score():
    games = _games(["2020-04-18", "2020-04-20", "2020-04-22"])
    table = availability(_hand_box(), games, ROSTER, 2020, pd.Timestamp("2020-04-21")).set_index("player_id")
    assert table.loc["star", "status"] == "played" and table.loc["star", "played_recent"] == 2
    assert table.loc["bench", "status"] == "played" and table.loc["bench", "played_recent"] == 1
    assert table.loc["hurt", "status"] == "injury" and table.loc["hurt", "missed_in_row"] == 1
    assert table.loc["hurt", "comment"] == "DND - Injury/Illness"
    assert table.loc["gone", "status"] == "absent"
    assert (table["last_game"] == "g2").all()                      # g3 is after the as-of date
    assert table["share"].sum() == pytest.approx(1.0)
    assert table.loc["star", "share"] == pytest.approx(4.0 / 7.0)
    later = availability(_hand_box(), games, ROSTER, 2020, pd.Timestamp("2020-04-22")).set_index("player_id")
    assert later.loc["hurt", "missed_in_row"] == 2
    assert later.loc["gone", "status"] == "absent" and later.loc["gone", "missed_in_row"] == 2
    missing = missing_from_last_game(later.reset_index())
    # largest contribution first; 'bench' is absent from g3 and in this 4-man rotation
    assert list(missing["player_id"]) == ["hurt", "gone", "bench"]
    early = missing_from_last_game(table.reset_index())
    assert list(early["player_id"]) == ["hurt", "gone"]           # a coach's decision is not a loss


def test_a_game_without_box_score_is_unknown_not_missed():
    games = _games(["2020-04-18", "2020-04-20", "2020-04-22", "2020-04-24"])    # g4: no box rows
    table = availability(_hand_box(), games, ROSTER, 2020, None).set_index("player_id")
    assert (table["status"] == "unknown").all() and (table["missed_in_row"] == 0).all()
    assert missing_from_last_game(table.reset_index()).empty


def test_availability_model_rates_come_from_the_seasons_it_is_given():
    games = _games(["2020-04-18", "2020-04-20", "2020-04-22"])
    model = fit_availability(_hand_box(), games, ROSTER, [2020])
    # rotation (all four here) after a played game: g1->g2 star, bench(coach g1 -> counted as coach),
    # hurt misses g2, gone absent g2; g2->g3: star plays, hurt misses again, gone absent again
    p, n = model.p_miss(1, "injury")
    assert n == 2 and p == pytest.approx((2 + model.pooled) / 3)
    assert fit_availability(_hand_box(), games, ROSTER, [2019]) is None


# ---- the synthetic league: bracket, box scores, odds ----
SEASON = 2016


@pytest.fixture(scope="module")
def league(synthetic_tables, synthetic_raw_dir):
    teams, players = synthetic_tables.team_seasons, synthetic_tables.player_seasons
    games = playoff_games(synthetic_raw_dir, teams, 1997)
    box, _ = linked_box_scores(synthetic_raw_dir, games, teams, players, 0.99)
    bracket = build_bracket(teams, synthetic_tables.playoff_series, SEASON)
    rows = players[(players["season"] == SEASON) & players["final_team"]]
    roster = rows.assign(contribution=rows["mp"] / 1000.0)[["season", "team", "player_id", "player", "mp",
                                                            "contribution"]]
    srs = teams[teams["season"] == SEASON].set_index("team")["srs"].astype(float)
    return games, box, players, roster, bracket, srs


def _as_of_mid_first_round(games):
    season = games[games["season"] == SEASON].sort_values("date")
    return pd.Timestamp(season["date"].iloc[len(season) // 4])


def test_box_scores_after_the_as_of_date_are_never_read(league):
    games, box, players, roster, bracket, srs = league
    as_of = _as_of_mid_first_round(games)
    star = roster.sort_values("mp").iloc[-1]
    known = games[(games["season"] != SEASON) | (games["date"] <= as_of)]
    states = bracket_state(bracket, known[known["season"] == SEASON], "games")

    def run(b):
        return roster_what_if(b, games, players, roster, SEASON, as_of, [f"{star.team}: {star.player}"],
                              bracket, srs, states, MODEL)
    clean = run(box)
    assert not clean.availability.empty and star.player in set(clean.odds["player"])
    later = (box["season"] == SEASON) & (box["date"] > as_of)
    corrupt = box.copy()
    corrupt.loc[later, "reason"] = "injury"                           # everyone hurt after the date
    corrupt.loc[later, "minutes"] = 0.0
    corrupt = corrupt.drop(corrupt.index[later & (corrupt["player_id"] == star.player_id)])
    dirty = run(corrupt)
    pd.testing.assert_frame_equal(clean.availability, dirty.availability)
    pd.testing.assert_frame_equal(clean.odds, dirty.odds)


def test_what_if_odds_move_by_what_the_contribution_says(league):
    games, box, players, roster, bracket, srs = league
    states = bracket_state(bracket, games[(games["season"] == SEASON)].iloc[:0], "games")
    series = states[0]                                   # a first-round series, 0-0
    team, other = bracket.teams[series.home_slot], bracket.teams[series.slot_b]
    c = 3.0
    odds = what_if(srs, bracket, MODEL, states, pd.DataFrame(
        {"team": [team, team], "player": ["X", "Zero"], "contribution": [c, 0.0], "why": ["", ""]})).set_index("player")
    diff = srs[team] - srs[other]
    expected = {d: series_win_prob_from(game_win_prob(d + MODEL.home_court, MODEL),
                                        game_win_prob(d - MODEL.home_court, MODEL), 0, 0, 7) for d in (diff, diff - c)}
    assert odds.loc["X", "p_series_with"] == pytest.approx(expected[diff])
    assert odds.loc["X", "p_series_without"] == pytest.approx(expected[diff - c])
    assert odds.loc["X", "p_series_without"] < odds.loc["X", "p_series_with"]
    strength = np.array(srs.loc[list(bracket.teams)], dtype=float)
    strength[series.home_slot] -= c
    title = exact_bracket_probs(strength, bracket.home_priority, MODEL,
                                matrices=state_matrices(strength, bracket, MODEL, states))[series.home_slot, -1]
    assert odds.loc["X", "p_title_without"] == pytest.approx(title)
    assert odds.loc["Zero", "p_title_without"] == pytest.approx(odds.loc["Zero", "p_title_with"])
    assert odds.loc["X", "opponent"] == other and odds.loc["X", "series_round"] == 1


def test_unavailable_names_are_checked_against_the_roster():
    roster = pd.DataFrame({"season": 2023, "team": "PHI", "player_id": ["embiijo01", "tuckepj01"],
                           "player": ["Joel Embiid", "P.J. Tucker"], "mp": [2000.0, 1800.0],
                           "contribution": [4.0, 0.3]})
    out = parse_unavailable(["PHI: joel embiid", "PHI: PJ Tucker"], roster, 2023)
    assert list(out["player_id"]) == ["embiijo01", "tuckepj01"]
    with pytest.raises(ConfigError, match=r"'Joel Embid' is not on PHI's 2023 roster \(Joel Embiid, P.J. Tucker\)"):
        parse_unavailable(["PHI: Joel Embid"], roster, 2023)
    with pytest.raises(ConfigError, match=r"'BOS' is not a team of season 2023"):
        parse_unavailable(["BOS: Jayson Tatum"], roster, 2023)
    with pytest.raises(ConfigError, match=r"is not 'TEAM: Player Name'"):
        parse_unavailable(["Joel Embiid"], roster, 2023)


def test_implied_margin_inverts_the_series_probability():
    from src.evaluation.availability_asof import implied_margin
    from src.odds.series_likelihood import series_home_win_prob
    margin = np.array([-9.0, -1.5, 0.0, 2.0, 7.5])
    best_of = np.array([7, 7, 5, 7, 7])
    p = series_home_win_prob(margin, np.zeros(5), best_of, MODEL)
    assert implied_margin(p, best_of, MODEL) == pytest.approx(margin, abs=1e-6)


def test_the_page_section_names_the_missing_player_with_both_odds(league):
    from src.inference.roster_page import roster_html, roster_markdown
    games, box, players, roster, bracket, srs = league
    as_of = _as_of_mid_first_round(games)
    states = bracket_state(bracket, games[(games["season"] == SEASON) & (games["date"] <= as_of)], "games")
    star = roster.sort_values("mp").iloc[-1]
    rw = roster_what_if(box, games, players, roster, SEASON, as_of, [f"{star.team}: {star.player}"],
                        bracket, srs, states, MODEL)
    row = rw.odds.set_index("player").loc[star.player]
    page, md = roster_html(rw), "\n".join(roster_markdown(rw))
    for text in (page, md):
        assert star.player in text and f"{100 * row.p_title_with:.1f}% / {100 * row.p_title_without:.1f}%" in text
    assert "stated unavailable" in md and f"as of {as_of:%Y-%m-%d}" in md.lower()
