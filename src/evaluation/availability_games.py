"""The per-game check of availability: every playoff game after a team's first, forecast with the
strengths as of that morning (the playoff update of src/odds/playoff_update.py, its setting
chosen per season on the games of earlier seasons), beside the same forecast with the players
missing from each team's previous game taken off its strength (`full`: his contribution above
replacement; `expected`: times P(he misses the next game) from the availability model fitted on
earlier seasons). Games whose team's previous game has no box score keep the as-of forecast.

`evaluate_availability` does the same inside the official game yardstick (the evaluate stage's
game_predictions): variants `<base>_avail` of the ensemble and of the ensemble with its playoff
record, (reading, scale) chosen per season on the game log-loss of earlier seasons' games.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from src.evaluation.games import SPLITS
from src.evaluation.series import outcome_losses, season_bootstrap
from src.features.availability_lost import lost_after_each_game
from src.features.availability_model import cases, fit_cases
from src.odds.playoff_update import PlayoffUpdateConfig, walk_forward_asof
from src.league.monte_carlo import GameModel
from src.odds.series_likelihood import series_home_win_prob

SCALE_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)     # fixed before the walk-forward numbers were read
READINGS = ("full", "expected")


def game_losses(rows: pd.DataFrame, games: pd.DataFrame, box, roster, players, seasons: list[int]) -> pd.DataFrame:
    """Per row of `rows` (game_id, season, home_team, away_team): lost_{full,expected}_{home,away},
    the contributions each team lacks from its previous playoff game of the season (NaN: that game
    has no box score, or it is the team's first). P(misses next) comes from the availability model
    fitted on the box scores of seasons < the game's season; only box scores of earlier days are
    read (a team's previous game is on an earlier day)."""
    finals = players[players["final_team"].astype(bool)]
    with_box = sorted(box["season"].unique())
    lost = []
    # each season's cases once (not once per later season): the fit of season t reads seasons < t
    table = cases(box, games, finals, [s for s in with_box if s < max(seasons, default=0)])
    for season in seasons:
        if season not in with_box:
            continue
        fitted = fit_cases(table, [s for s in with_box if s < season])
        per_game = lost_after_each_game(box, games, roster, fitted, season).sort_values(["team", "date", "game_id"])
        per_game["next_game"] = per_game.groupby("team")["game_id"].shift(-1)
        lost.append(per_game.dropna(subset=["next_game"]))
    out = pd.DataFrame(index=rows.index)
    if not lost:
        for col in ("lost_full_home", "lost_full_away", "lost_expected_home", "lost_expected_away"):
            out[col] = np.nan
        return out
    table = pd.concat(lost, ignore_index=True).set_index(["next_game", "team"])
    for reading in ("full", "expected"):
        for side in ("home", "away"):
            key = pd.MultiIndex.from_arrays([rows["game_id"], rows[f"{side}_team"]])
            out[f"lost_{reading}_{side}"] = table[f"lost_{reading}"].reindex(key).to_numpy()
    return out


def game_yardstick(games: pd.DataFrame, pre: pd.Series, box, roster, players, cfg: PlayoffUpdateConfig,
                   model: GameModel, boot: dict, seasons: list[int]) -> tuple[dict, pd.DataFrame]:
    rows = games[games["season"].isin(seasons)].sort_values(["season", "date", "game_id"]).reset_index(drop=True)
    table = pd.DataFrame({"season": rows["season"], "home_team": rows["home_team"], "away_team": rows["away_team"],
                          "start": rows["date"], "best_of": 1, "home_won": rows["home_won"].astype(bool)})
    home, away, _ = walk_forward_asof(table, pre, games, cfg, model)
    lost = game_losses(rows, games, box, roster, players, seasons)
    metrics = {}
    keep_all = lost[["lost_full_home", "lost_full_away"]].notna().all(axis=1).to_numpy()
    shifts = {r: (lost[f"lost_{r}_home"].fillna(0.0).to_numpy(), lost[f"lost_{r}_away"].fillna(0.0).to_numpy())
              for r in READINGS}
    p_asof = series_home_win_prob(home, away, np.ones(len(rows), int), model)
    losses = {"asof": outcome_losses(p_asof, table["home_won"].to_numpy())}
    for reading, (h, a) in shifts.items():
        p = series_home_win_prob(home - h, away - a, np.ones(len(rows), int), model)
        losses[reading] = outcome_losses(p, table["home_won"].to_numpy())
    later = rows["game"].to_numpy() > 1            # games 2-7 of a series
    for split, keep in (("all_games", np.ones(len(rows), bool)), ("games2_7", later)):
        for tag, frame in losses.items():
            metrics[f"{split}.{tag}.log_loss"] = float(frame.loc[keep, "log_loss"].mean())
        for reading in ("full", "expected"):
            cand = losses[reading].assign(season=rows["season"].to_numpy())[keep]
            base = losses["asof"].assign(season=rows["season"].to_numpy())[keep]
            metrics.update({f"bootstrap.{split}.{reading}_vs_asof.{k}": v
                            for k, v in season_bootstrap(cand, base, "log_loss", **boot).items()})
        metrics[f"{split}.n"] = int(keep.sum())
    metrics["games_with_box_scores_before"] = int(keep_all.sum())
    return metrics, rows.assign(p_asof=p_asof)



def shifted_probs(p: np.ndarray, lost_home: np.ndarray, lost_away: np.ndarray, noise: np.ndarray,
                  scale: float) -> np.ndarray:
    """The game yardstick's P(home wins) (normal link: p = Phi(margin / noise), noise = the season's
    game noise) with each side's strength lowered by scale x its lost contribution (points);
    NaN (unknown) = nothing taken off."""
    delta = np.nan_to_num(np.asarray(lost_away, float)) - np.nan_to_num(np.asarray(lost_home, float))
    return ndtr(ndtri(np.asarray(p, float)) + scale * delta / np.asarray(noise, float))


def choose_scales(losses: dict[tuple[str, float], np.ndarray], seasons: np.ndarray,
                  targets: list[int]) -> dict[int, tuple[str, float]]:
    """Per target season the (reading, scale) with the lowest mean game log-loss over the games of
    seasons < target (none earlier: scale 0); ties go to the smaller scale, then `full`."""
    order = sorted(losses, key=lambda c: (c[1], READINGS.index(c[0])))
    out = {}
    for season in targets:
        earlier = seasons < season
        out[int(season)] = (READINGS[0], 0.0) if not earlier.any() else \
            min(order, key=lambda c: (float(losses[c][earlier].mean()), c[1], READINGS.index(c[0])))
    return out


def walk_forward_availability(p: np.ndarray, lost: pd.DataFrame, noise: np.ndarray, seasons: np.ndarray,
                              home_won: np.ndarray, next_season: int) -> tuple[np.ndarray, dict]:
    """P(home wins) with availability, its (reading, scale) chosen per season on earlier seasons'
    games, and the choices (test seasons and next_season)."""
    probs = {(r, s): shifted_probs(p, lost[f"lost_{r}_home"], lost[f"lost_{r}_away"], noise, s)
             for r in READINGS for s in SCALE_GRID}
    losses = {c: outcome_losses(q, home_won)["log_loss"].to_numpy() for c, q in probs.items()}
    targets = sorted(set(seasons.astype(int).tolist()) | {int(next_season)})
    choices = choose_scales(losses, seasons, targets)
    picked = np.array([probs[choices[int(s)]][i] for i, s in enumerate(seasons)])
    return picked, choices


@dataclass
class AvailabilityInputs:
    box: pd.DataFrame           # data/interim/playoff_box_scores.parquet
    roster: pd.DataFrame        # reports/explain/contributors.parquet (contribution above replacement, points)
    players: pd.DataFrame       # data/interim/player_seasons.parquet (final_team: the availability model's roster)
    games: pd.DataFrame         # every playoff game of the game file (src/league/series.GAME_COLUMNS)


def avail_name(base: str) -> str:
    return f"{base}_avail"


def evaluate_availability(predictions: pd.DataFrame, bases: list[str], noise: np.ndarray,
                          inputs: AvailabilityInputs, boot: dict, next_season: int) -> tuple[dict, dict]:
    """Adds p_home_<base>_avail to the game yardstick's `predictions` for each base column
    p_home_<base> (noise: each row's season game noise, as the yardstick divides by it); returns
    the metrics (games[_<split>].<base>_avail.*, bootstrap vs <base>) and the report (choices per
    season, games with both teams' previous box scores per season)."""
    seasons = predictions["season"].to_numpy(int)
    won = predictions["home_won"].to_numpy(bool)
    lost = game_losses(predictions, inputs.games, inputs.box, inputs.roster, inputs.players,
                       sorted(set(seasons.tolist())))
    metrics, report = {}, {"chosen_on": "mean game log-loss of every earlier season's games",
                           "grid": {"reading": list(READINGS), "scale": list(SCALE_GRID)}}
    known = lost[["lost_full_home", "lost_full_away"]].notna().all(axis=1).to_numpy()
    report["games_with_box_scores"] = {str(s): {"n": int((seasons == s).sum()), "known": int(known[seasons == s].sum())}
                                       for s in sorted(set(seasons.tolist()))}
    for base in bases:
        p_base = predictions[f"p_home_{base}"].to_numpy(float)
        p, choices = walk_forward_availability(p_base, lost, noise, seasons, won, next_season)
        predictions[f"p_home_{avail_name(base)}"] = p
        metrics.update(_split_metrics(predictions, p_base, p, base, boot))
        report[avail_name(base)] = {str(s): {"reading": c[0], "scale": c[1]} for s, c in choices.items()}
    return metrics, report


def _split_metrics(games: pd.DataFrame, p_base: np.ndarray, p: np.ndarray, base: str, boot: dict) -> dict:
    y, seasons = games["home_won"].to_numpy(bool), games["season"].to_numpy(int)
    cand, ref = outcome_losses(p, y).assign(season=seasons), outcome_losses(p_base, y).assign(season=seasons)
    name, out = avail_name(base), {}
    for prefix, split in SPLITS.items():
        keep = split(games)
        if not keep.any():
            continue
        out.update({f"{prefix}.{name}.{m}": float(cand.loc[keep, m].mean()) for m in ("log_loss", "brier", "accuracy")})
        out[f"{prefix}.{name}.n"] = int(keep.sum())
        stats = season_bootstrap(cand[keep], ref[keep], "log_loss", **boot)
        out.update({f"bootstrap.{prefix}.{name}_vs_{base}.log_loss.{k}": v for k, v in stats.items()})
    return out
