"""team_seasons: Team Summaries rows + conference + playoff outcomes from two sources."""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from src.data import schema
from src.data.conferences import assign_conferences, conference_of
from src.data.outcomes import PLAYOFF_TEAMS, check_bracket
from src.data.playoffs import (RECORD_CHECK_COLUMNS, build_series, check_home_court, clean_games, outcome_disagreements,
                               record_outcomes, series_outcomes)
from src.data.readers import (check_unique, csv_line, drop_logged, read_csv,
                               require_values, to_bool, to_int)
from src.errors import DataError

log = logging.getLogger(__name__)

LEAGUE = "NBA"
# Teams eliminated in the play-in tournament that Team Summaries.csv nevertheless flags
# `playoffs` TRUE (the 2024-25 file marks 20 teams). Facts: 2025 play-in, East: ATL lost
# to ORL then MIA, CHI lost to MIA; West: SAC lost to DAL, DAL lost to MEM.
PLAY_IN_ELIMINATED = {2025: ("ATL", "CHI", "SAC", "DAL")}
# Every team of a finished season plays the same number of games (82; 50 and 66 in the
# 1999 and 2012 lockouts, 72 in 2021: equal within the season all the same), except:
UNEVEN_SEASONS = {2020: "COVID-19 suspension: the teams played 64-75 games"}
UNEVEN_TEAMS = {(2013, "BOS"), (2013, "IND")}   # 81: their game was cancelled after the
                                                # Boston Marathon bombing


def read_team_summaries(raw_dir: Path, first_season: int) -> pd.DataFrame:
    """NBA team-seasons >= first_season with conference and the regular-season columns."""
    path = Path(raw_dir) / schema.TEAM_SUMMARIES.name
    df = read_csv(raw_dir, schema.TEAM_SUMMARIES)
    df = drop_logged(df, df["lg"] != LEAGUE, path, "BAA/ABA seasons (NBA only)")
    df = drop_logged(df, df["abbreviation"].isna() & (df["team"] == "League Average"), path,
                     "'League Average' rows")
    df["season"] = to_int(df["season"], path, "season")
    df = drop_logged(df, df["season"] < first_season, path, f"seasons before {first_season}")
    if df.empty:
        raise DataError(f"{path}: no NBA team-season from season {first_season} on")
    df = df.rename(columns={"team": "team_name", "abbreviation": "team"})
    if df["team"].isna().any():
        label = df["team"].isna().idxmax()
        raise DataError(f"{path}: column 'abbreviation', row {csv_line(label)}, season "
                        f"{df.loc[label, 'season']}: team abbreviation is empty")
    check_unique(df, ["season", "team"], path)
    require_values(df, schema.TEAM_SUMMARIES.required, path)
    df["wins"] = to_int(df["w"], path, "w")
    df["losses"] = to_int(df["l"], path, "l")
    df["g"] = df["wins"] + df["losses"]     # w, l and w + l ranges: schema.TEAM_SUMMARIES
    df["win_pct"] = df["wins"] / df["g"]
    df["conference"] = assign_conferences(df, str(path))
    check_conference_sizes(df, path)
    check_no_team_missing(df, path)
    df["made_playoffs"] = _made_playoffs(df, path)
    check_equal_games(df, path)
    return df


def check_equal_games(df: pd.DataFrame, path: Path) -> None:
    """Teams of a finished season (some team flagged for the playoffs) played the same
    number of games, apart from UNEVEN_SEASONS and UNEVEN_TEAMS: a team at 76 games where
    the rest played 82 is a changed W/L, and would move its win% and rank."""
    finished = df["made_playoffs"].notna() & ~df["season"].isin(list(UNEVEN_SEASONS))
    excused = pd.Series([(s, t) in UNEVEN_TEAMS for s, t in zip(df["season"], df["team"])],
                        index=df.index)
    rows = df.loc[finished & ~excused]
    usual = rows["g"].groupby(rows["season"]).transform(lambda g: g.mode().min())
    bad = rows["g"].ne(usual)
    if bad.any():
        label = bad.idxmax()
        r = rows.loc[label]
        raise DataError(f"{path}: column 'w'/'l', row {csv_line(label)}, season {r['season']}, "
                        f"team {r['team']}: {r['g']} games ({r['wins']}-{r['losses']}), the other "
                        f"teams of this finished season played {int(usual[label])} "
                        f"({int(bad.sum())} team(s) like this; exceptions: src/data/team_seasons.py "
                        "UNEVEN_SEASONS, UNEVEN_TEAMS)")


def check_conference_sizes(df: pd.DataFrame, path: Path) -> None:
    """Each season: two conferences whose sizes add up to the league and differ by <= 1."""
    for season, conf in df.groupby("season")["conference"]:
        sizes = conf.value_counts()
        if len(sizes) != 2 or abs(sizes.iloc[0] - sizes.iloc[-1]) > 1:
            raise DataError(f"{path}: season {season}: conference sizes "
                            f"{sizes.to_dict()} for {len(conf)} teams")


def check_no_team_missing(df: pd.DataFrame, path: Path) -> None:
    """A team in season t whose code the realignment table also places in the neighbouring
    season t+1 (or t-1) must be in the file there too: a lost row would otherwise shrink the
    league silently (15/14 conferences still pass the size check)."""
    teams = season_teams(df)
    for season in sorted(teams):
        for other in (season - 1, season + 1):
            if other not in teams:
                continue
            lost = sorted(t for t in teams[season] - teams[other]
                          if conference_of(t, other) is not None)
            if lost:
                raise DataError(f"{path}: column 'abbreviation', season {other}: team(s) "
                                f"{', '.join(lost)} missing (present in season {season}, and "
                                f"src/data/conferences.py has them in {other}): "
                                f"{len(teams[other])} teams found")


def _made_playoffs(df: pd.DataFrame, path: Path) -> pd.Series:
    """The `playoffs` flag; null for a season where no team is flagged yet (in progress)."""
    flag = to_bool(df["playoffs"], path, "playoffs")
    for season, teams in PLAY_IN_ELIMINATED.items():
        fix = (df["season"] == season) & df["team"].isin(teams) & flag
        if fix.any():
            log.info("%s: season %d: play-in losers %s flagged as playoff teams; set to False",
                     path.name, season, ", ".join(df.loc[fix, "team"]))
            flag = flag & ~fix
    made = flag.astype("boolean")
    decided = flag.groupby(df["season"]).transform("any")
    for season in sorted(df.loc[~decided, "season"].unique()):
        log.info("%s: season %d: no team flagged for the playoffs yet: made_playoffs null "
                 "(season in progress)", path.name, season)
    for season, n in flag[decided].groupby(df["season"]).sum().items():
        if n != PLAYOFF_TEAMS:
            log.warning("%s: season %d: %d teams flagged for the playoffs, expected %d",
                        path.name, season, n, PLAYOFF_TEAMS)
    return made.where(decided)


def season_teams(teams: pd.DataFrame) -> dict[int, set[str]]:
    return {int(s): set(g) for s, g in teams.groupby("season")["team"]}


def known_outcomes(raw_dir: Path, first_season: int, teams_by_season: dict[int, set[str]],
                   team_seasons: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-team outcomes of every season whose champion is known, playoff_series).

    The game file wins where both sources cover a season; they must agree there. With
    `team_seasons` (season, team, win_pct) each series' home court is checked against the
    regular-season records.
    """
    records = read_record_outcomes(raw_dir, first_season)
    games_path = Path(raw_dir) / schema.PLAYOFF_GAMES.name
    games = clean_games(read_csv(raw_dir, schema.PLAYOFF_GAMES), teams_by_season, games_path,
                        first_season)
    if team_seasons is not None:
        check_home_court(games, team_seasons, games_path)
    series = build_series(games, games_path)
    from_games = series_outcomes(series)
    check_bracket(records, schema.TEAM_RECORDS.name)
    check_bracket(from_games, schema.PLAYOFF_GAMES.name)
    differ = outcome_disagreements(records, from_games)
    if len(differ):
        r = differ.iloc[0]
        raise DataError(f"{schema.TEAM_RECORDS.name} vs {schema.PLAYOFF_GAMES.name}: season "
                        f"{r['season']}, team {r['team']}: series won "
                        f"{r['series_won_records']} vs {r['series_won_games']} "
                        f"({len(differ)} disagreement(s))")
    finish = records[["season", "team", "division_finish", *RECORD_CHECK_COLUMNS]]
    from_records = records.loc[~records["season"].isin(set(from_games["season"]))]
    outcomes = pd.concat([from_records.drop(columns=["division_finish", *RECORD_CHECK_COLUMNS]),
                          from_games])
    # outer: division finish is known for non-playoff teams too (seasons to 2017)
    outcomes = outcomes.merge(finish, on=["season", "team"], how="outer")
    return outcomes, series


def read_record_outcomes(raw_dir: Path, first_season: int) -> pd.DataFrame:
    """Per-team outcomes from Team_Records.csv, names mapped to codes via Team Abbrev.csv."""
    abbrev_path = Path(raw_dir) / schema.TEAM_ABBREV.name
    abbrev = read_csv(raw_dir, schema.TEAM_ABBREV)
    abbrev = abbrev.loc[abbrev["lg"] == LEAGUE].copy()
    abbrev["season"] = to_int(abbrev["season"], abbrev_path, "season")
    check_unique(abbrev, ["season", "team"], abbrev_path)
    raw = read_csv(raw_dir, schema.TEAM_RECORDS)
    return record_outcomes(raw, abbrev[["season", "team", "abbreviation"]],
                           Path(raw_dir) / schema.TEAM_RECORDS.name, first_season)


def attach_outcomes(teams: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Join outcomes onto team-seasons; playoff teams must match the `playoffs` flag."""
    keys = ["season", "team"]
    extra = outcomes.merge(teams[keys], on=keys, how="left", indicator=True)
    extra = extra[(extra["_merge"] == "left_only") & extra["season"].isin(teams["season"])]
    if len(extra):
        r = extra.iloc[0]
        raise DataError(f"playoff outcomes: season {r['season']}: unknown team abbreviation "
                        f"{r['team']!r} (not in {schema.TEAM_SUMMARIES.name})")
    known = outcomes.rename(columns={"made_playoffs": "made_playoffs_outcome"})
    df = teams.merge(known, on=keys, how="left")
    df["outcome_known"] = df["season"].isin(set(outcomes["season"]))
    playoff_team = df["made_playoffs_outcome"].fillna(False).astype(bool)
    mismatch = df["outcome_known"] & (playoff_team != df["made_playoffs"].fillna(False))
    if mismatch.any():
        r = df.loc[mismatch].iloc[0]
        raise DataError(f"{schema.TEAM_SUMMARIES.name}: column 'playoffs', season "
                        f"{r['season']}, team {r['team']}: flag {r['made_playoffs']} "
                        "disagrees with the playoff results")
    df["series_won"] = df["series_won"].where(playoff_team, 0)
    check_records_agree(df)
    return df.drop(columns=["made_playoffs_outcome", *RECORD_CHECK_COLUMNS])


def check_records_agree(df: pd.DataFrame) -> None:
    """Team_Records W/L equal Team Summaries w/l for every team-season both files have."""
    both = df["record_w"].notna()
    differ = both & (df["record_w"].ne(df["wins"]) | df["record_l"].ne(df["losses"]))
    if differ.any():
        r = df.loc[differ].iloc[0]
        raise DataError(f"{schema.TEAM_RECORDS.name}: column 'W'/'L', row {int(r['record_row'])}, "
                        f"season {r['season']}, team {r['team']}: {int(r['record_w'])}-"
                        f"{int(r['record_l'])}, but {schema.TEAM_SUMMARIES.name} has "
                        f"{r['wins']}-{r['losses']} ({int(differ.sum())} team-season(s) disagree)")
