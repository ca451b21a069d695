"""The odds layer's fits of the ensemble, saved by the evaluate stage (models/odds_fits.json)
and applied by the forecast, which fits nothing:

* per test season t (what the evaluate stage used on t, fitted on seasons < t): the
  score -> points slope (with softmax its tau, with `simulation.temperature` its T; slope 1 and
  no map when the stacker's ensemble is already in points) and the playoff-update setting
  (prior_sd, margin_cap, home court, game noise, series weight) it chose for the ensemble on
  earlier seasons' playoff series and games (src/odds/game_asof.py);
* `final`, for any season after seasons.last_test: the same fits on every season <= last_test
  (the out-of-sample rows of scores.parquet);
* in each, `playoff_record` where the evaluate stage judged it: the (shrink_minutes, weight) of the
  players' playoff record term chosen on earlier seasons' series (src/evaluation/record_asof.py);
* and `game_variant`: which of the update's variants (plain, record, availability, both) the
  product applies that season, chosen on earlier seasons' games (src/evaluation/game_variant.py),
  with availability's (reading, scale) where it has it;
* and `title_damping`: the k by which the title odds' in-playoff update is shrunk toward the
  pre-playoff strength (src/evaluation/title_damping.py; the game odds keep the whole update).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from src import artifacts
from src.errors import DataError
from src.league.monte_carlo import GameModel
from src.league.series import with_starts
from src.odds.config import SimulationConfig
from src.odds.game_asof import setting_for_season
from src.odds.playoff_update import PlayoffUpdateConfig, UpdateSetting
from src.odds.season_inputs import season_inputs
from src.odds.title_odds import fit_season_odds, scored_rows
from src.utils.io import write_json
from src.utils.model_files import ODDS_FITS, json_model_dict, load_json_model

KEY = ["season", "team"]


@dataclass
class OddsFits:
    in_points: bool                     # the ensemble is in points: slope 1, no map
    seasons: dict[int, dict[str, Any]]  # test season -> odds fit + "playoff_update"
    final: dict[str, Any]               # a season after the last test season

    def for_season(self, season: int) -> dict[str, Any]:
        """The fits the odds of `season` use: its own (a past season replayed) or `final`."""
        if season in self.seasons:
            return self.seasons[season]
        if season >= self.final["season"]:
            return self.final
        raise DataError(f"{artifacts.ODDS_FITS.path}: no odds fit for season {season} (the evaluate stage fits "
                        f"test seasons {min(self.seasons, default='-')}..{max(self.seasons, default='-')} and "
                        f"seasons from {self.final['season']} on)")

    @staticmethod
    def setting(fit: dict[str, Any]) -> UpdateSetting:
        return UpdateSetting(**fit["playoff_update"])

    def save(self, path: str | Path) -> Path:
        values = {"in_points": self.in_points, "seasons": {str(s): v for s, v in self.seasons.items()},
                  "final": self.final}
        return write_json(json_model_dict(ODDS_FITS, values), path)

    @classmethod
    def load(cls, path: str | Path) -> "OddsFits":
        values = load_json_model(path, ODDS_FITS, "evaluate")
        try:
            return cls(bool(values["in_points"]), {int(s): v for s, v in values["seasons"].items()},
                       dict(values["final"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"{path}: refused: not a complete odds-fits file ({exc!r}); "
                            "rerun `dvc repro evaluate`") from None


def final_fit(history: pd.DataFrame, score_col: str, teams: pd.DataFrame, series: pd.DataFrame | None,
              games: pd.DataFrame | None, sim: SimulationConfig, update: PlayoffUpdateConfig | None,
              in_points: bool, model: GameModel) -> dict[str, Any]:
    """The fits for a season after every season of `history` (season, team, score_col: the
    out-of-sample rows the forecast compares the season with)."""
    season = int(history["season"].max()) + 1
    if in_points:
        fit: dict[str, Any] = {"season": season, "slope": 1.0}
    else:
        frame = history[[*KEY, score_col]].merge(teams[[*KEY, "srs"]], on=KEY, how="left",
                                                 validate="one_to_one")
        inputs = season_inputs(teams, series, sorted(frame["season"].unique().tolist()))
        fit = fit_season_odds(scored_rows(frame, score_col), score_col, season, inputs, sim)
    if update is not None:
        setting = update.default      # a score not in points has no strengths to update
        if games is not None and in_points:
            points = history.set_index(KEY)[score_col].dropna()
            setting = setting_for_season(season, games, points, update, model,
                                         _series_with_starts(teams, series, games, history))
        fit["playoff_update"] = asdict(setting)
    return fit


def _series_with_starts(teams: pd.DataFrame, series: pd.DataFrame | None, games: pd.DataFrame,
                        history: pd.DataFrame) -> pd.DataFrame | None:
    """The series of the seasons of `history` with playoff games whose home court is known, with
    the date of their game 1: the evaluate stage's series as-of yardstick, whose log-loss chooses
    the update's reaction to earlier series (src/odds/game_asof.choose_setting)."""
    seasons = sorted(set(history["season"].astype(int)) & set(games["season"].astype(int)))
    if series is None or not seasons:
        return None
    table = season_inputs(teams, series, seasons).table
    return with_starts(table[table["home_known"].astype(bool)].reset_index(drop=True), games)


def test_season_fits(test: list[int], odds_fits: list[dict], settings: list[dict],
                     update: PlayoffUpdateConfig | None) -> dict[int, dict[str, Any]]:
    """Per test season: the title-odds fit (none when in points: slope 1) and the playoff-update
    setting the evaluate stage chose for the ensemble (its default where no earlier season had
    playoff games)."""
    by_season = {int(f["season"]): dict(f) for f in odds_fits}
    names = [f.name for f in fields(UpdateSetting)]
    chosen = {int(c["season"]): {k: c[k] for k in names} for c in settings}
    out = {}
    for t in test:
        fit = by_season.get(t, {"season": t, "slope": 1.0})
        if update is not None:
            fit["playoff_update"] = chosen.get(t, asdict(update.default))
        out[t] = fit
    return out


def ensemble_fits(scores: pd.DataFrame | None, score_col: str, last_test: int, test: list[int],
                  odds_fits: list[dict], settings: list[dict], teams: pd.DataFrame,
                  series: pd.DataFrame | None, games: pd.DataFrame | None, sim: SimulationConfig,
                  update: PlayoffUpdateConfig | None, in_points: bool, model: GameModel,
                  record: dict[str, dict] | None = None, variant: dict[str, dict] | None = None,
                  damping: dict[str, float] | None = None) -> OddsFits:
    """What the evaluate stage saves for the forecast: the ensemble's fits per test season
    (odds_fits: walk_forward_odds's; settings: the as-of yardstick's choices) and `final`;
    record: season (str) -> the playoff record's choice (test seasons and last_test + 1); variant:
    season (str) -> the product's game variant (src/evaluation/game_variant.py) and its availability
    setting, which the forecast applies; damping: season (str) -> the title damping k of the title
    path (src/evaluation/title_damping.py)."""
    per_season = test_season_fits(test, odds_fits, settings, update)
    if scores is None or score_col not in scores.columns:
        final: dict[str, Any] = {"season": last_test + 1, "slope": 1.0}     # no ensemble to fit
    else:
        history = scores.loc[scores["season"] <= last_test, [*KEY, score_col]]
        final = final_fit(history, score_col, teams, series, games, sim, update, in_points, model)
    for season, fit in [*per_season.items(), (int(final["season"]), final)]:
        if record and str(season) in record:
            fit["playoff_record"] = dict(record[str(season)])
        if variant and str(season) in variant:
            fit["game_variant"] = dict(variant[str(season)])
        if damping and str(season) in damping:
            fit["title_damping"] = float(damping[str(season)])
    return OddsFits(in_points, per_season, final)
