"""A series under way counts its score for less than independent games say (issue 27, calibrated
title moves; pre-registered in docs/research/series_state_scale_prereg.md before any number).

    logit P_s = logit f(0, 0) + s (logit f(w, l) - logit f(0, 0))

f: P(the home-court team wins its series) from the score (w, l) by the exact recursion at the
morning's strengths (src/league/state.series_win_prob_from); s = 1 is today's odds. s is chosen
per test season on the series odds after every game of the seasons 2011..t-1 that leaves its
series undecided (no earlier season: 1; ties to the larger s). Reported: those series odds'
log-loss and move calibration, the title odds every playoff morning (`ensemble_record`, undamped:
the metric key title_daily.ensemble_record) with every series under way at P_s, the calibration
of in-series title moves >= 0.10, and the 2024 replay's largest moves. Checks that s = 1
reproduces today's series odds and title odds exactly.

Not a stage and nothing imports it. Run from the repository root after `dvc repro evaluate`:
`PYTHONPATH=. python docs/research/series_state_scale.py [--replay 2024] [--jobs 2]`.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from docs.research.title_move_calibration import calibration_of, classified_moves, print_largest_moves  # noqa: E402
from docs.research.title_move_parts import undecided_games  # noqa: E402
from docs.research.title_uncertainty import season_tasks, title_path_inputs  # noqa: E402
import src.evaluation.series_asof as series_asof  # noqa: E402
from src.config import load_params  # noqa: E402
from src.evaluation.series import season_bootstrap  # noqa: E402
from src.evaluation.title_daily import daily_odds_of  # noqa: E402
from src.evaluation.title_damping import morning_losses  # noqa: E402
from src.league import state as league_state  # noqa: E402
from src.league.monte_carlo import game_win_prob  # noqa: E402
from src.odds.series_likelihood import PROB_FLOOR  # noqa: E402
from src.utils.parallel import fan_out  # noqa: E402

GRID = tuple(round(0.5 + 0.05 * i, 2) for i in range(11))      # pre-registered: 0.50 .. 1.00
BEST_OF = 7                                                       # every series since 2003


def scaled(p: float, p0: float, s: float) -> float:
    """P_s from f(w, l) = p and f(0, 0) = p0; a decided series (p 0 or 1) stays decided."""
    if s == 1.0 or p in (0.0, 1.0):
        return p
    logit = np.log(p0 / (1 - p0)) + s * (np.log(p / (1 - p)) - np.log(p0 / (1 - p0)))
    return float(1 / (1 + np.exp(-logit)))


def series_prob(diff: float, score: tuple[int, int], s: float, model) -> float:
    ph, pa = game_win_prob(diff + model.home_court, model), game_win_prob(diff - model.home_court, model)
    return scaled(league_state.series_win_prob_from(ph, pa, *score, BEST_OF),
                  league_state.series_win_prob_from(ph, pa, 0, 0, BEST_OF), s)


def scaled_state_matrices(s: float):
    """src/league/state.state_matrices with every series under way at P_s."""
    def matrices(strength, bracket, model, states):
        out = league_state.state_matrices(strength, bracket, model, [])
        for st in states:
            if not st.started:
                continue
            away = st.slot_b if st.home_slot == st.slot_a else st.slot_a
            p = series_prob(float(strength[st.home_slot] - strength[away]), (st.wins_home, st.wins_away), s, model)
            out[st.round - 1][st.home_slot, away] = p
            out[st.round - 1][away, st.home_slot] = 1.0 - p
        return out
    return matrices


def series_rows(pre, games, inputs, seasons, chosen, model, terms) -> pd.DataFrame:
    """season, won, and per s: before_s / after_s = P_s around every game leaving its series undecided."""
    rows = []
    for g in undecided_games(pre, games, inputs, seasons, chosen, model, terms):
        wins_before = int(g.hc_won[:g.i].sum())
        wins_after = int(g.hc_won[:g.i + 1].sum())
        row = {"season": g.season, "won": g.won}
        for s in GRID:
            row[f"before_{s}"] = series_prob(g.diff_before, (wins_before, g.i - wins_before), s, model)
            row[f"after_{s}"] = series_prob(g.diff_after, (wins_after, g.i + 1 - wins_after), s, model)
        rows.append(row)
    return pd.DataFrame(rows)


def log_loss(p: pd.Series, won: pd.Series) -> np.ndarray:
    p = np.clip(p.to_numpy(float), PROB_FLOOR, 1 - PROB_FLOOR)
    return -np.where(won.to_numpy(bool), np.log(p), np.log(1 - p))


def choose_scale(losses: dict[float, pd.DataFrame], targets: list[int]) -> dict[int, float]:
    """The pre-registered rule: lowest mean log-loss over seasons < t; none: 1; ties to the larger s."""
    out = {}
    for t in targets:
        means = {s: float(f.loc[f["season"] < t, "log_loss"].mean()) for s, f in losses.items()
                 if (f["season"] < t).any()}
        out[t] = 1.0 if not means else min(means, key=lambda s: (means[s], -s))
    return out


def season_title_paths(pre, season_games, inputs, season, setting, model, term) -> list[pd.DataFrame]:
    """The undamped title path of one season for every s of GRID (today's state matrices last)."""
    original = series_asof.state_matrices
    try:
        out = []
        for s in GRID:
            series_asof.state_matrices = scaled_state_matrices(s)
            out += daily_odds_of(pre, season_games, inputs, season, setting, model, [term])
        series_asof.state_matrices = original
        out += daily_odds_of(pre, season_games, inputs, season, setting, model, [term])
        return out
    finally:
        series_asof.state_matrices = original


def report_series(rows: pd.DataFrame, choices: dict[int, float], cfg) -> None:
    losses = {s: pd.DataFrame({"season": rows["season"], "log_loss": log_loss(rows[f"after_{s}"], rows["won"])})
              for s in GRID}
    wf = rows.apply(lambda r: r[f"after_{choices[int(r['season'])]}"], axis=1)
    wf_before = rows.apply(lambda r: r[f"before_{choices[int(r['season'])]}"], axis=1)
    wf_loss = pd.DataFrame({"season": rows["season"], "log_loss": log_loss(wf, rows["won"])})
    stats = season_bootstrap(wf_loss, losses[1.0], "log_loss", cfg.n_bootstrap, cfg.bootstrap_seed, cfg.interval)
    print(f"\nseries odds after every game leaving its series undecided, 2011-{int(rows['season'].max())} "
          f"(n {len(rows)}):")
    print("  pooled log-loss by s (in-sample, for reading only): "
          + ", ".join(f"{s:g} {f['log_loss'].mean():.4f}" for s, f in losses.items()))
    print(f"  s = 1: {losses[1.0]['log_loss'].mean():.4f}; s walk-forward: {wf_loss['log_loss'].mean():.4f}; "
          f"difference {stats['diff']:+.4f} [90%: {stats['low']:+.4f}, {stats['high']:+.4f}]")
    for label, before, after in (("s = 1", rows["before_1.0"], rows["after_1.0"]), ("s walk-forward", wf_before, wf)):
        moves = pd.DataFrame({"season": rows["season"], "before": before, "after": after, "champion": rows["won"]})
        n, best, lo, hi = calibration_of(moves, cfg.n_bootstrap // 4, cfg.bootstrap_seed)
        print(f"  moves' best scale, {label}: {best:.2f} [90%: {lo:.2f}, {hi:.2f}] (n {n})")


def report_titles(paths: dict[float, pd.DataFrame], choices, seasons, games, champions, cfg, args) -> None:
    wf = pd.concat([paths[choices[s]][paths[choices[s]]["season"] == s] for s in seasons], ignore_index=True)
    base = morning_losses(paths[1.0], champions)
    print(f"\n| title path (ensemble_record, undamped), 2011-{seasons[-1]} ({len(base)} mornings) | log-loss | "
          f"minus s = 1 [90%] | max move | best scale of in-series moves >= {args.min_move:.2f}, "
          f"2011-{args.replay - 1} [90%] |")
    print("|---|---|---|---|---|")
    for label, odds in (("s = 1 (today)", paths[1.0]), ("s walk-forward", wf)):
        loss = morning_losses(odds, champions)
        stats = season_bootstrap(loss, base, "log_loss", cfg.n_bootstrap, cfg.bootstrap_seed, cfg.interval)
        moves = classified_moves(odds, games, champions)
        alive = moves[(moves["before"] > 0) & (moves["before"] < 1)]
        inseries = alive[(alive["kind"] == "in-series game") & (alive["season"] < args.replay)]
        n, best, lo, hi = calibration_of(inseries[inseries["change"].abs() >= args.min_move],
                                         cfg.n_bootstrap // 4, cfg.bootstrap_seed)
        print(f"| {label} | {loss['log_loss'].mean():.4f} | {stats['diff']:+.4f} [{stats['low']:+.4f}, "
              f"{stats['high']:+.4f}] | {moves['change'].abs().max():.3f} | {best:.2f} [{lo:.2f}, {hi:.2f}] (n {n}) |")
        print_largest_moves(moves, games, args.replay, args.top, f"  largest one-day moves of {args.replay}:")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replay", type=int, default=2024)
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--min-move", type=float, default=0.10)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    started = time.time()
    pre, games, inputs, chosen, model, cfg, terms, _ = title_path_inputs(load_params("params.yaml"))
    seasons = sorted(int(s) for s in games["season"].unique() if int(s) in inputs.champions)
    rows = series_rows(pre, games, inputs, seasons, chosen, model, terms)
    losses = {s: pd.DataFrame({"season": rows["season"], "log_loss": log_loss(rows[f"after_{s}"], rows["won"])})
              for s in GRID}
    choices = choose_scale(losses, [*seasons, seasons[-1] + 1])
    print("walk-forward s per season:", ", ".join(f"{s} {c:g}" for s, c in choices.items()))
    report_series(rows, choices, cfg)

    tasks = season_tasks(pre, games, inputs, chosen, model, terms, seasons)
    per_season = fan_out(season_title_paths, tasks, n_jobs=args.jobs, desc="title paths",
                         labels=[str(s) for s in seasons])
    cols = list(zip(*per_season))
    paths = {s: pd.concat(c, ignore_index=True) for s, c in zip(GRID, cols)}
    today = pd.concat(cols[-1], ignore_index=True)
    print(f"\ncheck: s = 1 gives today's title odds exactly: "
          f"{np.array_equal(paths[1.0]['p_champion'].to_numpy(), today['p_champion'].to_numpy())}")
    report_titles(paths, choices, seasons, games, inputs.champions, cfg, args)
    print(f"\ncomputed in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
