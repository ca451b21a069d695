"""The title path with the strengths' posterior uncertainty integrated (issue 27, calibrated title
moves; pre-registered in docs/research/title_uncertainty_prereg.md before any number).

The product's title path (`ensemble_record`: the ensemble's odds with its players' playoff record
added each morning; every season's update setting, record choice and title damping k as the
evaluate stage made them) for every playoff morning of 2011-2024, four ways:

* `undamped`: k = 1, point strengths (the metric key title_daily.ensemble_record);
* `damped`: the season's title damping k (title_daily.ensemble_record_damped, the product today);
* `integrated`: k = 1, every series integrated over c = 1 x the update's posterior covariance of
  the two teams' strength difference (src/evaluation/title_uncertainty.py; Gauss-Hermite, 21
  nodes, series integrated independently of each other; the pre-registration said 9, which err
  by up to 5e-4 on a series at the pre-playoff sd of 8.5 points: changed for accuracy, before
  the numbers of the 21-node run were seen);
* `integrated_wf`: c chosen per season from GRID on earlier seasons' mornings (no earlier: 0;
  ties to the smaller c);
* diagnostic, not a candidate: `integrated_damped` (c = 1 on the damped path, covariance x k^2).

For each: title_daily log-loss (mean over mornings), the paired season bootstrap against
undamped, the realised calibration of in-series moves >= 0.10 over 2011-2023 (best scale k of the
moves, 90% season-bootstrap interval; as docs/research/title_damping_replay.py) and the 2024
replay's largest one-day moves with the games of the day before. Checks that c = 0 reproduces the
undamped odds exactly.

Not a stage and nothing imports it. Run from the repository root after `dvc repro evaluate`:
`PYTHONPATH=. python docs/research/title_uncertainty.py [--replay 2024] [--top 6] [--jobs 2]`.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from docs.research.title_move_calibration import calibration_of, classified_moves, load, print_largest_moves  # noqa: E402
from src import artifacts  # noqa: E402
from src.config import load_params  # noqa: E402
from src.evaluation.record_asof import RecordInputs, record_terms  # noqa: E402
from src.evaluation.series import season_bootstrap  # noqa: E402
from src.evaluation.title_daily import daily_odds_of  # noqa: E402
from src.evaluation.title_damping import morning_losses  # noqa: E402
from src.evaluation.title_uncertainty import daily_integrated_odds  # noqa: E402
from src.features.config import roster_config  # noqa: E402
from src.odds.playoff_record import playoff_record_config, roster_shares  # noqa: E402
from src.odds.title_odds import SeasonInputs  # noqa: E402
from src.utils.io import read_input  # noqa: E402
from src.utils.parallel import fan_out  # noqa: E402

GRID = (0.0, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0)      # pre-registered (title_uncertainty_prereg.md)


def title_path_inputs(params: dict):
    """(pre, games, inputs, chosen, model, cfg, record terms by season, title damping k by season)
    of the product's title path as the evaluate stage made them (reports/eval_report.json)."""
    pre, games, inputs, chosen, model, cfg = load(params, "ensemble")
    report = json.loads(Path(artifacts.EVAL_REPORT.path).read_text())
    ks = {int(s): float(k) for s, k in report["title_daily"]["damping"]["choices"].items()}
    roster = roster_config(params)
    players = read_input(artifacts.PLAYER_SEASONS.path, "ingest")
    record = RecordInputs(read_input(artifacts.PLAYOFF_BOX_SCORES.path, "box_scores"),
                          roster_shares(players, roster.min_minutes, roster.max_players), games,
                          playoff_record_config(params))
    terms = record_terms(record, {int(s): c for s, c in report["playoff_record"]["chosen"].items()}, games)
    return pre, games, inputs, chosen, model, cfg, terms, ks


def season_tasks(pre, games, inputs, chosen, model, terms, seasons) -> list[tuple]:
    """Per season: (pre-playoff points, its games, its bracket alone, season, update setting, game
    model, record term): the arguments of a season's title path, for a fan-out."""
    return [(pre.loc[s], games[games["season"] == s], SeasonInputs({s: inputs.brackets[s]}), s, chosen[s], model,
             terms.get(s)) for s in seasons]


def season_paths(pre, season_games, inputs, season, setting, model, term, k):
    """[undamped, damped, integrated c for c in GRID..., integrated_damped] of one season."""
    plain = daily_odds_of(pre, season_games, inputs, season, setting, model, [term, term], [1.0, k])
    grid = daily_integrated_odds(pre, season_games, inputs, season, setting, model, list(GRID), term)
    diag = daily_integrated_odds(pre, season_games, inputs, season, setting, model, [1.0], term, k)
    return [*plain, *grid, *diag]


def choose_factor(losses: dict[float, pd.DataFrame], targets: list[int]) -> dict[int, float]:
    """The pre-registered rule: lowest mean morning log-loss over seasons < t; none: 0; ties to
    the smaller c."""
    out = {}
    for t in targets:
        means = {c: float(f.loc[f["season"] < t, "log_loss"].mean()) for c, f in losses.items()
                 if (f["season"] < t).any()}
        out[t] = 0.0 if not means else min(means, key=lambda c: (means[c], c))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replay", type=int, default=2024)
    ap.add_argument("--top", type=int, default=6)
    ap.add_argument("--min-move", type=float, default=0.10)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    started = time.time()
    pre, games, inputs, chosen, model, cfg, terms, ks = title_path_inputs(load_params("params.yaml"))
    seasons = sorted(int(s) for s in games["season"].unique() if int(s) in inputs.champions)
    tasks = [(*task, ks[s]) for s, task in zip(seasons, season_tasks(pre, games, inputs, chosen, model, terms, seasons))]
    per_season = fan_out(season_paths, tasks, n_jobs=args.jobs, desc="title paths", labels=[str(s) for s in seasons])
    cols = list(zip(*per_season))
    undamped, damped = (pd.concat(c, ignore_index=True) for c in cols[:2])
    by_c = {c: pd.concat(col, ignore_index=True) for c, col in zip(GRID, cols[2:2 + len(GRID)])}
    diag = pd.concat(cols[-1], ignore_index=True)
    print(f"computed in {time.time() - started:.0f} s")
    same = np.array_equal(by_c[0.0]["p_champion"].to_numpy(), undamped["p_champion"].to_numpy())
    print(f"check: integrated with c = 0 equals the undamped odds exactly: {same} "
          f"(max abs diff {np.abs(by_c[0.0]['p_champion'] - undamped['p_champion']).max():.2e})")

    champions = inputs.champions
    losses = {c: morning_losses(t, champions) for c, t in by_c.items()}
    choices = choose_factor(losses, [*seasons, seasons[-1] + 1])
    wf = pd.concat([by_c[choices[s]][by_c[choices[s]]["season"] == s] for s in seasons], ignore_index=True)
    print("walk-forward c per season:", ", ".join(f"{s} {c:g}" for s, c in choices.items()))
    print("pooled log-loss by c (all seasons, in-sample, for reading only):",
          ", ".join(f"{c:g} {f['log_loss'].mean():.4f}" for c, f in losses.items()))
    print("title damping k per season:", ", ".join(f"{s} {k:.1f}" for s, k in sorted(ks.items())))

    paths = {"undamped (ensemble_record)": undamped, "damped (ensemble_record_damped)": damped,
             "integrated (c = 1)": by_c[1.0], "integrated_wf (c walk-forward)": wf,
             "integrated_damped (diagnostic)": diag}
    base = morning_losses(undamped, champions)
    print(f"\n| title path, 2011-2024 ({len(base)} mornings) | log-loss | minus undamped [90%] | "
          f"max move | p99 move | best scale of in-series moves >= {args.min_move:.2f}, 2011-{args.replay - 1} [90%] |")
    print("|---|---|---|---|---|---|")
    tables = {}
    for label, odds in paths.items():
        loss = morning_losses(odds, champions)
        stats = season_bootstrap(loss, base, "log_loss", cfg.n_bootstrap, cfg.bootstrap_seed, cfg.interval)
        moves = classified_moves(odds, games, champions)
        alive = moves[(moves["before"] > 0) & (moves["before"] < 1)]
        inseries = alive[(alive["kind"] == "in-series game") & (alive["season"] < args.replay)]
        n, best, lo, hi = calibration_of(inseries[inseries["change"].abs() >= args.min_move],
                                         cfg.n_bootstrap // 4, cfg.bootstrap_seed)
        size = moves["change"].abs()
        print(f"| {label} | {loss['log_loss'].mean():.4f} | {stats['diff']:+.4f} [{stats['low']:+.4f}, "
              f"{stats['high']:+.4f}] | {size.max():.3f} | {size.quantile(0.99):.3f} | "
              f"{best:.2f} [{lo:.2f}, {hi:.2f}] (n {n}) |")
        tables[label] = moves

    print("\nfor reading only (in-sample over c, not a choice): each c of GRID on every season")
    print(f"| c | log-loss | minus undamped [90%] | best scale of in-series moves >= {args.min_move:.2f} [90%] | BOS 2024-04-25 |")
    print("|---|---|---|---|---|")
    for c, odds in by_c.items():
        stats = season_bootstrap(losses[c], base, "log_loss", cfg.n_bootstrap, cfg.bootstrap_seed, cfg.interval)
        moves = classified_moves(odds, games, champions)
        alive = moves[(moves["before"] > 0) & (moves["before"] < 1)]
        inseries = alive[(alive["kind"] == "in-series game") & (alive["season"] < args.replay)]
        n, best, lo, hi = calibration_of(inseries[inseries["change"].abs() >= args.min_move],
                                         cfg.n_bootstrap // 4, cfg.bootstrap_seed)
        b = moves[(moves["season"] == 2024) & (moves["team"] == "BOS") & (moves["date"] == pd.Timestamp("2024-04-25"))]
        bos = f"{b['before'].iloc[0]:.3f} -> {b['after'].iloc[0]:.3f} ({b['change'].iloc[0]:+.3f})" if len(b) else ""
        print(f"| {c:g} | {losses[c]['log_loss'].mean():.4f} | {stats['diff']:+.4f} [{stats['low']:+.4f}, "
              f"{stats['high']:+.4f}] | {best:.2f} [{lo:.2f}, {hi:.2f}] (n {n}) | {bos} |")

    for label, moves in tables.items():
        replay = moves[moves["season"] == args.replay]
        print_largest_moves(moves, games, args.replay, args.top, f"\nlargest one-day moves of {args.replay}, {label}:")
        bos = replay[(replay["team"] == "BOS") & (replay["date"] == pd.Timestamp("2024-04-25"))]
        if len(bos):
            b = bos.iloc[0]
            print(f"  BOS 2024-04-25 (after the home loss to MIA, 1-1): {b['before']:.3f} -> {b['after']:.3f} "
                  f"({b['change']:+.3f})")


if __name__ == "__main__":
    main()
