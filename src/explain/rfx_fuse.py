"""RFX-Fuse adapter: a player-level random forest, its importance scores and archetypes.

Target: the player's TEAM outcome, the team's regular-season SRS. Each player-season of
the training seasons is one row (Model A's per-player features, src/features/
player_features.py), labelled with his team's SRS. The forest's prediction for a player
is then "the team strength his stat line points to", i.e. the same question Model A
answers for a whole roster, which is what makes the two comparable. His own on-court
impact (on/off plus-minus) would be a noisier target and already one of the features.
SRS rather than playoff rounds: continuous, known for every team, and Model A's scores
are mapped to SRS points for the title simulation anyway.

Importance of a player (rfx_importance) = minutes share x sum over features of RFX-Fuse's
local (permutation) importance of his row: how far the forest's verdict moves when his
stats are shuffled, weighted by how much of the team's court time he carries (the team
estimate is the minutes-weighted mean of its players' predictions).

Historical archetypes: the k training player-seasons (all from seasons before the scored
one: the forest is fitted per walk-forward split) with the highest forest proximity,
and the features that drive that similarity (proximity importance).

RFX-Fuse's C++ core prints banners to the process's stdout; every call goes through
`quiet_native_output` so the pipeline's own log stays readable.
"""
from __future__ import annotations

import ctypes
import io
import logging
import os
import sys
import tempfile
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
import pandas as pd

from src.artifacts import PLAYER_SEASONS, TEAM_SEASONS
from src.errors import DataError, PipelineError
from src.explain.compare import within_team_rank
from src.explain.config import RfxFuseConfig
from src.utils.logging import ONCE

log = logging.getLogger(__name__)

INSTALL_HINT = ("RFX-Fuse is not installed (Python module `RFXFuse`). Install the CPU "
                "wheel with `pip install -e .[explain]` (package rfx-fuse-cpu; never together "
                "with the GPU package rfx-fuse), or set explain.rfx_fuse.enabled: false in "
                "params.yaml to skip the comparison on purpose.")
TEAM_SOURCE = TEAM_SEASONS.path
TARGET = "srs"
KEY = ["season", "team", "player_id", "player"]
LOCAL_IMPORTANCE_PERMUTATION = 1     # RFX-Fuse method id: prediction change under permutation
LOCAL_IMPORTANCE_REPEATS = 5


def load_rfxfuse() -> Any:
    """The RFXFuse module, or a PipelineError that says how to install it."""
    try:
        with quiet_native_output():
            import RFXFuse
    except ImportError as exc:
        raise PipelineError(INSTALL_HINT) from exc
    return RFXFuse


@contextmanager
def quiet_native_output() -> Iterator[None]:
    """Capture RFX-Fuse's chatter: Python prints (sys.stdout/err) and C++ prints (file
    descriptors 1 and 2, which bypass sys.stdout); the text goes to the debug log."""
    _flush_all()
    saved = [os.dup(1), os.dup(2)]
    python_side = io.StringIO()
    with tempfile.TemporaryFile(mode="w+b") as sink:
        try:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            with redirect_stdout(python_side), redirect_stderr(python_side):
                yield
        finally:
            _flush_all()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            sink.seek(0)
            text = (python_side.getvalue() + sink.read().decode("utf-8", "replace")).strip()
            if text:
                log.debug("RFX-Fuse output:\n%s", text)


def _flush_all() -> None:
    """Python's and C stdio's buffers: C++ output sits in the latter until flushed."""
    sys.stdout.flush()
    sys.stderr.flush()
    ctypes.CDLL(None).fflush(None)


def training_rows(rosters: pd.DataFrame, team_seasons: pd.DataFrame, train_seasons,
                  cfg: RfxFuseConfig) -> pd.DataFrame:
    """Rotation players of the training seasons with their team's SRS, seeded subsample."""
    seasons = sorted({int(s) for s in train_seasons})
    rows = rosters[rosters["season"].isin(seasons) & (rosters["mp"] >= cfg.min_train_minutes)]
    target = team_seasons[["season", "team", TARGET]]
    rows = rows.merge(target, on=["season", "team"], how="left", validate="many_to_one")
    unlabelled = rows[TARGET].isna()
    if unlabelled.any():
        log.info("rfx-fuse: dropped %d training player-seasons whose team has no %s in %s",
                 int(unlabelled.sum()), TARGET, TEAM_SOURCE)
        rows = rows[~unlabelled]
    if rows.empty:
        raise DataError(f"{TEAM_SOURCE}: no player-seasons with {TARGET} and >= "
                        f"{cfg.min_train_minutes} minutes in seasons {seasons[0]}..{seasons[-1]}")
    if len(rows) > cfg.max_train_rows:
        log.info("rfx-fuse: subsampled %d of %d training player-seasons (max_train_rows)",
                 cfg.max_train_rows, len(rows), extra=ONCE)
        rows = rows.sample(n=cfg.max_train_rows, random_state=cfg.seed)
    return rows.sort_values(KEY, kind="mergesort").reset_index(drop=True)


@dataclass
class PlayerForest:
    """A fitted RFX-Fuse regressor plus what is needed to score and explain new rows."""
    model: Any
    features: list[str]
    medians: pd.Series          # training medians: fill for missing stats (e.g. no 3PA)
    train: pd.DataFrame         # key columns of the training rows, in fit order

    def matrix(self, frame: pd.DataFrame) -> np.ndarray:
        return frame[self.features].fillna(self.medians).to_numpy(dtype=np.float32)

    def importance(self, frame: pd.DataFrame, n_explanations: int) -> pd.DataFrame:
        """Per player: predicted team SRS, summed local importance, minutes-weighted score."""
        x = self.matrix(frame)
        with quiet_native_output():
            pred = self.model.predict(x)
            local = self.model.predict_local_importance(
                x, LOCAL_IMPORTANCE_PERMUTATION, LOCAL_IMPORTANCE_REPEATS)
        local = np.asarray(local, dtype=np.float64)
        out = frame[KEY + ["minutes_share"]].reset_index(drop=True).copy()
        out["rfx_pred_srs"] = np.asarray(pred, dtype=np.float64)
        out["rfx_local_importance"] = local.sum(axis=1)
        out["rfx_importance"] = out["minutes_share"] * out["rfx_local_importance"]
        out["rfx_top_features"] = [
            ", ".join(self.features[j] for j in np.argsort(-row, kind="stable")[:n_explanations])
            for row in local]
        return out

    def archetypes(self, frame: pd.DataFrame, k: int, n_explanations: int) -> pd.DataFrame:
        """The k most similar training player-seasons of each row, with the reasons."""
        with quiet_native_output():
            found = self.model.predict_top_k_similar_with_explanations(
                self.matrix(frame), k, n_explanations)
        # raw similarity = share of trees where both land in the same leaf
        idx, sim, _normalised, feat_idx, feat_score = found
        idx, sim = np.asarray(idx), np.asarray(sim)
        reasons = [", ".join(self.features[j] for j, s in zip(fi, fs) if s > 0)
                   for fi, fs in zip(np.asarray(feat_idx), np.asarray(feat_score))]
        # one row per (query row, rank), built column by column: a dict per row was ~60% of
        # this stage's pandas time
        n, k = idx.shape
        match = self.train.iloc[idx.reshape(-1).astype(np.int64)].reset_index(drop=True)
        query = frame[KEY].reset_index(drop=True)
        out = {name: np.repeat(query[name].to_numpy(), k) for name in KEY}
        out["archetype_rank"] = np.tile(np.arange(1, k + 1), n)
        out["similar_season"] = match["season"].to_numpy().astype(int)
        out["similar_team"] = match["team"].to_numpy()
        out["similar_player_id"] = match["player_id"].to_numpy()
        out["similar_player"] = match["player"].to_numpy()
        out["similarity"] = sim.reshape(-1).astype(float)
        out["similar_because"] = np.repeat(np.asarray(reasons, dtype=object), k)
        return pd.DataFrame(out)


def fit_player_forest(train: pd.DataFrame, features: list[str],
                      cfg: RfxFuseConfig) -> PlayerForest:
    rfx = load_rfxfuse()
    medians = train[features].median()
    empty = medians.index[medians.isna()].tolist()
    if empty:
        raise DataError(f"{PLAYER_SEASONS.path}: column(s) {', '.join(empty)} "
                        "have no values in the RFX-Fuse training seasons")
    x = train[features].fillna(medians).to_numpy(dtype=np.float32)
    y = train[TARGET].to_numpy(dtype=np.float32)
    # proximity importance and the overall (out-of-bag) importance are never read (archetypes
    # come from the leaf assignments, importance from predict_local_importance): off, ~13% and
    # ~10% of a fit, the same outputs
    with quiet_native_output():
        model = rfx.RandomForestRegressor(
            nsample=len(x), ntree=cfg.n_trees, mdim=x.shape[1], iseed=cfg.seed,
            nodesize=cfg.node_size, compute_importance=False, compute_local_importance=True,
            compute_leaf_assignments=True, compute_proximity_importance=False,
            show_progress=False, n_threads_cpu=cfg.n_threads)
        model.fit(x, y)
    return PlayerForest(model, list(features), medians, train[KEY].reset_index(drop=True))


def explain_season(rosters: pd.DataFrame, team_seasons: pd.DataFrame, season: int,
                   train_seasons, features: list[str],
                   cfg: RfxFuseConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Importance and archetypes for `season`'s roster players, from a forest that saw
    only `train_seasons` (all < season)."""
    if max(train_seasons) >= season:
        raise PipelineError(f"rfx-fuse: training seasons reach {max(train_seasons)}, "
                            f"not before scored season {season}")
    scored = rosters[rosters["season"] == season]
    if scored.empty:
        raise DataError(f"{PLAYER_SEASONS.path}: no roster players in season {season}")
    forest = fit_player_forest(training_rows(rosters, team_seasons, train_seasons, cfg),
                               features, cfg)
    try:
        importance = forest.importance(scored, cfg.n_explanations)
        importance["rfx_rank"] = within_team_rank(importance, "rfx_importance")
        return importance, forest.archetypes(scored, cfg.k_similar, cfg.n_explanations)
    finally:
        release(forest.model)


def release(model: Any) -> None:
    """Let `model` be freed: RFX-Fuse keeps every forest it builds in a module-level list
    (`_MODEL_STORAGE`, for notebooks), ~50 MB each, so a worker explaining several seasons
    grew until loky replaced it (a fresh process: ~3 s of imports again). Nothing to do
    where a version of RFX-Fuse has no such list."""
    store = getattr(type(model).fit, "__globals__", {}).get("_MODEL_STORAGE")
    while isinstance(store, list) and any(m is model for m in store):
        store.remove(model)
