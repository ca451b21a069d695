"""The forecast stage end to end with real (tiny) model files, on the synthetic league.

Model A and Model B are trained through their engineers' APIs with tiny settings and saved
where the stage reads them; scores.parquet is the hand-made history of test_forecast.py. The
stage runs in a temporary working directory, so the repo's data/ and reports/ stay untouched.
"""
import argparse
import copy
from dataclasses import replace

import pandas as pd
import pytest
import yaml

from src.config import load_params
from src.errors import DataError
from src.features.config import team_feature_config
from src.features.roster import select_rosters
from src.features.team_features import build_team_features
from src.models.model_a.config import model_a_configs
from src.features.config import roster_config
from src.odds.config import game_model, simulation_config
from src.odds.fits import ensemble_fits
from src.odds.playoff_update import playoff_update_config
from src.models.model_a.fit import FitTask, SeriesData, fit_model_a
from src.models.model_a.series_targets import series_by_season
from src.models.model_b.config import model_b_config
from src.training.targets import TARGET_COLUMNS, season_targets
from src.data.playoff_box import linked_box_scores
from src.data.playoff_games import playoff_games
from src.league.series import observed_series
from src.models.model_b.model import ModelB
from src.models.model_b.playoff import PlayoffRows
from src.models.stacker.config import stacking_config
from src.training.train_stacking import final_history, fit_final_stacker
from stages import forecast as stage
from test_forecast import SEASON, SEASONS, fake_history, strip_outcomes

MODEL_SEASONS = list(range(2010, SEASONS.last_test + 1))   # enough for a tiny fit


def tiny_params() -> dict:
    params = copy.deepcopy(load_params(stage.Path(__file__).resolve().parents[1] / "params.yaml"))
    params["seasons"].update(first_train=SEASONS.first_train, first_test=SEASONS.first_test,
                             last_test=SEASONS.last_test, n_oof_folds=2, n_val_seasons=1)
    params["model_a"].update(epochs=2, encoder_hidden=[8, 8], attention_heads=2, embedding_dim=4,
                             num_embeddings=256, attention_collapse_action="log", refit_on_all=False)
    params["model_b"]["xgb"].update(n_estimators=5)
    params["model_b"]["rf"].update(n_estimators=10)
    params["simulation"].update(n_sims=2000)
    params["forecast"]["season"] = SEASON
    return params


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, synthetic_tables, synthetic_raw_dir):
    """A working directory holding every input the forecast stage reads."""
    root = tmp_path_factory.mktemp("forecast_stage")
    params = tiny_params()
    params["data"]["raw_dir"] = str(synthetic_raw_dir)     # the playoff game file
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    teams = strip_outcomes(synthetic_tables.team_seasons, SEASON, in_progress=True)
    players = synthetic_tables.player_seasons
    games = playoff_games(synthetic_raw_dir, synthetic_tables.team_seasons, 1997)
    box, _ = linked_box_scores(synthetic_raw_dir, games, synthetic_tables.team_seasons, players, 0.99)
    for rel, frame in [(stage.TEAMS, teams), (stage.PLAYERS, players), (stage.BOX_SCORES, box),
                       (stage.SERIES, synthetic_tables.playoff_series), (stage.SCORES, fake_history(teams)),
                       (stage.FEATURES, build_team_features(teams, players, team_feature_config(params)))]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(root / rel, index=False)
    _train_models(root, params, teams, players)
    _save_fits(root, params, teams, synthetic_tables.playoff_series)
    return root


def _save_fits(root, params, teams, series) -> None:
    """The stack stage's final stacker and the evaluate stage's odds fits (no per-season choice
    on this hand-made history: each test season gets the playoff update's default)."""
    history = pd.read_parquet(root / stage.SCORES)
    cfg, sim = stacking_config(params), simulation_config(params)
    rows = final_history(history, SEASONS.last_test)
    played = observed_series(teams, series, sorted(rows["season"].unique().tolist()))
    fit_final_stacker(rows, cfg, played, game_model(sim), SEASONS.first_test).save(root / stage.STACKER)
    ensemble_fits(history, "score_ensemble", SEASONS.last_test, SEASONS.test_seasons, [], [], teams, series,
                  None, sim, playoff_update_config(params), True, game_model(sim)).save(root / stage.ODDS_FITS)


def _train_models(root, params, teams, players) -> None:
    model_cfg, train_cfg = model_a_configs(params["model_a"])
    roster_cfg = roster_config(params)
    rosters = select_rosters(players, MODEL_SEASONS, roster_cfg)
    series = SeriesData(series_by_season(teams, None, MODEL_SEASONS),
                        game_model(simulation_config(params)))
    fit = fit_model_a(FitTask.of(rosters, teams, MODEL_SEASONS, model_cfg, train_cfg, roster_cfg, 1, series))
    fit.trainer.save_checkpoint(root / stage.MODEL_A)
    features = pd.read_parquet(root / stage.FEATURES)
    rows = features[features["season"].isin(MODEL_SEASONS)].merge(
        season_targets(teams, MODEL_SEASONS), on=["season", "team"])
    X = rows[[c for c in features.columns if c not in ("season", "team")]]
    series = observed_series(teams, pd.read_parquet(root / stage.SERIES), MODEL_SEASONS)
    trainer = ModelB(model_b_config(params)).fit(
        X, rows[TARGET_COLUMNS], rows["season"].to_numpy(),
        playoff=PlayoffRows(teams=rows["team"].to_numpy(), series=series))
    trainer.save(root / stage.XGB_MODEL, root / stage.RF_MODEL, root / stage.XGB_PLAYOFF_MODEL)


def _args(season=None, allow_known=False) -> argparse.Namespace:
    return argparse.Namespace(params="params.yaml", season=season, allow_known=allow_known, quiet=True,
                              as_of=None)


def test_stage_writes_the_forecast_from_model_files(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    written = stage.run(_args())
    assert [p.name for p in written] == ["forecast_2016.md", "forecast_2016.csv", "forecast_2016.parquet",
                                         "forecast_2016.html"]
    table = pd.read_parquet(workdir / "reports" / "forecast_2016.parquet")
    assert len(table) == 30 and table["p_playoffs"].sum() == pytest.approx(16)   # simulated field
    assert table["p_champion"].sum() == pytest.approx(1.0)
    assert table[["score_model_a", "score_xgb", "score_xgb_playoff", "score_rf",
                  "score_ensemble"]].notna().all().all()
    # stacking.objective series: the ensemble is the strength in points the simulator used
    assert table["strength_points"].to_numpy() == pytest.approx(table["score_ensemble"].to_numpy())
    # Model A names three real players of each team by contribution (points), attention beside
    players = pd.read_parquet(workdir / stage.PLAYERS)
    roster = players[players["season"] == SEASON].groupby("team")["player"].apply(set)
    assert all(row.player_1 in roster[row.team] for row in table.itertuples())
    assert table["attention_1"].between(0, 1).all()
    assert (table["contribution_1"] >= table["contribution_2"]).all()
    assert (table["contribution_2"] >= table["contribution_3"]).all()
    md = (workdir / "reports" / "forecast_2016.md").read_text()
    assert "is in progress" in md and "rest of the regular season is simulated" in md


def test_stage_refuses_known_and_missing_seasons(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    with pytest.raises(DataError, match="known playoff outcomes"):
        stage.run(_args(season=2015))
    with pytest.raises(DataError, match="not in the data"):
        stage.run(_args(season=2031))
    written = stage.run(_args(season=2015, allow_known=True))      # a backtest of the mechanics
    md = written[0].read_text()
    assert written[0].name == "forecast_2015.md" and "Backtest" in md
    # the out-of-sample status is said once: a replay's strengths are its walk-forward forecast
    assert ("Out of sample: the ratings" in md) != ("not an out-of-sample" in md)
    assert "Out of sample: the ratings" in md and "fits on seasons" in md



def test_only_the_stacked_model_b_files_are_read(workdir):
    """A stacker without the forest needs no forest file (and one without XGBoost no booster)."""
    from src.inference.forecast_scores import model_b_scores
    features = pd.read_parquet(workdir / stage.FEATURES)
    absent = workdir / "models" / "absent.file"
    paths = {"xgb": workdir / stage.XGB_MODEL, "rf": absent, "xgb_playoff": absent}
    objective = model_b_config(tiny_params()).objective
    only_xgb = model_b_scores(["model_a", "xgb"], paths, objective, features, SEASON)
    assert list(only_xgb.columns) == ["season", "team", "score_xgb"] and len(only_xgb) == 30
    only_rf = model_b_scores(["rf"], {"xgb": absent, "rf": workdir / stage.RF_MODEL}, objective, features, SEASON)
    assert list(only_rf.columns) == ["season", "team", "score_rf"]
    with pytest.raises(DataError, match=r"absent.file: Model B file not found"):
        model_b_scores(["xgb", "rf"], paths, objective, features, SEASON)


def test_level1_scores_read_one_inputs_object(workdir, monkeypatch):
    """Level1Inputs carries the season, tables and settings; its model files default to the
    registry's artifacts.py paths (read from the working directory); only stacked models are scored."""
    from src.inference.forecast_scores import Level1Inputs, level1_scores
    from src.models.model_a.config import model_a_configs
    monkeypatch.chdir(workdir)
    params = tiny_params()
    model_cfg, train_cfg = model_a_configs(params["model_a"])
    task = Level1Inputs(["model_a", "rf"], SEASON, pd.read_parquet(stage.PLAYERS),
                        pd.read_parquet(stage.FEATURES), model_b_config(params).objective,
                        train_cfg.num_threads, model_cfg)
    assert task.model_files["rf"] == stage.RF_MODEL and task.model_files["model_a"] == stage.MODEL_A
    scores, attention = level1_scores(task)
    assert list(scores.columns) == ["season", "team", "score_model_a", "score_rf"] and len(scores) == 30
    assert scores[["score_model_a", "score_rf"]].notna().all().all() and not attention.empty
    with pytest.raises(DataError, match="absent.file: Model B file not found"):
        level1_scores(replace(task, model_files={**task.model_files, "rf": workdir / "models" / "absent.file"}))
