"""Copy the pooled results table and the bootstrap verdicts from metrics/eval.json (title block and
series block), and the
explain agreement table from metrics/explain.json, into README.md between their markers,
with the date and the command that produced them.

Usage: python scripts/readme_results.py   (after `dvc repro`)
"""
from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from src.config import load_params  # noqa: E402
from src.report import tables  # noqa: E402

METRICS = ["spearman", "ndcg_at_4", "playoff_spearman", "rank_mae", "top1",
           "log_loss", "brier", "brier_season_sum", "ece"]


def _digits(params: dict) -> int:
    """Decimals of every shown metric (params report.digits; src/utils/display.py rounds)."""
    return params["report"]["digits"]


def results_markdown(flat: dict, params: dict) -> str:
    seasons, interval = params["seasons"], params["evaluation"]["interval"]
    lines = [f"Measured {date.today().isoformat()} with `make repro` (= `dvc repro`), walk-forward over "
             f"the test seasons {seasons['first_test']}..{seasons['last_test']}, copied from "
             "`metrics/eval.json` by `python scripts/readme_results.py`. Ranking metrics: mean over "
             "seasons; log-loss: mean over seasons of -log p(champion); Brier: mean over playoff "
             "team-seasons (`brier_season_sum` = per-season sum); ECE over pooled playoff team-seasons.",
             "", *tables.pooled_table(flat, METRICS, _digits(params)), "",
             f"Paired bootstrap over test seasons (2,000 resamples): ensemble minus baseline "
             f"(lower is better for log-loss/Brier, higher for NDCG@4).", "",
             *tables.bootstrap_table(tables.comparisons(flat), interval, _digits(params))]
    return "\n".join(lines)


SERIES_METRICS = ["log_loss", "brier", "accuracy", "n"]
SERIES_BLOCKS = [("series", "every series of the test seasons"),
                 ("series_recent", "the seasons of the playoff game file (real home team of every series)"),
                 ("games", "every playoff game of the game file (home team of each game)")]


def series_block(flat: dict, prefix: str, interval: float, digits: int) -> list[str]:
    """One window of the series yardstick: pooled metrics per model, then its bootstrap."""
    names = list(dict.fromkeys(k.split(".")[1] for k in flat if k.startswith(prefix + ".")))
    rows = [[n, *(tables.fmt(flat.get(f"{prefix}.{n}.{m}"), digits) for m in SERIES_METRICS)] for n in names]
    boot = {k[len("bootstrap.") + len(prefix) + 1:]: v for k, v in flat.items()
            if k.startswith(f"bootstrap.{prefix}.")}
    comps = [c for c in tables.comparisons({f"bootstrap.{k}": v for k, v in boot.items()})
             if c.metric == "log_loss"]
    return [*tables.md_table(["model", *SERIES_METRICS], rows), "",
            *tables.bootstrap_table(comps, interval, digits)]


def series_markdown(flat: dict, params: dict) -> str:
    interval = params["evaluation"]["interval"]
    lines = [f"Measured {date.today().isoformat()} with `dvc repro`, copied from `metrics/eval.json` by "
             "`python scripts/readme_results.py`. P(home-court team wins) from the simulator's game "
             "model with each model's strength in points for season t fitted on seasons < t only; "
             "log-loss, Brier and accuracy pooled over series (games). Bootstrap: seasons resampled "
             f"whole ({params['evaluation']['n_bootstrap']:,} resamples), model minus baseline, "
             "negative = the model is better."]
    for prefix, what in SERIES_BLOCKS:
        first, last = flat.get(f"window.{prefix}.first_season"), flat.get(f"window.{prefix}.last_season")
        if first is None and prefix == "games":
            first, last = flat.get("window.series_recent.first_season"), flat.get("window.series_recent.last_season")
        if not any(k.startswith(prefix + ".") for k in flat):
            continue
        lines += ["", f"**{prefix}**: {what}, seasons {first}..{last}.", "", *series_block(flat, prefix, interval, _digits(params))]
    return "\n".join(lines)


def explain_markdown(flat: dict, params: dict) -> str:
    return "\n".join([
        f"Measured {date.today().isoformat()} with `dvc repro explain` over the test seasons, copied from "
        "`metrics/explain.json`; chance = the same statistic with ranks shuffled within each team.", "",
        *tables.explain_table(flat, params["report"]["chance_p_value"], _digits(params))])


def bench_markdown(bench: dict) -> str:
    rows = [[key, f"{value:g}"] for key, value in bench.items() if isinstance(value, (int, float))
            and key != "cpus"]
    return "\n".join([f"Measured {bench['date']} by `make bench` on {bench['cpus']} cores "
                      f"({bench['machine']}, Python {bench['python']}); copied from `metrics/bench.json`.",
                      "", *tables.md_table(["what", "value"], rows)])


def replace_block(readme: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:START -->", f"<!-- {name}:END -->"
    if start not in readme or end not in readme:
        sys.exit(f"README.md lacks the {start} / {end} markers")
    return re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: f"{start}\n{body}\n{end}",
                  readme, flags=re.S)


def main() -> None:
    params = load_params(REPO / "params.yaml")
    readme = (REPO / "README.md").read_text()
    readme = replace_block(readme, "RESULTS", results_markdown(
        json.loads((REPO / "metrics/eval.json").read_text()), params))
    readme = replace_block(readme, "SERIES", series_markdown(
        json.loads((REPO / "metrics/eval.json").read_text()), params))
    readme = replace_block(readme, "EXPLAIN", explain_markdown(
        json.loads((REPO / "metrics/explain.json").read_text()), params))
    bench = REPO / "metrics/bench.json"
    if bench.exists():
        readme = replace_block(readme, "BENCH", bench_markdown(json.loads(bench.read_text())))
    (REPO / "README.md").write_text(readme)
    print("README.md updated from metrics/eval.json, metrics/explain.json"
          + (", metrics/bench.json" if bench.exists() else ""))


if __name__ == "__main__":
    main()
