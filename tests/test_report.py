"""The report (src/report): built from synthetic metrics and plot files written here, so it
runs without the pipeline; the real outputs are checked when a `dvc repro` left them."""
from __future__ import annotations

import dataclasses
import json
import struct
from pathlib import Path

import pandas as pd
import pytest
import yaml

from src.config import load_params
from src.errors import ConfigError, DataError, PipelineError
from src.report.__main__ import main
from src.report.build import build_report
from src.report.config import ReportConfig, report_config
from src.report.sources import plot_specs, producers
from src.report.tables import Comparison, fmt

REPO = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

CFG = ReportConfig(output="reports/report.md", figures_dir="reports/figures", dpi=60,
                   figure_size=[6.0, 4.0], digits=3,
                   pooled_metrics=["spearman", "ndcg_at_4", "brier", "log_loss"],
                   per_season_metrics=["spearman", "log_loss"], chance_p_value=0.05)
PARAMS = {"evaluation": {"interval": 0.9},
          "model_a": {"attention_entropy_min": 0.25, "attention_variance_min": 1e-6}}

DVC_YAML = {
    "stages": {
        "train_a": {"cmd": "x", "outs": ["dvclive/train_a", {"metrics/train_history.json": {"cache": False}}],
                    "metrics": [{"metrics/train_a.json": {"cache": False}}]},
        "train_a_plots": {"cmd": "x", "outs": [{"plots/train_a": {"cache": False}}]},
        "train_b": {"cmd": "x", "metrics": [{"metrics/train_b.json": {"cache": False}}]},
        "stack": {"cmd": "x", "metrics": [{"metrics/stack.json": {"cache": False}}]},
        "evaluate": {"cmd": "x", "outs": [{"reports/eval_report.json": {"cache": False}},
                                          {"plots/evaluate": {"cache": False}}],
                     "metrics": [{"metrics/eval.json": {"cache": False}}]},
        "explain": {"cmd": "x", "outs": [{"reports/explain/summary.md": {"cache": False}}],
                    "metrics": [{"metrics/explain.json": {"cache": False}}]},
    },
    "plots": [
        {"Title odds reliability": {"template": "reliability", "x": "pred_mean", "y": {
            "plots/evaluate/reliability.csv": "actual_rate"},
            "x_label": "predicted", "y_label": "observed"}},
        {"Predicted vs actual rank": {"template": "rank_scatter", "x": "pred_rank",
                                      "y": {"plots/evaluate/rank_vs_actual.csv": "actual_rank"}}},
        {"Spearman per test season": {"template": "lines_by_model", "x": "season", "y": {
            "plots/evaluate/season_spearman.csv": "spearman"}}},
        {"Title odds of the favourites": {"template": "title_odds_bars", "x": "p_champion",
                                          "y": {"plots/evaluate/title_odds.csv": "team"}}},
        {"Model A ListMLE loss": {"template": "curves", "x": "epoch", "y": {
            "plots/train_a/loss.csv": "loss"}}},
        {"Model A attention entropy": {"template": "curves", "x": "epoch", "y": {
            "plots/train_a/attention_entropy.csv": "value"}}},
    ],
}

EVAL = {"ensemble.spearman": 0.9512345, "ensemble.ndcg_at_4": 0.81234, "ensemble.brier": 0.0451,
        "ensemble.log_loss": 1.6049, "baseline_srs.spearman": 0.9288, "baseline_srs.ndcg_at_4": 0.7476,
        "baseline_srs_mc.brier": 0.0483, "baseline_srs_mc.log_loss": 1.7246,
        # ndcg@4: interval includes 0 -> within noise; log-loss: all below 0 -> ensemble better
        "bootstrap.ensemble_vs_baseline_srs.ndcg_at_4.diff": 0.0647,
        "bootstrap.ensemble_vs_baseline_srs.ndcg_at_4.low": -0.0112,
        "bootstrap.ensemble_vs_baseline_srs.ndcg_at_4.high": 0.1401,
        "bootstrap.ensemble_vs_baseline_srs.ndcg_at_4.win_share": 0.91,
        "bootstrap.ensemble_vs_baseline_srs_mc.log_loss.diff": -0.1197,
        "bootstrap.ensemble_vs_baseline_srs_mc.log_loss.low": -0.2301,
        "bootstrap.ensemble_vs_baseline_srs_mc.log_loss.high": -0.0104,
        "bootstrap.ensemble_vs_baseline_srs_mc.log_loss.win_share": 0.985}
EVAL_REPORT = {"test_seasons": [2001, 2002], "primary": "ensemble", "odds_method": "monte_carlo",
               "per_season": {"ensemble": {"2001": {"spearman": 0.91, "log_loss": 1.2},
                                           "2002": {"spearman": 0.97, "log_loss": 2.0}},
                              "baseline_srs": {"2001": {"spearman": 0.88}, "2002": {"spearman": 0.93}}}}
EXPLAIN = {"top_k": 3, "attention_vs_loo_n_teams": 32, "attention_vs_loo_agreement_at_k_mean": 0.71,
           "attention_vs_loo_agreement_at_k_baseline": 0.3, "attention_vs_loo_agreement_at_k_p_value": 0.005,
           "attention_vs_loo_spearman_mean": 0.62, "attention_vs_loo_spearman_baseline": 0.0,
           "attention_vs_loo_spearman_p_value": 0.005,
           "attention_vs_rfx_n_teams": 32, "attention_vs_rfx_agreement_at_k_mean": 0.33,
           "attention_vs_rfx_agreement_at_k_baseline": 0.3, "attention_vs_rfx_agreement_at_k_p_value": 0.4,
           "attention_vs_rfx_spearman_mean": 0.05, "attention_vs_rfx_spearman_baseline": 0.0,
           "attention_vs_rfx_spearman_p_value": 0.3}
HISTORY = [{"step": i, "phase": "select" if i < 6 else "refit", "restarts": 0 if i < 3 else 1}
           for i in range(9)]


def _write(root: Path, rel: str, content: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)


@pytest.fixture
def pipeline_outputs(tmp_path: Path) -> Path:
    """A repo root holding every file the report reads, with hand-picked values."""
    files = {
        "dvc.yaml": yaml.safe_dump(DVC_YAML, sort_keys=False),
        "metrics/eval.json": json.dumps(EVAL),
        "reports/eval_report.json": json.dumps(EVAL_REPORT),
        "metrics/train_a.json": json.dumps({"final_best_epoch": 5, "test_spearman_mean": 0.9433}),
        "metrics/train_history.json": json.dumps(HISTORY),
        "metrics/train_b.json": json.dumps({"spearman_test_mean_xgb": 0.9536}),
        "metrics/stack.json": json.dumps({"alpha_final": 10.0, "coef_model_a": 0.4}),
        "metrics/explain.json": json.dumps(EXPLAIN),
        "reports/explain/summary.md": "# Who drives each playoff team's score: season 2002\n\n"
                                      "## BOS Boston\n\n- **Star Player**: attention 0.412\n",
        "plots/evaluate/reliability.csv":
            "model,bin_low,bin_high,pred_mean,actual_rate,count\nensemble,0.0,0.1,0.03,0.02,50\n"
            "ensemble,0.1,0.2,0.15,0.2,10\nensemble,0.5,0.6,0.55,0.5,2\n"
            "perfect calibration,,,0.0,0.0,\nperfect calibration,,,1.0,1.0,\n",
        "plots/evaluate/rank_vs_actual.csv": "season,team,pred_rank,actual_rank,model\n"
            + "".join(f"2002,T{i},{i},{(i % 5) + 1},ensemble\n" for i in range(1, 6)),
        "plots/evaluate/season_spearman.csv": "season,model,spearman\n2001,ensemble,0.91\n2002,ensemble,0.97\n"
                                              "2001,baseline_srs,0.88\n2002,baseline_srs,0.93\n",
        "plots/evaluate/title_odds.csv": "season,team,favourite,model,p_champion\n"
                                         "2002,T1,1,ensemble,0.41234\n2002,T2,2,ensemble,0.2\n"
                                         "2002,T1,1,baseline_srs_mc,0.35\n2002,T2,2,baseline_srs_mc,0.25\n",
        "plots/train_a/loss.csv": 'epoch,loss,curve\n0,3.0,"train, model selection"\n'
                                  '1,2.5,"train, model selection"\n2,2.2,"train, model selection"\n'
                                  '0,2.9,"train, refit on all seasons"\n1,2.4,"train, refit on all seasons"\n',
        "plots/train_a/attention_entropy.csv": "epoch,value,curve\n0,2.0,entropy\n1,1.5,entropy\n"
            "2,0.2,entropy\n0,0.25,collapse threshold (0.25)\n2,0.25,collapse threshold (0.25)\n",
    }
    for rel, content in files.items():
        _write(tmp_path, rel, content)
    return tmp_path


def _table_rows(markdown: str, first_header: str) -> dict[str, dict[str, str]]:
    """The markdown table whose header starts with `first_header`: first cell -> {column: cell}."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    header = [c.strip() for c in lines[start].strip("|").split("|")]
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(header, cells))
    return rows


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])      # IHDR width, height


def test_every_declared_plot_becomes_a_referenced_png(pipeline_outputs):
    report = build_report(pipeline_outputs, CFG, PARAMS)
    markdown = report.path.read_text()
    pngs = sorted((pipeline_outputs / CFG.figures_dir).glob("*.png"))
    assert len(pngs) == len(DVC_YAML["plots"]) == len(report.figures)
    for png in pngs:
        width, height = _png_size(png)
        assert 200 <= width <= 3000 and 150 <= height <= 3000, (png.name, width, height)
        assert png.stat().st_size > 5000, f"{png.name} looks empty"
        assert f"](figures/{png.name})" in markdown
    assert report.missing == []


def test_numbers_in_the_report_equal_the_metrics_files(pipeline_outputs):
    markdown = build_report(pipeline_outputs, CFG, PARAMS).path.read_text()
    pooled = _table_rows(markdown, "model")
    assert set(pooled) == {"ensemble", "baseline_srs", "baseline_srs_mc"}
    for key, value in EVAL.items():
        name, metric = key.split(".", 1)
        if name != "bootstrap" and metric in CFG.pooled_metrics:
            assert pooled[name][metric] == fmt(value, CFG.digits), key
    assert pooled["ensemble"]["spearman"] == "0.951"            # 0.9512345 at 3 decimals
    assert pooled["baseline_srs"]["brier"] == "–"              # a rank baseline has no odds
    seasons = _table_rows(markdown, "season")                   # first per-season table: spearman
    assert seasons["2002"] == {"season": "2002", "ensemble": "0.970", "baseline_srs": "0.930"}
    odds = _table_rows(markdown, "team")
    assert odds["T1"]["ensemble"] == "0.412" and odds["T1"]["baseline_srs_mc"] == "0.350"
    assert odds["T1"]["actual_rank"] == "2" and list(odds) == ["T1", "T2"]      # favourites first
    explain = _table_rows(markdown, "pair")
    assert explain["attention_vs_loo"]["agreement@3"] == "0.710"


def test_bootstrap_verdicts_say_when_a_difference_is_noise(pipeline_outputs):
    markdown = build_report(pipeline_outputs, CFG, PARAMS).path.read_text()
    rows = _table_rows(markdown, "comparison")
    noisy = rows["ensemble vs baseline_srs"]
    assert noisy["verdict"].startswith("within noise") and noisy["90% interval"] == "[-0.011, 0.140]"
    assert rows["ensemble vs baseline_srs_mc"]["verdict"] == "ensemble better"
    assert "ndcg_at_4: difference 0.065, within noise" in markdown


@pytest.mark.parametrize("low, high, win_share, verdict", [
    (-0.01, 0.14, 0.91, "within noise (interval includes 0)"),
    (0.0, 0.2, 0.97, "within noise (interval includes 0)"),     # 0 on the edge is still noise
    (-0.23, -0.01, 0.98, "ensemble better"),                    # lower-is-better metric
    (-0.23, -0.01, 0.02, "baseline_srs better"),                # higher-is-better metric
])
def test_comparison_verdict(low, high, win_share, verdict):
    c = Comparison("ensemble", "baseline_srs", "m", (low + high) / 2, low, high, win_share)
    assert c.verdict == verdict


def test_explain_pairs_at_chance_are_called_so(pipeline_outputs):
    markdown = build_report(pipeline_outputs, CFG, PARAMS).path.read_text()
    rows = _table_rows(markdown, "pair")
    assert rows["attention_vs_loo"]["agreement@3"] == "0.710"
    assert rows["attention_vs_loo"]["verdict"] == "above chance"
    assert rows["attention_vs_rfx"]["verdict"].startswith("not distinguishable from chance")
    assert rows["attention_vs_rfx"]["agreement p"] == "0.400"
    assert "#### BOS Boston" in markdown                        # summary.md under our headings


def test_missing_inputs_are_named_with_their_stage(pipeline_outputs):
    for rel in ("plots/train_a/loss.csv", "metrics/explain.json", "reports/explain/summary.md"):
        (pipeline_outputs / rel).unlink()
    report = build_report(pipeline_outputs, CFG, PARAMS)
    markdown = report.path.read_text()
    assert ("`plots/train_a/loss.csv` is missing: made by stage `train_a_plots` "
            "(run `dvc repro train_a_plots`).") in markdown
    assert "`metrics/explain.json` is missing: made by stage `explain`" in markdown
    assert "`reports/explain/summary.md` is missing: made by stage `explain`" in markdown
    assert "No figure for 'Model A ListMLE loss'" in markdown
    assert len(report.figures) == len(DVC_YAML["plots"]) - 1
    assert sorted(report.missing) == ["metrics/explain.json", "plots/train_a/loss.csv",
                                      "reports/explain/summary.md"]
    assert _table_rows(markdown, "model")["ensemble"]["log_loss"] == "1.605"


def test_empty_model_columns_are_noted_not_dropped_silently(pipeline_outputs):
    """Wide plot data (one column per model) still works; an empty column is named."""
    dvc = {**DVC_YAML, "plots": [*DVC_YAML["plots"], {"Wide": {"x": "season", "y": {
        "plots/other/wide.csv": ["ensemble", "model_a"]}}}]}
    _write(pipeline_outputs, "dvc.yaml", yaml.safe_dump(dvc, sort_keys=False))
    _write(pipeline_outputs, "plots/other/wide.csv", "season,ensemble,model_a\n2001,0.91,\n2002,0.97,\n")
    markdown = build_report(pipeline_outputs, CFG, PARAMS).path.read_text()
    assert "`plots/other/wide.csv` has no values in column(s) `model_a`" in markdown


def test_long_form_plot_data_draws_one_series_per_model(pipeline_outputs):
    from src.report.figures import _series_data
    from src.report.sources import plot_specs
    spec = next(s for s in plot_specs(DVC_YAML) if s.title == "Spearman per test season")
    frames = {f: pd.read_csv(pipeline_outputs / f) for f in spec.files}
    data, notes = _series_data(spec, frames)
    assert [s.group for s in data] == ["ensemble", "baseline_srs"] and notes == []
    assert data[next(iter(data))]["spearman"].tolist() == [0.91, 0.97]


def test_no_metrics_at_all_fails_clearly(pipeline_outputs):
    for path in (pipeline_outputs / "metrics").glob("*.json"):
        path.unlink()
    with pytest.raises(PipelineError, match="no metrics to report: none of metrics/eval.json"):
        build_report(pipeline_outputs, CFG, PARAMS)
    assert not (pipeline_outputs / CFG.output).exists()


def test_cli_exit_codes(pipeline_outputs):
    params = {"report": dataclasses.asdict(CFG), **PARAMS}
    (pipeline_outputs / "params.yaml").write_text(yaml.safe_dump(params))
    assert main(["-q", "--root", str(pipeline_outputs)]) == 0
    assert (pipeline_outputs / CFG.output).exists()
    for path in (pipeline_outputs / "metrics").glob("*.json"):
        path.unlink()
    assert main(["-q", "--root", str(pipeline_outputs)]) == 1


def test_stale_figures_are_removed(pipeline_outputs):
    stale = pipeline_outputs / CFG.figures_dir / "a_plot_no_longer_declared.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(PNG_SIGNATURE)
    build_report(pipeline_outputs, CFG, PARAMS)
    assert not stale.exists()


def test_bad_inputs_raise_data_errors_naming_the_file(pipeline_outputs):
    (pipeline_outputs / "metrics/eval.json").write_text("{not json")
    with pytest.raises(DataError, match="metrics/eval.json: not valid JSON"):
        build_report(pipeline_outputs, CFG, PARAMS)


def test_declared_column_absent_from_plot_file(pipeline_outputs):
    (pipeline_outputs / "plots/evaluate/rank_vs_actual.csv").write_text("season,team,pred_rank\n2002,T1,1\n")
    with pytest.raises(DataError, match="rank_vs_actual.csv: column 'actual_rank'"):
        build_report(pipeline_outputs, CFG, PARAMS)


def test_project_dvc_yaml_and_params_are_understood():
    dvc = yaml.safe_load((REPO / "dvc.yaml").read_text())
    assert len(plot_specs(dvc)) == len(dvc["plots"])            # every declared plot is drawable
    made_by = producers(dvc)
    assert made_by["metrics/eval.json"] == "evaluate"
    assert made_by["dvclive/train_a"] == "train_a"
    cfg = report_config(load_params(REPO / "params.yaml"))
    assert cfg.pooled_metrics and cfg.figures_dir
    with pytest.raises(ConfigError, match="report.dpi"):
        dataclasses.replace(cfg, dpi=0)


def test_report_of_the_real_pipeline_outputs(tmp_path):
    """When `dvc repro` has run here: the report's pooled numbers are the metrics file's."""
    eval_json = REPO / "metrics/eval.json"
    if not eval_json.exists():
        pytest.skip("metrics/eval.json not found: run `dvc repro evaluate` first")
    for spec in plot_specs(yaml.safe_load((REPO / "dvc.yaml").read_text())):
        for series in spec.series:
            path = REPO / series.file
            if path.exists() and series.column not in pd.read_csv(path, nrows=0).columns:
                pytest.skip(f"{series.file} is in an older layout than dvc.yaml declares: "
                            "re-run the pipeline (`dvc repro`) first")
    params = load_params(REPO / "params.yaml")
    cfg = dataclasses.replace(report_config(params), output=str(tmp_path / "report.md"),
                              figures_dir=str(tmp_path / "figures"))
    report = build_report(REPO, cfg, params)
    flat = json.loads(eval_json.read_text())
    pooled = _table_rows(report.path.read_text(), "model")
    for name, row in pooled.items():
        for metric, cell in row.items():
            if metric != "model":
                assert cell == fmt(flat.get(f"{name}.{metric}"), cfg.digits), (name, metric)
    assert report.figures and all(_png_size(p)[0] > 200 for p in report.figures)


@pytest.mark.parametrize("columns, label", [
    (["train_loss", "val_loss"], "loss"),                       # shared last word
    (["ensemble", "model_a"], "value (see legend)"),
    (["actual_rate"], "actual_rate"),
])
def test_default_y_label_when_dvc_yaml_gives_none(columns, label):
    dvc = {"plots": [{"t": {"x": "step", "y": {"f.tsv": columns}}}]}
    assert plot_specs(dvc)[0].y_label == label


def test_same_inputs_give_the_same_report_bytes(pipeline_outputs):
    first = build_report(pipeline_outputs, CFG, PARAMS)
    before = {p: p.read_bytes() for p in [first.path, *first.figures]}
    second = build_report(pipeline_outputs, CFG, PARAMS)
    assert {p: p.read_bytes() for p in [second.path, *second.figures]} == before


def test_attention_that_tracks_minutes_is_called_out(pipeline_outputs):
    assert "minutes signal" not in build_report(pipeline_outputs, CFG, PARAMS).path.read_text()
    explain = {**EXPLAIN, "attention_vs_minutes_agreement_at_k_mean": 0.93,
               "attention_vs_minutes_spearman_mean": 0.99}
    (pipeline_outputs / "metrics/explain.json").write_text(json.dumps(explain))
    markdown = build_report(pipeline_outputs, CFG, PARAMS).path.read_text()
    assert ("closer to their minutes share (Spearman 0.990) than to their leave-one-out "
            "importance (0.620)") in markdown


def test_the_playoff_record_section_reads_its_numbers_and_names_the_seasons_with_box_scores(pipeline_outputs):
    flat = {**EVAL, "series_asof.ensemble.log_loss": 0.5114, "series_asof.ensemble_record.log_loss": 0.4979,
            **{f"bootstrap.series_asof.ensemble_record_vs_ensemble.log_loss.{k}": v
               for k, v in {"diff": -0.0136, "low": -0.0261, "high": -0.0015, "win_share": 0.97}.items()}}
    report = {**EVAL_REPORT, "playoff_record": {"series_with_record": {
        "2022": {"n": 15, "with_record": 15}, "2023": {"n": 15, "with_record": 15},
        "2024": {"n": 15, "with_record": 8}}}}
    (pipeline_outputs / "metrics/eval.json").write_text(json.dumps(flat))
    (pipeline_outputs / "reports/eval_report.json").write_text(json.dumps(report))
    markdown = build_report(pipeline_outputs, CFG, PARAMS).path.read_text()
    rows = _table_rows(markdown, "yardstick")
    assert rows["series as of game 1, all"] == {"yardstick": "series as of game 1, all", "ensemble": "0.511",
                                                "with the record": "0.498",
                                                "difference [interval]": "-0.014 [-0.026, -0.002]"}
    assert "every series: 2022-2023; in part (the record held as of the day the box scores stop): 2024 (8 of 15 series)." in markdown
    # without the record in the eval report, no section (a run before this variant)
    (pipeline_outputs / "reports/eval_report.json").write_text(json.dumps(EVAL_REPORT))
    assert "playoff record" not in build_report(pipeline_outputs, CFG, PARAMS).path.read_text()
