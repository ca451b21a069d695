"""Markdown tables whose every number is read from a metrics or plot-data file."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import pandas as pd

from src.utils.display import MISSING, metric_text

BOOTSTRAP_PREFIX = "bootstrap."
# metrics/eval.json key prefixes that are not models: the series yardstick's blocks and windows
YARDSTICK_PREFIXES = ("series", "series_recent", "games", "window", "series_asof", "series_asof_round1",
                      "series_asof_rounds2_4", "title_asof", "games_preplayoff", "games_round1",
                      "games_rounds2_4", "games_game1", "games_games2_7", "title_daily")
BOOTSTRAP_STATS = ("diff", "low", "high", "win_share")
MISSING_CELL = MISSING


def fmt(value: Any, digits: int) -> str:
    """One number as the report prints it: the project's one rounding (src/utils/display.py)."""
    return metric_text(value, digits)


def md_table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def model_names(flat: dict[str, Any]) -> list[str]:
    """Models and baselines of metrics/eval.json (`name.metric` keys), in file order."""
    names = [k.split(".", 1)[0] for k in flat if not k.startswith(BOOTSTRAP_PREFIX) and "." in k]
    return [n for n in dict.fromkeys(names) if n not in YARDSTICK_PREFIXES]


def pooled_table(flat: dict[str, Any], metrics: list[str], digits: int) -> list[str]:
    """Rows = models and baselines, columns = the configured metrics that any row has."""
    names = model_names(flat)
    shown = [m for m in metrics if any(f"{n}.{m}" in flat for n in names)]
    return md_table(["model", *shown],
                    ([n, *(fmt(flat.get(f"{n}.{m}"), digits) for m in shown)] for n in names))


@dataclass(frozen=True)
class Comparison:
    """One paired-bootstrap comparison from metrics/eval.json."""
    candidate: str
    baseline: str
    metric: str
    diff: float
    low: float
    high: float
    win_share: float                 # share of resamples in which the candidate is better

    @property
    def within_noise(self) -> bool:
        return self.low <= 0.0 <= self.high

    @property
    def verdict(self) -> str:
        if self.within_noise:
            return "within noise (interval includes 0)"
        winner = self.candidate if self.win_share > 0.5 else self.baseline
        return f"{winner} better"


def comparisons(flat: dict[str, Any]) -> list[Comparison]:
    """Keys `bootstrap.<cand>_vs_<base>.<metric>.<stat>` grouped into comparisons."""
    groups: dict[tuple[str, str], dict[str, float]] = {}
    for key, value in flat.items():
        if not key.startswith(BOOTSTRAP_PREFIX):
            continue
        pair_metric, stat = key[len(BOOTSTRAP_PREFIX):].rsplit(".", 1)
        pair, metric = pair_metric.split(".", 1)
        groups.setdefault((pair, metric), {})[stat] = value
    out = []
    for (pair, metric), stats in groups.items():
        if set(BOOTSTRAP_STATS) - set(stats) or "_vs_" not in pair:
            continue                 # incomplete entry: not a comparison this report can state
        candidate, baseline = pair.split("_vs_", 1)
        out.append(Comparison(candidate, baseline, metric, *(float(stats[s]) for s in BOOTSTRAP_STATS)))
    return out


def bootstrap_table(items: list[Comparison], interval: float | None, digits: int) -> list[str]:
    level = f"{interval:.0%} interval" if interval else "interval"
    return md_table(["comparison", "metric", "difference", level, "candidate better in", "verdict"],
                    ([f"{c.candidate} vs {c.baseline}", c.metric, fmt(c.diff, digits),
                      f"[{fmt(c.low, digits)}, {fmt(c.high, digits)}]",
                      f"{c.win_share:.0%} of resamples", c.verdict] for c in items))


def per_season_table(per_season: dict[str, dict[str, dict[str, float]]], metric: str,
                     digits: int) -> list[str] | None:
    """Rows = test seasons, columns = the models/baselines that have `metric`."""
    names = [n for n, seasons in per_season.items()
             if any(metric in v for v in seasons.values())]
    if not names:
        return None
    seasons = sorted({s for n in names for s in per_season[n]}, key=int)
    return md_table(["season", *names],
                    ([s, *(fmt(per_season[n].get(s, {}).get(metric), digits) for n in names)]
                     for s in seasons))


def key_value_table(values: dict[str, Any], digits: int) -> list[str]:
    return md_table(["metric", "value"], ([k, fmt(v, digits)] for k, v in values.items()
                                          if not isinstance(v, (dict, list))))


def explain_table(metrics: dict[str, Any], chance_p: float, digits: int) -> list[str]:
    """Per method pair: agreement@k and Spearman next to their shuffle baselines and p-values."""
    suffix = "_agreement_at_k_mean"
    pairs = [k[: -len(suffix)] for k in metrics if k.endswith(suffix)]
    k = metrics.get("top_k")
    rows = []
    for p in pairs:
        agree_p = metrics.get(f"{p}_agreement_at_k_p_value")
        verdict = "above chance" if agree_p is not None and agree_p <= chance_p \
            else f"not distinguishable from chance (p > {chance_p})"
        rows.append([p, fmt(metrics.get(f"{p}_n_teams"), digits),
                     fmt(metrics[f"{p}{suffix}"], digits),
                     fmt(metrics.get(f"{p}_agreement_at_k_baseline"), digits), fmt(agree_p, digits),
                     fmt(metrics.get(f"{p}_spearman_mean"), digits),
                     fmt(metrics.get(f"{p}_spearman_baseline"), digits),
                     fmt(metrics.get(f"{p}_spearman_p_value"), digits), verdict])
    return md_table(["pair", "team-seasons", f"agreement@{k}", "agreement chance", "agreement p",
                     "Spearman", "Spearman chance", "Spearman p", "verdict"], rows)


def by_model(odds: pd.DataFrame) -> pd.DataFrame:
    """Long-form title odds (season, team, [favourite,] model, p_champion) one column per model,
    favourites first; a table already wide is returned as it is."""
    if "model" not in odds.columns:
        return odds
    keys = [c for c in ("season", "team", "favourite") if c in odds.columns]
    wide = odds.pivot_table(index=keys, columns="model", values="p_champion", sort=False).reset_index()
    wide.columns.name = None
    models = list(dict.fromkeys(odds["model"]))
    wide = wide.sort_values("favourite") if "favourite" in wide.columns else wide
    return wide[[c for c in keys if c != "favourite"] + models]


def title_odds_table(odds: pd.DataFrame, ranks: pd.DataFrame | None, digits: int) -> list[str]:
    """Favourites of plots/evaluate/title_odds.csv, with the actual final rank when known."""
    table = odds.copy()
    if ranks is not None:
        table = table.merge(ranks[["season", "team", "actual_rank"]], on=["season", "team"],
                            how="left")
        table["actual_rank"] = table["actual_rank"].astype("Int64")
    columns = [c for c in table.columns if c != "season"]
    return md_table(columns, ([fmt(_py(row[c]), digits) for c in columns]
                              for _, row in table.iterrows()))


def _py(value: Any) -> Any:
    """numpy/pandas scalars as Python ones (so fmt formats floats and ints alike everywhere)."""
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value
