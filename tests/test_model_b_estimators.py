"""Model B's three estimators (src/models/model_b/): each fit -> save -> load predicts the same,
get_params is its config (an unfitted twin fits to the same model), and predict reads only what
fit stored."""
from __future__ import annotations

import numpy as np
import pytest

from src.errors import DataError
from src.models.model_b.forest import Forest
from src.models.model_b.playoff import PlayoffRows, PlayoffXgb
from src.models.model_b.ranker import RankerXgb
from src.training.targets import TARGET_COLUMNS, season_targets
from league_b import make_team_seasons
from test_model_b_playoff import CFG, _series_from_strength

COLS = ["mov", "pace", "age"]


@pytest.fixture(scope="module")
def split():
    teams = make_team_seasons(seasons=range(2000, 2010), n_teams=10)
    rows = teams[["season", "team", *COLS]].merge(season_targets(teams, list(range(2000, 2010))),
                                                  on=["season", "team"])
    fit, val, test = (rows[rows["season"] < 2007], rows[rows["season"].isin([2007, 2008])],
                      rows[rows["season"] == 2009])
    return fit, val, test, _series_from_strength(teams, seed=1)


def _fitted(kind, split):
    fit, val, _, series = split
    args = (fit[COLS], fit[TARGET_COLUMNS])
    val_args = (val[COLS], val[TARGET_COLUMNS], val["season"].to_numpy())
    if kind is Forest:
        return Forest(CFG).fit(*args)
    if kind is PlayoffXgb:
        rows = PlayoffRows(teams=fit["team"].to_numpy(), series=series, val_teams=val["team"].to_numpy())
        return PlayoffXgb(CFG).fit(*args, fit["season"].to_numpy(), rows, *val_args)
    return RankerXgb(CFG).fit(*args, fit["season"].to_numpy(), *val_args)


def _load(kind, path):
    return RankerXgb.load(path, CFG.objective) if kind is RankerXgb else kind.load(path)


@pytest.mark.parametrize("kind", [RankerXgb, PlayoffXgb, Forest])
def test_fit_save_load_predicts_the_same(kind, split, tmp_path):
    model = _fitted(kind, split)
    test = split[2]
    path = model.save(tmp_path / ("model.skops" if kind is Forest else "model.json"))
    loaded = _load(kind, path)
    assert loaded.feature_names == COLS
    np.testing.assert_array_equal(loaded.predict(test[COLS]), model.predict(test[COLS]))
    assert np.std(model.predict(test[COLS])) > 0


@pytest.mark.parametrize("kind", [RankerXgb, PlayoffXgb, Forest])
def test_get_params_is_its_config_and_rebuilds_the_same_model(kind, split):
    model = _fitted(kind, split)
    assert model.get_params() == {"cfg": CFG}
    twin = model.unfitted()
    assert type(twin) is kind and twin.get_params() == {"cfg": CFG} and twin is not model
    again = _fitted(kind, split)
    np.testing.assert_array_equal(again.predict(split[2][COLS]), model.predict(split[2][COLS]))


@pytest.mark.parametrize("kind", [RankerXgb, PlayoffXgb, Forest])
def test_predict_refuses_before_fit_and_other_columns(kind, split):
    with pytest.raises(RuntimeError, match="before fit"):
        kind(CFG).predict(split[2][COLS])
    with pytest.raises(DataError, match="feature columns differ"):
        _fitted(kind, split).predict(split[2][COLS[::-1][:2]])


def test_the_xgboost_files_record_their_kind(split, tmp_path):
    ranker = _fitted(RankerXgb, split).save(tmp_path / "ranker.json")
    with pytest.raises(DataError, match="model_b_xgb"):
        PlayoffXgb.load(ranker)
