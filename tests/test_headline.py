"""metrics/headline.json: the only DVC metrics file, a fixed short key list, full precision."""
from pathlib import Path

import yaml

from src.evaluation.headline import HEADLINE, HEADLINE_FILE, headline_metrics

REPO = Path(__file__).resolve().parents[1]
# `dvc exp show --only-changed --drop 'Created|.*/' --md` of a 2-experiment grid (one param,
# two values): "| ├── 0d5a271 [squat-dohs] |" then per column its header + 5 characters (measured
# with dvc 3.67). Every headline column changing, and a param name of 21 characters, fit 160.
# a value: dvc shows 5 significant digits (0.96089, 7 characters) of the full-precision number
COLUMN_EXTRA, EXPERIMENT_COLUMN, PARAM_COLUMN, VALUE_WIDTH = 5, 28, 21 + 5, 7


def test_headline_is_the_listed_subset_renamed_in_order_at_full_precision():
    metrics = {"ensemble.log_loss": 1.715450775, "model_a.spearman": 0.93, "ensemble.spearman": 0.965084,
               "bootstrap.x.diff": 0.1, "evaluate_seconds": 3.2}
    assert headline_metrics(metrics) == {"spearman": 0.965084, "title_log_loss": 1.715450775}
    assert list(headline_metrics(metrics)) == ["spearman", "title_log_loss"]


def test_series_log_loss_drops_in_when_the_evaluation_has_it():
    assert HEADLINE["series_log_loss"] == "series.ensemble.log_loss"
    assert headline_metrics({"series.ensemble.log_loss": 0.61234}) == {"series_log_loss": 0.61234}


def test_an_experiment_table_of_every_headline_metric_fits_160_columns():
    width = EXPERIMENT_COLUMN + PARAM_COLUMN + sum(max(len(n), VALUE_WIDTH) + COLUMN_EXTRA for n in HEADLINE)
    assert width < 160


def test_dvc_yaml_declares_only_the_headline_as_metrics():
    dvc = yaml.safe_load((REPO / "dvc.yaml").read_text())
    declared = [next(iter(m)) if isinstance(m, dict) else m
                for stage in dvc["stages"].values() for m in stage.get("metrics", [])]
    assert declared == [str(HEADLINE_FILE)] and not dvc.get("metrics")
    outs = [next(iter(o)) if isinstance(o, dict) else o for stage in dvc["stages"].values()
            for o in stage.get("outs", [])]
    assert "metrics/eval.json" in outs and not any(o.startswith("dvclive/evaluate") for o in outs)
