"""Bad raw input -> DataError naming file, column and row/season; the stage exits non-zero
and leaves no parquet. Each test breaks one thing in a small, valid, hand-made league."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from src.data.ingest import IngestTables, build_tables, write_tables
from src.errors import DataError

REPO_ROOT = Path(__file__).resolve().parents[1]
SEASON = 2016                       # one season, covered by Team_Records and the game file
LABEL = "2015-16"
GAMES_TO_WIN = 4
EAST = ["CLE", "TOR", "MIA", "ATL", "BOS", "CHO", "IND", "DET",      # seeds 1..8
        "CHI", "WAS", "ORL", "MIL", "NYK", "BRK", "PHI"]
WEST = ["GSW", "SAS", "OKC", "LAC", "POR", "DAL", "MEM", "HOU",
        "UTA", "SAC", "DEN", "NOP", "MIN", "PHO", "LAL"]
# NBA.com codes where they differ from B-Ref's in 2016 (the game file uses these).
NBA_CODE = {"BRK": "BKN", "CHO": "CHA", "PHO": "PHX"}
CHAMPION, RUNNER_UP = "CLE", "GSW"


def _series_won(conf: list[str], seed: int, team: str) -> int | None:
    """Higher seed always wins: seed 1 wins 3 rounds in-conference, 2-4 win one, ..."""
    if seed >= 8:
        return None
    won = {0: 3, 1: 2, 2: 1, 3: 1}.get(seed, 0)
    return won + (team == CHAMPION)


def _outcome_text(won: int | None, conf: str, team: str) -> str:
    if won is None:
        return ""
    if won == 4:
        return "Won Finals"
    return {3: "Lost Finals", 2: f"Lost {conf}. Conf. Finals", 1: f"Lost {conf}. Conf. Semis",
            0: f"Lost {conf}. Conf. 1st Rnd."}[won]


def _teams() -> pd.DataFrame:
    rows = []
    for conf, teams in (("E", EAST), ("W", WEST)):
        for seed, team in enumerate(teams):
            wins = 66 - 3 * seed - (conf == "W")
            rows.append({"team": team, "conf": conf, "seed": seed, "w": wins, "l": 82 - wins,
                         "won": _series_won(teams, seed, team)})
    return pd.DataFrame(rows)


def _bracket() -> list[tuple[int, int, str, str]]:
    """(round, series number, winner, loser): the better seed wins every series."""
    out = []
    for offset, teams in ((0, EAST), (4, WEST)):
        r1 = [(0, 7), (3, 4), (2, 5), (1, 6)]
        out += [(1, offset + i, teams[a], teams[b]) for i, (a, b) in enumerate(r1)]
        out += [(2, offset // 2 + 0, teams[0], teams[3]), (2, offset // 2 + 1, teams[1], teams[2])]
        out += [(3, offset // 4, teams[0], teams[1])]
    return out + [(4, 0, CHAMPION, RUNNER_UP)]


def _game_rows() -> list[dict]:
    rows = []
    for rnd, number, winner, loser in _bracket():
        for game in range(1, GAMES_TO_WIN + 1):
            game_id = f"0041500{rnd}{number}{game}"
            for team, other, wl in ((winner, loser, "W"), (loser, winner, "L")):
                code, opp = NBA_CODE.get(team, team), NBA_CODE.get(other, other)
                matchup = f"{code} vs. {opp}" if team == winner else f"{code} @ {opp}"
                rows.append({"SEASON_YEAR": LABEL, "TEAM_ABBREVIATION": code,
                             "TEAM_NAME": f"Team {team}", "GAME_ID": game_id,
                             "GAME_DATE": f"2016-04-{10 + 4 * rnd + game:02d}T00:00:00",
                             "MATCHUP": matchup, "WL": wl, "PTS": 100 + (wl == "W") * 10})
    return rows


def write_league(raw: Path) -> Path:
    """A valid one-season raw folder (every file ingest reads)."""
    raw.mkdir(parents=True, exist_ok=True)
    t = _teams()
    stats = {c: 1.0 for c in ("age", "sos", "o_rtg", "d_rtg", "n_rtg", "pace", "e_fg_percent",
                              "tov_percent", "orb_percent", "ft_fga", "opp_e_fg_percent",
                              "opp_tov_percent", "drb_percent", "opp_ft_fga")}
    stats.update(age=27.0, o_rtg=110.0, d_rtg=110.0, pace=98.0)   # inside the schema's ranges
    summaries = pd.DataFrame({"season": SEASON, "lg": "NBA", "team": "Team " + t["team"],
                              "abbreviation": t["team"], "playoffs": t["won"].notna().map(
                                  {True: "TRUE", False: "FALSE"}), "w": t["w"], "l": t["l"],
                              "mov": (t["w"] - 41) / 4, "srs": (t["w"] - 41) / 4, **stats})
    league_avg = summaries.iloc[[0]].assign(team="League Average", abbreviation="NA",
                                           playoffs="FALSE")
    pd.concat([summaries, league_avg]).to_csv(raw / "Team Summaries.csv", index=False)
    summaries[["season", "lg", "team", "abbreviation", "playoffs"]].to_csv(
        raw / "Team Abbrev.csv", index=False)
    records = pd.DataFrame({
        "Season": LABEL, "Lg": "NBA",
        "Team": "Team " + t["team"] + t["won"].notna().map({True: "*", False: ""}),
        "W": t["w"], "L": t["l"], "Finish": t["seed"] % 5 + 1,
        "Playoffs": [_outcome_text(None if pd.isna(w) else int(w), c, tm)
                     for w, c, tm in zip(t["won"], t["conf"], t["team"])]})
    records.to_csv(raw / "Team_Records.csv", index=False)
    pd.DataFrame(_game_rows()).to_csv(raw / "play_off_totals_2010_2024.csv", index=False)
    _write_players(raw)
    return raw


def _write_players(raw: Path) -> None:
    """A One (CLE), B Two traded GSW -> BRK (with his 2TM total row), and for every team
    eight rotation players who fill the rest of its 240 x 82 minutes (ingest checks that)."""
    from src.data import schema
    named = pd.DataFrame({
        "season": SEASON, "lg": "NBA", "player": ["A One", "B Two", "B Two", "B Two"],
        "player_id": ["onea01", "twob01", "twob01", "twob01"],
        "team": ["CLE", "2TM", "GSW", "BRK"], "pos": "SF", "age": 25, "experience": 3,
        "g": [70, 60, 30, 30], "gs": 10, "mp": [2000, 1200, 600, 600]})
    rotation = pd.DataFrame([{
        "season": SEASON, "lg": "NBA", "player": f"Rotation {team} {k}",
        "player_id": f"rot{team.lower()}{k}", "team": team, "pos": "PG", "age": 27,
        "experience": 5, "g": 82, "gs": 41, "mp": 2460} for team in EAST + WEST for k in range(8)])
    players = pd.concat([named, rotation], ignore_index=True)
    pbp = players.assign(**{c: 1.0 for c in schema.PBP_STATS})
    pbp.to_csv(raw / "Player Play By Play.csv", index=False)
    players.assign(**{c: 0.5 for c in schema.SHOOTING_STATS}).to_csv(
        raw / "Player Shooting.csv", index=False)
    players.to_csv(raw / "Player Season Info.csv", index=False)
    players.assign(**{c: 2.0 for c in schema.PER_100_STATS}).assign(
        e_fg_percent=0.5, ft_percent=0.75).to_csv(   # shares: inside the schema's ranges
        raw / "Per 100 Poss.csv", index=False)
    pd.DataFrame({"player": ["A One"], "player_id": ["onea01"], "team": ["East"],
                  "season": [SEASON], "lg": ["NBA"], "replaced": ["FALSE"]}).to_csv(
        raw / "All-Star Selections.csv", index=False)


def edit_csv(path: Path, change) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(df).to_csv(path, index=False)


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    return write_league(tmp_path / "raw")


def test_valid_league_builds(raw: Path) -> None:
    tables = build_tables(raw, SEASON)
    teams = tables.team_seasons.set_index("team")
    assert len(teams) == 30 and teams["outcome_known"].all()
    assert teams.loc[CHAMPION, "post_playoff_rank"] == 1
    assert teams.loc[RUNNER_UP, "post_playoff_rank"] == 2
    # conference-finals losers TOR (63 wins) and SAS (62): better win% first
    assert teams.loc[["TOR", "SAS"], "post_playoff_rank"].tolist() == [3, 4]
    assert teams["post_playoff_rank"].sort_values().tolist() == list(range(1, 31))
    assert len(tables.playoff_series) == 15
    players = tables.player_seasons
    assert "2TM" not in set(players["team"])                       # the 2TM total row is gone
    assert sorted(players.loc[players["player_id"] == "twob01", "team"]) == ["BRK", "GSW"]
    assert players.groupby("team").size().to_dict() == {t: 8 + (t in ("BRK", "CLE", "GSW"))
                                                        for t in EAST + WEST}
    assert players.set_index("player_id").loc["onea01", "all_star"]


def _error(raw: Path) -> str:
    with pytest.raises(DataError) as exc:
        build_tables(raw, SEASON)
    return str(exc.value)


def test_missing_file(raw: Path) -> None:
    (raw / "Team_Records.csv").unlink()
    assert "Team_Records.csv" in _error(raw) and "missing" in _error(raw)


def test_renamed_column(raw: Path) -> None:
    edit_csv(raw / "Team Summaries.csv", lambda df: df.rename(columns={"srs": "SRS"}))
    msg = _error(raw)
    assert "Team Summaries.csv" in msg and "missing column(s) srs" in msg


def test_non_numeric_value(raw: Path) -> None:
    def spoil(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[4, "srs"] = "n/a?"
        return df
    edit_csv(raw / "Team Summaries.csv", spoil)
    msg = _error(raw)
    # data row 4 (0-based) is line 6 of the file: one header line, lines count from 1
    assert "Team Summaries.csv" in msg and "'srs'" in msg and "row 6" in msg and "n/a?" in msg


def test_duplicate_team_season(raw: Path) -> None:
    edit_csv(raw / "Team Summaries.csv", lambda df: pd.concat([df, df.iloc[[2]]]))
    msg = _error(raw)
    assert "Team Summaries.csv" in msg and "duplicate" in msg
    assert f"season={SEASON}" in msg and "team=MIA" in msg and "rows 4, 33" in msg  # 30 teams + League Average, then the copy


def test_unknown_team_in_player_file(raw: Path) -> None:
    def spoil(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[0, "team"] = "XYZ"
        return df
    edit_csv(raw / "Player Play By Play.csv", spoil)
    msg = _error(raw)
    assert "Player Play By Play.csv" in msg and "'team'" in msg and "row 2" in msg
    assert f"season {SEASON}" in msg and "XYZ" in msg


def test_unknown_team_in_game_file(raw: Path) -> None:
    edit_csv(raw / "play_off_totals_2010_2024.csv",
             lambda df: df.replace({"TEAM_ABBREVIATION": {"PHX": "ZZZ", "UTA": "ZZZ",
                                                           "CLE": "QQQ"}}))
    msg = _error(raw)
    assert "play_off_totals_2010_2024.csv" in msg and "TEAM_ABBREVIATION" in msg
    assert f"season {SEASON}" in msg and "QQQ" in msg


def test_team_without_conference(raw: Path) -> None:
    # Seattle did not exist in 2016: a team code the realignment table cannot place
    for name in ("Team Summaries.csv", "Team Abbrev.csv"):
        edit_csv(raw / name, lambda df: df.replace({"abbreviation": {"HOU": "SEA"}}))
    msg = _error(raw)
    assert "Team Summaries.csv" in msg and "abbreviation" in msg
    assert f"SEA in {SEASON}" in msg and "no conference" in msg


def test_unknown_playoff_round_text(raw: Path) -> None:
    edit_csv(raw / "Team_Records.csv",
             lambda df: df.replace({"Playoffs": {"Won Finals": "Champs!"}}))
    msg = _error(raw)
    assert "Team_Records.csv" in msg and "'Playoffs'" in msg and "Champs!" in msg


def test_sources_disagree(raw: Path) -> None:
    def swap(df: pd.DataFrame) -> pd.DataFrame:   # TOR and MIA swap rounds: still a bracket
        tor, mia = df["Team"] == "Team TOR*", df["Team"] == "Team MIA*"
        df.loc[tor, "Playoffs"], df.loc[mia, "Playoffs"] = "Lost E. Conf. Semis", "Lost E. Conf. Finals"
        return df
    edit_csv(raw / "Team_Records.csv", swap)
    msg = _error(raw)
    assert "Team_Records.csv vs play_off_totals_2010_2024.csv" in msg
    assert f"season {SEASON}, team MIA: series won 2 vs 1 (2 disagreement(s))" in msg


def test_write_tables_leaves_nothing_on_failure(raw: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    tables = build_tables(raw, SEASON)
    broken = IngestTables(tables.team_seasons, tables.player_seasons,
                          tables.playoff_series.assign(bad=[object()] * len(tables.playoff_series)))
    out = tmp_path / "interim"
    with pytest.raises(Exception):
        write_tables(broken, out)
    assert list(out.iterdir()) == []           # no table renamed, no temp file left
    assert [p.name for p in write_tables(tables, out)] == [
        "team_seasons.parquet", "player_seasons.parquet", "playoff_series.parquet"]


def _run_stage(raw: Path, cwd: Path) -> subprocess.CompletedProcess:
    params = (REPO_ROOT / "params.yaml").read_text()
    params = params.replace("raw_dir: data/raw", f"raw_dir: {raw}", 1)
    params = params.replace("first_season: 1997", f"first_season: {SEASON}", 1)
    (cwd / "params.yaml").write_text(params)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-m", "stages.ingest", "--params", "params.yaml"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_stage_exit_code_and_outputs(raw: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    ok = _run_stage(raw, work)
    assert ok.returncode == 0, ok.stderr
    assert len(list((work / "data" / "interim").glob("*.parquet"))) == 3
    (raw / "Player Shooting.csv").unlink()
    for f in (work / "data" / "interim").iterdir():
        f.unlink()
    failed = _run_stage(raw, work)
    assert failed.returncode != 0
    assert "Player Shooting.csv" in failed.stdout + failed.stderr
    assert list((work / "data" / "interim").iterdir()) == []
