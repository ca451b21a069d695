"""RFX-Fuse adapter: install message, silenced banners, walk-forward archetypes, determinism."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from src.errors import PipelineError
from src.explain import rfx_fuse
from src.explain.config import RfxFuseConfig
from src.features.player_features import FEATURE_NAMES
from src.features.roster import select_rosters
from src.features.config import RosterConfig

CFG = RfxFuseConfig(enabled=True, n_trees=30, k_similar=2, n_explanations=2, node_size=3,
                    min_train_minutes=0, max_train_rows=150, n_threads=1, seed=3)


def test_missing_package_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "RFXFuse", None)   # import now raises ImportError
    with pytest.raises(PipelineError, match=r"pip install -e \.\[explain\]"):
        rfx_fuse.load_rfxfuse()


def test_native_output_is_silenced(capfd):
    with rfx_fuse.quiet_native_output():
        os.write(1, b"CPU MEMORY INFORMATION banner\n")
        os.write(2, b"more noise\n")
    print("ours")
    out, err = capfd.readouterr()
    assert out == "ours\n" and err == ""


@pytest.fixture
def league(tiny_league):
    players, teams = tiny_league(seasons=(2001, 2002, 2003, 2004), n_teams=6, n_players=9)
    rosters = select_rosters(players, [2001, 2002, 2003, 2004], RosterConfig(9, 0, 500, 2, 0.5))
    return rosters, teams


def test_explain_season_uses_earlier_seasons_only(league, capfd):
    rosters, teams = league
    importance, archetypes = rfx_fuse.explain_season(
        rosters, teams, 2004, (2001, 2002, 2003), FEATURE_NAMES, CFG)
    assert capfd.readouterr().out == ""                      # RFX-Fuse banners captured
    scored = rosters[rosters["season"] == 2004]
    assert len(importance) == len(scored)
    assert (importance["rfx_importance"] >= 0).all()
    # ranks are a permutation 1..n inside each team
    for _, group in importance.groupby("team"):
        assert sorted(group["rfx_rank"]) == list(range(1, len(group) + 1))
    assert len(archetypes) == len(scored) * CFG.k_similar
    assert archetypes["similar_season"].max() < 2004
    assert archetypes["similarity"].between(0, 1).all()
    assert (archetypes["similar_because"].str.len() > 0).any()


def test_forest_follows_the_team_strength(league):
    """net_plus_minus = 3 x hidden quality; team SRS = minutes-weighted quality, so the
    forest's predicted SRS must rise with a player's quality."""
    rosters, teams = league
    importance, _ = rfx_fuse.explain_season(rosters, teams, 2004, (2001, 2002, 2003),
                                            FEATURE_NAMES, CFG)
    merged = importance.merge(rosters[["player_id", "season", "net_plus_minus_per_100_poss"]],
                              on=["player_id", "season"])
    corr = np.corrcoef(merged["rfx_pred_srs"], merged["net_plus_minus_per_100_poss"])[0, 1]
    assert corr > 0.5


def test_same_inputs_same_outputs(league):
    rosters, teams = league
    one = rfx_fuse.explain_season(rosters, teams, 2003, (2001, 2002), FEATURE_NAMES, CFG)
    two = rfx_fuse.explain_season(rosters, teams, 2003, (2001, 2002), FEATURE_NAMES, CFG)
    assert one[0].equals(two[0]) and one[1].equals(two[1])


def test_refuses_a_training_season_at_or_after_the_scored_one(league):
    rosters, teams = league
    with pytest.raises(PipelineError, match="not before scored season 2003"):
        rfx_fuse.explain_season(rosters, teams, 2003, (2002, 2003), FEATURE_NAMES, CFG)


def test_a_season_releases_its_forest(league, monkeypatch):
    # RFX-Fuse keeps every forest in a module-level list (~50 MB each): explain_season
    # takes its own out once read, so a worker's memory does not grow season after season
    rosters, teams = league
    kept = []
    fit = rfx_fuse.fit_player_forest
    monkeypatch.setattr(rfx_fuse, "fit_player_forest",
                        lambda *a: kept.append(fit(*a)) or kept[-1])
    rfx_fuse.explain_season(rosters, teams, 2004, (2001, 2002, 2003), FEATURE_NAMES, CFG)
    store = type(kept[0].model).fit.__globals__["_MODEL_STORAGE"]
    assert not any(m is kept[0].model for m in store)
    assert np.isfinite(kept[0].model.predict(kept[0].matrix(rosters.head(3)))).all()  # still usable
