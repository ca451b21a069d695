"""A synthetic NBA league with known latent strengths, written in the layout of the real raw files.

`generate_league(out_dir, seed)` writes the CSVs the ingest stage reads (same names, same
columns as ../shared/data/nba-bref) plus the truth: `truth_teams.csv` (season, team,
conference, true_strength, seed, series_won, champion) and `truth_players.csv` (season,
player_id, team, true_impact, star). Like the real sources, Team_Records.csv stops after
2016-17 and the playoff game file covers 2010-11..2023-24. Deterministic from the seed.

    python -m src.data.synthetic --out data/synthetic --seed 0 --first-season 1997 --last-season 2016
"""
from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from src.data import synthetic_tables as tables
from src.data.synthetic_box_scores import box_scores
from src.data.synthetic_players import per_100_stats, player_stats, with_total_rows
from src.data.synthetic_sim import League, Season
from src.data.synthetic_tables import INFO_COLUMNS, PBP_COLUMNS, PER_100_COLUMNS, SHOOTING_COLUMNS
from src.data.synthetic_teams import FIRST_SEASON, era_of, franchise_order
from src.utils.io import write_text
from src.utils.logging import setup_logging

log = logging.getLogger("synthetic")

TRUTH_TEAMS, TRUTH_PLAYERS = "truth_teams.csv", "truth_players.csv"
# The Basketball-Reference files write missing values as NA; these two leave them empty.
EMPTY_NA_FILES = {"Team_Records.csv", "play_off_totals_2010_2024.csv", "play_off_box_scores_2010_2024.csv"}
# Per 100 Poss stats draw from their own stream, so adding them left every other file unchanged.
PER_100_STREAM = 100


def generate_league(out_dir: Path, seed: int = 0, first_season: int = 1997, last_season: int = 2016,
                    n_teams: int = 30, players_per_team: int = 13, star_mode: bool = False,
                    star_minutes_rank: int = 0) -> Path:
    """Simulate seasons first_season..last_season and write the raw files into `out_dir`.

    star_mode: one player per team decides its strength; `star_minutes_rank` k > 0 gives him
    the (k+1)-th most minutes of his team instead of the most (so minutes cannot find him)."""
    if not FIRST_SEASON <= first_season <= last_season:
        raise ValueError(f"seasons must satisfy {FIRST_SEASON} <= first_season <= last_season, "
                         f"got {first_season}..{last_season}")
    rng = np.random.default_rng(seed)
    league = League(rng, franchise_order(n_teams), players_per_team, star_mode, star_minutes_rank)
    stats_rng = np.random.default_rng([seed, PER_100_STREAM])
    seasons = [league.play(s, first=(s == first_season)) for s in range(first_season, last_season + 1)]
    for season in seasons:
        stats = player_stats(rng, season.rows, _net(season))
        season.rows = season.rows.join(stats).join(per_100_stats(stats_rng, season.rows))
        season.rows["team"] = [era_of(f, season.season).code for f in season.rows["franchise"]]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "Team Summaries.csv": tables.team_summaries(rng, seasons),
        "Team Abbrev.csv": tables.team_abbrev(seasons),
        "Team_Records.csv": tables.team_records(seasons),
        "play_off_totals_2010_2024.csv": tables.playoff_games(rng, seasons),
        "All-Star Selections.csv": tables.all_stars(seasons),
        TRUTH_TEAMS: _truth_teams(seasons),
        TRUTH_PLAYERS: _truth_players(seasons),
    }
    files.update(_player_files(seasons))
    files["play_off_box_scores_2010_2024.csv"] = box_scores(
        files["play_off_totals_2010_2024.csv"], files["Player Play By Play.csv"], seed)
    for name, frame in files.items():
        encoding = "utf-8-sig" if name == "Team_Records.csv" else "utf-8"
        text = frame.to_csv(index=False, na_rep="" if name in EMPTY_NA_FILES else "NA")
        _write(out_dir / name, text, encoding)
    log.info("synthetic league: seasons %d..%d, %d files in %s", first_season, last_season, len(files), out_dir)
    return out_dir


def _write(path: Path, text: str, encoding: str) -> None:
    if encoding == "utf-8":
        write_text(text, path)
    else:
        write_text("\ufeff" + text, path)   # the real Team_Records.csv starts with a byte-order mark


def _net(season: Season) -> pd.Series:
    t = season.teams
    return pd.Series((t["o_rtg"] - t["d_rtg"]).to_numpy(), index=t["franchise"])


def _player_files(seasons: list[Season]) -> dict[str, pd.DataFrame]:
    rows = with_total_rows(pd.concat([s.rows for s in seasons], ignore_index=True))
    rows["experience"] = rows["season"] - rows["debut"] + 1
    rows["age"] = rows["age"].astype(int)
    positions = [c for c in PBP_COLUMNS if c.endswith("_percent") and len(c) <= len("pg_percent")]
    for col in ("g", "gs", "mp", *positions):
        rows[col] = rows[col].round().astype(int)
    return {"Player Play By Play.csv": rows[PBP_COLUMNS], "Player Shooting.csv": rows[SHOOTING_COLUMNS],
            "Player Season Info.csv": rows[INFO_COLUMNS], "Per 100 Poss.csv": rows[PER_100_COLUMNS]}


def _truth_teams(seasons: list[Season]) -> pd.DataFrame:
    frames = [s.teams.assign(season=s.season) for s in seasons]
    t = pd.concat(frames, ignore_index=True)
    t["true_strength"] = t["true_strength"].round(4)
    return t[["season", "team", "conference", "true_strength", "seed", "series_won", "champion"]]


def _truth_players(seasons: list[Season]) -> pd.DataFrame:
    rows = pd.concat([s.rows for s in seasons], ignore_index=True)
    rows = rows.rename(columns={"impact": "true_impact"})
    rows["true_impact"] = rows["true_impact"].astype(float).round(4)
    return rows[["season", "player_id", "team", "true_impact", "star"]].sort_values(
        ["season", "team", "player_id"]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m src.data.synthetic", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the CSVs into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--first-season", type=int, default=1997)
    parser.add_argument("--last-season", type=int, default=2016)
    parser.add_argument("--n-teams", type=int, default=30)
    parser.add_argument("--players-per-team", type=int, default=13)
    parser.add_argument("--star-mode", action="store_true", help="one player per team decides its strength")
    parser.add_argument("--star-minutes-rank", type=int, default=0,
                        help="star mode: the star's minutes rank in his team (0 = most minutes)")
    args = parser.parse_args(argv)
    setup_logging()
    generate_league(args.out, args.seed, args.first_season, args.last_season, args.n_teams,
                    args.players_per_team, args.star_mode, args.star_minutes_rank)


if __name__ == "__main__":
    main()
