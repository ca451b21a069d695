"""Copy the pooled results table and the bootstrap verdicts from metrics/eval.json, and the
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


def results_markdown(flat: dict, params: dict) -> str:
    seasons, interval = params["seasons"], params["evaluation"]["interval"]
    lines = [f"Measured {date.today().isoformat()} with `make repro` (= `dvc repro`), walk-forward over "
             f"the test seasons {seasons['first_test']}..{seasons['last_test']}, copied from "
             "`metrics/eval.json` by `python scripts/readme_results.py`. Ranking metrics: mean over "
             "seasons; log-loss: mean over seasons of -log p(champion); Brier: mean over playoff "
             "team-seasons (`brier_season_sum` = per-season sum); ECE over pooled playoff team-seasons.",
             "", *tables.pooled_table(flat, METRICS, 3), "",
             f"Paired bootstrap over test seasons (2,000 resamples): ensemble minus baseline "
             f"(lower is better for log-loss/Brier, higher for NDCG@4).", "",
             *tables.bootstrap_table(tables.comparisons(flat), interval, 3)]
    return "\n".join(lines)


def explain_markdown(flat: dict, params: dict) -> str:
    return "\n".join([
        f"Measured {date.today().isoformat()} with `dvc repro explain` over the test seasons, copied from "
        "`metrics/explain.json`; chance = the same statistic with ranks shuffled within each team.", "",
        *tables.explain_table(flat, params["report"]["chance_p_value"], 3)])


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
