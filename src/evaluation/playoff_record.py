"""Players' earlier playoff record as evidence on a team's strength (issue 30 item 3, as a
measured experiment on the as-of series yardstick; not yet an input of the pipeline's models).

For a series of season t starting on date D, each player's playoff plus-minus in the box scores
of seasons before t and of t's games before D (walk-forward), per 48 minutes and shrunk toward 0
by `shrink_minutes` of pseudo-evidence:

    record_i = 48 x sum(plus_minus) / (playoff minutes + shrink_minutes)

The team's record is the minutes-share-weighted sum over its roster (regular-season minutes
shares of the explain stage's table), and the series' as-of margin moves by
`weight x (record_home - record_away)`. (shrink_minutes, weight) are chosen per season on the
series of earlier seasons only (weight 0 in the grid: the record may be left out).
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from src.evaluation.series import outcome_losses
from src.odds.series_likelihood import series_home_win_prob

SHRINK_GRID = (250.0, 500.0, 1000.0)
WEIGHT_GRID = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)


def team_records(box: pd.DataFrame, roster: pd.DataFrame, series: pd.DataFrame,
                 shrink_grid=SHRINK_GRID) -> dict[float, np.ndarray]:
    """shrink -> (n_series, 2) records of the home and away team as of each series' start."""
    played = box[box["reason"].isna() & box["player_id"].notna()][["season", "date", "player_id", "minutes",
                                                                   "plus_minus"]]
    out = {s: np.zeros((len(series), 2)) for s in shrink_grid}
    for i, r in enumerate(series.itertuples(index=False)):
        seen = played[(played["season"] < r.season) | ((played["season"] == r.season) & (played["date"] < r.start))]
        totals = seen.groupby("player_id")[["minutes", "plus_minus"]].sum()
        for j, team in enumerate((r.home_team, r.away_team)):
            squad = roster[(roster["season"] == r.season) & (roster["team"] == team)]
            ev = totals.reindex(squad["player_id"]).fillna(0.0)
            for shrink in shrink_grid:
                rec = 48.0 * ev["plus_minus"].to_numpy() / (ev["minutes"].to_numpy() + shrink)
                out[shrink][i, j] = float(np.dot(squad["minutes_share"].to_numpy(float), rec))
    return out


def walk_forward_record(series: pd.DataFrame, margin: np.ndarray, records: dict[float, np.ndarray],
                        model, weight_grid=WEIGHT_GRID) -> tuple[np.ndarray, list[dict]]:
    """P(home wins) per series with the record, (shrink, weight) chosen per season on earlier ones."""
    y = series["home_won"].to_numpy(bool)
    best_of = series["best_of"].to_numpy(int)
    seasons = series["season"].to_numpy(int)
    probs = {(s, w): series_home_win_prob(margin + w * (records[s][:, 0] - records[s][:, 1]),
                                          np.zeros(len(margin)), best_of, model)
             for s, w in itertools.product(records, weight_grid)}
    loss = {k: outcome_losses(p, y)["log_loss"].to_numpy() for k, p in probs.items()}
    out, choices = np.empty(len(margin)), []
    for season in sorted(set(seasons)):
        earlier = seasons < season
        if earlier.any():
            key = min(loss, key=lambda k: (loss[k][earlier].mean(), k[1], k[0]))
        else:
            key = (next(iter(records)), 0.0)
        rows = seasons == season
        out[rows] = probs[key][rows]
        choices.append({"season": int(season), "shrink_minutes": key[0], "weight": key[1]})
    return out, choices
