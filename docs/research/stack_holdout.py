"""Which stacking.target to use, decided WITHOUT test seasons.

Leave-one-season-out over the seasons before `seasons.first_test`, on their OOF level-1
scores only: for each held-out season h and each target option, fit the stacker on the other
pre-test seasons, score h, then measure on h
* ndcg_at_4 (relevance gain), spearman (final order), playoff_spearman (16 playoff teams):
  src/evaluation/metrics.py, as the evaluate stage computes them;
* title_ll_<map>: -log p(champion) with the score -> points map fitted on the other seasons'
  held-out ensemble scores (docs/research/map_holdout.py helpers; lower is better).
The single level-1 scores are listed as references (no stacker involved).
A research tool, not a stage. Run: `python docs/research/stack_holdout.py` (reads the
train_a/train_b/ingest outputs).
"""
from __future__ import annotations

import logging
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from docs.research.map_holdout import holdout_table
from src.evaluation.metrics import season_ranking_metrics
from src.odds.config import SimulationConfig
from src.odds.title_odds import SeasonInputs
from src.training.level1 import KEY
from src.models.stacker.config import STACK_TARGETS, StackingConfig
from src.models.stacker.fitted import ENSEMBLE
from src.models.stacker.ridge import RidgeStacker
from src.training.targets import stacking_target

log = logging.getLogger(__name__)
RANKING_METRICS = ["ndcg_at_4", "spearman", "playoff_spearman"]
TRUTH = ["conference", "made_playoffs", "post_playoff_rank", "relevance", "srs"]


def loso_scores(level1: pd.DataFrame, cfg: StackingConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each season's ensemble score from a stacker fitted on the other seasons of `level1`
    (with_target rows), and the fitted coefficients per held-out season."""
    parts, fits = [], []
    for season in sorted(int(s) for s in level1["season"].unique()):
        fit_rows = level1[level1["season"] != season]
        trainer = RidgeStacker(cfg).fit(fit_rows, stacking_target(fit_rows, cfg.target))
        held = level1.loc[level1["season"] == season, KEY].copy()
        held[ENSEMBLE] = trainer.predict(level1[level1["season"] == season])
        parts.append(held)
        fits.append({"season": season, "n_fit_rows": trainer.n_fit_rows, **trainer.summary()})
    return pd.concat(parts, ignore_index=True), pd.DataFrame(fits)


def ranking_by_season(frame: pd.DataFrame, score_col: str, ks: list[int]) -> pd.DataFrame:
    """RANKING_METRICS of `score_col` per season of `frame` (scores joined with TRUTH)."""
    rows = [{"season": int(s), **season_ranking_metrics(g, score_col, ks)}
            for s, g in frame.groupby("season")]
    return pd.DataFrame(rows)[["season", *RANKING_METRICS]]


def option_table(frame: pd.DataFrame, score_col: str, inputs: SeasonInputs, sim: SimulationConfig,
                 ks: list[int]) -> pd.DataFrame:
    """Per held-out season: ranking metrics and title log-loss (srs and series maps, raw)."""
    ranking = ranking_by_season(frame, score_col, ks)
    title = holdout_table(frame, score_col, inputs, replace(sim, temperature=False))
    keep = ["season", *[c for c in title.columns if c.startswith("title_ll_") and not c.endswith("_T")]]
    return ranking.merge(title[keep], on="season", how="left")


def holdout_summary(level1: pd.DataFrame, teams: pd.DataFrame, cfg: StackingConfig,
                    inputs: SeasonInputs, sim: SimulationConfig, ks: list[int],
                    references: list[str]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Mean over held-out seasons per option (and per reference score), plus per-season tables."""
    truth = teams[KEY + TRUTH]
    per_season, coefs = {}, []
    for target in STACK_TARGETS:
        scores, fits = loso_scores(level1, replace(cfg, target=target))
        per_season[f"stack:{target}"] = option_table(scores.merge(truth, on=KEY), ENSEMBLE, inputs, sim, ks)
        coefs.append(fits.drop(columns="season").mean().rename(f"stack:{target}"))
    for col in references:
        per_season[col] = option_table(level1[KEY + [col]].merge(truth, on=KEY), col, inputs, sim, ks)
    means = pd.DataFrame({name: t.drop(columns="season").mean() for name, t in per_season.items()}).T
    return means.join(pd.DataFrame(coefs)), per_season


def paired_wins(per_season: dict[str, pd.DataFrame], base: str, metric: str,
                lower_is_better: bool) -> dict[str, str]:
    """'wins/seasons' of each option over `base` on `metric`, season by season."""
    ref = per_season[base].set_index("season")[metric]
    out = {}
    for name, table in per_season.items():
        diff = table.set_index("season")[metric] - ref
        better = (diff < 0) if lower_is_better else (diff > 0)
        out[name] = f"{int(better.sum())}/{int(diff.notna().sum())}"
    return out


def main() -> None:
    from src.config import load_params, seasons_config
    from src.evaluation.config import evaluation_config
    from src.odds.season_inputs import season_inputs
    from src.odds.config import simulation_config
    from src.models.registry import score_column
    from src.training.level1 import combine_level1, read_level1_files
    from src.training.targets import season_targets
    from src.models.stacker.config import stacking_config
    from src.training.train_stacking import with_target

    logging.basicConfig(level=logging.WARNING)
    params = load_params("params.yaml")
    seasons, cfg, sim = seasons_config(params), stacking_config(params), simulation_config(params)
    ks = evaluation_config(params).ndcg_k
    teams = pd.read_parquet("data/interim/team_seasons.parquet")
    level1 = combine_level1(read_level1_files(cfg.models), cfg.models, seasons.first_test)
    level1 = level1[level1["season"] < seasons.first_test]
    pre_test = sorted(int(s) for s in level1["season"].unique())
    level1 = with_target(level1, season_targets(teams, pre_test))
    inputs = season_inputs(teams, pd.read_parquet("data/interim/playoff_series.parquet"), pre_test)
    means, per_season = holdout_summary(level1, teams, cfg, inputs, sim, ks,
                                        [score_column(m) for m in cfg.models])
    means["ndcg4_wins_vs_order"] = pd.Series(paired_wins(per_season, "stack:order", "ndcg_at_4", False))
    title = f"title_ll_{sim.calibrate_to}"
    means[f"{title}_wins_vs_order"] = pd.Series(paired_wins(per_season, "stack:order", title, True))
    pd.set_option("display.width", 200)
    print(f"== leave-one-season-out over {pre_test[0]}-{pre_test[-1]} (OOF scores; no test season)")
    print(means.round(3).to_string())
    for name in (f"stack:{t}" for t in STACK_TARGETS):
        print(f"-- {name} per held-out season")
        print(per_season[name].round(3).to_string(index=False))


if __name__ == "__main__":
    main()
