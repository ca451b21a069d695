"""A small hand-made league for the team-feature / Model B / stacking tests.

Each team-season has a latent strength; regular-season stats follow it with noise, and the
final order (post_playoff_rank) sorts teams by strength plus noise. Columns follow
docs/contracts.md for team_seasons and player_seasons (only the ones these stages read,
plus the outcome columns the leakage tests perturb).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

RELEVANCE_BY_RANK = [5, 4, 3, 3, 2, 2, 2, 2]   # ranks 1..8; ranks 9..16 -> 1, rest -> 0


# The ridge stacker's config keys beyond models/alphas/target (stacking.objective: order).
ORDER_STACKER = dict(objective="order", penalties=[0.0], selection_seasons=4, min_fit_seasons=3,
                     select_models=True, scalings=["season"])


def make_team_seasons(seasons=range(2000, 2012), n_teams: int = 12, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for season in seasons:
        strength = rng.normal(0, 5, n_teams)
        final = strength + rng.normal(0, 2, n_teams)
        order = np.argsort(-final)
        rank = np.empty(n_teams, int)
        rank[order] = np.arange(1, n_teams + 1)
        for i in range(n_teams):
            pace = 90 + rng.normal(0, 3)
            mov = strength[i] + rng.normal(0, 1)
            sos = rng.normal(0, 1)
            o_rtg = 105 + season * 0.1 - 2000 * 0.1 + mov / 2 + rng.normal(0, 1)
            wins = int(np.clip(41 + 2.7 * mov, 5, 77))
            rel = RELEVANCE_BY_RANK[rank[i] - 1] if rank[i] <= 8 else (1 if rank[i] <= n_teams // 2 + 4 else 0)
            rows.append({
                "season": season, "team": f"T{i:02d}", "team_name": f"Team {i}", "conference": "EW"[i % 2],
                "division_finish": pd.NA, "g": 82, "wins": wins, "losses": 82 - wins, "win_pct": wins / 82,
                "srs": mov + sos, "sos": sos, "mov": mov, "o_rtg": o_rtg, "d_rtg": o_rtg - mov * 100 / pace,
                "n_rtg": mov * 100 / pace, "pace": pace, "age": 26 + rng.normal(0, 1.5),
                "e_fg_percent": 0.5 + rng.normal(0, 0.02), "tov_percent": 13 + rng.normal(0, 1),
                "orb_percent": 25 + rng.normal(0, 2), "ft_fga": 0.2 + rng.normal(0, 0.02),
                "opp_e_fg_percent": 0.5 + rng.normal(0, 0.02), "opp_tov_percent": 13 + rng.normal(0, 1),
                "drb_percent": 75 + rng.normal(0, 2), "opp_ft_fga": 0.2 + rng.normal(0, 0.02),
                "made_playoffs": bool(rank[i] <= 8), "outcome_known": True,
                "series_won": max(rel - 1, 0), "champion": bool(rank[i] == 1),
                "post_playoff_rank": int(rank[i]), "relevance": int(rel)})
    frame = pd.DataFrame(rows)
    for col in ["division_finish", "series_won", "post_playoff_rank", "relevance"]:
        frame[col] = frame[col].astype("Int64")
    frame["made_playoffs"] = frame["made_playoffs"].astype("boolean")
    frame["champion"] = frame["champion"].astype("boolean")
    return frame


def make_player_seasons(team_seasons: pd.DataFrame, per_team: int = 8, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for t in team_seasons.itertuples():
        for j in range(per_team):
            rows.append({"season": t.season, "player_id": f"{t.team.lower()}{j:02d}01",
                         "player": f"P {t.team} {j}", "team": t.team, "age": 25, "pos": "SF",
                         "experience": 3, "g": 70, "gs": 40, "mp": float(2500 - 250 * j + rng.integers(0, 100)),
                         "all_star": bool(j == 0 and t.mov > 4),
                         "on_court_plus_minus_per_100_poss": t.mov + rng.normal(0, 3),
                         "net_plus_minus_per_100_poss": t.mov / 2 + rng.normal(0, 3)})
    return pd.DataFrame(rows)


def fake_model_a_scores(team_seasons: pd.DataFrame, seasons_cfg, seed: int = 3) -> pd.DataFrame:
    """oof_model_a.parquet-shaped rows from the shared splits; score = mov + noise."""
    from src.splits import all_splits
    rng = np.random.default_rng(seed)
    parts = []
    for split in all_splits(seasons_cfg):
        rows = team_seasons.loc[team_seasons["season"].isin(split.predict_seasons), ["season", "team", "mov"]]
        parts.append(pd.DataFrame({
            "season": rows["season"], "team": rows["team"], "split": split.kind, "fold": split.fold,
            "max_train_season": split.max_train_season,
            "score_model_a": rows["mov"].to_numpy() + rng.normal(0, 2, len(rows))}))
    return pd.concat(parts, ignore_index=True)
