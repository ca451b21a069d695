"""What a forecast looks like to a reader: reports/forecast_<season>.md, a CSV/parquet beside it,
and a rich table on the terminal. Numbers come from the Forecast table only."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from src.inference.forecast import Forecast, SeasonStatus
from src.inference.title_odds import ROUND_COLUMNS
from src.utils.io import atomic_path, write_parquet, write_text

MIN_CONSOLE_WIDTH = 110
SMALLEST_SHOWN = 0.0005          # non-zero probabilities below 0.05% print as <0.1%, not 0.0%
ROUND_HEADERS = ["P(win round 1)", "P(reach conf. finals)", "P(reach Finals)", "P(win Finals, raw MC)"]


def report_paths(out_dir: str | Path, season: int) -> dict[str, Path]:
    base = Path(out_dir) / f"forecast_{season}"
    return {"md": base.with_suffix(".md"), "csv": base.with_suffix(".csv"),
            "parquet": base.with_suffix(".parquet")}


def status_lines(status: SeasonStatus) -> list[str]:
    s = status.season
    if status.in_progress:
        lines = [f"**Season {s} is in progress**: teams have played {status.games_min}-{status.games_max} "
                 "games (team_seasons.g). This forecast is a **snapshot of regular-season data to date**; "
                 "it will change as the season goes on.",
                 "The playoff field is **projected** as the top 8 by win% in each conference, seeded by "
                 "record. The play-in tournament (seeds 7-10) is **not modelled**: seeds 7 and 8 are "
                 "taken as they stand."]
    else:
        games = (f"{status.games_max}" if status.games_min == status.games_max
                 else f"{status.games_min}-{status.games_max}")
        lines = [f"Season {s}: regular season complete ({games} games). "
                 "The 16 playoff teams are known (team_seasons.made_playoffs), seeded by record per "
                 "conference; the playoff results are not in the data.",
                 "Seeds are approximate where records tie: ties are broken by SRS, not by the NBA's "
                 "tie-break rules, and the play-in's order of seeds 7 and 8 is not known here."]
    if status.outcome_known:
        lines.append(f"**Backtest**: the outcome of {s} is known (run with --allow-known).")
    if status.models_saw_season:
        lines.append(f"Caveat: the final models trained on seasons including {s}; this is not an "
                     "out-of-sample forecast (see the evaluate stage for that).")
    return lines


def _pct(x: float) -> str:
    if 0 < x < SMALLEST_SHOWN:      # a long shot is not the same as no chance
        return f"<{100 * SMALLEST_SHOWN:.1f}%"
    return f"{100 * x:.1f}%"


def _md_table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def odds_table(table: pd.DataFrame) -> pd.DataFrame:
    field = table[table["seed"].notna()].sort_values(["p_champion", "rank"], ascending=[False, True])
    out = pd.DataFrame({"team": field["team"], "conf": field["conference"], "seed": field["seed"],
                        "W-L": field["wins"].astype(str) + "-" + field["losses"].astype(str),
                        "P(title)": field["p_champion"].map(_pct)})
    for col, header in zip(ROUND_COLUMNS, ROUND_HEADERS):
        out[header] = field[col].map(_pct)
    return out


def ranking_table(table: pd.DataFrame) -> pd.DataFrame:
    seed = table["seed"].astype("string").fillna("-")
    return pd.DataFrame({"rank": table["rank"], "team": table["team"], "name": table["team_name"],
                         "conf": table["conference"], "conf rank": table["conf_rank"],
                         "W-L": table["wins"].astype(str) + "-" + table["losses"].astype(str),
                         "SRS": table["srs"].map(lambda v: f"{v:+.2f}"),
                         "strength (pts)": table["strength_points"].map(lambda v: f"{v:+.2f}"),
                         "seed": seed, "P(title)": table["p_champion"].map(_pct)})


def players_table(table: pd.DataFrame, k: int) -> pd.DataFrame:
    out = {"rank": table["rank"], "team": table["team"]}
    for r in range(1, k + 1):
        if f"contribution_{r}" in table.columns:
            out[f"player {r} (contribution, attention, minutes share)"] = [
                "-" if pd.isna(p) else f"{p} ({c:+.1f} pts, {a:.2f}, {_pct(m)})"
                for p, c, a, m in zip(table[f"player_{r}"], table[f"contribution_{r}"],
                                      table[f"attention_{r}"], table[f"minutes_share_{r}"])]
            continue
        out[f"player {r} (attention, minutes share)"] = [
            "-" if pd.isna(p) else f"{p} ({a:.2f}, {_pct(m)})"
            for p, a, m in zip(table[f"player_{r}"], table[f"attention_{r}"], table[f"minutes_share_{r}"])]
    return pd.DataFrame(out)


def _stacker_lines(stack: dict, odds: dict, temperature: str) -> list[str]:
    seasons = f"seasons {stack['seasons'][0]}-{stack['seasons'][1]}"
    if "weights" in stack:          # stacking.objective series: the ensemble is in points
        weights = ", ".join(f"{m} {w:+.2f}" for m, w in stack["weights"].items())
        return [f"- Stacker fitted on the playoff series of {seasons} (likelihood under the simulator's "
                f"game model; models, L2 penalty {stack['penalty']:g} and scaling '{stack['scaling']}' "
                f"chosen on validation seasons): points per unit of each model's scaled score: {weights}. "
                f"The ensemble score is a strength in points; no further map.",
                f"- Title-odds temperature {temperature}."]
    coefs = ", ".join(f"{k_[5:]} {v:+.3f}" for k_, v in stack.items() if k_.startswith("coef_"))
    return [f"- Stacker (RidgeCV on per-season z-scores) fitted on {stack['rows']} out-of-sample rows of "
            f"{seasons}: alpha {stack['alpha']:g}; {coefs}.",
            f"- Score -> points map: {odds['slope']:.2f} SRS points per standard deviation; title-odds "
            f"temperature {temperature}; both fitted on {odds['n_fit_seasons']} earlier seasons."]


def render_markdown(fc: Forecast, k: int) -> str:
    s, fit = fc.status.season, fc.fit
    stack, odds = fit["stacker"], fit["odds"]
    temperature = f"{odds['temperature']:.2f}" if "temperature" in odds else "none"
    parts = [f"# Forecast {s}", "", "\n\n".join(status_lines(fc.status)), "",
             "## How it was made", "",
             f"- Level-1 scores of {s}: the final Model A, XGBoost and random forest "
             f"(trained on seasons with known outcomes).", *_stacker_lines(stack, odds, temperature),
             f"- Bracket: {fit['bracket_source']} (ties in record broken by SRS). P(title) is the tempered Monte Carlo title probability; "
             "the round columns are the raw simulation (P(win Finals, raw MC) before tempering).", "",
             "## Title and round-by-round odds (playoff field)", "", _md_table(odds_table(fc.table)), "",
             "## Strength ranking (all teams)", "",
             "rank = league rank by the ensemble score; strength (pts) = that score on the SRS scale.", "",
             _md_table(ranking_table(fc.table)), "",
             f"## Top {k} players by Model A contribution", "",
             "contribution = points the player adds to Model A's team strength (5 x attention x value; "
             "a team's contributions sum to its strength minus one bias); attention = his expected share "
             "of playoff minutes (sums to 1 over the roster); minutes share = the minutes prior it starts from.", "",
             _md_table(players_table(fc.table, k)), ""]
    return "\n".join(parts)


def write_forecast(fc: Forecast, out_dir: str | Path, k: int) -> list[Path]:
    paths = report_paths(out_dir, fc.status.season)
    with atomic_path(paths["csv"]) as tmp:
        fc.table.to_csv(tmp, index=False)
    return [write_text(render_markdown(fc, k), paths["md"]), paths["csv"],
            write_parquet(fc.table, paths["parquet"])]


def print_forecast(fc: Forecast, console=None) -> None:
    """A rich table of every team (playoff field with its round odds) on the terminal."""
    from rich.console import Console
    from rich.table import Table

    # a pipe reports 80 columns, too narrow for 11 columns: never print narrower than this
    console = console or Console(width=max(Console().width, MIN_CONSOLE_WIDTH))
    status = fc.status
    title = f"Forecast {status.season}" + (
        f" (snapshot, {status.games_min}-{status.games_max} games played; projected field, no play-in)"
        if status.in_progress else " (regular season complete; field known)")
    grid = Table(title=title)
    for header in ["#", "team", "conf", "conf #", "W-L", "pts", "seed", "win R1", "conf F", "Finals", "title"]:
        grid.add_column(header, justify="left" if header in ("team", "conf") else "right")
    for row in fc.table.itertuples(index=False):
        in_field = not pd.isna(row.seed)
        odds = [_pct(getattr(row, c)) if in_field else "-"
                for c in ("p_round1", "p_round2", "p_round3", "p_champion")]
        grid.add_row(str(row.rank), row.team, row.conference, str(row.conf_rank), f"{row.wins}-{row.losses}",
                     f"{row.strength_points:+.1f}", str(row.seed) if in_field else "-", *odds)
    console.print(grid)
