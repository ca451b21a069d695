"""Per 100 Poss.csv at ingest: validated like the other player tables, joined per stint."""
from __future__ import annotations

import pytest

from src.data.ingest import build_tables
from src.errors import DataError
from tests.test_ingest_bad_input import SEASON, edit_csv, write_league


def test_per_100_joins_each_stint_and_marks_the_final_team(tmp_path):
    players = build_tables(write_league(tmp_path / "raw"), SEASON).player_seasons
    traded = players[players["player_id"] == "twob01"].sort_values("stint")
    assert traded["team"].tolist() == ["GSW", "BRK"]            # file order after the 2TM row
    assert traded["final_team"].tolist() == [False, True]
    assert (players["pts_per_100_poss"] == 2.0).all() and (players["o_rtg"] == 2.0).all()


def test_a_bad_number_names_file_column_and_row(tmp_path):
    raw = write_league(tmp_path / "raw")

    def spoil(df):
        df.loc[2, "pts_per_100_poss"] = "lots"
        return df
    edit_csv(raw / "Per 100 Poss.csv", spoil)
    with pytest.raises(DataError, match=r"Per 100 Poss\.csv: column 'pts_per_100_poss', row 4"):
        build_tables(raw, SEASON)


def test_missing_minutes_are_refused(tmp_path):
    raw = write_league(tmp_path / "raw")

    def spoil(df):
        df.loc[0, "mp"] = "NA"
        return df
    edit_csv(raw / "Per 100 Poss.csv", spoil)
    with pytest.raises(DataError, match=r"Per 100 Poss\.csv: column 'mp'.*required"):
        build_tables(raw, SEASON)
