"""The per-game check of availability: every playoff game after a team's first, forecast with the
strengths as of that morning (the playoff update of src/odds/playoff_update.py, its setting
chosen per season on the games of earlier seasons), beside the same forecast with the players
missing from each team's previous game taken off its strength (`full`: his contribution above
replacement; `expected`: times P(he misses the next game) from the availability model fitted on
earlier seasons). Games whose team's previous game has no box score keep the as-of forecast.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from src.evaluation.series import outcome_losses, season_bootstrap
from src.features.availability import MISSED, game_statuses, known_games, with_rotation
from src.features.availability_model import fit_availability
from src.odds.playoff_update import PlayoffUpdateConfig, walk_forward_asof
from src.league.monte_carlo import GameModel
from src.odds.series_likelihood import series_home_win_prob

OUT = ("injury", "suspended", "away")


def lost_after_each_game(box, games, roster, model, season: int) -> pd.DataFrame:
    """team, game_id, lost_full, lost_expected: what the team lacks for its NEXT game, read from
    this game's box score (a game without one: NaN, nothing known)."""
    rot = with_rotation(roster[roster["season"] == season])
    grid = game_statuses(box[box["season"] == season], rot, known_games(games, season, None))
    grid = grid.merge(rot[["team", "player_id", "contribution", "rotation"]], on=["team", "player_id"])
    grid = grid.sort_values(["team", "player_id", "date", "game_id"], kind="stable").reset_index(drop=True)
    miss = grid["status"].isin(MISSED)
    block = (~miss).groupby([grid["team"], grid["player_id"]]).cumsum()
    run = miss.astype(int).groupby([grid["team"], grid["player_id"], block]).cumsum()
    out = grid["status"].isin(OUT) | (grid["status"].eq("absent") & grid["rotation"])
    p = np.array([model.p_miss(n, s)[0] if model is not None and o else 0.0
                  for n, s, o in zip(run, grid["status"], out)])
    grid["full"] = np.where(out, grid["contribution"], 0.0)
    grid["expected"] = p * grid["full"]
    lost = grid.groupby(["team", "game_id", "date"], as_index=False)[["full", "expected"]].sum()
    unknown = grid.groupby(["team", "game_id"])["status"].first().eq("unknown")
    lost.loc[unknown.reindex(pd.MultiIndex.from_frame(lost[["team", "game_id"]])).to_numpy(), ["full", "expected"]] = np.nan
    return lost.rename(columns={"full": "lost_full", "expected": "lost_expected"})


def game_yardstick(games: pd.DataFrame, pre: pd.Series, box, roster, players, cfg: PlayoffUpdateConfig,
                   model: GameModel, boot: dict, seasons: list[int]) -> tuple[dict, pd.DataFrame]:
    rows = games[games["season"].isin(seasons)].sort_values(["season", "date", "game_id"]).reset_index(drop=True)
    table = pd.DataFrame({"season": rows["season"], "home_team": rows["home_team"], "away_team": rows["away_team"],
                          "start": rows["date"], "best_of": 1, "home_won": rows["home_won"].astype(bool)})
    home, away, _ = walk_forward_asof(table, pre, games, cfg, model)
    finals = players[players["final_team"].astype(bool)]
    with_box = sorted(box["season"].unique())
    lost = []
    for season in seasons:
        fitted = fit_availability(box, games, finals, [s for s in with_box if s < season]) if season > with_box[0] else None
        per_game = lost_after_each_game(box, games, roster, fitted, season).sort_values(["team", "date", "game_id"])
        per_game["next_game"] = per_game.groupby("team")["game_id"].shift(-1)
        lost.append(per_game.dropna(subset=["next_game"]).assign(season=season))
    lost = pd.concat(lost, ignore_index=True).set_index(["next_game", "team"])
    metrics, keep_all = {}, np.zeros(len(rows), bool)
    shifts = {}
    for reading in ("full", "expected"):
        h = lost[f"lost_{reading}"].reindex(pd.MultiIndex.from_arrays([rows["game_id"], rows["home_team"]]))
        a = lost[f"lost_{reading}"].reindex(pd.MultiIndex.from_arrays([rows["game_id"], rows["away_team"]]))
        keep_all |= (h.notna() & a.notna()).to_numpy()
        shifts[reading] = (h.fillna(0.0).to_numpy(), a.fillna(0.0).to_numpy())
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
