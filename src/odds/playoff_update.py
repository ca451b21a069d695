"""Team strengths that learn from the playoff games played so far.

A team's playoff strength after some playoff games = its pre-playoff strength (points) + delta.
The deltas of a season's teams have a normal prior N(0, prior_sd^2) each, and a game's margin
(home points - away points) is normal around (s_home + d_home) - (s_away + d_away) + home court
with the simulator's game spread `simulation.scale`. The posterior mean of the deltas given the
games is a ridge solve over the teams that played:

    (X'X + (scale / prior_sd)^2 I) d = X' r,   r = margin - (s_home - s_away + home court),

X holding +1 for the home team and -1 for the away team of each game. So the evidence is
opponent- and home-adjusted (a win over a strong team by 2 says more than one over a weak team),
shrunk by the number of games (n / (n + (scale / prior_sd)^2) for one team playing a fixed
opponent), and prior_sd 0 is the pre-playoff forecast.

A game's margin counts up to `margin_cap` points either way (the end of a blowout is played by
the benches). prior_sd and margin_cap are chosen walk-forward per model: for test season t, the
pair of `playoff_update.prior_sd_grid` x `margin_cap_grid` with the lowest as-of series log-loss
over the last `validation_seasons` seasons before t that have playoff games in the data (each
series forecast with the games before its game 1); the defaults where no earlier season has them.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import NonNegativeFloat, PositiveFloat, PositiveInt

from src.config import params_section, section
from src.errors import ConfigError
from src.league.monte_carlo import GameModel
from src.league.series import observed_series, with_starts
from src.odds.series_likelihood import series_nll

UPDATE_GAME_COLUMNS = ["season", "date", "home_team", "away_team", "home_pts", "away_pts"]


@params_section("playoff_update")
class PlayoffUpdateConfig:
    prior_sd_grid: list[NonNegativeFloat]   # candidates (points) chosen walk-forward; 0 = no update
    margin_cap_grid: list[PositiveFloat]    # candidates (points): a game's margin counts up to this
    default_prior_sd: NonNegativeFloat      # where no earlier season has playoff games in the data
    default_margin_cap: PositiveFloat
    validation_seasons: PositiveInt         # earlier seasons (with games) that score the candidates

    def __post_init__(self) -> None:
        for key in ("prior_sd_grid", "margin_cap_grid"):
            if not getattr(self, key):
                raise ConfigError(f"params.yaml: playoff_update.{key} needs at least one value")

    @property
    def candidates(self) -> list["UpdateSetting"]:
        return [UpdateSetting(sd, cap) for sd in self.prior_sd_grid for cap in self.margin_cap_grid]

    @property
    def default(self) -> "UpdateSetting":
        return UpdateSetting(self.default_prior_sd, self.default_margin_cap)


@dataclass(frozen=True)
class UpdateSetting:
    prior_sd: float          # points; 0 = the pre-playoff strengths
    margin_cap: float        # points: a blowout's last minutes say little about strength


def playoff_update_config(params: dict[str, Any]) -> PlayoffUpdateConfig:
    return section(PlayoffUpdateConfig, params.get("playoff_update"), "playoff_update")


@dataclass(frozen=True)
class GamesEvidence:
    """Games of one season as the update reads them: the home/away design over the teams that
    played, and each game's margin beside its pre-playoff expectation (home court included).
    Built once per (season, date) and solved for every setting."""
    teams: list[str]
    x: np.ndarray            # [games, teams]: +1 home team, -1 away team
    expected: np.ndarray     # [games] pre-playoff strength difference + home court
    margin: np.ndarray       # [games] home points - away points

    @classmethod
    def of(cls, games: pd.DataFrame, strength: pd.Series, model: GameModel) -> "GamesEvidence":
        """`games` of one season; `strength`: pre-playoff points indexed by team."""
        home, away = games["home_team"].to_numpy(), games["away_team"].to_numpy()
        teams = sorted(set(home) | set(away))
        col = {t: i for i, t in enumerate(teams)}
        x = np.zeros((len(games), len(teams)))
        rows = np.arange(len(games))
        x[rows, [col[t] for t in home]] = 1.0
        x[rows, [col[t] for t in away]] = -1.0
        expected = (strength.loc[home].to_numpy(float) - strength.loc[away].to_numpy(float)
                    + model.home_court)
        margin = games["home_pts"].to_numpy(float) - games["away_pts"].to_numpy(float)
        return cls(teams, x, expected, margin)

    def deltas(self, setting: UpdateSetting, model: GameModel) -> dict[str, float]:
        """Posterior mean delta (points) of every team that played; {} without an update."""
        if setting.prior_sd == 0 or not self.teams:
            return {}
        residual = np.clip(self.margin, -setting.margin_cap, setting.margin_cap) - self.expected
        ridge = (model.scale / setting.prior_sd) ** 2
        delta = np.linalg.solve(self.x.T @ self.x + ridge * np.eye(len(self.teams)),
                                self.x.T @ residual)
        return dict(zip(self.teams, delta.tolist()))


def strength_deltas(games: pd.DataFrame, strength: pd.Series, setting: UpdateSetting,
                    model: GameModel) -> pd.Series:
    """Posterior mean delta (points) of every team in `games` given its pre-playoff `strength`
    (indexed by team); teams without games are absent (delta 0)."""
    if setting.prior_sd == 0 or games.empty:
        return pd.Series(dtype=float)
    return pd.Series(GamesEvidence.of(games, strength, model).deltas(setting, model), dtype=float)


def asof_strengths(series: pd.DataFrame, pre: pd.Series, games: pd.DataFrame,
                   settings: list[UpdateSetting], model: GameModel
                   ) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each setting, home and away strengths of every series (season, home_team,
    away_team, start) from the pre-playoff strengths `pre` (indexed by season, team) and the
    season's games before `start` (none where start is missing)."""
    points = pre.to_dict()
    by_season = {int(s): g for s, g in games.groupby("season")}
    deltas: dict[tuple[int, pd.Timestamp], list[dict[str, float]]] = {}
    out = [(np.empty(len(series)), np.empty(len(series))) for _ in settings]
    for i, (season, h, a, start) in enumerate(zip(series["season"].astype(int), series["home_team"],
                                                  series["away_team"], series["start"])):
        key = (season, start)
        if key not in deltas:
            played = by_season.get(season)
            before = (played[played["date"] < start] if played is not None and pd.notna(start)
                      else None)
            evidence = (GamesEvidence.of(before, pre.loc[season], model)
                        if before is not None and len(before) else None)
            deltas[key] = [evidence.deltas(s, model) if evidence else {} for s in settings]
        for (home, away), delta in zip(out, deltas[key]):
            home[i] = points[(season, h)] + delta.get(h, 0.0)
            away[i] = points[(season, a)] + delta.get(a, 0.0)
    return out


def chosen_setting(losses: pd.DataFrame, season: int,
                   cfg: PlayoffUpdateConfig) -> tuple[UpdateSetting, list[int]]:
    """The setting for test season `season` from per-series as-of losses of earlier seasons
    (columns season, candidate, loss): lowest mean over the last validation_seasons seasons < t
    (the first candidate of the grid order on a tie)."""
    earlier = sorted(s for s in losses["season"].unique() if s < season)[-cfg.validation_seasons:]
    if not earlier:
        return cfg.default, []
    means = losses[losses["season"].isin(earlier)].groupby("candidate", sort=True)["loss"].mean()
    return cfg.candidates[int(means.idxmin())], [int(s) for s in earlier]


def candidate_losses(series: pd.DataFrame, pre: pd.Series, games: pd.DataFrame,
                     cfg: PlayoffUpdateConfig, model: GameModel) -> pd.DataFrame:
    """season, candidate (index into cfg.candidates), loss: the as-of series log-loss of every
    candidate on every series (all with a start date)."""
    return _losses(series, asof_strengths(series, pre, games, cfg.candidates, model), model)


def _losses(series: pd.DataFrame, strengths: list[tuple[np.ndarray, np.ndarray]],
            model: GameModel) -> pd.DataFrame:
    best_of, home_won = series["best_of"].to_numpy(int), series["home_won"].to_numpy(bool)
    return pd.concat([pd.DataFrame({"season": series["season"].to_numpy(int), "candidate": i,
                                    "loss": series_nll(h, a, best_of, home_won, model)})
                      for i, (h, a) in enumerate(strengths)], ignore_index=True)


def walk_forward_asof(series: pd.DataFrame, pre: pd.Series, games: pd.DataFrame,
                      cfg: PlayoffUpdateConfig, model: GameModel) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """As-of home/away strengths of every series, the setting chosen per season on earlier seasons.

    `series`: season, home_team, away_team, start, best_of, home_won; seasons without a start
    date (no games in the data) keep their pre-playoff strengths."""
    has_games = series["start"].notna().to_numpy()
    scored = series[has_games]
    settings = [*cfg.candidates, cfg.default]       # the default: seasons without earlier ones
    per_setting = asof_strengths(scored, pre, games, settings, model)
    losses = _losses(scored, per_setting[:-1], model)
    [(home, away)] = asof_strengths(series.assign(start=pd.NaT), pre, games, [cfg.default], model)
    choices = []
    for season in sorted(scored["season"].unique()):
        setting, window = chosen_setting(losses, int(season), cfg)
        in_season = (scored["season"] == season).to_numpy()
        rows_t = np.flatnonzero(has_games)[in_season]
        h, a = per_setting[settings.index(setting)]
        home[rows_t], away[rows_t] = h[in_season], a[in_season]
        choices.append({"season": int(season), **asdict(setting), "validation_seasons": window})
    return home, away, choices


def next_season_setting(season: int, history_points: pd.Series, teams: pd.DataFrame,
                        series: pd.DataFrame | None, games: pd.DataFrame, cfg: PlayoffUpdateConfig,
                        model: GameModel) -> UpdateSetting:
    """The setting for `season` (after every season of history_points: the forecast's): candidates
    scored on the series of the earlier seasons with games (history_points: out-of-sample
    pre-playoff points, by season and team). The evaluate stage saves it (models/odds_fits.json)."""
    earlier = sorted(s for s in games["season"].unique() if s < season)
    known = set(history_points.index.get_level_values(0))
    earlier = [s for s in earlier if s in known][-cfg.validation_seasons:]
    if not earlier:
        return cfg.default
    table = with_starts(observed_series(teams, series, earlier), games)
    table = table[table["start"].notna() & table["home_known"].astype(bool)]
    table = table.assign(home_won=table["home_won"].astype(bool))
    losses = candidate_losses(table, history_points, games[games["season"].isin(earlier)], cfg, model)
    return chosen_setting(losses, season, cfg)[0]
