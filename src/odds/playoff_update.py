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
the benches). A setting also carries the home court and game noise of one playoff game (the
likelihood above and a game's probability; series and title odds keep the simulator's game model,
the one the points maps were fitted in) and the weight of a game whose series is still in progress
(rows of X and r scaled by its square root): the next game of a series reverts, so a series' own
games say less of it than finished series do.

The setting is chosen walk-forward per model on the last `validation_seasons` seasons before t
(src/odds/game_asof.choose_setting): the reaction to earlier series (prior sd, cap, home court,
noise) by the as-of series log-loss, then the weight of a series in progress by the log-loss of
every playoff game forecast as of its morning; the defaults where no earlier season has games.
`chosen_setting` and `candidate_losses` choose on the as-of series alone (kept for comparison).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import NonNegativeFloat, PositiveFloat, PositiveInt

from src.config import params_section, section
from src.errors import ConfigError, PipelineError
from src.league.monte_carlo import GameModel
from src.league.sites import home_edge, home_edges
from src.odds.series_likelihood import series_nll

UPDATE_GAME_COLUMNS = ["season", "date", "home_team", "away_team", "home_pts", "away_pts"]


@params_section("playoff_update")
class PlayoffUpdateConfig:
    prior_sd_grid: list[NonNegativeFloat]   # candidates (points) chosen walk-forward; 0 = no update
    margin_cap_grid: list[PositiveFloat]    # candidates (points): a game's margin counts up to this
    default_prior_sd: NonNegativeFloat      # where no earlier season has playoff games in the data
    default_margin_cap: PositiveFloat
    validation_seasons: PositiveInt         # earlier seasons (with games) that score the candidates
    # params.yaml sets these three; None (a config built in code) = the simulator's home court and
    # game spread, and a game of a series in progress weighing as any other
    home_court_grid: list[float] | None = None                  # candidates (points): a playoff game's home edge
    game_noise_grid: list[PositiveFloat] | None = None          # candidates (points): sd of a game's margin
    series_weight_grid: list[NonNegativeFloat] | None = None    # candidates: weight of a game of a series
                                                                # still in progress

    def __post_init__(self) -> None:
        for key in ("prior_sd_grid", "margin_cap_grid", "home_court_grid", "game_noise_grid",
                    "series_weight_grid"):
            if getattr(self, key) is not None and not getattr(self, key):
                raise ConfigError(f"params.yaml: playoff_update.{key} needs at least one value")

    @property
    def candidates(self) -> list["UpdateSetting"]:
        return [UpdateSetting(sd, cap, hc, noise, w) for sd in self.prior_sd_grid for cap in self.margin_cap_grid
                for hc in (self.home_court_grid or [None]) for noise in (self.game_noise_grid or [None])
                for w in (self.series_weight_grid or [1.0])]

    @property
    def default(self) -> "UpdateSetting":
        return UpdateSetting(self.default_prior_sd, self.default_margin_cap)


@dataclass(frozen=True)
class UpdateSetting:
    prior_sd: float          # points; 0 = the pre-playoff strengths
    margin_cap: float        # points: a blowout's last minutes say little about strength
    home_court: float | None = None    # points of a playoff game's home edge; None = the simulator's
    game_noise: float | None = None    # sd (points) of a game's margin; None = the simulator's scale
    series_weight: float = 1.0         # weight of a game of a series still in progress (the next game
                                       # of a series reverts: a team adjusts to the opponent it just met)

    def game_model(self, model: GameModel) -> GameModel:
        """The simulator's game model with this setting's home court and game noise: what one
        playoff game's probability and the update's likelihood use (series and title odds keep
        the simulator's own, the scale its points map was fitted in)."""
        return GameModel(home_court=model.home_court if self.home_court is None else self.home_court,
                         link=model.link, scale=model.scale if self.game_noise is None else self.game_noise)


def playoff_update_config(params: dict[str, Any]) -> PlayoffUpdateConfig:
    return section(PlayoffUpdateConfig, params.get("playoff_update"), "playoff_update")


@dataclass(frozen=True)
class GamesEvidence:
    """Games of one season as the update reads them: the home/away design over the teams that
    played, and each game's margin beside its pre-playoff expectation (home court included).
    Built once per (season, date) and solved for every setting."""
    teams: list[str]
    x: np.ndarray            # [games, teams]: +1 home team, -1 away team
    diff: np.ndarray         # [games] pre-playoff strength difference, home minus away
    margin: np.ndarray       # [games] home points - away points
    in_progress: np.ndarray  # [games] bool: the game's series is not decided by these games
    home_edge: float = 1.0   # share of the home court the season's games had (src/league/sites.py)

    @classmethod
    def of(cls, games: pd.DataFrame, strength: pd.Series, model: GameModel | None = None) -> "GamesEvidence":
        """`games` of one season; `strength`: pre-playoff points indexed by team (`model`: unused,
        the home court is the setting's, src/odds/playoff_update.py UpdateSetting)."""
        home, away = games["home_team"].to_numpy(object), games["away_team"].to_numpy(object)
        teams = sorted(set(home) | set(away))
        col = {t: i for i, t in enumerate(teams)}
        h = np.fromiter((col[t] for t in home), int, len(home))
        a = np.fromiter((col[t] for t in away), int, len(away))
        x = np.zeros((len(games), len(teams)))
        rows = np.arange(len(games))
        x[rows, h], x[rows, a] = 1.0, -1.0
        level = _levels(strength, teams)
        diff = level[h] - level[a]
        margin = games["home_pts"].to_numpy(float) - games["away_pts"].to_numpy(float)
        return cls(teams, x, diff, margin, series_in_progress(games), season_home_edge(games))

    def deltas(self, setting: UpdateSetting, model: GameModel) -> dict[str, float]:
        """Posterior mean delta (points) of every team that played; {} without an update."""
        if setting.prior_sd == 0 or not self.teams:
            return {}
        game = setting.game_model(model)
        root_w = np.where(self.in_progress, np.sqrt(setting.series_weight), 1.0)
        residual = (np.clip(self.margin, -setting.margin_cap, setting.margin_cap) - self.diff
                    - game.home_court * self.home_edge) * root_w
        x = self.x * root_w[:, None]
        ridge = (game.scale / setting.prior_sd) ** 2
        delta = np.linalg.solve(x.T @ x + ridge * np.eye(len(self.teams)), x.T @ residual)
        return dict(zip(self.teams, delta.tolist()))


def season_home_edge(games: pd.DataFrame) -> float:
    """home_edge of the one season of `games` (1.0 without a season column or games)."""
    if "season" not in games or games.empty:
        return 1.0
    seasons = games["season"].unique()
    if len(seasons) > 1:
        raise PipelineError(f"the playoff update reads one season's games at a time, got {sorted(seasons)}")
    return home_edge(int(seasons[0]))


def _levels(strength: pd.Series, teams: list[str]) -> np.ndarray:
    """strength[teams] as floats: by position (evaluate builds ~3,000 evidences; `.loc` of a
    list costs milliseconds each), through `.loc` where a team is missing, so that its
    KeyError names the team."""
    if strength.index.is_unique:
        pos = strength.index.get_indexer(teams)
        if (pos >= 0).all():
            return strength.to_numpy(float)[pos]
    return strength.loc[teams].to_numpy(float)


def series_in_progress(games: pd.DataFrame, wins_needed: int = 4) -> np.ndarray:
    """Per game of one season: True where its series (the pair of teams) is not decided by the
    games given, i.e. neither team has `wins_needed` wins among them (best-of-7: every playoff
    season of the game file)."""
    if games.empty:
        return np.zeros(0, bool)
    home, away = games["home_team"].to_numpy(str), games["away_team"].to_numpy(str)
    first = np.where(home < away, home, away)
    codes, _ = pd.factorize(np.char.add(np.char.add(first, " "), np.where(home < away, away, home)))
    first_won = (games["home_pts"].to_numpy() > games["away_pts"].to_numpy()) == (home == first)
    wins = np.maximum(np.bincount(codes, weights=first_won), np.bincount(codes, weights=~first_won))
    return wins[codes] < wins_needed


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
                                    "loss": series_nll(h, a, best_of, home_won, model,
                                                       home_edges(series["season"]))})
                      for i, (h, a) in enumerate(strengths)], ignore_index=True)


def walk_forward_asof(series: pd.DataFrame, pre: pd.Series, games: pd.DataFrame,
                      cfg: PlayoffUpdateConfig, model: GameModel,
                      chosen: dict[int, UpdateSetting] | None = None
                      ) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """As-of home/away strengths of every series, the setting chosen per season on earlier seasons.

    `series`: season, home_team, away_team, start, best_of, home_won; seasons without a start
    date (no games in the data) keep their pre-playoff strengths. `chosen`: season -> the setting
    already chosen walk-forward elsewhere (src/odds/game_asof.choose_setting, used by
    src/evaluation/games.py); None:
    chosen here on earlier seasons' as-of series log-loss."""
    has_games = series["start"].notna().to_numpy()
    scored = series[has_games]
    if chosen is not None:
        settings = list(dict.fromkeys([*(chosen[int(s)] for s in sorted(scored["season"].unique())),
                                       cfg.default]))
    else:
        settings = [*cfg.candidates, cfg.default]       # the default: seasons without earlier ones
    per_setting = asof_strengths(scored, pre, games, settings, model)
    losses = None if chosen is not None else _losses(scored, per_setting[:-1], model)
    [(home, away)] = asof_strengths(series.assign(start=pd.NaT), pre, games, [cfg.default], model)
    choices = []
    for season in sorted(scored["season"].unique()):
        if chosen is not None:
            setting, window = chosen[int(season)], None
        else:
            setting, window = chosen_setting(losses, int(season), cfg)
        in_season = (scored["season"] == season).to_numpy()
        rows_t = np.flatnonzero(has_games)[in_season]
        h, a = per_setting[settings.index(setting)]
        home[rows_t], away[rows_t] = h[in_season], a[in_season]
        choice = {"season": int(season), **asdict(setting)}
        if window is not None:
            choice["validation_seasons"] = window
        choices.append(choice)
    return home, away, choices
