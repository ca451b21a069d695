"""Model A over the shared split policy: contract columns, no leakage, saved walk-forward models."""
from __future__ import annotations

import json

import torch

from src.config import SeasonsConfig
from src.features.roster import fit_feature_spec, select_rosters, to_batch
from src.features.config import RosterConfig
from src.models.model_a.fit import FitTask, fit_model_a
from src.training.model_a_selection import run_all_splits
from tests.conftest import tiny_series
from src.models.model_a.trainer import make_lists
from src.training.report_a import history_rows, log_dvclive, walk_forward_quality

SEASONS = SeasonsConfig(first_train=2001, first_test=2006, last_test=2008, n_oof_folds=2,
                        n_val_seasons=1)
ROSTER = RosterConfig(max_players=8, min_minutes=0, shrink_minutes=500, prior_seasons=2, availability_power=0.5)


def test_oof_and_walk_forward_rows(tiny_league, model_a_configs_small, series_data, tmp_path):
    players, teams = tiny_league(seasons=tuple(range(2001, 2009)), n_teams=4, n_players=6)
    rosters = select_rosters(players, range(2001, 2009), ROSTER)
    (tmp_path / "wf").mkdir()
    (tmp_path / "wf" / "2030.pt").write_bytes(b"stale")      # from an earlier, longer run
    arch, train = model_a_configs_small(epochs=3, refit_on_all=True)
    oof, summaries, _ = run_all_splits(rosters, teams, SEASONS, arch, train, ROSTER,
                                    series_data(teams), walk_forward_dir=tmp_path / "wf")
    assert list(oof.columns) == ["season", "team", "split", "fold", "max_train_season",
                                 "score_model_a"]
    assert len(oof) == 8 * 4 and not oof.duplicated(["season", "team"]).any()
    test = oof[oof["split"] == "test"]
    assert (test["max_train_season"] == test["season"] - 1).all() and (test["fold"] == -1).all()
    assert (oof.loc[oof["split"] == "oof", "max_train_season"] < 2006).all()
    assert sorted(p.name for p in (tmp_path / "wf").iterdir()) == ["2006.pt", "2007.pt", "2008.pt"]
    spec = torch.load(tmp_path / "wf" / "2007.pt", weights_only=True)["feature_spec"]
    assert max(spec["train_seasons"]) == 2006           # its stats never saw 2007
    assert len(summaries) == 5 and all(s["fit_seconds"] >= 0 for s in summaries)
    quality = walk_forward_quality(oof, teams)
    assert quality["n_test_seasons"] == 3 and -1 <= quality["test_spearman_mean"] <= 1


def test_refit_history_and_dvclive(tiny_league, model_a_configs_small, series_data, tmp_path):
    players, teams = tiny_league(seasons=(2001, 2002, 2003))
    rosters = select_rosters(players, (2001, 2002, 2003), ROSTER)
    arch, train = model_a_configs_small(epochs=4, refit_on_all=True)
    fit = fit_model_a(FitTask.of(rosters, teams, (2001, 2002, 2003), arch, train, ROSTER, 1,
                                 series_data(teams)))
    assert fit.val_seasons == [2003] and fit.val_spearman is not None
    phases = [row["phase"] for row in fit.history]
    assert phases.count("refit") == fit.best_epoch + 1 and phases[0] == "select"
    rows = history_rows(fit.history)
    assert [r["step"] for r in rows] == list(range(len(rows)))
    log_dvclive(rows, tmp_path / "live")
    tsv = (tmp_path / "live" / "plots" / "metrics" / "train_loss.tsv").read_text().splitlines()
    assert len(tsv) == len(rows) + 1
    assert "attention_entropy_mean" in json.loads((tmp_path / "live" / "metrics.json").read_text())


def test_per_conference_lists(tiny_league, model_a_configs_small, series_data):
    players, teams = tiny_league(seasons=(2001, 2002, 2003))
    rosters = select_rosters(players, (2001, 2002, 2003), ROSTER)
    batch = to_batch(fit_feature_spec(rosters, (2001, 2002), ROSTER, 64), rosters)
    lists = make_lists(batch, teams, per_conference=True, series=tiny_series(teams))
    assert all(len(item.series) == 3 for item in lists)
    conferences = teams.set_index(["season", "team"])["conference"]
    first = lists[0]
    expected = [conferences[(2001, t)] for t in first.roster.team]
    assert [int(g) for g in first.groups] == [0 if c == "E" else 1 for c in expected]
    arch, train = model_a_configs_small(epochs=2, listmle_per_conference=True)
    fit = fit_model_a(FitTask.of(rosters, teams, (2001, 2002, 2003), arch, train, ROSTER, 1,
                                 series_data(teams)))
    assert fit.val_loss is not None and fit.val_loss > 0
