"""The one fit cache (src/training/fit_cache.py) serving Model B and the stacker: a fit is read
back only when its kind, params, rows, code and versions are those of the stored fit; a cold
and a warm run write the same bytes; a changed param or a changed row of a training season
misses; a damaged entry is a warning naming it and a refit, never a crash or a wrong model.
(Model A's entries: tests/test_model_a_fit_cache.py, tests/test_input_safety_issue28.py.)"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import pickle
from pathlib import Path

import pandas as pd
import pytest

from src.errors import ConfigError
from src.features.config import OpponentAdjustedConfig, SosSrsConfig, TeamFeatureConfig
from src.features.team_features import build_team_features
from src.training import fit_cache
from src.training.fit_cache import FitCache, cache_folder, default_cache
from src.training.fit_cache_entry import envelope
from src.training.fit_model_b import fit_model_b, model_b_kind
from src.training.stacker_fits import FINAL_STACKER, SPLIT_CHOICES
from src.training.targets import season_targets
from src.training.train_stacking import fit_final_stacker, run_stacking
from league_b import make_player_seasons, make_team_seasons
from test_model_b import SEASONS
from test_model_b_playoff import CFG as PLAYOFF_CFG, _series_from_strength
from test_series_stacker import CFG as STACK_CFG, MODEL, SEASONS as STACK_SEASONS, _league

# the playoff-outcome XGBoost on: every entry has all three parts
CFG = dataclasses.replace(PLAYOFF_CFG, xgb=dataclasses.replace(PLAYOFF_CFG.xgb, n_estimators=15))
N_FITS = 3 + 6 + 1          # 3 OOF folds, 6 test seasons, the final fit (test_model_b.SEASONS)


@pytest.fixture(scope="module")
def league():
    teams = make_team_seasons(seasons=range(2000, 2012), n_teams=12)
    features = build_team_features(teams, make_player_seasons(teams),
                                   TeamFeatureConfig(SosSrsConfig(True), OpponentAdjustedConfig(True)))
    return features, season_targets(teams, list(range(2000, 2012))), _series_from_strength(teams, seed=1)


def _model_b(league, cache, tmp_path: Path, cfg=CFG, features=None) -> dict[str, bytes]:
    """Every output train_b makes of a run, as bytes."""
    feats, targets, series = league
    run = fit_model_b(feats if features is None else features, targets, SEASONS, cfg, series, cache)
    out = tmp_path / f"out{len(list(tmp_path.glob('out*')))}"
    files = run.final.save(out / "xgb.json", out / "rf.skops", out / "playoff.json")
    return {"scores": run.scores.to_csv(index=False).encode(), "rounds": json.dumps(run.rounds).encode(),
            "importances": json.dumps(run.final.importances()).encode(),
            "val_ndcg": repr(run.final.val_ndcg).encode(), **{p.name: p.read_bytes() for p in files}}


def test_model_b_cold_and_warm_write_the_same_bytes_and_a_change_misses(league, tmp_path):
    cache = FitCache(tmp_path / "cache", model_b_kind(CFG))
    cold = _model_b(league, cache, tmp_path)
    assert (cache.hits, cache.misses) == (0, N_FITS)
    assert len(list((tmp_path / "cache").glob("*/*.forest"))) == N_FITS
    warm = _model_b(league, cache, tmp_path)
    assert (cache.hits, cache.misses) == (N_FITS, N_FITS)           # every fit read back
    assert warm == cold
    assert _model_b(league, None, tmp_path) == cold                  # and no cache at all
    # one param: every fit is made again
    lr = dataclasses.replace(CFG, xgb=dataclasses.replace(CFG.xgb, learning_rate=0.2))
    _model_b(league, cache, tmp_path, cfg=lr)
    assert (cache.hits, cache.misses) == (N_FITS, 2 * N_FITS)
    # one number in one row of season 2009: the fits that train on 2009 miss, the others hit
    features = league[0].copy()
    row = features.index[features["season"] == 2009][0]
    features.loc[row, features.columns[2]] += 1.0
    _model_b(league, cache, tmp_path, features=features)
    reach = 1 + 2                  # the final fit and the test seasons 2010, 2011 train on 2009
    assert (cache.hits, cache.misses) == (2 * N_FITS - reach, 2 * N_FITS + reach)


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


class RunsCode:
    def __reduce__(self):
        return (Path.touch, (Path("/tmp/planted-by-test-fit-cache"),))


def _plant_pickle_with_its_hash(path: Path) -> None:
    """A pickle where the forest's skops file was, its hash recomputed: skops refuses it."""
    path.write_bytes(pickle.dumps(RunsCode()))
    record = path.with_suffix(".json")
    entry = json.loads(record.read_text())
    parts = {name: path.with_suffix(f".{name}").read_bytes() for name in entry["parts"]}
    record.write_text(envelope(entry["kind"], entry["key"], parts, entry["meta"]))


@pytest.mark.parametrize("damage", [_flip, _plant_pickle_with_its_hash, lambda p: p.unlink()])
def test_a_damaged_model_b_entry_is_a_warning_naming_it_and_a_refit(league, tmp_path, damage, caplog):
    cache = FitCache(tmp_path / "cache", model_b_kind(CFG))
    cold = _model_b(league, cache, tmp_path)
    forest = sorted((tmp_path / "cache").glob("*/*.forest"))[0]
    damage(forest)
    with caplog.at_level(logging.WARNING):
        again = _model_b(league, cache, tmp_path)
    assert (cache.hits, cache.misses) == (N_FITS - 1, N_FITS + 1)
    assert any(str(forest.with_suffix("")) in r.getMessage() and "fitted again" in r.getMessage()
               for r in caplog.records)
    assert again == cold
    assert not Path("/tmp/planted-by-test-fit-cache").exists()
    _model_b(league, cache, tmp_path)                   # the entry was replaced: all hits
    assert cache.hits == 2 * N_FITS - 1


def test_an_entry_of_another_kind_or_key_is_not_used(tmp_path, caplog):
    kind = fit_cache.CachedKind("toy", ("bin",), lambda entry, where: entry.parts["bin"])
    cache = FitCache(tmp_path, kind)
    cache.put("ab" * 32, fit_cache.Entry({"bin": b"fit"}, {"n": 1}))
    assert cache.get("ab" * 32).loaded == b"fit"
    other = FitCache(tmp_path, dataclasses.replace(kind, name="other"))
    with caplog.at_level(logging.WARNING):
        assert other.get("ab" * 32) is None
    assert "an entry of kind 'toy', not 'other'" in caplog.text
    (tmp_path / "cd").mkdir()       # another key's entry copied to this key's place
    (tmp_path / "cd" / ("cd" * 32 + ".json")).write_text((tmp_path / "ab" / ("ab" * 32 + ".json")).read_text())
    (tmp_path / "cd" / ("cd" * 32 + ".bin")).write_bytes(b"fit")
    with caplog.at_level(logging.WARNING):
        assert cache.get("cd" * 32) is None
    assert "stored under inputs abababababab..., not these" in caplog.text


def _stack(level1, series, cfg, split_cache, final_cache):
    run = run_stacking(level1, STACK_SEASONS, cfg, series, MODEL, cache=split_cache)
    final = fit_final_stacker(run.scores, cfg, series, MODEL, STACK_SEASONS.first_test, cache=final_cache)
    return (run.scores.to_csv(index=False).encode(), json.dumps({k: s.report() for k, s in run.selections.items()}),
            final.to_bytes())


def test_the_stacker_cold_and_warm_write_the_same_bytes_and_a_change_misses(tmp_path):
    level1, series = _league(range(2000, 2012), seed=3)
    splits, final = FitCache(tmp_path / "s", SPLIT_CHOICES), FitCache(tmp_path / "f", FINAL_STACKER)
    cold = _stack(level1, series, STACK_CFG, splits, final)
    n = splits.misses
    assert n == 3 + 6 and splits.hits == 0 and (final.hits, final.misses) == (0, 1)
    assert _stack(level1, series, STACK_CFG, splits, final) == cold
    assert (splits.hits, final.hits) == (n, 1)
    assert _stack(level1, series, STACK_CFG, None, None) == cold
    _stack(level1, series, dataclasses.replace(STACK_CFG, penalties=[0.0, 3.0]), splits, final)
    assert (splits.hits, splits.misses, final.misses) == (n, 2 * n, 2)
    # a series of season 2010: the choices of the test season 2011 and the final stacker miss
    changed = series.copy()
    row = changed.index[changed["season"] == 2010][0]
    changed.loc[row, "home_won"] = not changed.loc[row, "home_won"]
    _stack(level1, changed, STACK_CFG, splits, final)
    assert (splits.hits, splits.misses, final.misses) == (2 * n - 1, 2 * n + 1, 3)


def test_the_folder_of_each_kind_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(fit_cache.CACHE_ENV, raising=False)
    monkeypatch.delenv(fit_cache.MODEL_A_ENV, raising=False)
    monkeypatch.delenv("DVC_ROOT", raising=False)
    assert cache_folder("model_a")[0] == Path(".cache/model_a_fits")      # where it always was
    assert cache_folder("model_b")[0] == Path(".cache/model_b_fits")
    monkeypatch.setenv(fit_cache.CACHE_ENV, str(tmp_path))
    assert cache_folder("model_a")[0] == tmp_path / "model_a_fits"
    assert cache_folder("stacker")[0] == tmp_path / "stacker_fits"
    monkeypatch.setenv(fit_cache.MODEL_A_ENV, str(tmp_path / "a"))     # still honoured, for Model A
    assert cache_folder("model_a")[0] == tmp_path / "a"
    assert cache_folder("model_b")[0] == tmp_path / "model_b_fits"
    monkeypatch.setenv(fit_cache.CACHE_ENV, "/dev/null/x")
    with pytest.raises(ConfigError, match="FIT_CACHE=/dev/null/x: /dev/null/x/model_b_fits cannot"):
        default_cache(model_b_kind(CFG))


def test_keys_cover_the_format_and_the_code(monkeypatch):
    key = fit_cache.fit_key("toy", {"a": 1}, {"rows": "x"}, {})
    assert key == fit_cache.fit_key("toy", {"a": 1}, {"rows": "x"}, {})
    assert key != fit_cache.fit_key("toy2", {"a": 1}, {"rows": "x"}, {})
    assert key != fit_cache.fit_key("toy", {"a": 2}, {"rows": "x"}, {})
    assert key != fit_cache.fit_key("toy", {"a": 1}, {"rows": "y"}, {})
    monkeypatch.setattr(fit_cache, "code_digest", lambda: hashlib.sha256(b"edited").hexdigest())
    assert key != fit_cache.fit_key("toy", {"a": 1}, {"rows": "x"}, {})
    monkeypatch.setattr(fit_cache, "FORMAT", 99)
    assert fit_cache.fit_key("toy", {"a": 1}, {"rows": "x"}, {}) != key


def test_model_b_scores_rows_are_the_same_with_pandas_round_trip(league, tmp_path):
    """The scores read back from the cache are the same floats, not just close (no CSV rounding)."""
    cache = FitCache(tmp_path / "cache", model_b_kind(CFG))
    feats, targets, series = league
    cold = fit_model_b(feats, targets, SEASONS, CFG, series, cache).scores
    warm = fit_model_b(feats, targets, SEASONS, CFG, series, cache).scores
    pd.testing.assert_frame_equal(cold, warm, check_exact=True)
