"""The as-of yardstick: every series of the seasons with playoff games in the data, forecast at
its start with every playoff game before its game 1 (src/odds/playoff_update.py), beside
the pre-playoff forecast of the same series; and the title log-loss as of the start of each round
(the bracket as it stood then: decided series fixed, series in progress from their score).

Columns `p_home_asof_<name>` of data/processed/series_predictions.parquet; a season without
playoff games in the data keeps its pre-playoff probability there (nothing to learn from) and is
not in the as-of metrics. Metrics (flat keys): series_asof[_round1|_rounds2_4].<name>.<metric>
with <name> the as-of forecast and <name>_preplayoff the pre-playoff one, a paired season
bootstrap of each model's as-of forecast against its pre-playoff one and against the as-of
baselines, and title_asof.<name>.round<r>.log_loss.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from src.evaluation.series import METRICS, SERIES_BASELINES, outcome_losses, season_bootstrap
from src.odds.playoff_update import PlayoffUpdateConfig, UpdateSetting, strength_deltas, walk_forward_asof
from src.odds.title_odds import SeasonInputs
from src.league.bracket import Bracket
from src.league.series import with_starts
from src.league.monte_carlo import GameModel, N_ROUNDS, exact_bracket_probs
from src.league.sites import at_site, home_edges
from src.league.state import bracket_state, state_matrices
from src.odds.series_likelihood import PROB_FLOOR, series_home_win_prob
from src.utils.parallel import fan_out, local_jobs

PRE = "_preplayoff"
SPLITS = {"series_asof": None, "series_asof_round1": [1], "series_asof_rounds2_4": [2, 3, 4]}
GAMES_FILE = "play_off_totals_2010_2024.csv"     # where the games of a bracket state come from (its errors name it)


def asof_column(name: str) -> str:
    return f"p_home_asof_{name}"


@dataclass
class AsOfEvaluation:
    columns: dict[str, np.ndarray]      # asof_column(name) -> P(home wins), one per series
    metrics: dict[str, float]
    report: dict


def evaluate_asof(usable: pd.DataFrame, points: dict[str, pd.Series], games: pd.DataFrame | None,
                  inputs: SeasonInputs, cfg: PlayoffUpdateConfig, model: GameModel, boot: dict,
                  chosen: dict[str, dict[int, UpdateSetting]] | None = None) -> AsOfEvaluation:
    """usable: the yardstick's series (COLUMNS of src/league/series.py) in prediction order;
    chosen: model -> season -> the update's setting chosen walk-forward (src/odds/game_asof.
    choose_setting: the reaction to earlier series by the series as-of log-loss, the weight of a
    series in progress by the game log-loss)
    (src/evaluation/games.py; None: chosen here on earlier seasons' as-of series log-loss)."""
    series = with_starts(usable, games)
    played = games if games is not None else pd.DataFrame(columns=["season", "date"])
    columns, choices, losses = {}, {}, {}
    # one task per model (pure functions of their arguments: the same bytes on any backend)
    walks = fan_out(walk_forward_asof, [(series, pre, played, cfg, model, None if chosen is None else chosen[name])
                                        for name, pre in points.items()],
                    n_jobs=local_jobs(), desc="as-of yardstick", labels=list(points))
    edges = home_edges(series["season"])
    for (name, pre), (home, away, choices[name]) in zip(points.items(), walks):
        p_asof = series_home_win_prob(home, away, series["best_of"].to_numpy(int), model, edges)
        columns[asof_column(name)] = p_asof
        h0, a0 = _pre_pair(series, pre)
        p_pre = series_home_win_prob(h0, a0, series["best_of"].to_numpy(int), model, edges)
        for tag, p in ((name, p_asof), (name + PRE, p_pre)):
            losses[tag] = outcome_losses(p, series["home_won"].to_numpy()).assign(
                season=series["season"].to_numpy(), round=series["round"].to_numpy())
    in_window = series["start"].notna().to_numpy()
    seasons = sorted(int(s) for s in series.loc[in_window, "season"].unique())
    metrics = _asof_metrics(losses, in_window, list(points), boot)
    settings = {n: {c["season"]: _setting(c) for c in choices[n]} for n in points}
    metrics.update(title_asof(points, played, inputs, seasons, settings, model))
    if seasons:
        metrics.update({"window.series_asof.first_season": seasons[0],
                        "window.series_asof.last_season": seasons[-1]})
    return AsOfEvaluation(columns, metrics, {"settings": choices, "seasons": seasons})


def _setting(choice: dict) -> UpdateSetting:
    return UpdateSetting(**{f.name: choice[f.name] for f in fields(UpdateSetting)})


def _pre_pair(series: pd.DataFrame, pre: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    h = pd.MultiIndex.from_arrays([series["season"], series["home_team"]])
    a = pd.MultiIndex.from_arrays([series["season"], series["away_team"]])
    return pre.loc[h].to_numpy(float), pre.loc[a].to_numpy(float)


def _asof_metrics(losses: dict[str, pd.DataFrame], in_window: np.ndarray, models: list[str],
                  boot: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    for prefix, rounds in SPLITS.items():
        keep = in_window & (np.isin(next(iter(losses.values()))["round"], rounds) if rounds else True)
        for tag, rows in losses.items():
            out.update({f"{prefix}.{tag}.{m}": float(rows.loc[keep, m].mean()) for m in METRICS})
            out[f"{prefix}.{tag}.n"] = int(keep.sum())
        for cand in (m for m in models if m not in SERIES_BASELINES):
            for base in (cand + PRE, *SERIES_BASELINES):
                stats = season_bootstrap(losses[cand][keep], losses[base][keep], "log_loss", **boot)
                out.update({f"bootstrap.{prefix}.{cand}_vs_{base}.log_loss.{k}": v for k, v in stats.items()})
    return out


def title_asof(points: dict[str, pd.Series], games: pd.DataFrame, inputs: SeasonInputs,
               seasons: list[int], settings: dict[str, dict[int, UpdateSetting]],
               model: GameModel) -> dict[str, float]:
    """title_asof.<name>.round<r>.log_loss: -log P(champion) as of round r's first game."""
    out: dict[str, float] = {}
    for name, pre in points.items():
        per_round: dict[int, list[float]] = {r: [] for r in range(1, N_ROUNDS + 1)}
        for season in seasons:
            season_games = games[games["season"] == season]
            bracket = inputs.brackets[season]
            champion = bracket.teams.index(inputs.champions[season])
            for r, start in round_starts(season_games).items():
                p = title_odds_asof(pre.loc[season], season_games[season_games["date"] < start],
                                    bracket, settings[name][season], model)
                per_round[r].append(-np.log(max(p[champion], PROB_FLOOR)))
        for r, values in per_round.items():
            if values:
                out[f"title_asof.{name}.round{r}.log_loss"] = float(np.mean(values))
    return out


def round_starts(season_games: pd.DataFrame) -> dict[int, pd.Timestamp]:
    """Round -> date of its first game (the game file's round digit)."""
    return {int(r): d for r, d in season_games.groupby("round")["date"].min().items()}


def title_odds_asof(pre: pd.Series, before: pd.DataFrame, bracket: Bracket, setting: UpdateSetting,
                    model: GameModel, shifts: np.ndarray | None = None,
                    dampings: list[float] | None = None) -> np.ndarray:
    """P(title) per bracket slot given the games in `before` (exact, from the bracket state);
    `shifts` [k, slots]: points added after the update (the players' playoff record of
    src/evaluation/record_asof.py, as the forecast adds it), one row per variant, the update and
    the bracket state shared: then [k, slots] probabilities. `dampings` (one per row of `shifts`):
    that row's strengths are pre + d x (updated - pre) + shift (src/odds/title_damping.py; 1: as
    updated)."""
    delta = strength_deltas(before, pre, setting, model)
    model = at_site(model, bracket.season)        # the season's series and title odds
    strength = np.array([pre[t] + delta.get(t, 0.0) for t in bracket.teams])
    states = bracket_state(bracket, before, GAMES_FILE)
    rows = [strength] if shifts is None else [strength + shift for shift in np.atleast_2d(shifts)]
    if dampings is not None:
        base = np.array([pre[t] for t in bracket.teams], float)
        moved = np.array([delta.get(t, 0.0) for t in bracket.teams], float)
        extra = np.zeros((len(rows), len(base))) if shifts is None else np.atleast_2d(shifts)
        rows = [row if d == 1.0 else base + d * moved + shift for row, d, shift in zip(rows, dampings, extra)]
    probs = [exact_bracket_probs(s, bracket.home_priority, model,
                                 matrices=state_matrices(s, bracket, model, states))[:, -1] for s in rows]
    return probs[0] if shifts is None else np.stack(probs)
