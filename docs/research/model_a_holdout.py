"""Choose Model A's settings on the seasons before the first test season only (not a stage).

Every combination of GRID is fitted over the out-of-fold splits of seasons.first_train ..
first_test-1 (season-grouped folds, as train_a scores them for the stacker) and scored by the
pooled series log-loss of those seasons (src/training/model_a_holdout.py). Prints the table
best first and the overrides of the best row; params.yaml's model_a defaults are set from it
by hand (the README says which). Reads data/interim (run `dvc repro ingest` first); every
other setting is params.yaml's. A few minutes on one core.

    python docs/research/model_a_holdout.py [--params params.yaml]
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402

from src.config import load_params, seasons_config  # noqa: E402
from src.features.roster import select_rosters  # noqa: E402
from src.odds.config import simulation_config  # noqa: E402
from src.odds.config import game_model  # noqa: E402
from src.models.model_a.config import model_a_configs  # noqa: E402
from src.features.config import roster_config
from src.models.model_a.fit import SeriesData, configure_torch  # noqa: E402
from src.training.model_a_holdout import best_overrides, candidate_table  # noqa: E402
from src.models.model_a.series_targets import series_by_season  # noqa: E402
from src.utils.io import read_input  # noqa: E402

GRID = {
    # the value head's warm start: off (value prior at scale 1), or a ridge fit whose weight on
    # the move off the scaled prior is 1 / 10 (10 ~ the prior's scale alone)
    "warm_start": [{"warm_start": False}] + [{"warm_start": True, "warm_start_l2": w}
                                             for w in (1.0, 10.0)],
    # Adam's step for the epochs after it
    "learning_rate": [{"learning_rate": lr} for lr in (1e-4, 3e-4, 1e-3)],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", default="params.yaml")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("src.training.model_a_holdout").setLevel(logging.INFO)   # one line a candidate
    start = time.perf_counter()
    params = load_params(args.params)
    seasons = seasons_config(params)
    _, train_cfg = model_a_configs(params["model_a"])
    configure_torch(train_cfg)
    roster_cfg = roster_config(params)
    pre_test = list(seasons.oof_seasons)
    rosters = select_rosters(read_input(Path("data/interim/player_seasons.parquet"), "ingest"),
                             pre_test, roster_cfg)
    teams = read_input(Path("data/interim/team_seasons.parquet"), "ingest")
    teams = teams[teams["season"].isin(pre_test)]
    playoff_series = read_input(Path("data/interim/playoff_series.parquet"), "ingest")
    series = SeriesData(series_by_season(teams, playoff_series, pre_test),
                        game_model(simulation_config(params)))
    table = candidate_table(rosters, teams, seasons, params["model_a"], roster_cfg, series, GRID)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_colwidth", 120)
    n_series = sum(len(series.by_season[s]) for s in pre_test if s in series.by_season)
    print(f"== Model A, OOF series log-loss over {pre_test[0]}-{pre_test[-1]} ({n_series} series, "
          f"{seasons.n_oof_folds} season-grouped folds; no test season read)")
    print(table.round(4).to_string(index=False))
    print(f"best: {best_overrides(GRID, table)}  ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
