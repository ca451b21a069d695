"""The stacker over the splits (out-of-sample ensemble scores) and its final fit; the stacker
itself is src/models/stacker/ (ridge.py: the RidgeCV of objective order, series.py: the
series likelihood, estimator.py: the final stacker).

Target (`stacking.target`, src/training/targets.py stacking_target):
* order: `strength` = (n_teams - post_playoff_rank) / (n_teams - 1), the whole final order;
  mostly the order of non-playoff teams and within tiers (win% by the truth's definition),
  so it favours the win%-like random forest;
* relevance: MISSION.md's graded relevance (0 missed playoffs .. 5 champion) z-scored per
  season: only playoff progress counts, as in the product's NDCG truth;
* playoff_order: the order among the playoff teams only (fitted on their rows; every team
  is still scored).
Default `order`, chosen WITHOUT test seasons: leave-one-season-out over the pre-test OOF
seasons 1998-2005 (`python docs/research/stack_holdout.py`). Mean of the 8 held-out seasons,
order / relevance / playoff_order: NDCG@4 .780 / .743 / .764, title log-loss (series map)
1.605 / 1.740 / 1.604. relevance lost on both (title log-loss worse in 7 of 8 seasons: it
put even more weight on the forest and a negative one on Model A); playoff_order tied on
title log-loss and never beat order on NDCG@4, so the simpler full order stays.
Scores are z-scored within each season first, so the blend weighs each model's *ordering*
of a season, not its scale (a ranking objective's margins and a regression's relevance
live on different scales).

Out of sample everywhere (src/splits.py):
* "test" row of season t: stacker fitted on every row of seasons < t (OOF rows and earlier
  test seasons' walk-forward rows, all of them scored out of sample).
* "oof" row of fold f: stacker fitted on the OOF rows of the other folds.
A row's max_train_season = max(its level-1 models' max_train_season, stacker's latest season).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from src.config import SeasonsConfig
from src.league.monte_carlo import GameModel
from src.models.registry import score_column
from src.models.stacker.config import StackingConfig
from src.models.stacker.estimator import Stacker, series_stacker
from src.models.stacker.fitted import ENSEMBLE, FittedStacker, ensemble_points, standardise_per_season
from src.models.stacker.ridge import RidgeStacker
from src.models.stacker.series import SeasonSeries, Selection, scaled_features, season_designs
from src.training.fit_cache import FitCache
from src.training.level1 import KEY, join_to_level1
from src.training.quality import mean_test_spearman, srs_baseline
from src.splits import OOF, TEST, Split
from src.training.stacker_fits import cached_final, cached_selections, final_key, split_keys
from src.training.targets import stacking_target
from src.training.walk_forward import planned_fits, rows_in

log = logging.getLogger(__name__)
TARGET = "strength"
TARGET_SOURCES = ["post_playoff_rank", "relevance", TARGET]   # what stacking_target reads


@dataclass
class StackRun:
    scores: pd.DataFrame                                   # scores.parquet rows
    fits: dict[str, tuple[int, ...]] = field(default_factory=dict)   # fit name -> stacker's seasons
    test_summaries: dict[int, dict[str, float]] = field(default_factory=dict)
    selections: dict[str, Selection] = field(default_factory=dict)   # objective series: fit name -> choice


def run_stacking(level1: pd.DataFrame, seasons: SeasonsConfig, cfg: StackingConfig,
                 series: pd.DataFrame | None = None, model: GameModel | None = None,
                 games: pd.DataFrame | None = None, cache: FitCache | None = None) -> StackRun:
    """level1: src/training/level1.combine_level1 rows joined with the `strength` target;
    objective series also needs the playoff series (series_table COLUMNS) and the game model;
    cache: the walk-forward choices' fit cache (src/training/stacker_fits.py), or None."""
    if cfg.objective == "series":
        if series is None or model is None:
            raise ValueError("stacking.objective series needs the playoff series and the game model")
        return run_series_stacking(level1, seasons, cfg, series, model, games, cache)
    run = StackRun(scores=pd.DataFrame())
    parts = []
    for split in _splits(seasons):
        fit_rows, scored_rows = split_rows(level1, split)
        trainer = _ridge(cfg, level1.loc[fit_rows])
        parts.append(_scored(level1.loc[scored_rows], trainer))
        run.fits[split.name] = trainer.train_seasons
        if split.kind == TEST:
            run.test_summaries[split.predict_seasons[0]] = trainer.summary()
    columns = KEY + ["split", "fold", "max_train_season", *trainer.columns, ENSEMBLE]
    run.scores = pd.concat(parts, ignore_index=True)[columns].sort_values(KEY, kind="stable").reset_index(drop=True)
    return run


def run_series_stacking(level1: pd.DataFrame, seasons: SeasonsConfig, cfg: StackingConfig,
                        series: pd.DataFrame, model: GameModel, games: pd.DataFrame | None = None,
                        cache: FitCache | None = None) -> StackRun:
    """Series-likelihood stacker (src/models/stacker/series.py): OOF fold f is scored by a
    stacker chosen and fitted on the other folds' seasons, test season t by one chosen and
    fitted on seasons < t; the score is in points. Each split's choice goes through the fit
    cache (src/training/stacker_fits.py)."""
    columns = [score_column(m) for m in cfg.stacked]
    features = scaled_features(level1, columns, cfg.scalings, seasons.first_test, standardise_per_season)
    played = series[series["season"].isin(level1["season"].unique())]
    designs = {k: season_designs(level1[KEY].join(x), played, columns) for k, x in features.items()}
    stacker = series_stacker(cfg, model)
    on_games = game_designs(level1, features, games, columns) if cfg.fit_on == "games" else {}
    if cfg.fit_on == "games":
        stacker.fit_on_games(on_games)
    splits = _splits(seasons)
    rows = [split_rows(level1, split) for split in splits]
    # only the split's training seasons reach the choice and the fit
    trains = [set(level1.loc[fit_rows, "season"].tolist()) for fit_rows, _ in rows]
    keys = split_keys(cfg, model, designs, on_games, trains) if cache is not None else [""] * len(splits)
    choices = cached_selections(cache, keys, lambda i: stacker.select(
        _seasons_where(designs, lambda s: s in trains[i])))
    run, parts = StackRun(scores=pd.DataFrame()), []
    for split, (_, scored_rows), train, chosen in zip(splits, rows, trains, choices):
        run.selections[split.name] = chosen
        parts.append(_points(level1, features, scored_rows, chosen))
        if split.kind == OOF:
            run.fits[split.name] = tuple(sorted(train))
            continue
        run.fits[split.name] = tuple(chosen.fit_seasons)
        run.test_summaries[split.predict_seasons[0]] = {
            "penalty": chosen.penalty,
            "centred": float(np.mean([m.scaling == "centred" for m in chosen.members])),
            **{f"coef_{m}": chosen.weights.get(m, 0.0) for m in cfg.stacked}}
    keep = KEY + ["split", "fold", "max_train_season", *columns, ENSEMBLE]
    run.scores = pd.concat(parts, ignore_index=True)[keep].sort_values(KEY, kind="stable").reset_index(drop=True)
    return run


def final_history(scores: pd.DataFrame, last_test: int) -> pd.DataFrame:
    """The rows the final stacker fits: every out-of-sample row of scores.parquet (OOF and
    walk-forward test rows, each scored out of sample) of the seasons <= last_test."""
    return scores[scores["season"] <= last_test]


def fit_final_stacker(history: pd.DataFrame, cfg: StackingConfig, series: pd.DataFrame | None,
                      model: GameModel | None, first_test: int,
                      cache: FitCache | None = None) -> FittedStacker:
    """The stacker the forecast applies, chosen and fitted on `history` (whole seasons of
    out-of-sample level-1 rows; objective order: with the target, `with_target`) and, for
    objective series, those seasons' playoff series (series_table COLUMNS); through the fit
    cache (src/training/stacker_fits.py) when one is given."""
    y = stacking_target(history, cfg.target) if cfg.objective == "order" else None
    key = final_key(cfg, model, first_test, history, y, series) if cache is not None else ""
    return cached_final(cache, key, lambda: Stacker(cfg).fit(
        history, y, first_test=first_test, series=series, game_model=model).fitted)


def game_designs(level1: pd.DataFrame, features: dict[str, pd.DataFrame], games: pd.DataFrame | None,
                 columns: list[str]) -> dict[str, dict[int, SeasonSeries]]:
    """Every playoff game (season, home_team, away_team, home_won) as a best-of-1 series."""
    if games is None or games.empty:
        log.warning("stacking.fit_on games: no playoff game file rows; fitting on series")
        return {}
    rows = games[games["season"].isin(level1["season"].unique())].assign(best_of=1)
    return {k: season_designs(level1[KEY].join(x), rows, columns) for k, x in features.items()}


def _splits(seasons: SeasonsConfig) -> list[Split]:
    """The walk-forward plan's splits (src/training/walk_forward.py: OOF folds, then the test
    seasons); the final stacker is fit_final_stacker's."""
    return [fit.split for fit in planned_fits(seasons, final=False)]


def split_rows(level1: pd.DataFrame, split: Split) -> tuple[pd.Series, pd.Series]:
    """(rows the split's stacker fits on, rows it scores): an OOF fold's stacker fits the OOF
    rows of the other folds' seasons, a test season's every out-of-sample row before it."""
    fit_rows = rows_in(level1, split.train_seasons)
    if split.kind == OOF:
        fit_rows &= level1["split"] == OOF
    return fit_rows, (level1["split"] == split.kind) & rows_in(level1, split.predict_seasons)


def _seasons_where(designs: dict, keep) -> dict:
    return {k: {s: d for s, d in by_season.items() if keep(s)} for k, by_season in designs.items()}


def _points(level1: pd.DataFrame, features: dict[str, pd.DataFrame], rows: pd.Series,
            selection: Selection) -> pd.DataFrame:
    out = level1.loc[rows].copy()
    out[ENSEMBLE] = ensemble_points({k: x.loc[rows] for k, x in features.items()}, selection.members, score_column)
    out["max_train_season"] = np.maximum(out["max_train_season"], max(selection.fit_seasons))
    return out


def _ridge(cfg: StackingConfig, level1: pd.DataFrame) -> RidgeStacker:
    return RidgeStacker(cfg).fit(level1, stacking_target(level1, cfg.target))


def _scored(rows: pd.DataFrame, trainer: RidgeStacker) -> pd.DataFrame:
    out = rows.copy()
    out[ENSEMBLE] = trainer.predict(rows)
    out["max_train_season"] = np.maximum(out["max_train_season"], max(trainer.train_seasons))
    return out


def stack_metrics(run: StackRun, cfg: StackingConfig, team_seasons: pd.DataFrame,
                  seasons: SeasonsConfig) -> dict[str, float]:
    """Flat keys for metrics/stack.json: the final (last test season) stacker's alpha and
    coefficients, their means over test seasons, and each score's mean test-season Spearman."""
    last = max(run.test_summaries)
    summaries = pd.DataFrame(run.test_summaries.values())
    scored = run.scores.merge(team_seasons[KEY + ["post_playoff_rank"]], on=KEY, how="left")
    scores = [*[score_column(m) for m in cfg.models], ENSEMBLE]
    return {**{f"{k}_final": v for k, v in run.test_summaries[last].items()},
            **{f"{k}_mean_test": float(summaries[k].mean()) for k in summaries.columns},
            **mean_test_spearman(scored, scores), **srs_baseline(team_seasons, seasons.test_seasons)}


def with_target(level1: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """level1 rows joined with what the stacker's target is made of; every level-1 row must have it."""
    return join_to_level1(level1, targets, TARGET_SOURCES,
                          "team_seasons.parquet: no final order for season={season} team={team}, "
                          "which a level-1 model scored")
