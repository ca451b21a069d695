"""Issue 19: each row of its table (bad data and bad params that used to pass with exit 0)
is refused with an error naming file, column and row (or the param key).

Range rows run on copies of the real files (skipped without them); cross-file rows on the
synthetic league 2011..2013 (fast); params rows on params.yaml with one value changed."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb
import yaml

from src.config import DataConfig, data_config, load_params
from src.data import schema
from src.data.download import ensure_raw_data
from src.data.ingest import build_tables
from src.data.playoffs import clean_games
from src.data.readers import read_csv
from src.data.sources import RawSource
from src.data.team_seasons import read_team_summaries, season_teams
from src.errors import ConfigError, DataError
from src.odds.config import simulation_config
from src.params import parse_params
from test_params import _with
from src.models.model_b.files import load_xgb
from src.utils.model_files import XGB_PLAYOFF, XGB_RANKER, xgb_json_bytes

REPO = Path(__file__).resolve().parents[1]
PARAMS = load_params(REPO / "params.yaml")
FIRST, LAST = 2011, 2013
SYNTHETIC_SHARE = 0.6     # the synthetic league's teams: 0.69-1.0 of their minutes
PLAYER_FILES = ("Player Play By Play.csv", "Player Shooting.csv", "Player Season Info.csv",
                "Per 100 Poss.csv")


@pytest.fixture(scope="module")
def league(tmp_path_factory) -> Path:
    from src.data.synthetic import generate_league
    return generate_league(tmp_path_factory.mktemp("issue19_league"), seed=0,
                           first_season=FIRST, last_season=LAST)


@pytest.fixture
def raw(league: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(league, tmp_path / "raw"))


def _edit(path: Path, change, encoding: str = "utf-8") -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    changed = change(df)
    (df if changed is None else changed).to_csv(path, index=False, encoding=encoding)


def _error(raw: Path) -> str:
    with pytest.raises(DataError) as exc:
        build_tables(raw, FIRST, SYNTHETIC_SHARE)
    return str(exc.value)


# ---- ranges: the values on the real files ----
@pytest.mark.realdata
@pytest.mark.parametrize("spec, column, value, where", [
    (schema.TEAM_SUMMARIES, "srs", "999", {"season": "2025", "abbreviation": "OKC"}),
    (schema.TEAM_SUMMARIES, "pace", "1e6", {"season": "2025", "abbreviation": "OKC"}),
    (schema.PLAYER_PBP, "on_court_plus_minus_per_100_poss", "9999", {"season": "2026"}),
    (schema.PLAYER_PBP, "age", "-5", {"season": "2026"}),
    (schema.PLAYER_PBP, "pg_percent", "250", {"season": "2026"}),
    (schema.PLAYER_SHOOTING, "fg_percent", "5.0", {"season": "2026"}),
])
def test_value_out_of_range_on_the_real_file(real_raw_dir: Path, tmp_path: Path, spec, column,
                                             value, where) -> None:
    shutil.copy(real_raw_dir / spec.name, tmp_path / spec.name)
    frame = pd.read_csv(tmp_path / spec.name, dtype=str, keep_default_na=False,
                        encoding=spec.encoding)
    row = int(np.flatnonzero(np.logical_and.reduce([frame[k] == v for k, v in where.items()]))[0])
    frame.loc[row, column] = value
    frame.to_csv(tmp_path / spec.name, index=False, encoding=spec.encoding)
    with pytest.raises(DataError) as exc:
        read_csv(tmp_path, spec)
    msg = str(exc.value)
    assert spec.name in msg and f"column '{column}'" in msg and f"row {row + 2}" in msg
    assert f"{float(value):g} is out of range" in msg


# ---- cross-file consistency (synthetic league) ----
@pytest.mark.parametrize("file", ["Per 100 Poss.csv", "Player Shooting.csv",
                                  "Player Season Info.csv"])
def test_unknown_team_in_one_player_file_only(raw: Path, file: str) -> None:
    _edit(raw / file, lambda df: df.__setitem__("team", df["team"].where(df.index != 5, "XXX")))
    msg = _error(raw)
    assert file in msg and "column 'team'" in msg and "row 7" in msg and "'XXX'" in msg


def test_player_row_missing_from_one_file_in_a_finished_season(raw: Path) -> None:
    _edit(raw / "Per 100 Poss.csv", lambda df: df.drop(index=4))
    msg = _error(raw)
    assert "Per 100 Poss.csv" in msg and "has no row in" in msg and "column 'player_id'" in msg


def test_one_team_of_a_finished_season_at_76_games(raw: Path) -> None:
    def change(df):
        i = df.index[(df["season"] == str(LAST)) & (df["abbreviation"] == "ATL")][0]
        df.loc[i, ["w", "l"]] = ["46", "30"]
    _edit(raw / "Team Summaries.csv", change)
    msg = _error(raw)
    assert "Team Summaries.csv" in msg and "team ATL" in msg and "76 games (46-30)" in msg
    assert f"season {LAST}" in msg and "played 82" in msg


def test_team_records_disagree_with_team_summaries(raw: Path) -> None:
    def change(df):
        i = df.index[(df["Season"] == f"{LAST - 1}-{str(LAST)[2:]}")
                     & df["Team"].str.startswith("Boston")][0]
        df.loc[i, "W"], df.loc[i, "L"] = str(int(df.loc[i, "W"]) + 1), str(int(df.loc[i, "L"]) - 1)
    _edit(raw / "Team_Records.csv", change, encoding="utf-8-sig")
    msg = _error(raw)
    assert "Team_Records.csv" in msg and "column 'W'/'L'" in msg and "team BOS" in msg
    assert "Team Summaries.csv has" in msg


def test_player_row_copied_under_a_new_id_in_every_file(raw: Path) -> None:
    for file in PLAYER_FILES:
        _edit(raw / file, lambda df: df.loc.__setitem__(
            len(df), df.loc[3].replace({df.loc[3, "player_id"]: "copy9901"})))
    msg = _error(raw)
    assert "Player Play By Play.csv" in msg and "duplicate rows" in msg and "player" in msg


def test_names_garbled_by_a_wrong_encoding_round_trip(raw: Path) -> None:
    garbled = "Sasha Danilović".encode("utf-8").decode("cp1252")      # 'Sasha DaniloviÄ‡'
    for file in PLAYER_FILES:
        _edit(raw / file, lambda df: df.__setitem__(
            "player", df["player"].where(df.index != 2, garbled)))
    msg = _error(raw)
    assert "Player Play By Play.csv" in msg and "column 'player'" in msg and "row 4" in msg
    assert "wrong encoding" in msg and "Danilović" in msg


# ---- playoff results that add up (real game file) ----
@pytest.mark.realdata
@pytest.mark.parametrize("swap_points", [False, True])
def test_game_7_of_cle_orl_2024_swapped(real_raw_dir: Path, swap_points: bool) -> None:
    teams = read_team_summaries(real_raw_dir, 1997)
    raw = read_csv(real_raw_dir, schema.PLAYOFF_GAMES)
    game = raw["GAME_ID"] == "0042300137"
    raw.loc[game, "WL"] = raw.loc[game, "WL"].map({"W": "L", "L": "W"})
    if swap_points:      # ORL "won" 106-94: every game adds up, the bracket does not
        raw.loc[game, "PTS"] = raw.loc[game, "PTS"].to_numpy()[::-1]
    path = real_raw_dir / schema.PLAYOFF_GAMES.name
    with pytest.raises(DataError) as exc:
        clean_games(raw, season_teams(teams), path, 1997)
    msg = str(exc.value)
    assert schema.PLAYOFF_GAMES.name in msg and "row" in msg
    if swap_points:
        assert "CLE plays round 2 but did not win a round-1 series" in msg
    else:
        assert "column 'PTS'" in msg and "0042300137" in msg


# ---- params ----
@pytest.mark.parametrize("path, value, shown", [
    ("simulation.home_court", float("nan"), "simulation.home_court"),
    ("simulation.scale", float("inf"), "simulation.scale"),
    ("model_a_selection.grid", {"epochs": [-5, 60]}, "model_a_selection.grid.epochs: candidate -5"),
    ("forecast.season", 2031, "forecast.season = 2031"),
    ("model_a.value_prior", {"on_court_plus_minus_per_100_poss": float("nan")},
     "model_a.value_prior.on_court_plus_minus_per_100_poss"),
])
def test_bad_params_stop_validate_params(path: str, value, shown: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_params(_with(path, value))
    assert shown in str(exc.value)


def test_forecast_stage_reads_no_nan_home_court() -> None:
    """`python -m stages.forecast` reads its sections itself: .nan is refused there too."""
    with pytest.raises(ConfigError, match="simulation.home_court.*finite"):
        simulation_config(_with("simulation.home_court", float("nan")))


def test_checksum_switch_is_a_dependency_of_download() -> None:
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]
    assert "data.accept_changed_checksums" in stages["download"]["params"]


def test_offline_changed_file_says_what_differs_and_how_to_accept(tmp_path: Path) -> None:
    (tmp_path / "good.csv").write_bytes(b"season\n2024\n")          # edited locally
    source = RawSource("good.csv", "owner/repo", "abc1234", "good.csv", "0" * 64)
    cfg = data_config(_with("data.download_retries", 0))
    with pytest.raises(DataError) as exc:        # port 9 on loopback: connection refused
        ensure_raw_data(tmp_path, cfg, [source], base_url="http://127.0.0.1:9", backoff_s=0)
    msg = str(exc.value)
    assert msg.index("differs from the pinned source") < msg.index("could not")
    assert "accept_changed_checksums: true" in msg and "NBA_RAW_DIR" in msg


def test_swapped_xgboost_files_are_refused(tmp_path: Path) -> None:
    X = np.arange(40, dtype=float).reshape(20, 2)
    booster = xgb.XGBRegressor(n_estimators=2, n_jobs=1).fit(X, X[:, 0]).get_booster()
    ranker, playoff = tmp_path / "model_b_xgb.json", tmp_path / "model_b_xgb_playoff.json"
    ranker.write_bytes(xgb_json_bytes(booster, XGB_RANKER))
    playoff.write_bytes(xgb_json_bytes(booster, XGB_PLAYOFF))
    assert load_xgb(playoff, "reg:squarederror", XGB_PLAYOFF).predict(X).shape == (20,)
    with pytest.raises(DataError, match="expected a 'model_b_xgb' model file.*'model_b_xgb_playoff'"):
        load_xgb(playoff, "reg:squarederror")            # the playoff file where the ranker goes
    with pytest.raises(DataError, match="expected a 'model_b_xgb_playoff' model file"):
        load_xgb(ranker, "reg:squarederror", XGB_PLAYOFF)


def test_nba_raw_dir_comment_matches_the_code(monkeypatch, tmp_path: Path) -> None:
    """params.yaml says what NBA_RAW_DIR does: a local copy download copies from; the path
    every stage reads stays data.raw_dir (DVC tracks it)."""
    line = next(l for l in (REPO / "params.yaml").read_text().splitlines() if "raw_dir:" in l)
    assert "overrides" not in line
    monkeypatch.setenv("NBA_RAW_DIR", str(tmp_path))
    cfg: DataConfig = data_config(PARAMS)
    assert cfg.resolved_raw_dir() == Path(PARAMS["data"]["raw_dir"])
    assert cfg.local_source() == tmp_path


def test_a_checkpoint_of_another_kind_is_refused_by_the_model_a_loader(tmp_path: Path) -> None:
    import torch
    from src.models.model_a.predict import load_model_a
    path = tmp_path / "model_a.pt"
    torch.save({"nba_model_kind": XGB_RANKER, "model_state": {}, "feature_spec": {}}, path)
    with pytest.raises(DataError, match="expected a 'model_a' model file.*'model_b_xgb'"):
        load_model_a(path)
