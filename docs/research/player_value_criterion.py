"""The non-RAPTOR criterion that chooses the player value's settings (docs/contributions.md).

Season t's values, weighted by each team's season t+1 minutes (players without a value of t
count at the replacement level), predict the team's net rating per 100 of t+1 (roster changes
included: an individual-value test). Reported: correlation and RMSE over the target seasons
t+1 (default 1999-2005, before the test seasons), and the correlation of the values of t with
the players' own net on-off of t+1. RAPTOR is never read here.

    PYTHONPATH=. .venv/bin/python docs/research/player_value_criterion.py [--players PATH] [--set key=value ...]
    (PYTHONPATH=. so the repository's src/ is read, not the one the venv was installed from)
"""
from __future__ import annotations

import argparse
import dataclasses

import numpy as np
import pandas as pd

from src.config import load_params
from src.features.config import player_value_config
from src.features.player_value import COURT_SPOTS, ON_OFF, player_values


def criterion(players: pd.DataFrame, teams: pd.DataFrame, cfg, targets: range) -> dict:
    values, _ = player_values(players, range(targets[0] - 1, targets[-1]), cfg)
    v = values.assign(season=values["season"] + 1).set_index(["season", "player_id"])["value"]
    nxt = players[players["season"].isin(targets) & (players["mp"] > 0)]
    val = v.reindex(pd.MultiIndex.from_frame(nxt[["season", "player_id"]]))
    val = val.fillna(cfg.replacement_level).to_numpy()
    share = nxt["mp"] / nxt.groupby(["season", "team"])["mp"].transform("sum")
    pred = (COURT_SPOTS * share * val).groupby([nxt["season"], nxt["team"]]).sum()
    truth = teams.set_index(["season", "team"])["n_rtg"].reindex(pred.index)
    ok = truth.notna()
    p, y = pred[ok].to_numpy(), truth[ok].to_numpy()
    return {"corr": float(np.corrcoef(p, y)[0, 1]), "rmse": float(np.sqrt(np.mean((p - y) ** 2))),
            "n": int(ok.sum()), "on_off_corr": next_on_off_corr(v, nxt, cfg.newcomer_minutes)}


def next_on_off_corr(value: pd.Series, nxt: pd.DataFrame, min_minutes: float) -> float:
    """Correlation of season t's value with the player's own net on-off of t+1 (stints with
    at least `min_minutes`, so the on-off is not mostly noise): an individual signal."""
    rows = nxt[nxt["mp"] >= min_minutes]
    val = value.reindex(pd.MultiIndex.from_frame(rows[["season", "player_id"]])).to_numpy()
    on_off = pd.to_numeric(rows[ON_OFF], errors="coerce").to_numpy()
    ok = ~np.isnan(val) & ~np.isnan(on_off)
    return float(np.corrcoef(val[ok], on_off[ok])[0, 1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--players", default="data/interim/player_seasons.parquet")
    ap.add_argument("--teams", default="data/interim/team_seasons.parquet")
    ap.add_argument("--first", type=int, default=1999)
    ap.add_argument("--last", type=int, default=2005)
    ap.add_argument("--set", nargs="*", default=[])
    args = ap.parse_args()
    cfg = player_value_config(load_params())
    for item in args.set:
        key, raw = item.split("=")
        kind = type(getattr(cfg, key))
        cfg = dataclasses.replace(cfg, **{key: kind(raw) if kind is not bool else raw == "true"})
    out = criterion(pd.read_parquet(args.players), pd.read_parquet(args.teams), cfg,
                    range(args.first, args.last + 1))
    print(" ".join(args.set) or "current", {k: round(v, 4) for k, v in out.items()})


if __name__ == "__main__":
    main()
