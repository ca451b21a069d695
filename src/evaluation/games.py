"""The game yardstick: every playoff game of the test window forecast as of the morning of its day.

A game on day D of season t is forecast from the pre-playoff strengths of season t (fitted on
seasons < t) updated by every playoff game of season t played before D (earlier games of the same
series included; nothing of day D or later): src/inference/playoff_update.py's ridge update, one
design per (season, day) solved for every candidate setting at once. P(home wins) =
link((s_home - s_away + home court) / game noise) and the expected home margin
s_home - s_away + home court, with the setting's home court and game noise.

The update's settings (prior sd, margin cap, home court, game noise) are chosen per model and test
season t by this yardstick: the candidate with the lowest mean game log-loss over the last
`playoff_update.validation_seasons` seasons before t with games (the default where none); the
series as-of yardstick (src/evaluation/series_asof.py) then uses the same choice.

Metrics (flat keys): games[_round1|_rounds2_4|_game1|_games2_7].<name>.{log_loss, brier,
accuracy, margin_mae, n} and a paired season bootstrap of every model against the SRS and win%
baselines on log-loss and Brier (games_preplayoff.*, the same games without the update and with
the simulator's game model, come from src/evaluation/series.py).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from src.evaluation.series import SERIES_BASELINES, outcome_losses, season_bootstrap
from src.inference.playoff_update import PlayoffUpdateConfig, UpdateSetting
from src.league.monte_carlo import GameModel, game_win_prob

SPLITS = {"games": lambda g: np.ones(len(g), bool),
          "games_round1": lambda g: g["round"].to_numpy() == 1,
          "games_rounds2_4": lambda g: g["round"].to_numpy() >= 2,
          "games_game1": lambda g: g["game"].to_numpy() == 1,
          "games_games2_7": lambda g: g["game"].to_numpy() >= 2}
METRICS = ("log_loss", "brier", "accuracy", "margin_mae")
KEY_COLUMNS = ["season", "date", "game_id", "round", "game", "home_team", "away_team"]


def p_column(name: str) -> str:
    return f"p_home_{name}"


def margin_column(name: str) -> str:
    return f"margin_home_{name}"


@dataclass(frozen=True)
class CandidateGrid:
    """The candidates as arrays: deltas depend on (cap, home court) through the residual and on
    (noise, prior sd) through the ridge; a game's probability on (home court, noise)."""
    settings: list[UpdateSetting]
    cap: np.ndarray
    home_court: np.ndarray
    noise: np.ndarray
    ridge: np.ndarray        # (noise / prior sd)^2; inf where prior sd is 0 (no update)
    weight: np.ndarray       # weight of a game of a series still in progress

    @classmethod
    def of(cls, settings: list[UpdateSetting], model: GameModel) -> "CandidateGrid":
        games = [s.game_model(model) for s in settings]
        noise = np.array([g.scale for g in games])
        sd = np.array([s.prior_sd for s in settings], float)
        with np.errstate(divide="ignore"):
            ridge = np.where(sd > 0, (noise / np.where(sd > 0, sd, 1.0)) ** 2, np.inf)
        return cls(settings, np.array([s.margin_cap for s in settings], float),
                   np.array([g.home_court for g in games]), noise, ridge,
                   np.array([s.series_weight for s in settings], float))

    def deltas(self, x: np.ndarray, diff: np.ndarray, margin: np.ndarray,
               in_progress: np.ndarray) -> np.ndarray:
        """[candidates, teams] posterior mean deltas of the ridge update (the solve of
        src/inference/playoff_update.GamesEvidence.deltas) for games with design `x` [games,
        teams], pre-playoff strength difference `diff`, margin and whether their series is in
        progress: one eigendecomposition of X'WX per series weight serves every candidate. A team
        without a game has a zero column, so delta 0."""
        out = np.empty((len(self.settings), x.shape[1]))
        for w in np.unique(self.weight):
            pick = self.weight == w
            root_w = np.where(in_progress, np.sqrt(w), 1.0)
            xw = x * root_w[:, None]
            lam, vec = np.linalg.eigh(xw.T @ xw)
            # X'W r by parts: the capped margins (one per cap), the strength difference, home court
            caps, cap_of = np.unique(self.cap[pick], return_inverse=True)
            by_cap = (np.clip(margin[None, :], -caps[:, None], caps[:, None]) * root_w) @ xw
            projected = (by_cap[cap_of] - (diff * root_w) @ xw
                         - self.home_court[pick, None] * (root_w @ xw)[None, :]) @ vec   # [cand, teams]
            ridge = self.ridge[pick, None]
            no_update = np.isinf(ridge)
            scaled = np.where(no_update, 0.0, projected / (lam[None, :] + np.where(no_update, 1.0, ridge)))
            out[pick] = scaled @ vec.T
        return out


def asof_game_strengths(games: pd.DataFrame, pre: pd.Series, grid: CandidateGrid
                        ) -> tuple[np.ndarray, np.ndarray]:
    """[candidates, games] home and away strengths of every game of `games` (sorted by season and
    date) as of the morning of its day: pre-playoff points `pre` (indexed by season, team) plus the
    deltas from the season's games before that day (one solve per season and day)."""
    home = np.empty((len(grid.settings), len(games)))
    away = np.empty_like(home)
    seasons = games["season"].to_numpy(int)
    for season in np.unique(seasons):
        rows = np.flatnonzero(seasons == season)
        played = games.iloc[rows]
        teams = sorted(set(played["home_team"]) | set(played["away_team"]))
        col = {t: i for i, t in enumerate(teams)}
        h_idx = np.array([col[t] for t in played["home_team"]])
        a_idx = np.array([col[t] for t in played["away_team"]])
        strength = pre.loc[int(season)].loc[teams].to_numpy(float)
        x = np.zeros((len(rows), len(teams)))
        x[np.arange(len(rows)), h_idx], x[np.arange(len(rows)), a_idx] = 1.0, -1.0
        diff = strength[h_idx] - strength[a_idx]
        margin = (played["home_pts"] - played["away_pts"]).to_numpy(float)
        dates = played["date"].to_numpy()
        pair = np.minimum(h_idx, a_idx) * len(teams) + np.maximum(h_idx, a_idx)
        won = np.where(margin > 0, h_idx, a_idx)
        for day in np.unique(dates):
            today = np.flatnonzero(dates == day)
            before = dates < day
            delta = (grid.deltas(x[before], diff[before], margin[before],
                                 _in_progress(pair[before], won[before], len(teams))) if before.any()
                     else np.zeros((len(grid.settings), len(teams))))
            level = strength[None, :] + delta
            home[:, rows[today]] = level[:, h_idx[today]]
            away[:, rows[today]] = level[:, a_idx[today]]
    return home, away


def _in_progress(pair: np.ndarray, won: np.ndarray, n_teams: int, wins_needed: int = 4) -> np.ndarray:
    """src/inference/playoff_update.series_in_progress on integer codes (pair, winner's column)."""
    wins = np.bincount(pair * n_teams + won, minlength=n_teams ** 3).reshape(n_teams ** 2, n_teams)
    return wins.max(axis=1)[pair] < wins_needed


def game_forecast(home: np.ndarray, away: np.ndarray, grid: CandidateGrid,
                  model: GameModel) -> tuple[np.ndarray, np.ndarray]:
    """[candidates, games] P(home wins) and expected home margin."""
    margin = home - away + grid.home_court[:, None]
    # each candidate's own noise: game_win_prob divides by the simulator's scale
    return game_win_prob(margin / grid.noise[:, None] * model.scale, model), margin


@dataclass
class GameWalkForward:
    p_home: np.ndarray                       # [games] under the season's chosen setting
    margin: np.ndarray
    chosen: dict[int, UpdateSetting]         # season -> setting
    choices: list[dict]                      # report: setting and validation seasons per season


def walk_forward_games(games: pd.DataFrame, pre: pd.Series, cfg: PlayoffUpdateConfig,
                       model: GameModel) -> GameWalkForward:
    """Every game's as-of forecast under the setting chosen for its season on earlier seasons'
    game log-loss (src/inference/playoff_update.chosen_setting over per-game losses)."""
    settings = [*cfg.candidates, cfg.default]
    grid = CandidateGrid.of(settings, model)
    home, away = asof_game_strengths(games, pre, grid)
    p, margin = game_forecast(home, away, grid, model)
    won = games["home_won"].to_numpy(bool)
    nll = -np.log(np.clip(np.where(won[None, :], p, 1 - p), 1e-12, None))[:-1]
    seasons = games["season"].to_numpy(int)
    order = sorted(set(seasons.tolist()))
    sums = np.stack([nll[:, seasons == s].sum(axis=1) for s in order])        # [seasons, candidates]
    counts = np.array([(seasons == s).sum() for s in order])
    p_out, margin_out = np.empty(len(games)), np.empty(len(games))
    chosen, choices = {}, []
    for i, season in enumerate(order):
        window = order[max(0, i - cfg.validation_seasons):i]
        # lowest mean game log-loss over the window's games (the first candidate on a tie), as
        # src/inference/playoff_update.chosen_setting chooses on the series
        k = (int(np.argmin(sums[i - len(window):i].sum(axis=0) / counts[i - len(window):i].sum()))
             if window else len(settings) - 1)
        setting = settings[k]
        rows = seasons == season
        p_out[rows], margin_out[rows] = p[k, rows], margin[k, rows]
        chosen[season] = setting
        choices.append({"season": season, **asdict(setting), "validation_seasons": window})
    return GameWalkForward(p_out, margin_out, chosen, choices)


@dataclass
class GameEvaluation:
    predictions: pd.DataFrame                # data/processed/game_predictions.parquet
    metrics: dict[str, float]
    chosen: dict[str, dict[int, UpdateSetting]]   # model -> season -> setting
    report: dict


def evaluate_games(games: pd.DataFrame, points: dict[str, pd.Series], cfg: PlayoffUpdateConfig,
                   model: GameModel, boot: dict) -> GameEvaluation:
    """`games`: the test window's playoff games (src/league/series.py GAME_COLUMNS); `points`:
    name -> pre-playoff strength (season, team) of every model and baseline."""
    games = games.sort_values(["season", "date", "game_id"], kind="stable").reset_index(drop=True)
    out = games[KEY_COLUMNS].copy()
    chosen, choices, losses = {}, {}, {}
    truth = games["home_won"].to_numpy(bool)
    actual = (games["home_pts"] - games["away_pts"]).to_numpy(float)
    for name, pre in points.items():
        walk = walk_forward_games(games, pre, cfg, model)
        out[p_column(name)], out[margin_column(name)] = walk.p_home, walk.margin
        chosen[name], choices[name] = walk.chosen, walk.choices
        losses[name] = _losses(walk.p_home, walk.margin, truth, actual, games)
    out["home_won"], out["margin"] = truth, actual.astype(int)
    metrics = game_metrics(losses, games, boot)
    seasons = sorted(set(games["season"].astype(int)))
    if seasons:
        metrics.update({"window.games.first_season": seasons[0], "window.games.last_season": seasons[-1]})
    return GameEvaluation(out, metrics, chosen, {"settings": choices, "seasons": seasons})


def _losses(p: np.ndarray, margin: np.ndarray, won: np.ndarray, actual: np.ndarray,
            games: pd.DataFrame) -> pd.DataFrame:
    rows = outcome_losses(p, won)
    rows["margin_mae"] = np.abs(margin - actual)
    rows.insert(0, "season", games["season"].to_numpy(int))
    return rows


def game_metrics(losses: dict[str, pd.DataFrame], games: pd.DataFrame, boot: dict) -> dict[str, float]:
    """Pooled metrics per split and model; bootstrap of each model against the SRS and win%
    baselines (log-loss, Brier), seasons resampled whole."""
    out: dict[str, float] = {}
    for prefix, split in SPLITS.items():
        keep = split(games)
        if not keep.any():
            continue                   # e.g. a window without a later round: no key, never a NaN
        for name, rows in losses.items():
            out.update({f"{prefix}.{name}.{m}": float(rows.loc[keep, m].mean()) for m in METRICS})
            out[f"{prefix}.{name}.n"] = int(keep.sum())
        for cand in (n for n in losses if n not in SERIES_BASELINES):
            for base in (b for b in SERIES_BASELINES if b in losses):
                for metric in ("log_loss", "brier"):
                    stats = season_bootstrap(losses[cand][keep], losses[base][keep], metric, **boot)
                    out.update({f"bootstrap.{prefix}.{cand}_vs_{base}.{metric}.{k}": v
                                for k, v in stats.items()})
    return out
