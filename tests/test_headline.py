"""metrics/headline.json: the only DVC metrics file, a fixed short key list, rounded."""
from pathlib import Path

import yaml

from src.evaluation.headline import HEADLINE_FILE, HEADLINE_KEYS, headline_metrics

REPO = Path(__file__).resolve().parents[1]


def test_headline_is_the_listed_subset_rounded_in_order():
    metrics = {"ensemble.log_loss": 1.72918, "model_a.spearman": 0.93, "ensemble.spearman": 0.965084,
               "bootstrap.x.diff": 0.1, "evaluate_seconds": 3.2}
    assert headline_metrics(metrics) == {"ensemble.spearman": 0.9651, "ensemble.log_loss": 1.7292}
    assert list(headline_metrics(metrics)) == ["ensemble.spearman", "ensemble.log_loss"]


def test_series_log_loss_drops_in_when_the_evaluation_has_it():
    assert "series.ensemble.log_loss" in HEADLINE_KEYS
    assert headline_metrics({"series.ensemble.log_loss": 0.61234})["series.ensemble.log_loss"] == 0.6123


def test_dvc_yaml_declares_only_the_headline_as_metrics():
    dvc = yaml.safe_load((REPO / "dvc.yaml").read_text())
    declared = [next(iter(m)) if isinstance(m, dict) else m
                for stage in dvc["stages"].values() for m in stage.get("metrics", [])]
    assert declared == [str(HEADLINE_FILE)] and not dvc.get("metrics")
    outs = [next(iter(o)) if isinstance(o, dict) else o for stage in dvc["stages"].values()
            for o in stage.get("outs", [])]
    assert "metrics/eval.json" in outs and not any(o.startswith("dvclive/evaluate") for o in outs)
