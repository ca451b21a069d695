"""Linear level-1 signals: regular-season ratings the series stacker may blend with the models.

Tree scores saturate: a team far above every training team gets the score of a merely very good
one (2025: OKC, SRS +12.7, ranked behind CLE). A rating that is linear in the team's margin keeps
a dominant team's distance, so a blend of it with the trees extrapolates. Each signal of season t
is a function of season t's regular-season team features only (data/processed/team_features.parquet,
stage sos_features); nothing is fitted, so a signal has no training seasons and cannot leak.

* srs: Basketball-Reference's simple rating system, points per game over an average team;
* win_pct: win% as points, `scale * probit(win%)`: the margin that wins that share of games
  under the simulator's normal game model (schedule ignored);
* net_rating: net rating per 100 possessions, adjusted for the opponents' strength.
Whether a signal enters is the nested rule's choice (src/models/stacker/series.py), season by
season, on earlier seasons' series only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from src.artifacts import TEAM_FEATURES
from src.errors import DataError
from src.models.stacker.config import SIGNAL_SOURCES
from src.training.level1 import join_to_level1

FEATURES_FILE = TEAM_FEATURES.path   # named in its errors
# win% kept off 0 and 1 before the probit (no NBA season reaches them; a short synthetic one may)
WIN_PCT_CLIP = (0.01, 0.99)


def signal_scores(features: pd.DataFrame, names: list[str], scale: float) -> pd.DataFrame:
    """season, team + score_<signal> for every name; a team without the feature is an error."""
    out = features[["season", "team"]].copy()
    for name in names:
        column = SIGNAL_SOURCES.get(name)
        if column is None:
            raise DataError(f"unknown level-1 signal {name!r} (known: {', '.join(SIGNAL_SOURCES)})")
        if column not in features.columns:
            raise DataError(f"{FEATURES_FILE}: missing column {column} (signal {name!r}); enable the "
                            "feature group that builds it or drop the signal from stacking.signals")
        values = features[column].astype(float)
        if values.isna().any():
            row = features.loc[values.isna()].iloc[0]
            raise DataError(f"{FEATURES_FILE}: column {column} is null for season={row['season']} "
                            f"team={row['team']} (signal {name!r})")
        if name == "win_pct":
            values = scale * norm.ppf(np.clip(values, *WIN_PCT_CLIP))
        out[f"score_{name}"] = np.asarray(values, float)
    return out


def with_signals(level1: pd.DataFrame, features: pd.DataFrame, names: list[str], scale: float) -> pd.DataFrame:
    """level1 rows with the signals' columns joined on (season, team); every row must get them."""
    if not names:
        return level1
    scores = signal_scores(features, names, scale)
    columns = [c for c in scores.columns if c.startswith("score_")]
    return join_to_level1(level1, scores, columns,
                          f"{FEATURES_FILE}: no row for season={{season}} team={{team}}, which a "
                          "level-1 model scored (signals need every stacked team)")
