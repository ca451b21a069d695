"""Copy the pooled results table and the bootstrap verdicts from metrics/eval.json into
README.md, between the RESULTS markers, with the date and the command that produced them.

Usage: python scripts/readme_results.py   (after `dvc repro evaluate`)
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

START, END = "<!-- RESULTS:START -->", "<!-- RESULTS:END -->"
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


def main() -> None:
    flat = json.loads((REPO / "metrics/eval.json").read_text())
    readme = (REPO / "README.md").read_text()
    if START not in readme or END not in readme:
        sys.exit(f"README.md lacks the {START} / {END} markers")
    block = f"{START}\n{results_markdown(flat, load_params(REPO / 'params.yaml'))}\n{END}"
    (REPO / "README.md").write_text(re.sub(re.escape(START) + ".*?" + re.escape(END),
                                           lambda _: block, readme, flags=re.S))
    print("README.md results table updated from metrics/eval.json")


if __name__ == "__main__":
    main()
