"""Player rows of the synthetic league in the layout of the real Basketball-Reference player files.

Stats carry the latent impact: on-court and net +/- per 100 possessions are impact plus noise
that shrinks with minutes (in star mode the star's +/- is nearly noiseless), shooting
percentages lean on impact. A player traded mid-season gets one row per team and a `2TM`
total row first, as in the real files.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from src.data.schema import PBP_STATS, PER_100_STATS, SHOOTING_STATS

LG = "NBA"
TOTAL_CODE = "{n}TM"
PM_NOISE_AT_1000_MIN = 4.0     # SD of the +/- noise for a player with 1000 minutes
STAR_PM_NOISE = 0.5
NET_PM_WEIGHT = 1.0            # net +/- per point of impact
COUNT_STATS = ("bad_pass_turnover", "lost_ball_turnover", "shooting_foul_committed",
               "offensive_foul_committed", "shooting_foul_drawn", "offensive_foul_drawn",
               "points_generated_by_assists", "and1", "fga_blocked", "num_of_dunks",
               "num_heaves_attempted", "num_heaves_made")
PER_1000_MIN = {"bad_pass_turnover": 28, "lost_ball_turnover": 16, "shooting_foul_committed": 40,
                "offensive_foul_committed": 7, "shooting_foul_drawn": 40, "offensive_foul_drawn": 5,
                "points_generated_by_assists": 210, "and1": 9, "fga_blocked": 20}
SHOOTING_RANGES = ("x0_3", "x3_10", "x10_16", "x16_3p", "x3p")
RANGE_SHARE = np.array([0.30, 0.16, 0.09, 0.15, 0.30])   # share of FGA by range, league average
RANGE_FG = np.array([0.61, 0.35, 0.37, 0.36, 0.35])      # FG% by range, league average
RANGE_DIST = np.array([1.0, 6.5, 13.0, 19.0, 25.0])      # feet
NO_THREES_POS = "C"
NO_THREES_P = 0.3


def player_stats(rng: np.random.Generator, rows: pd.DataFrame, team_net: pd.Series) -> pd.DataFrame:
    """Per-stint stats. `rows`: one per player-team stint; `team_net`: net rating by franchise."""
    n = len(rows)
    mp = rows["mp"].to_numpy(float)
    impact = rows["impact"].to_numpy(float)
    noise_sd = np.where(rows["star"], STAR_PM_NOISE, PM_NOISE_AT_1000_MIN * np.sqrt(1000 / np.maximum(mp, 1)))
    net = NET_PM_WEIGHT * impact + rng.normal(0, 1, n) * noise_sd
    on = team_net.reindex(rows["franchise"]).to_numpy() + impact / 2 + rng.normal(0, 1, n) * noise_sd
    out = {"on_court_plus_minus_per_100_poss": np.round(on, 1),
           "net_plus_minus_per_100_poss": np.round(net, 1)}
    out.update(_positions(rng, rows["pos"].to_numpy()))
    scale = mp / 1000
    for col, rate in PER_1000_MIN.items():
        out[col] = rng.poisson(rate * scale * rng.uniform(0.5, 1.5, n))
    out.update(_shooting(rng, rows, scale))
    return pd.DataFrame(out, index=rows.index)


# Per 100 possessions: league-average level, change per point of impact, noise SD at 1000 minutes.
PER_100_MODEL = {"pts_per_100_poss": (20.0, 1.2, 4.0), "ast_per_100_poss": (4.5, 0.25, 1.5),
                 "trb_per_100_poss": (9.0, 0.2, 2.5), "stl_per_100_poss": (1.4, 0.05, 0.4),
                 "blk_per_100_poss": (1.0, 0.05, 0.4), "tov_per_100_poss": (2.6, -0.05, 0.6),
                 "pf_per_100_poss": (4.0, -0.05, 0.8), "fta_per_100_poss": (4.5, 0.3, 1.5),
                 "x3pa_per_100_poss": (6.0, 0.1, 2.5), "o_rtg": (108.0, 1.0, 5.0),
                 "d_rtg": (108.0, -0.4, 2.5)}
FT_PERCENT, ORB_SHARE, FG_PER_PTS, FGA_PER_PTS = 0.76, 0.25, 0.40, 0.85


def per_100_stats(rng: np.random.Generator, rows: pd.DataFrame) -> pd.DataFrame:
    """Box-score production per 100 possessions of each stint, leaning on the latent impact
    (star: nearly noiseless, like his +/-); shooting splits follow from the totals."""
    mp = rows["mp"].to_numpy(float)
    impact = rows["impact"].to_numpy(float)
    noise = np.where(rows["star"], STAR_PM_NOISE / PM_NOISE_AT_1000_MIN, 1.0) * np.sqrt(
        1000 / np.maximum(mp, 1))
    out = {col: np.round(level + slope * impact + rng.normal(0, 1, len(rows)) * sd * noise, 1)
           for col, (level, slope, sd) in PER_100_MODEL.items()}
    pts, fta = np.maximum(out["pts_per_100_poss"], 0.5), np.maximum(out["fta_per_100_poss"], 0.0)
    out["fta_per_100_poss"] = fta
    out["ft_per_100_poss"] = np.round(fta * FT_PERCENT, 1)
    out["ft_percent"] = np.where(fta > 0, FT_PERCENT, np.nan)
    out["fg_per_100_poss"] = np.round(pts * FG_PER_PTS, 1)
    out["fga_per_100_poss"] = np.round(pts * FGA_PER_PTS, 1)
    out["x3pa_per_100_poss"] = np.minimum(np.maximum(out["x3pa_per_100_poss"], 0.0),
                                          out["fga_per_100_poss"])
    out["x3p_per_100_poss"] = np.round(out["x3pa_per_100_poss"] * RANGE_FG[-1], 1)
    out["x2pa_per_100_poss"] = np.round(out["fga_per_100_poss"] - out["x3pa_per_100_poss"], 1)
    out["x2p_per_100_poss"] = np.round(np.maximum(out["fg_per_100_poss"] - out["x3p_per_100_poss"], 0), 1)
    out["e_fg_percent"] = np.round((out["fg_per_100_poss"] + 0.5 * out["x3p_per_100_poss"])
                                   / np.maximum(out["fga_per_100_poss"], 0.1), 3)
    trb = np.maximum(out["trb_per_100_poss"], 0.0)
    out["trb_per_100_poss"] = trb
    out["orb_per_100_poss"] = np.round(trb * ORB_SHARE, 1)
    out["drb_per_100_poss"] = np.round(trb - out["orb_per_100_poss"], 1)
    return pd.DataFrame({c: out[c] for c in PER_100_STATS}, index=rows.index)


def _positions(rng, pos: np.ndarray) -> dict[str, np.ndarray]:
    """Share of minutes by position: mostly the listed one, the rest at a neighbour."""
    order = ["PG", "SG", "SF", "PF", "C"]
    main = np.array([order.index(p) for p in pos])
    share = rng.integers(60, 101, len(pos))
    neighbour = np.clip(main + rng.choice([-1, 1], len(pos)), 0, 4)
    cols = {}
    for k, name in enumerate(order):
        cols[f"{name.lower()}_percent"] = np.where(main == k, share, 0) + np.where(
            (neighbour == k) & (main != k), 100 - share, 0) + np.where(
            (neighbour == main) & (main == k), 100 - share, 0)
    return cols


def _shooting(rng, rows: pd.DataFrame, scale: np.ndarray) -> dict[str, np.ndarray]:
    n = len(rows)
    share = rng.dirichlet(RANGE_SHARE * 20, n)
    no_threes = (rows["pos"].to_numpy() == NO_THREES_POS) & (rng.random(n) < NO_THREES_P)
    share[no_threes, 4] = 0
    share /= share.sum(axis=1, keepdims=True)
    skill = rows["impact"].to_numpy(float)[:, None] * 0.01
    fg = np.clip(RANGE_FG + skill + rng.normal(0, 0.04, (n, 5)), 0.05, 0.95)
    fg[share == 0] = np.nan           # no attempts from a range: no percentage (NA in the file)
    out = {f"percent_fga_from_{r}_range": np.round(share[:, k], 3) for k, r in enumerate(SHOOTING_RANGES)}
    out.update({f"fg_percent_from_{r}_range": np.round(fg[:, k], 3) for k, r in enumerate(SHOOTING_RANGES)})
    two = share[:, :4].sum(axis=1)
    out["percent_fga_from_x2p_range"] = np.round(two, 3)
    out["fg_percent_from_x2p_range"] = np.round((share[:, :4] * fg[:, :4]).sum(axis=1) / two, 3)
    out["fg_percent"] = np.round(np.nansum(share * fg, axis=1), 3)
    out["avg_dist_fga"] = np.round(share @ RANGE_DIST, 1)
    out["percent_assisted_x2p_fg"] = np.round(rng.uniform(0.3, 0.8, n), 3)
    out["percent_assisted_x3p_fg"] = np.where(no_threes, np.nan, np.round(rng.uniform(0.7, 1.0, n), 3))
    out["percent_dunks_of_fga"] = np.round(share[:, 0] * rng.uniform(0, 0.3, n), 3)
    out["num_of_dunks"] = rng.poisson(out["percent_dunks_of_fga"] * 400 * scale)
    corner = np.round(rng.uniform(0.1, 0.4, n), 3)
    out["percent_corner_3s_of_3pa"] = np.where(no_threes, np.nan, corner)
    out["corner_3_point_percent"] = np.where(no_threes, np.nan, np.round(fg[:, 4] + 0.03, 3))
    out["num_heaves_attempted"] = rng.poisson(0.8 * scale)
    out["num_heaves_made"] = rng.binomial(out["num_heaves_attempted"], 0.03)
    return out


def with_total_rows(stints: pd.DataFrame) -> pd.DataFrame:
    """Add a `2TM` row (sums of counts, minutes-weighted rates) before each traded player's rows."""
    key = ["season", "player_id"]
    multi = stints.loc[stints.groupby(key)["team"].transform("size") > 1]
    if multi.empty:
        return stints.assign(lg=LG)
    grouped = multi.groupby(key, sort=False)
    totals = grouped.first()
    totals["team"] = grouped.size().map(lambda n: TOTAL_CODE.format(n=n))
    totals["team_order"] = -1
    counts = ["g", "gs", "mp", *COUNT_STATS]
    totals[counts] = grouped[counts].sum()
    rates = [c for c in (*PBP_STATS, *SHOOTING_STATS, *PER_100_STATS)
             if c not in COUNT_STATS and c in multi.columns]
    values = multi[rates]
    weights = values.notna().mul(multi["mp"], axis=0)
    weighted = values.fillna(0).mul(multi["mp"], axis=0).groupby([multi[k] for k in key], sort=False).sum()
    totals[rates] = (weighted / weights.groupby([multi[k] for k in key], sort=False).sum()).round(3)
    out = pd.concat([stints, totals.reset_index()], ignore_index=True)
    out = out.sort_values(["season", "player_id", "team_order"], ascending=[False, True, True])
    return out.assign(lg=LG).reset_index(drop=True)
