"""The title path with and without its damping (issue 27, calibrated title moves; docs/asof.md).

The product's title path (`ensemble_record`: the ensemble's odds with its players' playoff record
added each morning, the update setting and the record's choice of each season as the evaluate
stage made them) beside the same path with the in-playoff update shrunk by the season's title
damping k (src/evaluation/title_damping.py, chosen on earlier seasons; read from
reports/eval_report.json). Prints the realised calibration of in-series moves 2011-2023 for both
(the best k of a move, 1 = calibrated), the largest one-day moves of the replay season before and
after with the games of the day before, and Boston's 2024 move after its home loss to Miami.

Not a stage and nothing imports it. Run from the repository root after `dvc repro evaluate`:
`PYTHONPATH=. python docs/research/title_damping_replay.py [--replay 2024] [--top 8]`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from docs.research.title_move_calibration import calibration, classified_moves, print_largest_moves  # noqa: E402
from docs.research.title_uncertainty import title_path_inputs  # noqa: E402
from src.config import load_params  # noqa: E402
from src.evaluation.title_daily import daily_odds_of  # noqa: E402


def paths(params: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict, dict[int, float]]:
    """(undamped, damped) daily title odds of ensemble_record, the games, the champions, the k's."""
    pre, games, inputs, chosen, model, _, terms, ks = title_path_inputs(params)
    seasons = sorted(int(s) for s in games["season"].unique() if int(s) in inputs.champions)
    before, after = [], []
    for s in seasons:
        odds = daily_odds_of(pre.loc[s], games[games["season"] == s], inputs, s, chosen[s], model,
                             [terms.get(s), terms.get(s)], [1.0, ks[s]])
        before.append(odds[0])
        after.append(odds[1])
    return pd.concat(before, ignore_index=True), pd.concat(after, ignore_index=True), games, inputs.champions, ks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replay", type=int, default=2024)
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--min-move", type=float, default=0.10)
    args = ap.parse_args()
    params = load_params("params.yaml")
    before, after, games, champions, ks = paths(params)
    print("title damping k per season:", ", ".join(f"{s} {k:.1f}" for s, k in sorted(ks.items())))
    for label, odds in (("ensemble_record (k = 1)", before), ("ensemble_record_damped", after)):
        moves = classified_moves(odds, games, champions)
        alive = moves[(moves["before"] > 0) & (moves["before"] < 1)]
        inseries = alive[(alive["kind"] == "in-series game") & (alive["season"] < args.replay)]
        print(f"\n--- {label}: realised calibration of in-series moves before {args.replay}")
        calibration(inseries[inseries["change"].abs() >= args.min_move], f"|move| >= {args.min_move:.2f}", 500, 5)
        calibration(inseries, "every in-series move", 500, 5)
        print_largest_moves(moves, games, args.replay, args.top, f"largest one-day moves of {args.replay} ({label}):")
        bos = odds[(odds["season"] == 2024) & (odds["team"] == "BOS")].set_index("date")["p_champion"]
        if len(bos):
            print("  BOS 2024 by morning:", ", ".join(f"{d:%m-%d} {p:.3f}" for d, p in bos.iloc[:8].items()))


if __name__ == "__main__":
    main()
