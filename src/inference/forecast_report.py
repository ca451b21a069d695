"""What a forecast looks like to a reader: reports/forecast_<season>.md (a CSV/parquet beside it
and the HTML page of src/inference/forecast_page.py; all four written by forecast_files.py)
and a rich table on the terminal. Numbers come
from the Forecast table only; `team_columns` and `top_players_text` are the one place each
report reads them."""
from __future__ import annotations

import html

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from src.inference.forecast import Forecast
from src.inference.forecast_playoffs import bracket_markdown
from src.inference.roster_page import roster_markdown
from src.league.playin import has_playin

MIN_CONSOLE_WIDTH = 120
LOG_FAVOURITES = 5               # teams named in the one-line log summary (the table is in the .md)
SMALLEST_SHOWN = 0.0005          # non-zero probabilities below 0.05% print as <0.1%, not 0.0%


@dataclass(frozen=True)
class Column:
    header: str                  # markdown / HTML header
    short: str                   # terminal header
    value: pd.Series             # raw value (the HTML page sorts by it)
    text: pd.Series              # what is shown
    note: str                    # what it means (HTML tooltip, markdown legend)


def status_lines(fc: Forecast) -> list[str]:
    status, s, odds = fc.status, fc.status.season, fc.fit["odds"]
    given = ODDS_SOURCES.get(fc.fit["bracket_source"]) if fc.fit["bracket_source"] in GIVEN_BRACKETS else None
    if fc.fit["bracket_source"] == "bracket_file_playin":
        lines = [f"**Season {s}**: teams have played {status.games_min}-{status.games_max} games "
                 "(team_seasons.g); seeds 1-10 are the bracket file's. The play-in (seeds 7-10) is "
                 f"simulated {odds['n_sims']:,} times, then the playoffs"
                 + (", after the rest of the regular season" if status.in_progress else "") + "."]
    elif status.in_progress and given is not None:
        lines = [f"**Season {s}**: teams have played {status.games_min}-{status.games_max} games "
                 f"(team_seasons.g); the playoff field and seeds are {given}, so the rest of the "
                 "regular season and the play-in are no longer simulated."]
    elif status.in_progress:
        left = fc.table["games_left"]
        lines = [f"**Season {s} is in progress**: teams have played {status.games_min}-{status.games_max} "
                 f"games (team_seasons.g), {int(left.min())}-{int(left.max())} left. The rest of the regular "
                 f"season is simulated {odds['n_sims']:,} times on {odds['schedules']} drawn schedules (the NBA "
                 "format: 52 conference and 30 other-conference games a season, home and away balanced; "
                 "the real schedule is not in the data), then the standings (ties by a random draw: "
                 "head-to-head and division records are not in the data), "
                 + ("the play-in (seeds 7-10) " if has_playin(s) else "")
                 + "and the playoffs. It will change as the season goes on."]
    elif fc.playoffs is not None and fc.playoffs.as_of is not None:
        n = len(fc.playoffs.games)
        lines = [f"**As of {fc.playoffs.as_of:%Y-%m-%d}: regular season and {n} playoff "
                 f"game{'s' if n != 1 else ''}** (nothing later is read). The bracket is the real one, "
                 "from the season's playoff games."]
    else:
        games = (f"{status.games_max}" if status.games_min == status.games_max
                 else f"{status.games_min}-{status.games_max}")
        real = fc.fit.get("bracket_source") == "playoff_series"
        lines = [f"Season {s}: regular season complete ({games} games), no playoff game known. "
                 "The 16 playoff teams are known (team_seasons.made_playoffs)"
                 + (", in the real bracket." if real else ", seeded by record per conference."),
                 *([] if real else ["Seeds are approximate where records tie: ties are broken by SRS, not by "
                                    "the NBA's tie-break rules, and the play-in's order of seeds 7 and 8 is "
                                    "not known here."])]
        if given is not None:
            lines = [f"Season {s}: regular season complete ({games} games); the bracket is {given}."]
    if status.outcome_known:
        lines.append(f"**Backtest**: the outcome of {s} is known (run with --allow-known).")
    lines += _sample_lines(fc)
    return lines


def _sample_lines(fc: Forecast) -> list[str]:
    """Whether the forecast is out of sample, said once."""
    s, stack = fc.status.season, fc.fit.get("stacker", {})
    if stack.get("replay"):
        first, last = stack["seasons"]
        return [f"Out of sample: the ratings and every probability come from fits on seasons "
                f"{first}-{last} only (the season's walk-forward forecast, as the evaluate stage scores "
                f"it); only the level-1 model scores in the table are the final models', which saw {s}."]
    if fc.status.models_saw_season:
        return [f"Caveat: the final models trained on seasons including {s}; this is not an "
                "out-of-sample forecast (see the evaluate stage for that)."]
    return []


ODDS_SOURCES = {"season_simulation": "the rest of the regular season, the play-in and the playoffs simulated",
                "seeding_rules": "the known playoff field's bracket, seeded by the era's rules, simulated",
                "record_order": "the known playoff field's bracket, seeded by record, simulated",
                "playoff_series": "the real bracket (from the season's playoff series), simulated",
                "results_file": "the real bracket (the first-round pairings of the playoff results file)",
                "bracket_file": "the real bracket (the bracket file: conference, seed, team)",
                "bracket_file_playin": "the bracket file's seeds 1-10, the play-in and the playoffs simulated"}
GIVEN_BRACKETS = ("results_file", "bracket_file")


def method_lines(fc: Forecast) -> list[str]:
    s, stack, odds = fc.status.season, fc.fit["stacker"], fc.fit["odds"]
    tempered = "temperature" in odds
    title = (f"P(title) is the simulated title probability tempered by T = {odds['temperature']:.2f} "
             "(fitted on earlier seasons); the round columns are the raw simulation."
             if tempered else "Every probability is a share of the simulated seasons.")
    return [f"- Level-1 scores of {s}: the final Model A, XGBoost and random forest "
            "(trained on seasons with known outcomes).", *_stacker_lines(stack, odds),
            f"- Odds: {ODDS_SOURCES.get(fc.fit['bracket_source'], fc.fit['bracket_source'])}. {title}"]


def _stacker_lines(stack: dict, odds: dict) -> list[str]:
    seasons = f"seasons {stack['seasons'][0]}-{stack['seasons'][1]}"
    if stack.get("replay"):
        return [f"- Replay of a past season: the ensemble strengths are its walk-forward forecast "
                f"(data/processed/scores.parquet, fitted on {seasons}), the same numbers the evaluate "
                "stage scores."]
    if "weights" in stack:          # stacking.objective series: the ensemble is in points
        weights = ", ".join(f"{m} {w:+.2f}" for m, w in stack["weights"].items())
        return [f"- Stacker fitted on the playoff series of {seasons} (likelihood under the simulator's "
                f"game model; models, L2 penalty {stack['penalty']:g} and scaling '{stack['scaling']}' "
                f"chosen on validation seasons): points per unit of each model's scaled score: {weights}.",
                "- Rating: the ensemble score itself, a strength in points per game against an average "
                "team; no further map."]
    coefs = ", ".join(f"{k[5:]} {v:+.3f}" for k, v in stack.items() if k.startswith("coef_"))
    return [f"- Stacker (RidgeCV on per-season z-scores) fitted on {stack['rows']} out-of-sample rows of "
            f"{seasons}: alpha {stack['alpha']:g}; {coefs}.",
            f"- Rating: the ensemble score in points per game against an average team "
            f"({odds['slope']:.2f} points per standard deviation of score, fitted on "
            f"{odds.get('n_fit_seasons', 0)} earlier seasons, simulation.calibrate_to)."]


def pct(x: float) -> str:
    if pd.isna(x):
        return "-"
    if 0 < x < SMALLEST_SHOWN:      # a long shot is not the same as no chance
        return f"<{100 * SMALLEST_SHOWN:.1f}%"
    return f"{100 * x:.1f}%"


_pct = pct      # the name earlier callers import


def team_columns(fc: Forecast) -> list[Column]:
    """Every column of the all-teams table, in order."""
    t = fc.table
    total = t["wins"] + t["losses"] + t["games_left"]
    p = lambda col: t[col].map(pct)      # noqa: E731
    cols = [Column("#", "#", t["rank"], t["rank"].astype(str), "league rank by rating"),
            Column("team", "team", t["team"], t["team"], "team code (name in the tooltip)"),
            Column("conf", "conf", t["conference"], t["conference"], "conference"),
            Column("rating", "pts", t["strength_points"], t["strength_points"].map(lambda v: f"{v:+.1f}"),
                   "ensemble strength in points per game against an average team"),
            Column("W-L", "W-L", t["win_pct"], t["wins"].astype(str) + "-" + t["losses"].astype(str),
                   "record to date" if fc.status.in_progress else "final regular-season record")]
    if fc.status.in_progress:
        cols += [
            Column("proj. W-L", "proj W-L", t["wins_mean"],
                   t["wins_mean"].round().astype(int).astype(str) + "-"
                   + (total - t["wins_mean"]).round().astype(int).astype(str),
                   "projected final record (mean of the simulated seasons)"),
            Column("80% wins", "80% W", t["wins_lo"],
                   t["wins_lo"].astype(int).astype(str) + "-" + t["wins_hi"].astype(int).astype(str),
                   "projected wins: 80% of the simulated seasons end inside this range")]
    else:
        cols.append(Column("seed", "seed", t["seed"].astype(float), t["seed"].astype("string").fillna("-"),
                           "playoff seed (field known)"))
    cols.append(Column("P(top-6)", "top-6", t["p_top6"], p("p_top6"), "P(finish 1st-6th in the conference)"))
    if has_playin(fc.status.season):
        cols.append(Column("P(play-in)", "play-in", t["p_playin"], p("p_playin"),
                           "P(finish 7th-10th: the play-in tournament)"))
    return cols + [
        Column("P(playoffs)", "playoffs", t["p_playoffs"], p("p_playoffs"), "P(one of the 16 playoff teams)"),
        Column("P(2nd round)", "R2", t["p_round1"], p("p_round1"), "P(win the first-round series)"),
        Column("P(conf. finals)", "conf F", t["p_round2"], p("p_round2"), "P(reach the conference finals)"),
        Column("P(Finals)", "Finals", t["p_round3"], p("p_round3"), "P(reach the NBA Finals)"),
        Column("P(title)", "title", t["p_champion"], p("p_champion"), "P(win the championship)")]


def top_players_text(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """team, player 1..k as "name (contribution; value: its parts; minutes)": the one function
    every report reads players through (forecast columns player_<r>, contribution_<r>,
    value_<r>, value_season_<r>, value_history_<r>, mp_<r>, team_mp_<r>, attention_<r>,
    minutes_share_<r>; players ordered by contribution)."""
    out = {"team": table["team"]}
    missing = pd.Series(float("nan"), index=table.index)
    for r in range(1, k + 1):
        if f"player_{r}" not in table.columns:
            break
        # a table from a Model A without a value head has no contributions: attention order
        cols = [table.get(f"{c}_{r}", missing) for c in PLAYER_FIELDS]
        out[f"player {r}"] = [_player_text(team, *values)
                              for team, *values in zip(table["team"], *cols)]
    return pd.DataFrame(out)


PLAYER_FIELDS = ("player", "contribution", "value", "value_season", "value_history", "mp",
                 "team_mp", "attention", "minutes_share")


def _player_text(team: str, name, contribution: float, value: float, value_season: float,
                 value_history: float, mp: float, team_mp: float, attention: float,
                 minutes_share: float) -> str:
    if pd.isna(name):
        return "-"
    points = "" if pd.isna(contribution) else f"{_signed(contribution)} pts; "
    if pd.isna(value) or pd.isna(mp):
        return f"{name} ({points}{attention:.2f} attention, {pct(minutes_share)} of minutes)"
    parts = "" if pd.isna(value_season) else (
        f": season {_signed(value_season)}" + ("" if pd.isna(value_history) else f", earlier {_signed(value_history)}"))
    minutes = f"{mp:.0f} min" if pd.isna(team_mp) or round(team_mp) == round(mp) else \
        f"{team_mp:.0f} min for {team} ({mp:.0f} in the season)"
    return f"{name} ({points}value {_signed(value)}{parts}; {minutes})"


def _signed(x: float) -> str:
    """+1.2, -0.7, and +0.0 for a value that rounds to zero (never "-0.0")."""
    return f"{round(float(x), 1) + 0.0:+.1f}"


PLAYERS_NOTE = ("Top players by contribution: the points a player adds to his team's strength over "
                "a replacement-level player in the same court time, 5 x attention x (value - "
                "replacement level); a team's contributions add up exactly to its strength above a "
                "team of replacement-level players. Value: points per 100 possessions from his own "
                "box production, shooting and on-off: this season's (season) blended with his "
                "earlier seasons' (earlier; how much each counts: features.player_value in "
                "params.yaml) and some minutes at replacement level, so weak earlier seasons pull "
                "a good season's value down. "
                "Minutes: regular season; a player traded during the season is rated on his whole "
                "season, his minutes for this team shown first.")


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|"})


def md_text(value: object) -> str:
    """A name from the data as Markdown shows it, never as markup: HTML (<script>) and Markdown
    characters escaped; plain names (letters, spaces, . ' -) come out unchanged."""
    return html.escape(str(value), quote=False).translate(_MD_SPECIAL)


def _md_table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def render_markdown(fc: Forecast, k: int) -> str:
    cols = team_columns(fc)
    teams = pd.DataFrame({c.header: c.text.to_numpy() for c in cols})
    teams["team"] = teams["team"].map(md_text)
    legend = "; ".join(f"{c.header} = {c.note}" for c in cols[3:])
    named = fc.table.assign(team=fc.table["team"].map(md_text), **{
        c: fc.table[c].map(lambda v: v if pd.isna(v) else md_text(v))
        for c in fc.table.columns if c.startswith("player_")})
    players = top_players_text(named, k)
    players.insert(0, "#", fc.table["rank"])
    s = fc.status.season
    return "\n".join([f"# Forecast {s}", "", "\n\n".join(status_lines(fc)), "",
                      *_bracket_lines(fc), *roster_markdown(fc.roster),
                      "## How it was made", "", *method_lines(fc), "",
                      "## Every team, by rating", "", legend + ".", "", _md_table(teams), "",
                      f"## Top {k} players", "", PLAYERS_NOTE, "", _md_table(players), "",
                      f"The same tables, sortable: [forecast_{s}.html](forecast_{s}.html).", ""])


def _bracket_lines(fc: Forecast) -> list[str]:
    notes = [f"- {md_text(n)}" for n in fc.fit.get("bracket_notes", [])]
    notes = ["The real bracket differs from the product's own seeding:", "", *notes, ""] if notes else []
    if fc.playoffs is None or fc.bracket is None:
        return notes
    return [*map(md_text, bracket_markdown(fc.playoffs, fc.bracket)), "", *notes]


def favourites_line(fc: Forecast, table_path: Path) -> str:
    """The forecast in one log line: the title favourites and where every team's row is."""
    top = fc.table.sort_values("p_champion", ascending=False, kind="stable").head(LOG_FAVOURITES)
    odds = ", ".join(f"{t} {pct(p)}" for t, p in zip(top["team"], top["p_champion"]))
    return f"forecast {fc.status.season}: title odds {odds}, ... (every team: {table_path})"


def print_forecast(fc: Forecast, console=None) -> None:
    """A rich table of every team on the terminal."""
    from rich.console import Console
    from rich.table import Table

    # a pipe reports 80 columns, too narrow for the table: never print narrower than this
    console = console or Console(width=max(Console().width, MIN_CONSOLE_WIDTH))
    status = fc.status
    title = f"Forecast {status.season}" + (
        f" ({status.games_min}-{status.games_max} games played; rest of the season simulated)"
        if status.in_progress else " (regular season complete; field known)")
    cols = [c for c in team_columns(fc) if c.short != "80% W"]
    grid = Table(title=title)
    for c in cols:
        grid.add_column(c.short, justify="left" if c.short in ("team", "conf") else "right")
    for i in range(len(fc.table)):
        grid.add_row(*(str(c.text.iloc[i]) for c in cols))
    console.print(grid)
