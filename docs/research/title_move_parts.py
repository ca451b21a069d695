"""Which part of a title-odds move is too large: the series state or the strength update? (issue 27,
calibrated title moves; exploratory, after docs/research/title_uncertainty.py refuted the missing
variance; nothing here is chosen or goes into the product).

On the product's undamped title path (`ensemble_record`: every season's update setting and record
choice as the evaluate stage made them), every in-series move (the team played the day before and
its series went on) of 2011-2023 is split with two mixed mornings: `state only` (the bracket state
of the morning after, the strengths (update and record term) of the morning before) and `strengths
only` (the strengths of the morning after, the state of the morning before). The realised
calibration then scales one part and keeps the other whole: p = state_only + k (after -
state_only) scales the strengths' part (k = 1: as made), p = strengths_only + k (after -
strengths_only) scales the state's part; best k by the Bernoulli log-loss of "won the title" with a
90% season-bootstrap interval (as docs/research/title_move_calibration.py). The same split on
the series itself (less noisy than the title): after every game that leaves its series undecided,
P(the home-court team wins the series) from the score before and after the game, with the
strengths of the morning before and after it, judged by who won the series.

Not a stage and nothing imports it. Run from the repository root after `dvc repro evaluate`:
`PYTHONPATH=. python docs/research/title_move_parts.py [--min-move 0.10]`.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from docs.research.title_move_calibration import classified_moves  # noqa: E402
from docs.research.title_move_calibration import calibration_of  # noqa: E402
from docs.research.title_uncertainty import title_path_inputs  # noqa: E402
from src.config import load_params  # noqa: E402
from src.evaluation.title_daily import daily_odds  # noqa: E402
from src.league.monte_carlo import exact_bracket_probs, game_win_prob  # noqa: E402
from src.league.state import bracket_state, series_win_prob_from, state_matrices  # noqa: E402
from src.odds.playoff_update import strength_deltas  # noqa: E402


def title_prob(pre, season_games, bracket, setting, model, term, strength_day, state_day, team) -> float:
    """P(title) of `team` with the strengths (update + record term) of the morning `strength_day`
    and the bracket state of the morning `state_day`."""
    teams = list(bracket.teams)
    early = season_games[season_games["date"] < strength_day]
    delta = strength_deltas(early, pre, setting, model)
    strength = np.array([pre[t] + delta.get(t, 0.0) for t in teams])
    if term is not None:
        strength = strength + term.at(teams, pd.Timestamp(strength_day)).to_numpy(float)
    states = bracket_state(bracket, season_games[season_games["date"] < state_day], "game file")
    mats = state_matrices(strength, bracket, model, states)
    return float(exact_bracket_probs(strength, bracket.home_priority, model, matrices=mats)[teams.index(team), -1])


def morning_strengths(pre, season_games, setting, model, term, day, teams) -> dict[str, float]:
    """Each of `teams`' strength on the morning `day`: pre + the update's delta + the record term."""
    delta = strength_deltas(season_games[season_games["date"] < day], pre, setting, model)
    shift = term.at(teams, pd.Timestamp(day)) if term is not None else pd.Series(0.0, index=teams)
    return {t: pre[t] + delta.get(t, 0.0) + float(shift[t]) for t in teams}


@dataclass(frozen=True)
class UndecidedGame:
    """Game i (0-based) of a series that it leaves undecided, seen from the home-court team."""
    season: int
    i: int
    hc_won: np.ndarray       # the home-court team won each game of its series
    won: bool                # ... and the series
    diff_before: float       # its strength minus the opponent's, the morning of game i
    diff_after: float        # ... the morning after it


def undecided_games(pre, games, inputs, seasons, chosen, model, terms) -> Iterator[UndecidedGame]:
    """Every game of `seasons` that leaves its series undecided, with the morning strengths
    (update and record term) around it."""
    for s in seasons:
        g = games[games["season"] == s].sort_values(["date", "game_id"], kind="stable")
        days = sorted(g["date"].unique())
        teams = list(inputs.brackets[s].teams)
        strengths = {d: morning_strengths(pre.loc[s], g, chosen[s], model, terms.get(s), d, teams) for d in days}
        pair = g.apply(lambda r: frozenset((r.home_team, r.away_team)), axis=1)
        for key in pair.unique():
            series = g[pair == key]
            hc = series.iloc[0]["home_team"]
            other = next(t for t in key if t != hc)
            hc_won = ((series["home_team"] == hc) == (series["home_pts"] > series["away_pts"])).to_numpy()
            for i in range(len(series) - 1):                 # the last game ends the series
                day = np.datetime64(series.iloc[i]["date"])
                nxt = days[days.index(day) + 1]
                yield UndecidedGame(s, i, hc_won, int(hc_won.sum()) >= 4,
                                    strengths[day][hc] - strengths[day][other],
                                    strengths[nxt][hc] - strengths[nxt][other])


def series_moves(pre, games, inputs, seasons, chosen, model, terms) -> pd.DataFrame:
    """season, before, state_only, strengths_only, after, champion (= the home-court team won the
    series): P(home-court team wins its series) around every game that leaves the series undecided."""
    def p(diff, score):
        return series_win_prob_from(game_win_prob(diff + model.home_court, model),
                                    game_win_prob(diff - model.home_court, model), *score, 7)
    rows = []
    for game in undecided_games(pre, games, inputs, seasons, chosen, model, terms):
        i, hc_won = game.i, game.hc_won
        before_score = (int(hc_won[:i].sum()), int(i - hc_won[:i].sum()))
        after_score = (int(hc_won[:i + 1].sum()), int(i + 1 - hc_won[:i + 1].sum()))
        rows.append({"season": game.season, "before": p(game.diff_before, before_score),
                     "state_only": p(game.diff_before, after_score),
                     "strengths_only": p(game.diff_after, before_score), "after": p(game.diff_after, after_score),
                     "champion": game.won})
    return pd.DataFrame(rows)


def print_split(rows: pd.DataFrame, label: str, cfg) -> None:
    state_part = rows["state_only"] - rows["before"]
    strength_part = rows["strengths_only"] - rows["before"]
    print(f"\n--- {label}: n {len(rows)}; mean |move| {(rows['after'] - rows['before']).abs().mean():.3f}, "
          f"mean |state part| {state_part.abs().mean():.3f}, mean |strengths part| {strength_part.abs().mean():.3f}")
    for name, base in (("whole move (before -> after)", rows["before"]),
                       ("strengths' part (state_only -> after)", rows["state_only"]),
                       ("state's part (strengths_only -> after)", rows["strengths_only"])):
        n, best, lo, hi = calibration_of(rows.assign(before=base), cfg.n_bootstrap // 4, cfg.bootstrap_seed)
        print(f"  scaling the {name}: best k {best:.2f} [90%: {lo:.2f}, {hi:.2f}]")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-move", type=float, default=0.10)
    ap.add_argument("--replay", type=int, default=2024)
    args = ap.parse_args()
    pre, games, inputs, chosen, model, cfg, terms, _ = title_path_inputs(load_params("params.yaml"))
    seasons = sorted(int(s) for s in games["season"].unique() if int(s) in inputs.champions)
    odds = pd.concat([daily_odds(pre.loc[s], games[games["season"] == s], inputs, s, chosen[s], model, terms.get(s))
                      for s in seasons], ignore_index=True)
    moves = classified_moves(odds, games, inputs.champions)
    alive = moves[(moves["before"] > 0) & (moves["before"] < 1)]
    inseries = alive[(alive["kind"] == "in-series game") & (alive["season"] <= args.replay)].copy()
    mornings = {s: sorted(odds.loc[odds["season"] == s, "date"].unique()) for s in seasons}
    state_only, strengths_only, check = [], [], []
    for m in inseries.itertuples():
        days = mornings[m.season]
        prev = days[days.index(np.datetime64(m.date)) - 1]
        args_ = (pre.loc[m.season], games[games["season"] == m.season], inputs.brackets[m.season],
                 chosen[m.season], model, terms.get(m.season))
        state_only.append(title_prob(*args_, prev, m.date, m.team))
        strengths_only.append(title_prob(*args_, m.date, prev, m.team))
        check.append(title_prob(*args_, prev, prev, m.team) - m.before)
    inseries = inseries.assign(state_only=state_only, strengths_only=strengths_only)
    print(f"check: the mixed morning with the state and strengths of the morning before gives 'before' "
          f"(max abs diff {np.abs(check).max():.1e})")
    calib = inseries[inseries["season"] < args.replay]
    for label, pick in ((f"|move| >= {args.min_move:.2f}", calib["change"].abs() >= args.min_move),
                        ("every in-series move", np.ones(len(calib), bool))):
        print_split(calib[pick], f"title odds, in-series moves 2011-{args.replay - 1}, {label}", cfg)
    series = series_moves(pre, games, inputs, seasons, chosen, model, terms)
    print_split(series[series["season"] < args.replay],
                f"series odds (home-court team), every game leaving its series undecided, 2011-{args.replay - 1}", cfg)
    print_split(series, f"the same, 2011-{args.replay}", cfg)
    replay = inseries[(inseries["season"] == args.replay) & (inseries["change"].abs() >= args.min_move)]
    print(f"\n{args.replay}: in-series moves >= {args.min_move:.2f}, split")
    for m in replay.itertuples():
        print(f"  {m.team} {pd.Timestamp(m.date).date()}: {m.before:.3f} -> {m.after:.3f} ({m.change:+.3f}); "
              f"state only {m.state_only:.3f}, strengths only {m.strengths_only:.3f}")


if __name__ == "__main__":
    main()
