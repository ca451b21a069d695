"""Team-level raw files of the synthetic league, column for column as in the real files."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from src.data.schema import FOUR_FACTORS, PBP_STATS, PER_100_STATS, SHOOTING_STATS
from src.data.synthetic_sim import GAMES, Season
from src.data.synthetic_teams import era_of, nba_stats_team

LG = "NBA"
TEAM_RECORDS_LAST_SEASON = 2017            # Team_Records.csv ends with 2016-17
PLAYOFF_FILE_SEASONS = (2011, 2024)        # play_off_totals_2010_2024.csv: 2010-11..2023-24
PYTHAGOREAN_EXPONENT = 14
DIVISION_SIZE = 5                          # synthetic divisions: conference chunks by franchise order
ALL_STARS_PER_CONF = 12
NBA_TEAM_ID_BASE = 1610612737
PLAYOFFS_START = (4, 16)                   # month, day of game 1 of round 1
DAYS_PER_ROUND, DAYS_PER_GAME = 15, 2

_PLAYER_KEY = ["season", "lg", "player", "player_id", "age", "team", "pos", "g", "gs", "mp"]
PBP_COLUMNS = [*_PLAYER_KEY, *PBP_STATS]
SHOOTING_COLUMNS = [*_PLAYER_KEY, *SHOOTING_STATS]
PER_100_COLUMNS = [*_PLAYER_KEY, "fg_percent", *PER_100_STATS]
INFO_COLUMNS = ["season", "lg", "player", "player_id", "age", "team", "pos", "experience"]
SUMMARY_COLUMNS = ["season", "lg", "team", "abbreviation", "playoffs", "age", "w", "l", "pw", "pl",
                   "mov", "sos", "srs", "o_rtg", "d_rtg", "n_rtg", "pace", "f_tr", "x3p_ar",
                   "ts_percent", *FOUR_FACTORS, "arena", "attend", "attend_g"]
RECORDS_COLUMNS = ["Season", "Lg", "Team", "W", "L", "W/L%", "Finish", "SRS", "Pace", "Rel_Pace",
                   "ORtg", "Rel_ORtg", "DRtg", "Rel_DRtg", "Playoffs", "Coaches", "Top WS"]
_BOX = ["MIN", "FGM", "FGA", "FG_PCT", "FG3M", "FG3A", "FG3_PCT", "FTM", "FTA", "FT_PCT", "OREB",
        "DREB", "REB", "AST", "TOV", "STL", "BLK", "BLKA", "PF", "PFD", "PTS", "PLUS_MINUS"]
PLAYOFF_COLUMNS = ["SEASON_YEAR", "TEAM_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID", "GAME_DATE",
                   "MATCHUP", "WL", *_BOX, "GP_RANK", "W_RANK", "L_RANK", "W_PCT_RANK",
                   *[f"{c}_RANK" for c in _BOX], "AVAILABLE_FLAG"]
# Four factors: league-average level, change per point of offensive/defensive rating, noise SD.
FACTOR_MODEL = {"e_fg_percent": (0.50, 0.004, 0.006), "tov_percent": (13.2, -0.15, 0.5),
                "orb_percent": (24.0, 0.2, 1.5), "ft_fga": (0.21, 0.002, 0.012)}


def season_text(season: int) -> str:
    return f"{season - 1}-{season % 100:02d}"


def team_summaries(rng: np.random.Generator, seasons: list[Season]) -> pd.DataFrame:
    frames = []
    for s in seasons:
        t, n = s.teams, len(s.teams)
        mp = s.rows.groupby("franchise")["mp"].sum()
        age = (s.rows["age"] * s.rows["mp"]).groupby(s.rows["franchise"]).sum() / mp
        pf, pa = t["pts_for"] ** PYTHAGOREAN_EXPONENT, t["pts_against"] ** PYTHAGOREAN_EXPONENT
        pw = np.round(t["g"] * pf / (pf + pa)).astype(int)
        off, dfn = t["o_rtg"] - t["o_rtg"].mean(), t["d_rtg"].mean() - t["d_rtg"]
        out = pd.DataFrame({
            "season": s.season, "lg": LG, "team": t["team_name"], "abbreviation": t["team"],
            "playoffs": np.where(t["seed"] > 0, "TRUE", "FALSE"),
            "age": age.reindex(t["franchise"]).round(1).to_numpy(), "w": t["wins"], "l": t["losses"],
            "pw": pw, "pl": t["g"] - pw, "mov": t["mov"].round(2), "sos": t["sos"].round(2),
            "srs": t["srs"].round(2), "o_rtg": t["o_rtg"].round(1), "d_rtg": t["d_rtg"].round(1),
            "n_rtg": (t["o_rtg"] - t["d_rtg"]).round(1), "pace": t["pace"].round(1),
            "f_tr": np.round(rng.normal(0.27, 0.03, n), 3), "x3p_ar": np.round(rng.normal(0.28, 0.05, n), 3),
            "arena": t["team_name"] + " Arena"})
        for col, (level, slope, sd) in FACTOR_MODEL.items():
            digits = 3 if level < 1 else 1
            out[col] = np.round(level + slope * off + rng.normal(0, sd, n), digits)
            opp = "drb_percent" if col == "orb_percent" else f"opp_{col}"
            opp_level = 100 - level if col == "orb_percent" else level
            out[opp] = np.round(opp_level + (slope if col == "orb_percent" else -slope) * dfn
                                + rng.normal(0, sd, n), digits)
        out["ts_percent"] = np.round(out["e_fg_percent"] + 0.04, 3)
        out["attend"] = rng.integers(550_000, 900_000, n)
        out["attend_g"] = (out["attend"] / (GAMES / 2)).round().astype(int)
        out = out.sort_values("team")
        average = out.mean(numeric_only=True).round(3)
        league_row = {**average.to_dict(), "season": s.season, "lg": LG, "team": "League Average",
                      "playoffs": "FALSE", "w": pd.NA, "l": pd.NA, "n_rtg": pd.NA,
                      "abbreviation": pd.NA, "arena": pd.NA}   # as the real file leaves them
        frames.append(pd.concat([out, pd.DataFrame([league_row])], ignore_index=True))
    table = pd.concat(frames[::-1], ignore_index=True)[SUMMARY_COLUMNS]
    table["season"] = table["season"].astype(int)
    for col in ("w", "l", "pw", "pl", "attend", "attend_g"):
        table[col] = pd.to_numeric(table[col]).round().astype("Int64")
    return table


def team_abbrev(seasons: list[Season]) -> pd.DataFrame:
    frames = [pd.DataFrame({"season": s.season, "lg": LG, "team": s.teams["team_name"],
                            "abbreviation": s.teams["team"],
                            "playoffs": np.where(s.teams["seed"] > 0, "TRUE", "FALSE")}).sort_values("team")
              for s in seasons[::-1]]
    return pd.concat(frames, ignore_index=True)


def _playoff_text(series_won: int, seed: int, conference: str) -> str:
    if seed == 0:
        return ""
    return {4: "Won Finals", 3: "Lost Finals", 2: f"Lost {conference}. Conf. Finals",
            1: f"Lost {conference}. Conf. Semis"}.get(series_won, f"Lost {conference}. Conf. 1st Rnd.")


def team_records(seasons: list[Season]) -> pd.DataFrame:
    """Basketball-Reference franchise-index rows: `*` marks playoff teams; seasons to 2016-17."""
    frames = []
    for s in seasons:
        if s.season > TEAM_RECORDS_LAST_SEASON:
            continue
        t = s.teams
        pace_avg, o_avg, d_avg = t["pace"].mean(), t["o_rtg"].mean(), t["d_rtg"].mean()
        finish = _division_finish(t)
        frames.append(pd.DataFrame({
            "franchise": t["franchise"], "season": s.season, "Season": season_text(s.season), "Lg": LG,
            "Team": t["team_name"] + np.where(t["seed"] > 0, "*", ""), "W": t["wins"], "L": t["losses"],
            "W/L%": (t["wins"] / t["g"]).round(3), "Finish": finish, "SRS": t["srs"].round(2),
            "Pace": t["pace"].round(1), "Rel_Pace": (t["pace"] - pace_avg).round(1),
            "ORtg": t["o_rtg"].round(1), "Rel_ORtg": (t["o_rtg"] - o_avg).round(1),
            "DRtg": t["d_rtg"].round(1), "Rel_DRtg": (t["d_rtg"] - d_avg).round(1),
            "Playoffs": [_playoff_text(w, sd, c) for w, sd, c in zip(t["series_won"], t["seed"], t["conference"])],
            "Coaches": [f"C. Coach{f:02d} ({w}-{l})" for f, w, l in zip(t["franchise"], t["wins"], t["losses"])],
            "Top WS": _top_ws(s).reindex(t["franchise"]).to_numpy()}))
    if not frames:
        return pd.DataFrame(columns=RECORDS_COLUMNS)
    table = pd.concat(frames, ignore_index=True).sort_values(["franchise", "season"], ascending=[True, False])
    return table[RECORDS_COLUMNS]


def _division_finish(teams: pd.DataFrame) -> list[int]:
    """Place in a synthetic division: each conference's franchises, in table order, in chunks of 5."""
    rank_in_conf = teams.groupby("conference")["franchise"].rank(method="first").astype(int) - 1
    division = teams["conference"] + (rank_in_conf // DIVISION_SIZE).astype(str)
    order = teams.assign(div=division).sort_values(["wins", "mov"], ascending=False)
    place = order.groupby("div").cumcount() + 1
    return place.reindex(teams.index).astype(int).tolist()


def _top_ws(season: Season) -> pd.Series:
    """'Player (win shares)' of each franchise's most valuable player, by franchise."""
    rows = season.rows.assign(value=season.rows["impact"] * season.rows["mp"])
    best = rows.loc[rows.groupby("franchise")["value"].idxmax()]
    shares = np.maximum(0.0, best["mp"] / 300 + best["impact"])
    return pd.Series([f"{p} ({w:.1f})" for p, w in zip(best["player"], shares)], index=best["franchise"])


def all_stars(seasons: list[Season]) -> pd.DataFrame:
    """The 12 best players of each conference by impact x minutes (picked mid-season: no leak)."""
    frames = []
    for s in seasons[::-1]:
        rows = s.rows.assign(conference=[era_of(f, s.season).conference for f in s.rows["franchise"]],
                             value=s.rows["impact"] * s.rows["mp"])
        best = rows.sort_values("value", ascending=False).drop_duplicates("player_id")
        for conf, team in (("E", "East"), ("W", "West")):
            pick = best.loc[best["conference"] == conf].head(ALL_STARS_PER_CONF)
            frames.append(pd.DataFrame({"player": pick["player"], "player_id": pick["player_id"], "team": team,
                                        "season": s.season, "lg": LG, "replaced": "FALSE"}))
    return pd.concat(frames, ignore_index=True)


def playoff_games(rng: np.random.Generator, seasons: list[Season]) -> pd.DataFrame:
    """Two rows per playoff game (one per team), GAME_ID = 004 YY 00 round series game."""
    rows = []
    first, last = PLAYOFF_FILE_SEASONS
    for s in seasons:
        if not first <= s.season <= last:
            continue
        start = dt.date(s.season, *PLAYOFFS_START)
        for g in s.games:
            game_id = f"004{(s.season - 1) % 100:02d}00{g['round']}{g['number']}{g['game']}"
            day = start + dt.timedelta(days=(g["round"] - 1) * DAYS_PER_ROUND + (g["game"] - 1) * DAYS_PER_GAME)
            home, away = (_nba_team(s, g["home"]), _nba_team(s, g["away"]))
            for me, other, pts, opp_pts, at_home in ((home, away, g["home_pts"], g["away_pts"], True),
                                                     (away, home, g["away_pts"], g["home_pts"], False)):
                matchup = f"{me[1]} vs. {other[1]}" if at_home else f"{me[1]} @ {other[1]}"
                rows.append({"SEASON_YEAR": season_text(s.season), "TEAM_ID": me[0], "TEAM_ABBREVIATION": me[1],
                             "TEAM_NAME": me[2], "GAME_ID": game_id, "GAME_DATE": f"{day.isoformat()}T00:00:00",
                             "MATCHUP": matchup, "WL": "W" if pts > opp_pts else "L",
                             **_box_score(rng, pts, opp_pts)})
    table = pd.DataFrame(rows, columns=PLAYOFF_COLUMNS)
    for col in PLAYOFF_COLUMNS:
        if col.endswith("_RANK"):
            table[col] = rng.integers(1, 200, len(table))
    return table.sort_values(["TEAM_ABBREVIATION", "SEASON_YEAR", "GAME_ID"], ascending=[True, True, False])


def _nba_team(season: Season, row: int) -> tuple[int, str, str]:
    franchise = int(season.teams.at[row, "franchise"])
    code, name = nba_stats_team(era_of(franchise, season.season), season.season)
    return NBA_TEAM_ID_BASE + franchise, code, name


def _box_score(rng, pts: int, opp_pts: int) -> dict:
    """A box line whose points add up: 2s, 3s and free throws that sum to PTS."""
    ftm = int(round(pts * 0.17))
    fg3m = int(round(pts * 0.11))
    fgm2 = (pts - ftm - 3 * fg3m) // 2
    ftm = pts - 3 * fg3m - 2 * fgm2        # absorbs the rounding so the points add up
    fgm = fgm2 + fg3m
    fga, fg3a, fta = int(round(fgm / 0.46)), int(round(fg3m / 0.36)) + 1, int(round(ftm / 0.77)) + 1
    oreb, dreb = int(rng.integers(6, 14)), int(rng.integers(28, 38))
    return {"MIN": 48.0, "FGM": fgm, "FGA": fga, "FG_PCT": round(fgm / fga, 3), "FG3M": fg3m, "FG3A": fg3a,
            "FG3_PCT": round(fg3m / fg3a, 3), "FTM": ftm, "FTA": fta, "FT_PCT": round(ftm / fta, 3),
            "OREB": oreb, "DREB": dreb, "REB": oreb + dreb, "AST": int(round(fgm * 0.58)),
            "TOV": float(rng.integers(8, 18)), "STL": int(rng.integers(4, 11)), "BLK": int(rng.integers(2, 9)),
            "BLKA": int(rng.integers(2, 9)), "PF": int(rng.integers(15, 27)), "PFD": int(rng.integers(15, 27)),
            "PTS": pts, "PLUS_MINUS": float(pts - opp_pts), "AVAILABLE_FLAG": np.nan}
