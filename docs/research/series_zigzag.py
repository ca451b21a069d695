"""The loser of a playoff game plays the next one better ("zig-zag"): a walk-forward test of a term
that adds z points to the margin of the team that lost the previous game of its series (issue 27,
calibrated title moves; pre-registered in docs/research/series_zigzag_prereg.md before any
walk-forward number).

Two yardsticks, both 2011-2024, z chosen per season t on the games 2-7 of seasons 2011..t-1 (mean
game log-loss; none earlier: 0; ties to the smaller z):
* games: the product's game forecast (`p_home_ensemble` of data/processed/game_predictions.parquet)
  with the term, p = Phi(Phi^-1(p) + s z / noise) (s = +1 when the home team lost the previous
  game, -1 when it won it, 0 in game 1; noise: the game noise of the season's update setting),
  against the forecast as it is (paired season bootstrap);
* series odds after every game that leaves its series undecided (the strengths of
  docs/research/title_move_parts.series_moves): P(the home-court team wins) from its score and who
  won the last game, by the exact recursion over the remaining games with the term (the
  simulator's game model, as the series odds use), against the binomial of today (z = 0); their
  log-loss on the series outcome and the realised calibration of their moves.

Not a stage and nothing imports it. Run from the repository root after `dvc repro evaluate`:
`PYTHONPATH=. python docs/research/series_zigzag.py`.
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from docs.research.title_move_parts import undecided_games  # noqa: E402
from docs.research.title_move_calibration import calibration_of  # noqa: E402
from docs.research.title_uncertainty import title_path_inputs  # noqa: E402
from src import artifacts  # noqa: E402
from src.config import load_params  # noqa: E402
from src.evaluation.series import season_bootstrap  # noqa: E402
from src.league.monte_carlo import game_win_prob  # noqa: E402
from src.league.state import HOME_GAMES, series_win_prob_from  # noqa: E402

Z_GRID = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)       # points; pre-registered
FLOOR = 1e-6


def series_key(frame: pd.DataFrame) -> pd.Series:
    return frame.apply(lambda r: (int(r["season"]), int(r["round"]), frozenset((r["home_team"], r["away_team"]))),
                       axis=1)


def previous_loser_sign(games: pd.DataFrame) -> np.ndarray:
    """Per game (in the frame's order, which must be by date): +1 when the home team lost the
    previous game of its series, -1 when it won it, 0 in a series' first game."""
    last_winner: dict = {}
    sign = np.zeros(len(games))
    for i, (key, home, won) in enumerate(zip(series_key(games), games["home_team"], games["home_won"])):
        if key in last_winner:
            sign[i] = 1.0 if last_winner[key] != home else -1.0
        last_winner[key] = home if won else next(t for t in key[2] if t != home)
    return sign


def log_loss(p: np.ndarray, won: np.ndarray) -> np.ndarray:
    p = np.clip(p, FLOOR, 1 - FLOOR)
    return -np.where(won, np.log(p), np.log(1 - p))


def choose_z(losses: dict[float, pd.DataFrame], targets: list[int]) -> dict[int, float]:
    """The pre-registered rule: per target season the z with the lowest mean log-loss over games
    2-7 of earlier seasons; none: 0; ties to the smaller z. Reads no game of a season >= t."""
    out = {}
    for t in targets:
        means = {z: float(f.loc[(f["season"] < t) & (f["game"] >= 2), "log_loss"].mean())
                 for z, f in losses.items() if ((f["season"] < t) & (f["game"] >= 2)).any()}
        out[t] = 0.0 if not means else min(means, key=lambda z: (means[z], z))
    return out


def series_prob(diff: float, model, wins: int, losses: int, last: int, z: float, best_of: int = 7) -> float:
    """P(the home-court team wins the series) from its `wins` and `losses` and `last` (+1: it won
    the last game, -1: lost it, 0: none played), each remaining game with the loser of the game
    before it given z points (home pattern of HOME_GAMES)."""
    need, home_games = best_of // 2 + 1, HOME_GAMES[best_of]

    @lru_cache(maxsize=None)
    def rest(w: int, lo: int, prev: int) -> float:
        if w >= need:
            return 1.0
        if lo >= need:
            return 0.0
        court = model.home_court if (w + lo + 1) in home_games else -model.home_court
        p = game_win_prob(diff + court - prev * z, model)
        return p * rest(w + 1, lo, 1) + (1 - p) * rest(w, lo + 1, -1)
    return rest(wins, losses, last)


def game_study(games: pd.DataFrame, chosen: dict, model, boot: dict) -> dict[int, float]:
    """The games yardstick; returns the z chosen per season."""
    g = pd.read_parquet(artifacts.GAME_PREDICTIONS.path).sort_values(["season", "date", "game_id"], kind="stable")
    g = g.reset_index(drop=True)
    sign = previous_loser_sign(g)
    noise = np.array([chosen[int(s)].game_model(model).scale for s in g["season"]])
    probit = norm.ppf(np.clip(g["p_home_ensemble"].to_numpy(float), FLOOR, 1 - FLOOR))
    won = g["home_won"].to_numpy(bool)
    base = g[["season", "game"]].assign(log_loss=log_loss(norm.cdf(probit), won))
    losses = {z: g[["season", "game"]].assign(log_loss=log_loss(norm.cdf(probit + sign * z / noise), won))
              for z in Z_GRID}
    seasons = sorted(int(s) for s in g["season"].unique())
    picks = choose_z(losses, seasons)
    walk = pd.concat([losses[picks[s]][g["season"] == s] for s in seasons]).sort_index()
    print("z per season (games 2-7 of earlier seasons):", ", ".join(f"{s} {z:g}" for s, z in picks.items()))
    print("in-sample, each z on every season (not a result): " +
          ", ".join(f"{z:g}: {losses[z]['log_loss'].mean():.4f}" for z in Z_GRID))
    for label, keep in (("all games 2011-2024", np.ones(len(g), bool)), ("games 2-7", g["game"].to_numpy() >= 2),
                        ("games 2011-2023", g["season"].to_numpy() <= 2023)):
        stats = season_bootstrap(walk[keep], base[keep], "log_loss", **boot)
        print(f"  {label}: ensemble {base.loc[keep, 'log_loss'].mean():.4f}, with walk-forward z "
              f"{walk.loc[keep, 'log_loss'].mean():.4f}, diff {stats['diff']:+.4f} "
              f"[{stats['low']:+.4f}, {stats['high']:+.4f}]")
    return picks


def series_rows(pre, games, inputs, seasons, chosen, model, terms, picks) -> pd.DataFrame:
    """season, before, after (z = 0 and z = the season's pick), champion (= the home-court team
    won the series), around every game that leaves its series undecided."""
    rows = []
    for game in undecided_games(pre, games, inputs, seasons, chosen, model, terms):
        i, hc_won = game.i, game.hc_won
        w0, w1 = int(hc_won[:i].sum()), int(hc_won[:i + 1].sum())
        last0 = 0 if i == 0 else (1 if hc_won[i - 1] else -1)
        last1 = 1 if hc_won[i] else -1
        row = {"season": game.season, "champion": game.won}
        for tag, z in (("binomial", 0.0), ("zigzag", picks[game.season])):
            row[f"before_{tag}"] = series_prob(game.diff_before, model, w0, i - w0, last0, z)
            row[f"after_{tag}"] = series_prob(game.diff_after, model, w1, i + 1 - w1, last1, z)
        rows.append(row)
    return pd.DataFrame(rows)


def check_binomial(model) -> float:
    """Largest difference of the recursion at z = 0 from today's series_win_prob_from."""
    worst = 0.0
    for diff in (-6.0, -1.5, 0.0, 2.5, 8.0):
        for w in range(4):
            for lo in range(4):
                ph, pa = game_win_prob(diff + model.home_court, model), game_win_prob(diff - model.home_court, model)
                for last in (-1, 0, 1):
                    worst = max(worst, abs(series_prob(diff, model, w, lo, last, 0.0)
                                           - series_win_prob_from(ph, pa, w, lo, 7)))
    return worst


def main() -> None:
    pre, games, inputs, chosen, model, cfg, terms, _ = title_path_inputs(load_params("params.yaml"))
    boot = {"n_resamples": cfg.n_bootstrap, "seed": cfg.bootstrap_seed, "interval": cfg.interval}
    print(f"check: the recursion at z = 0 against series_win_prob_from: max abs diff {check_binomial(model):.1e}")
    picks = game_study(games, chosen, model, boot)
    seasons = sorted(int(s) for s in games["season"].unique() if int(s) in inputs.champions)
    rows = series_rows(pre, games, inputs, seasons, chosen, model, terms, picks)
    won = rows["champion"].to_numpy(bool)
    print(f"\nseries odds after each game leaving its series undecided: {len(rows)} games, {rows['season'].nunique()} seasons")
    base = rows[["season"]].assign(log_loss=log_loss(rows["after_binomial"].to_numpy(), won))
    zz = rows[["season"]].assign(log_loss=log_loss(rows["after_zigzag"].to_numpy(), won))
    stats = season_bootstrap(zz, base, "log_loss", **boot)
    print(f"  log-loss on the series outcome: binomial {base['log_loss'].mean():.4f}, zig-zag "
          f"{zz['log_loss'].mean():.4f}, diff {stats['diff']:+.4f} [{stats['low']:+.4f}, {stats['high']:+.4f}]")
    for label, last in (("2011-2023", 2023), ("2011-2024", 2024)):
        part = rows[rows["season"] <= last]
        for tag in ("binomial", "zigzag"):
            moves = part.rename(columns={f"before_{tag}": "before", f"after_{tag}": "after"})
            n, best, lo, hi = calibration_of(moves[["season", "before", "after", "champion"]],
                                             cfg.n_bootstrap // 4, cfg.bootstrap_seed)
            size = (moves["after"] - moves["before"]).abs().mean()
            print(f"  {label} {tag}: mean |move| {size:.3f}, best scale of the moves {best:.2f} [90%: {lo:.2f}, {hi:.2f}]")


if __name__ == "__main__":
    main()
