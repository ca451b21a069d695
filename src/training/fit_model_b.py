"""Model B over every split of src/splits.py, plus the final all-seasons model.

For each split, the latest `seasons.n_val_seasons` training seasons choose XGBoost's number
of rounds (early stopping) and the models are then refitted on all of the split's training
seasons; the split's predict seasons are scored. Rows follow docs/contracts.md (oof_model_b).

Every fit goes through the fit cache (src/training/fit_cache.py, kind `model_b`): its key is
model_b's params, the fit's training seasons, the digests of their rows and series (hashed once
per season for all 24 fits), the code and library versions. A fit read back is its three
estimators' saved bytes, loaded the safe way (XGBoost JSON, skops with the forest's trusted
types); each fit made in a worker returns its estimators and their bytes to store. A fit
made in this run scores with the estimators as fitted, one read back with them as loaded: the
same numbers (XGBoost's JSON and skops keep every float exactly; tests/test_fit_cache.py
compares the bytes of a cold and a warm run).
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

import pandas as pd

from src.config import SeasonsConfig
from src.errors import DataError
from src.models.model_b.config import ModelBConfig
from src.training.quality import mean_test_spearman, srs_baseline
from src.splits import Split, early_stopping_split
from src.training.walk_forward import planned_fits, rows_in, with_split
from src.training.targets import KEY, TARGET_COLUMNS
from src.models.model_b.model import ModelB
from src.models.model_b.playoff import PLAYOFF_SCORE, PlayoffRows
from src.models.registry import RF_NAME, XGB_NAME, score_column
from src.training.fit_cache import (CachedKind, Entry, FitCache, cached_fits, fit_key,
                                    library_versions, seasons_digest)
from src.utils.digest import frame_digest
from src.utils.parallel import fan_out, local_jobs

log = logging.getLogger(__name__)
# the ranker's and forest's columns, in the order metrics/train_b.json lists them
SCORE_COLUMNS = [score_column(XGB_NAME), score_column(RF_NAME)]
WORKER_MODULES = (__name__,)     # what a fit task imports in a worker (src/utils/parallel.warm_up)


@dataclass
class ModelBRun:
    scores: pd.DataFrame            # oof_model_b.parquet rows
    final: ModelB            # trained on first_train..last_test
    rounds: dict[str, int]          # XGBoost rounds chosen per split (split name -> rounds)


def model_b_kind(cfg: ModelBConfig) -> CachedKind:
    """Model B in the fit cache: the ranker's and the playoff XGBoost's JSON, the forest's skops
    file, each loaded the safe way when an entry is read (ModelB.from_parts)."""
    parts = ("ranker", "forest") + (("playoff",) if ModelB(cfg).learns_playoffs else ())
    return CachedKind("model_b", parts,
                      lambda entry, where: ModelB.from_parts(cfg, entry.parts, entry.meta, where))


def fit_model_b(features: pd.DataFrame, targets: pd.DataFrame, seasons: SeasonsConfig,
                cfg: ModelBConfig, series: pd.DataFrame | None = None,
                cache: FitCache | None = None) -> ModelBRun:
    """features: season, team, feature columns; targets: src/training/targets.season_targets;
    series: playoff series (src/league/series.py) for model_b.playoff; each fit reads
    only its training seasons' series. cache: Model B's fit cache (model_b_kind), or None."""
    feature_cols = [c for c in features.columns if c not in KEY]
    labelled = features.merge(targets[KEY + TARGET_COLUMNS], on=KEY, how="inner", validate="one_to_one")
    plan = planned_fits(seasons)
    splits = [planned.split for planned in plan[:-1]]
    store = cache is not None and cache.writable

    def fit(todo: list[int]) -> list[Entry]:
        # one task per fit (local processes or a Dask cluster); each task gets only its
        # training seasons' rows and series
        tasks = [(_rows_of(labelled, plan[i].train_seasons), feature_cols, plan[i].train_seasons,
                  seasons.n_val_seasons, cfg,
                  None if series is None else series[rows_in(series, plan[i].train_seasons)],
                  plan[i].split is None, store) for i in todo]
        return fan_out(_fit_task, tasks, n_jobs=local_jobs(), desc="model B fits",
                       labels=[plan[i].name for i in todo], costs=[len(plan[i].train_seasons) for i in todo])
    keys = _keys(plan, labelled, series, cfg, seasons.n_val_seasons) if cache is not None else [""] * len(plan)
    *trainers, final = [entry.loaded for entry in cached_fits(cache, keys, fit, "model B fits")]
    rows, rounds = [], {}
    for split, trainer in zip(splits, trainers):
        rounds[split.name] = trainer.n_rounds
        rows.append(_score_split(trainer, features, feature_cols, split))
    rounds["final"] = final.n_rounds
    log.info("model B: XGBoost rounds chosen on validation seasons: %s", rounds)
    scores = pd.concat(rows, ignore_index=True).sort_values(KEY, kind="stable").reset_index(drop=True)
    return ModelBRun(scores=scores, final=final, rounds=rounds)


def _keys(plan, labelled: pd.DataFrame, series: pd.DataFrame | None, cfg: ModelBConfig,
          n_val: int) -> list[str]:
    """The fit cache key of every planned fit; each season's rows and series hashed once."""
    every = sorted({s for planned in plan for s in planned.train_seasons})
    rows = {s: frame_digest(_rows_of(labelled, [s])) for s in every}
    played = {} if series is None else {int(s): frame_digest(f) for s, f in series.groupby("season", sort=True)}
    params = {name: dataclasses.asdict(value) for name, value in ModelB(cfg).get_params().items()}
    libraries = library_versions("xgboost", "sklearn", "numpy", "pandas")
    return [fit_key("model_b", {**params, "train_seasons": list(p.train_seasons), "n_val_seasons": n_val,
                                # the final forest's bytes are canonical (a model file is made of them)
                                "forest_bytes": "canonical" if p.split is None else "skops"},
                    {"rows": seasons_digest(rows, p.train_seasons),
                     "series": None if series is None else seasons_digest(played, p.train_seasons)},
                    libraries)
            for p in plan]


def _fit_task(labelled: pd.DataFrame, feature_cols: list[str], train_seasons: tuple[int, ...],
              n_val: int, cfg: ModelBConfig, series: pd.DataFrame | None,
              final: bool, store: bool) -> Entry:
    """One split's fit in a worker: the estimators and, to store, their bytes. The final
    model's forest is serialised here (its file must not depend on where the fit ran)."""
    trainer = _fit_on(labelled, feature_cols, train_seasons, n_val, cfg, series)
    if final:
        trainer.freeze()
    return Entry(trainer.parts(canonical=final) if store else {}, trainer.record(), loaded=trainer)


def _fit_on(labelled: pd.DataFrame, feature_cols: list[str], train_seasons: tuple[int, ...],
            n_val: int, cfg: ModelBConfig, series: pd.DataFrame | None = None) -> ModelB:
    fit_seasons, val_seasons = early_stopping_split(train_seasons, n_val)
    fit_rows = _rows_of(labelled, fit_seasons)
    val_rows = _rows_of(labelled, val_seasons) if val_seasons else None
    playoff = None
    if series is not None:
        playoff = PlayoffRows(teams=fit_rows["team"].to_numpy(),
                              series=series[series["season"].isin(list(train_seasons))],
                              val_teams=None if val_rows is None else val_rows["team"].to_numpy())
    return ModelB(cfg).fit(
        fit_rows[feature_cols], fit_rows[TARGET_COLUMNS], fit_rows["season"].to_numpy(),
        None if val_rows is None else val_rows[feature_cols],
        None if val_rows is None else val_rows[TARGET_COLUMNS],
        None if val_rows is None else val_rows["season"].to_numpy(), playoff)


def _score_split(trainer: ModelB, features: pd.DataFrame, feature_cols: list[str],
                 split: Split) -> pd.DataFrame:
    rows = _rows_of(features, split.predict_seasons)
    return with_split(pd.concat([rows[KEY], trainer.predict(rows[feature_cols])], axis=1), split)


def _rows_of(frame: pd.DataFrame, seasons) -> pd.DataFrame:
    rows = frame.loc[frame["season"].isin(list(seasons))].sort_values(KEY, kind="stable")
    missing = sorted(set(seasons) - set(rows["season"].unique().tolist()))
    if missing:
        raise DataError(f"team_features.parquet (joined with targets): no rows for season(s) {missing}")
    return rows.reset_index(drop=True)


def model_b_metrics(run: ModelBRun, team_seasons: pd.DataFrame, seasons: SeasonsConfig) -> dict:
    """metrics/train_b.json: mean test-season Spearman of each model and of rank-by-SRS."""
    scored = run.scores.merge(team_seasons[KEY + ["post_playoff_rank"]], on=KEY, how="left")
    columns = [c for c in [*SCORE_COLUMNS, PLAYOFF_SCORE] if c in run.scores.columns]
    return {**mean_test_spearman(scored, columns), **srs_baseline(team_seasons, seasons.test_seasons),
            "xgb_rounds_final": run.rounds["final"], "xgb_val_ndcg_final": run.final.val_ndcg}
