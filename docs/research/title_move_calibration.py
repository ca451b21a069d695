"""Do the daily title odds move as much as the games justify? (issue 27, the 2024 replay)

Every playoff morning of 2011-2024 the ensemble's title odds as they stood (src/evaluation/
title_daily.py, the update setting chosen walk-forward per season as the evaluate stage chooses it).
A team's move from one playoff morning to the next is put in a class by what the team did the day
before: it played and its series went on ("in-series game": Boston's 2024 home loss to Miami, 1-1),
it played and its series ended, or it did not play. For the in-series moves of 2011-2023 of a given
size (the seasons before the replay), the realised calibration: the mean odds before and after the
move against the share of those teams that won the title, and the damping k of the move
(p = before + k (after - before)) that scores them best (Bernoulli log-loss of "won the title",
k = 1: the move as made; k = 0: no move), with a season bootstrap interval. Then the 2024 Boston move,
split into what the series state did (1-0 -> 1-1 with the strengths of the morning before) and what
the strength update did (the game's evidence with the state of the morning before).

Not a stage and nothing imports it. Run from the repository root after `dvc repro`:
`PYTHONPATH=. python docs/research/title_move_calibration.py [--min-move 0.10]`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from docs.research.yardstick_data import yardstick_data
from src.config import load_params
from src.evaluation.title_daily import _with_cause, daily_odds, one_day_changes
from src.league.monte_carlo import exact_bracket_probs
from src.league.series import with_starts
from src.league.state import bracket_state, state_matrices
from src.odds.config import game_model
from src.odds.game_asof import walk_forward_games
from src.odds.playoff_update import playoff_update_config, strength_deltas

K_GRID = np.round(np.arange(0.0, 1.51, 0.05), 2)
FLOOR = 1e-6


def load(params: dict, name: str):
    data = yardstick_data(params)
    se, played, table, sim, cfg = data.series, data.played, data.table, data.sim, data.cfg
    model = game_model(sim)
    walk = walk_forward_games(played, se.points[name], playoff_update_config(params), model,
                              with_starts(se.usable, played))
    return se.points[name], played, table, walk.chosen, model, cfg


def classified_moves(odds: pd.DataFrame, games: pd.DataFrame, champions: dict[int, str]) -> pd.DataFrame:
    """one_day_changes with kind (in-series game / series-ending game / no game) and champion."""
    moves = one_day_changes(odds)
    kinds = []
    for m in moves.itertuples():
        season = games[games["season"] == m.season]
        previous = season.loc[season["date"] < m.date, "date"].max()
        mine = season[(season["date"] == previous) & ((season["home_team"] == m.team) | (season["away_team"] == m.team))]
        if mine.empty:
            kinds.append("no game")
            continue
        g = mine.iloc[0]
        pair = season[(season["date"] <= previous) & season["home_team"].isin([g.home_team, g.away_team])
                      & season["away_team"].isin([g.home_team, g.away_team])]
        home_wins = np.where(pair["home_pts"] > pair["away_pts"], pair["home_team"], pair["away_team"])
        decided = pd.Series(home_wins).value_counts().max() >= 4
        kinds.append("series-ending game" if decided else "in-series game")
    return moves.assign(kind=kinds, champion=[champions[s] == t for s, t in zip(moves["season"], moves["team"])])


def print_largest_moves(moves: pd.DataFrame, games: pd.DataFrame, season: int, top: int, heading: str) -> None:
    """The `top` largest one-day moves of `season` (classified_moves rows) with the games behind them."""
    replay = moves[moves["season"] == season]
    rows = replay.loc[replay["change"].abs().sort_values(ascending=False, kind="stable").index[:top]]
    print(heading)
    for row in rows.to_dict("records"):
        c = _with_cause(row, games)
        print(f"  {c['team']} {c['morning']}: {c['before']:.3f} -> {c['after']:.3f} ({c['after'] - c['before']:+.3f}) "
              f"[{row['kind']}] after {c['games_of']}: {'; '.join(c['games'])}")


def damping(moves: pd.DataFrame) -> np.ndarray:
    """[k] summed Bernoulli log-loss of 'won the title' with the move scaled by k."""
    b, a, y = (moves[c].to_numpy(float) for c in ("before", "after", "champion"))
    p = np.clip(b[None] + K_GRID[:, None] * (a - b)[None], FLOOR, 1 - FLOOR)
    return -(np.where(y[None] > 0, np.log(p), np.log(1 - p))).sum(axis=1)


def calibration_of(moves: pd.DataFrame, n_boot: int, seed: int) -> tuple[int, float, float, float]:
    """n, best scale k of the moves, its 90% season-bootstrap interval."""
    best = K_GRID[int(np.argmin(damping(moves)))]
    seasons = moves["season"].unique()
    rng = np.random.default_rng(seed)
    by = {s: moves[moves["season"] == s] for s in seasons}
    boots = [K_GRID[int(np.argmin(sum(damping(by[s]) for s in rng.choice(seasons, len(seasons)))))]
             for _ in range(n_boot)]
    return len(moves), float(best), float(np.quantile(boots, 0.05)), float(np.quantile(boots, 0.95))


def calibration(moves: pd.DataFrame, label: str, n_boot: int, seed: int) -> None:
    if moves.empty:
        print(f"{label}: none")
        return
    n, best, low, high = calibration_of(moves, n_boot, seed)
    print(f"{label}: n {n} in {moves['season'].nunique()} seasons | mean before {moves['before'].mean():.3f} "
          f"after {moves['after'].mean():.3f} won the title {moves['champion'].mean():.3f} "
          f"({int(moves['champion'].sum())}) | best k {best:.2f} [90%: {low:.2f}, "
          f"{high:.2f}] | log-loss k=0 {damping(moves)[0] / len(moves):.4f} "
          f"k=1 {damping(moves)[list(K_GRID).index(1.0)] / len(moves):.4f}")


def decompose(pre, games, inputs, setting, model, season, team, morning) -> None:
    """Title odds of `team` on the morning before `morning`, on `morning`, and with only the series
    state or only the strengths of `morning`."""
    season_games = games[games["season"] == season]
    previous = season_games.loc[season_games["date"] < morning, "date"].max()
    bracket = inputs.brackets[season]
    early, late = season_games[season_games["date"] < previous], season_games[season_games["date"] < morning]
    slot = list(bracket.teams).index(team)

    def odds(strength_games, state_games):
        delta = strength_deltas(strength_games, pre.loc[season], setting, model)
        strength = np.array([pre.loc[season][t] + delta.get(t, 0.0) for t in bracket.teams])
        mats = state_matrices(strength, bracket, model, bracket_state(bracket, state_games, "game file"))
        return exact_bracket_probs(strength, bracket.home_priority, model, matrices=mats)[slot, -1], strength[slot]

    (p0, s0), (p1, s1) = odds(early, early), odds(late, late)
    ps, _ = odds(early, late)
    pu, _ = odds(late, early)
    print(f"{season} {team}, morning {morning.date()} (games of {previous.date()}): title odds {p0:.3f} -> {p1:.3f}; "
          f"strength {s0:.2f} -> {s1:.2f} points (pre-playoff {pre.loc[season][team]:.2f}); "
          f"series state alone {ps:.3f}, strength update alone {pu:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="ensemble")
    ap.add_argument("--min-move", type=float, default=0.10)
    ap.add_argument("--replay", type=int, default=2024, help="the season judged; calibration on the seasons before")
    args = ap.parse_args()
    pre, games, inputs, chosen, model, cfg = load(load_params("params.yaml"), args.model)
    seasons = sorted(int(s) for s in games["season"].unique() if int(s) in inputs.champions)
    odds = pd.concat([daily_odds(pre.loc[s], games[games["season"] == s], inputs, s, chosen[s], model)
                      for s in seasons], ignore_index=True)
    moves = classified_moves(odds, games, inputs.champions)
    alive = moves[(moves["before"] > 0) & (moves["before"] < 1)]
    print(f"--- {args.model}: {len(alive)} one-day moves of teams alive, {seasons[0]}-{seasons[-1]}")
    print(alive.groupby("kind")["change"].agg(n="size", mean_abs=lambda c: c.abs().mean(),
                                                max_abs=lambda c: c.abs().max()).round(3).to_string())
    inseries = alive[alive["kind"] == "in-series game"]
    print("\nlargest in-series moves (a game that did not end its series):")
    top = inseries.loc[inseries["change"].abs().sort_values(ascending=False).index[:8]]
    print(top[["season", "team", "date", "before", "after", "change", "champion"]].round({"before": 3, "after": 3, "change": 3}).to_string(index=False))
    calib = inseries[inseries["season"] < args.replay]
    print(f"\n--- realised calibration of in-series moves, {seasons[0]}-{args.replay - 1}")
    for lo, label in ((args.min_move, f"drops >= {args.min_move:.2f}"), (None, "rises >= {:.2f}".format(args.min_move))):
        pick = calib["change"] <= -lo if lo is not None else calib["change"] >= args.min_move
        calibration(calib[pick], label, cfg.n_bootstrap // 4, cfg.bootstrap_seed)
    calibration(calib[calib["change"].abs() >= args.min_move], f"|move| >= {args.min_move:.2f}",
                cfg.n_bootstrap // 4, cfg.bootstrap_seed)
    calibration(calib, "every in-series move", cfg.n_bootstrap // 4, cfg.bootstrap_seed)
    replay = inseries[inseries["season"] == args.replay]
    print(f"\n--- {args.replay}: its in-series moves of >= {args.min_move:.2f}")
    print(replay[replay["change"].abs() >= args.min_move][["team", "date", "before", "after", "change"]]
          .round({"before": 3, "after": 3, "change": 3}).to_string(index=False))
    for m in replay[replay["change"].abs() >= args.min_move].itertuples():
        decompose(pre, games, inputs, chosen[args.replay], model, args.replay, m.team, m.date)


if __name__ == "__main__":
    main()
