"""Calibrated title moves (issue 27): the title path's strengths as of a morning are
pre + k x (updated - pre) (+ the morning's record term), the in-playoff update shrunk toward the
pre-playoff strength by k; the game forecast keeps the whole update. k of season t: from
`evaluation.title_damping_grid`, the one with the lowest mean title_daily log-loss (-log
P(champion), every playoff morning weighing the same) over the mornings of seasons < t of the
source's title path (the product's: `ensemble_record`); no earlier season: 1; ties to the larger k.
Rule and grid fixed before any number was computed (docs/research/game_variant_prereg.md).

Metrics: title_daily.<source>_damped.* (as every title path) and
bootstrap.title_daily.<source>_damped_vs_<source>.log_loss.* (paired, seasons resampled whole).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from src.evaluation.series import season_bootstrap
from src.odds.series_likelihood import PROB_FLOOR

PREFIX = "title_daily"


@dataclass(frozen=True)
class TitleDamping:
    source: str                 # the title path damped (a name of evaluate_title_daily's plan)
    grid: tuple[float, ...]     # candidate k (1 = the update as it is)
    next_season: int            # also chosen for it (on every season): what the forecast applies
    boot: dict                  # n_resamples, seed, interval


def damped_name(source: str) -> str:
    return f"{source}_damped"


def morning_losses(odds: pd.DataFrame, champions: dict[int, str]) -> pd.DataFrame:
    """season, date, log_loss: -log P(champion) of each morning of a title path."""
    champion = odds["team"].to_numpy() == odds["season"].map(champions).to_numpy()
    rows = odds.loc[champion, ["season", "date", "p_champion"]]
    nll = -np.log(np.clip(rows["p_champion"].to_numpy(float), PROB_FLOOR, None))
    return pd.DataFrame({"season": rows["season"].to_numpy(int), "date": rows["date"].to_numpy(),
                         "log_loss": nll})


def choose_damping(losses: dict[float, pd.DataFrame], targets: list[int]) -> dict[int, float]:
    """Per target season the k with the lowest mean morning log-loss over seasons < target (none
    earlier: 1.0); ties to the larger k. Reads no morning of a season >= target."""
    out = {}
    for target in targets:
        means = {k: float(f.loc[f["season"] < target, "log_loss"].mean()) for k, f in losses.items()
                 if (f["season"] < target).any()}
        out[int(target)] = 1.0 if not means else min(means, key=lambda k: (means[k], -k))
    return out


def damped_table(by_k: dict[tuple[str, float], pd.DataFrame], damping: TitleDamping,
                 champions: dict[int, str]) -> tuple[str, pd.DataFrame, dict, dict[str, float]]:
    """The damped title path (each season's rows from its chosen k), the report (choices, each
    k's pooled log-loss) and the bootstrap against the undamped source."""
    tables = {k: t for (name, k), t in by_k.items() if name == damping.source}
    losses = {k: morning_losses(t, champions) for k, t in tables.items()}
    seasons = sorted(int(s) for s in tables[1.0]["season"].unique())
    choices = choose_damping(losses, [*seasons, int(damping.next_season)])
    table = pd.concat([tables[choices[s]][tables[choices[s]]["season"] == s] for s in seasons], ignore_index=True)
    name = damped_name(damping.source)
    cand, base = morning_losses(table, champions), losses[1.0]
    stats = season_bootstrap(cand, base, "log_loss", **damping.boot)
    boot = {f"bootstrap.{PREFIX}.{name}_vs_{damping.source}.log_loss.{k}": v for k, v in stats.items()}
    report = {"source": damping.source, "grid": list(damping.grid),
              "chosen_on": "mean title_daily log-loss over the mornings of every earlier season; ties to the larger k",
              "choices": {str(s): k for s, k in choices.items()},
              "pooled_log_loss_by_k": {str(k): float(f["log_loss"].mean()) for k, f in sorted(losses.items())}}
    return name, table, report, boot
