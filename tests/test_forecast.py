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
from src.odds.config import SimulationConfig
from src.inference.forecast import ForecastConfig, ForecastInputs, build_forecast, season_status, top_players
from src.inference.forecast_files import write_forecast
from src.inference.forecast_report import pct, print_forecast, render_markdown
from src.odds.config import game_model
from src.odds.fits import OddsFits, ensemble_fits
from src.training.targets import season_targets
from src.models.stacker.config import StackingConfig
from src.training.train_stacking import final_history, fit_final_stacker, with_target
from league_b import ORDER_STACKER

SEASON = 2016
SEASONS = SeasonsConfig(first_train=1998, first_test=2006, last_test=2015, n_oof_folds=2, n_val_seasons=1)
STACKING = StackingConfig(models=["model_a", "xgb", "rf"], alphas=[0.1, 1.0, 10.0], target="order", **ORDER_STACKER)
SIM = SimulationConfig(championship_odds_method="monte_carlo", n_sims=4000, seed=1, home_court=2.5,
                       link="normal", scale=11.5, calibrate_to="srs", temperature=True,
                       temperature_bounds=[0.05, 20.0])
CFG = ForecastConfig(season=SEASON, top_players=3, schedules=20, as_of=None, playoff_results="",
                     unavailable=[])
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
        games = 58 + np.arange(rows.sum()) % 4
        wins = np.round(out.loc[rows, "win_pct"].to_numpy() * games).astype(int)
        out.loc[rows, "g"], out.loc[rows, "wins"], out.loc[rows, "losses"] = games, wins, games - wins
        out.loc[rows, "win_pct"] = wins / games
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
    hist = fake_scores(teams, SEASONS.known_seasons, seed=1)
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


def saved_fits(teams: pd.DataFrame, series: pd.DataFrame, history: pd.DataFrame, update=None):
    """What the stack and evaluate stages save for the forecast: the final stacker and the odds fits."""
    rows = final_history(history, SEASONS.last_test)
    targets = season_targets(teams, sorted(rows["season"].unique().tolist()))
    stacker = fit_final_stacker(with_target(rows, targets), STACKING, None, None, SEASONS.first_test)
    odds = ensemble_fits(history, "score_ensemble", SEASONS.last_test, [], [], [], teams, series, None,
                         SIM, update, False, game_model(SIM))
    return stacker, odds


def forecast_inputs(teams: pd.DataFrame, series: pd.DataFrame, level1: pd.DataFrame | None = None,
                    update=None, games: pd.DataFrame | None = None, source: str = "",
                    given: dict[str, list[str]] | None = None) -> ForecastInputs:
    history = fake_history(teams)
    stacker, odds = saved_fits(teams, series, history, update)
    level1 = fake_scores(teams, [SEASON], seed=2) if level1 is None else level1
    return ForecastInputs(teams, series, history, level1, fake_attention(teams, SEASON), stacker, odds,
                          games, source, given)


def run_forecast(teams: pd.DataFrame, series: pd.DataFrame, allow_known: bool = False):
    status = season_status(teams, SEASON, SEASONS, allow_known)
    return build_forecast(forecast_inputs(teams, series), status, SEASONS, SIM, CFG)


@pytest.fixture(scope="module")
def in_progress(synthetic_tables):
    teams = strip_outcomes(synthetic_tables.team_seasons, SEASON, in_progress=True)
    return teams, run_forecast(teams, synthetic_tables.playoff_series)


def test_in_progress_season_is_simulated_to_its_end(in_progress):
    teams, fc = in_progress
    table = fc.table
    season_teams = teams[teams["season"] == SEASON]
    assert len(table) == len(season_teams) == 30
    assert table["seed"].isna().all()               # the field is simulated, not fixed
    # 16 playoff teams, 12 top-6 seeds and 8 play-in teams per simulated season (2016 < 2021: no
    # play-in, so 16 teams are seeded 1-8 straight away)
    assert table["p_playoffs"].sum() == pytest.approx(16)
    assert table["p_top6"].sum() == pytest.approx(12)
    assert (table["p_playin"] == 0).all()
    assert np.isclose(table["p_champion"].sum(), 1.0)
    for r, total in zip(range(1, 5), (8, 4, 2, 1)):
        assert table[f"p_round{r}"].sum() == pytest.approx(total)
    # every team ends with 82 games; projected wins stay between wins to date and wins + games left
    assert (table["games_left"] == 82 - table["g"]).all()
    assert (table["wins_lo"] >= table["wins"]).all() and (table["wins_hi"] <= table["wins"] + table["games_left"]).all()
    assert (table["wins_lo"] <= table["wins_mean"]).all() and (table["wins_mean"] <= table["wins_hi"]).all()
    # every remaining game has one winner and one loser (this synthetic league's odd total leaves
    # one game unpaired, counted for one side only: at most one extra win)
    left = table["games_left"].sum()
    assert left % 2 == 1
    assert 0 <= (table["wins_mean"] - table["wins"]).sum() - (left - 1) / 2 <= 1
    assert sorted(table["rank"]) == list(range(1, 31))
    for _, group in table.groupby("conference"):
        assert sorted(group["conf_rank"]) == list(range(1, len(group) + 1))
    assert fc.fit["stacker"]["seasons"] == [SEASONS.first_train, SEASONS.last_test]
    assert fc.fit["odds"]["n_fit_seasons"] == SEASONS.last_test - SEASONS.first_train + 1
    assert fc.fit["bracket_source"] == "season_simulation" and fc.bracket is None


def test_in_progress_report_wording(in_progress, tmp_path):
    _, fc = in_progress
    md = render_markdown(fc, CFG.top_players)
    assert "in progress" in md and "58-61 games" in md and "21-24 left" in md
    assert "simulated 4,000 times on 20 drawn schedules" in md
    assert "tempered" not in md and "raw MC" not in md         # temperature: none in-season
    assert "P(title)" in md and "proj. W-L" in md and "P(playoffs)" in md
    console = Console(record=True, width=140)
    print_forecast(fc, console)
    printed = console.export_text()
    assert "58-61 games played; rest of the season simulated" in printed
    assert fc.table["team"].iloc[0] in printed
    paths = write_forecast(fc, tmp_path, CFG.top_players)
    assert [p.name for p in paths] == ["forecast_2016.md", "forecast_2016.csv", "forecast_2016.parquet",
                                       "forecast_2016.html"]
    csv = pd.read_csv(tmp_path / "forecast_2016.csv")
    assert len(csv) == 30 and {"p_champion", "p_playoffs", "wins_mean", "rank", "conf_rank", "player_1",
                                "attention_1"} <= set(csv.columns)
    assert csv.loc[csv["team"] == csv["team"].iloc[0], "player_1"].iloc[0].endswith("P0")


def test_known_field_is_used_and_not_called_a_snapshot(synthetic_tables):
    teams = strip_outcomes(synthetic_tables.team_seasons, SEASON, in_progress=False)
    fc = run_forecast(teams, synthetic_tables.playoff_series)
    made = teams[(teams["season"] == SEASON) & teams["made_playoffs"].astype(bool)]["team"]
    assert set(fc.table.loc[fc.table["seed"].notna(), "team"]) == set(made)
    assert set(fc.table.loc[fc.table["p_playoffs"] == 1, "team"]) == set(made)
    assert np.isclose(fc.table["p_champion"].sum(), 1.0)
    assert (fc.table["wins_mean"] == fc.table["wins"]).all() and (fc.table["games_left"] == 0).all()
    md = render_markdown(fc, CFG.top_players)
    assert "snapshot" not in md and "regular season complete (82 games)" in md
    # temperature on (SIM): the text says so, and names it
    assert "tempered by T = " in md


def test_percentages_keep_long_shots_visible():
    assert [pct(0.0), pct(0.0004), pct(0.123)] == ["0.0%", "<0.1%", "12.3%"]


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
    inputs = forecast_inputs(teams, synthetic_tables.playoff_series, level1)
    with pytest.raises(DataError, match=r"season 2016: column score_model_a .* team\(s\)"):
        build_forecast(inputs, status, SEASONS, SIM, CFG)


FIT_FUNCTIONS = {"src.models.stacker.ridge.RidgeStacker.fit", "src.models.stacker.series.SeriesStacker.select",
                 "src.models.stacker.estimator.Stacker.fit", "src.models.model_b.ranker.RankerXgb.fit",
                 "src.models.model_b.playoff.PlayoffXgb.fit", "src.models.model_b.forest.Forest.fit",
                 "src.odds.title_odds.fit_season_odds", "src.odds.title_odds.fit_score_map",
                 "src.odds.title_odds.fit_temperature", "src.odds.strength_calibration.fit_points_map",
                 "src.odds.strength_calibration.fit_series_map", "src.odds.game_asof.setting_for_season",
                 "src.odds.playoff_update.candidate_losses", "src.odds.fits.final_fit",
                 "src.odds.game_asof.choose_setting", "src.odds.game_asof.series_candidate_nll"}


@pytest.mark.parametrize("in_progress_season", [True, False])
def test_the_forecast_fits_nothing(synthetic_tables, monkeypatch, in_progress_season):
    """Every fit was made by the stage that chose it: with each fitting function raising, the
    forecast of a season in progress and of a known field still runs, on the saved fits."""
    teams = strip_outcomes(synthetic_tables.team_seasons, SEASON, in_progress=in_progress_season)
    inputs = forecast_inputs(teams, synthetic_tables.playoff_series)

    def refuse(*args, **kwargs):
        raise AssertionError("the forecast fitted something")
    for name in FIT_FUNCTIONS:
        monkeypatch.setattr(name, refuse)
    fc = build_forecast(inputs, season_status(teams, SEASON, SEASONS), SEASONS, SIM, CFG)
    assert np.isclose(fc.table["p_champion"].sum(), 1.0)
    assert fc.fit["odds"]["slope"] == inputs.odds_fits.final["slope"]
    assert fc.fit["stacker"] == inputs.stacker.report


def test_saved_fits_round_trip(synthetic_tables, tmp_path):
    """The stacker and odds-fit files give back the same predictions and fits."""
    teams = strip_outcomes(synthetic_tables.team_seasons, SEASON, in_progress=False)
    inputs = forecast_inputs(teams, synthetic_tables.playoff_series)
    stacker = type(inputs.stacker).load(inputs.stacker.save(tmp_path / "stacker.json"))
    level1 = inputs.level1
    assert np.array_equal(stacker.predict(level1), inputs.stacker.predict(level1))
    odds = OddsFits.load(inputs.odds_fits.save(tmp_path / "odds.json"))
    assert odds == inputs.odds_fits
    with pytest.raises(DataError, match="expected a 'odds_fits' model file"):
        OddsFits.load(tmp_path / "stacker.json")
