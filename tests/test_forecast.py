"""Forecast of a season without outcomes, on the synthetic league (src/data/synthetic.py).

The league's last season (2016) is stripped of its outcomes, once as a season in progress
(made_playoffs unknown, ~60 games) and once as a finished regular season with a known field.
Level-1 scores here are hand-made (SRS / win% plus noise) so the tests stay fast; the
tiny-models test in test_forecast_models.py runs the real model files.
"""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from src.training.signals import with_signals
from src.config import SeasonsConfig
from src.errors import DataError
from src.inference.config import SimulationConfig
from src.inference.forecast import ForecastConfig, build_forecast, season_status, top_players
from src.inference.forecast_report import _pct, print_forecast, render_markdown, write_forecast
from src.training.train_stacking import StackingConfig
from league_b import ORDER_STACKER

SEASON = 2016
SEASONS = SeasonsConfig(first_train=1998, first_test=2006, last_test=2015, n_oof_folds=2, n_val_seasons=1)
STACKING = StackingConfig(models=["model_a", "xgb", "rf"], alphas=[0.1, 1.0, 10.0], target="order", **ORDER_STACKER)
SIM = SimulationConfig(championship_odds_method="monte_carlo", n_sims=4000, seed=1, home_court=2.5,
                       link="normal", scale=11.5, calibrate_to="srs", temperature=True,
                       temperature_bounds=[0.05, 20.0])
CFG = ForecastConfig(season=SEASON, top_players=3)
OUTCOME_COLUMNS = ["series_won", "champion", "post_playoff_rank", "relevance"]


def strip_outcomes(teams: pd.DataFrame, season: int, in_progress: bool) -> pd.DataFrame:
    """The season as the data holds 2025 (field known) or 2026 (in progress, 58-61 games)."""
    out = teams.copy()
    rows = out["season"] == season
    out.loc[rows, "outcome_known"] = False
    for col in OUTCOME_COLUMNS:
        out.loc[rows, col] = pd.NA
    if in_progress:
        out.loc[rows, "made_playoffs"] = pd.NA
        out.loc[rows, "g"] = 58 + np.arange(rows.sum()) % 4
    return out


def fake_scores(teams: pd.DataFrame, seasons: list[int], seed: int) -> pd.DataFrame:
    """Level-1 scores that follow SRS / win% with noise: what trained models roughly produce."""
    rng = np.random.default_rng(seed)
    rows = teams[teams["season"].isin(seasons)][["season", "team", "srs", "win_pct"]].reset_index(drop=True)
    out = rows[["season", "team"]].copy()
    out["score_model_a"] = rows["srs"] + rng.normal(scale=2.0, size=len(rows))
    out["score_xgb"] = rows["win_pct"] * 10 + rng.normal(scale=1.0, size=len(rows))
    out["score_rf"] = rows["srs"] / 20 + rng.normal(scale=0.1, size=len(rows))
    out["score_xgb_playoff"] = rows["srs"] + rng.normal(scale=3.0, size=len(rows))
    return out


def fake_history(teams: pd.DataFrame) -> pd.DataFrame:
    hist = fake_scores(teams, list(range(SEASONS.first_train, SEASONS.last_test + 1)), seed=1)
    hist["split"] = np.where(hist["season"] < SEASONS.first_test, "oof", "test")
    hist["score_ensemble"] = hist[["score_model_a", "score_xgb", "score_rf"]].rank(pct=True).mean(axis=1)
    # the stack stage also writes the stacker's linear signals (params stacking.signals)
    return with_signals(hist, teams, ["srs", "win_pct"], 11.5)


def fake_attention(teams: pd.DataFrame, season: int) -> pd.DataFrame:
    rows = []
    for team in teams.loc[teams["season"] == season, "team"]:
        weights = np.array([0.4, 0.3, 0.2, 0.1])
        for slot, w in enumerate(weights):
            rows.append(dict(season=season, team=team, player_id=f"{team}{slot}", player=f"{team} P{slot}",
                             slot=slot, attention=w, minutes_share=0.25, fallback=False))
    return pd.DataFrame(rows)


def run_forecast(teams: pd.DataFrame, series: pd.DataFrame, allow_known: bool = False):
    status = season_status(teams, SEASON, SEASONS, allow_known)
    return build_forecast(teams, series, fake_history(teams), fake_scores(teams, [SEASON], seed=2),
                          fake_attention(teams, SEASON), status, SEASONS, STACKING, SIM, CFG)


@pytest.fixture(scope="module")
def in_progress(synthetic_tables):
    teams = strip_outcomes(synthetic_tables.team_seasons, SEASON, in_progress=True)
    return teams, run_forecast(teams, synthetic_tables.playoff_series)


def test_in_progress_probabilities_and_field(in_progress):
    teams, fc = in_progress
    table = fc.table
    season_teams = teams[teams["season"] == SEASON]
    assert len(table) == len(season_teams) == 30
    field = table[table["seed"].notna()]
    assert len(field) == 16
    assert field.groupby("conference").size().to_dict() == {"E": 8, "W": 8}
    assert np.isclose(table["p_champion"].sum(), 1.0)
    # P(win >= r series) summed over the field: 8 round-1 winners, 4, 2, 1 champion
    for r, total in zip(range(1, 5), (8, 4, 2, 1)):
        assert table[f"p_round{r}"].sum() == pytest.approx(total)
    assert (table.loc[table["seed"].isna(), ["p_round1", "p_champion"]] == 0).all().all()
    # the projected field is the top 8 by win% in each conference
    for conf, group in season_teams.groupby("conference"):
        top8 = set(group.sort_values(["win_pct", "srs"], ascending=False)["team"].head(8))
        assert set(field.loc[field["conference"] == conf, "team"]) == top8
    assert sorted(table["rank"]) == list(range(1, 31))
    for _, group in table.groupby("conference"):
        assert sorted(group["conf_rank"]) == list(range(1, len(group) + 1))
    assert fc.fit["stacker"]["seasons"] == [SEASONS.first_train, SEASONS.last_test]
    assert fc.fit["odds"]["n_fit_seasons"] == SEASONS.last_test - SEASONS.first_train + 1
    assert fc.fit["bracket_source"] == "seeding_rules"     # never the season's own series


def test_in_progress_report_wording(in_progress, tmp_path):
    _, fc = in_progress
    md = render_markdown(fc, CFG.top_players)
    assert "in progress" in md and "snapshot of regular-season data to date" in md
    assert "58-61 games" in md
    assert "play-in" in md and "not modelled" in md
    console = Console(record=True, width=140)
    print_forecast(fc, console)
    printed = console.export_text()
    assert "snapshot, 58-61 games played" in printed and fc.table["team"].iloc[0] in printed
    paths = write_forecast(fc, tmp_path, CFG.top_players)
    assert [p.name for p in paths] == ["forecast_2016.md", "forecast_2016.csv", "forecast_2016.parquet"]
    csv = pd.read_csv(tmp_path / "forecast_2016.csv")
    assert len(csv) == 30 and {"p_champion", "rank", "conf_rank", "player_1", "attention_1"} <= set(csv.columns)
    assert csv.loc[csv["team"] == csv["team"].iloc[0], "player_1"].iloc[0].endswith("P0")


def test_known_field_is_used_and_not_called_a_snapshot(synthetic_tables):
    teams = strip_outcomes(synthetic_tables.team_seasons, SEASON, in_progress=False)
    fc = run_forecast(teams, synthetic_tables.playoff_series)
    made = teams[(teams["season"] == SEASON) & teams["made_playoffs"].astype(bool)]["team"]
    assert set(fc.table.loc[fc.table["seed"].notna(), "team"]) == set(made)
    assert np.isclose(fc.table["p_champion"].sum(), 1.0)
    md = render_markdown(fc, CFG.top_players)
    assert "snapshot" not in md and "regular season complete (82 games)" in md


def test_percentages_keep_long_shots_visible():
    assert [_pct(0.0), _pct(0.0004), _pct(0.123)] == ["0.0%", "<0.1%", "12.3%"]


def test_refuses_a_season_not_in_the_data(synthetic_tables):
    with pytest.raises(DataError, match="season 2030 is not in the data"):
        season_status(synthetic_tables.team_seasons, 2030, SEASONS)


def test_refuses_a_season_with_known_outcomes_unless_allowed(synthetic_tables):
    teams = synthetic_tables.team_seasons
    with pytest.raises(DataError, match=r"season 2016 has known playoff outcomes.*evaluate.*--allow-known"):
        season_status(teams, SEASON, SEASONS)
    status = season_status(teams, SEASON, SEASONS, allow_known=True)
    assert status.outcome_known and not status.in_progress and not status.models_saw_season
    assert "Backtest" in render_markdown(replace(run_forecast(teams, synthetic_tables.playoff_series,
                                                              allow_known=True), status=status), 3)


def test_top_players_by_attention_worked_by_hand():
    att = pd.DataFrame({"season": 2026, "team": ["A"] * 4 + ["B"] * 2,
                        "player": ["a1", "a2", "a3", "a4", "b1", "b2"],
                        "attention": [0.1, 0.5, 0.3, 0.1, 0.7, 0.3],
                        "minutes_share": [0.4, 0.2, 0.2, 0.2, 0.5, 0.5]})
    top = top_players(att, 2026, 3).set_index("team")
    assert list(top.loc["A", ["player_1", "player_2", "player_3"]]) == ["a2", "a3", "a1"]  # tie: more minutes
    assert top.loc["A", "minutes_share_3"] == 0.4
    assert list(top.loc["B", ["player_1", "player_2"]]) == ["b1", "b2"] and pd.isna(top.loc["B", "player_3"])


def test_missing_team_score_is_a_clear_error(synthetic_tables):
    teams = strip_outcomes(synthetic_tables.team_seasons, SEASON, in_progress=True)
    level1 = fake_scores(teams, [SEASON], seed=2).iloc[1:]
    status = season_status(teams, SEASON, SEASONS)
    with pytest.raises(DataError, match=r"season 2016: column score_model_a .* team\(s\)"):
        build_forecast(teams, synthetic_tables.playoff_series, fake_history(teams), level1,
                       fake_attention(teams, SEASON), status, SEASONS, STACKING, SIM, CFG)
