"""Every playoff game forecast as of the morning of its day, for every candidate setting of the
playoff update at once, and the walk-forward choice of the setting by those games' log-loss.

A game on day D of season t is forecast from the pre-playoff strengths of season t updated by every
playoff game of season t played before D (earlier games of the same series included; nothing of day
D or later): src/odds/playoff_update.py's ridge update, one design per (season, day) solved
for every candidate at once. P(home wins) = link((s_home - s_away + home court) / game noise) and
the expected home margin s_home - s_away + home court, with the setting's home court and noise.

The setting of season t (prior sd, margin cap, home court, game noise, weight of a series in
progress) is the candidate with the lowest mean game log-loss over the games of the last
`playoff_update.validation_seasons` seasons before t that have games (the default where none).
The evaluate stage judges it (src/evaluation/games.py); a forecast uses the same choice.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from src.odds.playoff_update import PlayoffUpdateConfig, UpdateSetting
from src.league.monte_carlo import GameModel, game_win_prob


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
        src/odds/playoff_update.GamesEvidence.deltas) for games with design `x` [games,
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
    """src/odds/playoff_update.series_in_progress on integer codes (pair, winner's column)."""
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
    game log-loss (src/odds/playoff_update.chosen_setting over per-game losses)."""
    settings = [*cfg.candidates, cfg.default]
    p, margin, nll = _candidate_forecasts(games, pre, settings, model)
    seasons = games["season"].to_numpy(int)
    order = sorted(set(seasons.tolist()))
    sums = np.stack([nll[:, seasons == s].sum(axis=1) for s in order])        # [seasons, candidates]
    counts = np.array([(seasons == s).sum() for s in order])
    p_out, margin_out = np.empty(len(games)), np.empty(len(games))
    chosen, choices = {}, []
    for i, season in enumerate(order):
        window = order[max(0, i - cfg.validation_seasons):i]
        # lowest mean game log-loss over the window's games (the first candidate on a tie), as
        # src/odds/playoff_update.chosen_setting chooses on the series
        k = (int(np.argmin(sums[i - len(window):i].sum(axis=0) / counts[i - len(window):i].sum()))
             if window else len(settings) - 1)
        setting = settings[k]
        rows = seasons == season
        p_out[rows], margin_out[rows] = p[k, rows], margin[k, rows]
        chosen[season] = setting
        choices.append({"season": season, **asdict(setting), "validation_seasons": window})
    return GameWalkForward(p_out, margin_out, chosen, choices)


def _candidate_forecasts(games: pd.DataFrame, pre: pd.Series, settings: list[UpdateSetting],
                         model: GameModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[settings, games] P(home wins), expected margin, and the log-loss of every setting but the
    last (the default, not a candidate)."""
    grid = CandidateGrid.of(settings, model)
    home, away = asof_game_strengths(games, pre, grid)
    p, margin = game_forecast(home, away, grid, model)
    won = games["home_won"].to_numpy(bool)
    nll = -np.log(np.clip(np.where(won[None, :], p, 1 - p), 1e-12, None))[:-1]
    return p, margin, nll


def setting_for_season(season: int, games: pd.DataFrame, pre: pd.Series, cfg: PlayoffUpdateConfig,
                       model: GameModel) -> UpdateSetting:
    """The setting walk_forward_games chooses for `season`, from the games of the last
    validation_seasons seasons before it (`pre`: their out-of-sample pre-playoff points): what a
    forecast of a season not in the yardstick (the live one, a replay) uses."""
    known = set(pre.index.get_level_values(0))
    earlier = sorted(s for s in games["season"].unique() if s < season and s in known)[-cfg.validation_seasons:]
    if not earlier:
        return cfg.default
    played = games[games["season"].isin(earlier)].sort_values(["season", "date"], kind="stable")
    _, _, nll = _candidate_forecasts(played.reset_index(drop=True), pre, [*cfg.candidates, cfg.default], model)
    return cfg.candidates[int(np.argmin(nll.mean(axis=1)))]
