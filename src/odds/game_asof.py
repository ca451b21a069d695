"""Every playoff game forecast as of the morning of its day, for every candidate setting of the
playoff update at once, and the walk-forward choice of the setting by those games' log-loss.

A game on day D of season t is forecast from the pre-playoff strengths of season t updated by every
playoff game of season t played before D (earlier games of the same series included; nothing of day
D or later): src/odds/playoff_update.py's ridge update, one design per (season, day) solved
for every candidate at once. P(home wins) = link((s_home - s_away + home court) / game noise) and
the expected home margin s_home - s_away + home court, with the setting's home court and noise.

The setting of season t is chosen on the last `playoff_update.validation_seasons` seasons before t
that have games (the default where none), each part on the forecasts it decides (issue 27):

* the reaction to the games of earlier series (prior sd, margin cap, home court, game noise) by
  the as-of series log-loss: every series forecast at its start, when every game before it belongs
  to a finished series or to another one (what a series start, a game 1 and the title odds of the
  rounds to come rest on);
* then, among the candidates with that reaction, the weight of a game of a series in progress by
  the mean game log-loss over every game (only games 2-7 of a series see their own series' games).

Without series (none given, or none in the window) the whole setting is chosen by the game
log-loss. The evaluate stage judges it (src/evaluation/games.py); a forecast uses the same choice.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from src.odds.playoff_update import GamesEvidence, PlayoffUpdateConfig, UpdateSetting
from src.league.monte_carlo import GameModel, game_win_prob
from src.league.sites import home_edge, home_edges
from src.odds.series_likelihood import series_nll


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
               in_progress: np.ndarray, home_edge: float = 1.0) -> np.ndarray:
        """[candidates, teams] posterior mean deltas of the ridge update (the solve of
        src/odds/playoff_update.GamesEvidence.deltas) for games with design `x` [games,
        teams], pre-playoff strength difference `diff`, margin and whether their series is in
        progress: one eigendecomposition of X'WX per series weight serves every candidate. A team
        without a game has a zero column, so delta 0. `home_edge`: the share of the home court the
        season's games had (src/league/sites.py)."""
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
                         - self.home_court[pick, None] * home_edge * (root_w @ xw)[None, :]) @ vec
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
        edge = home_edge(int(season))
        pair = np.minimum(h_idx, a_idx) * len(teams) + np.maximum(h_idx, a_idx)
        won = np.where(margin > 0, h_idx, a_idx)
        for day in np.unique(dates):
            today = np.flatnonzero(dates == day)
            before = dates < day
            delta = (grid.deltas(x[before], diff[before], margin[before],
                                 _in_progress(pair[before], won[before], len(teams)), edge) if before.any()
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
                  model: GameModel, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[candidates, games] P(home wins) and expected home margin (`edges` [games]: the share of
    the home court each game had, src/league/sites.py)."""
    margin = home - away + grid.home_court[:, None] * edges[None, :]
    # each candidate's own noise: game_win_prob divides by the simulator's scale
    return game_win_prob(margin / grid.noise[:, None] * model.scale, model), margin


@dataclass
class GameWalkForward:
    p_home: np.ndarray                       # [games] under the season's chosen setting
    margin: np.ndarray
    chosen: dict[int, UpdateSetting]         # season -> setting
    choices: list[dict]                      # report: setting and validation seasons per season


def walk_forward_games(games: pd.DataFrame, pre: pd.Series, cfg: PlayoffUpdateConfig,
                       model: GameModel, series: pd.DataFrame | None = None) -> GameWalkForward:
    """Every game's as-of forecast under the setting chosen for its season on earlier seasons
    (choose_setting: the as-of log-loss of `series`, then the game log-loss). `series`: season,
    home_team, away_team, start (date of game 1; NaT: not scored), best_of, home_won."""
    settings = [*cfg.candidates, cfg.default]
    grid = CandidateGrid.of(settings, model)
    p, margin, nll = _candidate_forecasts(games, pre, grid, model)
    seasons = games["season"].to_numpy(int)
    order = sorted(set(seasons.tolist()))
    game_loss = _season_sums(nll, seasons, order)
    series_loss = _series_season_sums(series, pre, games, grid, model, order)
    p_out, margin_out = np.empty(len(games)), np.empty(len(games))
    chosen, choices = {}, []
    for i, season in enumerate(order):
        window = order[max(0, i - cfg.validation_seasons):i]
        lo = i - len(window)
        setting = (choose_setting(cfg.candidates, _window_mean(game_loss, lo, i),
                                  None if series_loss is None else _window_mean(series_loss, lo, i))
                   if window else cfg.default)
        k = settings.index(setting)
        rows = seasons == season
        p_out[rows], margin_out[rows] = p[k, rows], margin[k, rows]
        chosen[season] = setting
        choices.append({"season": season, **asdict(setting), "validation_seasons": window})
    return GameWalkForward(p_out, margin_out, chosen, choices)


def _candidate_forecasts(games: pd.DataFrame, pre: pd.Series, grid: CandidateGrid,
                         model: GameModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[settings, games] P(home wins), expected margin, and the log-loss of every setting but the
    last (the default, not a candidate)."""
    home, away = asof_game_strengths(games, pre, grid)
    p, margin = game_forecast(home, away, grid, model, home_edges(games["season"]))
    won = games["home_won"].to_numpy(bool)
    nll = -np.log(np.clip(np.where(won[None, :], p, 1 - p), 1e-12, None))[:-1]
    return p, margin, nll


def setting_for_season(season: int, games: pd.DataFrame, pre: pd.Series, cfg: PlayoffUpdateConfig,
                       model: GameModel, series: pd.DataFrame | None = None) -> UpdateSetting:
    """The setting walk_forward_games chooses for `season`, from the games (and `series`, as there)
    of the last validation_seasons seasons before it (`pre`: their out-of-sample pre-playoff
    points): what a forecast of a season not in the yardstick (the live one, a replay) uses."""
    known = set(pre.index.get_level_values(0))
    earlier = sorted(s for s in games["season"].unique() if s < season and s in known)[-cfg.validation_seasons:]
    if not earlier:
        return cfg.default
    played = games[games["season"].isin(earlier)].sort_values(["season", "date"], kind="stable")
    grid = CandidateGrid.of([*cfg.candidates, cfg.default], model)
    _, _, nll = _candidate_forecasts(played.reset_index(drop=True), pre, grid, model)
    series_loss = _series_season_sums(series, pre, played, grid, model, earlier)
    return choose_setting(cfg.candidates, _window_mean(_season_sums(nll, played["season"].to_numpy(int), earlier),
                                                       0, len(earlier)),
                          None if series_loss is None else _window_mean(series_loss, 0, len(earlier)))


def choose_setting(candidates: list[UpdateSetting], game_loss: np.ndarray,
                   series_loss: np.ndarray | None) -> UpdateSetting:
    """The candidate whose reaction to earlier series (prior sd, cap, home court, noise) has the
    lowest mean series log-loss, with the weight of a series in progress of lowest mean game
    log-loss among those; by the game log-loss alone without series (NaN). The first candidate of
    the grid order on a tie."""
    if series_loss is None or np.isnan(series_loss).all():
        return candidates[int(np.argmin(game_loss))]
    best = _reaction(candidates[int(np.nanargmin(series_loss))])
    same = np.array([_reaction(c) == best for c in candidates])
    return candidates[int(np.argmin(np.where(same, game_loss, np.inf)))]


def _reaction(setting: UpdateSetting) -> tuple:
    """What a series start sees of the update: everything but the weight of a series in progress."""
    return setting.prior_sd, setting.margin_cap, setting.home_court, setting.game_noise


def _season_sums(nll: np.ndarray, seasons: np.ndarray, order: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """[seasons, candidates] summed losses and [seasons] counts."""
    return (np.stack([nll[:, seasons == s].sum(axis=1) for s in order]).reshape(len(order), nll.shape[0]),
            np.array([(seasons == s).sum() for s in order]))


def _window_mean(sums: tuple[np.ndarray, np.ndarray], lo: int, hi: int) -> np.ndarray:
    """[candidates] mean loss over seasons lo..hi-1 (NaN where they hold nothing)."""
    total, count = sums[0][lo:hi].sum(axis=0), sums[1][lo:hi].sum()
    return total / count if count else np.full(total.shape, np.nan)


def _series_season_sums(series: pd.DataFrame | None, pre: pd.Series, games: pd.DataFrame,
                        grid: CandidateGrid, model: GameModel, order: list[int]
                        ) -> tuple[np.ndarray, np.ndarray] | None:
    """Per season of `order`, the summed as-of series log-loss of every candidate (the grid's last
    setting, the default, left out) over the series with a start; None without series."""
    if series is None:
        return None
    scored = series[series["start"].notna() & series["season"].isin(order)].reset_index(drop=True)
    nll = series_candidate_nll(scored, pre, games, grid, model)[:-1]
    return _season_sums(nll, scored["season"].to_numpy(int), order)


def series_candidate_nll(series: pd.DataFrame, pre: pd.Series, games: pd.DataFrame, grid: CandidateGrid,
                         model: GameModel) -> np.ndarray:
    """[candidates, series] -log P(observed winner) of every series (each with a start) forecast
    at its start with the simulator's game model, from the pre-playoff points `pre` (season, team)
    and the season's games before its game 1: src/odds/playoff_update.asof_strengths for every
    candidate at once (one solve per season and start date)."""
    home = np.empty((len(grid.settings), len(series)))
    away = np.empty_like(home)
    by_season = {int(s): g for s, g in games.groupby("season", sort=False)}
    points, levels = pre.to_dict(), {}
    for (season, start), rows in series.groupby(["season", "start"], sort=True).indices.items():
        season = int(season)
        level = levels.setdefault(season, pre.loc[season])
        h, a = series["home_team"].to_numpy()[rows], series["away_team"].to_numpy()[rows]
        home[:, rows] = [points[(season, t)] for t in h]      # a KeyError names a team without points
        away[:, rows] = [points[(season, t)] for t in a]
        played = by_season.get(season)
        before = None if played is None else played[played["date"] < start]
        if before is None or before.empty:
            continue
        evidence = GamesEvidence.of(before, level)
        delta = grid.deltas(evidence.x, evidence.diff, evidence.margin, evidence.in_progress,
                            evidence.home_edge)
        col = {t: j for j, t in enumerate(evidence.teams)}
        for side, teams in ((home, h), (away, a)):
            for r, t in zip(rows, teams):
                if t in col:
                    side[:, r] += delta[:, col[t]]
    won = np.broadcast_to(series["home_won"].to_numpy(bool), home.shape)
    best_of = np.broadcast_to(series["best_of"].to_numpy(int), home.shape)
    return series_nll(home, away, best_of, won, model, home_edges(series["season"])[None, :])
