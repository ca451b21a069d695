"""The ensemble with its players' earlier playoff record (src/odds/playoff_record.py), judged on
the series as-of and game yardsticks beside the ensemble without it (variant `ensemble_record`).

Series: the as-of probability p_home_asof_ensemble is turned back into the margin it implies,
the record term weight x (record_home - record_away) as of the series' game 1 is added and the
probability recomputed. Games: the term as of the game's morning is added to the game yardstick's
expected margin (src/evaluation/games.py) under the season's chosen update setting.
(shrink_minutes, weight) of season t: the candidate with the lowest mean series as-of log-loss over
every earlier season's series (weight 0 for the first season; ties to the smaller weight); the game
yardstick applies the same choice. A series or game after a playoff game without a box score reads
the record as of that game's morning (src/odds/playoff_record.record_dates), as the forecast does.

Metrics: series_asof[_round1|_rounds2_4].ensemble_record.<metric>, games[_<split>].ensemble_record
.<metric> and bootstrap.<prefix>.ensemble_record_vs_ensemble.log_loss.<stat>.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.evaluation.availability_asof import implied_margin
from src.evaluation.games import METRICS as GAME_METRICS, SPLITS as GAME_SPLITS
from src.evaluation.series import METRICS, outcome_losses, season_bootstrap
from src.evaluation.series_asof import SPLITS as ASOF_SPLITS, asof_column
from src.league.monte_carlo import GameModel, game_win_prob
from src.league.sites import home_edges
from src.odds.playoff_record import (PlayoffRecordConfig, RecordTerm, cumulative_record, first_day_without_box_scores,
                                     record_dates, record_known,
                                     team_records)
from src.odds.playoff_update import UpdateSetting
from src.odds.series_likelihood import series_home_win_prob

BASE = "ensemble"
NAME = "ensemble_record"


@dataclass
class RecordInputs:
    box: pd.DataFrame           # data/interim/playoff_box_scores.parquet
    shares: pd.DataFrame        # src/odds/playoff_record.roster_shares of player_seasons.parquet
    games: pd.DataFrame         # every playoff game of the game file (src/league/series.GAME_COLUMNS)
    cfg: PlayoffRecordConfig


@dataclass
class RecordEvaluation:
    series_p: np.ndarray                 # P(home wins) per as-of series row, with the record
    games_p: np.ndarray | None           # per game of the game yardstick
    metrics: dict[str, float]
    choices: dict[int, dict]             # season -> shrink_minutes, weight (test seasons and the next)
    report: dict


def record_deltas(teams: pd.DataFrame, inputs: RecordInputs, shrinks: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """([rows, shrinks] record_home - record_away, known) for rows (season, date, home_team, away_team);
    known: the record is complete (False: held as of the first game without box scores)."""
    cumulative = cumulative_record(inputs.box)
    held = teams.assign(date=record_dates(teams["date"], first_day_without_box_scores(inputs.games, inputs.box))
                        .to_numpy())
    sides = [team_records(held.rename(columns={f"{side}_team": "team"}), inputs.shares, cumulative, shrinks)
             for side in ("home", "away")]
    known = record_known(teams["season"].to_numpy(int), teams["date"], inputs.games, inputs.box)
    return sides[0] - sides[1], known


def choose(losses: dict[tuple[float, float], np.ndarray], seasons: np.ndarray, season: int,
           candidates: list[tuple[float, float]]) -> tuple[float, float]:
    """The (shrink, weight) of `season`: lowest mean loss over rows of seasons < season."""
    earlier = seasons < season
    if not earlier.any():
        return candidates[0][0], 0.0
    return min(candidates, key=lambda c: (float(losses[c][earlier].mean()), c[1], c[0]))


def evaluate_record(series: pd.DataFrame, p_asof: np.ndarray, inputs: RecordInputs, model: GameModel,
                    boot: dict, next_season: int, games: pd.DataFrame | None = None,
                    game_margin: np.ndarray | None = None, game_p: np.ndarray | None = None,
                    chosen: dict[int, UpdateSetting] | None = None) -> RecordEvaluation:
    """series: the as-of yardstick's series (with `start`, `home_won`) and p_asof their as-of
    ensemble probabilities; games/game_margin/game_p/chosen: the game yardstick's games, the
    ensemble's expected margin and probability, and its update setting per season."""
    cfg, candidates = inputs.cfg, inputs.cfg.candidates()
    shrinks = [float(s) for s in cfg.shrink_minutes_grid]
    in_window = series["start"].notna().to_numpy()
    rows = series[in_window].rename(columns={"start": "date"})
    delta, known = record_deltas(rows, inputs, shrinks)
    best_of, y = rows["best_of"].to_numpy(int), rows["home_won"].to_numpy(bool)
    edges = home_edges(rows["season"])
    margin = implied_margin(p_asof[in_window], best_of, model, edges)
    probs = {c: series_home_win_prob(margin + c[1] * delta[:, shrinks.index(c[0])], np.zeros(len(rows)),
                                     best_of, model, edges) for c in candidates}
    losses = {c: outcome_losses(p, y)["log_loss"].to_numpy() for c, p in probs.items()}
    seasons = rows["season"].to_numpy(int)
    choices = {int(s): choose(losses, seasons, int(s), candidates) for s in sorted(set(seasons))}
    choices[next_season] = choose(losses, seasons, next_season, candidates)
    p_rec = np.array(p_asof, float)
    picked = np.array([probs[choices[s]][i] for i, s in enumerate(seasons)])
    p_rec[in_window] = picked
    metrics = _series_metrics(series, p_asof, p_rec, in_window, boot)
    games_p = None
    if games is not None and game_margin is not None and chosen:
        games_p, game_known = _game_probs(games, game_margin, inputs, choices, chosen, model, shrinks)
        metrics.update(_game_metrics(games, game_p, games_p, boot))
    report = {"chosen_on": "mean series as-of log-loss of every earlier season's series",
              "choices": [{"season": s, "shrink_minutes": c[0], "weight": c[1]} for s, c in choices.items()],
              "series_with_record": _coverage(seasons, known)}
    if games_p is not None:
        report["games_with_record"] = _coverage(games["season"].to_numpy(int), game_known)
    return RecordEvaluation(p_rec, games_p, metrics, {s: {"shrink_minutes": c[0], "weight": c[1]}
                                                      for s, c in choices.items()}, report)


def _game_probs(games, margin, inputs, choices, chosen, model, shrinks) -> tuple[np.ndarray, np.ndarray]:
    delta, known = record_deltas(games[["season", "date", "home_team", "away_team"]], inputs, shrinks)
    seasons = games["season"].to_numpy(int)
    col = np.array([shrinks.index(choices[s][0]) for s in seasons])
    weight = np.array([choices[s][1] for s in seasons])
    noise = np.array([chosen[s].game_model(model).scale for s in seasons])
    moved = margin + weight * delta[np.arange(len(games)), col]
    # each season's own game noise, as src/odds/game_asof.game_forecast divides by it
    return game_win_prob(moved / noise * model.scale, model), known


def _coverage(seasons: np.ndarray, known: np.ndarray) -> dict[str, dict[str, int]]:
    return {str(int(s)): {"n": int((seasons == s).sum()), "with_record": int(known[seasons == s].sum())}
            for s in sorted(set(seasons.tolist()))}


def _series_metrics(series, p_base, p_rec, in_window, boot) -> dict[str, float]:
    y = series["home_won"].to_numpy(bool)
    base = outcome_losses(p_base, y).assign(season=series["season"].to_numpy())
    cand = outcome_losses(p_rec, y).assign(season=series["season"].to_numpy())
    out: dict[str, float] = {}
    for prefix, rounds in ASOF_SPLITS.items():
        keep = in_window & (np.isin(series["round"].to_numpy(), rounds) if rounds else True)
        out.update({f"{prefix}.{NAME}.{m}": float(cand.loc[keep, m].mean()) for m in METRICS})
        out[f"{prefix}.{NAME}.n"] = int(keep.sum())
        stats = season_bootstrap(cand[keep], base[keep], "log_loss", **boot)
        out.update({f"bootstrap.{prefix}.{NAME}_vs_{BASE}.log_loss.{k}": v for k, v in stats.items()})
    return out


def _game_metrics(games, p_base, p_rec, boot) -> dict[str, float]:
    y = games["home_won"].to_numpy(bool)
    base = outcome_losses(p_base, y).assign(season=games["season"].to_numpy())
    cand = outcome_losses(p_rec, y).assign(season=games["season"].to_numpy())
    out: dict[str, float] = {}
    for prefix, split in GAME_SPLITS.items():
        keep = split(games)
        if not keep.any():
            continue
        out.update({f"{prefix}.{NAME}.{m}": float(cand.loc[keep, m].mean())
                    for m in GAME_METRICS if m in cand.columns})
        out[f"{prefix}.{NAME}.n"] = int(keep.sum())
        stats = season_bootstrap(cand[keep], base[keep], "log_loss", **boot)
        out.update({f"bootstrap.{prefix}.{NAME}_vs_{BASE}.log_loss.{k}": v for k, v in stats.items()})
    return out


@dataclass(frozen=True)
class MorningRecords:
    """A season's RecordTerm.at for every morning asked in advance, from one team_records call
    (the daily title odds ask 16 teams on each of ~45 mornings a season): the same numbers."""
    values: pd.DataFrame        # index: morning, columns: team; points added to the strength

    @classmethod
    def of(cls, term: RecordTerm, teams: list[str], mornings: list[pd.Timestamp]) -> "MorningRecords":
        queries = pd.DataFrame([(term.season, t, m) for m in mornings for t in teams], columns=["season", "team", "date"])
        queries["date"] = record_dates(queries["date"], term.known_until).to_numpy()
        rec = team_records(queries, term.shares, term.cumulative, [term.shrink_minutes])[:, 0]
        values = (term.weight * rec).reshape(len(mornings), len(teams))
        return cls(pd.DataFrame(values, index=pd.DatetimeIndex(mornings), columns=list(teams)))

    def at(self, teams: list[str], morning: pd.Timestamp) -> pd.Series:
        """team -> points as of `morning` (a morning or a team not asked in advance is an error)."""
        return self.values.loc[pd.Timestamp(morning), list(teams)].rename(None)


def record_terms(inputs: RecordInputs, choices: dict[int, dict], games: pd.DataFrame) -> dict[int, MorningRecords]:
    """season -> the record term the forecast would add that season (its walk-forward choice of
    shrink and weight, src/odds/playoff_record.RecordTerm) on each morning with a playoff game of
    `games`: what the daily title odds of `ensemble_record` add each morning."""
    out = {}
    for season, played in games.groupby("season"):
        if int(season) not in choices:
            continue
        term = RecordTerm.of(int(season), inputs.box, inputs.games, inputs.shares, choices[int(season)])
        teams = sorted(set(played["home_team"]) | set(played["away_team"]))
        out[int(season)] = MorningRecords.of(term, teams, [pd.Timestamp(d) for d in sorted(played["date"].unique())])
    return out


def series_column() -> str:
    return asof_column(NAME)
