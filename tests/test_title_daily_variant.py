"""Title odds judged every day for a variant (src/evaluation/title_daily.py): the ensemble with its
players' playoff record is the ensemble's daily odds with a per-team term added each morning. On a
synthetic league (src/data/synthetic.py): a zero term gives the base odds exactly, a term for one
team moves its odds the right way, the term is asked only for the mornings of playoff days, and
the variant's metrics are written beside the base model's."""
import numpy as np
import pandas as pd
import pytest
from conftest import synthetic_playoffs

from src.evaluation.title_daily import daily_odds, evaluate_title_daily
from src.league.monte_carlo import GameModel
from src.odds.playoff_update import UpdateSetting

FIRST, LAST = 2016, 2018
MODEL = GameModel(home_court=2.5, link="normal", scale=11.5)
SETTING = UpdateSetting(prior_sd=2.0, margin_cap=20.0)


@pytest.fixture(scope="module")
def league(tmp_path_factory):
    return synthetic_playoffs(tmp_path_factory, FIRST, LAST)


class Term:
    """Adds `points` to `team` from the morning `start` on; records the mornings it is asked."""
    def __init__(self, team: str | None = None, points: float = 0.0, start=None):
        self.team, self.points, self.start, self.asked = team, points, start, []

    def at(self, teams, morning):
        self.asked.append(morning)
        out = pd.Series(0.0, index=list(teams))
        if self.team is not None and (self.start is None or morning >= self.start):
            out[self.team] = self.points
        return out


def test_a_zero_term_gives_the_base_odds_and_is_asked_each_playoff_morning(league):
    pre, games, inputs = league
    season = LAST
    played = games[games["season"] == season]
    base = daily_odds(pre.loc[season], played, inputs, season, SETTING, MODEL)
    term = Term()
    with_term = daily_odds(pre.loc[season], played, inputs, season, SETTING, MODEL, term)
    pd.testing.assert_frame_equal(base, with_term)
    assert sorted(term.asked) == sorted(pd.Timestamp(d) for d in played["date"].unique())


def test_a_term_moves_only_the_mornings_it_covers_and_the_right_way(league):
    pre, games, inputs = league
    season = LAST
    played = games[games["season"] == season]
    base = daily_odds(pre.loc[season], played, inputs, season, SETTING, MODEL)
    team = inputs.champions[season]                     # alive every morning
    days = sorted(played["date"].unique())
    start = pd.Timestamp(days[len(days) // 3])
    moved = daily_odds(pre.loc[season], played, inputs, season, SETTING, MODEL, Term(team, 6.0, start))
    early = base["date"] < start
    np.testing.assert_array_equal(moved.loc[early, "p_champion"], base.loc[early, "p_champion"])
    mine = (base["team"] == team) & ~early & (base["p_champion"] < 1)
    assert mine.any()
    assert (moved.loc[mine, "p_champion"] > base.loc[mine, "p_champion"]).all()
    # the check can fail: the same term from the first morning moves the early mornings too
    first = daily_odds(pre.loc[season], played, inputs, season, SETTING, MODEL, Term(team, 6.0))
    assert not np.allclose(first.loc[early, "p_champion"], base.loc[early, "p_champion"])


def test_the_variant_is_judged_beside_its_base_model(league):
    pre, games, inputs = league
    chosen = {"ensemble": {s: SETTING for s in range(FIRST, LAST + 1)}}
    terms = {s: Term() for s in range(FIRST, LAST + 1)}
    metrics, report, tables = evaluate_title_daily({"ensemble": pre}, games, inputs, chosen, MODEL, ["ensemble"],
                                                   {"ensemble_record": ("ensemble", terms)})
    for key in ("log_loss", "n_days", "max_change", "p99_change"):
        assert metrics[f"title_daily.ensemble_record.{key}"] == metrics[f"title_daily.ensemble.{key}"]
    assert set(report["largest_changes"]) == {"ensemble", "ensemble_record"}
    pd.testing.assert_frame_equal(tables["ensemble"], tables["ensemble_record"])


def _box(date, player, team, pm, game):
    return {"season": 2020, "game_id": game, "date": pd.Timestamp(date), "team": team, "player_id": player,
            "minutes": 40.0, "plus_minus": pm, "played": True}


def test_the_mornings_asked_in_advance_equal_the_forecasts_record_term():
    """record_terms (one team_records call per season) gives what the forecast's RecordTerm.at gives
    each morning, the days without box scores included (the term is held as of that game's morning)."""
    from src.evaluation.record_asof import RecordInputs, record_terms
    from src.odds.playoff_record import PlayoffRecordConfig, RecordTerm, roster_shares
    box = pd.DataFrame([_box("2020-04-18", "a1", "AAA", 12.0, "g1"), _box("2020-04-18", "b1", "BBB", -12.0, "g1"),
                        _box("2020-04-20", "a1", "AAA", -3.0, "g2"), _box("2020-04-20", "b1", "BBB", 3.0, "g2")])
    games = pd.DataFrame({"season": 2020, "game_id": ["g1", "g2", "g3", "g4"], "home_team": "AAA", "away_team": "BBB",
                          "date": pd.to_datetime(["2020-04-18", "2020-04-20", "2020-04-22", "2020-04-24"])})
    players = pd.DataFrame({"season": 2020, "player_id": ["a1", "b1"], "team": ["AAA", "BBB"], "final_team": True,
                            "mp": [2500.0, 2500.0], "g": [80, 80]})
    inputs = RecordInputs(box, roster_shares(players, 50.0, 15), games,
                          PlayoffRecordConfig(weight_grid=[0.0, 0.5], shrink_minutes_grid=[100.0]))
    choice = {"shrink_minutes": 100.0, "weight": 0.5}
    terms = record_terms(inputs, {2020: choice}, games)
    term = RecordTerm.of(2020, box, games, inputs.shares, choice)
    seen = []
    for morning in games["date"]:
        ahead, asked = terms[2020].at(["BBB", "AAA"], morning), term.at(["BBB", "AAA"], morning)
        pd.testing.assert_series_equal(ahead, asked, check_names=False)
        seen.append(asked["AAA"])
    assert seen[0] == 0.0 and seen[1] > 0.0                            # nothing before the first game
    assert seen[2] != seen[1]                                          # the second game read the morning after
    assert seen[3] == seen[2]                                          # g3 has no box score: held as of its morning
