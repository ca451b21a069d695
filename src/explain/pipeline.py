"""The explain stage's work over the walk-forward test seasons (stages/explain.py is thin).

For each test season t: contributors from t's walk-forward Model A (attention +
leave-one-out), and, unless `explain.rfx_fuse.enabled` is false, an RFX-Fuse forest
fitted on the same split's training seasons (all < t) for importance and archetypes.
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import torch

from src.config import SeasonsConfig
from src.errors import PipelineError
from src.explain import rfx_fuse
from src.explain.attention import checkpoint_for_season, contributors
from src.explain.compare import ExplainabilityComparator, MethodPair
from src.explain.config import ExplainConfig
from src.explain.raptor import raptor_agreement
from src.features.roster import FeatureSpec, select_rosters_many
from src.models.model_a.config import ModelAConfig
from src.models.model_a.deep_set_rank import DeepSetRank
from src.splits import Split, walk_forward_splits
from src.utils.parallel import fan_out, local_jobs

log = logging.getLogger(__name__)

WORKER_MODULES = (__name__,)     # what a season task imports in a worker (parallel.warm_up)
LOKY_RESTART = "A worker stopped while some jobs were given to the executor"
RFX_COLUMNS = ["rfx_pred_srs", "rfx_local_importance", "rfx_importance", "rfx_rank",
               "rfx_top_features"]
PLAYER_KEY = ["season", "team", "player_id"]


@dataclass
class ExplainResult:
    contributors: pd.DataFrame
    archetypes: pd.DataFrame
    per_team: pd.DataFrame
    metrics: dict[str, float]
    raptor_per_team: pd.DataFrame


def method_pairs(rfx_enabled: bool) -> list[MethodPair]:
    """Method pairs, plus each method against minutes share alone: attention carries a
    minutes bias and the RFX score is minutes-weighted, so "agrees more than minutes do"
    is the bar that matters, not only "more than chance"."""
    pairs = [MethodPair("contribution_vs_minutes", "contribution", "minutes_share"),
             MethodPair("contribution_vs_minutes_x_on_court", "contribution", "minutes_x_on_court"),
             MethodPair("contribution_vs_minutes_x_net_on_off", "contribution",
                        "minutes_x_net_on_off"),
             MethodPair("contribution_vs_loo", "contribution", "loo_importance"),
             MethodPair("attention_vs_loo", "attention", "loo_importance"),
             MethodPair("attention_vs_minutes", "attention", "minutes_share"),
             MethodPair("loo_vs_minutes", "loo_importance", "minutes_share")]
    if rfx_enabled:
        pairs += [MethodPair("contribution_vs_rfx", "contribution", "rfx_importance"),
                  MethodPair("attention_vs_rfx", "attention", "rfx_importance"),
                  MethodPair("loo_vs_rfx", "loo_importance", "rfx_importance"),
                  MethodPair("rfx_vs_minutes", "rfx_importance", "minutes_share")]
    return pairs


def explain_walk_forward(players: pd.DataFrame, teams: pd.DataFrame, seasons: SeasonsConfig,
                         cfg: ExplainConfig,
                         walk_forward_dir: str | Path, *,
                         expected_arch: ModelAConfig, torch_threads: int,
                         raptor: pd.DataFrame | None = None) -> ExplainResult:
    """`expected_arch`: params.yaml model_a; a walk-forward checkpoint of another
    architecture is refused. `torch_threads`: each season's torch threads (model_a.num_threads).
    `raptor` (src/explain/raptor.py): the judge, read only after every contribution is
    computed; None = no agreement numbers (the judge's file is absent)."""
    if cfg.rfx_fuse.enabled:
        rfx_fuse.load_rfxfuse()          # fail before any work if the package is missing
    splits = walk_forward_splits(seasons)
    seasons_scored = [split.predict_seasons[0] for split in splits]
    checkpoints = [checkpoint_for_season(walk_forward_dir, t, expected=expected_arch)
                   for t in seasons_scored]       # (model, spec), loaded once, here
    specs = [spec for _, spec in checkpoints]
    # each checkpoint reads the rosters of the setting it was trained on (the nested choice of
    # model_a_selection may pick other roster settings than params.yaml for some seasons):
    # each distinct setting's rosters are built once, here, not once per season (a roster of
    # season t reads seasons < t only, so one selection over every season serves them all)
    all_seasons = seasons.known_seasons
    rosters_by_cfg = select_rosters_many(players, all_seasons, (s.roster for s in specs))
    tasks = [(model, spec, split, teams, cfg, torch_threads,
              rosters_by_cfg[spec.roster].query("season <= @t"))
             for split, t, (model, spec) in zip(splits, seasons_scored, checkpoints)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = fan_out(explain_season, tasks, n_jobs=local_jobs(), desc="explain seasons",
                          labels=[str(t) for t in seasons_scored])
    _report_worker_restarts(caught)
    frames = [contrib for contrib, _ in results]
    archetypes = [arch for _, arch in results if arch is not None]
    table = pd.concat(frames, ignore_index=True)
    comparator = ExplainabilityComparator(table, method_pairs(cfg.rfx_fuse.enabled), cfg.top_k,
                                          cfg.n_permutations, cfg.seed)
    metrics = {"n_seasons": len(splits), "rfx_fuse_enabled": cfg.rfx_fuse.enabled,
               **comparator.summary()}
    judged = pd.DataFrame()
    if raptor is not None:
        judge_metrics, judged = raptor_agreement(table, raptor)
        metrics.update(judge_metrics)
    arch_table = pd.concat(archetypes, ignore_index=True) if archetypes else _empty_archetypes()
    return ExplainResult(table, arch_table, comparator.per_team(), metrics, judged)


def explain_season(model: DeepSetRank, spec: FeatureSpec, split: Split, teams: pd.DataFrame,
                   cfg: ExplainConfig, torch_threads: int, rosters: pd.DataFrame
                   ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """One test season t (a fan-out task): contributors from t's walk-forward Model A and,
    with RFX-Fuse on, the forest's importance and archetypes. `rosters`: seasons <= t under
    the checkpoint's roster setting. A pure function of its arguments (torch on one thread),
    so any backend gives the same bytes."""
    torch.set_num_threads(torch_threads)
    season = split.predict_seasons[0]
    contrib = contributors(model, spec, None, [season], rosters=rosters)
    contrib.insert(2, "max_train_season", max(spec.train_seasons))
    if not cfg.rfx_fuse.enabled:
        return contrib, None
    importance, arch = rfx_fuse.explain_season(rosters, teams, season, split.train_seasons,
                                               spec.feature_names, cfg.rfx_fuse)
    return _join_rfx(contrib, importance, season), arch


def _report_worker_restarts(caught: list[warnings.WarningMessage]) -> None:
    """loky replaces a worker whose memory has grown 300 MB and warns of "a memory leak"
    (RFX-Fuse kept ~50 MB of every forest it fitted until rfx_fuse.release). Said once,
    plainly; any other warning goes on as it came."""
    restarts = [w for w in caught if str(w.message).startswith(LOKY_RESTART)]
    if restarts:
        log.info("explain seasons: %d worker process(es) replaced after growing 300 MB "
                 "(the results do not depend on it)",
                 len(restarts))
    for w in caught:
        if w not in restarts:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _join_rfx(contrib: pd.DataFrame, importance: pd.DataFrame, season: int) -> pd.DataFrame:
    out = contrib.merge(importance[PLAYER_KEY + RFX_COLUMNS], on=PLAYER_KEY, how="left",
                        validate="one_to_one")
    unmatched = out["rfx_importance"].isna()
    if unmatched.any():
        row = out.loc[unmatched].iloc[0]
        raise PipelineError(f"season {season}: player {row['player_id']} ({row['team']}) is on "
                            "Model A's roster but not in the RFX-Fuse rows")
    return out


def _empty_archetypes() -> pd.DataFrame:
    return pd.DataFrame(columns=["season", "team", "player_id", "player", "archetype_rank",
                                 "similar_season", "similar_team", "similar_player_id",
                                 "similar_player", "similarity", "similar_because"])
