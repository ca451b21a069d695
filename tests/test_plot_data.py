"""Plot data for `dvc plots show`: long form with a model / curve column, every dvc.yaml plot
backed by a template in .dvc/plots/ and by a file a stage writes."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from src.evaluation.evaluate import EvaluationResult
from src.evaluation.plot_data import PERFECT, PLOTS_DIR, plot_tables
from src.evaluation.train_plots import TRAIN_PLOTS_DIR, train_a_plot_tables

REPO = Path(__file__).resolve().parents[1]
TEAMS = [f"T{i}" for i in range(16)]


def _result() -> tuple[EvaluationResult, pd.DataFrame]:
    """Two test seasons of 16 teams, odds falling with the team index; T0 wins 2001, T1 2002."""
    seasons = [2001, 2002]
    p = np.linspace(2, 0.1, 16)
    p = p / p.sum()
    odds = pd.DataFrame([(s, t, q) for s in seasons for t, q in zip(TEAMS, p)], columns=["season", "team", "p_champion"])
    teams = odds[["season", "team"]].assign(champion=[(s, t) in {(2001, "T0"), (2002, "T1")}
                                                      for s, t in zip(odds["season"], odds["team"])])
    predictions = odds.assign(pred_rank=np.tile(np.arange(1, 17), 2), post_playoff_rank=np.tile(np.arange(16, 0, -1), 2))
    per_season = {m: {s: {"spearman": v} for s in seasons} for m, v in (("ensemble", 0.9), ("baseline_srs", 0.8))}
    result = EvaluationResult(metrics={}, report={"test_seasons": seasons}, predictions=predictions,
                              odds={"ensemble": odds, "baseline_srs_mc": odds.assign(p_champion=1 / 16)},
                              per_season=per_season, primary="ensemble")
    return result, teams


def test_evaluate_plot_data_is_long_form_by_model():
    result, teams = _result()
    tables = plot_tables(result, teams, n_bins=5, n_top=4)
    reliability = tables[PLOTS_DIR / "reliability.csv"]
    assert list(reliability["model"].unique()) == ["ensemble", "baseline_srs_mc", PERFECT]
    assert reliability.loc[reliability["model"] == "ensemble", "count"].sum() == 32
    spearman = tables[PLOTS_DIR / "season_spearman.csv"]
    assert list(spearman.columns) == ["season", "model", "spearman"] and len(spearman) == 4
    assert spearman["season"].dtype.kind == "i"
    odds = tables[PLOTS_DIR / "title_odds.csv"]
    assert set(odds["season"]) == {2002} and list(odds["model"].unique()) == ["ensemble", "baseline_srs_mc"]
    ens = odds[odds["model"] == "ensemble"]
    assert ens["team"].tolist() == ["T0", "T1", "T2", "T3"] and ens["favourite"].tolist() == [1, 2, 3, 4]
    assert (odds.loc[odds["model"] == "baseline_srs_mc", "p_champion"] == 1 / 16).all()


def test_model_a_refit_is_its_own_curve_and_threshold_is_drawn():
    history = [{"phase": "select", "epoch": e, "train_loss": 2.0 - e / 10, "val_loss": 1.9,
                "attention_entropy_mean": 2.4, "attention_max_weight_mean": 0.15, "restarts": 0} for e in range(4)]
    history += [{"phase": "refit", "epoch": e, "train_loss": 2.3 - e / 10, "val_loss": None,
                 "attention_entropy_mean": 2.45, "attention_max_weight_mean": 0.14, "restarts": 0} for e in range(3)]
    tables = train_a_plot_tables(history, entropy_min=0.25, max_players=15)
    loss = tables[TRAIN_PLOTS_DIR / "loss.csv"]
    assert set(loss["curve"]) == {"train + weight penalty, model selection", "validation, model selection",
                                  "train + weight penalty, refit on all seasons"}
    refit = loss[loss["curve"] == "train + weight penalty, refit on all seasons"]
    assert refit["epoch"].tolist() == [0, 1, 2]                 # its own epochs, not steps 4..6
    entropy = tables[TRAIN_PLOTS_DIR / "attention_entropy.csv"]
    threshold = entropy[entropy["curve"].str.startswith("collapse threshold")]
    assert threshold["value"].tolist() == [0.25, 0.25] and threshold["epoch"].tolist() == [0, 3]
    assert entropy.loc[entropy["curve"].str.startswith("uniform"), "value"].iloc[0] == pytest.approx(np.log(15))


def test_every_declared_plot_has_a_template_and_a_writer():
    dvc = yaml.safe_load((REPO / "dvc.yaml").read_text())
    outs = {next(iter(o)) if isinstance(o, dict) else o for st in dvc["stages"].values() for o in st.get("outs", [])}
    for entry in dvc["plots"]:
        (title, spec), = entry.items()
        template = json.loads((REPO / ".dvc" / "plots" / f"{spec['template']}.json").read_text())
        text = json.dumps(template)
        assert "<DVC_METRIC_DATA>" in text and "http" not in text.replace("https://vega.github.io", ""), title
        assert "'" not in title                  # DVC puts the title into a quoted JS string
        assert spec.get("x_label") and spec.get("y_label"), title
        for file in spec["y"]:
            assert any(file.startswith(o.rstrip("/") + "/") for o in outs), (title, file)


def test_model_a_curves_show_every_walk_forward_split_that_trained():
    """The final model kept the warm start (a single point at epoch -1): the splits that
    trained are drawn one line each over their epochs, the threshold across all of them."""
    start = {"epoch": -1, "train_loss": 0.5, "val_loss": 0.49, "attention_entropy_mean": 2.45,
             "attention_max_weight_mean": 0.14, "restarts": 0}
    final = [{**start, "phase": "select"}, {**start, "phase": "refit", "val_loss": None}]
    trained = [{**start, "phase": "select"}] + [
        {**start, "phase": "select", "epoch": e, "val_loss": 0.5 + e / 100,
         "attention_entropy_mean": 2.4 - e / 10} for e in range(6)]
    warm_only = [{**start, "phase": "select"}, {**start, "phase": "refit"}]
    tables = train_a_plot_tables(final, entropy_min=0.4, max_players=15,
                                 split_histories={2010: trained, 2011: warm_only})
    entropy = tables[TRAIN_PLOTS_DIR / "attention_entropy.csv"]
    split = entropy[entropy["curve"].str.startswith("split ")]
    assert set(split["curve"]) == {"split 2010 (fit on seasons < 2010)"}
    assert split["epoch"].tolist() == list(range(6))
    threshold = entropy[entropy["curve"].str.startswith("collapse threshold")]
    assert threshold["value"].tolist() == [0.4, 0.4] and threshold["epoch"].tolist() == [-1, 5]
    loss = tables[TRAIN_PLOTS_DIR / "loss.csv"]
    assert loss.loc[loss["curve"].str.startswith("split 2010"), "loss"].tolist() == \
        pytest.approx([0.5 + e / 100 for e in range(6)])
    weight = tables[TRAIN_PLOTS_DIR / "attention_max_weight.csv"]
    assert (weight["curve"] == "split 2010 (fit on seasons < 2010)").sum() == 6
