"""The in-season forecast: the rest of the regular season, the standings, the play-in and the
playoffs, in one Monte Carlo vectorised over simulations.

Per simulation:
1. the remaining 82 - g games of every team, on a drawn schedule (src/league/schedule.py:
   the NBA format's conference weights, home/away balanced); each game is won with the
   simulator's game probability (same strengths in points, home court, link and scale as
   the playoffs); final record = record to date + simulated games;
2. standings per conference by win%. Tie-breaks: the NBA breaks ties by head-to-head,
   division leader, division and conference win%, ... none of which the data holds (no game
   results, no divisions for a season in progress), so ties are broken by a random draw per
   simulation, the NBA's own last resort; every ordering of tied teams is equally likely;
3. from 2020-21 the play-in (src/league/playin.py) among seeds 7-10; before, seeds 1-8;
4. the playoffs on the resulting bracket (src/league/monte_carlo.play_brackets: seeds
   1v8, 4v5, 3v6, 2v7, no re-seeding), home court to the better record (the same random
   draw on ties).
Simulations are split into `n_schedules` blocks, each with its own drawn schedule, so the
odds average over schedules as well as over results.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.artifacts import TEAM_SEASONS
from src.errors import DataError
from src.league.bracket import CONFERENCES
from src.league.monte_carlo import N_ROUNDS, SLOT_SEEDS, GameModel, game_win_prob, play_brackets, series_if_home
from src.league.playin import DIRECT_SEEDS, PLAYIN_SEEDS, has_playin, play_in
from src.league.schedule import draw_schedule

log = logging.getLogger(__name__)

REGULAR_SEASON_GAMES = 82
WINS_INTERVAL = (0.10, 0.90)      # the projected-wins interval: 80% of simulated seasons inside
SEASON_COLUMNS = ["games_left", "wins_mean", "wins_lo", "wins_hi", "seed_mean", "p_top6", "p_playin",
                  "p_playoffs", *(f"p_round{r}" for r in range(1, N_ROUNDS + 1)), "p_champion"]
_TEAMS_FILE = TEAM_SEASONS.path


@dataclass(frozen=True)
class League:
    """One season as it stands: arrays aligned by team index."""
    season: int
    teams: np.ndarray          # team codes
    conference: np.ndarray     # "E" / "W"
    wins: np.ndarray           # wins to date
    games: np.ndarray          # games played to date
    strength: np.ndarray       # points (the forecast's strength scale)

    @property
    def games_left(self) -> np.ndarray:
        return np.clip(REGULAR_SEASON_GAMES - self.games, 0, None)

    @property
    def total_games(self) -> np.ndarray:
        return np.maximum(self.games, REGULAR_SEASON_GAMES)


def league_from(season_teams: pd.DataFrame, points: pd.Series, season: int) -> League:
    """League of `season` from its team_seasons rows and strengths in points (indexed by team)."""
    rows = season_teams.sort_values("team").reset_index(drop=True)
    missing = sorted(set(rows["team"]) - set(points.dropna().index))
    if missing:
        raise DataError(f"season {season}: no strength in points for team(s) {', '.join(missing)}")
    needed = max(PLAYIN_SEEDS) if has_playin(season) else len(SLOT_SEEDS)
    for conf in CONFERENCES:
        n = int((rows["conference"] == conf).sum())
        if n < needed:
            raise DataError(f"{_TEAMS_FILE}: season {season}, conference {conf}: {n} teams, the "
                            f"season simulation needs at least {needed}")
    if (rows["wins"] > rows["g"]).any():
        bad = rows.loc[rows["wins"] > rows["g"], "team"].iloc[0]
        raise DataError(f"{_TEAMS_FILE}: season {season}, team {bad}: wins > g")
    return League(season=season, teams=rows["team"].to_numpy(str), conference=rows["conference"].to_numpy(str),
                  wins=rows["wins"].to_numpy(int), games=rows["g"].to_numpy(int),
                  strength=points.loc[rows["team"]].to_numpy(float))


def simulate_remaining(league: League, model: GameModel, n_sims: int, n_schedules: int,
                       rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """(n_sims, n_teams) wins in the remaining games; number of unpaired games per schedule."""
    n_teams = len(league.teams)
    wins = np.zeros((n_sims, n_teams))
    unpaired = 0
    for block in np.array_split(np.arange(n_sims), min(n_schedules, n_sims)):
        sched = draw_schedule(league.games_left, league.conference, rng)
        unpaired = max(unpaired, sched.unpaired)
        if len(sched.home) == 0:
            continue
        p_home = game_win_prob(league.strength[sched.home] - league.strength[sched.away] + model.home_court,
                               model)
        home_won = (rng.random((len(block), len(sched.home))) < p_home).astype(float)
        home_side = np.eye(n_teams)[sched.home] * sched.counted[:, [0]]
        away_side = np.eye(n_teams)[sched.away] * sched.counted[:, [1]]
        wins[block] = home_won @ home_side + (1.0 - home_won) @ away_side
    return wins, unpaired


def standings_order(win_pct: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """(n_sims, n) column indices best first: win% descending, ties by the random draw."""
    return np.lexsort((tiebreak, -win_pct), axis=-1)


def conference_seeds(win_pct: np.ndarray, tiebreak: np.ndarray, conference: np.ndarray,
                     conf: str) -> np.ndarray:
    """(n_sims, n_conf) team indices of `conf` in seed order (seed 1 first)."""
    members = np.flatnonzero(conference == conf)
    return members[standings_order(win_pct[:, members], tiebreak[:, members])]


def fixed_seeds(seeds: np.ndarray, given: list[str], league: League) -> np.ndarray:
    """`seeds` (n_sims, n_conf) with the first len(given) seeds set to `given` (a bracket file's
    teams in seed order); the other teams follow in each simulation's standing order."""
    index = {t: i for i, t in enumerate(league.teams)}
    top = np.array([index[t] for t in given])
    rest = seeds[~np.isin(seeds, top)].reshape(len(seeds), -1)
    return np.column_stack([np.broadcast_to(top, (len(seeds), len(top))), rest])


def playoff_field(seeds: np.ndarray, league: League, model: GameModel,
                  rng: np.random.Generator, play_in_known: bool = False) -> np.ndarray:
    """(n_sims, 8) team indices of one conference's seeds 1-8 (after the play-in if any; not
    played when its results are known: `play_in_known`, seeds 7 and 8 given)."""
    if not has_playin(league.season) or play_in_known:
        return seeds[:, :len(SLOT_SEEDS)]
    first, last = PLAYIN_SEEDS[0] - 1, PLAYIN_SEEDS[-1]
    seventh, eighth = play_in(seeds[:, first:last], league.strength, model, rng)
    return np.column_stack([seeds[:, :DIRECT_SEEDS], seventh, eighth])


def simulate_season(league: League, model: GameModel, n_sims: int, seed: int, n_schedules: int,
                    first_round_best_of: int, given: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """One row per team: projected wins, seed odds, play-in, playoff and round odds. `given`:
    a conference's seeds from a bracket file (1-10 before the play-in, 1-8 after it) replace the
    simulated standings; the play-in is played only where seeds 9-10 are given."""
    rng = np.random.default_rng(seed)
    n_teams = len(league.teams)
    extra, unpaired = simulate_remaining(league, model, n_sims, n_schedules, rng)
    if unpaired:
        log.info("season %d: up to %d remaining game(s) per drawn schedule had no opponent with "
                 "games left; each was counted for one team only", league.season, unpaired)
    final_wins = league.wins + extra
    win_pct = final_wins / league.total_games
    tiebreak = rng.random((n_sims, n_teams))
    priority = np.empty((n_sims, n_teams))
    np.put_along_axis(priority, standings_order(win_pct, tiebreak),
                      np.arange(n_teams, 0, -1, dtype=float)[None, :].repeat(n_sims, 0), axis=1)
    seeds = {c: conference_seeds(win_pct, tiebreak, league.conference, c) for c in CONFERENCES}
    given = given or {}
    seeds = {c: fixed_seeds(seeds[c], given[c], league) if c in given else seeds[c] for c in CONFERENCES}
    fields = [playoff_field(seeds[c], league, model, rng, len(given.get(c, ())) == len(SLOT_SEEDS))
              for c in CONFERENCES]
    slots = np.column_stack([f[:, [s - 1 for s in SLOT_SEEDS]] for f in fields])
    best_of_7 = series_if_home(league.strength, model, 7)
    first = best_of_7 if first_round_best_of == 7 else series_if_home(league.strength, model, first_round_best_of)
    winners = play_brackets(slots, priority, [first, best_of_7, best_of_7, best_of_7], rng)
    return _summary(league, final_wins, seeds, slots, winners, n_sims)


def _share(team_indices: np.ndarray, n_teams: int, n_sims: int) -> np.ndarray:
    return np.bincount(np.asarray(team_indices).ravel(), minlength=n_teams) / n_sims


def _summary(league: League, final_wins: np.ndarray, seeds: dict[str, np.ndarray], slots: np.ndarray,
             winners: list[np.ndarray], n_sims: int) -> pd.DataFrame:
    n_teams = len(league.teams)
    seed_of = np.zeros((n_sims, n_teams))
    for block in seeds.values():
        np.put_along_axis(seed_of, block, np.arange(1, block.shape[1] + 1)[None, :].repeat(n_sims, 0), axis=1)
    lo, hi = np.quantile(final_wins, WINS_INTERVAL, axis=0, method="inverted_cdf")
    out = pd.DataFrame({"team": league.teams, "games_left": league.games_left,
                        "wins_mean": final_wins.mean(axis=0), "wins_lo": lo, "wins_hi": hi,
                        "seed_mean": seed_of.mean(axis=0)})
    out["p_top6"] = _share(np.column_stack([s[:, :DIRECT_SEEDS] for s in seeds.values()]), n_teams, n_sims)
    out["p_playin"] = (_share(np.column_stack([s[:, DIRECT_SEEDS:max(PLAYIN_SEEDS)] for s in seeds.values()]),
                              n_teams, n_sims) if has_playin(league.season) else 0.0)
    out["p_playoffs"] = _share(slots, n_teams, n_sims)
    for r, won in enumerate(winners, start=1):
        out[f"p_round{r}"] = _share(won, n_teams, n_sims)
    out["p_champion"] = out[f"p_round{N_ROUNDS}"]
    return out[["team", *SEASON_COLUMNS]]
