"""A player's value in points per 100 possessions, from his own evidence, fitted walk-forward.

The formula (docs/contributions.md says it in words):

    x~ = x - (minutes-weighted league mean of x in that season)        for each EVIDENCE column
    v_season = beta_t . x~  +  on_court_share * on_court~ / 5  +  team_adjust_share * adj
    adj = (team net - 5 * sum_j share_j * (beta_t . x~_j + on_court_share * on_court~_j / 5)) / 5
    v = (mp * v_season + history_weight * sum_h mp_h * v_h + newcomer_minutes * replacement)
        / (mp + history_weight * sum_h mp_h + newcomer_minutes)

`beta_t` is a ridge fit on the team-seasons before t: a team's net rating per 100 (the
minutes-weighted on-court +/- of its players, which is the team's margin per 100) is what the
five court spots add up to, 5 * sum_i share_i * v_i, so the fit asks the players' box
production, shooting, net on-off and age to reproduce the part of the team's margin that
`on_court_share` leaves to them. The team's on-court margin itself reaches a player only as that
share, split by his minutes (every player of a good team looks good on-court), and through
`team_adjust_share` of what the evidence leaves of the team's margin (adj). v_h are his
seasons t-1..t-history_seasons, read with the same beta_t. `newcomer_minutes` of pseudo-evidence
at the replacement level keep 300 good minutes from making a star. Only the regular season of
t and earlier seasons reach season t; nothing of t's playoffs.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.artifacts import PLAYER_SEASONS
from src.errors import DataError
from src.features.config import PlayerValueConfig

log = logging.getLogger(__name__)

SOURCE = PLAYER_SEASONS.path
ON_COURT = "on_court_plus_minus_per_100_poss"
COURT_SPOTS = 5.0     # a team's margin per 100 = sum over its five court spots of their values
FT_TRIP = 0.44        # free throws per shooting possession (the true-shooting convention)
SCORING = "points_over_league_efficiency"   # pts - shots * league points per shot, per 100
SHOTS = "shots_per_100_poss"                # fga + 0.44 fta per 100: scoring volume
EVIDENCE = [           # the player's own numbers (per 100 possessions unless named otherwise)
    SCORING, SHOTS, "x3pa_per_100_poss", "ast_per_100_poss", "orb_per_100_poss", "drb_per_100_poss", "stl_per_100_poss",
    "blk_per_100_poss", "tov_per_100_poss", "pf_per_100_poss",
    "net_plus_minus_per_100_poss",          # on-off: his team with him minus without him
    "age", "experience",
]
KEY = ["season", "player_id"]
VALUE_COLUMNS = ["value", "value_season", "value_history", "history_minutes"]


@dataclass(frozen=True)
class ValueFit:
    """Weights for season `season`, fitted on team-seasons `first`..`last` (all < season)."""
    season: int
    first: int
    last: int
    n_team_seasons: int
    weights: dict[str, float]     # points per 100 per unit of each EVIDENCE column
    r2: float                     # share of the fitted target's variance the weights explain


RAW_COLUMNS = ["pts_per_100_poss", "fga_per_100_poss", "fta_per_100_poss",
               *[c for c in EVIDENCE if c not in (SCORING, SHOTS)]]


def check_columns(players: pd.DataFrame) -> None:
    needed = KEY + ["team", "mp", ON_COURT, *RAW_COLUMNS]
    missing = [c for c in needed if c not in players.columns]
    if missing:
        raise DataError(f"{SOURCE}: missing column(s) {', '.join(missing)} for the player value "
                        "(re-run the ingest stage)")


def centred(rows: pd.DataFrame) -> pd.DataFrame:
    """EVIDENCE and on-court columns minus their minutes-weighted league mean of the same season;
    a missing value becomes 0 (the league mean). Scoring is read as points over what the
    league's average efficiency makes of the same shots (true-shooting attempts), beside the
    volume of shots, so a team-level fit can tell efficient scorers from busy ones."""
    values = rows[RAW_COLUMNS + [ON_COURT]].apply(pd.to_numeric, errors="coerce").astype(float)
    mp = rows["mp"].astype(float)
    by = rows["season"]
    pts = values.pop("pts_per_100_poss")
    values[SHOTS] = values.pop("fga_per_100_poss") + FT_TRIP * values.pop("fta_per_100_poss")
    scored = pts.notna() & values[SHOTS].notna()
    league_pts = pts.where(scored, 0.0).mul(mp).groupby(by).transform("sum")
    league_shots = values[SHOTS].where(scored, 0.0).mul(mp).groupby(by).transform("sum")
    values[SCORING] = pts - values[SHOTS] * league_pts / league_shots.where(league_shots > 0)
    values = values[EVIDENCE + [ON_COURT]]
    weights = values.notna().mul(mp, axis=0)
    mean = (values.fillna(0.0).mul(mp, axis=0).groupby(by).transform("sum")
            / weights.groupby(by).transform("sum").where(lambda s: s > 0))
    return (values - mean).fillna(0.0)


BOX = [c for c in EVIDENCE if c not in ("net_plus_minus_per_100_poss", "age", "experience")]
ON_OFF = "net_plus_minus_per_100_poss"
BOX_SCORE = "box_score"          # stage 1: box production read as on-off points
TEAM_COLUMNS = [BOX_SCORE, ON_OFF, "age", "experience"]   # stage 2: scaled on team margins


def _ridge(X: np.ndarray, y: np.ndarray, alpha: float,
           weight: np.ndarray | None = None) -> np.ndarray:
    """Ridge without intercept on standardised columns (the penalty treats them alike),
    returned in the columns' own units."""
    scale = X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    from sklearn.linear_model import Ridge    # here: every stage reads this module, few fit
    model = Ridge(alpha=alpha, fit_intercept=False).fit(X / scale, y, sample_weight=weight)
    return model.coef_ / scale


def box_weights(stints: pd.DataFrame, x: pd.DataFrame, cfg: PlayerValueConfig) -> np.ndarray:
    """Stage 1, player level: the box columns weighed so they predict his net on-off +/-
    (the team's margin with him minus without him, an individual signal), each stint weighted
    by mp / (mp + newcomer_minutes) (a short stint's on-off is mostly noise)."""
    mp = stints["mp"].to_numpy(dtype=float)
    return _ridge(x[BOX].to_numpy(), x[ON_OFF].to_numpy(), cfg.box_ridge_alpha,
                  mp / (mp + cfg.newcomer_minutes))


def evidence_columns(x: pd.DataFrame, box: np.ndarray) -> pd.DataFrame:
    out = x[[ON_OFF, "age", "experience"]].copy()
    out[BOX_SCORE] = x[BOX].to_numpy() @ box
    return out[TEAM_COLUMNS]


def team_design(stints: pd.DataFrame, x: pd.DataFrame, box: np.ndarray,
                cfg: PlayerValueConfig) -> tuple[pd.DataFrame, pd.Series]:
    """Stage 2, per team-season: X = 5 * sum_i share_i * column_i (TEAM_COLUMNS), y = the part
    of the team's net rating per 100 left to the evidence ((1 - on_court_share) x the
    minutes-weighted on-court +/-). Rows are stints: a traded player counts for each team with
    his minutes there."""
    share = stints["mp"] / stints.groupby(["season", "team"])["mp"].transform("sum")
    keys = [stints["season"], stints["team"]]
    design = evidence_columns(x, box).mul(share * COURT_SPOTS, axis=0).groupby(keys).sum()
    net = (x[ON_COURT] * share).groupby(keys).sum()
    return design, (1.0 - cfg.on_court_share) * net


def fit_weights(stints: pd.DataFrame, x: pd.DataFrame, season: int,
                cfg: PlayerValueConfig) -> ValueFit | None:
    """Both stages on the seasons before `season`; None with fewer than `min_fit_seasons`."""
    train = (stints["season"] < season).to_numpy()
    earlier = np.unique(stints.loc[train, "season"])
    if len(earlier) < cfg.min_fit_seasons:
        return None
    box = box_weights(stints[train], x[train], cfg)
    design, target = team_design(stints[train], x[train], box, cfg)
    X, y = design.to_numpy(), target.to_numpy()
    coef = _ridge(X, y, cfg.ridge_alpha)
    team = dict(zip(TEAM_COLUMNS, coef))
    weights = {c: float(team[BOX_SCORE] * w) for c, w in zip(BOX, box)}
    weights.update({c: float(team[c]) for c in (ON_OFF, "age", "experience")})
    residual = y - X @ coef
    r2 = 1.0 - float(residual.var() / y.var()) if y.var() > 0 else float("nan")
    return ValueFit(int(season), int(earlier[0]), int(earlier[-1]), len(y),
                    {c: weights[c] for c in EVIDENCE}, r2)


def season_rows(players: pd.DataFrame) -> pd.DataFrame:
    """One row per (season, player): minutes summed, centred evidence minutes-weighted over
    his stints."""
    rows = players[players["mp"] > 0].reset_index(drop=True)
    x = centred(rows)
    mp = rows["mp"].astype(float)
    keys = [rows["season"], rows["player_id"]]
    out = x.mul(mp, axis=0).groupby(keys).sum().div(mp.groupby(keys).sum(), axis=0)
    out["mp"] = mp.groupby(keys).sum()
    return out


def season_values(rows: pd.DataFrame, fit: ValueFit, cfg: PlayerValueConfig) -> pd.Series:
    weights = np.array([fit.weights[c] for c in EVIDENCE])
    return pd.Series(rows[EVIDENCE].to_numpy() @ weights
                     + cfg.on_court_share * rows[ON_COURT].to_numpy() / COURT_SPOTS,
                     index=rows.index)


def team_adjustment(stints: pd.DataFrame, x: pd.DataFrame, fit: ValueFit,
                    cfg: PlayerValueConfig) -> pd.Series:
    """Per (season, player_id): the part of his teams' net rating per 100 that their players'
    values leave unexplained, (team net - 5 sum_i share_i v_i) / 5, minutes-weighted over his
    stints (the BPM-style team adjustment). The value adds `team_adjust_share` of it, so a
    team's values add up closer to its own margin without handing the whole margin out."""
    share = stints["mp"] / stints.groupby(["season", "team"])["mp"].transform("sum")
    teams = [stints["season"], stints["team"]]
    net = (x[ON_COURT] * share).groupby(teams).transform("sum")
    explained = (season_values(x, fit, cfg) * share).groupby(teams).transform("sum")
    residual = (net - COURT_SPOTS * explained) / COURT_SPOTS
    mp = stints["mp"].astype(float)
    players = [stints["season"], stints["player_id"]]
    return (residual * mp).groupby(players).sum() / mp.groupby(players).sum()


def values_for_season(rows: pd.DataFrame, season: int, fit: ValueFit, cfg: PlayerValueConfig,
                      adjustment: pd.Series) -> pd.DataFrame:
    """Value of every player of `season`: this season's evidence read with `fit` (seasons <
    season) plus `team_adjust_share` x his `adjustment` (team_adjustment with the same fit),
    his earlier seasons read the same way as the prior."""
    seasons = rows.index.get_level_values("season")
    window = rows[(seasons <= season) & (seasons >= season - cfg.history_seasons)]
    raw = (season_values(window, fit, cfg)
           + cfg.team_adjust_share * adjustment.reindex(window.index).fillna(0.0))
    now = window.xs(season, level="season")
    earlier = window[window.index.get_level_values("season") < season]
    hist_mp = earlier["mp"].groupby(level="player_id").sum().reindex(now.index).fillna(0.0)
    hist_sum = (raw[earlier.index] * earlier["mp"]).groupby(level="player_id").sum()
    hist_sum = hist_sum.reindex(now.index).fillna(0.0)
    v_now = raw.xs(season, level="season")
    w_hist = cfg.history_weight * hist_mp
    value = ((now["mp"] * v_now + cfg.history_weight * hist_sum
              + cfg.newcomer_minutes * cfg.replacement_level)
             / (now["mp"] + w_hist + cfg.newcomer_minutes))
    return pd.DataFrame({"season": season, "player_id": now.index, "value": value.to_numpy(),
                         "value_season": v_now.to_numpy(),
                         "value_history": (hist_sum / hist_mp.where(hist_mp > 0)).to_numpy(),
                         "history_minutes": hist_mp.to_numpy()})


def player_values(players: pd.DataFrame, seasons: list[int] | range,
                  cfg: PlayerValueConfig) -> tuple[pd.DataFrame, list[ValueFit]]:
    """(season, player_id, value, value_season, value_history, history_minutes) for each wanted
    season that has `min_fit_seasons` earlier seasons in `players`, and the fits behind them.
    Season t reads seasons <= t of `players` only (its weights: seasons < t)."""
    check_columns(players)
    wanted = sorted({int(s) for s in seasons})
    frames, fits = [], []
    if not wanted:
        return pd.DataFrame(columns=KEY + VALUE_COLUMNS), fits
    known = players[players["season"] <= wanted[-1]]
    stints = known[known["mp"] > 0].reset_index(drop=True)
    x = centred(stints)
    rows = season_rows(known)
    for season in wanted:
        fit = fit_weights(stints, x, season, cfg)
        if fit is None or season not in rows.index.get_level_values("season"):
            continue
        fits.append(fit)
        window = stints["season"].between(season - cfg.history_seasons, season).to_numpy()
        adjustment = team_adjustment(stints[window], x[window], fit, cfg)
        frames.append(values_for_season(rows, season, fit, cfg, adjustment))
    skipped = sorted(set(wanted) - {f.season for f in fits})
    if skipped:
        log.info("player value: no value for season(s) %s (fewer than %d earlier seasons, or no "
                 "players)", ", ".join(map(str, skipped)), cfg.min_fit_seasons)
    if not frames:
        return pd.DataFrame(columns=KEY + VALUE_COLUMNS), fits
    return pd.concat(frames, ignore_index=True), fits


def contributions_above_replacement(weight: pd.Series, value: pd.Series,
                                    replacement: float) -> pd.Series:
    """Points a player adds to his team over a replacement-level player in his court time:
    5 * weight * (value - replacement), weight = his share of the team's playing time (sums to
    1 over the roster), so a team's contributions add up exactly to 5 * sum(weight * value)
    minus the strength of a team of replacement players, 5 * replacement."""
    return COURT_SPOTS * weight * (value - replacement)


def weights_report(fits: list[ValueFit], cfg: PlayerValueConfig) -> dict:
    """reports/explain/player_value_weights.json: the settings and, per season, the weights the
    value of that season was read with (fitted on the seasons before it)."""
    return {"formula": "docs/contributions.md", "settings": dataclasses.asdict(cfg),
            "units": "points per 100 possessions per unit of each column (centred on the "
                     "season's minutes-weighted league mean)",
            "seasons": {str(f.season): {"fitted_on": [f.first, f.last],
                                        "n_team_seasons": f.n_team_seasons,
                                        "team_fit_r2": round(f.r2, 4),
                                        "weights": {k: round(v, 5) for k, v in f.weights.items()}}
                        for f in fits}}
