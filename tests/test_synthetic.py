"""The synthetic league: deterministic, accepted by ingest, and its outcomes follow its truth."""
from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest

from src.data import schema
from src.data.conferences import conference_of
from src.data.ingest import build_tables
from src.data.synthetic import TRUTH_PLAYERS, TRUTH_TEAMS, generate_league

RAW_FILES = ["Team Summaries.csv", "Team Abbrev.csv", "Team_Records.csv", "play_off_totals_2010_2024.csv",
             "Player Play By Play.csv", "Player Shooting.csv", "Player Season Info.csv",
             "All-Star Selections.csv"]


def _truth(raw_dir) -> pd.DataFrame:
    return pd.read_csv(raw_dir / TRUTH_TEAMS)


def test_same_seed_same_files_other_seed_other_league(tmp_path):
    a = generate_league(tmp_path / "a", seed=3, first_season=2010, last_season=2012)
    b = generate_league(tmp_path / "b", seed=3, first_season=2010, last_season=2012)
    c = generate_league(tmp_path / "c", seed=4, first_season=2010, last_season=2012)
    names = RAW_FILES + [TRUTH_TEAMS, TRUTH_PLAYERS]
    match, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    assert match == names and not mismatch and not errors
    assert not filecmp.cmp(a / TRUTH_TEAMS, c / TRUTH_TEAMS, shallow=False)


def test_headers_match_the_real_files(synthetic_raw_dir, real_raw_dir):
    for name in RAW_FILES:
        ours = pd.read_csv(synthetic_raw_dir / name, nrows=0, encoding="utf-8-sig").columns.tolist()
        real = pd.read_csv(real_raw_dir / name, nrows=0, encoding="utf-8-sig").columns.tolist()
        assert ours == real, name


def test_ingest_accepts_the_league(synthetic_tables):
    teams, players, series = (synthetic_tables.team_seasons, synthetic_tables.player_seasons,
                              synthetic_tables.playoff_series)
    per_season = teams.groupby("season").size()
    assert per_season.loc[1997:2004].eq(29).all() and per_season.loc[2005:2016].eq(30).all()
    assert teams["post_playoff_rank"].notna().all()
    assert players.groupby("season")["player_id"].nunique().min() >= 29 * 13 - 30
    # the game file covers 2010-11..2023-24: 15 series a season from 2011 to 2016
    assert series.groupby("season").size().to_dict() == {s: 15 for s in range(2011, 2017)}


def test_ingested_outcomes_equal_the_truth(synthetic_raw_dir, synthetic_tables):
    merged = synthetic_tables.team_seasons.merge(_truth(synthetic_raw_dir), on=["season", "team"],
                                                 suffixes=("", "_truth"), validate="1:1")
    assert len(merged) == 29 * 8 + 30 * 12
    assert (merged["champion"] == merged["champion_truth"]).all()
    assert (merged["series_won"] == merged["series_won_truth"]).all()
    assert (merged["conference"] == merged["conference_truth"]).all()
    assert (merged["made_playoffs"] == (merged["seed"] > 0)).all()
    assert merged.groupby("season")["champion"].sum().eq(1).all()


def test_teams_and_conferences_are_those_of_the_realignment_table(synthetic_raw_dir):
    truth = _truth(synthetic_raw_dir)
    assert all(conference_of(t, s) == c for s, t, c in truth[["season", "team", "conference"]].itertuples(index=False))
    assert set(truth.loc[truth["season"] == 2016, "team"]) >= {"BRK", "CHO", "NOP", "OKC", "MEM"}
    assert set(truth.loc[truth["season"] == 1997, "team"]) >= {"NJN", "CHH", "SEA", "VAN", "WSB"}


def test_stronger_true_teams_win_more(synthetic_raw_dir, synthetic_tables):
    merged = synthetic_tables.team_seasons.merge(_truth(synthetic_raw_dir), on=["season", "team"],
                                                 suffixes=("", "_truth"))
    rho = merged[["true_strength", "win_pct"]].corr(method="spearman").iloc[0, 1]
    assert rho > 0.8
    top = merged.loc[merged.groupby("season")["true_strength"].rank(ascending=False) <= 4]
    bottom = merged.loc[merged.groupby("season")["true_strength"].rank() <= 4]
    assert top["series_won"].mean() > 1.5 > bottom["series_won"].mean()
    # a champion is usually one of the league's best few true teams, not a lottery team
    assert merged.loc[merged["champion"].astype(bool), "true_strength"].gt(0).all()


def test_players_persist_across_seasons_and_trades_make_total_rows(synthetic_raw_dir):
    truth = pd.read_csv(synthetic_raw_dir / TRUTH_PLAYERS)
    ids = truth.groupby("player_id")["season"].nunique()
    assert (ids > 5).mean() > 0.3
    moved = truth.groupby("player_id")["team"].nunique()
    assert (moved > 1).sum() > 50
    pbp = pd.read_csv(synthetic_raw_dir / "Player Play By Play.csv")
    assert pbp["team"].eq("2TM").sum() > 0


def test_team_strength_is_the_minutes_weighted_impact(synthetic_raw_dir):
    """true_strength = sum(mp share x impact) + team effect (SD 1) - league mean."""
    truth = pd.read_csv(synthetic_raw_dir / TRUTH_PLAYERS)
    pbp = pd.read_csv(synthetic_raw_dir / "Player Play By Play.csv")
    rows = truth.merge(pbp[["season", "player_id", "team", "mp"]], on=["season", "player_id", "team"])
    rows["weighted"] = rows["mp"] / (82 * 48) * rows["true_impact"]
    team = rows.groupby(["season", "team"])["weighted"].sum()
    team = team - team.groupby(level="season").transform("mean")
    strength = _truth(synthetic_raw_dir).set_index(["season", "team"])["true_strength"]
    residual = (strength - team).dropna()
    assert len(residual) == 592
    assert 0.5 < residual.std() < 1.5


def test_star_mode_star_decides_strength_and_shows_in_net_plus_minus(tmp_path):
    raw = generate_league(tmp_path, seed=1, first_season=2014, last_season=2016, star_mode=True)
    truth = pd.read_csv(raw / TRUTH_PLAYERS)
    stars = truth.loc[truth["star"]]
    assert stars.groupby(["season", "team"]).size().eq(1).all()
    pbp = pd.read_csv(raw / "Player Play By Play.csv")
    stars = stars.merge(pbp, on=["season", "player_id", "team"])
    assert np.corrcoef(stars["true_impact"], stars["net_plus_minus_per_100_poss"])[0, 1] > 0.95
    strength = _truth(raw).merge(stars[["season", "team", "true_impact"]], on=["season", "team"])
    assert np.corrcoef(strength["true_strength"], strength["true_impact"])[0, 1] > 0.9


def test_team_records_use_real_playoff_texts(synthetic_raw_dir):
    records = pd.read_csv(synthetic_raw_dir / "Team_Records.csv", encoding="utf-8-sig")
    assert records["Season"].str.match(r"^\d{4}-\d{2}$").all()
    assert records["Season"].max() == "2015-16"
    playoff = records["Team"].str.endswith("*")
    assert records.loc[playoff, "Playoffs"].notna().all() and records.loc[~playoff, "Playoffs"].isna().all()
    assert set(records["Playoffs"].dropna()) <= {
        "Won Finals", "Lost Finals", "Lost E. Conf. Finals", "Lost W. Conf. Finals", "Lost E. Conf. Semis",
        "Lost W. Conf. Semis", "Lost E. Conf. 1st Rnd.", "Lost W. Conf. 1st Rnd."}


def test_small_league_and_bad_arguments(tmp_path):
    raw = generate_league(tmp_path, seed=0, first_season=2012, last_season=2013, n_teams=16,
                          players_per_team=10)
    tables = build_tables(raw, 2012)
    assert tables.team_seasons.groupby("season").size().eq(16).all()
    with pytest.raises(ValueError, match="n_teams"):
        generate_league(tmp_path / "x", n_teams=12)
    with pytest.raises(ValueError, match="first_season"):
        generate_league(tmp_path / "y", first_season=2010, last_season=2005)


def test_schema_columns_present(synthetic_raw_dir):
    for spec in (schema.TEAM_SUMMARIES, schema.PLAYER_PBP, schema.PLAYER_SHOOTING, schema.PLAYOFF_GAMES):
        columns = pd.read_csv(synthetic_raw_dir / spec.name, nrows=0).columns
        assert set(spec.columns) <= set(columns), spec.name
