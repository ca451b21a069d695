"""A weight of a series in progress per situation (issue 27, the game target): does it help?

The pipeline's update weighs every game of a series still in progress by one number (chosen on the
games, src/odds/game_asof.choose_setting). Here the weight depends on how far the series is: one
weight while it has had 1-2 games (a 1-1 after a home loss), another from its third game on. Each
season's reaction (prior sd, cap, home court, noise) is chosen on the series as the pipeline does,
then the pair of weights among the candidates with that reaction by the game log-loss of the 8
earlier seasons, and the games are scored. One weight for both situations is the pipeline's rule
(the script checks it reproduces the pipeline's game log-loss).

NOT before the test window: an idea tried on 2011-2024 after the rules of update_choice_rules.py.
Run from the repository root after `dvc repro`:
`PYTHONPATH=. python docs/research/update_situational_weight.py [--model ensemble]`.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from update_choice_rules import inputs  # noqa: E402  (the same inputs as the rules compared there)
from src.config import load_params  # noqa: E402
from src.league.sites import home_edges  # noqa: E402
from src.odds.game_asof import CandidateGrid, game_forecast, series_candidate_nll  # noqa: E402
from src.odds.playoff_update import playoff_update_config  # noqa: E402

EARLY_GAMES = 2          # a series with at most this many games so far is "early"


def situational_strengths(games, pre, grid: CandidateGrid, late_weight: np.ndarray):
    """asof_game_strengths with a second weight for games of a series in progress that has had more
    than EARLY_GAMES games by the morning (grid.weight: the weight while it has had fewer)."""
    home = np.empty((len(grid.settings), len(games)))
    away = np.empty_like(home)
    seasons = games["season"].to_numpy(int)
    pairs = sorted(set(zip(grid.weight.tolist(), late_weight.tolist())))
    for season in np.unique(seasons):
        rows = np.flatnonzero(seasons == season)
        played = games.iloc[rows]
        teams = sorted(set(played["home_team"]) | set(played["away_team"]))
        col = {t: i for i, t in enumerate(teams)}
        h = np.array([col[t] for t in played["home_team"]])
        a = np.array([col[t] for t in played["away_team"]])
        strength = pre.loc[int(season)].loc[teams].to_numpy(float)
        x = np.zeros((len(rows), len(teams)))
        x[np.arange(len(rows)), h], x[np.arange(len(rows)), a] = 1.0, -1.0
        diff, margin = strength[h] - strength[a], (played["home_pts"] - played["away_pts"]).to_numpy(float)
        dates = played["date"].to_numpy()
        pair = np.minimum(h, a) * len(teams) + np.maximum(h, a)
        won = np.where(margin > 0, h, a)
        for day in np.unique(dates):
            today, before = np.flatnonzero(dates == day), dates < day
            delta = np.zeros((len(grid.settings), len(teams)))
            if before.any():
                p, w = pair[before], won[before]
                wins = np.bincount(p * len(teams) + w, minlength=len(teams) ** 3).reshape(len(teams) ** 2, len(teams))
                live = wins.max(axis=1)[p] < 4
                late = live & (np.bincount(p, minlength=len(teams) ** 2)[p] > EARLY_GAMES)
                for early_w, late_w in pairs:
                    pick = (grid.weight == early_w) & (late_weight == late_w)
                    sub = dataclasses.replace(grid, settings=[grid.settings[i] for i in np.flatnonzero(pick)],
                                              cap=grid.cap[pick], home_court=grid.home_court[pick],
                                              noise=grid.noise[pick], ridge=grid.ridge[pick],
                                              weight=np.ones(pick.sum()))
                    # rows scaled by sqrt(weight) up front; the grid's own weight (1) then leaves them
                    root = np.where(late, np.sqrt(late_w), np.where(live, np.sqrt(early_w), 1.0))
                    delta[pick] = _weighted(sub, x[before], diff[before], margin[before], root)
            level = strength[None, :] + delta
            home[:, rows[today]], away[:, rows[today]] = level[:, h[today]], level[:, a[today]]
    return home, away


def _weighted(grid: CandidateGrid, x, diff, margin, root):
    """grid.deltas with each row's weight given as its square root `root` (caps applied first)."""
    out = np.empty((len(grid.settings), x.shape[1]))
    xw = x * root[:, None]
    lam, vec = np.linalg.eigh(xw.T @ xw)
    for k in range(len(grid.settings)):
        r = (np.clip(margin, -grid.cap[k], grid.cap[k]) - diff - grid.home_court[k]) * root
        ridge = grid.ridge[k]
        out[k] = 0.0 if np.isinf(ridge) else vec @ ((vec.T @ (xw.T @ r)) / (lam + ridge))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="ensemble")
    args = ap.parse_args()
    params = load_params("params.yaml")
    pre, played, series, model = inputs(params, args.model)
    cfg = playoff_update_config(params)
    base = [*cfg.candidates, cfg.default]
    weights = cfg.series_weight_grid          # the pipeline's grid, for both situations
    reaction = lambda s: (s.prior_sd, s.margin_cap, s.home_court, s.game_noise)
    # the reaction is chosen on the series as the pipeline does (the weights barely touch a series start)
    sgrid = CandidateGrid.of(base, model)
    snll = series_candidate_nll(series, pre, played, sgrid, model)
    reactions = list(dict.fromkeys(reaction(s) for s in cfg.candidates))
    settings = [dataclasses.replace(s, series_weight=we) for r in reactions for we in weights for wl in weights
                for s in [next(c for c in cfg.candidates if reaction(c) == r)]]
    late = np.array([wl for r in reactions for we in weights for wl in weights], float)
    grid = CandidateGrid.of(settings, model)
    p, _ = game_forecast(*situational_strengths(played, pre, grid, late), grid, model, home_edges(played["season"]))
    won = played["home_won"].to_numpy(bool)
    gnll = -np.log(np.clip(np.where(won[None], p, 1 - p), 1e-12, None))
    gs, ss = played["season"].to_numpy(int), series["season"].to_numpy(int)
    default = CandidateGrid.of([cfg.default], model)
    pdef, _ = game_forecast(*situational_strengths(played, pre, default, np.ones(1)), default, model,
                          home_edges(played["season"]))
    ddef = -np.log(np.clip(np.where(won, pdef[0], 1 - pdef[0]), 1e-12, None))
    seasons = sorted(set(gs))
    game2 = played["game"].to_numpy() >= 2
    for label, same in (("one weight (the pipeline's rule)", True), ("a weight per situation", False)):
        allowed = np.array([(s.series_weight == wl) or not same for s, wl in zip(settings, late)])
        out, chosen = np.empty(len(gs)), {}
        for i, t in enumerate(seasons):
            m = gs == t
            if i == 0:
                out[m] = ddef[m]
                continue
            window = np.isin(gs, seasons[max(0, i - cfg.validation_seasons):i])
            best = reaction(cfg.candidates[int(np.argmin(snll[:-1, np.isin(ss, seasons[max(0, i - cfg.validation_seasons):i])]
                                                         .mean(axis=1)))])
            ok = allowed & np.array([reaction(s) == best for s in settings])
            k = int(np.argmin(np.where(ok, gnll[:, window].mean(axis=1), np.inf)))
            out[m], chosen[t] = gnll[k, m], (settings[k].series_weight, float(late[k]))
        print(f"{label:34s} games {out.mean():.4f} 2-7 {out[game2].mean():.4f} | weights (1-{EARLY_GAMES} games, "
              f"later) per season: {chosen}")


if __name__ == "__main__":
    main()
