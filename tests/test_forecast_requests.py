"""Issue 28 rows 6, 7, 8, 13, 14: what a forecast request may ask. The forecast stage depends on
the results file (DVC sees a game appended); an as-of date or a results file the season cannot
answer is an error saying why; errors name where the value came from (--as-of, params.yaml) and
the results file's own line; names from the data are escaped in forecast_<season>.md."""
import argparse
from dataclasses import replace
import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from src.config import load_params
from src.data.results_file import read_results
from src.errors import ConfigError, DataError
from src.inference.forecast import ForecastConfig, build_forecast, forecast_config, season_status
from src.inference.forecast_asof import check_as_of_applies
from src.inference.forecast_report import md_text, render_markdown
from src.data.playoff_games import playoff_games
from stages.forecast import with_arguments
from league_2025 import GAMES_2025, teams_2025, write
from test_forecast import (CFG, SEASONS, SIM, fake_attention, forecast_inputs, strip_outcomes)
from test_forecast import SEASON as SYN_SEASON
from test_forecast_asof import UPDATE

REPO = Path(__file__).resolve().parents[1]


def _args(**kw):
    return argparse.Namespace(**{"as_of": None, "results": None, "bracket": None, **kw})


def test_the_forecast_stage_depends_on_the_results_folder():
    """Row 6: a results file outside the stage's dependency folder cannot be set in params (DVC
    would not see a game appended); the folder is a dependency of the stage."""
    stage = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"]["forecast"]
    assert "data/results" in stage["deps"]
    for key in ("playoff_results", "bracket"):
        with pytest.raises(ConfigError, match=rf"params.yaml: forecast.{key} must name a file under data/results/"):
            ForecastConfig(season=2025, top_players=3, schedules=2, as_of=None, unavailable=[], **{"playoff_results": "", key: "/tmp/x.csv"})
    assert ForecastConfig(season=2025, top_players=3, schedules=2, as_of=None, unavailable=[], playoff_results="data/results/r.csv")
    params = load_params(REPO / "params.yaml")["forecast"]
    assert params["playoff_results"] == "" and params["bracket"] == ""      # default: none read


@pytest.mark.parametrize("as_of", ["1900-01-01", "2023-09-01", "2024-08-15"])
def test_as_of_outside_the_seasons_playoffs_is_refused(as_of):
    """Row 8 (and --as-of is named as such: row 13)."""
    games = pd.DataFrame({"date": [pd.Timestamp("2024-04-20")]})
    with pytest.raises(DataError, match=rf"--as-of {as_of}: outside season 2024's playoff window "
                                        r"\(2024-04-01 to 2024-07-31\); a forecast before the playoffs"):
        check_as_of_applies(pd.Timestamp(as_of), 2024, games, "--as-of", "")


def test_as_of_beyond_any_season_is_refused_by_its_origin():
    cfg = forecast_config({"forecast": dict(season=2024, top_players=3, schedules=2, as_of=None, playoff_results="", unavailable=[])})
    with pytest.raises(ConfigError, match=r"^--as-of 9999-12-31: no NBA playoffs are played then"):
        with_arguments(cfg, _args(as_of="9999-12-31"))
    with pytest.raises(ConfigError, match=r"^--as-of must be a date like 2024-05-15, got '2024-13-01'"):
        with_arguments(cfg, _args(as_of="2024-13-01"))
    with pytest.raises(ConfigError, match=r"^params.yaml: forecast.as_of must be a date like 2024-05-15 or null"):
        forecast_config({"forecast": dict(season=2024, top_players=3, schedules=2, as_of="May 15", playoff_results="", unavailable=[])})
    got, origin = with_arguments(cfg, _args(as_of="2024-05-15"))
    assert got.as_of_date == pd.Timestamp("2024-05-15") and origin == "--as-of"


def test_an_unquoted_yaml_date_gets_a_hint():
    day = yaml.safe_load("as_of: 2024-05-15")["as_of"]
    assert isinstance(day, datetime.date)
    with pytest.raises(ConfigError, match=r"forecast.as_of: .*got datetime.date\(2024, 5, 15\) \(YAML reads an "
                                          r"unquoted date as a date: write it quoted, '2024-05-15'\)"):
        forecast_config({"forecast": dict(season=2024, top_players=3, schedules=2, as_of=day, playoff_results="", unavailable=[])})


def test_as_of_for_a_season_without_playoff_games_is_refused():
    """Row 7: 2025 and 2026 have no playoff games in the data."""
    none = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]")})
    with pytest.raises(DataError, match=r"--as-of 2025-04-25: season 2025 has no playoff games to read as of a "
                                        r"date: the game file lacks the season and no results file is given"):
        check_as_of_applies(pd.Timestamp("2025-04-25"), 2025, none, "--as-of", "")
    check_as_of_applies(None, 2025, none, "--as-of", "")         # no as-of: the pre-playoff forecast


def test_a_results_file_of_another_season_is_refused(tmp_path):
    """Row 7: the 2025 games given for season 2026 are outside its playoff window."""
    teams = pd.concat([teams_2025(), teams_2025().assign(season=2026)], ignore_index=True)
    with pytest.raises(DataError, match=r"r.csv: line 2, column 'date': 2025-04-19 is outside season 2026's playoff window"):
        read_results(write(tmp_path / "r.csv", GAMES_2025), 2026, teams)


def test_the_allow_known_advice_says_what_make_needs(synthetic_tables):
    teams = synthetic_tables.team_seasons
    with pytest.raises(DataError, match=r"--season 2015 --allow-known \[--as-of YYYY-MM-DD\], or make forecast "
                                        r"SEASON=2015 AS_OF=YYYY-MM-DD \(make passes --allow-known with AS_OF\)"):
        season_status(teams, 2015, SEASONS)


def test_bracket_errors_name_the_results_files_own_line(synthetic_raw_dir, synthetic_tables, tmp_path):
    """Row 13: joined to the game file's games (as the stage does), an error still names the
    results file's line, not the row of the joined table."""
    teams = strip_outcomes(synthetic_tables.team_seasons, SYN_SEASON, in_progress=False)
    series = synthetic_tables.playoff_series
    file_games = playoff_games(synthetic_raw_dir, teams, 1997)
    file_games = file_games[file_games["season"] < SYN_SEASON]
    assert len(file_games) > 100
    status = season_status(teams, SYN_SEASON, SEASONS)
    base = build_forecast(forecast_inputs(teams, series), status, SEASONS, SIM, CFG)
    b = base.bracket.teams
    text = ("date,home,away,home_pts,away_pts\n2016-04-16,{0},{1},101,99\n2016-04-17,{2},{3},101,99\n"
            "2016-04-18,{4},{5},101,99\n2016-04-19,{0},{2},101,99\n").format(*b[:6])
    user = read_results(write(tmp_path / "results.csv", text), SYN_SEASON, teams)
    games = pd.concat([file_games, user], ignore_index=True)
    with pytest.raises(DataError, match=rf"results.csv: line 5: {b[0]} v {b[2]} is not a series"):
        build_forecast(forecast_inputs(teams, series, update=UPDATE, games=games, source="results.csv"),
                       status, SEASONS, SIM, CFG)


def test_names_are_escaped_in_the_markdown_report(synthetic_tables):
    """Row 14: a <script> team or player name is text in forecast_<season>.md, not markup."""
    teams = strip_outcomes(synthetic_tables.team_seasons, SYN_SEASON, in_progress=False)
    status = season_status(teams, SYN_SEASON, SEASONS)
    attention = fake_attention(teams, SYN_SEASON)
    attention.loc[0, "player"] = "<script>alert(1)</script> *Bold* | pipe"
    inputs = replace(forecast_inputs(teams, synthetic_tables.playoff_series), attention=attention)
    fc = build_forecast(inputs, status, SEASONS, SIM, CFG)
    fc.table.loc[0, "team"] = "<img src=x onerror=alert(1)>"
    md = render_markdown(fc, CFG.top_players)
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\*Bold\\* \\| pipe" in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert md_text("D'Angelo Russell Jr.") == "D'Angelo Russell Jr."           # plain names unchanged
