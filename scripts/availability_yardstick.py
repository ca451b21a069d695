"""Issue 30 item 6: the as-of series yardstick with availability vs without (paired season
bootstrap), from the pipeline's outputs (evaluate, explain, box_scores stages). The players' playoff
record (item 3) is now judged by the evaluate stage itself (`ensemble_record` in metrics/eval.json,
src/evaluation/record_asof.py).

    PYTHONPATH=. .venv/bin/python scripts/availability_yardstick.py [--out reports/availability_yardstick.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from src import artifacts  # noqa: E402
from src.config import data_config, load_params  # noqa: E402
from src.evaluation.availability_asof import availability_yardstick  # noqa: E402
from src.evaluation.availability_games import game_yardstick  # noqa: E402
from src.odds.playoff_update import playoff_update_config  # noqa: E402
from src.odds.config import simulation_config  # noqa: E402
from src.odds.config import game_model  # noqa: E402
from src.data.playoff_games import playoff_games  # noqa: E402

NAMES = ["ensemble", "model_a", "baseline_srs"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("reports/availability_yardstick.json"))
    args = parser.parse_args()
    params = load_params("params.yaml")
    data = data_config(params)
    teams = pd.read_parquet(artifacts.TEAM_SEASONS.path)
    games = playoff_games(data.resolved_raw_dir(), teams, data.first_season)
    boot = {"n_resamples": params["evaluation"]["n_bootstrap"], "seed": params["evaluation"]["bootstrap_seed"],
            "interval": params["evaluation"]["interval"]}
    metrics, table = availability_yardstick(
        pd.read_parquet("data/processed/series_predictions.parquet"), games,
        pd.read_parquet(artifacts.PLAYOFF_BOX_SCORES.path), pd.read_parquet("reports/explain/contributors.parquet"),
        pd.read_parquet(artifacts.PLAYER_SEASONS.path), NAMES, game_model(simulation_config(params)), boot)
    scores = pd.read_parquet(artifacts.SCORES.path)
    test = scores[scores["split"] == "test"].set_index(["season", "team"])["score_ensemble"].astype(float)
    games_metrics, _ = game_yardstick(
        games, test, pd.read_parquet(artifacts.PLAYOFF_BOX_SCORES.path),
        pd.read_parquet("reports/explain/contributors.parquet"), pd.read_parquet(artifacts.PLAYER_SEASONS.path),
        playoff_update_config(params), game_model(simulation_config(params)), boot, list(range(2011, 2024)))
    metrics["games_ensemble"] = games_metrics
    changed = table[(table["missing_home"] != "") | (table["missing_away"] != "")]
    cols = ["season", "round", "home_team", "away_team", "winner", "missing_home", "missing_away",
            "p_home_asof_ensemble", "p_home_full_ensemble", "p_home_expected_ensemble"]
    metrics["series_with_missing_players"] = changed[cols].round(4).to_dict(orient="records")
    args.out.write_text(json.dumps(metrics, indent=1, default=str) + "\n")
    print(json.dumps({k: v for k, v in metrics.items() if k != "series_with_missing_players"}, indent=1))
    print(changed[cols].round(3).to_string())


if __name__ == "__main__":
    main()
