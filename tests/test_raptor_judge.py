"""The RAPTOR judge (src/explain/raptor.py): regular-season rows only, per-team Spearman and
top-1, no agreement without the file."""
from __future__ import annotations

import pandas as pd
import pytest

from src.explain.raptor import RAPTOR_FILE, raptor_agreement, read_raptor


def _contributors() -> pd.DataFrame:
    rows = []
    for team, order in (("AAA", [3.0, 2.0, 1.0, 0.5]), ("BBB", [0.5, 1.0, 2.0, 3.0])):
        for i, score in enumerate(order):
            rows.append({"season": 2015, "team": team, "player_id": f"{team}{i}",
                         "contribution": score, "minutes_share": 0.25,
                         "minutes_x_net_on_off": score, "model_contribution": -score})
    return pd.DataFrame(rows)


def test_judge_reads_regular_season_rows_and_scores_each_team(tmp_path):
    war = [4.0, 3.0, 2.0, 1.0]
    rows = [{"season": 2015, "team": t, "player_id": f"{t}{i}", "season_type": "RS",
             "war_reg_season": w} for t in ("AAA", "BBB") for i, w in enumerate(war)]
    # playoff rows would reverse the order: they must be ignored
    rows += [{**r, "season_type": "PO", "war_reg_season": -r["war_reg_season"]} for r in rows]
    pd.DataFrame(rows).to_csv(tmp_path / RAPTOR_FILE, index=False)
    metrics, per_team = raptor_agreement(_contributors(), read_raptor(tmp_path))
    assert metrics["raptor_n_team_seasons"] == 2 and metrics["raptor_seasons"] == [2015, 2015]
    assert per_team.set_index("team")["contribution_spearman"].to_dict() == \
        pytest.approx({"AAA": 1.0, "BBB": -1.0})
    assert metrics["raptor_contribution_top1"] == 0.5
    assert metrics["raptor_model_contribution_spearman"] == pytest.approx(0.0)


def test_no_judge_file_means_no_agreement_numbers(tmp_path):
    assert read_raptor(tmp_path) is None
